import type { Identity } from "../config/identity";

/**
 * The Synthetic Monitoring job names, stable because alerts and panels select on them: a display
 * name can change; these must not. Each is scoped by stack (`ain-health-check` in prod,
 * `ain-<stack>-health-check` elsewhere): SM keys a check by job and target, and two stacks probing
 * the same functions must not share one.
 */
export const checkSlugs = {
  healthCheck: "health-check",
  pdfGeneration: "generate-valuation-pdf",
  vinDecode: "decode-vin",
  resendStatus: "resend-status",
} as const;
export type CheckId = keyof typeof checkSlugs;

export const checkJob = (settings: { identity: Identity }, id: CheckId): string => settings.identity.uid(checkSlugs[id]);

/** The checks that probe the product's own edge functions (Resend's status page is not one). */
export const functionCheckIds: readonly CheckId[] = ["healthCheck", "pdfGeneration", "vinDecode"];

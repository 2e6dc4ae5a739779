/**
 * The Synthetic Monitoring job names, stable because alerts and panels select on them. A display
 * name can change; these must not.
 */
export const checkJobs = {
  healthCheck: "ain-health-check",
  pdfGeneration: "ain-generate-valuation-pdf",
  vinDecode: "ain-decode-vin",
  resendStatus: "ain-resend-status",
} as const;
export type CheckId = keyof typeof checkJobs;

/** The checks that probe the product's own edge functions (Resend's status page is not one). */
export const functionCheckJobs = [checkJobs.healthCheck, checkJobs.pdfGeneration, checkJobs.vinDecode];

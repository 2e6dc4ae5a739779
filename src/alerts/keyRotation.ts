import { runbookSections } from "../config/runbookItems";
import { periodDays } from "../rotation/periods";
import type { AlertContext } from "./context";
import { externalKeyNames } from "../config/schema";
import { handle, type AlertId } from "./names";
import type { AlertSpec } from "./types";

/** Each external key's reminder, by handle (names.ts). */
export const rotationAlerts = {
  grafanaAuth: "key-rotation-grafana-auth",
  smAccessToken: "key-rotation-sm-access-token",
  githubToken: "key-rotation-github-token",
  pulumiAccessToken: "key-rotation-pulumi-access-token",
  supabaseAccessToken: "key-rotation-supabase-access-token",
  resendApiKey: "key-rotation-resend-api-key",
} as const satisfies Record<(typeof externalKeyNames)[number], AlertId>;

/** Days since a key was rotated, from the date recorded in config: PromQL's time() is the clock, as a vector so it can be compared. */
export const daysSinceExpr = (lastRotated: string) => `(vector(time()) - ${Date.parse(`${lastRotated}T00:00:00Z`) / 1000}) / 86400`;

/**
 * Runbook § API Key Rotation: a P3 reminder for each external key whose rotation date is recorded
 * and whose period has passed. Keys this project generates rotate by themselves and need none.
 */
export function keyRotationAlerts({ settings }: AlertContext): AlertSpec[] {
  const due = periodDays[settings.rotation.every];
  return externalKeyNames
    .flatMap((key) => {
      const lastRotated = settings.rotation.lastRotated[key];
      return lastRotated === undefined ? [] : [{ key, lastRotated }];
    })
    .sort((a, b) => a.key.localeCompare(b.key))
    .map(({ key, lastRotated }) => ({
      ...handle(rotationAlerts[key]),
      area: "key-rotation",
      covers: ["keyRotation"],
      runbookSection: runbookSections.apiKeyRotation,
      severity: "P3",
      severityReason: "Housekeeping on the runbook's monthly list: a weekly digest, not a page.",
      source: "prometheus",
      value: daysSinceExpr(lastRotated),
      comparator: ">",
      threshold: due,
      unit: "days",
      forSeconds: 60 * 60,
      detection: { signal: "clock", fillSeconds: 0 },
      summary: `${key} is due for rotation`,
      description: `${key} was last rotated on ${lastRotated}, {{value}} days ago; the policy is every ${settings.rotation.every} (${due} days). Rotate it, then update rotation.lastRotated.${key}.`,
      noData: "OK",
      execError: "Error",
      stateReason: "time() always answers; nothing here can go silent.",
    }));
}

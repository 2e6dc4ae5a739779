import { runbookSections } from "../config/runbookItems";
import { periodDays } from "../rotation/periods";
import type { AlertContext } from "./context";
import { pascalCase, type AlertSpec } from "./types";

/** Days since a key was rotated, from the date recorded in config: PromQL's time() is the clock, as a vector so it can be compared. */
export const daysSinceExpr = (lastRotated: string) => `(vector(time()) - ${Date.parse(`${lastRotated}T00:00:00Z`) / 1000}) / 86400`;

/**
 * Runbook § API Key Rotation: a P3 reminder for each external key whose rotation date is recorded
 * and whose period has passed. Keys this project generates rotate by themselves and need none.
 */
export function keyRotationAlerts({ settings }: AlertContext): AlertSpec[] {
  const due = periodDays[settings.rotation.every];
  return Object.entries(settings.rotation.lastRotated)
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, lastRotated]) => ({
      id: `key-rotation-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      name: `${pascalCase(key)}RotationOverdue`,
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

import { runbookSections } from "../config/runbookItems";
import { tokensOverLifetimeQuery } from "../sql/queries";
import type { AlertContext } from "./context";
import { requestsOver } from "./signals";
import type { AlertSpec } from "./types";
import { handle } from "./names";

/** Statuses a public link answers with when its token is invalid or expired. */
export const INVALID_TOKEN_STATUSES = ["401", "403", "404", "410"];

/** A surge is refusals at the rate for 15 minutes. */
const SURGE_FOR_MINUTES = 15;

/** Runbook § Public Sharing Token Issues. */
export function sharingTokenAlerts({ settings, sel }: AlertContext): AlertSpec[] {
  const tokens = settings.runbook.sharingTokens;
  return [
    {
      ...handle("sharing-token-lifetime-over-policy"),
      area: "sharing-tokens",
      covers: ["tokenLifetime"],
      runbookSection: runbookSections.publicSharingTokenIssues,
      severity: "P2",
      severityReason: "Reports stay reachable longer than the 30-day promise: a non-critical bug, as the link is still needed to reach them.",
      source: "postgres",
      value: tokensOverLifetimeQuery(tokens.lifetimeDays),
      comparator: ">",
      threshold: 0,
      unit: "count",
      forSeconds: 60,
      detection: { signal: "sql", fillSeconds: 0 },
      summary: `Sharing tokens are issued for longer than ${tokens.lifetimeDays} days`,
      description: `{{value}} live tokens in public_tokens expire more than ${tokens.lifetimeDays} days after they were created.`,
      noData: "OK",
      execError: "Error",
      stateReason: "count(*) always answers; a failing query shows as an error rather than a page.",
    },
    {
      ...handle("sharing-invalid-token-surge"),
      area: "sharing-tokens",
      covers: ["invalidTokens"],
      runbookSection: runbookSections.publicSharingTokenIssues,
      severity: "P2",
      severityReason: "Many people hitting invalid or expired links: a minor feature issue, or tokens expiring early.",
      source: "prometheus",
      // Refusals over a window as long as the 'for', per hour: a burst leaves it before the alert could fire.
      value: `sum(${requestsOver(sel, SURGE_FOR_MINUTES, sel.edge(settings.functions.sharedReport), `status=~"${INVALID_TOKEN_STATUSES.join("|")}"`)}) * ${60 / SURGE_FOR_MINUTES}`,
      comparator: ">",
      threshold: tokens.invalidTokenUsesPerHour,
      unit: "per-hour",
      forSeconds: SURGE_FOR_MINUTES * 60,
      detection: { signal: "edge-logs", fillSeconds: 0, caveat: "once refusals run at the rate, held" },
      summary: "A surge of invalid or expired sharing tokens",
      description: `Shared report links are refused at {{value}} per hour (statuses ${INVALID_TOKEN_STATUSES.join(", ")}). Check expires_at and the RLS policies on public_tokens.`,
      noData: "OK",
      execError: "Error",
      stateReason: "No refused links recorded is the healthy state.",
    },
  ];
}

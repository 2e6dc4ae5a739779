/**
 * What each alert's threshold means, written from the runbook (../shared/seed/runbook.md, and the
 * team's copy at runbookUrl) and, where the runbook gives no number, from this project's stated
 * design (docs/design-choices.md): which side of the threshold is a breach, and what a value exactly at
 * it is. It is written apart from src/ on purpose: the scenarios derive their inputs from each
 * alert's threshold, and take the meaning from here, so a comparator turned the wrong way in the
 * code (`>` for `>=`, `<` for `>`) fails them instead of being copied into their expectations.
 */
export interface ThresholdMeaning {
  /** The side of the threshold that is trouble. */
  breachesWhen: "above" | "below";
  /** A value exactly at the threshold. */
  atThreshold: "breach" | "safe";
  /** The words this reading comes from. */
  because: string;
}

const underBudget = (says: string): ThresholdMeaning => ({ breachesWhen: "above", atThreshold: "breach", because: `runbook, Key Metrics: "${says}": the number itself is not under it` });
const overTrigger = (says: string): ThresholdMeaning => ({ breachesWhen: "above", atThreshold: "safe", because: `runbook: "${says}": the number itself is not over it` });
const design = (breachesWhen: ThresholdMeaning["breachesWhen"], atThreshold: ThresholdMeaning["atThreshold"], because: string): ThresholdMeaning => ({ breachesWhen, atThreshold, because: `not in the runbook: ${because}` });

export const thresholdMeaning: Record<string, ThresholdMeaning> = {
  "vin-decode-latency-over": underBudget("VIN Decode: < 3 seconds"),
  "email-delivery-latency-over": underBudget("Email Delivery: < 5 seconds"),
  "pdf-generation-latency-over": underBudget("PDF Generation: < 10 seconds"),
  "vin-decode-latency-severe": design("above", "breach", "twice the budget, read as the budget is ('< X')"),
  "email-delivery-latency-severe": design("above", "breach", "twice the budget, read as the budget is ('< X')"),
  "pdf-generation-latency-severe": design("above", "breach", "twice the budget, read as the budget is ('< X')"),
  "overall-error-ratio-over-limit": underBudget("Overall error rate: < 1%"),
  "email-error-ratio-over-limit": underBudget("Email delivery failures: < 2%"),
  "pdf-error-ratio-over-limit": underBudget("PDF generation failures: < 0.5%"),
  // Connections are both "< 80% of limit" (Key Metrics) and "> 80% utilization" (upgrade trigger):
  // the Key Metrics line is the healthy range, so 80 % itself is outside it.
  "database-connections-high": underBudget("Database connections: < 80% of limit"),
  "database-queries-slow": overTrigger("Query times > 1 second average"),
  "database-disk-high": overTrigger("Storage > 80% of limit"),
  "storage-near-plan-limit": overTrigger("Storage > 80% of limit"),
  "storage-full-soon": design("above", "breach", "growth that reaches the plan's limit (100 %) within the horizon"),
  "root-disk-high": design("above", "safe", "rootDiskPercent: 'the root filesystem fuller than this'"),
  "database-disk-near-read-only": design("below", "safe", "databaseDiskUrgentPercent: 'fuller than this (less headroom below readOnlyDiskPercent than it leaves)'"),
  "database-read-only": design("above", "breach", "read-only mode on (1) is the failure"),
  "email-endpoints-503": design("above", "breach", "at least the configured count of 503s in the window ('503 errors from email endpoints')"),
  "pdf-generation-500": design("above", "breach", "at least the configured count of 500s in the window ('500 errors from generate-valuation-pdf')"),
  "sharing-invalid-token-surge": design("above", "safe", "invalidTokenUsesPerHour: 'more requests with an invalid or expired token per hour than this are a surge'"),
  "edge-functions-down": design("below", "safe", "'System completely down': the checks' success (1) below 1 at every probe"),
  "database-down": design("below", "safe", "pg_up below 1 is the database not answering"),
  "email-health-check-failing": design("below", "safe", "the health check passing at fewer than half of the probe locations"),
  "vin-decode-check-failing": design("below", "safe", "the check passing at fewer than half of the probe locations"),
  "pdf-check-failing": design("below", "safe", "the check passing at fewer than half of the probe locations"),
  "probe-location-failing": design("below", "safe", "a location whose every system-down check fails"),
  "probe-location-silent": design("above", "safe", "any location silent (more than 0)"),
  "signal-missing-metrics-api": design("above", "safe", "the pipeline silent (1); 0 is its signal arriving"),
  "signal-missing-probes": design("above", "safe", "the pipeline silent (1); 0 is its signal arriving"),
  "signal-missing-log-drain": design("above", "safe", "the pipeline silent (1); 0 is its signal arriving"),
  "signal-missing-metrics-api-checks": design("above", "safe", "the pipeline silent (1); 0 is its signal arriving"),
  "database-unreachable": design("below", "safe", "the database's checks and pg_up quiet together"),
};

/** Burn rates, the SRE workbook's reading: paging when the budget burns faster than the rate. */
export const burnRateMeaning: ThresholdMeaning = design("above", "safe", "a burn rate over the multiple (Google SRE workbook, ch. 5)");
/** Failing at low volume: at least the configured number of failing minutes in the hour. */
export const lowVolumeMeaning: ThresholdMeaning = design("above", "breach", "at least minFailedMinutes failing minutes in the hour");

export function meaningOf(alertId: string): ThresholdMeaning {
  if (/-burn-(fast|medium|slow|veryslow)$/.test(alertId)) return burnRateMeaning;
  if (alertId.endsWith("-failing-at-low-volume")) return lowVolumeMeaning;
  const meaning = thresholdMeaning[alertId];
  if (!meaning) throw new Error(`no threshold meaning for ${alertId}: add what the runbook says to test/alerts/runbookMeaning.ts`);
  return meaning;
}

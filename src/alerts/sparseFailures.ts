import type { AlertContext } from "./context";
import { ERROR_STATUS } from "./slo";
import { recordedWindow, requestsOver, series } from "./signals";
import { handle } from "./names";
import type { Journey } from "./journeys";
import type { AlertSpec } from "./types";

/**
 * A journey failing at the product's real volume: a few requests an hour, far under the traffic
 * the ratio and burn-rate alerts need (errorBudgets.lowTrafficGuardRequestsPerHour). Server errors
 * in at least `minFailedMinutes` different minutes, and at least `minFailedShare` of the window's
 * requests: one failed request, or one person retrying in the same minute, never alerts, and a
 * function failing for everyone alerts within the window at `lowestRequestsPerHour`. No 'for': the
 * count of failing minutes is the debounce, and the window already spans many evaluations.
 */
export function sparseFailureAlert({ settings, sel }: AlertContext, journey: Journey): AlertSpec {
  const { windowMinutes, minFailedMinutes, minFailedShare, lowestRequestsPerHour } = settings.runbook.failureModes.sparseFailures;
  const scope = sel.edge(journey.functionName);
  const errors = series(sel.recorded.requestsPerMinute, scope, `status=~"${ERROR_STATUS}"`);
  // A point of the per-minute count is a minute with such requests; two statuses in one minute count twice.
  const failedMinutes = `sum(count_over_time(${errors}[${recordedWindow(windowMinutes)}]))`;
  const failures = `sum(${requestsOver(sel, windowMinutes, scope, `status=~"${ERROR_STATUS}"`)})`;
  const requests = `sum(${requestsOver(sel, windowMinutes, scope)})`;
  return {
    ...handle(`${journey.id}-failing-at-low-volume`),
    area: journey.area,
    covers: [journey.lowVolume.covers],
    runbookSection: journey.lowVolume.runbookSection,
    severity: journey.lowVolume.severity,
    severityReason: journey.lowVolume.severityReason,
    source: "prometheus",
    value: failedMinutes,
    comparator: ">=",
    threshold: minFailedMinutes,
    unit: "count",
    guard: {
      query: `${failures} / ${requests}`,
      min: minFailedShare,
      unit: "ratio",
      why: `a few failures among many successes is the error-rate alerts' to judge, not a broken journey`,
    },
    forSeconds: 0,
    // Failing for everyone at the lowest volume: the n-th failed request comes n / volume hours in.
    detection: {
      signal: "edge-logs",
      fillSeconds: Math.ceil((minFailedMinutes / lowestRequestsPerHour) * 3600),
      caveat: `failing for everyone at ${lowestRequestsPerHour} requests an hour`,
    },
    summary: `${journey.title} is failing for most of its requests`,
    description: `${journey.title} (${journey.functionName}): server errors in {{value}} different minutes of the last ${windowMinutes}, at least ${minFailedShare * 100} % of the requests. At this product's volume the error-rate alerts stay silent; this one counts.`,
    noData: "OK",
    execError: "Error",
    stateReason: "No requests, or no failed ones, in the window is the healthy state.",
  };
}

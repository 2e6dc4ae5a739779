import type { Severity } from "../config/runbook";
import type { PlainValidated } from "../config/settings";
import { FIRST_STEP_GROUP_WAIT_SECONDS } from "../escalation/waits";
import { checkSpecs } from "../synthetics/checks";
import type { CheckId } from "../synthetics/jobs";
import { EVALUATION_INTERVAL_SECONDS } from "./evaluation";
import type { AlertSpec, Detection } from "./types";

/**
 * Worst-case time to page, bounded from the configuration rather than sampled: every clock
 * between a failure and a notification, each in its worst phase.
 *
 *   signal    a failure is in a sample only once the producer looks and the sample arrives:
 *             a check's next execution (its frequency) plus its timeout (a hanging function fails
 *             only then); the next scrape; the minute a drain count covers; plus each pipeline's
 *             arrival delay (signals.arrivalDelaySeconds)
 *   fill      the query's window, until a total failure crosses the threshold (0 for a latest value)
 *   eval      the next evaluation of the rule's group
 *   for       the pending period, rounded up to whole evaluations
 *   wait      the first step's group_wait of the severity's route
 *
 * An absence condition is seen once its window has passed without a sample, whatever the phases.
 */

export interface Clocks {
  ruleEvaluationSeconds: number;
  pageEvaluationSeconds: number;
  scrapeSeconds: number;
  arrival: { syntheticMonitoring: number; metricsApi: number; logDrain: number };
  checks: Record<CheckId, { frequencySeconds: number; timeoutSeconds: number }>;
}

type ClockSettings = Pick<PlainValidated, "signals" | "metricsScrape" | "synthetics" | "runbook" | "functions" | "functionsBaseUrl" | "identity">;

export function clocksOf(settings: ClockSettings): Clocks {
  const specs = checkSpecs(settings);
  const checks = Object.fromEntries(specs.map((c) => [c.id, { frequencySeconds: c.frequencyMs / 1000, timeoutSeconds: c.timeoutMs / 1000 }])) as Clocks["checks"];
  return {
    ruleEvaluationSeconds: EVALUATION_INTERVAL_SECONDS,
    pageEvaluationSeconds: settings.signals.pageEvaluationSeconds,
    scrapeSeconds: settings.metricsScrape.intervalSeconds,
    arrival: settings.signals.arrivalDelaySeconds,
    checks,
  };
}

/** The P0s are evaluated faster than the rest: their group's interval. */
export const evaluationSecondsOf = (clocks: Pick<Clocks, "ruleEvaluationSeconds" | "pageEvaluationSeconds">, severity: Severity): number =>
  severity === "P0" ? clocks.pageEvaluationSeconds : clocks.ruleEvaluationSeconds;

/** From the failure until a sample showing it can be queried, in the worst phase. */
export function signalLatencySeconds(clocks: Clocks, d: Detection): number {
  switch (d.signal) {
    case "probe": {
      const ids = d.checks?.ids ?? [];
      if (ids.length === 0) throw new Error("a probe detection names its checks");
      const each = ids.map((id) => clocks.checks[id].frequencySeconds + clocks.checks[id].timeoutSeconds);
      // "all": the last of them to run decides; "any": the first to run.
      return (d.checks?.need === "any" ? Math.min(...each) : Math.max(...each)) + clocks.arrival.syntheticMonitoring;
    }
    case "metrics-api":
      return clocks.scrapeSeconds + clocks.arrival.metricsApi;
    case "edge-logs":
      return EVALUATION_INTERVAL_SECONDS + clocks.arrival.logDrain;
    case "sql":
    case "clock":
      return 0;
  }
}

export interface PageBound {
  signalSeconds: number;
  fillSeconds: number;
  evaluationSeconds: number;
  forSeconds: number;
  groupWaitSeconds: number;
  totalSeconds: number;
}

export function worstCaseToPage(clocks: Clocks, alert: Pick<AlertSpec, "severity" | "forSeconds" | "detection">): PageBound {
  const evaluationSeconds = evaluationSecondsOf(clocks, alert.severity);
  const forSeconds = Math.ceil(alert.forSeconds / evaluationSeconds) * evaluationSeconds;
  const seen = signalLatencySeconds(clocks, alert.detection) + alert.detection.fillSeconds;
  const signalSeconds = Math.max(seen, alert.detection.absentForSeconds ?? 0) - alert.detection.fillSeconds;
  const groupWaitSeconds = FIRST_STEP_GROUP_WAIT_SECONDS[alert.severity];
  return {
    signalSeconds,
    fillSeconds: alert.detection.fillSeconds,
    evaluationSeconds,
    forSeconds,
    groupWaitSeconds,
    totalSeconds: signalSeconds + alert.detection.fillSeconds + evaluationSeconds + forSeconds + groupWaitSeconds,
  };
}

/**
 * An area's alerts split by evaluation interval, the area's usual interval first: the group of the
 * faster ones is named by the suffix "paging".
 */
export function ruleGroupsOf<T>(alerts: T[], intervalOf: (a: T) => number): { suffix?: string; intervalSeconds: number; alerts: T[] }[] {
  const usual = alerts.filter((a) => intervalOf(a) === EVALUATION_INTERVAL_SECONDS);
  const paging = alerts.filter((a) => intervalOf(a) !== EVALUATION_INTERVAL_SECONDS);
  const intervals = new Set(paging.map(intervalOf));
  if (intervals.size > 1) throw new Error("the paging rules share one evaluation interval");
  return [
    ...(usual.length > 0 ? [{ intervalSeconds: EVALUATION_INTERVAL_SECONDS, alerts: usual }] : []),
    ...(paging.length > 0 ? [{ suffix: "paging", intervalSeconds: intervalOf(paging[0]), alerts: paging }] : []),
  ];
}


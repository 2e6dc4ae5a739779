import type { Settings } from "../config/settings";
import { edgeLogs, edgeSeriesOf, syntheticTraffic } from "./signals";
import type { RecordingRule } from "./slo";
import { duration, EVALUATION_INTERVAL_SECONDS } from "./evaluation";

/**
 * The only recording rules: the edge-function logs (LogQL, in Loki) turned into Prometheus series.
 * Everything else reads these with windows (signals.ts: requestsOver, freshRecorded), so nothing
 * that Grafana records can linger past the evaluation that last wrote it.
 */
export function logRecordingRules(settings: Settings): RecordingRule[] {
  const stream = edgeLogs.stream(settings);
  const edgeSeries = edgeSeriesOf(settings.identity);
  // Structured metadata, milliseconds as a string; absent on some lines (e.g. a boot error).
  const ms = settings.logDrain.executionTimeField;
  const traffic = syntheticTraffic.label;
  // Lines reach Loki late (logflare batches): each evaluation counts the minute that ended this
  // long ago, so a line up to this late is counted once, in its own minute. A later line, or a
  // minute whose evaluation failed, is never counted: counts can only be low, never doubled.
  const late = settings.signals.arrivalDelaySeconds.logDrain;
  const offset = late > 0 ? ` offset ${duration(late)}` : "";
  return [
    {
      // One evaluation's requests: consecutive evaluations' windows tile the timeline, so their
      // points add up to any longer window's count, and a quiet minute writes nothing, which is 0.
      record: edgeSeries.requestsPerMinute,
      expr: `sum by (function, status, ${traffic}) (count_over_time(${stream} | keep function, status, ${traffic} [${EVALUATION_INTERVAL_SECONDS / 60}m]${offset}))`,
      labels: {},
    },
    {
      // __error__ after unwrap drops lines whose execution time is missing or not a number. No
      // offset: a late line still falls in the next evaluations' overlapping 5-minute windows.
      record: edgeSeries.latencyP95Seconds5m,
      expr: `quantile_over_time(0.95, ${stream} | keep function, ${traffic}, ${ms} | unwrap ${ms} | __error__="" [5m]) by (function, ${traffic}) / 1000`,
      labels: {},
    },
  ];
}

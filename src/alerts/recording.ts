import type { Settings } from "../config/load";
import { alertContext } from "./context";
import { sloCatalog } from "./specs";
import { edgeLogs, edgeSeries } from "./signals";
import { sloRecordingRules, type RecordingRule } from "./slo";

/**
 * Recording rules. The first layer turns the edge-function logs (LogQL, in Loki) into Prometheus
 * series; the second turns those into error ratios and traffic per SLO window (PromQL).
 */
export function logRecordingRules(settings: Settings): RecordingRule[] {
  const stream = edgeLogs.stream(settings);
  // Structured metadata, milliseconds as a string; absent on some lines (e.g. a boot error).
  const ms = settings.logDrain.executionTimeField;
  return [
    {
      record: edgeSeries.responsesRate5m,
      expr: `sum by (function, status) (rate(${stream} | keep function, status [5m]))`,
      labels: {},
    },
    {
      // __error__ after unwrap drops lines whose execution time is missing or not a number.
      record: edgeSeries.latencyP95Seconds5m,
      expr: `quantile_over_time(0.95, ${stream} | keep function, ${ms} | unwrap ${ms} | __error__="" [5m]) by (function) / 1000`,
      labels: {},
    },
  ];
}

/** The SLO layer, by SLO id: each SLO's ratios and traffic are independent of the others. */
export function sloRecordingRulesById(settings: Settings): Map<string, RecordingRule[]> {
  const ctx = alertContext(settings);
  return new Map(sloCatalog(ctx).map((slo) => [slo.id, sloRecordingRules(slo, ctx.sel)]));
}

export const sloRecordingRuleSet = (settings: Settings): RecordingRule[] => [...sloRecordingRulesById(settings).values()].flat();

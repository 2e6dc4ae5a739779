import { EVALUATION_INTERVAL_SECONDS, type AlertSpec } from "./types";

/**
 * Expected time to detect: how late the signal is, plus the rule's `for`, plus up to one evaluation
 * interval. The delays are the defaults of each source; the catalog states them.
 */
export const signalDelaySeconds = {
  probe: 120, // a health check runs every 2 minutes
  "edge-logs": 120, // log drain delivery, then the 1-minute recording rule
  "metrics-api": 60, // the Metrics API is scraped every minute
  sql: 0, // queried live at each evaluation
} as const;
export type SignalKind = keyof typeof signalDelaySeconds;

export function signalOf(spec: Pick<AlertSpec, "source" | "value">): SignalKind {
  if (spec.source === "postgres") return "sql";
  if (spec.value.includes("probe_")) return "probe";
  if (spec.value.includes("ain:")) return "edge-logs";
  return "metrics-api";
}

export function timeToDetectSeconds(spec: Pick<AlertSpec, "source" | "value" | "forSeconds">): number {
  return signalDelaySeconds[signalOf(spec)] + spec.forSeconds + EVALUATION_INTERVAL_SECONDS;
}

export const humanDuration = (seconds: number): string => {
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const hours = Math.floor(seconds / 3600);
  const mins = Math.round((seconds % 3600) / 60);
  return mins ? `${hours} h ${mins} min` : `${hours} h`;
};

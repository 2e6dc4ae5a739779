import type { Severity } from "../config/runbook";
import type { RunbookItemId } from "../config/runbookItems";
import { measuredDetection } from "./measured";
import { EVALUATION_INTERVAL_SECONDS, type AlertSpec } from "./types";

/**
 * Time to detect, measured: promtool runs each incident scenario (test/alerts/incidents.ts) on the
 * rule files the plan writes, and the first evaluation at which the alert fires, minus the
 * incident's start, is recorded in measured.ts. The plan reads that file, so it stays fast and
 * offline; the test fails when the file and promtool disagree.
 */
export interface MeasuredDetection {
  alert: string;
  severity: Severity | undefined;
  item: RunbookItemId;
  scenario: string;
  /** "producer": series shaped like the producer's; "threshold": the alert's own threshold fixture. */
  shape: "producer" | "threshold";
  seconds: number;
}

/** The measured time to detect of an alert: its producer-shaped scenario's, else its threshold fixture's. */
export function measuredTimeToDetect(alertName: string): MeasuredDetection | undefined {
  const rows = measuredDetection.filter((m) => m.alert === alertName);
  return rows.find((m) => m.shape === "producer") ?? rows[0];
}

export type SignalKind = "probe" | "edge-logs" | "metrics-api" | "sql" | "clock";

/** Which pipeline an alert reads, for the catalog. */
export function signalOf(spec: Pick<AlertSpec, "source" | "value">): SignalKind {
  if (spec.source === "postgres") return "sql";
  if (spec.value.includes("probe_")) return "probe";
  if (spec.value.includes("ain:")) return "edge-logs";
  if (spec.value.includes("time()")) return "clock";
  return "metrics-api";
}

/** SQL rules run in Grafana only: the query is live, so detection is the rule's `for` plus one evaluation. */
export function sqlTimeToDetectSeconds(spec: Pick<AlertSpec, "forSeconds">, evaluationSeconds: number): number {
  return spec.forSeconds + evaluationSeconds;
}

export const humanDuration = (seconds: number): string => {
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    return s === 0 ? `${m} min` : m === 0 ? `${s} s` : `${m} min ${s} s`;
  }
  const hours = Math.floor(seconds / 3600);
  const mins = Math.round((seconds % 3600) / 60);
  return mins ? `${hours} h ${mins} min` : `${hours} h`;
};

/** The measured time to detect, or a SQL rule's `for` plus one evaluation; undefined for reminders and the unmeasured. */
export function detectionSeconds(a: Pick<AlertSpec, "name" | "source" | "forSeconds">): number | undefined {
  if (a.source === "postgres") return sqlTimeToDetectSeconds(a, EVALUATION_INTERVAL_SECONDS);
  return measuredTimeToDetect(a.name)?.seconds;
}

/** The same, as the catalog and the guide show it, saying how it was found. */
export function detectionText(a: Pick<AlertSpec, "name" | "source" | "forSeconds" | "area">): string {
  if (a.source === "postgres") return `${humanDuration(sqlTimeToDetectSeconds(a, EVALUATION_INTERVAL_SECONDS))} (for + 1 eval)`;
  const m = measuredTimeToDetect(a.name);
  if (!m) return a.area === "key-rotation" ? "a reminder: at the due date + for" : "not measured";
  return m.shape === "producer" ? `${humanDuration(m.seconds)} (measured: ${m.scenario})` : `${humanDuration(m.seconds)} (measured: *threshold*)`;
}

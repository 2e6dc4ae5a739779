import { measuredDetection } from "./measured";
import { worstCaseToPage, type Clocks } from "./timing";
import type { AlertName } from "./names";
import type { AlertSpec, MeasuredDetection, SignalKind } from "./types";

export type { SignalKind };

/**
 * Time to detect, two ways. Measured: promtool runs each incident scenario (test/alerts/incidents.ts)
 * on the rule files the plan writes, and the first evaluation at which the alert fires, minus the
 * incident's start, is recorded in measured.ts. Bounded: the worst case from the configuration's
 * clocks (timing.ts), which a run can only meet or beat. The catalog and the guide show both.
 */

/** The measured time to detect of an alert: its producer-shaped scenario's, else its threshold fixture's. */
export function measuredTimeToDetect(alertName: AlertName): MeasuredDetection | undefined {
  const rows = measuredDetection.filter((m) => m.alert === alertName);
  return rows.find((m) => m.shape === "producer") ?? rows[0];
}

/** Which pipeline an alert reads, as its builder declared it. */
export const signalOf = (spec: Pick<AlertSpec, "detection">): SignalKind => spec.detection.signal;

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

type Timed = Pick<AlertSpec, "name" | "severity" | "forSeconds" | "detection" | "area">;

/** The measured time, as the catalog and the guide show it, saying how it was found. */
export function measuredText(a: Pick<AlertSpec, "name" | "area" | "source">): string {
  const m = measuredTimeToDetect(a.name);
  if (!m) return a.source === "postgres" ? "not measured (SQL, live in Grafana)" : a.area === "key-rotation" ? "a reminder: at the due date + for" : "not measured";
  return m.shape === "producer" ? `${humanDuration(m.seconds)} measured (${m.scenario})` : `${humanDuration(m.seconds)} measured (*threshold*)`;
}

/** The worst case to page, with the clocks it adds up and what it assumes. */
export function worstCaseText(clocks: Clocks, a: Timed): string {
  const b = worstCaseToPage(clocks, a);
  const parts = `signal ${b.signalSeconds} s + window ${b.fillSeconds} s + evaluation ${b.evaluationSeconds} s + for ${b.forSeconds} s + wait ${b.groupWaitSeconds} s`;
  return `${humanDuration(b.totalSeconds)} worst case (${parts}${a.detection.caveat ? `; ${a.detection.caveat}` : ""})`;
}

/** Both, for one cell or sentence. */
export const detectionText = (clocks: Clocks, a: Timed & Pick<AlertSpec, "source">): string => `${measuredText(a)}; ${worstCaseText(clocks, a)}`;

import type { Severity } from "../config/runbook";
import type { RunbookItemId, RunbookSection } from "../config/runbookItems";
import type { CheckId } from "../synthetics/jobs";
import type { AlertId, AlertName } from "./names";

/** The runbook areas; one file of alert specs and one rule group each. */
export const areas = ["edge-functions", "email", "pdf", "database", "storage", "sharing-tokens", "key-rotation", "signals"] as const;
export type Area = (typeof areas)[number];

/**
 * `>=` where the runbook states a target as "< X" (X itself is already a breach); `>` where it
 * states a trigger as "> X"; `<` for success ratios and up-ness.
 */
export type Comparator = ">" | ">=" | "<";

export type Unit = "seconds" | "percent" | "ratio" | "count" | "per-hour" | "burn-rate" | "up" | "days";

/** Grafana's states for a rule whose query returns nothing, or fails. */
export type NoDataState = "OK" | "Alerting" | "NoData";
export type ExecErrState = "OK" | "Alerting" | "Error";

/** The pipelines an alert can read, each with its own cadence and delay (timing.ts). */
export type SignalKind = "probe" | "edge-logs" | "metrics-api" | "sql" | "clock";

/**
 * What an alert reads and how fast its query can see a failure, for the worst-case time to page
 * (timing.ts). Declared where the query is built, never read back from the query's text.
 */
export interface Detection {
  signal: SignalKind;
  /**
   * For probe signals, the checks whose results the query reads, and whether one failing is enough
   * ("any") or every one must have failed ("all"): the latest result arrives a check's frequency,
   * its timeout and the arrival delay after the failure began.
   */
  checks?: { ids: readonly CheckId[]; need: "any" | "all" };
  /**
   * Seconds the query's window needs, after the first failing sample, before its value crosses the
   * threshold on a total failure: 0 for a latest value, the window for a share or count over one.
   */
  fillSeconds: number;
  /**
   * An absence the alert also needs, seen once this many seconds have passed without a sample
   * (from the last one, whatever the phases).
   */
  absentForSeconds?: number;
  /** Where the bound depends on something the configuration cannot know, such as traffic. */
  caveat?: string;
}

/** Extra condition that must also hold, e.g. enough traffic for an error ratio to mean anything. */
export interface Guard {
  query: string;
  min: number;
  unit: Unit;
  why: string;
}

/**
 * One alert, as plain data. The threshold is a number here, never hidden inside `value`: the
 * renderers put `value`, `comparator` and `threshold` together.
 */
export interface AlertSpec {
  /** Stable identity: the Grafana rule uid is derived from it, never from the name (names.ts). */
  id: AlertId;
  /** The alertname, CamelCase (names.ts). */
  name: AlertName;
  area: Area;
  covers: readonly RunbookItemId[];
  runbookSection: RunbookSection;
  severity: Severity;
  severityReason: string;
  /** Prometheus for metrics and recorded log series; PostgreSQL for the runbook's SQL. */
  source: "prometheus" | "postgres";
  /** A PromQL expression or an SQL query giving the number that is compared. */
  value: string;
  comparator: Comparator;
  threshold: number;
  unit: Unit;
  guard?: Guard;
  forSeconds: number;
  detection: Detection;
  /** Keep firing this long after the condition clears, so one stray good sample does not resolve and re-page. */
  keepFiringForSeconds?: number;
  summary: string;
  /** `{{value}}` is replaced by each renderer's own template for the current value. */
  description: string;
  noData: NoDataState;
  execError: ExecErrState;
  stateReason: string;
  /** The dashboard panel that shows this alert's value, once dashboards exist. */
  panel?: { dashboardUid: string; panelId: number };
}

/**
 * One promtool measurement of an alert's time to detect (measured.ts, written by
 * test/alerts/incidents.test.ts; read through detection.ts).
 */
export interface MeasuredDetection {
  alert: AlertName;
  severity: Severity | undefined;
  item: RunbookItemId;
  scenario: string;
  /** "producer": series shaped like the producer's; "threshold": the alert's own threshold fixture. */
  shape: "producer" | "threshold";
  seconds: number;
}

/** A spec after the cross-cutting concerns are applied (see decorate.ts). */
export interface DecoratedAlert extends AlertSpec {
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

import type { Settings } from "../../config/load";
import { POSTGRES_DATASOURCE_UID } from "../../grafana/datasources";
import { alertCatalog, MAX_UID_LENGTH } from "../catalog";
import { logRecordingRules, sloRecordingRuleSet } from "../recording";
import type { RecordingRule } from "../slo";
import { areas, duration, EVALUATION_INTERVAL_SECONDS, type DecoratedAlert } from "../types";
import { grafanaDescription, grafanaEvaluator } from "./templates";

/**
 * The Grafana-managed rendering of the alert specs: one rule group per area, each rule shaped
 * query -> reduce -> threshold. Plain data; the component maps it onto RuleGroup resources.
 */

export const EXPRESSION_DATASOURCE_UID = "__expr__";

export interface RuleData {
  refId: string;
  datasourceUid: string;
  relativeTimeRange: { from: number; to: number };
  model: string;
}
export interface GrafanaRule {
  uid: string;
  name: string;
  for?: string;
  keepFiringFor?: string;
  condition?: string;
  noDataState?: string;
  execErrState?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  record?: { metric: string; from: string; targetDatasourceUid: string };
  datas: RuleData[];
}
export interface GrafanaRuleGroup {
  /** Resource name and group name; both stable, since a new name replaces the group. */
  name: string;
  intervalSeconds: number;
  rules: GrafanaRule[];
}

interface Datasources {
  prometheusUid: string;
  lokiUid: string;
}

/** Ten minutes of data behind each query: enough for the 5-minute windows inside them. */
const QUERY_RANGE = { from: 600, to: 0 };
const EXPRESSION_RANGE = { from: 0, to: 0 };

const query = (refId: string, datasourceUid: string, model: Record<string, unknown>): RuleData => ({
  refId,
  datasourceUid,
  relativeTimeRange: QUERY_RANGE,
  model: JSON.stringify({ refId, ...model }),
});
const expression = (refId: string, model: Record<string, unknown>): RuleData => ({
  refId,
  datasourceUid: EXPRESSION_DATASOURCE_UID,
  relativeTimeRange: EXPRESSION_RANGE,
  model: JSON.stringify({ refId, datasource: { type: "__expr__", uid: EXPRESSION_DATASOURCE_UID }, ...model }),
});
const promQuery = (refId: string, ds: Datasources, expr: string) => query(refId, ds.prometheusUid, { expr, instant: true, range: false });
/**
 * Grafana's Loki backend reads `queryType`, not `instant`: without "instant" a rule runs a range
 * query, and a recording rule's writer, which takes only numeric frames, records nothing.
 */
const lokiQuery = (refId: string, ds: Datasources, expr: string) => query(refId, ds.lokiUid, { expr, queryType: "instant" });
const reduce = (refId: string, of: string) => expression(refId, { type: "reduce", expression: of, reducer: "last", settings: { mode: "dropNN" } });
const threshold = (refId: string, of: string, type: string, value: number) =>
  expression(refId, { type: "threshold", expression: of, conditions: [{ evaluator: { type, params: [value] } }] });

export function grafanaAlertRule(alert: DecoratedAlert, ds: Datasources): GrafanaRule {
  const source =
    alert.source === "postgres"
      ? query("A", POSTGRES_DATASOURCE_UID, { rawSql: alert.value, format: "table", rawQuery: true, editorMode: "code" })
      : promQuery("A", ds, alert.value);
  const datas = [source, reduce("B", "A"), threshold("C", "B", grafanaEvaluator[alert.comparator], alert.threshold)];
  let condition = "C";
  if (alert.guard) {
    datas.push(promQuery("G", ds, alert.guard.query), reduce("H", "G"), threshold("I", "H", "gte", alert.guard.min));
    datas.push(expression("J", { type: "math", expression: "$C && $I" }));
    condition = "J";
  }
  return {
    uid: alert.uid,
    name: alert.name,
    for: duration(alert.forSeconds),
    ...(alert.keepFiringForSeconds ? { keepFiringFor: duration(alert.keepFiringForSeconds) } : {}),
    condition,
    noDataState: alert.noData,
    execErrState: alert.execError,
    labels: alert.labels,
    annotations: { ...alert.annotations, description: grafanaDescription(alert) },
    datas,
  };
}

/** A recording rule's uid, from what it records: stable while the series exists. */
export function recordingUid(rule: RecordingRule): string {
  const uid = [rule.record, ...Object.values(rule.labels)].join("-").replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  if (uid.length > MAX_UID_LENGTH) throw new Error(`recording rule ${rule.record}: uid ${uid} is longer than ${MAX_UID_LENGTH} characters`);
  return uid;
}

const recordingRule = (rule: RecordingRule, source: RuleData, targetUid: string): GrafanaRule => ({
  uid: recordingUid(rule),
  name: `${rule.record}${Object.entries(rule.labels).map(([k, v]) => ` ${k}=${v}`).join("")}`,
  labels: Object.keys(rule.labels).length > 0 ? rule.labels : undefined,
  record: { metric: rule.record, from: "A", targetDatasourceUid: targetUid },
  datas: [source],
});

export function grafanaRuleGroups(settings: Settings): GrafanaRuleGroup[] {
  const ds = { prometheusUid: settings.prometheusDatasourceUid, lokiUid: settings.lokiDatasourceUid };
  const alerts = alertCatalog(settings);
  const interval = EVALUATION_INTERVAL_SECONDS;
  const groups: GrafanaRuleGroup[] = [
    {
      name: "ain-edge-logs-recording",
      intervalSeconds: interval,
      rules: logRecordingRules(settings).map((r) => recordingRule(r, lokiQuery("A", ds, r.expr), ds.prometheusUid)),
    },
    {
      name: "ain-slo-recording",
      intervalSeconds: interval,
      rules: sloRecordingRuleSet(settings).map((r) => recordingRule(r, promQuery("A", ds, r.expr), ds.prometheusUid)),
    },
  ];
  for (const area of areas) {
    const rules = alerts.filter((a) => a.area === area).map((a) => grafanaAlertRule(a, ds));
    if (rules.length > 0) groups.push({ name: `ain-${area}`, intervalSeconds: interval, rules });
  }
  return groups;
}

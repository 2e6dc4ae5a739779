import type { Settings } from "../../config/settings";
import type { Identity } from "../../config/identity";
import { postgresDatasourceUid } from "../../grafana/datasources";
import { companionSuffix, companionTitle, ESCALATION_STEP_LABEL, ruleRoutes, type RuleNotificationSettings } from "../../escalation/ruleRouting";
import type { BuiltDashboard } from "../../dashboards/compose";
import { alertCatalog, MAX_UID_LENGTH } from "../decorate";
import { logRecordingRules } from "../recording";
import type { RecordingRule } from "../slo";
import { clocksOf, evaluationSecondsOf, ruleGroupsOf } from "../timing";
import { duration, EVALUATION_INTERVAL_SECONDS } from "../evaluation";
import { areas, type DecoratedAlert } from "../types";
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
  /** Per-rule routing, when the stack does not own the org's notification policy tree. */
  notificationSettings?: RuleNotificationSettings;
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
  postgresUid: string;
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

export function grafanaAlertRule(alert: DecoratedAlert, ds: Datasources, identity: Identity): GrafanaRule {
  const source =
    alert.source === "postgres"
      ? query("A", ds.postgresUid, { rawSql: alert.value, format: "table", rawQuery: true, editorMode: "code" })
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
    // Another stack's rules read apart from prod's wherever Grafana lists them: "DatabaseDown (staging)".
    name: identity.title(alert.name),
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

/** A recording rule's uid, from what it records: stable while the series exists, scoped by stack. */
export function recordingUid(identity: Identity, rule: RecordingRule): string {
  const slug = [rule.record.slice(identity.seriesPrefix.length + 1), ...Object.values(rule.labels)].join("-").replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  const uid = identity.uid(slug);
  if (uid.length > MAX_UID_LENGTH) throw new Error(`recording rule ${rule.record}: uid ${uid} is longer than ${MAX_UID_LENGTH} characters`);
  return uid;
}

/**
 * Without the org's notification policy tree, each rule routes itself, and each later step of its
 * severity's chain is a companion: the same rule, routed to that step's people with the step's
 * delay as its group wait (src/escalation/ruleRouting.ts).
 */
export function routedRules(settings: Settings, alert: DecoratedAlert, rule: GrafanaRule): GrafanaRule[] {
  if (settings.ownsNotificationPolicy) return [rule];
  return ruleRoutes(settings, alert.severity).map((r) =>
    r.companion
      ? {
          ...rule,
          uid: settings.identity.uid(`${alert.id}-${companionSuffix(r.step)}`),
          name: companionTitle(rule.name, r.step),
          labels: { ...rule.labels, [ESCALATION_STEP_LABEL]: r.step.people.join("-") },
          notificationSettings: r.notificationSettings,
        }
      : { ...rule, notificationSettings: r.notificationSettings },
  );
}

const recordingRule = (identity: Identity, rule: RecordingRule, source: RuleData, targetUid: string): GrafanaRule => ({
  uid: recordingUid(identity, rule),
  name: identity.title(`${rule.record}${Object.entries(rule.labels).map(([k, v]) => ` ${k}=${v}`).join("")}`),
  labels: Object.keys(rule.labels).length > 0 ? rule.labels : undefined,
  record: { metric: rule.record, from: "A", targetDatasourceUid: targetUid },
  datas: [source],
});

/** `dashboards`: the stack's dashboards when already built, on whose panels the rules are placed. */
export function grafanaRuleGroups(settings: Settings, dashboards?: readonly BuiltDashboard[]): GrafanaRuleGroup[] {
  const { identity } = settings;
  const ds = { prometheusUid: settings.prometheusDatasourceUid, lokiUid: settings.lokiDatasourceUid, postgresUid: postgresDatasourceUid(settings) };
  const alerts = alertCatalog(settings, dashboards);
  const interval = EVALUATION_INTERVAL_SECONDS;
  const groups: GrafanaRuleGroup[] = [
    {
      name: identity.uid("edge-logs-recording"),
      intervalSeconds: interval,
      rules: logRecordingRules(settings).map((r) => recordingRule(identity, r, lokiQuery("A", ds, r.expr), ds.prometheusUid)),
    },
  ];
  const clocks = clocksOf(settings);
  for (const area of areas) {
    // One group per evaluation interval: the P0s run faster than the rest (alerts/timing.ts).
    for (const g of ruleGroupsOf(alerts.filter((a) => a.area === area), (a) => evaluationSecondsOf(clocks, a.severity))) {
      const rules = g.alerts.flatMap((a) => routedRules(settings, a, grafanaAlertRule(a, ds, identity)));
      groups.push({ name: identity.uid(g.suffix ? `${area}-${g.suffix}` : area), intervalSeconds: g.intervalSeconds, rules });
    }
  }
  return groups;
}

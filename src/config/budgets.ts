import * as fs from "node:fs";
import * as path from "node:path";
import { grafanaRuleGroups } from "../alerts/render/grafana";
import { ESCALATION_STEP_LABEL } from "../escalation/ruleRouting";
import { readDelivery } from "../github/delivery";
import { offlineSettings } from "../offline/settings";
import { checkAlertRuleCount } from "../synthetics/checkAlerts";
import { checkSpecs, monthlyExecutions, MINUTES_PER_MONTH } from "../synthetics/checks";
import type { Settings } from "./settings";
import type { PlainSettings } from "./schema";

/**
 * What the stacks cost against the Grafana Cloud plan the team pays for, as plan-time facts like
 * the checks' executions: rules per Grafana stack, executions, active series and logs per account,
 * each summed over every stack that shares it (`.github/delivery.json` lists the stacks; the
 * others' stack files are read offline). Over a Free quota the plan refuses, naming what to change.
 */

export type QuotaName = "rulesPerGrafanaStack" | "smExecutionsPerMonth" | "activeSeries" | "logsGBPerMonth";
export type Plan = PlainSettings["grafanaCloud"]["plan"];

/**
 * The plans' quotas. Rules: Grafana's docs (alerting-rules/create-grafana-managed-rule, "Alert rule
 * limits in Grafana Cloud"): Free up to 100 Grafana-managed rules, paid plans a soft limit of 2000;
 * counted from the stack's rule table, so recording rules and Synthetic Monitoring's per-check
 * alerts count. The rest from grafana.com/pricing: 100k SM executions a month, 10k active series
 * and 50 GB of logs per account, hard on Free, included on Pro and billed beyond.
 */
export const PLAN_QUOTAS: Record<Plan, Record<QuotaName, number>> = {
  free: { rulesPerGrafanaStack: 100, smExecutionsPerMonth: 100_000, activeSeries: 10_000, logsGBPerMonth: 50 },
  pro: { rulesPerGrafanaStack: 2000, smExecutionsPerMonth: 100_000, activeSeries: 10_000, logsGBPerMonth: 50 },
};

/** Free's quotas are hard; Pro's are included amounts, billed beyond. */
export const enforced = (plan: Plan) => plan === "free";

export function quotasOf(settings: Pick<Settings, "grafanaCloud">): Record<QuotaName, number> {
  const q = settings.grafanaCloud.quotas;
  const base = PLAN_QUOTAS[settings.grafanaCloud.plan];
  return {
    rulesPerGrafanaStack: q.rulesPerGrafanaStack ?? base.rulesPerGrafanaStack,
    smExecutionsPerMonth: q.smExecutionsPerMonth ?? base.smExecutionsPerMonth,
    activeSeries: q.activeSeries ?? base.activeSeries,
    logsGBPerMonth: q.logsGBPerMonth ?? base.logsGBPerMonth,
  };
}

export interface StackUsage {
  stack: string;
  /** The Grafana stack, by host: stacks with the same grafanaUrl share one rule table. */
  grafanaStack: string;
  /** Its numeric id, when given (metricsScrape.grafanaStackId): the same id is the same stack under another URL. */
  grafanaStackId: string | undefined;
  /** The grafana.com account; undefined stands for "the account every stack that leaves it unset shares". */
  account: string | undefined;
  rules: { alerting: number; companions: number; recording: number; smCheckAlerts: number; total: number };
  executions: number;
  series: { metricsApi: number; synthetics: number; recorded: number; total: number };
  logsGB: { drain: number; synthetics: number; total: number };
}

/** The labels a recording rule's query aggregates by: each its own series per value. */
function byLabels(expr: string): string[] {
  const m = /\bby\s*\(([^)]*)\)/.exec(expr);
  return m ? m[1].split(",").map((l) => l.trim()).filter(Boolean) : [];
}

export function stackUsage(settings: Settings): StackUsage {
  const est = settings.grafanaCloud.estimates;
  const rules = grafanaRuleGroups(settings).flatMap((g) => g.rules);
  const recording = rules.filter((r) => r.record);
  const companions = rules.filter((r) => !r.record && r.labels?.[ESCALATION_STEP_LABEL] !== undefined).length;
  const specs = checkSpecs(settings);
  const smCheckAlerts = checkAlertRuleCount(settings, specs);
  const executions = settings.synthetics.enabled ? monthlyExecutions(specs) : 0;

  const metricsApi = settings.metricsScrape.enabled ? (1 + settings.metricsScrape.readReplicas.length) * est.metricsApiSeriesPerTarget : 0;
  const synthetics = settings.synthetics.enabled ? specs.filter((c) => c.enabled).reduce((n, c) => n + c.probes.length * est.smSeriesPerCheckProbe, 0) : 0;
  // A recorded series per value of each label the rule aggregates by: functions, status codes.
  const cardinality: Record<string, number> = { function: Object.keys(settings.functions).length, status: est.statusCodesPerFunction };
  const recorded = recording.reduce((n, r) => {
    const expr = (JSON.parse(r.datas[0]?.model ?? "{}") as { expr?: string }).expr ?? "";
    return n + byLabels(expr).reduce((product, label) => product * (cardinality[label] ?? 1), 1);
  }, 0);

  const GB = 1e9;
  const drain = (est.edgeRequestsPerDay * (MINUTES_PER_MONTH / (24 * 60)) * est.logBytesPerRequest) / GB;
  const smLogs = (executions * est.smLogBytesPerExecution) / GB;
  return {
    stack: settings.stack,
    grafanaStack: new URL(settings.grafanaUrl).host.toLowerCase(),
    grafanaStackId: settings.metricsScrape.grafanaStackId,
    account: settings.grafanaCloud.account,
    rules: { alerting: rules.length - recording.length - companions, companions, recording: recording.length, smCheckAlerts, total: rules.length + smCheckAlerts },
    executions,
    series: { metricsApi, synthetics, recorded, total: metricsApi + synthetics + recorded },
    logsGB: { drain, synthetics: smLogs, total: drain + smLogs },
  };
}

export interface Fleet {
  /** This stack, then every other stack of .github/delivery.json whose file could be read. */
  stacks: StackUsage[];
  /** Stacks not counted, and why (their own plan says what is wrong with them). */
  uncounted: string[];
  /** The unprefixed stack's settings, read from its file, when this stack is another one. */
  unprefixed: Settings | undefined;
}

/** Reads the other stacks' files offline: the budgets are shared, and a copy must not be prod. */
export function readFleet(projectDir: string, current: Settings): Fleet {
  const uncounted: string[] = [];
  const read = (stack: string): Settings | undefined => {
    if (!fs.existsSync(path.join(projectDir, `Pulumi.${stack}.yaml`))) {
      uncounted.push(`${stack} (no Pulumi.${stack}.yaml)`);
      return undefined;
    }
    try {
      return offlineSettings(projectDir, stack);
    } catch {
      uncounted.push(`${stack} (its config is invalid: 'npm run plan -- --stack ${stack}' says why)`);
      return undefined;
    }
  };
  const others = new Map(readDelivery(projectDir).stacks.filter((s) => s !== current.stack).map((s) => [s, read(s)] as const));
  const stacks = [stackUsage(current), ...[...others.values()].filter((s): s is Settings => s !== undefined).map(stackUsage)];
  const u = current.unprefixedStack;
  // prod's file, read even when prod is not deployed by CI from here, to refuse a copy of it.
  const unprefixed = current.stack === u ? undefined : others.has(u) ? others.get(u) : readQuietly(projectDir, u);
  return { stacks, uncounted, unprefixed };
}

function readQuietly(projectDir: string, stack: string): Settings | undefined {
  if (!fs.existsSync(path.join(projectDir, `Pulumi.${stack}.yaml`))) return undefined;
  try {
    return offlineSettings(projectDir, stack);
  } catch {
    return undefined;
  }
}

export interface Budget {
  quota: QuotaName;
  /** What is shared: "Grafana stack ain.grafana.net", "account ain-mvp". */
  scope: string;
  used: number;
  limit: number;
  /** Each stack's part, this stack first. */
  parts: { stack: string; used: number }[];
}

const accountName = (account: string | undefined) => (account ? `account ${account}` : "the account (grafanaCloud.account unset)");

/** The four budgets this stack shares, each summed over the stacks that share it. */
export function budgets(current: Settings, fleet: Fleet): Budget[] {
  const me = fleet.stacks[0];
  const quotas = quotasOf(current);
  const sameGrafana = fleet.stacks.filter((s) => s.grafanaStack === me.grafanaStack || (s.grafanaStackId !== undefined && s.grafanaStackId === me.grafanaStackId));
  const sameAccount = fleet.stacks.filter((s) => s.account === me.account);
  const budget = (quota: QuotaName, scope: string, members: StackUsage[], of: (s: StackUsage) => number): Budget => ({
    quota,
    scope,
    used: members.reduce((n, s) => n + of(s), 0),
    limit: quotas[quota],
    parts: members.map((s) => ({ stack: s.stack, used: of(s) })),
  });
  return [
    budget("rulesPerGrafanaStack", `Grafana stack ${me.grafanaStack}`, sameGrafana, (s) => s.rules.total),
    budget("smExecutionsPerMonth", accountName(me.account), sameAccount, (s) => s.executions),
    budget("activeSeries", accountName(me.account), sameAccount, (s) => s.series.total),
    budget("logsGBPerMonth", accountName(me.account), sameAccount, (s) => s.logsGB.total),
  ];
}

/** What to change when a budget is over, by the key to change first. */
function overBudget(b: Budget, me: StackUsage, plan: Plan): { key: string; problem: string } {
  const parts = b.parts.map((p) => `${p.stack} ${fmt(b.quota, p.used)}`).join(", ");
  const head = `${b.scope} would use ${fmt(b.quota, b.used)} ${UNIT[b.quota]} (${parts}), over the ${plan} plan's ${fmt(b.quota, b.limit)} (grafanaCloud.quotas.${b.quota})`;
  switch (b.quota) {
    case "rulesPerGrafanaStack":
      return {
        key: "grafanaUrl",
        problem: `${head}; expected fewer rules in that Grafana stack: give this stack a Grafana stack of its own (grafanaUrl, where it can also own the notification policy tree)${me.rules.companions > 0 ? `, or turn on paging.irm so IRM escalates instead of the ${me.rules.companions} escalation companion rules` : ""}, or grafanaCloud.plan pro`,
      };
    case "smExecutionsPerMonth":
      return {
        key: "synthetics",
        problem: `${head}; expected fewer executions in that account: fewer synthetics.probes, longer synthetics.checks.*.frequencySeconds, synthetics.enabled false in a stack that needs no checks, or another account (grafanaCloud.account)`,
      };
    case "activeSeries":
      return { key: "metricsScrape", problem: `${head}; expected fewer series in that account: fewer metricsScrape.readReplicas, fewer synthetics.probes, or another account (grafanaCloud.account)` };
    case "logsGBPerMonth":
      return { key: "grafanaCloud.estimates", problem: `${head}; expected less log volume: filter the log drain to the services the rules read, or correct grafanaCloud.estimates if they overstate it` };
  }
}

const UNIT: Record<QuotaName, string> = { rulesPerGrafanaStack: "rules", smExecutionsPerMonth: "executions a month", activeSeries: "active series (estimate)", logsGBPerMonth: "GB of logs a month (estimate)" };
const fmt = (quota: QuotaName, n: number) => (quota === "logsGBPerMonth" ? n.toFixed(1) : Math.round(n).toLocaleString("en-US"));

const CONTACT_PEOPLE = ["onCallEngineer", "leadDeveloper", "productOwner"] as const;

/**
 * Everything across stacks that makes this config wrong, each naming the key to change: a budget
 * over a Free quota, and a non-prod stack that would monitor prod's project or page prod's people.
 */
export function fleetProblems(current: Settings, fleet: Fleet): { key: string; problem: string }[] {
  const problems: { key: string; problem: string }[] = [];
  if (enforced(current.grafanaCloud.plan)) {
    for (const b of budgets(current, fleet)) if (b.used > b.limit) problems.push(overBudget(b, fleet.stacks[0], current.grafanaCloud.plan));
  }
  const prod = fleet.unprefixed;
  if (prod) {
    const prodFile = `Pulumi.${prod.stack}.yaml`;
    if (prod.supabaseProjectRef === current.supabaseProjectRef) {
      problems.push({
        key: "supabaseProjectRef",
        problem: `${current.supabaseProjectRef} is ${prod.stack}'s project (${prodFile}): this stack would scrape, probe and alert on ${prod.stack}'s Supabase project; expected the ref of the project this stack monitors`,
      });
    }
    if (current.sharedContactsStack !== current.stack) {
      for (const who of CONTACT_PEOPLE) {
        if (current.contacts[who].email.toLowerCase() === prod.contacts[who].email.toLowerCase()) {
          problems.push({
            key: `contacts.${who}.email`,
            problem: `${current.contacts[who].email} is ${prod.stack}'s ${who} too (${prodFile}): this stack's alerts would page ${prod.stack}'s people; expected this stack's own contact, or sharedContactsStack: ${current.stack} if the same people knowingly answer both`,
          });
        }
      }
    }
  }
  return problems;
}

/** Over an included amount on Pro: billed, not refused. */
export function fleetWarnings(current: Settings, fleet: Fleet): string[] {
  if (enforced(current.grafanaCloud.plan)) return [];
  return budgets(current, fleet)
    .filter((b) => b.used > b.limit)
    .map((b) =>
      b.quota === "rulesPerGrafanaStack"
        ? `warning: ${b.scope} holds ${fmt(b.quota, b.used)} rules, beyond the pro plan's soft limit of ${fmt(b.quota, b.limit)}: ask Grafana support to raise it before the next up`
        : `warning: ${b.scope} uses ${fmt(b.quota, b.used)} ${UNIT[b.quota]}, beyond the ${fmt(b.quota, b.limit)} the pro plan includes: billed as overage`,
    );
}

/** The plan's lines: each budget with its limit, and who uses what. */
export function budgetLines(current: Settings, fleet: Fleet): string[] {
  const me = fleet.stacks[0];
  const plan = current.grafanaCloud.plan;
  const pct = (b: Budget) => `${Math.round((100 * b.used) / b.limit)} %`;
  const lines = [`\nGrafana Cloud budgets (${plan} plan${enforced(plan) ? ", hard limits" : ", included amounts"}; stacks counted: ${fleet.stacks.map((s) => s.stack).join(", ")}${fleet.uncounted.length > 0 ? `; not counted: ${fleet.uncounted.join(", ")}` : ""}):`];
  for (const b of budgets(current, fleet)) {
    const others = b.parts.length > 1 ? `; ${b.parts.map((p) => `${p.stack} ${fmt(b.quota, p.used)}`).join(", ")}` : "";
    lines.push(`  ${LABEL[b.quota].padEnd(15)} ${fmt(b.quota, b.used)} of ${fmt(b.quota, b.limit)} ${UNIT[b.quota]} in ${b.scope}, ${pct(b)}${others}`);
  }
  lines.push(
    `  This stack:     ${me.rules.total} rules = ${me.rules.alerting} alerting + ${me.rules.companions} escalation companions + ${me.rules.recording} recording + ${me.rules.smCheckAlerts} SM per-check alerts;`,
    `                  ${me.series.total.toLocaleString("en-US")} series = ${me.series.metricsApi} Metrics API + ${me.series.synthetics} checks + ${me.series.recorded} recorded (grafanaCloud.estimates); ${me.logsGB.total.toFixed(1)} GB logs = ${me.logsGB.drain.toFixed(1)} drain + ${me.logsGB.synthetics.toFixed(1)} checks`,
  );
  return lines;
}

const LABEL: Record<QuotaName, string> = { rulesPerGrafanaStack: "Rules:", smExecutionsPerMonth: "SM executions:", activeSeries: "Active series:", logsGBPerMonth: "Logs:" };

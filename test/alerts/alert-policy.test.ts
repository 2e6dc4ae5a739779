import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { alertCatalog } from "../../src/alerts/decorate";
import { logRecordingRules } from "../../src/alerts/recording";
import { EXPRESSION_DATASOURCE_UID, grafanaRuleGroups, type GrafanaRule, type GrafanaRuleGroup } from "../../src/alerts/render/grafana";
import { lokiRuleFiles, prometheusExpr, prometheusRuleFiles } from "../../src/alerts/render/prometheus";
import { duration } from "../../src/alerts/evaluation";
import type { DecoratedAlert } from "../../src/alerts/types";
import { uncoveredRunbookItems } from "../../src/catalogMarkdown";
import type { Settings } from "../../src/config/load";
import { githubAnchor, runbookItems } from "../../src/config/runbookItems";
import { logqlErrors } from "../support/logql";
import { ROOT, runValidStack, settingsFor, type StackRun } from "../support/offline";

/** Policies every alert rule must meet, read like a reviewer's checklist. */
let settings: Settings;
let alerts: DecoratedAlert[];
let groups: GrafanaRuleGroup[];

beforeAll(async () => {
  settings = await settingsFor();
  alerts = alertCatalog(settings);
  groups = grafanaRuleGroups(settings);
});

/** The team runbook's headings (a fixture: the runbook lives in the application's repository). */
const runbookHeadings = (JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/runbook-headings.json"), "utf8")) as { headings: string[] }).headings.map((l) =>
  githubAnchor(l.replace(/^#+ /, "")),
);
const guideHeadings = fs
  .readFileSync(path.join(ROOT, "docs/alerts.md"), "utf8")
  .split("\n")
  .filter((l) => /^#{1,6} /.test(l))
  .map((l) => githubAnchor(l.replace(/^#+ /, "")));

describe("every alert", () => {
  it("has a stable uid of at most 40 characters, unique, and not made from its title", () => {
    const uids = alerts.map((a) => a.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const a of alerts) {
      expect(a.uid).toMatch(/^ain-[a-z0-9-]+$/);
      expect(a.uid.length).toBeLessThanOrEqual(40);
      expect(a.uid.toLowerCase()).not.toContain(a.name.toLowerCase());
    }
  });

  it("has a P0 to P3 severity label, the common labels, a summary and a description showing the value", () => {
    for (const a of alerts) {
      expect(a.labels, a.name).toMatchObject({ severity: expect.stringMatching(/^P[0-3]$/), team: "ain", service: "ain-mvp", area: a.area });
      expect(a.annotations.summary.length, a.name).toBeGreaterThan(10);
      expect(a.description, a.name).toContain("{{value}}");
    }
  });

  it("links its own entry in the alert response guide, which stands for a runbook section that exists", () => {
    for (const a of alerts) {
      const [base, anchor] = a.annotations.runbook_url.split("#");
      expect(base).toBe(settings.alertGuideUrl);
      expect(guideHeadings, `${a.name} links #${anchor}`).toContain(anchor);
      expect(runbookHeadings, `${a.name} stands for § ${a.runbookSection}`).toContain(githubAnchor(a.runbookSection));
    }
  });

  it("renders GitHub anchors the way GitHub does", () => {
    expect(githubAnchor("1. Email Service Down")).toBe("1-email-service-down");
    expect(githubAnchor("🔧 Common Issues & Solutions")).toBe("-common-issues--solutions");
    expect(githubAnchor("Key Metrics to Monitor")).toBe("key-metrics-to-monitor");
  });

  it("says why it has its severity and why it treats no data as it does", () => {
    for (const a of alerts) {
      expect(a.severityReason.length, a.name).toBeGreaterThan(20);
      expect(a.stateReason.length, a.name).toBeGreaterThan(20);
    }
  });
});

describe("no data and errors", () => {
  it("never page on no data: silence is named by one P2 alert per pipeline, and error ratios with no traffic stay quiet", () => {
    // SQL rules count(*), which always answers a row: only the Prometheus signals can go silent.
    for (const a of alerts.filter((x) => (x.severity === "P0" || x.severity === "P1") && x.source === "prometheus")) {
      expect(a.noData, a.name).toBe("OK");
      expect(prometheusExpr(a), a.name).not.toContain("absent(");
    }
    const missing = alerts.filter((a) => a.area === "signals" && a.name.endsWith("SignalMissing"));
    expect(missing.map((a) => [a.name, a.severity])).toEqual([
      ["MetricsApiSignalMissing", "P2"],
      ["ProbesSignalMissing", "P2"],
      ["LogDrainSignalMissing", "P2"],
    ]);
    for (const burn of alerts.filter((a) => a.name.includes("ErrorBudgetBurn") || a.name.includes("ErrorRateOverLimit"))) {
      expect(burn.noData, burn.name).toBe("OK");
      expect(burn.guard?.min).toBe(settings.runbook.errorBudgets.lowTrafficGuardRequestsPerHour);
    }
  });

  it("the P0s do not page on a failing query either: a DatasourceError would carry severity P0", () => {
    for (const a of alerts.filter((x) => x.severity === "P0")) expect(a.execError, a.name).toBe("OK");
  });
});

describe("coverage of the runbook", () => {
  it("has a rule for every runbook item in the model", () => {
    expect(uncoveredRunbookItems(alerts)).toEqual([]);
  });

  it("would notice an item without a rule", () => {
    const withoutTokens = alerts.filter((a) => !a.covers.includes("invalidTokens"));
    expect(uncoveredRunbookItems(withoutTokens)).toEqual(["invalidTokens"]);
  });

  it("pages (P0) for 'system completely down', the database gone included, and keeps P3 for capacity trends", () => {
    const down = alerts.filter((a) => a.covers.includes("systemDown"));
    expect(down.map((a) => `${a.name} ${a.severity}`).sort()).toEqual(["DatabaseDown P0", "DatabaseUnreachable P0", "EdgeFunctionsDown P0"]);
    const trends = alerts.filter((a) => a.covers.some((c) => ["storageLimit", "storageGrowth"].includes(c)) || ["DatabaseDiskNearLimit", "RootDiskNearFull"].includes(a.name));
    expect(new Set(trends.map((a) => a.severity))).toEqual(new Set(["P3"]));
  });

  it("ranks the database disk's read-only risk above the root filesystem, and read-only mode itself at P1 or higher", () => {
    const rank = (name: string) => Number(alerts.find((a) => a.name === name)?.severity.slice(1));
    expect(rank("DatabaseDiskNearReadOnly")).toBeLessThan(rank("RootDiskNearFull"));
    expect(rank("DatabaseReadOnly")).toBeLessThanOrEqual(1);
  });

  it("covers each runbook item with a rule whose threshold is the model's number", () => {
    const rb = settings.runbook;
    // The runbook's number, not the synthetic check's success ratio or the far-over-budget page.
    const threshold = (item: keyof typeof runbookItems) => alerts.filter((a) => a.covers.includes(item) && !a.name.includes("FarOver") && a.unit !== "ratio").map((a) => a.threshold);
    expect(threshold("pdfLatency")).toEqual([rb.latencyBudgets.pdfGenerationSeconds]);
    expect(threshold("emailLatency")).toEqual([rb.latencyBudgets.emailDeliverySeconds]);
    expect(threshold("vinLatency")).toEqual([rb.latencyBudgets.vinDecodeSeconds]);
    expect(threshold("connections")).toEqual([rb.capacity.databaseConnectionsPercent]);
    expect(threshold("queryTime")).toEqual([rb.capacity.averageQuerySeconds]);
    expect(threshold("storageLimit")).toEqual([rb.capacity.storagePercent]);
  });
});

describe("the two renderings of one definition", () => {
  const prom = () =>
    [...prometheusRuleFiles(settings).values()].flatMap(
      (text) => (parse(text) as { groups: { rules: { alert?: string; expr: string; for?: string; keep_firing_for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[] }).groups.flatMap((g) => g.rules),
    );
  const modelOf = (rule: GrafanaRule, refId: string) => JSON.parse(rule.datas.find((d) => d.refId === refId)?.model ?? "null") as Record<string, unknown> | null;
  const opOf = { gt: ">", gte: ">=", lt: "<" } as const;

  it("agree on every Prometheus-backed alert's query, threshold, guard, for and labels", () => {
    const promRules = prom().filter((r) => r.alert);
    const grafanaRules = groups.flatMap((g) => g.rules).filter((r) => !r.record);
    const promBacked = grafanaRules.filter((r) => r.datas[0].datasourceUid === settings.prometheusDatasourceUid);
    expect(promRules.map((r) => r.alert).sort()).toEqual(promBacked.map((r) => r.name).sort());
    for (const g of promBacked) {
      const p = promRules.find((r) => r.alert === g.name);
      if (!p) throw new Error(`${g.name} has no Prometheus rule`);
      const query = modelOf(g, "A")?.expr as string;
      const evaluator = (modelOf(g, "C")?.conditions as { evaluator: { type: keyof typeof opOf; params: number[] } }[])[0].evaluator;
      let expected = `(${query}) ${opOf[evaluator.type]} ${evaluator.params[0]}`;
      const guard = modelOf(g, "G");
      if (guard) {
        const min = (modelOf(g, "I")?.conditions as { evaluator: { params: number[] } }[])[0].evaluator.params[0];
        expected += ` and (${guard.expr as string}) >= ${min}`;
      }
      if (g.noDataState === "Alerting") expected += ` or absent(${query})`;
      expect(p.expr, g.name).toBe(expected);
      expect(p.for, g.name).toBe(g.for);
      expect(p.keep_firing_for, g.name).toBe(g.keepFiringFor);
      expect(p.labels, g.name).toEqual(g.labels);
      expect(p.annotations?.runbook_url, g.name).toBe(g.annotations?.runbook_url);
      expect(p.annotations?.summary, g.name).toBe(g.annotations?.summary);
    }
  });

  it("keeps SQL rules in Grafana only, as there is no Prometheus form", () => {
    const sql = groups.flatMap((g) => g.rules).filter((r) => r.datas[0].datasourceUid === "ain-supabase-postgres");
    expect(sql.map((r) => r.name).sort()).toEqual(["DatabaseLongRunningQueries", "MonitoringRoleWrites", "PdfReportsBucketMissing", "SharingTokenLifetimeOverPolicy"]);
    expect(prom().some((r) => sql.some((s) => s.name === r.alert))).toBe(false);
  });
});

describe("Grafana rule groups", () => {
  it("are shaped query -> reduce -> threshold, with relative time ranges, the __expr__ source and no intervalMs", () => {
    for (const rule of groups.flatMap((g) => g.rules).filter((r) => !r.record)) {
      expect(rule.datas.slice(0, 3).map((d) => d.refId)).toEqual(["A", "B", "C"]);
      expect(JSON.parse(rule.datas[1].model)).toMatchObject({ type: "reduce", expression: "A" });
      expect(JSON.parse(rule.datas[2].model)).toMatchObject({ type: "threshold", expression: "B" });
      expect(rule.datas.map((d) => d.refId)).toContain(rule.condition);
      for (const d of rule.datas) {
        expect(d.relativeTimeRange).toBeDefined();
        expect(d.model).not.toMatch(/intervalMs|maxDataPoints/);
        if (JSON.parse(d.model).type) expect(d.datasourceUid).toBe(EXPRESSION_DATASOURCE_UID);
      }
    }
  });

  it("evaluate every multiple of 10 seconds, with stable group names", () => {
    for (const g of groups) {
      expect(g.intervalSeconds % 10).toBe(0);
      expect(g.name).toMatch(/^ain-[a-z-]+$/);
    }
  });

  it("record the edge-function logs with LogQL a real LogQL parser accepts", () => {
    const rules = logRecordingRules(settings);
    expect(rules).toHaveLength(2);
    for (const r of rules) expect(logqlErrors(r.expr), r.expr).toEqual([]);
    expect(logqlErrors("sum(rate({source=\"x\"} | json [5m]")).not.toEqual([]);
    expect([...lokiRuleFiles(settings).values()][0]).toContain(rules[0].expr);
  });

  it("give every recording rule a uid within Grafana's limit, unique across groups", () => {
    const uids = groups.flatMap((g) => g.rules.map((r) => r.uid));
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) expect(uid.length).toBeLessThanOrEqual(40);
  });
});

describe("what the prod stack registers", () => {
  let prod: StackRun;
  beforeAll(async () => {
    prod = await runValidStack();
  });

  it("one RuleGroup per area and per recording layer, in the AIN folder, through the explicit provider", () => {
    const registered = prod.ofType("grafana:alerting/ruleGroup:RuleGroup");
    expect(registered.map((r) => r.name).sort()).toEqual(groups.map((g) => g.name).sort());
    const provider = prod.one("pulumi:providers:grafana").urn;
    for (const r of registered) {
      expect(r.inputs.folderUid).toBe("ain-monitoring");
      expect(r.provider?.startsWith(`${provider}::`), r.name).toBe(true);
    }
  });

  it("the SQL rules name the PostgreSQL data source by the resource's uid, so their group depends on it", () => {
    const datasource = prod.one("grafana:oss/dataSource:DataSource", "supabase-postgres");
    const groups = prod.ofType("grafana:alerting/ruleGroup:RuleGroup");
    const withSql = groups.filter((g) => JSON.stringify(g.inputs.rules).includes(datasource.inputs.uid as string));
    expect(withSql.map((g) => g.name).sort()).toEqual(["ain-database", "ain-pdf", "ain-sharing-tokens"]);
    for (const g of withSql) expect(g.dependencies, g.name).toContain(datasource.urn);
    for (const g of groups.filter((x) => !withSql.includes(x))) expect(g.dependencies, g.name).not.toContain(datasource.urn);
  });

  it("every registered alert rule has a uid, a severity, a summary and a runbook_url", () => {
    const rules = prod.ofType("grafana:alerting/ruleGroup:RuleGroup").flatMap((g) => g.inputs.rules as Record<string, Record<string, string>>[]);
    const alerting = rules.filter((r) => !r.record);
    expect(alerting.length).toBe(alerts.length);
    for (const r of alerting) {
      expect(r.uid).toMatch(/^ain-/);
      expect(r.labels.severity).toMatch(/^P[0-3]$/);
      expect(r.annotations.summary).toBeTruthy();
      expect(r.annotations.runbook_url).toMatch(/^https:\/\/.+#.+/);
    }
  });
});

describe("durations, as Grafana reads them back", () => {
  it.each([
    [0, "0s"],
    [30, "30s"],
    [90 * 60, "1h30m"],
    [86_400, "1d"],
    [7 * 86_400, "1w"],
    [10 * 86_400, "10d"],
    [14 * 86_400, "2w"],
    [365 * 86_400, "1y"],
    [3 * 3600 + 61, "3h1m1s"],
  ])("%d s is written %s, Prometheus' model.Duration form", (seconds, text) => {
    expect(duration(seconds)).toBe(text);
  });
});

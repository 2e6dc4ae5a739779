import { beforeAll, describe, expect, it } from "vitest";
import { logRecordingRules } from "../../src/alerts/recording";
import { grafanaRuleGroups } from "../../src/alerts/render/grafana";
import { edgeSeriesOf } from "../../src/alerts/signals";
import type { Settings } from "../../src/config/load";
import { drainRecords, EDGE_SERVICE, RELAY_SERVICE } from "../fixtures/signals/log-drain";
import { parseLogQuery, runLogPipeline } from "../support/logql";
import { settingsFor } from "../support/offline";

/**
 * The LogQL recording rules over the Supabase log drain, without Loki (AGPL): each expression is
 * parsed by the real LogQL grammar, and its stages run over records in the drain's real format,
 * the stream selector against the real labels and the regexp with RE2.
 */
let settings: Settings;
const expr = (record: string) => {
  const rule = logRecordingRules(settings).find((r) => r.record === record);
  if (!rule) throw new Error(`no recording rule ${record}`);
  return rule.expr;
};

beforeAll(async () => {
  settings = await settingsFor();
});

const countBy = (rows: { labels: Record<string, string> }[], keys: string[]) => {
  const counts: Record<string, number> = {};
  for (const r of rows) {
    const k = keys.map((key) => `${key}=${r.labels[key] ?? ""}`).join(",");
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
};

describe("the requests recording rule, over drain-format records", () => {
  it("counts requests by function slug (from either URL form), status and the checks' marker, without preflights, other services or non-request lines", () => {
    const q = parseLogQuery(expr(edgeSeriesOf(settings.identity).requestsPerMinute));
    expect(q.groupBy).toEqual(["function", "status", "traffic"]);
    const rows = runLogPipeline(q, drainRecords(settings.supabaseProjectRef));
    expect(countBy(rows, q.groupBy)).toEqual({
      "function=generate-valuation-pdf,status=200,traffic=": 2,
      "function=generate-valuation-pdf,status=500,traffic=": 1,
      "function=generate-valuation-pdf,status=502,traffic=": 1,
      "function=send-valuation-email,status=200,traffic=": 1,
      "function=send-valuation-email,status=503,traffic=": 2,
      "function=test-email-integration,status=200,traffic=": 1,
      "function=test-email-integration,status=200,traffic=synthetic": 1,
      "function=decode-vin,status=200,traffic=": 3,
      "function=decode-vin,status=200,traffic=synthetic": 1,
      "function=decode-vin,status=400,traffic=": 1,
      "function=get-shared-report,status=404,traffic=": 1,
      "function=get-shared-report,status=200,traffic=": 2,
    });
  });

  it("counts per evaluation minute, a minute behind for lines that reach Loki late, so consecutive points add up to any window", () => {
    const q = expr(edgeSeriesOf(settings.identity).requestsPerMinute);
    expect(q).toMatch(/count_over_time\(.*\[1m\] offset 1m\)\)$/);
  });

  it("keeps only the labels it aggregates on, so per-line metadata such as id never becomes a series", () => {
    const rows = runLogPipeline(parseLogQuery(expr(edgeSeriesOf(settings.identity).requestsPerMinute)), drainRecords(settings.supabaseProjectRef));
    for (const r of rows) for (const key of Object.keys(r.labels)) expect(["function", "status", "traffic"]).toContain(key);
  });

  it("selects both service names the drain may use, and matches nothing under the old selector's labels", () => {
    const q = parseLogQuery(expr(edgeSeriesOf(settings.identity).requestsPerMinute));
    expect(q.selector).toEqual([
      { name: "source", op: "=", value: "supabase" },
      { name: "service", op: "=~", value: `${EDGE_SERVICE}|${RELAY_SERVICE}` },
    ]);
    const old = parseLogQuery(`sum by (function, status) (rate({source="function_edge_logs", project="${settings.supabaseProjectRef}"} | regexp \`x\` [5m]))`);
    expect(runLogPipeline(old, drainRecords(settings.supabaseProjectRef))).toEqual([]);
  });

  it("follows a different service label set in logDrain.streamSelector", async () => {
    const other = await settingsFor({ set: { logDrain: { streamSelector: '{source="supabase", service="edge_logs"}' } } });
    const q = parseLogQuery(logRecordingRules(other)[0].expr);
    expect(q.selector[1]).toEqual({ name: "service", op: "=", value: "edge_logs" });
    expect(runLogPipeline(q, drainRecords(settings.supabaseProjectRef))).toEqual([]);
  });
});

describe("the latency recording rule, over drain-format records", () => {
  it("unwraps the execution time from structured metadata, drops lines without one through __error__, and groups by function", () => {
    const q = parseLogQuery(expr(edgeSeriesOf(settings.identity).latencyP95Seconds5m));
    expect(q.groupBy).toEqual(["function", "traffic"]);
    const stages = q.stages.map((s) => s.kind);
    // __error__ must come after unwrap, or the lines unwrap fails on stay in the sample.
    expect(stages.lastIndexOf("matcher")).toBeGreaterThan(stages.indexOf("unwrap"));
    const rows = runLogPipeline(q, drainRecords(settings.supabaseProjectRef));
    const byFunction: Record<string, number[]> = {};
    for (const r of rows) (byFunction[r.labels.function] ??= []).push(r.value ?? Number.NaN);
    expect(byFunction).toEqual({
      "generate-valuation-pdf": [8200, 9100, 412, 10_000],
      "send-valuation-email": [1800, 95],
      "test-email-integration": [640, 700],
      "decode-vin": [1200, 2900, 15, 1900, 1100],
      "get-shared-report": [30, 210, 40],
    });
  });
});

describe("the Grafana rule models for Loki", () => {
  it("are instant queries: Grafana's Loki backend reads queryType, and a range query records nothing", () => {
    const group = grafanaRuleGroups(settings).find((g) => g.name === "ain-edge-logs-recording");
    expect(group?.rules).toHaveLength(2);
    for (const rule of group?.rules ?? []) {
      const model = JSON.parse(rule.datas[0].model) as Record<string, unknown>;
      expect(rule.datas[0].datasourceUid).toBe(settings.lokiDatasourceUid);
      expect(model.queryType).toBe("instant");
      expect(model).not.toHaveProperty("instant");
    }
  });
});

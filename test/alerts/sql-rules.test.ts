import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grafanaRuleGroups, type GrafanaRule } from "../../src/alerts/render/grafana";
import { POSTGRES_DATASOURCE_UID } from "../../src/grafana/datasources";
import type { Settings } from "../../src/config/load";
import { settingsFor } from "../support/offline";
import { longRunningQueriesQuery } from "../../src/sql/queries";
import { MONITOR, startPostgres, type Postgres } from "../support/postgres";

/**
 * The SQL alert rules, exactly as deployed to Grafana, run on a real PostgreSQL with
 * Supabase-shaped tables, read through the monitoring role of db/monitoring-role.sql.
 */
let pg: Postgres;
let monitor: Client;
let settings: Settings;
let rules: GrafanaRule[];

/** Long enough to catch in a test; the prod default is 300 s. */
const LONG_RUNNING_SECONDS = 1;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.load("healthy-data.sql");
  monitor = await pg.connect(MONITOR);
  settings = await settingsFor({ set: { runbook: { capacity: { longRunningQuerySeconds: LONG_RUNNING_SECONDS } } } });
  rules = grafanaRuleGroups(settings).flatMap((g) => g.rules);
}, 60_000);

afterAll(async () => {
  await monitor?.end();
  pg?.stop();
});

const sqlOf = (name: string): string => {
  const rule = rules.find((r) => r.name === name);
  const source = rule?.datas.find((d) => d.datasourceUid === POSTGRES_DATASOURCE_UID);
  if (!source) throw new Error(`${name} has no PostgreSQL query`);
  return (JSON.parse(source.model) as { rawSql: string }).rawSql;
};
const thresholdOf = (name: string): { type: string; value: number } => {
  const data = rules.find((r) => r.name === name)?.datas.find((d) => d.refId === "C");
  const model = JSON.parse(data?.model ?? "{}") as { conditions: { evaluator: { type: string; params: number[] } }[] };
  return { type: model.conditions[0].evaluator.type, value: model.conditions[0].evaluator.params[0] };
};
/** Grafana's threshold expression, on the one number the query returns. */
const fires = (name: string, value: number): boolean => {
  const t = thresholdOf(name);
  return { gt: value > t.value, gte: value >= t.value, lt: value < t.value }[t.type as "gt" | "gte" | "lt"];
};

/** Runs a rule's SQL as Grafana would: one row, one numeric column, the value. */
async function evaluate(name: string): Promise<{ value: number; fires: boolean }> {
  const result = await monitor.query(sqlOf(name));
  expect(result.rows).toHaveLength(1);
  expect(result.fields).toHaveLength(1);
  const value = Number(Object.values(result.rows[0] as Record<string, unknown>)[0]);
  expect(Number.isFinite(value)).toBe(true);
  return { value, fires: fires(name, value) };
}

describe("PdfReportsBucketMissing", () => {
  it("is silent while the bucket exists, and fires when it is gone", async () => {
    expect(await evaluate("PdfReportsBucketMissing")).toEqual({ value: 1, fires: false });
    // Committed, so the monitoring role's own connection sees it; put back afterwards.
    await pg.load("UPDATE storage.buckets SET id = 'renamed', name = 'renamed' WHERE id = 'PDF Valuation Reports'");
    try {
      expect(await evaluate("PdfReportsBucketMissing")).toEqual({ value: 0, fires: true });
    } finally {
      await pg.load("UPDATE storage.buckets SET id = 'PDF Valuation Reports', name = 'PDF Valuation Reports' WHERE id = 'renamed'");
    }
  });
});

describe("DatabaseLongRunningQueries", () => {
  it("is silent on an idle database", async () => {
    expect(await evaluate("DatabaseLongRunningQueries")).toEqual({ value: 0, fires: false });
  });

  it("catches a real pg_sleep held open by another role, which the long-running panel also lists", async () => {
    // The application's role, not the monitoring one: its session details are hidden from pg_stat_activity.
    const sleeper = await pg.connect("authenticator");
    const sleeping = sleeper.query("SELECT pg_sleep(60) /* ain-test-long-query */").catch(() => undefined);
    try {
      await new Promise((r) => setTimeout(r, (LONG_RUNNING_SECONDS + 1) * 1000));
      const { value, fires: firing } = await evaluate("DatabaseLongRunningQueries");
      expect(value).toBe(1);
      expect(firing).toBe(true);
      // The panel beside the alert shows the same session.
      const panel = await monitor.query(longRunningQueriesQuery);
      expect(panel.rows.map((r: { statement: string }) => r.statement).join("\n")).toContain("ain-test-long-query");
    } finally {
      // From another connection: the sleeper's own is busy sleeping.
      await pg.load("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE '%ain-test-long-query%' AND pid <> pg_backend_pid()");
      await sleeping;
      await sleeper.end();
    }
  });

  it("does not count the monitoring session's own query", async () => {
    expect(sqlOf("DatabaseLongRunningQueries")).toContain("pid <> pg_backend_pid()");
    expect((await evaluate("DatabaseLongRunningQueries")).value).toBe(0);
  });
});

describe("SharingTokenLifetimeOverPolicy", () => {
  it("is silent on tokens of exactly the 30-day lifetime, and ignores expired ones", async () => {
    expect(await evaluate("SharingTokenLifetimeOverPolicy")).toEqual({ value: 0, fires: false });
  });

  it("fires on a live token issued for 31 days", async () => {
    await pg.load("INSERT INTO public.public_tokens (token, created_at, expires_at) VALUES ('too-long', now(), now() + interval '31 days')");
    try {
      expect(await evaluate("SharingTokenLifetimeOverPolicy")).toEqual({ value: 1, fires: true });
    } finally {
      await pg.load("DELETE FROM public.public_tokens WHERE token = 'too-long'");
    }
  });
});

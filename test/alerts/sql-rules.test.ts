import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grafanaRuleGroups, type GrafanaRule } from "../../src/alerts/render/grafana";
import { postgresDatasourceUid } from "../../src/grafana/datasources";
import type { Settings } from "../../src/config/load";
import { settingsFor } from "../support/offline";
import { longRunningQueriesQuery } from "../../src/sql/queries";
import { MONITOR, startPostgres, type Postgres } from "../support/postgres";
import { supabaseLikeActivity } from "../support/supabaseActivity";

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
  // Logical WAL, so the fixture can hold a walsender as Supabase Realtime does.
  pg = await startPostgres({ wal_level: "logical", max_wal_senders: "4", max_replication_slots: "4" });
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
  const source = rule?.datas.find((d) => d.datasourceUid === postgresDatasourceUid(settings));
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

  it("on a Supabase-like pg_stat_activity, counts the slow client query and the session idle in a transaction, never the walsender or background processes", async () => {
    const activity = await supabaseLikeActivity(pg);
    try {
      expect(await activity.backendTypes()).toEqual(expect.arrayContaining(["autovacuum launcher", "client backend", "logical replication launcher", "walsender"]));
      await new Promise((r) => setTimeout(r, (LONG_RUNNING_SECONDS + 1) * 1000));
      // The runbook's query, as written, calls the walsender long-running too: the defect this filter fixes.
      // As postgres, which sees every session's details through pg_monitor; the monitoring role would see NULLs.
      const privileged = await pg.connect("postgres");
      const runbook = await privileged.query(
        `SELECT backend_type, state, query FROM pg_stat_activity WHERE state != 'idle' AND pid <> pg_backend_pid() AND query_start < now() - interval '${LONG_RUNNING_SECONDS} seconds' ORDER BY backend_type`,
      );
      const runbookTypes = (runbook.rows as { backend_type: string }[]).map((r) => r.backend_type);
      await privileged.end();
      expect(runbookTypes).toContain("walsender");
      const { value, fires: firing } = await evaluate("DatabaseLongRunningQueries");
      expect(value).toBe(2);
      expect(firing).toBe(true);
      // The dashboard's list shows the same two, by pid and age, and the slow one by its masked text.
      const panel = await monitor.query(longRunningQueriesQuery);
      const listed = (panel.rows as { statement: string; state: string; age_seconds: number }[]).filter((row) => Number(row.age_seconds) > LONG_RUNNING_SECONDS);
      expect(listed.map((row) => row.state).sort()).toEqual(["active", "idle in transaction"]);
      // Comments are never shown (they may hold anything): the slow one is known by its shape.
      expect(listed.map((row) => row.statement).sort()).toEqual(["SELECT pg_sleep(…)", "SELECT …"]);
    } finally {
      await activity.stop();
    }
    expect(await evaluate("DatabaseLongRunningQueries")).toEqual({ value: 0, fires: false });
  }, 30_000);

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

describe("MonitoringRoleWrites", () => {
  it("is silent while the read-only role owns nothing, and fires once it writes a large object, even in a read-only transaction", async () => {
    expect(await evaluate("MonitoringRoleWrites")).toEqual({ value: 0, fires: false });
    // PostgreSQL writes large objects inside a read-only transaction: the role's default does not stop it.
    const intruder = await pg.connect(MONITOR);
    try {
      const { rows } = await intruder.query<{ oid: number }>("SELECT lo_from_bytea(0, 'x'::bytea) AS oid");
      expect(await evaluate("MonitoringRoleWrites")).toEqual({ value: 1, fires: true });
      await intruder.query("SELECT lo_unlink($1)", [rows[0].oid]);
      expect(await evaluate("MonitoringRoleWrites")).toEqual({ value: 0, fires: false });
    } finally {
      await intruder.end();
    }
  });

  it("fires once the role changes its own defaults for every later session (ALTER ROLE ... SET), which needs no privilege", async () => {
    const intruder = await pg.connect(MONITOR);
    try {
      await intruder.query("SET default_transaction_read_only = off");
      await intruder.query(`ALTER ROLE ${MONITOR} SET statement_timeout = 0`);
      expect(await evaluate("MonitoringRoleWrites")).toEqual({ value: 1, fires: true });
    } finally {
      await intruder.end();
      await pg.load(`ALTER ROLE ${MONITOR} SET statement_timeout = '30s'`);
    }
    expect(await evaluate("MonitoringRoleWrites")).toEqual({ value: 0, fires: false });
  });
});

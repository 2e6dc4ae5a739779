import { createHash } from "node:crypto";
import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardCatalog } from "../../src/dashboards/all";
import { slowestQueriesQuery, storageByBucketQuery, tableChurnQuery, tokenStatesQuery } from "../../src/sql/queries";
import { grafanaSql } from "../support/grafanaSql";
import { settingsFor } from "../support/offline";
import { MONITOR, startPostgres, type Postgres } from "../support/postgres";

/**
 * Every SQL panel, run on a real PostgreSQL with Supabase-shaped fixtures, as the monitoring role
 * of db/monitoring-role.sql, with Grafana's variables and macros expanded as Grafana does.
 */
interface SqlPanel {
  dashboard: string;
  title: string;
  type: string;
  sql: string;
  format: string;
  /** The panel's own relative range ("30d"), if it has one. */
  timeFrom?: string;
  /** The dashboard's range ("now-30d"). */
  dashboardFrom: string;
}

interface TablePanel {
  type: string;
  title: string;
  targets?: { rawSql?: string }[];
  fieldConfig?: { overrides?: { matcher: { id: string; options: string } }[] };
}

let pg: Postgres;
let monitor: Client;
let panels: SqlPanel[];

beforeAll(async () => {
  pg = await startPostgres();
  await pg.load("healthy-data.sql");
  monitor = await pg.connect(MONITOR);
  const settings = await settingsFor();
  panels = dashboardCatalog(settings).flatMap((d) =>
    ((d.model.panels ?? []) as unknown as { type: string; title: string; timeFrom?: string; targets?: { rawSql?: string; format?: string }[] }[]).flatMap((p) =>
      (p.targets ?? [])
        .filter((t) => t.rawSql)
        .map((t) => ({ dashboard: d.uid, title: p.title, type: p.type, sql: t.rawSql as string, format: t.format ?? "table", timeFrom: p.timeFrom, dashboardFrom: String(d.model.time?.from) })),
    ),
  );
}, 60_000);

afterAll(async () => {
  await monitor?.end();
  pg?.stop();
});

/** The panel's relative range, else its dashboard's (now-6h, now-30d), ending now. */
const rangeOf = (p: SqlPanel) => {
  const to = new Date();
  const relative = p.timeFrom ?? p.dashboardFrom.replace(/^now-/, "");
  const m = /^(\d+)([dh])$/.exec(relative);
  if (!m) throw new Error(`${p.title}: range ${relative} is not modelled`);
  return { from: new Date(to.getTime() - Number(m[1]) * (m[2] === "d" ? 86400e3 : 3600e3)), to };
};
/** What Grafana sends for the panel, with the SHA-256 of the token "expiring-soon" typed into $token (the panel takes a digest, never a token). */
const interpolate = (p: SqlPanel) => grafanaSql(p.sql, { variables: { token: createHash("sha256").update("expiring-soon").digest("hex") }, range: rangeOf(p) });

const NUMERIC = new Set([20, 21, 23, 700, 701, 1700]); // int8, int2, int4, float4, float8, numeric
const TIMESTAMPTZ = 1184;

describe("SQL panels on PostgreSQL", () => {
  it("there are SQL panels on the database, storage, sharing-token, review and product dashboards", () => {
    expect(new Set(panels.map((p) => p.dashboard))).toEqual(new Set(["ain-database", "ain-storage", "ain-email-pdf", "ain-sharing-tokens", "ain-reviews", "ain-product"]));
    expect(panels.length).toBeGreaterThanOrEqual(12);
  });

  it("every one runs as the read-only role and returns the shape its panel expects", async () => {
    for (const p of panels) {
      const result = await monitor.query(interpolate(p)).catch((e: Error) => {
        throw new Error(`${p.dashboard} "${p.title}": ${e.message}`);
      });
      const types = result.fields.map((f) => f.dataTypeID);
      const where = `${p.dashboard} "${p.title}"`;
      if (p.type === "stat") {
        expect(result.rows, where).toHaveLength(1);
        expect(types.every((t) => NUMERIC.has(t)), `${where}: ${types}`).toBe(true);
      } else if (p.format === "time_series") {
        expect(types[0], where).toBe(TIMESTAMPTZ);
        expect(result.fields[0].name).toBe("time");
        expect(types.slice(1).some((t) => NUMERIC.has(t)), where).toBe(true);
        expect(result.rows.length, where).toBeGreaterThan(0);
      } else {
        expect(result.fields.length, where).toBeGreaterThan(0);
      }
    }
  });
});

describe("days in SQL panels", () => {
  it("are UTC days, as the PromQL panels' are, whatever time zone the session has", async () => {
    // Grafana sets no time zone on its PostgreSQL sessions: a role or database default decides, and
    // date_trunc('day', t) truncates in it. Kiritimati is 14 hours from UTC, so its midnights never are.
    const daily = panels.filter((p) => p.format === "time_series" && /date_trunc\('day'/.test(p.sql));
    expect(daily.length).toBeGreaterThanOrEqual(2);
    await monitor.query("SET TIME ZONE 'Pacific/Kiritimati'");
    try {
      for (const p of daily) {
        const { rows } = await monitor.query<{ time: Date }>(interpolate(p));
        expect(rows.length, p.title).toBeGreaterThan(0);
        for (const row of rows) expect(row.time.toISOString(), `${p.dashboard} "${p.title}"`).toMatch(/T00:00:00\.000Z$/);
      }
    } finally {
      await monitor.query("RESET TIME ZONE");
    }
  });
});

describe("units in tables", () => {
  it("name columns the query really returns, so bytes and seconds are not shown as plain numbers", async () => {
    const settings = await settingsFor();
    let overrides = 0;
    for (const d of dashboardCatalog(settings)) {
      for (const p of (d.model.panels ?? []) as unknown as TablePanel[]) {
        if (p.type !== "table") continue;
        const sql = p.targets?.[0]?.rawSql as string;
        const { fields } = await monitor.query(interpolate({ dashboard: d.uid, title: p.title, type: p.type, sql, format: "table", dashboardFrom: String(d.model.time?.from) }));
        for (const o of p.fieldConfig?.overrides ?? []) {
          expect(fields.map((f) => f.name), `${d.uid} "${p.title}"`).toContain(o.matcher.options);
          overrides++;
        }
      }
    }
    expect(overrides).toBeGreaterThanOrEqual(2);
  });
});

describe("the weekly review's slowest queries", () => {
  it("put a statement that really ran slowly first, in seconds, as the monitoring role, with its literals masked", async () => {
    // The application's role: the monitoring role reads its statements only through slowest_statements().
    const app = await pg.connect("authenticator");
    try {
      await app.query("SELECT pg_sleep(0.3), 'weekly-review-probe'");
    } finally {
      await app.end();
    }
    const { rows, fields } = await monitor.query(slowestQueriesQuery);
    expect(fields.map((f) => f.name)).toEqual(["statement", "calls", "mean_seconds", "total_seconds", "rows"]);
    expect(rows[0].statement).toContain("pg_sleep");
    expect(rows.map((r: { statement: string }) => r.statement).join("\n")).not.toContain("weekly-review-probe");
    expect(rows[0].mean_seconds).toBeGreaterThanOrEqual(0.3);
    expect(rows[0].mean_seconds).toBeLessThan(30);
  });
});

describe("the runbook's own queries", () => {
  it("storage usage by bucket counts the fixture's files and bytes", async () => {
    const { rows } = await monitor.query(storageByBucketQuery);
    const pdf = rows.find((r: { bucket_id: string }) => r.bucket_id === "PDF Valuation Reports");
    // 40 reports of 181 000 .. 220 000 bytes, and the PDF check's own of 1000 bytes: storage holds it too.
    expect(pdf).toMatchObject({ file_count: "41", total_size: String(40 * 180000 + (40 * 41 * 1000) / 2 + 1000) });
  });

  it("as written, the storage query and the table-health query are refused by PostgreSQL, hence the fixes", async () => {
    // Run as Supabase's postgres role, as a person would in the SQL editor: the monitoring role may not read storage.objects at all.
    const person = await pg.connect("postgres");
    await expect(person.query("SELECT bucket_id, count(*) as file_count, sum(metadata->>'size')::bigint as total_size FROM storage.objects GROUP BY bucket_id")).rejects.toThrow(/function sum\(text\) does not exist/);
    await person.end();
    await expect(monitor.query("SELECT schemaname, tablename, n_tup_ins as inserts, n_tup_upd as updates, n_tup_del as deletes FROM pg_stat_user_tables")).rejects.toThrow(/column "tablename" does not exist/);
    const { rows } = await monitor.query(tableChurnQuery);
    expect(rows.map((r: { tablename: string }) => r.tablename)).toEqual(expect.arrayContaining(["objects", "buckets", "public_tokens"]));
  });

  it("tokens by state tells live, expiring within 72 h and expired apart", async () => {
    const { rows } = await monitor.query(tokenStatesQuery(72));
    expect(rows[0]).toMatchObject({ live: "3", expiring_soon: "1", expired: "1" });
  });

  it("the token check tells the state of the token typed into the dashboard, and never shows a token", async () => {
    const panel = panels.find((p) => p.title === "Check a token") as SqlPanel;
    const result = await monitor.query(interpolate(panel));
    expect(result.rows).toEqual([{ state: "expiring" }]);
    expect(result.fields.map((f) => f.name)).toEqual(["state"]);
  });

  it("the per-day series follow the panel's 30-day range through $__timeFilter", async () => {
    for (const title of ["Tokens issued per day (30 days)", "Bytes added per day, by bucket (30 days)"]) {
      const panel = panels.find((p) => p.title === title) as SqlPanel;
      expect(panel.sql, title).toContain("$__timeFilter(created_at)");
      expect(panel.timeFrom, title).toBe("30d");
    }
    // The photos fixture holds one 2.5 MB photo a day for 12 days: all inside 30 days, none inside the default 6 h.
    const storage = panels.find((p) => p.title === "Bytes added per day, by bucket (30 days)") as SqlPanel;
    const photosIn = async (range: { from: Date; to: Date }) =>
      (await monitor.query(grafanaSql(storage.sql, { range }))).rows.filter((r: { metric: string }) => r.metric === "vehicle-photos").length;
    expect(await photosIn(rangeOf(storage))).toBe(12);
    const now = new Date();
    expect(await photosIn({ from: new Date(now.getTime() - 6 * 3600e3), to: now })).toBe(0);
  });

  it("buckets bytes added per UTC day, whatever the session's time zone", async () => {
    const storage = panels.find((p) => p.title === "Bytes added per day, by bucket (30 days)") as SqlPanel;
    // A session far from UTC: its local midnights are not UTC's, and a local day would shift every bar.
    await monitor.query("SET TIME ZONE 'Pacific/Kiritimati'");
    try {
      const { rows } = await monitor.query(grafanaSql(storage.sql, { range: rangeOf(storage) }));
      for (const r of rows as { time: Date }[]) expect(new Date(r.time).getUTCHours(), String(r.time)).toBe(0);
    } finally {
      await monitor.query("RESET TIME ZONE");
    }
  });
});

import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardCatalog } from "../../src/dashboards/catalog";
import { createdLastWeekQuery, createdPerDayQuery, createdWeekOverWeekQuery, slowestQueriesQuery, storageByBucketQuery, tableChurnQuery, tokenStatesQuery } from "../../src/sql/queries";
import { settingsFor } from "../support/offline";
import { startPostgres, type Postgres } from "../support/postgres";

/** Every SQL panel, run on a real PostgreSQL 15 with Supabase-shaped fixtures, as the read-only role. */
interface SqlPanel {
  dashboard: string;
  title: string;
  type: string;
  sql: string;
  format: string;
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
  monitor = await pg.connect("grafana_readonly");
  const settings = await settingsFor();
  panels = dashboardCatalog(settings).flatMap((d) =>
    ((d.model.panels ?? []) as unknown as { type: string; title: string; targets?: { rawSql?: string; format?: string }[] }[]).flatMap((p) =>
      (p.targets ?? []).filter((t) => t.rawSql).map((t) => ({ dashboard: d.uid, title: p.title, type: p.type, sql: t.rawSql as string, format: t.format ?? "table" })),
    ),
  );
}, 60_000);

afterAll(async () => {
  await monitor?.end();
  pg?.stop();
});

/** Grafana fills template variables before the database sees the query. */
const interpolate = (sql: string) => sql.replaceAll("${token}", "expiring-soon");

const NUMERIC = new Set([20, 21, 23, 700, 701, 1700]); // int8, int2, int4, float4, float8, numeric
const TIMESTAMPTZ = 1184;

describe("SQL panels on PostgreSQL 15", () => {
  it("there are SQL panels on the database, storage, sharing-token, review and product dashboards", () => {
    expect(new Set(panels.map((p) => p.dashboard))).toEqual(new Set(["ain-database", "ain-storage", "ain-email-pdf", "ain-sharing-tokens", "ain-reviews", "ain-product"]));
    expect(panels.length).toBeGreaterThanOrEqual(12);
  });

  it("every one runs as the read-only role and returns the shape its panel expects", async () => {
    for (const p of panels) {
      const result = await monitor.query(interpolate(p.sql)).catch((e: Error) => {
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
        expect(result.fields.length, where).toBeGreaterThan(1);
      }
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
        const { fields } = await monitor.query(interpolate(sql));
        for (const o of p.fieldConfig?.overrides ?? []) {
          expect(fields.map((f) => f.name), `${d.uid} "${p.title}"`).toContain(o.matcher.options);
          overrides++;
        }
      }
    }
    expect(overrides).toBeGreaterThanOrEqual(2);
  });
});

describe("the product view's counts", () => {
  it("count PDFs in the PDF bucket only and shares from public_tokens, per day and week over week", async () => {
    const admin = await pg.connect();
    try {
      await admin.query("BEGIN");
      // 20 more PDFs 8 to 12 days ago: the week before had 20, this week 40, so +100 %.
      await admin.query(
        "INSERT INTO storage.objects (bucket_id, name, metadata, created_at) SELECT 'PDF Valuation Reports', 'old/' || g || '.pdf', '{\"size\": 1000}', now() - interval '8 days' - (g % 5 || ' days')::interval FROM generate_series(1, 20) g",
      );
      const perDay = await admin.query(createdPerDayQuery("pdfs", 30));
      expect(perDay.rows.reduce((n: number, r: { pdfs_generated: string }) => n + Number(r.pdfs_generated), 0)).toBe(60);
      expect((await admin.query(createdLastWeekQuery("pdfs"))).rows[0]).toEqual({ last_7_days: "40" });
      expect((await admin.query(createdWeekOverWeekQuery("pdfs"))).rows[0]).toEqual({ week_over_week_percent: "100.0" });
      // Tokens: two this week, none the week before: no percentage rather than a division by zero.
      expect((await admin.query(createdLastWeekQuery("sharedReports"))).rows[0]).toEqual({ last_7_days: "2" });
      expect((await admin.query(createdWeekOverWeekQuery("sharedReports"))).rows[0]).toEqual({ week_over_week_percent: null });
    } finally {
      await admin.query("ROLLBACK");
      await admin.end();
    }
  });
});

describe("the weekly review's slowest queries", () => {
  it("put a statement that really ran slowly first, in seconds, as the read-only role", async () => {
    const app = await pg.connect();
    try {
      await app.query("SELECT pg_sleep(0.3), 'weekly-review-probe'");
    } finally {
      await app.end();
    }
    const { rows, fields } = await monitor.query(slowestQueriesQuery);
    expect(fields.map((f) => f.name)).toEqual(["query", "calls", "mean_seconds", "total_seconds", "rows"]);
    expect(rows[0].query).toContain("pg_sleep");
    expect(rows[0].mean_seconds).toBeGreaterThanOrEqual(0.3);
    expect(rows[0].mean_seconds).toBeLessThan(30);
  });
});

describe("the runbook's own queries", () => {
  it("storage usage by bucket counts the fixture's files and bytes", async () => {
    const { rows } = await monitor.query(storageByBucketQuery);
    const pdf = rows.find((r: { bucket_id: string }) => r.bucket_id === "PDF Valuation Reports");
    // 40 reports of 181 000 .. 220 000 bytes.
    expect(pdf).toMatchObject({ file_count: "40", total_size: String(40 * 180000 + (40 * 41 * 1000) / 2) });
  });

  it("as written, the storage query and the table-health query are refused by PostgreSQL, hence the fixes", async () => {
    await expect(monitor.query("SELECT bucket_id, count(*) as file_count, sum(metadata->>'size')::bigint as total_size FROM storage.objects GROUP BY bucket_id")).rejects.toThrow(/function sum\(text\) does not exist/);
    await expect(monitor.query("SELECT schemaname, tablename, n_tup_ins as inserts, n_tup_upd as updates, n_tup_del as deletes FROM pg_stat_user_tables")).rejects.toThrow(/column "tablename" does not exist/);
    const { rows } = await monitor.query(tableChurnQuery);
    expect(rows.map((r: { tablename: string }) => r.tablename)).toEqual(expect.arrayContaining(["objects", "buckets", "public_tokens"]));
  });

  it("tokens by state tells live, expiring within 72 h and expired apart", async () => {
    const { rows } = await monitor.query(tokenStatesQuery(72));
    expect(rows[0]).toMatchObject({ live: "3", expiring_soon: "1", expired: "1" });
  });

  it("the token lookup finds the token typed into the dashboard", async () => {
    const panel = panels.find((p) => p.title === "Check a token") as SqlPanel;
    const { rows } = await monitor.query(interpolate(panel.sql));
    expect(rows.map((r: { token: string }) => r.token)).toEqual(["expiring-soon"]);
  });
});

import * as fs from "node:fs";
import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeSeriesOf } from "../../src/alerts/signals";
import type { Settings } from "../../src/config/load";
import { dashboardContext, type DashboardContext } from "../../src/dashboards/common";
import { dashboardCatalog } from "../../src/dashboards/all";
import { NO_WEEK_BEFORE, okResponsesLastWeekExpr, okResponsesPerDayExpr, weekOverWeekExpr } from "../../src/dashboards/product";
import { SILENT_COLOUR } from "../../src/dashboards/panels/stats";
import { createdLastWeekQuery, createdPerDayQuery, createdWeekOverWeekQuery, PDF_BUCKET, SYNTHETIC_PDF_PREFIX } from "../../src/sql/queries";
import { grafanaSql } from "../support/grafanaSql";
import { settingsFor } from "../support/offline";
import { MONITOR, MONITORING_ROLE_FILE, startPostgres, type Postgres } from "../support/postgres";
import { tempDir } from "../support/processes";
import { runPromtoolTests, type PromtoolTest } from "../support/promtool";

/**
 * The product counts on producer-shaped data with real and synthetic traffic mixed, PromQL on
 * promtool and SQL on PostgreSQL as the monitoring role, and the same events counted by both into
 * the same UTC days.
 *
 * The events: real user requests (one VIN decode, one PDF stored) at pseudo-random instants over 20
 * days, a few real 500s, and the checks' own traffic (the VIN check every 2 minutes from 2 probes,
 * traffic="synthetic"; the PDF check's report every 30 minutes under synthetic/). The recorded
 * series is what Grafana's recording rule writes (src/alerts/recording.ts): once a minute, the count
 * of the drain's lines of the minute that ended the drain's arrival delay earlier, labelled by
 * function, status and, on the checks' requests only, traffic; a minute without lines writes no
 * point. Day 0 is the Unix epoch's, promtool's time 0.
 */
const DAY = 86400;
const DAYS = 20;
/** Today, in the week test: 10 h into day 20. */
const NOW = DAYS * DAY + 10 * 3600;

/** Deterministic instants, anywhere in the day: each is counted in exactly one minute's point. */
function realEvents(): number[] {
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const events: number[] = [];
  for (let day = 0; day < DAYS; day++) {
    // A product with little traffic, growing: 5 a day in the first week, more later.
    const n = 5 + Math.floor(day / 2) + Math.floor(next() * 4);
    for (let i = 0; i < n; i++) events.push(day * DAY + 1 + Math.floor(next() * (DAY - 2)));
    // And one a second before midnight, the instant a day's boundary would misplace.
    events.push((day + 1) * DAY - 1);
  }
  // Today (day 20), 2 h in: today's bar holds it.
  events.push(DAYS * DAY + 2 * 3600);
  return events.sort((a, b) => a - b);
}

const perDay = (events: number[]) => Array.from({ length: DAYS + 1 }, (_, d) => events.filter((e) => e >= d * DAY && e < (d + 1) * DAY).length);

/**
 * The recorded count series of a set of events, one point a minute up to `until`, in promtool's
 * notation: the point at t counts the events of (t - delay - 60 s, t - delay]; a minute without
 * events has no point (`_`), as Grafana's writer leaves it.
 */
function count1m(events: number[], until: number, delay: number): string {
  const values: (number | undefined)[] = [];
  for (let t = 0; t <= until; t += 60) {
    const n = events.filter((e) => e > t - delay - 60 && e <= t - delay).length;
    values.push(n > 0 ? n : undefined);
  }
  const parts: string[] = [];
  for (let k = 0; k < values.length; ) {
    let n = 1;
    while (k + n < values.length && values[k + n] === values[k]) n++;
    const v = values[k] === undefined ? "_" : String(values[k]);
    parts.push(n === 1 ? v : v === "_" ? `_x${n}` : `${v}+0x${n - 1}`);
    k += n;
  }
  return parts.join(" ");
}

let settings: Settings;
let ctx: DashboardContext;
const real = realEvents();
const daily = perDay(real);
const lastWeek = daily.slice(DAYS - 7, DAYS).reduce((a, b) => a + b, 0);
const weekBefore = daily.slice(DAYS - 14, DAYS - 7).reduce((a, b) => a + b, 0);
const weekOverWeek = Math.round((1000 * (lastWeek - weekBefore)) / weekBefore) / 10;

beforeAll(async () => {
  settings = await settingsFor();
  ctx = dashboardContext(settings);
});

/** An expression test on one value (a ratio may not be exact in floating point). */
const about = (expr: string, evalTime: string, value: number) => ({
  expr: `(${expr} >= bool ${value - 1e-6}) * (${expr} <= bool ${value + 1e-6})`,
  eval_time: evalTime,
  exp_samples: [{ labels: "{}", value: 1 }],
});

function productSeries(fn: string): PromtoolTest["input_series"] {
  const delay = settings.signals.arrivalDelaySeconds.logDrain;
  const s = (status: string, traffic?: string) => `${edgeSeriesOf(settings.identity).requestsPerMinute}{function="${fn}", status="${status}"${traffic ? `, traffic="${traffic}"` : ""}}`;
  const failures = real.filter((_, i) => i % 7 === 3).map((e) => e + 30);
  return [
    // People's requests carry no traffic label; the checks' carry traffic="synthetic".
    { series: s("200"), values: count1m(real, NOW, delay) },
    { series: s("500"), values: count1m(failures, NOW, delay) },
    // Two probes every 2 minutes: one request a minute.
    { series: s("200", "synthetic"), values: `1+0x${NOW / 60}` },
  ];
}

describe("VINs decoded and emails sent (PromQL on promtool)", () => {
  it("count real 2xx requests only, per UTC day labelled at its start, today so far included", async () => {
    const fn = settings.functions.vinDecode;
    const run = await runPromtoolTests(tempDir("product-days"), "product-days.test.yml", [], [
      {
        name: "per day",
        interval: "1m",
        input_series: productSeries(fn),
        // Each bar as a range query with a 1-day step evaluates it: at the day's own midnight.
        promql_expr_test: [
          // Day 20 is today, 10 h in: its bar holds what has happened so far.
          ...daily.map((n, d) => about(okResponsesPerDayExpr(ctx, fn, d * DAY), `${NOW}s`, n)),
          about(okResponsesLastWeekExpr(ctx, fn), `${NOW}s`, lastWeek),
          about(weekOverWeekExpr(ctx, fn), `${NOW}s`, (100 * (lastWeek - weekBefore)) / weekBefore),
        ],
      },
    ]);
    expect(run.ok, run.output).toBe(true);
  });

  it("reads a week that dropped to zero as 0 and -100 %, and a week after an empty one as no change", async () => {
    const fn = settings.functions.vinDecode;
    const delay = settings.signals.arrivalDelaySeconds.logDrain;
    const s = `${edgeSeriesOf(settings.identity).requestsPerMinute}{function="${fn}", status="200"}`;
    // Real use only on days 6..12 (the week before the last 7 whole days), none since; and, apart,
    // real use only in the last 7 whole days (days 13..19), none before.
    const inDays = (from: number, to: number) => real.filter((e) => e >= from * DAY && e < to * DAY);
    const expectEmpty = (expr: string) => ({ expr, eval_time: `${NOW}s`, exp_samples: [] });
    const run = await runPromtoolTests(tempDir("product-week-zero"), "product-week-zero.test.yml", [], [
      {
        name: "dropped to zero",
        interval: "1m",
        input_series: [{ series: s, values: count1m(inDays(6, 13), NOW, delay) }],
        promql_expr_test: [about(okResponsesLastWeekExpr(ctx, fn), `${NOW}s`, 0), about(weekOverWeekExpr(ctx, fn), `${NOW}s`, -100)],
      },
      {
        name: "nothing the week before",
        interval: "1m",
        input_series: [{ series: s, values: count1m(inDays(13, 20), NOW, delay) }],
        promql_expr_test: [about(okResponsesLastWeekExpr(ctx, fn), `${NOW}s`, daily.slice(13, 20).reduce((a, b) => a + b, 0)), expectEmpty(weekOverWeekExpr(ctx, fn))],
      },
    ]);
    expect(run.ok, run.output).toBe(true);
  });

  it("would fail on counts that include the checks' traffic, so the test above can fail", async () => {
    const fn = settings.functions.vinDecode;
    const run = await runPromtoolTests(tempDir("product-days-wrong"), "product-days.test.yml", [], [
      { name: "with checks", interval: "1m", input_series: productSeries(fn), promql_expr_test: [about(okResponsesPerDayExpr(ctx, fn, 3 * DAY), `${NOW}s`, daily[3] + 1440)] },
    ]);
    expect(run.ok).toBe(false);
  });
});

describe("PDFs generated (SQL on PostgreSQL, as the monitoring role)", () => {
  let pg: Postgres;
  let monitor: Client;
  beforeAll(async () => {
    pg = await startPostgres();
    await pg.load("healthy-data.sql");
    monitor = await pg.connect(MONITOR);
  }, 60_000);
  afterAll(async () => {
    await monitor?.end();
    pg?.stop();
  });

  /** The events as stored PDFs, `shift` seconds after the Unix epoch, beside the check's own every 30 minutes and other buckets' files. */
  async function store(shift: string) {
    const admin = await pg.connect();
    await admin.query("DELETE FROM storage.objects");
    await admin.query(
      `INSERT INTO storage.objects (bucket_id, name, metadata, created_at) SELECT $1, 'reports/' || e || '.pdf', '{"size": 1000}', ${shift} + make_interval(secs => e) FROM unnest($2::bigint[]) e`,
      [PDF_BUCKET, real],
    );
    await admin.query(
      `INSERT INTO storage.objects (bucket_id, name, metadata, created_at) SELECT $1, $2 || g || '.pdf', '{"size": 1000}', ${shift} + make_interval(secs => g * 1800) FROM generate_series(0, $3::int) g`,
      [PDF_BUCKET, SYNTHETIC_PDF_PREFIX, NOW / 1800],
    );
    await admin.query(`INSERT INTO storage.objects (bucket_id, name, metadata, created_at) SELECT 'vehicle-photos', 'p/' || e || '.jpg', '{"size": 1}', ${shift} + make_interval(secs => e) FROM unnest($1::bigint[]) e`, [real]);
    await admin.end();
  }

  it("counts the same events into the same UTC days as the PromQL bars, without the check's PDFs", async () => {
    await store("'1970-01-01T00:00:00Z'::timestamptz");
    // A range as the time picker gives it, starting and ending mid-day: whole days 0..19 are shown.
    const range = { from: new Date((5 * 3600) * 1000), to: new Date((19 * DAY + 3 * 3600) * 1000) };
    const { rows, fields } = await monitor.query(grafanaSql(createdPerDayQuery("pdfs"), { range }));
    expect(fields.map((f) => f.name)).toEqual(["time", "PDFs generated"]);
    const got = rows.map((r: Record<string, unknown>) => [(r.time as Date).getTime() / 1000 / DAY, Number(r["PDFs generated"])]);
    expect(got).toEqual(daily.slice(0, DAYS).map((n, d) => [d, n]).filter(([, n]) => n > 0));
    // What the checks add, on its own: 48 reports a day.
    const checks = await monitor.query(grafanaSql(createdPerDayQuery("syntheticPdfs"), { range }));
    expect(checks.rows.slice(0, 19).map((r: Record<string, unknown>) => Number(r["PDFs stored by the check"]))).toEqual(Array(19).fill(48));
  });

  it("leaves out what the role file's view flags as the check's, by the prefix the code names", () => {
    const roleFile = fs.readFileSync(MONITORING_ROLE_FILE, "utf8");
    expect(roleFile).toContain(`coalesce(o.name LIKE '${SYNTHETIC_PDF_PREFIX}%', false)`);
  });

  it("counts the 7 whole days before the range's end and the week over week as the PromQL stats do, for a past range", async () => {
    // The same events, at the Unix epoch as on promtool, and a range ending at promtool's evaluation
    // instant (day 20, 10 h in), decades ago: Grafana evaluates the instant PromQL there.
    await store("'1970-01-01T00:00:00Z'::timestamptz");
    const range = { from: new Date((NOW - 30 * DAY) * 1000), to: new Date(NOW * 1000) };
    expect((await monitor.query(grafanaSql(createdLastWeekQuery("pdfs"), { range }))).rows[0]).toEqual({ "last 7 whole days": String(lastWeek) });
    expect((await monitor.query(grafanaSql(createdWeekOverWeekQuery("pdfs"), { range }))).rows[0]).toEqual({ "week over week": weekOverWeek.toFixed(1) });
  });
});

describe("week-over-week tiles (rendered JSON)", () => {
  interface StatPanel {
    title: string;
    fieldConfig: { defaults: { noValue?: string }; overrides: { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] }[] };
  }
  it("say there is no week before to compare when the change is null, never the panel's 'none'", () => {
    const product = dashboardCatalog(settings).find((d) => d.uid.endsWith("product"));
    const tiles = ((product?.model.panels ?? []) as unknown as StatPanel[]).filter((p) => p.title.endsWith("week over week"));
    expect(tiles.map((p) => p.title)).toHaveLength(4);
    for (const p of tiles) {
      const change = p.fieldConfig.overrides.find((o) => o.matcher.id === "byFrameRefID" && o.matcher.options === "B");
      const mappings = (change?.properties.find((x) => x.id === "mappings")?.value ?? []) as { type: string; options: { match?: string; result: { text?: string; color?: string } } }[];
      expect(mappings, p.title).toContainEqual({ type: "special", options: { match: "null", result: { text: NO_WEEK_BEFORE, color: SILENT_COLOUR } } });
      // The panel-wide words cover only an answer missing altogether: a count is always there (0 included).
      expect(p.fieldConfig.defaults.noValue, p.title).not.toMatch(/none/);
    }
  });
});

describe("bars cover their own interval", () => {
  it("a day labelled at its start draws its bar after the point; an hour that ended at its point, before", () => {
    interface BarPanel {
      title: string;
      type: string;
      targets?: { expr?: string; rawSql?: string }[];
      fieldConfig?: { defaults?: { custom?: { drawStyle?: string; barAlignment?: number } } };
    }
    const bars = dashboardCatalog(settings).flatMap((d) => ((d.model.panels ?? []) as unknown as BarPanel[]).filter((p) => p.fieldConfig?.defaults?.custom?.drawStyle === "bars").map((p) => ({ p, where: `${d.uid} ${p.title}` })));
    expect(bars.length).toBeGreaterThanOrEqual(6);
    for (const { p, where } of bars) {
      const perDay = / per day|Tokens issued|added per day/i.test(p.title) || (p.targets ?? []).some((t) => t.rawSql?.includes("date_trunc('day'"));
      expect(p.fieldConfig?.defaults?.custom?.barAlignment, where).toBe(perDay ? 1 : -1);
    }
  });
});

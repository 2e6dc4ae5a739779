import { beforeAll, describe, expect, it } from "vitest";
import { COMMON_LABELS } from "../../src/alerts/labels";
import { alertSpecs } from "../../src/alerts/specs";
import type { Settings } from "../../src/config/load";
import { dashboardCatalog } from "../../src/dashboards/all";
import { dashboardContext } from "../../src/dashboards/common";
import type { BuiltDashboard } from "../../src/dashboards/compose";
import { FIRST_SCREEN_ROWS } from "../../src/dashboards/overview";
import { journeyErrorExpr, journeys } from "../../src/dashboards/panels/journeys";
import { failedRequestsLogQuery } from "../../src/dashboards/reviews";
import { alertFolderTitle } from "../../src/grafana/folder";
import { logqlErrors } from "../support/logql";
import { healthyInstances, metricsApiSeries } from "../fixtures/signals/supabase-metrics";
import { SM_STEP_SECONDS } from "../fixtures/signals/synthetic-monitoring";
import { settingsFor } from "../support/offline";
import { tempDir } from "../support/processes";
import { runPromtoolTests } from "../support/promtool";

/** The Overview's first screen, read as the on-call engineer reads it at 3 a.m. */
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  options?: Record<string, unknown>;
  links?: { url?: string }[];
  targets?: { expr?: string; rawSql?: string; instant?: boolean; range?: boolean }[];
  fieldConfig?: { defaults?: { links?: { url?: string }[] } };
  timeFrom?: string;
}

let settings: Settings;
let dashboards: BuiltDashboard[];
let overview: Panel[];
let firstScreen: Panel[];
beforeAll(async () => {
  settings = await settingsFor();
  dashboards = dashboardCatalog(settings);
  overview = (dashboards[0].model.panels ?? []) as unknown as Panel[];
  firstScreen = overview.filter((p) => p.gridPos.y + p.gridPos.h <= FIRST_SCREEN_ROWS);
});

const exprs = (p: Panel) => (p.targets ?? []).map((t) => t.expr ?? t.rawSql ?? "");

describe("the Overview's first screen (1920x1080, no scrolling)", () => {
  it("starts with what is firing: alert lists of this stack's rules, pages apart from tickets, grouped by severity", () => {
    const lists = firstScreen.filter((p) => p.type === "alertlist");
    expect(lists.map((p) => p.gridPos.y)).toEqual([0, 0]);
    const severities = lists.map((p) => String(p.options?.alertInstanceLabelFilter));
    expect(severities[0]).toContain('severity=~"P0|P1"');
    expect(severities[1]).toContain('severity=~"P2|P3"');
    for (const p of lists) {
      for (const [k, v] of Object.entries(COMMON_LABELS)) expect(p.options?.alertInstanceLabelFilter).toContain(`${k}="${v}"`);
      expect(p.options?.folder).toEqual({ uid: settings.folderUid, title: alertFolderTitle(settings) });
      expect(p.options).toMatchObject({ groupMode: "custom", groupBy: ["severity"], viewMode: "list" });
      expect(p.options?.stateFilter).toMatchObject({ firing: true, pending: true, normal: false });
      // The old panel's option, which the current alert list ignores (so it listed every rule).
      expect(p.options).not.toHaveProperty("tags");
    }
  });

  it("shows each journey's check, p95 latency and error share on its own tile", () => {
    const ctx = dashboardContext(settings);
    const specs = new Map(alertSpecs(settings).map((a) => [a.id, a]));
    const stats = firstScreen.filter((p) => p.type === "stat");
    for (const j of journeys(ctx)) {
      // The check tile draws the journey's own check alert, over two of that check's runs.
      const check = specs.get(j.checkAlert)?.value;
      expect(check).toContain(`job="${j.checkJob}"`);
      for (const expr of [check, specs.get(j.latencyAlert)?.value, journeyErrorExpr(ctx, j)]) {
        expect(stats.filter((p) => exprs(p).includes(expr as string)), `${j.title}: ${expr}`).toHaveLength(1);
      }
    }
    // Each check on its own: no tile takes the best of several checks.
    for (const p of stats) for (const e of exprs(p)) expect((e.match(/job=~/g) ?? []).length, p.title).toBe(0);
  });

  it("shows every tile's value only while its signal is fresh, and links every tile onward with the time range", () => {
    const stats = firstScreen.filter((p) => p.type === "stat");
    expect(stats.length).toBeGreaterThanOrEqual(15);
    for (const p of stats) {
      const prom = (p.targets ?? []).filter((t) => t.expr);
      // An instant query, reduced with "last": a signal that stopped has no value now, where a range
      // reduced with lastNotNull would show its last good value for the whole range (hours).
      expect(prom.every((t) => t.instant === true && !t.range), p.title).toBe(true);
      expect((p.options?.reduceOptions as { calcs?: string[] } | undefined)?.calcs, p.title).toEqual(["last"]);
      const urls = [...(p.links ?? []), ...(p.fieldConfig?.defaults?.links ?? [])].map((l) => l.url);
      expect(urls.length, p.title).toBeGreaterThan(0);
      for (const url of urls) {
        expect(url, p.title).toMatch(/^\/d\/ain-[a-z-]+\?\$\{__url_time_range\}$/);
        expect(dashboards.map((d) => `/d/${d.uid}`), p.title).toContain(url?.split("?")[0]);
      }
    }
  });

  it("lists tickets newest first and pages longest-firing first", () => {
    const [pages, tickets] = firstScreen.filter((p) => p.type === "alertlist");
    expect(pages.options?.sortOrder).toBe(4);
    expect(tickets.options?.sortOrder).toBe(5);
  });

  it("shows the database's read-only mode, its replicas' lag and the root filesystem", () => {
    const titles = firstScreen.map((p) => p.title);
    expect(titles).toEqual(expect.arrayContaining(["Database mode (primary)", "Read replica lag (worst)"]));
    const all = firstScreen.flatMap(exprs).join("\n");
    expect(all).toContain("pg_settings_default_transaction_read_only{");
    expect(all).toContain("physical_replication_lag_physical_replication_lag_seconds{");
    expect(all).toContain('mountpoint="/"');
  });

  it("fits: nothing on it reaches below the fold, and the time series below carry the alerts' state changes", () => {
    expect(firstScreen.length).toBeGreaterThanOrEqual(14);
    const below = overview.filter((p) => p.gridPos.y >= FIRST_SCREEN_ROWS);
    expect(below.some((p) => p.type === "timeseries")).toBe(true);
    const annotations = (dashboards[0].model.annotations as { list?: { builtIn?: number; enable?: boolean }[] }).list ?? [];
    expect(annotations).toContainEqual(expect.objectContaining({ builtIn: 1, enable: true }));
  });
});

describe("a tile whose signal went quiet", () => {
  it("shows its value while the Metrics API answers, and nothing (its grey 'no current data') 20 minutes after it stopped", async () => {
    const ref = settings.supabaseProjectRef;
    // Producer-shaped scrapes for 10 minutes, then none: the Metrics API gone, no stale marker written.
    const input = metricsApiSeries(ref, 40, (minute) => (minute < 10 ? healthyInstances(ref) : undefined));
    const tiles = ["Database up", "DB connections (% of max)", "Database mode (primary)", "Root filesystem / used"].map((title) => {
      const p = firstScreen.find((x) => x.title.startsWith(title));
      expect(p, title).toBeDefined();
      return exprs(p as Panel)[0];
    });
    const run = await runPromtoolTests(tempDir("fresh-tiles"), "fresh-tiles.test.yml", [], [
      {
        name: "quiet signal",
        interval: `${SM_STEP_SECONDS}s`,
        input_series: input,
        promql_expr_test: tiles.flatMap((expr) => [
          { expr: `count(${expr})`, eval_time: "8m", exp_samples: [{ labels: "{}", value: 1 }] },
          { expr, eval_time: "30m", exp_samples: [] },
        ]),
      },
    ]);
    expect(run.ok, run.output).toBe(true);
  });
});

describe("the Journeys dashboard", () => {
  it("starts every journey, VIN decode included, on the first screen", () => {
    const journeysPanels = (dashboards.find((d) => d.key === "emailPdf")?.model.panels ?? []) as unknown as Panel[];
    for (const row of ["Email (Resend)", "PDF generation", "VIN decode"]) {
      const at = journeysPanels.find((p) => p.type === "row" && p.title === row);
      expect(at?.gridPos.y, row).toBeLessThan(FIRST_SCREEN_ROWS - 4);
    }
  });

  it("says on every email error panel that it is the function's 5xx share, not delivery", () => {
    const all = dashboards.flatMap((d) => (d.model.panels ?? []) as unknown as (Panel & { description?: string })[]);
    const email = all.filter((p) => /Email.*5xx share/.test(p.title));
    expect(email.length).toBeGreaterThanOrEqual(3);
    for (const p of email) expect(p.description, p.title).toContain("not delivery");
  });
});

describe("the daily review's log panel", () => {
  it("reads the drain's stream through signals.ts and parses as LogQL", () => {
    const reviews = dashboards.find((d) => d.key === "reviews") as BuiltDashboard;
    const logPanel = ((reviews.model.panels ?? []) as unknown as Panel[]).find((p) => p.type === "logs") as Panel;
    expect(exprs(logPanel)).toEqual([failedRequestsLogQuery(settings)]);
    expect(logPanel.timeFrom).toBe("24h");
    expect(logqlErrors(failedRequestsLogQuery(settings))).toEqual([]);
    expect(logqlErrors(`${failedRequestsLogQuery(settings)} |`)).not.toEqual([]);
  });
});

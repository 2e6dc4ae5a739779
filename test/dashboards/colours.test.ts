import { beforeAll, describe, expect, it } from "vitest";
import { alertCatalog } from "../../src/alerts/decorate";
import type { DecoratedAlert } from "../../src/alerts/types";
import type { Settings } from "../../src/config/load";
import { dashboardCatalog } from "../../src/dashboards/all";
import type { BuiltDashboard } from "../../src/dashboards/compose";
import { breaches, colourAt, COLOURS, nextUp, type Step } from "../../src/dashboards/thresholds";
import { SILENT_COLOUR } from "../../src/dashboards/panels/stats";
import { selectors } from "../../src/alerts/signals";
import { settingsFor } from "../support/offline";

/**
 * Colours that mean something: every stat has explicit thresholds; every panel drawing an alert's
 * value is red exactly where the alert fires, by Grafana's own colouring rule (value >= step,
 * grafana packages/grafana-data/src/field/thresholds.ts getActiveThreshold), and has a warning band
 * on the safe side unless its description says why there is none.
 */
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  targets?: { expr?: string; rawSql?: string }[];
  fieldConfig?: { defaults?: { thresholds?: { steps: Step[] } } };
}

let settings: Settings;
let dashboards: BuiltDashboard[];
let alerts: DecoratedAlert[];
beforeAll(async () => {
  settings = await settingsFor();
  dashboards = dashboardCatalog(settings);
  alerts = alertCatalog(settings);
});

const panelsOf = (d: BuiltDashboard) => (d.model.panels ?? []) as unknown as Panel[];
const all = () => dashboards.flatMap((d) => panelsOf(d).map((p) => ({ d, p, where: `${d.uid} "${p.title}"` })));
const stepsOf = (p: Panel) => p.fieldConfig?.defaults?.thresholds?.steps ?? [];
const drawsValue = (p: Panel, value: string) => (p.targets ?? []).some((t) => t.expr === value || t.rawSql === value);

/**
 * Alerts sharing one value (over budget at P2, far over at P1) are drawn by one panel, which turns
 * red where the first of them fires; the later ones fire only on values already red.
 */
function firstToFire(a: DecoratedAlert): boolean {
  const siblings = alerts.filter((x) => x.value === a.value && x.comparator === a.comparator);
  const first = a.comparator === "<" ? Math.max(...siblings.map((x) => x.threshold)) : Math.min(...siblings.map((x) => x.threshold));
  return a.threshold === first;
}

/** Values on both sides of a boundary, and on it: where a colour off by one step would show. */
function probes(threshold: number): number[] {
  const below = threshold === 0 ? -Number.MIN_VALUE : threshold - Math.abs(threshold) * 1e-9;
  return [0, threshold / 2, 0.8 * threshold, below, threshold, nextUp(threshold), threshold + Math.abs(threshold) * 1e-6, threshold + 1, threshold * 2, 1, 1e6];
}

/** A panel draws the error ratio an alert reads when, windows aside, one of its queries is inside the alert's. */
const anyWindow = (expr: string) => expr.replace(/\[[0-9smhd]+\]/g, "[w]");
const drawsRatioOf = (p: Panel, alertValue: string) =>
  (p.targets ?? []).some((t) => typeof t.expr === "string" && anyWindow(alertValue).includes(anyWindow(t.expr.replace(/^100 \* \((.*)\)$/, "$1"))));

describe("every stat", () => {
  it("has explicit thresholds, and a warning band or a stated reason for none", () => {
    const stats = all().filter(({ p }) => p.type === "stat");
    expect(stats.length).toBeGreaterThan(40);
    for (const { p, where } of stats) {
      const colours = stepsOf(p).map((s) => s.color);
      expect(colours.length, where).toBeGreaterThan(0);
      expect(stepsOf(p)[0].value, where).toBeNull();
      if (colours.includes(COLOURS.warning)) {
        expect([
          [COLOURS.ok, COLOURS.warning, COLOURS.breach],
          [COLOURS.breach, COLOURS.warning, COLOURS.ok],
        ]).toContainEqual(colours);
      } else {
        expect(p.description, where).toMatch(/No warning band: .+|No colour policy: .+/);
      }
    }
  });

  it("writes every step as the runbook does: no float noise such as 80.00000000000001", () => {
    for (const { p, where } of all()) for (const s of stepsOf(p)) if (s.value !== null) expect(s.value, where).toBe(Number(s.value.toPrecision(12)));
  });

  it("paints a missing value grey, never in a step's colour, and never calls it healthy", () => {
    const stats = all().filter(({ p }) => p.type === "stat");
    for (const { p, where } of stats) {
      const full = p as Panel & { fieldConfig?: { defaults?: { noValue?: string; mappings?: { type: string; options: { match?: string; result?: { color?: string } } }[] } } };
      const mapping = full.fieldConfig?.defaults?.mappings?.find((m) => m.type === "special" && m.options.match === "null");
      expect(mapping?.options.result?.color, where).toBe(SILENT_COLOUR);
      expect(Object.values(COLOURS)).not.toContain(SILENT_COLOUR);
      const noValue = full.fieldConfig?.defaults?.noValue ?? "";
      expect(noValue, where).not.toBe("");
      expect(noValue.replace(/not (a sign of )?health(y)?/g, ""), where).not.toMatch(/health/i);
    }
  });

  it("paints a check's pass share green only when every execution passed", () => {
    const checks = all().filter(({ p }) => (p.targets ?? []).some((t) => t.expr?.includes("probe_success")) && stepsOf(p).some((s) => s.color === COLOURS.ok));
    expect(checks.length).toBeGreaterThanOrEqual(6);
    for (const { p, where } of checks) {
      if (stepsOf(p)[0].color !== COLOURS.breach || !stepsOf(p).some((s) => s.color === COLOURS.warning)) continue;
      expect(colourAt(stepsOf(p), 0.75), where).toBe(COLOURS.warning);
      expect(colourAt(stepsOf(p), 1), where).toBe(COLOURS.ok);
    }
  });

  it("never paints a healthy number red", () => {
    // Values the issue found painted red, each with a value that is healthy under its policy.
    const healthy: [string, string, number][] = [
      ["ain-database", `Queries running > ${300} s`, 0],
      ["ain-sharing-tokens", "Live tokens over 30 days", 0],
      ["ain-sharing-tokens", "Longest live token lifetime", 30 * 24],
      ["ain-database", "Active connections", 80],
      ["ain-sharing-tokens", "Tokens by state", 80],
      ["ain-storage", "Days until the plan limit", 14],
    ];
    for (const [uid, title, value] of healthy) {
      const p = panelsOf(dashboards.find((d) => d.uid === uid) as BuiltDashboard).find((x) => x.title === title);
      expect(p, `${uid} ${title}`).toBeDefined();
      expect(colourAt(stepsOf(p as Panel), value), `${uid} ${title} at ${value}`).not.toBe(COLOURS.breach);
    }
  });
});

describe("every panel against its alert", () => {
  it("each alert but the burn rates is drawn somewhere, and every panel drawing it is red exactly where it fires", () => {
    let checked = 0;
    for (const a of alerts) {
      const drawing = all().filter(({ p }) => drawsValue(p, a.value) && stepsOf(p).length > 0);
      if (a.unit === "burn-rate") continue;
      expect(drawing.length, `${a.name} is drawn on no panel`).toBeGreaterThan(0);
      if (!firstToFire(a)) {
        for (const { p, where } of drawing) {
          for (const v of probes(a.threshold)) if (breaches(a.comparator, a.threshold, v)) expect(colourAt(stepsOf(p), v), `${where} at ${v}`).toBe(COLOURS.breach);
        }
        continue;
      }
      for (const { p, where } of drawing) {
        const steps = stepsOf(p);
        const integer = a.source === "postgres" && a.unit === "count";
        for (const v of probes(a.threshold).filter((x) => !integer || Number.isInteger(x))) {
          const red = colourAt(steps, v) === COLOURS.breach;
          // "> X" on a continuous value is red from X, the runbook's number (thresholds.ts): X itself is the one value red early.
          const early = a.comparator === ">" && !integer && a.unit !== "up" && v === a.threshold;
          expect(red, `${where} for ${a.name} (${a.comparator} ${a.threshold}) at ${v}`).toBe(early || breaches(a.comparator, a.threshold, v));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it("puts the warning band on the safe side, just before the boundary", () => {
    for (const a of alerts.filter((x) => x.unit !== "burn-rate" && firstToFire(x))) {
      for (const { p, where } of all().filter(({ p }) => drawsValue(p, a.value))) {
        const warning = stepsOf(p).find((s) => s.color === COLOURS.warning);
        if (!warning || warning.value === null) continue;
        expect(breaches(a.comparator, a.threshold, warning.value), `${where}: the band starts past the boundary`).toBe(false);
        if (a.comparator === "<") expect(warning.value, where).toBe(a.threshold);
        else expect(warning.value, where).toBeCloseTo(0.8 * a.threshold, 9);
      }
    }
  });

  it("burn-rate alerts sit on a panel that draws their SLO's ratio against the budget", () => {
    for (const a of alerts.filter((x) => x.unit === "burn-rate")) {
      const d = dashboards.find((x) => x.uid === a.annotations.__dashboardUid__) as BuiltDashboard;
      const p = panelsOf(d).find((x) => x.id === Number(a.annotations.__panelId__)) as Panel;
      // The panel draws the very ratio the burn rate reads, over windows of its own.
      expect(drawsRatioOf(p, a.value), a.name).toBe(true);
      const budget = Number(/vs ([\d.]+) %/.exec(p.title)?.[1]);
      expect(stepsOf(p).at(-1), a.name).toEqual({ value: budget, color: COLOURS.breach });
    }
  });
});

describe("colours follow the runbook model", () => {
  it.each([
    ["database-long-running-queries", { runbook: { capacity: { longRunningQuerySeconds: 120 } } }, 1],
    ["storage-near-plan-limit", { runbook: { capacity: { storagePercent: 70 } } }, 70],
    ["vin-decode-latency-over", { runbook: { latencyBudgets: { vinDecodeSeconds: 2 } } }, 2],
  ])("%s turns red where the changed config says", async (id, set, redFrom) => {
    const changed = await settingsFor({ set });
    const a = alertCatalog(changed).find((x) => x.id === id) as DecoratedAlert;
    const d = dashboardCatalog(changed).find((x) => x.uid === a.annotations.__dashboardUid__) as BuiltDashboard;
    const p = panelsOf(d).find((x) => x.id === Number(a.annotations.__panelId__)) as Panel;
    expect(stepsOf(p).at(-1)).toEqual({ value: redFrom, color: COLOURS.breach });
  });
});

describe("what an empty tile says", () => {
  const noValueOf = (title: RegExp) =>
    all()
      .filter(({ p }) => title.test(p.title))
      .map(({ p, where }) => ({ where, noValue: (p as { fieldConfig?: { defaults?: { noValue?: string } } }).fieldConfig?.defaults?.noValue ?? "" }));
  it("says what the absence of the tile's value means, never 'no traffic' where traffic is not what is missing", () => {
    const expectations: [RegExp, RegExp][] = [
      // pg_up gone: the Metrics API or the database cannot be reached.
      [/^Database up$/, /Metrics API or the database is unreachable/],
      // A count of 5xx is empty in every healthy hour: no server errors, or no drain at all.
      [/server errors, \d+ min/, /no server errors recorded in \d+ min, or the drain is silent/],
      // No probe result at all: Synthetic Monitoring is silent.
      [/^Worst probe location/, /Synthetic Monitoring is silent/],
    ];
    for (const [title, words] of expectations) {
      const tiles = noValueOf(title);
      expect(tiles.length, String(title)).toBeGreaterThan(0);
      for (const t of tiles) {
        expect(t.noValue, t.where).toMatch(words);
        expect(t.noValue, t.where).not.toMatch(/traffic|healthy$/);
      }
    }
  });
});

describe("low-volume failure tiles", () => {
  it("count minutes, state both of the alert's conditions, and band nothing fractional", () => {
    const lowVolume = alerts.filter((a) => a.id.endsWith("-failing-at-low-volume"));
    expect(lowVolume.length).toBeGreaterThanOrEqual(4);
    const { windowMinutes, minFailedMinutes, minFailedShare } = settings.runbook.failureModes.sparseFailures;
    for (const a of lowVolume) {
      const tiles = all().filter(({ p }) => p.type === "stat" && drawsValue(p, a.value));
      expect(tiles.length, a.name).toBeGreaterThan(0);
      for (const { p, where } of tiles) {
        expect(p.title, where).toMatch(new RegExp(`minutes with server errors, ${windowMinutes} min$`));
        expect(p.description, where).toContain(`at least ${minFailedMinutes} different minutes`);
        expect(p.description, where).toContain(`at least ${100 * minFailedShare} % of the window's requests failed`);
        expect(p.description, where).not.toMatch(/for 0 min/);
        for (const s of stepsOf(p)) if (s.value !== null) expect(Number.isInteger(s.value), `${where} step ${s.value}`).toBe(true);
      }
    }
  });
});

describe("whose requests a panel counts", () => {
  it("panels about people's use leave the checks' own requests out and say so", () => {
    const real = selectors(settings).realTraffic;
    const people = all().filter(({ p }) => /p95, 30 days|SLO attained, 30 days|^Invocations per function$/.test(p.title));
    expect(people.length).toBeGreaterThanOrEqual(7);
    for (const { p, where } of people) {
      for (const t of p.targets ?? []) expect(t.expr, where).toContain(real);
      expect(p.description, where).toMatch(/[Pp]eople's requests/);
    }
  });

  it("panels that draw a latency alert's own value say it is people's and the checks' requests, the worse of the two", () => {
    // The p95 latency alerts, by handle: LogDrainSignalMissing also reads the latency series, but not as a latency.
    const latency = alerts.filter((a) => /-latency-(over|severe)$/.test(a.id));
    expect(latency.length).toBeGreaterThan(0);
    let checked = 0;
    for (const a of latency) {
      for (const { p, where } of all().filter(({ p }) => drawsValue(p, a.value))) {
        expect(p.description, where).toContain("people's and the checks' requests");
        expect(p.description, where).toContain("worse of the two");
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});

describe("tiles whose empty answer could be a gone signal", () => {
  it("never state a healthy condition alone", () => {
    const cases: [string, string, RegExp][] = [
      ["ain-storage", "Days until the plan limit", /not growing.*or no storage size samples/],
      ["ain-reviews", "Server errors per hour, by function (24 h)", /no server errors recorded in 24 h, or the drain is silent/],
      ["ain-reviews", "Failed requests today (5xx), newest first", /no failed requests recorded in 24 h, or the drain is silent/],
    ];
    for (const [uid, title, words] of cases) {
      const p = panelsOf(dashboards.find((d) => d.uid === uid) as BuiltDashboard).find((x) => x.title === title) as Panel & { fieldConfig?: { defaults?: { noValue?: string } } };
      expect(p, `${uid} ${title}`).toBeDefined();
      expect(p.fieldConfig?.defaults?.noValue, `${uid} ${title}`).toMatch(words);
    }
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { alertCatalog } from "../../src/alerts/decorate";
import type { DecoratedAlert } from "../../src/alerts/types";
import type { Settings } from "../../src/config/load";
import { dashboardCatalog, dashboardJson } from "../../src/dashboards/all";
import type { BuiltDashboard } from "../../src/dashboards/compose";
import { settingsFor, runValidStack } from "../support/offline";
import { tempDir } from "../support/processes";
import { stale } from "../support/regenerate";
import { promtool } from "../support/promtool";

/** A structural lint of every dashboard, as a reviewer would run it before merging. */
interface Target {
  refId?: string;
  expr?: string;
  rawSql?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { uid?: string };
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string; thresholds?: { steps: { value: number | null; color: string }[] } } };
}
const panelsOf = (d: BuiltDashboard) => (d.model.panels ?? []) as unknown as Panel[];
const withQueries = (d: BuiltDashboard) => panelsOf(d).filter((p) => (p.targets ?? []).length > 0);

let settings: Settings;
let dashboards: BuiltDashboard[];
let alerts: DecoratedAlert[];
beforeAll(async () => {
  settings = await settingsFor();
  dashboards = dashboardCatalog(settings);
  alerts = alertCatalog(settings);
});

describe("every dashboard", () => {
  it("has an explicit uid from a slug, the ain tag, and links to the others and to Supabase", () => {
    expect(dashboards.map((d) => d.uid)).toEqual(["ain-overview", "ain-database", "ain-storage", "ain-email-pdf", "ain-sharing-tokens", "ain-reviews", "ain-product"]);
    for (const d of dashboards) {
      expect(d.model.uid).toBe(d.uid);
      expect(d.model.tags).toContain("ain");
      const urls = (d.model.links ?? []).map((l) => l.url);
      expect(urls).toContain(`https://supabase.com/dashboard/project/${settings.supabaseProjectRef}`);
      expect(urls.filter((u) => u?.startsWith("/d/ain-") && !u.startsWith(`/d/${d.uid}`))).toHaveLength(dashboards.length - 1);
      // Grafana 12.3+ hides links placed "inControlsMenu" (the SDK builder's default) in a menu.
      const links = [...(d.model.links ?? []), ...panelsOf(d).flatMap((p) => [...((p as { links?: object[] }).links ?? []), ...((p as { fieldConfig?: { defaults?: { links?: object[] } } }).fieldConfig?.defaults?.links ?? [])])];
      expect(links.length, d.uid).toBeGreaterThanOrEqual(8);
      for (const l of links) expect(l, d.uid).not.toHaveProperty("placement");
      // The same for annotation toggles (Deploys): placed "inControlsMenu", they hide in the menu too.
      const annotations = d.model.annotations?.list ?? [];
      expect(annotations.length, d.uid).toBeGreaterThanOrEqual(2);
      for (const a of annotations) expect(a, `${d.uid} ${a.name}`).not.toHaveProperty("placement");
      // One crosshair across panels: a spike on one graph is found on the others.
      expect(d.model.graphTooltip, d.uid).toBe(1);
    }
  });

  it("has unique panel ids, widths within 24 and no overlapping panels", () => {
    for (const d of dashboards) {
      const panels = panelsOf(d);
      const ids = panels.map((p) => p.id);
      expect(ids.every((id) => typeof id === "number"), d.uid).toBe(true);
      expect(new Set(ids).size, d.uid).toBe(ids.length);
      const cells = new Set<string>();
      for (const p of panels) {
        const g = p.gridPos;
        if (!g) throw new Error(`${d.uid} panel ${p.id} has no gridPos`);
        expect(g.x + g.w, `${d.uid} panel ${p.id}`).toBeLessThanOrEqual(24);
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            const cell = `${x},${y}`;
            expect(cells.has(cell), `${d.uid} panel ${p.id} overlaps at ${cell}`).toBe(false);
            cells.add(cell);
          }
        }
      }
    }
  });

  it("gives every query a data source, a refId and a non-empty query, and every data panel but a log list a unit", () => {
    for (const d of dashboards) {
      for (const p of withQueries(d)) {
        for (const t of p.targets ?? []) {
          expect(t.datasource?.uid ?? p.datasource?.uid, `${d.uid} ${p.title}`).toBeTruthy();
          // A Mixed panel has no data source of its own to fall back on.
          if (p.datasource?.uid === "-- Mixed --") expect(t.datasource?.uid, `${d.uid} ${p.title} ${t.refId}`).toBeTruthy();
          // A server-side expression (the funnel's shares) has its own refId and reads the others' by theirs.
          const expression = (t as { expression?: string }).expression;
          expect(t.refId, `${d.uid} ${p.title}`).toMatch(expression ? /^R\d$/ : /^[A-Z]$/);
          expect((t.expr ?? t.rawSql ?? expression ?? "").trim().length, `${d.uid} ${p.title}`).toBeGreaterThan(5);
        }
        if (p.type !== "logs") expect(p.fieldConfig?.defaults?.unit, `${d.uid} ${p.title}`).toBeTruthy();
      }
    }
  });

  it("says in words why a data panel is empty, instead of Grafana's bare 'No data'", () => {
    for (const d of dashboards) {
      for (const p of withQueries(d)) {
        const noValue = (p.fieldConfig?.defaults as { noValue?: string } | undefined)?.noValue;
        expect(noValue, `${d.uid} ${p.title}`).toMatch(/\w+ \w+/);
      }
    }
  });

  it("refreshes by purpose: on-call views every minute, Storage hourly, Reviews and Product never", () => {
    const refresh = Object.fromEntries(dashboards.map((d) => [d.uid, d.model.refresh]));
    expect(refresh).toEqual({
      "ain-overview": "1m",
      "ain-database": "1m",
      "ain-email-pdf": "1m",
      "ain-sharing-tokens": "5m",
      "ain-storage": "1h",
      "ain-reviews": "",
      "ain-product": "",
    });
  });

  it("gives daily and monthly panels their own range (the product's follow the time picker), and draws daily counts as bars", () => {
    for (const d of dashboards) {
      for (const p of withQueries(d) as (Panel & { timeFrom?: string; interval?: string; fieldConfig?: { defaults?: { custom?: { drawStyle?: string } } } })[]) {
        if (p.interval === "1d") {
          if (d.key === "product") expect(p.timeFrom, `${d.uid} ${p.title}`).toBeUndefined();
          else expect(p.timeFrom, `${d.uid} ${p.title}`).toMatch(/^\d+d$/);
          expect(p.fieldConfig?.defaults?.custom?.drawStyle, `${d.uid} ${p.title}`).toBe("bars");
        }
      }
    }
    const daily = dashboards.flatMap((d) => withQueries(d).filter((p) => (p as { interval?: string }).interval === "1d"));
    expect(daily.length).toBeGreaterThanOrEqual(7);
  });

  it("runs fewer than 25 queries per refresh", () => {
    for (const d of dashboards) {
      const queries = withQueries(d).reduce((n, p) => n + (p.targets ?? []).length, 0);
      console.log(`${d.uid}: ${queries} queries per refresh`);
      expect(queries, d.uid).toBeLessThan(25);
    }
  });

  it("describes every data panel, with a link to its runbook section", () => {
    for (const d of dashboards.filter((x) => x.key !== "reviews")) {
      for (const p of withQueries(d)) expect((p as { description?: string }).description, `${d.uid} ${p.title}`).toMatch(/Runbook: \[.+\]\(https:\/\/.+#.+\)/);
    }
  });
});

describe("dashboards and alerts, from one model", () => {
  it("point every alert at an existing panel that draws the alert's own query", () => {
    for (const a of alerts) {
      const d = dashboards.find((x) => x.uid === a.annotations.__dashboardUid__);
      expect(d, `${a.name} has no dashboard`).toBeDefined();
      const panel = panelsOf(d as BuiltDashboard).find((p) => p.id === Number(a.annotations.__panelId__));
      expect(panel, `${a.name} points at a missing panel`).toBeDefined();
      const queries = (panel?.targets ?? []).map((t) => t.expr ?? t.rawSql);
      // A burn rate's panel draws its SLO's ratio over windows of the panel's own.
      const anyWindow = (expr: string) => expr.replace(/\[[0-9smhd]+\]/g, "[w]");
      if (a.name.includes("ErrorBudgetBurn")) expect(queries.some((q) => typeof q === "string" && anyWindow(a.value).includes(anyWindow(q.replace(/^100 \* \((.*)\)$/, "$1")))), a.name).toBe(true);
      else expect(queries, a.name).toContain(a.value);
    }
  });

  it("draw each alert's threshold where the alert fires, so a changed runbook number moves both", async () => {
    const check = (s: Settings, id: string) => {
      const a = alertCatalog(s).find((x) => x.id === id) as DecoratedAlert;
      const d = dashboardCatalog(s).find((x) => x.uid === a.annotations.__dashboardUid__) as BuiltDashboard;
      const panel = panelsOf(d).find((p) => p.id === Number(a.annotations.__panelId__));
      return { threshold: a.threshold, redFrom: panel?.fieldConfig?.defaults?.thresholds?.steps.at(-1)?.value };
    };
    // ">=" alerts turn red at the threshold itself.
    for (const id of ["pdf-generation-latency-over", "database-connections-high"]) {
      const { threshold, redFrom } = check(settings, id);
      expect(redFrom, id).toBe(threshold);
    }
    const changed = await settingsFor({ set: { runbook: { latencyBudgets: { pdfGenerationSeconds: 8 } } } });
    expect(check(changed, "pdf-generation-latency-over")).toEqual({ threshold: 8, redFrom: 8 });
  });
});

describe("every PromQL expression on a dashboard", () => {
  it("parses with promtool's PromQL parser", () => {
    const dir = tempDir("panel-promql");
    const rules: string[] = [];
    for (const d of dashboards) {
      for (const p of withQueries(d)) {
        for (const t of p.targets ?? []) {
          if (!t.expr || (t.datasource?.uid ?? p.datasource?.uid) !== settings.prometheusDatasourceUid) continue;
          // Grafana substitutes template variables before Prometheus sees the query.
          const expr = t.expr.replaceAll("$function", ".*");
          rules.push(`      - record: panel:${d.uid.replace(/-/g, "_")}:${p.id}_${t.refId}\n        expr: ${JSON.stringify(expr)}`);
        }
      }
    }
    expect(rules.length).toBeGreaterThan(30);
    const file = path.join(dir, "panels.yml");
    fs.writeFileSync(file, `groups:\n  - name: panels\n    rules:\n${rules.join("\n")}\n`);
    const check = promtool(["check", "rules", file]);
    expect(check.status, check.output).toBe(0);
    fs.writeFileSync(file, `groups:\n  - name: panels\n    rules:\n      - record: broken\n        expr: "sum(rate(x[5m])"\n`);
    expect(promtool(["check", "rules", file]).status).not.toBe(0);
  });
});

describe("rendering", () => {
  it("is deterministic", async () => {
    const again = dashboardCatalog(await settingsFor());
    expect(again.map(dashboardJson)).toEqual(dashboards.map(dashboardJson));
  });

  it.each(["ain-overview", "ain-database", "ain-storage", "ain-email-pdf", "ain-sharing-tokens", "ain-reviews", "ain-product"])("%s matches its committed snapshot, so a pull request shows the change", async (uid) => {
    const d = dashboards.find((x) => x.uid === uid) as BuiltDashboard;
    await expect(dashboardJson(d), stale(`test/dashboards/__snapshots__/${uid}.json`)).toMatchFileSnapshot(`./__snapshots__/${uid}.json`);
  });

  it("deploys each dashboard into the folder with its JSON", async () => {
    const prod = await runValidStack();
    const registered = prod.ofType("grafana:oss/dashboard:Dashboard");
    expect(registered.map((r) => r.name)).toEqual(dashboards.map((d) => d.uid));
    for (const r of registered) {
      expect(r.inputs.folder).toBe("ain-monitoring");
      expect(r.inputs.configJson).toBe(dashboardJson(dashboards.find((d) => d.uid === r.name) as BuiltDashboard));
    }
  });
});

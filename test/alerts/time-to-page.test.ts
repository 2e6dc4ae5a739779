import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { alertCatalog } from "../../src/alerts/decorate";
import { clocksOf, worstCaseToPage } from "../../src/alerts/timing";
import { renderArtifacts } from "../../src/artifacts";
import type { Settings } from "../../src/config/load";
import { runValidStack, settingsFor, type StackRun } from "../support/offline";

/**
 * The P0s' worst case to page, recomputed here from what the program registers and renders: the
 * rule groups' intervals and `for`s, the checks' frequencies and timeouts, the scrape job's
 * interval, the routing tree's group_wait. Each clock in its worst phase: the failure lands just
 * after a check ran or a scrape was taken, the sample takes the whole arrival delay, the rule was
 * just evaluated, and the route waits its whole group_wait. It must agree with src/alerts/timing.ts
 * and hold the runbook's "Immediate" (runbook.failureModes.systemDownDetectMinutes); and every
 * alert's bound must hold its severity's response time.
 */
let settings: Settings;
let run: StackRun;
let routing: { route: Route };

interface Route {
  matchers?: string[];
  group_wait?: string;
  routes?: Route[];
}
interface Rule {
  name: string;
  for: string;
  labels: Record<string, string>;
  datas: { refId: string; model: string }[];
}

const seconds = (d: string): number => [...d.matchAll(/(\d+)([smhd])/g)].reduce((sum, m) => sum + Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "s" | "m" | "h" | "d"], 0);

beforeAll(async () => {
  settings = await settingsFor();
  run = await runValidStack();
  routing = parse(renderArtifacts(settings).get("alertmanager/routing.yml") ?? "") as { route: Route };
});

/** The P0 route's first step: the group_wait of the first route matching severity="P0". */
function p0GroupWait(): number {
  const walk = (r: Route): string | undefined => {
    if (r.matchers?.includes('severity="P0"')) return r.group_wait ?? r.routes?.[0]?.group_wait;
    for (const child of r.routes ?? []) {
      const found = walk(child);
      if (found) return found;
    }
    return undefined;
  };
  const wait = walk(routing.route);
  if (!wait) throw new Error("no P0 route in routing.yml");
  return seconds(wait);
}

function pagingRules(): { rule: Rule; intervalSeconds: number }[] {
  return run
    .ofType("grafana:alerting/ruleGroup:RuleGroup")
    .flatMap((g) => (g.inputs.rules as unknown as Rule[]).map((rule) => ({ rule, intervalSeconds: Number(g.inputs.intervalSeconds) })))
    .filter(({ rule }) => rule.labels?.severity === "P0");
}

const thresholdOf = (rule: Rule, refId: string): number =>
  (JSON.parse(rule.datas.find((d) => d.refId === refId)?.model ?? "{}") as { conditions: { evaluator: { params: number[] } }[] }).conditions[0].evaluator.params[0];
const exprOf = (rule: Rule, refId: string) => (JSON.parse(rule.datas.find((d) => d.refId === refId)?.model ?? "{}") as { expr?: string }).expr ?? "";

/** Per job the check's next execution and timeout: the worst wait for a failed result. */
function checkLatency(job: string): number {
  const check = run.ofType("grafana:syntheticMonitoring/check:Check").find((c) => c.inputs.job === job);
  if (!check) throw new Error(`no check ${job}`);
  return (Number(check.inputs.frequency) + Number(check.inputs.timeout)) / 1000 + settings.signals.arrivalDelaySeconds.syntheticMonitoring;
}

/** Independent of src/alerts/timing.ts: read from the registered rule what it waits for. */
function boundFromArtifacts({ rule, intervalSeconds }: { rule: Rule; intervalSeconds: number }): number {
  const value = exprOf(rule, "A");
  const guard = exprOf(rule, "G");
  let signal: number;
  if (/^max\(last_over_time\(probe_success\{job=~"([^"]+)"\}/.test(value)) {
    // Every listed check's latest execution must have failed: the last of them to run decides.
    const jobs = /job=~"([^"]+)"/.exec(value)?.[1].split("|") ?? [];
    signal = Math.max(...jobs.map(checkLatency));
  } else if (value.startsWith("min(max by (job)")) {
    // One check failing everywhere is enough: the first of them to run decides, and the guard's absence window too.
    const jobs = [...value.matchAll(/job="([^"]+)"/g)].map((m) => m[1]);
    const absent = /absent_over_time\([^[]+\[([0-9smhd]+)\]\)/.exec(guard)?.[1];
    signal = Math.max(Math.min(...jobs.map(checkLatency)), absent ? seconds(absent) : 0);
  } else if (value.includes("pg_up")) {
    // As many scrapes as the guard's sample count asks for (count_over_time >= n), else one.
    const scrape = Number(run.one("grafana:connections/metricsEndpointScrapeJob:MetricsEndpointScrapeJob").inputs.scrapeIntervalSeconds);
    const needed = guard.includes("count_over_time") ? thresholdOf(rule, "I") : 1;
    signal = needed * scrape + settings.signals.arrivalDelaySeconds.metricsApi;
  } else {
    throw new Error(`${rule.name}: a P0 reading a signal this test does not know; add it here`);
  }
  const forSeconds = Math.ceil(seconds(rule.for) / intervalSeconds) * intervalSeconds;
  return signal + intervalSeconds + forSeconds + p0GroupWait();
}

describe("the worst case to page", () => {
  it("of every P0, read from the registered rules, checks, scrape job and routing tree, is within the runbook's Immediate", () => {
    const limit = settings.runbook.failureModes.systemDownDetectMinutes * 60;
    const p0s = pagingRules();
    expect(p0s.map((p) => p.rule.name).sort()).toEqual(["DatabaseDown", "DatabaseUnreachable", "EdgeFunctionsDown"]);
    const clocks = clocksOf(settings);
    const alerts = alertCatalog(settings);
    for (const p of p0s) {
      const bound = boundFromArtifacts(p);
      expect(bound, p.rule.name).toBeLessThanOrEqual(limit);
      // The catalog's and the guide's number is this one.
      const alert = alerts.find((a) => a.name === p.rule.name);
      if (!alert) throw new Error(`no alert ${p.rule.name}`);
      expect(worstCaseToPage(clocks, alert).totalSeconds, p.rule.name).toBe(bound);
    }
  });

  it("of every alert holds its severity's response time", () => {
    const clocks = clocksOf(settings);
    for (const a of alertCatalog(settings)) {
      const response = a.severity === "P0" ? settings.runbook.failureModes.systemDownDetectMinutes * 60 : settings.runbook.severities[a.severity].responseMinutes * 60;
      expect(worstCaseToPage(clocks, a).totalSeconds, `${a.name} (${a.severity})`).toBeLessThanOrEqual(response);
    }
  });

  it("would exceed the target with two-minute checks and the old one-minute evaluation and 30 s wait, so the test above can fail", () => {
    const slow = { ...clocksOf(settings), pageEvaluationSeconds: 60 };
    const down = alertCatalog(settings).find((a) => a.name === "EdgeFunctionsDown");
    if (!down) throw new Error("no EdgeFunctionsDown");
    // 120 s check + 10 s timeout + 15 s arrival + 60 s evaluation + 10 s wait: over 180 s.
    expect(worstCaseToPage(slow, down).totalSeconds).toBeGreaterThan(settings.runbook.failureModes.systemDownDetectMinutes * 60);
  });
});

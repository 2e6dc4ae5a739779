import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { alertCatalog } from "../../src/alerts/decorate";
import type { DecoratedAlert } from "../../src/alerts/types";
import { renderArtifacts } from "../../src/artifacts";
import type { Settings } from "../../src/config/load";
import { externalKeyNames } from "../../src/config/schema";
import { settingsFor } from "../support/offline";
import { tempDir } from "../support/processes";
import { promtool, runPromtoolTestFiles, runPromtoolTests, type PromtoolTest } from "../support/promtool";
import { expressionsOf, notThePlans, rulesSeenBy, type Rule, type RuleFile, type RuleGroup } from "../support/ruleSubset";
import { fixtureFor } from "./fixtures";
import { incidents } from "./incidents";
import { scenarios } from "./scenarios";

/**
 * Every Prometheus-rendered alert, tested with the real rule engine (promtool from Debian's
 * prometheus package) against the rule files the plan writes. Each alert's scenarios run on the rules
 * they can see: the alert and the recording rules it reads, cut rule for rule from the plan's files
 * (test/support/ruleSubset.ts), so promtool does not evaluate the rest of the area at every step.
 */
let settings: Settings;
let dir: string;
let alerts: DecoratedAlert[];
/** The plan's Prometheus rule files, by file name, as the plan writes them. */
let planFiles: Map<string, string>;

beforeAll(async () => {
  // The stack a team made its own: every budget, threshold and function name differs from the
  // runbook's defaults, so an input a fixture wrote down instead of deriving it fails here.
  settings = await settingsFor({ stack: "tuned" });
  dir = tempDir("promtool");
  planFiles = new Map();
  for (const [file, text] of renderArtifacts(settings)) {
    if (!file.startsWith("prometheus/")) continue;
    fs.writeFileSync(path.join(dir, path.basename(file)), text);
    planFiles.set(path.basename(file), text);
  }
  alerts = alertCatalog(settings).filter((a) => a.source === "prometheus");
});

const areaFiles = ["edge-functions", "email", "pdf", "database", "storage", "sharing-tokens", "signals"];
const planText = (file: string) => {
  const text = planFiles.get(file);
  if (text === undefined) throw new Error(`the plan writes no prometheus/${file}`);
  return text;
};
/** What an alert's scenarios can see of the plan's rule files. */
const cutFor = (tests: PromtoolTest[]) => rulesSeenBy(expressionsOf(tests), [...planFiles.values()]);
const scenariosOf = (alert: DecoratedAlert) => scenarios(alert, fixtureFor(alert, settings));
/** Writes a cut beside the plan's files, named after its alert, and returns the file name. */
const writeCut = (name: string, cut: RuleFile) => {
  const file = `cut-${name}.yml`;
  fs.writeFileSync(path.join(dir, file), stringify(cut, { lineWidth: 0, aliasDuplicateObjects: false }));
  return file;
};

describe("the rendered Prometheus rule files", () => {
  it("pass promtool check rules", () => {
    const files = [...planFiles.keys()];
    expect(files.length).toBeGreaterThanOrEqual(7);
    const check = promtool(["check", "rules", ...files.map((f) => path.join(dir, f))]);
    expect(check.status, check.output).toBe(0);
  });

  it("pass it in a second stack too, whose recorded series are its own (ain_<stack>:...)", async () => {
    // The suite's prod stack, as another stack's copy would render it: prefixed everywhere.
    const second = await settingsFor({ set: { unprefixedStack: "elsewhere" } });
    expect(second.identity.seriesPrefix).toBe("ain_prod");
    const secondDir = tempDir("promtool-second");
    const written: string[] = [];
    for (const [file, text] of renderArtifacts(second)) {
      if (!file.startsWith("prometheus/")) continue;
      expect(text, file).not.toMatch(/\bain:[a-z_]+:/);
      written.push(path.join(secondDir, path.basename(file)));
      fs.writeFileSync(written[written.length - 1], text);
    }
    expect(written.join("\n")).toContain("edge-functions.yml");
    const check = promtool(["check", "rules", ...written]);
    expect(check.status, check.output).toBe(0);
    expect([...written].map((f) => fs.readFileSync(f, "utf8")).join("\n")).toContain("ain_prod:edge_requests:count1m");
  });
});

describe("the rules each alert is tested on", () => {
  it("are the plan's own, rule for rule: the alert and every recording rule it reads, in their groups", () => {
    const tested = alerts.filter((a) => a.area !== "key-rotation" && !fixtureFor(a, settings).incidentsOnly);
    expect(tested.length).toBeGreaterThanOrEqual(30);
    const every = [...planFiles.values()];
    for (const alert of tested) {
      const cut = cutFor(scenariosOf(alert));
      expect(notThePlans(cut, every), alert.name).toEqual([]);
      const rules = cut.groups.flatMap((g) => g.rules);
      expect(rules.filter((r) => r.alert).map((r) => r.alert), alert.name).toEqual([alert.name]);
      // Every recorded series its expression names comes with it; none it does not name.
      const recorded = [...new Set(every.flatMap((t) => [...t.matchAll(/record: (\S+)/g)].map((m) => m[1])))];
      const named = recorded.filter((r) => new RegExp(`${r.replace(/[^A-Za-z0-9_]/g, "\\$&")}\\{`).test(alert.value + (alert.guard?.query ?? "")));
      expect([...new Set(rules.flatMap((r) => (r.record ? [r.record] : [])))].sort(), alert.name).toEqual(named.sort());
    }
  });

  it.each([
    ["its threshold changed", (rule: Rule) => (rule.expr = rule.expr.replace(/> ([0-9.]+) and/, (_m, n: string) => `> ${Number(n) + 0.5} and`))],
    ["its group's interval changed", (_rule: Rule, group: RuleGroup) => (group.interval = "5m")],
    ["its group renamed", (_rule: Rule, group: RuleGroup) => (group.name = `${group.name}-copy`)],
    ["a label added", (rule: Rule) => (rule.labels = { ...(rule.labels as object), extra: "x" })],
    ["its for shortened", (rule: Rule) => (rule.for = "1m")],
  ])("would be told apart from the plan's with %s", (_name, change) => {
    const alert = alerts.find((a) => a.id === "email-burn-slow");
    if (!alert) throw new Error("email-burn-slow is missing");
    const cut = cutFor(scenariosOf(alert));
    expect(notThePlans(cut, [...planFiles.values()])).toEqual([]);
    const group = cut.groups.find((g) => g.rules.some((r) => r.alert === alert.name));
    const rule = group?.rules.find((r) => r.alert === alert.name);
    if (!group || !rule) throw new Error(`${alert.name} is not in its cut`);
    const before = JSON.stringify(cut);
    change(rule, group);
    expect(JSON.stringify(cut)).not.toBe(before);
    expect(notThePlans(cut, [...planFiles.values()])).not.toEqual([]);
  });
});

describe("promtool test rules, for every alert", () => {
  it("leaves to the incidents only the alerts whose behaviour is a history, and those incidents exist and name them", () => {
    const list = incidents(settings);
    for (const a of alerts.filter((x) => x.area !== "key-rotation" && x.source === "prometheus")) {
      const only = fixtureFor(a, settings).incidentsOnly;
      if (!only) continue;
      for (const id of only.incidents) expect(list.find((i) => i.id === id), `${a.name}: incident ${id}`).toBeDefined();
      expect(list.some((i) => only.incidents.includes(i.id) && i.fires.some((f) => f.alert === a.name)), `${a.name} fires in one of them`).toBe(true);
      expect(list.some((i) => only.incidents.includes(i.id) && (i.neverFires.includes(a.name) || i.neverSeverities.includes(a.severity))), `${a.name} is silent in one of them`).toBe(true);
    }
  });

  // Concurrent: each area is its own promtool process, so both cores work.
  it.concurrent.each(areaFiles)("%s: every alert behaves at, below and above its threshold, before and after its for", async (area) => {
    const inArea = alerts.filter((a) => a.area === area && a.source === "prometheus" && !fixtureFor(a, settings).incidentsOnly);
    const files = inArea.map((a) => {
      const tests = scenariosOf(a);
      return { fileName: `${a.name}.test.yml`, ruleFiles: [writeCut(a.name, cutFor(tests))], tests };
    });
    for (const [n, f] of files.entries()) expect(f.tests.length, inArea[n].name).toBeGreaterThanOrEqual(4);
    const run = await runPromtoolTestFiles(dir, files);
    console.log(`promtool ${area}: ${files.reduce((n, f) => n + f.tests.length, 0)} cases for ${inArea.length} alerts in ${run.ms} ms`);
    expect(run.ok, run.output).toBe(true);
    expect(run.output.match(/SUCCESS/g)?.length, run.output).toBe(inArea.length);
  }, 240_000);

  it("key-rotation: a reminder fires once the period has passed since the recorded rotation, and not before", async () => {
    // promtool's clock starts at the Unix epoch. The keys are recorded as rotated six days before it,
    // so their week runs out one day into promtool's clock: the rules' arithmetic is the same for any
    // date, and promtool evaluates a seventh of the steps a rotation at the epoch would take.
    const rotated = "1969-12-26";
    const week = 7 * 24 * 60;
    const due = Date.parse(`${rotated}T00:00:00Z`) / 60_000 + week;
    expect(due).toBe(24 * 60);
    const weekly = await settingsFor({ set: { rotation: { every: "week", lastRotated: Object.fromEntries(externalKeyNames.map((k) => [k, rotated])) } } });
    const keyDir = tempDir("promtool-keys");
    fs.writeFileSync(path.join(keyDir, "key-rotation.yml"), renderArtifacts(weekly).get("prometheus/key-rotation.yml") ?? "");
    const keyAlerts = alertCatalog(weekly).filter((a) => a.area === "key-rotation");
    expect(keyAlerts).toHaveLength(externalKeyNames.length);
    // One group: the six rules share the clock, so one evaluation checks them all.
    const count = (name: string, state: string) => `count(ALERTS{alertname="${name}", alertstate="${state}", severity="P3"})`;
    const one = [{ labels: "{}", value: 1 }];
    const tests = [
      {
        name: "key rotation reminders: silent until 7 days after the recorded rotation, pending then, firing an hour later",
        interval: "1m",
        input_series: [{ series: "unrelated_series", values: `1+0x${due + 90}` }],
        promql_expr_test: keyAlerts.flatMap((a) => [
          { expr: count(a.name, "firing"), eval_time: `${due - 1}m`, exp_samples: [] },
          { expr: count(a.name, "pending"), eval_time: `${due - 1}m`, exp_samples: [] },
          { expr: count(a.name, "pending"), eval_time: `${due + 30}m`, exp_samples: one },
          { expr: count(a.name, "firing"), eval_time: `${due + 62}m`, exp_samples: one },
        ]),
      },
    ];
    const run = await runPromtoolTests(keyDir, "key-rotation.test.yml", ["key-rotation.yml"], tests);
    expect(run.ok, run.output).toBe(true);
  });

  it("would fail on a rule file whose threshold drifted, so the tests above can fail", async () => {
    const alert = alerts.find((a) => a.id === "database-connections-high");
    if (!alert) throw new Error("database-connections-high is missing");
    const original = planText("database.yml");
    const drifted = original.replace(`>= ${alert.threshold}`, `>= ${alert.threshold - 30}`);
    expect(drifted).not.toBe(original);
    const tests = scenariosOf(alert);
    const cut = writeCut("drifted", rulesSeenBy(expressionsOf(tests), [drifted]));
    const run = await runPromtoolTests(dir, "drifted.test.yml", [cut], tests);
    expect(run.ok).toBe(false);
    expect(run.output).toContain("DatabaseConnectionsHigh");
  });
});

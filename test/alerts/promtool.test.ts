import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { alertCatalog } from "../../src/alerts/catalog";
import type { DecoratedAlert } from "../../src/alerts/types";
import { renderArtifacts } from "../../src/artifacts";
import type { Settings } from "../../src/config/load";
import { externalKeyNames } from "../../src/config/schema";
import { settingsFor } from "../support/offline";
import { tempDir } from "../support/processes";
import { promtool, runPromtoolTests } from "../support/promtool";
import { fixtureFor } from "./fixtures";
import { scenarios } from "./scenarios";

/**
 * Every Prometheus-rendered alert, tested with the real rule engine (promtool from Debian's
 * prometheus package) against the rule files the plan writes.
 */
let settings: Settings;
let dir: string;
let alerts: DecoratedAlert[];

beforeAll(async () => {
  settings = await settingsFor();
  dir = tempDir("promtool");
  for (const [file, text] of renderArtifacts(settings)) {
    if (!file.startsWith("prometheus/")) continue;
    fs.writeFileSync(path.join(dir, path.basename(file)), text);
  }
  alerts = alertCatalog(settings).filter((a) => a.source === "prometheus");
});

describe("the rendered Prometheus rule files", () => {
  it("pass promtool check rules", () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yml"));
    expect(files.length).toBeGreaterThanOrEqual(7);
    const check = promtool(["check", "rules", ...files.map((f) => path.join(dir, f))]);
    expect(check.status, check.output).toBe(0);
  });
});

describe("promtool test rules, for every alert", () => {
  const areaFiles = ["edge-functions", "email", "pdf", "database", "storage", "sharing-tokens", "signals"];
  /** The SLO whose recording rules an area's burn-rate alerts read. */
  const sloOfArea: Record<string, string | undefined> = { "edge-functions": "overall", email: "email", pdf: "pdf" };
  // Concurrent: each area is its own promtool process, so both cores work.
  it.concurrent.each(areaFiles)("%s: every alert behaves at, below and above its threshold, before and after its for", async (area) => {
    const inArea = alerts.filter((a) => a.area === area && a.source === "prometheus");
    const tests = inArea.flatMap((a) => scenarios(a, fixtureFor(a, settings)));
    expect(tests.length).toBeGreaterThanOrEqual(inArea.length * 4);
    const run = await runPromtoolTests(dir, `${area}.test.yml`, [`${area}.yml`, ...(sloOfArea[area] ? [`slo-${sloOfArea[area]}.yml`] : [])], tests);
    console.log(`promtool ${area}: ${tests.length} cases for ${inArea.length} alerts in ${run.ms} ms`);
    expect(run.ok, run.output).toBe(true);
  }, 240_000);

  it("key-rotation: a reminder fires once the period has passed since the recorded rotation, and not before", async () => {
    // promtool's clock starts at the Unix epoch, so the key is recorded as rotated then, weekly.
    const epoch = Object.fromEntries(externalKeyNames.map((k) => [k, "1970-01-01"]));
    const weekly = await settingsFor({ set: { rotation: { every: "week", lastRotated: epoch } } });
    const keyDir = tempDir("promtool-keys");
    fs.writeFileSync(path.join(keyDir, "key-rotation.yml"), renderArtifacts(weekly).get("prometheus/key-rotation.yml") ?? "");
    const keyAlerts = alertCatalog(weekly).filter((a) => a.area === "key-rotation");
    expect(keyAlerts).toHaveLength(externalKeyNames.length);
    const week = 7 * 24 * 60;
    // One group: the six rules share the clock, so one 7-day evaluation checks them all.
    const count = (name: string, state: string) => `count(ALERTS{alertname="${name}", alertstate="${state}", severity="P3"})`;
    const one = [{ labels: "{}", value: 1 }];
    const tests = [
      {
        name: "key rotation reminders: silent for the first 7 days, pending at 7 days, firing an hour later",
        interval: "1m",
        input_series: [{ series: "unrelated_series", values: `1+0x${week + 90}` }],
        promql_expr_test: keyAlerts.flatMap((a) => [
          { expr: count(a.name, "firing"), eval_time: `${week - 1}m`, exp_samples: [] },
          { expr: count(a.name, "pending"), eval_time: `${week - 1}m`, exp_samples: [] },
          { expr: count(a.name, "pending"), eval_time: `${week + 30}m`, exp_samples: one },
          { expr: count(a.name, "firing"), eval_time: `${week + 62}m`, exp_samples: one },
        ]),
      },
    ];
    const run = await runPromtoolTests(keyDir, "key-rotation.test.yml", ["key-rotation.yml"], tests);
    expect(run.ok, run.output).toBe(true);
  });

  it("would fail on a rule file whose threshold drifted, so the tests above can fail", async () => {
    const alert = alerts.find((a) => a.id === "database-connections-high");
    if (!alert) throw new Error("database-connections-high is missing");
    const original = fs.readFileSync(path.join(dir, "database.yml"), "utf8");
    const drifted = original.replace(`>= ${alert.threshold}`, `>= ${alert.threshold - 30}`);
    expect(drifted).not.toBe(original);
    fs.writeFileSync(path.join(dir, "database-drifted.yml"), drifted);
    const run = await runPromtoolTests(dir, "drifted.test.yml", ["database-drifted.yml"], scenarios(alert, fixtureFor(alert, settings)));
    expect(run.ok).toBe(false);
    expect(run.output).toContain("DatabaseConnectionsHigh");
  });
});

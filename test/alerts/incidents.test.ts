import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { renderArtifacts } from "../../src/artifacts";
import type { Settings } from "../../src/config/load";
import { settingsFor } from "../support/offline";
import { tempDir } from "../support/processes";
import { runPromtoolTestFiles, runPromtoolTests, type PromtoolRun, type PromtoolTestFile } from "../support/promtool";
import { expressionsOf, notThePlans, rulesSeenBy } from "../support/ruleSubset";
import { alertCatalog } from "../../src/alerts/decorate";
import { isAlertName } from "../../src/alerts/names";
import type { MeasuredDetection } from "../../src/alerts/types";
import { measuredDetection } from "../../src/alerts/measured";
import { EVALUATION_INTERVAL_SECONDS } from "../../src/alerts/evaluation";
import type { PromtoolTest } from "../support/promtool";
import { fixtureFor } from "./fixtures";
import { incidents, incidentTest, measureTest, parseMeasurements, type Incident } from "./incidents";
import { inputSeries } from "./scenarios";
import { stale } from "../support/regenerate";

/**
 * The runbook's incidents and near misses on producer-shaped series, on promtool with the plan's
 * rules side by side, as Grafana evaluates them: every rule a scenario's expectations can see (each
 * alert it names or whose severity it rules out, and the recording rules they read), cut rule for
 * rule from the plan's files (test/support/ruleSubset.ts). The plan's other rules cannot change what
 * it checks, and promtool would evaluate every one of them at every step.
 */
let settings: Settings;
let dir: string;
let ruleFiles: string[];
let list: Incident[];

beforeAll(async () => {
  settings = await settingsFor();
  dir = tempDir("incidents");
  ruleFiles = [];
  for (const [file, text] of renderArtifacts(settings)) {
    if (!file.startsWith("prometheus/")) continue;
    fs.writeFileSync(path.join(dir, path.basename(file)), text);
    ruleFiles.push(path.basename(file));
  }
  list = incidents(settings);
});

/** Where the measured times live, for the catalog: generated, committed, kept in step here. */
const MEASURED_FILE = path.join(__dirname, "../../src/alerts/measured.ts");
/** Alerts no incident measures are measured on their threshold fixture: safe for 10 minutes, then breaching. */
const LEAD_IN = 10;
/**
 * How long a threshold measurement runs past its alert's `for`. The slowest fires 15 minutes past it
 * (LogDrainSignalMissing, whose window must empty first); one that needs longer than this fails as
 * "never fired", never silently. Every minute here is a promtool step of every measurement.
 */
const PAST_FOR = 30;

let incidentRun: PromtoolRun;
let genericRun: PromtoolRun;
let generic: Incident[];

/** Every FAILED expectation promtool printed is a measurement sentinel, so no real expectation failed. */
const onlySentinelsFailed = (output: string) => [...output.matchAll(/\n\s+exp: ([^\n]*)/g)].every((m) => m[1] === "{} -1E+00");

beforeAll(async () => {
  const alerts = alertCatalog(settings).filter((a) => a.source === "prometheus" && a.area !== "key-rotation");
  const measuredByIncident = new Set(list.flatMap((i) => i.measure));
  generic = alerts
    .filter((a) => !measuredByIncident.has(a.name))
    .map((a) => {
      const fixture = fixtureFor(a, settings);
      const minutes = LEAD_IN + a.forSeconds / 60 + PAST_FOR;
      return {
        id: `threshold-${a.id}`,
        item: a.covers[0],
        kind: "incident" as const,
        title: `${a.name}: its threshold fixture goes from ${fixture.safe} to ${fixture.breach}`,
        startMinute: LEAD_IN,
        minutes,
        input: inputSeries(fixture, [{ value: fixture.safe, minutes: LEAD_IN }, { value: fixture.breach, minutes: minutes - LEAD_IN + 1 }]),
        fires: [],
        neverFires: [],
        neverSeverities: [],
        measure: [a.name],
      };
    });
  const planText = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
  const everyPlanFile = ruleFiles.map(planText);
  /** A test file for one scenario, loading what its expressions can see of the plan's files. */
  const testFile = (id: string, files: string[], test: PromtoolTest, evaluationInterval?: string): PromtoolTestFile => {
    const cut = rulesSeenBy(expressionsOf([test]), files.map(planText));
    const differs = notThePlans(cut, everyPlanFile);
    if (differs.length > 0) throw new Error(`the rules ${id} runs on are not the plan's: ${differs.join("; ")}`);
    fs.writeFileSync(path.join(dir, `cut-${id}.yml`), stringify(cut, { lineWidth: 0, aliasDuplicateObjects: false }));
    return { fileName: `${id}.test.yml`, ruleFiles: [`cut-${id}.yml`], tests: [test], evaluationInterval };
  };
  // The incidents' own expectations and their measurements share the input, so one run does both.
  const incidentFiles = list.map((i) => {
    const t = incidentTest(i);
    return testFile(i.id, i.ruleFiles ?? ruleFiles, { ...t, promql_expr_test: [...t.promql_expr_test, ...(measureTest(i)?.promql_expr_test ?? [])] }, i.evaluationInterval);
  });
  const thresholdFiles = generic.map((g) => testFile(g.id, ruleFiles, { ...(measureTest(g) as PromtoolTest), interval: "1m" }));
  // Each kind in two promtool processes, two at a time on the two cores; alternating, so each half
  // gets long scenarios and short ones.
  const halves = (files: PromtoolTestFile[]) => [0, 1].map((h) => files.filter((_f, n) => n % 2 === h));
  const queue = [
    ...halves(incidentFiles).map((files) => ({ prefix: "incidents", run: () => runPromtoolTestFiles(dir, files) })),
    ...halves(thresholdFiles).map((files) => ({ prefix: "thresholds", run: () => runPromtoolTestFiles(dir, files) })),
  ];
  const results: { prefix: string; run: PromtoolRun }[] = [];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) results.push({ prefix: job.prefix, run: await job.run() });
  };
  await Promise.all([worker(), worker()]);
  const merged = (prefix: string): PromtoolRun => {
    const runs = results.filter((r) => r.prefix === prefix).map((r) => r.run);
    return { ok: runs.every((r) => r.ok), output: runs.map((r) => r.output).join("\n"), ms: runs.reduce((sum, r) => sum + r.ms, 0) };
  };
  incidentRun = merged("incidents");
  genericRun = merged("thresholds");
  console.log(`promtool: ${list.length} incident scenarios in ${incidentRun.ms} ms, ${generic.length} threshold measurements in ${genericRun.ms} ms`);
}, 400_000);

describe("incidents and near misses on producer-shaped signals", () => {
  it("each fires what it must, at its severity and in time, and nothing it must not", () => {
    expect(incidentRun.output).toContain("FAILED");
    expect(onlySentinelsFailed(incidentRun.output), incidentRun.output).toBe(true);
  });

  it.each([
    ["total-outage", "EdgeFunctionsDown"],
    ["database-down", "DatabaseDown"],
    ["database-gone", "DatabaseUnreachable"],
  ])("pages P0 within runbook.failureModes.systemDownDetectMinutes: %s fires %s", (scenario, alert) => {
    const incident = list.find((i) => i.id === scenario);
    const fired = parseMeasurements(incidentRun.output).get(`${scenario}/${alert}`);
    expect(fired).toBeDefined();
    expect((fired ?? Infinity) - (incident?.startMinute ?? 0) * 60).toBeLessThanOrEqual(settings.runbook.failureModes.systemDownDetectMinutes * 60);
  });

  it("needs keep_firing_for: without it the stray success resolves the P0 mid-outage, and it pages again", async () => {
    const file = fs.readFileSync(path.join(dir, "edge-functions.yml"), "utf8");
    const without = file.replace(/\n\s+keep_firing_for: \S+/, "");
    expect(without).not.toBe(file);
    fs.writeFileSync(path.join(dir, "edge-functions-no-keep.yml"), without);
    const stray = list.find((i) => i.id === "stray-success");
    if (!stray) throw new Error("stray-success scenario missing");
    const run = await runPromtoolTests(dir, "no-keep.test.yml", ["edge-functions-no-keep.yml"], [incidentTest(stray)]);
    expect(run.ok).toBe(false);
    expect(run.output).toContain("got: nil");
  }, 120_000);
});

describe("the catalog's time to detect", () => {
  it("is what promtool measures from the scenarios, and src/alerts/measured.ts holds exactly that", () => {
    expect(onlySentinelsFailed(genericRun.output), genericRun.output).toBe(true);
    const got = new Map([...parseMeasurements(incidentRun.output), ...parseMeasurements(genericRun.output)]);
    const severityOf = new Map(alertCatalog(settings).map((a) => [a.name, a.severity]));
    const rows = [...list, ...generic].flatMap((i) =>
      i.measure.map((alert) => {
        if (!isAlertName(alert)) throw new Error(`${i.id} measures ${alert}, which no alert is called`);
        const firstFiring = got.get(`${i.id}/${alert}`);
        if (firstFiring === undefined) throw new Error(`${alert} never fired in ${i.id}`);
        const row: MeasuredDetection = {
          alert,
          severity: severityOf.get(alert),
          item: i.item,
          scenario: i.id,
          shape: i.id.startsWith("threshold-") ? "threshold" : "producer",
          seconds: Math.round(firstFiring - i.startMinute * 60),
        };
        return row;
      }),
    );
    if (process.env.AIN_WRITE_MEASURED === "1") fs.writeFileSync(MEASURED_FILE, measuredFileText(rows));
    // promtool evaluates rule groups in Go map order, so an alert reading a recorded series can see
    // it one evaluation later from run to run: equal up to one evaluation interval, same rows otherwise.
    const staleMeasured = stale("src/alerts/measured.ts");
    const key = (r: MeasuredDetection) => `${r.scenario}/${r.alert}`;
    expect(measuredDetection.map(key).sort(), staleMeasured).toEqual(rows.map(key).sort());
    for (const r of rows) {
      const committed = measuredDetection.find((m) => key(m) === key(r));
      expect({ ...committed, seconds: 0 }, staleMeasured).toEqual({ ...r, seconds: 0 });
      expect(Math.abs((committed?.seconds ?? Infinity) - r.seconds), `${key(r)}: measured ${r.seconds} s; ${staleMeasured}`).toBeLessThanOrEqual(EVALUATION_INTERVAL_SECONDS);
    }
  });
});

function measuredFileText(rows: MeasuredDetection[]): string {
  const sorted = [...rows].sort((a, b) => a.alert.localeCompare(b.alert) || a.scenario.localeCompare(b.scenario));
  return [
    "// Generated by test/alerts/incidents.test.ts from promtool runs of the incident scenarios; do not edit.",
    "// Regenerate: npm run regenerate (test/alerts/incidents.test.ts fails while this is stale). Measured on the suite's stack, test/stacks/Pulumi.prod.yaml.",
    'import type { MeasuredDetection } from "./types";',
    "",
    "export const measuredDetection: MeasuredDetection[] = [",
    ...sorted.map((r) => `  ${JSON.stringify(r)},`),
    "];",
    "",
  ].join("\n");
}

import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../../src/config/load";
import { checkSpecs, type CheckSpec } from "../../src/synthetics/checks";
import { checkAlerts, FAILED_EXECUTIONS_THRESHOLD } from "../../src/synthetics/component";
import { SM_STEP_SECONDS, smSeries, staggeredProbes, type SmCheck } from "../fixtures/signals/synthetic-monitoring";
import { settingsFor } from "../support/offline";
import { tempDir } from "../support/processes";
import { runPromtoolTests } from "../support/promtool";

/**
 * Synthetic Monitoring's own ProbeFailedExecutionsTooHigh, with the period and threshold we send,
 * run by promtool on SM-shaped executions. The expression is SM's
 * (grafana/synthetic-monitoring-app src/components/CheckForm/AlertsPerCheck/AlertsPerCheck.constants.tsx):
 * `sum by (instance, job) (floor(increase(probe_all_success_count[p]) - increase(probe_all_success_sum[p]))) >= threshold`,
 * with the threshold as a literal instead of SM's threshold series. One failed execution is a blip
 * and must not fire it; two in a row at one probe are a pattern and must.
 */
let settings: Settings;
let dir: string;
beforeAll(async () => {
  settings = await settingsFor();
  dir = tempDir("sm-check-alerts");
});

const smExpr = (job: string, period: string, threshold: number) =>
  `sum by (instance, job) (floor(increase(probe_all_success_count{job="${job}"}[${period}]) - increase(probe_all_success_sum{job="${job}"}[${period}]))) >= ${threshold}`;

describe("SM's per-check failed-executions alert, as we configure it", () => {
  const withFailedAlert = () =>
    checkSpecs(settings)
      .map((c) => ({ c, alert: checkAlerts(c, settings).find((a) => a.name === "ProbeFailedExecutionsTooHigh") }))
      .filter((x): x is { c: CheckSpec; alert: { name: string; threshold: number; period: string; runbookUrl: string } } => x.alert !== undefined);

  it("is left off only for checks too slow to count a pattern, which our own rules watch", () => {
    const off = checkSpecs(settings).filter((c) => !withFailedAlert().some((x) => x.c.id === c.id));
    expect(off.map((c) => c.id)).toEqual(["pdfGeneration"]);
    expect(withFailedAlert().every((x) => x.alert.threshold === FAILED_EXECUTIONS_THRESHOLD)).toBe(true);
  });

  it("stays silent on one failed execution and fires on two in a row, for every check that has it", async () => {
    const minutes = 240;
    const probes = staggeredProbes(settings.synthetics.probes);
    const rules: { alert: string; expr: string }[] = [];
    const tests = withFailedAlert().flatMap(({ c, alert }, i) => {
      const sm: SmCheck = { job: c.job, target: c.url, checkId: 100 + i, frequencySeconds: c.frequencyMs / 1000 };
      const name = `SmFailed_${c.id}`;
      rules.push({ alert: name, expr: smExpr(c.job, alert.period, alert.threshold) });
      const start = 120 * 60;
      const failing = (runs: number) => (job: string, probe: string, t: number) => !(probe === probes[0].name && t >= start && t < start + runs * sm.frequencySeconds);
      const ever = { expr: `count(count_over_time(ALERTS{alertname="${name}", alertstate="firing"}[${minutes}m]))`, eval_time: `${minutes}m` };
      return [
        { name: `${c.job}: one failed execution`, interval: `${SM_STEP_SECONDS}s`, input_series: smSeries([sm], probes, minutes, failing(1)), promql_expr_test: [{ ...ever, exp_samples: [] }] },
        { name: `${c.job}: two failed executions in a row`, interval: `${SM_STEP_SECONDS}s`, input_series: smSeries([sm], probes, minutes, failing(2)), promql_expr_test: [{ ...ever, exp_samples: [{ labels: "{}", value: 1 }] }] },
      ];
    });
    fs.writeFileSync(path.join(dir, "sm.yml"), stringify({ groups: [{ name: "sm-per-check", interval: "1m", rules: rules.map((r) => ({ ...r, for: "0s" })) }] }));
    const run = await runPromtoolTests(dir, "sm.test.yml", ["sm.yml"], tests);
    expect(run.ok, run.output).toBe(true);
  });
});

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
import { runPromtoolTestFiles } from "../support/promtool";

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
    // Each check's rule in a file of its own, loaded by that check's groups only: promtool evaluates
    // every loaded rule at every step, and a check's groups hold no series another rule could select.
    const files = withFailedAlert().map(({ c, alert }, i) => {
      const sm: SmCheck = { job: c.job, target: c.url, checkId: 100 + i, frequencySeconds: c.frequencyMs / 1000 };
      const name = `SmFailed_${c.id}`;
      const rule = { alert: name, expr: smExpr(c.job, alert.period, alert.threshold), for: "0s" };
      fs.writeFileSync(path.join(dir, `sm-${c.id}.yml`), stringify({ groups: [{ name: "sm-per-check", interval: "1m", rules: [rule] }] }));
      const start = 120 * 60;
      const failing = (runs: number) => (job: string, probe: string, t: number) => !(probe === probes[0].name && t >= start && t < start + runs * sm.frequencySeconds);
      const ever = { expr: `count(count_over_time(ALERTS{alertname="${name}", alertstate="firing"}[${minutes}m]))`, eval_time: `${minutes}m` };
      return {
        fileName: `sm-${c.id}.test.yml`,
        ruleFiles: [`sm-${c.id}.yml`],
        tests: [
          { name: `${c.job}: one failed execution`, interval: `${SM_STEP_SECONDS}s`, input_series: smSeries([sm], probes, minutes, failing(1)), promql_expr_test: [{ ...ever, exp_samples: [] }] },
          { name: `${c.job}: two failed executions in a row`, interval: `${SM_STEP_SECONDS}s`, input_series: smSeries([sm], probes, minutes, failing(2)), promql_expr_test: [{ ...ever, exp_samples: [{ labels: "{}", value: 1 }] }] },
        ],
      };
    });
    expect(files.length).toBeGreaterThanOrEqual(2);
    const run = await runPromtoolTestFiles(dir, files);
    expect(run.ok, run.output).toBe(true);
  });
});

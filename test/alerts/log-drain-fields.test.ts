import { edgeSeriesOf } from "../../src/alerts/signals";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { renderArtifacts } from "../../src/artifacts";
import { settingsFor } from "../support/offline";
import { tempDir } from "../support/processes";
import { runPromtoolTests } from "../support/promtool";
import { checkJob } from "../../src/synthetics/jobs";

/**
 * The log drain flattens each record's fields with "_" (logflare loki_adaptor.ex, Iteraptor
 * to_flatmap), so a record whose metadata is a list names the execution time
 * metadata_0_execution_time_ms, not logDrain.executionTimeField. Requests are then recorded, the
 * latency series never is, and the latency alerts would read "no data" as OK: LogDrainSignalMissing
 * must say so.
 */
it("LogDrainSignalMissing fires when requests are recorded but their execution time never is, and not when both are", async () => {
  const settings = await settingsFor();
  const dir = tempDir("log-drain-fields");
  fs.writeFileSync(path.join(dir, "signals.yml"), renderArtifacts(settings).get("prometheus/signals.yml") ?? "");
  const fn = settings.functions.vinDecode;
  const edgeSeries = edgeSeriesOf(settings.identity);
  const requests = { series: `${edgeSeries.requestsPerMinute}{function="${fn}", status="200"}`, values: "24+0x60" };
  const latency = { series: `${edgeSeries.latencyP95Seconds5m}{function="${fn}"}`, values: "0.8+0x60" };
  // The P0 signal's checks pass throughout: the system is up, only the field is missing.
  const probes = settings.synthetics.systemDownChecks.map((id) => checkJob(settings, id)).flatMap((job) =>
    ["Frankfurt", "London"].map((probe) => ({ series: `probe_success{job="${job}", probe="${probe}"}`, values: "1+0x60" })),
  );
  const firing = { expr: 'count(ALERTS{alertname="LogDrainSignalMissing", alertstate="firing"})', eval_time: "40m" };
  const run = await runPromtoolTests(dir, "fields.test.yml", ["signals.yml"], [
    { name: "requests without execution times", interval: "1m", input_series: [requests, ...probes], promql_expr_test: [{ ...firing, exp_samples: [{ labels: "{}", value: 1 }] }] },
    { name: "requests with execution times", interval: "1m", input_series: [requests, latency, ...probes], promql_expr_test: [{ ...firing, exp_samples: [] }] },
  ]);
  expect(run.ok, run.output).toBe(true);
});

import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";

/** One promtool unit-test group: its own input series and the checks to make on them. */
export interface PromtoolTest {
  name: string;
  /** Step between input samples; promtool's default is not one minute, so every group sets it. */
  interval: string;
  input_series: { series: string; values: string }[];
  promql_expr_test: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[];
}

export interface PromtoolRun {
  ok: boolean;
  output: string;
  ms: number;
}

/** A promtool test file: the rule files it loads and its groups. */
export interface PromtoolTestFile {
  fileName: string;
  ruleFiles: string[];
  tests: PromtoolTest[];
  /**
   * promtool evaluates every group of a file at this one interval, whatever the groups say (its
   * unit tester steps by evaluation_interval): scenarios about the P0s run at the paging group's.
   */
  evaluationInterval?: string;
}

/** Writes a promtool test file beside the rule files and runs `promtool test rules` on it. */
export function runPromtoolTests(dir: string, fileName: string, ruleFiles: string[], tests: PromtoolTest[]): Promise<PromtoolRun> {
  return runPromtoolTestFiles(dir, [{ fileName, ruleFiles, tests }]);
}

/**
 * Writes test files beside the rule files and runs them all in one `promtool test rules`, which
 * tests them one after another and fails if any fails: files that load different rules, one process.
 * GOGC=400 (unless set): promtool allocates on every evaluation, and collecting less often took the
 * incident scenarios from 8.5-9.0 to 7.1-7.4 CPU-s (measured 2026-12-03), for ~200 MB per process.
 */
export function runPromtoolTestFiles(dir: string, files: PromtoolTestFile[]): Promise<PromtoolRun> {
  const paths = files.map(({ fileName, ruleFiles, tests, evaluationInterval }) => {
    const file = path.join(dir, fileName);
    fs.writeFileSync(file, stringify({ rule_files: ruleFiles, evaluation_interval: evaluationInterval ?? "1m", tests }, { lineWidth: 0, aliasDuplicateObjects: false }));
    return file;
  });
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("promtool", ["test", "rules", ...paths], { env: { GOGC: "400", ...process.env } });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ ok: code === 0, output, ms: Date.now() - started }));
  });
}

export function promtool(args: string[]): { status: number | null; output: string } {
  const result = spawnSync("promtool", args, { encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/** A series held at one value for `steps` samples: promtool's `v+0xN`. */
export const steady = (value: number, steps: number) => `${value}+0x${steps}`;
/** A counter growing by `increment` each sample. */
export const counter = (increment: number, steps: number) => `0+${increment}x${steps}`;

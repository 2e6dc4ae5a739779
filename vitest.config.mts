import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Two kinds of test file, in two projects that never share a process. Most test the model and its
 * renderers from settings (settingsFor) and never start Pulumi. A file that runs the program (it
 * names runStack, runValidStack, runStackAfresh, startOfflineEngine, runProgram or setMocks) starts Pulumi's
 * mock engine: it runs in the "program" project, with the other such files only.
 *
 * Within a project, files share worker processes, so the SDKs load once per worker instead of once
 * per file. For the program files that rests on Pulumi's public runtime API: every run calls
 * setMocks, which resets the runtime's per-run state (Pulumi's unit-testing guide sets the mocks,
 * then imports the program, under mocha: one process for every file), loads index.ts and src/
 * afresh (test/support/offline.ts), and ends with disconnect(); a file already relies on that for
 * its second run. A process per program file (isolate: true) cost, on
 * 2026-12-03 on the 2-core machine: 121 CPU-s and 118 s for the program project, against 86 CPU-s
 * and 66 s shared.
 */
const testFiles = readdirSync(resolve(import.meta.dirname, "test"), { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".test.ts")).map((file) => join("test", file));
// Every way in: the helpers of test/support/offline.ts, the offline engine itself, and the SDK's mocks.
const STARTS_PULUMI = /\b(runStack|runValidStack|runStackAfresh|startOfflineEngine|runProgram|setMocks)\b/;
const programFiles = testFiles.filter((file) => STARTS_PULUMI.test(readFileSync(resolve(import.meta.dirname, file), "utf8")));

export default defineConfig({
  test: {
    // The program reads the suite's own stacks, never the team's (test/stacks/README.md).
    env: { AIN_MONITORING_PROJECT_DIR: resolve(import.meta.dirname, "test/stacks") },
    pool: "forks",
    // One fork per core, and one more. Vitest's default leaves a core to itself (cores - 1: a
    // single fork on a 2-core machine), but many files wait: on Alertmanager's scaled timers (20 s
    // of mostly idle waiting), PostgreSQL, the blackbox exporter or deliberate timeouts. The extra
    // fork keeps both cores busy while one of them waits.
    maxWorkers: availableParallelism() + 1,
    // Files share the cores: a CPU-bound test (promtool over multi-day windows) can take twice as
    // long as alone, and a busy CI machine more; a hang still fails, only later.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Concurrent tests wait on their own engines (nine Alertmanagers on scaled timers, seven promtool
    // processes): all of a file's at once, rather than vitest's default of five.
    maxConcurrency: 10,
    projects: [
      {
        extends: true,
        test: {
          name: "model",
          include: ["test/**/*.test.ts"],
          exclude: programFiles,
          isolate: false,
          setupFiles: ["test/support/isolation.ts"],
          provide: { startsPulumi: false },
        },
      },
      {
        extends: true,
        test: {
          name: "program",
          include: programFiles,
          isolate: false,
          setupFiles: ["test/support/isolation.ts"],
          provide: { startsPulumi: true },
        },
      },
    ],
  },
});

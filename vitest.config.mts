import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Two kinds of test file. Most test the model and its renderers from settings, never starting
 * Pulumi: they share worker processes, so the SDKs load once per worker instead of once per file.
 * A file that runs the program (it imports runStack, runValidStack or runStackAfresh from
 * test/support/offline.ts) starts Pulumi's mock engine, whose state is the process's: it gets a
 * process of its own.
 */
const testFiles = readdirSync(resolve(import.meta.dirname, "test"), { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".test.ts")).map((file) => join("test", file));
const STARTS_PULUMI = /\b(runStack|runValidStack|runStackAfresh)\b/;
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
          // Sharing a worker, a file must leave the environment as it found it.
          setupFiles: ["test/support/isolation.ts"],
          provide: { startsPulumi: false },
        },
      },
      {
        extends: true,
        test: {
          name: "program",
          include: programFiles,
          isolate: true,
          provide: { startsPulumi: true },
        },
      },
    ],
  },
});

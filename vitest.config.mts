import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // Files share a worker, so the provider SDKs load once per worker instead of once per file
    // (about a second of CPU each). The Pulumi runtime keeps global state: the setup file resets
    // it before each file, and restores the environment after it, failing a file that leaks one.
    isolate: false,
    setupFiles: ["test/support/isolation.ts"],
    // One fork per core, and one more. Vitest's default leaves a core to itself (cores - 1: a
    // single fork on a 2-core machine), but many files wait: on Alertmanager's scaled timers (20 s
    // of mostly idle waiting), PostgreSQL, the blackbox exporter or deliberate timeouts. The extra
    // fork keeps both cores busy while one of them waits; sharing a worker, it costs one more load
    // of the SDKs, not one per file.
    maxWorkers: availableParallelism() + 1,
    // Two files share the cores now: a CPU-bound test (promtool over multi-day windows) can take
    // twice as long as alone, and a busy CI machine more; a hang still fails, only later.
    testTimeout: 120_000,
    // Concurrent tests wait on their own engines (nine Alertmanagers on scaled timers, seven promtool
    // processes): all of a file's at once, rather than vitest's default of five.
    maxConcurrency: 10,
    hookTimeout: 120_000,
  },
});

import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The Pulumi runtime keeps global state: each file gets its own process.
    pool: "forks",
    // One fork per core. Vitest's default leaves a core to itself (cores - 1: a single fork on a
    // 2-core machine), but most files here wait on child processes (promtool, PostgreSQL, the
    // blackbox exporter, Alertmanager, plans) or on deliberate timeouts, so one file at a time
    // leaves the machine idle.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

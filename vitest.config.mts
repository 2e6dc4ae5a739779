import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { relative, resolve } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take longest, longest first: each waits on engines and child processes for 10 to
 * 30 s. Vitest starts the longest files first by the durations it cached on the last run, under
 * node_modules/.vite, which a fresh clone (and every CI run) lacks: it then goes by file size, which
 * started the 30-second plan test last and made the whole run 5 s longer. These go first always; the
 * rest in vitest's order.
 */
const LONGEST_FIRST = [
  "test/plan/plan-command.test.ts",
  "test/alerts/promtool.test.ts",
  "test/synthetics/checks.test.ts",
  "test/escalation/alertmanager.test.ts",
  "test/alerts/incidents.test.ts",
  "test/github/delivery.test.ts",
  "test/synthetics/probe-ids.test.ts",
  "test/synthetics/parity.test.ts",
];
for (const file of LONGEST_FIRST) if (!existsSync(resolve(__dirname, file))) throw new Error(`vitest.config.mts: LONGEST_FIRST names ${file}, which does not exist`);

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONGEST_FIRST.indexOf(relative(__dirname, file.moduleId));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    const byVitest = await super.sort(files);
    return byVitest.map((file, order) => ({ file, order })).sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order).map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The program reads the suite's own stacks, never the team's (test/stacks/README.md).
    env: { AIN_MONITORING_PROJECT_DIR: resolve(__dirname, "test/stacks") },
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
    sequence: { sequencer: LongestFirst },
    hookTimeout: 120_000,
  },
});

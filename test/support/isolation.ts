import { createRequire } from "node:module";
import { afterAll, beforeAll } from "vitest";

/**
 * Run before every test file (vitest.config.mts, setupFiles). Test files share a worker process
 * (isolate: false), so that the provider SDKs load once per worker rather than once per file;
 * this file gives each test file what a process of its own would: the Pulumi runtime as it is
 * before any engine is set, and the environment the worker started with. A file that leaves an
 * environment variable behind fails, naming it, instead of changing what the next file sees.
 */

/** What the offline engine itself writes into the environment (startOfflineEngine). */
const RUNTIME_ENV = new Set(["AIN_OFFLINE_PLAN"]);

interface PulumiGlobals {
  globalStore?: unknown;
  stackResource?: unknown;
}

/** The Pulumi runtime keeps its engine in module variables and its store on the global object. */
function resetPulumiRuntime(): void {
  // A worker that has not loaded the SDK yet has nothing to reset, and need not pay for loading it.
  const require = createRequire(__filename);
  const settingsPath = require.resolve("@pulumi/pulumi/runtime/settings");
  if (!require.cache[settingsPath]) return;
  const settings = require(settingsPath) as { _reset(): void };
  settings._reset();
  const globals = globalThis as PulumiGlobals;
  delete globals.globalStore;
  delete globals.stackResource;
}

const startEnv = { ...process.env };

beforeAll(() => {
  resetPulumiRuntime();
});

afterAll(() => {
  const leaked: string[] = [];
  for (const key of new Set([...Object.keys(startEnv), ...Object.keys(process.env)])) {
    if (process.env[key] === startEnv[key]) continue;
    if (!RUNTIME_ENV.has(key)) leaked.push(key);
    if (startEnv[key] === undefined) delete process.env[key];
    else process.env[key] = startEnv[key];
  }
  resetPulumiRuntime();
  if (leaked.length > 0) {
    throw new Error(`this test file changed process.env ${leaked.join(", ")} and left it so; restore it (e.g. in an afterEach), as the next file in this worker would see it`);
  }
});

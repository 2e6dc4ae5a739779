import { afterAll } from "vitest";

/**
 * Run before every test file (vitest.config.mts, setupFiles): files share worker processes, so a
 * file that leaves an environment variable behind fails, naming it, and the next file sees the
 * environment the worker started with.
 */

/** What the offline engine itself writes into the environment (startOfflineEngine), for every run alike. */
const RUNTIME_ENV = new Set(["AIN_OFFLINE_PLAN"]);

const startEnv = { ...process.env };

afterAll(() => {
  const leaked: string[] = [];
  for (const key of new Set([...Object.keys(startEnv), ...Object.keys(process.env)])) {
    if (process.env[key] === startEnv[key]) continue;
    if (!RUNTIME_ENV.has(key)) leaked.push(key);
    if (startEnv[key] === undefined) delete process.env[key];
    else process.env[key] = startEnv[key];
  }
  if (leaked.length > 0) {
    throw new Error(`this test file changed process.env ${leaked.join(", ")} and left it so; restore it (e.g. in an afterEach), as the next file in this worker would see it`);
  }
});

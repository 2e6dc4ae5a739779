import * as path from "node:path";

/**
 * The project the program reads beside its config: Pulumi.yaml, every stack's file (the budgets
 * are shared, and a copy must not monitor prod) and .github/delivery.json. Pulumi runs the program
 * in the repository, so that is the default. The test suite points this variable at its own
 * fixture project (test/stacks), so that the team's stack files, which are theirs to change, never
 * decide a test.
 */
export const PROJECT_DIR_ENV = "AIN_MONITORING_PROJECT_DIR";

export function projectDir(): string {
  const chosen = process.env[PROJECT_DIR_ENV];
  return chosen ? path.resolve(chosen) : path.resolve(__dirname, "..");
}

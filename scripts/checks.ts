/**
 * `npm run checks [-- --stack NAME] [--config-file FILE] [--base-url URL] [--only NAME] [--json]`: runs the synthetic
 * checks from this machine with the prober's semantics. Exits 1 when any check fails. The bearer
 * token comes from AIN_FUNCTIONS_AUTH_TOKEN, or from the stack file when it holds it in plain text
 * (an encrypted one cannot be read offline), and is never printed.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadSettings } from "../src/config/load";
import { startOfflineEngine } from "../src/offline/engine";
import { readStackConfig, SECRET_PLACEHOLDER_PREFIX } from "../src/offline/stackConfig";
import { PROJECT } from "../src/config/schema";
import * as pulumi from "@pulumi/pulumi";
import { checkSpecs } from "../src/synthetics/checks";
import { resultTable, runCheck, type CheckResult } from "../src/synthetics/runner";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "prod" },
      "config-file": { type: "string" },
      "base-url": { type: "string" },
      only: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const root = path.resolve(__dirname, "..");
  await startOfflineEngine(readStackConfig(root, values.stack ?? "prod", values["config-file"]));
  const settings = loadSettings();
  const baseUrl = values["base-url"];
  if (baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(baseUrl)) throw new Error(`--base-url: expected an http(s) URL, got '${baseUrl}'`);
  let specs = checkSpecs(settings, baseUrl ?? settings.functionsBaseUrl).filter((s) => s.enabled);
  if (values.only) {
    const wanted = values.only.split(",");
    specs = specs.filter((s) => wanted.includes(s.id) || wanted.includes(s.job));
    if (specs.length === 0) throw new Error(`--only: no check named ${values.only}; known: ${checkSpecs(settings).map((s) => s.job).join(", ")}`);
  }
  const fromConfig = pulumi.runtime.getConfig(`${PROJECT}:functionsAuthToken`);
  const token = process.env.AIN_FUNCTIONS_AUTH_TOKEN || (fromConfig?.startsWith(SECRET_PLACEHOLDER_PREFIX) ? undefined : fromConfig) || undefined;
  const results: CheckResult[] = [];
  for (const spec of specs) results.push(await runCheck(spec, token));
  if (values.json) console.log(JSON.stringify(results.map(({ check, ok, durationMs, budgetMs, reason }) => ({ check, ok, durationMs, budgetMs, reason })), null, 2));
  else {
    console.log(resultTable(results));
    const failed = results.filter((r) => !r.ok).length;
    console.log(`\n${results.length - failed} passed, ${failed} failed`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(2);
  },
);

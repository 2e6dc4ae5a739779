/**
 * The offline plan: `npm run plan [-- --stack NAME]`. Runs the real program under Pulumi's mock
 * engine with the stack's config, prints a preview-like summary and writes out/<stack>/. Needs
 * no credentials and no network; a bad config exits 1 and writes nothing.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import type * as Artifacts from "../src/artifacts";
import type * as ConfigLoader from "../src/config/load";
import type * as Engine from "../src/offline/engine";
import type * as Plan from "../src/offline/plan";
import type * as Budgets from "../src/config/budgets";
import type * as Reach from "../src/github/reach";
import { configErrorMessage } from "../src/config/validate";
import { validateStack } from "../src/validateStack";
import { readStackConfig, StackFileError } from "../src/offline/stackConfig";
import { projectDir } from "../src/projectDir";

/** What the providers read from the job's environment (docs/delivery.md § Credentials); the offline plan reads none. */
const PROVIDER_CREDENTIALS = ["GRAFANA_AUTH", "GRAFANA_SM_ACCESS_TOKEN", "GRAFANA_ONCALL_ACCESS_TOKEN", "GRAFANA_CONNECTIONS_API_ACCESS_TOKEN", "SUPABASE_SECRET_KEY", "GITHUB_TOKEN"];

const USAGE = `Usage: npm run plan -- [options]

Runs the program under Pulumi's mock engine with a stack's config, as 'pulumi preview' would but
with no credentials and no network. Prints what would be created and writes the artifacts
(rule files, dashboards, routing, blackbox modules, catalog, alert guide) to out/<stack>/.

Options:
  --stack NAME         The stack to plan: reads Pulumi.NAME.yaml beside Pulumi.yaml (default: prod).
  --config-file FILE   Read the stack's config from FILE instead, like 'pulumi --config-file'.
  --out DIR            Write the artifacts to DIR instead of out/<stack>/ (replaced as a whole).
  -h, --help           Show this help.

Environment:
  AIN_MONITORING_NOW   Pin the clock (ISO date-time) that rotation periods are computed from.
  PLAN_DEBUG=1         Print the stack trace of an unexpected error.

Exit codes:
  0  planned; the artifacts are written
  1  invalid config or unreadable stack file: the message names each key or line; nothing is written`;

function args() {
  try {
    return parseArgs({
      options: {
        stack: { type: "string", default: "prod" },
        // Like `pulumi --config-file`: read the stack's config from another file.
        "config-file": { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    throw new StackFileError(`${(error as Error).message}; see 'npm run plan -- --help'`);
  }
}

async function main(): Promise<number> {
  const values = args();
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // The program and out/ are the repository's; the stack files those of the project it plans.
  const repo = path.resolve(__dirname, "..");
  const root = projectDir();
  const stack = values.stack ?? "prod";
  const started = process.hrtime.bigint();

  // Credential-free by contract: a provider token left in the shell (docs/adopting.md, step 6) must not change
  // the plan. With GRAFANA_SM_ACCESS_TOKEN the program would take the deploy's path for probe ids.
  for (const variable of PROVIDER_CREDENTIALS) delete process.env[variable];
  const stackConfig = readStackConfig(root, stack, values["config-file"]);
  if (values["config-file"]) process.env.AIN_STACK_FILE = stackConfig.stackFile;
  // A bad value answers before the runtime loads, in the words the program would use: it validates
  // with the same code (src/config/load.ts) before it registers anything.
  const { plain, problems } = validateStack(stackConfig.config, stack);
  if (!plain) return refuseConfig(configErrorMessage(stackConfig.stackFile, problems));
  // Only now the Pulumi runtime and the program's modules (a second of loading): --help, a wrong
  // option and a missing or unreadable stack file answer without them. require(), not import(),
  // so that the host's ts-node loads (and type-checks) them as it loads the program.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { ConfigError, loadSettings } = require("../src/config/load") as typeof ConfigLoader;
  const { planNotes, planSummary, renderArtifacts } = require("../src/artifacts") as typeof Artifacts;
  const { REDACTED, runProgram, startOfflineEngine } = require("../src/offline/engine") as typeof Engine;
  const { stateSecrets } = require("../src/github/reach") as typeof Reach;
  const { planDocument, planTree, writeArtifacts } = require("../src/offline/plan") as typeof Plan;
  const { budgets, quotasOf, readFleet } = require("../src/config/budgets") as typeof Budgets;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const recording = await startOfflineEngine(stackConfig);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await runProgram(async () => require(path.join(repo, "index.ts")));
  } catch (error) {
    if (error instanceof ConfigError) return refuseConfig(error.message);
    throw error;
  }

  const settings = loadSettings();
  const files = renderArtifacts(settings);
  // The budgets as data too, so plans of several stacks can be held against the quotas and each other.
  const fleet = readFleet(root, settings);
  const budgetFacts = { plan: settings.grafanaCloud.plan, quotas: quotasOf(settings), thisStack: fleet.stacks[0], shared: budgets(settings, fleet) };
  files.set("plan.json", JSON.stringify({ ...planDocument(stack, recording), budgets: budgetFacts }, null, 2) + "\n");
  // What a token with stack:decrypt on this stack reads from its state (docs/delivery.md § Credentials).
  files.set("delivery/state-secrets.json", JSON.stringify(stateSecrets(recording.resources, recording.stackOutputs, REDACTED), null, 2) + "\n");
  const outDir = values.out ? path.resolve(values.out) : path.join(repo, "out", stack);
  writeArtifacts(outDir, files);

  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`Previewing ${stackConfig.project}/${stack} offline (Pulumi mock engine; no credentials, no network)\n`);
  console.log(`     ${"Type".padEnd(84)} Name`);
  for (const line of planTree(recording)) console.log(line);
  for (const line of planNotes(settings)) console.log(line);
  const shownOut = path.relative(repo, outDir).startsWith("..") ? outDir : path.relative(repo, outDir);
  console.log(`\nArtifacts in ${shownOut}/: ${[...files.keys()].sort().join(", ")}`);
  for (const line of planSummary(settings, { outDir: shownOut })) console.log(line);
  const imports = recording.resources.filter((r) => r.importId).length;
  console.log(`\nResources: ${recording.resources.length - imports} to create${imports > 0 ? `, ${imports} to import` : ""} (${Math.round(elapsed)} ms)`);
  return 0;
}

function refuseConfig(message: string): number {
  console.error(message);
  console.error("Nothing was planned or written.");
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (process.env.PLAN_DEBUG ? error.stack : error.message) : error);
    process.exit(1);
  },
);

/**
 * The offline plan: `npm run plan [-- --stack NAME]`. Runs the real program under Pulumi's mock
 * engine with the stack's config, prints a preview-like summary and writes out/<stack>/. Needs
 * no credentials and no network; a bad config exits 1 and writes nothing.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadSettings } from "../src/config/load";
import { planNotes, renderArtifacts } from "../src/artifacts";
import { runProgram, startOfflineEngine } from "../src/offline/engine";
import { planDocument, planTree, writeArtifacts } from "../src/offline/plan";
import { readStackConfig } from "../src/offline/stackConfig";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "prod" },
      // Like `pulumi --config-file`: read the stack's config from another file.
      "config-file": { type: "string" },
      out: { type: "string" },
    },
  });
  const root = path.resolve(__dirname, "..");
  const stack = values.stack ?? "prod";
  const started = process.hrtime.bigint();

  const stackConfig = readStackConfig(root, stack, values["config-file"]);
  if (values["config-file"]) process.env.AIN_STACK_FILE = stackConfig.stackFile;
  const recording = await startOfflineEngine(stackConfig);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await runProgram(async () => require(path.join(root, "index.ts")));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      console.error("Nothing was planned or written.");
      return 1;
    }
    throw error;
  }

  const settings = loadSettings();
  const files = renderArtifacts(settings);
  files.set("plan.json", JSON.stringify(planDocument(stack, recording), null, 2) + "\n");
  const outDir = values.out ? path.resolve(values.out) : path.join(root, "out", stack);
  writeArtifacts(outDir, files);

  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`Previewing ${stackConfig.project}/${stack} offline (Pulumi mock engine; no credentials, no network)\n`);
  console.log(`     ${"Type".padEnd(84)} Name`);
  for (const line of planTree(recording)) console.log(line);
  for (const line of planNotes(settings)) console.log(line);
  console.log(`\nArtifacts in ${path.relative(root, outDir)}/: ${[...files.keys()].sort().join(", ")}`);
  console.log(`Resources: ${recording.resources.length} to create (${Math.round(elapsed)} ms)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (process.env.PLAN_DEBUG ? error.stack : error.message) : error);
    process.exit(1);
  },
);

import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { expect, inject } from "vitest";
import { fleetProblems, readFleet } from "../../src/config/budgets";
import { ConfigError, type Settings } from "../../src/config/load";
import { secretKeyNames } from "../../src/config/schema";
import { validateConfig } from "../../src/config/validate";
import { projectDir } from "../../src/projectDir";
import { runProgram, startOfflineEngine, type EngineOptions, type RegisteredResource, type Recording } from "../../src/offline/engine";
import { readStackConfig, type StackConfig } from "../../src/offline/stackConfig";

declare module "vitest" {
  interface ProvidedContext {
    /** True in the "program" project (vitest.config.mts), whose files share workers only with each other: a file there may start Pulumi's mock engine. */
    startsPulumi: boolean;
  }
}

/**
 * The one place tests start the program: Pulumi's mock engine, the stack's config with the test's
 * changes on top, then the program imported fresh. Every program-level test goes through here.
 */
export const ROOT = path.resolve(__dirname, "../..");
export const PROJECT = "ain-monitoring";
/**
 * The suite's own project: its stack files stand in for the team's (test/stacks/README.md), and the
 * program reads it instead of the repository (AIN_MONITORING_PROJECT_DIR, set in vitest.config.mts).
 */
export const FIXTURE_PROJECT = path.join(ROOT, "test/stacks");
/** The suite's production stack file, for tests that copy a stack file and change it as a person would. */
export const FIXTURE_STACK_FILE = path.join(FIXTURE_PROJECT, "Pulumi.prod.yaml");

export interface StackChanges {
  stack?: string;
  /** Plain values by key (the project namespace is added when missing); objects become JSON. */
  set?: Record<string, unknown>;
  /** Secret values by key: marked secret, as `pulumi config set --secret` would. */
  secrets?: Record<string, string>;
  unset?: string[];
}

export interface StackRun {
  recording: Recording;
  /** Everything the program registered, without the root Stack the runtime registers first. */
  resources: RegisteredResource[];
  error: Error | undefined;
  stackConfig: StackConfig;
  ofType(type: string): RegisteredResource[];
  one(type: string, name?: string): RegisteredResource;
}

const qualify = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);

/**
 * A stack file as readStackConfig reads it, parsed once per worker rather than once per run (a
 * tenth of a config-error run); read again if Pulumi.yaml or the stack file changes. Callers get
 * copies to change.
 */
const parsedStacks = new Map<string, { stamp: string; stackConfig: StackConfig }>();
const stackFileStamp = (stack: string) => ["Pulumi.yaml", `Pulumi.${stack}.yaml`].map((file) => fs.statSync(path.join(FIXTURE_PROJECT, file), { throwIfNoEntry: false })?.mtimeMs).join(" ");
function readStackOnce(stack: string): StackConfig {
  const stamp = stackFileStamp(stack);
  const cached = parsedStacks.get(stack);
  if (cached?.stamp === stamp) return cached.stackConfig;
  const stackConfig = readStackConfig(FIXTURE_PROJECT, stack);
  parsedStacks.set(stack, { stamp, stackConfig });
  return stackConfig;
}

export function stackConfigWith(changes: StackChanges = {}): StackConfig {
  const base = readStackOnce(changes.stack ?? "prod");
  const config = { ...base.config };
  const secretKeys = new Set(base.secretKeys);
  for (const key of changes.unset ?? []) delete config[qualify(key)];
  for (const [key, value] of Object.entries(changes.set ?? {})) config[qualify(key)] = typeof value === "string" ? value : JSON.stringify(value);
  for (const [key, value] of Object.entries(changes.secrets ?? {})) {
    config[qualify(key)] = value;
    secretKeys.add(qualify(key));
  }
  return { ...base, config, secretKeys: [...secretKeys] };
}

/**
 * index.ts registers its resources when it is evaluated, so every run evaluates it, and every
 * project module it imports, anew, as `npm run plan` loads them: Node's own require, with .ts
 * transpiled by scripts/run-ts.cjs (cached on disk), and the project's modules dropped from
 * require.cache first. The SDKs under node_modules stay loaded. A run therefore reads only its own
 * stack's config, environment and clock, whatever ran before it in the file. (Through vitest's
 * module runner instead, vi.resetModules(), each run fetched every module from vitest's main
 * process again: three times the suite's time.)
 */
const nodeRequire = createRequire(__filename);
function loadProgramAfresh(): unknown {
  nodeRequire(path.join(ROOT, "scripts/run-ts.cjs"));
  for (const file of Object.keys(nodeRequire.cache)) {
    if (file.startsWith(ROOT + path.sep) && file.endsWith(".ts") && !file.includes(`${path.sep}node_modules${path.sep}`)) delete nodeRequire.cache[file];
  }
  return nodeRequire(path.join(ROOT, "index.ts"));
}

/**
 * Runs the program once under Pulumi's mock engine, through its public API (setMocks, setAllConfig,
 * by way of startOfflineEngine), and records what it registered or the error it stopped with.
 * Only files of the "program" project (vitest.config.mts) may start the engine, so that no file of
 * the model's ever shares a process with the runtime's state.
 */
export async function runStack(changes: StackChanges = {}, engine: EngineOptions = {}): Promise<StackRun> {
  if (!inject("startsPulumi")) throw new Error(`${expect.getState().testPath ?? "this file"} starts Pulumi's mock engine but vitest runs it in the "model" project: import runStack, runValidStack or runStackAfresh from test/support/offline.ts in the test file itself, so vitest.config.mts puts it in the "program" project`);
  const stackConfig = stackConfigWith(changes);
  const recording = await startOfflineEngine(stackConfig, engine);
  let error: Error | undefined;
  try {
    await runProgram(async () => loadProgramAfresh());
  } catch (caught) {
    error = caught instanceof Error ? caught : new Error(String(caught));
  }
  const resources = recording.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  // Every valid stack registers its Grafana foundation; a run with neither means index.ts was not evaluated.
  if (!error && resources.length === 0) throw new Error("the program neither registered anything nor failed: index.ts came from require.cache instead of being evaluated");
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  const one = (type: string, name?: string) => {
    const found = ofType(type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    return found[0];
  };
  return { recording, resources, error, stackConfig, ofType, one };
}

/** Every run is afresh now; kept for the tests written when runs were shared. */
export const runStackAfresh = runStack;

/** Runs a stack that must be valid, failing the test with the program's own error if not. */
export async function runValidStack(changes: StackChanges = {}, engine: EngineOptions = {}): Promise<StackRun> {
  const run = await runStack(changes, engine);
  if (run.error) throw run.error;
  return run;
}

/**
 * The validated settings of a stack, as loadSettings (src/config/load.ts) gives them to the program,
 * without starting Pulumi: the same validation and fleet checks over the stack's config with the
 * changes, each secret given a value made a Pulumi secret. Throws the program's ConfigError.
 */
export async function settingsFor(changes: StackChanges = {}): Promise<Settings> {
  const stackConfig = stackConfigWith(changes);
  const { stackFile } = stackConfig;
  const { plain, problems } = validateConfig(stackConfig.config, stackConfig.stack);
  if (!plain) throw new ConfigError(stackFile, problems);
  const secrets = Object.fromEntries(
    // A blank value is unset, as in loadSettings: Pulumi.yaml gives optional secrets the default "".
    secretKeyNames.map((key) => {
      const value = stackConfig.config[qualify(key)] ?? "";
      return [key, value.trim() !== "" ? pulumi.secret(value) : undefined];
    }),
  ) as Settings["secrets"];
  const settings = { ...plain, secrets };
  const shared = fleetProblems(settings, readFleet(projectDir(), settings));
  if (shared.length > 0) throw new ConfigError(stackFile, shared.map(({ key, problem }) => `${PROJECT}:${key}: ${problem}`));
  return settings;
}

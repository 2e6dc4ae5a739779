import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { runProgram, startOfflineEngine, type EngineOptions, type RegisteredResource, type Recording } from "../../src/offline/engine";
import { readStackConfig, type StackConfig } from "../../src/offline/stackConfig";
import type { Settings } from "../../src/config/load";

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
 * Pulumi stamps every promise it makes with `new Error().stack` (runtime/debuggable.js): a few
 * thousand per program run, printed only when PULUMI_DEBUG_PROMISE_LEAKS is set and a promise is
 * still pending at process exit, which a test's run never reaches. Capturing those stacks, and
 * vitest source-mapping each one, was a fifth of a run's CPU. So in tests a stamp captures no frames;
 * it is still made, and the leak bookkeeping around it still runs. Other errors keep their stacks.
 */
interface PulumiDebuggable {
  debuggablePromise<T>(promise: Promise<T>, ctx: unknown): Promise<T>;
  framelessInTests?: true;
}
function framelessPromiseStamps(): void {
  // The SDK's own module object: its callers read `debuggable_1.debuggablePromise` at each call.
  const debuggable = createRequire(__filename)("@pulumi/pulumi/runtime/debuggable") as PulumiDebuggable;
  if (debuggable.framelessInTests) return;
  const stamp = debuggable.debuggablePromise.bind(debuggable);
  debuggable.debuggablePromise = (promise, ctx) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return stamp(promise, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  debuggable.framelessInTests = true;
}

/**
 * The program is deterministic (test/plan/plan-command.test.ts proves its artifacts byte-identical
 * run to run), so a worker runs each distinct stack once: the same stack file, changes, engine
 * options and environment give the same recording. Eight test files read the unchanged prod stack.
 * The key leaves out what a suite run does not change: the other files the program reads
 * (.github/delivery.json, the CA certificate) and, for a test that does not pin AIN_MONITORING_NOW,
 * the clock, which a shared run reads once for both tests. A run handed out twice is frozen, so a
 * test that changed it would fail instead of changing what the next test reads.
 */
const FINISHED_RUNS = Symbol.for("ain-monitoring.finishedRuns");
/** The worker's, like the run number below: a new instance of this file (vi.resetModules()) keeps them. */
const finishedRuns: Map<string, StackRun> = ((globalThis as { [FINISHED_RUNS]?: Map<string, StackRun> })[FINISHED_RUNS] ??= new Map());
/** Set by the vitest worker for each file, or by the engine itself: the program reads none of them. */
const notAnInput = (key: string) => key.startsWith("VITEST") || key === "AIN_OFFLINE_PLAN";

function runKey(changes: StackChanges, engine: EngineOptions): string {
  const stack = changes.stack ?? "prod";
  const env = Object.entries(process.env).filter(([key]) => !notAnInput(key)).sort(([a], [b]) => a.localeCompare(b));
  // An unset value is a change of its own (the key is set to nothing), which JSON would drop.
  return JSON.stringify([stackFileStamp(stack), changes, engine, env], (_key, value: unknown) => (value === undefined ? "(undefined)" : value));
}

export async function runStack(changes: StackChanges = {}, engine: EngineOptions = {}): Promise<StackRun> {
  const key = runKey(changes, engine);
  const finished = finishedRuns.get(key);
  if (finished) return finished;
  const run = await runStackAfresh(changes, engine);
  deepFreeze(run.recording);
  deepFreeze(run.resources);
  deepFreeze(run.stackConfig);
  finishedRuns.set(key, run);
  return run;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/**
 * index.ts registers the resources when it is evaluated, so each run imports it anew, as its own
 * module (`?run=N`). What it imports is evaluated once per worker: the program's modules build
 * constants (zod schemas, dashboards' defaults), and read config, the environment, the clock and
 * files only when called (test/plan/module-state.test.ts holds them to that, and runs a stack after
 * another to compare it with a run on fresh modules). Re-evaluating them on every run was two
 * thirds of a failing-config run's CPU.
 */
const PROGRAM_RUNS = Symbol.for("ain-monitoring.programRuns");
/**
 * The run number is the worker's, not this module's: vi.resetModules() (test/plan/module-state.test.ts)
 * gives later files a new instance of this file, which must not ask for an `index.js?run=N` the
 * module registry still holds: that import would return the evaluated module and register nothing.
 */
function nextProgramRun(): number {
  const worker = globalThis as { [PROGRAM_RUNS]?: number };
  worker[PROGRAM_RUNS] = (worker[PROGRAM_RUNS] ?? 0) + 1;
  return worker[PROGRAM_RUNS];
}

/** Runs the program even when this worker has run the same stack: for the tests of that sharing. */
export async function runStackAfresh(changes: StackChanges = {}, engine: EngineOptions = {}): Promise<StackRun> {
  const stackConfig = stackConfigWith(changes);
  const recording = await startOfflineEngine(stackConfig, engine);
  let error: Error | undefined;
  try {
    framelessPromiseStamps();
    await runProgram(() => import(/* @vite-ignore */ `../../index.js?run=${nextProgramRun()}`));
  } catch (caught) {
    error = caught instanceof Error ? caught : new Error(String(caught));
  }
  const resources = recording.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  // Every valid stack registers its Grafana foundation; a run with neither means index.ts was not evaluated.
  if (!error && resources.length === 0) throw new Error("the program neither registered anything nor failed: index.ts came from the module registry instead of being evaluated");
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  const one = (type: string, name?: string) => {
    const found = ofType(type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
    return found[0];
  };
  return { recording, resources, error, stackConfig, ofType, one };
}

/** Runs a stack that must be valid, failing the test with the program's own error if not. */
export async function runValidStack(changes: StackChanges = {}, engine: EngineOptions = {}): Promise<StackRun> {
  const run = await runStack(changes, engine);
  if (run.error) throw run.error;
  return run;
}

/** The validated settings of a stack, read through the same loader the program uses. */
export async function settingsFor(changes: StackChanges = {}): Promise<Settings> {
  await startOfflineEngine(stackConfigWith(changes));
  const { loadSettings } = await import("../../src/config/load.js");
  return loadSettings();
}

import * as pulumi from "@pulumi/pulumi";
import { readDelivery } from "../github/delivery";
import { projectDir } from "../projectDir";
import { mockCall, mockResource } from "./providerMocks";
import type { StackConfig } from "./stackConfig";

/**
 * Pulumi's mock runtime standing in for the engine, plus a record of what the program registered.
 * The mock engine hands `newResource` its inputs with secrets already unwrapped, so the recorder
 * reads the wire form instead, where a secret still carries Pulumi's secret signature, and keeps
 * both: `inputs` with secrets redacted (for plan.json) and `plainInputs` (for assertions).
 */

export const REDACTED = "[secret]";
/** Set while the program runs under the offline engine; see metricsScrape.ts. */
export const OFFLINE_PLAN_ENV = "AIN_OFFLINE_PLAN";
const SIG_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface RegisteredResource {
  type: string;
  name: string;
  parent: string | undefined;
  parentUrn: string | undefined;
  /** The provider reference, `<provider urn>::<id>`, when one was given explicitly. */
  provider: string | undefined;
  urn: string;
  /** URNs of the resources whose outputs its inputs take: what Pulumi creates before it. */
  dependencies: string[];
  inputs: Record<string, JsonValue>;
  secretPaths: string[];
  /** The `import` resource option: the id of an existing resource Pulumi adopts instead of creating. */
  importId?: string;
  /** The `ignoreChanges` resource option: inputs kept as the resource has them. */
  ignoreChanges?: string[];
}

export interface Recording {
  resources: RegisteredResource[];
  /** Resources the program reads rather than manages (a preview shows them as `>` reads): type, name, the id read. */
  reads: { type: string; name: string; id: string }[];
  /** The data-source calls the program made (invoke tokens), in order. */
  calls: string[];
  stackOutputs: Record<string, JsonValue>;
}

/** The parts of the engine's protobuf messages the recorder reads. */
interface Struct {
  toJavaScript(): unknown;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getObject(): Struct | undefined;
  getImportid(): string;
  getIgnorechangesList(): string[];
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): Struct | undefined;
}
interface ReadRequest {
  getType(): string;
  getName(): string;
  getId(): string;
}

interface PatchableMonitor {
  registerResource(req: RegisterRequest, callback: (err: unknown, res?: { getUrn(): string }) => void): Promise<void>;
  readResource(req: ReadRequest, callback: (err: unknown, res?: unknown) => void): Promise<void>;
  invoke(req: { getTok(): string }, callback: (err: unknown, res?: unknown) => void): Promise<void>;
  registerResourceOutputs(req: OutputsRequest, callback: (err: unknown, res?: unknown) => void): void;
}

/** Replaces every secret in a wire value by REDACTED and reports where it was. */
export function redactSecrets(value: JsonValue, path = "", found: string[] = []): JsonValue {
  if (Array.isArray(value)) return value.map((v, i) => redactSecrets(v, `${path}[${i}]`, found));
  if (value !== null && typeof value === "object") {
    if (value[SIG_KEY] === SECRET_SIG) {
      found.push(path || ".");
      return REDACTED;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, path ? `${path}.${k}` : k, found)]));
  }
  return value;
}

const nameOfUrn = (urn: string) => urn.split("::").pop();

/** Sets the mocks and config; import the program only after this has run. */
export interface EngineOptions {
  /** The outputs a StackReference to this stack reads (its last deploy's); the mocks' by default. */
  lastDeployOutputs?: Record<string, unknown>;
  /** The repository Actions secrets' names getActionsSecrets lists; none by default. */
  repositorySecrets?: string[];
}

export async function startOfflineEngine(stackConfig: StackConfig, options: EngineOptions = {}): Promise<Recording> {
  const recording: Recording = { resources: [], reads: [], calls: [], stackOutputs: {} };
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => mockResource(args.type, args.name, args.inputs, args.provider, options.lastDeployOutputs),
      call: (args) => mockCall(args.token, args.inputs, options.repositorySecrets),
    },
    stackConfig.project,
    stackConfig.stack,
    false,
    // The Pulumi Cloud organization the workflows use, so a stack's reference to itself names the real stack.
    readDelivery(projectDir()).pulumiOrganization,
  );
  pulumi.runtime.setAllConfig(stackConfig.config, stackConfig.secretKeys);
  // The mock engine runs as an update (so applies resolve), but nothing is deployed: credentials a
  // real `pulumi up` must have (the deploy job's environment) may be absent, as in a preview.
  process.env[OFFLINE_PLAN_ENV] = "1";

  const monitor = pulumi.runtime.getMonitor() as unknown as PatchableMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, res) => {
      if (!err && res) {
        const secretPaths: string[] = [];
        const wire = (req.getObject()?.toJavaScript() ?? {}) as Record<string, JsonValue>;
        const inputs = redactSecrets(wire, "", secretPaths) as Record<string, JsonValue>;
        const parentUrn = req.getParent();
        recording.resources.push({
          type: req.getType(),
          name: req.getName(),
          parent: parentUrn ? nameOfUrn(parentUrn) : undefined,
          parentUrn: parentUrn || undefined,
          provider: req.getProvider() || undefined,
          urn: res.getUrn(),
          dependencies: [...req.getDependenciesList()].sort(),
          inputs,
          secretPaths,
          ...(req.getImportid() ? { importId: req.getImportid() } : {}),
          ...(req.getIgnorechangesList().length > 0 ? { ignoreChanges: [...req.getIgnorechangesList()] } : {}),
        });
      }
      callback(err, res);
    });
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, callback) =>
    read(req, (err, res) => {
      if (!err) recording.reads.push({ type: req.getType(), name: req.getName(), id: req.getId() });
      callback(err, res);
    });
  const invoke = monitor.invoke.bind(monitor);
  monitor.invoke = (req, callback) => {
    recording.calls.push(req.getTok());
    return invoke(req, callback);
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    if (req.getUrn().includes("::pulumi:pulumi:Stack::")) {
      recording.stackOutputs = redactSecrets((req.getOutputs()?.toJavaScript() ?? {}) as Record<string, JsonValue>) as Record<string, JsonValue>;
    }
    registerOutputs(req, callback);
  };
  return recording;
}


/**
 * Runs the program inside the root Stack resource, as the language host does, then waits until
 * every registration has reached the mock engine. `load` imports the program; the caller picks how
 * (require under the host's ts-node, or vitest's import).
 */
export async function runProgram(load: () => Promise<unknown>): Promise<void> {
  // The error is kept and thrown after the Stack settles: letting it reject inside the Stack
  // would also reject the Stack's own output promises, which nobody awaits.
  let failure: { error: unknown } | undefined;
  // An error thrown inside an apply (a probe name SM does not list) rejects a promise nobody awaits;
  // Pulumi's language host fails the run with it, and so does this engine, instead of waiting forever.
  let failUnhandled: (error: unknown) => void = () => undefined;
  const unhandled = new Promise<never>((_, reject) => (failUnhandled = reject));
  const onUnhandled = (reason: unknown) => failUnhandled(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    await Promise.race([
      (async () => {
        await pulumi.runtime.runInPulumiStack(async () => {
          try {
            return await load();
          } catch (error) {
            failure = { error };
            return undefined;
          }
        });
        // Every registration reaches the mock engine, then the run lets go of it (public API): whatever
        // the program still had in flight cannot reach the next run's engine through this one.
        await pulumi.runtime.disconnect();
      })(),
      unhandled,
    ]);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
  if (failure) throw failure.error;
}

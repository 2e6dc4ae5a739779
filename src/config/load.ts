import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { SECRET_PLACEHOLDER_PREFIX } from "../offline/placeholder";
import { checkSpecs, monthlyExecutions } from "../synthetics/checks";
import { crossKeyProblems, movedSecretKeys, PROJECT, plainSchema, secretKeys, secretKeyNames, type PlainSettings, type SecretKey, type SecretKeySpec } from "./schema";

/** The validated settings: every plain value resolved, every secret still a Pulumi secret. */
export interface Settings extends Omit<PlainSettings, "functionsBaseUrl" | "postgresHost"> {
  stack: string;
  functionsBaseUrl: string;
  postgresHost: string;
  secrets: Record<SecretKey, pulumi.Output<string> | undefined>;
}

/** Raised before any resource is registered; RunError makes Pulumi print the message without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly stackFile: string,
    readonly problems: string[],
  ) {
    super(
      [
        `Invalid configuration in ${stackFile} (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
        ...problems.map((p) => `  - ${p}`),
        `Fix the keys above in ${stackFile}, or with 'pulumi config set --path <key> <value>'. The README lists every key.`,
      ].join("\n"),
    );
    this.name = "ConfigError";
  }
}

const plainKeys = Object.keys(plainSchema.shape) as (keyof typeof plainSchema.shape)[];
const stringKeys = new Set(
  Object.entries((z.toJSONSchema(plainSchema, { io: "input" }).properties ?? {}) as Record<string, { type?: string }>)
    .filter(([, s]) => s.type === "string")
    .map(([k]) => k),
);

/** The stack file named in messages. The offline plan's --config-file sets AIN_STACK_FILE, as `pulumi --config-file` would point elsewhere. */
export const stackFileOf = (stack: string) => process.env.AIN_STACK_FILE ?? `Pulumi.${stack}.yaml`;

function keyPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  return `${PROJECT}:${String(head)}` + rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
}

function describeReceived(raw: Record<string, unknown>, path: readonly PropertyKey[]): string {
  let value: unknown = raw;
  for (const p of path) {
    if (value === null || typeof value !== "object") return "";
    value = (value as Record<PropertyKey, unknown>)[p];
  }
  if (value === undefined) return " (not set)";
  const shown = JSON.stringify(value);
  return ` (got ${shown.length > 60 ? shown.slice(0, 57) + "..." : shown})`;
}

function nearest(key: string, candidates: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]++;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length];
  };
  const best = candidates.map((c) => [c, distance(key, c)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 3 ? best[0] : undefined;
}

/** Structured values arrive from the engine as JSON text; string keys are taken as they are. */
function parseRaw(key: string, text: string): unknown {
  if (stringKeys.has(key)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Reads the whole `ain-monitoring` namespace once, validates it, and returns the settings, or
 * throws a ConfigError naming every bad key. Call it before creating any resource.
 */
export function loadSettings(): Settings {
  const stack = pulumi.getStack();
  const stackFile = stackFileOf(stack);
  const all = pulumi.runtime.allConfig();
  const problems: string[] = [];
  const known = [...plainKeys, ...secretKeyNames] as string[];

  const raw: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(`${PROJECT}:`)) continue;
    const key = fullKey.slice(PROJECT.length + 1);
    if (key in movedSecretKeys) {
      problems.push(`${fullKey}: no longer read from the stack, whose config every preview can decrypt; ${movedSecretKeys[key]}. Remove it with 'pulumi config rm ${key}'`);
      continue;
    }
    if (!known.includes(key)) {
      const hint = nearest(key, known);
      problems.push(`${fullKey}: unknown key${hint ? `; did you mean ${PROJECT}:${hint}?` : ""}`);
      continue;
    }
    if ((secretKeyNames as string[]).includes(key)) continue;
    raw[key] = parseRaw(key, text);
  }

  const parsed = plainSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) problems.push(`${keyPath([...issue.path, k])}: unknown key`);
      } else {
        // zod says "expected int, received number" for 2.5; say what a person would.
        const message =
          issue.code === "invalid_key"
            ? "unknown key; the README's configuration reference lists the keys it takes"
            : issue.message.replace("expected int, received number", "expected a whole number");
        problems.push(`${keyPath(issue.path)}: ${message}${describeReceived(raw, issue.path)}`);
      }
    }
  }

  if (parsed.success) {
    for (const { key, problem } of crossKeyProblems(parsed.data)) problems.push(`${PROJECT}:${key}: ${problem}`);
  }

  const isSet = (key: string) => (pulumi.runtime.getConfig(`${PROJECT}:${key}`) ?? "").trim() !== "";
  for (const key of secretKeyNames) {
    const spec: SecretKeySpec = secretKeys[key];
    const why = spec.requiredWhen?.(parsed.success ? parsed.data : undefined, isSet);
    if (why && !isSet(key)) {
      problems.push(`${PROJECT}:${key}: required secret is not set (${why}); set it with 'pulumi config set --secret ${key} <value>'`);
    }
    const value = pulumi.runtime.getConfig(`${PROJECT}:${key}`);
    // An encrypted value the offline plan cannot decrypt stands as a placeholder: Pulumi checks the real one.
    const checkable = value !== undefined && value.trim() !== "" && !value.startsWith(SECRET_PLACEHOLDER_PREFIX);
    const wrong = checkable ? spec.problem?.(value) : undefined;
    if (wrong) problems.push(`${PROJECT}:${key}: ${wrong}; the value is a secret and is not shown`);
  }

  if (problems.length > 0 || !parsed.success) throw new ConfigError(stackFile, problems);

  const config = new pulumi.Config(PROJECT);
  const secrets = Object.fromEntries(
    // A blank value is unset: Pulumi.yaml gives optional secrets the default "".
    secretKeyNames.map((key) => [key, isSet(key) ? config.requireSecret(key) : undefined]),
  ) as Settings["secrets"];

  const plain = parsed.data;
  const settings: Settings = {
    ...plain,
    stack,
    functionsBaseUrl: plain.functionsBaseUrl ?? `https://${plain.supabaseProjectRef}.supabase.co/functions/v1`,
    postgresHost: plain.postgresHost ?? `db.${plain.supabaseProjectRef}.supabase.co`,
    secrets,
  };

  // Billing counts executions: checks x probes x runs. Over budget is a config error, not a surprise invoice.
  if (settings.synthetics.enabled) {
    const executions = monthlyExecutions(checkSpecs(settings));
    if (executions > settings.synthetics.monthlyExecutionBudget) {
      throw new ConfigError(stackFile, [
        `${PROJECT}:synthetics.monthlyExecutionBudget: the checks would run ${executions} times a month, over the budget of ${settings.synthetics.monthlyExecutionBudget}; expected fewer probes, longer synthetics.checks.*.frequencySeconds, or a larger budget`,
      ]);
    }
  }
  return settings;
}

import * as fs from "node:fs";
import * as path from "node:path";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkSpecs, monthlyExecutions } from "../synthetics/checks";
import { identityFor, type Identity } from "./identity";
import { crossKeyProblems, PROJECT, plainSchema, secretKeys, secretKeyNames, type PlainSettings, type SecretKey, type SecretKeySpec } from "./schema";

/** The validated settings: every plain value resolved, every secret still a Pulumi secret. */
export interface Settings extends Omit<PlainSettings, "functionsBaseUrl" | "postgresHost"> {
  stack: string;
  /** Uids and names of every Grafana object, scoped by stack (see identity.ts). */
  identity: Identity;
  /** This stack is notificationPolicyOwner: it owns the org's notification policy tree. */
  ownsNotificationPolicy: boolean;
  functionsBaseUrl: string;
  postgresHost: string;
  /** The PEM text of postgresCaCertFile, read and checked; undefined when postgresSslMode opts out. */
  postgresCaCertificate?: string;
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

  let postgresCaCertificate: string | undefined;
  if (parsed.success) {
    for (const { key, problem } of crossKeyProblems(parsed.data)) problems.push(`${PROJECT}:${key}: ${problem}`);
    if (parsed.data.postgresSslMode === "verify-full" && parsed.data.postgresCaCertFile) {
      const read = readCaCertificate(parsed.data.postgresCaCertFile);
      if ("problem" in read) problems.push(`${PROJECT}:postgresCaCertFile: ${read.problem}`);
      else postgresCaCertificate = read.pem;
    }
  }

  const isSet = (key: string) => (pulumi.runtime.getConfig(`${PROJECT}:${key}`) ?? "").trim() !== "";
  for (const key of secretKeyNames) {
    const spec: SecretKeySpec = secretKeys[key];
    const why = spec.requiredWhen?.(parsed.success ? parsed.data : undefined, isSet);
    if (why && !isSet(key)) {
      problems.push(`${PROJECT}:${key}: required secret is not set (${why}); set it with 'pulumi config set --secret ${key} <value>'`);
    }
  }

  if (problems.length > 0 || !parsed.success) throw new ConfigError(stackFile, problems);

  const config = new pulumi.Config(PROJECT);
  const secrets = Object.fromEntries(
    secretKeyNames.map((key) => [key, pulumi.runtime.getConfig(`${PROJECT}:${key}`) === undefined ? undefined : config.requireSecret(key)]),
  ) as Settings["secrets"];

  const plain = parsed.data;
  const settings: Settings = {
    ...plain,
    stack,
    identity: identityFor(stack, plain.unprefixedStack),
    ownsNotificationPolicy: plain.notificationPolicyOwner === stack,
    functionsBaseUrl: plain.functionsBaseUrl ?? `https://${plain.supabaseProjectRef}.supabase.co/functions/v1`,
    postgresHost: plain.postgresHost ?? `db.${plain.supabaseProjectRef}.supabase.co`,
    postgresCaCertificate,
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

/**
 * Reads the CA certificate for verify-full, relative to the project directory (Pulumi runs the
 * program there), and checks it is one: a PEM CA certificate that has not expired. Grafana would
 * otherwise fail only when the data source first connects.
 */
export function readCaCertificate(file: string): { pem: string } | { problem: string } {
  const full = path.resolve(process.cwd(), file);
  let text: string;
  try {
    text = fs.readFileSync(full, "utf8");
  } catch {
    return { problem: `cannot read ${file} (expected the path, relative to the project directory, of Supabase's CA certificate in PEM)` };
  }
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(text)?.[0];
  if (!pem) return { problem: `${file} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)` };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return { problem: `${file} is not a readable X.509 certificate` };
  }
  if (!cert.ca) return { problem: `${file} is not a CA certificate (${cert.subject.replace(/\n/g, ", ")}); expected Supabase's root CA` };
  if (new Date(cert.validTo).getTime() < Date.now()) return { problem: `${file} expired on ${cert.validTo}; download the current one from the Supabase Dashboard` };
  return { pem: pem.endsWith("\n") ? pem : `${pem}\n` };
}

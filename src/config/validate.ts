import { z } from "zod";
import { identityFor } from "./identity";
import type { PlainValidated } from "./settings";
import { readCaCertificate } from "./caCertificate";
import { GO_TEMPLATE_DELIMITERS } from "./logql";
import { SECRET_PLACEHOLDER_PREFIX } from "../offline/placeholder";
import { regionUrls } from "./regions";
import { crossKeyProblems, movedPlainKeys, movedSecretKeys, PROJECT, plainSchema, secretKeys, secretKeyNames, type SecretKeySpec } from "./schema";

/**
 * Validation of the `ain-monitoring` namespace as plain data, without the Pulumi runtime: the
 * program (through load.ts) and `npm run checks` (which must start fast and never loads Pulumi)
 * both read config through here, so both say the same thing about the same mistake.
 *
 * Every message names the full key path and what is expected, and says how to fix it when the fix
 * is mechanical: the nearest known key, the keys a missing object needs, `--type float`.
 */

export type { PlainValidated } from "./settings";

export function configErrorMessage(stackFile: string, problems: string[]): string {
  return [
    `Invalid configuration in ${stackFile} (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
    ...problems.map((p) => `  - ${p}`),
    `Fix the keys above in ${stackFile}, or with 'pulumi config set --path <key> <value>'. docs/configuration.md lists every key.`,
  ].join("\n");
}

/** A config error without the Pulumi runtime; load.ts raises the Pulumi flavour with the same message. */
export class ConfigProblems extends Error {
  constructor(
    readonly stackFile: string,
    readonly problems: string[],
  ) {
    super(configErrorMessage(stackFile, problems));
    this.name = "ConfigError";
  }
}

// ---- reading the zod schema as data --------------------------------------------------------

type AnySchema = z.core.$ZodType;
interface Def {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  keyType?: AnySchema;
  options?: AnySchema[];
  entries?: Record<string, string>;
}
const defOf = (schema: AnySchema) => (schema as unknown as { _zod: { def: Def } })._zod.def;
const WRAPPERS = new Set(["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"]);
const OPTIONAL_WRAPPERS = new Set(["default", "prefault", "optional"]);

/** The schema under its defaults, optionals and pipes: what a value at this place must be. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else return current;
  }
}

/** The schema at a key path, or undefined where the path leaves the schema. */
export function schemaAt(root: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let current: AnySchema | undefined = root;
  for (const p of path) {
    if (!current) return undefined;
    const def = defOf(unwrap(current));
    if (def.type === "object") current = def.shape?.[String(p)];
    else if (def.type === "array") current = def.element;
    else if (def.type === "record") current = def.valueType;
    else return undefined;
  }
  return current;
}

/** The keys an object schema knows, split into those it needs and those it can do without. */
function objectKeys(schema: AnySchema | undefined): { required: string[]; optional: string[] } | undefined {
  if (!schema) return undefined;
  const def = defOf(unwrap(schema));
  if (def.type === "object" && def.shape) {
    const entries = Object.entries(def.shape);
    return {
      required: entries.filter(([, s]) => !OPTIONAL_WRAPPERS.has(defOf(s).type)).map(([k]) => k),
      optional: entries.filter(([, s]) => OPTIONAL_WRAPPERS.has(defOf(s).type)).map(([k]) => k),
    };
  }
  if (def.type === "record" && def.keyType) {
    const keys = defOf(unwrap(def.keyType));
    if (keys.type === "enum" && keys.entries) return { required: [], optional: Object.values(keys.entries) };
  }
  return undefined;
}

const NUMERIC = /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * `pulumi config set --path a.b 0.3` stores the string "0.3": Pulumi keeps only integers and
 * booleans as such. Where the schema expects a number, and only there, a numeric string is taken
 * as the number it spells. A string key, or a union that allows strings, keeps its text.
 */
export function numbersFromText(schema: AnySchema, value: unknown): unknown {
  const def = defOf(unwrap(schema));
  if (def.type === "number") return typeof value === "string" && NUMERIC.test(value) ? Number(value) : value;
  if (value === null || typeof value !== "object") return value;
  if (def.type === "object" && def.shape && !Array.isArray(value)) {
    const shape = def.shape;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape[k] ? numbersFromText(shape[k], v) : v]));
  }
  if (def.type === "array" && def.element && Array.isArray(value)) return value.map((v) => numbersFromText(def.element as AnySchema, v));
  if (def.type === "record" && def.valueType && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbersFromText(def.valueType as AnySchema, v)]));
  }
  return value;
}

/**
 * Where a config string holds Go template delimiters. Every plain string is checked, not only the
 * ones that reach a template today (contact names and emails, the external support line, the stream
 * selector, function names, URLs in descriptions): a string that reaches one tomorrow is then
 * already safe, and no config text of this project has a reason to contain `{{` or `}}`.
 */
function templateSyntax(value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (typeof value === "string") return GO_TEMPLATE_DELIMITERS.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => templateSyntax(v, [...path, i]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [...(GO_TEMPLATE_DELIMITERS.test(k) ? [[...path, k]] : []), ...templateSyntax(v, [...path, k])]);
  return [];
}

// ---- messages --------------------------------------------------------------------------------

function keyPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  return `${PROJECT}:${String(head)}` + rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let value: unknown = raw;
  for (const p of path) {
    if (value === null || typeof value !== "object") return { found: false, value: undefined };
    value = (value as Record<PropertyKey, unknown>)[p];
  }
  return { found: value !== undefined, value };
}

function describeReceived(raw: unknown, path: readonly PropertyKey[]): string {
  const { found, value } = valueAt(raw, path);
  if (!found) return " (not set)";
  const shown = JSON.stringify(value);
  return ` (got ${shown.length > 60 ? shown.slice(0, 57) + "..." : shown})`;
}

export function nearest(key: string, candidates: string[]): string | undefined {
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
  return best && best[1] <= Math.max(3, Math.floor(key.length / 4)) ? best[0] : undefined;
}

const listed = (keys: string[]) => (keys.length <= 1 ? keys.join("") : `${keys.slice(0, -1).join(", ")} and ${keys[keys.length - 1]}`);

function unknownKeyProblem(parentPath: readonly PropertyKey[], key: string): string {
  const siblings = objectKeys(parentPath.length === 0 ? plainSchema : schemaAt(plainSchema, parentPath));
  const known = siblings ? [...siblings.required, ...siblings.optional] : [];
  const hint = nearest(key, known);
  const where = parentPath.length === 0 ? "" : ` under ${keyPath(parentPath)}`;
  return `${keyPath([...parentPath, key])}: unknown key${hint ? `; did you mean ${keyPath([...parentPath, hint])}?` : known.length > 0 ? `; the keys${where} are ${listed(known)}` : ""}`;
}

function issueProblem(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code === "invalid_key" && issue.path.length > 0) return unknownKeyProblem(issue.path.slice(0, -1), String(issue.path[issue.path.length - 1]));
  const at = valueAt(raw, issue.path);
  if (issue.code === "invalid_type" && issue.expected === "object" && !at.found) {
    const keys = objectKeys(schemaAt(plainSchema, issue.path));
    if (keys) {
      const optional = keys.optional.length > 0 ? ` (optional: ${listed(keys.optional)})` : "";
      return `${keyPath(issue.path)}: not set; expected an object with ${listed(keys.required)}${optional}`;
    }
  }
  if (issue.code === "invalid_type" && issue.expected === "number" && typeof at.value === "string") {
    return `${keyPath(issue.path)}: expected a number${describeReceived(raw, issue.path)}; with the CLI, 'pulumi config set --path ${keyPath(issue.path).slice(PROJECT.length + 1)} <number>' (add '--type float' for a decimal)`;
  }
  // zod says "expected int, received number" for 2.5; say what a person would.
  const message = issue.message.replace("expected int, received number", "expected a whole number");
  return `${keyPath(issue.path)}: ${message}${describeReceived(raw, issue.path)}`;
}

// ---- the whole namespace -------------------------------------------------------------------

const plainKeys = Object.keys(plainSchema.shape);

/** Which top-level keys are strings, so that "123" given to them stays text. */
function isStringKey(key: string): boolean {
  const schema = schemaAt(plainSchema, [key]);
  return schema !== undefined && defOf(unwrap(schema)).type === "string";
}

/** Values arrive as the engine hands them: text, with structured values as JSON text. */
function parseRaw(key: string, text: string): unknown {
  if (isStringKey(key)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface Validation {
  plain: PlainValidated | undefined;
  problems: string[];
}

/**
 * Validates every `ain-monitoring:` key of a config map (full key -> text, as
 * `pulumi.runtime.allConfig()` gives it). Returns the settings, or every problem at once.
 */
export function validateConfig(all: Record<string, string>, stack: string): Validation {
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
      // `pulumi config set runbook.a.b 2` without --path makes a flat key named with dots.
      const parent = key.split(".")[0];
      if (key.includes(".") && known.includes(parent)) {
        problems.push(`${fullKey}: a path inside the object key ${PROJECT}:${parent}, written as one flat key; set it nested instead: 'pulumi config rm ${key}', then 'pulumi config set --path ${key} <value>'`);
        continue;
      }
      const hint = nearest(key, known);
      problems.push(`${fullKey}: unknown key${hint ? `; did you mean ${PROJECT}:${hint}?` : ""}`);
      continue;
    }
    if ((secretKeyNames as string[]).includes(key)) continue;
    raw[key] = numbersFromText(plainSchema.shape[key as keyof typeof plainSchema.shape], parseRaw(key, text));
  }
  for (const [path, where] of Object.entries(movedPlainKeys)) {
    const [parent, child] = path.split(".");
    const value = raw[parent];
    if (value !== null && typeof value === "object" && !Array.isArray(value) && child in value) {
      problems.push(`${PROJECT}:${path}: no longer read; ${where}. Remove it with 'pulumi config rm --path ${path}'`);
      const { [child]: _moved, ...rest } = value as Record<string, unknown>;
      raw[parent] = rest;
    }
  }

  const parsed = plainSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") for (const k of issue.keys) problems.push(unknownKeyProblem(issue.path, k));
      else problems.push(issueProblem(issue, raw));
    }
  }
  // On the values as given, so the message comes with any other problem of the same stack file.
  for (const at of templateSyntax(raw)) {
    problems.push(
      `${keyPath(at)}: contains '{{' or '}}': Grafana renders alert descriptions, notification messages and PagerDuty details as Go templates, and config text reaches them verbatim, so it would be executed (or break every notification that carries it); expected plain text without '{{' or '}}'`,
    );
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

  const isSet = (key: string) => (all[`${PROJECT}:${key}`] ?? "").trim() !== "";
  for (const key of secretKeyNames) {
    const spec: SecretKeySpec = secretKeys[key];
    const why = spec.requiredWhen?.(parsed.success ? parsed.data : undefined, isSet);
    if (why && !isSet(key)) problems.push(`${PROJECT}:${key}: required secret is not set (${why}); set it with 'pulumi config set --secret ${key} <value>'`);
    const value = all[`${PROJECT}:${key}`];
    // An encrypted value the offline plan cannot decrypt stands as a placeholder: Pulumi checks the real one.
    const checkable = value !== undefined && value.trim() !== "" && !value.startsWith(SECRET_PLACEHOLDER_PREFIX);
    const wrong = checkable ? spec.problem?.(value) : undefined;
    if (wrong) problems.push(`${PROJECT}:${key}: ${wrong}; the value is a secret and is not shown`);
  }
  if (problems.length > 0 || !parsed.success) return { plain: undefined, problems };

  const p = parsed.data;
  const identity = identityFor(stack, p.unprefixedStack);
  const region = p.grafanaCloud.region ? regionUrls(p.grafanaCloud.region) : undefined;
  const postgresHost = p.postgresHost ?? `db.${p.supabaseProjectRef}.supabase.co`;
  const plain: PlainValidated = {
    ...p,
    stack,
    identity,
    folderUid: p.folderUid ?? identity.uid("monitoring"),
    ownsNotificationPolicy: p.notificationPolicyOwner === stack,
    postgresCaCertificate,
    smUrl: p.smUrl ?? region?.smUrl,
    metricsScrape: { ...p.metricsScrape, connectionsApiUrl: p.metricsScrape.connectionsApiUrl ?? region?.connectionsApiUrl },
    functionsBaseUrl: p.functionsBaseUrl ?? `https://${p.supabaseProjectRef}.supabase.co/functions/v1`,
    postgresHost,
    // Supavisor finds the project by the user name's suffix; a direct connection takes the plain role.
    postgresUser: p.postgresUser ?? (/\.pooler\.supabase\.com$/.test(postgresHost) ? `grafana_readonly.${p.supabaseProjectRef}` : "grafana_readonly"),
    alertGuideUrl: p.alertGuideUrl ?? (p.github.owner ? `https://github.com/${p.github.owner}/${p.github.repository}/blob/main/docs/alerts.md` : undefined),
  };
  return { plain, problems };
}

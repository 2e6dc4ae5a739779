import * as fs from "node:fs";
import * as path from "node:path";
import { LineCounter, parseDocument } from "yaml";

/**
 * Reads config the way the Pulumi CLI hands it to a program: the project's declared defaults
 * from Pulumi.yaml, then Pulumi.<stack>.yaml on top, every value as text (objects as JSON).
 * A `secure:` value cannot be decrypted offline, so it becomes a placeholder that is still
 * marked secret; a key that Pulumi.yaml declares `secret: true` is a secret even when a stack
 * gives it in plain text.
 */
export interface StackConfig {
  project: string;
  stack: string;
  stackFile: string;
  config: Record<string, string>;
  secretKeys: string[];
}

interface ProjectConfigDeclaration {
  type?: string;
  default?: unknown;
  secret?: boolean;
}

import { SECRET_PLACEHOLDER_PREFIX } from "./placeholder";
export { SECRET_PLACEHOLDER_PREFIX };

const asText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** A stack that cannot be read: the message says which file, where, and what to do. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** The stacks this project has: every Pulumi.<stack>.yaml beside Pulumi.yaml. */
export function existingStacks(projectDir: string): string[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Parses YAML, or says which file and where it is broken, as `file:line:column: problem`. */
export function parseYamlFile(file: string, shownAs: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(fs.readFileSync(file, "utf8"), { prettyErrors: false, uniqueKeys: true, lineCounter });
  const first = doc.errors[0];
  if (first) {
    const at = lineCounter.linePos(first.pos[0]);
    const where = `${shownAs}:${at.line}:${at.col}`;
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more YAML error${doc.errors.length > 2 ? "s" : ""})` : "";
    throw new StackFileError(`${where}: ${first.message.replace(/ at line \d+, column \d+.*$/s, "")}${more}; fix the YAML at line ${at.line}, column ${at.col} of ${shownAs}`);
  }
  return doc.toJS();
}

export function readStackConfig(projectDir: string, stack: string, configFile?: string): StackConfig {
  const projectFile = path.join(projectDir, "Pulumi.yaml");
  const stackPath = configFile ? path.resolve(configFile) : path.join(projectDir, `Pulumi.${stack}.yaml`);
  const relative = path.relative(projectDir, stackPath);
  const stackFile = !configFile ? `Pulumi.${stack}.yaml` : relative.startsWith("..") ? stackPath : relative;
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new StackFileError(`stack name '${stack}' is not valid: expected letters, digits, '-', '_' or '.'`);
  if (!fs.existsSync(stackPath)) {
    const stacks = existingStacks(projectDir);
    throw new StackFileError(
      [
        `no stack file ${stackFile}: the stack '${stack}' does not exist here.`,
        `  Stacks with a file: ${stacks.length > 0 ? stacks.join(", ") : "none"} (run one with --stack ${stacks[0] ?? "NAME"}).`,
        `  To make '${stack}': 'pulumi stack init ${stack}', then copy a stack file and edit it:`,
        `    cp Pulumi.${stacks.includes("prod") ? "prod" : (stacks[0] ?? "prod")}.yaml Pulumi.${stack}.yaml`,
        `  and set its secrets again with 'pulumi config set --secret --stack ${stack} <key> <value>' (encrypted values do not carry over between stacks).`,
      ].join("\n"),
    );
  }

  const project = parseYamlFile(projectFile, "Pulumi.yaml") as { name: string; config?: Record<string, ProjectConfigDeclaration> };
  const stackDoc = (parseYamlFile(stackPath, stackFile) ?? {}) as { config?: Record<string, unknown> };
  if (typeof stackDoc !== "object" || Array.isArray(stackDoc) || (stackDoc.config !== undefined && (typeof stackDoc.config !== "object" || stackDoc.config === null || Array.isArray(stackDoc.config)))) {
    throw new StackFileError(`${stackFile}: expected a 'config:' map of keys such as ain-monitoring:grafanaUrl`);
  }

  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);

  for (const [key, decl] of Object.entries(project.config ?? {})) {
    const fullKey = qualify(key);
    if (decl.secret) secretKeys.add(fullKey);
    if (decl.default !== undefined) config[fullKey] = asText(decl.default);
  }
  for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
    const fullKey = qualify(key);
    if (isSecure(value)) {
      config[fullKey] = `${SECRET_PLACEHOLDER_PREFIX}${fullKey}`;
      secretKeys.add(fullKey);
    } else {
      config[fullKey] = asText(value);
    }
  }
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b)));
  return { project: project.name, stack, stackFile, config: sorted, secretKeys: [...secretKeys].sort() };
}

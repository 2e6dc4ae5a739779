import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

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

export function readStackConfig(projectDir: string, stack: string, configFile?: string): StackConfig {
  const projectFile = path.join(projectDir, "Pulumi.yaml");
  const stackPath = configFile ? path.resolve(configFile) : path.join(projectDir, `Pulumi.${stack}.yaml`);
  const stackFile = configFile ? path.relative(projectDir, stackPath) : `Pulumi.${stack}.yaml`;
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new Error(`stack name '${stack}' is not valid: expected letters, digits, '-', '_' or '.'`);
  if (!fs.existsSync(stackPath)) throw new Error(`no stack file ${stackFile}: expected Pulumi.<stack>.yaml beside Pulumi.yaml`);

  const project = parse(fs.readFileSync(projectFile, "utf8")) as { name: string; config?: Record<string, ProjectConfigDeclaration> };
  const stackDoc = (parse(fs.readFileSync(stackPath, "utf8")) ?? {}) as { config?: Record<string, unknown> };

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

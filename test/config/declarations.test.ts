import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { REFERENCE_FILE, withReference } from "../../src/config/reference";
import { plainSchema, secretKeys, secretKeyNames, type SecretKeySpec } from "../../src/config/schema";
import { ROOT } from "../support/offline";
import { stale } from "../support/regenerate";

interface Declaration {
  type: string;
  description?: string;
  default?: unknown;
  secret?: boolean;
}
interface JsonProperty {
  type?: string;
  description?: string;
  default?: unknown;
}

const pulumiYaml = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, Declaration> };
const properties = (z.toJSONSchema(plainSchema, { io: "input" }).properties ?? {}) as Record<string, JsonProperty>;
const pulumiType = (p: JsonProperty) => p.type;

const shape = plainSchema.shape as Record<string, z.ZodType>;
/** Optional keys without a default cannot be declared: Pulumi would then demand them. */
const declarable = (key: string) => properties[key].default !== undefined || !shape[key].safeParse(undefined).success;

describe("Pulumi.yaml declares the scalar keys exactly as the schema does", () => {
  const scalarKeys = Object.keys(properties).filter((k) => ["string", "integer", "boolean"].includes(properties[k].type ?? ""));

  it.each(scalarKeys.filter(declarable))("%s", (key) => {
    const declared = pulumiYaml.config[key];
    expect(declared, `Pulumi.yaml has no declaration for ${key}`).toBeDefined();
    expect(declared.type).toBe(pulumiType(properties[key]));
    expect(declared.default).toEqual(properties[key].default);
    expect(declared.description).toBe(properties[key].description);
  });

  it("leaves optional keys without a default undeclared, and declares no key the schema does not know", () => {
    for (const key of scalarKeys.filter((k) => !declarable(k))) expect(pulumiYaml.config[key], key).toBeUndefined();
    const known = new Set([...scalarKeys, ...secretKeyNames]);
    for (const key of Object.keys(pulumiYaml.config)) expect(known.has(key), `${key} is unknown or an object`).toBe(true);
  });

  it("declares every secret key secret, so a value typed in plain text is still encrypted and masked", () => {
    for (const key of secretKeyNames) {
      expect(pulumiYaml.config[key], key).toMatchObject({ type: "string", secret: true, description: secretKeys[key].description });
      // Optional ones default to blank (unset): Pulumi demands a declared key that has no default.
      const required = (secretKeys[key] as SecretKeySpec).requiredWhen?.(undefined, () => false);
      expect(pulumiYaml.config[key].default, key).toBe(required ? undefined : "");
    }
  });

  it("declares the always-required secrets as secret, with the schema's description", () => {
    for (const key of secretKeyNames) {
      const spec: SecretKeySpec = secretKeys[key];
      if (!spec.requiredWhen?.(undefined, () => false)) continue;
      expect(pulumiYaml.config[key], key).toMatchObject({ type: "string", secret: true, description: spec.description });
    }
  });
});

describe("the configuration reference (docs/configuration.md)", () => {
  const reference = () => fs.readFileSync(path.join(ROOT, REFERENCE_FILE), "utf8");

  it("is the one the schema generates (run `npm run regenerate` after changing the schema)", () => {
    const doc = reference();
    expect(withReference(doc) === doc, stale(REFERENCE_FILE)).toBe(true);
  });

  it("lists every key with its default", () => {
    const doc = reference();
    for (const key of [...Object.keys(properties), ...secretKeyNames]) expect(doc).toContain(`\`ain-monitoring:${key}`);
    expect(doc).toMatch(/`ain-monitoring:runbook\.latencyBudgets\.pdfGenerationSeconds` \| number \(> 0, ≤ 3600\) \| `10`/);
  });

  it("prints literal unions as their values, not as `number | number`", () => {
    const doc = reference();
    expect(doc).not.toMatch(/number \\\| number|string \\\| string/);
    expect(doc).toMatch(/`ain-monitoring:metricsScrape\.intervalSeconds` \| 30 \\\| 60 \\\| 120 \|/);
    expect(doc).toMatch(/`ain-monitoring:grafanaCloud\.plan` \| "free" \\\| "pro" \|/);
  });

  it("explains the flat path it prints as a path inside one object key, with the YAML and the CLI form", () => {
    const doc = reference();
    expect(doc).toContain("inside the object key `ain-monitoring:runbook`");
    expect(doc).toMatch(/```yaml\nconfig:\n  ain-monitoring:runbook:\n    latencyBudgets:\n      vinDecodeSeconds: \d+\n```/);
    expect(doc).toMatch(/pulumi config set --path 'runbook\.latencyBudgets\.vinDecodeSeconds' \d+/);
  });
});

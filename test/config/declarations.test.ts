import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { withReference } from "../../src/config/reference";
import { plainSchema, secretKeys, secretKeyNames, type SecretKeySpec } from "../../src/config/schema";
import { ROOT } from "../support/offline";

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

describe("the README's configuration reference", () => {
  it("is the one the schema generates (run `npm run docs` after changing the schema)", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(withReference(readme)).toBe(readme);
  });

  it("lists every key with its default", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const key of [...Object.keys(properties), ...secretKeyNames]) expect(readme).toContain(`\`ain-monitoring:${key}`);
    expect(readme).toMatch(/`ain-monitoring:runbook\.latencyBudgets\.pdfGenerationSeconds` \| number \| `10`/);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../../src/config/load";
import { externalKeyNames, movedSecretKeys } from "../../src/config/schema";
import { validateConfig } from "../../src/config/validate";
import { APP_REPOSITORY_SECRETS, credentials, type Credential } from "../../src/github/credentials";
import { readDelivery } from "../../src/github/delivery";
import { rotationAdvice, rotationHome } from "../../src/rotation/advice";
import { FIXTURE_PROJECT, settingsFor, stackConfigWith } from "../support/offline";

/**
 * The plan's advice for a key that is due must send the new value where the credentials model
 * says it lives: a GitHub environment secret set from a prompt. `pulumi config set --secret` would
 * put a provider token in stack config (which the next plan refuses, and every preview decrypts)
 * and the value in shell history.
 */
let settings: Settings;
let list: Credential[];
beforeAll(async () => {
  settings = await settingsFor();
  list = credentials(settings, readDelivery(FIXTURE_PROJECT));
});

describe("the rotation advice", () => {
  it("points each key at the environment secret the credentials model holds it in, in this repository", () => {
    for (const c of list.filter((c) => c.rotationKey && c.home.kind === "environment-secret")) {
      const home = c.home as Extract<Credential["home"], { kind: "environment-secret" }>;
      expect(rotationHome(settings, list, c.rotationKey!), c.id).toBe(`gh secret set ${home.secretName} --env ${home.environment} --repo ${settings.github.owner}/${settings.github.repository}`);
    }
    // The Admin token, the SM token and the delivery token are in the model; none is left to a guess.
    expect(list.filter((c) => c.rotationKey).map((c) => c.rotationKey).sort()).toEqual(["githubToken", "grafanaAuth", "pulumiAccessToken", "smAccessToken"]);
  });

  it("sends the app's keys to the app repository's production environment", () => {
    for (const [key, name] of Object.entries(APP_REPOSITORY_SECRETS)) {
      expect(rotationHome(settings, list, key as keyof typeof APP_REPOSITORY_SECRETS)).toBe(`gh secret set ${name} --env production --repo ${settings.github.owner}/${settings.github.appRepository}`);
    }
  });

  it("has nothing to set for the Pulumi token, which OIDC mints per job", () => {
    expect(rotationHome(settings, list, "pulumiAccessToken")).toMatch(/^nothing to set: .*OIDC/);
  });

  it("never puts a value on a command line or into stack config, so following it keeps the next plan valid", async () => {
    const lines = rotationAdvice(settings, list, [...externalKeyNames], "2026-11-25");
    expect(lines.length).toBe(1 + 2 * externalKeyNames.length);
    const text = lines.join("\n");
    expect(text).not.toContain("--secret");
    expect(text).not.toMatch(/--body|-b\s/);
    // The only config it sets is the date; a stack holding every dated key still validates.
    for (const line of lines.filter((l) => l.trim().startsWith("pulumi config"))) expect(line.trim()).toMatch(/^pulumi config (set --path rotation\.lastRotated\.\w+ 2026-11-25|rm --path rotation\.lastRotated\.\w+)$/);
    for (const key of externalKeyNames) expect(text).not.toContain(`pulumi config set ${key}`);
    const dated = stackConfigWith({ set: { rotation: { lastRotated: Object.fromEntries(externalKeyNames.map((k) => [k, "2026-11-25"])) } } });
    expect(validateConfig(dated.config, "prod").problems).toEqual([]);
    // What the old advice led to: the key as stack config, which the program refuses by name.
    const old = stackConfigWith({ secrets: { grafanaAuth: "glsa_new" } });
    expect(validateConfig(old.config, "prod").problems.join("\n")).toContain(`ain-monitoring:grafanaAuth: no longer read from the stack`);
    expect(Object.keys(movedSecretKeys)).toContain("grafanaAuth");
  });

  it("is empty when nothing is due", () => {
    expect(rotationAdvice(settings, list, [], "2026-11-25")).toEqual([]);
  });
});

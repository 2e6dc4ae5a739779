import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { startOfflineEngine } from "../../src/offline/engine";
import { FIXTURE_STACK_FILE, runValidStack, stackConfigWith } from "../support/offline";
import { readTree, runPlan, tempDir, type Finished } from "../support/processes";

const sentinel = (key: string) => `SENTINEL-${key}-7f3a9c`;
const secretValues = { functionsAuthToken: sentinel("functionsAuthToken"), postgresPassword: sentinel("postgresPassword") };

describe("secret config", () => {
  it("reaches the program as Pulumi secrets (pulumi.isSecret), given as secure or in plain text", async () => {
    // A plaintext value for a key Pulumi.yaml declares secret must still be a secret.
    const stackConfig = stackConfigWith({ set: { functionsAuthToken: "typed-in-plain-text" } });
    await startOfflineEngine(stackConfig);
    const { loadSettings } = await import("../../src/config/load.js");
    const settings = loadSettings();
    const present = Object.entries(settings.secrets).filter(([, v]) => v !== undefined);
    // Every key the prod stack file holds encrypted, and nothing else.
    const secure = stackConfig.secretKeys.filter((k) => stackConfig.config[k]?.trim()).map((k) => k.replace("ain-monitoring:", "")).sort();
    expect(present.map(([k]) => k).sort()).toEqual(secure);
    expect(secure.length).toBeGreaterThanOrEqual(2);
    for (const [key, value] of present) expect(await pulumi.isSecret(value as pulumi.Output<string>), key).toBe(true);
  });

  it("stays a secret on the wire into every resource that takes it", async () => {
    const run = await runValidStack({ secrets: secretValues });
    const everything = JSON.stringify(run.recording);
    for (const value of Object.values(secretValues)) expect(everything).not.toContain(value);
    // The provider takes no credential from the stack: GRAFANA_AUTH and GRAFANA_SM_ACCESS_TOKEN come from the job.
    expect(run.one("pulumi:providers:grafana").secretPaths).toEqual([]);
    expect(run.one("grafana:oss/dataSource:DataSource", "supabase-postgres").secretPaths).toEqual(["secureJsonDataEncoded"]);
  });

  describe("in a plan of a stack file that holds every secret in plain text, with webhook paging on", () => {
    // One child process serves both policies below. Plain text in the stack file is the worst case:
    // the program must still treat every one as secret. Webhook paging adds the paging URL and the
    // generated signing secrets to what must stay secret, and takes nothing away.
    let plan: Finished;
    let out: string;
    beforeAll(() => {
      const dir = tempDir("sentinel");
      const stackFile = path.join(dir, "Pulumi.prod.yaml");
      const prod = fs.readFileSync(FIXTURE_STACK_FILE, "utf8");
      const withSentinels = prod.replace(/(ain-monitoring:(\w+)):\n\s+secure: .*/g, (_m, key: string, name: string) => `${key}: ${sentinel(name)}`);
      expect(withSentinels).not.toContain("secure:");
      expect(withSentinels).toContain(sentinel("functionsAuthToken"));
      fs.writeFileSync(stackFile, `${withSentinels}  ain-monitoring:paging:\n    webhook: true\n  ain-monitoring:pagingWebhookUrl: https://pager.example/hook/${sentinel("pagingWebhookUrl")}\n`);
      out = path.join(dir, "out");
      plan = runPlan(["--stack", "prod", "--config-file", stackFile, "--out", out], { AIN_MONITORING_NOW: "2026-11-25T12:00:00Z" });
    });

    it("never appear in out/, on stdout or in the stack outputs", () => {
      expect(plan.status, plan.stderr).toBe(0);
      const written = [...readTree(out).values()].map((b) => b.toString("utf8")).join("\n");
      expect(plan.stdout + plan.stderr + written).not.toContain("SENTINEL-");
      expect(written).toContain("[secret]");
    });

    it("plan.json redacts every generated secret: signing secrets, the Viewer token, wherever they flow", () => {
      expect(plan.status, plan.stderr).toBe(0);
      const doc = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as { resources: { type: string; name: string; inputs: Record<string, unknown> }[] };
      // The offline engine's generated values all start so; none may survive into the plan.
      expect(JSON.stringify(doc)).not.toContain("offline-generated-");
      const ghSecrets = doc.resources.filter((r) => r.type === "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
      expect(ghSecrets.map((r) => r.inputs.secretName).sort()).toEqual(
        expect.arrayContaining(["GRAFANA_VIEWER_TOKEN", "PAGING_WEBHOOK_SIGNING_SECRET", "PAGING_WEBHOOK_SIGNING_SECRET_NEXT", "PAGING_WEBHOOK_SIGNING_SECRET_PREVIOUS"]),
      );
      for (const r of ghSecrets) expect(r.inputs.value, String(r.inputs.secretName)).toBe("[secret]");
      const page = doc.resources.find((r) => r.name === "ain-p0-on-call");
      expect((page?.inputs.webhooks as { hmacConfig: { secret: string } }[])[0].hmacConfig.secret).toBe("[secret]");
    });

    it("delivery/state-secrets.json names every place a secret lands in the state, as a preview's Stack Read would decrypt it", () => {
      expect(plan.status, plan.stderr).toBe(0);
      const listed = JSON.parse(fs.readFileSync(path.join(out, "delivery/state-secrets.json"), "utf8")) as { type: string; name: string; path: string }[];
      const doc = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as { resources: { type: string; name: string; inputs: Record<string, unknown> }[]; stackOutputs: Record<string, unknown> };
      // Every "[secret]" in plan.json is one listed place, and the other way round.
      const places = (value: unknown, at: string): string[] =>
        value === "[secret]" ? [at] : Array.isArray(value) ? value.flatMap((v, i) => places(v, `${at}[${i}]`)) : value && typeof value === "object" ? Object.entries(value).flatMap(([k, v]) => places(v, at ? `${at}.${k}` : k)) : [];
      const redacted = [...doc.resources.flatMap((r) => places(r.inputs, "").map((p) => `${r.type} ${r.name} ${p}`)), ...places(doc.stackOutputs, "").map((p) => `pulumi:pulumi:Stack (stack output) ${p}`)];
      expect(listed.map((l) => `${l.type} ${l.name} ${l.path}`).sort()).toEqual(redacted.sort());
      expect(listed.map((l) => l.path)).toEqual(expect.arrayContaining(["webhooks[0].url", "webhooks[0].hmacConfig.secret", "secureJsonDataEncoded", "authenticationBasicPassword", "pagingWebhookSigningSecret"]));
    });
  });
});

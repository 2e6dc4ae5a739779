import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { environmentSpecs } from "../../src/github/environments";
import { externalKeyStatus, rotationPeriod } from "../../src/rotation/periods";
import { runValidStack, settingsFor, type StackRun } from "../support/offline";
import { runPlan, tempDir } from "../support/processes";

describe("the GitHub delivery of the prod stack", () => {
  let prod: StackRun;
  beforeAll(async () => {
    prod = await runValidStack();
  });

  it("has a production environment on main only, with required reviewers and no self-review", () => {
    const env = prod.one("github:index/repositoryEnvironment:RepositoryEnvironment", "ain-monitoring-production").inputs;
    expect(env).toMatchObject({
      repository: "ain-monitoring",
      environment: "production",
      preventSelfReview: true,
      canAdminsBypass: false,
      waitTimer: 0,
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
    const reviewers = (env.reviewers as { teams: number[]; users: number[] }[])[0];
    expect(reviewers.teams).toHaveLength(1);
    expect(Number.isInteger(reviewers.teams[0])).toBe(true);
    const policy = prod.one("github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy", "ain-monitoring-production-main");
    expect(policy.inputs).toMatchObject({ repository: "ain-monitoring", environment: "production", branchPattern: "main" });
  });

  it("gives previews their own environment without reviewers", () => {
    const env = prod.one("github:index/repositoryEnvironment:RepositoryEnvironment", "ain-monitoring-preview").inputs;
    expect(env.reviewers).toBeUndefined();
    expect(env.deploymentBranchPolicy).toBeUndefined();
  });

  it("puts each secret in as a Pulumi secret through `value`, never the deprecated plaintextValue", () => {
    const secrets = prod.ofType("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
    expect(secrets.length).toBeGreaterThanOrEqual(10);
    for (const s of secrets) {
      expect(s.secretPaths, s.name).toEqual(["value"]);
      expect(s.inputs.value).toBe("[secret]");
      expect(s.inputs.plaintextValue).toBeUndefined();
    }
    const names = (repo: string, env: string) => secrets.filter((s) => s.inputs.repository === repo && s.inputs.environment === env).map((s) => s.inputs.secretName).sort();
    expect(names("ain-monitoring", "production")).toEqual(["FUNCTIONS_AUTH_TOKEN", "GRAFANA_AUTH", "GRAFANA_SM_ACCESS_TOKEN", "PAGING_WEBHOOK_SIGNING_SECRET", "PULUMI_ACCESS_TOKEN"]);
    expect(names("ain-mvp", "production")).toEqual(["RESEND_API_KEY", "SUPABASE_ACCESS_TOKEN"]);
  });

  it("sets the values that are not secret as variables, in plain text", () => {
    const variables = prod.ofType("github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable").filter((v) => v.inputs.environment === "production" && v.inputs.repository === "ain-monitoring");
    expect(Object.fromEntries(variables.map((v) => [v.inputs.variableName, v.inputs.value]))).toEqual({
      GRAFANA_URL: "https://ain.grafana.net",
      GRAFANA_SM_URL: "https://synthetic-monitoring-api.grafana.net",
      SUPABASE_PROJECT_REF: "xltxqqzattxogxtqrggt",
    });
    for (const v of variables) expect(v.secretPaths).toEqual([]);
  });

  it("uses an explicit GitHub provider with the token as a secret", () => {
    const provider = prod.one("pulumi:providers:github");
    expect(provider.inputs.owner).toBe("ain-mvp");
    expect(provider.secretPaths).toEqual(["token"]);
    for (const r of prod.resources.filter((x) => x.type.startsWith("github:"))) expect(r.provider?.startsWith(`${provider.urn}::`), r.name).toBe(true);
  });

  it("says for every secret who or what reads it", async () => {
    const settings = await settingsFor();
    for (const env of environmentSpecs(settings)) for (const s of env.secrets) expect(s.readBy.length, s.name).toBeGreaterThan(10);
  });

  it("registers no GitHub resource when github.enabled is false", async () => {
    const run = await runValidStack({ set: { github: { enabled: false } } });
    expect(run.resources.filter((r) => r.type.startsWith("github:") || r.type === "pulumi:providers:github")).toEqual([]);
  });
});

describe("rotation", () => {
  afterEach(() => {
    delete process.env.AIN_MONITORING_NOW;
  });

  it.each([
    ["month", "2026-11-30T23:59:59Z", "2026-11", "2026-12-01T00:00:00Z", "2026-12"],
    ["month", "2026-12-31T23:59:59Z", "2026-12", "2027-01-01T00:00:00Z", "2027-01"],
    ["week", "2026-11-29T23:59:59Z", "2026-W48", "2026-11-30T00:00:00Z", "2026-W49"],
    ["week", "2026-12-31T12:00:00Z", "2026-W53", "2027-01-04T00:00:00Z", "2027-W01"],
    ["quarter", "2026-09-30T23:59:59Z", "2026-Q3", "2026-10-01T00:00:00Z", "2026-Q4"],
  ] as const)("every %s: the period changes exactly at the boundary (%s is %s, %s is %s)", (every, before, beforeKey, after, afterKey) => {
    expect(rotationPeriod(new Date(before), every)).toBe(beforeKey);
    expect(rotationPeriod(new Date(after), every)).toBe(afterKey);
  });

  const keepersAt = async (iso: string, rotateNow = "") => {
    process.env.AIN_MONITORING_NOW = iso;
    const run = await runValidStack({ set: { rotation: { rotateNow } } });
    return run.one("random:index/randomPassword:RandomPassword", "paging-webhook-signing-secret").inputs.keepers;
  };

  it("the webhook signing secret's keepers change at the period boundary and not within it", async () => {
    const early = await keepersAt("2026-11-01T00:00:00Z");
    const late = await keepersAt("2026-11-30T23:59:59Z");
    const next = await keepersAt("2026-12-01T00:00:00Z");
    expect(early).toEqual(late);
    expect(next).not.toEqual(late);
    expect(next).toEqual({ period: "2026-12", rotateNow: "" });
  });

  it("'rotate now' changes the keepers at once, for the breach response", async () => {
    const usual = await keepersAt("2026-11-25T12:00:00Z");
    const breach = await keepersAt("2026-11-25T12:00:00Z", "2026-11-25 breach");
    expect(breach).toEqual({ period: "2026-11", rotateNow: "2026-11-25 breach" });
    expect(breach).not.toEqual(usual);
  });

  it("keeps the generated secret a secret in the stack outputs", async () => {
    const run = await runValidStack();
    expect(run.recording.stackOutputs.pagingWebhookSigningSecret).toBe("[secret]");
    expect(JSON.stringify(run.recording)).not.toContain("offline-generated-");
  });

  it("finds external keys due once their period has passed", async () => {
    const settings = await settingsFor();
    const status = externalKeyStatus({ ...settings.rotation, lastRotated: { grafanaAuth: "2026-11-01", resendApiKey: "2026-10-26" } }, new Date("2026-11-25T00:00:00Z"));
    expect(status).toEqual([
      { key: "grafanaAuth", lastRotated: "2026-11-01", ageDays: 24, due: false },
      { key: "resendApiKey", lastRotated: "2026-10-26", ageDays: 30, due: true },
    ]);
  });

  it("the plan lists each external key with its last rotation, and warns when one is due", () => {
    const plan = runPlan(["--out", path.join(tempDir("plan-rotation"), "out")], { AIN_MONITORING_NOW: "2026-11-25T12:00:00Z" });
    expect(plan.stdout).toContain("Generated secrets rotate every month: this period is 2026-11.");
    expect(plan.stdout).toMatch(/^ {9}grafanaAuth\s+last rotated 2026-11-01 \(24 days ago\)$/m);
    expect(plan.stdout).toMatch(/^warning: resendApiKey\s+last rotated 2026-09-01 \(85 days ago\): due/m);
  });
});

import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { environmentSpecs } from "../../src/github/environments";
import { externalKeyStatus, rotationPeriod, signingSlots } from "../../src/rotation/periods";
import { credentials, programSecrets } from "../../src/github/credentials";
import { readDelivery } from "../../src/github/delivery";
import type { Settings } from "../../src/config/load";
import { FIXTURE_PROJECT, runValidStack, settingsFor, type StackRun } from "../support/offline";

describe("the GitHub delivery of the prod stack", () => {
  let prod: StackRun;
  let gh: Settings["github"];
  beforeAll(async () => {
    prod = await runValidStack();
    gh = (await settingsFor()).github;
  });

  it("has a production environment on main only, with required reviewers and no self-review", () => {
    const env = prod.one("github:index/repositoryEnvironment:RepositoryEnvironment", `${gh.repository}-production`).inputs;
    expect(env).toMatchObject({
      repository: gh.repository,
      environment: "production",
      preventSelfReview: true,
      canAdminsBypass: false,
      waitTimer: 0,
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
    const reviewers = (env.reviewers as { teams: number[]; users: number[] }[])[0];
    expect(reviewers.teams).toHaveLength(1);
    expect(Number.isInteger(reviewers.teams[0])).toBe(true);
    const policy = prod.one("github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy", `${gh.repository}-production-main`);
    expect(policy.inputs).toMatchObject({ repository: gh.repository, environment: "production", branchPattern: "main" });
  });

  it("puts each preview run behind a maintainer's approval, from any branch, which neither the author nor an admin can skip", () => {
    const production = prod.one("github:index/repositoryEnvironment:RepositoryEnvironment", `${gh.repository}-production`).inputs;
    const env = prod.one("github:index/repositoryEnvironment:RepositoryEnvironment", `${gh.repository}-preview`).inputs;
    // The same reviewers as production: the preview's Pulumi token decrypts the state (src/github/reach.ts).
    expect(env.reviewers).toEqual(production.reviewers);
    expect(env).toMatchObject({ preventSelfReview: true, canAdminsBypass: false });
    // Any branch may ask (a pull request's head), and no wait after the approval.
    expect(env.deploymentBranchPolicy).toBeUndefined();
    expect(env.waitTimer).toBeUndefined();
    expect(prod.ofType("github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy").map((p) => p.inputs.environment)).not.toContain("preview");
  });

  it("writes each secret the model says the program sets, as a Pulumi secret through `value`, and no other", async () => {
    const secrets = prod.ofType("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
    for (const s of secrets) {
      expect(s.secretPaths, s.name).toEqual(["value"]);
      expect(s.inputs.value).toBe("[secret]");
      expect(s.inputs.plaintextValue).toBeUndefined();
    }
    const names = (repo: string, env: string) => secrets.filter((s) => s.inputs.repository === repo && s.inputs.environment === env).map((s) => s.inputs.secretName).sort();
    const model = credentials(await settingsFor(), readDelivery(FIXTURE_PROJECT));
    for (const env of ["preview", "production"] as const) {
      expect(names(gh.repository, env), env).toEqual(programSecrets(model, env).map((s) => s.secretName).sort());
    }
    expect(names(gh.repository, "production")).toEqual(["FUNCTIONS_AUTH_TOKEN", "GRAFANA_VIEWER_TOKEN"]);
    expect(names(gh.repository, "preview")).toEqual(["GRAFANA_VIEWER_TOKEN"]);
    // The app's Supabase and Resend keys are the app team's: this stack never holds them.
    expect(gh.appRepository).toBeDefined();
    expect(names(gh.appRepository ?? "", "production")).toEqual([]);
  });

  it("publishes the previous, current and next signing secrets to production only, when the webhook pages", async () => {
    const run = await runValidStack({ set: { paging: { webhook: true } }, secrets: { pagingWebhookUrl: "https://pager.example/hook" } });
    const secrets = run.ofType("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
    const paging = secrets.filter((s) => String(s.inputs.secretName).startsWith("PAGING_"));
    expect(paging.map((s) => `${s.inputs.environment}/${s.inputs.secretName}`).sort()).toEqual([
      "production/PAGING_WEBHOOK_SIGNING_SECRET",
      "production/PAGING_WEBHOOK_SIGNING_SECRET_NEXT",
      "production/PAGING_WEBHOOK_SIGNING_SECRET_PREVIOUS",
    ]);
  });

  it("uses an explicit GitHub provider that takes no token from the stack (the job's GITHUB_TOKEN is its credential)", () => {
    const provider = prod.one("pulumi:providers:github");
    expect(provider.inputs.owner).toBe(gh.owner);
    expect(provider.inputs.token).toBeUndefined();
    expect(provider.secretPaths).toEqual([]);
    for (const r of prod.resources.filter((x) => x.type.startsWith("github:"))) expect(r.provider?.startsWith(`${provider.urn}::`), r.name).toBe(true);
  });

  it("says for every secret who or what reads it", async () => {
    const settings = await settingsFor();
    for (const env of environmentSpecs(settings, readDelivery(FIXTURE_PROJECT))) for (const s of env.secrets) expect(s.readBy.length, s.name).toBeGreaterThan(10);
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

  /** Each slot's keepers, and which slot holds which role, at a given instant. */
  const slotsAt = async (iso: string, rotateNow = "") => {
    process.env.AIN_MONITORING_NOW = iso;
    const run = await runValidStack({ set: { rotation: { rotateNow } } });
    const keepers = Object.fromEntries(
      run.ofType("random:index/randomPassword:RandomPassword").map((r) => [r.name.replace("paging-webhook-signing-secret-", "slot "), r.inputs.keepers]),
    );
    return { keepers, roles: signingSlots(new Date(iso), { ...(await settingsFor()).rotation, rotateNow }) };
  };

  it("keeps three signing secrets, for the previous, current and next period, each in its own slot", async () => {
    const { keepers } = await slotsAt("2026-11-15T12:00:00Z");
    // 2026-11 is period index 24322, so slot 24322 % 3 = 1 holds November's secret.
    expect(keepers).toEqual({
      "slot 0": { period: "2026-10", rotateNow: "" },
      "slot 1": { period: "2026-11", rotateNow: "" },
      "slot 2": { period: "2026-12", rotateNow: "" },
    });
  });

  it("at a period boundary replaces only the oldest slot: the new signing secret was published a period earlier", async () => {
    const late = await slotsAt("2026-11-30T23:59:59Z");
    const next = await slotsAt("2026-12-01T00:00:00Z");
    const changed = Object.keys(next.keepers).filter((slot) => JSON.stringify(next.keepers[slot]) !== JSON.stringify(late.keepers[slot]));
    expect(changed).toEqual(["slot 0"]);
    expect(next.keepers["slot 0"]).toEqual({ period: "2027-01", rotateNow: "" });
    const role = (r: typeof late.roles, name: string) => r.find((x) => x.role === name)?.slot;
    // December's secret signs from December on; in November it was already at the receiver as "next".
    expect(role(next.roles, "current")).toBe(role(late.roles, "next"));
    expect(role(next.roles, "previous")).toBe(role(late.roles, "current"));
  });

  it("within a period changes nothing", async () => {
    expect((await slotsAt("2026-11-01T00:00:00Z")).keepers).toEqual((await slotsAt("2026-11-30T23:59:59Z")).keepers);
  });

  it.each([
    ["week", "2026-12-31T12:00:00Z", "2026-W52", "2026-W53", "2027-W01"],
    ["quarter", "2026-12-31T12:00:00Z", "2026-Q3", "2026-Q4", "2027-Q1"],
    ["month", "2026-01-15T00:00:00Z", "2025-12", "2026-01", "2026-02"],
  ] as const)("every %s: at %s the slots hold %s, %s and %s across the year boundary", (every, at, previous, current, next) => {
    const slots = signingSlots(new Date(at), { every, rotateNow: "", lastRotated: {} });
    const byRole = Object.fromEntries(slots.map((s) => [s.role, s.keepers.period]));
    expect(byRole).toEqual({ previous, current, next });
    expect(new Set(slots.map((s) => s.slot)).size).toBe(3);
  });

  it("'rotate now' replaces all three at once, for the breach response", async () => {
    const usual = await slotsAt("2026-11-25T12:00:00Z");
    const breach = await slotsAt("2026-11-25T12:00:00Z", "2026-11-25 breach");
    for (const slot of Object.keys(usual.keepers)) {
      expect(breach.keepers[slot]).not.toEqual(usual.keepers[slot]);
      expect((breach.keepers[slot] as { rotateNow: string }).rotateNow).toBe("2026-11-25 breach");
    }
  });

  it("keeps the generated secrets secret in the stack outputs and everywhere else", async () => {
    const run = await runValidStack({ set: { paging: { webhook: true } }, secrets: { pagingWebhookUrl: "https://pager.example/hook" } });
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

  // The plan lists each external key with its last rotation and warns when one is due:
  // test/plan/plan-command.test.ts reads it from the one prod plan it runs, at the same instant.
});

describe("the Viewer token", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ["week", 7],
    ["month", 30],
    ["quarter", 91],
  ] as const)("every %s: lives two periods and is renewed in its second (%i days)", async (every, days) => {
    const run = await runValidStack({ set: { rotation: { every } } });
    const token = run.one("grafana:oss/serviceAccountRotatingToken:ServiceAccountRotatingToken").inputs;
    expect(token).toMatchObject({ secondsToLive: 2 * days * 86400, earlyRotationWindowSeconds: days * 86400 });
  });

  it("is replaced by 'rotate now': the breach response changes its name prefix", async () => {
    // The instant the rotation tests above run at, so these runs are theirs (test/support/offline.ts shares them).
    vi.stubEnv("AIN_MONITORING_NOW", "2026-11-25T12:00:00Z");
    const prefix = async (rotateNow: string) => (await runValidStack({ set: { rotation: { rotateNow } } })).one("grafana:oss/serviceAccountRotatingToken:ServiceAccountRotatingToken").inputs.namePrefix;
    expect(await prefix("")).toBe("ain-monitoring-prod-viewer");
    const breach = await prefix("2026-11-25 breach");
    expect(breach).toMatch(/^ain-monitoring-prod-viewer-[0-9a-f]{8}$/);
    expect(breach).not.toBe(await prefix("2026-12-02 breach"));
  });
});

describe("the app repository's production environment, which usually exists already", () => {
  const ENV = "github:index/repositoryEnvironment:RepositoryEnvironment";
  const VARIABLE = "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable";
  const POLICY = "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy";
  const app = "fixture-app";
  const withApp = (appEnvironment: Record<string, unknown>) => async () => {
    const settings = await settingsFor();
    return runValidStack({ set: { github: { ...settings.github, appRepository: app, appEnvironment } } });
  };
  const inApp = (run: StackRun, type: string) => run.ofType(type).filter((r) => r.inputs.repository === app);

  it("is left alone unless asked: nothing is declared in the app repository", async () => {
    const run = await withApp({})();
    expect(run.resources.filter((r) => r.inputs.repository === app)).toEqual([]);
    expect(run.ofType(ENV).length).toBeGreaterThan(0);
  });

  it("is imported with adopt: import, keeping its reviewers, wait timer and branch policy as they are", async () => {
    const run = await withApp({ adopt: "import", existingVariables: ["SUPABASE_PROJECT_REF"] })();
    const [env] = inApp(run, ENV);
    expect(env.importId).toBe(`${app}:production`);
    // Pulumi copies ignored inputs from the imported resource, and never changes them on a later up.
    expect(env.ignoreChanges).toEqual(expect.arrayContaining(["reviewers", "waitTimer", "deploymentBranchPolicy", "preventSelfReview", "canAdminsBypass"]));
    expect(inApp(run, POLICY)).toEqual([]);
    const [variable] = inApp(run, VARIABLE);
    const settings = await settingsFor();
    expect(variable.inputs).toMatchObject({ variableName: "SUPABASE_PROJECT_REF", value: settings.supabaseProjectRef });
    // GitHub answers 409 to creating a variable that exists: it is imported by repository:environment:name.
    expect(variable.importId).toBe(`${app}:production:SUPABASE_PROJECT_REF`);
  });

  it("creates a variable the environment does not have yet, rather than importing one that is not there", async () => {
    const run = await withApp({ adopt: "import" })();
    const [variable] = inApp(run, VARIABLE);
    expect(variable.importId).toBeUndefined();
  });

  it("is declared whole only with adopt: manage, importing the branch policy it names instead of adding a second", async () => {
    const run = await withApp({ adopt: "manage", deploymentPolicyId: 4242 })();
    const [env] = inApp(run, ENV);
    expect(env.importId).toBeUndefined();
    expect(env.ignoreChanges).toBeUndefined();
    expect(env.inputs.reviewers).toBeDefined();
    const [policy] = inApp(run, POLICY);
    expect(policy.importId).toBe(`${app}:production:4242`);
  });

  it("shows imports as a preview does, with the ids docs/adopting.md's pulumi import commands use", async () => {
    const settings = await settingsFor();
    const specs = environmentSpecs({ ...settings, github: { ...settings.github, appRepository: app, appEnvironment: { adopt: "import", existingVariables: ["SUPABASE_PROJECT_REF"] } } }, readDelivery(FIXTURE_PROJECT));
    const adopted = specs.find((s) => s.repository === app)?.adopt;
    expect(adopted).toEqual({ environmentId: `${app}:production`, keepProtection: true, variableIds: { SUPABASE_PROJECT_REF: `${app}:production:SUPABASE_PROJECT_REF` }, deploymentPolicyId: undefined });
  });
});

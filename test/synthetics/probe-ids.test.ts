import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OFFLINE_LAST_DEPLOY_OUTPUTS, OFFLINE_PROBES } from "../../src/offline/providerMocks";
import { PROBE_IDS_OUTPUT, probeIdSource, SM_TOKEN_ENV } from "../../src/synthetics/probes";
import { runValidStack, type StackRun } from "../support/offline";

/**
 * A check takes probe ids; only Synthetic Monitoring's API maps location names to them, and its
 * token can also delete every check. So the deploy job, which holds the token, looks them up and
 * exports them; a pull request's preview, which holds none, reads them back from its own stack.
 */
const CHECK = "grafana:syntheticMonitoring/check:Check";
const probesOf = (run: StackRun, job: string) => run.one(CHECK, job).inputs.probes;

afterEach(() => vi.unstubAllEnvs());

describe("a preview, which holds no Synthetic Monitoring token", () => {
  it("takes the probe ids the last deploy exported, from its own stack, and never asks SM", async () => {
    vi.stubEnv(SM_TOKEN_ENV, "");
    const run = await runValidStack();
    expect(run.recording.reads).toEqual([{ type: "pulumi:pulumi:StackReference", name: "synthetics-last-deploy", id: "ain-mvp/ain-monitoring/prod" }]);
    expect(run.recording.calls).not.toContain("grafana:syntheticMonitoring/getProbes:getProbes");
    const recorded = OFFLINE_LAST_DEPLOY_OUTPUTS[PROBE_IDS_OUTPUT] as Record<string, number>;
    expect(probesOf(run, "ain-health-check")).toEqual([recorded.Frankfurt, recorded.London]);
    expect(probesOf(run, "ain-resend-status")).toEqual([recorded.Frankfurt]);
  });

  it("shows the probes of a check using a location the last deploy did not use as unknown, for the deploy to look up", async () => {
    vi.stubEnv(SM_TOKEN_ENV, "");
    const run = await runValidStack({ set: { synthetics: { probes: ["Frankfurt", "Sydney"] } } });
    // Pulumi sends a list holding an unknown as unknown as a whole: a preview shows it as computed.
    expect(probesOf(run, "ain-decode-vin")).toBe(unknownValue);
    expect(probesOf(run, "ain-resend-status")).toEqual([OFFLINE_PROBES.Frankfurt]);
    // What the stack would export now is only what it knows; the deploy fills in the rest.
    expect(run.recording.stackOutputs[PROBE_IDS_OUTPUT]).toEqual({ Frankfurt: OFFLINE_PROBES.Frankfurt });
  });
});

describe("a deploy, which holds the token", () => {
  it("looks the names up in SM, reads nothing back, and exports the ids the next preview reads", async () => {
    vi.stubEnv(SM_TOKEN_ENV, "glsm-test-token");
    const run = await runValidStack();
    expect(run.recording.calls).toContain("grafana:syntheticMonitoring/getProbes:getProbes");
    expect(run.recording.reads).toEqual([]);
    expect(probesOf(run, "ain-health-check")).toEqual([OFFLINE_PROBES.Frankfurt, OFFLINE_PROBES.London]);
    // The export a preview reads is what the deploy wrote: the offline "last deploy" is this very output.
    expect(run.recording.stackOutputs[PROBE_IDS_OUTPUT]).toEqual(OFFLINE_LAST_DEPLOY_OUTPUTS[PROBE_IDS_OUTPUT]);
  });

  it("cannot run without the token: `pulumi up` stops before any check changes", () => {
    expect(() => probeIdSource({}, false)).toThrow(`${SM_TOKEN_ENV} is not set: \`pulumi up\` needs it`);
    expect(probeIdSource({}, true)).toBe("last-deploy");
    expect(probeIdSource({ [SM_TOKEN_ENV]: "glsm-x" }, false)).toBe("synthetic-monitoring");
    expect(probeIdSource({ [SM_TOKEN_ENV]: "glsm-x" }, true)).toBe("synthetic-monitoring");
  });
});

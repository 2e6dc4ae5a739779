import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSpecs, monthlyExecutions } from "../../src/synthetics/checks";
import { alertPeriodFor, probeIds } from "../../src/synthetics/component";
import { OFFLINE_PROBES } from "../../src/offline/providerMocks";
import { startFakeEdge, type FakeEdge } from "../support/fakeEdge";
import { ROOT, runStack, runValidStack, settingsFor, type StackRun } from "../support/offline";
import { runCommandAsync, runPlan, tempDir } from "../support/processes";

describe("the Synthetic Monitoring checks of the prod stack", () => {
  let prod: StackRun;
  beforeAll(async () => {
    prod = await runValidStack({ secrets: { functionsAuthToken: "SENTINEL-anon-key" } });
  });

  it("are the runbook's health check, PDF generation, VIN decode and Resend's status, with stable job names", () => {
    const checks = prod.ofType("grafana:syntheticMonitoring/check:Check");
    expect(checks.map((c) => c.inputs.job).sort()).toEqual(["ain-decode-vin", "ain-generate-valuation-pdf", "ain-health-check", "ain-resend-status"]);
    for (const c of checks) expect(c.name).toBe(c.inputs.job);
  });

  it("send the runbook's health check request and expect its answer", () => {
    const health = prod.one("grafana:syntheticMonitoring/check:Check", "ain-health-check").inputs;
    expect(health.target).toBe("https://xltxqqzattxogxtqrggt.supabase.co/functions/v1/test-email-integration");
    expect(health.settings).toMatchObject({
      http: { method: "POST", validStatusCodes: [200], failIfBodyNotMatchesRegexps: ['"success"\\s*:\\s*true', '"email_service_status"\\s*:\\s*"ready"'], bearerToken: "[secret]" },
    });
  });

  it("time out and run in milliseconds, from probes chosen by name, with at most 5 labels", () => {
    for (const c of prod.ofType("grafana:syntheticMonitoring/check:Check")) {
      expect(Number(c.inputs.frequency) % 60_000, c.name).toBe(0);
      expect(Number(c.inputs.timeout)).toBeLessThanOrEqual(Math.min(60_000, Number(c.inputs.frequency)));
      expect(Object.keys(c.inputs.labels as object).length).toBeLessThanOrEqual(5);
      expect(c.inputs.probes).toEqual(c.name === "ain-resend-status" ? [OFFLINE_PROBES.Frankfurt] : [OFFLINE_PROBES.Frankfurt, OFFLINE_PROBES.London]);
    }
    expect(prod.one("grafana:syntheticMonitoring/check:Check", "ain-generate-valuation-pdf").inputs).toMatchObject({ frequency: 1_800_000, timeout: 20_000 });
  });

  it("keep the bearer token a secret on the wire", () => {
    for (const name of ["ain-health-check", "ain-generate-valuation-pdf", "ain-decode-vin"]) {
      expect(prod.one("grafana:syntheticMonitoring/check:Check", name).secretPaths).toEqual(["settings.http.bearerToken"]);
    }
    expect(prod.one("grafana:syntheticMonitoring/check:Check", "ain-resend-status").secretPaths).toEqual([]);
    expect(JSON.stringify(prod.recording)).not.toContain("SENTINEL-anon-key");
  });

  it("alert on failed executions and on average duration over the runbook's budget, over periods holding two executions per probe", () => {
    const alerts = prod.one("grafana:syntheticMonitoring/checkAlerts:CheckAlerts", "ain-generate-valuation-pdf-alerts").inputs.alerts as { name: string; threshold: number; period: string }[];
    expect(alerts.map((a) => a.name)).toEqual(["ProbeFailedExecutionsTooHigh", "HTTPRequestDurationTooHighAvg", "TLSTargetCertificateCloseToExpiring"]);
    expect(alerts.find((a) => a.name === "HTTPRequestDurationTooHighAvg")?.threshold).toBe(10_000);
    const periodSeconds: Record<string, number> = { "5m": 300, "10m": 600, "15m": 900, "20m": 1200, "30m": 1800, "1h": 3600 };
    for (const c of prod.ofType("grafana:syntheticMonitoring/checkAlerts:CheckAlerts")) {
      const check = prod.one("grafana:syntheticMonitoring/check:Check", c.name.replace(/-alerts$/, ""));
      for (const a of c.inputs.alerts as { name: string; period: string }[]) {
        // The certificate alert takes no period: SM keys it on "".
        if (a.name === "TLSTargetCertificateCloseToExpiring") expect(a.period, c.name).toBe("");
        else expect(periodSeconds[a.period] * 1000, `${c.name} ${a.name} ${a.period}`).toBeGreaterThanOrEqual(2 * Number(check.inputs.frequency));
      }
    }
    // Two-minute checks get 5m, the 30-minute PDF check 1h.
    expect(alerts[0].period).toBe("1h");
    const health = prod.one("grafana:syntheticMonitoring/checkAlerts:CheckAlerts", "ain-health-check-alerts").inputs.alerts as { period: string }[];
    expect(health[0].period).toBe("5m");
  });

  it("refuse a check too slow for any period to hold two executions, naming the key", () => {
    expect(() => alertPeriodFor({ job: "ain-generate-valuation-pdf", frequencyMs: 3_600_000 })).toThrow(/ain-generate-valuation-pdf runs every 3600 s.*at least every 30 minutes/);
    expect(alertPeriodFor({ job: "x", frequencyMs: 300_000 })).toBe("10m");
    expect(alertPeriodFor({ job: "x", frequencyMs: 360_000 })).toBe("15m");
  });

  it("follow a changed latency budget into the check's timeout and duration alert", async () => {
    const run = await runValidStack({ set: { runbook: { latencyBudgets: { vinDecodeSeconds: 2 } } } });
    const vin = run.one("grafana:syntheticMonitoring/check:Check", "ain-decode-vin");
    expect(vin.inputs.timeout).toBe(4000);
    const alerts = run.one("grafana:syntheticMonitoring/checkAlerts:CheckAlerts", "ain-decode-vin-alerts").inputs.alerts as { name: string; threshold: number }[];
    expect(alerts.find((a) => a.name === "HTTPRequestDurationTooHighAvg")?.threshold).toBe(2000);
  });
});

describe("the monthly execution budget", () => {
  it("counts checks x probes x runs: 93,600 for prod, inside the 100,000 budget", async () => {
    const settings = await settingsFor();
    // Health and VIN every 2 minutes from 2 probes, PDF every 30 from 2, Resend's page every 10 from 1.
    expect(monthlyExecutions(checkSpecs(settings))).toBe(43_200 + 43_200 + 2_880 + 4_320);
    expect(monthlyExecutions(checkSpecs(settings))).toBeLessThanOrEqual(settings.synthetics.monthlyExecutionBudget);
  });

  it("fails validation when the checks would exceed it, naming the key", async () => {
    const run = await runStack({ set: { synthetics: { probes: ["Frankfurt", "London", "Ohio", "Oregon"] } } });
    expect(run.error?.message).toMatch(/ain-monitoring:synthetics\.monthlyExecutionBudget: the checks would run 182880 times a month/);
    expect(run.resources).toEqual([]);
  });

  it("fails validation when a system-down check runs too rarely for the P0 to page within its target, naming the key", async () => {
    const run = await runStack({ set: { synthetics: { checks: { vinDecode: { frequencySeconds: 300 } } } } });
    expect(run.error?.message).toMatch(/ain-monitoring:synthetics\.checks\.vinDecode\.frequencySeconds: 300 s is too slow for a system-down check/);
    expect(run.resources).toEqual([]);
  });

  it("names an unknown probe location", () => {
    expect(() => probeIds(OFFLINE_PROBES, ["Atlantis", "Frankfurt"])).toThrow("synthetics.probes: no probe named 'Atlantis'; known: Frankfurt, London, Ohio, Oregon, Singapore, Sydney");
    expect(probeIds(OFFLINE_PROBES, ["London", "Ohio"])).toEqual([4, 1]);
  });

  it("is reported by the plan", () => {
    const plan = runPlan(["--out", path.join(tempDir("plan-sm"), "out")]);
    expect(plan.stdout).toContain("Synthetic Monitoring: 93,600 executions a month (checks x probes x runs), 94 % of the 100,000 budget");
  });
});

describe("npm run checks, against a local endpoint", () => {
  let fake: FakeEdge;
  const token = "SENTINEL-cli-token";
  const only = "--only=ain-health-check,ain-generate-valuation-pdf,ain-decode-vin";
  beforeAll(async () => {
    const settings = await settingsFor();
    fake = await startFakeEdge({ token, vin: settings.synthetics.testVin, slowMs: () => 0 });
    return () => fake.stop();
  });
  const checks = (...args: string[]) => runCommandAsync("node", ["scripts/host.cjs", "scripts/checks.ts", ...args], { PULUMI_NODEJS_TRANSPILE_ONLY: "true", AIN_FUNCTIONS_AUTH_TOKEN: token });

  it("passes a healthy endpoint, prints a table, and never prints the token", async () => {
    fake.setScenario("healthy");
    const run = await checks("--base-url", fake.functionsBaseUrl, only);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ain-health-check\s+PASS\s+\d+ \/ 5000 ms\s+ok/);
    expect(run.stdout).toContain("3 passed, 0 failed");
    expect(run.stdout + run.stderr).not.toContain(token);
  });

  it("prints JSON with --json and exits 1 when a check fails", async () => {
    fake.setScenario("unavailable");
    const run = await checks("--base-url", fake.functionsBaseUrl, only, "--json");
    expect(run.status).toBe(1);
    const results = JSON.parse(run.stdout) as { check: string; ok: boolean; durationMs: number; budgetMs: number; reason: string }[];
    expect(results.map((r) => r.check)).toEqual(["ain-health-check", "ain-generate-valuation-pdf", "ain-decode-vin"]);
    expect(results.every((r) => !r.ok && r.reason === "status 503, expected 200" && r.budgetMs > 0 && r.durationMs >= 0)).toBe(true);
  });

  it("takes the token from a stack file that holds it in plain text, when the environment has none", async () => {
    fake.setScenario("healthy");
    const dir = tempDir("checks-stack");
    const prodFile = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
    const stackFile = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(stackFile, prodFile.replace(/ain-monitoring:functionsAuthToken:\n\s+secure: .*/, `ain-monitoring:functionsAuthToken: ${token}`));
    const withoutEnv = await runCommandAsync("node", ["scripts/host.cjs", "scripts/checks.ts", "--config-file", stackFile, "--base-url", fake.functionsBaseUrl, only], {
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      AIN_FUNCTIONS_AUTH_TOKEN: "",
    });
    expect(withoutEnv.status, withoutEnv.stdout + withoutEnv.stderr).toBe(0);
    expect(withoutEnv.stdout).not.toContain(token);
    const placeholder = await runCommandAsync("node", ["scripts/host.cjs", "scripts/checks.ts", "--base-url", fake.functionsBaseUrl, only], { PULUMI_NODEJS_TRANSPILE_ONLY: "true", AIN_FUNCTIONS_AUTH_TOKEN: "" });
    expect(placeholder.stdout).toContain("status 401, expected 200");
  });

  it("names an unknown check and a bad base URL", async () => {
    expect((await checks("--only", "nope")).stderr).toMatch(/--only: no check named nope/);
    expect((await checks("--base-url", "ftp://x")).stderr).toMatch(/--base-url: expected an http\(s\) URL/);
  });
});

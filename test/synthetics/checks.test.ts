import { quotasOf } from "../../src/config/budgets";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { checkSpecs, monthlyExecutions } from "../../src/synthetics/checks";
import { alertPeriodFor } from "../../src/synthetics/component";
import { checksCommand } from "../../src/synthetics/command";
import { probeIds } from "../../src/synthetics/probeIds";
import { OFFLINE_PROBES } from "../../src/offline/providerMocks";
import { startFakeEdge, type FakeEdge } from "../support/fakeEdge";
import { FIXTURE_PROJECT, FIXTURE_STACK_FILE, runStack, runValidStack, settingsFor, type StackRun } from "../support/offline";
import { runCommandAsync, tempDir, type Finished } from "../support/processes";

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

  it("send the runbook's health check request and expect its answer", async () => {
    const health = prod.one("grafana:syntheticMonitoring/check:Check", "ain-health-check").inputs;
    // The stack's own project and function, marked as the checks' own traffic for the drain.
    const settings = await settingsFor();
    expect(health.target).toBe(`${settings.functionsBaseUrl}/${settings.functions.healthCheck}?ain_traffic=synthetic`);
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

  it("alert on average duration over periods holding two executions per probe, and on failed executions over periods holding four", () => {
    const pdf = prod.one("grafana:syntheticMonitoring/checkAlerts:CheckAlerts", "ain-generate-valuation-pdf-alerts").inputs.alerts as { name: string; threshold: number; period: string }[];
    // Too slow for four runs in SM's longest period: PdfGenerationCheckFailing watches it instead.
    expect(pdf.map((a) => a.name)).toEqual(["HTTPRequestDurationTooHighAvg", "TLSTargetCertificateCloseToExpiring"]);
    expect(pdf.find((a) => a.name === "HTTPRequestDurationTooHighAvg")?.threshold).toBe(10_000);
    const periodSeconds: Record<string, number> = { "5m": 300, "10m": 600, "15m": 900, "20m": 1200, "30m": 1800, "1h": 3600 };
    const runsHeld = { ProbeFailedExecutionsTooHigh: 4, HTTPRequestDurationTooHighAvg: 2 } as Record<string, number>;
    for (const c of prod.ofType("grafana:syntheticMonitoring/checkAlerts:CheckAlerts")) {
      const check = prod.one("grafana:syntheticMonitoring/check:Check", c.name.replace(/-alerts$/, ""));
      for (const a of c.inputs.alerts as { name: string; period: string }[]) {
        // The certificate alert takes no period: SM keys it on "".
        if (a.name === "TLSTargetCertificateCloseToExpiring") expect(a.period, c.name).toBe("");
        else expect(periodSeconds[a.period] * 1000, `${c.name} ${a.name} ${a.period}`).toBeGreaterThanOrEqual(runsHeld[a.name] * Number(check.inputs.frequency));
      }
    }
    expect(pdf[0].period).toBe("1h");
    // Two-minute checks: failed executions over 10m (four runs), duration over 5m (two).
    const health = prod.one("grafana:syntheticMonitoring/checkAlerts:CheckAlerts", "ain-health-check-alerts").inputs.alerts as { name: string; period: string }[];
    expect(health.map((a) => `${a.name} ${a.period}`)).toEqual(["ProbeFailedExecutionsTooHigh 10m", "HTTPRequestDurationTooHighAvg 5m", "TLSTargetCertificateCloseToExpiring "]);
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
    expect(monthlyExecutions(checkSpecs(settings))).toBeLessThanOrEqual(quotasOf(settings).smExecutionsPerMonth);
  });

  it("fails validation when the checks would exceed it, naming the key", async () => {
    const run = await runStack({ set: { synthetics: { probes: ["Frankfurt", "London", "Ohio", "Oregon"] } } });
    expect(run.error?.message).toMatch(/ain-monitoring:synthetics: the account .* would use 182,880 executions a month/);
    expect(run.resources).toEqual([]);
  });

  it("fails validation when a system-down check runs too rarely for the P0 to page within its target, naming the key", async () => {
    const run = await runStack({ set: { synthetics: { checks: { vinDecode: { frequencySeconds: 300 } } } } });
    expect(run.error?.message).toMatch(/ain-monitoring:synthetics\.checks\.vinDecode\.frequencySeconds: EdgeFunctionsDown \(P0\) pages 341 s after the failure in the worst case \(signal 321 s/);
    // The database P0 reads the same check (the fastest of synthetics.databaseChecks), and says so under the same key.
    expect(run.error?.message).toMatch(/ain-monitoring:synthetics\.checks\.vinDecode\.frequencySeconds: DatabaseUnreachable \(P0\) pages 341 s/);
    expect(run.resources).toEqual([]);
  });

  it("names an unknown probe location", () => {
    expect(() => probeIds(OFFLINE_PROBES, ["Atlantis", "Frankfurt"])).toThrow("synthetics.probes: no probe named 'Atlantis'; known: Frankfurt, London, Ohio, Oregon, Singapore, Sydney");
    expect(probeIds(OFFLINE_PROBES, ["London", "Ohio"])).toEqual([4, 1]);
  });

  // The plan reports it: test/plan/plan-command.test.ts reads it from the one prod plan it runs.
});

describe("npm run checks, against a local endpoint", () => {
  let fake: FakeEdge;
  let slowMs = 0;
  const token = "SENTINEL-cli-token";
  const only = "--only=ain-health-check,ain-generate-valuation-pdf,ain-decode-vin";
  beforeAll(async () => {
    const settings = await settingsFor();
    fake = await startFakeEdge({ token, vin: settings.synthetics.testVin, slowMs: () => slowMs });
    return () => fake.stop();
  });
  /**
   * The command scripts/checks.ts runs, run in this process with its output captured: a process of
   * its own costs half a second of CPU. The tests marked "in its own process" start it as
   * `npm run checks` does, for what only a process shows: its exit code and its two streams.
   */
  const checksWith = async (env: Record<string, string>, ...args: string[]): Promise<Finished> => {
    const started = Date.now();
    let stdout = "";
    let stderr = "";
    const output = { stdout: (line: string) => (stdout += `${line}\n`), stderr: (line: string) => (stderr += `${line}\n`) };
    // Whatever else the command writes (a stray console.log) lands in the result too, as it would
    // on the process's streams, so the checks for a leaked token see it.
    const toStdout = (...parts: unknown[]) => void (stdout += `${parts.map(String).join(" ")}\n`);
    const toStderr = (...parts: unknown[]) => void (stderr += `${parts.map(String).join(" ")}\n`);
    const strays = [
      vi.spyOn(console, "log").mockImplementation(toStdout),
      vi.spyOn(console, "info").mockImplementation(toStdout),
      vi.spyOn(console, "warn").mockImplementation(toStderr),
      vi.spyOn(console, "error").mockImplementation(toStderr),
      vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)),
      vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)),
    ];
    try {
      const status = await checksCommand(args, { ...process.env, ...env }, output, FIXTURE_PROJECT);
      return { status, stdout, stderr, ms: Date.now() - started };
    } finally {
      for (const stray of strays) stray.mockRestore();
    }
  };
  const checks = (...args: string[]) => checksWith({ AIN_FUNCTIONS_AUTH_TOKEN: token }, ...args);
  const checksProcess = (...args: string[]) => runCommandAsync("node", ["scripts/run-ts.cjs", "scripts/checks.ts", ...args], { AIN_FUNCTIONS_AUTH_TOKEN: token });
  /** A copy of the prod stack file with the given text appended under config:. */
  const stackFileWith = (name: string, extra: string[]) => {
    const file = path.join(tempDir(name), "Pulumi.prod.yaml");
    fs.writeFileSync(file, fs.readFileSync(FIXTURE_STACK_FILE, "utf8").replace(/^config:\n/m, `config:\n${extra.map((l) => `  ${l}\n`).join("")}`));
    return file;
  };
  interface JsonRun {
    verdict: string;
    exitCode: number;
    checks: { check: string; verdict: string; ok: boolean; durationMs: number; budgetMs: number; reason: string; advice: string | null; tokenSent: boolean }[];
  }

  it("passes a healthy endpoint, prints a table, and never prints the token (in its own process)", async () => {
    fake.setScenario("healthy");
    const run = await checksProcess("--base-url", fake.functionsBaseUrl, only);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ain-health-check\s+PASS\s+\d+ \/ 5000 ms\s+ok/);
    expect(run.stdout).toContain("3 passed, 0 degraded, 0 failed: PASS");
    expect(run.stdout + run.stderr).not.toContain(token);
  });

  it("prints one JSON document with --json, with a verdict per check and overall, and exits 1 when a check fails (in its own process)", async () => {
    fake.setScenario("unavailable");
    const run = await checksProcess("--base-url", fake.functionsBaseUrl, only, "--json");
    expect(run.status).toBe(1);
    const doc = JSON.parse(run.stdout) as JsonRun;
    expect(doc).toMatchObject({ verdict: "fail", exitCode: 1 });
    expect(doc.checks.map((r) => r.check)).toEqual(["ain-health-check", "ain-generate-valuation-pdf", "ain-decode-vin"]);
    expect(doc.checks.every((r) => r.verdict === "fail" && !r.ok && r.reason === "status 503, expected 200" && r.budgetMs > 0 && r.durationMs >= 0)).toBe(true);
  });

  describe("a check slower than its budget but inside its timeout", () => {
    // A 1.5 s budget and a 3 s timeout; the fake answers after 1.8 s: never inside the budget, and
    // 1.2 s of room before the timeout for a busy machine.
    let stackFile: string;
    beforeAll(() => {
      stackFile = stackFileWith("checks-degraded", ["ain-monitoring:runbook:", "    latencyBudgets:", "      emailDeliverySeconds: 1.5"]);
      fake.setScenario("slow");
      slowMs = 1800;
      return () => {
        slowMs = 0;
      };
    });
    const slow = (...args: string[]) => checks("--config-file", stackFile, "--base-url", fake.functionsBaseUrl, "--only", "ain-health-check", ...args);

    it("is DEGRADED in the table and in --json, and exits 0", async () => {
      const text = await slow();
      expect(text.status, text.stdout + text.stderr).toBe(0);
      expect(text.stdout).toMatch(/ain-health-check\s+DEGRADED\s+\d+ \/ 1500 ms\s+over the 1500 ms budget/);
      expect(text.stdout).toContain("0 passed, 1 degraded, 0 failed: DEGRADED (passes; --strict would fail it)");
      const json = JSON.parse((await slow("--json")).stdout) as JsonRun;
      expect(json).toMatchObject({ verdict: "degraded", exitCode: 0, checks: [{ verdict: "degraded", ok: true }] });
    });

    it("fails with --strict, with exit code 3", async () => {
      const strict = await slow("--strict", "--json");
      expect(strict.status).toBe(3);
      expect(JSON.parse(strict.stdout)).toMatchObject({ verdict: "degraded", exitCode: 3 });
    });
  });

  interface AdviceCase {
    what: string;
    env: Record<string, string>;
    args: (f: FakeEdge) => string[];
    status: number;
    advice: RegExp;
  }
  const adviceCases: AdviceCase[] = [
    { what: "a refused token names its source and how to set it", env: { AIN_FUNCTIONS_AUTH_TOKEN: "wrong-anon-key" }, args: (f) => ["--base-url", f.functionsBaseUrl], status: 401, advice: /refused the bearer token from AIN_FUNCTIONS_AUTH_TOKEN.*anon key.*set AIN_FUNCTIONS_AUTH_TOKEN/ },
    { what: "no token at all says how to give one", env: { AIN_FUNCTIONS_AUTH_TOKEN: "" }, args: (f) => ["--base-url", f.functionsBaseUrl], status: 401, advice: /no bearer token was sent\. Set AIN_FUNCTIONS_AUTH_TOKEN.*secure:/ },
    { what: "a base URL without /functions/v1 says so", env: { AIN_FUNCTIONS_AUTH_TOKEN: token }, args: (f) => ["--base-url", f.baseUrl], status: 404, advice: /does not end in \/functions\/v1.*try --base-url http:\/\/127\.0\.0\.1:\d+\/functions\/v1/ },
    { what: "a function deployed under another name names the key", env: { AIN_FUNCTIONS_AUTH_TOKEN: token }, args: (f) => ["--base-url", f.functionsBaseUrl, "--config-file", stackFileWith("checks-fn", ["ain-monitoring:functions:", "    healthCheck: email-health"])], status: 404, advice: /no function named email-health.*ain-monitoring:functions\.healthCheck/ },
  ];
  it.each(adviceCases)("$what", async ({ env, args, status, advice }) => {
    fake.setScenario("healthy");
    const run = await checksWith(env, ...args(fake), "--only", "ain-health-check", "--json");
    expect(run.status, run.stderr).toBe(1);
    const [check] = (JSON.parse(run.stdout) as JsonRun).checks;
    expect(check.reason).toBe(`status ${status}, expected 200`);
    expect(check.advice).toMatch(advice);
    expect(run.stdout).not.toContain("wrong-anon-key");
  });

  it("never follows a redirect with the token: the redirected URL is not requested", async () => {
    fake.setScenario("redirect");
    const before = fake.requests.length;
    const run = await checks("--base-url", fake.functionsBaseUrl, "--only", "ain-health-check", "--json");
    fake.setScenario("healthy");
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as JsonRun).checks[0].reason).toMatch(/^status 302, redirected to \/moved\/functions\/v1\/test-email-integration: not followed/);
    const sent = fake.requests.slice(before);
    expect(sent.map((r) => r.path)).toEqual(["/functions/v1/test-email-integration"]);
  });

  it("takes the token from a stack file that holds it in plain text, when the environment has none", async () => {
    fake.setScenario("healthy");
    const dir = tempDir("checks-stack");
    const prodFile = fs.readFileSync(FIXTURE_STACK_FILE, "utf8");
    const stackFile = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(stackFile, prodFile.replace(/ain-monitoring:functionsAuthToken:\n\s+secure: .*/, `ain-monitoring:functionsAuthToken: ${token}`));
    const withoutEnv = await checksWith({ AIN_FUNCTIONS_AUTH_TOKEN: "" }, "--config-file", stackFile, "--base-url", fake.functionsBaseUrl, only);
    expect(withoutEnv.status, withoutEnv.stdout + withoutEnv.stderr).toBe(0);
    expect(withoutEnv.stdout).not.toContain(token);
    const placeholder = await checksWith({ AIN_FUNCTIONS_AUTH_TOKEN: "" }, "--base-url", fake.functionsBaseUrl, only);
    expect(placeholder.stdout).toContain("status 401, expected 200");
  });

  it("refuses bad arguments with exit code 2 before sending anything", async () => {
    const before = fake.requests.length;
    const cases: [string[], RegExp][] = [
      [["--only", "nope"], /--only: no check named nope; known: ain-health-check/],
      [["--base-url", "ftp://x"], /--base-url: expected an https:\/\/ URL \(http:\/\/ only on loopback\)/],
      [["--base-url", "http://functions.example.org/functions/v1"], /--base-url: expected https:\/\/; plain http:\/\/ is taken only on loopback/],
      [["--frobnicate"], /Unknown option '--frobnicate'; see 'npm run checks -- --help'/],
      [["--stack", "staging"], /no stack file Pulumi\.staging\.yaml.*\n.*Stacks with a file: prod/],
    ];
    for (const [args, message] of cases) {
      const run = await checks(...args);
      expect(run.status, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(fake.requests.length).toBe(before);
  });

  it("explains every option and the exit codes with --help (in its own process)", async () => {
    const help = await checksProcess("--help");
    expect(help.status).toBe(0);
    for (const option of ["--stack", "--config-file", "--base-url", "--only", "--list", "--json", "--strict", "--help", "AIN_FUNCTIONS_AUTH_TOKEN"]) expect(help.stdout).toContain(option);
    expect(help.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 .*\n\s+3 .*DEGRADED/);
  });
});

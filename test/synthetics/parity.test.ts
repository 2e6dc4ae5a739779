import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blackboxConfig } from "../../src/synthetics/blackbox";
import { checkSpecs, type CheckSpec } from "../../src/synthetics/checks";
import { runCheck } from "../../src/synthetics/runner";
import { startBlackbox, type Blackbox } from "../support/blackbox";
import { scenarios, startFakeEdge, type FakeEdge, type Scenario } from "../support/fakeEdge";
import { settingsFor } from "../support/offline";
import { tempDir } from "../support/processes";

/**
 * The local runner and the real prober (Debian's blackbox exporter) must judge every check the
 * same way in every scenario of a local fake of the edge functions.
 */
const TOKEN = "parity-test-token";
/** Small budgets so that slow and hanging scenarios take seconds, not minutes; wide enough margins for a busy CI machine. */
const budgets = { pdfGenerationSeconds: 1.5, emailDeliverySeconds: 1, vinDecodeSeconds: 0.8 };

let fake: FakeEdge;
let blackbox: Blackbox;
let specs: CheckSpec[];

/** What each check should conclude in each scenario: the contract both engines are held to. */
const expected: Record<Scenario, (spec: CheckSpec) => boolean> = {
  healthy: () => true,
  unavailable: () => false,
  // The PDF check asserts the body too (a PDF, or {"success": true}), so a 200 with success:false fails it.
  successFalse: () => false,
  wrongStatusValue: (s) => s.id === "pdfGeneration",
  slow: () => true,
  hanging: () => false,
  // An authenticated check stops at the redirect (its token must not follow it), so the 302 fails it.
  redirect: (s) => !s.authenticated,
};

beforeAll(async () => {
  const settings = await settingsFor({ set: { runbook: { latencyBudgets: budgets } } });
  fake = await startFakeEdge({
    token: TOKEN,
    vin: settings.synthetics.testVin,
    slowMs: (p) => {
      const spec = specs.find((s) => new URL(s.url).pathname === p || new URL(s.url).pathname === p.replace(/^\/moved/, ""));
      // Past the budget by a quarter, well inside the timeout of twice the budget.
      return Math.round((spec?.budgetMs ?? 1000) * 1.25);
    },
  });
  // The resend check's target is Resend's page in production; here it is the fake's.
  specs = checkSpecs(settings, fake.functionsBaseUrl).map((s) => (s.id === "resendStatus" ? { ...s, url: fake.resendStatusUrl } : s));
  const tokenFile = path.join(tempDir("token"), "token");
  fs.writeFileSync(tokenFile, TOKEN);
  blackbox = await startBlackbox(blackboxConfig(specs, tokenFile));
}, 30_000);

afterAll(async () => {
  blackbox?.stop();
  await fake?.stop();
});

describe("parity of the local runner with the blackbox exporter", () => {
  const matrix: string[] = [];

  it.each(scenarios)("%s: both give the same verdict for every check, and the expected one", async (scenario) => {
    fake.setScenario(scenario);
    const results = await Promise.all(
      specs.map(async (spec) => {
        const [runner, prober] = await Promise.all([runCheck(spec, TOKEN), blackbox.probe(spec.job, spec.url)]);
        return { spec, runner, prober };
      }),
    );
    for (const { spec, runner, prober } of results) {
      const agree = runner.ok === prober.success;
      matrix.push(`${scenario.padEnd(17)} ${spec.job.padEnd(28)} runner=${runner.ok ? "pass" : "fail"} blackbox=${prober.success ? "pass" : "fail"} ${agree ? "agree" : "DISAGREE"} (${runner.durationMs} ms, ${runner.reason})`);
      expect(runner.ok, `${spec.job} in ${scenario}: runner says ${runner.reason}; blackbox:\n${prober.metrics.split("\n").filter((l) => l.startsWith("probe_")).join("\n")}`).toBe(prober.success);
      expect(runner.ok, `${spec.job} in ${scenario}`).toBe(expected[scenario](spec));
    }
    if (scenario === "slow") for (const { runner } of results) expect(runner.degraded, runner.check).toBe(true);
    if (scenario === "healthy") for (const { runner } of results) expect(runner.degraded, runner.check).toBe(false);
  });

  it("fails without the bearer token, as the real functions would", async () => {
    fake.setScenario("healthy");
    const health = specs.find((s) => s.id === "healthCheck") as CheckSpec;
    expect((await runCheck(health)).reason).toBe("status 401, expected 200");
  });

  afterAll(() => console.log(`parity matrix (scenario x check):\n${matrix.join("\n")}`));
});

import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { budgets, fleetProblems, fleetWarnings, PLAN_QUOTAS, quotasOf, readFleet, stackUsage } from "../../src/config/budgets";
import { regionUrls } from "../../src/config/regions";
import { validateConfig } from "../../src/config/validate";
import { offlineSettings } from "../../src/offline/settings";
import { checkAlerts } from "../../src/synthetics/checkAlerts";
import { checkSpecs } from "../../src/synthetics/checks";
import { ROOT, runValidStack, settingsFor, stackConfigWith } from "../support/offline";
import { tempDir } from "../support/processes";

/**
 * Budgets as plan-time facts: rules per Grafana stack, executions, series and logs per account,
 * summed over every stack of .github/delivery.json that shares them. The stacks here are fixtures
 * in a project of their own (Pulumi.yaml copied, delivery.json and stack files written by the
 * test), so nothing depends on the values in Pulumi.prod.yaml.
 */

/** A stack file of the test's own: its project, its people, its Grafana stack. */
function stackFile(name: string, overrides: Record<string, unknown> = {}): string {
  const config: Record<string, unknown> = {
    grafanaUrl: "https://fixture.grafana.net",
    runbookUrl: "https://example.test/runbook.md",
    supabaseProjectRef: "fixtureprodaaaaaaaaa",
    postgresSslMode: "require",
    postgresPassword: { secure: "v1:fixture" },
    grafanaCloud: { region: "prod-us-east-0" },
    access: { team: "Fixture team" },
    notificationPolicyOwner: "prod",
    github: { enabled: false },
    contacts: {
      onCallEngineer: { name: "On call", email: `oncall-${name}@fixture.test` },
      leadDeveloper: { name: "Lead", email: `lead-${name}@fixture.test` },
      productOwner: { name: "Owner", email: `owner-${name}@fixture.test` },
      externalSupport: { name: "Supabase support", email: "support@supabase.io" },
    },
    ...overrides,
  };
  // Each Grafana stack its own numeric id, unless the test gives one (the same id is the same stack).
  if (!("metricsScrape" in overrides)) config.metricsScrape = { grafanaStackId: String([...String(config.grafanaUrl)].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1e9, 7)) };
  return stringify({ config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`ain-monitoring:${k}`, v])) });
}

/** A project directory holding these stacks, with delivery.json listing `deployed`. */
function project(stacks: Record<string, string>, deployed = Object.keys(stacks)): string {
  const dir = tempDir("budget-project");
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.mkdirSync(path.join(dir, ".github"));
  fs.writeFileSync(path.join(dir, ".github/delivery.json"), JSON.stringify({ pulumiOrganization: "fixture", stacks: deployed, previewTeam: "p", deployTeam: "d" }));
  for (const [name, text] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text);
  return dir;
}

const fleetOf = (dir: string, stack: string) => {
  const settings = offlineSettings(dir, stack);
  return { settings, fleet: readFleet(dir, settings) };
};

const ownStaging = { supabaseProjectRef: "fixturestagingaaaaaa", notificationPolicyOwner: "prod" };

describe("rules per Grafana stack", () => {
  it("counts alerting, recording, escalation companions and SM's per-check alerts, as the program registers them", async () => {
    for (const changes of [{}, { set: { notificationPolicyOwner: "another-stack" } }]) {
      const settings = await settingsFor(changes);
      const run = await runValidStack(changes);
      const registered =
        run.ofType("grafana:alerting/ruleGroup:RuleGroup").reduce((n, g) => n + (g.inputs.rules as unknown[]).length, 0) +
        run.ofType("grafana:syntheticMonitoring/checkAlerts:CheckAlerts").reduce((n, a) => n + (a.inputs.alerts as unknown[]).length, 0);
      const usage = stackUsage(settings);
      expect(usage.rules.total, JSON.stringify(changes)).toBe(registered);
      expect(usage.rules.alerting + usage.rules.companions + usage.rules.recording + usage.rules.smCheckAlerts).toBe(usage.rules.total);
    }
  });

  it("makes no SM per-check alerts in a stack that does not own the org's tree, and counts companions there instead", async () => {
    const owner = stackUsage(await settingsFor());
    const other = stackUsage(await settingsFor({ set: { notificationPolicyOwner: "another-stack" } }));
    const run = await runValidStack({ set: { notificationPolicyOwner: "another-stack" } });
    expect(run.ofType("grafana:syntheticMonitoring/checkAlerts:CheckAlerts")).toEqual([]);
    expect(other.rules.smCheckAlerts).toBe(0);
    expect(owner.rules.smCheckAlerts).toBeGreaterThan(0);
    expect(owner.rules.companions).toBe(0);
    expect(other.rules.companions).toBeGreaterThan(0);
  });

  it("sums every stack in the same Grafana stack, and only those", () => {
    const dir = project({ prod: stackFile("prod"), staging: stackFile("staging", ownStaging), elsewhere: stackFile("elsewhere", { supabaseProjectRef: "fixtureelsewhereaaaa", grafanaUrl: "https://other.grafana.net" }) });
    const { settings, fleet } = fleetOf(dir, "staging");
    const rules = budgets(settings, fleet).find((b) => b.quota === "rulesPerGrafanaStack");
    const usage = Object.fromEntries(fleet.stacks.map((s) => [s.stack, s.rules.total]));
    expect(rules?.parts.map((p) => p.stack)).toEqual(["staging", "prod"]);
    expect(rules?.used).toBe(usage.staging + usage.prod);
    expect(rules?.scope).toBe("Grafana stack fixture.grafana.net");
  });

  it("knows one Grafana stack under two URLs by its stack id", () => {
    const dir = project({ prod: stackFile("prod"), staging: stackFile("staging", { ...ownStaging, grafanaUrl: "https://monitoring.fixture.test" }) });
    const prodId = offlineSettings(dir, "prod").metricsScrape.grafanaStackId;
    fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), stackFile("staging", { ...ownStaging, grafanaUrl: "https://monitoring.fixture.test", metricsScrape: { grafanaStackId: prodId } }));
    const { settings, fleet } = fleetOf(dir, "staging");
    expect(budgets(settings, fleet).find((b) => b.quota === "rulesPerGrafanaStack")?.parts.map((p) => p.stack)).toEqual(["staging", "prod"]);
  });

  it("refuses a stack that would take its Grafana stack over the Free quota, naming what to change", () => {
    const dir = project({ prod: stackFile("prod"), staging: stackFile("staging", ownStaging) });
    const { settings, fleet } = fleetOf(dir, "staging");
    const used = fleet.stacks.reduce((n, s) => n + s.rules.total, 0);
    expect(used).toBeGreaterThan(PLAN_QUOTAS.free.rulesPerGrafanaStack);
    const problem = fleetProblems(settings, fleet).find((p) => p.key === "grafanaUrl");
    expect(problem?.problem).toContain(`would use ${used} rules`);
    expect(problem?.problem).toMatch(/a Grafana stack of its own.*paging\.irm.*grafanaCloud\.plan pro/);
  });

  it("lets the same stacks through on Pro, with a warning, and on Free with a raised quota", () => {
    const pro = fleetOf(project({ prod: stackFile("prod"), staging: stackFile("staging", { ...ownStaging, grafanaCloud: { region: "prod-us-east-0", plan: "pro" } }) }), "staging");
    expect(fleetProblems(pro.settings, pro.fleet)).toEqual([]);
    expect(quotasOf(pro.settings).rulesPerGrafanaStack).toBe(PLAN_QUOTAS.pro.rulesPerGrafanaStack);
    // Beyond Pro's amounts: warned, never refused (executions billed, the rules' soft limit raised on request).
    const over = fleetOf(project({ prod: stackFile("prod"), staging: stackFile("staging", { ...ownStaging, grafanaCloud: { region: "prod-us-east-0", plan: "pro", quotas: { rulesPerGrafanaStack: 100 } } }) }), "staging");
    expect(fleetProblems(over.settings, over.fleet)).toEqual([]);
    const warnings = fleetWarnings(over.settings, over.fleet).join("\n");
    expect(warnings).toMatch(/fixture\.grafana\.net holds \d+ rules, beyond the pro plan's soft limit of 100/);
    expect(warnings).toMatch(/the account .* uses [\d,]+ executions a month, beyond the 100,000 the pro plan includes: billed as overage/);
    const raised = fleetOf(project({ prod: stackFile("prod"), staging: stackFile("staging", { ...ownStaging, grafanaCloud: { region: "prod-us-east-0", quotas: { rulesPerGrafanaStack: 1000, smExecutionsPerMonth: 1_000_000 } } }) }), "staging");
    expect(quotasOf(raised.settings).rulesPerGrafanaStack).toBe(1000);
    expect(fleetProblems(raised.settings, raised.fleet)).toEqual([]);
  });

  it("lets a second stack in a Grafana stack of its own through", () => {
    const dir = project({
      prod: stackFile("prod"),
      staging: stackFile("staging", { ...ownStaging, grafanaUrl: "https://fixture-staging.grafana.net", notificationPolicyOwner: "staging", grafanaCloud: { region: "prod-us-east-0", account: "fixture-staging" } }),
    });
    const { settings, fleet } = fleetOf(dir, "staging");
    expect(fleetProblems(settings, fleet)).toEqual([]);
  });
});

describe("Synthetic Monitoring executions per account", () => {
  it("sums every stack in the account and refuses past 100,000 on Free, naming synthetics", () => {
    const dir = project({ prod: stackFile("prod"), staging: stackFile("staging", { ...ownStaging, grafanaUrl: "https://fixture-staging.grafana.net" }) });
    const { settings, fleet } = fleetOf(dir, "staging");
    const executions = budgets(settings, fleet).find((b) => b.quota === "smExecutionsPerMonth");
    expect(executions?.used).toBe(fleet.stacks[0].executions + fleet.stacks[1].executions);
    expect(executions?.used).toBeGreaterThan(PLAN_QUOTAS.free.smExecutionsPerMonth);
    expect(fleetProblems(settings, fleet).map((p) => p.key)).toContain("synthetics");
  });

  it("counts separately for stacks in different accounts, and nothing for a stack without checks", () => {
    const apart = fleetOf(
      project({ prod: stackFile("prod", { grafanaCloud: { region: "prod-us-east-0", account: "a" } }), staging: stackFile("staging", { ...ownStaging, grafanaUrl: "https://s.grafana.net", grafanaCloud: { region: "prod-us-east-0", account: "b" } }) }),
      "staging",
    );
    expect(budgets(apart.settings, apart.fleet).find((b) => b.quota === "smExecutionsPerMonth")?.parts.map((p) => p.stack)).toEqual(["staging"]);
    const noChecks = fleetOf(project({ prod: stackFile("prod"), staging: stackFile("staging", { ...ownStaging, grafanaUrl: "https://s.grafana.net", synthetics: { enabled: false } }) }), "staging");
    expect(noChecks.fleet.stacks[0].executions).toBe(0);
    expect(fleetProblems(noChecks.settings, noChecks.fleet)).toEqual([]);
  });
});

describe("active series and logs, estimated", () => {
  it("adds the Metrics API per target, the checks per probe and the recorded series", () => {
    const { settings, fleet } = fleetOf(project({ prod: stackFile("prod", { metricsScrape: { grafanaStackId: "4242", readReplicas: ["fixtureprodaaaaaaaaa-eu-west-1-abc"] } }) }), "prod");
    const est = settings.grafanaCloud.estimates;
    const usage = fleet.stacks[0];
    expect(usage.series.metricsApi).toBe(2 * est.metricsApiSeriesPerTarget);
    const executed = checkSpecs(settings).filter((c) => c.enabled);
    expect(usage.series.synthetics).toBe(executed.reduce((n, c) => n + c.probes.length, 0) * est.smSeriesPerCheckProbe);
    expect(usage.series.synthetics).toBeGreaterThan(0);
    expect(usage.series.recorded).toBeGreaterThan(0);
    expect(usage.series.total).toBe(usage.series.metricsApi + usage.series.synthetics + usage.series.recorded);
    const series = budgets(settings, fleet).find((b) => b.quota === "activeSeries");
    expect(series?.limit).toBe(PLAN_QUOTAS.free.activeSeries);
  });

  it("refuses an account past 10,000 series, and past 50 GB of logs, naming what to change", () => {
    const heavy = fleetOf(project({ prod: stackFile("prod", { grafanaCloud: { region: "prod-us-east-0", estimates: { metricsApiSeriesPerTarget: 20_000, edgeRequestsPerDay: 2_000_000 } } }) }), "prod");
    const keys = fleetProblems(heavy.settings, heavy.fleet).map((p) => p.key);
    expect(keys).toContain("metricsScrape");
    expect(keys).toContain("grafanaCloud.estimates");
  });
});

describe("a second stack that is its own", () => {
  const copyOfProd = () => project({ prod: stackFile("prod"), staging: stackFile("prod") }, ["prod"]);

  it("refuses a copy of prod's file: prod's project and prod's people, each by its key", () => {
    const { settings, fleet } = fleetOf(copyOfProd(), "staging");
    const problems = fleetProblems(settings, fleet);
    expect(problems.map((p) => p.key)).toEqual(expect.arrayContaining(["supabaseProjectRef", "contacts.onCallEngineer.email", "contacts.leadDeveloper.email", "contacts.productOwner.email"]));
    expect(problems.find((p) => p.key === "supabaseProjectRef")?.problem).toContain("is prod's project (Pulumi.prod.yaml)");
  });

  it("lets a stack share prod's people when its own file says so by its own name, and not a copy of that file", () => {
    const shared = { ...ownStaging, grafanaUrl: "https://s.grafana.net", grafanaCloud: { region: "prod-us-east-0", account: "s" }, contacts: yamlContacts("prod"), sharedContactsStack: "staging" };
    const dir = project({ prod: stackFile("prod"), staging: stackFile("staging", shared), dev: stackFile("dev", { ...shared, supabaseProjectRef: "fixturedevaaaaaaaaaa" }) }, ["prod"]);
    const staging = fleetOf(dir, "staging");
    expect(fleetProblems(staging.settings, staging.fleet)).toEqual([]);
    const dev = fleetOf(dir, "dev");
    expect(fleetProblems(dev.settings, dev.fleet).map((p) => p.key)).toEqual(["contacts.onCallEngineer.email", "contacts.leadDeveloper.email", "contacts.productOwner.email"]);
  });

  function yamlContacts(name: string) {
    return {
      onCallEngineer: { name: "On call", email: `oncall-${name}@fixture.test` },
      leadDeveloper: { name: "Lead", email: `lead-${name}@fixture.test` },
      productOwner: { name: "Owner", email: `owner-${name}@fixture.test` },
      externalSupport: { name: "Supabase support", email: "support@supabase.io" },
    };
  }
});

describe("values derived from one key", () => {
  const validate = (set: Record<string, unknown>, unset: string[] = []) => validateConfig(stackConfigWith({ set, unset }).config, "prod");

  it("derives both Grafana Cloud API URLs from the region, and lets each be set", () => {
    for (const region of ["prod-eu-west-2", "prod-us-east-0", "prod-gb-south-0"]) {
      const { plain } = validate({ grafanaCloud: { region } }, ["smUrl"]);
      expect(plain?.smUrl).toBe(regionUrls(region)?.smUrl);
      expect(plain?.metricsScrape.connectionsApiUrl).toBe(`https://connections-api-${region}.grafana.net`);
    }
    expect(regionUrls("prod-eu-west-2")).toEqual({ smUrl: "https://synthetic-monitoring-api-eu-west-2.grafana.net", connectionsApiUrl: "https://connections-api-prod-eu-west-2.grafana.net" });
    expect(regionUrls("prod-gb-south-0")?.smUrl).toBe("https://synthetic-monitoring-api-gb-south.grafana.net");
    const { plain } = validate({ grafanaCloud: { region: "prod-eu-west-2" }, smUrl: "https://sm.example.test", metricsScrape: { grafanaStackId: "1", connectionsApiUrl: "https://conn.example.test" } });
    expect([plain?.smUrl, plain?.metricsScrape.connectionsApiUrl]).toEqual(["https://sm.example.test", "https://conn.example.test"]);
  });

  it("refuses an unknown region, and a missing one when a URL needs it, naming grafanaCloud.region", () => {
    expect(validate({ grafanaCloud: { region: "prod-mars-north-9" } }).problems.join("\n")).toMatch(/ain-monitoring:grafanaCloud\.region: unknown region 'prod-mars-north-9' \(expected one of prod-us-central-0, /);
    expect(validate({ grafanaCloud: {} }).problems.join("\n")).toMatch(/ain-monitoring:grafanaCloud\.region: required to derive smUrl and metricsScrape\.connectionsApiUrl/);
  });

  it("requires supabaseProjectRef: no project is monitored by default", () => {
    expect(validate({}, ["supabaseProjectRef"]).problems.join("\n")).toMatch(/ain-monitoring:supabaseProjectRef: .*\(not set\)/);
  });

  it("follows the project ref: hosts, the pooler's user name, the functions' URL", () => {
    const ref = "abcdefghijklmnopqrst";
    const direct = validate({ supabaseProjectRef: ref }, ["postgresHost", "postgresUser"]).plain;
    expect([direct?.postgresHost, direct?.postgresUser, direct?.functionsBaseUrl]).toEqual([`db.${ref}.supabase.co`, "grafana_readonly", `https://${ref}.supabase.co/functions/v1`]);
    const pooled = validate({ supabaseProjectRef: ref, postgresHost: "aws-0-eu-central-1.pooler.supabase.com" }, ["postgresUser"]).plain;
    expect(pooled?.postgresUser).toBe(`grafana_readonly.${ref}`);
    expect(validate({ supabaseProjectRef: ref, postgresUser: "grafana_readonly.zyxwvutsrqponmlkjihg" }).problems.join("\n")).toMatch(
      new RegExp(`ain-monitoring:postgresUser: names project zyxwvutsrqponmlkjihg, but supabaseProjectRef is ${ref}`),
    );
  });

  it("says where the per-stack execution budget went", () => {
    expect(validate({ synthetics: { monthlyExecutionBudget: 5 } }).problems.join("\n")).toMatch(/ain-monitoring:synthetics\.monthlyExecutionBudget: no longer read; .*grafanaCloud\.quotas\.smExecutionsPerMonth/);
  });
});

it("counts SM per-check alerts as the component makes them", async () => {
  const settings = await settingsFor();
  expect(stackUsage(settings).rules.smCheckAlerts).toBe(checkSpecs(settings).reduce((n, c) => n + checkAlerts(c, settings).length, 0));
});

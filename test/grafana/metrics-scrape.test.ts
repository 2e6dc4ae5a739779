import { beforeAll, describe, expect, it } from "vitest";
import { SUPABASE_SECRET_KEY_ENV, supabaseSecretKey } from "../../src/grafana/metricsScrape";
import { runStack, runValidStack, type StackChanges, type StackRun } from "../support/offline";

/**
 * The Supabase Metrics API reaches Grafana Cloud through scrape jobs declared here: one per
 * database instance, each authenticated as service_role with the project's secret key, which
 * stays a Pulumi secret all the way.
 */
const JOB = "grafana:connections/metricsEndpointScrapeJob:MetricsEndpointScrapeJob";
/** The test's own project, so nothing here depends on the values in Pulumi.prod.yaml. */
const REF = "fixturescrapeaaaaaaa";
const REPLICAS = [`${REF}-eu-west-1-abcdef`, `${REF}-us-east-1-f00baa`];

describe("scraping the Supabase Metrics API", () => {
  let run: StackRun;
  beforeAll(async () => {
    process.env[SUPABASE_SECRET_KEY_ENV] = "sb_secret_SENTINEL";
    try {
      run = await runValidStack({
        set: { supabaseProjectRef: REF, metricsScrape: { grafanaStackId: "1234567", connectionsApiUrl: "https://connections-api-prod-eu-west-2.grafana.net", readReplicas: REPLICAS } },
        unset: ["postgresUser"],
      });
    } finally {
      delete process.env[SUPABASE_SECRET_KEY_ENV];
    }
  });

  it("has one job for the primary and one for each read replica, each its own target", () => {
    const jobs = run.ofType(JOB).map((j) => j.inputs);
    expect(jobs.map((j) => j.url)).toEqual([
      `https://${REF}.supabase.co/customer/v1/privileged/metrics`,
      ...REPLICAS.map((r) => `https://${r}.supabase.co/customer/v1/privileged/metrics`),
    ]);
    expect(new Set(jobs.map((j) => j.name)).size).toBe(jobs.length);
    for (const job of jobs) expect(job).toMatchObject({ stackId: "1234567", enabled: true, authenticationMethod: "basic", authenticationBasicUsername: "service_role", scrapeIntervalSeconds: 60 });
  });

  it("keeps the secret key a secret from the deploy job's environment to the resource, and takes no connections token from the stack", () => {
    for (const job of run.ofType(JOB)) expect(job.secretPaths).toEqual(["authenticationBasicPassword"]);
    const provider = run.one("pulumi:providers:grafana");
    // The provider reads GRAFANA_CONNECTIONS_API_ACCESS_TOKEN from the deploy job's environment.
    expect(provider.inputs.connectionsApiAccessToken).toBeUndefined();
    expect(provider.inputs.connectionsApiUrl).toBe("https://connections-api-prod-eu-west-2.grafana.net");
    expect(JSON.stringify(run.recording)).not.toContain("SENTINEL");
  });

  it("lets a preview run without the key, and refuses an up without it, naming the variable", () => {
    expect(supabaseSecretKey({}, true).fromEnvironment).toBe(false);
    expect(() => supabaseSecretKey({}, false)).toThrow(/SUPABASE_SECRET_KEY is not set: 'pulumi up' needs the Supabase project's secret key/);
    expect(supabaseSecretKey({ [SUPABASE_SECRET_KEY_ENV]: "sb_secret_x" }, false).fromEnvironment).toBe(true);
  });

  it("takes the connections API and the Synthetic Monitoring API from one region key, so they cannot disagree", async () => {
    const region = "prod-gb-south-0";
    const derived = await runValidStack({ set: { grafanaCloud: { region }, metricsScrape: { grafanaStackId: "1" } }, unset: ["smUrl"] });
    const provider = derived.one("pulumi:providers:grafana").inputs;
    expect(provider.connectionsApiUrl).toBe(`https://connections-api-${region}.grafana.net`);
    // The provider's own exception for this region (terraform-provider-grafana smAPIURLsExceptions).
    expect(provider.smUrl).toBe("https://synthetic-monitoring-api-gb-south.grafana.net");
    const variables = derived.ofType("github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable").filter((v) => v.inputs.variableName === "GRAFANA_SM_URL");
    expect(variables.map((v) => v.inputs.value)).toEqual(variables.map(() => provider.smUrl));
  });

  it("declares nothing, and asks for no connections credential, when turned off", async () => {
    const off = await runValidStack({ set: { metricsScrape: { enabled: false } } });
    expect(off.ofType(JOB)).toEqual([]);
    expect(off.one("pulumi:providers:grafana").inputs.connectionsApiUrl).toBeUndefined();
  });
});

describe("a wrong scrape setting stops the plan and names its key", () => {
  const cases: { what: string; changes: StackChanges; key: string; expected: RegExp }[] = [
    { what: "no stack id", changes: { set: { metricsScrape: { connectionsApiUrl: "https://connections-api-prod-eu-west-2.grafana.net" } } }, key: "metricsScrape.grafanaStackId", expected: /required while metricsScrape.enabled/ },
    { what: "a stack id that is a name", changes: { set: { metricsScrape: { grafanaStackId: "ain", connectionsApiUrl: "https://c.grafana.net" } } }, key: "metricsScrape.grafanaStackId", expected: /numeric Grafana Cloud stack id/ },
    { what: "a plain-http connections API", changes: { set: { metricsScrape: { grafanaStackId: "1", connectionsApiUrl: "http://c.grafana.net" } } }, key: "metricsScrape.connectionsApiUrl", expected: /https:\/\/ URL/ },
    { what: "a scrape every 45 s", changes: { set: { metricsScrape: { grafanaStackId: "1", connectionsApiUrl: "https://c.grafana.net", intervalSeconds: 45 } } }, key: "metricsScrape.intervalSeconds", expected: /30, 60 or 120/ },
    { what: "a replica given as a URL", changes: { set: { metricsScrape: { grafanaStackId: "1", connectionsApiUrl: "https://c.grafana.net", readReplicas: ["https://x.supabase.co"] } } }, key: "metricsScrape.readReplicas[0]", expected: /read replica identifier/ },
    { what: "the secret key put in the stack", changes: { secrets: { supabaseSecretKey: "sb_secret_x" } }, key: "supabaseSecretKey", expected: /no longer read from the stack, whose config every preview can decrypt; the deploy job passes it as SUPABASE_SECRET_KEY/ },
  ];
  it.each(cases)("$what: names ain-monitoring:$key and registers nothing", async ({ changes, key, expected }) => {
    const result = await runStack(changes);
    expect(result.error?.message).toContain(`ain-monitoring:${key}`);
    expect(result.error?.message).toMatch(expected);
    expect(result.error?.message).toContain("Pulumi.prod.yaml");
    expect(result.resources).toEqual([]);
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Settings } from "../../src/config/load";
import { readStackConfig } from "../../src/offline/stackConfig";
import { FIXTURE_PROJECT, runStack, settingsFor, type StackChanges } from "../support/offline";
import { tempDir } from "../support/processes";

/**
 * Each wrong value must stop the program before it registers anything, with a message that names
 * the full key path, the stack file and what was expected.
 */
interface BadCase {
  what: string;
  changes: StackChanges;
  key: string;
  expected: RegExp;
}

const contacts = {
  onCallEngineer: { name: "On call", email: "oncall@ain-mvp.example" },
  leadDeveloper: { name: "Lead", email: "lead@ain-mvp.example" },
  productOwner: { name: "PO", email: "po@ain-mvp.example" },
  externalSupport: { name: "Supabase", email: "support@supabase.io" },
};
const runbook = (section: string, values: Record<string, unknown>) => ({ set: { runbook: { [section]: values } } });

const cases: BadCase[] = [
  { what: "grafanaUrl over plain http", changes: { set: { grafanaUrl: "http://ain.grafana.net" } }, key: "ain-monitoring:grafanaUrl", expected: /https:\/\/ URL/ },
  { what: "grafanaUrl not a URL", changes: { set: { grafanaUrl: "ain.grafana.net" } }, key: "ain-monitoring:grafanaUrl", expected: /https:\/\/ URL/ },
  { what: "grafanaUrl missing", changes: { unset: ["grafanaUrl"] }, key: "ain-monitoring:grafanaUrl", expected: /not set/ },
  { what: "runbookUrl missing", changes: { unset: ["runbookUrl"] }, key: "ain-monitoring:runbookUrl", expected: /not set/ },
  { what: "smUrl not https", changes: { set: { smUrl: "ftp://sm.example" } }, key: "ain-monitoring:smUrl", expected: /https:\/\/ URL/ },
  { what: "folderUid with capitals", changes: { set: { folderUid: "AIN Monitoring" } }, key: "ain-monitoring:folderUid", expected: /lowercase slug/ },
  { what: "project ref too short", changes: { set: { supabaseProjectRef: "xltx" } }, key: "ain-monitoring:supabaseProjectRef", expected: /20 lowercase letters/ },
  { what: "postgresPort out of range", changes: { set: { postgresPort: 70000 } }, key: "ain-monitoring:postgresPort", expected: /<=65535/ },
  { what: "postgresPort not a number", changes: { set: { postgresPort: "five" } }, key: "ain-monitoring:postgresPort", expected: /expected a number \(got "five"\)/ },
  { what: "postgresPort fractional", changes: { set: { postgresPort: 5432.5 } }, key: "ain-monitoring:postgresPort", expected: /whole number/ },
  { what: "postgresUser with a quote", changes: { set: { postgresUser: "admin'--" } }, key: "ain-monitoring:postgresUser", expected: /role name/ },
  { what: "postgresHost with a path", changes: { set: { postgresHost: "db.example/x" } }, key: "ain-monitoring:postgresHost", expected: /host name/ },
  { what: "verify-full without the CA certificate", changes: { unset: ["postgresCaCertFile"] }, key: "ain-monitoring:postgresCaCertFile", expected: /required while postgresSslMode is verify-full .*or set postgresSslMode to require/ },
  { what: "CA certificate file missing", changes: { set: { postgresCaCertFile: "certs/no-such-ca.crt" } }, key: "ain-monitoring:postgresCaCertFile", expected: /cannot read certs\/no-such-ca.crt/ },
  { what: "CA certificate file holds no certificate", changes: { set: { postgresCaCertFile: "test/fixtures/certs/not-a-certificate.pem" } }, key: "ain-monitoring:postgresCaCertFile", expected: /holds no PEM certificate/ },
  { what: "CA certificate file holds a server certificate", changes: { set: { postgresCaCertFile: "test/fixtures/certs/leaf-not-ca.crt" } }, key: "ain-monitoring:postgresCaCertFile", expected: /is not a CA certificate/ },
  { what: "CA certificate given as PEM text, not a path", changes: { set: { postgresCaCertFile: "-----BEGIN CERTIFICATE-----\nMIID" } }, key: "ain-monitoring:postgresCaCertFile", expected: /path of a .crt or .pem file/ },
  { what: "sslmode disable", changes: { set: { postgresSslMode: "disable" } }, key: "ain-monitoring:postgresSslMode", expected: /verify-full|require/ },
  { what: "unknown top-level key", changes: { set: { grafanaURL: "https://x.grafana.net" } }, key: "ain-monitoring:grafanaURL", expected: /unknown key; did you mean ain-monitoring:grafanaUrl/ },
  { what: "unknown runbook section", changes: runbook("latency", {}), key: "ain-monitoring:runbook.latency", expected: /unknown key/ },
  { what: "negative PDF budget", changes: runbook("latencyBudgets", { pdfGenerationSeconds: -10 }), key: "ain-monitoring:runbook.latencyBudgets.pdfGenerationSeconds", expected: />0/ },
  { what: "VIN budget as text", changes: runbook("latencyBudgets", { vinDecodeSeconds: "3s" }), key: "ain-monitoring:runbook.latencyBudgets.vinDecodeSeconds", expected: /expected a number \(got "3s"\); .*'--type float'/ },
  { what: "typo in a latency key", changes: runbook("latencyBudgets", { emailDeliverySecond: 5 }), key: "ain-monitoring:runbook.latencyBudgets.emailDeliverySecond", expected: /unknown key; did you mean ain-monitoring:runbook\.latencyBudgets\.emailDeliverySeconds\?/ },
  { what: "typo three levels down", changes: { set: { contacts: { ...contacts, onCallEngineer: { name: "x", email: "oncall@ain-mvp.example", irmUsrname: "oc" } } } }, key: "ain-monitoring:contacts.onCallEngineer.irmUsrname", expected: /did you mean ain-monitoring:contacts\.onCallEngineer\.irmUsername\?/ },
  { what: "typo in a check schedule", changes: { set: { synthetics: { checks: { vinDecode: { frequencySecond: 600 } } } } }, key: "ain-monitoring:synthetics.checks.vinDecode.frequencySecond", expected: /did you mean ain-monitoring:synthetics\.checks\.vinDecode\.frequencySeconds\?/ },
  { what: "typo under a severity", changes: runbook("severities", { P1: { responseMinute: 60 } }), key: "ain-monitoring:runbook.severities.P1.responseMinute", expected: /did you mean ain-monitoring:runbook\.severities\.P1\.responseMinutes\?/ },
  { what: "a capacity key with no near match", changes: runbook("capacity", { diskPercent: 70 }), key: "ain-monitoring:runbook.capacity.diskPercent", expected: /unknown key; the keys under ain-monitoring:runbook\.capacity are databaseConnectionsPercent, .* and longRunningQuerySeconds/ },
  { what: "typo in a rotated key's name", changes: { set: { rotation: { lastRotated: { resendApiKy: "2026-11-01" } } } }, key: "ain-monitoring:rotation.lastRotated.resendApiKy", expected: /did you mean ain-monitoring:rotation\.lastRotated\.resendApiKey\?/ },
  { what: "execution quota as a word", changes: { set: { grafanaCloud: { region: "prod-eu-west-2", quotas: { smExecutionsPerMonth: "lots" } } } }, key: "ain-monitoring:grafanaCloud.quotas.smExecutionsPerMonth", expected: /expected a number \(got "lots"\)/ },
  { what: "error budget of 100 %", changes: runbook("errorBudgets", { overallPercent: 100 }), key: "ain-monitoring:runbook.errorBudgets.overallPercent", expected: /<100/ },
  { what: "error budget of 0 %", changes: runbook("errorBudgets", { pdfGenerationFailurePercent: 0 }), key: "ain-monitoring:runbook.errorBudgets.pdfGenerationFailurePercent", expected: />0/ },
  { what: "connections over 100 %", changes: runbook("capacity", { databaseConnectionsPercent: 180 }), key: "ain-monitoring:runbook.capacity.databaseConnectionsPercent", expected: /<100/ },
  { what: "storage limit of zero", changes: runbook("capacity", { storagePlanLimitGiB: 0 }), key: "ain-monitoring:runbook.capacity.storagePlanLimitGiB", expected: />0/ },
  { what: "token lifetime of a decade", changes: runbook("sharingTokens", { lifetimeDays: 3650 }), key: "ain-monitoring:runbook.sharingTokens.lifetimeDays", expected: /<=365/ },
  { what: "token lifetime fractional", changes: runbook("sharingTokens", { lifetimeDays: 2.5 }), key: "ain-monitoring:runbook.sharingTokens.lifetimeDays", expected: /whole number/ },
  { what: "P1 answered before P0", changes: runbook("severities", { P0: { responseMinutes: 300 } }), key: "ain-monitoring:runbook.severities", expected: /grow from P0 to P3/ },
  { what: "escalation after 0 minutes", changes: runbook("escalation", { leadDeveloperAfterMinutes: 0 }), key: "ain-monitoring:runbook.escalation.leadDeveloperAfterMinutes", expected: />0/ },
  { what: "runbook not an object", changes: { set: { runbook: "[1,2]" } }, key: "ain-monitoring:runbook", expected: /expected object/ },
  { what: "contacts missing", changes: { unset: ["contacts"] }, key: "ain-monitoring:contacts", expected: /not set; expected an object with onCallEngineer, leadDeveloper, productOwner and externalSupport/ },
  { what: "product owner missing", changes: { set: { contacts: { ...contacts, productOwner: undefined } } }, key: "ain-monitoring:contacts.productOwner", expected: /not set; expected an object with name and email \(optional: irmUsername\)/ },
  { what: "on-call email invalid", changes: { set: { contacts: { ...contacts, onCallEngineer: { name: "x", email: "oncall at ain" } } } }, key: "ain-monitoring:contacts.onCallEngineer.email", expected: /email address/ },
  { what: "product owner without a name", changes: { set: { contacts: { ...contacts, productOwner: { name: "", email: "po@ain-mvp.example" } } } }, key: "ain-monitoring:contacts.productOwner.name", expected: /too small|>=1/i },
  { what: "lead developer given as a name only", changes: { set: { contacts: { ...contacts, leadDeveloper: "Lead" } } }, key: "ain-monitoring:contacts.leadDeveloper", expected: /expected object/ },
  { what: "external support url over http", changes: { set: { contacts: { ...contacts, externalSupport: { ...contacts.externalSupport, url: "http://support" } } } }, key: "ain-monitoring:contacts.externalSupport.url", expected: /https:\/\/ URL/ },
  { what: "paging flag as text", changes: { set: { paging: { irm: "yes" } } }, key: "ain-monitoring:paging.irm", expected: /expected boolean/ },
  { what: "webhook paging without its secret", changes: { set: { paging: { webhook: true } } }, key: "ain-monitoring:pagingWebhookUrl", expected: /required secret is not set \(paging.webhook is true\)/ },
  { what: "PagerDuty paging without its key", changes: { set: { paging: { pagerduty: true } } }, key: "ain-monitoring:pagerdutyIntegrationKey", expected: /required secret/ },
  { what: "IRM paging without IRM user names", changes: { set: { paging: { irm: true }, oncallUrl: "https://oncall.example" } }, key: "ain-monitoring:contacts.onCallEngineer.irmUsername", expected: /required when paging.irm is true/ },
  { what: "IRM paging without its API URL", changes: { set: { paging: { irm: true } } }, key: "ain-monitoring:oncallUrl", expected: /required when paging.irm is true/ },
  { what: "paging webhook over plain http", changes: { set: { paging: { webhook: true } }, secrets: { pagingWebhookUrl: "http://pager.example/hook" } }, key: "ain-monitoring:pagingWebhookUrl", expected: /expected an https:\/\/ URL.*not shown/ },
  { what: "paging webhook not a URL", changes: { set: { paging: { webhook: true } }, secrets: { pagingWebhookUrl: "pager.example/hook" } }, key: "ain-monitoring:pagingWebhookUrl", expected: /expected an https:\/\/ URL/ },
  { what: "maintenance ending before it starts", changes: { set: { maintenance: { start: "05:00", end: "04:00" } } }, key: "ain-monitoring:maintenance", expected: /start before end/ },
  { what: "maintenance on a made-up day", changes: { set: { maintenance: { weekdays: ["caturday"] } } }, key: "ain-monitoring:maintenance.weekdays[0]", expected: /expected one of/ },
  { what: "maintenance time not HH:MM", changes: { set: { maintenance: { start: "2am" } } }, key: "ain-monitoring:maintenance.start", expected: /HH:MM/ },
  { what: "function name with a slash", changes: { set: { functions: { pdfGeneration: "functions/v1/pdf" } } }, key: "ain-monitoring:functions.pdfGeneration", expected: /edge function name/ },
  { what: "health check ratio above 1", changes: runbook("failureModes", { healthCheckMinSuccessRatio: 1.5 }), key: "ain-monitoring:runbook.failureModes.healthCheckMinSuccessRatio", expected: /<=1/ },
  { what: "GitHub owner with a leading dash", changes: { set: { github: { owner: "-ain", reviewers: { teams: ["ops"] } } } }, key: "ain-monitoring:github.owner", expected: /GitHub login/ },
  { what: "GitHub owner missing", changes: { set: { github: { reviewers: { teams: ["ops"] } } } }, key: "ain-monitoring:github.owner", expected: /required while github.enabled is true/ },
  { what: "repository given as owner/name", changes: { set: { github: { owner: "ain-mvp", repository: "ain-mvp/ain-monitoring", reviewers: { teams: ["ops"] } } } }, key: "ain-monitoring:github.repository", expected: /without the owner/ },
  { what: "no production reviewers", changes: { set: { github: { owner: "ain-mvp" } } }, key: "ain-monitoring:github.reviewers", expected: /at least one user or team/ },
  { what: "reviewer login with a space", changes: { set: { github: { owner: "ain-mvp", reviewers: { users: ["lead dev"] } } } }, key: "ain-monitoring:github.reviewers.users[0]", expected: /GitHub login/ },
  { what: "seven reviewers", changes: { set: { github: { owner: "ain-mvp", reviewers: { users: ["a", "b", "c", "d"], teams: ["e", "f", "g"] } } } }, key: "ain-monitoring:github.reviewers", expected: /at most 6 reviewers/ },
  { what: "wait timer over 30 days", changes: { set: { github: { owner: "ain-mvp", reviewers: { teams: ["ops"] }, waitTimerMinutes: 50000 } } }, key: "ain-monitoring:github.waitTimerMinutes", expected: /<=43200/ },
  { what: "a GitHub token in the stack", changes: { secrets: { githubToken: "t" } }, key: "ain-monitoring:githubToken", expected: /no longer read from the stack.*GITHUB_TOKEN/ },
  { what: "the Resend key in the stack", changes: { secrets: { resendApiKey: "t" } }, key: "ain-monitoring:resendApiKey", expected: /application's repository/ },
  { what: "a Pulumi access token in the stack", changes: { secrets: { pulumiAccessToken: "t" } }, key: "ain-monitoring:pulumiAccessToken", expected: /OIDC/ },
  { what: "an IRM token in the stack", changes: { secrets: { oncallAccessToken: "t" } }, key: "ain-monitoring:oncallAccessToken", expected: /GRAFANA_ONCALL_ACCESS_TOKEN/ },
  { what: "access team missing", changes: { unset: ["access"] }, key: "ain-monitoring:access", expected: /expected an object with team/ },
  { what: "rotation date not a date", changes: { set: { rotation: { lastRotated: { grafanaAuth: "last week" } } } }, key: "ain-monitoring:rotation.lastRotated.grafanaAuth", expected: /YYYY-MM-DD/ },
  { what: "rotation date for an unknown key", changes: { set: { rotation: { lastRotated: { stripeKey: "2026-11-01" } } } }, key: "ain-monitoring:rotation.lastRotated.stripeKey", expected: /unknown key/ },
  { what: "rotation every fortnight", changes: { set: { rotation: { every: "fortnight" } } }, key: "ain-monitoring:rotation.every", expected: /expected one of/ },
  { what: "the Grafana Admin token in the stack", changes: { secrets: { grafanaAuth: "glsa_x" } }, key: "ain-monitoring:grafanaAuth", expected: /GRAFANA_AUTH from the environment/ },
  { what: "database password empty", changes: { secrets: { postgresPassword: "  " } }, key: "ain-monitoring:postgresPassword", expected: /required secret is not set/ },
  // logDrain.streamSelector, parsed with Grafana's LogQL grammar (src/config/logql.ts).
  ...(
    [
      ["with a line filter", '{source="supabase"} |= "error"', /must be a stream selector alone: .*remove any '\|' stage/],
      ["with a parser stage", '{source="supabase"} | json', /must be a stream selector alone/],
      ["as a metric query", 'sum(count_over_time({source="supabase"}[5m]))', /not a metric query/],
      ["unclosed", '{source="supabase"', /is not valid LogQL \(syntax error at character \d+\)/],
      ["with an unquoted value", "{source=supabase}", /is not valid LogQL/],
      ["empty", "{}", /is not valid LogQL/],
      ["with a trailing brace", '{source="supabase"}}', /is not valid LogQL/],
      ["a label name only", "source", /is not valid LogQL|stream selector alone/],
      ["matching every stream", '{source=~".*"}', /at least one matcher that does not match an empty value/],
      ["with negative matchers only", '{source!="postgres", service!~"auth"}', /at least one matcher that does not match an empty value/],
      ["with an empty value", '{source=""}', /at least one matcher that does not match an empty value/],
    ] as const
  ).map(([what, streamSelector, expected]): BadCase => ({ what: `stream selector ${what}`, changes: { set: { logDrain: { streamSelector } } }, key: "ain-monitoring:logDrain.streamSelector", expected })),
  // Go template syntax in config text that reaches alert descriptions and notification messages.
  ...(
    [
      ["a contact's name", { contacts: { ...contacts, onCallEngineer: { name: "{{ .Status }}", email: "oncall@ain-mvp.example" } } }, "contacts.onCallEngineer.name"],
      ["the external support name", { contacts: { ...contacts, externalSupport: { name: 'Supabase {{ template "x" }}', email: "support@supabase.io" } } }, "contacts.externalSupport.name"],
      ["a closing delimiter alone", { contacts: { ...contacts, productOwner: { name: "PO }}", email: "po@ain-mvp.example" } } }, "contacts.productOwner.name"],
      ["the stream selector's value", { logDrain: { streamSelector: '{source="supabase", service="{{ .Labels.x }}"}' } }, "logDrain.streamSelector"],
      ["the runbook URL", { runbookUrl: "https://github.com/ain-mvp/ain-mvp/blob/main/runbook.md#{{.x}}" }, "runbookUrl"],
      ["the rotation reason", { rotation: { rotateNow: "{{ breach }}" } }, "rotation.rotateNow"],
    ] as const
  ).map(([what, set, key]): BadCase => ({ what: `Go template syntax in ${what}`, changes: { set }, key: `ain-monitoring:${key}`, expected: /contains '\{\{' or '\}\}': Grafana renders .* as Go templates.*expected plain text/ })),
];

/**
 * `pulumi config set --path a.b 0.3` writes the string "0.3" (Pulumi keeps only integers and
 * booleans as such): where the schema expects a number it is taken as one, and nowhere else.
 */
describe("values as `pulumi config set --path` writes them", () => {
  interface TextCase {
    what: string;
    changes: StackChanges;
    read: (s: Settings) => unknown;
    expected: unknown;
  }
  const textCases: TextCase[] = [
    { what: "a decimal error budget", changes: runbook("errorBudgets", { pdfGenerationFailurePercent: "0.3" }), read: (s) => s.runbook.errorBudgets.pdfGenerationFailurePercent, expected: 0.3 },
    { what: "a decimal latency budget", changes: runbook("latencyBudgets", { pdfGenerationSeconds: "12.5" }), read: (s) => s.runbook.latencyBudgets.pdfGenerationSeconds, expected: 12.5 },
    { what: "a severity factor in exponent form", changes: runbook("failureModes", { severeLatencyFactor: "2.5e0" }), read: (s) => s.runbook.failureModes.severeLatencyFactor, expected: 2.5 },
    { what: "a function name made of digits stays text", changes: { set: { functions: { vinDecode: "2024" } } }, read: (s) => s.functions.vinDecode, expected: "2024" },
    { what: "a test valuation field stays text where text is allowed", changes: { set: { synthetics: { testValuation: { vin: "1HGCM82633A004352", mileage_km: "85000" } } } }, read: (s) => s.synthetics.testValuation.mileage_km, expected: "85000" },
    { what: "a contact name made of digits stays text", changes: { set: { contacts: { ...contacts, productOwner: { name: "007", email: "po@ain-mvp.example" } } } }, read: (s) => s.contacts.productOwner.name, expected: "007" },
  ];
  it.each(textCases)("$what", async ({ changes, read, expected }) => {
    expect(read(await settingsFor(changes))).toBe(expected);
  });
});

/** Stream selectors Loki takes, including the regex matcher that reads both of the drain's service names. */
describe("stream selectors that are accepted", () => {
  it.each([
    '{source="supabase", service=~"function_edge_logs|deno-relay-logs"}',
    '{source="supabase", service="function_edge_logs"}',
    '{ source = "supabase" , service !~ "postgres.*" }',
    "{source=`supabase`}",
  ])("%s", async (streamSelector) => {
    expect((await settingsFor({ set: { logDrain: { streamSelector } } })).logDrain.streamSelector).toBe(streamSelector);
  });
});

/** The stack file itself: broken YAML and a stack that does not exist say where and what to do. */
describe("a stack file that cannot be read", () => {
  const broken = (name: string, lines: string[]) => {
    const file = path.join(tempDir("yaml"), name);
    fs.writeFileSync(file, lines.join("\n") + "\n");
    return file;
  };
  interface YamlCase {
    what: string;
    lines: string[];
    expected: RegExp;
  }
  const yamlCases: YamlCase[] = [
    { what: "a key given twice", lines: ["config:", "  ain-monitoring:grafanaUrl: https://a.grafana.net", "  ain-monitoring:grafanaUrl: https://b.grafana.net"], expected: /Pulumi\.dup\.yaml:3:3: Map keys must be unique; fix the YAML at line 3, column 3 of .*Pulumi\.dup\.yaml/ },
    { what: "a tab for indentation", lines: ["config:", "\tain-monitoring:grafanaUrl: https://a.grafana.net"], expected: /Pulumi\.dup\.yaml:2:1: .*[Tt]ab/ },
    { what: "an unclosed quote", lines: ["config:", '  ain-monitoring:runbookUrl: "https://example.org/runbook.md'], expected: /Pulumi\.dup\.yaml:\d+:\d+: Missing closing "quote; fix the YAML at line \d+, column \d+/ },
    { what: "config given as a list", lines: ["config:", "  - ain-monitoring:grafanaUrl"], expected: /Pulumi\.dup\.yaml: expected a 'config:' map/ },
  ];
  it.each(yamlCases)("$what: names the file, line and column", ({ lines, expected }) => {
    const file = broken("Pulumi.dup.yaml", lines);
    expect(() => readStackConfig(FIXTURE_PROJECT, "dup", file)).toThrow(expected);
  });

  it("an unknown stack lists the stacks there are and how to make one", () => {
    expect(() => readStackConfig(FIXTURE_PROJECT, "no-such-stack")).toThrow(
      /no stack file Pulumi\.no-such-stack\.yaml.*\n\s+Stacks with a file: prod, tuned .*\n.*'pulumi stack init no-such-stack'.*\n\s+cp Pulumi\.prod\.yaml Pulumi\.no-such-stack\.yaml/,
    );
  });
});

describe("a wrong config value", () => {
  it("has at least 25 distinct cases, each about a different key or value", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((c) => c.what)).size).toBe(cases.length);
  });

  it.each(cases)("$what: names $key and registers nothing", async ({ changes, key, expected }) => {
    const run = await runStack(changes);
    expect(run.error?.name).toBe("ConfigError");
    const message = run.error?.message ?? "";
    expect(message).toContain("Invalid configuration in Pulumi.prod.yaml");
    const line = message.split("\n").find((l) => l.includes(`- ${key}:`));
    expect(line, message).toBeDefined();
    expect(line).toMatch(expected);
    expect(run.resources).toEqual([]);
  });

  it("reports every problem at once, not just the first", async () => {
    const run = await runStack({ set: { grafanaUrl: "http://x", postgresPort: -1, folderUid: "X" } });
    expect(run.error?.message).toMatch(/\(3 problems\)/);
  });

  it("reports template syntax together with the other problems of the file", async () => {
    const run = await runStack({ set: { postgresPort: -1, contacts: { ...contacts, leadDeveloper: { name: "{{ .Status }}", email: "lead@ain-mvp.example" } } } });
    expect(run.error?.message).toMatch(/\(2 problems\)/);
    expect(run.error?.message).toMatch(/- ain-monitoring:contacts\.leadDeveloper\.name: contains '\{\{' or '\}\}'/);
    expect(run.resources).toEqual([]);
  });

  it("never echoes a secret value in the message", async () => {
    const run = await runStack({ secrets: { grafanaAuth: "glsa_sentinel_do_not_print", pagingWebhookUrl: "http://sentinel_do_not_print.example" }, set: { grafanaUrl: "nope", paging: { webhook: true } } });
    expect(run.error?.message).toContain("ain-monitoring:grafanaUrl");
    expect(run.error?.message).toContain("ain-monitoring:pagingWebhookUrl");
    expect(run.error?.message).not.toContain("sentinel_do_not_print");
  });
});

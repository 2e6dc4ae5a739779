import { z } from "zod";
import { streamSelectorProblem } from "./logql";
import { runbookModel } from "./runbook";
import { GRAFANA_CLOUD_REGIONS, isKnownRegion } from "./regions";
import { alertNames } from "../alerts/names";

/**
 * Every key of the `ain-monitoring` config namespace, validated once before anything is
 * registered. Plain keys are parsed here; secret keys are listed in `secretKeys` and never pass
 * through zod's output, so their values stay Pulumi secrets (see `load.ts`).
 *
 * Scalar keys are also declared, with type and description, in `Pulumi.yaml` (a test keeps the
 * two in step). Object keys cannot be typed there — Pulumi's project schema knows only string,
 * integer, boolean and array — so this file is their only declaration.
 */

export const PROJECT = "ain-monitoring";

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, "expected a lowercase slug of 3 to 40 letters, digits and dashes");
const httpsUrl = z.url({ protocol: /^https$/, error: "expected an https:// URL" });
const hostname = z.string().regex(/^[a-zA-Z0-9.-]+$/, "expected a host name such as db.<ref>.supabase.co");

const person = z.strictObject({
  name: z.string().min(1).describe("Who they are, as shown in notifications."),
  irmUsername: z.string().min(1).optional().describe("Their Grafana IRM user name; needed when paging.irm is on."),
  email: z.email({ error: "expected an email address" }).describe("Where their notifications go."),
});

export const contacts = z
  .strictObject({
    onCallEngineer: person.describe("First in the runbook's contact chain: immediate response."),
    leadDeveloper: person.describe("Second: paged when the on-call engineer has not answered within runbook.escalation.leadDeveloperAfterMinutes."),
    productOwner: person.describe("Third: business decisions."),
    externalSupport: person
      .extend({
        irmUsername: z.string().min(1).optional().describe("Their Grafana IRM user name, if they have one; never paged, so never required."),
        url: httpsUrl.optional().describe("The vendor's support page, linked from notifications."),
      })
      .describe("Fourth: vendor-specific issues (Supabase, Resend)."),
  })
  .describe("The runbook's contact chain. The runbook leaves the people as placeholders, so every stack names them.");

export const paging = z
  .strictObject({
    irm: z.boolean().default(false).describe("Page through Grafana IRM (OnCall) and build the runbook's escalation chain there."),
    webhook: z.boolean().default(false).describe("Page through the webhook in the pagingWebhookUrl secret."),
    pagerduty: z.boolean().default(false).describe("Page through PagerDuty with the pagerdutyIntegrationKey secret."),
  })
  .prefault({})
  .describe("How P0 and P1 alerts page a person. Email is always on.");

const functionName = z.string().regex(/^[a-z0-9][a-z0-9-_]{0,62}$/, "expected an edge function name such as generate-valuation-pdf");

export const functions = z
  .strictObject({
    healthCheck: functionName.default("test-email-integration").describe("The runbook's Quick Health Check function."),
    pdfGeneration: functionName.default("generate-valuation-pdf").describe("Generates valuation PDFs (runbook § PDF Generation Failures)."),
    emailDelivery: functionName
      .default("send-valuation-email")
      .describe("Sends the valuation email through Resend. The runbook does not name it; set the deployed name."),
    vinDecode: functionName.default("decode-vin").describe("Decodes a VIN. The runbook does not name it; set the deployed name."),
    sharedReport: functionName
      .default("get-shared-report")
      .describe("Serves a report behind a public sharing token. The runbook does not name it; set the deployed name."),
  })
  .prefault({})
  .describe("The edge functions the runbook talks about, by their deployed names.");

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected a time as HH:MM");
const weekday = z.enum(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);
export const maintenance = z
  .strictObject({
    weekdays: z.array(weekday).min(1).default(["sunday"]).describe("Days of the planned maintenance window."),
    start: clock.default("02:00").describe("Start of the window, UTC."),
    end: clock.default("04:00").describe("End of the window, UTC."),
  })
  .prefault({})
  .refine((m) => m.start < m.end, { message: "expected start before end" })
  .describe("Planned maintenance: P2 and P3 notifications are muted in this window; P0 and P1 never are.");

const checkSchedule = (frequencySeconds: number, why: string) =>
  z
    .strictObject({
      frequencySeconds: z.number().int().min(60).max(3600).default(frequencySeconds).describe(`How often it runs from each probe. ${why}`),
      enabled: z.boolean().default(true).describe("Turn the check off without losing its history."),
    })
    .prefault({});

export const synthetics = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Deploy the checks to Grafana Synthetic Monitoring (the provider reads GRAFANA_SM_ACCESS_TOKEN from the job's environment)."),
    probes: z
      .array(z.string().min(1))
      .min(1)
      .max(10)
      .default(["Frankfurt", "London"])
      .describe("Probe locations by name, as Grafana Synthetic Monitoring lists them. Two, so one location's network trouble is not an outage."),
    testVin: z.string().regex(/^[A-HJ-NPR-Z0-9]{17}$/, "expected a 17-character VIN (no I, O or Q)").default("1HGCM82633A004352").describe("A known VIN the VIN-decode check sends."),
    testValuation: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .default({ vin: "1HGCM82633A004352", mileage_km: 85000, condition: "good", synthetic_check: true })
      .describe("The test valuation generate-valuation-pdf is called with; synthetic_check lets the function skip emailing it."),
    pdfBodyRegexps: z
      .array(z.string().min(1))
      .default([String.raw`^%PDF-|"success"\s*:\s*true`])
      .describe(
        'Regular expressions the PDF response body must match. By default a PDF document or the app\'s JSON convention {"success": true} (the health check\'s shape), so a 200 saying {"success": false} fails. Not confirmed: set the function\'s real success body.',
      ),
    resendStatusUrl: httpsUrl.default("https://resend-status.com/api/v2/status.json").describe("Resend's status page API (Statuspage format)."),
    checks: z
      .strictObject({
        healthCheck: checkSchedule(120, "Every 2 minutes: the runbook's health check, and one of the two P0 liveness signals."),
        pdfGeneration: checkSchedule(1800, "Every 30 minutes: each run generates a real PDF in the production bucket, so it runs rarely and is not a P0 signal."),
        vinDecode: checkSchedule(120, "Every 2 minutes: the P0 liveness signal that does not depend on Resend."),
        resendStatus: checkSchedule(600, "Every 10 minutes, from one probe: it is Resend's page, not ours."),
      })
      .prefault({}),
    databaseChecks: z
      .array(z.enum(["healthCheck", "pdfGeneration", "vinDecode"]))
      .min(1)
      .default(["vinDecode", "pdfGeneration"])
      .describe(
        `The checks whose functions need the database. With the Metrics API silent, one of them failing at every probe is the database gone (P0 ${alertNames["database-unreachable"]}); all of them passing is the scrape broken (P2 ${alertNames["signal-missing-metrics-api"]}). Not confirmed: decode-vin is assumed to read the database (docs/assumptions.md).`,
      ),
    systemDownChecks: z
      .array(z.enum(["healthCheck", "pdfGeneration", "vinDecode"]))
      .min(1)
      .default(["healthCheck", "vinDecode"])
      .describe(
        "The checks whose latest execution must fail at every probe for the P0 'system completely down'. Two functions with different dependencies (the health check goes through Resend, VIN decode does not), so one function or one vendor failing is never a P0. Each must run often enough to page within runbook.failureModes.systemDownDetectMinutes.",
      ),
    pdfCheckReportKiB: z
      .number()
      .positive()
      .default(200)
      .describe("Size of the report one PDF check run leaves in the 'PDF Valuation Reports' bucket, for the storage the checks add (catalog). Not confirmed: measure one report and set it."),
  })
  .prefault({})
  .describe("Synthetic checks against the edge functions and Resend's status page.");

/** A read replica's identifier, as its Metrics API series label `supabase_identifier`: `<ref>-<region>-<id>`. */
const replicaIdentifier = z.string().regex(/^[a-z]{20}-[a-z0-9-]{3,60}$/, "expected a read replica identifier such as xltxqqzattxogxtqrggt-eu-west-1-abcdef");

const stackIdMessage = "expected the numeric Grafana Cloud stack id (grafana.com > your stack > Details)";
export const metricsScrape = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("Scrape the Supabase Metrics API into Grafana Cloud's Prometheus with Grafana Cloud's metrics endpoint integration (the deploy job supplies SUPABASE_SECRET_KEY and GRAFANA_CONNECTIONS_API_ACCESS_TOKEN: docs/delivery.md § Credentials)."),
    grafanaStackId: z
      .union([z.string().regex(/^\d+$/, stackIdMessage), z.number().int().positive()], { error: stackIdMessage })
      .transform(String)
      .optional().describe("The Grafana Cloud stack's numeric id; required while metricsScrape.enabled is true."),
    connectionsApiUrl: httpsUrl
      .optional()
      .describe("The Grafana Cloud connections API. Default: derived from grafanaCloud.region (https://connections-api-<region>.grafana.net); set it only for a region the project does not list."),
    intervalSeconds: z
      .union([z.literal(30), z.literal(60), z.literal(120)], { error: "expected 30, 60 or 120 (the intervals the scrape job takes)" })
      .default(60)
      .describe("How often each Metrics API is scraped. Supabase suggests once a minute; the alert windows assume it."),
    readReplicas: z
      .array(replicaIdentifier)
      .max(10)
      .default([])
      .describe("Read replica identifiers: each replica is its own Metrics API target, scraped by its own job."),
  })
  .prefault({})
  .describe("Getting the Supabase Metrics API series into Grafana Cloud, as code.");

const githubLogin = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, "expected a GitHub login: letters, digits and single inner dashes, at most 39");
const githubRepo = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "expected a repository name (letters, digits, '.', '_' or '-'), without the owner").refine((r) => r !== "." && r !== "..", "expected a repository name");

/**
 * The clocks of the signals, for the worst-case time to page (src/alerts/timing.ts): how often the
 * paging rules are evaluated, and how long each pipeline takes to make a sample queryable.
 */
export const signals = z
  .strictObject({
    pageEvaluationSeconds: z
      .union([z.literal(10), z.literal(20), z.literal(30), z.literal(60)], { error: "expected 10, 20, 30 or 60 (a multiple of Grafana's 10 s scheduler tick)" })
      .default(10)
      .describe("How often the P0 rules are evaluated. Every other rule runs once a minute; the P0s run faster so a total outage pages within runbook.failureModes.systemDownDetectMinutes in the worst phase of every clock."),
    arrivalDelaySeconds: z
      .strictObject({
        syntheticMonitoring: z.number().int().min(0).max(300).default(15).describe("From the end of a check's execution until its result can be queried. Not confirmed: the agent pushes after every execution."),
        metricsApi: z.number().int().min(0).max(300).default(15).describe("From a Metrics API scrape until its samples can be queried. Not confirmed."),
        logDrain: z.number().int().min(0).max(600).default(60).describe("From a request until its drain line is in Loki. Not confirmed: logflare batches before it sends."),
      })
      .prefault({})
      .describe("How long each pipeline takes to make a sample queryable, in the worst case the team accepts. Each is an assumption to confirm."),
  })
  .prefault({})
  .describe("The signals' clocks, beside the check frequencies and the scrape interval, from which each alert's worst-case time to page is computed.");

export const logDrain = z
  .strictObject({
    streamSelector: z
      .string()
      // Parsed with Grafana's LogQL grammar (src/config/logql.ts), not matched by a pattern.
      .superRefine((value, ctx) => {
        const problem = streamSelectorProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: `${problem}; expected a LogQL stream selector such as {source="supabase", service=~"function_edge_logs|deno-relay-logs"}` });
      })
      .default('{source="supabase", service=~"function_edge_logs|deno-relay-logs"}')
      .describe(
        "The Loki stream of edge-function logs from the Supabase log drain. logflare's Loki adaptor sends source=\"supabase\" and the source's name as service: Supabase calls the table function_edge_logs, logflare's own Supabase mapping deno-relay-logs, so the default matches both. Confirm with a label-values query on service once the drain is set up, then narrow it.",
      ),
    executionTimeField: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "expected a Loki label name such as metadata_execution_time_ms")
      .default("metadata_execution_time_ms")
      .describe(
        "The structured-metadata field holding a request's execution time in milliseconds. The adaptor flattens the record's fields with '_', so function_edge_logs' metadata.execution_time_ms arrives as this; confirm in Explore on one line.",
      ),
  })
  .prefault({})
  .describe("Where the Supabase log drain's edge-function logs arrive in Loki.");

export const github = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Manage the GitHub environments and their secrets (the provider reads GITHUB_TOKEN from the job's environment: docs/delivery.md § Credentials)."),
    owner: githubLogin.optional().describe("The organisation or user that owns the repositories; required while github.enabled is true."),
    repository: githubRepo.default("ain-monitoring").describe("This repository: its workflows run preview and up."),
    appRepository: githubRepo.optional().describe("The AIN application's repository: its production environment gets the SUPABASE_PROJECT_REF variable, as github.appEnvironment.adopt says (its secrets are set by the app team)."),
    reviewers: z
      .strictObject({
        users: z.array(githubLogin).max(6).default([]).describe("GitHub logins who may approve a production deploy."),
        teams: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "expected a team slug")).max(6).default([]).describe("Team slugs who may approve a production deploy."),
      })
      .prefault({})
      .refine((r) => r.users.length + r.teams.length <= 6, { message: "expected at most 6 reviewers in all (GitHub's limit)" })
      .describe("Required reviewers of the production environment (GitHub allows six)."),
    waitTimerMinutes: z.number().int().min(0).max(43200).default(0).describe("Minutes a production deploy waits after approval (GitHub allows up to 30 days)."),
    appEnvironment: z
      .strictObject({
        adopt: z
          .enum(["leave", "import", "manage"])
          .default("leave")
          .describe(
            "What the program does with appRepository's production environment, which usually exists already. leave: nothing. import: adopt it (Pulumi's import option) and keep its reviewers, wait timer and branch policy as they are; only the variables are managed. manage: declare it whole, replacing its reviewers, wait timer and branch policy with this repository's; for a new environment, or once the app team agrees.",
          ),
        existingVariables: z
          .array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "expected a variable name such as SUPABASE_PROJECT_REF"))
          .default([])
          .describe("Variables the environment already has (GitHub refuses to create one twice, 409): imported, then set to the program's value."),
        deploymentPolicyId: z
          .number()
          .int()
          .positive()
          .optional()
          .describe("With adopt manage, the id of the environment's existing 'main' branch policy, imported instead of created (gh api repos/<owner>/<repo>/environments/production/deployment-branch-policies)."),
      })
      .prefault({})
      .describe("Adopting the app repository's production environment instead of replacing it (docs/adopting.md § Adopting what exists)."),
  })
  .prefault({})
  .describe("Where the monitoring is delivered from.");

export const access = z
  .strictObject({
    team: z
      .string()
      .min(1)
      .describe("The Grafana team that owns the monitoring: it edits the AIN folder and its dashboards and may query the PostgreSQL data source. Everyone else in the org views."),
    productTeam: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The Grafana team of the product owner (and whoever else reads the Product dashboard). With restrictPostgresQueries it may query the PostgreSQL data source too, which the Product dashboard's PDF and share counts read; the role behind it exposes no names, tokens or query literals. Without it those panels error for a reader outside access.team.",
      ),
    restrictPostgresQueries: z
      .boolean()
      .default(true)
      .describe(
        "Let only the team (and Admins) query the PostgreSQL data source. Data source permissions exist in Grafana Cloud and Enterprise only; set false on Grafana OSS, where any org member can query it.",
      ),
  })
  .describe("Who may change and who may read what the program declares in Grafana.");

const isoDate = z.iso.date({ error: "expected a date as YYYY-MM-DD" });
export const externalKeyNames = ["grafanaAuth", "smAccessToken", "githubToken", "pulumiAccessToken", "supabaseAccessToken", "resendApiKey"] as const;

export const rotation = z
  .strictObject({
    every: z.enum(["week", "month", "quarter"]).default("month").describe("How often generated secrets rotate, and external keys are due."),
    rotateNow: z
      .string()
      .max(64)
      .default("")
      .describe("Change this (for example to today's date and a reason) to rotate every generated secret at the next `pulumi up`: the runbook's breach response."),
    lastRotated: z
      .partialRecord(z.enum(externalKeyNames), isoDate)
      .default({})
      .describe("When each external key was last rotated (YYYY-MM-DD). The plan warns when one is due; a P3 alert reminds when one is overdue."),
  })
  .prefault({})
  .describe("The runbook's API key rotation.");


const quota = (what: string) => z.number().int().positive().optional().describe(what);
export const grafanaCloud = z
  .strictObject({
    region: z
      .string()
      .regex(/^[a-z0-9-]+$/, "expected a Grafana Cloud region slug such as prod-eu-west-2")
      .optional()
      .describe(
        "The Grafana Cloud stack's region slug (grafana.com > your stack > Details), for example prod-eu-west-2. Derives smUrl and metricsScrape.connectionsApiUrl, so the checks and the scrape job are in one region; required unless both are set.",
      ),
    plan: z
      .enum(["free", "pro"])
      .default("free")
      .describe("The Grafana Cloud plan the team pays for. free: its quotas are hard limits and the plan refuses a config over one. pro: 2000 rules per Grafana stack (a soft limit), the same executions, series and logs included and billed beyond, so the plan warns instead."),
    account: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The grafana.com organisation (account) that holds the stack. Synthetic Monitoring executions, active series and logs are counted per account: stacks that give the same value here, or that all leave it unset, share one budget.",
      ),
    quotas: z
      .strictObject({
        rulesPerGrafanaStack: quota("Grafana-managed rules per Grafana stack, counted from its rule table: alerting, recording and Synthetic Monitoring's per-check alerts. Free: 100; Pro: 2000."),
        smExecutionsPerMonth: quota("Synthetic Monitoring executions a month per account. Free: 100,000."),
        activeSeries: quota("Active metric series per account. Free: 10,000."),
        logsGBPerMonth: quota("Logs ingested a month per account, in GB. Free: 50."),
      })
      .prefault({})
      .describe("Overrides of the plan's quotas, for a negotiated contract or a plan change the project does not know yet."),
    estimates: z
      .strictObject({
        metricsApiSeriesPerTarget: z
          .number()
          .int()
          .positive()
          .default(246)
          .describe(
            "Series one Supabase Metrics API target exposes: 246 sample lines in supabase/supabase-grafana docs/metrics.md (one CPU, one device and one mountpoint per kind, anonymised). A bigger instance has more; measure with count({supabase_project_ref=\"<ref>\"}).",
          ),
        smSeriesPerCheckProbe: z
          .number()
          .int()
          .positive()
          .default(60)
          .describe(
            "Series one HTTP check writes per probe. The blackbox prober's own: 17 measured over http with Debian's prometheus-blackbox-exporter, about 4 more over https (probe_ssl_*, probe_tls_version_info); Synthetic Monitoring adds probe_all_success, the probe_all_duration_seconds histogram and sm_check_info. 60 leaves room; measure with count by (job, probe) ({job=\"<check>\"}).",
          ),
        statusCodesPerFunction: z
          .number()
          .int()
          .positive()
          .default(4)
          .describe("Distinct HTTP status codes one edge function answers with in 5 minutes, for the series a recording rule grouped by status writes."),
        edgeRequestsPerDay: z.number().int().min(0).default(20000).describe("Edge-function requests a day, for the log drain's volume. Not confirmed: read it from the Supabase Dashboard's function invocations."),
        logBytesPerRequest: z.number().int().positive().default(2000).describe("Bytes the log drain ingests per edge-function request (event_message and flattened metadata). Not confirmed: measure in Explore."),
        smLogBytesPerExecution: z.number().int().min(0).default(1500).describe("Bytes of logs Synthetic Monitoring writes per check execution. Not confirmed: measure in Explore on one check."),
      })
      .prefault({})
      .describe("What the budgets estimate from: series per target and per check, traffic, bytes per log line. Each is a guess until measured; the plan says which."),
  })
  .prefault({})
  .describe("The Grafana Cloud plan, region and account the stack lives in: the plan checks every budget (rules, executions, series, logs) against them.");

/** The plain keys, each with its default. Defaults that derive from another key are filled in `load.ts`. */
export const plainSchema = z.strictObject({
  grafanaUrl: httpsUrl.describe("The Grafana Cloud stack, for example https://ain.grafana.net."),
  smUrl: httpsUrl
    .optional()
    .describe("The Synthetic Monitoring API. Default: derived from grafanaCloud.region; set it only for a region the project does not list."),
  prometheusDatasourceUid: z
    .string()
    .min(1)
    .default("grafanacloud-prom")
    .describe("Uid of the Prometheus data source holding the Supabase Metrics API and Synthetic Monitoring series."),
  lokiDatasourceUid: z.string().min(1).default("grafanacloud-logs").describe("Uid of the Loki data source fed by the Supabase log drain."),
  folderUid: slug.optional().describe("Uid of the Grafana folder that holds every dashboard and rule group. Default: ain-monitoring in the unprefixedStack, ain-<stack>-monitoring in the others."),
  supabaseProjectRef: z
    .string()
    .regex(/^[a-z]{20}$/, "expected a Supabase project ref of 20 lowercase letters")
    .describe("The Supabase project this stack monitors (Dashboard > Project Settings > General). Required: no stack monitors a project by default."),
  functionsBaseUrl: httpsUrl.optional().describe("Edge functions base URL. Default: https://<supabaseProjectRef>.supabase.co/functions/v1."),
  oncallUrl: httpsUrl.optional().describe("The Grafana IRM (OnCall) API of the stack's region; needed when paging.irm is on."),
  runbookUrl: httpsUrl.describe("Where the team's operations runbook is rendered; the alert guide and the dashboards link its sections (this plus a heading anchor)."),
  alertGuideUrl: httpsUrl
    .optional()
    .describe(
      "Where docs/alerts.md, the alert response guide, is rendered; each alert's runbook_url is this plus the alert's anchor. Default: https://github.com/<github.owner>/<github.repository>/blob/main/docs/alerts.md when github.owner is set; without either, alerts link the runbook section directly.",
    ),
  postgresHost: hostname.optional().describe("Database host for the PostgreSQL data source. Default: db.<supabaseProjectRef>.supabase.co."),
  postgresPort: z.number().int().min(1).max(65535).default(5432).describe("Database port (5432 direct, 6543 through the pooler)."),
  postgresDatabase: z.string().min(1).default("postgres").describe("Database name."),
  postgresUser: z
    .string()
    .regex(/^[a-z_][a-z0-9_.]*$/, "expected a PostgreSQL role name")
    .optional()
    .describe(
      "The monitoring role of db/monitoring-role.sql. Default: grafana_readonly, or grafana_readonly.<supabaseProjectRef> when postgresHost is Supabase's pooler (*.pooler.supabase.com), which finds the project by that suffix.",
    ),
  postgresSslMode: z
    .enum(["verify-full", "require"])
    .default("verify-full")
    .describe(
      "TLS of the PostgreSQL data source. verify-full checks the server's certificate against postgresCaCertFile and its host name; require encrypts without checking who answers, an explicit opt-out.",
    ),
  postgresCaCertFile: z
    .string()
    .regex(/^[^\0\n]+\.(crt|pem)$/, "expected the path of a .crt or .pem file")
    .optional()
    .describe(
      "Supabase's CA certificate (PEM), as a path relative to the project directory; required while postgresSslMode is verify-full. Download it from the Supabase Dashboard: Project Settings > Database > SSL Configuration.",
    ),
  unprefixedStack: z
    .string()
    .min(1)
    .default("prod")
    .describe(
      "The stack whose Grafana objects keep their unprefixed ain- uids and names (prod's existing history). Every other stack prefixes them with ain-<stack>-, so a stack file copied from prod shares no Grafana object with it.",
    ),
  notificationPolicyOwner: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The one stack that owns the Grafana org's whole notification policy tree (Grafana has exactly one, and the provider replaces all of it), for one grouped notification per person per outage. Every other stack, and every stack when unset, routes each rule through per-rule notification settings and leaves the org's tree alone. A stack name, not a switch, so a file copied from prod cannot take the tree over.",
    ),
  sharedContactsStack: z
    .string()
    .min(1)
    .optional()
    .describe(
      "This stack's own name, to let it notify the same people as the unprefixedStack (prod); without it a stack whose contacts share an email address with prod's is refused. A stack name, not a switch, so a file copied from this one under another name is refused again.",
    ),
  grafanaCloud,
  runbook: runbookModel.describe("Overrides of the runbook's numbers; see the runbook model table."),
  functions,
  synthetics,
  logDrain,
  signals,
  contacts,
  paging,
  maintenance,
  metricsScrape,
  github,
  rotation,
  access,
});

export type PlainSettings = z.infer<typeof plainSchema>;

/** Rules that span keys, checked after each key is valid on its own. Each names the key to fix. */
export function crossKeyProblems(s: PlainSettings): { key: string; problem: string }[] {
  const problems: { key: string; problem: string }[] = [];
  if (s.github.enabled) {
    if (!s.github.owner) problems.push({ key: "github.owner", problem: "required while github.enabled is true (expected the organisation or user that owns the repositories)" });
    if (s.github.reviewers.users.length + s.github.reviewers.teams.length === 0) {
      problems.push({ key: "github.reviewers", problem: "expected at least one user or team: a production deploy needs someone to approve it" });
    }
  }
  if (s.postgresSslMode === "verify-full" && !s.postgresCaCertFile) {
    problems.push({
      key: "postgresCaCertFile",
      problem:
        "required while postgresSslMode is verify-full (expected the path of Supabase's CA certificate, such as certs/supabase-prod-ca-2021.crt, from Dashboard > Project Settings > Database > SSL Configuration; or set postgresSslMode to require to opt out of verifying the server)",
    });
  }
  if (s.metricsScrape.enabled) {
    if (!s.metricsScrape.grafanaStackId) problems.push({ key: "metricsScrape.grafanaStackId", problem: "required while metricsScrape.enabled is true (expected the numeric Grafana Cloud stack id)" });
  }
  // One region for the checks and the scrape job: both URLs derive from grafanaCloud.region unless set.
  const region = s.grafanaCloud.region;
  const needs = [s.synthetics.enabled && !s.smUrl && "smUrl", s.metricsScrape.enabled && !s.metricsScrape.connectionsApiUrl && "metricsScrape.connectionsApiUrl"].filter((k): k is string => Boolean(k));
  if (region !== undefined && !isKnownRegion(region)) {
    problems.push({
      key: "grafanaCloud.region",
      problem: `unknown region '${region}' (expected one of ${GRAFANA_CLOUD_REGIONS.join(", ")}; for a real region missing from src/config/regions.ts, set smUrl and metricsScrape.connectionsApiUrl from grafana.com > your stack > Details)`,
    });
  } else if (region === undefined && needs.length > 0) {
    problems.push({ key: "grafanaCloud.region", problem: `required to derive ${needs.join(" and ")} (expected the stack's region slug, such as prod-eu-west-2, from grafana.com > your stack > Details)` });
  }
  // The pooler finds the project by the role's suffix: a suffix naming another project logs in nowhere.
  const suffix = s.postgresUser?.match(/\.([a-z]{20})$/)?.[1];
  if (suffix && suffix !== s.supabaseProjectRef) {
    problems.push({
      key: "postgresUser",
      problem: `names project ${suffix}, but supabaseProjectRef is ${s.supabaseProjectRef} (expected grafana_readonly.${s.supabaseProjectRef}, or remove the key: it is derived from supabaseProjectRef)`,
    });
  }
  // The P0s' worst-case time to page is checked on the alerts themselves (validate.ts, alerts/timing.ts).
  for (const id of new Set([...s.synthetics.systemDownChecks, ...s.synthetics.databaseChecks])) {
    if (!s.synthetics.checks[id].enabled) problems.push({ key: `synthetics.checks.${id}.enabled`, problem: "expected true: it is listed in synthetics.systemDownChecks or synthetics.databaseChecks" });
  }
  if (s.paging.irm) {
    if (!s.oncallUrl) problems.push({ key: "oncallUrl", problem: "required when paging.irm is true (expected the IRM API URL of the stack's region)" });
    for (const who of ["onCallEngineer", "leadDeveloper", "productOwner"] as const) {
      if (!s.contacts[who].irmUsername) problems.push({ key: `contacts.${who}.irmUsername`, problem: "required when paging.irm is true (expected their Grafana IRM user name)" });
    }
  }
  return problems;
}

/**
 * Secret keys. `requiredWhen` decides, from the validated plain settings, whether a stack must set
 * the key; the message says why.
 */
export interface SecretKeySpec {
  description: string;
  /**
   * Settings are undefined when the plain keys failed validation; answer only what needs none.
   * `isSet` tells whether another secret key has a value, for keys that stand in for each other.
   */
  requiredWhen?: (settings: PlainSettings | undefined, isSet: (key: string) => boolean) => string | undefined;
  /** What is wrong with a value that is set, if anything; never echoes the value. */
  problem?: (value: string) => string | undefined;
}

export const secretKeys = {
  postgresPassword: {
    description: "Password of postgresUser for the PostgreSQL data source.",
    requiredWhen: () => "the PostgreSQL data source always needs it",
  },
  functionsAuthToken: {
    description: "Bearer token the checks send to the edge functions (the project's anon key), when they verify JWTs.",
  },
  pagingWebhookUrl: {
    description: "Webhook that pages the on-call engineer; https only.",
    requiredWhen: (s) => (s?.paging.webhook ? "paging.webhook is true" : undefined),
    // Checked on the raw config value before anything is registered; the message never shows the value.
    problem: (value) => (httpsOnly(value) ? undefined : "expected an https:// URL (a signed page sent over plain http can be read and replayed)"),
  },
  pagerdutyIntegrationKey: {
    description: "PagerDuty Events v2 integration key.",
    requiredWhen: (s) => (s?.paging.pagerduty ? "paging.pagerduty is true" : undefined),
  },
} satisfies Record<string, SecretKeySpec>;

function httpsOnly(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return url.protocol === "https:" && url.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * Credentials that used to be stack config and no longer are. Anyone who can preview a stack can
 * decrypt its config (Pulumi Cloud's Stack Read includes stack:decrypt), so nothing that can change
 * anything lives there: provider credentials come from the job's environment (docs/delivery.md § Credentials).
 */
export const movedSecretKeys: Record<string, string> = {
  grafanaAuth: "the Grafana provider reads GRAFANA_AUTH from the environment: the deploy job's Admin service-account token, the preview's Viewer one",
  smAccessToken: "the Grafana provider reads GRAFANA_SM_ACCESS_TOKEN from the environment of the job that needs it",
  oncallAccessToken: "the Grafana provider reads GRAFANA_ONCALL_ACCESS_TOKEN from the deploy job's environment",
  githubToken: "the GitHub provider reads GITHUB_TOKEN from the environment: the deploy job's delivery token, the preview's read-only one",
  pulumiAccessToken: "the workflows log in to Pulumi Cloud with OIDC (pulumi/auth-actions); no Pulumi token is stored anywhere",
  pulumiConfigPassphrase: "the workflows use Pulumi Cloud only: a passphrase backend cannot give previews less than deploys",
  supabaseAccessToken: "it belongs to the application's repository: set it in its production environment with `gh secret set`",
  resendApiKey: "it belongs to the application's repository: set it in its production environment with `gh secret set`",
  supabaseSecretKey: "the deploy job passes it as SUPABASE_SECRET_KEY from the production environment: it is service_role's key",
  connectionsAccessToken: "the Grafana provider reads GRAFANA_CONNECTIONS_API_ACCESS_TOKEN from the deploy job's environment",
};

/** Plain keys that moved; the message says where. Checked under their parent object. */
export const movedPlainKeys: Record<string, string> = {
  "synthetics.monthlyExecutionBudget":
    "executions are billed per Grafana Cloud account, not per stack: the plan sums every stack sharing the account against grafanaCloud.plan's quota; override it with grafanaCloud.quotas.smExecutionsPerMonth",
};

export type SecretKey = keyof typeof secretKeys;
export const secretKeyNames = Object.keys(secretKeys) as SecretKey[];

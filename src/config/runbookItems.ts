/**
 * Every threshold and failure mode of the runbook that monitoring must catch, with the heading it
 * stands under. The catalog has one row per item, and a test fails when an item has no rule.
 */

/** Runbook headings, exactly as written, so that anchors can be derived as GitHub renders them. */
export const runbookSections = {
  quickHealthCheck: "Quick Health Check",
  keyMetrics: "Key Metrics to Monitor",
  emailServiceDown: "1. Email Service Down",
  pdfGenerationFailures: "2. PDF Generation Failures",
  databaseConnectionIssues: "3. Database Connection Issues",
  publicSharingTokenIssues: "4. Public Sharing Token Issues",
  databaseScaling: "Database Scaling",
  storageScaling: "Storage Scaling",
  severityLevels: "Severity Levels",
  apiKeyRotation: "API Key Rotation",
  dataBreachResponse: "Data Breach Response",
  deploymentChecklist: "Production Deployment Checklist",
} as const;
export type RunbookSection = (typeof runbookSections)[keyof typeof runbookSections];

export interface RunbookItem {
  section: RunbookSection;
  /** What the runbook says, in its words. */
  says: string;
}

export const runbookItems = {
  healthCheck: { section: runbookSections.quickHealthCheck, says: 'test-email-integration answers {"success": true, "email_service_status": "ready"}' },
  systemDown: { section: runbookSections.severityLevels, says: "P0: System completely down" },
  pdfLatency: { section: runbookSections.keyMetrics, says: "PDF Generation: < 10 seconds" },
  emailLatency: { section: runbookSections.keyMetrics, says: "Email Delivery: < 5 seconds" },
  vinLatency: { section: runbookSections.keyMetrics, says: "VIN Decode: < 3 seconds" },
  overallErrorRate: { section: runbookSections.keyMetrics, says: "Overall error rate: < 1%" },
  emailFailureRate: { section: runbookSections.keyMetrics, says: "Email delivery failures: < 2%" },
  pdfFailureRate: { section: runbookSections.keyMetrics, says: "PDF generation failures: < 0.5%" },
  email503s: { section: runbookSections.emailServiceDown, says: "Email delivery failing, 503 errors from email endpoints" },
  pdf500s: { section: runbookSections.pdfGenerationFailures, says: "PDF downloads failing, 500 errors from generate-valuation-pdf" },
  pdfBucket: { section: runbookSections.pdfGenerationFailures, says: 'Check storage bucket "PDF Valuation Reports" exists and is accessible' },
  databaseDown: { section: runbookSections.databaseConnectionIssues, says: "Timeouts, connection refused errors" },
  connections: { section: runbookSections.keyMetrics, says: "Database connections: < 80% of limit (upgrade trigger: > 80% connection utilization)" },
  queryTime: { section: runbookSections.databaseScaling, says: "Query times > 1 second average" },
  longRunningQueries: { section: runbookSections.databaseConnectionIssues, says: "Check for long-running queries; kill them if safe" },
  databaseDisk: { section: runbookSections.databaseScaling, says: "Storage > 80% of limit" },
  storageLimit: { section: runbookSections.storageScaling, says: "Storage usage against the plan limit (> 80% of limit)" },
  storageGrowth: { section: runbookSections.storageScaling, says: "Track storage growth rate" },
  tokenLifetime: { section: runbookSections.publicSharingTokenIssues, says: "Tokens expire after the 30-day limit" },
  keyRotation: { section: runbookSections.apiKeyRotation, says: "Monthly: API key rotation (if policy requires)" },
  invalidTokens: { section: runbookSections.publicSharingTokenIssues, says: '"Invalid token" errors, expired token messages' },
  credentialMisuse: { section: runbookSections.dataBreachResponse, says: "Immediate: revoke compromised API keys; assess the scope of data access" },
  monitoringConfigured: { section: runbookSections.deploymentChecklist, says: "Monitoring alerts configured (and their signals arriving)" },
} as const satisfies Record<string, RunbookItem>;
export type RunbookItemId = keyof typeof runbookItems;

/** The anchor GitHub gives a heading: lower case, punctuation and emoji dropped, spaces to dashes. */
export function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/**
 * What to do first, per runbook section: the runbook's diagnosis and solutions, restated as
 * steps for the person an alert wakes up. The alert response guide (docs/alerts.md) shows the
 * steps of each alert's section, and links the team's runbook for the rest.
 */
export const runbookFirstSteps: Record<RunbookSection, readonly string[]> = {
  [runbookSections.quickHealthCheck]: [
    "Call the health check yourself (`npm run checks -- --only ain-health-check`): a healthy answer is `{\"success\": true, \"email_service_status\": \"ready\"}`.",
    "If it fails, the reason column says whether it was a status, a wrong body or a timeout; go on with the section that matches (email, PDF, database).",
  ],
  [runbookSections.keyMetrics]: [
    "Open the dashboard panel below and find which function, and since when.",
    "Compare the start with the last deploy of that function; if they line up, roll the function back to its previous version (runbook § Emergency Rollback).",
    "Read the function's logs (`supabase functions logs <name>`) for the errors or slow calls behind the number.",
  ],
  [runbookSections.emailServiceDown]: [
    "Check that `RESEND_API_KEY` is still set in the Supabase secrets (`supabase secrets list`).",
    "Check Resend's status page; if Resend itself is down, consider a temporary email provider.",
    "Check the sending domain's authentication and the account's rate limits in the Resend dashboard.",
  ],
  [runbookSections.pdfGenerationFailures]: [
    "Read the logs of generate-valuation-pdf for the failing requests.",
    "Check that the storage bucket \"PDF Valuation Reports\" exists and that its RLS policies let the function write.",
    "Try one simple valuation; if only some fail, look for corrupted valuation data. Redeploy the function if it runs out of memory.",
  ],
  [runbookSections.databaseConnectionIssues]: [
    "Count the client connections by state in `pg_stat_activity` (`backend_type = 'client backend'`; Realtime's walsender and background workers are always there).",
    "List the non-idle queries by `query_start`; cancel or terminate the long-running ones if that is safe.",
    "Check the pooler's settings; if the limit is hit again and again, scale the database.",
  ],
  [runbookSections.publicSharingTokenIssues]: [
    "Look the token up in `public_tokens` and compare `expires_at` with now: tokens live 30 days.",
    "Check the RLS policies on `public_tokens`.",
    "Regenerate the token if it is corrupted.",
  ],
  [runbookSections.databaseScaling]: [
    "Check the Supabase plan's limits against what the panel shows.",
    "Review the slowest statements (`pg_stat_statements`) before paying for a larger instance.",
    "Upgrade when the trigger holds: over 80 % of connections, queries over 1 s on average, or storage over 80 %.",
  ],
  [runbookSections.storageScaling]: [
    "See which bucket grows (`storage.objects` grouped by `bucket_id`).",
    "Clean up old PDFs and compress photos before upgrading the plan.",
  ],
  [runbookSections.deploymentChecklist]: [
    "Find which pipeline is silent from the alert's name: the Metrics API scrape, the Synthetic Monitoring probes, or the log drain.",
    "Metrics API: check the scrape job in Grafana Cloud (Connections > Metrics Endpoint) and that the Supabase secret key it uses is still valid.",
    "Probes: check the checks in Synthetic Monitoring and the probe locations' status. Log drain: check Project Settings > Log Drains in Supabase, then run the drain's LogQL queries from docs/adopting.md, step 5.",
  ],
  [runbookSections.severityLevels]: [
    "Confirm from outside: `npm run checks` and the Supabase status page. If every function fails, check the database first: every function needs it.",
    "If a deploy just went out, roll it back (runbook § Emergency Rollback: edge functions, then migrations, then client).",
    "Update the status page and tell users; call the lead developer if no one has answered within the escalation time.",
  ],
  [runbookSections.dataBreachResponse]: [
    "Revoke first: as postgres, `ALTER ROLE grafana_readonly NOLOGIN` and `pg_terminate_backend` its sessions; rotate its password (postgresPassword).",
    "Assess: Grafana's audit log for who queried the PostgreSQL data source, and what the role wrote (`ain_monitoring.own_writes()`); `lo_unlink` its large objects, `ALTER ROLE grafana_readonly RESET` a changed default.",
    "Re-apply db/monitoring-role.sql, which refuses while the role still owns anything, and document the incident for review.",
  ],
  [runbookSections.apiKeyRotation]: [
    "Generate a new key in the vendor's console and put it where it lives, never in stack config: its GitHub environment secret, `gh secret set <NAME> --env production`, which prompts for the value (the plan names each key's secret; docs/delivery.md § Key rotation).",
    "Test with the new key, then revoke the old one and watch for failures.",
    "Record it: `pulumi config set --path rotation.lastRotated.<key> YYYY-MM-DD`.",
  ],
};

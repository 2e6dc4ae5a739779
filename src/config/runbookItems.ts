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

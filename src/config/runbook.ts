import { z } from "zod";

/**
 * The runbook model: every number in `runbook.md`, named with its unit and defaulted to the
 * runbook's own value. Alerts, dashboards, synthetic checks and the catalog all read these
 * numbers from here, so changing one moves the alert threshold, the panel line and the check
 * timeout together. A stack overrides any of them under the `ain-monitoring:runbook` key.
 */

const positiveSeconds = z.number().positive().max(3600);
const percent = z.number().gt(0).lt(100);

/** "Key Metrics to Monitor" § 1, API Response Times. */
export const latencyBudgets = z
  .strictObject({
    pdfGenerationSeconds: positiveSeconds.default(10).describe("PDF generation must answer within this (runbook: < 10 seconds)."),
    emailDeliverySeconds: positiveSeconds.default(5).describe("Email delivery must answer within this (runbook: < 5 seconds)."),
    vinDecodeSeconds: positiveSeconds.default(3).describe("VIN decode must answer within this (runbook: < 3 seconds)."),
  })
  .prefault({});

/** "Key Metrics to Monitor" § 2, Error Rates. These are SLO budgets: 1 % means a 99 % SLO. */
export const errorBudgets = z
  .strictObject({
    overallPercent: percent.default(1).describe("Overall edge-function error rate budget (runbook: < 1 %)."),
    emailDeliveryFailurePercent: percent.default(2).describe("Email delivery failure budget (runbook: < 2 %)."),
    pdfGenerationFailurePercent: percent.default(0.5).describe("PDF generation failure budget (runbook: < 0.5 %)."),
    lowTrafficGuardRequestsPerHour: z
      .number()
      .int()
      .nonnegative()
      .default(30)
      .describe(
        "Burn-rate alerts stay silent below this many requests per hour, so one failed request at 3 a.m. cannot page. Not in the runbook: about one request every two minutes.",
      ),
  })
  .prefault({});

/** "System Resources" and "Scaling Considerations › Database Scaling" upgrade triggers. */
export const capacity = z
  .strictObject({
    databaseConnectionsPercent: percent.default(80).describe("Connections as a share of max_connections (runbook: < 80 % of limit)."),
    averageQuerySeconds: positiveSeconds.default(1).describe("Average query time (runbook upgrade trigger: > 1 second average)."),
    storagePercent: percent.default(80).describe("Storage as a share of the plan limit (runbook upgrade trigger: > 80 % of limit)."),
    storagePlanLimitGiB: z
      .number()
      .positive()
      .default(100)
      .describe("The Supabase plan's storage limit in GiB. The runbook says 'check Supabase plan limits'; 100 GiB is the Pro plan's included storage."),
    storageDaysToFullWarning: z
      .number()
      .int()
      .positive()
      .default(14)
      .describe("Warn when storage growth will reach the plan limit within this many days. Not in the runbook ('monitor growth rate'): two weeks leaves time to clean up PDFs or upgrade."),
    readOnlyDiskPercent: percent
      .default(95)
      .describe("Supabase switches the database to read-only when its disk reaches this share (supabase.com/docs/guides/platform/database-size, Disk management): every write fails from then on."),
    databaseDiskUrgentPercent: percent
      .default(90)
      .describe("The database disk fuller than this (less headroom below readOnlyDiskPercent than it leaves) is read-only mode within reach: a P2 for the day, above the P3 upgrade trigger. Not in the runbook."),
    rootDiskPercent: percent
      .default(90)
      .describe("The instance's root filesystem (/) fuller than this: Supabase's to manage, a P3 to raise with them. Not in the runbook."),
    longRunningQuerySeconds: positiveSeconds
      .default(300)
      .describe("A non-idle query older than this is 'long-running' (runbook § Database Connection Issues gives no number; 5 minutes is far past any request the product makes)."),
  })
  .prefault({});

/** "Public Sharing Token Issues": tokens live 30 days. */
export const sharingTokens = z
  .strictObject({
    lifetimeDays: z.number().int().positive().max(365).default(30).describe("Public sharing tokens expire after this many days (runbook: 30-day limit)."),
    expiringSoonHours: z.number().int().positive().default(72).describe("A token expiring within this many hours is shown as 'expiring soon'. Not in the runbook."),
    invalidTokenUsesPerHour: z
      .number()
      .int()
      .positive()
      .default(20)
      .describe("More requests with an invalid or expired token per hour than this are a surge. Not in the runbook: well above a user retrying an old link."),
  })
  .prefault({});

export const severityNames = ["P0", "P1", "P2", "P3"] as const;
export type Severity = (typeof severityNames)[number];

const severityPolicy = (responseMinutes: number, meaning: string, examples: string) =>
  z
    .strictObject({
      responseMinutes: z.number().int().nonnegative().default(responseMinutes).describe("How soon someone must answer; 0 is immediate."),
      meaning: z.string().min(1).default(meaning).describe("The runbook's name for the level."),
      examples: z.string().min(1).default(examples).describe("The runbook's examples, shown in notifications."),
    })
    .prefault({});

/** "Escalation Procedures › Severity Levels". Response time 0 means immediate. */
export const severities = z
  .strictObject({
    P0: severityPolicy(0, "Critical", "System completely down, data breach suspected, revenue-impacting issues").describe("Response: immediate."),
    P1: severityPolicy(120, "High", "Major feature broken, performance severely degraded, security vulnerability").describe("Response: 2 hours."),
    P2: severityPolicy(24 * 60, "Medium", "Minor feature issues, performance slow but functional, non-critical bugs").describe("Response: 24 hours."),
    P3: severityPolicy(7 * 24 * 60, "Low", "Enhancement requests, documentation updates, optimization opportunities").describe("Response: 1 week."),
  })
  .prefault({})
  .refine((s) => s.P0.responseMinutes <= s.P1.responseMinutes && s.P1.responseMinutes <= s.P2.responseMinutes && s.P2.responseMinutes <= s.P3.responseMinutes, {
    message: "expected response times to grow from P0 to P3",
  });

/** "Escalation Procedures › Contact Escalation". */
export const escalation = z
  .strictObject({
    leadDeveloperAfterMinutes: z.number().int().positive().default(30).describe("Escalate to the lead developer when the on-call engineer has not answered (runbook: 30 min)."),
    productOwnerAfterMinutes: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe("A P0 still firing this long after the lead developer was told reaches the product owner, for business decisions (runbook: third in the chain; it gives no number)."),
    p0RepeatMinutes: z.number().int().positive().default(30).describe("A firing P0 is re-sent at most this often, matching the 30-minute escalation step."),
  })
  .prefault({});

/**
 * Numbers for failure modes the runbook names without a number. Each is chosen here, with its
 * reason, and shown in the catalog.
 */
export const failureModes = z
  .strictObject({
    healthCheckMinSuccessRatio: z
      .number()
      .gt(0)
      .lte(1)
      .default(0.5)
      .describe("The health check alerts when fewer than this share of its executions over 5 minutes succeed. 0.5 means both probe locations, not one flaky one, see the failure."),
    systemDownDetectMinutes: z
      .number()
      .int()
      .min(2)
      .max(15)
      .default(3)
      .describe("The P0 'system completely down' must fire within this many minutes of a total outage. Not in the runbook ('Response: Immediate'); 3 minutes is what two-minute checks allow."),
    systemDownKeepFiringMinutes: z
      .number()
      .int()
      .nonnegative()
      .default(5)
      .describe("A firing P0 'system down' keeps firing this long after its condition clears, so one stray successful execution does not resolve it and page again."),
    email503PerFiveMinutes: z.number().int().positive().default(3).describe("503s from the email functions in 5 minutes that mean 'email service down' (runbook § Email Service Down). One is a blip; three is a pattern."),
    pdf500PerFiveMinutes: z.number().int().positive().default(3).describe("500s from generate-valuation-pdf in 5 minutes that mean 'PDF generation failing'."),
    sparseFailures: z
      .strictObject({
        windowMinutes: z.number().int().min(10).max(180).default(60).describe("The window over which a journey's failures are counted."),
        minFailedMinutes: z
          .number()
          .int()
          .min(2)
          .default(3)
          .describe("At least this many different minutes with a server error in the window: one failed request, or one user retrying in the same minute, never alerts."),
        minFailedShare: z.number().gt(0).lte(1).default(0.5).describe("And at least this share of the window's requests failed."),
        lowestRequestsPerHour: z
          .number()
          .positive()
          .default(3)
          .describe("The lowest volume at which a journey failing for everyone must still alert within the window; the worst case to page in the catalog is computed at it."),
      })
      .prefault({})
      .describe(
        "A journey failing at the product's real volume, a few requests an hour, which the burn-rate and ratio alerts ignore below errorBudgets.lowTrafficGuardRequestsPerHour. Not in the runbook: server errors in three different minutes, half of the hour's requests, alert within the hour at three requests an hour.",
      ),
    severeLatencyFactor: z.number().gt(1).default(2).describe("Latency this many times over its budget is 'performance severely degraded' (P1) rather than 'slow but functional' (P2)."),
  })
  .prefault({});

export const runbookModel = z
  .strictObject({
    latencyBudgets,
    errorBudgets,
    capacity,
    sharingTokens,
    severities,
    escalation,
    failureModes,
  })
  .prefault({});

export type RunbookModel = z.infer<typeof runbookModel>;

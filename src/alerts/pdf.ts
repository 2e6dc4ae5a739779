import { runbookItems, runbookSections } from "../config/runbookItems";
import type { AlertContext } from "./context";
import { latencyAlerts } from "./latency";
import { requestsOver } from "./signals";
import { sloAlerts, type Slo } from "./slo";
import { checkFailingAlert } from "./checkFailing";
import { pdfBucketQuery } from "../sql/queries";
import type { AlertSpec } from "./types";
import { handle } from "./names";
import { journeys } from "./journeys";

/** "n 500s in 5 minutes", held for 5 minutes: failures that go on, not one burst. */
const FAILING_FOR_MINUTES = 5;

export function pdfSlo(ctx: AlertContext): Slo {
  return {
    id: "pdf",
    title: "PDF generation",
    area: "pdf",
    covers: "pdfFailureRate",
    runbookSection: runbookItems.pdfFailureRate.section,
    budgetPercent: ctx.settings.runbook.errorBudgets.pdfGenerationFailurePercent,
    functions: [ctx.settings.functions.pdfGeneration],
  };
}

/** Runbook § PDF Generation Failures, PDF latency and the PDF error budget. */
export function pdfAlerts(ctx: AlertContext): AlertSpec[] {
  const { settings, sel } = ctx;
  const fn = settings.functions.pdfGeneration;
  const serverErrors: AlertSpec = {
    ...handle("pdf-generation-500"),
    area: "pdf",
    covers: ["pdf500s"],
    runbookSection: runbookSections.pdfGenerationFailures,
    severity: "P1",
    severityReason: "500s from generate-valuation-pdf mean valuation reports cannot be downloaded: a major feature is broken.",
    source: "prometheus",
    // The window is as long as the 'for', so a one-minute burst leaves it before the alert could fire.
    value: `sum(${requestsOver(sel, FAILING_FOR_MINUTES, sel.edge(fn), 'status="500"')})`,
    comparator: ">=",
    threshold: settings.runbook.failureModes.pdf500PerFiveMinutes,
    unit: "count",
    forSeconds: FAILING_FOR_MINUTES * 60,
    detection: { signal: "edge-logs", fillSeconds: 0, caveat: `from ${settings.runbook.failureModes.pdf500PerFiveMinutes} 500s a ${FAILING_FOR_MINUTES}-minute window, held` },
    summary: `${fn} is answering 500`,
    description: `{{value}} responses with status 500 from ${fn} in the last 5 minutes. Check the function logs, then the "PDF Valuation Reports" bucket and its RLS policies.`,
    noData: "OK",
    execError: "Error",
    stateReason: "No 500s recorded is the healthy state.",
  };
  const bucketMissing: AlertSpec = {
    ...handle("pdf-bucket-missing"),
    area: "pdf",
    covers: ["pdfBucket"],
    runbookSection: runbookSections.pdfGenerationFailures,
    severity: "P1",
    severityReason: "Without the bucket every PDF generation fails: a major feature is broken.",
    source: "postgres",
    value: pdfBucketQuery(),
    comparator: "<",
    threshold: 1,
    unit: "count",
    forSeconds: 5 * 60,
    summary: 'The storage bucket "PDF Valuation Reports" does not exist',
    description: 'storage.buckets holds {{value}} buckets named "PDF Valuation Reports"; generate-valuation-pdf cannot store reports.',
    noData: "Alerting",
    execError: "Error",
    detection: { signal: "sql", fillSeconds: 0 },
    stateReason: "count(*) always answers; an empty answer means the query itself broke, which must not pass silently.",
  };
  const latency = latencyAlerts(ctx, journeys(settings).pdfGeneration);
  const budget = sloAlerts(pdfSlo(ctx), sel, settings.runbook.errorBudgets.lowTrafficGuardRequestsPerHour);
  const check = checkFailingAlert(ctx, {
    ...handle("pdf-check-failing"),
    area: "pdf",
    covers: ["pdf500s"],
    runbookSection: runbookSections.pdfGenerationFailures,
    check: "pdfGeneration",
    severity: "P1",
    severityReason: "The synthetic valuation cannot be turned into a PDF: a major feature is broken, while the rest of the product answers, so not the P0.",
    what: `${fn} (PDF generation)`,
  });
  return [serverErrors, check, bucketMissing, ...latency, ...budget];
}

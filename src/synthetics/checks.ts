import type { Severity } from "../config/runbook";
import { runbookSections, type RunbookItemId, type RunbookSection } from "../config/runbookItems";
import type { PlainValidated } from "../config/settings";
import { syntheticTraffic } from "../alerts/signals";
import { checkJob, type CheckId } from "./jobs";

/**
 * The synthetic checks, as plain data from the runbook model. The same specs become Synthetic
 * Monitoring checks, blackbox_exporter modules and the local runner's requests, so all three
 * judge a response the same way. The job name is the stable id; the title is for people.
 */
export interface CheckSpec {
  id: CheckId;
  job: string;
  title: string;
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Send the functionsAuthToken secret as a bearer token. */
  authenticated: boolean;
  validStatusCodes: number[];
  bodyMustMatch: string[];
  /** Latency budget from the runbook: over it the check is degraded, not failed. */
  budgetMs: number;
  /** Past this the prober gives up and the check fails. */
  timeoutMs: number;
  frequencyMs: number;
  enabled: boolean;
  probes: string[];
  labels: { severity: Severity; function: string };
  runbookSection: RunbookSection;
  /** The runbook items this check watches, for the catalog. */
  covers: RunbookItemId[];
}

/** Checks time out at twice their budget, and never later than Synthetic Monitoring allows. */
const SM_MAX_TIMEOUT_MS = 60_000;
const timeoutFor = (budgetMs: number) => Math.min(2 * budgetMs, SM_MAX_TIMEOUT_MS);
const JSON_HEADERS = { "Content-Type": "application/json" };
/** A regexp for a JSON member, tolerant of whitespace, as the prober matches raw bodies. */
const jsonMember = (key: string, value: string) => `"${key}"\\s*:\\s*${value}`;

/** Reads plain settings only, so `npm run checks` can build the checks without the Pulumi runtime. */
export function checkSpecs(settings: Pick<PlainValidated, "synthetics" | "runbook" | "functions" | "functionsBaseUrl" | "identity">, baseUrl = settings.functionsBaseUrl): CheckSpec[] {
  const syn = settings.synthetics;
  const budgets = settings.runbook.latencyBudgets;
  const fn = settings.functions;
  // The marker rides in the URL, which the drain's line keeps: product counts leave the checks out.
  const functionUrl = (name: string) => `${baseUrl.replace(/\/$/, "")}/${name}?${syntheticTraffic.parameter}=${syntheticTraffic.value}`;
  const seconds = (s: number) => Math.round(s * 1000);
  const schedule = (id: CheckId) => ({ frequencyMs: syn.checks[id].frequencySeconds * 1000, enabled: syn.checks[id].enabled });
  return [
    {
      id: "healthCheck",
      job: checkJob(settings, "healthCheck"),
      title: "Email health check (test-email-integration)",
      method: "POST",
      url: functionUrl(fn.healthCheck),
      headers: JSON_HEADERS,
      body: "{}",
      authenticated: true,
      validStatusCodes: [200],
      bodyMustMatch: [jsonMember("success", "true"), jsonMember("email_service_status", '"ready"')],
      budgetMs: seconds(budgets.emailDeliverySeconds),
      timeoutMs: timeoutFor(seconds(budgets.emailDeliverySeconds)),
      ...schedule("healthCheck"),
      probes: syn.probes,
      labels: { severity: "P1", function: fn.healthCheck },
      runbookSection: runbookSections.quickHealthCheck,
      covers: ["healthCheck", "systemDown", "email503s", "emailLatency"],
    },
    {
      id: "pdfGeneration",
      job: checkJob(settings, "pdfGeneration"),
      title: "PDF generation (generate-valuation-pdf)",
      method: "POST",
      url: functionUrl(fn.pdfGeneration),
      headers: JSON_HEADERS,
      body: JSON.stringify(syn.testValuation),
      authenticated: true,
      validStatusCodes: [200],
      bodyMustMatch: syn.pdfBodyRegexps,
      budgetMs: seconds(budgets.pdfGenerationSeconds),
      timeoutMs: timeoutFor(seconds(budgets.pdfGenerationSeconds)),
      ...schedule("pdfGeneration"),
      probes: syn.probes,
      labels: { severity: "P1", function: fn.pdfGeneration },
      runbookSection: runbookSections.pdfGenerationFailures,
      covers: ["systemDown", "pdf500s", "pdfLatency", "pdfBucket"],
    },
    {
      id: "vinDecode",
      job: checkJob(settings, "vinDecode"),
      title: "VIN decode",
      method: "POST",
      url: functionUrl(fn.vinDecode),
      headers: JSON_HEADERS,
      body: JSON.stringify({ vin: syn.testVin }),
      authenticated: true,
      validStatusCodes: [200],
      bodyMustMatch: [syn.testVin],
      budgetMs: seconds(budgets.vinDecodeSeconds),
      timeoutMs: timeoutFor(seconds(budgets.vinDecodeSeconds)),
      ...schedule("vinDecode"),
      probes: syn.probes,
      labels: { severity: "P2", function: fn.vinDecode },
      runbookSection: runbookSections.keyMetrics,
      covers: ["systemDown", "vinLatency"],
    },
    {
      id: "resendStatus",
      job: checkJob(settings, "resendStatus"),
      title: "Resend status page",
      method: "GET",
      url: syn.resendStatusUrl,
      headers: {},
      authenticated: false,
      validStatusCodes: [200],
      // Statuspage's indicator: none or minor is operational enough to send email.
      bodyMustMatch: [jsonMember("indicator", '"(none|minor)"')],
      budgetMs: seconds(budgets.emailDeliverySeconds),
      timeoutMs: timeoutFor(seconds(budgets.emailDeliverySeconds)),
      ...schedule("resendStatus"),
      probes: syn.probes.slice(0, 1),
      labels: { severity: "P2", function: "resend" },
      runbookSection: runbookSections.emailServiceDown,
      covers: ["email503s"],
    },
  ];
}

/** Executions in a 30-day month: every check, from every probe, at its frequency. */
export const MINUTES_PER_MONTH = 30 * 24 * 60;
export function monthlyExecutions(specs: CheckSpec[]): number {
  return specs.filter((c) => c.enabled).reduce((sum, c) => sum + c.probes.length * Math.ceil((MINUTES_PER_MONTH * 60_000) / c.frequencyMs), 0);
}

/**
 * What the PDF check leaves behind: every run generates a real report in the "PDF Valuation
 * Reports" bucket. The function has no mode that skips storing it (not known to exist), so the
 * catalog states the storage the checks add, and a promtool scenario shows the storage alerts do
 * not fire on it.
 */
export function pdfCheckStorage(settings: Parameters<typeof checkSpecs>[0]): { reportsPerMonth: number; mibPerMonth: number; mibPerDay: number } {
  const pdf = checkSpecs(settings).find((c) => c.id === "pdfGeneration");
  const reportsPerMonth = pdf ? monthlyExecutions([pdf]) : 0;
  const mibPerMonth = (reportsPerMonth * settings.synthetics.pdfCheckReportKiB) / 1024;
  return { reportsPerMonth, mibPerMonth, mibPerDay: mibPerMonth / 30 };
}

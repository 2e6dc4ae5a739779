import type { Severity } from "../config/runbook";
import { runbookSections, type RunbookItemId, type RunbookSection } from "../config/runbookItems";
import type { AlertContext } from "./context";
import { ERROR_STATUS } from "./slo";
import { requestsOver } from "./signals";
import type { AlertSpec, Area } from "./types";

/** One journey a person takes through the product, by the function that serves it. */
export interface Journey {
  id: string;
  name: string;
  title: string;
  area: Area;
  functionName: string;
  covers: RunbookItemId;
  runbookSection: RunbookSection;
  severity: Severity;
  severityReason: string;
}

/**
 * A journey failing at the product's real volume: a few requests an hour, far under the traffic
 * the ratio and burn-rate alerts need (errorBudgets.lowTrafficGuardRequestsPerHour). At least
 * `minFailures` server errors and at least `minFailedShare` of the requests in the window: one
 * failed request never alerts, and a function failing for every caller alerts within the window.
 * No 'for': the count floor is the debounce, and the window already spans many evaluations.
 */
export function sparseFailureAlert({ settings, sel }: AlertContext, journey: Journey): AlertSpec {
  const { windowMinutes, minFailures, minFailedShare } = settings.runbook.failureModes.sparseFailures;
  const scope = sel.edge(journey.functionName);
  const failures = `sum(${requestsOver(windowMinutes, scope, `status=~"${ERROR_STATUS}"`)})`;
  const requests = `sum(${requestsOver(windowMinutes, scope)})`;
  return {
    id: `${journey.id}-failing-at-low-volume`,
    name: `${journey.name}FailingAtLowVolume`,
    area: journey.area,
    covers: [journey.covers],
    runbookSection: journey.runbookSection,
    severity: journey.severity,
    severityReason: journey.severityReason,
    source: "prometheus",
    value: failures,
    comparator: ">=",
    threshold: minFailures,
    unit: "count",
    guard: {
      query: `${failures} / ${requests}`,
      min: minFailedShare,
      unit: "ratio",
      why: `a handful of failures among many successes is the error-rate alerts' to judge, not a broken journey`,
    },
    forSeconds: 0,
    detection: { signal: "edge-logs", fillSeconds: 0, caveat: `from the ${minFailures}th failed request within ${windowMinutes} minutes` },
    summary: `${journey.title} is failing for most of its requests`,
    description: `${journey.title} (${journey.functionName}): {{value}} requests failed with a server error in the last ${windowMinutes} minutes, at least ${minFailedShare * 100} % of them. At this product's volume the error-rate alerts stay silent; this one counts.`,
    noData: "OK",
    execError: "Error",
    stateReason: "No requests, or no failed ones, in the window is the healthy state.",
  };
}

/** The journeys of the product, each with the severity of its function failing on its own. */
export function journeys({ settings }: AlertContext): Journey[] {
  const fn = settings.functions;
  return [
    {
      id: "email-delivery",
      name: "EmailDelivery",
      title: "Email delivery",
      area: "email",
      functionName: fn.emailDelivery,
      covers: "emailFailureRate",
      runbookSection: runbookSections.keyMetrics,
      severity: "P1",
      severityReason: "Valuation emails are not going out: a major feature is broken, whatever the volume.",
    },
    {
      id: "pdf-generation",
      name: "PdfGeneration",
      title: "PDF generation",
      area: "pdf",
      functionName: fn.pdfGeneration,
      covers: "pdfFailureRate",
      runbookSection: runbookSections.keyMetrics,
      severity: "P1",
      severityReason: "Valuation reports cannot be generated: a major feature is broken, whatever the volume.",
    },
    {
      id: "vin-decode",
      name: "VinDecode",
      title: "VIN decode",
      area: "edge-functions",
      functionName: fn.vinDecode,
      covers: "overallErrorRate",
      runbookSection: runbookSections.keyMetrics,
      severity: "P2",
      severityReason: "VIN decode failing on its own is a feature issue (the P0 needs every system-down check failing): a ticket for the day.",
    },
    {
      id: "shared-report",
      name: "SharedReport",
      title: "Shared reports",
      area: "sharing-tokens",
      functionName: fn.sharedReport,
      covers: "invalidTokens",
      runbookSection: runbookSections.publicSharingTokenIssues,
      severity: "P2",
      severityReason: "Shared links fail with server errors: a minor feature issue, the report itself is still there.",
    },
  ];
}

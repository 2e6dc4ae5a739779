import type { Severity } from "../config/runbook";
import { runbookSections, type RunbookItemId, type RunbookSection } from "../config/runbookItems";
import type { PlainValidated } from "../config/settings";
import type { Area } from "./types";

/**
 * The journeys a person takes through the product, each by the edge function that serves it, with
 * the runbook's numbers for it: one model, read by the latency alerts (latency.ts), the
 * low-volume failure alerts (sparseFailures.ts) and the area files that place them. The handles of
 * their alerts are `<id>-latency-over`, `<id>-latency-severe` and `<id>-failing-at-low-volume`
 * (names.ts), so a journey's id is checked against the alerts that exist.
 */
export interface Journey {
  id: "email-delivery" | "pdf-generation" | "vin-decode" | "shared-report";
  title: string;
  area: Area;
  functionName: string;
  /** Failing at the product's real volume (sparseFailures.ts): at this journey's own severity. */
  lowVolume: { covers: RunbookItemId; runbookSection: RunbookSection; severity: Severity; severityReason: string };
}

/** A journey the runbook gives a p95 latency budget (Key Metrics to Monitor › Response Times). */
export interface LatencyJourney extends Journey {
  id: "email-delivery" | "pdf-generation" | "vin-decode";
  latency: { budgetSeconds: number; covers: RunbookItemId };
}

export interface Journeys {
  emailDelivery: LatencyJourney;
  pdfGeneration: LatencyJourney;
  vinDecode: LatencyJourney;
  sharedReport: Journey;
}

/** The product's journeys, from the validated settings: their functions and their budgets. */
export function journeys(settings: Pick<PlainValidated, "functions" | "runbook">): Journeys {
  const fn = settings.functions;
  const budgets = settings.runbook.latencyBudgets;
  return {
    emailDelivery: {
      id: "email-delivery",
      title: "Email delivery",
      area: "email",
      functionName: fn.emailDelivery,
      latency: { budgetSeconds: budgets.emailDeliverySeconds, covers: "emailLatency" },
      lowVolume: {
        covers: "emailFailureRate",
        runbookSection: runbookSections.keyMetrics,
        severity: "P1",
        severityReason: "Valuation emails are not going out: a major feature is broken, whatever the volume.",
      },
    },
    pdfGeneration: {
      id: "pdf-generation",
      title: "PDF generation",
      area: "pdf",
      functionName: fn.pdfGeneration,
      latency: { budgetSeconds: budgets.pdfGenerationSeconds, covers: "pdfLatency" },
      lowVolume: {
        covers: "pdfFailureRate",
        runbookSection: runbookSections.keyMetrics,
        severity: "P1",
        severityReason: "Valuation reports cannot be generated: a major feature is broken, whatever the volume.",
      },
    },
    vinDecode: {
      id: "vin-decode",
      title: "VIN decode",
      area: "edge-functions",
      functionName: fn.vinDecode,
      latency: { budgetSeconds: budgets.vinDecodeSeconds, covers: "vinLatency" },
      lowVolume: {
        covers: "overallErrorRate",
        runbookSection: runbookSections.keyMetrics,
        severity: "P2",
        severityReason: "VIN decode failing on its own is a feature issue (the P0 needs every system-down check failing): a ticket for the day.",
      },
    },
    sharedReport: {
      id: "shared-report",
      title: "Shared reports",
      area: "sharing-tokens",
      functionName: fn.sharedReport,
      lowVolume: {
        covers: "invalidTokens",
        runbookSection: runbookSections.publicSharingTokenIssues,
        severity: "P2",
        severityReason: "Shared links fail with server errors: a minor feature issue, the report itself is still there.",
      },
    },
  };
}

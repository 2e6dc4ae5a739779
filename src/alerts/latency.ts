import { runbookSections } from "../config/runbookItems";
import type { AlertContext } from "./context";
import { freshRecorded } from "./signals";
import { handle } from "./names";
import type { LatencyJourney } from "./journeys";
import type { AlertSpec } from "./types";

/**
 * Two alerts per latency budget: over budget is "performance slow but functional" (P2); far over
 * budget is "performance severely degraded" (P1). Real traffic's p95, from the edge logs.
 */
export function latencyAlerts({ settings, sel }: AlertContext, journey: LatencyJourney): AlertSpec[] {
  // Fresh points only: a p95 recorded before the traffic stopped must not hold the alert up.
  const value = `max(${freshRecorded(sel.recorded.latencyP95Seconds5m, sel.edge(journey.functionName))})`;
  const factor = settings.runbook.failureModes.severeLatencyFactor;
  const common = {
    area: journey.area,
    covers: [journey.latency.covers],
    runbookSection: runbookSections.keyMetrics,
    source: "prometheus",
    value,
    comparator: ">=",
    unit: "seconds",
    noData: "OK",
    execError: "Error",
    stateReason: "No requests means no latency to judge; the synthetic checks catch a silent function.",
    // The p95 of 5 minutes crosses once a twentieth of the window's requests are slow.
    detection: { signal: "edge-logs", fillSeconds: 300, caveat: "with requests in every 5 minutes" },
  } as const;
  return [
    {
      ...common,
      ...handle(`${journey.id}-latency-over`),
      severity: "P2",
      severityReason: "Over budget but answering: performance slow but functional.",
      threshold: journey.latency.budgetSeconds,
      forSeconds: 10 * 60,
      summary: `${journey.title} p95 latency is at or over its ${journey.latency.budgetSeconds} s budget`,
      description: `${journey.title} (${journey.functionName}) answers in {{value}} s at p95 over 5 minutes; the runbook's budget is < ${journey.latency.budgetSeconds} s.`,
    },
    {
      ...common,
      ...handle(`${journey.id}-latency-severe`),
      severity: "P1",
      severityReason: `${factor}x over budget: performance severely degraded.`,
      threshold: journey.latency.budgetSeconds * factor,
      forSeconds: 10 * 60,
      summary: `${journey.title} p95 latency is ${factor}x over its ${journey.latency.budgetSeconds} s budget`,
      description: `${journey.title} (${journey.functionName}) answers in {{value}} s at p95 over 5 minutes, ${factor}x or more over the runbook's < ${journey.latency.budgetSeconds} s.`,
    },
  ];
}

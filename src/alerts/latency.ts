import type { RunbookItemId } from "../config/runbookItems";
import { runbookSections } from "../config/runbookItems";
import type { AlertContext } from "./context";
import { freshRecorded } from "./signals";
import { handle } from "./names";
import type { AlertSpec, Area } from "./types";

export interface LatencyBudget {
  /** The journey's handle part: its alerts are `<id>-latency-over` and `<id>-latency-severe` (names.ts). */
  id: "vin-decode" | "email-delivery" | "pdf-generation";
  title: string;
  area: Area;
  covers: RunbookItemId;
  functionName: string;
  budgetSeconds: number;
}

/**
 * Two alerts per latency budget: over budget is "performance slow but functional" (P2); far over
 * budget is "performance severely degraded" (P1). Real traffic's p95, from the edge logs.
 */
export function latencyAlerts({ settings, sel }: AlertContext, budget: LatencyBudget): AlertSpec[] {
  // Fresh points only: a p95 recorded before the traffic stopped must not hold the alert up.
  const value = `max(${freshRecorded(sel.recorded.latencyP95Seconds5m, sel.edge(budget.functionName))})`;
  const factor = settings.runbook.failureModes.severeLatencyFactor;
  const common = {
    area: budget.area,
    covers: [budget.covers],
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
      ...handle(`${budget.id}-latency-over`),
      severity: "P2",
      severityReason: "Over budget but answering: performance slow but functional.",
      threshold: budget.budgetSeconds,
      forSeconds: 10 * 60,
      summary: `${budget.title} p95 latency is at or over its ${budget.budgetSeconds} s budget`,
      description: `${budget.title} (${budget.functionName}) answers in {{value}} s at p95 over 5 minutes; the runbook's budget is < ${budget.budgetSeconds} s.`,
    },
    {
      ...common,
      ...handle(`${budget.id}-latency-severe`),
      severity: "P1",
      severityReason: `${factor}x over budget: performance severely degraded.`,
      threshold: budget.budgetSeconds * factor,
      forSeconds: 10 * 60,
      summary: `${budget.title} p95 latency is ${factor}x over its ${budget.budgetSeconds} s budget`,
      description: `${budget.title} (${budget.functionName}) answers in {{value}} s at p95 over 5 minutes, ${factor}x or more over the runbook's < ${budget.budgetSeconds} s.`,
    },
  ];
}

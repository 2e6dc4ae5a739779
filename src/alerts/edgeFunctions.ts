import { runbookItems, runbookSections } from "../config/runbookItems";
import { functionCheckJobs } from "../synthetics/jobs";
import type { AlertContext } from "./context";
import { latencyAlerts } from "./latency";
import { probeSuccessRatio } from "./probes";
import { burnRateAlerts, type Slo } from "./slo";
import type { AlertSpec } from "./types";

/** Edge functions as a whole: the system being down, the overall error budget, VIN decode latency. */
export function overallSlo({ settings }: AlertContext): Slo {
  return {
    id: "overall",
    title: "Edge functions",
    area: "edge-functions",
    covers: "overallErrorRate",
    runbookSection: runbookItems.overallErrorRate.section,
    budgetPercent: settings.runbook.errorBudgets.overallPercent,
  };
}

export function edgeFunctionAlerts(ctx: AlertContext): AlertSpec[] {
  const { settings, sel } = ctx;
  const systemDown: AlertSpec = {
    id: "edge-functions-down",
    name: "EdgeFunctionsDown",
    area: "edge-functions",
    covers: ["systemDown"],
    runbookSection: runbookSections.severityLevels,
    severity: "P0",
    severityReason: "Every synthetic check of the product's functions fails: the system is completely down.",
    source: "prometheus",
    value: `max(${probeSuccessRatio(sel, functionCheckJobs)})`,
    comparator: "<",
    threshold: settings.runbook.failureModes.healthCheckMinSuccessRatio,
    unit: "ratio",
    forSeconds: 3 * 60,
    summary: "Every edge function check is failing",
    description: "The best of the health, PDF and VIN checks succeeds in only {{value}} of its executions over 5 minutes.",
    noData: "Alerting",
    execError: "Alerting",
    stateReason: "Checks that stop reporting are as bad as checks that fail: silence must page.",
  };
  const vin = latencyAlerts(ctx, {
    id: "vin-decode",
    title: "VIN decode",
    area: "edge-functions",
    covers: "vinLatency",
    functionName: settings.functions.vinDecode,
    budgetSeconds: settings.runbook.latencyBudgets.vinDecodeSeconds,
  });
  const budget = burnRateAlerts(overallSlo(ctx), settings.runbook.errorBudgets.lowTrafficGuardRequestsPerHour);
  return [systemDown, ...vin, ...budget];
}

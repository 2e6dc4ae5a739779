import { runbookItems, runbookSections } from "../config/runbookItems";
import { checkJob } from "../synthetics/jobs";
import type { AlertContext } from "./context";
import { checkFailingAlert } from "./checkFailing";
import { latencyAlerts } from "./latency";
import { bestLatestResult, reportingProbes } from "./probes";
import { sloAlerts, type Slo } from "./slo";
import type { AlertSpec } from "./types";
import { alertNames, handle } from "./names";
import { journeys } from "./journeys";

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

/** The P0's signal: the checks listed in synthetics.systemDownChecks, their jobs and the slowest frequency. */
export function systemDownSignal({ settings }: AlertContext): { jobs: string[]; frequencySeconds: number } {
  const ids = settings.synthetics.systemDownChecks;
  return { jobs: ids.map((id) => checkJob(settings, id)), frequencySeconds: Math.max(...ids.map((id) => settings.synthetics.checks[id].frequencySeconds)) };
}

/** Below this best latest result every system-down check failed at every reporting probe. */
export const SYSTEM_DOWN_BELOW = 1;

export function edgeFunctionAlerts(ctx: AlertContext): AlertSpec[] {
  const { settings, sel } = ctx;
  const down = systemDownSignal(ctx);
  const modes = settings.runbook.failureModes;
  const systemDown: AlertSpec = {
    ...handle("edge-functions-down"),
    area: "edge-functions",
    covers: ["systemDown"],
    runbookSection: runbookSections.severityLevels,
    severity: "P0",
    severityReason: `The latest execution of every system-down check (${down.jobs.join(", ")}) failed at every probe location: functions with different dependencies all failing is the system completely down.`,
    source: "prometheus",
    value: bestLatestResult(sel, down.jobs, down.frequencySeconds),
    comparator: "<",
    threshold: SYSTEM_DOWN_BELOW,
    unit: "up",
    guard: {
      query: reportingProbes(sel, down.jobs, down.frequencySeconds),
      min: Math.min(2, settings.synthetics.probes.length),
      unit: "count",
      why: "a failure seen from one probe location alone is that location's network, not the system",
    },
    // No 'for': the checks' own spacing is the wait, and the latest result of every check at every probe must already agree.
    forSeconds: 0,
    detection: { signal: "probe", checks: { ids: settings.synthetics.systemDownChecks, need: "all" }, fillSeconds: 0 },
    keepFiringForSeconds: modes.systemDownKeepFiringMinutes * 60,
    summary: "Every edge function check is failing at every probe location",
    description: `The best latest result of ${down.jobs.join(", ")} across every probe location is {{value}}: all of them failed their last execution.`,
    noData: "OK",
    execError: "OK",
    stateReason:
      `Checks that stop reporting are Synthetic Monitoring's silence, not the product's: ${alertNames["signal-missing-probes"]} says so at P2. A first deploy with no data yet must not page, nor may a failing query.`,
  };
  const vinCheck = checkFailingAlert(ctx, {
    ...handle("vin-decode-check-failing"),
    area: "edge-functions",
    covers: ["vinLatency"],
    runbookSection: runbookSections.keyMetrics,
    check: "vinDecode",
    severity: "P2",
    severityReason: `VIN decode failing on its own is a feature issue, not the system down (that is ${alertNames["edge-functions-down"]}): a ticket for the day.`,
    what: `${settings.functions.vinDecode} (VIN decode)`,
  });
  const vin = latencyAlerts(ctx, journeys(settings).vinDecode);
  const budget = sloAlerts(overallSlo(ctx), sel, settings.runbook.errorBudgets.lowTrafficGuardRequestsPerHour);
  return [systemDown, vinCheck, ...vin, ...budget];
}

import type { Severity } from "../config/runbook";
import type { RunbookItemId, RunbookSection } from "../config/runbookItems";
import { checkJob, type CheckId } from "../synthetics/jobs";
import type { AlertContext } from "./context";
import { probeSuccessShare, sampleSpacingSeconds, twoExecutionsWindowSeconds } from "./probes";
import { alertNames, type AlertId, type AlertName } from "./names";
import { duration } from "./evaluation";
import type { AlertSpec, Area } from "./types";

export interface CheckFailing {
  id: AlertId;
  name: AlertName;
  area: Area;
  covers: RunbookItemId[];
  runbookSection: RunbookSection;
  check: CheckId;
  severity: Severity;
  severityReason: string;
  /** The function, as people call it. */
  what: string;
}

/**
 * One function's synthetic check failing, at that function's own severity: the share of its
 * executions that passed, over a window holding at least two per probe, below the failure-mode
 * ratio. One function failing is never the P0; EdgeFunctionsDown is.
 */
export function checkFailingAlert({ settings, sel }: AlertContext, c: CheckFailing): AlertSpec {
  const job = checkJob(settings, c.check);
  const every = settings.synthetics.checks[c.check].frequencySeconds;
  const window = duration(twoExecutionsWindowSeconds(every));
  return {
    id: c.id,
    name: c.name,
    area: c.area,
    covers: c.covers,
    runbookSection: c.runbookSection,
    severity: c.severity,
    severityReason: c.severityReason,
    source: "prometheus",
    value: probeSuccessShare(sel, job, every),
    comparator: "<",
    threshold: settings.runbook.failureModes.healthCheckMinSuccessRatio,
    unit: "ratio",
    // From the first failed sample, the share drops under the ratio once failures fill more than
    // (1 - ratio) of the window, give or take one sample's spacing.
    detection: {
      signal: "probe",
      checks: { ids: [c.check], need: "all" },
      fillSeconds: Math.ceil((1 - settings.runbook.failureModes.healthCheckMinSuccessRatio) * twoExecutionsWindowSeconds(every)) + sampleSpacingSeconds(every),
    },
    // The window already spans two executions per probe; 'for' adds one more run of the check.
    forSeconds: Math.ceil(every / 60) * 60,
    summary: `The synthetic check of ${c.what} is failing`,
    description: `Only {{value}} of the ${job} check's executions over ${window} passed (it runs every ${duration(every)} from each probe location).`,
    noData: "OK",
    execError: "Error",
    stateReason: `A check that stops reporting is Synthetic Monitoring's silence: ${alertNames["signal-missing-probes"]} names it at P2. A first deploy with no data yet must not page.`,
  };
}

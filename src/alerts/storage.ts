import { runbookSections } from "../config/runbookItems";
import type { AlertContext } from "./context";
import { series, supabaseMetrics } from "./signals";
import type { AlertSpec } from "./types";
import { alertNames, handle } from "./names";

/** Runbook § Storage Scaling: usage against the plan limit, and growth that will reach it. */
export function storageAlerts({ settings, sel }: AlertContext): AlertSpec[] {
  const capacity = settings.runbook.capacity;
  const limitMb = capacity.storagePlanLimitGiB * 1024;
  const storageMb = series(supabaseMetrics.storageSizeMb, sel.supabase);
  const horizonSeconds = capacity.storageDaysToFullWarning * 86400;
  const common = {
    area: "storage",
    runbookSection: runbookSections.storageScaling,
    severity: "P3",
    source: "prometheus",
    unit: "percent",
    forSeconds: 60 * 60,
    detection: { signal: "metrics-api", fillSeconds: 0 },
    noData: "OK",
    execError: "Error",
    stateReason: `A capacity trend: a missing sample is not an emergency, and ${alertNames["database-down"]} covers a silent Metrics API.`,
  } as const;
  return [
    {
      ...common,
      ...handle("storage-near-plan-limit"),
      covers: ["storageLimit"],
      severityReason: "A capacity trend: clean up old PDFs or upgrade within the week.",
      value: `100 * max(${storageMb}) / ${limitMb}`,
      comparator: ">",
      threshold: capacity.storagePercent,
      summary: `Storage is over ${capacity.storagePercent} % of the ${capacity.storagePlanLimitGiB} GiB plan limit`,
      description: `Storage holds {{value}} % of the ${capacity.storagePlanLimitGiB} GiB plan limit (runbook: storage > ${capacity.storagePercent} % of limit).`,
    },
    {
      ...common,
      ...handle("storage-full-soon"),
      covers: ["storageGrowth"],
      severityReason: `Growth will reach the limit within ${capacity.storageDaysToFullWarning} days: time enough to act in working hours.`,
      value: `100 * max(predict_linear(${storageMb}[1d], ${horizonSeconds})) / ${limitMb}`,
      // The trend is a day's growth: it takes most of a day to turn.
      detection: { signal: "metrics-api", fillSeconds: 86400, caveat: "growth read over a day" },
      comparator: ">=",
      threshold: 100,
      summary: `Storage will reach the plan limit within ${capacity.storageDaysToFullWarning} days`,
      description: `At the last day's growth rate storage will hold {{value}} % of the ${capacity.storagePlanLimitGiB} GiB limit in ${capacity.storageDaysToFullWarning} days. Clean up old PDFs or upgrade.`,
    },
  ];
}

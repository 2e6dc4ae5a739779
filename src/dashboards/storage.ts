import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { series, supabaseMetrics } from "../alerts/signals";
import { runbookSections } from "../config/runbookItems";
import { storageAddedPerDayQuery, storageByBucketQuery } from "../sql/queries";
import { describe, legend, promNow, promTarget, type DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import { alertStat, alertTrend } from "./panels/alertPanels";
import { sqlDailyBars, sqlTable } from "./panels/sql";
import { statTile } from "./panels/stats";
import { colouring } from "./thresholds";
import { alertNames } from "../alerts/names";

/** Runbook § Storage Scaling: usage by bucket, growth, share of the plan limit, days until full. */
export function storageDashboard(ctx: DashboardContext): BuiltDashboard {
  const capacity = ctx.settings.runbook.capacity;
  const limitMb = capacity.storagePlanLimitGiB * 1024;
  const storageMb = series(supabaseMetrics.storageSizeMb, ctx.sel.supabase);
  const growthMbPerDay = `deriv(${storageMb}[1d]) * 86400`;
  const growth = new timeseries.PanelBuilder()
    .title("Growth rate")
    .description(describe(ctx.settings, "Storage growth per day, fitted over the last day. The runbook: monitor growth rate.", runbookSections.storageScaling))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(`max(${growthMbPerDay})`, "A", "MB per day"))
    .unit("decmbytes")
    .noValue("no storage samples in the range")
    .legend(legend());
  const daysUntilFull = statTile(ctx, {
    title: "Days until the plan limit",
    text: `At the last day's growth rate. Under ${capacity.storageDaysToFullWarning} days the ${alertNames["storage-full-soon"]} alert fires.`,
    section: runbookSections.storageScaling,
    colours: colouring({ comparator: "<", threshold: capacity.storageDaysToFullWarning, unit: "days", integer: false, what: `${alertNames["storage-full-soon"]} fires` }),
    unit: "d",
    datasource: ctx.prometheus,
    targets: [promNow(`(${limitMb} - max(${storageMb})) / max(${growthMbPerDay} > 0)`, "A")],
    // Empty both when storage did not grow over the day and when storage_storage_size_mb is gone.
    noValue: "not growing over the last day, or no storage size samples (signal missing)",
  });
  return compose(ctx, "storage", "Supabase Storage: where the bytes are, how fast they grow, and when the plan limit is reached.", [
    {
      panels: [
        alertStat(ctx, "storage-near-plan-limit", `Share of the ${capacity.storagePlanLimitGiB} GiB plan`, 6),
        daysUntilFull,
        alertStat(ctx, "pdf-bucket-missing", '"PDF Valuation Reports" bucket', 6),
        alertStat(ctx, "storage-full-soon", `Predicted use in ${capacity.storageDaysToFullWarning} days`, 6),
      ],
    },
    {
      panels: [alertTrend(ctx, "storage-near-plan-limit", `Storage vs the plan limit (${capacity.storagePercent} % line)`, 12), { panel: growth, width: 12 }],
    },
    {
      title: "By bucket (the runbook's query)",
      panels: [
        sqlTable(ctx, "Usage by bucket", storageByBucketQuery, "Files and bytes per bucket, from storage.objects: the runbook's 'Check storage usage'.", runbookSections.storageScaling, 10, { total_size: "bytes" }),
        sqlDailyBars(ctx, "Bytes added per day, by bucket (30 days)", storageAddedPerDayQuery, "New objects' bytes per day: where growth comes from. PDFs are candidates for the runbook's cleanup.", runbookSections.storageScaling, {
          unit: "bytes",
          width: 14,
        }),
      ],
    },
  ]);
}

import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { edgeSeries, series, sloSeries } from "../../alerts/signals";
import type { Slo } from "../../alerts/slo";
import { runbookSections } from "../../config/runbookItems";
import { describe, legend, promTarget, thresholdLine, thresholdSteps, type DashboardContext } from "../common";
import type { Placed } from "../layout";

/** Edge-function traffic and error budgets, from the series recorded out of the logs. */
export function invocations(ctx: DashboardContext): Placed {
  const panel = new timeseries.PanelBuilder()
    .title("Invocations per function")
    .description(describe(ctx.settings, "Requests per minute by function, from the edge-function logs. The runbook asks to track usage patterns and per-function rates.", runbookSections.keyMetrics))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(`sum by (function) (${series(edgeSeries.responsesRate5m, 'function=~"$function"')}) * 60`, "A", "{{function}}"))
    .unit("reqpm")
    .legend(legend());
  return { panel, width: 12 };
}

/** The error ratio of an SLO over 5 minutes and 1 hour, with the budget as a line. */
export function errorRatio(ctx: DashboardContext, slo: Slo, alertIds: string[], width = 8): Placed {
  const ratio = (w: string) => `100 * ${sloSeries.errorRatio(w)}{slo="${slo.id}"}`;
  const panel = new timeseries.PanelBuilder()
    .title(`${slo.title}: error rate vs ${slo.budgetPercent} %`)
    .description(describe(ctx.settings, `Server errors (5xx) as a share of requests. The runbook's budget is < ${slo.budgetPercent} %; burn-rate alerts page when it is spent 14.4x or 6x too fast.`, slo.runbookSection))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(ratio("5m"), "A", "5 min"))
    .withTarget(promTarget(ratio("1h"), "B", "1 hour"))
    .unit("percent")
    .thresholds(thresholdSteps(slo.budgetPercent, ">="))
    .thresholdsStyle(thresholdLine())
    .legend(legend());
  return { panel, width, alerts: alertIds };
}

/** Error budget left over the last 30 days, from the daily ratios. */
export function budgetLeft(ctx: DashboardContext, slo: Slo, width = 4): Placed {
  const spent = `avg_over_time(${sloSeries.errorRatio("1d")}{slo="${slo.id}"}[30d]) / ${slo.budgetPercent / 100}`;
  const panel = new stat.PanelBuilder()
    .title(`${slo.title}: budget left (30 d)`)
    .description(describe(ctx.settings, `How much of the ${slo.budgetPercent} % error budget is left over the last 30 days. Below 0 the SLO of ${100 - slo.budgetPercent} % is missed.`, slo.runbookSection))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(`100 * (1 - ${spent})`, "A").instant())
    .unit("percent")
    .thresholds(thresholdSteps(0, "<"))
    .noValue("no traffic");
  return { panel, width, height: 5 };
}

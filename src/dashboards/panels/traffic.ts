import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { edgeSeries, requestsOver, series } from "../../alerts/signals";
import { errorRatioExpr } from "../../alerts/slo";
import type { Slo } from "../../alerts/slo";
import { runbookSections } from "../../config/runbookItems";
import { describe, legend, promTarget, thresholdLine, thresholdsOf, type DashboardContext } from "../common";
import type { Placed } from "../layout";
import { colouring, type Colouring } from "../thresholds";

/** Edge-function traffic and error budgets, from the series recorded out of the logs. */
export function invocations(ctx: DashboardContext, width = 12): Placed {
  const panel = new timeseries.PanelBuilder()
    .title("Invocations per function")
    .description(describe(ctx.settings, "Requests per minute by function, from the edge-function logs. The runbook asks to track usage patterns and per-function rates. Filtered by the Function variable.", runbookSections.keyMetrics))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(`sum by (function) (${requestsOver(1, 'function=~"$function"')})`, "A", "{{function}}"))
    .unit("reqpm")
    .noValue("no requests recorded")
    .legend(legend());
  return { panel, width };
}

/** p95 latency of every function the Function variable selects, beside the journeys' own budgets. */
export function latencyByFunction(ctx: DashboardContext, width = 12): Placed {
  const panel = new timeseries.PanelBuilder()
    .title("p95 latency per function")
    .description(describe(ctx.settings, "p95 execution time over 5 minutes by function, from the edge-function logs, for the functions the Function variable selects. The journeys' budgets are on their own panels.", runbookSections.keyMetrics))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(`max by (function) (${series(edgeSeries.latencyP95Seconds5m, 'function=~"$function"')})`, "A", "{{function}}"))
    .unit("s")
    .noValue("no requests in the range: no latency to judge")
    .legend(legend());
  return { panel, width };
}

/** An SLO's error budget as a colour policy: red at the budget itself ("< X" means X is a breach). */
export const budgetColours = (budgetPercent: number): Colouring =>
  colouring({ comparator: ">=", threshold: budgetPercent, unit: "percent", integer: false, what: "the runbook's budget" });

/**
 * The error ratio of an SLO over the given windows (5 minutes and 1 hour unless said otherwise),
 * with the budget as a line; the home of its burn-rate alerts.
 */
export function errorRatio(ctx: DashboardContext, slo: Slo, alertIds: string[], width = 8, windows = ["5m", "1h"]): Placed {
  const ratio = (w: string) => `100 * (${errorRatioExpr(slo, ctx.sel, w)})`;
  const colours = budgetColours(slo.budgetPercent);
  const panel = new timeseries.PanelBuilder()
    .title(`${slo.title}: error rate vs ${slo.budgetPercent} %`)
    .description(
      describe(
        ctx.settings,
        `Server errors (5xx) as a share of requests. The runbook's budget is < ${slo.budgetPercent} %; burn-rate alerts page when it is spent 14.4x or 6x too fast, and their state changes show here.`,
        slo.runbookSection,
        colours,
      ),
    )
    .datasource(ctx.prometheus)
    .targets(windows.map((w, i) => promTarget(ratio(w), String.fromCharCode(65 + i), w)))
    .unit("percent")
    .thresholds(thresholdsOf(colours))
    .thresholdsStyle(thresholdLine())
    .noValue("no requests: no error rate")
    .legend(legend());
  return { panel, width, alerts: alertIds, alertHome: alertIds.length > 0 };
}

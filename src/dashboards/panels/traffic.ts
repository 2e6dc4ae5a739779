import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { requestsOver, series, type Selectors } from "../../alerts/signals";
import { errorRatioExpr } from "../../alerts/slo";
import type { Slo } from "../../alerts/slo";
import { runbookSections } from "../../config/runbookItems";
import { dashboardUid, describe, legend, link, promNow, promTarget, thresholdLine, thresholdsOf, type DashboardContext } from "../common";
import type { Placed } from "../layout";
import { colouring, type Colouring } from "../thresholds";
import type { AlertId } from "../../alerts/names";

/** Edge-function traffic and error budgets, from the series recorded out of the logs. */

/** The dashboard variable that picks functions; every query that reads it writes `function=~"$function"`. */
export const FUNCTION_VARIABLE = "function";
export const functionMatcher = `function=~"$${FUNCTION_VARIABLE}"`;

/** Functions as Prometheus knows them from the recorded responses, "All" by default. */
export function functionVariable(ctx: DashboardContext): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(FUNCTION_VARIABLE)
    .label("Function")
    .datasource(ctx.prometheus)
    .query(`label_values(${ctx.sel.recorded.requestsPerMinute}, function)`)
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current({ text: "All", value: "$__all" })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
}

/** Each function's 5xx share over the last `minutes`, in percent, worst first. */
export const errorsByFunctionExpr = (sel: Selectors, minutes = 60) => `sort_desc(100 * sum by (function) (${requestsOver(sel, minutes, 'status=~"5.."')}) / sum by (function) (${requestsOver(sel, minutes)}))`;

/**
 * The error drill-down: every function's 5xx share over the last hour as a bar, worst first, each
 * bar opening the daily review filtered to that function (its failed lines and errors per hour).
 * All traffic, the checks' own included: a check's failure is a real failure.
 */
export function errorsByFunction(ctx: DashboardContext, budgetPercent: number, width: number, height: number): { panel: bargauge.PanelBuilder; width: number; height: number } {
  const colours = budgetColours(budgetPercent);
  const url = `/d/${dashboardUid(ctx.settings, "reviews")}?var-${FUNCTION_VARIABLE}=\${__field.labels.function}&\${__url_time_range}`;
  const panel = new bargauge.PanelBuilder()
    .title("Errors by function, 1 h (5xx share)")
    .description(
      describe(
        ctx.settings,
        `Shows each edge function's server errors (5xx) as a share of its requests over the last hour, worst first, from the edge-function logs: which function an error spike comes from. Held to the overall budget (< ${budgetPercent} %). Click a bar for that function's failed requests and errors per hour (Reviews dashboard).`,
        runbookSections.keyMetrics,
        colours,
      ),
    )
    .datasource(ctx.prometheus)
    .withTarget(promNow(errorsByFunctionExpr(ctx.sel), "A", "{{function}}"))
    .unit("percent")
    .decimals(2)
    .min(0)
    .thresholds(thresholdsOf(colours))
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .orientation(common.VizOrientation.Horizontal)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["last"]).values(false))
    .dataLinks([link("Failed requests of ${__field.labels.function}", url)])
    .noValue("no requests recorded in the last hour: no traffic, or the drain is silent (not a sign of health)");
  return { panel, width, height };
}
export function invocations(ctx: DashboardContext, width = 12): Placed {
  const panel = new timeseries.PanelBuilder()
    .title("Invocations per function")
    .description(
      describe(
        ctx.settings,
        "People's requests per minute by function, from the edge-function logs (the synthetic checks' own, labelled traffic=\"synthetic\", are left out: the Product dashboard counts them apart). The runbook asks to track usage patterns and per-function rates. Filtered by the Function variable.",
        runbookSections.keyMetrics,
      ),
    )
    .datasource(ctx.prometheus)
    .withTarget(promTarget(`sum by (function) (${requestsOver(ctx.sel, 1, functionMatcher, ctx.sel.realTraffic)})`, "A", "{{function}}"))
    .unit("reqpm")
    .noValue("no requests recorded")
    .legend(legend());
  return { panel, width };
}

/** p95 latency of every function the Function variable selects, beside the journeys' own budgets. */
export function latencyByFunction(ctx: DashboardContext, width = 12): Placed {
  const panel = new timeseries.PanelBuilder()
    .title("p95 latency per function")
    .description(describe(ctx.settings, "p95 execution time over 5 minutes by function, from the edge-function logs, for the functions the Function variable selects: people's and the checks' requests, each function's worse p95 of the two, as the latency alerts judge it. The journeys' budgets are on their own panels.", runbookSections.keyMetrics))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(`max by (function) (${series(ctx.sel.recorded.latencyP95Seconds5m, functionMatcher)})`, "A", "{{function}}"))
    .unit("s")
    .noValue("no requests in the range: no latency to judge")
    .legend(legend());
  return { panel, width };
}

/**
 * Supabase never sees whether an email was delivered: the email budget is judged on the email
 * function's own 5xx share, and every panel of it says so.
 */
export const emailProxy = (ctx: DashboardContext, slo: Pick<Slo, "functions">): string =>
  (slo.functions ?? []).includes(ctx.settings.functions.emailDelivery)
    ? ` For email this is ${ctx.settings.functions.emailDelivery}'s own 5xx share, not delivery: Resend's outcomes (bounced, failed, delayed) need its webhooks.`
    : "";

/** An SLO's error budget as a colour policy: red at the budget itself ("< X" means X is a breach). */
export const budgetColours = (budgetPercent: number): Colouring =>
  colouring({ comparator: ">=", threshold: budgetPercent, unit: "percent", integer: false, what: "the runbook's budget" });

/**
 * The error ratio of an SLO over the given windows (5 minutes and 1 hour unless said otherwise),
 * with the budget as a line; the home of its burn-rate alerts.
 */
export function errorRatio(ctx: DashboardContext, slo: Slo, alertIds: AlertId[], width = 8, windows = ["5m", "1h"]): Placed {
  const ratio = (w: string) => `100 * (${errorRatioExpr(slo, ctx.sel, w)})`;
  const colours = budgetColours(slo.budgetPercent);
  const panel = new timeseries.PanelBuilder()
    .title(`${slo.title}: 5xx share vs ${slo.budgetPercent} %`)
    .description(
      describe(
        ctx.settings,
        `Shows server errors (5xx) of ${slo.functions ? slo.functions.join(", ") : "every edge function"} as a share of their requests, over ${windows.join(" and ")}. The runbook's budget is < ${slo.budgetPercent} %; burn-rate alerts page when it is spent 14.4x or 6x too fast, and their state changes show here.${emailProxy(ctx, slo)}`,
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

/**
 * Selectors that keep people's requests only, for panels about use (an SLO attained by people)
 * rather than the alerts' own values, which judge every request.
 */
export const peopleOnly = (sel: Selectors): Selectors => ({ ...sel, edge: (functions) => `${sel.edge(functions)}, ${sel.realTraffic}` });

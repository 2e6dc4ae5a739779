import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { describe, grafanaUnit, legend, promTarget, SqlTarget, thresholdLine, thresholdSteps, type DashboardContext } from "../common";
import type { Placed } from "../layout";

/**
 * Panels that draw an alert's own value against its own threshold: the same query, the same
 * number, so a changed runbook number moves the alert and the line together.
 */
function explain(ctx: DashboardContext, alertId: string): string {
  const a = ctx.alert(alertId);
  const sign = { ">": ">", ">=": "≥", "<": "<" }[a.comparator];
  return describe(ctx.settings, `${a.summary}. The alert \`${a.name}\` (${a.severity}) fires when this is ${sign} ${a.threshold} for ${a.forSeconds / 60} min.`, a.runbookSection);
}

/**
 * A title that states its limit, "PDF generation (< 10 s)", always shows the alert's configured
 * threshold: the number written at the call site is replaced, so a budget set to 15 reads (< 15 s).
 */
export const titleWithLimit = (title: string, threshold: number): string => title.replace(/\(([<>≤≥]) [\d.]+ ([^)]+)\)$/, (_, op: string, unit: string) => `(${op} ${threshold} ${unit})`);

export function alertTrend(ctx: DashboardContext, alertId: string, shownTitle: string, width = 8, extraAlerts: string[] = []): Placed {
  const a = ctx.alert(alertId);
  const title = titleWithLimit(shownTitle, a.threshold);
  if (a.source !== "prometheus") throw new Error(`${alertId} is not a Prometheus alert`);
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(explain(ctx, alertId))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(a.value, "A", title))
    .unit(grafanaUnit[a.unit])
    .thresholds(thresholdSteps(a.threshold, a.comparator))
    .thresholdsStyle(thresholdLine())
    .legend(legend());
  return { panel, width, alerts: [alertId, ...extraAlerts] };
}

export function alertStat(ctx: DashboardContext, alertId: string, shownTitle: string, width = 6, extraAlerts: string[] = []): Placed {
  const a = ctx.alert(alertId);
  const title = titleWithLimit(shownTitle, a.threshold);
  const target = a.source === "postgres" ? new SqlTarget("A", a.value) : promTarget(a.value, "A").instant();
  const panel = new stat.PanelBuilder()
    .title(title)
    .description(explain(ctx, alertId))
    .datasource(a.source === "postgres" ? ctx.postgres : ctx.prometheus)
    .withTarget(target)
    .unit(grafanaUnit[a.unit])
    .thresholds(thresholdSteps(a.threshold, a.comparator))
    .noValue("no data");
  return { panel, width, height: 5, alerts: [alertId, ...extraAlerts] };
}

import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { describe, grafanaUnit, legend, promTarget, SqlTarget, thresholdLine, thresholdsOf, type DashboardContext, type DashboardKey } from "../common";
import type { Placed } from "../layout";
import { alertBoundary, colouring } from "../thresholds";
import { statTile } from "./stats";

/**
 * Panels that draw an alert's own value against its own threshold: the same query, the same
 * number, so a changed runbook number moves the alert and the line together.
 */
function explain(ctx: DashboardContext, alertId: string): string {
  const a = ctx.alert(alertId);
  const sign = { ">": ">", ">=": "≥", "<": "<" }[a.comparator];
  return `${a.summary}. The alert \`${a.name}\` (${a.severity}) fires when this is ${sign} ${a.threshold} for ${a.forSeconds / 60} min.`;
}

/** Why a panel can be empty, by the alert's own no-data policy. */
function emptyMeans(ctx: DashboardContext, alertId: string): string {
  const a = ctx.alert(alertId);
  return a.noData === "OK" ? "nothing recorded: healthy" : "no data: the source is silent (the alert treats this as firing)";
}

/**
 * A title that states its limit, "PDF generation (< 10 s)", always shows the alert's configured
 * threshold: the number written at the call site is replaced, so a budget set to 15 reads (< 15 s).
 */
export const titleWithLimit = (title: string, threshold: number): string => title.replace(/\(([<>≤≥]) [\d.]+ ([^)]+)\)$/, (_, op: string, unit: string) => `(${op} ${threshold} ${unit})`);

/**
 * The alert's value over the dashboard range, with its threshold line. This is the alert's home
 * panel: Grafana draws the rule's state changes as annotations here (the rule's
 * __dashboardUid__/__panelId__ point at it).
 */
export function alertTrend(ctx: DashboardContext, alertId: string, shownTitle: string, width = 8, extraAlerts: string[] = []): Placed {
  const a = ctx.alert(alertId);
  const title = titleWithLimit(shownTitle, a.threshold);
  if (a.source !== "prometheus") throw new Error(`${alertId} is not a Prometheus alert`);
  const colours = colouring(alertBoundary(a));
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(describe(ctx.settings, explain(ctx, alertId), a.runbookSection, colours))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(a.value, "A", title))
    .unit(grafanaUnit[a.unit])
    .thresholds(thresholdsOf(colours))
    .thresholdsStyle(thresholdLine())
    .noValue(emptyMeans(ctx, alertId))
    .legend(legend());
  return { panel, width, alerts: [alertId, ...extraAlerts], alertHome: true };
}

/** The alert's value now, with a sparkline over the dashboard range and a link to where it is explained. */
export function alertStat(ctx: DashboardContext, alertId: string, shownTitle: string, width = 6, extraAlerts: string[] = [], next?: DashboardKey): Placed {
  const a = ctx.alert(alertId);
  const title = titleWithLimit(shownTitle, a.threshold);
  const sql = a.source === "postgres";
  return statTile(ctx, {
    title,
    text: explain(ctx, alertId),
    section: a.runbookSection,
    colours: colouring(alertBoundary(a)),
    unit: grafanaUnit[a.unit],
    datasource: sql ? ctx.postgres : ctx.prometheus,
    targets: [sql ? new SqlTarget(ctx.postgres, "A", a.value) : promTarget(a.value, "A")],
    noValue: emptyMeans(ctx, alertId),
    sparkline: !sql,
    next,
    width,
    alerts: [alertId, ...extraAlerts],
  });
}

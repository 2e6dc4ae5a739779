import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { describe, grafanaUnit, legend, promNow, promTarget, SqlTarget, thresholdLine, thresholdsOf, type DashboardContext, type DashboardKey } from "../common";
import type { Placed } from "../layout";
import type { AlertId } from "../../alerts/names";
import type { AlertSpec } from "../../alerts/types";
import { alertBoundary, colouring, type Colouring } from "../thresholds";
import { statTile, type StatSpec } from "./stats";
import { emailProxy } from "./traffic";

/**
 * Panels that draw an alert's own value against its own threshold: the same query, the same
 * number, so a changed runbook number moves the alert and the line together.
 */
/**
 * What the panel shows and what each state means, in that order: a reader of a green tile learns
 * what is measured and where it stops being healthy, not an alarm sentence ("The database is
 * down") that is true only when the tile is red.
 */
function explain(ctx: DashboardContext, alertId: AlertId, when: "now" | "over time"): string {
  const a = ctx.alert(alertId);
  const t = shownNumber(a.threshold);
  const sign = { ">": ">", ">=": "≥", "<": "<" }[a.comparator];
  const healthy = { ">": `at most ${t}`, ">=": `below ${t}`, "<": `at least ${t}` }[a.comparator];
  const proxy = a.area === "email" && a.unit === "percent" ? emailProxy(ctx, { functions: [ctx.settings.functions.emailDelivery] }) : "";
  // No hold ('for' 0): the value itself is the debounce (a count over a window), so no "for 0 min".
  const held = a.forSeconds > 0 ? ` for ${a.forSeconds / 60} min` : "";
  // The latency alerts (seconds, from the edge logs) read the p95 of people's and the checks'
  // requests apart and take the worse, on purpose: a slow check is a slow function.
  const traffic = a.detection.signal === "edge-logs" && a.unit === "seconds" ? LATENCY_TRAFFIC : "";
  return `Shows, ${when}, the value the alert \`${a.name}\` judges. Healthy while it is ${healthy}. At ${sign} ${t}${held} the alert (${a.severity}) fires: "${a.summary}".${traffic}${proxy}`;
}

/**
 * What an empty answer of an alert's value means, where it means something other than "no traffic"
 * (for a guarded ratio) or "signal missing": read from the value's query. A count of 5xx is empty in
 * every healthy hour (the drain writes no point for a status that did not occur), pg_up gone means
 * the Metrics API or the database cannot be reached, probe results gone means Synthetic Monitoring
 * is silent. Keyed by alert id, in the dashboards layer: the words belong to the tiles.
 */
const ABSENT_MEANS: Partial<Record<AlertId, (ctx: DashboardContext) => string>> = {
  "database-down": () => "pg_up missing: the Metrics API or the database is unreachable (not a sign of health)",
  "probe-location-failing": () => "no probe results in 3 min: Synthetic Monitoring is silent (not a sign of health)",
  "email-endpoints-503": () => "no 503 recorded in 5 min, or the drain is silent",
  "pdf-generation-500": () => "no 500 recorded in 5 min, or the drain is silent",
  "sharing-invalid-token-surge": () => "no refused link recorded, or the drain is silent",
  ...Object.fromEntries(
    ["email-delivery", "pdf-generation", "vin-decode", "shared-report"].map((j) => [
      `${j}-failing-at-low-volume`,
      (ctx: DashboardContext) => `no server errors recorded in ${ctx.settings.runbook.failureModes.sparseFailures.windowMinutes} min, or the drain is silent`,
    ]),
  ),
};

/**
 * Why a panel can be empty. Never "healthy": an empty answer means the signal is missing (or, for
 * a ratio, that there was nothing to divide, or for a count of failures, that none was recorded),
 * and the tile says so in grey.
 */
export function emptyMeans(ctx: DashboardContext, alertId: AlertId): string {
  const a = ctx.alert(alertId);
  const absent = ABSENT_MEANS[alertId];
  if (absent) return absent(ctx);
  if (a.guard) return "no traffic to judge: no value (not a sign of health)";
  return a.source === "postgres" ? "no answer from the database: signal missing" : "no current data: signal missing, not healthy";
}

export const LATENCY_TRAFFIC = " The p95 is of people's and the checks' requests, each apart, and the worse of the two: the alert judges it so on purpose (a slow check is a slow function), so this is not people's latency alone.";

/** A number as the runbook writes it: 80, not 80.00000000000001. */
export const shownNumber = (n: number): number => Number(n.toPrecision(12));

/** A title that states the runbook's target, "PDF generation latency (< 10 s)", from the threshold itself. */
export const limitTitle = (text: string, threshold: number, unit: string): string => `${text} (< ${shownNumber(threshold)} ${unit})`;

/**
 * An alert tile's title: plain text, or text followed by the alert's own threshold as the runbook's
 * target (`limitUnit`), so a budget set to 15 reads (< 15 s) with no number written at the call site.
 */
export type AlertTitle = string | { text: string; limitUnit: string };
const titleOf = (title: AlertTitle, a: AlertSpec): string => (typeof title === "string" ? title : limitTitle(title.text, a.threshold, title.limitUnit));

/**
 * The alert's value over the dashboard range, with its threshold line. This is the alert's home
 * panel: Grafana draws the rule's state changes as annotations here (the rule's
 * __dashboardUid__/__panelId__ point at it).
 */
export function alertTrend(ctx: DashboardContext, alertId: AlertId, shownTitle: AlertTitle, width = 8, extraAlerts: AlertId[] = []): Placed {
  const a = ctx.alert(alertId);
  const title = titleOf(shownTitle, a);
  if (a.source !== "prometheus") throw new Error(`${alertId} is not a Prometheus alert`);
  const colours = colouring(alertBoundary(a));
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(describe(ctx.settings, explain(ctx, alertId, "over time"), a.runbookSection, colours))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(a.value, "A", title))
    .unit(grafanaUnit[a.unit])
    .thresholds(thresholdsOf(colours))
    .thresholdsStyle(thresholdLine())
    .noValue(emptyMeans(ctx, alertId))
    .legend(legend());
  return { panel, width, alerts: [alertId, ...extraAlerts], alertHome: true };
}

/** The alert's value now, while its signal is fresh, and a link to where it is explained. */
export function alertStat(
  ctx: DashboardContext,
  alertId: AlertId,
  shownTitle: AlertTitle,
  width = 6,
  extraAlerts: AlertId[] = [],
  next?: DashboardKey,
  /** Words for values ("READ-ONLY" for 1), a height. */
  extra: Pick<StatSpec, "mappings" | "height"> = {},
): Placed {
  const a = ctx.alert(alertId);
  const title = titleOf(shownTitle, a);
  const sql = a.source === "postgres";
  return statTile(ctx, {
    title,
    text: explain(ctx, alertId, "now"),
    section: a.runbookSection,
    colours: colouring(alertBoundary(a)),
    unit: grafanaUnit[a.unit],
    datasource: sql ? ctx.postgres : ctx.prometheus,
    targets: [sql ? new SqlTarget(ctx.postgres, "A", a.value) : promNow(a.value, "A")],
    noValue: emptyMeans(ctx, alertId),
    next,
    width,
    alerts: [alertId, ...extraAlerts],
    ...extra,
  });
}

/**
 * A journey failing at low volume (src/alerts/sparseFailures.ts): the count of minutes with a
 * server error, the alert's own value. The alert also needs a failed share of the window's requests
 * (its guard), which this tile does not draw: a second query per tile would take the Journeys
 * dashboard past its 25 queries a refresh. So the words say both conditions and that red here means
 * "enough minutes", and minutes, whole numbers, get no fractional warning band.
 */
export function sparseFailureStat(ctx: DashboardContext, alertId: AlertId, shownTitle: string, width = 3): Placed {
  const a = ctx.alert(alertId);
  if (!a.guard || a.guard.unit !== "ratio" || a.comparator !== ">=") throw new Error(`${alertId} is not a low-volume failure alert (a count of minutes guarded by a failed share)`);
  const window = ctx.settings.runbook.failureModes.sparseFailures.windowMinutes;
  const minutes = shownNumber(a.threshold);
  const share = shownNumber(100 * a.guard.min);
  const colours: Colouring = colouring({
    ...alertBoundary(a),
    integer: true,
    what: "enough minutes for the alert; it fires only if the failed share holds too",
    noBand: "the alert also needs the failed share, which this tile does not show, so a band below the minutes would warn of a condition it cannot judge",
  });
  return statTile(ctx, {
    title: shownTitle,
    text:
      `Minutes of the last ${window} with at least one server error (5xx), the count the alert \`${a.name}\` judges (not the number of errors). ` +
      `The alert (${a.severity}) fires only when both hold: server errors in at least ${minutes} different minutes, and at least ${share} % of the window's requests failed ("${a.summary}"). ` +
      `This tile shows the minutes only: red here with the alert silent means most requests still succeed (the error-rate panels judge those).`,
    section: a.runbookSection,
    colours,
    unit: "short",
    decimals: 0,
    datasource: ctx.prometheus,
    targets: [promNow(a.value, "A")],
    noValue: emptyMeans(ctx, alertId),
    width,
    alerts: [alertId],
  });
}

import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { recordedWindow, series } from "../alerts/signals";
import { duration } from "../alerts/evaluation";
import { runbookSections } from "../config/runbookItems";
import { createdLastWeekQuery, createdPerDayQuery, createdWeekOverWeekQuery, SYNTHETIC_PDF_PREFIX, type ProductRows } from "../sql/queries";
import { dashboardUid, describe, legend, Link, promNow, promTarget, SqlTarget, thresholdsOf, type DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import type { Placed, Row } from "./layout";
import { SILENT_COLOUR, statTile } from "./panels/stats";
import { neutral, type Colouring } from "./thresholds";

/**
 * The product owner's view: what the product did, counted from real use only.
 *
 * One definition of a day for SQL and PromQL: a UTC calendar day, labelled at its start, today
 * included as far as it has gone (the dashboard's time zone is UTC). Per-day bars follow the time
 * picker (a week, a month, a quarter) and cover whole days (a PromQL day exact ± the recording
 * group's phase, at most 50 s: docs/how-it-works.md). "Last 7 whole days" are the 7 whole days before
 * the day the range ends in (yesterday and the 6 before, for a range ending now), in every panel:
 * Grafana evaluates an instant PromQL query at the range's end, and SQL counts back from $__timeTo().
 *
 * Each volume comes from the signal closest to the outcome:
 * - PDFs generated: objects stored in the PDF bucket (storage.objects), except the synthetic
 *   check's, which the app stores under `synthetic/` (a contract, docs/assumptions.md). A stored file is a PDF
 *   the user can download; files removed by a cleanup are missing from past days.
 * - Reports shared: rows created in public_tokens. A share mints a token.
 * - Emails sent and VINs decoded leave no row this project can read, so they are the functions'
 *   successful (2xx) responses to real traffic, from the recorded log-drain series: the checks mark
 *   their own requests and the recording rule labels them `traffic="synthetic"`. "Sent" means
 *   Resend accepted the email: delivery is only known to Resend's webhooks.
 */
type Source = { kind: "sql"; rows: ProductRows } | { kind: "edge"; functionName: string };
interface Volume {
  title: string;
  source: Source;
  why: string;
}

/**
 * Real requests with a 2xx status, from the recorded per-minute counts (the checks' own requests,
 * labelled traffic="synthetic", left out). A point written at t counts the minute that ended the
 * drain's arrival delay before t (src/alerts/recording.ts), so a day's points are read that much
 * later: the points of (day start + delay, day end + delay] count the requests of the day exactly.
 * The window holds one day of points (recordedWindow: half an interval short, so Prometheus 2, which
 * counts a point on a range's left edge, and Prometheus 3, which does not, sum the same points).
 */
const DAY_WINDOW = recordedWindow(24 * 60);
const okRealResponses = (ctx: DashboardContext, fn: string, modifiers = "") =>
  `sum(sum_over_time(${series(ctx.sel.recorded.requestsPerMinute, ctx.sel.edge(fn), 'status=~"2.."', ctx.sel.realTraffic)}[${DAY_WINDOW}]${modifiers}))`;
/** The (negative) offset that reads the day ending `daysAhead` days after the evaluation instant, its points the drain's delay later still. */
const dayOffset = (ctx: DashboardContext, daysAhead: 0 | 1): string => {
  const seconds = daysAhead * 86400 + ctx.settings.signals.arrivalDelaySeconds.logDrain;
  return seconds === 0 ? "" : ` offset -${duration(seconds)}`;
};

/** Real 2xx requests of the UTC day that ends at the evaluation instant (at a midnight: the day before). */
export const okResponsesDayEndingExpr = (ctx: DashboardContext, fn: string) => okRealResponses(ctx, fn, dayOffset(ctx, 0));
/**
 * Real 2xx requests of the UTC day that starts at the evaluation instant (`at` pins that instant, as
 * a range query's step does; tests use it to evaluate a past step): at a 1-day step Grafana
 * aligns the points to UTC midnights, so each bar is labelled with its own day, as SQL's
 * date_trunc labels it, and today's bar holds today so far (a negative offset reads forward).
 */
export const okResponsesPerDayExpr = (ctx: DashboardContext, fn: string, at?: number) => okRealResponses(ctx, fn, `${at === undefined ? "" : ` @ ${at}`}${dayOffset(ctx, 1)}`);
/**
 * The last 7 whole UTC days: the day ending at each of the last 7 midnights (a subquery with a
 * 1-day step is aligned to midnights), summed; the week before, one week earlier.
 */
const weekOfDays = (ctx: DashboardContext, fn: string, offset?: string) => `sum_over_time((${okResponsesDayEndingExpr(ctx, fn)})[7d:1d]${offset ? ` offset ${offset}` : ""})`;
/**
 * The last 7 whole days, 0 when they had no real 2xx: a week with no point is a week with none
 * (the drain writes no point for a quiet minute), and without `or vector(0)` the count and the
 * change would both be empty exactly when usage dropped to zero.
 */
const lastWeekOrZero = (ctx: DashboardContext, fn: string) => `(${weekOfDays(ctx, fn)} or vector(0))`;
export const okResponsesLastWeekExpr = (ctx: DashboardContext, fn: string) => lastWeekOrZero(ctx, fn);
/** Those 7 days against the 7 before, in percent: -100 when the last 7 had none; nothing when the week before had none. */
export const weekOverWeekExpr = (ctx: DashboardContext, fn: string) => `100 * (${lastWeekOrZero(ctx, fn)} / ${weekOfDays(ctx, fn, "7d")} - 1)`;

/** Requests the synthetic checks made to each function per UTC day (all statuses): what the checks add. */
export const syntheticPerDayExpr = (ctx: DashboardContext) =>
  `sum by (function) (sum_over_time(${series(ctx.sel.recorded.requestsPerMinute, ctx.sel.syntheticTraffic)}[${DAY_WINDOW}]${dayOffset(ctx, 1)}))`;

const MIXED = { type: "datasource", uid: "-- Mixed --" };

const target = (ctx: DashboardContext, v: Volume, refId: string, kind: "perDay" | "week" | "weekOverWeek"): cog.Builder<cog.Dataquery> => {
  if (v.source.kind === "sql") {
    const sql = { perDay: createdPerDayQuery, week: createdLastWeekQuery, weekOverWeek: createdWeekOverWeekQuery }[kind](v.source.rows);
    return new SqlTarget(ctx.postgres, refId, sql, kind === "perDay" ? "time_series" : "table");
  }
  const fn = v.source.functionName;
  // Each target names its data source: the funnel mixes Prometheus and PostgreSQL in one panel.
  if (kind === "perDay") return promTarget(okResponsesPerDayExpr(ctx, fn), refId, v.title).interval("1d").datasource(ctx.prometheus);
  return promNow(kind === "week" ? okResponsesLastWeekExpr(ctx, fn) : weekOverWeekExpr(ctx, fn), refId, kind === "week" ? "last 7 whole days" : "week over week").datasource(ctx.prometheus);
};

function perDay(ctx: DashboardContext, v: Volume): Placed {
  const panel = new timeseries.PanelBuilder()
    .title(`${v.title} per day`)
    .description(describe(ctx.settings, `${v.why} One bar per UTC day of the selected range, today so far included.`, runbookSections.keyMetrics))
    .datasource(v.source.kind === "sql" ? ctx.postgres : ctx.prometheus)
    .withTarget(target(ctx, v, "A", "perDay"))
    .interval("1d")
    .drawStyle(common.GraphDrawStyle.Bars)
    // A day's point is labelled at the day's start (midnight): its bar covers the day after it.
    .barAlignment(common.BarAlignment.After)
    .fillOpacity(80)
    .unit("short")
    .decimals(0)
    .noValue("none in the selected range")
    .legend(legend());
  return { panel, width: 16, height: 6 };
}

/** A week's change is a trend, not a limit: green when it grew, orange when it shrank. */
export const TREND_COLOURS: Colouring = {
  steps: [
    { value: null, color: "orange" },
    { value: 0, color: "green" },
  ],
  noBandBecause: "a trend has no limit",
  legend: "Week over week: green when the last 7 whole days grew against the 7 before (or held), orange when they shrank (with its minus sign). No warning band: a trend has no limit.",
};

/** The text of a week-over-week change that has nothing to compare with, in the silent grey. */
export const NO_WEEK_BEFORE = "no week before to compare";
const noWeekBefore = (): dashboard.ValueMapping => ({
  type: dashboard.MappingType.SpecialValue,
  options: { match: dashboard.SpecialValueMatch.Null, result: { text: NO_WEEK_BEFORE, color: SILENT_COLOUR } },
});

function weekOverWeek(ctx: DashboardContext, v: Volume): Placed {
  return statTile(ctx, {
    title: `${v.title}: last 7 whole days, week over week`,
    text: `${v.why} The 7 whole UTC days before the range's end (yesterday and the 6 before, for a range ending now; the same days in every panel), and their change against the 7 days before, in percent: -100 when the last 7 had none, "${NO_WEEK_BEFORE}" (or no change shown) when the week before had none.`,
    section: runbookSections.keyMetrics,
    colours: neutral("the runbook sets no volume targets; the product owner reads the trend"),
    unit: "short",
    unitsByQuery: { B: "percent" },
    datasource: v.source.kind === "sql" ? ctx.postgres : ctx.prometheus,
    targets: [target(ctx, v, "A", "week"), target(ctx, v, "B", "weekOverWeek")],
    noValue: "no answer from the data source",
    overridesByQuery: {
      A: [{ id: "displayName", value: "last 7 whole days" }],
      // The change in its own colour: green when it grew, orange when it shrank (Grafana writes the minus sign).
      B: [
        { id: "displayName", value: "week over week" },
        { id: "thresholds", value: thresholdsOf(TREND_COLOURS).build() },
        { id: "color", value: { mode: "thresholds" } },
        // A null change (SQL's nullif: the week before had none) gets its own words: without them the
        // panel-wide noValue would stand beside a real count and read "none" for a week that had some.
        { id: "mappings", value: [noWeekBefore()] },
      ],
    },
    width: 8,
    height: 6,
  });
}

/** PDFs generated, emails sent, VINs decoded and reports shared, per day and week over week, real use only. */
export function productDashboard(ctx: DashboardContext): BuiltDashboard {
  const fns = ctx.settings.functions;
  const volumes: Volume[] = [
    { title: "VINs decoded", source: { kind: "edge", functionName: fns.vinDecode }, why: `Successful (2xx) responses of ${fns.vinDecode} to real traffic, from the edge-function logs (the VIN check's own calls are left out).` },
    {
      title: "PDFs generated",
      source: { kind: "sql", rows: "pdfs" },
      why: `Valuation PDFs stored in the "PDF Valuation Reports" bucket (storage.objects), except the PDF check's own, which the app stores under ${SYNTHETIC_PDF_PREFIX}.`,
    },
    {
      title: "Emails sent",
      source: { kind: "edge", functionName: fns.emailDelivery },
      why: `Successful (2xx) responses of ${fns.emailDelivery} to real traffic, from the edge-function logs: Resend accepted the email. Delivery itself is known only to Resend.`,
    },
    { title: "Reports shared", source: { kind: "sql", rows: "sharedReports" }, why: "Sharing tokens created (public_tokens.created_at): each share mints one." },
  ];
  const rows: Row[] = [
    { panels: [funnel(ctx, volumes), checksAdd(ctx)] },
    ...volumes.map((v) => ({ panels: [perDay(ctx, v), weekOverWeek(ctx, v)] })),
  ];
  const built = compose(
    ctx,
    "product",
    "What the product did, from real use only (the synthetic checks' own calls and PDFs are left out and counted apart): VINs decoded, PDFs generated, emails sent and reports shared, per UTC day over the selected range, and the last 7 whole days against the 7 before. Pick a week, a month or a quarter in the time picker, or use the links.",
    rows,
    [],
    productViewLinks(dashboardUid(ctx.settings, "product")),
  );
  return built;
}

/** The product owner's usual views, as links: the bars follow the range. */
export const productViews = [
  { title: "This week", from: "now/w", to: "now" },
  { title: "Last 30 days", from: "now-30d/d", to: "now" },
  { title: "This month", from: "now/M", to: "now" },
  { title: "Last 90 days", from: "now-90d/d", to: "now" },
] as const;
export const productViewLinks = (uid: string) => productViews.map((v) => new Link(`View: ${v.title}`, `/d/${uid}?from=${v.from}&to=${v.to}`));

/**
 * The journey as a funnel over the last 7 whole days: VINs decoded, PDFs generated, emails sent,
 * reports shared, with each step's share of the one before. The counts are not joined per user
 * (no signal carries a session), so a step's share is of the same days' volumes, not of the same people.
 */
function funnel(ctx: DashboardContext, volumes: Volume[]): Placed {
  const panel = new bargauge.PanelBuilder()
    .title("Funnel, last 7 whole days: VIN decoded → PDF → email → share")
    .description(
      describe(
        ctx.settings,
        "Each step of the user journey over the 7 whole UTC days before the range's end (yesterday and the 6 before, for a range ending now), real use only, with its share of the step before in the legend of each bar. The steps are counted apart (no signal joins one user's VIN, PDF, email and share), so a share compares the same days' volumes, not the same people.",
        runbookSections.keyMetrics,
        neutral("the runbook sets no conversion targets"),
      ),
    )
    .datasource(MIXED)
    .targets([
      ...volumes.map((v, i) => target(ctx, v, String.fromCharCode(65 + i), "week")),
      ...volumes.slice(1).map((_, i) => new MathExpression(`100 * $${String.fromCharCode(66 + i)} / $${String.fromCharCode(65 + i)}`, `R${i + 1}`)),
    ])
    .unit("short")
    .decimals(0)
    .min(0)
    .thresholds(thresholdsOf(neutral("the runbook sets no conversion targets")))
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .orientation(common.VizOrientation.Horizontal)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["last"]).values(false))
    .noValue("none in the last 7 whole days");
  for (const [i, v] of volumes.entries()) panel.overrideByQuery(String.fromCharCode(65 + i), [{ id: "displayName", value: v.title }]);
  for (let i = 1; i < volumes.length; i++) {
    panel.overrideByQuery(`R${i}`, [
      { id: "displayName", value: `${volumes[i].title}, % of ${volumes[i - 1].title}` },
      { id: "unit", value: "percent" },
      { id: "decimals", value: 1 },
    ]);
  }
  return { panel, width: 16, height: 8 };
}

/** Server-side math across the funnel's queries (Grafana expressions work across data sources). */
class MathExpression implements cog.Builder<cog.Dataquery> {
  constructor(
    private readonly expression: string,
    private readonly refId: string,
  ) {}
  build(): cog.Dataquery {
    return { refId: this.refId, datasource: { type: "__expr__", uid: "__expr__", name: "Expression" }, type: "math", expression: this.expression } as unknown as cog.Dataquery;
  }
}

/** What the synthetic checks add, counted on its own so the product counts can leave it out. */
function checksAdd(ctx: DashboardContext): Placed {
  const panel = new timeseries.PanelBuilder()
    .title("What our own checks add, per day (left out above)")
    .description(
      describe(
        ctx.settings,
        `The synthetic checks' own calls to each function per UTC day (any status: the recorded series labelled traffic="synthetic"), and the PDFs the PDF check stored under ${SYNTHETIC_PDF_PREFIX}. None of it is counted in the panels beside.`,
        runbookSections.keyMetrics,
      ),
    )
    .datasource(MIXED)
    .targets([promTarget(syntheticPerDayExpr(ctx), "A", "{{function}} (check calls)").interval("1d").datasource(ctx.prometheus), new SqlTarget(ctx.postgres, "B", createdPerDayQuery("syntheticPdfs"), "time_series")])
    .interval("1d")
    .drawStyle(common.GraphDrawStyle.Bars)
    .barAlignment(common.BarAlignment.After)
    .fillOpacity(60)
    .unit("short")
    .decimals(0)
    .noValue("no check traffic recorded in the selected range")
    .legend(legend());
  return { panel, width: 8, height: 8 };
}

import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { edgeSeries, series } from "../alerts/signals";
import { runbookSections } from "../config/runbookItems";
import { createdLastWeekQuery, createdPerDayQuery, createdWeekOverWeekQuery, type ProductRows } from "../sql/queries";
import { describe, legend, promTarget, SqlTarget, type DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import type { Placed, Row } from "./layout";
import { statTile } from "./panels/stats";
import { neutral } from "./thresholds";

/** The product owner's window. */
export const PRODUCT_DAYS = 30;

/**
 * One product volume and where it is counted. Each comes from the signal closest to the outcome:
 * - PDFs generated: objects stored in the PDF bucket (storage.objects). A stored file is a PDF the
 *   user can download; the function's 2xx count would also count retries that stored nothing new.
 *   Files removed by the runbook's PDF cleanup before 30 days would be missing from past days.
 * - Reports shared: rows created in public_tokens. A share mints a token; the shared-report
 *   function's requests are views of shares, not shares.
 * - Emails sent and VINs decoded leave no row this project can read, so they are the functions'
 *   successful (2xx) responses, from the series recorded out of the log drain. "Sent" means Resend
 *   accepted the email: delivery is only known to Resend's webhooks.
 */
type Source = { kind: "sql"; rows: ProductRows } | { kind: "edge"; functionName: string };
interface Volume {
  title: string;
  source: Source;
  why: string;
}

/**
 * People's requests of one function with a 2xx status over a window: the recorded per-minute
 * counts summed, the checks' own requests left out.
 */
const okResponses = (ctx: DashboardContext, fn: string, window: string, offset?: string) =>
  `sum(sum_over_time(${series(edgeSeries.requestsPerMinute, ctx.sel.edge(fn), 'status=~"2.."', ctx.sel.realTraffic)}[${window}]${offset ? ` offset ${offset}` : ""}))`;

/** Requests per day: the bar for the day that ends at each step. */
export const okResponsesPerDayExpr = (ctx: DashboardContext, fn: string) => okResponses(ctx, fn, "1d");
/**
 * The last 7 whole UTC days: the daily count at each midnight (a subquery with a 1-day step is
 * aligned to midnights), summed. Cheaper than one 7-day range, which loads a week of one-minute
 * samples at once, and steady through the day.
 */
const weekOfDays = (ctx: DashboardContext, fn: string, offset?: string) => `sum_over_time((${okResponsesPerDayExpr(ctx, fn)})[7d:1d]${offset ? ` offset ${offset}` : ""})`;
export const okResponsesLastWeekExpr = (ctx: DashboardContext, fn: string) => weekOfDays(ctx, fn);
/** Those 7 days against the 7 before, in percent; nothing when the week before had none. */
export const weekOverWeekExpr = (ctx: DashboardContext, fn: string) => `100 * (${weekOfDays(ctx, fn)} / ${weekOfDays(ctx, fn, "7d")} - 1)`;

function perDay(ctx: DashboardContext, v: Volume): Placed {
  const target: cog.Builder<cog.Dataquery> =
    v.source.kind === "sql"
      ? new SqlTarget(ctx.postgres, "A", createdPerDayQuery(v.source.rows, PRODUCT_DAYS), "time_series")
      : promTarget(okResponsesPerDayExpr(ctx, v.source.functionName), "A", v.title).interval("1d");
  const panel = new timeseries.PanelBuilder()
    .title(`${v.title} per day`)
    .description(describe(ctx.settings, `${v.why} One bar per day over the last ${PRODUCT_DAYS} days (UTC).`, runbookSections.keyMetrics))
    .datasource(v.source.kind === "sql" ? ctx.postgres : ctx.prometheus)
    .withTarget(target)
    .timeFrom(`${PRODUCT_DAYS}d`)
    .interval("1d")
    .drawStyle(common.GraphDrawStyle.Bars)
    .fillOpacity(80)
    .unit("short")
    .decimals(0)
    .noValue(`none in ${PRODUCT_DAYS} days`)
    .legend(legend());
  return { panel, width: 16, height: 6 };
}

function weekOverWeek(ctx: DashboardContext, v: Volume): Placed {
  const targets: cog.Builder<cog.Dataquery>[] =
    v.source.kind === "sql"
      ? [new SqlTarget(ctx.postgres, "A", createdLastWeekQuery(v.source.rows)), new SqlTarget(ctx.postgres, "B", createdWeekOverWeekQuery(v.source.rows))]
      : [
          promTarget(okResponsesLastWeekExpr(ctx, v.source.functionName), "A", "last 7 days").instant(),
          promTarget(weekOverWeekExpr(ctx, v.source.functionName), "B", "week over week").instant(),
        ];
  return statTile(ctx, {
    title: `${v.title}: last 7 days, week over week`,
    text: `${v.why} The last 7 days${v.source.kind === "edge" ? " (whole UTC days)" : ""}, and their change against the 7 days before in percent (empty when the week before had none).`,
    section: runbookSections.keyMetrics,
    colours: neutral("the runbook sets no volume targets; the product owner reads the trend"),
    unit: "short",
    unitsByQuery: { B: "percent" },
    datasource: v.source.kind === "sql" ? ctx.postgres : ctx.prometheus,
    targets,
    noValue: "none in 14 days",
    sparkline: false,
    width: 8,
    height: 6,
  });
}

/** PDFs generated, emails sent, VINs decoded and reports shared, per day over 30 days and week over week. */
export function productDashboard(ctx: DashboardContext): BuiltDashboard {
  const fns = ctx.settings.functions;
  const volumes: Volume[] = [
    { title: "PDFs generated", source: { kind: "sql", rows: "pdfs" }, why: 'Valuation PDFs stored in the "PDF Valuation Reports" bucket (storage.objects).' },
    {
      title: "Emails sent",
      source: { kind: "edge", functionName: fns.emailDelivery },
      why: `Successful (2xx) responses of ${fns.emailDelivery}, from the edge-function logs: Resend accepted the email. Delivery itself is known only to Resend.`,
    },
    { title: "VINs decoded", source: { kind: "edge", functionName: fns.vinDecode }, why: `Successful (2xx) responses of ${fns.vinDecode}, from the edge-function logs.` },
    { title: "Reports shared", source: { kind: "sql", rows: "sharedReports" }, why: "Sharing tokens created (public_tokens.created_at): each share mints one." },
  ];
  const rows: Row[] = volumes.map((v) => ({ panels: [perDay(ctx, v), weekOverWeek(ctx, v)] }));
  return compose(ctx, "product", `What the product did over the last ${PRODUCT_DAYS} days: PDFs generated, emails sent, VINs decoded and reports shared, per day and week over week.`, rows);
}

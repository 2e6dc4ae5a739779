import * as common from "@grafana/grafana-foundation-sdk/common";
import * as logs from "@grafana/grafana-foundation-sdk/logs";
import * as loki from "@grafana/grafana-foundation-sdk/loki";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { edgeLogs, requestsOver, series, supabaseMetrics } from "../alerts/signals";
import { rotationAlerts } from "../alerts/keyRotation";
import { errorRatioExpr, type Slo } from "../alerts/slo";
import { externalKeyNames } from "../config/schema";
import { sloCatalog } from "../alerts/specs";
import type { Settings } from "../config/settings";
import { runbookSections } from "../config/runbookItems";
import { slowestQueriesQuery, storageAddedPerDayQuery } from "../sql/queries";
import { dashboardUid, describe, legend, promNow, promTarget, supabaseDashboardUrl, type DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import type { Placed } from "./layout";
import { journeys } from "./panels/journeys";
import { alertStat } from "./panels/alertPanels";
import { note } from "./panels/notes";
import { sqlDailyBars, sqlTable } from "./panels/sql";
import { statTile } from "./panels/stats";
import { budgetColours, functionMatcher, functionVariable, invocations, peopleOnly } from "./panels/traffic";
import { alertBoundary, colouring } from "./thresholds";

const SECTION = "Maintenance Tasks";

/**
 * The day's failed edge-function requests, as log lines: the drain's stream, parsed as the
 * recording rules parse it, keeping server errors. Built from signals.ts so it follows the drain.
 */
export const failedRequestsLogQuery = (settings: Pick<Settings, "logDrain">): string => `${edgeLogs.stream(settings)} | status=~"5.." | ${functionMatcher}`;

/** The runbook's Maintenance Tasks, each daily, weekly and monthly item as a figure, a log or a list. */
export function reviewsDashboard(ctx: DashboardContext): BuiltDashboard {
  const s = ctx.settings;
  const budgets = s.runbook.errorBudgets;
  const m = (name: string) => series(name, ctx.sel.supabase);
  const link = (text: string, url: string) => `[${text}](${url})`;
  const slos = new Map(sloCatalog({ settings: ctx.settings, sel: ctx.sel }).map((slo) => [slo.id, slo]));
  const dayRatio = (sloId: Slo["id"], title: string, budget: number, text: string): Placed => {
    const slo = slos.get(sloId);
    if (!slo) throw new Error(`no SLO ${sloId}`);
    return statTile(ctx, {
      title,
      text,
      section: SECTION,
      colours: budgetColours(budget),
      unit: "percent",
      datasource: ctx.prometheus,
      targets: [promNow(`100 * (${errorRatioExpr(slo, ctx.sel, "1d")})`, "A")],
      noValue: "no requests in 24 h",
      timeFrom: "24h",
      width: 4,
    });
  };

  const errorsPerHour = new timeseries.PanelBuilder()
    .title("Server errors per hour, by function (24 h)")
    .description(describe(ctx.settings, "Check error rates and review edge function logs: 5xx responses per hour, from the edge-function logs, for the functions the Function variable selects (the Overview's error drill-down sets it).", SECTION))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(`sum by (function) (${requestsOver(ctx.sel, 60, 'status=~"5.."', functionMatcher)})`, "A", "{{function}}").interval("1h"))
    .timeFrom("24h")
    .interval("1h")
    .drawStyle(common.GraphDrawStyle.Bars)
    // The point at an hour counts the hour that ended there: its bar covers the hour before it.
    .barAlignment(common.BarAlignment.Before)
    .fillOpacity(80)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
    .unit("short")
    .decimals(0)
    // The recorded counts have no point for a status that did not occur, nor for a silent drain.
    .noValue("no server errors recorded in 24 h, or the drain is silent")
    .legend(legend());

  const failures = new logs.PanelBuilder()
    .title("Failed requests today (5xx), newest first")
    .description(describe(ctx.settings, "Review edge function logs for anomalies: every 5xx line of the last 24 hours from the Supabase log drain in Loki, for the functions the Function variable selects. Expand a line for its structured metadata (function id, deployment, execution time).", SECTION))
    .datasource(ctx.loki)
    .withTarget(new loki.DataqueryBuilder().refId("A").expr(failedRequestsLogQuery(s)).queryType("range").maxLines(500))
    .timeFrom("24h")
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .noValue("no failed requests recorded in 24 h, or the drain is silent");

  const slowQueries = ctx.alert("database-queries-slow");
  const weekAverage = statTile(ctx, {
    title: "Average query time, last 7 days",
    text: `Database performance review: the upgrade trigger is > ${slowQueries.threshold} s average.`,
    section: SECTION,
    colours: colouring({ ...alertBoundary(slowQueries), what: "the runbook's upgrade trigger" }),
    unit: "s",
    datasource: ctx.prometheus,
    targets: [promTarget(`sum(increase(${m(supabaseMetrics.queryTimeSecondsTotal)}[7d])) / sum(increase(${m(supabaseMetrics.queriesTotal)}[7d]))`, "A").instant()],
    noValue: "no queries recorded in 7 days",
    sparkline: false,
  });
  const weeklyGrowthLimitMb = (s.runbook.capacity.storagePlanLimitGiB * 1024) / 52;
  const weekGrowth = statTile(ctx, {
    title: "Storage growth, last 7 days",
    text: "Storage usage analysis: red when a week's growth would fill the plan within a year.",
    section: SECTION,
    colours: colouring({ comparator: ">=", threshold: weeklyGrowthLimitMb, unit: "count", integer: false, what: "a year's worth of the plan per week" }),
    unit: "decmbytes",
    datasource: ctx.prometheus,
    targets: [promTarget(`max(${m(supabaseMetrics.storageSizeMb)}) - max(${m(supabaseMetrics.storageSizeMb)} offset 7d)`, "A").instant()],
    noValue: "no storage samples 7 days apart",
    sparkline: false,
  });

  const journeyList = journeys(ctx);
  const monthlyP95 = journeyList.map((j) => {
    const a = ctx.alert(j.latencyAlert);
    return statTile(ctx, {
      title: `${j.title} p95, 30 days (< ${a.threshold} s)`,
      text: `Performance optimization review: the 95th percentile of ${j.functionName}'s 5-minute p95 over 30 days, of people's requests only (the synthetic checks' own, labelled traffic="synthetic", left out). The recorded series keep 5-minute quantiles, so this is a p95 of p95s; the exact figure needs 30 days of log lines.`,
      section: SECTION,
      colours: colouring({ ...alertBoundary(a), what: "the runbook's budget" }),
      unit: "s",
      datasource: ctx.prometheus,
      targets: [promTarget(`max(quantile_over_time(0.95, ${series(ctx.sel.recorded.latencyP95Seconds5m, ctx.sel.edge(j.functionName), ctx.sel.realTraffic)}[30d]))`, "A").instant()],
      noValue: "no requests in 30 days",
      sparkline: false,
      width: 4,
    });
  });
  const attainment = journeyList.map((j) => {
    const target = 100 - j.errors.slo.budgetPercent;
    return statTile(ctx, {
      title: `${j.title} SLO attained, 30 days (≥ ${target} %)`,
      text: `Share of people's requests to ${j.functionName} over 30 days (the synthetic checks' own left out) that were not server errors, against the SLO of ${target} % (the runbook's < ${j.errors.slo.budgetPercent} %).`,
      section: SECTION,
      colours: colouring({ comparator: "<", threshold: target, unit: "percent", integer: false, max: 100, what: "the SLO is missed" }),
      unit: "percent",
      datasource: ctx.prometheus,
      targets: [promTarget(`100 * (1 - ${errorRatioExpr(j.errors.slo, peopleOnly(ctx.sel), "30d")})`, "A").instant()],
      noValue: "no requests in 30 days",
      sparkline: false,
      width: 4,
    });
  });

  // Each dated external key's reminder, legended by the key as rotation.lastRotated names it.
  const dated = externalKeyNames.filter((key) => s.rotation.lastRotated[key] !== undefined).sort((a, b) => a.localeCompare(b));
  const keyAlerts = dated.map((key) => rotationAlerts[key]);
  const keyAges: Placed[] = keyAlerts.length
    ? [
        statTile(ctx, {
          title: "Days since each key was rotated",
          text: `API key rotation (if policy requires): due every ${s.rotation.every}. Rotate with the steps in docs/delivery.md (*Key rotation and breach response*), then record the date in rotation.lastRotated.`,
          section: runbookSections.apiKeyRotation,
          colours: colouring({ ...alertBoundary(ctx.alert(keyAlerts[0])), what: "the rotation is overdue" }),
          unit: "d",
          datasource: ctx.prometheus,
          targets: dated.map((key, i) => promTarget(ctx.alert(rotationAlerts[key]).value, String.fromCharCode(65 + i), key).instant()),
          noValue: "no rotation dates recorded",
          sparkline: false,
          width: 8,
          alerts: keyAlerts,
        }),
      ]
    : [note("Days since each key was rotated", "No rotation dates are recorded in `rotation.lastRotated`: record them to see each key's age here.", 8, 5)];

  return compose(ctx, "reviews", "The runbook's daily, weekly and monthly maintenance tasks, each with the figure, log or list to check it on; prose only where no query can answer.", [
    {
      title: "Daily",
      panels: [
        dayRatio("overall", "Error rate, last 24 h", budgets.overallPercent, `Check error rates: budget < ${budgets.overallPercent} %.`),
        dayRatio("email", "Email function 5xx share, last 24 h", budgets.emailDeliveryFailurePercent, `Verify email delivery rates: budget < ${budgets.emailDeliveryFailurePercent} % (the email function's own 5xx share, not delivery: Resend's outcomes need its webhooks).`),
        dayRatio("pdf", "PDF failures, last 24 h", budgets.pdfGenerationFailurePercent, `PDF generation failures: budget < ${budgets.pdfGenerationFailurePercent} %.`),
        { panel: errorsPerHour, width: 12, height: 5 },
        { panel: failures, width: 24, height: 10 },
        invocations(ctx, 12),
      ],
    },
    {
      // Each pipeline's "signal missing" alert draws here: a dashboard that is quiet because nothing arrives is not healthy.
      title: "Daily: is every signal arriving?",
      panels: [
        alertStat(ctx, "signal-missing-metrics-api", "Metrics API missing", 8),
        alertStat(ctx, "signal-missing-probes", "Probe results missing", 8),
        alertStat(ctx, "signal-missing-log-drain", "Log drain missing", 8),
      ],
    },
    {
      title: "Weekly",
      panels: [
        weekAverage,
        weekGrowth,
        note("Security updates", `Security updates check:\n\n- ${link("Supabase infrastructure and Postgres version", supabaseDashboardUrl(s, "/settings/infrastructure"))}\n- ${link("Security advisor", supabaseDashboardUrl(s, "/advisors/security"))}`, 6, 5),
        note("Backups", `Backup verification:\n\n- ${link("Scheduled backups", supabaseDashboardUrl(s, "/database/backups/scheduled"))}\n- Restore one into a branch project each month.`, 6, 5),
        sqlTable(
          ctx,
          "Slowest queries (mean time, since the statistics were reset)",
          slowestQueriesQuery,
          "Database performance review: the ten statements with the highest mean execution time, from pg_stat_statements.",
          runbookSections.databaseScaling,
          12,
          { mean_seconds: "s", total_seconds: "s" },
        ),
        sqlDailyBars(ctx, "Storage growth by bucket, bytes per day (30 days)", storageAddedPerDayQuery, "Storage usage analysis: new objects' bytes per day and bucket, from storage.objects.", runbookSections.storageScaling, { unit: "bytes", width: 12 }),
      ],
    },
    {
      title: "Monthly",
      panels: [
        ...monthlyP95,
        ...attainment,
        ...keyAges,
        note("Cost", `Cost analysis and optimization:\n\n- ${link("Supabase usage", supabaseDashboardUrl(s, "/settings/billing/usage"))}\n- Synthetic Monitoring executions: see the plan's output.`, 8, 5),
        note("User feedback", `User feedback review: collect support tickets and *Invalid token* reports; the ${link("sharing-token dashboard", `/d/${dashboardUid(s, "sharingTokens")}`)} shows refused links.`, 8, 5),
      ],
    },
  ], [functionVariable(ctx)]);
}

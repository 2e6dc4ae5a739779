import * as common from "@grafana/grafana-foundation-sdk/common";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { describe, legend, SqlTarget, type DashboardContext, type DashboardKey } from "../common";
import type { Placed } from "../layout";
import type { Colouring } from "../thresholds";
import { statTile } from "./stats";

/** Panels on the runbook's SQL, through the read-only PostgreSQL data source. */

/**
 * A table with a unit per column: bytes as bytes and durations as seconds, not "1.2 Bil". Column
 * names are the query's own; the SQL panel test runs each query and checks that they exist.
 */
export function sqlTable(ctx: DashboardContext, title: string, sql: string, text: string, section: string, width = 12, columnUnits: Record<string, string> = {}): Placed {
  const panel = new table.PanelBuilder().title(title).description(describe(ctx.settings, text, section)).datasource(ctx.postgres).withTarget(new SqlTarget(ctx.postgres, "A", sql)).unit("short").noValue("no rows");
  for (const [column, unit] of Object.entries(columnUnits)) panel.overrideByName(column, [{ id: "unit", value: unit }]);
  return { panel, width };
}

export function sqlStat(
  ctx: DashboardContext,
  title: string,
  sql: string,
  text: string,
  section: string,
  colours: Colouring,
  options: { unit?: string; width?: number; noValue?: string; next?: DashboardKey } = {},
): Placed {
  return statTile(ctx, {
    title,
    text,
    section,
    colours,
    unit: options.unit ?? "short",
    datasource: ctx.postgres,
    targets: [new SqlTarget(ctx.postgres, "A", sql)],
    noValue: options.noValue ?? "no rows",
    sparkline: false,
    next: options.next,
    width: options.width ?? 6,
  });
}

/**
 * Counts per day: bars, one per day, over the panel's own range. The queries read a fixed window
 * (30 days), so the panel carries that window with timeFrom whatever the dashboard's range is.
 */
export function sqlDailyBars(ctx: DashboardContext, title: string, sql: string, text: string, section: string, options: { unit?: string; width?: number; days?: number } = {}): Placed {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(describe(ctx.settings, text, section))
    .datasource(ctx.postgres)
    .withTarget(new SqlTarget(ctx.postgres, "A", sql, "time_series"))
    .timeFrom(`${options.days ?? 30}d`)
    .interval("1d")
    .drawStyle(common.GraphDrawStyle.Bars)
    // date_trunc labels a day at its start: the bar covers the day after its point.
    .barAlignment(common.BarAlignment.After)
    .fillOpacity(80)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
    .unit(options.unit ?? "short")
    .noValue("nothing in the window")
    .legend(legend());
  return { panel, width: options.width ?? 12 };
}

import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { describe, legend, SqlTarget, type DashboardContext } from "../common";
import type { Placed } from "../layout";

/** Panels on the runbook's SQL, through the read-only PostgreSQL data source. */
export function sqlTable(ctx: DashboardContext, title: string, sql: string, text: string, section: string, width = 12): Placed {
  const panel = new table.PanelBuilder().title(title).description(describe(ctx.settings, text, section)).datasource(ctx.postgres).withTarget(new SqlTarget("A", sql)).unit("short");
  return { panel, width };
}

export function sqlStat(ctx: DashboardContext, title: string, sql: string, text: string, section: string, unit = "short", width = 6): Placed {
  const panel = new stat.PanelBuilder().title(title).description(describe(ctx.settings, text, section)).datasource(ctx.postgres).withTarget(new SqlTarget("A", sql)).unit(unit);
  return { panel, width, height: 5 };
}

/**
 * A time series over `$__timeFilter`; `timeFrom` ("30d") gives the panel its own relative range,
 * for per-day series the dashboard's hours would cut to one bar.
 */
export function sqlTimeseries(ctx: DashboardContext, title: string, sql: string, text: string, section: string, unit = "short", width = 12, timeFrom?: string): Placed {
  const builder = new timeseries.PanelBuilder();
  if (timeFrom) builder.timeFrom(timeFrom);
  const panel = builder
    .title(title)
    .description(describe(ctx.settings, text, section))
    .datasource(ctx.postgres)
    .withTarget(new SqlTarget("A", sql, "time_series"))
    .unit(unit)
    .legend(legend());
  return { panel, width };
}

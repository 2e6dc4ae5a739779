import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { series, supabaseMetrics } from "../../alerts/signals";
import { runbookSections } from "../../config/runbookItems";
import { promNow, type DashboardContext } from "../common";
import type { Placed } from "../layout";
import { neutral } from "../thresholds";
import { alertStat } from "./alertPanels";
import { statTile } from "./stats";

/**
 * What the Supabase Metrics API says about the database host beyond "up": whether Supabase has
 * switched it to read-only (it does when the disk fills, and every write, PDFs and tokens
 * included, then fails), how far read replicas lag, and how full the root filesystem is. The
 * names are supabase/supabase-grafana's (dashboard.json "DB Mode", docs/example-alerts.md).
 */

/** Read-only mode, as its alert (P1) judges it, in words: 0 "writable", 1 "READ-ONLY". */
export function readOnlyTile(ctx: DashboardContext, width: number, height: number): Placed {
  return alertStat(ctx, "database-read-only", "Database mode (primary)", width, [], "database", {
    height,
    mappings: [{ type: dashboard.MappingType.ValueToText, options: { "0": { text: "writable", index: 0 }, "1": { text: "READ-ONLY", index: 1 } } }],
  });
}

/** The furthest-behind replica, in seconds. */
export const replicaLagExpr = (ctx: DashboardContext) => `max(${series(supabaseMetrics.replicationLagSeconds, ctx.sel.supabase)})`;

export function replicaLagTile(ctx: DashboardContext, width: number, height: number): Placed {
  const replicas = ctx.settings.metricsScrape.readReplicas;
  return statTile(ctx, {
    title: "Read replica lag (worst)",
    text: `Shows how many seconds the furthest-behind read replica is behind the primary (${replicas.length > 0 ? replicas.join(", ") : "no replica is configured in metricsScrape.readReplicas"}). Reads served by a lagging replica return old data.`,
    section: runbookSections.databaseScaling,
    colours: neutral("the runbook sets no replica-lag limit (Supabase's example alert uses 10 minutes and growing)"),
    unit: "s",
    datasource: ctx.prometheus,
    targets: [promNow(replicaLagExpr(ctx), "A")],
    noValue: replicas.length > 0 ? "no current data: replica signal missing, not healthy" : "no read replicas configured",
    next: "database",
    width,
    height,
  });
}

/** The root filesystem (/), as its alert (P3, below /data's) judges it. */
export function rootDiskTile(ctx: DashboardContext, width: number, height: number): Placed {
  return alertStat(ctx, "root-disk-high", { text: "Root filesystem / used", limitUnit: "%" }, width, [], "database", { height });
}

import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { series, supabaseMetrics } from "../../alerts/signals";
import { runbookSections } from "../../config/runbookItems";
import { promNow, type DashboardContext } from "../common";
import type { Placed } from "../layout";
import { colouring, neutral } from "../thresholds";
import { statTile } from "./stats";

/**
 * What the Supabase Metrics API says about the database host beyond "up": whether Supabase has
 * switched it to read-only (it does when the disk fills, and every write, PDFs and tokens
 * included, then fails), how far read replicas lag, and how full the root filesystem is. The
 * names are supabase/supabase-grafana's (dashboard.json "DB Mode", docs/example-alerts.md).
 */

const missing = "no current data: Metrics API signal missing, not healthy";

/** The primary's default_transaction_read_only, as words: 0 "writable", 1 "read-only". */
export const readOnlyExpr = (ctx: DashboardContext) => `max(${series(supabaseMetrics.readOnly, ctx.sel.supabasePrimary)})`;

export function readOnlyTile(ctx: DashboardContext, width: number, height: number): Placed {
  return statTile(ctx, {
    title: "Database mode (primary)",
    text: "Shows whether the primary accepts writes now (default_transaction_read_only from the Metrics API). Supabase switches the database to read-only when its disk fills: every write fails (PDFs cannot be stored, tokens cannot be minted) until the disk is grown.",
    section: runbookSections.databaseScaling,
    colours: colouring({ comparator: ">", threshold: 0, unit: "up", integer: true, what: "read-only: every write fails", noBand: "the mode is on or off" }),
    unit: "none",
    datasource: ctx.prometheus,
    targets: [promNow(readOnlyExpr(ctx), "A")],
    mappings: [{ type: dashboard.MappingType.ValueToText, options: { "0": { text: "writable", index: 0 }, "1": { text: "READ-ONLY", index: 1 } } }],
    noValue: missing,
    next: "database",
    width,
    height,
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

/** Percent used of the root filesystem (/), the fullest instance. */
export const rootDiskExpr = (ctx: DashboardContext) => {
  const root = (name: string) => series(name, ctx.sel.supabase, ctx.sel.rootDisk);
  return `100 * max(1 - ${root(supabaseMetrics.filesystemAvailableBytes)} / ${root(supabaseMetrics.filesystemSizeBytes)})`;
};

export function rootDiskTile(ctx: DashboardContext, width: number, height: number): Placed {
  const limit = ctx.settings.runbook.capacity.storagePercent;
  return statTile(ctx, {
    title: `Root filesystem / used (< ${limit} %)`,
    text: `Shows how full the database host's root filesystem (/) is, on the fullest instance; the database itself lives on /data (its own tile on the Database dashboard). Held to the runbook's storage trigger (> ${limit} % of limit).`,
    section: runbookSections.databaseScaling,
    colours: colouring({ comparator: ">", threshold: limit, unit: "percent", integer: false, what: "the runbook's storage trigger" }),
    unit: "percent",
    datasource: ctx.prometheus,
    targets: [promNow(rootDiskExpr(ctx), "A")],
    noValue: missing,
    decimals: 0,
    min: 0,
    max: 100,
    next: "database",
    width,
    height,
  });
}

import { runbookSections } from "../config/runbookItems";
import { activeConnectionsQuery, longRunningQueriesQuery, sessionsByStateQuery, tableChurnQuery } from "../sql/queries";
import type { DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import { alertStat, alertTrend } from "./panels/alertPanels";
import { sqlStat, sqlTable } from "./panels/sql";
import { neutral } from "./thresholds";

/** Runbook § Database Connection Issues and § Database Scaling, with the runbook's own queries. */
export function databaseDashboard(ctx: DashboardContext): BuiltDashboard {
  const s = ctx.settings;
  const section = runbookSections.databaseConnectionIssues;
  return compose(ctx, "database", "Connections, sessions, long-running queries, query time and table churn of the Supabase database.", [
    {
      panels: [
        alertStat(ctx, "database-down", "Database up", 4),
        alertStat(ctx, "database-read-only", "Read-only mode", 4),
        sqlStat(
          ctx,
          "Active connections",
          activeConnectionsQuery,
          "The runbook's 'Check active connections' query, live: every backend, including Supabase's own workers.",
          section,
          neutral("the limit is a share of max_connections, coloured on 'Connection utilisation' beside it; a raw count has no policy"),
        ),
        alertStat(ctx, "database-long-running-queries", `Queries running > ${s.runbook.capacity.longRunningQuerySeconds} s`, 4),
        alertStat(ctx, "database-disk-high", "Database disk used (/data)", 3),
        alertStat(ctx, "root-disk-high", "Root filesystem used (/)", 3),
      ],
    },
    {
      title: "Upgrade triggers",
      panels: [
        alertTrend(ctx, "database-connections-high", { text: "Connection utilisation", limitUnit: "%" }, 12),
        alertTrend(ctx, "database-queries-slow", { text: "Average query time", limitUnit: "s" }, 12),
        alertTrend(ctx, "database-unreachable", "Checks that need the database: worst latest result", 12),
        alertTrend(ctx, "database-disk-near-read-only", { text: "Database disk headroom before read-only", limitUnit: "points" }, 12),
      ],
    },
    {
      title: "The monitoring role",
      panels: [alertStat(ctx, "monitoring-role-writes", "Objects the read-only role wrote", 8)],
    },
    {
      title: "Diagnosis (the runbook's queries)",
      panels: [
        sqlTable(ctx, "Sessions by state", sessionsByStateQuery, "The runbook's 'Monitor active sessions' query.", section, 8),
        sqlTable(
          ctx,
          "Non-idle queries, oldest first",
          longRunningQueriesQuery,
          "The runbook's long-running query check, client sessions only: pid, age in seconds, state, wait event, application and the statement's first 120 characters with its literals masked. Kill a query only if it is safe (pg_cancel_backend(pid), as postgres).",
          section,
          16,
          { age_seconds: "s" },
        ),
        sqlTable(ctx, "Table churn (pg_stat_user_tables)", tableChurnQuery, "Inserts, updates and deletes per table since the statistics were reset: the runbook's 'Check system health'.", runbookSections.databaseScaling, 24),
      ],
    },
  ]);
}

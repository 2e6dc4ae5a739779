import { runbookSections } from "../config/runbookItems";
import { longRunningQueriesCountQuery } from "../sql/queries";
import type { AlertContext } from "./context";
import { series, supabaseMetrics } from "./signals";
import type { AlertSpec } from "./types";

/** Runbook § Database Connection Issues and § Database Scaling. */
export function databaseAlerts({ settings, sel }: AlertContext): AlertSpec[] {
  const capacity = settings.runbook.capacity;
  const m = (name: string) => series(name, sel.supabase);
  const primary = (name: string) => series(name, sel.supabasePrimary);
  const disk = (name: string) => series(name, sel.supabase, sel.databaseDisk);
  return [
    {
      id: "database-down",
      name: "DatabaseDown",
      area: "database",
      covers: ["databaseDown", "systemDown"],
      runbookSection: runbookSections.databaseConnectionIssues,
      severity: "P0",
      severityReason: "Every function needs the database: with the primary down the system is completely down.",
      source: "prometheus",
      value: `min(${primary(supabaseMetrics.databaseUp)})`,
      comparator: "<",
      threshold: 1,
      unit: "up",
      forSeconds: 2 * 60,
      summary: "The Supabase database is down",
      description: "pg_up is {{value}} on the primary: the Metrics API answers, and says it cannot reach Postgres. Expect timeouts and connection refused errors.",
      noData: "OK",
      execError: "OK",
      stateReason:
        "Only a Metrics API that answers pg_up = 0 says the database is down. No pg_up at all is the scrape failing (a wrong key, a moved endpoint): MetricsApiSignalMissing says so at P2, and a first deploy with no scrape yet must not page.",
    },
    {
      id: "database-connections-high",
      name: "DatabaseConnectionsHigh",
      area: "database",
      covers: ["connections"],
      runbookSection: runbookSections.databaseScaling,
      severity: "P2",
      severityReason: "At 80 % of max_connections the database still answers, slower: performance slow but functional, and an upgrade trigger.",
      source: "prometheus",
      // Per instance: connections are split by username, max_connections is per instance, and a
      // read replica is its own instance with its own limit. The fullest instance is judged.
      value: `max(100 * sum by (supabase_identifier) (${m(supabaseMetrics.connections)}) / on (supabase_identifier) max by (supabase_identifier) (${m(supabaseMetrics.maxConnections)}))`,
      comparator: ">=",
      threshold: capacity.databaseConnectionsPercent,
      unit: "percent",
      forSeconds: 10 * 60,
      summary: `Database connections are at ${capacity.databaseConnectionsPercent} % of the limit or more`,
      description: `{{value}} % of max_connections are in use on the fullest database instance (the primary, or a read replica); the runbook keeps them under ${capacity.databaseConnectionsPercent} %. Check connection pooling, then long-running queries.`,
      noData: "OK",
      execError: "Error",
      stateReason: "MetricsApiSignalMissing covers a silent Metrics API; this rule judges only numbers it has.",
    },
    {
      id: "database-queries-slow",
      name: "DatabaseQueriesSlow",
      area: "database",
      covers: ["queryTime"],
      runbookSection: runbookSections.databaseScaling,
      severity: "P2",
      severityReason: "Queries over a second on average: performance slow but functional, and an upgrade trigger.",
      source: "prometheus",
      value: `sum(rate(${m(supabaseMetrics.queryTimeSecondsTotal)}[5m])) / sum(rate(${m(supabaseMetrics.queriesTotal)}[5m]))`,
      comparator: ">",
      threshold: capacity.averageQuerySeconds,
      unit: "seconds",
      forSeconds: 15 * 60,
      summary: `Average query time is over ${capacity.averageQuerySeconds} s`,
      description: `Queries took {{value}} s on average over 5 minutes (runbook upgrade trigger: > ${capacity.averageQuerySeconds} s average).`,
      noData: "OK",
      execError: "Error",
      stateReason: "No queries in the window means nothing is slow.",
    },
    {
      id: "database-long-running-queries",
      name: "DatabaseLongRunningQueries",
      area: "database",
      covers: ["longRunningQueries"],
      runbookSection: runbookSections.databaseConnectionIssues,
      severity: "P2",
      severityReason: "A stuck query holds a connection and locks; the runbook's fix is to kill it if safe, which can wait for the on-call engineer's day.",
      source: "postgres",
      value: longRunningQueriesCountQuery(capacity.longRunningQuerySeconds),
      comparator: ">",
      threshold: 0,
      unit: "count",
      forSeconds: 60,
      summary: `Queries have been running for over ${capacity.longRunningQuerySeconds} s`,
      description: `{{value}} client queries, not idle, started more than ${capacity.longRunningQuerySeconds} s ago (the runbook's pg_stat_activity query, client backends only: Realtime's walsender and the background workers are always active). Kill them if safe.`,
      noData: "OK",
      execError: "Error",
      stateReason: "count(*) always answers; a failing query shows as an error rather than a page.",
    },
    {
      id: "database-disk-high",
      name: "DatabaseDiskNearLimit",
      area: "database",
      covers: ["databaseDisk"],
      runbookSection: runbookSections.databaseScaling,
      severity: "P3",
      severityReason: "A capacity trend: an upgrade decision for the week, not a page.",
      source: "prometheus",
      // /data holds the database; a full root disk (/) is Supabase's to manage and not this trigger.
      value: `100 * max(1 - ${disk(supabaseMetrics.filesystemAvailableBytes)} / ${disk(supabaseMetrics.filesystemSizeBytes)})`,
      comparator: ">",
      threshold: capacity.storagePercent,
      unit: "percent",
      forSeconds: 30 * 60,
      summary: `The database disk is over ${capacity.storagePercent} % full`,
      description: `The database disk is {{value}} % full (runbook upgrade trigger: storage > ${capacity.storagePercent} % of limit).`,
      noData: "OK",
      execError: "Error",
      stateReason: "MetricsApiSignalMissing covers a silent Metrics API.",
    },
  ];
}

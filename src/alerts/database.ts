import { runbookSections } from "../config/runbookItems";
import { longRunningQueriesCountQuery, monitoringRoleWritesQuery } from "../sql/queries";
import type { AlertContext } from "./context";
import { latestExecutionWindowSeconds, worstLatestResult } from "./probes";
import { probeMetrics, series, supabaseMetrics } from "./signals";
import { checkJob } from "../synthetics/jobs";
import { duration } from "./evaluation";
import type { AlertSpec } from "./types";
import { alertNames, handle } from "./names";

/**
 * The Metrics API's own silence, in seconds: two scrapes missed and half of one more, so one late
 * scrape is not absence. Both the database-gone P0 and the scrape-broken P2 read it.
 */
export const metricsApiAbsentSeconds = (scrapeSeconds: number): number => Math.round(2.5 * scrapeSeconds);

/**
 * The database gone, told apart from the scrape gone: with the Metrics API silent, a check whose
 * function needs the database (synthetics.databaseChecks) failing at every probe location is the
 * database; all of them passing is the scrape (MetricsApiSignalMissing).
 */
export function databaseChecksFailing({ settings, sel }: AlertContext): string {
  return worstLatestResult(settings, sel, settings.synthetics.databaseChecks);
}

/** How close together the Metrics API and the database checks must have gone quiet for the database to be gone. */
export const QUIET_TOGETHER_SECONDS = 10 * 60;
/** How far back the last pg_up and the last successful check are looked for: a longer outage keeps paging this long. */
const QUIET_LOOKBACK = "1d";

/** Runbook § Database Connection Issues and § Database Scaling. */
export function databaseAlerts(ctx: AlertContext): AlertSpec[] {
  const { settings, sel } = ctx;
  const capacity = settings.runbook.capacity;
  const m = (name: string) => series(name, sel.supabase);
  const primary = (name: string) => series(name, sel.supabasePrimary);
  const disk = (name: string, mount: string) => series(name, sel.supabase, mount);
  const scrape = settings.metricsScrape.intervalSeconds;
  const absentSeconds = metricsApiAbsentSeconds(scrape);
  // The latest scrape only: a window just over one scrape, so an old sample cannot stand for now.
  const latest = (name: string) => `last_over_time(${primary(name)}[${scrape + 30}s])`;
  // Two scrapes: a window just over two intervals holds the last two samples, or three.
  const twoScrapes = `${2 * scrape + 1}s`;
  const fullPercent = (mount: string) =>
    `100 * max(1 - ${disk(supabaseMetrics.filesystemAvailableBytes, mount)} / ${disk(supabaseMetrics.filesystemSizeBytes, mount)})`;
  const dbChecks = settings.synthetics.databaseChecks;
  // When the failing checks last succeeded, against the last pg_up: the database gone takes both
  // down together; a scrape that broke long before a check first failed is the scrape. Only the
  // series failing now count: a slow check republishes its last success every two minutes.
  const dbJobs = sel.probes(dbChecks.map((id) => checkJob(settings, id)));
  const latestWindow = duration(Math.max(...dbChecks.map((id) => latestExecutionWindowSeconds(settings.synthetics.checks[id].frequencySeconds))));
  const lastSuccessOfFailing =
    `min(max_over_time(timestamp(${series(probeMetrics.success, dbJobs)} == 1)[${QUIET_LOOKBACK}:1m])` +
    ` and (last_over_time(${series(probeMetrics.success, dbJobs)}[${latestWindow}]) == 0))`;
  const lastPgUp = `max(max_over_time(timestamp(${primary(supabaseMetrics.databaseUp)})[${QUIET_LOOKBACK}:1m]))`;
  const quietTogether = `(${lastSuccessOfFailing} - ${lastPgUp}) < ${QUIET_TOGETHER_SECONDS}`;
  const readOnlyMargin = capacity.readOnlyDiskPercent - capacity.databaseDiskUrgentPercent;
  return [
    {
      ...handle("database-down"),
      area: "database",
      covers: ["databaseDown", "systemDown"],
      runbookSection: runbookSections.databaseConnectionIssues,
      severity: "P0",
      severityReason: "The Metrics API says Postgres does not answer: every write and read of the product fails, the system is down.",
      source: "prometheus",
      // Every sample of the last two scrapes 0: one scrape's 0 is the exporter's one failed attempt.
      value: `max(max_over_time(${primary(supabaseMetrics.databaseUp)}[${twoScrapes}]))`,
      comparator: "<",
      threshold: 1,
      unit: "up",
      guard: {
        query: `min(count_over_time(${primary(supabaseMetrics.databaseUp)}[${twoScrapes}]))`,
        min: 2,
        unit: "count",
        why: "a single scrape saying pg_up 0 is one failed connection attempt of the exporter, not the database down",
      },
      // No 'for': the two scrapes are the wait. keep_firing_for stops one good scrape re-paging.
      forSeconds: 0,
      keepFiringForSeconds: settings.runbook.failureModes.systemDownKeepFiringMinutes * 60,
      detection: { signal: "metrics-api", fillSeconds: scrape },
      summary: "The Supabase database is down",
      description: "pg_up has been {{value}} on the primary for two scrapes: the Metrics API answers, and says it cannot reach Postgres. Expect timeouts and connection refused errors.",
      noData: "OK",
      execError: "OK",
      stateReason: `No pg_up at all is ${alertNames["database-unreachable"]}'s case (with the functions failing) or the scrape's (${alertNames["signal-missing-metrics-api"]}); a first deploy with no scrape yet must not page.`,
    },
    {
      ...handle("database-unreachable"),
      area: "database",
      covers: ["databaseDown", "systemDown"],
      runbookSection: runbookSections.databaseConnectionIssues,
      severity: "P0",
      severityReason: `The database instance is gone: its Metrics API is silent and ${dbChecks.join(", ")} (functions that need the database) fail at every probe location. The system is down.`,
      source: "prometheus",
      // The worst latest result among the database checks: 0 when one of them failed everywhere.
      value: databaseChecksFailing(ctx),
      comparator: "<",
      threshold: 1,
      unit: "up",
      guard: {
        // count(): 1 with no labels, so the guard matches the value's empty label set in Prometheus
        // and Grafana alike. Both parts must hold: pg_up absent now, and it went quiet together with
        // the database checks, not days before them (a scrape broken since, and a function's blip).
        query: `count(absent_over_time(${primary(supabaseMetrics.databaseUp)}[${absentSeconds}s]) and on () (${quietTogether}))`,
        min: 1,
        unit: "count",
        why: `the Metrics API stopped within ${QUIET_TOGETHER_SECONDS / 60} minutes of the failing checks' last success; pg_up answering is ${alertNames["database-down"]}'s to judge, and a scrape broken long before is ${alertNames["signal-missing-metrics-api"]}'s`,
      },
      forSeconds: 0,
      keepFiringForSeconds: settings.runbook.failureModes.systemDownKeepFiringMinutes * 60,
      detection: { signal: "probe", checks: { ids: dbChecks, need: "any" }, fillSeconds: 0, absentForSeconds: absentSeconds },
      summary: "The Supabase database is unreachable",
      description: `No pg_up from the Metrics API for ${absentSeconds} s, and the latest run of a check that needs the database (${dbChecks.join(", ")}) failed at every probe location ({{value}}). The instance itself is likely down: check the Supabase status page and the project's dashboard.`,
      noData: "OK",
      execError: "OK",
      stateReason: `Absent pg_up with every database check passing is the scrape, not the database: ${alertNames["signal-missing-metrics-api"]} says so at P2.`,
    },
    {
      ...handle("database-read-only"),
      area: "database",
      covers: ["databaseDown"],
      runbookSection: runbookSections.databaseScaling,
      severity: "P1",
      severityReason:
        "Supabase switched the database to read-only (it does when the disk fills): every write fails, so no PDF is stored, no token issued, no email recorded. Reads still work, so not the P0: a major feature broken.",
      source: "prometheus",
      value: `max(${latest(supabaseMetrics.readOnly)})`,
      comparator: ">=",
      threshold: 1,
      unit: "up",
      forSeconds: 2 * 60,
      detection: { signal: "metrics-api", fillSeconds: 0 },
      summary: "The Supabase database is in read-only mode",
      description: `default_transaction_read_only is {{value}} on the primary: writes fail. Supabase does this at ${capacity.readOnlyDiskPercent} % disk; free space or grow the disk, then turn read-only off in the dashboard (Database > Settings).`,
      noData: "OK",
      execError: "Error",
      stateReason: `A silent Metrics API is ${alertNames["signal-missing-metrics-api"]}'s, or the database's absence ${alertNames["database-unreachable"]}'s.`,
    },
    {
      ...handle("monitoring-role-writes"),
      area: "database",
      covers: ["credentialMisuse"],
      runbookSection: runbookSections.dataBreachResponse,
      severity: "P1",
      severityReason:
        "The read-only monitoring role owns objects it wrote (large objects, temporary tables) or changed its own defaults: someone used Grafana's data source, or its password, to write. A security vulnerability, and large objects can fill the disk: P1.",
      source: "postgres",
      value: monitoringRoleWritesQuery,
      comparator: ">",
      threshold: 0,
      unit: "count",
      forSeconds: 0,
      detection: { signal: "sql", fillSeconds: 0 },
      summary: "The read-only monitoring role has written to the database",
      description: "{{value}} large objects, temporary tables or changed defaults (ALTER ROLE ... SET) belong to the monitoring role, which never needs to write (db/monitoring-role.sql, own_writes()). Revoke its login, find who queried the data source, remove what it wrote, reset its defaults.",
      noData: "OK",
      execError: "Error",
      stateReason: "own_writes() always answers one row; a failing query shows as an error rather than a page.",
    },
    {
      ...handle("database-connections-high"),
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
      detection: { signal: "metrics-api", fillSeconds: 0 },
      summary: `Database connections are at ${capacity.databaseConnectionsPercent} % of the limit or more`,
      description: `{{value}} % of max_connections are in use on the fullest database instance (the primary, or a read replica); the runbook keeps them under ${capacity.databaseConnectionsPercent} %. Check connection pooling, then long-running queries.`,
      noData: "OK",
      execError: "Error",
      stateReason: `${alertNames["signal-missing-metrics-api"]} covers a silent Metrics API; this rule judges only numbers it has.`,
    },
    {
      ...handle("database-queries-slow"),
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
      detection: { signal: "metrics-api", fillSeconds: 300 },
      summary: `Average query time is over ${capacity.averageQuerySeconds} s`,
      description: `Queries took {{value}} s on average over 5 minutes (runbook upgrade trigger: > ${capacity.averageQuerySeconds} s average).`,
      noData: "OK",
      execError: "Error",
      stateReason: "No queries in the window means nothing is slow.",
    },
    {
      ...handle("database-long-running-queries"),
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
      detection: { signal: "sql", fillSeconds: 0 },
      summary: `Queries have been running for over ${capacity.longRunningQuerySeconds} s`,
      description: `{{value}} client queries, not idle, started more than ${capacity.longRunningQuerySeconds} s ago (the runbook's pg_stat_activity query, client backends only: Realtime's walsender and the background workers are always active). Kill them if safe.`,
      noData: "OK",
      execError: "Error",
      stateReason: "count(*) always answers; a failing query shows as an error rather than a page.",
    },
    {
      ...handle("database-disk-high"),
      area: "database",
      covers: ["databaseDisk"],
      runbookSection: runbookSections.databaseScaling,
      severity: "P3",
      severityReason: "A capacity trend: an upgrade decision for the week, not a page.",
      source: "prometheus",
      value: fullPercent(sel.databaseDisk),
      comparator: ">",
      threshold: capacity.storagePercent,
      unit: "percent",
      forSeconds: 30 * 60,
      detection: { signal: "metrics-api", fillSeconds: 0 },
      summary: `The database disk is over ${capacity.storagePercent} % full`,
      description: `The database disk (/data) is {{value}} % full (runbook upgrade trigger: storage > ${capacity.storagePercent} % of limit).`,
      noData: "OK",
      execError: "Error",
      stateReason: `${alertNames["signal-missing-metrics-api"]} covers a silent Metrics API.`,
    },
    {
      ...handle("database-disk-near-read-only"),
      area: "database",
      covers: ["databaseDisk"],
      runbookSection: runbookSections.databaseScaling,
      severity: "P2",
      severityReason: `At ${capacity.readOnlyDiskPercent} % Supabase makes the database read-only and every write fails; within ${readOnlyMargin} points of it that is days away, not a quarter: a ticket for the day.`,
      source: "prometheus",
      // Headroom, not fullness: the points left before Supabase's read-only line, a number of its own.
      value: `${capacity.readOnlyDiskPercent} - ${fullPercent(sel.databaseDisk)}`,
      comparator: "<",
      threshold: readOnlyMargin,
      unit: "percent",
      forSeconds: 15 * 60,
      detection: { signal: "metrics-api", fillSeconds: 0 },
      summary: `The database disk is less than ${readOnlyMargin} points short of read-only mode`,
      description: `The database disk (/data) is {{value}} points short of ${capacity.readOnlyDiskPercent} %, where Supabase switches the database to read-only. Free space (old PDFs' rows, bloat) or grow the disk now.`,
      noData: "OK",
      execError: "Error",
      stateReason: `${alertNames["signal-missing-metrics-api"]} covers a silent Metrics API.`,
    },
    {
      ...handle("root-disk-high"),
      area: "database",
      covers: ["databaseDisk"],
      runbookSection: runbookSections.databaseScaling,
      severity: "P3",
      severityReason: "The instance's root filesystem holds the OS and Supabase's services, not the data: Supabase manages it, so a ticket to raise with them, below the database disk's P2.",
      source: "prometheus",
      value: fullPercent(sel.rootDisk),
      comparator: ">",
      threshold: capacity.rootDiskPercent,
      unit: "percent",
      forSeconds: 30 * 60,
      detection: { signal: "metrics-api", fillSeconds: 0 },
      summary: `The instance's root filesystem is over ${capacity.rootDiskPercent} % full`,
      description: `/ is {{value}} % full on the database instance. It is Supabase's to manage: open a support ticket with the project ref.`,
      noData: "OK",
      execError: "Error",
      stateReason: `${alertNames["signal-missing-metrics-api"]} covers a silent Metrics API.`,
    },
  ];
}

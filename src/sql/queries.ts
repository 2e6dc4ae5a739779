/**
 * The runbook's SQL, and the few queries built on it, in one place: alert rules and dashboard
 * panels both read them, and the tests run every one on a real PostgreSQL as the monitoring role.
 * Numbers come from the validated runbook model; string literals go through `literal`, dashboard
 * variables through `sqlVariable`.
 *
 * The monitoring role (db/monitoring-role.sql) holds no privilege on any table: it reads the
 * ain_monitoring schema, whose views carry only the columns the panels need (and cannot be written
 * through) and whose SECURITY DEFINER functions return sessions with each statement reduced to
 * keywords, punctuation and catalog names, and a token's state, never a token.
 */

export const PDF_BUCKET = "PDF Valuation Reports";

/** A PostgreSQL string literal. */
export const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The schema of db/monitoring-role.sql. */
export const MONITORING_SCHEMA = "ain_monitoring";
const m = MONITORING_SCHEMA;

/**
 * A dashboard variable inside SQL. `:sqlstring` makes Grafana quote the value itself (a `'` is
 * doubled, the whole wrapped in quotes), on every version; a bare `'${var}'` relies on the data
 * source doubling quotes, which older Grafana does not do. Never write the quotes around it.
 */
export const sqlVariable = (name: string): string => `\${${name}:sqlstring}`;

/** Sessions as the monitoring role may see them: every session, literals masked (db/monitoring-role.sql). */
const sessions = `${m}.activity()`;
/**
 * On Supabase, pg_stat_activity always holds non-client backends (Realtime's walsender stays
 * active for days, autovacuum, pg_cron, pg_net workers): only client backends run queries.
 */
const clientQueries = "backend_type = 'client backend' AND state != 'idle' AND pid <> pg_backend_pid()";

/** Runbook § Storage Scaling: whether the PDF bucket exists. One row, one number. */
export const pdfBucketQuery = (): string =>
  `SELECT count(*) AS pdf_buckets FROM ${m}.buckets WHERE id = ${literal(PDF_BUCKET)} OR name = ${literal(PDF_BUCKET)}`;

/**
 * Runbook § Database Connection Issues, "Check for long-running queries": non-idle client sessions
 * whose query started more than `seconds` ago. The monitoring session itself never counts. Read
 * through ain_monitoring.activity(): without pg_read_all_stats, pg_stat_activity shows other
 * roles' state, backend_type and query_start as NULL, and nothing would ever count.
 */
export const longRunningQueriesCountQuery = (seconds: number): string =>
  `SELECT count(*) AS long_running_queries FROM ${sessions} WHERE ${clientQueries} AND query_start < now() - interval '${Math.round(seconds)} seconds'`;

/** Runbook § Public Sharing Token Issues: live tokens issued for longer than the lifetime policy. */
export const tokensOverLifetimeQuery = (lifetimeDays: number): string =>
  `SELECT count(*) AS tokens_over_lifetime FROM ${m}.token_lifetimes WHERE expires_at > now() AND expires_at - created_at > interval '${Math.round(lifetimeDays)} days'`;

/**
 * Runbook § Database Connection Issues: "Check active connections", as written. Every role sees
 * every session's row in pg_stat_activity (only the details are hidden), so the count is whole.
 */
export const activeConnectionsQuery = "SELECT count(*) FROM pg_stat_activity";

/** Runbook § Useful Commands, "Monitor active sessions": state is hidden from pg_stat_activity for other roles' sessions. */
export const sessionsByStateQuery = `SELECT state, count(*) FROM ${sessions} GROUP BY state`;

/**
 * Runbook § Database Connection Issues, "Check for long-running queries": what an on-call engineer
 * needs to decide whether to kill one (pid, how long, state, what it waits on, which application,
 * the start of the statement with its literals masked), never the literals themselves.
 */
export const longRunningQueriesQuery =
  `SELECT pid, extract(epoch FROM now() - query_start) AS age_seconds, state, wait_event_type, wait_event, application_name, statement FROM ${sessions} WHERE ${clientQueries} ORDER BY query_start`;

/**
 * Runbook § Useful Commands, "Check system health". The runbook selects `tablename`, which
 * pg_stat_user_tables does not have (PostgreSQL refuses it); `relname AS tablename` is what it means.
 */
export const tableChurnQuery =
  "SELECT schemaname, relname AS tablename, n_tup_ins AS inserts, n_tup_upd AS updates, n_tup_del AS deletes FROM pg_stat_user_tables ORDER BY n_tup_ins + n_tup_upd + n_tup_del DESC";

/**
 * Runbook § Storage Management, "Check storage usage". The runbook sums the text `metadata->>'size'`
 * and casts afterwards, which PostgreSQL refuses (no sum(text)); the cast goes inside.
 */
export const storageByBucketQuery = `SELECT bucket_id, count(*) AS file_count, sum(size_bytes) AS total_size FROM ${m}.storage_objects GROUP BY bucket_id ORDER BY total_size DESC`;

/** Bytes added to storage per day over the panel's time range, for the growth rate. */
// The UTC day, as every other day in the dashboards: date_trunc alone would use the session's time zone.
export const storageAddedPerDayQuery = `SELECT date_trunc('day', created_at, 'UTC') AS time, bucket_id AS metric, sum(size_bytes) AS bytes_added FROM ${m}.storage_objects WHERE $__timeFilter(created_at) GROUP BY 1, 2 ORDER BY 1`;

/** Sharing tokens by state: live, expiring within the window, expired, and issued in the last day. */
export const tokenStatesQuery = (expiringSoonHours: number): string =>
  `SELECT count(*) FILTER (WHERE expires_at > now()) AS live, count(*) FILTER (WHERE expires_at > now() AND expires_at <= now() + interval '${Math.round(expiringSoonHours)} hours') AS expiring_soon, count(*) FILTER (WHERE expires_at <= now()) AS expired, count(*) FILTER (WHERE created_at > now() - interval '1 day') AS issued_last_day FROM ${m}.token_lifetimes`;

/**
 * The longest lifetime of a live token, in whole hours rounded up, against the 30-day policy (720 h).
 * Whole hours, so a token issued for exactly 30 days reads 720 and any second more reads 721: the
 * panel's threshold is then a plain number, where in days it would have to be the next double above 30.
 */
export const longestTokenLifetimeQuery = `SELECT coalesce(ceil(max(extract(epoch FROM expires_at - created_at)) / 3600), 0) AS longest_lifetime_hours FROM ${m}.token_lifetimes WHERE expires_at > now()`;

/** Tokens issued per UTC day over the panel's time range (a day as every other day in the dashboards). */
export const tokensIssuedPerDayQuery = `SELECT date_trunc('day', created_at, 'UTC') AS time, count(*) AS issued FROM ${m}.token_lifetimes WHERE $__timeFilter(created_at) GROUP BY 1 ORDER BY 1`;

/** The dashboard variable holding the token to check. */
export const TOKEN_VARIABLE = "token";

/**
 * Runbook § Public Sharing Token Issues, "Check token status", for the token whose SHA-256 digest
 * is typed into $token: live, expiring (within `expiringSoonHours`), expired, unknown, or 'not a
 * sha-256 digest'. Grafana writes the value into the statement's text, which every other session of
 * the monitoring role reads in pg_stat_activity: so it is a digest, which cannot open a report.
 */
export const tokenStatusQuery = (expiringSoonHours: number): string =>
  `SELECT ${m}.token_state(${sqlVariable(TOKEN_VARIABLE)}, interval '${Math.round(expiringSoonHours)} hours') AS state`;

/**
 * Where the app stores the PDF of a synthetic check's valuation (the PDF check sends
 * `synthetic_check: true`): a contract the app keeps (docs/assumptions.md), and the
 * literal db/monitoring-role.sql's storage_objects view flags as `synthetic` (a test holds the two
 * equal). Product counts leave these out; "what our checks add" counts them on their own.
 */
export const SYNTHETIC_PDF_PREFIX = "synthetic/";

/**
 * Product volumes from the rows a journey leaves behind: a generated PDF is an object in the PDF
 * bucket (found by id or name, as pdfBucketQuery does) that the synthetic check did not store; a
 * shared report is a row in public_tokens. Both read through the monitoring role's views, which
 * carry no names and no token values.
 */
const inPdfBucket = `bucket_id IN (SELECT id FROM ${m}.buckets WHERE id = ${literal(PDF_BUCKET)} OR name = ${literal(PDF_BUCKET)})`;
export const productRows = {
  pdfs: { from: `${m}.storage_objects`, where: `${inPdfBucket} AND NOT synthetic`, column: "PDFs generated" },
  syntheticPdfs: { from: `${m}.storage_objects`, where: `${inPdfBucket} AND synthetic`, column: "PDFs stored by the check" },
  sharedReports: { from: `${m}.token_lifetimes`, where: undefined, column: "Reports shared" },
} as const;
export type ProductRows = keyof typeof productRows;

/**
 * One definition of a day for every product panel, SQL and PromQL alike: a UTC calendar day,
 * today included as far as it has gone. `date_trunc(.., 'UTC')` does not depend on the session's
 * TimeZone. A panel's range covers whole days: from the start of the day its range starts in to
 * the end of the day it ends in, as Grafana's Prometheus queries do once aligned to a 1-day step.
 */
const utcDay = (ts: string) => `date_trunc('day', ${ts}, 'UTC')`;
const whereOwn = (what: ProductRows, condition: string): string => {
  const own = productRows[what].where;
  return `WHERE ${own ? `${own} AND ` : ""}${condition}`;
};
const inWholeDaysOfRange = `created_at >= ${utcDay("$__timeFrom()::timestamptz")} AND created_at < ${utcDay("$__timeTo()::timestamptz")} + interval '1 day'`;
/**
 * Whole UTC days counted back from the day the panel's range ends in (day 0; so 7..0 is the 7 whole
 * days before it). The range's end, not now(): Grafana evaluates an instant PromQL query at the
 * range's end, so for a past range both kinds of tile then describe the same 7 days.
 */
const rangeEndDay = utcDay("$__timeTo()::timestamptz");
const daysBack = (from: number, to: number) => `created_at >= ${rangeEndDay} - interval '${from} days' AND created_at < ${rangeEndDay} - interval '${to} days'`;

/** Rows created per UTC day over the panel's range (the time picker's), today included, as a time series. */
export const createdPerDayQuery = (what: ProductRows): string =>
  `SELECT ${utcDay("created_at")} AS time, count(*) AS "${productRows[what].column}" FROM ${productRows[what].from} ${whereOwn(what, inWholeDaysOfRange)} GROUP BY 1 ORDER BY 1`;

/** Rows created in the 7 whole UTC days before the range's end (yesterday and the 6 before, for a range ending now): the same 7 days as the PromQL panels'. */
export const createdLastWeekQuery = (what: ProductRows): string =>
  `SELECT count(*) AS "last 7 whole days" FROM ${productRows[what].from} ${whereOwn(what, daysBack(7, 0))}`;

/** Those 7 days against the 7 before, in percent; null when the week before had none. */
export const createdWeekOverWeekQuery = (what: ProductRows): string =>
  `SELECT round(100.0 * (count(*) FILTER (WHERE ${daysBack(7, 0)}) - count(*) FILTER (WHERE ${daysBack(14, 7)})) / nullif(count(*) FILTER (WHERE ${daysBack(14, 7)}), 0), 1) AS "week over week" FROM ${productRows[what].from} ${whereOwn(what, daysBack(14, 0))}`;

/**
 * The weekly database performance review: the ten statements with the highest mean execution time
 * since the statistics were reset, through ain_monitoring.slowest_statements(), which reads
 * Supabase's extensions.pg_stat_statements as postgres and masks every literal, as activity() does:
 * the monitoring role holds no pg_read_all_stats, so raw query text stays out of reach.
 */
export const slowestQueriesQuery = `SELECT statement, calls, mean_seconds, total_seconds, rows FROM ${m}.slowest_statements(10)`;

/**
 * What the monitoring role has written itself: large objects and temporary tables it owns, its own
 * defaults changed from db/monitoring-role.sql's, and the size of all large objects. It needs to
 * write nothing, but PostgreSQL lets every role create large objects, even in a read-only
 * transaction (Supabase's postgres cannot revoke that), any session may turn its read-only default
 * off and create temporary tables, and a role may change its own defaults for every later session
 * (ALTER ROLE grafana_readonly SET statement_timeout = 0): any of them means someone wrote through
 * Grafana's data source. db/monitoring-role.sql refuses to re-apply while one exists. One number.
 */
export const monitoringRoleWritesQuery = `SELECT large_objects + temporary_relations + changed_settings AS monitoring_role_objects FROM ${m}.own_writes()`;

/** Bytes held in large objects by every role: the growth the role above could cause, for a panel beside the disk's. */
export const largeObjectBytesQuery = `SELECT all_large_objects_bytes FROM ${m}.own_writes()`;

/**
 * The runbook's SQL, and the few queries built on it, in one place: alert rules and dashboard
 * panels both read them, and the tests run every one on a real PostgreSQL 15. Numbers come from
 * the validated runbook model; the only string literal goes through `literal`.
 */

export const PDF_BUCKET = "PDF Valuation Reports";

/** A PostgreSQL string literal. */
export const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Runbook § Storage Scaling: whether the PDF bucket exists. One row, one number. */
export const pdfBucketQuery = (): string =>
  `SELECT count(*) AS pdf_buckets FROM storage.buckets WHERE id = ${literal(PDF_BUCKET)} OR name = ${literal(PDF_BUCKET)}`;

/**
 * Only client sessions can run a long query someone should kill. On Supabase pg_stat_activity also
 * holds Realtime's logical-replication walsender (`active` for days), autovacuum, pg_cron and pg_net
 * workers; the runbook's query, as written, would call them all long-running.
 */
export const CLIENT_BACKENDS = "backend_type = 'client backend'";

/**
 * Runbook § Database Connection Issues, "Check for long-running queries": client sessions, not
 * idle, whose query started more than `seconds` ago. The monitoring session itself never counts.
 */
export const longRunningQueriesCountQuery = (seconds: number): string =>
  `SELECT count(*) AS long_running_queries FROM pg_stat_activity WHERE ${CLIENT_BACKENDS} AND state != 'idle' AND pid <> pg_backend_pid() AND query_start < now() - interval '${Math.round(seconds)} seconds'`;

/** Runbook § Public Sharing Token Issues: live tokens issued for longer than the lifetime policy. */
export const tokensOverLifetimeQuery = (lifetimeDays: number): string =>
  `SELECT count(*) AS tokens_over_lifetime FROM public_tokens WHERE expires_at > now() AND expires_at - created_at > interval '${Math.round(lifetimeDays)} days'`;

/** Runbook § Database Connection Issues: "Check active connections", as written. */
export const activeConnectionsQuery = "SELECT count(*) FROM pg_stat_activity";

/** Runbook § Useful Commands, "Monitor active sessions", as written. */
export const sessionsByStateQuery = "SELECT state, count(*) FROM pg_stat_activity GROUP BY state";

/** Runbook § Database Connection Issues, "Check for long-running queries", with how long each has run. */
export const longRunningQueriesQuery = `SELECT query, state, query_start, extract(epoch FROM now() - query_start) AS running_seconds FROM pg_stat_activity WHERE ${CLIENT_BACKENDS} AND state != 'idle' AND pid <> pg_backend_pid() ORDER BY query_start`;

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
export const storageByBucketQuery =
  "SELECT bucket_id, count(*) AS file_count, sum((metadata->>'size')::bigint) AS total_size FROM storage.objects GROUP BY bucket_id ORDER BY total_size DESC";

/** Bytes added to storage per day over the last 30 days, for the growth rate. */
export const storageAddedPerDayQuery =
  "SELECT date_trunc('day', created_at) AS time, bucket_id AS metric, sum((metadata->>'size')::bigint) AS bytes_added FROM storage.objects WHERE created_at > now() - interval '30 days' GROUP BY 1, 2 ORDER BY 1";

/** Sharing tokens by state: live, expiring within the window, expired, and issued in the last day. */
export const tokenStatesQuery = (expiringSoonHours: number): string =>
  `SELECT count(*) FILTER (WHERE expires_at > now()) AS live, count(*) FILTER (WHERE expires_at > now() AND expires_at <= now() + interval '${Math.round(expiringSoonHours)} hours') AS expiring_soon, count(*) FILTER (WHERE expires_at <= now()) AS expired, count(*) FILTER (WHERE created_at > now() - interval '1 day') AS issued_last_day FROM public_tokens`;

/** The longest lifetime of a live token, in days, against the 30-day policy. */
export const longestTokenLifetimeQuery =
  "SELECT coalesce(max(extract(epoch FROM expires_at - created_at) / 86400), 0) AS longest_lifetime_days FROM public_tokens WHERE expires_at > now()";

/** Tokens issued per day over the last 30 days. */
export const tokensIssuedPerDayQuery =
  "SELECT date_trunc('day', created_at) AS time, count(*) AS issued FROM public_tokens WHERE created_at > now() - interval '30 days' GROUP BY 1 ORDER BY 1";

/** Runbook § Public Sharing Token Issues, "Check token status", for the token typed into $token. */
export const tokenStatusQuery = "SELECT token, expires_at, created_at FROM public_tokens WHERE token = '${token}'";

/**
 * Product volumes from the rows a journey leaves behind: a generated PDF is an object in the PDF
 * bucket (found by id or name, as pdfBucketQuery does); a shared report is a row in public_tokens.
 */
export const productRows = {
  pdfs: { from: "storage.objects", where: `bucket_id IN (SELECT id FROM storage.buckets WHERE id = ${literal(PDF_BUCKET)} OR name = ${literal(PDF_BUCKET)})` },
  sharedReports: { from: "public_tokens", where: undefined },
} as const;
export type ProductRows = keyof typeof productRows;

/** The rows' own filter, then the time condition. */
const whereCreated = (what: ProductRows, since: string): string => {
  const own = productRows[what].where;
  return `WHERE ${own ? `${own} AND ` : ""}created_at > now() - interval '${since}'`;
};

/** Rows created per day over the last `days` days, as a time series. */
export const createdPerDayQuery = (what: ProductRows, days: number): string =>
  `SELECT date_trunc('day', created_at) AS time, count(*) AS ${what === "pdfs" ? "pdfs_generated" : "reports_shared"} FROM ${productRows[what].from} ${whereCreated(what, `${Math.round(days)} days`)} GROUP BY 1 ORDER BY 1`;

/** Rows created in the last 7 days. */
export const createdLastWeekQuery = (what: ProductRows): string =>
  `SELECT count(*) AS last_7_days FROM ${productRows[what].from} ${whereCreated(what, "7 days")}`;

/** Week over week: the last 7 days against the 7 before, in percent; null when the week before had none. */
export const createdWeekOverWeekQuery = (what: ProductRows): string =>
  `SELECT round(100.0 * (count(*) FILTER (WHERE created_at > now() - interval '7 days') - count(*) FILTER (WHERE created_at <= now() - interval '7 days')) / nullif(count(*) FILTER (WHERE created_at <= now() - interval '7 days'), 0), 1) AS week_over_week_percent FROM ${productRows[what].from} ${whereCreated(what, "14 days")}`;

/**
 * The weekly database performance review: the ten statements with the highest mean execution time
 * since the statistics were reset. Supabase keeps pg_stat_statements in the `extensions` schema;
 * its times are in milliseconds, shown here in seconds. Reading other roles' query text needs
 * pg_read_all_stats, which the monitoring role has.
 */
export const slowestQueriesQuery =
  "SELECT query, calls, mean_exec_time / 1000 AS mean_seconds, total_exec_time / 1000 AS total_seconds, rows FROM extensions.pg_stat_statements ORDER BY mean_exec_time DESC LIMIT 10";

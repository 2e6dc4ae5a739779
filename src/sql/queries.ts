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
 * Runbook § Database Connection Issues, "Check for long-running queries": non-idle sessions whose
 * query started more than `seconds` ago. The monitoring session itself never counts.
 */
export const longRunningQueriesCountQuery = (seconds: number): string =>
  `SELECT count(*) AS long_running_queries FROM pg_stat_activity WHERE state != 'idle' AND pid <> pg_backend_pid() AND query_start < now() - interval '${Math.round(seconds)} seconds'`;

/** Runbook § Public Sharing Token Issues: live tokens issued for longer than the lifetime policy. */
export const tokensOverLifetimeQuery = (lifetimeDays: number): string =>
  `SELECT count(*) AS tokens_over_lifetime FROM public_tokens WHERE expires_at > now() AND expires_at - created_at > interval '${Math.round(lifetimeDays)} days'`;

import type { Settings } from "../config/load";

/**
 * Where every signal comes from, in one place: metric names of the Supabase Metrics API (a beta
 * API, so its names may move), the Synthetic Monitoring series, and the series this project's
 * recording rules make out of the edge-function logs. Alerts and panels build queries from these
 * helpers and never repeat a selector.
 */

/** Supabase Metrics API series, scraped into the Grafana Cloud Prometheus. */
export const supabaseMetrics = {
  databaseUp: "pg_up",
  connections: "connection_stats_connection_count",
  maxConnections: "max_connections_connection_count",
  queryTimeSecondsTotal: "pg_stat_statements_total_time_seconds",
  queriesTotal: "pg_stat_statements_total_queries",
  filesystemAvailableBytes: "node_filesystem_avail_bytes",
  filesystemSizeBytes: "node_filesystem_size_bytes",
  storageSizeMb: "storage_storage_size_mb",
  /** 1 when Supabase has put the database into read-only mode (it does when the disk fills): every write fails. */
  readOnly: "pg_settings_default_transaction_read_only",
  /** Seconds a read replica is behind the primary, on each replica's own Metrics API (supabase-grafana docs/example-alerts.md). */
  replicationLagSeconds: "physical_replication_lag_physical_replication_lag_seconds",
} as const;

/** Synthetic Monitoring series (there is no probe_http_total_duration_seconds). */
export const probeMetrics = {
  /** 1 or 0, pushed on every execution, failed ones included. */
  success: "probe_success",
  successSum: "probe_all_success_sum",
  successCount: "probe_all_success_count",
  durationSeconds: "probe_all_duration_seconds",
  httpStatusCode: "probe_http_status_code",
} as const;

/**
 * Series recorded from the edge-function logs (see recording.ts). Each is a per-second rate over
 * 5 minutes or a latency quantile, labelled by `function` and, for responses, `status`.
 */
export const edgeSeries = {
  responsesRate5m: "ain:edge_responses:rate5m",
  latencyP95Seconds5m: "ain:edge_latency_seconds:p95_5m",
} as const;

/** Series recorded from the edge series for each SLO and window (see slo.ts). */
export const sloSeries = {
  errorRatio: (window: string) => `ain:slo_errors:ratio_rate${window}`,
  requestsPerHour: (window: string) => `ain:slo_requests:per_hour_rate${window}`,
} as const;

/** Label matchers, built once from the settings; `series` puts them on a metric. */
export interface Selectors {
  /** Every instance of the Supabase project: the primary and its read replicas. */
  supabase: string;
  /**
   * The primary database only. The Metrics API labels each instance with `supabase_identifier`:
   * the project ref on the primary, `<ref>-<region>-<id>` on a read replica (supabase/supabase-grafana
   * docs/metrics.md), while `supabase_project_ref` is the same on both.
   */
  supabasePrimary: string;
  /** The database's own disk: Supabase keeps the data directory on /data, the OS on /. */
  databaseDisk: string;
  /** The root filesystem of the database host: the OS, logs and extensions, beside /data. */
  rootDisk: string;
  /** One Synthetic Monitoring check, by its job name. */
  probe: (job: string) => string;
  /** Several checks, by job name. */
  probes: (jobs: readonly string[]) => string;
  /** Edge-function series for one function, or several. */
  edge: (functions: string | string[]) => string;
  /** Recorded edge series of one kind of traffic: the users' ("real") or the checks' own ("synthetic"). */
  traffic: (kind: "real" | "synthetic") => string;
}

const quote = (s: string) => JSON.stringify(s);

export function selectors(settings: Pick<Settings, "supabaseProjectRef">): Selectors {
  const ref = quote(settings.supabaseProjectRef);
  return {
    supabase: `supabase_project_ref=${ref}`,
    supabasePrimary: `supabase_project_ref=${ref}, supabase_identifier=${ref}`,
    databaseDisk: `mountpoint="/data"`,
    rootDisk: `mountpoint="/"`,
    probe: (job) => `job=${quote(job)}`,
    // Job names are fixed slugs of letters, digits and '-', so they need no regex escaping.
    probes: (jobs) => (jobs.length === 1 ? `job=${quote(jobs[0])}` : `job=~${quote(jobs.join("|"))}`),
    // Function names are validated to letters, digits, '-' and '_', so they need no regex escaping.
    edge: (functions) => (Array.isArray(functions) ? `function=~${quote(functions.join("|"))}` : `function=${quote(functions)}`),
    traffic: (kind) => `traffic=${quote(kind)}`,
  };
}

/** A metric with matchers: `series("up", 'job="a"')` is `up{job="a"}`; no matchers, no braces. */
export const series = (name: string, ...matchers: (string | undefined)[]): string => {
  const present = matchers.filter((m): m is string => Boolean(m));
  return present.length > 0 ? `${name}{${present.join(", ")}}` : name;
};

/**
 * How the Supabase log drain's edge-function records read in Loki (logflare's Loki adaptor,
 * lib/logflare/backends/adaptor/loki_adaptor.ex): the line is `event_message`, as
 * `POST | 500 | https://<ref>.supabase.co/functions/v1/<slug>`, and every other field arrives as
 * structured metadata flattened with `_`, all values strings. The slug exists only in the path
 * (metadata_function_id is a UUID), so the function comes from the line, as does the status.
 */
export const edgeLogs = {
  /** RE2, as Loki runs it: method, status and the function slug out of the line. */
  linePattern: String.raw`^(?P<method>[A-Z]+) \| (?P<status>\d{3}) \| \S*/functions/v1/(?P<function>[^/?#\s]+)`,
  /** Browsers' CORS preflights are not requests the product answers. */
  droppedMethod: "OPTIONS",
  /**
   * The stream, parsed: selector from config, the line's fields extracted, preflights and lines
   * that are not function calls dropped. Callers `keep` the labels they aggregate on, so per-line
   * metadata such as `id` never becomes a series.
   */
  stream: (settings: Pick<Settings, "logDrain">): string =>
    `${settings.logDrain.streamSelector} | regexp \`${edgeLogs.linePattern}\` | function != "" | method != "${edgeLogs.droppedMethod}"`,
} as const;

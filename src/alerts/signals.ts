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
} as const;

/** Synthetic Monitoring series (there is no probe_http_total_duration_seconds). */
export const probeMetrics = {
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
  /** The Supabase project's Metrics API series. */
  supabase: string;
  /** One Synthetic Monitoring check, by its job name. */
  probe: (job: string) => string;
  /** Edge-function series for one function, or several. */
  edge: (functions: string | string[]) => string;
}

const quote = (s: string) => JSON.stringify(s);

export function selectors(settings: Pick<Settings, "supabaseProjectRef">): Selectors {
  return {
    supabase: `supabase_project_ref=${quote(settings.supabaseProjectRef)}`,
    probe: (job) => `job=${quote(job)}`,
    // Function names are validated to letters, digits, '-' and '_', so they need no regex escaping.
    edge: (functions) => (Array.isArray(functions) ? `function=~${quote(functions.join("|"))}` : `function=${quote(functions)}`),
  };
}

/** A metric with matchers: `series("up", 'job="a"')` is `up{job="a"}`; no matchers, no braces. */
export const series = (name: string, ...matchers: (string | undefined)[]): string => {
  const present = matchers.filter((m): m is string => Boolean(m));
  return present.length > 0 ? `${name}{${present.join(", ")}}` : name;
};

/** The Loki stream of edge-function logs from the Supabase log drain, and how to read a line. */
export const edgeLogs = {
  streamSelector: (settings: Pick<Settings, "supabaseProjectRef">) =>
    `{source="function_edge_logs", project=${quote(settings.supabaseProjectRef)}}`,
  /** Extracts status, function and execution time from a function_edge_logs line. */
  parse:
    '| json status="response.status_code", pathname="request.pathname", execution_ms="execution_time_ms"' +
    ' | label_format function=`{{ regexReplaceAll "^/(functions/v1/)?([^/?]+).*$" .pathname "${2}" }}`',
} as const;

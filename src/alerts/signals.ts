import type { Settings } from "../config/settings";
import type { Identity } from "../config/identity";
import { EVALUATION_INTERVAL_SECONDS } from "./evaluation";

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
  /**
   * 1 while Postgres refuses writes by default. Supabase turns it on when the disk fills
   * (supabase/supabase-grafana dashboard.json, "ReadOnly" panel; labels as pg_up plus `server`).
   */
  readOnly: "pg_settings_default_transaction_read_only",
  /** A read replica's replay lag (supabase/supabase-grafana docs/metrics.md). */
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
 * Series recorded from the edge-function logs (see recording.ts), labelled by `function`, `status`
 * and `traffic` ("synthetic" on the checks' own requests, absent on everyone else's).
 *
 * Grafana's recording-rule writer (ngalert/writer/prom.go) writes only the points a query returns
 * and never a stale marker. So the base series is a count per evaluation, not a rate: a minute
 * without requests has no point, which is exactly 0 requests, and a window's requests are the sum
 * of its points whatever went quiet. A rate over 5 minutes would hold a one-minute burst for five
 * evaluations, and its last point for five more (Prometheus' lookback), so a `for` could not tell a
 * burst from a failure that lasts.
 */
export const edgeSeriesOf = (identity: Pick<Identity, "seriesPrefix">) => ({
  requestsPerMinute: `${identity.seriesPrefix}:edge_requests:count1m`,
  latencyP95Seconds5m: `${identity.seriesPrefix}:edge_latency_seconds:p95_5m`,
});
export type EdgeSeries = ReturnType<typeof edgeSeriesOf>;

/**
 * A window holding exactly the last `minutes` recorded points, whatever the phase between the
 * recording group and the reading group. Grafana offsets each group by a hash of its name in 10 s
 * ticks (ngalert/schedule/jitter.go) and writes each point at its group's scheduled time, so points
 * are 60 s apart at any 10 s phase from the reader's evaluations. A second short of whole minutes
 * keeps out the point `minutes` intervals back when the phase is 0, whether the engine's range is
 * closed on the left (Prometheus 2, promtool) or open (Prometheus 3, Mimir); at any other phase
 * that point is outside already. Half a minute short would drop one of N whenever the phase is 30 s
 * or more.
 */
export const recordedWindow = (minutes: number): string => {
  const seconds = minutes * EVALUATION_INTERVAL_SECONDS - 1;
  const m = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const h = Math.floor(m / 60);
  return `${h ? `${h}h` : ""}${m % 60 ? `${m % 60}m` : ""}${rest ? `${rest}s` : ""}`;
};

/** Requests recorded over the last `minutes`, by the given grouping: a sum of per-minute counts. */
export const requestsOver = (sel: Pick<Selectors, "recorded">, minutes: number, ...matchers: (string | undefined)[]): string =>
  `sum_over_time(${series(sel.recorded.requestsPerMinute, ...matchers)}[${recordedWindow(minutes)}])`;

/**
 * The latest value of a series Grafana records, only while it is fresh: without stale markers the
 * last point of a series that stopped would stay visible for Prometheus' 5-minute lookback. Two
 * evaluation intervals tolerate one late or missed evaluation.
 */
export const freshRecorded = (name: string, ...matchers: (string | undefined)[]): string =>
  `last_over_time(${series(name, ...matchers)}[${2 * EVALUATION_INTERVAL_SECONDS}s])`;

/**
 * How the checks mark their own requests: a query parameter on the function URL. The drain's line
 * keeps the URL with its query string (logflare's ingest sample deno-relay-logs.json:
 * `OPTIONS | 200 | https://default.functions.supabase.co/connect-heartbeat?time=...`), so the
 * recording rule can tell the checks' requests from everyone else's.
 */
export const syntheticTraffic = { parameter: "ain_traffic", value: "synthetic", label: "traffic" } as const;

/** Label matchers, built once from the settings; `series` puts them on a metric. */
export interface Selectors {
  /** Every instance of the Supabase project: the primary and its read replicas. */
  supabase: string;
  /**
   * The primary database only. The Metrics API labels each instance with `supabase_identifier`:
   * the project ref on the primary, `<ref>-<region>-<id>` on a read replica (supabase/supabase-grafana
   * metrics.md at the repository's root), while `supabase_project_ref` is the same on both.
   */
  supabasePrimary: string;
  /** The database's own disk: Supabase keeps the data directory on /data, the OS on /. */
  databaseDisk: string;
  /** The instance's root filesystem: the OS, its logs and Supabase's services. */
  rootDisk: string;
  /** Edge-function requests people made: everything but the checks' own. */
  realTraffic: string;
  /** The checks' own requests. */
  syntheticTraffic: string;
  /** One Synthetic Monitoring check, by its job name. */
  probe: (job: string) => string;
  /** Several checks, by job name. */
  probes: (jobs: readonly string[]) => string;
  /** Edge-function series for one function, or several. */
  edge: (functions: string | string[]) => string;
  /** The series recorded from the edge-function logs, named for this stack. */
  recorded: EdgeSeries;
}

const quote = (s: string) => JSON.stringify(s);

export function selectors(settings: Pick<Settings, "supabaseProjectRef" | "identity">): Selectors {
  const ref = quote(settings.supabaseProjectRef);
  return {
    supabase: `supabase_project_ref=${ref}`,
    supabasePrimary: `supabase_project_ref=${ref}, supabase_identifier=${ref}`,
    databaseDisk: `mountpoint="/data"`,
    rootDisk: `mountpoint="/"`,
    // != also matches the absent label: real requests carry no traffic label at all.
    realTraffic: `${syntheticTraffic.label}!=${quote(syntheticTraffic.value)}`,
    syntheticTraffic: `${syntheticTraffic.label}=${quote(syntheticTraffic.value)}`,
    probe: (job) => `job=${quote(job)}`,
    // Job names are fixed slugs of letters, digits and '-', so they need no regex escaping.
    probes: (jobs) => (jobs.length === 1 ? `job=${quote(jobs[0])}` : `job=~${quote(jobs.join("|"))}`),
    // Function names are validated to letters, digits, '-' and '_', so they need no regex escaping.
    edge: (functions) => (Array.isArray(functions) ? `function=~${quote(functions.join("|"))}` : `function=${quote(functions)}`),
    recorded: edgeSeriesOf(settings.identity),
  };
}

/** A metric with matchers: `series("up", 'job="a"')` is `up{job="a"}`; no matchers, no braces. */
export const series = (name: string, ...matchers: (string | undefined)[]): string => {
  const present = matchers.filter((m): m is string => Boolean(m));
  return present.length > 0 ? `${name}{${present.join(", ")}}` : name;
};

/**
 * How the Supabase log drain's edge-function records read in Loki (logflare's Loki adaptor,
 * lib/logflare/backends/adaptor/loki_adaptor.ex): the line is `event_message`, and every other
 * field arrives as structured metadata flattened with `_`, all values strings. The line names the
 * function in one of two URL forms, both seen in Supabase's sources:
 * - `POST | 500 | https://<ref>.supabase.co/functions/v1/<slug>` (Supabase's log explorer);
 * - `OPTIONS | 200 | https://<ref>.functions.supabase.co/<slug>?time=...` (logflare's ingest
 *   sample priv/supabase/ingest_samples/deno-relay-logs.json).
 * The slug exists only in the path (metadata_function_id is a UUID), so the function comes from
 * the line, as do the status and the checks' own marker.
 */
export const edgeLogs = {
  /** RE2, as Loki runs it: method, status, the function slug in either URL form, and the checks' marker. */
  linePattern:
    String.raw`^(?P<method>[A-Z]+) \| (?P<status>\d{3}) \| https?://(?:[^/\s]+/functions/v1|[^/\s.]+\.functions\.supabase\.co)/(?P<function>[^/?#\s]+)` +
    String.raw`(?:[^#\s]*[?&]${syntheticTraffic.parameter}=(?P<${syntheticTraffic.label}>${syntheticTraffic.value})\b)?`,
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

import type { DecoratedAlert } from "../../src/alerts/types";
import type { Settings } from "../../src/config/load";
import { INVALID_TOKEN_STATUSES } from "../../src/alerts/sharingTokens";
import { journeys } from "../../src/alerts/sparseFailures";
import { selectors } from "../../src/alerts/signals";
import { checkJob } from "../../src/synthetics/jobs";

/**
 * Input series that make each alert's value equal a chosen number. A gauge holds a level; a
 * counter grows by a step each sample. The values are distinct per alert, so one alert's fixture
 * can never pass for another's.
 */
export interface InputSeries {
  series: string;
  kind: "gauge" | "counter";
  /** Level of a gauge, or increment per sample of a counter. */
  perSample: number;
  /** A counter's first value; 0 when not given. */
  start?: number;
}

export interface AlertFixture {
  inputs: (value: number) => InputSeries[];
  safe: number;
  breach: number;
  /** The value is computed without rounding, so the threshold itself can be tested. */
  exactBoundary: boolean;
  /**
   * Why this alert fires on a single breaching sample, for a rule with no 'for' by design; the spike
   * scenario then checks that it does, instead of that it does not.
   */
  firesOnOneSample?: string;
  /**
   * Minutes a steady input takes to reach its level in the alert's value: a count over a window
   * fills as the window does. The breach is checked this much later.
   */
  fillMinutes?: number;
  /** Inputs with very little traffic, for alerts guarded against it. */
  lowTraffic?: () => InputSeries[];
}

const gauge = (series: string, perSample: number): InputSeries => ({ series, kind: "gauge", perSample });
const counter = (series: string, perSample: number): InputSeries => ({ series, kind: "counter", perSample });

/**
 * probe_success at both probe locations, held at a level: a threshold test, not the producer's
 * shape (test/alerts/sm-scenarios.test.ts feeds executions as Synthetic Monitoring pushes them).
 */
const probes = (jobs: string[]) => (level: number) =>
  jobs.flatMap((job) => ["Frankfurt", "London"].map((probe) => gauge(`probe_success{job="${job}", probe="${probe}"}`, level)));

/** Total request rate of the burn-rate fixtures: high enough that every traffic guard passes. */
const BURN_TRAFFIC_PER_SECOND = 100;

export function fixtureFor(alert: DecoratedAlert, settings: Settings): AlertFixture {
  const ref = `supabase_project_ref="${settings.supabaseProjectRef}"`;
  const primary = `${ref}, supabase_identifier="${settings.supabaseProjectRef}"`;
  const fn = settings.functions;
  // The drain's recorded count, as Grafana's writer leaves it: one point per evaluation, the
  // requests of that minute (a steady rate here; incidents.ts has the sparse, bursty shapes).
  const edge = (functionName: string, status: string, perSecond: number) =>
    gauge(`ain:edge_requests:count1m{function="${functionName}", status="${status}"}`, perSecond * 60);
  const latency = (functionName: string) => (seconds: number) => [gauge(`ain:edge_latency_seconds:p95_5m{function="${functionName}"}`, seconds)];

  const databaseJobs = settings.synthetics.databaseChecks.map((id) => checkJob(settings, id));

  const sparse = journeys({ settings, sel: selectors(settings) }).find((j) => alert.id === `${j.id}-failing-at-low-volume`);
  if (sparse) {
    const { windowMinutes, minFailures } = settings.runbook.failureModes.sparseFailures;
    // `count` failures in the window, spread evenly, beside half as many successes: two thirds failed.
    const failing = (count: number, successesPerFailure: number) => [
      edge(sparse.functionName, "503", count / windowMinutes / 60),
      edge(sparse.functionName, "200", (successesPerFailure * count) / windowMinutes / 60),
    ];
    return {
      inputs: (count) => failing(count, 0.5),
      safe: minFailures - 2,
      breach: minFailures + 3,
      exactBoundary: false,
      fillMinutes: windowMinutes,
      // As many failures as the breach, among ten times as many successes: the share is too low.
      lowTraffic: () => failing(minFailures + 3, 10),
    };
  }

  const burnFunction = { overall: fn.vinDecode, email: fn.emailDelivery, pdf: fn.pdfGeneration } as const;
  const steady = /^(overall|email|pdf)-error-ratio-over-limit$/.exec(alert.id);
  if (steady) {
    const slo = steady[1] as keyof typeof burnFunction;
    const traffic = (percent: number, total: number) => {
      const errors = Math.min(total, (percent / 100) * total);
      return [edge(burnFunction[slo], "500", errors), edge(burnFunction[slo], "200", total - errors)];
    };
    return {
      inputs: (percent) => traffic(percent, BURN_TRAFFIC_PER_SECOND),
      safe: alert.threshold * 0.8,
      breach: alert.threshold * 2.5,
      exactBoundary: false,
      lowTraffic: () => traffic(100, 14 / 3600),
    };
  }
  const missing = /^signal-missing-/.test(alert.id);
  if (missing) {
    // The value is 1 while the pipeline is silent: 0 feeds its series, 1 feeds nothing.
    const present: Record<string, InputSeries[]> = {
      "signal-missing-metrics-api": [gauge(`pg_up{${primary}}`, 1)],
      "signal-missing-probes": probes(["ain-health-check", "ain-decode-vin"])(1),
      "signal-missing-log-drain": [edge(fn.vinDecode, "200", 0.4), gauge(`ain:edge_latency_seconds:p95_5m{function="${fn.vinDecode}"}`, 0.8)],
      "signal-missing-metrics-api-checks": [],
    };
    const series = present[alert.id];
    if (!series) throw new Error(`no promtool fixture for ${alert.id}`);
    return { inputs: (silent) => (silent ? [gauge("unrelated_series", 1)] : series), safe: 0, breach: 1, exactBoundary: true };
  }

  const burn = /^(overall|email|pdf)-burn-/.exec(alert.id);
  if (burn) {
    const slo = burn[1] as keyof typeof burnFunction;
    const budget = alert.value.match(/\/ ([0-9.]+)$/)?.[1];
    const budgetRatio = Number(budget);
    const traffic = (burnRate: number, total: number) => {
      const errors = Math.min(total, burnRate * budgetRatio * total);
      return [edge(burnFunction[slo], "500", errors), edge(burnFunction[slo], "200", total - errors)];
    };
    return {
      inputs: (burnRate) => traffic(burnRate, BURN_TRAFFIC_PER_SECOND),
      safe: alert.threshold * 0.8,
      breach: alert.threshold * 1.25,
      exactBoundary: false,
      // 14 requests an hour, every one failing: a 100 % error ratio that must not page.
      lowTraffic: () => traffic(1 / budgetRatio, 14 / 3600),
    };
  }

  const table: Record<string, AlertFixture> = {
    "edge-functions-down": {
      inputs: probes(["ain-health-check", "ain-decode-vin"]),
      safe: 1,
      breach: 0,
      exactBoundary: true,
      // One sample here is every system-down check failing at every probe at once: with two-minute
      // checks, a 'for' would push the page past the 3-minute target (sm-scenarios measures it).
      firesOnOneSample: "no 'for': the latest execution of two functions at two probe locations failing together is the outage itself",
    },
    "email-health-check-failing": { inputs: probes(["ain-health-check"]), safe: 0.75, breach: 0.25, exactBoundary: true },
    "probe-location-failing": {
      // Frankfurt at the level, London passing: the worst location's best latest result.
      inputs: (level) => ["ain-health-check", "ain-decode-vin"].flatMap((job) => [gauge(`probe_success{job="${job}", probe="Frankfurt"}`, level), gauge(`probe_success{job="${job}", probe="London"}`, 1)]),
      safe: 1,
      breach: 0,
      exactBoundary: true,
    },
    "pdf-check-failing": { inputs: probes(["ain-generate-valuation-pdf"]), safe: 1, breach: 0, exactBoundary: true },
    "vin-decode-check-failing": { inputs: probes(["ain-decode-vin"]), safe: 0.6, breach: 0.1, exactBoundary: true },
    "vin-decode-latency-over": { inputs: latency(fn.vinDecode), safe: 2.5, breach: 4, exactBoundary: true },
    "vin-decode-latency-severe": { inputs: latency(fn.vinDecode), safe: 4.5, breach: 7.5, exactBoundary: true },
    "email-delivery-latency-over": { inputs: latency(fn.emailDelivery), safe: 4.25, breach: 6, exactBoundary: true },
    "email-delivery-latency-severe": { inputs: latency(fn.emailDelivery), safe: 8, breach: 12, exactBoundary: true },
    "pdf-generation-latency-over": { inputs: latency(fn.pdfGeneration), safe: 9.5, breach: 12.5, exactBoundary: true },
    "pdf-generation-latency-severe": { inputs: latency(fn.pdfGeneration), safe: 15, breach: 25, exactBoundary: true },
    "email-endpoints-503": {
      // count 503s in the 5-minute window: count / 5 a minute.
      inputs: (count) => [edge(fn.emailDelivery, "503", count / 300), edge(fn.emailDelivery, "200", 2)],
      safe: 2,
      breach: 6,
      exactBoundary: false,
    },
    "pdf-generation-500": {
      inputs: (count) => [edge(fn.pdfGeneration, "500", count / 300), edge(fn.pdfGeneration, "200", 1)],
      safe: 1,
      breach: 9,
      exactBoundary: false,
    },
    "database-down": {
      inputs: (up) => [gauge(`pg_up{${primary}}`, up)],
      safe: 1,
      breach: 0,
      exactBoundary: true,
      firesOnOneSample: "no 'for': pg_up 0 is the exporter failing to connect to Postgres, and one more scrape would cost the 3-minute target",
    },
    "database-unreachable": {
      // pg_up silent throughout; the database checks pass (1) or fail (0) at both probes.
      inputs: probes(databaseJobs),
      safe: 1,
      breach: 0,
      exactBoundary: true,
      firesOnOneSample: "no 'for': the Metrics API silent and a database check failing at every probe location are the outage itself",
    },
    "database-read-only": { inputs: (on) => [gauge(`pg_settings_default_transaction_read_only{${primary}, server="localhost:5432"}`, on), gauge(`pg_up{${primary}}`, 1)], safe: 0, breach: 1, exactBoundary: true },
    "database-disk-near-read-only": {
      // `points` of headroom below the read-only line: /data at readOnlyDiskPercent - points.
      inputs: (points) => {
        const used = settings.runbook.capacity.readOnlyDiskPercent - points;
        return [gauge(`node_filesystem_avail_bytes{${primary}, mountpoint="/data"}`, 1000 - used * 10), gauge(`node_filesystem_size_bytes{${primary}, mountpoint="/data"}`, 1000)];
      },
      safe: alert.threshold + 3,
      breach: alert.threshold - 2,
      exactBoundary: false,
    },
    "root-disk-high": {
      inputs: (percent) => [gauge(`node_filesystem_avail_bytes{${primary}, mountpoint="/"}`, 1000 - percent * 10), gauge(`node_filesystem_size_bytes{${primary}, mountpoint="/"}`, 1000)],
      safe: settings.runbook.capacity.rootDiskPercent - 6,
      breach: settings.runbook.capacity.rootDiskPercent + 3,
      exactBoundary: false,
    },
    "database-connections-high": {
      inputs: (percent) => [gauge(`connection_stats_connection_count{${primary}, username="authenticator"}`, percent), gauge(`max_connections_connection_count{${primary}}`, 100)],
      safe: 79,
      breach: 91,
      exactBoundary: true,
    },
    "database-queries-slow": {
      inputs: (seconds) => [counter(`pg_stat_statements_total_time_seconds{${ref}}`, seconds * 8), counter(`pg_stat_statements_total_queries{${ref}}`, 8)],
      safe: 0.5,
      breach: 1.75,
      exactBoundary: true,
    },
    "database-disk-high": {
      inputs: (percent) => [gauge(`node_filesystem_avail_bytes{${primary}, mountpoint="/data"}`, 1000 - percent * 10), gauge(`node_filesystem_size_bytes{${primary}, mountpoint="/data"}`, 1000)],
      safe: 70,
      breach: 93,
      exactBoundary: false,
    },
    "storage-near-plan-limit": {
      inputs: (percent) => [gauge(`storage_storage_size_mb{${ref}}`, (percent / 100) * settings.runbook.capacity.storagePlanLimitGiB * 1024)],
      safe: 60,
      breach: 85,
      exactBoundary: true,
    },
    "storage-full-soon": {
      // Growing from half the limit at a pace that reaches `percent` of it at the horizon.
      inputs: (percent) => {
        const limitMb = settings.runbook.capacity.storagePlanLimitGiB * 1024;
        const horizonMinutes = settings.runbook.capacity.storageDaysToFullWarning * 1440;
        const perMinute = ((percent / 100) * limitMb - limitMb / 2) / horizonMinutes;
        return [{ series: `storage_storage_size_mb{${ref}}`, kind: "counter", perSample: perMinute, start: limitMb / 2 }];
      },
      safe: 90,
      breach: 130,
      exactBoundary: false,
    },
    "sharing-invalid-token-surge": {
      inputs: (perHour) => [edge(fn.sharedReport, INVALID_TOKEN_STATUSES[3], perHour / 3600), edge(fn.sharedReport, "200", 0.5)],
      safe: 12,
      breach: 45,
      exactBoundary: false,
      // The 15-minute window's count, per hour, passes the threshold after 15 x threshold / 45 minutes.
      fillMinutes: Math.floor((15 * settings.runbook.sharingTokens.invalidTokenUsesPerHour) / 45),
    },
  };
  const fixture = table[alert.id];
  if (!fixture) throw new Error(`no promtool fixture for ${alert.id}: add one to test/alerts/fixtures.ts`);
  return fixture;
}

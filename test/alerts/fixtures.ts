import type { DecoratedAlert } from "../../src/alerts/types";
import type { Settings } from "../../src/config/load";
import { INVALID_TOKEN_STATUSES } from "../../src/alerts/sharingTokens";
import { journeys } from "../../src/alerts/journeys";
import { edgeSeriesOf } from "../../src/alerts/signals";
import { checkJob } from "../../src/synthetics/jobs";
import { meaningOf } from "./runbookMeaning";

/**
 * Input series that make each alert's value equal a chosen number. A gauge holds a level; a
 * counter grows by a step each sample. The values are distinct per alert, so one alert's fixture
 * can never pass for another's.
 */
export interface InputSeries {
  series: string;
  /** A gauge holds a level; a counter grows; a sparse series has a point every `everyMinutes` only, as the drain's counts at low volume. */
  kind: "gauge" | "counter" | "sparse";
  everyMinutes?: number;
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
  /**
   * Why this alert's behaviour cannot be put as one value held at a level, and which incidents of
   * test/alerts/incidents.ts show it firing and staying silent instead.
   */
  incidentsOnly?: { why: string; incidents: string[] };
  /** Inputs with very little traffic, for alerts guarded against it. */
  lowTraffic?: () => InputSeries[];
}

const gauge = (series: string, perSample: number): InputSeries => ({ series, kind: "gauge", perSample });
const sparse = (series: string, perSample: number, everyMinutes: number): InputSeries => ({ series, kind: "sparse", perSample, everyMinutes });
const counter = (series: string, perSample: number): InputSeries => ({ series, kind: "counter", perSample });

/**
 * A value `share` of the threshold past it on the side the runbook calls a breach, or back on the
 * safe side: the scenarios follow whatever threshold the stack sets, and the side comes from
 * runbookMeaning.ts, not from the rule's comparator. A percentage stays under `max`.
 */
function around(alert: DecoratedAlert, share: { safe: number; breach: number }, max = Infinity): Pick<AlertFixture, "safe" | "breach"> {
  const up = meaningOf(alert.id).breachesWhen === "above" ? 1 : -1;
  const breach = alert.threshold * (1 + up * share.breach);
  return { safe: alert.threshold * (1 - up * share.safe), breach: up > 0 ? Math.min(breach, (alert.threshold + max) / 2) : breach };
}

/** Total request rate of the burn-rate fixtures: high enough that every traffic guard passes. */
const BURN_TRAFFIC_PER_SECOND = 100;

export function fixtureFor(alert: DecoratedAlert, settings: Settings): AlertFixture {
  const ref = `supabase_project_ref="${settings.supabaseProjectRef}"`;
  const primary = `${ref}, supabase_identifier="${settings.supabaseProjectRef}"`;
  const fn = settings.functions;
  const edgeSeries = edgeSeriesOf(settings.identity);
  // The drain's recorded count, as Grafana's writer leaves it: one point per evaluation, the
  // requests of that minute (a steady rate here; incidents.ts has the sparse, bursty shapes).
  const edge = (functionName: string, status: string, perSecond: number) =>
    gauge(`${edgeSeries.requestsPerMinute}{function="${functionName}", status="${status}"}`, perSecond * 60);
  /**
   * `count` requests in one minute of every `everyMinutes`, nothing between: a window of that many
   * minutes holds exactly one such minute at any phase, so its sum is `count` itself, and a count at
   * the threshold can be tested exactly (a steady count / N a minute sums with rounding).
   */
  const burstEvery = (functionName: string, status: string, everyMinutes: number) => (count: number) =>
    sparse(`${edgeSeries.requestsPerMinute}{function="${functionName}", status="${status}"}`, count, everyMinutes);
  const latency = (functionName: string) => (seconds: number) => [gauge(`${edgeSeries.latencyP95Seconds5m}{function="${functionName}"}`, seconds)];

  /**
   * probe_success at every probe location, held at a level: a threshold test, not the producer's
   * shape (incidents.ts feeds executions as Synthetic Monitoring pushes them).
   */
  const locations = settings.synthetics.probes;
  const probes = (jobs: string[]) => (level: number) => jobs.flatMap((job) => locations.map((probe) => gauge(`probe_success{job="${job}", probe="${probe}"}`, level)));
  const job = { health: checkJob(settings, "healthCheck"), pdf: checkJob(settings, "pdfGeneration"), vin: checkJob(settings, "vinDecode") };
  const databaseJobs = settings.synthetics.databaseChecks.map((id) => checkJob(settings, id));
  const systemDownJobs = settings.synthetics.systemDownChecks.map((id) => checkJob(settings, id));

  const lowVolume = Object.values(journeys(settings)).find((j) => alert.id === `${j.id}-failing-at-low-volume`);
  if (lowVolume) {
    const { minFailedMinutes } = settings.runbook.failureModes.sparseFailures;
    // `perHour` failed requests an hour, one every 60 / perHour minutes, as a drain count records
    // them at low volume: a point in a failing minute, nothing between. `successes` of them pass.
    const failing = (perHour: number, successesPerFailure: number) => [
      sparse(`${edgeSeries.requestsPerMinute}{function="${lowVolume.functionName}", status="503"}`, 1, Math.max(1, Math.round(60 / perHour))),
      ...(successesPerFailure > 0 ? [sparse(`${edgeSeries.requestsPerMinute}{function="${lowVolume.functionName}", status="200"}`, successesPerFailure, Math.max(1, Math.round(60 / perHour)))] : []),
    ];
    return {
      inputs: (perHour) => failing(perHour, 0),
      safe: minFailedMinutes - 1,
      breach: minFailedMinutes + 3,
      exactBoundary: false,
      // The window fills with failing minutes as they come: the threshold's n-th at n / breach hours.
      fillMinutes: Math.ceil((60 * minFailedMinutes) / (minFailedMinutes + 3)),
      // As many failing minutes as the breach, each among ten successes: the share is too low.
      lowTraffic: () => failing(minFailedMinutes + 3, 10),
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
      // Steady traffic makes the ratio exact: the runbook's "< 1%" makes 1 % itself a breach.
      exactBoundary: true,
      lowTraffic: () => traffic(100, 14 / 3600),
    };
  }
  const missing = /^signal-missing-/.test(alert.id);
  if (missing) {
    // The value is 1 while the pipeline is silent: 0 feeds its series, 1 feeds nothing.
    const present: Record<string, InputSeries[]> = {
      "signal-missing-metrics-api": [gauge(`pg_up{${primary}}`, 1)],
      "signal-missing-probes": probes(systemDownJobs)(1),
      "signal-missing-log-drain": [edge(fn.vinDecode, "200", 0.4), gauge(`${edgeSeries.latencyP95Seconds5m}{function="${fn.vinDecode}"}`, 0.8)],
      "signal-missing-metrics-api-checks": [],
    };
    const series = present[alert.id];
    if (!series) throw new Error(`no promtool fixture for ${alert.id}`);
    return { inputs: (silent) => (silent ? [gauge("unrelated_series", 1)] : series), safe: 0, breach: 1, exactBoundary: true };
  }

  const burn = /^(overall|email|pdf)-burn-/.exec(alert.id);
  if (burn) {
    const slo = burn[1] as keyof typeof burnFunction;
    const budgets = settings.runbook.errorBudgets;
    const budgetRatio = { overall: budgets.overallPercent, email: budgets.emailDeliveryFailurePercent, pdf: budgets.pdfGenerationFailurePercent }[slo] / 100;
    const traffic = (burnRate: number, total: number) => {
      const errors = Math.min(total, burnRate * budgetRatio * total);
      // 546, "Resource Limit": the edge runtime stopped the function (WORKER_RESOURCE_LIMIT, once
      // WORKER_LIMIT; supabase.com/docs/guides/functions/status-codes). A server error, not a 50x.
      return [edge(burnFunction[slo], "546", errors), edge(burnFunction[slo], "200", total - errors)];
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

  const surge = around(alert, { safe: 0.4, breach: 1.25 });
  const table: Record<string, AlertFixture> = {
    "edge-functions-down": {
      inputs: probes(systemDownJobs),
      safe: 1,
      breach: 0,
      exactBoundary: true,
      // One sample here is every system-down check failing at every probe at once: with two-minute
      // checks, a 'for' would push the page past the 3-minute target (sm-scenarios measures it).
      firesOnOneSample: "no 'for': the latest execution of two functions at two probe locations failing together is the outage itself",
    },
    "email-health-check-failing": { inputs: probes([job.health]), safe: 0.75, breach: 0.25, exactBoundary: true },
    "probe-location-silent": {
      // `silent` of the two locations report nothing; the others report passing results.
      inputs: (silent) => locations.slice(silent).flatMap((probe) => systemDownJobs.map((j) => gauge(`probe_success{job="${j}", probe="${probe}"}`, 1))),
      safe: 0,
      breach: 1,
      exactBoundary: true,
    },
    "probe-location-failing": {
      // The first location at the level, the others passing: the worst location's best latest result.
      inputs: (level) => systemDownJobs.flatMap((j) => locations.map((probe, i) => gauge(`probe_success{job="${j}", probe="${probe}"}`, i === 0 ? level : 1))),
      safe: 1,
      breach: 0,
      exactBoundary: true,
    },
    "pdf-check-failing": { inputs: probes([job.pdf]), safe: 1, breach: 0, exactBoundary: true },
    "vin-decode-check-failing": { inputs: probes([job.vin]), safe: 0.6, breach: 0.1, exactBoundary: true },
    "vin-decode-latency-over": { inputs: latency(fn.vinDecode), ...around(alert, { safe: 0.2, breach: 0.3 }), exactBoundary: true },
    "vin-decode-latency-severe": { inputs: latency(fn.vinDecode), ...around(alert, { safe: 0.2, breach: 0.3 }), exactBoundary: true },
    "email-delivery-latency-over": { inputs: latency(fn.emailDelivery), ...around(alert, { safe: 0.2, breach: 0.3 }), exactBoundary: true },
    "email-delivery-latency-severe": { inputs: latency(fn.emailDelivery), ...around(alert, { safe: 0.2, breach: 0.3 }), exactBoundary: true },
    "pdf-generation-latency-over": { inputs: latency(fn.pdfGeneration), ...around(alert, { safe: 0.2, breach: 0.3 }), exactBoundary: true },
    "pdf-generation-latency-severe": { inputs: latency(fn.pdfGeneration), ...around(alert, { safe: 0.2, breach: 0.3 }), exactBoundary: true },
    "email-endpoints-503": {
      // count 503s in each window, which is as long as the alert's for.
      inputs: (count) => [burstEvery(fn.emailDelivery, "503", alert.forSeconds / 60)(count), edge(fn.emailDelivery, "200", 2)],
      ...around(alert, { safe: 1 / 3, breach: 1 }),
      exactBoundary: true,
    },
    "pdf-generation-500": {
      inputs: (count) => [burstEvery(fn.pdfGeneration, "500", alert.forSeconds / 60)(count), edge(fn.pdfGeneration, "200", 1)],
      ...around(alert, { safe: 2 / 3, breach: 2 }),
      exactBoundary: true,
    },
    "database-down": {
      inputs: (up) => [gauge(`pg_up{${primary}}`, up)],
      safe: 1,
      breach: 0,
      exactBoundary: true,
      // Two scrapes of 0 are needed: the second comes a scrape after the first.
      fillMinutes: 1,
    },
    "database-unreachable": {
      inputs: probes(databaseJobs),
      safe: 1,
      breach: 0,
      exactBoundary: true,
      incidentsOnly: {
        why: "it needs pg_up and the database checks to go quiet together, after both were seen: a history, not a level",
        incidents: ["database-gone", "metrics-api-scrape-fails", "scrape-broken-then-vin-blip"],
      },
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
      ...around(alert, { safe: 0.2, breach: 0.15 }, 100),
      exactBoundary: true,
    },
    "database-queries-slow": {
      inputs: (seconds) => [counter(`pg_stat_statements_total_time_seconds{${ref}}`, seconds * 8), counter(`pg_stat_statements_total_queries{${ref}}`, 8)],
      ...around(alert, { safe: 0.5, breach: 0.75 }),
      exactBoundary: true,
    },
    "database-disk-high": {
      inputs: (percent) => [gauge(`node_filesystem_avail_bytes{${primary}, mountpoint="/data"}`, 1000 - percent * 10), gauge(`node_filesystem_size_bytes{${primary}, mountpoint="/data"}`, 1000)],
      ...around(alert, { safe: 0.125, breach: 0.16 }, 100),
      // Whole percents of a 1000-byte disk are exact: "Storage > 80% of limit" leaves 80 % itself safe.
      exactBoundary: true,
    },
    "storage-near-plan-limit": {
      inputs: (percent) => [gauge(`storage_storage_size_mb{${ref}}`, (percent / 100) * settings.runbook.capacity.storagePlanLimitGiB * 1024)],
      ...around(alert, { safe: 0.25, breach: 0.0625 }, 100),
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
      ...surge,
      exactBoundary: false,
      // The 15-minute window's count, per hour, passes the threshold after 15 x threshold / breach minutes.
      fillMinutes: Math.floor((15 * alert.threshold) / surge.breach),
    },
  };
  const fixture = table[alert.id];
  if (!fixture) throw new Error(`no promtool fixture for ${alert.id}: add one to test/alerts/fixtures.ts`);
  return fixture;
}

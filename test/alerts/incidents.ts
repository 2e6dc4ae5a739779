import { edgeSeriesOf } from "../../src/alerts/signals";
import type { Settings } from "../../src/config/load";
import type { Severity } from "../../src/config/runbook";
import type { RunbookItemId } from "../../src/config/runbookItems";
import { checkSpecs, pdfCheckStorage } from "../../src/synthetics/checks";
import { checkJob } from "../../src/synthetics/jobs";
import { healthyInstances, metricsApiSeries, type Instance } from "../fixtures/signals/supabase-metrics";
import { SM_STEP_SECONDS, smSeries, sparseValues, staggeredProbes, type SmOutcome } from "../fixtures/signals/synthetic-monitoring";
import type { PromtoolTest } from "../support/promtool";

/**
 * Incidents and near misses per runbook item, on series shaped like the producers': Synthetic
 * Monitoring executions per probe off the evaluation grid, the Metrics API scraped once a minute
 * with a primary and a read replica, and the log drain's recorded series. Each says what must fire,
 * at which severity and by when, and what must never fire; `measure` names the alerts whose first
 * firing is measured into src/alerts/measured.ts for the catalog.
 */
export interface Incident {
  id: string;
  item: RunbookItemId;
  kind: "incident" | "near miss";
  title: string;
  /** When the trouble starts, in minutes from the start of the series. */
  startMinute: number;
  minutes: number;
  input: { series: string; values: string }[];
  /** Alerts that must be firing, with their severity, `byMinutes` after the start. */
  fires: { alert: string; severity: Severity; byMinutes: number }[];
  /** Alerts that must never fire in the whole scenario. */
  neverFires: string[];
  /** Severities that must never fire at all (e.g. "no P0 or P1"). */
  neverSeverities: Severity[];
  /** Alerts whose time to detect is measured, from startMinute. */
  measure: string[];
  /** promtool's input step; the producer-shaped default puts executions off the evaluation grid. */
  interval?: string;
  /** Rule files to load, when the scenario concerns one area only (a day-long scenario is cheaper so); default every file. */
  ruleFiles?: string[];
  /** promtool's evaluation interval: the paging group's for scenarios about a P0's time to page. */
  evaluationInterval?: string;
}

const sloMinutes = 60;
/** A p95 well inside every latency budget. */
const HEALTHY_P95_SECONDS = 0.9;
/** Requests in one minute by function and status, as the recorded count holds them. */
type Traffic = Record<string, Record<string, number>>;

export function incidents(settings: Settings): Incident[] {
  const ref = settings.supabaseProjectRef;
  const fn = settings.functions;
  const checks = checkSpecs(settings)
    .filter((c) => c.enabled && c.id !== "resendStatus")
    .map((c, i) => ({ job: c.job, target: c.url, checkId: 4100 + i, frequencySeconds: c.frequencyMs / 1000 }));
  const probes = staggeredProbes(settings.synthetics.probes);
  const job = { health: checkJob(settings, "healthCheck"), pdf: checkJob(settings, "pdfGeneration"), vin: checkJob(settings, "vinDecode") };
  const sm = (minutes: number, outcome: SmOutcome) => smSeries(checks, probes, minutes, outcome);
  const metrics = (minutes: number, state: (minute: number) => Instance[] | undefined) => metricsApiSeries(ref, minutes, state);
  const healthy = () => healthyInstances(ref);
  const edgeSeries = edgeSeriesOf(settings.identity);
  /**
   * The log drain's recorded count, as Grafana's recording-rule writer leaves it
   * (ngalert/writer/prom.go): at each 1-minute evaluation, a point for each function and status that
   * had requests in that minute, and nothing, not even a stale marker, for a quiet one.
   */
  const drain = (minutes: number, perFunction: (minute: number) => Traffic) => {
    const samples = new Map<string, Map<number, number>>();
    for (let m = 0; m <= minutes; m++) {
      for (const [f, statuses] of Object.entries(perFunction(m))) {
        for (const [status, count] of Object.entries(statuses)) {
          if (count <= 0) continue;
          const key = `${edgeSeries.requestsPerMinute}{function="${f}", status="${status}"}`;
          if (!samples.has(key)) samples.set(key, new Map());
          samples.get(key)?.set((m * 60) / SM_STEP_SECONDS, count);
        }
      }
    }
    // The p95 recording: a point at each evaluation whose 5-minute window holds a request of the function.
    const latencies = new Map<string, Map<number, number>>();
    for (let m = 0; m <= minutes; m++) {
      const recent = new Set<string>();
      for (let back = 0; back < 5 && m - back >= 0; back++) for (const [f, statuses] of Object.entries(perFunction(m - back))) if (Object.values(statuses).some((c) => c > 0)) recent.add(f);
      for (const f of recent) {
        const key = `${edgeSeries.latencyP95Seconds5m}{function="${f}"}`;
        if (!latencies.has(key)) latencies.set(key, new Map());
        latencies.get(key)?.set((m * 60) / SM_STEP_SECONDS, HEALTHY_P95_SECONDS);
      }
    }
    return [...samples, ...latencies].map(([series, values]) => ({ series, values: sparseValues(values, (minutes * 60) / SM_STEP_SECONDS) }));
  };
  /** Everyday traffic per minute: the checks' own calls plus users, all answering 200. */
  const everyday = (): Traffic => ({
    [fn.vinDecode]: { "200": 24 },
    [fn.healthCheck]: { "200": 1 },
    [fn.emailDelivery]: { "200": 30 },
    [fn.pdfGeneration]: { "200": 12 },
  });
  const allOk: SmOutcome = () => true;
  const paging = `${settings.signals.pageEvaluationSeconds}s`;
  const T = 30;
  const list: Incident[] = [];
  const add = (i: Omit<Incident, "neverFires" | "neverSeverities" | "measure"> & Partial<Pick<Incident, "neverFires" | "neverSeverities" | "measure">>) =>
    list.push({ neverFires: [], neverSeverities: [], measure: [], ...i });

  // --- system completely down (P0) ---
  add({
    id: "total-outage",
    item: "systemDown",
    kind: "incident",
    title: "every edge function fails at every probe from minute T",
    startMinute: T,
    minutes: T + 20,
    input: [...sm(T + 20, (_j, _p, s) => s < T * 60), ...metrics(T + 20, healthy), ...drain(T + 20, everyday)],
    fires: [{ alert: "EdgeFunctionsDown", severity: "P0", byMinutes: settings.runbook.failureModes.systemDownDetectMinutes }],
    measure: ["EdgeFunctionsDown"],
    evaluationInterval: paging,
  });
  add({
    id: "email-only",
    item: "systemDown",
    kind: "near miss",
    title: "only test-email-integration fails (Resend's key revoked); PDF and VIN answer",
    startMinute: T,
    minutes: T + 30,
    input: [...sm(T + 30, (j, _p, s) => !(j === job.health && s >= T * 60)), ...metrics(T + 30, healthy), ...drain(T + 30, everyday)],
    fires: [{ alert: "EmailHealthCheckFailing", severity: "P1", byMinutes: 15 }],
    neverFires: ["EdgeFunctionsDown"],
    neverSeverities: ["P0"],
    measure: ["EmailHealthCheckFailing"],
  });
  add({
    id: "pdf-only",
    item: "pdf500s",
    kind: "near miss",
    title: "only generate-valuation-pdf fails; the health check and VIN answer",
    startMinute: T,
    minutes: T + 150,
    input: [...sm(T + 150, (j, _p, s) => !(j === job.pdf && s >= T * 60)), ...metrics(T + 150, healthy), ...drain(T + 150, everyday)],
    fires: [{ alert: "PdfGenerationCheckFailing", severity: "P1", byMinutes: 140 }],
    neverFires: ["EdgeFunctionsDown"],
    neverSeverities: ["P0"],
    measure: ["PdfGenerationCheckFailing"],
  });
  const [firstProbe] = settings.synthetics.probes;
  add({
    id: "one-probe-location",
    item: "systemDown",
    kind: "near miss",
    title: `the ${firstProbe} probe location fails every check; the others pass`,
    startMinute: T,
    minutes: T + 40,
    input: [...sm(T + 40, (_j, p, s) => !(p === firstProbe && s >= T * 60)), ...metrics(T + 40, healthy), ...drain(T + 40, everyday)],
    fires: [{ alert: "ProbeLocationFailing", severity: "P3", byMinutes: 30 }],
    neverSeverities: ["P0", "P1"],
    measure: ["ProbeLocationFailing"],
  });
  add({
    id: "stray-success",
    item: "systemDown",
    kind: "incident",
    title: "a total outage with one stray successful execution in the middle keeps firing, so it pages once",
    startMinute: T,
    minutes: T + 20,
    input: [...sm(T + 20, (j, p, s) => s < T * 60 || (j === job.health && p === firstProbe && s >= (T + 6) * 60 && s < (T + 8) * 60)), ...metrics(T + 20, healthy), ...drain(T + 20, everyday)],
    fires: [
      { alert: "EdgeFunctionsDown", severity: "P0", byMinutes: 3 },
      { alert: "EdgeFunctionsDown", severity: "P0", byMinutes: 8 },
      { alert: "EdgeFunctionsDown", severity: "P0", byMinutes: 10 },
    ],
  });

  // --- database ---
  add({
    id: "metrics-api-scrape-fails",
    item: "databaseDown",
    kind: "near miss",
    title: "the Metrics API scrape fails (a wrong key): no Supabase series at all, the product answers",
    startMinute: T,
    minutes: T + 30,
    input: [...sm(T + 30, allOk), ...metrics(T + 30, (m) => (m < T ? healthy() : undefined)), ...drain(T + 30, everyday)],
    fires: [{ alert: "MetricsApiSignalMissing", severity: "P2", byMinutes: 15 }],
    neverFires: ["DatabaseDown", "DatabaseUnreachable"],
    neverSeverities: ["P0", "P1"],
    measure: ["MetricsApiSignalMissing"],
  });
  add({
    id: "database-down",
    item: "databaseDown",
    kind: "incident",
    title: "the primary's Postgres stops while the Metrics API answers pg_up 0",
    startMinute: T,
    minutes: T + 15,
    input: [...sm(T + 15, allOk), ...metrics(T + 15, (m) => healthy().map((i) => (m >= T && i.identifier === ref ? { ...i, up: 0 } : i))), ...drain(T + 15, everyday)],
    fires: [{ alert: "DatabaseDown", severity: "P0", byMinutes: settings.runbook.failureModes.systemDownDetectMinutes }],
    measure: ["DatabaseDown"],
    evaluationInterval: paging,
  });
  const databaseJobs = new Set(settings.synthetics.databaseChecks.map((id) => checkJob(settings, id)));
  add({
    id: "database-gone",
    item: "databaseDown",
    kind: "incident",
    title: "the database instance is gone: the Metrics API goes silent and the functions that need the database fail; the rest answer",
    startMinute: T,
    minutes: T + 15,
    input: [
      ...sm(T + 15, (j, _p, s) => s < T * 60 || !databaseJobs.has(j)),
      ...metrics(T + 15, (m) => (m < T ? healthy() : undefined)),
      ...drain(T + 15, everyday),
    ],
    fires: [{ alert: "DatabaseUnreachable", severity: "P0", byMinutes: settings.runbook.failureModes.systemDownDetectMinutes }],
    neverFires: ["MetricsApiSignalMissing"],
    measure: ["DatabaseUnreachable"],
    evaluationInterval: paging,
  });
  add({
    id: "scrape-broken-then-vin-blip",
    item: "databaseDown",
    kind: "near miss",
    title: "the Metrics API scrape broke two hours ago (a rotated key, still unfixed); then one decode-vin run fails at every probe",
    startMinute: 120,
    minutes: 150,
    input: [
      ...sm(150, (j, _p, s) => !(j === job.vin && s >= 125 * 60 && s < 127 * 60)),
      ...metrics(150, (m) => (m < 5 ? healthy() : undefined)),
      ...drain(150, everyday),
    ],
    fires: [],
    neverFires: ["DatabaseUnreachable"],
    neverSeverities: ["P0"],
    evaluationInterval: paging,
  });
  add({
    id: "pg-up-one-zero",
    item: "databaseDown",
    kind: "near miss",
    title: "one scrape answers pg_up 0 (one failed connection attempt of the exporter), the next 1",
    startMinute: T,
    minutes: T + 15,
    input: [...sm(T + 15, allOk), ...metrics(T + 15, (m) => healthy().map((i) => (m === T && i.identifier === ref ? { ...i, up: 0 as const } : i))), ...drain(T + 15, everyday)],
    fires: [],
    neverFires: ["DatabaseDown"],
    neverSeverities: ["P0"],
    evaluationInterval: paging,
  });
  add({
    id: "probe-location-silent",
    item: "systemDown",
    kind: "incident",
    title: `the ${settings.synthetics.probes[1] ?? "second"} probe location stops reporting; then every function fails where the other still reports`,
    startMinute: T,
    minutes: T + 30,
    input: [
      // The second location publishes nothing from T; every function fails from T + 10 min.
      ...sm(T + 30, (_j, p, s) => (p === settings.synthetics.probes[1] && s >= T * 60 ? undefined : s < (T + 10) * 60)),
      ...metrics(T + 30, healthy),
      ...drain(T + 30, everyday),
    ],
    fires: [{ alert: "ProbeLocationSilent", severity: "P2", byMinutes: 15 }],
    measure: ["ProbeLocationSilent"],
  });
  add({
    id: "database-read-only",
    item: "databaseDown",
    kind: "incident",
    title: "Supabase puts the database in read-only mode; reads still answer",
    startMinute: T,
    minutes: T + 15,
    input: [...sm(T + 15, allOk), ...metrics(T + 15, (m) => healthy().map((i) => (m >= T && i.identifier === ref ? { ...i, readOnly: 1 as const } : i))), ...drain(T + 15, everyday)],
    fires: [{ alert: "DatabaseReadOnly", severity: "P1", byMinutes: 6 }],
    neverSeverities: ["P0"],
    measure: ["DatabaseReadOnly"],
  });
  add({
    id: "replica-down",
    item: "databaseDown",
    kind: "near miss",
    title: "only the read replica's Postgres stops",
    startMinute: T,
    minutes: T + 15,
    input: [...sm(T + 15, allOk), ...metrics(T + 15, (m) => healthy().map((i) => (m >= T && i.identifier !== ref ? { ...i, up: 0 } : i))), ...drain(T + 15, everyday)],
    fires: [],
    neverFires: ["DatabaseDown"],
  });
  const withConnections = (primaryShare: number, replicaShare: number) => (m: number) =>
    healthy().map((i) => {
      if (m < T) return i;
      const share = i.identifier === ref ? primaryShare : replicaShare;
      const total = Math.round(share * i.maxConnections);
      return { ...i, connections: { authenticator: total - 10, postgres: 6, supabase_admin: 4 } };
    });
  add({
    id: "connections-primary-high",
    item: "connections",
    kind: "incident",
    title: "the primary at 87 % of max_connections, split across usernames",
    startMinute: T,
    minutes: T + 20,
    input: [...metrics(T + 20, withConnections(0.87, 0.3)), ...sm(T + 20, allOk), ...drain(T + 20, everyday)],
    fires: [{ alert: "DatabaseConnectionsHigh", severity: "P2", byMinutes: 13 }],
    measure: ["DatabaseConnectionsHigh"],
  });
  add({
    id: "connections-spread",
    item: "connections",
    kind: "near miss",
    title: "the primary at 45 % and the replica at 40 %: 85 % only if wrongly summed",
    startMinute: T,
    minutes: T + 20,
    input: [...metrics(T + 20, withConnections(0.45, 0.4)), ...sm(T + 20, allOk), ...drain(T + 20, everyday)],
    fires: [],
    neverFires: ["DatabaseConnectionsHigh"],
  });
  const withDisk = (rootUsed: number, dataUsed: number) => (m: number) => healthy().map((i) => (m < T ? i : { ...i, rootUsed, dataUsed }));
  add({
    id: "data-disk-full",
    item: "databaseDisk",
    kind: "incident",
    title: "/data, where the database lives, at 86 %",
    startMinute: T,
    minutes: T + 40,
    input: [...metrics(T + 40, withDisk(0.5, 0.86)), ...sm(T + 40, allOk), ...drain(T + 40, everyday)],
    fires: [{ alert: "DatabaseDiskNearLimit", severity: "P3", byMinutes: 33 }],
    measure: ["DatabaseDiskNearLimit"],
  });
  add({
    id: "root-disk-full",
    item: "databaseDisk",
    kind: "near miss",
    title: "the root disk / at 95 % while /data is at 40 %: the root filesystem's P3, not the database disk's",
    startMinute: T,
    minutes: T + 40,
    input: [...metrics(T + 40, withDisk(0.95, 0.4)), ...sm(T + 40, allOk), ...drain(T + 40, everyday)],
    fires: [{ alert: "RootDiskNearFull", severity: "P3", byMinutes: 33 }],
    neverFires: ["DatabaseDiskNearLimit", "DatabaseDiskNearReadOnly"],
    measure: ["RootDiskNearFull"],
  });
  add({
    id: "data-disk-near-read-only",
    item: "databaseDisk",
    kind: "incident",
    title: `/data at ${settings.runbook.capacity.databaseDiskUrgentPercent + 2} %, read-only mode near`,
    startMinute: T,
    minutes: T + 40,
    input: [...metrics(T + 40, withDisk(0.5, (settings.runbook.capacity.databaseDiskUrgentPercent + 2) / 100)), ...sm(T + 40, allOk), ...drain(T + 40, everyday)],
    fires: [
      { alert: "DatabaseDiskNearReadOnly", severity: "P2", byMinutes: 18 },
      { alert: "DatabaseDiskNearLimit", severity: "P3", byMinutes: 33 },
    ],
    neverSeverities: ["P0", "P1"],
    measure: ["DatabaseDiskNearReadOnly"],
  });

  // --- error rates, steady ---
  const emailAt = (percent: number) => (m: number): Traffic => ({
    ...everyday(),
    [fn.emailDelivery]: m < sloMinutes ? { "200": 30 } : { "200": 30 * (1 - percent / 100), "500": 30 * (percent / 100) },
  });
  add({
    id: "email-failures-steady",
    item: "emailFailureRate",
    kind: "incident",
    title: "email failures held at 5 % (2.5x the runbook's 2 %) at 1,800 requests an hour",
    startMinute: sloMinutes,
    minutes: sloMinutes + 70,
    input: [...drain(sloMinutes + 70, emailAt(5)), ...sm(sloMinutes + 70, allOk), ...metrics(sloMinutes + 70, healthy)],
    fires: [{ alert: "EmailDeliveryErrorRateOverLimit", severity: "P2", byMinutes: 60 }],
    neverSeverities: ["P0"],
    measure: ["EmailDeliveryErrorRateOverLimit"],
  });
  add({
    id: "email-failures-at-limit",
    item: "emailFailureRate",
    kind: "near miss",
    title: "email failures held at the runbook's 1.9 %, just inside the limit",
    startMinute: sloMinutes,
    minutes: sloMinutes + 70,
    input: [...drain(sloMinutes + 70, emailAt(1.9)), ...sm(sloMinutes + 70, allOk), ...metrics(sloMinutes + 70, healthy)],
    fires: [],
    neverFires: ["EmailDeliveryErrorRateOverLimit"],
    neverSeverities: ["P0", "P1"],
  });

  // --- quiet and sparse: bursts, low volume, a drain that matches nothing ---
  const quiet = 80;
  const burst = (f: string, status: string) => (m: number): Traffic => {
    const rest = everyday();
    delete rest[f];
    return m === quiet ? { ...rest, [f]: { [status]: 3 } } : rest;
  };
  add({
    id: "pdf-500-burst",
    item: "pdf500s",
    kind: "near miss",
    title: `three PDF 500s in one minute after ${quiet} quiet minutes, then quiet again: recorded once, no stale marker`,
    startMinute: quiet,
    minutes: quiet + 30,
    input: [...drain(quiet + 30, burst(fn.pdfGeneration, "500")), ...sm(quiet + 30, allOk), ...metrics(quiet + 30, healthy)],
    fires: [],
    neverFires: ["PdfGenerationFailing"],
    neverSeverities: ["P0", "P1"],
  });
  add({
    id: "email-503-burst",
    item: "email503s",
    kind: "near miss",
    title: `three email 503s in one minute after ${quiet} quiet minutes, then quiet again`,
    startMinute: quiet,
    minutes: quiet + 30,
    input: [...drain(quiet + 30, burst(fn.emailDelivery, "503")), ...sm(quiet + 30, allOk), ...metrics(quiet + 30, healthy)],
    fires: [],
    neverFires: ["EmailEndpointsUnavailable"],
    neverSeverities: ["P0", "P1"],
  });
  // 20 emails an hour, one every third minute: the product's real volume.
  const everyThird = (m: number, statusAfter: string, from: number) => (m % 3 === 0 ? { [m >= from ? statusAfter : "200"]: 1 } : {});
  const lowVolume = (statusAfter: string, from: number) => (m: number): Traffic => ({ ...everyday(), [fn.emailDelivery]: everyThird(m, statusAfter, from) });
  add({
    id: "email-low-volume-failing",
    item: "emailFailureRate",
    kind: "incident",
    title: "send-valuation-email fails every request at 20 emails an hour, under every traffic guard",
    startMinute: sloMinutes,
    minutes: sloMinutes + 75,
    input: [...drain(sloMinutes + 75, lowVolume("500", sloMinutes)), ...sm(sloMinutes + 75, allOk), ...metrics(sloMinutes + 75, healthy)],
    fires: [{ alert: "EmailDeliveryFailingAtLowVolume", severity: "P1", byMinutes: 60 }],
    neverSeverities: ["P0"],
    measure: ["EmailDeliveryFailingAtLowVolume"],
  });
  add({
    id: "email-one-failure",
    item: "emailFailureRate",
    kind: "near miss",
    title: "one failed email at 3 a.m. among 20 an hour",
    startMinute: sloMinutes,
    minutes: sloMinutes + 75,
    input: [
      ...drain(sloMinutes + 75, (m) => ({ ...everyday(), [fn.emailDelivery]: m === sloMinutes + 3 ? { "500": 1 } : everyThird(m, "200", 0) })),
      ...sm(sloMinutes + 75, allOk),
      ...metrics(sloMinutes + 75, healthy),
    ],
    fires: [],
    neverSeverities: ["P0", "P1", "P2"],
  });
  add({
    id: "drain-matches-nothing",
    item: "monitoringConfigured",
    kind: "incident",
    title: "the drain's stream selector stops matching (a renamed service label): no request is recorded, the checks still run",
    startMinute: T,
    minutes: T + 25,
    input: [...drain(T + 25, (m) => (m < T ? everyday() : {})), ...sm(T + 25, allOk), ...metrics(T + 25, healthy)],
    fires: [{ alert: "LogDrainSignalMissing", severity: "P2", byMinutes: 10 }],
    neverSeverities: ["P0", "P1"],
    measure: ["LogDrainSignalMissing"],
  });

  // --- storage: our own PDF checks must not trip the storage alerts ---
  const limitMb = settings.runbook.capacity.storagePlanLimitGiB * 1024;
  const mbPerMinute = (pdfCheckStorage(settings).mibPerDay * 1.048576) / 1440;
  const storageDay = 26 * 60;
  add({
    id: "pdf-check-storage",
    item: "storageGrowth",
    kind: "near miss",
    title: `storage at 79 % of the plan, growing only by the PDF check's reports (${pdfCheckStorage(settings).mibPerDay.toFixed(1)} MiB a day)`,
    startMinute: 0,
    minutes: storageDay,
    interval: "1m",
    ruleFiles: ["storage.yml"],
    input: [{ series: `storage_storage_size_mb{supabase_project_ref="${ref}"}`, values: `${0.79 * limitMb}+${mbPerMinute}x${storageDay}` }],
    fires: [],
    neverFires: ["StorageFullWithinHorizon", "StorageNearPlanLimit"],
  });

  // --- a quiet first up ---
  add({
    id: "first-up-no-signal",
    item: "monitoringConfigured",
    kind: "near miss",
    title: "a first deploy: no series at all has arrived yet",
    startMinute: 0,
    minutes: 40,
    input: [{ series: "unrelated_series", values: `1+0x${(40 * 60) / SM_STEP_SECONDS}` }],
    fires: [
      { alert: "MetricsApiSignalMissing", severity: "P2", byMinutes: 25 },
      { alert: "ProbesSignalMissing", severity: "P2", byMinutes: 25 },
      { alert: "LogDrainSignalMissing", severity: "P2", byMinutes: 30 },
    ],
    neverSeverities: ["P0", "P1"],
  });
  return list;
}

const one = [{ labels: "{}", value: 1 }];
const none: { labels: string; value: number }[] = [];
const at = (minutes: number) => `${minutes}m`;

/** The promtool group asserting an incident's expectations. */
export function incidentTest(i: Incident): PromtoolTest {
  const all = i.minutes;
  const checks: PromtoolTest["promql_expr_test"] = [
    ...i.fires.map((f) => ({
      expr: `count(ALERTS{alertname="${f.alert}", alertstate="firing", severity="${f.severity}"})`,
      eval_time: at(i.startMinute + f.byMinutes),
      exp_samples: one,
    })),
    ...i.neverFires.map((name) => ({ expr: `count(count_over_time(ALERTS{alertname="${name}", alertstate="firing"}[${all}m]))`, eval_time: at(all), exp_samples: none })),
    ...i.neverSeverities.map((s) => ({ expr: `count(count_over_time(ALERTS{severity="${s}", alertstate="firing"}[${all}m]))`, eval_time: at(all), exp_samples: none })),
  ];
  return { name: `${i.kind}: ${i.id}: ${i.title}`, interval: i.interval ?? `${SM_STEP_SECONDS}s`, input_series: i.input, promql_expr_test: checks };
}

/** A deliberately unmatched expectation: promtool prints what it got, the first firing's timestamp. */
const SENTINEL = -1;
export function measureTest(i: Incident): PromtoolTest | undefined {
  if (i.measure.length === 0) return undefined;
  return {
    name: `measure: ${i.id}`,
    interval: i.interval ?? `${SM_STEP_SECONDS}s`,
    input_series: i.input,
    promql_expr_test: i.measure.map((alert) => ({
      expr: `min(min_over_time(timestamp(ALERTS{alertname="${alert}", alertstate="firing", ain_scenario!="${i.id}"})[${i.minutes}m:${i.evaluationInterval ?? "1m"}]))`,
      eval_time: at(i.minutes),
      exp_samples: [{ labels: "{}", value: SENTINEL }],
    })),
  };
}

/** Reads the first-firing timestamps out of promtool's report of the sentinel expectations. */
export function parseMeasurements(output: string): Map<string, number | undefined> {
  const found = new Map<string, number | undefined>();
  const re = /alertname=\\"([A-Za-z]+)\\", alertstate=\\"firing\\", ain_scenario!=\\"([a-z0-9-]+)\\"[^\n]*\n\s+exp:[^\n]*\n\s+got: (\[\]|\{\} ([-0-9.E+]+))/g;
  for (const m of output.matchAll(re)) found.set(`${m[2]}/${m[1]}`, m[4] === undefined ? undefined : Number(m[4]));
  return found;
}

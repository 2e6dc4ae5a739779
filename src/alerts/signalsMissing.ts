import { runbookSections } from "../config/runbookItems";
import { functionCheckIds } from "../synthetics/jobs";
import type { AlertContext } from "./context";
import { databaseChecksFailing, metricsApiAbsentSeconds } from "./database";
import { SYSTEM_DOWN_BELOW, systemDownSignal } from "./edgeFunctions";
import { bestLatestResult, latestExecutionWindowSeconds, reportingProbes, twoExecutionsWindowSeconds } from "./probes";
import { freshRecorded, probeMetrics, recordedWindow, series, supabaseMetrics } from "./signals";
import { duration } from "./evaluation";
import type { AlertSpec } from "./types";
import { alertNames, handle } from "./names";

/**
 * One alert per pipeline that feeds the rules: the Supabase Metrics API scrape, Synthetic
 * Monitoring's probes and the log drain. Each fires when its series go absent, and says which
 * pipeline and how to check it. They never page: a missing signal blinds the alerts that read it,
 * it does not take the product down. A pipeline that is silent because the system is down (every
 * system-down check failing) is not reported on top of the P0 that says so; with no signal at all,
 * as on a first deploy, each names what is missing.
 */
export function signalMissingAlerts(ctx: AlertContext): AlertSpec[] {
  const { settings, sel } = ctx;
  const down = systemDownSignal(ctx);
  const unlessSystemDown = ` unless on () (${bestLatestResult(sel, down.jobs, down.frequencySeconds)} < ${SYSTEM_DOWN_BELOW})`;
  const common = {
    area: "signals",
    covers: ["monitoringConfigured"],
    runbookSection: runbookSections.deploymentChecklist,
    severity: "P2",
    source: "prometheus",
    comparator: ">",
    threshold: 0,
    unit: "count",
    forSeconds: 10 * 60,
    noData: "OK",
    execError: "Error",
    stateReason: "The query answers only when the series are absent; an empty answer is the healthy state.",
  } as const;
  const latestByProbe = `max by (probe) (last_over_time(${series(probeMetrics.success, sel.probes(down.jobs))}[${duration(latestExecutionWindowSeconds(down.frequencySeconds))}]))`;
  const probeLocation: AlertSpec = {
    ...common,
    ...handle("probe-location-failing"),
    severity: "P3",
    severityReason: "One probe location fails every check while another passes: that location's network, not the product. The P0 needs every location, so the watch is weaker until it recovers; a weekly look.",
    // The worst location's best latest result: 0 when every system-down check failed there.
    value: `min(${latestByProbe})`,
    comparator: "<",
    threshold: SYSTEM_DOWN_BELOW,
    unit: "up",
    guard: {
      query: bestLatestResult(sel, down.jobs, down.frequencySeconds),
      min: SYSTEM_DOWN_BELOW,
      unit: "up",
      why: `when every location fails, it is the product, and ${alertNames["edge-functions-down"]} says so`,
    },
    forSeconds: 15 * 60,
    detection: { signal: "probe", checks: { ids: settings.synthetics.systemDownChecks, need: "all" }, fillSeconds: 0 },
    summary: "One Synthetic Monitoring probe location fails every check",
    description: `A probe location's best latest result of ${down.jobs.join(", ")} is {{value}} while another location passes. Check Synthetic Monitoring's probe status; consider another location in synthetics.probes.`,
  };
  const absentSeconds = metricsApiAbsentSeconds(settings.metricsScrape.intervalSeconds);
  const probeSilence = twoExecutionsWindowSeconds(down.frequencySeconds);
  // The function checks call the functions every few minutes: a working drain records their requests.
  const functionChecks = functionCheckIds.filter((id) => settings.synthetics.checks[id].enabled);
  const fastestCheckSeconds = Math.min(...functionChecks.map((id) => settings.synthetics.checks[id].frequencySeconds));
  const drainSilenceMinutes = Math.max(5, Math.ceil((2 * fastestCheckSeconds) / 60) + 1);
  const configured = settings.synthetics.probes.length;
  const probeSilent: AlertSpec = {
    ...common,
    ...handle("probe-location-silent"),
    severityReason: `${alertNames["edge-functions-down"]} needs the failure seen from ${Math.min(2, configured)} probe locations; with one silent it cannot page, though the product may be fine. A ticket for the day.`,
    // Configured locations that report none of the system-down checks: when all are silent, ProbesSignalMissing says so.
    value: `${configured} - ${reportingProbes(sel, down.jobs, down.frequencySeconds)}`,
    forSeconds: 10 * 60,
    detection: { signal: "probe", checks: { ids: settings.synthetics.systemDownChecks, need: "all" }, fillSeconds: 0, absentForSeconds: latestExecutionWindowSeconds(down.frequencySeconds) },
    summary: "A Synthetic Monitoring probe location has stopped reporting",
    description: `{{value}} of the ${configured} probe locations in synthetics.probes (${settings.synthetics.probes.join(", ")}) report no result of ${down.jobs.join(", ")}. Check the probe's status in Synthetic Monitoring, or choose another location.`,
  };
  return [
    probeLocation,
    probeSilent,
    {
      ...common,
      ...handle("signal-missing-metrics-api"),
      severityReason: "The database alerts are blind while every check that needs the database passes, so the database itself is fine: the scrape is broken (a rotated key, a moved endpoint). A ticket for the day, never a page.",
      value:
        `absent_over_time(${series(supabaseMetrics.databaseUp, sel.supabasePrimary)}[${absentSeconds}s])${unlessSystemDown}` +
        ` unless on () (${databaseChecksFailing(ctx)} < 1)`,
      forSeconds: 5 * 60,
      detection: { signal: "metrics-api", fillSeconds: 0, absentForSeconds: absentSeconds },
      summary: "No Supabase Metrics API series are arriving, and the database's functions answer",
      description: `pg_up of project ${settings.supabaseProjectRef} has not arrived for ${absentSeconds} s while the checks that need the database pass ({{value}} pipeline silent): the scrape is broken, not the database. Check the Metrics API scrape job in Grafana Cloud (Connections), then the service_role key it sends: curl -u service_role:<secret key> https://${settings.supabaseProjectRef}.supabase.co/customer/v1/privileged/metrics.`,
    },
    {
      ...common,
      ...handle("signal-missing-probes"),
      severityReason: `Synthetic Monitoring stopped reporting, so ${alertNames["edge-functions-down"]} cannot page: the product may be fine, the watch is not. A ticket for the day.`,
      // Not suppressed by the probes' own verdict: when they are silent there is none.
      value: `absent_over_time(${series(probeMetrics.success, sel.probes(down.jobs))}[${duration(probeSilence)}])`,
      detection: { signal: "probe", checks: { ids: settings.synthetics.systemDownChecks, need: "all" }, fillSeconds: 0, absentForSeconds: probeSilence },
      summary: "No Synthetic Monitoring results are arriving",
      description: `No probe_success of ${down.jobs.join(", ")} has arrived for two of their runs ({{value}} pipeline silent). Check the checks in Synthetic Monitoring (enabled, probes online) and the smAccessToken.`,
    },
    {
      ...common,
      ...handle("signal-missing-log-drain"),
      severityReason: "The error-rate, latency and status alerts read the drain; without it they are blind, though the product may be fine. A ticket for the day.",
      // The checks call the functions every few minutes, so a drain that matches is never silent
      // for two of their runs. Also when lines arrive without the execution-time field
      // (logDrain.executionTimeField): the latency series is then never recorded, and the latency
      // alerts would read "no data" as OK.
      value:
        `(absent_over_time(${sel.recorded.requestsPerMinute}[${recordedWindow(drainSilenceMinutes)}])` +
        ` or (absent_over_time(${sel.recorded.latencyP95Seconds5m}[${recordedWindow(drainSilenceMinutes)}]) and on () count(${freshRecorded(sel.recorded.requestsPerMinute)})))${unlessSystemDown}`,
      forSeconds: 2 * 60,
      detection: { signal: "edge-logs", fillSeconds: 0, absentForSeconds: drainSilenceMinutes * 60 },
      summary: "No edge-function logs, or no execution times in them, are arriving from the Supabase log drain",
      description: `Either no ${sel.recorded.requestsPerMinute} has been recorded for ${drainSilenceMinutes} minutes, although the synthetic checks call the functions every ${fastestCheckSeconds / 60} minutes, or requests are recorded but no ${sel.recorded.latencyP95Seconds5m} (the lines lack ${settings.logDrain.executionTimeField}) ({{value}} pipeline silent). Check the log drain in Supabase (Project Settings, Log Drains); then in Grafana Explore which service names arrive, sum by (service) (count_over_time({source="supabase"} [15m])), against logDrain.streamSelector ${settings.logDrain.streamSelector}; and the field on one line.`,
    },
  ];
}

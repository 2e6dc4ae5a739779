import { runbookSections } from "../config/runbookItems";
import type { AlertContext } from "./context";
import { SYSTEM_DOWN_BELOW, systemDownSignal } from "./edgeFunctions";
import { bestLatestResult, latestExecutionWindowSeconds, twoExecutionsWindowSeconds } from "./probes";
import { edgeSeries, probeMetrics, series, supabaseMetrics } from "./signals";
import { duration, type AlertSpec } from "./types";

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
    id: "probe-location-failing",
    name: "ProbeLocationFailing",
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
      why: "when every location fails, it is the product, and EdgeFunctionsDown says so",
    },
    forSeconds: 15 * 60,
    summary: "One Synthetic Monitoring probe location fails every check",
    description: `A probe location's best latest result of ${down.jobs.join(", ")} is {{value}} while another location passes. Check Synthetic Monitoring's probe status; consider another location in synthetics.probes.`,
  };
  return [
    probeLocation,
    {
      ...common,
      id: "signal-missing-metrics-api",
      name: "MetricsApiSignalMissing",
      severityReason: "The database alerts are blind, the database itself may be fine: a ticket for the day, never a page.",
      value: `absent_over_time(${series(supabaseMetrics.databaseUp, sel.supabasePrimary)}[10m])${unlessSystemDown}`,
      summary: "No Supabase Metrics API series are arriving",
      description: `pg_up of project ${settings.supabaseProjectRef} has not arrived for 10 minutes ({{value}} pipeline silent). Check the Metrics API scrape job in Grafana Cloud (Connections), then the service_role key it sends: curl -u service_role:<secret key> https://${settings.supabaseProjectRef}.supabase.co/customer/v1/privileged/metrics.`,
    },
    {
      ...common,
      id: "signal-missing-probes",
      name: "ProbesSignalMissing",
      severityReason: "Synthetic Monitoring stopped reporting, so EdgeFunctionsDown cannot page: the product may be fine, the watch is not. A ticket for the day.",
      // Not suppressed by the probes' own verdict: when they are silent there is none.
      value: `absent_over_time(${series(probeMetrics.success, sel.probes(down.jobs))}[${duration(twoExecutionsWindowSeconds(down.frequencySeconds))}])`,
      summary: "No Synthetic Monitoring results are arriving",
      description: `No probe_success of ${down.jobs.join(", ")} has arrived for two of their runs ({{value}} pipeline silent). Check the checks in Synthetic Monitoring (enabled, probes online) and the smAccessToken.`,
    },
    {
      ...common,
      id: "signal-missing-log-drain",
      name: "LogDrainSignalMissing",
      severityReason: "The error-rate, latency and status alerts read the drain; without it they are blind, though the product may be fine. A ticket for the day.",
      // The checks themselves call the functions every few minutes, so a working drain is never silent for long.
      // Also when lines arrive without the execution-time field (logDrain.executionTimeField): the
      // latency series is then never recorded, and six latency alerts would read "no data" as OK.
      value:
        `(absent_over_time(${edgeSeries.responsesRate5m}[15m])` +
        ` or (absent_over_time(${edgeSeries.latencyP95Seconds5m}[15m]) and on () count(last_over_time(${edgeSeries.responsesRate5m}[15m]))))${unlessSystemDown}`,
      summary: "No edge-function logs, or no execution times in them, are arriving from the Supabase log drain",
      description: `Either no ${edgeSeries.responsesRate5m} has been recorded for 15 minutes, although the synthetic checks call the functions every few minutes, or requests are recorded but no ${edgeSeries.latencyP95Seconds5m} (the lines lack ${settings.logDrain.executionTimeField}) ({{value}} pipeline silent). Check the log drain in Supabase (Project Settings, Log Drains), then in Grafana Explore: sum(count_over_time(${settings.logDrain.streamSelector} [15m])), and the field on one line.`,
    },
  ];
}

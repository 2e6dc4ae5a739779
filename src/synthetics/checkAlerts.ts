import { runbookUrl } from "../alerts/labels";
import type { Settings } from "../config/settings";
import type { CheckSpec } from "./checks";

/**
 * Synthetic Monitoring's per-check alerts, as plain data: the component registers them, and the
 * plan counts each as one Grafana-managed rule (SM writes them into the stack's rule table, where
 * Grafana Cloud's rule quota counts them).
 */

/** The periods Synthetic Monitoring's per-check alerts accept (provider docs: CheckAlertsAlert.period). */
export const SM_ALERT_PERIODS = [
  ["5m", 300],
  ["10m", 600],
  ["15m", 900],
  ["20m", 1200],
  ["30m", 1800],
  ["1h", 3600],
] as const;

/**
 * The shortest period holding at least two executions per probe: SM pushes one sample per
 * execution per probe, so a period of one frequency often holds a single sample, or none, and the
 * alert never has data. A check too slow for the longest period fails the plan, naming it.
 */
export function alertPeriodFor(spec: Pick<CheckSpec, "job" | "frequencyMs">): string {
  const needSeconds = (2 * spec.frequencyMs) / 1000;
  const period = SM_ALERT_PERIODS.find(([, seconds]) => seconds >= needSeconds);
  if (!period) throw new Error(`synthetics.checks: ${spec.job} runs every ${spec.frequencyMs / 1000} s; Synthetic Monitoring's longest alert period (1h) must hold two executions, so run it at least every 30 minutes`);
  return period[0];
}

/** Failed executions that make a pattern rather than a blip. */
export const FAILED_EXECUTIONS_THRESHOLD = 2;

/**
 * The period for SM's ProbeFailedExecutionsTooHigh, or undefined when none fits. SM counts failures
 * as `floor(increase(probe_all_success_count[p]) - increase(probe_all_success_sum[p]))`
 * (grafana/synthetic-monitoring-app AlertsPerCheck.constants.tsx), and increase() extrapolates the
 * samples' span to the whole period: with n executions per probe in it, one failure counts about
 * n/(n-1). With two per probe a single blip counts 2 and fires; from four on (at most 4/3) one
 * failure stays 1 and two make 2. A check too slow for four runs in SM's longest period (1h) gets
 * no such alert: its own Grafana rule (e.g. PdfGenerationCheckFailing) watches it instead.
 */
export function failedExecutionsPeriodFor(spec: Pick<CheckSpec, "frequencyMs">): string | undefined {
  const needSeconds = (4 * spec.frequencyMs) / 1000;
  return SM_ALERT_PERIODS.find(([, seconds]) => seconds >= needSeconds)?.[0];
}

/** Per-check alerts Synthetic Monitoring evaluates itself. */
export function checkAlerts(spec: CheckSpec, settings: Settings) {
  const url = runbookUrl(settings, spec.runbookSection);
  const period = alertPeriodFor(spec);
  const failedPeriod = failedExecutionsPeriodFor(spec);
  const alerts = [
    ...(failedPeriod ? [{ name: "ProbeFailedExecutionsTooHigh", threshold: FAILED_EXECUTIONS_THRESHOLD, period: failedPeriod, runbookUrl: url }] : []),
    // The runbook's latency budget, in milliseconds, averaged over a period holding two runs per probe (an average does not extrapolate).
    { name: "HTTPRequestDurationTooHighAvg", threshold: spec.budgetMs, period, runbookUrl: url },
  ];
  // The certificate alert takes no period: SM's rule catalogue keys it on "" (terraform-provider-grafana
  // internal/resources/syntheticmonitoring/resource_check_alerts_test.go checks `alerts.1.period = ""`).
  if (spec.url.startsWith("https://")) alerts.push({ name: "TLSTargetCertificateCloseToExpiring", threshold: 14, period: "", runbookUrl: url });
  return alerts;
}


/**
 * Whether this stack gives its checks SM's per-check alerts. Those alerts are rules SM owns: they
 * carry no per-rule notification settings, only the check's labels (as `label_<k>`), so only the
 * org's notification policy tree can route them. A stack that owns the tree routes them to its own
 * people by check name and `label_severity` (src/escalation/policy.ts); any other stack's would
 * fall to whoever owns the org's tree, so it makes none. Its own rules still watch its checks
 * (the *CheckFailing and *LatencyOverBudget rules read the same probe series).
 */
export const makesCheckAlerts = (settings: Pick<Settings, "ownsNotificationPolicy" | "synthetics">): boolean => settings.synthetics.enabled && settings.ownsNotificationPolicy;

/** The per-check alerts this stack registers, each one rule in the Grafana stack's rule table. */
export function checkAlertRuleCount(settings: Settings, specs: CheckSpec[]): number {
  return makesCheckAlerts(settings) ? specs.reduce((n, spec) => n + checkAlerts(spec, settings).length, 0) : 0;
}

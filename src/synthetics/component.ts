import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { runbookUrl } from "../alerts/catalog";
import type { Settings } from "../config/load";
import { checkSpecs, type CheckSpec } from "./checks";
import { probeIds, recordedList, recordedProbeIds, sortedByName, PROBE_IDS_OUTPUT, type ProbeIdSource } from "./probes";


export interface SyntheticChecksArgs {
  settings: Settings;
  /** Where this run takes probe ids from: SM's API in the deploy job, the last deploy's record in a preview. */
  probeIdSource: ProbeIdSource;
}

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

/** Maps the check specs onto Synthetic Monitoring checks and their alerts. */
export class SyntheticChecks extends pulumi.ComponentResource {
  readonly checks: grafana.syntheticmonitoring.Check[];
  /** Synthetic Monitoring's probe list, name to id: the deploy exports it for the next preview. */
  readonly probeIds: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: SyntheticChecksArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:synthetics:SyntheticChecks", name, {}, opts);
    const { settings } = args;
    const child = { parent: this };
    const specs = checkSpecs(settings);
    let idsFor: (names: string[]) => pulumi.Input<pulumi.Input<number>[]>;
    if (args.probeIdSource === "synthetic-monitoring") {
      const listed = grafana.syntheticmonitoring.getProbesOutput({}, child).probes;
      idsFor = (names) => listed.apply((byName) => probeIds(byName, names));
      this.probeIds = listed.apply(sortedByName);
    } else {
      // A stack may read its own last outputs: Pulumi's builtin provider reads any stack's outputs
      // (pkg/resource/deploy/builtins.go, readStackReference), and read steps run in previews too.
      const self = new pulumi.StackReference(`${name}-last-deploy`, { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` }, child);
      const recorded = self.getOutput(PROBE_IDS_OUTPUT);
      idsFor = (names) => recorded.apply((r: unknown) => recordedProbeIds(r, names));
      this.probeIds = recorded.apply(recordedList);
    }
    this.checks = specs.map((spec) => {
      const ids = idsFor(spec.probes);
      const check = new grafana.syntheticmonitoring.Check(
        spec.job,
        {
          job: spec.job,
          target: spec.url,
          enabled: spec.enabled,
          frequency: spec.frequencyMs,
          timeout: spec.timeoutMs,
          probes: ids,
          labels: spec.labels,
          settings: {
            http: {
              method: spec.method,
              headers: Object.entries(spec.headers).map(([k, v]) => `${k}: ${v}`),
              body: spec.body,
              bearerToken: spec.authenticated ? settings.secrets.functionsAuthToken : undefined,
              validStatusCodes: spec.validStatusCodes,
              failIfBodyNotMatchesRegexps: spec.bodyMustMatch,
              failIfNotSsl: spec.url.startsWith("https://"),
              // A redirect would carry the bearer token to wherever it points: authenticated checks stop at the first response.
              noFollowRedirects: spec.authenticated,
              ipVersion: "V4",
            },
          },
        },
        child,
      );
      new grafana.syntheticmonitoring.CheckAlerts(`${spec.job}-alerts`, { checkId: check.id.apply(Number), alerts: checkAlerts(spec, settings) }, child);
      return check;
    });
    this.registerOutputs({ jobs: this.checks.map((c) => c.job), probeIds: this.probeIds });
  }
}

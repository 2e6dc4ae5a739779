import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { runbookUrl } from "../alerts/catalog";
import type { Settings } from "../config/load";
import { checkSpecs, type CheckSpec } from "./checks";

export interface SyntheticChecksArgs {
  settings: Settings;
}

/** Per-check alerts Synthetic Monitoring evaluates itself; the period is one of SM's fixed values. */
export function checkAlerts(spec: CheckSpec, settings: Settings) {
  const url = runbookUrl(settings, spec.runbookSection);
  const alerts = [
    // Two failed executions in 10 minutes: one is a blip at one probe, two is a pattern.
    { name: "ProbeFailedExecutionsTooHigh", threshold: 2, period: "10m", runbookUrl: url },
    // The runbook's latency budget, in milliseconds, averaged over 10 minutes.
    { name: "HTTPRequestDurationTooHighAvg", threshold: spec.budgetMs, period: "10m", runbookUrl: url },
  ];
  if (spec.url.startsWith("https://")) alerts.push({ name: "TLSTargetCertificateCloseToExpiring", threshold: 14, period: "1h", runbookUrl: url });
  return alerts;
}

/** Probe ids for probe names; an unknown name fails the preview with the names that exist. */
export function probeIds(byName: Record<string, number>, wanted: string[]): number[] {
  return wanted.map((p) => {
    const id = byName[p];
    if (id === undefined) throw new Error(`synthetics.probes: no probe named '${p}'; known: ${Object.keys(byName).sort().join(", ")}`);
    return id;
  });
}

/** Maps the check specs onto Synthetic Monitoring checks and their alerts. */
export class SyntheticChecks extends pulumi.ComponentResource {
  readonly checks: grafana.syntheticmonitoring.Check[];

  constructor(name: string, args: SyntheticChecksArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:synthetics:SyntheticChecks", name, {}, opts);
    const { settings } = args;
    const child = { parent: this };
    const probes = grafana.syntheticmonitoring.getProbesOutput({}, child).probes;
    this.checks = checkSpecs(settings).map((spec) => {
      const ids = probes.apply((byName) => probeIds(byName, spec.probes));
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
    this.registerOutputs({ jobs: this.checks.map((c) => c.job) });
  }
}

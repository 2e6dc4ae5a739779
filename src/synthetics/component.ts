import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { Settings } from "../config/settings";
import { checkSpecs } from "./checks";
import { checkAlerts, makesCheckAlerts } from "./checkAlerts";

export { alertPeriodFor, checkAlerts, FAILED_EXECUTIONS_THRESHOLD, failedExecutionsPeriodFor, SM_ALERT_PERIODS } from "./checkAlerts";
import { probeIds, recordedList, recordedProbeIds, sortedByName, PROBE_IDS_OUTPUT, type ProbeIdSource } from "./probeIds";


export interface SyntheticChecksArgs {
  settings: Settings;
  /** Where this run takes probe ids from: SM's API in the deploy job, the last deploy's record in a preview. */
  probeIdSource: ProbeIdSource;
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
      // Only where the org's tree routes them to this stack's people (checkAlerts.ts, makesCheckAlerts).
      if (makesCheckAlerts(settings)) {
        new grafana.syntheticmonitoring.CheckAlerts(`${spec.job}-alerts`, { checkId: check.id.apply(Number), alerts: checkAlerts(spec, settings) }, child);
      }
      return check;
    });
    this.registerOutputs({ jobs: this.checks.map((c) => c.job), probeIds: this.probeIds });
  }
}

import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { Settings } from "../config/load";
import { PAGING_SIGNATURE_HEADER, PAGING_TIMESTAMP_HEADER } from "../paging/verify";
import { contactChain, contactPoints, DEFAULT_GROUP_BY, MAINTENANCE_MUTE_TIMING, severityRoutes } from "./policy";

export interface EscalationArgs {
  settings: Settings;
  /** Signs the paging webhook's requests (HMAC); rotated by the delivery component. */
  webhookSigningSecret?: pulumi.Input<string>;
}

/**
 * Contact points, the one notification policy, the maintenance mute timing and, with IRM on, the
 * runbook's contact chain as an escalation chain. Severity decides the route.
 */
export class Escalation extends pulumi.ComponentResource {
  readonly contactPoints: grafana.alerting.ContactPoint[];
  readonly policy: grafana.alerting.NotificationPolicy;
  readonly irmIntegration?: grafana.oncall.Integration;

  constructor(name: string, args: EscalationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:escalation:Escalation", name, {}, opts);
    const { settings } = args;
    const child = { parent: this };

    if (settings.paging.irm) this.irmIntegration = this.irmChain(settings);

    const muteTiming = new grafana.alerting.MuteTiming(
      MAINTENANCE_MUTE_TIMING,
      {
        name: MAINTENANCE_MUTE_TIMING,
        intervals: [
          {
            weekdays: settings.maintenance.weekdays,
            times: [{ start: settings.maintenance.start, end: settings.maintenance.end }],
            location: "UTC",
          },
        ],
      },
      child,
    );

    this.contactPoints = contactPoints(settings).map((point) => {
      const pagers = new Set(point.pagers);
      return new grafana.alerting.ContactPoint(
        point.name,
        {
          name: point.name,
          emails: [{ addresses: point.emails, singleEmail: true, subject: `[{{ .CommonLabels.severity }}] {{ .CommonLabels.alertname }}` }],
          oncalls: pagers.has("irm") && this.irmIntegration ? [{ url: this.irmIntegration.link }] : undefined,
          webhooks:
            pagers.has("webhook") && settings.secrets.pagingWebhookUrl
              ? [
                  {
                    url: settings.secrets.pagingWebhookUrl,
                    // Grafana signs hex(HMAC-SHA256(secret, "<unix seconds>:" + body)) and sends the
                    // seconds in the timestamp header (grafana/alerting http/hmac.go), so the
                    // receiver can refuse a replayed page (src/paging/verify.ts).
                    hmacConfig: args.webhookSigningSecret
                      ? { secret: pulumi.secret(args.webhookSigningSecret), header: PAGING_SIGNATURE_HEADER, timestampHeader: PAGING_TIMESTAMP_HEADER }
                      : undefined,
                  },
                ]
              : undefined,
          pagerduties:
            pagers.has("pagerduty") && settings.secrets.pagerdutyIntegrationKey
              ? [{ integrationKey: settings.secrets.pagerdutyIntegrationKey, severity: point.severities.includes("P0") ? "critical" : "error" }]
              : undefined,
        },
        child,
      );
    });

    const routes = severityRoutes(settings);
    this.policy = new grafana.alerting.NotificationPolicy(
      "ain-notification-policy",
      {
        // Anything without a severity label still reaches a person, in working hours.
        contactPoint: routes.find((r) => r.severity === "P2")?.contactPoint ?? "ain-p2-medium",
        groupBies: DEFAULT_GROUP_BY,
        policies: routes.map((r) => ({
          matchers: [{ label: "severity", match: "=", value: r.severity }],
          contactPoint: r.contactPoint,
          groupBies: r.groupBy,
          groupWait: r.groupWait,
          groupInterval: r.groupInterval,
          repeatInterval: r.repeatInterval,
          muteTimings: r.muteTimings.length > 0 ? r.muteTimings : undefined,
        })),
      },
      { parent: this, dependsOn: [...this.contactPoints, muteTiming] },
    );
    this.registerOutputs({ contactPoints: this.contactPoints.map((c) => c.name) });
  }

  /** The runbook's contact chain as an IRM escalation chain, fed by a Grafana Alerting integration. */
  private irmChain(settings: Settings): grafana.oncall.Integration {
    const child = { parent: this };
    const chain = new grafana.oncall.EscalationChain("ain-contact-chain", { name: "AIN runbook contact chain" }, child);
    let position = 0;
    let waited = 0;
    for (const step of contactChain(settings)) {
      const person = settings.contacts[step.who];
      if (step.afterMinutes > waited) {
        new grafana.oncall.Escalation(
          `ain-chain-wait-${position}`,
          { escalationChainId: chain.id, type: "wait", duration: (step.afterMinutes - waited) * 60, position: position++ },
          child,
        );
        waited = step.afterMinutes;
      }
      // External support is a vendor, not an IRM user: the product owner opens that ticket.
      if (!("irmUsername" in person) || !person.irmUsername) continue;
      const user = grafana.oncall.getUserOutput({ username: person.irmUsername }, child);
      new grafana.oncall.Escalation(
        `ain-chain-${step.who}`,
        { escalationChainId: chain.id, type: "notify_persons", personsToNotifies: [user.id], position: position++, important: step.who === "onCallEngineer" },
        child,
      );
    }
    return new grafana.oncall.Integration(
      "ain-alerting",
      { name: "AIN Grafana Alerting", type: "grafana_alerting", defaultRoute: { escalationChainId: chain.id } },
      child,
    );
  }
}

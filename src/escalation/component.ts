import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { Settings } from "../config/settings";
import type { Severity } from "../config/runbook";
import {
  contactChain,
  contactPoints,
  DEFAULT_GROUP_BY,
  externalSupportLine,
  maintenanceMuteTiming,
  severityRoutes,
  stepGroupWaitSeconds,
  type ContactPointSpec,
} from "./policy";
import { promDuration } from "./durations";
import { emailSubject } from "./subject";
import { PAGING_SIGNATURE_HEADER, PAGING_TIMESTAMP_HEADER } from "../paging/verify";

export interface EscalationArgs {
  settings: Settings;
  /** Signs the paging webhook's requests (HMAC); rotated by the delivery component. */
  webhookSigningSecret?: pulumi.Input<string>;
}

/**
 * Contact points, the maintenance mute timing, the notification policy when the stack owns the
 * org's tree and, with IRM on, the runbook's contact chain per severity as IRM escalation chains.
 * Severity decides the route; `policy.ts` decides everything else.
 */
export class Escalation extends pulumi.ComponentResource {
  readonly contactPoints: grafana.alerting.ContactPoint[];
  readonly muteTiming: grafana.alerting.MuteTiming;
  readonly policy?: grafana.alerting.NotificationPolicy;
  readonly irmIntegrations: Partial<Record<Severity, grafana.oncall.Integration>> = {};

  constructor(name: string, args: EscalationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:escalation:Escalation", name, {}, opts);
    const { settings } = args;
    const child = { parent: this };

    if (settings.paging.irm) {
      this.irmIntegrations.P0 = this.irmChain(settings, "P0");
      this.irmIntegrations.P1 = this.irmChain(settings, "P1");
    }

    this.muteTiming = new grafana.alerting.MuteTiming(
      "ain-planned-maintenance",
      {
        name: maintenanceMuteTiming(settings),
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

    this.contactPoints = contactPoints(settings).map((point) => this.contactPoint(point, settings, args.webhookSigningSecret));

    if (settings.ownsNotificationPolicy) {
      const routes = severityRoutes(settings);
      this.policy = new grafana.alerting.NotificationPolicy(
        "ain-notification-policy",
        {
          // Anything without a severity label still reaches a person, in working hours.
          contactPoint: routes.find((r) => r.severity === "P2")?.steps[0].contactPoint ?? "",
          groupBies: DEFAULT_GROUP_BY,
          policies: routes.flatMap((r) =>
            r.matchers.map((matchers) => ({
              matchers,
              contactPoint: r.steps[0].contactPoint,
              groupBies: r.groupBy,
              groupInterval: r.groupInterval,
              repeatInterval: r.repeatInterval,
              // Each step matches everything its severity holds; `continue` lets the next one wait its turn.
              policies: r.steps.map((step, i) => ({
                contactPoint: step.contactPoint,
                groupBies: i > 0 ? r.laterStepsGroupBy : undefined,
                groupWait: promDuration(stepGroupWaitSeconds(step)),
                // Mute timings are not inherited by nested policies: each step carries them.
                muteTimings: r.muteTimings.length > 0 ? r.muteTimings : undefined,
                continue: i < r.steps.length - 1 ? true : undefined,
              })),
            })),
          ),
        },
        { parent: this, dependsOn: [...this.contactPoints, this.muteTiming] },
      );
    }
    this.registerOutputs({ contactPoints: this.contactPoints.map((c) => c.name) });
  }

  private contactPoint(point: ContactPointSpec, settings: Settings, signingSecret: pulumi.Input<string> | undefined): grafana.alerting.ContactPoint {
    const pagers = new Set(point.pagers);
    const support = point.externalSupport ? externalSupportLine(settings) : undefined;
    // Grafana's default body, then the vendor contact the runbook names for P0 and P1.
    const message = support ? `{{ template "default.message" . }}\n\n${support}` : undefined;
    const irm = this.irmIntegrations[point.severity];
    return new grafana.alerting.ContactPoint(
      point.name,
      {
        name: point.name,
        emails: [{ addresses: point.emails, singleEmail: true, subject: emailSubject(settings.identity), message }],
        oncalls: pagers.has("irm") && irm ? [{ url: irm.link }] : undefined,
        webhooks:
          pagers.has("webhook") && settings.secrets.pagingWebhookUrl
            ? [
                {
                  url: settings.secrets.pagingWebhookUrl,
                  message,
                  // Grafana signs hex(HMAC-SHA256(secret, "<unix seconds>:" + body)) and sends the
                  // seconds in the timestamp header (grafana/alerting http/hmac.go), so the
                  // receiver can refuse a replayed page (src/paging/verify.ts).
                  hmacConfig: signingSecret ? { secret: pulumi.secret(signingSecret), header: PAGING_SIGNATURE_HEADER, timestampHeader: PAGING_TIMESTAMP_HEADER } : undefined,
                },
              ]
            : undefined,
        pagerduties:
          pagers.has("pagerduty") && settings.secrets.pagerdutyIntegrationKey
            ? [
                {
                  integrationKey: settings.secrets.pagerdutyIntegrationKey,
                  severity: point.severity === "P0" ? "critical" : "error",
                  details: support ? { external_support: support } : undefined,
                },
              ]
            : undefined,
      },
      { parent: this },
    );
  }

  /**
   * One severity's contact chain as an IRM escalation chain, fed by its own Grafana Alerting
   * integration: with acknowledgements, "no response" means nobody acknowledged.
   */
  private irmChain(settings: Settings, severity: "P0" | "P1"): grafana.oncall.Integration {
    const child = { parent: this };
    const prefix = `ain-${severity.toLowerCase()}`;
    const chain = new grafana.oncall.EscalationChain(`${prefix}-contact-chain`, { name: settings.identity.title(`AIN ${severity} runbook contact chain`) }, child);
    let position = 0;
    let waited = 0;
    for (const step of contactChain(settings, severity)) {
      const person = settings.contacts[step.who];
      if (step.afterMinutes > waited) {
        new grafana.oncall.Escalation(
          `${prefix}-chain-wait-${position}`,
          { escalationChainId: chain.id, type: "wait", duration: (step.afterMinutes - waited) * 60, position: position++ },
          child,
        );
        waited = step.afterMinutes;
      }
      if (!person.irmUsername) continue;
      const user = grafana.oncall.getUserOutput({ username: person.irmUsername }, child);
      new grafana.oncall.Escalation(
        `${prefix}-chain-${step.who}`,
        { escalationChainId: chain.id, type: "notify_persons", personsToNotifies: [user.id], position: position++, important: severity === "P0" },
        child,
      );
    }
    return new grafana.oncall.Integration(
      `${prefix}-alerting`,
      { name: settings.identity.title(`AIN Grafana Alerting ${severity}`), type: "grafana_alerting", defaultRoute: { escalationChainId: chain.id } },
      child,
    );
  }
}

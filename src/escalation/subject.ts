import type { Identity } from "../config/identity";

/**
 * The notification email's subject, as a Grafana (and Alertmanager) template: the severity, then
 * every alert name in the notification, each once, then the stack for a non-prod stack.
 *
 * P0 and P1 group a whole outage by severity (policy.ts, OUTAGE_GROUP_BY), so two rules firing
 * together have no common `alertname`: a subject of `.CommonLabels.alertname` would be `[P0] `.
 * The names are gathered from the group's alerts instead, skipping repeats (one rule's alerts for
 * several functions share a name). Synthetic Monitoring's per-check alerts carry no `severity`,
 * only the check's own labels as `label_<k>` (grafana/synthetic-monitoring-app
 * alertRoutingUtils.ts), so the check's severity label stands in for it.
 *
 * Only Go's template builtins and Alertmanager's `match` are used: both Grafana's notifier and a
 * real Alertmanager render it (test/escalation/alertmanager.test.ts reads the subject a real
 * Alertmanager sends over SMTP).
 */
export const SEVERITY_TEMPLATE = `{{ or .CommonLabels.severity .CommonLabels.label_severity "no severity" }}`;

/** Every alertname of the notification, once each, comma separated, in the order the alerts come. */
export const ALERT_NAMES_TEMPLATE =
  `{{ $names := "" }}{{ range .Alerts }}{{ if not (match (printf "(^|, )%s(, |$)" .Labels.alertname) $names) }}` +
  `{{ if $names }}{{ $names = printf "%s, %s" $names .Labels.alertname }}{{ else }}{{ $names = .Labels.alertname }}{{ end }}{{ end }}{{ end }}{{ $names }}`;

export function emailSubject(identity: Pick<Identity, "title">): string {
  return identity.title(`{{ if eq .Status "resolved" }}RESOLVED {{ end }}[${SEVERITY_TEMPLATE}] ${ALERT_NAMES_TEMPLATE}`);
}

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

/**
 * Gathers every alertname of the notification into `$names`, once each, comma separated, in the
 * order the alerts come: an alert is named unless an earlier alert of the group has the same name.
 * Compared with `eq`, not as a pattern: a non-prod rule's name ends in "(staging)", whose
 * parentheses a regex reads as a group (its repeats were all named).
 */
const GATHER_ALERT_NAMES =
  `{{ $names := "" }}{{ range $i, $a := .Alerts }}{{ $seen := false }}{{ range $j, $b := $.Alerts }}{{ if and (lt $j $i) (eq $b.Labels.alertname $a.Labels.alertname) }}{{ $seen = true }}{{ end }}{{ end }}` +
  `{{ if not $seen }}{{ if $names }}{{ $names = printf "%s, %s" $names $a.Labels.alertname }}{{ else }}{{ $names = $a.Labels.alertname }}{{ end }}{{ end }}{{ end }}`;

/** Every alertname of the notification, once each, comma separated. */
export const ALERT_NAMES_TEMPLATE = `${GATHER_ALERT_NAMES}{{ $names }}`;

/**
 * The subject. A non-prod stack's rules already end in "(stack)" (their titles are the alertnames),
 * so the stack is added only when no name carries it: Synthetic Monitoring's per-check alerts,
 * whose names are SM's own.
 */
export function emailSubject(identity: Pick<Identity, "title">): string {
  const head = `{{ if eq .Status "resolved" }}RESOLVED {{ end }}[${SEVERITY_TEMPLATE}] ${GATHER_ALERT_NAMES}{{ $names }}`;
  const suffix = identity.title("");
  if (suffix === "") return head;
  // In a Go raw string (backquotes) the pattern's backslashes reach the regex engine as written.
  const pattern = suffix.trim().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return `${head}{{ if not (match \`${pattern}\` $names) }}${suffix}{{ end }}`;
}

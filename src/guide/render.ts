import { alertCatalog } from "../alerts/decorate";
import { detectionText, humanDuration, signalOf, type SignalKind } from "../alerts/detection";
import { clocksOf } from "../alerts/timing";
import { FIRST_STEP_GROUP_WAIT_SECONDS } from "../escalation/waits";
import type { DecoratedAlert } from "../alerts/types";
import type { Settings } from "../config/settings";
import { githubAnchor, runbookFirstSteps, runbookItems, type RunbookItemId } from "../config/runbookItems";
import { dashboardCatalog } from "../dashboards/all";
import type { BuiltDashboard } from "../dashboards/compose";
import { contactChain, contactPoints, severityRoutes } from "../escalation/policy";
import { panelUrl } from "../grafana/urls";
import { checkSpecs, type CheckSpec } from "../synthetics/checks";
import { alertAnchor } from "./anchors";

/**
 * The alert response guide, docs/alerts.md: one entry per alert, written from data only (the alert
 * specs, the runbook items and first steps, the dashboards, the checks and the escalation policy),
 * so that it regenerates after any change to them without hand edits. `npm run docs` writes it; a
 * test fails when it is stale.
 */

const COMPARATOR_WORDS = { ">": "above", ">=": "at or above", "<": "below" } as const;
const UNIT_WORDS: Record<DecoratedAlert["unit"], string> = {
  seconds: "s",
  percent: "%",
  ratio: "(share of 1)",
  count: "",
  "per-hour": "per hour",
  "burn-rate": "times the sustainable burn rate",
  up: "(1 is up)",
  days: "days",
};
const SIGNAL_WORDS: Record<SignalKind, string> = {
  probe: "Synthetic Monitoring's probe results (probe_success), pushed once per execution per probe location",
  "edge-logs": "the edge-function logs from the Supabase log drain, recorded into series each minute",
  "metrics-api": "the Supabase Metrics API, scraped every minute",
  sql: "a live SQL query through the read-only PostgreSQL data source, at each evaluation",
  clock: "the rule engine's clock against the date recorded in config",
};

const words = (camel: string) => camel.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).trim().replace(/^on call\b/, "on-call");
const minutes = (seconds: number) => (seconds < 60 ? `${seconds} s` : humanDuration(seconds));
const value = (n: number, unit: DecoratedAlert["unit"]) => `${n}${UNIT_WORDS[unit] ? ` ${UNIT_WORDS[unit]}` : ""}`;
const runbookLink = (settings: Settings, section: string) => `[${section}](${settings.runbookUrl}#${githubAnchor(section)})`;

interface PanelRef {
  dashboard: BuiltDashboard;
  title: string;
}

function findPanel(dashboards: readonly BuiltDashboard[], uid: string, panelId: number): PanelRef | undefined {
  const dashboard = dashboards.find((d) => d.uid === uid);
  if (!dashboard) return undefined;
  type PanelLike = { id?: number; title?: string; panels?: PanelLike[] };
  const search = (panels: PanelLike[] | undefined): PanelLike | undefined => {
    for (const p of panels ?? []) {
      if (p.id === panelId) return p;
      const inner = search(p.panels);
      if (inner) return inner;
    }
    return undefined;
  };
  const panel = search(dashboard.model.panels as PanelLike[]);
  return panel ? { dashboard, title: panel.title ?? `panel ${panelId}` } : undefined;
}

function routing(settings: Settings, alert: DecoratedAlert): string[] {
  const route = severityRoutes(settings).find((r) => r.severity === alert.severity);
  if (!route) return [`No route for ${alert.severity}: the escalation policy must name one.`];
  const points = contactPoints(settings);
  const lines = route.steps.map((step) => {
    const point = points.find((p) => p.name === step.contactPoint);
    const pagers = point && point.pagers.length > 0 ? ` and paged through ${point.pagers.join(", ")}` : "";
    const when = step.afterMinutes === 0 ? `After the route's ${FIRST_STEP_GROUP_WAIT_SECONDS[step.severity]} s gathering wait` : `If still firing after ${step.afterMinutes} min`;
    return `${when}: the ${step.people.map(words).join(" and the ")}, by email${pagers} (contact point \`${step.contactPoint}\`). ${step.why}`;
  });
  lines.push(
    `Grouped by ${route.groupBy.join(", ")}, repeated every ${route.repeatInterval} while it fires; ${route.muteTimings.length > 0 ? `muted during planned maintenance (${settings.maintenance.weekdays.join(", ")} ${settings.maintenance.start}-${settings.maintenance.end} UTC)` : "never muted"}. ${route.why}`,
  );
  if (settings.paging.irm && (alert.severity === "P0" || alert.severity === "P1")) {
    const chain = contactChain(settings, alert.severity)
      .slice(1)
      .map((step) => `${words(step.who)} after ${step.afterMinutes} min`)
      .join(", then ");
    lines.push(`With IRM, unacknowledged, it escalates along the runbook's contact chain: ${chain}.`);
  }
  return lines;
}

function checksFor(checks: CheckSpec[], covers: readonly RunbookItemId[]): CheckSpec[] {
  return checks.filter((c) => c.enabled && c.covers.some((id) => covers.includes(id)));
}

export function alertEntry(settings: Settings, alert: DecoratedAlert, dashboards: readonly BuiltDashboard[], checks: CheckSpec[]): string[] {
  const severity = settings.runbook.severities[alert.severity];
  const respond = severity.responseMinutes === 0 ? "immediately" : `within ${humanDuration(severity.responseMinutes * 60)}`;
  const signal = signalOf(alert);
  const panel = alert.panel ? findPanel(dashboards, alert.panel.dashboardUid, alert.panel.panelId) : undefined;
  const watching = checksFor(checks, alert.covers);
  const out = [
    `## ${alert.name}`,
    "",
    `**${alert.severity} · ${severity.meaning}** (respond ${respond}) · area \`${alert.area}\` · rule uid \`${alert.uid}\``,
    "",
    "**What it means.** " + `${alert.summary}. ${alert.description.replace(/\{\{value\}\}/g, "*the current value*")}`,
    "",
    `**Signal and threshold.** Fires when the value is ${COMPARATOR_WORDS[alert.comparator]} **${value(alert.threshold, alert.unit)}** ${alert.forSeconds === 0 ? "on the first evaluation that sees it (no pending period)" : `for ${minutes(alert.forSeconds)}`}, from ${SIGNAL_WORDS[signal]}. Time to page: ${detectionText(clocksOf(settings), alert)}.`,
    "",
    "```" + (alert.source === "postgres" ? "sql" : "promql"),
    alert.value.trim(),
    "```",
    "",
  ];
  if (alert.guard) out.push(`Only while ${alert.guard.why} (at least ${value(alert.guard.min, alert.guard.unit)}).`, "");
  out.push(
    `If the signal goes silent, the rule goes to **${alert.noData}**: ${alert.stateReason}`,
    "",
    `**Why ${alert.severity}.** ${alert.severityReason} The runbook's ${alert.severity} covers: ${severity.examples}.`,
    "",
    `**First steps** (runbook § ${runbookLink(settings, alert.runbookSection)}):`,
    "",
    ...runbookFirstSteps[alert.runbookSection].map((step, i) => `${i + 1}. ${step}`),
    "",
    `The runbook items this alert watches: ${alert.covers.map((id) => `${runbookLink(settings, runbookItems[id].section)}: "${runbookItems[id].says}"`).join("; ")}.`,
    "",
    `**Dashboard panel.** ${panel && alert.panel ? `[${panel.dashboard.title} › ${panel.title}](${panelUrl(settings.grafanaUrl, panel.dashboard.uid, panel.dashboard.title, alert.panel.panelId)})` : "None draws this alert's value; the folder's alert list shows it."}`,
    "",
    `**Synthetic check.** ${
      watching.length > 0
        ? watching.map((c) => `\`${c.job}\` (${c.method} ${c.url}, every ${c.frequencyMs / 60_000} min from ${c.probes.join(", ")})`).join("; ") +
          `. Run it from here: \`npm run checks -- --only ${watching.map((c) => c.job).join(",")}\`.`
        : "None watches this directly; the signal above is the only source."
    }`,
    "",
    "**Routing.** " + routing(settings, alert).join(" "),
    "",
  );
  return out;
}

export function alertGuideMarkdown(settings: Settings, dashboards: readonly BuiltDashboard[] = dashboardCatalog(settings)): string {
  const alerts = alertCatalog(settings, dashboards);
  const checks = checkSpecs(settings);
  const lines = [
    "# Alert response guide",
    "",
    "<!-- Generated by `npm run regenerate` from the alert specs (src/alerts), the runbook items (src/config/runbookItems.ts), the dashboards, the checks and the escalation policy. Do not edit by hand: a test fails when this file is stale. -->",
    "",
    `One entry per alert of the \`${settings.stack}\` stack: what it means, the signal and threshold, why its severity, the first steps, where to look and who is told. Every alert's \`runbook_url\` points at its entry here; each entry links the section of the team's runbook it stands for.`,
    "",
    "| alert | severity | area | fires when |",
    "|---|---|---|---|",
    ...alerts.map((a) => `| [${a.name}](#${alertAnchor(a.name)}) | ${a.severity} | ${a.area} | ${COMPARATOR_WORDS[a.comparator]} ${value(a.threshold, a.unit)} for ${minutes(a.forSeconds)} |`),
    "",
  ];
  for (const alert of alerts) lines.push(...alertEntry(settings, alert, dashboards, checks));
  return lines.join("\n").replace(/\n+$/, "\n");
}

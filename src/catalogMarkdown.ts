import { alertCatalog } from "./alerts/decorate";
import { quotasOf } from "./config/budgets";
import { makesCheckAlerts } from "./synthetics/checkAlerts";
import { detectionText, humanDuration, measuredTimeToDetect, signalOf } from "./alerts/detection";
import { clocksOf, worstCaseToPage } from "./alerts/timing";
import { FIRST_STEP_GROUP_WAIT_SECONDS } from "./escalation/waits";
import type { DecoratedAlert } from "./alerts/types";
import type { Settings } from "./config/settings";
import { githubAnchor, runbookItems, type RunbookItemId } from "./config/runbookItems";
import { checkSpecs, monthlyExecutions, pdfCheckStorage } from "./synthetics/checks";
import { contactChain, enabledPagers, externalSupportLine, severityRoutes } from "./escalation/policy";
import { dashboardCatalog } from "./dashboards/all";
import type { BuiltDashboard } from "./dashboards/compose";
import { panelUrl } from "./grafana/urls";
import { alertGuideLink } from "./guide/anchors";

/**
 * out/<stack>/catalog.md: one row per runbook threshold or failure mode, with the rules that
 * catch it, their severity and why, and how long detection takes. The on-call engineer's map.
 */
export function uncoveredRunbookItems(alerts: DecoratedAlert[]): RunbookItemId[] {
  const covered = new Set(alerts.flatMap((a) => a.covers));
  return (Object.keys(runbookItems) as RunbookItemId[]).filter((id) => !covered.has(id));
}

/** Absolute, from grafanaUrl, so the link works from GitHub as well as from inside Grafana. */
const panelLink = (settings: Settings, dashboards: readonly BuiltDashboard[], a: DecoratedAlert) => {
  const d = a.panel && dashboards.find((x) => x.uid === a.panel?.dashboardUid);
  return a.panel && d ? `[${d.uid} #${a.panel.panelId}](${panelUrl(settings.grafanaUrl, d.uid, d.title, a.panel.panelId)})` : "";
};
/** A runbook section, linked by its own heading: the link text and the anchor come from the same string. */
const sectionLink = (settings: Settings, section: string) => `[${cell(section)}](${settings.runbookUrl}#${githubAnchor(section)})`;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function catalogMarkdown(settings: Settings, dashboards: readonly BuiltDashboard[] = dashboardCatalog(settings)): string {
  const alerts = alertCatalog(settings, dashboards);
  const lines = [
    `# Monitoring catalog: ${settings.stack}`,
    "",
    "Generated from the runbook model by `npm run plan`. Every threshold and failure mode of the runbook, and what catches it. Each rule links its entry in the alert response guide; each section links the team's runbook.",
    "Time to detect, two ways. *Measured*: promtool runs each incident scenario of test/alerts/incidents.ts on these rule files, with series shaped like the producers' (Synthetic Monitoring executions per probe off the evaluation grid, the Metrics API scraped once a minute, the log drain's recorded series), and records when the alert first fires after the incident starts (src/alerts/measured.ts); alerts without an incident scenario are measured on their threshold fixture (marked *threshold*). *Worst case*: the bound from this configuration's clocks, each in its worst phase, up to the notification leaving Grafana: the signal (a check's frequency and timeout, a scrape, a drain minute, plus signals.arrivalDelaySeconds), the query's window, one evaluation, the `for` and the route's gathering wait (src/alerts/timing.ts). The plan refuses a configuration whose P0s cannot page within runbook.failureModes.systemDownDetectMinutes. A bound holds under the condition it states (a total failure, a given volume); a partial failure takes longer, as the measured scenarios show.",
    "",
    "| runbook section | the runbook says | rule | severity | why this severity | for | time to detect | source | dashboard panel | synthetic check | no data |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  const checks = checkSpecs(settings);
  const clocks = clocksOf(settings);
  for (const [id, item] of Object.entries(runbookItems) as [RunbookItemId, (typeof runbookItems)[RunbookItemId]][]) {
    const watching = checks.filter((c) => c.covers.includes(id)).map((c) => `\`${c.job}\``).join(", ");
    for (const a of alerts.filter((x) => x.covers.includes(id))) {
      lines.push(
        `| ${sectionLink(settings, item.section)} | ${cell(item.says)} | [\`${a.name}\`](${alertGuideLink(settings, a)}) ${a.comparator} ${a.threshold} (${a.unit}) | ${a.severity} | ${cell(a.severityReason)} | ${Math.round(a.forSeconds / 60)} min | ${detectionText(clocks, a)} | ${signalOf(a)} | ${panelLink(settings, dashboards, a)} | ${watching} | ${a.noData}: ${cell(a.stateReason)} |`,
      );
    }
  }
  lines.push("", "## Time to page, by severity", "", "| severity | rules | fastest measured | slowest measured | slowest worst case | the runbook's response |", "|---|---|---|---|---|---|");
  for (const severity of ["P0", "P1", "P2", "P3"] as const) {
    const of = alerts.filter((a) => a.severity === severity);
    if (of.length === 0) continue;
    const measured = of.map((a) => measuredTimeToDetect(a.name)?.seconds).filter((s): s is number => s !== undefined);
    const worst = Math.max(...of.map((a) => worstCaseToPage(clocks, a).totalSeconds));
    const response = settings.runbook.severities[severity].responseMinutes;
    const answer = severity === "P0" ? `immediate: paged within ${settings.runbook.failureModes.systemDownDetectMinutes} min` : `within ${humanDuration(response * 60)}`;
    const range = measured.length > 0 ? [humanDuration(Math.min(...measured)), humanDuration(Math.max(...measured))] : ["", ""];
    lines.push(`| ${severity} | ${of.length} | ${range[0]} | ${range[1]} | ${humanDuration(worst)} | ${answer} |`);
  }
  lines.push(
    "",
    "## Who is reached, when",
    "",
    settings.paging.irm
      ? "IRM is on: P0 and P1 reach the on-call engineer through IRM, and IRM escalates when nobody acknowledges."
      : "Without IRM nobody can acknowledge an email, so \"no response\" means the alert is still firing when the step's time comes; an alert resolved before then reaches nobody further.",
    "",
    "| severity | after | who | contact point | pages | grouped by | repeat | muted in maintenance | why |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  const people = settings.contacts;
  for (const r of severityRoutes(settings)) {
    for (const step of r.steps) {
      const who = step.people.map((p) => `${people[p].name} (${people[p].email})`).join(", ");
      lines.push(
        `| ${r.severity} | ${step.afterMinutes === 0 ? `after a ${FIRST_STEP_GROUP_WAIT_SECONDS[r.severity]} s gathering wait` : `${step.afterMinutes} min still firing`} | ${cell(who)} | ${step.contactPoint} | ${step.pages && enabledPagers(settings).length > 0 ? enabledPagers(settings).join(", ") : "email"} | ${r.groupBy.join(", ")} | ${r.repeatInterval} | ${r.muteTimings.length > 0 ? "yes" : "no"} | ${cell(step.why)} |`,
      );
    }
  }
  if (settings.paging.irm) {
    for (const severity of ["P0", "P1"] as const) {
      lines.push("", `IRM chain for ${severity}: ` + contactChain(settings, severity).map((s) => `${people[s.who].name} ${s.afterMinutes === 0 ? "first" : `after ${s.afterMinutes} min unacknowledged`}`).join(", then ") + ".");
    }
  }
  lines.push("", `Every P0 and P1 notification ends with: ${externalSupportLine(settings)}.`);
  lines.push(
    "",
    "## Synthetic checks",
    "",
    makesCheckAlerts(settings)
      ? "Synthetic Monitoring's own per-check alerts (ProbeFailedExecutionsTooHigh, HTTPRequestDurationTooHighAvg) use the shortest period holding two executions per probe; the time to detect below is two runs of the check. The rules above measure their own."
      : "This stack makes no Synthetic Monitoring per-check alerts: they cannot name a contact point, and only the owner of the org's notification policy tree could route them to this stack's people. The rules above watch the checks.",
    "",
    "| check (job) | target | every | probes | executions / month | budget | timeout | time to detect | runbook |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const c of checks) {
    const perProbeInterval = c.frequencyMs / 60_000;
    const ttd = Math.max(1, Math.ceil((2 * perProbeInterval) / c.probes.length));
    lines.push(
      `| ${cell(c.title)} (\`${c.job}\`) | ${c.method} ${c.url} | ${perProbeInterval} min | ${c.probes.join(", ")} | ${monthlyExecutions([c]).toLocaleString("en-US")} | ${c.budgetMs} ms | ${c.timeoutMs} ms | ${ttd} min | ${sectionLink(settings, c.runbookSection)} |`,
    );
  }
  lines.push("", `Total: ${monthlyExecutions(checkSpecs(settings)).toLocaleString("en-US")} executions a month, budget ${quotasOf(settings).smExecutionsPerMonth.toLocaleString("en-US")}. The budget is the account's (grafanaCloud.plan ${settings.grafanaCloud.plan}), shared with every stack in it: \`npm run plan\` sums them.`);
  const storage = pdfCheckStorage(settings);
  if (storage.reportsPerMonth > 0) {
    lines.push(
      "",
      `Storage the checks add: the PDF check generates a real report on every run, ${storage.reportsPerMonth.toLocaleString("en-US")} a month in the "PDF Valuation Reports" bucket, about ${Math.round(storage.mibPerMonth).toLocaleString("en-US")} MiB a month at ${settings.synthetics.pdfCheckReportKiB} KiB each (synthetics.pdfCheckReportKiB, an estimate to confirm). Clean them up with the runbook's "PDF Files: Implement cleanup for old files"; the storage alerts do not fire on this growth alone (test/alerts/incidents.ts, pdf-check-storage).`,
    );
  }
  const missing = uncoveredRunbookItems(alerts);
  if (missing.length > 0) lines.push("", `**Not covered:** ${missing.join(", ")}`);
  return lines.join("\n") + "\n";
}

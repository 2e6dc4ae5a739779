import { lokiRuleFiles, prometheusRuleFiles } from "./alerts/render/prometheus";
import { catalogMarkdown } from "./catalogMarkdown";
import { dashboardCatalog, dashboardJson } from "./dashboards/all";
import type { Settings } from "./config/settings";
import { alertmanagerConfig } from "./escalation/alertmanager";
import { blackboxConfig, probeTargets } from "./synthetics/blackbox";
import { now } from "./rotation/clock";
import { externalKeyStatus, rotationPeriod } from "./rotation/periods";
import { checkSpecs, monthlyExecutions } from "./synthetics/checks";
import { budgetLines, fleetWarnings, readFleet, stackUsage } from "./config/budgets";
import { projectDir } from "./projectDir";
import { makesCheckAlerts } from "./synthetics/checkAlerts";
import { alertCatalog } from "./alerts/decorate";
import { severityNames } from "./config/runbook";
import { dashboardUrl } from "./grafana/urls";
import { GUIDE_PATH } from "./guide/anchors";
import { alertGuideMarkdown } from "./guide/render";
import { credentials, pulumiOidcPolicies } from "./github/credentials";
import { rotationAdvice, type ExternalKey } from "./rotation/advice";
import { credentialsTable, reach } from "./github/reach";
import { readDelivery } from "./github/delivery";

/**
 * Every file the plan writes besides plan.json, keyed by its path under out/<stack>/. Pure: the
 * same settings give the same bytes. Built from plain settings only, so no secret can reach them.
 */
export function renderArtifacts(settings: Settings): Map<string, string> {
  const files = new Map<string, string>();
  const dashboards = dashboardCatalog(settings);
  for (const [name, text] of prometheusRuleFiles(settings, dashboards)) files.set(`prometheus/${name}`, text);
  for (const [name, text] of lokiRuleFiles(settings)) files.set(`loki/${name}`, text);
  for (const d of dashboards) files.set(`dashboards/${d.uid}.json`, dashboardJson(d));
  files.set("alertmanager/routing.yml", alertmanagerConfig(settings));
  const checks = checkSpecs(settings);
  files.set("synthetics/blackbox.yml", blackboxConfig(checks));
  files.set("synthetics/targets.json", JSON.stringify(probeTargets(checks), null, 2) + "\n");
  files.set("catalog.md", catalogMarkdown(settings, dashboards));
  files.set("alerts.md", alertGuideMarkdown(settings, dashboards));
  // Who holds which credential, and the OIDC rules the bootstrap registers in Pulumi Cloud.
  const delivery = readDelivery(projectDir());
  files.set("delivery/credentials.md", credentialsTable(reach(settings, delivery)));
  files.set("delivery/pulumi-oidc-policies.json", JSON.stringify(pulumiOidcPolicies(settings, delivery), null, 2) + "\n");
  return files;
}

/** Lines the plan prints after the resource tree: what costs money, and what needs a person. */
export function planNotes(settings: Settings): string[] {
  const notes: string[] = [];
  const fleet = readFleet(projectDir(), settings);
  notes.push(...budgetLines(settings, fleet), ...fleetWarnings(settings, fleet));
  if (!settings.synthetics.enabled) notes.push("Synthetic Monitoring: off (synthetics.enabled is false)");
  else if (!makesCheckAlerts(settings)) {
    notes.push(
      `Synthetic Monitoring's per-check alerts: none in this stack. They cannot name a contact point, and this stack does not own the org's notification policy tree (notificationPolicyOwner), so they would reach whoever does; this stack's own rules watch its checks.`,
    );
  }

  const at = now();
  const rotation = settings.rotation;
  notes.push(`\nGenerated secrets rotate every ${rotation.every}: this period is ${rotationPeriod(at, rotation.every)}${rotation.rotateNow ? `, rotateNow '${rotation.rotateNow}'` : ""}.`);
  const keys = externalKeyStatus(rotation, at);
  if (keys.length === 0) notes.push("External keys: no rotation dates in rotation.lastRotated, so none can be reminded of.");
  for (const k of keys) {
    notes.push(`${k.due ? "warning: " : "         "}${k.key.padEnd(22)} last rotated ${k.lastRotated} (${k.ageDays} days ago)${k.due ? ": due" : ""}`);
  }
  const due = keys.filter((k) => k.due);
  if (due.length > 0) {
    const today = at.toISOString().slice(0, 10);
    // Each key's home comes from the credentials model, the table docs/delivery.md and the environments are rendered from.
    const list = credentials(settings, readDelivery(projectDir()));
    notes.push(...rotationAdvice(settings, list, due.map((k) => k.key as ExternalKey), today));
  }
  return notes;
}

/** Where the plan's files are, relative to the project, for the summary. */
export interface PlanPlaces {
  outDir: string;
}

/** The closing summary of a plan: what the stack watches, what it costs, and where to read more. */
export function planSummary(settings: Settings, places: PlanPlaces): string[] {
  const dashboards = dashboardCatalog(settings);
  const alerts = alertCatalog(settings, dashboards);
  const bySeverity = severityNames.map((s) => `${alerts.filter((a) => a.severity === s).length} ${s}`).join(", ");
  const checks = checkSpecs(settings).filter((c) => c.enabled);
  const usage = stackUsage(settings);
  return [
    "",
    "Summary",
    `  Alert rules:   ${alerts.length} (${bySeverity}); ${usage.rules.total} rules in the Grafana stack's rule table from this stack (${usage.rules.recording} recording, ${usage.rules.companions} escalation companions, ${usage.rules.smCheckAlerts} SM per-check alerts)`,
    `  Dashboards:    ${dashboards.length}, e.g. ${dashboardUrl(settings.grafanaUrl, dashboards[0].uid, dashboards[0].title)}`,
    settings.synthetics.enabled
      ? `  Checks:        ${checks.length} (${checks.map((c) => c.job).join(", ")}), ${monthlyExecutions(checks).toLocaleString("en-US")} executions a month (the account's budget: see Grafana Cloud budgets above)`
      : `  Checks:        off (synthetics.enabled is false); 'npm run checks' still runs ${checks.length} from here`,
    `  Catalog:       ${places.outDir}/catalog.md (every runbook threshold and what catches it)`,
    settings.alertGuideUrl
      ? `  Alert guide:   ${GUIDE_PATH}, rendered at ${settings.alertGuideUrl} (this stack's copy: ${places.outDir}/alerts.md)`
      : `  Alert guide:   ${places.outDir}/alerts.md; alerts link the runbook directly until alertGuideUrl (or github.owner) says where the guide is rendered`,
  ];
}

import { lokiRuleFiles, prometheusRuleFiles } from "./alerts/render/prometheus";
import { catalogMarkdown } from "./catalog";
import { dashboardCatalog, dashboardJson } from "./dashboards/catalog";
import type { Settings } from "./config/load";
import { alertmanagerConfig } from "./escalation/alertmanager";

/**
 * Every file the plan writes besides plan.json, keyed by its path under out/<stack>/. Pure: the
 * same settings give the same bytes. Built from plain settings only, so no secret can reach them.
 */
export function renderArtifacts(settings: Settings): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, text] of prometheusRuleFiles(settings)) files.set(`prometheus/${name}`, text);
  for (const [name, text] of lokiRuleFiles(settings)) files.set(`loki/${name}`, text);
  for (const d of dashboardCatalog(settings)) files.set(`dashboards/${d.uid}.json`, dashboardJson(d));
  files.set("alertmanager/routing.yml", alertmanagerConfig(settings));
  files.set("catalog.md", catalogMarkdown(settings));
  return files;
}

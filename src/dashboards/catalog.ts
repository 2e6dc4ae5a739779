import type { Settings } from "../config/load";
import { dashboardContext } from "./common";
import type { BuiltDashboard } from "./compose";
import { databaseDashboard } from "./database";
import { emailPdfDashboard } from "./emailPdf";
import { overviewDashboard } from "./overview";
import { reviewsDashboard } from "./reviews";
import { sharingTokensDashboard } from "./sharingTokens";
import { storageDashboard } from "./storage";

/** Every dashboard, in a stable order. */
export function dashboardCatalog(settings: Settings): BuiltDashboard[] {
  const ctx = dashboardContext(settings);
  return [overviewDashboard(ctx), databaseDashboard(ctx), storageDashboard(ctx), emailPdfDashboard(ctx), sharingTokensDashboard(ctx), reviewsDashboard(ctx)];
}

/**
 * Where each alert is drawn. An alert shown on several dashboards points at the first one in
 * catalog order, so the Overview wins.
 */
export function alertPlacements(settings: Settings): Record<string, { dashboardUid: string; panelId: number }> {
  const placements: Record<string, { dashboardUid: string; panelId: number }> = {};
  for (const d of dashboardCatalog(settings)) {
    for (const [alertId, panelId] of Object.entries(d.alertPanels)) placements[alertId] ??= { dashboardUid: d.uid, panelId };
  }
  return placements;
}

/** Dashboard JSON as deployed and as written to out/: stable key order from the SDK, two-space indent. */
export const dashboardJson = (d: BuiltDashboard): string => JSON.stringify(d.model, null, 2) + "\n";

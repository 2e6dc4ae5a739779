import type { Settings } from "../config/settings";
import { dashboardContext } from "./common";
import type { BuiltDashboard } from "./compose";
import { databaseDashboard } from "./database";
import { emailPdfDashboard } from "./emailPdf";
import { overviewDashboard } from "./overview";
import { productDashboard } from "./product";
import { reviewsDashboard } from "./reviews";
import { sharingTokensDashboard } from "./sharingTokens";
import { storageDashboard } from "./storage";

/** Every dashboard, in a stable order. */
export function dashboardCatalog(settings: Settings): BuiltDashboard[] {
  const ctx = dashboardContext(settings);
  return [overviewDashboard(ctx), databaseDashboard(ctx), storageDashboard(ctx), emailPdfDashboard(ctx), sharingTokensDashboard(ctx), reviewsDashboard(ctx), productDashboard(ctx)];
}

/**
 * Where each alert is drawn. An alert points at its home panel (a time series with the threshold
 * line, where its state changes show) on the first dashboard in catalog order that has one, so
 * the Overview wins; an alert with no home anywhere points at the first panel that draws it.
 */
export function alertPlacements(catalog: readonly BuiltDashboard[]): Record<string, { dashboardUid: string; panelId: number }> {
  const placements: Record<string, { dashboardUid: string; panelId: number }> = {};
  for (const d of catalog) {
    for (const alertId of d.homeAlerts) placements[alertId] ??= { dashboardUid: d.uid, panelId: d.alertPanels[alertId] };
  }
  for (const d of catalog) {
    for (const [alertId, panelId] of Object.entries(d.alertPanels)) placements[alertId] ??= { dashboardUid: d.uid, panelId };
  }
  return placements;
}

/** Dashboard JSON as deployed and as written to out/: stable key order from the SDK, two-space indent. */
export const dashboardJson = (d: BuiltDashboard): string => JSON.stringify(d.model, null, 2) + "\n";

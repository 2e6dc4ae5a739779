import type { Settings } from "../config/settings";
import { dashboardContext } from "./common";
import type { AlertId } from "../alerts/names";
import type { AlertSpec } from "../alerts/types";
import type { BuiltDashboard } from "./compose";

type PanelRef = NonNullable<AlertSpec["panel"]>;
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
export function alertPlacements(catalog: readonly BuiltDashboard[]): Map<AlertId, PanelRef> {
  const placements = new Map<AlertId, PanelRef>();
  const place = (alertId: AlertId, dashboardUid: string, panelId: number | undefined) => {
    if (panelId !== undefined && !placements.has(alertId)) placements.set(alertId, { dashboardUid, panelId });
  };
  for (const d of catalog) for (const alertId of d.homeAlerts) place(alertId, d.uid, d.alertPanels.get(alertId));
  for (const d of catalog) for (const [alertId, panelId] of d.alertPanels) place(alertId, d.uid, panelId);
  return placements;
}

/** Dashboard JSON as deployed and as written to out/: stable key order from the SDK, two-space indent. */
export const dashboardJson = (d: BuiltDashboard): string => JSON.stringify(d.model, null, 2) + "\n";

import type { Settings } from "../config/settings";
import { alertPlacements, dashboardCatalog } from "../dashboards/all";
import type { BuiltDashboard } from "../dashboards/compose";
import { alertGuideLink } from "../guide/anchors";
import { alertSpecs } from "./specs";
import { COMMON_LABELS } from "./labels";
import type { AlertSpec, DecoratedAlert } from "./types";

/** Grafana refuses uids longer than this. */
export const MAX_UID_LENGTH = 40;

/**
 * The cross-cutting concerns, applied to every rule in one place: uid, severity and common labels,
 * the runbook link and the dashboard panel. Area files never set these themselves.
 */
export function decorate(spec: AlertSpec, settings: Settings): DecoratedAlert {
  const uid = settings.identity.uid(spec.id);
  if (uid.length > MAX_UID_LENGTH) throw new Error(`alert ${spec.name}: uid ${uid} is longer than Grafana's ${MAX_UID_LENGTH} characters`);
  const annotations: Record<string, string> = {
    summary: spec.summary,
    description: spec.description,
    // The alert's own entry in the response guide, which links the team's runbook section.
    runbook_url: alertGuideLink(settings, spec),
  };
  if (spec.panel) {
    annotations.__dashboardUid__ = spec.panel.dashboardUid;
    annotations.__panelId__ = String(spec.panel.panelId);
  }
  return {
    ...spec,
    uid,
    labels: { ...COMMON_LABELS, area: spec.area, severity: spec.severity },
    annotations,
  };
}

/**
 * Every alert, decorated, each pointing at the dashboard panel that draws its value. Placing the
 * alerts is the last linking step: the dashboards are built from the alert specs (never from this
 * catalog), then each alert is pointed at its panel. Pass the dashboards when they are built
 * already, so one run builds them once.
 */
export function alertCatalog(settings: Settings, dashboards: readonly BuiltDashboard[] = dashboardCatalog(settings)): DecoratedAlert[] {
  const placements = alertPlacements(dashboards);
  return alertSpecs(settings).map((spec) => decorate({ ...spec, panel: placements.get(spec.id) ?? spec.panel }, settings));
}

import type { Settings } from "../config/load";
import { githubAnchor } from "../config/runbookItems";
import { alertPlacements } from "../dashboards/catalog";
import { alertGuideLink } from "../guide/anchors";
import { alertSpecs } from "./specs";
import type { AlertSpec, DecoratedAlert } from "./types";

/** Grafana refuses uids longer than this. */
export const MAX_UID_LENGTH = 40;

/** The labels every rule carries, for routing and for finding the rule's owner. */
export const COMMON_LABELS = { team: "ain", service: "ain-mvp" } as const;

export const runbookUrl = (settings: Pick<Settings, "runbookUrl">, section: string): string => `${settings.runbookUrl}#${githubAnchor(section)}`;

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

/** Every alert, decorated, each pointing at the dashboard panel that draws its value. */
export function alertCatalog(settings: Settings): DecoratedAlert[] {
  const placements = alertPlacements(settings);
  return alertSpecs(settings).map((spec) => decorate({ ...spec, panel: placements[spec.id] ?? spec.panel }, settings));
}

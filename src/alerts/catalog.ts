import type { Settings } from "../config/load";
import { githubAnchor } from "../config/runbookItems";
import { databaseAlerts } from "./database";
import { alertContext, type AlertContext } from "./context";
import { edgeFunctionAlerts, overallSlo } from "./edgeFunctions";
import { emailAlerts, emailSlo } from "./email";
import { pdfAlerts, pdfSlo } from "./pdf";
import { sharingTokenAlerts } from "./sharingTokens";
import type { Slo } from "./slo";
import { storageAlerts } from "./storage";
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
  const uid = `ain-${spec.id}`;
  if (uid.length > MAX_UID_LENGTH) throw new Error(`alert ${spec.name}: uid ${uid} is longer than Grafana's ${MAX_UID_LENGTH} characters`);
  const annotations: Record<string, string> = {
    summary: spec.summary,
    description: spec.description,
    runbook_url: runbookUrl(settings, spec.runbookSection),
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

export const sloCatalog = (ctx: AlertContext): Slo[] => [overallSlo(ctx), emailSlo(ctx), pdfSlo(ctx)];

/** Every alert of the runbook, decorated, in a stable order: by area file, then as declared. */
export function alertCatalog(settings: Settings): DecoratedAlert[] {
  const ctx = alertContext(settings);
  const specs = [
    ...edgeFunctionAlerts(ctx),
    ...emailAlerts(ctx),
    ...pdfAlerts(ctx),
    ...databaseAlerts(ctx),
    ...storageAlerts(ctx),
    ...sharingTokenAlerts(ctx),
  ];
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.id)) throw new Error(`two alerts share the id ${spec.id}`);
    seen.add(spec.id);
  }
  return specs.map((spec) => decorate(spec, settings));
}

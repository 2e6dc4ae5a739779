import type { Settings } from "../config/settings";
import { githubAnchor } from "../config/runbookItems";

/**
 * Where an alert's entry in the alert response guide (docs/alerts.md) lives. Each entry is headed
 * by the alertname, so the anchor is the alertname as GitHub renders a heading: stable as long as
 * the alertname is.
 */
export const GUIDE_PATH = "docs/alerts.md";
export const alertAnchor = (alertName: string): string => githubAnchor(alertName);
/** The alert's guide entry; without a guide URL (no alertGuideUrl, no github.owner), its runbook section. */
export const alertGuideLink = (settings: Pick<Settings, "alertGuideUrl" | "runbookUrl">, alert: { name: string; runbookSection: string }): string =>
  settings.alertGuideUrl ? `${settings.alertGuideUrl}#${alertAnchor(alert.name)}` : `${settings.runbookUrl}#${githubAnchor(alert.runbookSection)}`;

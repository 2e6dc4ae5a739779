import type { Settings } from "../config/load";
import { githubAnchor } from "../config/runbookItems";

/**
 * Where an alert's entry in the alert response guide (docs/alerts.md) lives. Each entry is headed
 * by the alertname, so the anchor is the alertname as GitHub renders a heading: stable as long as
 * the alertname is.
 */
export const GUIDE_PATH = "docs/alerts.md";
export const alertAnchor = (alertName: string): string => githubAnchor(alertName);
export const alertGuideLink = (settings: Pick<Settings, "alertGuideUrl">, alertName: string): string => `${settings.alertGuideUrl}#${alertAnchor(alertName)}`;

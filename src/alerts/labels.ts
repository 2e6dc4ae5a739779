import { githubAnchor } from "../config/runbookItems";
import type { Settings } from "../config/settings";

/**
 * What every rule carries, apart from the rules themselves: the dashboards filter on these labels
 * and the Synthetic Monitoring per-check alerts link the runbook the same way, without depending
 * on the alert catalog (which places alerts on dashboard panels, so sits above the dashboards).
 */

/** The labels every rule carries, for routing and for finding the rule's owner. */
export const COMMON_LABELS = { team: "ain", service: "ain-mvp" } as const;

export const runbookUrl = (settings: Pick<Settings, "runbookUrl">, section: string): string => `${settings.runbookUrl}#${githubAnchor(section)}`;

import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { COMMON_LABELS } from "../../alerts/labels";
import { probeSuccessShare, twoExecutionsWindowSeconds } from "../../alerts/probes";
import { duration } from "../../alerts/evaluation";
import { checkSpecs } from "../../synthetics/checks";
import type { Severity } from "../../config/runbook";
import { alertFolderTitle } from "../../grafana/folder";
import { promNow, type DashboardContext, type DashboardKey } from "../common";
import type { Placed } from "../layout";
import { colouring } from "../thresholds";
import { statTile } from "./stats";
import type { AlertId } from "../../alerts/names";

/** Synthetic check health and the list of firing alerts: the first things an on-call engineer reads. */
export function checkSuccess(ctx: DashboardContext, job: string, title: string, section: string, alertIds: AlertId[] = [], next?: DashboardKey, width = 6, height = 5): Placed {
  const threshold = ctx.settings.runbook.failureModes.healthCheckMinSuccessRatio;
  const check = checkSpecs(ctx.settings).find((c) => c.job === job);
  if (!check) throw new Error(`no synthetic check with job ${job}`);
  const every = check.frequencyMs / 1000;
  // Two runs at every probe: a shorter window holds no execution of a slow check (one push per run).
  const window = duration(twoExecutionsWindowSeconds(every));
  return statTile(ctx, {
    title,
    text: `Share of this synthetic check's executions that passed over ${window}, two runs at every probe (job ${job}), on its own: one failing check is not hidden by the others. Below ${threshold * 100} % is failing.`,
    section,
    colours: colouring({ comparator: "<", threshold, unit: "ratio", integer: false, max: 1, what: "where the check alerts fire", greenOnlyAtMax: true }),
    unit: "percentunit",
    datasource: ctx.prometheus,
    targets: [promNow(probeSuccessShare(ctx.sel, job, every), "A")],
    noValue: `no executions in ${window}: check not reporting`,
    min: 0,
    max: 1,
    next,
    width,
    height,
    alerts: alertIds,
  });
}

/**
 * What is firing now, from Grafana's current alert list panel (options as in grafana
 * public/app/plugins/panel/alertlist/types.ts, UnifiedAlertListOptions): only this stack's rules,
 * by their folder and by the labels every rule carries, and only the given severities; within the
 * panel, grouped by the severity label. `tags` belonged to the old panel and is gone.
 */
export function firingAlerts(ctx: DashboardContext, title: string, severities: Severity[], width: number, height: number, order: "oldest" | "newest"): Placed {
  const labels = Object.entries(COMMON_LABELS).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const panel = new dashboard.PanelBuilder()
    .type("alertlist")
    .title(title)
    .description(
      `Alerts of this stack (folder "${alertFolderTitle(ctx.settings)}", labels ${labels.join(", ")}) at ${severities.join(" or ")} that are firing or pending, grouped by severity, ${order} first: how long each has been firing is shown beside it. Each rule links its runbook section and its panel. Empty means nothing at ${severities.join("/")} is firing or pending.`,
    )
    .options({
      viewMode: "list",
      groupMode: "custom",
      groupBy: ["severity"],
      // Grafana's SortOrder: TimeAsc (4) puts the longest-firing first, which answers "since when" for
      // pages; TimeDesc (5) puts the newest first, so a new ticket is not buried under old reminders.
      sortOrder: order === "oldest" ? 4 : 5,
      maxItems: 20,
      showInstances: true,
      dashboardAlerts: false,
      alertName: "",
      folder: { uid: ctx.settings.folderUid, title: alertFolderTitle(ctx.settings) },
      alertInstanceLabelFilter: `{${[...labels, `severity=~"${severities.join("|")}"`].join(", ")}}`,
      stateFilter: { firing: true, pending: true, noData: true, error: true, normal: false, recovering: false },
    });
  return { panel, width, height };
}

import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import { probeSuccessRatio } from "../../alerts/probes";
import { DASHBOARD_TAGS, describe, promTarget, thresholdSteps, type DashboardContext } from "../common";
import type { Placed } from "../layout";

/** Synthetic check health and the list of firing alerts: the first things an on-call engineer reads. */
export function checkSuccess(ctx: DashboardContext, job: string, title: string, section: string, alertIds: string[] = []): Placed {
  const threshold = ctx.settings.runbook.failureModes.healthCheckMinSuccessRatio;
  const panel = new stat.PanelBuilder()
    .title(title)
    .description(describe(ctx.settings, `Share of the synthetic check's executions that passed over 5 minutes (job ${job}). Below ${threshold * 100} % is failing.`, section))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(`min(${probeSuccessRatio(ctx.sel, [job])})`, "A").instant())
    .unit("percentunit")
    .min(0)
    .max(1)
    .thresholds(thresholdSteps(threshold, "<"))
    .noValue("no data: check not reporting");
  return { panel, width: 6, height: 5, alerts: alertIds };
}

export function firingAlerts(title: string): Placed {
  const panel = new dashboard.PanelBuilder()
    .type("alertlist")
    .title(title)
    .description("Every AIN alert that is firing or pending now, most severe first. Each links its runbook section.")
    .options({
      alertInstanceLabelFilter: "",
      alertName: "",
      dashboardAlerts: false,
      groupMode: "default",
      maxItems: 20,
      sortOrder: 1,
      stateFilter: { firing: true, pending: true, noData: true, error: true, normal: false },
      viewMode: "list",
      tags: DASHBOARD_TAGS.slice(0, 1),
    });
  return { panel, width: 12, height: 10 };
}

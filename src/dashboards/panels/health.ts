import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import { probeSuccessShare, twoExecutionsWindowSeconds } from "../../alerts/probes";
import { duration } from "../../alerts/types";
import { checkSpecs } from "../../synthetics/checks";
import { DASHBOARD_TAGS, describe, promTarget, thresholdSteps, type DashboardContext } from "../common";
import type { Placed } from "../layout";

/** Synthetic check health and the list of firing alerts: the first things an on-call engineer reads. */
export function checkSuccess(ctx: DashboardContext, job: string, title: string, section: string, alertIds: string[] = []): Placed {
  const threshold = ctx.settings.runbook.failureModes.healthCheckMinSuccessRatio;
  const check = checkSpecs(ctx.settings).find((c) => c.job === job);
  if (!check) throw new Error(`no synthetic check with job ${job}`);
  const every = check.frequencyMs / 1000;
  const panel = new stat.PanelBuilder()
    .title(title)
    .description(describe(ctx.settings, `Share of the synthetic check's executions that passed over ${duration(twoExecutionsWindowSeconds(every))}, two runs at every probe (job ${job}). Below ${threshold * 100} % is failing.`, section))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(probeSuccessShare(ctx.sel, job, every), "A").instant())
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

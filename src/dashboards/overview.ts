import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { edgeSeries } from "../alerts/signals";
import { sloCatalog } from "../alerts/specs";
import { alertContext } from "../alerts/context";
import { runbookSections } from "../config/runbookItems";
import { checkJobs } from "../synthetics/jobs";
import type { DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import { alertStat, alertTrend } from "./panels/alertPanels";
import { checkSuccess, firingAlerts } from "./panels/health";
import { budgetLeft, errorRatio, invocations } from "./panels/traffic";

/** What an on-call engineer opens first: is it up, is it fast, is it failing, what is firing. */
export function overviewDashboard(ctx: DashboardContext): BuiltDashboard {
  const [overall, email, pdf] = sloCatalog(alertContext(ctx.settings));
  const burns = (slo: string) => [...["fast", "medium", "slow", "veryslow"].map((s) => `${slo}-burn-${s}`), `${slo}-error-ratio-over-limit`];
  const functionVariable = new dashboard.QueryVariableBuilder("function")
    .label("Function")
    .datasource(ctx.prometheus)
    .query(`label_values(${edgeSeries.responsesRate5m}, function)`)
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current({ text: "All", value: "$__all" })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  return compose(
    ctx,
    "overview",
    "The AIN MVP at a glance: health check, latency and error rates against the runbook's budgets, traffic, and what is firing.",
    [
      {
        panels: [
          checkSuccess(ctx, checkJobs.healthCheck, "Email health check", runbookSections.quickHealthCheck, ["email-health-check-failing"]),
          alertStat(ctx, "edge-functions-down", "Edge functions up (best check)", 6),
          alertStat(ctx, "database-down", "Database up", 6),
          alertStat(ctx, "database-connections-high", "DB connections (% of max)", 6),
        ],
      },
      {
        title: "Checks and signals: is every pipeline reporting?",
        panels: [
          alertStat(ctx, "vin-decode-check-failing", "VIN decode check (share passed)", 4),
          alertStat(ctx, "probe-location-failing", "Worst probe location (latest result)", 5),
          alertStat(ctx, "signal-missing-metrics-api", "Metrics API silent", 5),
          alertStat(ctx, "signal-missing-probes", "Probes silent", 5),
          alertStat(ctx, "signal-missing-log-drain", "Log drain silent", 5),
        ],
      },
      {
        title: "Latency against the runbook's budgets (p95, real traffic)",
        panels: [
          alertTrend(ctx, "pdf-generation-latency-over", "PDF generation (< 10 s)", 8, ["pdf-generation-latency-severe"]),
          alertTrend(ctx, "email-delivery-latency-over", "Email delivery (< 5 s)", 8, ["email-delivery-latency-severe"]),
          alertTrend(ctx, "vin-decode-latency-over", "VIN decode (< 3 s)", 8, ["vin-decode-latency-severe"]),
        ],
      },
      {
        title: "Error rates against the runbook's budgets",
        panels: [errorRatio(ctx, overall, burns("overall")), errorRatio(ctx, email, burns("email")), errorRatio(ctx, pdf, burns("pdf"))],
      },
      {
        title: "Traffic and alerts",
        panels: [invocations(ctx), firingAlerts("Firing alerts"), budgetLeft(ctx, overall, 4), budgetLeft(ctx, email, 4), budgetLeft(ctx, pdf, 4)],
      },
    ],
    [functionVariable],
  );
}

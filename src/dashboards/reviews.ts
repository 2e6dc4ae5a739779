import * as stat from "@grafana/grafana-foundation-sdk/stat";
import { series, sloSeries, supabaseMetrics } from "../alerts/signals";
import { dashboardUids, describe, promTarget, supabaseDashboardUrl, thresholdSteps, type DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import type { Placed } from "./layout";
import { note } from "./panels/notes";
import { periodDays } from "../rotation/periods";

/** The runbook's Maintenance Tasks: each daily, weekly and monthly item as a panel or a link. */
export function reviewsDashboard(ctx: DashboardContext): BuiltDashboard {
  const s = ctx.settings;
  const budgets = s.runbook.errorBudgets;
  const section = "Maintenance Tasks";
  const reviewStat = (title: string, expr: string, unit: string, threshold: number, comparator: ">=" | "<", text: string, width = 6): Placed => ({
    panel: new stat.PanelBuilder()
      .title(title)
      .description(describe(s, text, section))
      .datasource(ctx.prometheus)
      .withTarget(promTarget(expr, "A").instant())
      .unit(unit)
      .thresholds(thresholdSteps(threshold, comparator))
      .noValue("no traffic"),
    width,
    height: 5,
  });
  const dayRatio = (slo: string) => `100 * ${sloSeries.errorRatio("1d")}{slo="${slo}"}`;
  const m = (name: string) => series(name, ctx.sel.supabase);
  const link = (text: string, url: string) => `[${text}](${url})`;
  const keyAlerts = ctx.alertIds().filter((id) => id.startsWith("key-rotation-"));
  const keyPanel = new stat.PanelBuilder()
    .title("Days since each key was rotated")
    .description(describe(s, `API key rotation (if policy requires): due every ${s.rotation.every}. Rotate with the README's *Key rotation* steps, then record the date in rotation.lastRotated.`, "API Key Rotation"))
    .datasource(ctx.prometheus)
    .unit("d")
    .thresholds(thresholdSteps(periodDays[s.rotation.every], ">="))
    .noValue("no rotation dates recorded");
  keyAlerts.forEach((id, i) => keyPanel.withTarget(promTarget(ctx.alert(id).value, String.fromCharCode(65 + i), ctx.alert(id).name.replace("RotationOverdue", "")).instant()));
  const keyRotation: Placed = { panel: keyPanel, width: 6, height: 5, alerts: keyAlerts };
  return compose(ctx, "reviews", "The runbook's daily, weekly and monthly maintenance tasks, each with the figure or the page to check it on.", [
    {
      title: "Daily",
      panels: [
        reviewStat("Error rate, last 24 h", dayRatio("overall"), "percent", budgets.overallPercent, ">=", `Check error rates: budget < ${budgets.overallPercent} %.`),
        reviewStat("Email failures, last 24 h", dayRatio("email"), "percent", budgets.emailDeliveryFailurePercent, ">=", `Verify email delivery rates: budget < ${budgets.emailDeliveryFailurePercent} %.`),
        reviewStat("PDF failures, last 24 h", dayRatio("pdf"), "percent", budgets.pdfGenerationFailurePercent, ">=", `PDF generation failures: budget < ${budgets.pdfGenerationFailurePercent} %.`),
        note("Edge function logs", `Review edge function logs for anomalies:\n\n- ${link("Supabase edge function logs", supabaseDashboardUrl(s, "/logs/edge-functions-logs"))}\n- ${link("Overview dashboard", `/d/${dashboardUids.overview}`)}`, 6, 5),
      ],
    },
    {
      title: "Weekly",
      panels: [
        reviewStat(
          "Average query time, last 7 days",
          `sum(increase(${m(supabaseMetrics.queryTimeSecondsTotal)}[7d])) / sum(increase(${m(supabaseMetrics.queriesTotal)}[7d]))`,
          "s",
          s.runbook.capacity.averageQuerySeconds,
          ">=",
          "Database performance review: the upgrade trigger is > 1 s average.",
        ),
        reviewStat(
          "Storage growth, last 7 days",
          `max(${m(supabaseMetrics.storageSizeMb)}) - max(${m(supabaseMetrics.storageSizeMb)} offset 7d)`,
          "decmbytes",
          (s.runbook.capacity.storagePlanLimitGiB * 1024) / 52,
          ">=",
          "Storage usage analysis: red when a week's growth would fill the plan within a year.",
        ),
        note("Security updates", `Security updates check:\n\n- ${link("Supabase infrastructure and Postgres version", supabaseDashboardUrl(s, "/settings/infrastructure"))}\n- ${link("Security advisor", supabaseDashboardUrl(s, "/advisors/security"))}`, 6, 5),
        note("Backups", `Backup verification:\n\n- ${link("Scheduled backups", supabaseDashboardUrl(s, "/database/backups/scheduled"))}\n- Restore one into a branch project each month.`, 6, 5),
      ],
    },
    {
      title: "Monthly",
      panels: [
        keyRotation,
        note("Performance optimisation", `Performance optimization review: latency against budgets on the ${link("overview", `/d/${dashboardUids.overview}`)}, query time on the ${link("database dashboard", `/d/${dashboardUids.database}`)}.`, 6, 5),
        note("Cost", `Cost analysis and optimization:\n\n- ${link("Supabase usage", supabaseDashboardUrl(s, "/settings/billing/usage"))}\n- Synthetic Monitoring executions: see the plan's output.`, 6, 5),
        note("User feedback", "User feedback review: collect support tickets and *Invalid token* reports; the sharing-token dashboard shows refused links.", 6, 5),
      ],
    },
  ]);
}

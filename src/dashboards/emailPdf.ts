import { alertContext } from "../alerts/context";
import { sloCatalog } from "../alerts/specs";
import { runbookSections } from "../config/runbookItems";
import { checkJob } from "../synthetics/jobs";
import { promNow, type DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import type { Placed } from "./layout";
import { alertStat, alertTrend, sparseFailureStat } from "./panels/alertPanels";
import { checkSuccess } from "./panels/health";
import { checksTrend, journeyErrorExpr, journeys } from "./panels/journeys";
import { statTile } from "./panels/stats";
import { budgetColours, errorRatio, functionVariable, latencyByFunction } from "./panels/traffic";

/**
 * The journeys' detail: runbook § Email Service Down and § PDF Generation Failures side by side,
 * and VIN decode, which the Overview's tiles also link here. The uid stays ain-email-pdf.
 */
export function emailPdfDashboard(ctx: DashboardContext): BuiltDashboard {
  const [, email, pdf] = sloCatalog(alertContext(ctx.settings));
  const vin = journeys(ctx).find((j) => j.id === "vin");
  // A journey failing at a few requests an hour, which the error-rate panels cannot show.
  const lowVolumeWindow = ctx.settings.runbook.failureModes.sparseFailures.windowMinutes;
  if (!vin) throw new Error("no VIN journey");
  // One line per journey, each 6 rows high, so VIN decode starts on the first screen too.
  const h = (p: Placed): Placed => ({ ...p, height: JOURNEY_ROW_HEIGHT });
  return compose(ctx, "emailPdf", "The user journeys in detail: email through Resend, PDF generation and VIN decode, with latency, failure rates against their budgets, and their checks.", [
    {
      title: "Email (Resend)",
      panels: [
        h(checkSuccess(ctx, checkJob(ctx.settings, "healthCheck"), "test-email-integration", runbookSections.quickHealthCheck, [], undefined, 3)),
        h(checkSuccess(ctx, checkJob(ctx.settings, "resendStatus"), "Resend status page", runbookSections.emailServiceDown, [], undefined, 3)),
        h(alertStat(ctx, "email-endpoints-503", "503s from email endpoints (5 min)", 3)),
        h(sparseFailureStat(ctx, "email-delivery-failing-at-low-volume", `Email: minutes with server errors, ${lowVolumeWindow} min`, 3)),
        h(alertTrend(ctx, "email-delivery-latency-over", { text: "Email delivery latency", limitUnit: "s" }, 6)),
        h(errorRatio(ctx, email, [], 6)),
      ],
    },
    {
      title: "PDF generation",
      panels: [
        h(alertStat(ctx, "pdf-bucket-missing", '"PDF Valuation Reports" bucket', 3)),
        h(checkSuccess(ctx, checkJob(ctx.settings, "pdfGeneration"), "generate-valuation-pdf check", runbookSections.pdfGenerationFailures, ["pdf-check-failing"], undefined, 3)),
        h(alertStat(ctx, "pdf-generation-500", "500s from generate-valuation-pdf (5 min)", 3)),
        h(sparseFailureStat(ctx, "pdf-generation-failing-at-low-volume", `PDF: minutes with server errors, ${lowVolumeWindow} min`, 3)),
        h(alertTrend(ctx, "pdf-generation-latency-over", { text: "PDF generation latency", limitUnit: "s" }, 6)),
        h(errorRatio(ctx, pdf, [], 6)),
      ],
    },
    {
      title: "VIN decode",
      panels: [
        h(checkSuccess(ctx, checkJob(ctx.settings, "vinDecode"), `${vin.functionName} check`, runbookSections.keyMetrics, [], undefined, 3)),
        h(
          statTile(ctx, {
            title: `VIN 5xx share, 1 h (< ${vin.errors.slo.budgetPercent} %)`,
            text: `Shows the server errors (5xx) of ${vin.functionName} as a share of its requests over the last hour, held to the overall budget: the runbook gives VIN decode none of its own.`,
            section: vin.errors.slo.runbookSection,
            colours: budgetColours(vin.errors.slo.budgetPercent),
            unit: "percent",
            datasource: ctx.prometheus,
            targets: [promNow(journeyErrorExpr(ctx, vin), "A")],
            noValue: "no requests in the last hour: no error share (not a sign of health)",
            width: 3,
          }),
        ),
        h(sparseFailureStat(ctx, "vin-decode-failing-at-low-volume", `VIN: minutes with server errors, ${lowVolumeWindow} min`, 3)),
        h(sparseFailureStat(ctx, "shared-report-failing-at-low-volume", `Shared report: minutes with server errors, ${lowVolumeWindow} min`, 3)),
        h(alertTrend(ctx, vin.latencyAlert, { text: "VIN decode latency", limitUnit: "s" }, 12)),
      ],
    },
    {
      title: "Every check, every probe location, every function's latency (the Function variable filters it)",
      panels: [
        checksTrend(ctx, 8),
        alertStat(ctx, "probe-location-failing", "Worst probe location (latest results)", 2),
        alertStat(ctx, "probe-location-silent", "Probe locations silent", 2),
        latencyByFunction(ctx, 12),
      ],
    },
  ], [functionVariable(ctx)]);
}

const JOURNEY_ROW_HEIGHT = 6;

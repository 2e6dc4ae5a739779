import { alertContext } from "../alerts/context";
import { sloCatalog } from "../alerts/specs";
import { runbookSections } from "../config/runbookItems";
import { checkJobs } from "../synthetics/jobs";
import type { DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import { alertStat, alertTrend } from "./panels/alertPanels";
import { checkSuccess } from "./panels/health";
import { errorRatio } from "./panels/traffic";

/** Runbook § Email Service Down and § PDF Generation Failures, side by side. */
export function emailPdfDashboard(ctx: DashboardContext): BuiltDashboard {
  const [, email, pdf] = sloCatalog(alertContext(ctx.settings));
  return compose(ctx, "emailPdf", "Email delivery through Resend and PDF generation: latency, failure rates against 2 % and 0.5 %, and their health checks.", [
    {
      title: "Email (Resend)",
      panels: [
        checkSuccess(ctx, checkJobs.healthCheck, "test-email-integration", runbookSections.quickHealthCheck),
        checkSuccess(ctx, checkJobs.resendStatus, "Resend status page", runbookSections.emailServiceDown),
        alertStat(ctx, "email-endpoints-503", "503s from email endpoints (5 min)", 12),
        alertTrend(ctx, "email-delivery-latency-over", "Email delivery latency (< 5 s)", 12),
        errorRatio(ctx, email, [], 12),
      ],
    },
    {
      title: "PDF generation",
      panels: [
        alertStat(ctx, "pdf-bucket-missing", '"PDF Valuation Reports" bucket', 6),
        checkSuccess(ctx, checkJobs.pdfGeneration, "generate-valuation-pdf check", runbookSections.pdfGenerationFailures, ["pdf-check-failing"]),
        alertStat(ctx, "pdf-generation-500", "500s from generate-valuation-pdf (5 min)", 12),
        alertTrend(ctx, "pdf-generation-latency-over", "PDF generation latency (< 10 s)", 12),
        errorRatio(ctx, pdf, [], 12),
      ],
    },
  ]);
}

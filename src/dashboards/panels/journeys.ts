import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { alertContext } from "../../alerts/context";
import { probeSuccessRatio } from "../../alerts/probes";
import { sloSeries } from "../../alerts/signals";
import { errorRatioExpr, type Slo } from "../../alerts/slo";
import { sloCatalog } from "../../alerts/specs";
import { runbookSections } from "../../config/runbookItems";
import { checkJobs, functionCheckJobs } from "../../synthetics/jobs";
import { describe, legend, promTarget, thresholdLine, thresholdsOf, type DashboardContext, type DashboardKey } from "../common";
import type { Placed } from "../layout";
import { alertBoundary, colouring } from "../thresholds";
import { alertStat } from "./alertPanels";
import { checkSuccess } from "./health";
import { budgetColours } from "./traffic";
import { statTile } from "./stats";

/**
 * The product's three user journeys, each judged against its own budgets: the synthetic check that
 * walks it, its p95 latency, and its share of server errors. VIN decode has no error budget of its
 * own in the runbook, so it is held to the overall one (< 1 %).
 */
export interface Journey {
  id: "pdf" | "email" | "vin";
  title: string;
  functionName: string;
  checkJob: string;
  /** The function the check calls: email's check is the runbook's health check, not the sender. */
  checkFunction: string;
  /** Alerts whose value is the check stat's own query. */
  checkAlerts: string[];
  latencyAlert: string;
  severeLatencyAlert: string;
  /** The SLO whose error ratio is recorded, or an unrecorded scope held to the overall budget. */
  errors: { slo: Slo; recorded: boolean };
  next: DashboardKey;
}

export function journeys(ctx: DashboardContext): Journey[] {
  const [overall, email, pdf] = sloCatalog(alertContext(ctx.settings));
  const fns = ctx.settings.functions;
  return [
    {
      id: "pdf",
      title: "PDF",
      functionName: fns.pdfGeneration,
      checkJob: checkJobs.pdfGeneration,
      checkFunction: fns.pdfGeneration,
      checkAlerts: [],
      latencyAlert: "pdf-generation-latency-over",
      severeLatencyAlert: "pdf-generation-latency-severe",
      errors: { slo: pdf, recorded: true },
      next: "emailPdf",
    },
    {
      id: "email",
      title: "Email",
      functionName: fns.emailDelivery,
      checkJob: checkJobs.healthCheck,
      checkFunction: fns.healthCheck,
      checkAlerts: ["email-health-check-failing"],
      latencyAlert: "email-delivery-latency-over",
      severeLatencyAlert: "email-delivery-latency-severe",
      errors: { slo: email, recorded: true },
      next: "emailPdf",
    },
    {
      id: "vin",
      title: "VIN",
      functionName: fns.vinDecode,
      checkJob: checkJobs.vinDecode,
      checkFunction: fns.vinDecode,
      checkAlerts: [],
      latencyAlert: "vin-decode-latency-over",
      severeLatencyAlert: "vin-decode-latency-severe",
      errors: { slo: { ...overall, id: "vin", title: "VIN decode", functions: [fns.vinDecode] }, recorded: false },
      next: "emailPdf",
    },
  ];
}

/** The error share of a journey over the last hour, in percent: the recorded SLO series where there is one. */
export const journeyErrorExpr = (ctx: DashboardContext, j: Journey, window = "1h"): string =>
  j.errors.recorded ? `100 * ${sloSeries.errorRatio(window)}{slo="${j.errors.slo.id}"}` : `100 * ${errorRatioExpr(j.errors.slo, ctx.sel, window)}`;

/** One journey as three tiles: check, p95 latency, error share, each linking to the journeys dashboard. */
export function journeyTiles(ctx: DashboardContext, j: Journey, width: number, height: number): Placed[] {
  const budget = j.errors.slo.budgetPercent;
  const latency = alertStat(ctx, j.latencyAlert, `${j.title} · p95 latency (< ${ctx.alert(j.latencyAlert).threshold} s)`, width, [j.severeLatencyAlert], j.next);
  return [
    checkSuccess(ctx, j.checkJob, `${j.title} · check (${j.checkFunction})`, runbookSections.quickHealthCheck, j.checkAlerts, j.next, width, height),
    { ...latency, height },
    statTile(ctx, {
      title: `${j.title} · errors, 1 h (< ${budget} %)`,
      text: `Server errors (5xx) of ${j.functionName} as a share of its requests over the last hour.${j.errors.recorded ? "" : " The runbook gives VIN decode no budget of its own: it is held to the overall < " + budget + " %."}`,
      section: j.errors.slo.runbookSection,
      colours: budgetColours(budget),
      unit: "percent",
      datasource: ctx.prometheus,
      targets: [promTarget(journeyErrorExpr(ctx, j), "A")],
      noValue: "no requests in the last hour",
      next: j.next,
      width,
      height,
    }),
  ];
}

/**
 * Every synthetic check on its own, and the EdgeFunctionsDown alert's value (the best of them):
 * the home panel of that alert, so its state changes show beside each check's line.
 */
export function checksTrend(ctx: DashboardContext, width = 12): Placed {
  const down = ctx.alert("edge-functions-down");
  const colours = colouring(alertBoundary(down));
  const panel = new timeseries.PanelBuilder()
    .title("Synthetic checks, each on its own")
    .description(
      describe(
        ctx.settings,
        `Share of each check's executions that passed over 5 minutes, one line per check, and the best of them, which the P0 alert \`${down.name}\` watches (< ${down.threshold}).`,
        down.runbookSection,
        colours,
      ),
    )
    .datasource(ctx.prometheus)
    .withTarget(promTarget(probeSuccessRatio(ctx.sel, functionCheckJobs), "A", "{{job}}"))
    .withTarget(promTarget(down.value, "B", "best check (EdgeFunctionsDown)"))
    .unit("percentunit")
    .min(0)
    .max(1)
    .thresholds(thresholdsOf(colours))
    .thresholdsStyle(thresholdLine())
    .noValue("no executions reported: the checks are silent")
    .legend(legend());
  return { panel, width, alerts: [down.id], alertHome: true };
}

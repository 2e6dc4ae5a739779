import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { alertContext } from "../../alerts/context";
import { probeSuccessShareByJob } from "../../alerts/probes";
import { checkSpecs } from "../../synthetics/checks";
import { errorRatioExpr, type Slo } from "../../alerts/slo";
import { journeys as productJourneys, type LatencyJourney } from "../../alerts/journeys";
import type { AlertId } from "../../alerts/names";
import { sloCatalog } from "../../alerts/specs";
import { checkJob, functionCheckIds } from "../../synthetics/jobs";
import { describe, legend, promNow, promTarget, thresholdLine, thresholdsOf, type DashboardContext, type DashboardKey } from "../common";
import type { Placed } from "../layout";
import { alertBoundary, colouring } from "../thresholds";
import { alertStat, limitTitle } from "./alertPanels";
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
  /** The alert whose value is the check tile: this journey's own check failing. */
  checkAlert: AlertId;
  latencyAlert: AlertId;
  severeLatencyAlert: AlertId;
  /**
   * The functions whose error share is drawn and the budget it is held to: an SLO's, with the alert
   * on that very ratio, or (VIN decode) a scope of its own held to the overall budget, with none.
   */
  errors: { slo: Pick<Slo, "functions" | "budgetPercent" | "runbookSection">; ratioAlert: AlertId | undefined };
  next: DashboardKey;
}

export function journeys(ctx: DashboardContext): Journey[] {
  const [overall, email, pdf] = sloCatalog(alertContext(ctx.settings));
  const product = productJourneys(ctx.settings);
  const fns = ctx.settings.functions;
  // The journey's function and latency alerts from the product's journey model (alerts/journeys.ts).
  const fromModel = (j: LatencyJourney) => ({ functionName: j.functionName, latencyAlert: `${j.id}-latency-over`, severeLatencyAlert: `${j.id}-latency-severe` }) as const;
  return [
    {
      id: "pdf",
      title: "PDF",
      ...fromModel(product.pdfGeneration),
      checkJob: checkJob(ctx.settings, "pdfGeneration"),
      checkFunction: fns.pdfGeneration,
      checkAlert: "pdf-check-failing",
      errors: { slo: pdf, ratioAlert: "pdf-error-ratio-over-limit" },
      next: "emailPdf",
    },
    {
      id: "email",
      title: "Email",
      ...fromModel(product.emailDelivery),
      checkJob: checkJob(ctx.settings, "healthCheck"),
      checkFunction: fns.healthCheck,
      checkAlert: "email-health-check-failing",
      errors: { slo: email, ratioAlert: "email-error-ratio-over-limit" },
      next: "emailPdf",
    },
    {
      id: "vin",
      title: "VIN",
      ...fromModel(product.vinDecode),
      checkJob: checkJob(ctx.settings, "vinDecode"),
      checkFunction: fns.vinDecode,
      checkAlert: "vin-decode-check-failing",
      errors: { slo: { ...overall, functions: [product.vinDecode.functionName] }, ratioAlert: undefined },
      next: "emailPdf",
    },
  ];
}

/** The error share of a journey over the last hour, in percent: the recorded SLO series where there is one. */
export const journeyErrorExpr = (ctx: DashboardContext, j: Journey, window = "1h"): string =>
  `100 * (${errorRatioExpr(j.errors.slo, ctx.sel, window)})`;

/** One journey as three tiles: check, p95 latency, error share, each linking to the journeys dashboard. */
export function journeyTiles(ctx: DashboardContext, j: Journey, width: number, height: number): Placed[] {
  const budget = j.errors.slo.budgetPercent;
  const latency = alertStat(ctx, j.latencyAlert, { text: `${j.title} · p95 latency`, limitUnit: "s" }, width, [j.severeLatencyAlert], j.next);
  const title = { text: `${j.title} · 5xx share, 1 h`, limitUnit: "%" };
  // A recorded SLO has its steady-ratio alert on this very value; VIN decode has no recorded SLO.
  const errors = j.errors.ratioAlert
    ? { ...alertStat(ctx, j.errors.ratioAlert, title, width, [], j.next), height }
    : statTile(ctx, {
        title: limitTitle(title.text, budget, title.limitUnit),
        text: `Server errors (5xx) of ${j.functionName} as a share of its requests over the last hour. The runbook gives VIN decode no budget of its own: it is held to the overall < ${budget} %.`,
        section: j.errors.slo.runbookSection,
        colours: budgetColours(budget),
        unit: "percent",
        datasource: ctx.prometheus,
        targets: [promNow(journeyErrorExpr(ctx, j), "A")],
        noValue: "no requests in the last hour",
        next: j.next,
        width,
        height,
      });
  return [{ ...alertStat(ctx, j.checkAlert, `${j.title} · check (${j.checkFunction})`, width, [], j.next), height }, { ...latency, height }, errors];
}

/**
 * The P0 signal over time: the home panel of EdgeFunctionsDown, so its state changes are drawn on
 * the value it judges.
 */
export function systemDownTrend(ctx: DashboardContext, width = 6): Placed {
  const down = ctx.alert("edge-functions-down");
  const colours = colouring(alertBoundary(down));
  const panel = new timeseries.PanelBuilder()
    .title("System-down signal (best latest check result)")
    .description(describe(ctx.settings, `The value the P0 alert \`${down.name}\` watches: 1 while any function check passes at any probe, 0 when every one failed its latest run (< ${down.threshold} fires).`, down.runbookSection, colours))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(down.value, "A", "best latest result"))
    .unit("none")
    .min(0)
    .max(1)
    .thresholds(thresholdsOf(colours))
    .thresholdsStyle(thresholdLine())
    .noValue("no executions reported: the checks are silent")
    .legend(legend());
  return { panel, width, alerts: [down.id], alertHome: true };
}

/** Every function check on its own line, over two runs of the slowest, against the check alerts' boundary. */
export function checksTrend(ctx: DashboardContext, width = 6): Placed {
  const checks = checkSpecs(ctx.settings).filter((c) => functionCheckIds.includes(c.id));
  const slowest = Math.max(...checks.map((c) => c.frequencyMs / 1000));
  const threshold = ctx.settings.runbook.failureModes.healthCheckMinSuccessRatio;
  const colours = colouring({ comparator: "<", threshold, unit: "ratio", integer: false, max: 1, what: "where each check's own alert fires", greenOnlyAtMax: true });
  const panel = new timeseries.PanelBuilder()
    .title("Synthetic checks, each on its own")
    .description(describe(ctx.settings, `Share of each check's executions that passed, one line per check, over two runs of the slowest check at every probe. Below ${threshold * 100} % a check's own alert fires.`, down(ctx).runbookSection, colours))
    .datasource(ctx.prometheus)
    .withTarget(promTarget(probeSuccessShareByJob(ctx.sel, checks.map((c) => c.job), slowest), "A", "{{job}}"))
    .unit("percentunit")
    .min(0)
    .max(1)
    .thresholds(thresholdsOf(colours))
    .thresholdsStyle(thresholdLine())
    .noValue("no executions reported: the checks are silent")
    .legend(legend());
  return { panel, width };
}

const down = (ctx: DashboardContext) => ctx.alert("edge-functions-down");

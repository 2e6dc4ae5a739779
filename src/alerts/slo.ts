import type { Severity } from "../config/runbook";
import type { RunbookItemId, RunbookSection } from "../config/runbookItems";
import { requestsOver, type Selectors } from "./signals";
import { handle, type AlertId } from "./names";
import type { AlertSpec, Area } from "./types";

/** toLowerCase, keeping the literal type: the burn alerts' handles are checked against names.ts. */
const lowerCase = <S extends string>(s: S): Lowercase<S> => s.toLowerCase() as Lowercase<S>;

/**
 * Multiwindow, multi-burn-rate alerts on the runbook's error budgets (Google SRE workbook, ch. 5).
 * The maths lives here and nowhere else: which windows, which burn factors, and the error ratio
 * and traffic over a window, read straight from the recorded per-minute counts. Nothing is
 * recorded per SLO: a recorded ratio would linger for Prometheus' lookback once its traffic
 * stopped (Grafana's writer leaves no stale marker), and the sums over counts are cheap.
 */

export interface Slo {
  /** Handle prefix: its alerts are `<id>-burn-<speed>` and `<id>-error-ratio-over-limit` (names.ts). */
  id: "overall" | "email" | "pdf";
  title: string;
  area: Area;
  covers: RunbookItemId;
  runbookSection: RunbookSection;
  /** The error budget in percent: 1 % for a 99 % SLO. */
  budgetPercent: number;
  /** Functions that count, or undefined for all of them. */
  functions?: string[];
}

export interface BurnWindow {
  /** Name part; in lower case, the handle's last part. */
  speed: "Fast" | "Medium" | "Slow" | "VerySlow";
  long: string;
  short: string;
  factor: number;
  /** Share of a 30-day budget spent by the time this fires. */
  budgetSpentPercent: number;
  kind: "page" | "ticket";
  forSeconds: number;
}

/** The workbook's four alerting windows over a 30-day budget period. */
export const burnWindows: BurnWindow[] = [
  { speed: "Fast", long: "1h", short: "5m", factor: 14.4, budgetSpentPercent: 2, kind: "page", forSeconds: 2 * 60 },
  { speed: "Medium", long: "6h", short: "30m", factor: 6, budgetSpentPercent: 5, kind: "page", forSeconds: 15 * 60 },
  { speed: "Slow", long: "1d", short: "2h", factor: 3, budgetSpentPercent: 10, kind: "ticket", forSeconds: 60 * 60 },
  { speed: "VerySlow", long: "3d", short: "6h", factor: 1, budgetSpentPercent: 10, kind: "ticket", forSeconds: 3 * 60 * 60 },
];

export const windowMinutes = (w: string): number => {
  const n = Number(w.slice(0, -1));
  return n * { m: 1, h: 60, d: 1440 }[w.slice(-1) as "m" | "h" | "d"];
};

/** The handle of an SLO's burn-rate alert over one window (names.ts). */
export const burnAlertId = (slo: Pick<Slo, "id">, window: Pick<BurnWindow, "speed">) => `${slo.id}-burn-${lowerCase(window.speed)}` as const;

/** An SLO's burn-rate alerts, fastest first: the panels that draw its ratio carry their states. */
export const burnAlertIds = (slo: Pick<Slo, "id">): AlertId[] => burnWindows.map((w) => burnAlertId(slo, w));

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

/** Server errors count against the budget; 4xx are the caller's mistakes. */
export const ERROR_STATUS = "5..";

const scopeOf = (slo: Pick<Slo, "functions">, sel: Selectors) => (slo.functions ? sel.edge(slo.functions) : undefined);

/**
 * Error ratio over a window: server errors over all requests, summed from the per-minute counts.
 * With no errors at all the numerator is 0, not absent, so panels show 0 %; with no requests at
 * all there is no ratio, and nothing to judge.
 */
export function errorRatioExpr(slo: Pick<Slo, "functions">, sel: Selectors, w: string): string {
  const scope = scopeOf(slo, sel);
  const minutes = windowMinutes(w);
  return `(sum(${requestsOver(sel, minutes, scope, `status=~"${ERROR_STATUS}"`)}) or vector(0)) / sum(${requestsOver(sel, minutes, scope)})`;
}

/** Requests per hour over a window, from the same counts. */
export function requestsPerHourExpr(slo: Pick<Slo, "functions">, sel: Selectors, w: string): string {
  const minutes = windowMinutes(w);
  return `sum(${requestsOver(sel, minutes, scopeOf(slo, sel))}) / ${minutes / 60}`;
}

/**
 * A page is "performance severely degraded" (P1); a ticket is "slow but functional" (P2). The
 * system being down is paged as P0 by the checks and the database rule, not by budgets.
 */
const PAGE_SEVERITY: Severity = "P1";
const TICKET_SEVERITY: Severity = "P2";

/** The burn rate of a window pair: the smaller of the two ratios, over the budget. */
export function burnRateExpr(slo: Slo, sel: Selectors, window: BurnWindow): string {
  const ratio = (w: string) => `(${errorRatioExpr(slo, sel, w)})`;
  return `((${ratio(window.long)} < ${ratio(window.short)}) or ${ratio(window.short)}) / ${slo.budgetPercent / 100}`;
}

export function burnRateAlerts(slo: Slo, sel: Selectors, lowTrafficGuardRequestsPerHour: number): AlertSpec[] {
  return burnWindows.map((window) => {
    const page = window.kind === "page";
    return {
      ...handle(burnAlertId(slo, window)),
      area: slo.area,
      covers: [slo.covers],
      runbookSection: slo.runbookSection,
      severity: page ? PAGE_SEVERITY : TICKET_SEVERITY,
      severityReason: page
        ? `Burning ${window.factor}x over ${window.long} and ${window.short} spends ${window.budgetSpentPercent} % of the 30-day budget: performance severely degraded, someone must look now.`
        : `Burning ${window.factor}x over ${window.long} and ${window.short} spends ${window.budgetSpentPercent} % of the budget slowly: a ticket for working hours.`,
      source: "prometheus",
      value: burnRateExpr(slo, sel, window),
      comparator: ">",
      threshold: window.factor,
      unit: "burn-rate",
      guard: {
        query: requestsPerHourExpr(slo, sel, window.long),
        min: lowTrafficGuardRequestsPerHour,
        unit: "per-hour",
        why: "below this traffic a single failed request is a large ratio and must not page",
      },
      forSeconds: window.forSeconds,
      // On a total failure the long window's ratio reaches factor x budget after that share of it.
      detection: {
        signal: "edge-logs",
        fillSeconds: Math.ceil(Math.min(1, (window.factor * slo.budgetPercent) / 100) * windowMinutes(window.long) * 60),
        caveat: `on a total failure, with at least ${lowTrafficGuardRequestsPerHour} requests an hour`,
      },
      summary: `${slo.title} errors are burning the ${slo.budgetPercent} % budget ${window.factor}x too fast (${window.long}/${window.short})`,
      description: `${slo.title}: the error budget of ${slo.budgetPercent} % (SLO ${100 - slo.budgetPercent} %) burns at {{value}}x over both ${window.long} and ${window.short}. At this rate ${window.budgetSpentPercent} % of the 30-day budget is gone.`,
      noData: "OK",
      execError: "Error",
      stateReason: "No traffic means no errors: an empty ratio must not page. A failing query shows as an error, not as a page.",
    };
  });
}

/** The window of the plain ratio alert: long enough to ignore a burst, short enough to notice within the hour. */
export const STEADY_RATIO_WINDOW = "1h";

/**
 * A plain error ratio over the runbook's limit, beside the burn rates: a steady breach just above
 * the limit burns the 30-day budget too slowly for a page (email failures held at 5 % fire only
 * the slowest ticket, after 33 h), yet the runbook's limit is broken now. P2: noticed within the
 * hour, by email, never a page.
 */
export function steadyRatioAlert(slo: Slo, sel: Selectors, lowTrafficGuardRequestsPerHour: number): AlertSpec {
  return {
    ...handle(`${slo.id}-error-ratio-over-limit`),
    area: slo.area,
    covers: [slo.covers],
    runbookSection: slo.runbookSection,
    severity: TICKET_SEVERITY,
    severityReason: `The runbook's < ${slo.budgetPercent} % is broken for an hour at a rate the budget survives: performance slow but functional, a ticket, not a page.`,
    source: "prometheus",
    value: `100 * (${errorRatioExpr(slo, sel, STEADY_RATIO_WINDOW)})`,
    comparator: ">=",
    threshold: slo.budgetPercent,
    unit: "percent",
    guard: {
      query: requestsPerHourExpr(slo, sel, STEADY_RATIO_WINDOW),
      min: lowTrafficGuardRequestsPerHour,
      unit: "per-hour",
      why: "below this traffic a single failed request is a large ratio",
    },
    forSeconds: 15 * 60,
    detection: {
      signal: "edge-logs",
      fillSeconds: Math.ceil((slo.budgetPercent / 100) * windowMinutes(STEADY_RATIO_WINDOW) * 60),
      caveat: `on a total failure, with at least ${lowTrafficGuardRequestsPerHour} requests an hour`,
    },
    summary: `${slo.title} errors are at or over the runbook's ${slo.budgetPercent} % over the last hour`,
    description: `${slo.title}: {{value}} % of requests failed over the last hour; the runbook's limit is < ${slo.budgetPercent} %.`,
    noData: "OK",
    execError: "Error",
    stateReason: "No traffic means no errors: an empty ratio must not alert.",
  };
}

/** Every alert on one SLO: the four burn rates and the steady ratio. */
export const sloAlerts = (slo: Slo, sel: Selectors, lowTrafficGuardRequestsPerHour: number): AlertSpec[] => [
  ...burnRateAlerts(slo, sel, lowTrafficGuardRequestsPerHour),
  steadyRatioAlert(slo, sel, lowTrafficGuardRequestsPerHour),
];

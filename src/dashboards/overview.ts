import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { alertContext } from "../alerts/context";
import { edgeSeries } from "../alerts/signals";
import { sloCatalog } from "../alerts/specs";
import type { DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import type { Row } from "./layout";
import { alertStat, alertTrend } from "./panels/alertPanels";
import { firingAlerts } from "./panels/health";
import { checksTrend, journeys, journeyTiles, systemDownTrend } from "./panels/journeys";
import { errorRatio, invocations, latencyByFunction } from "./panels/traffic";

/**
 * Grid rows that fit on a 1920x1080 screen without scrolling. Grafana's grid row is 30 px plus an
 * 8 px gap; a 1080 px screen leaves about 860 px under the browser and Grafana's own bars (tabs,
 * address bar, Grafana's top bar, the variables and time picker), so 22 rows are visible; 20 keeps
 * a margin for a smaller window. The first-screen test holds every first-screen panel to it.
 */
export const FIRST_SCREEN_ROWS = 20;

const ALERTS_HEIGHT = 6;
const JOURNEY_HEIGHT = 4;

/**
 * What an on-call engineer opens first. The first screen answers: what is firing (the alert lists,
 * top left), how each journey does against its budgets (three rows of tiles with sparklines), and
 * where to go next (every tile links to the journeys dashboard with the time range). Below the fold
 * the same numbers over time, where the alerts' state changes are drawn.
 */
export function overviewDashboard(ctx: DashboardContext): BuiltDashboard {
  const [overall, email, pdf] = sloCatalog(alertContext(ctx.settings));
  const burns = (slo: string) => ["fast", "medium", "slow", "veryslow"].map((s) => `${slo}-burn-${s}`);
  const functionVariable = new dashboard.QueryVariableBuilder("function")
    .label("Function")
    .datasource(ctx.prometheus)
    .query(`label_values(${edgeSeries.requestsPerMinute}, function)`)
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current({ text: "All", value: "$__all" })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  const allErrors = {
    ...alertStat(ctx, `${overall.id}-error-ratio-over-limit`, `All functions · errors, 1 h (< ${overall.budgetPercent} %)`, 4, [], "emailPdf"),
    height: ALERTS_HEIGHT,
  };
  const firstScreen: Row[] = [
    {
      panels: [
        firingAlerts(ctx, "Paging now (P0, P1)", ["P0", "P1"], 7, ALERTS_HEIGHT),
        firingAlerts(ctx, "Tickets open (P2, P3)", ["P2", "P3"], 7, ALERTS_HEIGHT),
        allErrors,
        { ...alertStat(ctx, "database-down", "Database up", 3, [], "database"), height: ALERTS_HEIGHT },
        { ...alertStat(ctx, "database-connections-high", "DB connections (% of max)", 3, [], "database"), height: ALERTS_HEIGHT },
      ],
    },
    ...journeys(ctx).map((j) => ({ panels: journeyTiles(ctx, j, 8, JOURNEY_HEIGHT) })),
  ];
  return compose(
    ctx,
    "overview",
    "The AIN MVP at a glance. First screen: what is firing, and each journey (PDF, email, VIN) against its budgets; click a tile for its dashboard. Below: the same over time, with alert state changes.",
    [
      ...firstScreen,
      {
        title: "Since when: latency against the runbook's budgets (p95, real traffic)",
        panels: [
          ...journeys(ctx).map((j) => alertTrend(ctx, j.latencyAlert, `${j.title} p95 latency (< ${ctx.alert(j.latencyAlert).threshold} s)`, 8, [j.severeLatencyAlert])),
        ],
      },
      {
        title: "Since when: error rates against the runbook's budgets",
        // The 5-minute ratio only: the tiles above show the hour, and the Overview stays under 25 queries.
        panels: [errorRatio(ctx, overall, burns("overall"), 8, ["5m"]), errorRatio(ctx, email, burns("email"), 8, ["5m"]), errorRatio(ctx, pdf, burns("pdf"), 8, ["5m"])],
      },
      {
        title: "Checks and traffic (the Function variable filters traffic and latency)",
        panels: [systemDownTrend(ctx, 6), checksTrend(ctx, 6), alertStat(ctx, "probe-location-failing", "Worst probe location (latest results)", 4), invocations(ctx, 4), latencyByFunction(ctx, 4)],
      },
    ],
    [functionVariable],
  );
}

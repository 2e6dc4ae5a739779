import { alertContext } from "../alerts/context";
import { burnAlertIds } from "../alerts/slo";
import { sloCatalog } from "../alerts/specs";
import type { DashboardContext } from "./common";
import { compose, type BuiltDashboard } from "./compose";
import type { Row } from "./layout";
import { alertStat, alertTrend } from "./panels/alertPanels";
import { firingAlerts } from "./panels/health";
import { journeys, journeyTiles, systemDownTrend } from "./panels/journeys";
import { readOnlyTile, replicaLagTile, rootDiskTile } from "./panels/databaseState";
import { errorRatio, errorsByFunction } from "./panels/traffic";

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
 * where to go next (every tile links to the journeys dashboard with the time range), with the
 * database host's state (read-only mode, replica lag, root filesystem) in the right-hand column.
 * Below the fold: which function the errors come from (each bar opens that function's failed
 * requests), the P0 signal, and the same numbers over time, where the alerts' state changes are drawn.
 */
export function overviewDashboard(ctx: DashboardContext): BuiltDashboard {
  const [overall, email, pdf] = sloCatalog(alertContext(ctx.settings));
  const allErrors = {
    ...alertStat(ctx, `${overall.id}-error-ratio-over-limit`, { text: "All functions · 5xx share, 1 h", limitUnit: "%" }, 4, [], "emailPdf"),
    height: ALERTS_HEIGHT,
  };
  // The database host's state beside the journeys: read-only mode breaks every write, a lagging
  // replica serves old reads, a full root filesystem is the host's own trouble.
  const hostTiles = [readOnlyTile(ctx, 6, JOURNEY_HEIGHT), replicaLagTile(ctx, 6, JOURNEY_HEIGHT), rootDiskTile(ctx, 6, JOURNEY_HEIGHT)];
  const firstScreen: Row[] = [
    {
      panels: [
        firingAlerts(ctx, "Paging now (P0, P1)", ["P0", "P1"], 7, ALERTS_HEIGHT, "oldest"),
        // Tickets newest first: a new P2 lands on top, not below months-old reminders.
        firingAlerts(ctx, "Tickets open (P2, P3)", ["P2", "P3"], 7, ALERTS_HEIGHT, "newest"),
        allErrors,
        { ...alertStat(ctx, "database-down", "Database up", 3, [], "database"), height: ALERTS_HEIGHT },
        { ...alertStat(ctx, "database-connections-high", "DB connections (% of max)", 3, [], "database"), height: ALERTS_HEIGHT },
      ],
    },
    ...journeys(ctx).map((j, i) => ({ panels: [...journeyTiles(ctx, j, 6, JOURNEY_HEIGHT), hostTiles[i]] })),
  ];
  return compose(
    ctx,
    "overview",
    "The AIN MVP at a glance. First screen: what is firing, and each journey (PDF, email, VIN) against its budgets; click a tile for its dashboard. Below: the same over time, with alert state changes.",
    [
      ...firstScreen,
      {
        title: "Which function fails, and is the whole system down?",
        panels: [errorsByFunction(ctx, overall.budgetPercent, 12, 8), systemDownTrend(ctx, 12)],
      },
      {
        title: "Since when: latency against the runbook's budgets (p95)",
        panels: [
          ...journeys(ctx).map((j) => alertTrend(ctx, j.latencyAlert, { text: `${j.title} p95 latency`, limitUnit: "s" }, 8, [j.severeLatencyAlert])),
        ],
      },
      {
        title: "Since when: error rates against the runbook's budgets",
        // The 5-minute ratio only: the tiles above show the hour, and the Overview stays under 25 queries.
        panels: [errorRatio(ctx, overall, burnAlertIds(overall), 8, ["5m"]), errorRatio(ctx, email, burnAlertIds(email), 8, ["5m"]), errorRatio(ctx, pdf, burnAlertIds(pdf), 8, ["5m"])],
      },
    ],
  );
}

import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type { AlertId } from "../alerts/names";

/**
 * Placing panels: each dashboard composes rows of panels with their widths, and this assigns grid
 * positions and panel ids in reading order. Ids are stable as long as the layout is.
 */
export interface PanelBuilderLike extends cog.Builder<dashboard.Panel> {
  gridPos(gridPos: dashboard.GridPos): this;
  id(id: number): this;
}

export interface Placed {
  panel: PanelBuilderLike;
  width: number;
  height?: number;
  /** Alert ids whose value this panel draws. */
  alerts?: AlertId[];
  /**
   * The panel the alert rule points at (a time series with the threshold line, where Grafana draws
   * the rule's state changes as annotations). Without one, the first panel drawing the alert is used.
   */
  alertHome?: boolean;
}

export interface Row {
  title?: string;
  panels: Placed[];
}

export const GRID_WIDTH = 24;

export interface LaidOut {
  panels: cog.Builder<dashboard.Panel | dashboard.RowPanel>[];
  /** Alert id -> the panel id that draws it, its home panel when it has one. */
  alertPanels: ReadonlyMap<AlertId, number>;
  /** Alerts that have a home panel on this dashboard. */
  homeAlerts: AlertId[];
}

export function layout(rows: Row[]): LaidOut {
  const panels: cog.Builder<dashboard.Panel | dashboard.RowPanel>[] = [];
  const alertPanels = new Map<AlertId, number>();
  const homeAlerts = new Set<AlertId>();
  let id = 1;
  let y = 0;
  for (const row of rows) {
    if (row.title) {
      panels.push(new dashboard.RowBuilder(row.title).id(id++).gridPos({ x: 0, y, w: GRID_WIDTH, h: 1 }));
      y += 1;
    }
    let x = 0;
    let rowHeight = 0;
    for (const placed of row.panels) {
      const h = placed.height ?? 8;
      if (x + placed.width > GRID_WIDTH) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      const panelId = id++;
      placed.panel.gridPos({ x, y, w: placed.width, h }).id(panelId);
      for (const alertId of placed.alerts ?? []) {
        if (homeAlerts.has(alertId)) continue;
        if (placed.alertHome) homeAlerts.add(alertId);
        if (placed.alertHome || !alertPanels.has(alertId)) alertPanels.set(alertId, panelId);
      }
      panels.push(placed.panel);
      x += placed.width;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return { panels, alertPanels, homeAlerts: [...homeAlerts] };
}

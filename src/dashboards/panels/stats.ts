import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import { describe, drillDown, thresholdsOf, type DashboardContext, type DashboardKey } from "../common";
import type { Placed } from "../layout";
import type { Colouring } from "../thresholds";

/**
 * Every stat on every dashboard is made here: explicit thresholds from a colour policy, the policy
 * spelt out in the description, a sparkline over the dashboard's range (so a tile says since when),
 * and where it links to. Nothing else builds a stat.
 */
export interface StatSpec {
  title: string;
  text: string;
  section: string;
  colours: Colouring;
  unit: string;
  datasource: common.DataSourceRef;
  targets: cog.Builder<cog.Dataquery>[];
  /** What an empty answer means, in words: "no requests in 5 min", not "No data". */
  noValue: string;
  /** The dashboard that explains this number; the time range goes along. */
  next?: DashboardKey;
  /** A panel time range of its own, such as "30d" for a monthly figure. */
  timeFrom?: string;
  /** Sparklines need a range query; SQL stats and fixed-window figures have none. */
  sparkline?: boolean;
  min?: number;
  max?: number;
  width?: number;
  height?: number;
  alerts?: string[];
  /** A unit per query, when one stat shows two figures (a count and its change in percent). */
  unitsByQuery?: Record<string, string>;
}

export const NEXT_TITLES: Record<DashboardKey, string> = {
  overview: "Overview",
  database: "Database dashboard",
  storage: "Storage dashboard",
  emailPdf: "Journeys dashboard",
  sharingTokens: "Sharing tokens dashboard",
  reviews: "Reviews dashboard",
  product: "Product dashboard",
};

export function statTile(ctx: DashboardContext, spec: StatSpec): Placed {
  const sparkline = spec.sparkline ?? true;
  const hasPolicy = spec.colours.steps.length > 1;
  const panel = new stat.PanelBuilder()
    .title(spec.title)
    .description(describe(ctx.settings, spec.text, spec.section, spec.colours))
    .datasource(spec.datasource)
    .targets(spec.targets)
    .unit(spec.unit)
    .thresholds(thresholdsOf(spec.colours))
    .colorMode(hasPolicy ? common.BigValueColorMode.Background : common.BigValueColorMode.Value)
    .graphMode(sparkline ? common.BigValueGraphMode.Area : common.BigValueGraphMode.None)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
    .noValue(spec.noValue);
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  if (spec.timeFrom) panel.timeFrom(spec.timeFrom);
  for (const [refId, unit] of Object.entries(spec.unitsByQuery ?? {})) panel.overrideByQuery(refId, [{ id: "unit", value: unit }]);
  if (spec.next) {
    const links = drillDown(ctx.settings, `Open the ${NEXT_TITLES[spec.next]}`, spec.next);
    panel.links(links).dataLinks(links);
  }
  return { panel, width: spec.width ?? 6, height: spec.height ?? 5, alerts: spec.alerts };
}

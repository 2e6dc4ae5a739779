import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import { describe, drillDown, thresholdsOf, type DashboardContext, type DashboardKey } from "../common";
import type { Placed } from "../layout";
import type { Colouring } from "../thresholds";
import type { AlertId } from "../../alerts/names";

/**
 * Every stat on every dashboard is made here: explicit thresholds from a colour policy, the policy
 * spelt out in the description, what an empty answer means, and where it links to. Nothing else
 * builds a stat.
 *
 * A tile never shows a dead signal's last good value. Grafana's `lastNotNull` over a range keeps
 * the last point a signal ever sent (for hours), and a missing value is painted in the base step's
 * colour (red or green). So Prometheus tiles ask for the value now (an instant query, where
 * Prometheus' own lookback drops a series that stopped), reduce with `last`, and a missing value is
 * mapped to a neutral grey with words that say the signal is missing: never green, never "healthy".
 * The trend panels below carry the history a sparkline would have shown.
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
  /** A sparkline over the dashboard range: only for figures that are not a signal's current state (product volumes). */
  sparkline?: boolean;
  min?: number;
  max?: number;
  width?: number;
  height?: number;
  alerts?: AlertId[];
  /** A unit per query, when one stat shows two figures (a count and its change in percent). */
  unitsByQuery?: Record<string, string>;
  /** Field overrides of one query: its display name, its own thresholds. */
  overridesByQuery?: Record<string, { id: string; value: unknown }[]>;
  /** Words for values (1 is "read-only"); "no value" is always mapped to grey. */
  mappings?: dashboard.ValueMapping[];
  /** Decimals shown; Grafana's default guesses. */
  decimals?: number;
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

/** The colour of "no value": neither green nor red, the same grey Grafana uses for weak text. */
export const SILENT_COLOUR = "#8e8e8e";

/**
 * Grafana applies value mappings to the empty answer before thresholds (fieldDisplay.ts,
 * createNoValuesFieldDisplay -> displayProcessor(null)): a special "null" mapping with a colour
 * replaces the base step's colour for "no data", and keeps the noValue text.
 */
export const silentMapping = (): dashboard.ValueMapping => ({
  type: dashboard.MappingType.SpecialValue,
  options: { match: dashboard.SpecialValueMatch.Null, result: { color: SILENT_COLOUR } },
});

export function statTile(ctx: DashboardContext, spec: StatSpec): Placed {
  const sparkline = spec.sparkline ?? false;
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
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["last"]).values(false))
    .mappings([...(spec.mappings ?? []), silentMapping()])
    .noValue(spec.noValue);
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  if (spec.max !== undefined) panel.max(spec.max);
  if (spec.timeFrom) panel.timeFrom(spec.timeFrom);
  const overrides = new Map<string, { id: string; value: unknown }[]>();
  for (const [refId, unit] of Object.entries(spec.unitsByQuery ?? {})) overrides.set(refId, [{ id: "unit", value: unit }]);
  for (const [refId, properties] of Object.entries(spec.overridesByQuery ?? {})) overrides.set(refId, [...(overrides.get(refId) ?? []), ...properties]);
  for (const [refId, properties] of overrides) panel.overrideByQuery(refId, properties);
  if (spec.next) {
    const links = drillDown(ctx.settings, `Open the ${NEXT_TITLES[spec.next]}`, spec.next);
    panel.links(links).dataLinks(links);
  }
  return { panel, width: spec.width ?? 6, height: spec.height ?? 5, alerts: spec.alerts };
}

import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import { alertContext } from "../alerts/context";
import type { Selectors } from "../alerts/signals";
import { alertSpecs } from "../alerts/specs";
import type { AlertId } from "../alerts/names";
import type { AlertSpec, Unit } from "../alerts/types";
import type { Settings } from "../config/settings";
import { githubAnchor } from "../config/runbookItems";
import { postgresDatasourceUid } from "../grafana/datasources";
import type { Colouring } from "./thresholds";

/**
 * Shared defaults of every dashboard: data sources, units, threshold styling, runbook links and
 * the uids dashboards link each other by. Panel factories and dashboards read these and nothing
 * else decides them.
 */

/** Each dashboard's uid, as a slug the stack's identity scopes: `ain-overview` in prod, `ain-<stack>-overview` elsewhere. */
export const dashboardSlugs = {
  overview: "overview",
  database: "database",
  storage: "storage",
  emailPdf: "email-pdf",
  sharingTokens: "sharing-tokens",
  reviews: "reviews",
  product: "product",
} as const;
export type DashboardKey = keyof typeof dashboardSlugs;
export const dashboardKeys = Object.keys(dashboardSlugs) as DashboardKey[];
export const dashboardUid = (settings: Pick<Settings, "identity">, key: DashboardKey): string => settings.identity.uid(dashboardSlugs[key]);

export const DASHBOARD_TAGS = ["ain", "runbook"];

export interface DashboardContext {
  settings: Settings;
  sel: Selectors;
  /** The alert specs by id: panels draw the same value and threshold the alerts use. */
  alert: (id: AlertId) => AlertSpec;
  alertIds: () => AlertId[];
  prometheus: common.DataSourceRef;
  postgres: common.DataSourceRef;
  loki: common.DataSourceRef;
}

export function dashboardContext(settings: Settings): DashboardContext {
  const specs = new Map(alertSpecs(settings).map((s) => [s.id, s]));
  return {
    settings,
    sel: alertContext(settings).sel,
    alert: (id) => {
      const spec = specs.get(id);
      if (!spec) throw new Error(`no alert ${id}`);
      return spec;
    },
    alertIds: () => [...specs.keys()],
    prometheus: { type: "prometheus", uid: settings.prometheusDatasourceUid },
    postgres: { type: "grafana-postgresql-datasource", uid: postgresDatasourceUid(settings) },
    loki: { type: "loki", uid: settings.lokiDatasourceUid },
  };
}

/** Grafana units for the model's units. */
export const grafanaUnit: Record<Unit, string> = {
  seconds: "s",
  percent: "percent",
  ratio: "percentunit",
  count: "short",
  "per-hour": "short",
  "burn-rate": "x",
  up: "bool_on_off",
  days: "d",
};

/** A panel's threshold steps from a colour policy of thresholds.ts: the only way panels get colours. */
export function thresholdsOf(c: Colouring): cog.Builder<dashboard.ThresholdsConfig> {
  // Twelve significant digits: a derived step (a plan limit over a year, 1969.2307692307693) reads as 1969.23076923, a runbook number as itself.
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(c.steps.map((s) => ({ ...s, value: s.value === null ? null : Number(s.value.toPrecision(12)) })));
}

export const thresholdLine = () => new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed);

export const runbookUrl = (settings: Settings, section: string) => `${settings.runbookUrl}#${githubAnchor(section)}`;

/** A panel description that ends with the runbook section to open; `colours` says what each colour means. */
export const describe = (settings: Settings, text: string, section: string, colours?: Colouring) =>
  `${text}${colours ? `\n\n${colours.legend}` : ""}\n\nRunbook: [${section}](${runbookUrl(settings, section)})`;

export function promTarget(expr: string, refId: string, legend = "__auto"): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().expr(expr).refId(refId).legendFormat(legend).range();
}

/**
 * The value now, for a stat: an instant query. Prometheus answers it only while the signal is
 * fresh (a scraped series ends with a stale marker; a recorded one, which has none, after the
 * 5-minute lookback), so a tile shows its "no data" words instead of a dead signal's last value.
 */
export function promNow(expr: string, refId: string, legend = "__auto"): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().expr(expr).refId(refId).legendFormat(legend).instant();
}

/** An SQL query for the PostgreSQL data source; the SDK has no builder for it. */
export class SqlTarget implements cog.Builder<cog.Dataquery> {
  constructor(
    /** The stack's PostgreSQL data source (ctx.postgres). */
    private readonly datasource: common.DataSourceRef,
    private readonly refId: string,
    private readonly rawSql: string,
    private readonly format: "table" | "time_series" = "table",
  ) {}

  build(): cog.Dataquery {
    const query = {
      refId: this.refId,
      datasource: this.datasource,
      rawSql: this.rawSql,
      format: this.format,
      rawQuery: true,
      editorMode: "code",
    };
    return query as unknown as cog.Dataquery;
  }
}

export const legend = () => new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom);

/**
 * Where next: a tile's link to the dashboard that explains it, carrying the time range over
 * (`${__url_time_range}`, Grafana's data-link variable for from/to). Used both as the panel's
 * header link and as a data link, so a click on the value itself opens it.
 */
export const drillDownUrl = (settings: Pick<Settings, "identity">, key: DashboardKey) => `/d/${dashboardUid(settings, key)}?\${__url_time_range}`;
export const drillDown = (settings: Pick<Settings, "identity">, title: string, key: DashboardKey) => [link(title, drillDownUrl(settings, key))];

/**
 * A link with no `placement`. The SDK's builder always writes its default,
 * `placement: "inControlsMenu"` (its only allowed value in SDK 0.0.21), and Grafana 12.3 and later
 * tuck such links into the controls menu, Runbook included. Without the field Grafana shows the
 * link in the dashboard's controls bar, as every version before did.
 */
export class Link implements cog.Builder<dashboard.DashboardLink> {
  private readonly model: dashboard.DashboardLink;
  constructor(title: string, url: string, options: Partial<Pick<dashboard.DashboardLink, "keepTime" | "includeVars" | "targetBlank" | "tooltip">> = {}) {
    this.model = { title, type: dashboard.DashboardLinkType.Link, icon: "", tooltip: options.tooltip ?? "", url, tags: [], asDropdown: false, targetBlank: options.targetBlank ?? false, includeVars: options.includeVars ?? false, keepTime: options.keepTime ?? false };
  }
  build(): dashboard.DashboardLink {
    return { ...this.model };
  }
}
export const link = (title: string, url: string) => new Link(title, url);

export const dashboardLink = (settings: Pick<Settings, "identity">, title: string, key: DashboardKey) => new Link(title, `/d/${dashboardUid(settings, key)}`, { keepTime: true, includeVars: true });
export const externalLink = (title: string, url: string) => new Link(title, url, { targetBlank: true });
export const supabaseDashboardUrl = (settings: Settings, page = "") => `https://supabase.com/dashboard/project/${settings.supabaseProjectRef}${page}`;

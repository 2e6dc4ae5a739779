import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { DASHBOARD_TAGS, dashboardKeys, dashboardLink, dashboardUid, externalLink, supabaseDashboardUrl, type DashboardContext, type DashboardKey } from "./common";
import { layout, type Row } from "./layout";
import type { AlertId } from "../alerts/names";

export interface BuiltDashboard {
  key: DashboardKey;
  uid: string;
  title: string;
  model: dashboard.Dashboard;
  /** Alert id -> panel id of the panel that draws its value. */
  alertPanels: ReadonlyMap<AlertId, number>;
  /** Alerts whose home panel (time series with threshold line and state annotations) is here. */
  homeAlerts: AlertId[];
}

const titles: Record<DashboardKey, string> = {
  overview: "AIN · Overview",
  database: "AIN · Database",
  storage: "AIN · Storage",
  emailPdf: "AIN · Journeys: email, PDF, VIN",
  sharingTokens: "AIN · Sharing tokens",
  reviews: "AIN · Daily, weekly, monthly reviews",
  product: "AIN · Product",
};

/**
 * How often each dashboard refreshes, by what it is for: on-call views every minute; the storage
 * view scans storage.objects through the pooler, so hourly; reviews and the product view answer
 * 7- to 30-day questions, so they never refresh by themselves ("" turns auto-refresh off).
 */
const refresh: Record<DashboardKey, string> = {
  overview: "1m",
  database: "1m",
  emailPdf: "1m",
  sharingTokens: "5m",
  storage: "1h",
  reviews: "",
  product: "",
};

/** The range each dashboard opens on. */
const timeRange: Record<DashboardKey, string> = {
  overview: "now-6h",
  database: "now-6h",
  emailPdf: "now-6h",
  sharingTokens: "now-7d",
  storage: "now-7d",
  reviews: "now-24h",
  product: "now-30d",
};

/** The parts every dashboard shares: uid, tags, time, links to the others and to Supabase. */
export function compose(
  ctx: DashboardContext,
  key: DashboardKey,
  description: string,
  rows: Row[],
  variables: cog.Builder<dashboard.VariableModel>[] = [],
  /** Links of this dashboard's own, before the links to the others. */
  ownLinks: cog.Builder<dashboard.DashboardLink>[] = [],
): BuiltDashboard {
  const { panels, alertPanels, homeAlerts } = layout(rows);
  // Another stack's dashboards read apart from prod's in search and in links: "AIN · Overview (staging)".
  const title = ctx.settings.identity.title(titles[key]);
  const builder = new dashboard.DashboardBuilder(title)
    .uid(dashboardUid(ctx.settings, key))
    .description(description)
    .tags([...DASHBOARD_TAGS, key])
    .timezone("utc")
    .time({ from: timeRange[key], to: "now" })
    .refresh(refresh[key])
    // One crosshair across every panel: a spike on one graph is found on the others at the same instant.
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .annotations([alertStateAnnotations(), deployAnnotations()].map((a) => new WithoutPlacement(a)))
    .editable()
    .variables([new dashboard.ConstantVariableBuilder("project").label("Supabase project").value(ctx.settings.supabaseProjectRef), ...variables])
    .links([
      ...ownLinks,
      ...dashboardKeys.filter((k) => k !== key).map((k) => dashboardLink(ctx.settings, titles[k].replace("AIN · ", ""), k)),
      externalLink("Supabase project", supabaseDashboardUrl(ctx.settings)),
      externalLink("Runbook", ctx.settings.runbookUrl),
    ]);
  for (const panel of panels) {
    if (panel instanceof dashboard.RowBuilder) builder.withRow(panel);
    else builder.withPanel(panel as cog.Builder<dashboard.Panel>);
  }
  // The series this project records, scoped by stack in every query, as the rules record them.
  const model = builder.build();
  return { key, uid: dashboardUid(ctx.settings, key), title, model, alertPanels, homeAlerts };
}

/**
 * Grafana's built-in "Annotations & Alerts" query: alert rules whose __dashboardUid__/__panelId__
 * point at a panel of this dashboard draw their state changes (pending, firing, normal) on it.
 */
function alertStateAnnotations() {
  return new dashboard.AnnotationQueryBuilder()
    .name("Annotations & Alerts")
    .builtIn(1)
    .datasource({ type: "grafana", uid: "-- Grafana --" })
    .enable(true)
    .hide(true)
    .iconColor("rgba(0, 211, 255, 1)")
    .type("dashboard");
}

/**
 * An annotation query with no `placement`: the SDK's builder always writes its default,
 * "inControlsMenu", which Grafana 12.3 and later tuck into the controls menu, as it does for links
 * (common.ts, Link). Without the field the Deploys toggle shows in the controls bar.
 */
class WithoutPlacement implements cog.Builder<dashboard.AnnotationQuery> {
  constructor(private readonly query: cog.Builder<dashboard.AnnotationQuery>) {}
  build(): dashboard.AnnotationQuery {
    const { placement: _placement, ...rest } = this.query.build();
    return rest;
  }
}

/** The tag the app's deploy job puts on the annotation it posts to Grafana (docs/dashboards.md, Deploy annotations). */
export const DEPLOY_ANNOTATION_TAG = "ain-deploy";

/** Grafana's own annotations tagged as deploys: the only deploy signal that reaches Grafana (the drain's deployment id is per line, not an event). */
class DeployTagsTarget implements cog.Builder<cog.Dataquery> {
  build(): cog.Dataquery {
    return { type: "tags", tags: [DEPLOY_ANNOTATION_TAG], matchAny: true, limit: 100 } as unknown as cog.Dataquery;
  }
}
function deployAnnotations() {
  return new dashboard.AnnotationQueryBuilder()
    .name("Deploys")
    .datasource({ type: "grafana", uid: "-- Grafana --" })
    .enable(true)
    .iconColor("purple")
    .target(new DeployTagsTarget());
}

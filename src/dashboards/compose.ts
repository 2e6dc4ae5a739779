import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { DASHBOARD_TAGS, dashboardLink, dashboardUids, externalLink, supabaseDashboardUrl, type DashboardContext, type DashboardKey } from "./common";
import { layout, type Row } from "./layout";

export interface BuiltDashboard {
  key: DashboardKey;
  uid: string;
  title: string;
  model: dashboard.Dashboard;
  /** Alert id -> panel id of the panel that draws its value. */
  alertPanels: Record<string, number>;
}

const titles: Record<DashboardKey, string> = {
  overview: "AIN · Overview",
  database: "AIN · Database",
  storage: "AIN · Storage",
  emailPdf: "AIN · Email & PDF",
  sharingTokens: "AIN · Sharing tokens",
  reviews: "AIN · Daily, weekly, monthly reviews",
};

/** The parts every dashboard shares: uid, tags, time, links to the others and to Supabase. */
export function compose(
  ctx: DashboardContext,
  key: DashboardKey,
  description: string,
  rows: Row[],
  variables: cog.Builder<dashboard.VariableModel>[] = [],
): BuiltDashboard {
  const { panels, alertPanels } = layout(rows);
  const builder = new dashboard.DashboardBuilder(titles[key])
    .uid(dashboardUids[key])
    .description(description)
    .tags([...DASHBOARD_TAGS, key])
    .timezone("utc")
    .time({ from: "now-6h", to: "now" })
    .refresh("1m")
    .editable()
    .variables([new dashboard.ConstantVariableBuilder("project").label("Supabase project").value(ctx.settings.supabaseProjectRef), ...variables])
    .links([
      ...(Object.keys(dashboardUids) as DashboardKey[]).filter((k) => k !== key).map((k) => dashboardLink(titles[k].replace("AIN · ", ""), k)),
      externalLink("Supabase project", supabaseDashboardUrl(ctx.settings)),
      externalLink("Runbook", ctx.settings.runbookUrl),
    ]);
  for (const panel of panels) {
    if (panel instanceof dashboard.RowBuilder) builder.withRow(panel);
    else builder.withPanel(panel as cog.Builder<dashboard.Panel>);
  }
  return { key, uid: dashboardUids[key], title: titles[key], model: builder.build(), alertPanels };
}

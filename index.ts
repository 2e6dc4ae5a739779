import * as pulumi from "@pulumi/pulumi";
import { AlertRules } from "./src/alerts/component";
import { grafanaRuleGroups } from "./src/alerts/render/grafana";
import { loadSettings } from "./src/config/load";
import { dashboardCatalog } from "./src/dashboards/all";
import { Dashboards } from "./src/dashboards/component";
import { Escalation } from "./src/escalation/component";
import { GitHubDelivery } from "./src/github/component";
import { readDelivery } from "./src/github/delivery";
import { AccessControl } from "./src/grafana/access";
import { postgresDatasourceUid as renderedPostgresUid } from "./src/grafana/datasources";
import { GrafanaFoundation } from "./src/grafana/foundation";
import { SupabaseMetricsScrape } from "./src/grafana/metricsScrape";
import { RotatingSecrets } from "./src/rotation/component";
import { SyntheticChecks } from "./src/synthetics/component";
import { probeIdSource } from "./src/synthetics/probeIds";
import { projectDir } from "./src/projectDir";

// Validate the whole config first: a bad value must stop the run before anything is registered.
const settings = loadSettings();
// Only the deploy job holds the Synthetic Monitoring token; a preview reads the last deploy's probe ids.
// The offline plan deploys nothing, like a preview (AIN_OFFLINE_PLAN, set by src/offline/engine.ts).
const previewing = pulumi.runtime.isDryRun() || process.env.AIN_OFFLINE_PLAN === "1";
const probeSource = settings.synthetics.enabled ? probeIdSource(process.env, previewing) : undefined;

const grafana = new GrafanaFoundation("grafana", { settings });
const withGrafana = { provider: grafana.provider };

const metricsScrape = settings.metricsScrape.enabled ? new SupabaseMetricsScrape("supabase-metrics", { settings }, withGrafana) : undefined;
const rotating = new RotatingSecrets("rotating-secrets", { settings });
const escalation = new Escalation("escalation", { settings, webhookSigningSecret: rotating.pagingWebhookSigningSecret }, withGrafana);
// Built once: the rules point at their panels, and the Dashboards component deploys them.
const builtDashboards = dashboardCatalog(settings);
// Rules routed per rule name contact points and a mute timing, which Grafana requires to exist first.
const alerts = new AlertRules(
  "alerts",
  { folderUid: grafana.folder.uid, groups: grafanaRuleGroups(settings, builtDashboards), postgresDatasourceUid: grafana.postgres.uid, renderedPostgresDatasourceUid: renderedPostgresUid(settings) },
  { ...withGrafana, dependsOn: [escalation] },
);
const synthetics = probeSource ? new SyntheticChecks("synthetics", { settings, probeIdSource: probeSource }, withGrafana) : undefined;
const dashboards = new Dashboards("dashboards", { folderUid: grafana.folder.uid, dashboards: builtDashboards }, withGrafana);
const access = new AccessControl(
  "access",
  {
    settings,
    folderUid: grafana.folder.uid,
    dashboards: builtDashboards.map((d, i) => ({ slug: d.uid, uid: dashboards.dashboards[i].uid })),
    postgresDatasourceUid: grafana.postgres.uid,
  },
  withGrafana,
);
// GitHub environments belong to a repository, not a stack: only the unprefixed stack (prod) declares them.
const delivery = settings.github.enabled && settings.stack === settings.unprefixedStack
  ? new GitHubDelivery("github", {
      settings,
      delivery: readDelivery(projectDir()),
      generated: {
        grafanaViewerToken: access.viewerToken,
        pagingSigningPrevious: rotating.pagingSigning.previous,
        pagingSigningCurrent: rotating.pagingSigning.current,
        pagingSigningNext: rotating.pagingSigning.next,
      },
    })
  : undefined;

export const folderUid = grafana.folder.uid;
export const postgresDatasourceUid = grafana.postgres.uid;
export const prometheusDatasourceUid = grafana.prometheusDatasourceUid;
export const ruleGroups = alerts.groups.map((g) => g.name);
export const contactPoints = escalation.contactPoints.map((c) => c.name);
export const dashboardUrls = dashboards.dashboards.map((d) => d.url);
export const githubEnvironments = delivery?.environments.map((e) => pulumi.interpolate`${e.repository}/${e.environment}`) ?? [];
/** For the paging webhook's receiver; a Pulumi secret, shown encrypted by `pulumi stack output`. */
export const pagingWebhookSigningSecret = pulumi.secret(rotating.pagingWebhookSigningSecret);
export const metricsScrapeJobs = metricsScrape?.jobs.map((j) => j.name) ?? [];
export const syntheticCheckJobs = synthetics?.checks.map((c) => c.job) ?? [];
/** Read back by the next preview, which holds no Synthetic Monitoring token (src/synthetics/probeIds.ts). */
export const syntheticProbeIds = synthetics?.probeIds ?? {};

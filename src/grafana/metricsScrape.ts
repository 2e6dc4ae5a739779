import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { Settings } from "../config/settings";

/**
 * The Supabase Metrics API, scraped into Grafana Cloud's Prometheus by Grafana Cloud itself: one
 * job for the primary and one per read replica, each its own target with its own
 * `supabase_identifier` (supabase docs, guides/telemetry/metrics: "scrape once per minute", HTTP
 * basic auth as `service_role` with a secret API key; replicas as separate targets, as
 * supabase/supabase-grafana's prometheus.target.yml.tpl does).
 */
export interface ScrapeTarget {
  /** Job name in Grafana Cloud, stable: it is part of the resource's id. */
  name: string;
  /** The primary's identifier is the project ref; a replica's is `<ref>-<region>-<id>`. */
  identifier: string;
  url: string;
}

export const metricsUrl = (identifier: string) => `https://${identifier}.supabase.co/customer/v1/privileged/metrics`;

export function scrapeTargets(settings: Settings): ScrapeTarget[] {
  const ref = settings.supabaseProjectRef;
  return [
    { name: settings.identity.uid("supabase-metrics"), identifier: ref, url: metricsUrl(ref) },
    ...settings.metricsScrape.readReplicas.map((replica) => ({
      // The replica's own suffix keeps the name short and unique within the project.
      name: settings.identity.uid(`supabase-metrics-${replica.slice(ref.length + 1)}`),
      identifier: replica,
      url: metricsUrl(replica),
    })),
  ];
}

/**
 * The scrape jobs' password is the project's secret key, service_role's: it can read and write
 * every table past RLS, so it is never stack config (which every preview can decrypt). The deploy
 * job passes it in this variable from the production environment (docs/delivery.md § Credentials).
 */
export const SUPABASE_SECRET_KEY_ENV = "SUPABASE_SECRET_KEY";

/**
 * The key from the environment as a Pulumi secret. A preview runs without it: it then stands a
 * placeholder in and ignores the field, so the preview shows no false change; `pulumi up` refuses
 * to run without it.
 */
export function supabaseSecretKey(env: NodeJS.ProcessEnv, dryRun: boolean): { value: pulumi.Output<string>; fromEnvironment: boolean } {
  const key = env[SUPABASE_SECRET_KEY_ENV]?.trim();
  if (key) return { value: pulumi.secret(key), fromEnvironment: true };
  if (!dryRun) {
    throw new pulumi.RunError(
      `${SUPABASE_SECRET_KEY_ENV} is not set: 'pulumi up' needs the Supabase project's secret key (sb_secret_..., Dashboard > Project Settings > API Keys) to create the Metrics API scrape jobs. The deploy workflow reads it from the production environment; from a laptop, 'read -rs ${SUPABASE_SECRET_KEY_ENV}; export ${SUPABASE_SECRET_KEY_ENV}'.`,
    );
  }
  return { value: pulumi.secret("set-by-the-deploy-job"), fromEnvironment: false };
}

export interface MetricsScrapeArgs {
  settings: Settings;
}

export class SupabaseMetricsScrape extends pulumi.ComponentResource {
  readonly jobs: grafana.connections.MetricsEndpointScrapeJob[];

  constructor(name: string, args: MetricsScrapeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:grafana:SupabaseMetricsScrape", name, {}, opts);
    const { settings } = args;
    const stackId = settings.metricsScrape.grafanaStackId ?? "";
    // The offline plan (AIN_OFFLINE_PLAN, set by src/offline/engine.ts) deploys nothing: a preview for this purpose.
    const key = supabaseSecretKey(process.env, pulumi.runtime.isDryRun() || process.env.AIN_OFFLINE_PLAN === "1");
    this.jobs = scrapeTargets(settings).map(
      (target) =>
        new grafana.connections.MetricsEndpointScrapeJob(
          target.name,
          {
            stackId,
            name: target.name,
            enabled: true,
            url: target.url,
            authenticationMethod: "basic",
            authenticationBasicUsername: "service_role",
            authenticationBasicPassword: key.value,
            scrapeIntervalSeconds: settings.metricsScrape.intervalSeconds,
          },
          { parent: this, ignoreChanges: key.fromEnvironment ? [] : ["authenticationBasicPassword"] },
        ),
    );
    this.registerOutputs({ jobs: this.jobs.map((j) => j.name) });
  }
}

import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { Settings } from "../config/load";

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

export interface MetricsScrapeArgs {
  settings: Settings;
}

export class SupabaseMetricsScrape extends pulumi.ComponentResource {
  readonly jobs: grafana.connections.MetricsEndpointScrapeJob[];

  constructor(name: string, args: MetricsScrapeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:grafana:SupabaseMetricsScrape", name, {}, opts);
    const { settings } = args;
    const stackId = settings.metricsScrape.grafanaStackId ?? "";
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
            authenticationBasicPassword: settings.secrets.supabaseSecretKey,
            scrapeIntervalSeconds: settings.metricsScrape.intervalSeconds,
          },
          { parent: this },
        ),
    );
    this.registerOutputs({ jobs: this.jobs.map((j) => j.name) });
  }
}

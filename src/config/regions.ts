/**
 * Grafana Cloud regions, as data: the one `grafanaCloud.region` key derives the Synthetic
 * Monitoring API and the connections API of a stack, so the checks and the scrape job can never
 * point at two different regions.
 *
 * Sources (read 2026-12):
 * - Synthetic Monitoring API: grafana/terraform-provider-grafana
 *   internal/resources/cloud/resource_synthetic_monitoring_installation.go derives it from the
 *   stack's region slug as `https://synthetic-monitoring-api-<slug without "prod-">.grafana.net`,
 *   with the exceptions copied below (smAPIURLsExceptions).
 * - Connections API: the provider's docs (docs/index.md, "Managing the Connections API") show the
 *   stack's `clusterName` `prod-eu-west-0` with `connectionsAPIURL`
 *   `https://connections-api-prod-eu-west-0.grafana.net`, i.e. `https://connections-api-<slug>.grafana.net`.
 * - The region slugs listed are those seen in those sources and in public configurations using
 *   them. A real region missing here is refused rather than guessed: set smUrl and
 *   metricsScrape.connectionsApiUrl yourself (grafana.com > your stack > Details) or add it here.
 */
export const GRAFANA_CLOUD_REGIONS = [
  "prod-us-central-0",
  "prod-us-east-0",
  "prod-eu-west-0",
  "prod-eu-west-2",
  "prod-gb-south-0",
  "prod-ca-east-0",
  "prod-sa-east-1",
  "prod-ap-northeast-0",
] as const;

/** The provider's exceptions to the Synthetic Monitoring API pattern, for slugs listed above. */
const SM_API_EXCEPTIONS: Record<string, string> = {
  "prod-gb-south-0": "https://synthetic-monitoring-api-gb-south.grafana.net",
};

export interface RegionUrls {
  smUrl: string;
  connectionsApiUrl: string;
}

export const isKnownRegion = (region: string): boolean => (GRAFANA_CLOUD_REGIONS as readonly string[]).includes(region);

/** The region's API URLs; undefined for a region this table does not know. */
export function regionUrls(region: string): RegionUrls | undefined {
  if (!isKnownRegion(region)) return undefined;
  return {
    smUrl: SM_API_EXCEPTIONS[region] ?? `https://synthetic-monitoring-api-${region.replace(/^prod-/, "")}.grafana.net`,
    connectionsApiUrl: `https://connections-api-${region}.grafana.net`,
  };
}

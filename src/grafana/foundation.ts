import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { Settings } from "../config/settings";
import { postgresDatasourceUid } from "./datasources";
import { alertFolderTitle } from "./folder";

export interface GrafanaFoundationArgs {
  settings: Settings;
}


/**
 * What every other component stands on: an explicit provider (so nothing reads ambient
 * credentials), the folder that holds dashboards and rule groups, and the data sources.
 */
export class GrafanaFoundation extends pulumi.ComponentResource {
  readonly provider: grafana.Provider;
  readonly folder: grafana.oss.Folder;
  readonly postgres: grafana.oss.DataSource;
  readonly prometheusDatasourceUid: string;
  readonly lokiDatasourceUid: string;

  constructor(name: string, args: GrafanaFoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:grafana:Foundation", name, {}, opts);
    const { settings } = args;

    this.provider = new grafana.Provider(
      "grafana",
      {
        // No credential here: the provider reads GRAFANA_AUTH, GRAFANA_SM_ACCESS_TOKEN and
        // GRAFANA_ONCALL_ACCESS_TOKEN from the job's environment, a Viewer token in a preview and
        // the Admin one in a deploy, so nothing that can change Grafana is stack config.
        url: settings.grafanaUrl,
        smUrl: settings.smUrl,
        oncallUrl: settings.paging.irm ? settings.oncallUrl : undefined,
        // The connections API token likewise: GRAFANA_CONNECTIONS_API_ACCESS_TOKEN, in the deploy job only.
        connectionsApiUrl: settings.metricsScrape.enabled ? settings.metricsScrape.connectionsApiUrl : undefined,
      },
      { parent: this },
    );
    const children = { parent: this, provider: this.provider };

    this.folder = new grafana.oss.Folder(
      "ain-monitoring",
      { uid: settings.folderUid, title: alertFolderTitle(settings), preventDestroyIfNotEmpty: true },
      children,
    );

    // Grafana reads the password and the CA certificate from secureJsonData only (its TLS loader,
    // pkg/tsdb/grafana-postgresql-datasource/tls/tls_loader.go, takes tlsCACert there when
    // tlsConfigurationMethod is file-content; Grafana Cloud has no file path to offer). Building
    // that JSON inside apply keeps the whole document a secret, because its input is one.
    const password = settings.secrets.postgresPassword;
    const tls = settings.postgresSslMode === "verify-full" ? { tlsConfigurationMethod: "file-content" } : {};
    const caCert = settings.postgresCaCertificate ? { tlsCACert: settings.postgresCaCertificate } : {};
    this.postgres = new grafana.oss.DataSource(
      "supabase-postgres",
      {
        type: "grafana-postgresql-datasource",
        uid: postgresDatasourceUid(settings),
        name: settings.identity.title("Supabase Postgres (read-only)"),
        url: `${settings.postgresHost}:${settings.postgresPort}`,
        username: settings.postgresUser,
        databaseName: settings.postgresDatabase,
        jsonDataEncoded: JSON.stringify({
          database: settings.postgresDatabase,
          sslmode: settings.postgresSslMode,
          ...tls,
          postgresVersion: 1500,
          timescaledb: false,
          maxOpenConns: 5,
          connMaxLifetime: 14400,
        }),
        secureJsonDataEncoded: password && pulumi.secret(password.apply((p) => JSON.stringify({ password: p, ...caCert }))),
      },
      children,
    );

    this.prometheusDatasourceUid = settings.prometheusDatasourceUid;
    this.lokiDatasourceUid = settings.lokiDatasourceUid;
    this.registerOutputs({ folderUid: this.folder.uid, postgresDatasourceUid: this.postgres.uid });
  }
}

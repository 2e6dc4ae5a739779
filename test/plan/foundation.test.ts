import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../../src/config/load";
import { runValidStack, settingsFor, type StackRun } from "../support/offline";

describe("the prod stack's Grafana foundation", () => {
  let prod: StackRun;
  let settings: Settings;
  beforeAll(async () => {
    prod = await runValidStack();
    settings = await settingsFor();
  });

  it("configures the provider from config, with no credential: the job's environment supplies GRAFANA_AUTH", () => {
    const provider = prod.one("pulumi:providers:grafana");
    expect(provider.inputs.url).toBe(settings.grafanaUrl);
    expect(provider.inputs.auth).toBeUndefined();
    expect(provider.inputs.smAccessToken).toBeUndefined();
    expect(provider.secretPaths).toEqual([]);
  });

  it("gives every Grafana resource the explicit provider, never ambient credentials", () => {
    const providerUrn = prod.one("pulumi:providers:grafana").urn;
    const grafanaResources = prod.resources.filter((r) => r.type.startsWith("grafana:"));
    expect(grafanaResources.length).toBeGreaterThan(1);
    for (const r of grafanaResources) expect(r.provider?.startsWith(`${providerUrn}::`), `${r.type} ${r.name}`).toBe(true);
  });

  it("declares the AIN folder with a stable uid that is not its title", () => {
    const folder = prod.one("grafana:oss/folder:Folder");
    expect(folder.inputs).toMatchObject({ uid: "ain-monitoring", title: "AIN monitoring", preventDestroyIfNotEmpty: true });
  });

  it("connects the Supabase database through the monitoring role, verifying the server against Supabase's CA", () => {
    const ds = prod.one("grafana:oss/dataSource:DataSource", "supabase-postgres");
    expect(ds.inputs).toMatchObject({
      type: "grafana-postgresql-datasource",
      uid: "ain-supabase-postgres",
      url: `${settings.postgresHost}:${settings.postgresPort}`,
      // Through the pooler, the role is addressed with the project's ref.
      username: `grafana_readonly.${settings.supabaseProjectRef}`,
    });
    const jsonData = JSON.parse(String(ds.inputs.jsonDataEncoded)) as Record<string, unknown>;
    // Field names from grafana/grafana pkg/tsdb/grafana-postgresql-datasource/tls: tlsCACert travels in secureJsonData.
    expect(jsonData).toMatchObject({ sslmode: "verify-full", tlsConfigurationMethod: "file-content", database: "postgres" });
    expect(jsonData).not.toHaveProperty("sslRootCertFile");
    expect(ds.secretPaths).toEqual(["secureJsonDataEncoded"]);
  });

  it("reads the CA certificate from the file the stack names: Supabase Root 2021 CA", async () => {
    const settings = await settingsFor();
    const cert = new X509Certificate(settings.postgresCaCertificate ?? "");
    expect(cert.subject).toContain("CN=Supabase Root 2021 CA");
    expect(cert.ca).toBe(true);
    // Published for Supabase's prod-ca-2021.crt (supabase-downloads .../prod/ssl/prod-ca-2021.crt), as other projects pin it.
    expect(cert.fingerprint256).toBe("80:70:25:AD:50:D4:ED:21:9D:2C:9C:7D:29:9C:00:4F:82:4E:B0:0C:F7:F6:5A:FE:F6:07:D0:7B:72:E6:CA:FA");
  });

  it("opts out of verifying the server only when the stack says so, and then sends no certificate", async () => {
    const run = await runValidStack({ set: { postgresSslMode: "require" }, unset: ["postgresCaCertFile"] });
    const jsonData = JSON.parse(String(run.one("grafana:oss/dataSource:DataSource").inputs.jsonDataEncoded)) as Record<string, unknown>;
    expect(jsonData.sslmode).toBe("require");
    expect(jsonData).not.toHaveProperty("tlsConfigurationMethod");
    const settings = await settingsFor({ set: { postgresSslMode: "require" }, unset: ["postgresCaCertFile"] });
    expect(settings.postgresCaCertificate).toBeUndefined();
  });

  it("derives the database host from the project ref when a stack gives none", async () => {
    const run = await runValidStack({ unset: ["postgresHost"], set: { supabaseProjectRef: "abcdefghijklmnopqrst" } });
    expect(run.one("grafana:oss/dataSource:DataSource").inputs.url).toBe("db.abcdefghijklmnopqrst.supabase.co:6543");
  });

  it("exports the uids other stacks and people need, none of them secret", () => {
    expect(prod.recording.stackOutputs).toMatchObject({
      folderUid: "ain-monitoring",
      postgresDatasourceUid: "ain-supabase-postgres",
      prometheusDatasourceUid: "grafanacloud-prom",
    });
  });
});

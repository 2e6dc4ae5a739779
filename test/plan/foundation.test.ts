import { beforeAll, describe, expect, it } from "vitest";
import { runValidStack, type StackRun } from "../support/offline";

describe("the prod stack's Grafana foundation", () => {
  let prod: StackRun;
  beforeAll(async () => {
    prod = await runValidStack();
  });

  it("configures the provider from config, with no credential: the job's environment supplies GRAFANA_AUTH", () => {
    const provider = prod.one("pulumi:providers:grafana");
    expect(provider.inputs.url).toBe("https://ain.grafana.net");
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

  it("connects the Supabase database through a read-only role with TLS required", () => {
    const ds = prod.one("grafana:oss/dataSource:DataSource", "supabase-postgres");
    expect(ds.inputs).toMatchObject({
      type: "grafana-postgresql-datasource",
      uid: "ain-supabase-postgres",
      url: "aws-0-eu-central-1.pooler.supabase.com:6543",
      username: "grafana_readonly.xltxqqzattxogxtqrggt",
    });
    const jsonData = JSON.parse(String(ds.inputs.jsonDataEncoded)) as Record<string, unknown>;
    expect(jsonData).toMatchObject({ sslmode: "require", database: "postgres" });
    expect(ds.secretPaths).toEqual(["secureJsonDataEncoded"]);
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

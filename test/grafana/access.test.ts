import { beforeAll, describe, expect, it } from "vitest";
import { runValidStack, type StackRun } from "../support/offline";

/**
 * Who may change and who may read the program's Grafana objects (src/grafana/access.ts), as the
 * program registers them. A FolderPermission, DashboardPermission or DataSourcePermission owns the
 * whole list: an item left out is removed (provider docs), so these lists are the whole truth.
 */
const TEAM = "AIN maintainers";
type Item = { permission: string; role?: string; teamId?: string };
const items = (r: { inputs: Record<string, unknown> }) => (r.inputs.permissions as Item[]).map((i) => (i.role ? `${i.role}:${i.permission}` : `team:${i.permission}`)).sort();

describe("Grafana permissions of the prod stack", () => {
  let prod: StackRun;
  beforeAll(async () => {
    prod = await runValidStack();
  });

  it("looks the owning team up by the configured name", () => {
    // The mock answers getTeam with an id derived from the name, so the items carry that team's id.
    const folder = prod.one("grafana:oss/folderPermission:FolderPermission");
    const teamItem = (folder.inputs.permissions as Item[]).find((i) => i.teamId !== undefined);
    expect(teamItem?.teamId).toMatch(/^\d+$/);
  });

  it("lets the team edit the folder and org Editors and Viewers only view it", () => {
    const folder = prod.one("grafana:oss/folderPermission:FolderPermission");
    expect(folder.inputs.folderUid).toBe("ain-monitoring");
    expect(items(folder)).toEqual(["Editor:View", "Viewer:View", "team:Edit"]);
  });

  it("declares the same on every dashboard, so a grant clicked onto one is removed at the next up", () => {
    const perms = prod.ofType("grafana:oss/dashboardPermission:DashboardPermission");
    const dashboards = prod.ofType("grafana:oss/dashboard:Dashboard");
    expect(perms.map((p) => p.inputs.dashboardUid).sort()).toEqual(dashboards.map((d) => JSON.parse(String(d.inputs.configJson)).uid).sort());
    for (const p of perms) expect(items(p), String(p.inputs.dashboardUid)).toEqual(["Editor:View", "Viewer:View", "team:Edit"]);
  });

  it("lets only the team query the PostgreSQL data source", () => {
    const ds = prod.one("grafana:enterprise/dataSourcePermission:DataSourcePermission");
    expect(ds.inputs).toMatchObject({ datasourceUid: "ain-supabase-postgres", datasourceType: "grafana-postgresql-datasource" });
    expect(items(ds)).toEqual(["team:Query"]);
  });

  it("gives the read-back and preview identity the Viewer role, nothing more", () => {
    expect(prod.one("grafana:oss/serviceAccount:ServiceAccount").inputs).toMatchObject({ role: "Viewer", name: "ain-monitoring-prod-viewer" });
  });
});

describe("on a Grafana plan without data source permissions", () => {
  it("declares none, and still the folder and dashboard ones", async () => {
    const run = await runValidStack({ set: { access: { team: TEAM, restrictPostgresQueries: false } } });
    expect(run.ofType("grafana:enterprise/dataSourcePermission:DataSourcePermission")).toEqual([]);
    expect(run.ofType("grafana:oss/folderPermission:FolderPermission")).toHaveLength(1);
  });
});

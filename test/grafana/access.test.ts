import { beforeAll, describe, expect, it } from "vitest";
import { dashboardUid, type DashboardKey } from "../../src/dashboards/common";
import { PRODUCT_TEAM, readerDashboards, readerTeams, TEAM as TEAM_KEY, type Reader } from "../../src/grafana/access";
import { offlineTeamId } from "../../src/offline/providerMocks";
import { runValidStack, settingsFor, type StackRun } from "../support/offline";

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

  it("lets only the team and the product owner's team query the PostgreSQL data source", async () => {
    const ds = prod.one("grafana:enterprise/dataSourcePermission:DataSourcePermission");
    expect(ds.inputs).toMatchObject({ datasourceUid: "ain-supabase-postgres", datasourceType: "grafana-postgresql-datasource" });
    const settings = await settingsFor();
    const ids = (ds.inputs.permissions as Item[]).map((i) => `${i.teamId}:${i.permission}`);
    expect(ids).toEqual([`${offlineTeamId(settings.access.team)}:Query`, `${offlineTeamId(settings.access.productTeam as string)}:Query`]);
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

/**
 * The runbook's three readers against the permissions as registered: every query of every
 * dashboard a reader reads must run for them. Prometheus and Loki are any org member's to query;
 * the PostgreSQL data source, when restricted, only the teams its permission names.
 */
describe("every intended reader can load the dashboards they read", () => {
  interface Target {
    datasource?: { uid?: string; type?: string };
  }
  interface Panel {
    title: string;
    datasource?: { uid?: string; type?: string };
    targets?: Target[];
  }

  async function unreadable(changes: Parameters<typeof runValidStack>[0] = {}) {
    const run = await runValidStack(changes);
    const settings = await settingsFor(changes);
    const ds = run.ofType("grafana:enterprise/dataSourcePermission:DataSourcePermission")[0];
    const queryTeams = new Set(ds ? (ds.inputs.permissions as Item[]).filter((i) => i.permission === "Query").map((i) => String(i.teamId)) : []);
    const dashboards = new Map(run.ofType("grafana:oss/dashboard:Dashboard").map((d) => [JSON.parse(String(d.inputs.configJson)).uid as string, JSON.parse(String(d.inputs.configJson)) as { panels: Panel[] }]));
    const teamName = { [TEAM_KEY]: settings.access.team, [PRODUCT_TEAM]: settings.access.productTeam ?? "" };
    const refused: string[] = [];
    for (const reader of ["onCallEngineer", "leadDeveloper", "productOwner"] as Reader[]) {
      const ids = readerTeams(settings, reader).map((t) => offlineTeamId(teamName[t]));
      for (const key of readerDashboards[reader]) {
        const uid = dashboardUid(settings, key as DashboardKey);
        const model = dashboards.get(uid);
        expect(model, uid).toBeDefined();
        for (const p of model?.panels ?? []) {
          for (const t of p.targets ?? []) {
            const type = t.datasource?.type ?? p.datasource?.type;
            const restricted = ds !== undefined && type === "grafana-postgresql-datasource";
            if (restricted && !ids.some((id) => queryTeams.has(id))) refused.push(`${reader}: ${uid} "${p.title}"`);
          }
        }
      }
    }
    return refused;
  }

  it("on the prod stack: the product owner's team queries PostgreSQL for the product counts, and only the teams do", async () => {
    expect(await unreadable()).toEqual([]);
    const prod = await runValidStack();
    const ds = prod.one("grafana:enterprise/dataSourcePermission:DataSourcePermission");
    expect(items(ds)).toEqual(["team:Query", "team:Query"]);
  });

  it("names the panels a product owner cannot load when no product team is set", async () => {
    const refused = await unreadable({ set: { access: { team: TEAM, restrictPostgresQueries: true } } });
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.startsWith("productOwner: ain-product"))).toBe(true);
    expect(refused).toEqual(expect.arrayContaining(['productOwner: ain-product "PDFs generated per day"', 'productOwner: ain-product "Reports shared per day"']));
  });

  it("refuses nobody where PostgreSQL is not restricted", async () => {
    expect(await unreadable({ set: { access: { team: TEAM, restrictPostgresQueries: false } } })).toEqual([]);
  });
});

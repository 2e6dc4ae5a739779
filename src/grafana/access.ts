import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { Settings } from "../config/settings";
import { periodDays } from "../rotation/periods";

/**
 * Who may change and who may read what the program declares in Grafana, as data. The team named
 * in `access.team` edits the folder and every dashboard in it; Viewers and Editors of the org view
 * them (an Editor could otherwise edit or delete these dashboards); Admins keep admin, as Grafana
 * always gives them. With `access.restrictPostgresQueries` only the team may query the PostgreSQL
 * data source: by default every org member can, Viewers included, through /api/ds/query.
 */
export const TEAM = "team";
/** The product owner's team (`access.productTeam`). */
export const PRODUCT_TEAM = "productTeam";
export interface PermissionItem {
  /** "team" and "productTeam" stand for the configured teams' ids, resolved at run time. */
  who: { role: "Viewer" | "Editor" } | { team: typeof TEAM | typeof PRODUCT_TEAM };
  permission: "View" | "Edit" | "Query";
}

/**
 * The runbook's three readers of the dashboards, as Grafana identities: the on-call engineer and
 * the lead developer are in the owning team; the product owner is an org Viewer, in
 * `access.productTeam` when it is set. Which dashboards each reads is what the access test holds
 * against the declared permissions: every query of every one must be theirs to run.
 */
export type Reader = "onCallEngineer" | "leadDeveloper" | "productOwner";
export const readerDashboards: Record<Reader, readonly string[]> = {
  onCallEngineer: ["overview", "database", "storage", "emailPdf", "sharingTokens"],
  leadDeveloper: ["overview", "database", "storage", "emailPdf", "sharingTokens", "reviews", "product"],
  productOwner: ["product", "overview"],
};
export function readerTeams(settings: Settings, reader: Reader): (typeof TEAM | typeof PRODUCT_TEAM)[] {
  if (reader !== "productOwner") return [TEAM];
  return settings.access.productTeam ? [PRODUCT_TEAM] : [];
}

export function accessSpec(settings: Settings): { folder: PermissionItem[]; dashboard: PermissionItem[]; postgres: PermissionItem[] | undefined } {
  const contents: PermissionItem[] = [
    { who: { team: TEAM }, permission: "Edit" },
    { who: { role: "Editor" }, permission: "View" },
    { who: { role: "Viewer" }, permission: "View" },
  ];
  return {
    folder: contents,
    // Dashboards inherit the folder's items; declaring them too removes any grant clicked onto a dashboard by hand.
    dashboard: contents,
    // The product owner's team reads the Product dashboard's SQL counts: the role exposes no names, tokens or literals.
    postgres: settings.access.restrictPostgresQueries
      ? [{ who: { team: TEAM }, permission: "Query" }, ...(settings.access.productTeam ? [{ who: { team: PRODUCT_TEAM }, permission: "Query" } as const] : [])]
      : undefined,
  };
}

/** The read-back identity: a Viewer service account whose token rotates every period. */
export const viewerTokenLifetime = (settings: Settings) => {
  const period = periodDays[settings.rotation.every] * 86400;
  // Valid for two periods, renewed by the first `pulumi up` in its second period: the scheduled deploy.
  return { secondsToLive: 2 * period, earlyRotationWindowSeconds: period };
};

/**
 * The token's name prefix. rotation.rotateNow (the breach response) is folded in as a short hash, so
 * changing it changes the prefix, which replaces the token: a token cannot be edited in place.
 */
export const viewerTokenPrefix = (settings: Settings) =>
  `ain-monitoring-${settings.stack}-viewer` + (settings.rotation.rotateNow ? `-${createHash("sha256").update(settings.rotation.rotateNow).digest("hex").slice(0, 8)}` : "");

export interface AccessControlArgs {
  settings: Settings;
  folderUid: pulumi.Input<string>;
  /** Each dashboard by its slug (a stable resource name) and its uid output (so the permission waits for it). */
  dashboards: { slug: string; uid: pulumi.Input<string> }[];
  postgresDatasourceUid: pulumi.Input<string>;
}

export class AccessControl extends pulumi.ComponentResource {
  /** The Viewer token, a Pulumi secret: the preview's Grafana credential and the deploy's read-back. */
  readonly viewerToken: pulumi.Output<string>;

  constructor(name: string, args: AccessControlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:grafana:AccessControl", name, {}, opts);
    const { settings } = args;
    const child = { parent: this };
    const spec = accessSpec(settings);
    const teamIds = {
      [TEAM]: grafana.oss.getTeamOutput({ name: settings.access.team }, child).teamId.apply(String),
      ...(settings.access.productTeam ? { [PRODUCT_TEAM]: grafana.oss.getTeamOutput({ name: settings.access.productTeam }, child).teamId.apply(String) } : {}),
    } as Record<string, pulumi.Output<string>>;
    const items = (list: PermissionItem[]) => list.map((i) => ("team" in i.who ? { teamId: teamIds[i.who.team], permission: i.permission } : { role: i.who.role, permission: i.permission }));

    new grafana.oss.FolderPermission("ain-folder", { folderUid: args.folderUid, permissions: items(spec.folder) }, child);
    for (const d of args.dashboards) {
      new grafana.oss.DashboardPermission(`${d.slug}-permissions`, { dashboardUid: d.uid, permissions: items(spec.dashboard) }, child);
    }
    if (spec.postgres) {
      new grafana.enterprise.DataSourcePermission(
        "ain-postgres",
        {
          datasourceUid: args.postgresDatasourceUid,
          datasourceType: "grafana-postgresql-datasource",
          permissions: items(spec.postgres).map((i) => ({ teamId: i.teamId, permission: i.permission })),
        },
        child,
      );
    }

    const viewer = new grafana.oss.ServiceAccount("ain-viewer", { name: `ain-monitoring-${settings.stack}-viewer`, role: "Viewer" }, child);
    const token = new grafana.oss.ServiceAccountRotatingToken(
      "ain-viewer-token",
      { serviceAccountId: viewer.id, namePrefix: viewerTokenPrefix(settings), ...viewerTokenLifetime(settings), deleteOnDestroy: true },
      { parent: this, additionalSecretOutputs: ["key"] },
    );
    this.viewerToken = pulumi.secret(token.key);
    this.registerOutputs({});
  }
}

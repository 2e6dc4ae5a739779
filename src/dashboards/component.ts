import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { dashboardJson } from "./all";
import type { BuiltDashboard } from "./compose";

export interface DashboardsArgs {
  folderUid: pulumi.Input<string>;
  dashboards: BuiltDashboard[];
}

/** Deploys the rendered dashboards into the folder. Named by uid, so a new title replaces nothing. */
export class Dashboards extends pulumi.ComponentResource {
  readonly dashboards: grafana.oss.Dashboard[];

  constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:dashboards:Dashboards", name, {}, opts);
    this.dashboards = args.dashboards.map(
      (d) => new grafana.oss.Dashboard(d.uid, { folder: args.folderUid, configJson: dashboardJson(d), overwrite: true, message: "Managed by ain-monitoring" }, { parent: this }),
    );
    this.registerOutputs({ dashboardUids: args.dashboards.map((d) => d.uid) });
  }
}

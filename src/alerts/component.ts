import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { GrafanaRuleGroup } from "./render/grafana";

export interface AlertRulesArgs {
  folderUid: pulumi.Input<string>;
  groups: GrafanaRuleGroup[];
  /**
   * The PostgreSQL data source's uid, as the resource's output: the SQL rules then depend on the
   * data source, so Pulumi creates it first and replaces the rules if it is replaced.
   */
  postgresDatasourceUid: pulumi.Input<string>;
  /** The uid the rendering wrote for that data source (postgresDatasourceUid(settings)), which this replaces. */
  renderedPostgresDatasourceUid: string;
}

/** Maps the rendered rule groups onto Grafana RuleGroups in the folder. No logic lives here. */
export class AlertRules extends pulumi.ComponentResource {
  readonly groups: grafana.alerting.RuleGroup[];

  constructor(name: string, args: AlertRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ain:alerts:AlertRules", name, {}, opts);
    this.groups = args.groups.map(
      (group) =>
        new grafana.alerting.RuleGroup(
          group.name,
          {
            name: group.name,
            folderUid: args.folderUid,
            intervalSeconds: group.intervalSeconds,
            rules: group.rules.map((rule) => ({
              ...rule,
              datas: rule.datas.map((d) => (d.datasourceUid === args.renderedPostgresDatasourceUid ? { ...d, datasourceUid: args.postgresDatasourceUid } : d)),
            })),
          },
          // The component's dependsOn (the contact points and mute timing per-rule routing names) holds for every group.
          { parent: this, dependsOn: opts?.dependsOn },
        ),
    );
    this.registerOutputs({ ruleGroups: this.groups.map((g) => g.name) });
  }
}

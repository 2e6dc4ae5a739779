import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { GrafanaRuleGroup } from "./render/grafana";

export interface AlertRulesArgs {
  folderUid: pulumi.Input<string>;
  groups: GrafanaRuleGroup[];
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
          { name: group.name, folderUid: args.folderUid, intervalSeconds: group.intervalSeconds, rules: group.rules },
          { parent: this },
        ),
    );
    this.registerOutputs({ ruleGroups: this.groups.map((g) => g.name) });
  }
}

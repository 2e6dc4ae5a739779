import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runValidStack } from "../support/offline";
import { runPlan, tempDir } from "../support/processes";

/**
 * Two stacks in one Grafana org: prod, and a staging stack whose file is a plain copy of
 * Pulumi.prod.yaml. Staging is planned with the real `npm run plan` command line, as a person
 * adding a stack would; prod is the same program under the same offline engine, run in this
 * process. They must share no Grafana object: no uid, no org-unique name, no check job, no
 * recorded series, and not the org's notification policy tree.
 */
interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Every identity a Grafana object holds in the org, as "kind: value". */
function grafanaIdentities(resources: PlannedResource[]): string[] {
  const ids: string[] = [];
  for (const r of resources) {
    const i = r.inputs;
    switch (r.type) {
      case "grafana:oss/folder:Folder":
        ids.push(`folder uid: ${i.uid}`, `folder title: ${i.title}`);
        break;
      case "grafana:oss/dataSource:DataSource":
        ids.push(`data source uid: ${i.uid}`, `data source name: ${i.name}`);
        break;
      case "grafana:oss/dashboard:Dashboard":
        ids.push(`dashboard uid: ${(JSON.parse(String(i.configJson)) as { uid: string }).uid}`);
        break;
      case "grafana:alerting/contactPoint:ContactPoint":
        ids.push(`contact point: ${i.name}`);
        break;
      case "grafana:alerting/muteTiming:MuteTiming":
        ids.push(`mute timing: ${i.name}`);
        break;
      case "grafana:alerting/notificationPolicy:NotificationPolicy":
        ids.push("the org's notification policy tree");
        break;
      case "grafana:alerting/ruleGroup:RuleGroup": {
        ids.push(`rule group: ${i.folderUid}/${i.name}`);
        for (const rule of i.rules as { uid: string; record?: { metric: string }; labels?: Record<string, string> }[]) {
          ids.push(`rule uid: ${rule.uid}`);
          if (rule.record) ids.push(`recorded series: ${rule.record.metric}${JSON.stringify(rule.labels ?? {})}`);
        }
        break;
      }
      case "grafana:syntheticMonitoring/check:Check":
        ids.push(`check job: ${i.job}`);
        break;
      case "grafana:connections/metricsEndpointScrapeJob:MetricsEndpointScrapeJob":
        ids.push(`scrape job: ${i.name}`);
        break;
      default:
        if (r.type.startsWith("grafana:") && typeof i.name === "string") ids.push(`${r.type}: ${i.name}`);
    }
  }
  return ids;
}

const plan = (stack: string, configFile: string) => {
  const out = tempDir(`plan-${stack}`);
  const run = runPlan(["--stack", stack, "--config-file", configFile, "--out", out]);
  if (run.status !== 0) throw new Error(`plan of ${stack} failed: ${run.stderr}${run.stdout}`);
  return JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as { resources: PlannedResource[] };
};

interface PlannedRule {
  uid: string;
  name: string;
  record?: unknown;
  labels?: Record<string, string>;
  notificationSettings?: { contactPoint: string; groupWait: string };
  datas: { model: string }[];
}

describe("a staging stack made by copying Pulumi.prod.yaml", () => {
  let prod: string[];
  let staging: string[];
  let stagingResources: PlannedResource[];
  beforeAll(async () => {
    const copy = path.join(tempDir("staging-copy"), "Pulumi.staging.yaml");
    fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), copy);
    prod = grafanaIdentities((await runValidStack()).recording.resources);
    stagingResources = plan("staging", copy).resources;
    staging = grafanaIdentities(stagingResources);
  }, 120_000);

  const stagingRules = () =>
    stagingResources.filter((r) => r.type === "grafana:alerting/ruleGroup:RuleGroup").flatMap((g) => g.inputs.rules as PlannedRule[]);

  it("reads only its own recorded series, in every rule and every dashboard query", () => {
    const texts = [
      ...stagingRules().flatMap((r) => r.datas.map((d) => d.model)),
      ...stagingResources.filter((r) => r.type === "grafana:oss/dashboard:Dashboard").map((r) => String(r.inputs.configJson)),
    ];
    expect(texts.filter((t) => /\bain:(edge|slo)_/.test(t))).toEqual([]);
    expect(texts.filter((t) => t.includes("ain_staging:")).length).toBeGreaterThan(10);
  });

  it("routes every alert rule itself, with a companion per later escalation step, instead of owning the org's tree", () => {
    const alerting = stagingRules().filter((r) => !r.record);
    expect(alerting.every((r) => r.notificationSettings !== undefined)).toBe(true);
    const databaseDown = alerting.filter((r) => r.name.startsWith("DatabaseDown"));
    expect(databaseDown.map((r) => `${r.notificationSettings?.contactPoint} after ${r.notificationSettings?.groupWait}`)).toEqual([
      "ain-staging-p0-on-call after 10s",
      "ain-staging-p0-lead-developer after 30m",
      "ain-staging-p0-product-owner after 1h",
    ]);
  });

  it("declares the same kinds of Grafana objects as prod", () => {
    const kinds = (ids: string[]) => [...new Set(ids.map((id) => id.split(":")[0]))].sort();
    expect(kinds(staging)).toEqual(kinds(prod).filter((k) => k !== "the org's notification policy tree"));
    expect(staging.length).toBeGreaterThan(100);
  });

  it("shares no Grafana object with prod", () => {
    const shared = staging.filter((id) => prod.includes(id));
    expect(shared).toEqual([]);
  });

  it("leaves the org's notification policy tree to prod, its named owner", () => {
    expect(prod).toContain("the org's notification policy tree");
    expect(staging).not.toContain("the org's notification policy tree");
  });

  it("keeps prod's existing identities", () => {
    for (const id of ["folder uid: ain-monitoring", "dashboard uid: ain-overview", "rule uid: ain-database-down", "contact point: ain-p0-on-call", "check job: ain-health-check"]) {
      expect(prod).toContain(id);
    }
  });
});

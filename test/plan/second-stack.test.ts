import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { identityFor } from "../../src/config/identity";
import { emailSubject } from "../../src/escalation/subject";
import { parse, parseDocument } from "yaml";
import type { Settings } from "../../src/config/load";
import { FIXTURE_STACK_FILE, ROOT, runValidStack, settingsFor } from "../support/offline";
import { runPlan, tempDir } from "../support/processes";

/**
 * A second stack, made as docs/adopting.md § Adding a stack says: a copy of Pulumi.prod.yaml with the
 * document's own block of replacements applied (read from the document, so the test follows it
 * literally). Staging is planned with the real `npm run plan` command line; prod is the same
 * program under the same offline engine, run in this process. Expectations come from the document's
 * block and prod's validated settings, not from values written here. A plain copy is refused.
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
  return { stdout: run.stdout, resources: (JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as { resources: PlannedResource[] }).resources };
};

interface PlannedRule {
  uid: string;
  name: string;
  record?: unknown;
  labels?: Record<string, string>;
  notificationSettings?: { contactPoint: string; groupWait: string };
  datas: { model: string }[];
}

/** The keys docs/adopting.md § Adding a stack tells a person to replace, read from that document. */
function guideStagingBlock(): Record<string, unknown> {
  const guide = fs.readFileSync(path.join(ROOT, "docs/adopting.md"), "utf8");
  const block = /<!-- adding-a-stack:begin -->\n```yaml\n([\s\S]*?)```\n<!-- adding-a-stack:end -->/.exec(guide)?.[1];
  if (!block) throw new Error("docs/adopting.md § Adding a stack has no adding-a-stack block");
  return (parse(block) as { config: Record<string, unknown> }).config;
}

/** `cp Pulumi.prod.yaml Pulumi.staging.yaml`, then the document's replacements (and `extra`), as a person would. */
function stagingFile(extra: Record<string, unknown> = {}, withGuide = true): string {
  const copy = path.join(tempDir("staging-copy"), "Pulumi.staging.yaml");
  fs.copyFileSync(FIXTURE_STACK_FILE, copy);
  if (withGuide || Object.keys(extra).length > 0) {
    const doc = parseDocument(fs.readFileSync(copy, "utf8"));
    for (const [key, value] of Object.entries({ ...(withGuide ? guideStagingBlock() : {}), ...extra })) doc.setIn(["config", key], value);
    fs.writeFileSync(copy, doc.toString());
  }
  return copy;
}

const rulesOf = (resources: PlannedResource[]) => resources.filter((r) => r.type === "grafana:alerting/ruleGroup:RuleGroup").flatMap((g) => g.inputs.rules as PlannedRule[]);

describe("a plain copy of Pulumi.prod.yaml under another stack name", () => {
  it("is refused: it would monitor prod's project and page prod's people, each named by its key", () => {
    const out = tempDir("plan-copy");
    const run = runPlan(["--stack", "staging", "--config-file", stagingFile({}, false), "--out", out]);
    expect(run.status).toBe(1);
    for (const key of ["supabaseProjectRef", "contacts.onCallEngineer.email", "contacts.leadDeveloper.email", "contacts.productOwner.email"]) {
      expect(run.stderr).toContain(`ain-monitoring:${key}: `);
    }
    expect(run.stderr).toContain("is prod's project (Pulumi.prod.yaml)");
    expect(fs.existsSync(out) && fs.readdirSync(out).length > 0).toBe(false);
  }, 60_000);
});

describe("a staging stack made by following docs/adopting.md § Adding a stack", () => {
  let prod: string[];
  let prodSettings: Settings;
  let staging: string[];
  let stagingResources: PlannedResource[];
  let stagingOut: string;
  const block = guideStagingBlock();
  const ref = String(block["ain-monitoring:supabaseProjectRef"]);
  beforeAll(async () => {
    prodSettings = await settingsFor();
    prod = grafanaIdentities((await runValidStack()).recording.resources);
    const planned = plan("staging", stagingFile());
    stagingResources = planned.resources;
    stagingOut = planned.stdout;
    staging = grafanaIdentities(stagingResources);
  }, 120_000);

  it("monitors its own project: scrape job, checks and data source follow its ref", () => {
    expect(ref).not.toBe(prodSettings.supabaseProjectRef);
    const scrape = stagingResources.filter((r) => r.type === "grafana:connections/metricsEndpointScrapeJob:MetricsEndpointScrapeJob");
    expect(scrape.map((r) => r.inputs.url)).toEqual([`https://${ref}.supabase.co/customer/v1/privileged/metrics`]);
    const datasource = stagingResources.find((r) => r.type === "grafana:oss/dataSource:DataSource");
    const host = String(datasource?.inputs.url);
    expect(datasource?.inputs.username).toBe(host.includes(".pooler.supabase.com") ? `grafana_readonly.${ref}` : "grafana_readonly");
    const texts = [...rulesOf(stagingResources).flatMap((r) => r.datas.map((d) => d.model)), ...stagingResources.map((r) => JSON.stringify(r.inputs))];
    expect(texts.filter((t) => t.includes(prodSettings.supabaseProjectRef))).toEqual([]);
  });

  it("notifies its own people only, with subjects that name the stack", () => {
    const points = stagingResources.filter((r) => r.type === "grafana:alerting/contactPoint:ContactPoint");
    const emails = points.flatMap((p) => (p.inputs.emails as { addresses: string[]; subject: string }[]).flatMap((e) => e.addresses));
    const prodPeople = (["onCallEngineer", "leadDeveloper", "productOwner"] as const).map((who) => prodSettings.contacts[who].email);
    expect(emails.filter((e) => prodPeople.includes(e))).toEqual([]);
    const contacts = block["ain-monitoring:contacts"] as Record<string, { email: string }>;
    expect(new Set(emails)).toEqual(new Set(["onCallEngineer", "leadDeveloper", "productOwner"].map((who) => contacts[who].email)));
    // The subject is the one emailSubject renders for this stack (what it says, on a real
    // Alertmanager: test/escalation/subjects.test.ts); it names the stack when no rule name does.
    for (const p of points) for (const e of p.inputs.emails as { subject: string }[]) expect(e.subject).toBe(emailSubject(identityFor("staging", "prod")));
    expect(emailSubject(identityFor("staging", "prod"))).toMatch(/ \(staging\)\{\{ end \}\}$/);
  });

  it("owns its own Grafana stack's tree: escalation is routed there, with no companion rules", () => {
    expect(stagingResources.map((r) => r.type)).toContain("grafana:alerting/notificationPolicy:NotificationPolicy");
    const alerting = rulesOf(stagingResources).filter((r) => !r.record);
    expect(alerting.length).toBeGreaterThan(0);
    expect(alerting.filter((r) => r.notificationSettings !== undefined || r.labels?.escalation_step !== undefined)).toEqual([]);
  });

  it("prints the budgets it shares with prod, each with its limit", () => {
    expect(stagingOut).toMatch(/Grafana Cloud budgets \(free plan, hard limits; stacks counted: staging, prod\)/);
    expect(stagingOut).toMatch(/^ {2}Rules: +\d+ of 100 rules in Grafana stack ain-staging\.grafana\.net/m);
    expect(stagingOut).toMatch(/^ {2}SM executions: +[\d,]+ of 100,000 executions a month in the account .*; staging 0, prod [\d,]+$/m);
  });

  it("reads only its own recorded series, in every rule and every dashboard query", () => {
    const texts = [
      ...rulesOf(stagingResources).flatMap((r) => r.datas.map((d) => d.model)),
      ...stagingResources.filter((r) => r.type === "grafana:oss/dashboard:Dashboard").map((r) => String(r.inputs.configJson)),
    ];
    expect(texts.filter((t) => /\bain:(edge|slo)_/.test(t))).toEqual([]);
    expect(texts.filter((t) => t.includes("ain_staging:")).length).toBeGreaterThan(10);
  });

  it("shares no Grafana object with prod, and ends its folder's and data source's names with (staging)", () => {
    // Each owns a tree, but of its own Grafana stack (the document's block gives staging its own grafanaUrl).
    expect(staging.filter((id) => prod.includes(id) && id !== "the org's notification policy tree")).toEqual([]);
    expect(staging).toContain("folder title: AIN monitoring (staging)");
    expect(staging.filter((id) => id.startsWith("data source name: ")).every((id) => id.endsWith(" (staging)"))).toBe(true);
  });

  it("ends every rule's and dashboard's title with (staging), so its notifications and lists read apart from prod's", () => {
    const ruleNames = rulesOf(stagingResources).map((r) => r.name);
    expect(ruleNames.length).toBeGreaterThan(40);
    expect(ruleNames.filter((n) => !n.endsWith(" (staging)"))).toEqual([]);
    const titles = stagingResources.filter((r) => r.type === "grafana:oss/dashboard:Dashboard").map((r) => (JSON.parse(String(r.inputs.configJson)) as { title: string }).title);
    expect(titles).toHaveLength(7);
    expect(titles.filter((t) => !t.endsWith(" (staging)"))).toEqual([]);
  });

  it("keeps prod's existing identities", () => {
    for (const id of ["folder uid: ain-monitoring", "dashboard uid: ain-overview", "rule uid: ain-database-down", "contact point: ain-p0-on-call", "check job: ain-health-check"]) {
      expect(prod).toContain(id);
    }
  });
});

describe("a staging stack in prod's Grafana stack, on the Pro plan", () => {
  let resources: PlannedResource[];
  let stdout: string;
  beforeAll(async () => {
    const prodSettings = await settingsFor();
    const planned = plan(
      "staging",
      stagingFile({
        "ain-monitoring:grafanaUrl": prodSettings.grafanaUrl,
        "ain-monitoring:notificationPolicyOwner": prodSettings.notificationPolicyOwner ?? "prod",
        "ain-monitoring:grafanaCloud": { region: prodSettings.grafanaCloud.region, plan: "pro" },
      }),
    );
    resources = planned.resources;
    stdout = planned.stdout;
  }, 120_000);

  it("routes every alert rule itself, with a companion per later escalation step, and leaves the org's tree to prod", () => {
    const alerting = rulesOf(resources).filter((r) => !r.record);
    expect(alerting.every((r) => r.notificationSettings !== undefined)).toBe(true);
    expect(alerting.some((r) => r.labels?.escalation_step !== undefined)).toBe(true);
    expect(resources.map((r) => r.type)).not.toContain("grafana:alerting/notificationPolicy:NotificationPolicy");
  });

  it("shares no Grafana object with prod in the one org they share, not even the notification policy tree", async () => {
    const prod = grafanaIdentities((await runValidStack()).recording.resources);
    expect(grafanaIdentities(resources).filter((id) => prod.includes(id))).toEqual([]);
  });

  it("is planned on Pro, counting both stacks' rules against Pro's limit", () => {
    expect(stdout).toMatch(/Grafana Cloud budgets \(pro plan, included amounts; stacks counted: staging, prod\)/);
    expect(stdout).toMatch(/^ {2}Rules: +\d+ of 2,000 rules in Grafana stack .*; staging \d+, prod \d+$/m);
  });
});

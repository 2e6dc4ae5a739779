import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { alertmanagerConfig } from "../../src/escalation/alertmanager";
import { severityRoutes } from "../../src/escalation/policy";
import type { Settings } from "../../src/config/load";
import { runValidStack, settingsFor, type StackRun } from "../support/offline";
import { runCommand, tempDir } from "../support/processes";

interface PolicyStep {
  contactPoint: string;
  groupWait: string;
  continue?: boolean;
  muteTimings?: string[];
}
interface PolicyRoute {
  matchers: { label: string; match: string; value: string }[];
  contactPoint: string;
  groupInterval: string;
  repeatInterval: string;
  policies: PolicyStep[];
}

const contacts = {
  onCallEngineer: { name: "Ada", email: "ada@ain-mvp.example", irmUsername: "ada" },
  leadDeveloper: { name: "Lin", email: "lin@ain-mvp.example", irmUsername: "lin" },
  productOwner: { name: "Pia", email: "pia@ain-mvp.example", irmUsername: "pia" },
  externalSupport: { name: "Supabase support", email: "support@supabase.io", url: "https://supabase.com/dashboard/support/new" },
};

describe("escalation in a stack that owns the org's notification policy (prod)", () => {
  let prod: StackRun;
  let settings: Settings;
  beforeAll(async () => {
    prod = await runValidStack({ set: { contacts } });
    settings = await settingsFor({ set: { contacts } });
  });
  const allRoutes = () => prod.one("grafana:alerting/notificationPolicy:NotificationPolicy").inputs.policies as unknown as PolicyRoute[];
  /** Our rules' routes, by `severity`; Synthetic Monitoring's twins are checked on the real Alertmanager. */
  const routes = () => allRoutes().filter((r) => r.matchers[0].label === "severity");
  const bySeverity = () => Object.fromEntries(routes().map((r) => [r.matchers[0].value, r]));
  const steps = (severity: string) => bySeverity()[severity].policies.map((p) => `${p.contactPoint} after ${p.groupWait}${p.continue ? ", continue" : ""}`);

  it("walks the runbook's chain for a P0: on-call at once, the lead after 30 minutes still firing, the product owner 30 minutes later", () => {
    expect(steps("P0")).toEqual(["ain-p0-on-call after 10s, continue", "ain-p0-lead-developer after 30m, continue", "ain-p0-product-owner after 1h"]);
    expect(bySeverity().P0).toMatchObject({ repeatInterval: "30m" });
  });

  it("hands a P1 to the lead developer only after the P1 response time", () => {
    expect(steps("P1")).toEqual(["ain-p1-on-call after 30s, continue", "ain-p1-lead-developer after 2h"]);
    expect(bySeverity().P1).toMatchObject({ repeatInterval: "2h" });
  });

  it("sends P2 and P3 once, as tickets and a digest", () => {
    expect(steps("P2")).toEqual(["ain-p2-on-call-and-lead-developer after 5m"]);
    expect(steps("P3")).toEqual(["ain-p3-lead-developer-and-product-owner after 1h"]);
    // Alertmanager forgets notifications after 5 days; a longer repeat would behave like 5 days anyway.
    expect(bySeverity().P3).toMatchObject({ repeatInterval: "5d", groupInterval: "1h" });
  });

  it("never mutes P0 or P1 for maintenance, and mutes every P2 and P3 step (mute timings are not inherited)", () => {
    const muted = routes().flatMap((r) => r.policies.filter((p) => p.muteTimings?.includes("ain-planned-maintenance")).map(() => r.matchers[0].value));
    expect(muted).toEqual(["P2", "P3"]);
    const timing = prod.one("grafana:alerting/muteTiming:MuteTiming");
    expect(timing.inputs).toMatchObject({ name: "ain-planned-maintenance", intervals: [{ weekdays: ["sunday"], times: [{ start: "02:00", end: "04:00" }], location: "UTC" }] });
  });

  it("registers a contact point for every step, each emailing that step's people", () => {
    const registered = prod.ofType("grafana:alerting/contactPoint:ContactPoint");
    const emails = Object.fromEntries(registered.map((c) => [c.inputs.name, (c.inputs.emails as { addresses: string[] }[])[0].addresses]));
    expect(emails).toEqual({
      "ain-p0-on-call": ["ada@ain-mvp.example"],
      "ain-p0-lead-developer": ["lin@ain-mvp.example"],
      "ain-p0-product-owner": ["pia@ain-mvp.example"],
      "ain-p1-on-call": ["ada@ain-mvp.example"],
      "ain-p1-lead-developer": ["lin@ain-mvp.example"],
      "ain-p2-on-call-and-lead-developer": ["ada@ain-mvp.example", "lin@ain-mvp.example"],
      "ain-p3-lead-developer-and-product-owner": ["lin@ain-mvp.example", "pia@ain-mvp.example"],
    });
    for (const r of allRoutes()) for (const p of r.policies) expect(Object.keys(emails)).toContain(p.contactPoint);
  });

  it("ends every P0 and P1 notification with the external-support contact, and no P2 or P3 one", () => {
    const message = (name: string) => (prod.one("grafana:alerting/contactPoint:ContactPoint", name).inputs.emails as { message?: string }[])[0].message ?? "";
    for (const name of ["ain-p0-on-call", "ain-p0-lead-developer", "ain-p0-product-owner", "ain-p1-on-call", "ain-p1-lead-developer"]) {
      expect(message(name)).toContain("Supabase support <support@supabase.io> https://supabase.com/dashboard/support/new");
    }
    expect(message("ain-p2-on-call-and-lead-developer")).toBe("");
  });

  it("moves the lead's step with the runbook's numbers", async () => {
    const changed = await settingsFor({ set: { contacts, runbook: { severities: { P1: { responseMinutes: 180 } }, escalation: { leadDeveloperAfterMinutes: 15 } } } });
    const p1 = severityRoutes(changed).find((r) => r.severity === "P1");
    expect(p1?.repeatInterval).toBe("3h");
    expect(p1?.steps.map((s) => s.afterMinutes)).toEqual([0, 180]);
    expect(severityRoutes(changed).find((r) => r.severity === "P0")?.steps.map((s) => s.afterMinutes)).toEqual([0, 15, 45]);
  });

  it("is the routing tree Alertmanager's own amtool resolves, severity by severity", () => {
    const dir = tempDir("amtool");
    const file = path.join(dir, "routing.yml");
    fs.writeFileSync(file, alertmanagerConfig(settings));
    const check = runCommand("amtool", ["check-config", file]);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const receiverFor = (...labels: string[]) => runCommand("amtool", ["config", "routes", "test", `--config.file=${file}`, ...labels]).stdout.trim();
    expect(receiverFor("severity=P0", "alertname=DatabaseDown")).toBe("ain-p0-on-call,ain-p0-lead-developer,ain-p0-product-owner");
    expect(receiverFor("severity=P1")).toBe("ain-p1-on-call,ain-p1-lead-developer");
    expect(receiverFor("severity=P2")).toBe("ain-p2-on-call-and-lead-developer");
    expect(receiverFor("severity=P3")).toBe("ain-p3-lead-developer-and-product-owner");
    expect(receiverFor("alertname=Unlabelled")).toBe("ain-p2-on-call-and-lead-developer");
    expect(receiverFor("namespace=synthetic_monitoring", "job=ain-health-check", "label_severity=P1")).toBe("ain-p1-on-call,ain-p1-lead-developer");
  });
});

describe("escalation with paging on", () => {
  it("builds the runbook's contact chain in IRM: on-call, then the lead after 30 minutes, then the product owner", async () => {
    const run = await runValidStack({
      set: { paging: { irm: true }, contacts, oncallUrl: "https://oncall-prod-eu-west-0.grafana.net/oncall" },
    });
    const chain = (prefix: string) =>
      run
        .ofType("grafana:onCall/escalation:Escalation")
        .filter((e) => e.name.startsWith(prefix))
        .map((e) => e.inputs)
        .sort((a, b) => Number(a.position) - Number(b.position))
        .map((e) => (e.type === "wait" ? `wait ${Number(e.duration) / 60}m` : `notify ${(e.personsToNotifies as string[]).join(",")}`));
    expect(chain("ain-p0-")).toEqual(["notify irm-user-ada", "wait 30m", "notify irm-user-lin", "wait 30m", "notify irm-user-pia"]);
    expect(chain("ain-p1-")).toEqual(["notify irm-user-ada", "wait 120m", "notify irm-user-lin"]);
    // IRM escalates with acknowledgements: Grafana's policy then routes only the first step of P0 and P1.
    expect(run.ofType("grafana:alerting/contactPoint:ContactPoint").map((c) => c.inputs.name)).not.toContain("ain-p0-lead-developer");
    const page = run.one("grafana:alerting/contactPoint:ContactPoint", "ain-p0-on-call");
    const p1 = run.one("grafana:alerting/contactPoint:ContactPoint", "ain-p1-on-call");
    expect((page.inputs.oncalls as { url: string }[])[0].url).toMatch(/^https:\/\//);
    expect((page.inputs.oncalls as { url: string }[])[0].url).not.toBe((p1.inputs.oncalls as { url: string }[])[0].url);
    expect(run.one("grafana:alerting/contactPoint:ContactPoint", "ain-p2-on-call-and-lead-developer").inputs.oncalls).toBeUndefined();
    // The IRM token is the deploy job's GRAFANA_ONCALL_ACCESS_TOKEN, never a provider input from the stack.
    expect(run.one("pulumi:providers:grafana").inputs.oncallAccessToken).toBeUndefined();
  });

  it("pages through the webhook and PagerDuty with their secrets kept secret", async () => {
    const run = await runValidStack({
      set: { paging: { webhook: true, pagerduty: true } },
      secrets: { pagingWebhookUrl: "https://hooks.example/SENTINEL-hook", pagerdutyIntegrationKey: "SENTINEL-pd" },
    });
    const page = run.one("grafana:alerting/contactPoint:ContactPoint", "ain-p0-on-call");
    // The generated signing secret too: before, it reached plan.json in clear.
    expect([...page.secretPaths].sort()).toEqual(["pagerduties[0].integrationKey", "webhooks[0].hmacConfig.secret", "webhooks[0].url"]);
    // Grafana signs "<unix seconds>:<body>" and sends the seconds, so a receiver can refuse a replay.
    expect((page.inputs.webhooks as { hmacConfig: Record<string, string> }[])[0].hmacConfig).toEqual({ secret: "[secret]", header: "X-AIN-Signature", timestampHeader: "X-AIN-Timestamp" });
    expect(JSON.stringify(run.recording)).not.toMatch(/SENTINEL-(hook|pd)/);
    expect((page.inputs.pagerduties as { severity: string }[])[0].severity).toBe("critical");
  });

  it("without IRM registers no escalation chain", async () => {
    const run = await runValidStack();
    expect(run.ofType("grafana:onCall/escalationChain:EscalationChain")).toEqual([]);
  });
});

describe("escalation in a stack that leaves the org's tree alone", () => {
  it("routes every alert rule itself, after the contact points and mute timing it names exist", async () => {
    const run = await runValidStack({ set: { contacts }, unset: ["notificationPolicyOwner"] });
    expect(run.ofType("grafana:alerting/notificationPolicy:NotificationPolicy")).toEqual([]);
    const points = run.ofType("grafana:alerting/contactPoint:ContactPoint");
    const named = new Set(points.map((p) => String(p.inputs.name)));
    const timing = run.one("grafana:alerting/muteTiming:MuteTiming");
    for (const group of run.ofType("grafana:alerting/ruleGroup:RuleGroup")) {
      for (const rule of group.inputs.rules as { record?: unknown; notificationSettings?: { contactPoint: string; muteTimings?: string[] } }[]) {
        if (rule.record) continue;
        expect(named, group.name).toContain(rule.notificationSettings?.contactPoint);
        for (const m of rule.notificationSettings?.muteTimings ?? []) expect(m).toBe(timing.inputs.name);
      }
      // Grafana refuses a rule whose contact point or mute timing does not exist yet.
      for (const p of [...points, timing]) expect(group.dependencies, `${group.name} after ${p.name}`).toContain(p.urn);
    }
  });
});

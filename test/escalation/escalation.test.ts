import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { alertmanagerConfig } from "../../src/escalation/alertmanager";
import { severityRoutes } from "../../src/escalation/policy";
import type { Settings } from "../../src/config/load";
import { runValidStack, settingsFor, type StackRun } from "../support/offline";
import { runCommand, tempDir } from "../support/processes";

interface PolicyRoute {
  matchers: { label: string; match: string; value: string }[];
  contactPoint: string;
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  muteTimings?: string[];
}

const contacts = {
  onCallEngineer: { name: "Ada", email: "ada@ain-mvp.example", irmUsername: "ada" },
  leadDeveloper: { name: "Lin", email: "lin@ain-mvp.example", irmUsername: "lin" },
  productOwner: { name: "Pia", email: "pia@ain-mvp.example", irmUsername: "pia" },
  externalSupport: { name: "Supabase support", email: "support@supabase.io" },
};

describe("escalation in the prod stack (email only)", () => {
  let prod: StackRun;
  let settings: Settings;
  beforeAll(async () => {
    prod = await runValidStack();
    settings = await settingsFor();
  });

  it("routes each severity to its contact point with timings from the runbook's response times", () => {
    const policy = prod.one("grafana:alerting/notificationPolicy:NotificationPolicy");
    const routes = policy.inputs.policies as unknown as PolicyRoute[];
    const bySeverity = Object.fromEntries(routes.map((r) => [r.matchers[0].value, r]));
    expect(routes.every((r) => r.matchers.length === 1 && r.matchers[0].label === "severity" && r.matchers[0].match === "=")).toBe(true);
    expect(bySeverity.P0).toMatchObject({ contactPoint: "ain-p0-critical", groupWait: "0s", repeatInterval: "30m" });
    expect(bySeverity.P1).toMatchObject({ contactPoint: "ain-p1-high", repeatInterval: "2h" });
    expect(bySeverity.P2).toMatchObject({ contactPoint: "ain-p2-medium", repeatInterval: "1d" });
    expect(bySeverity.P3).toMatchObject({ contactPoint: "ain-p3-weekly", groupInterval: "7d", repeatInterval: "7d" });
    const registeredPoints = prod.ofType("grafana:alerting/contactPoint:ContactPoint").map((c) => c.inputs.name);
    for (const r of routes) expect(registeredPoints).toContain(r.contactPoint);
  });

  it("never mutes P0 or P1 for maintenance, and mutes P2 and P3", () => {
    const routes = prod.one("grafana:alerting/notificationPolicy:NotificationPolicy").inputs.policies as unknown as PolicyRoute[];
    const muted = routes.filter((r) => r.muteTimings?.includes("ain-planned-maintenance")).map((r) => r.matchers[0].value);
    expect(muted).toEqual(["P2", "P3"]);
    const timing = prod.one("grafana:alerting/muteTiming:MuteTiming");
    expect(timing.inputs).toMatchObject({ name: "ain-planned-maintenance", intervals: [{ weekdays: ["sunday"], times: [{ start: "02:00", end: "04:00" }], location: "UTC" }] });
  });

  it("emails the people of the runbook's chain, per severity", () => {
    const emails = (name: string) => ((prod.one("grafana:alerting/contactPoint:ContactPoint", name).inputs.emails as { addresses: string[] }[])[0].addresses);
    expect(emails("ain-p0-critical")).toEqual(["oncall@ain-mvp.example", "lead-dev@ain-mvp.example"]);
    expect(emails("ain-p1-high")).toEqual(["oncall@ain-mvp.example"]);
    expect(emails("ain-p3-weekly")).toEqual(["lead-dev@ain-mvp.example", "product@ain-mvp.example"]);
  });

  it("moves P1's repeat with the runbook's response time", async () => {
    const changed = await settingsFor({ set: { runbook: { severities: { P1: { responseMinutes: 180 } } } } });
    expect(severityRoutes(changed).find((r) => r.severity === "P1")?.repeatInterval).toBe("3h");
    expect(severityRoutes(settings).find((r) => r.severity === "P1")?.repeatInterval).toBe("2h");
  });

  it("is the routing tree Alertmanager's own amtool resolves, severity by severity", () => {
    const dir = tempDir("amtool");
    const file = path.join(dir, "routing.yml");
    fs.writeFileSync(file, alertmanagerConfig(settings));
    const check = runCommand("amtool", ["check-config", file]);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const receiverFor = (...labels: string[]) => runCommand("amtool", ["config", "routes", "test", `--config.file=${file}`, ...labels]).stdout.trim();
    expect(receiverFor("severity=P0", "alertname=DatabaseDown")).toBe("ain-p0-critical");
    expect(receiverFor("severity=P1")).toBe("ain-p1-high");
    expect(receiverFor("severity=P2")).toBe("ain-p2-medium");
    expect(receiverFor("severity=P3")).toBe("ain-p3-weekly");
    expect(receiverFor("alertname=Unlabelled")).toBe("ain-p2-medium");
  });
});

describe("escalation with paging on", () => {
  it("builds the runbook's contact chain in IRM: on-call, then the lead after 30 minutes, then the product owner", async () => {
    const run = await runValidStack({
      set: { paging: { irm: true }, contacts, oncallUrl: "https://oncall-prod-eu-west-0.grafana.net/oncall" },
    });
    const steps = run
      .ofType("grafana:onCall/escalation:Escalation")
      .map((e) => e.inputs)
      .sort((a, b) => Number(a.position) - Number(b.position))
      .map((e) => (e.type === "wait" ? `wait ${Number(e.duration) / 60}m` : `notify ${(e.personsToNotifies as string[]).join(",")}`));
    expect(steps).toEqual(["notify irm-user-ada", "wait 30m", "notify irm-user-lin", "wait 30m", "notify irm-user-pia"]);
    const page = run.one("grafana:alerting/contactPoint:ContactPoint", "ain-p0-critical");
    expect((page.inputs.oncalls as { url: string }[])[0].url).toMatch(/^https:\/\//);
    expect(run.one("grafana:alerting/contactPoint:ContactPoint", "ain-p2-medium").inputs.oncalls).toBeUndefined();
    // The IRM token is the deploy job's GRAFANA_ONCALL_ACCESS_TOKEN, never a provider input from the stack.
    expect(run.one("pulumi:providers:grafana").inputs.oncallAccessToken).toBeUndefined();
  });

  it("pages through the webhook and PagerDuty with their secrets kept secret", async () => {
    const run = await runValidStack({
      set: { paging: { webhook: true, pagerduty: true } },
      secrets: { pagingWebhookUrl: "https://hooks.example/SENTINEL-hook", pagerdutyIntegrationKey: "SENTINEL-pd" },
    });
    const page = run.one("grafana:alerting/contactPoint:ContactPoint", "ain-p0-critical");
    // The generated signing secret too: before, it reached plan.json in clear.
    expect(page.secretPaths.sort()).toEqual(["pagerduties[0].integrationKey", "webhooks[0].hmacConfig.secret", "webhooks[0].url"]);
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

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFor } from "../../src/config/identity";
import type { Settings } from "../../src/config/load";
import { alertmanagerConfig } from "../../src/escalation/alertmanager";
import { escalationSteps } from "../../src/escalation/policy";
import { checkSpecs } from "../../src/synthetics/checks";
import { alertmanagerWithSink, type Alertmanager } from "../support/alertmanager";
import { settingsFor } from "../support/offline";
import { smtpSink, type SmtpSink } from "../support/smtpSink";

/**
 * The notification email's subject, rendered by Debian's real Alertmanager (Grafana's notifier is
 * its fork and renders the same template) and read off the SMTP conversation by a loopback sink.
 * Timings are scaled by a tenth, so the first step's gathering wait (seconds) still gathers an
 * outage's alerts posted together on a busy machine, and the later steps (minutes) never come.
 * Each scenario has its own Alertmanager and sink.
 */
const SCALE = 1 / 10;
const WAIT_MS = 8000;

let settings: Settings;
const running: (Alertmanager | SmtpSink)[] = [];
beforeAll(async () => {
  settings = await settingsFor();
});
afterAll(() => running.forEach((r) => r.stop()));

async function emailsFor(s: Settings, alerts: { labels: Record<string, string> }[]) {
  const sink = await smtpSink();
  const am = await alertmanagerWithSink();
  running.push(sink, am);
  await am.start(alertmanagerConfig(s, { timeScale: SCALE, emailSmarthost: sink.address }));
  await am.post(alerts);
  const until = Date.now() + WAIT_MS;
  while (Date.now() < until && sink.emails().length === 0) await new Promise((r) => setTimeout(r, 50));
  // Let the rest of the group's first flush arrive.
  await new Promise((r) => setTimeout(r, 300));
  return sink.emails();
}

const rule = (alertname: string, severity: string, extra: Record<string, string> = {}) => ({ labels: { alertname, severity, team: "ain", ...extra } });

describe.concurrent("what a notification's subject says, on a real Alertmanager", () => {
  it.concurrent("names every rule of a two-rule P0 outage, each once, after the severity", async () => {
    const emails = await emailsFor(settings, [rule("DatabaseDown", "P0"), rule("EdgeFunctionsDown", "P0"), rule("EdgeFunctionsDown", "P0", { function: "decode-vin" })]);
    const onCall = escalationSteps(settings).P0[0];
    const first = emails.find((e) => e.to.includes(settings.contacts[onCall.people[0]].email));
    console.log(`two-rule P0 outage: ${JSON.stringify(first?.subject)}`);
    expect(first?.subject).toMatch(/^\[P0\] /);
    expect(first?.subject.slice(5).split(", ").sort()).toEqual(["DatabaseDown", "EdgeFunctionsDown"]);
  });

  it.concurrent("gives Synthetic Monitoring's per-check alerts their check's severity", async () => {
    const check = checkSpecs(settings)[0];
    const emails = await emailsFor(settings, [
      // As SM's plugin-managed rules carry them: no `severity`, the check's labels as label_*.
      { labels: { alertname: "ProbeFailedExecutionsTooHigh", namespace: "synthetic_monitoring", job: check.job, instance: check.url, label_severity: check.labels.severity } },
    ]);
    console.log(`SM alert: ${JSON.stringify(emails.map((e) => e.subject))}`);
    expect(emails.map((e) => e.subject)).toContain(`[${check.labels.severity}] ProbeFailedExecutionsTooHigh`);
  });

  it.concurrent("names a non-prod stack's rules as their titles carry the stack, each once, and the stack only once", async () => {
    const staging: Settings = { ...settings, identity: identityFor("staging", settings.unprefixedStack) };
    // A non-prod rule's alertname is its title, which ends in " (staging)" (render/grafana.ts).
    const named = (name: string) => staging.identity.title(name);
    const emails = await emailsFor(staging, [rule(named("DatabaseDown"), "P0"), rule(named("EdgeFunctionsDown"), "P0"), rule(named("EdgeFunctionsDown"), "P0", { function: "decode-vin" })]);
    console.log(`staging P0 outage: ${JSON.stringify(emails.map((e) => e.subject))}`);
    const subject = emails[0]?.subject ?? "";
    expect(subject).toMatch(/^\[P0\] /);
    expect(subject.slice(5).split(", ").sort()).toEqual(["DatabaseDown (staging)", "EdgeFunctionsDown (staging)"]);
  });

  it.concurrent("adds the stack to Synthetic Monitoring's alerts of a non-prod stack, whose names are SM's own", async () => {
    const staging: Settings = { ...settings, identity: identityFor("staging", settings.unprefixedStack) };
    const check = checkSpecs(staging)[0];
    const emails = await emailsFor(staging, [
      { labels: { alertname: "ProbeFailedExecutionsTooHigh", namespace: "synthetic_monitoring", job: check.job, instance: check.url, label_severity: check.labels.severity } },
    ]);
    expect(emails.map((e) => e.subject)).toContain(`[${check.labels.severity}] ProbeFailedExecutionsTooHigh (staging)`);
  });
});

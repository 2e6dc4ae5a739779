import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertmanagerConfig } from "../../src/escalation/alertmanager";
import { escalationSteps } from "../../src/escalation/policy";
import { checkSpecs } from "../../src/synthetics/checks";
import type { Settings } from "../../src/config/load";
import { alertmanagerWithSink, type Alertmanager, type Notification } from "../support/alertmanager";
import { settingsFor } from "../support/offline";

/**
 * The rendered routing tree on Debian's real Alertmanager, timings scaled so that the runbook's
 * 30 minutes pass in 3 seconds. Alerts go in through its API; a local webhook sink records who is
 * told, when. Each scenario has its own Alertmanager, so they run side by side.
 */
const SCALE = 1 / 600;
const scaledMs = (minutes: number) => minutes * 60_000 * SCALE;
/** Timer slack for a busy 2-core machine: Alertmanager's ticks, the sink, the event loop. */
const SLACK_MS = 1200;

let settings: Settings;
const running: Alertmanager[] = [];

beforeAll(async () => {
  settings = await settingsFor();
});
afterAll(() => running.forEach((am) => am.stop()));

async function startWith(s: Settings): Promise<Alertmanager> {
  const am = await alertmanagerWithSink();
  running.push(am);
  await am.start(alertmanagerConfig(s, { timeScale: SCALE, webhookUrl: am.webhookUrl }));
  return am;
}

const sleepUntil = async (am: Alertmanager, ms: number) => {
  while (am.now() < ms) await new Promise((r) => setTimeout(r, 50));
};
const alert = (alertname: string, severity: string, extra: Record<string, string> = {}) => ({
  labels: { alertname, severity, team: "ain", service: "ain-mvp", ...extra },
});
const to = (n: Notification[], receiver: string) => n.filter((x) => x.receiver === receiver);
const first = (n: Notification[], receiver: string) => to(n, receiver)[0];

describe("P0 escalation on a real Alertmanager", () => {
  const point = (severity: "P0" | "P1", i: number) => escalationSteps(settings)[severity][i].contactPoint;

  it.concurrent("reaches the on-call engineer at once, the lead developer only after the delay, then the product owner", async () => {
    const am = await startWith(settings);
    const postedAt = am.now();
    await am.post([alert("DatabaseDown", "P0")]);
    const lead = settings.runbook.escalation.leadDeveloperAfterMinutes;
    const owner = lead + settings.runbook.escalation.productOwnerAfterMinutes;
    await sleepUntil(am, postedAt + scaledMs(owner) + SLACK_MS);
    const seen = am.notifications();
    const times = Object.fromEntries([0, 1, 2].map((i) => [point("P0", i), (first(seen, point("P0", i))?.atMs ?? Infinity) - postedAt]));
    console.log(`P0 still firing: ${JSON.stringify(times)} ms after posting (scale 1 min = ${scaledMs(1)} ms)`);
    expect(times[point("P0", 0)]).toBeLessThan(SLACK_MS);
    expect(times[point("P0", 1)]).toBeGreaterThanOrEqual(scaledMs(lead) - 100);
    expect(times[point("P0", 1)]).toBeLessThan(scaledMs(lead) + SLACK_MS);
    expect(times[point("P0", 2)]).toBeGreaterThanOrEqual(scaledMs(owner) - 100);
    expect(first(seen, point("P0", 1)).alerts.map((a) => a.labels.alertname)).toEqual(["DatabaseDown"]);
  });

  it.concurrent("reaches nobody further when the alert resolves before the delay", async () => {
    const am = await startWith(settings);
    const postedAt = am.now();
    await am.post([alert("EdgeFunctionsDown", "P0")]);
    await sleepUntil(am, postedAt + scaledMs(settings.runbook.escalation.leadDeveloperAfterMinutes) / 3);
    await am.post([{ ...alert("EdgeFunctionsDown", "P0"), resolved: true }]);
    await sleepUntil(am, postedAt + scaledMs(settings.runbook.escalation.leadDeveloperAfterMinutes + settings.runbook.escalation.productOwnerAfterMinutes) + SLACK_MS);
    const seen = am.notifications();
    console.log(`P0 resolved early: ${seen.map((n) => `${n.receiver} ${n.status} at ${n.atMs - postedAt} ms`).join("; ")}`);
    expect(to(seen, point("P0", 0)).map((n) => n.status)).toEqual(["firing", "resolved"]);
    expect(to(seen, point("P0", 1))).toEqual([]);
    expect(to(seen, point("P0", 2))).toEqual([]);
  });

  it.concurrent("tells each person about a whole outage once per severity, not once per rule", async () => {
    const am = await startWith(settings);
    const postedAt = am.now();
    await am.post([
      alert("EdgeFunctionsDown", "P0"),
      alert("DatabaseDown", "P0"),
      alert("EmailHealthCheckFailing", "P1"),
      alert("PdfGenerationFailing", "P1"),
      alert("VinDecodeLatencyFarOverBudget", "P1"),
    ]);
    // Until just before the first repeat, so re-sends are not counted as separate notifications.
    const lead = settings.runbook.escalation.leadDeveloperAfterMinutes;
    await sleepUntil(am, postedAt + scaledMs(lead) + SLACK_MS);
    const seen = am.notifications();
    // The on-call engineer's notifications before the first re-send (the P0 repeat interval).
    const beforeRepeat = seen.filter((n) => n.atMs - postedAt < scaledMs(settings.runbook.escalation.p0RepeatMinutes) - scaledMs(1));
    const onCallP0 = to(beforeRepeat, point("P0", 0));
    const onCallP1 = to(beforeRepeat, point("P1", 0));
    console.log(`outage: ${seen.map((n) => `${n.receiver} (${n.alerts.length} alerts) at ${n.atMs - postedAt} ms`).join("; ")}`);
    expect(onCallP0).toHaveLength(1);
    expect(onCallP0[0].alerts.map((a) => a.labels.alertname).sort()).toEqual(["DatabaseDown", "EdgeFunctionsDown"]);
    expect(onCallP1).toHaveLength(1);
    expect(onCallP1[0].alerts).toHaveLength(3);
    const leadP0 = to(seen, point("P0", 1));
    expect(leadP0).toHaveLength(1);
    expect(leadP0[0].alerts).toHaveLength(2);
    // The P1 lead step waits for the P1 response time, far beyond this window.
    expect(to(seen, point("P1", 1))).toEqual([]);
  });

  it.concurrent("mutes P2 and P3 in the maintenance window, and never P0 or P1", async () => {
    const always: Settings = {
      ...settings,
      maintenance: { weekdays: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], start: "00:00", end: "24:00" },
    };
    const am = await startWith(always);
    const postedAt = am.now();
    await am.post([alert("DatabaseDown", "P0"), alert("PdfGenerationFailing", "P1"), alert("DatabaseConnectionsHigh", "P2"), alert("StorageNearPlanLimit", "P3")]);
    // The P3 digest waits an hour (scaled) before its first flush; wait past it.
    await sleepUntil(am, postedAt + scaledMs(60) + SLACK_MS);
    const seen = am.notifications();
    const steps = escalationSteps(always);
    expect(first(seen, steps.P0[0].contactPoint)).toBeDefined();
    expect(first(seen, steps.P1[0].contactPoint)).toBeDefined();
    expect(to(seen, steps.P2[0].contactPoint)).toEqual([]);
    expect(to(seen, steps.P3[0].contactPoint)).toEqual([]);
  });

  it.concurrent("outside the window, P2 and P3 do reach their people", async () => {
    const never: Settings = { ...settings, maintenance: { weekdays: [], start: "00:00", end: "00:01" } };
    const am = await startWith(never);
    const postedAt = am.now();
    await am.post([alert("DatabaseConnectionsHigh", "P2"), alert("StorageNearPlanLimit", "P3")]);
    await sleepUntil(am, postedAt + scaledMs(60) + SLACK_MS);
    const seen = am.notifications();
    const steps = escalationSteps(never);
    expect(first(seen, steps.P2[0].contactPoint)).toBeDefined();
    expect(first(seen, steps.P3[0].contactPoint)).toBeDefined();
  });
});

describe("Synthetic Monitoring's per-check alerts on a real Alertmanager", () => {
  it.concurrent("reach the contact point of the severity their check stands for", async () => {
    const am = await startWith(settings);
    const postedAt = am.now();
    const checks = checkSpecs(settings);
    // Labels as SM's plugin-managed rules carry them: no `severity`, the check's labels as label_*.
    const smAlert = (job: string, severity: string) => ({
      labels: { alertname: "ProbeFailedExecutionsTooHigh", namespace: "synthetic_monitoring", grafana_folder: "Grafana Synthetic Monitoring", job, instance: "https://example/fn", label_severity: severity },
    });
    await am.post(checks.map((c) => smAlert(c.job, c.labels.severity)));
    // Another team's check with the same label must not reach our people.
    await am.post([smAlert("someone-elses-check", "P0")]);
    await sleepUntil(am, postedAt + scaledMs(5) + SLACK_MS);
    const seen = am.notifications();
    const steps = escalationSteps(settings);
    for (const c of checks) {
      const receiver = steps[c.labels.severity][0].contactPoint;
      const jobsThere = to(seen, receiver).flatMap((n) => n.alerts.map((a) => a.labels.job));
      expect(jobsThere, `${c.job} (${c.labels.severity})`).toContain(c.job);
    }
    expect(seen.flatMap((n) => n.alerts.map((a) => a.labels.job))).not.toContain("someone-elses-check");
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { alertCatalog } from "../../src/alerts/decorate";
import type { AlertId } from "../../src/alerts/names";
import type { DecoratedAlert } from "../../src/alerts/types";
import type { Settings } from "../../src/config/load";
import { settingsFor } from "../support/offline";

/**
 * The runbook's numbers, copied here from ../shared/seed/runbook.md by hand and not from src/: a
 * stack that sets no `runbook` key must alert on exactly these. A default changed in the schema
 * (or an alert reading the wrong budget) fails here, whichever value the team's own stack sets.
 */
const RUNBOOK_THRESHOLDS = {
  // Key Metrics to Monitor › Response Times
  "pdf-generation-latency-over": 10,
  "email-delivery-latency-over": 5,
  "vin-decode-latency-over": 3,
  // Key Metrics to Monitor › Error Rates, in percent
  "overall-error-ratio-over-limit": 1,
  "email-error-ratio-over-limit": 2,
  "pdf-error-ratio-over-limit": 0.5,
  // Key Metrics › System Resources, and Scaling Considerations › Database Scaling
  "database-connections-high": 80,
  "database-queries-slow": 1,
  "database-disk-high": 80,
  "storage-near-plan-limit": 80,
} as const satisfies Partial<Record<AlertId, number>>;

/** Escalation Procedures › Severity Levels, in minutes; Contact Escalation; Public Sharing Token Issues. */
const RUNBOOK_RESPONSE_MINUTES = { P0: 0, P1: 2 * 60, P2: 24 * 60, P3: 7 * 24 * 60 } as const;
const RUNBOOK_LEAD_DEVELOPER_AFTER_MINUTES = 30;
const RUNBOOK_TOKEN_LIFETIME_DAYS = 30;

let defaults: Settings;
let alerts: DecoratedAlert[];
beforeAll(async () => {
  defaults = await settingsFor({ unset: ["runbook"] });
  alerts = alertCatalog(defaults);
});

describe("a stack that leaves the runbook's numbers as they are", () => {
  it.each(Object.entries(RUNBOOK_THRESHOLDS))("%s alerts at the runbook's %s", (id, threshold) => {
    const alert = alerts.find((a) => a.id === id);
    expect(alert, id).toBeDefined();
    expect(alert?.threshold).toBe(threshold);
  });

  it("answers each severity as fast as the runbook asks", () => {
    for (const [severity, minutes] of Object.entries(RUNBOOK_RESPONSE_MINUTES)) {
      expect(defaults.runbook.severities[severity as keyof typeof RUNBOOK_RESPONSE_MINUTES].responseMinutes, severity).toBe(minutes);
    }
  });

  it("escalates to the lead developer after the runbook's 30 minutes, and holds tokens to its 30 days", () => {
    expect(defaults.runbook.escalation.leadDeveloperAfterMinutes).toBe(RUNBOOK_LEAD_DEVELOPER_AFTER_MINUTES);
    expect(defaults.runbook.sharingTokens.lifetimeDays).toBe(RUNBOOK_TOKEN_LIFETIME_DAYS);
  });
});

describe("a stack that changes them", () => {
  it("alerts on its own numbers instead (the suite's tuned stack)", async () => {
    const tuned = await settingsFor({ stack: "tuned" });
    const byId = new Map<string, number>(alertCatalog(tuned).map((a) => [a.id, a.threshold]));
    const { latencyBudgets, errorBudgets, capacity } = tuned.runbook;
    expect(Object.fromEntries(Object.keys(RUNBOOK_THRESHOLDS).map((id) => [id, byId.get(id)]))).toEqual({
      "pdf-generation-latency-over": latencyBudgets.pdfGenerationSeconds,
      "email-delivery-latency-over": latencyBudgets.emailDeliverySeconds,
      "vin-decode-latency-over": latencyBudgets.vinDecodeSeconds,
      "overall-error-ratio-over-limit": errorBudgets.overallPercent,
      "email-error-ratio-over-limit": errorBudgets.emailDeliveryFailurePercent,
      "pdf-error-ratio-over-limit": errorBudgets.pdfGenerationFailurePercent,
      "database-connections-high": capacity.databaseConnectionsPercent,
      "database-queries-slow": capacity.averageQuerySeconds,
      "database-disk-high": capacity.storagePercent,
      "storage-near-plan-limit": capacity.storagePercent,
    });
    // And none of them is the runbook's default any more, so the comparison above can tell.
    for (const [id, threshold] of Object.entries(RUNBOOK_THRESHOLDS)) expect(byId.get(id), id).not.toBe(threshold);
  });
});

import type { Settings } from "../config/load";
import { severityNames, type Severity } from "../config/runbook";
import { duration } from "../alerts/types";

/**
 * Escalation by severity, as plain data: who is told about a P0 to P3, how soon, and how often
 * again. Timings derive from the runbook's response times; the component and the Alertmanager
 * rendering both read this.
 */

export type PagerKind = "irm" | "webhook" | "pagerduty";

export interface ContactPointSpec {
  name: string;
  /** Severities this contact point receives. */
  severities: Severity[];
  emails: string[];
  /** Pagers added when enabled in config: only for severities that need a person now. */
  pagers: PagerKind[];
  why: string;
}

export interface SeverityRoute {
  severity: Severity;
  contactPoint: string;
  groupBy: string[];
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  muteTimings: string[];
  why: string;
}

export const MAINTENANCE_MUTE_TIMING = "ain-planned-maintenance";
export const DEFAULT_GROUP_BY = ["alertname", "area"];

export function enabledPagers(settings: Settings): PagerKind[] {
  const { irm, webhook, pagerduty } = settings.paging;
  return [irm && "irm", webhook && "webhook", pagerduty && "pagerduty"].filter((p): p is PagerKind => Boolean(p));
}

export function contactPoints(settings: Settings): ContactPointSpec[] {
  const c = settings.contacts;
  const pagers = enabledPagers(settings);
  return [
    {
      name: "ain-p0-critical",
      severities: ["P0"],
      emails: [c.onCallEngineer.email, c.leadDeveloper.email],
      pagers,
      why: "Immediate response. The lead developer is told at once too: without an acknowledging pager, email cannot wait 30 minutes for an answer.",
    },
    {
      name: "ain-p1-high",
      severities: ["P1"],
      emails: [c.onCallEngineer.email],
      pagers,
      why: "The on-call engineer answers within 2 hours; the pager holds the runbook's chain when enabled.",
    },
    {
      name: "ain-p2-medium",
      severities: ["P2"],
      emails: [c.onCallEngineer.email, c.leadDeveloper.email],
      pagers: [],
      why: "Answered within 24 hours, in working time: email only.",
    },
    {
      name: "ain-p3-weekly",
      severities: ["P3"],
      emails: [c.leadDeveloper.email, c.productOwner.email],
      pagers: [],
      why: "Capacity trends and optimisation: a weekly digest for the people who plan upgrades.",
    },
  ];
}

const minutes = (m: number) => duration(Math.max(m, 1) * 60);

export function severityRoutes(settings: Settings): SeverityRoute[] {
  const sev = settings.runbook.severities;
  const points = contactPoints(settings);
  const pointFor = (s: Severity) => points.find((p) => p.severities.includes(s))?.name ?? "";
  const routes: Record<Severity, Omit<SeverityRoute, "severity" | "contactPoint">> = {
    P0: {
      groupBy: DEFAULT_GROUP_BY,
      groupWait: "0s",
      groupInterval: "1m",
      repeatInterval: minutes(settings.runbook.escalation.p0RepeatMinutes),
      muteTimings: [],
      why: `Immediate: no grouping wait, and re-sent every ${settings.runbook.escalation.p0RepeatMinutes} minutes while it fires, matching the escalation step.`,
    },
    P1: {
      groupBy: DEFAULT_GROUP_BY,
      groupWait: "30s",
      groupInterval: "5m",
      repeatInterval: minutes(sev.P1.responseMinutes),
      muteTimings: [],
      why: `Response within ${sev.P1.responseMinutes / 60} hours: re-sent once per response window while unresolved.`,
    },
    P2: {
      groupBy: DEFAULT_GROUP_BY,
      groupWait: "5m",
      groupInterval: "1h",
      repeatInterval: minutes(sev.P2.responseMinutes),
      muteTimings: [MAINTENANCE_MUTE_TIMING],
      why: `Response within ${sev.P2.responseMinutes / 60} hours: grouped, re-sent daily, muted during planned maintenance.`,
    },
    P3: {
      groupBy: ["severity"],
      groupWait: "1h",
      groupInterval: minutes(sev.P3.responseMinutes),
      repeatInterval: minutes(sev.P3.responseMinutes),
      muteTimings: [MAINTENANCE_MUTE_TIMING],
      why: "A weekly digest: every P3 in one group, sent at most once a week.",
    },
  };
  return severityNames.map((severity) => ({ severity, contactPoint: pointFor(severity), ...routes[severity] }));
}

/** The runbook's contact chain, as steps an IRM escalation chain (or a person) follows. */
export interface ChainStep {
  who: keyof Settings["contacts"];
  afterMinutes: number;
  why: string;
}

export function contactChain(settings: Settings): ChainStep[] {
  const wait = settings.runbook.escalation.leadDeveloperAfterMinutes;
  return [
    { who: "onCallEngineer", afterMinutes: 0, why: "Immediate response." },
    { who: "leadDeveloper", afterMinutes: wait, why: `No response in ${wait} minutes.` },
    { who: "productOwner", afterMinutes: wait * 2, why: "Business decisions." },
    { who: "externalSupport", afterMinutes: wait * 2, why: "Vendor-specific issues: the product owner opens the vendor ticket." },
  ];
}

import type { Settings } from "../config/settings";
import { severityNames, type Severity } from "../config/runbook";
import { duration } from "../alerts/evaluation";
import { checkSpecs } from "../synthetics/checks";
import { FIRST_STEP_GROUP_WAIT_SECONDS } from "./waits";

/**
 * Escalation by severity, as plain data: who is told about a P0 to P3, at which step of the
 * runbook's contact chain, how soon, and how often again. The Grafana notification policy, the IRM
 * escalation chains, the Alertmanager rendering and the catalog all read this one model.
 *
 * Without IRM nobody can acknowledge an email, so "no response" means "still firing": each later
 * step is a sibling route (`continue: true`) whose `group_wait` is the step's delay. Alertmanager
 * sends nothing for a group that resolved before its first flush, so an alert resolved before the
 * delay reaches nobody further (DESIGN.md, "Alertmanager semantics"; proven on a real Alertmanager
 * in test/escalation/alertmanager.test.ts).
 */

export type PagerKind = "irm" | "webhook" | "pagerduty";
export type Person = "onCallEngineer" | "leadDeveloper" | "productOwner";

const personSlug: Record<Person, string> = { onCallEngineer: "on-call", leadDeveloper: "lead-developer", productOwner: "product-owner" };

/** One step of a severity's chain: these people, this long after the alert started firing. */
export interface EscalationStep {
  severity: Severity;
  people: Person[];
  afterMinutes: number;
  contactPoint: string;
  /** Pagers (webhook, PagerDuty, IRM) ring at this step; email always goes. */
  pages: boolean;
  why: string;
}

export interface ContactPointSpec {
  name: string;
  severity: Severity;
  emails: string[];
  pagers: PagerKind[];
  /** P0 and P1 notifications carry the external-support contact (runbook: "External support, vendor-specific issues"). */
  externalSupport: boolean;
  why: string;
}

export interface SeverityRoute {
  severity: Severity;
  /**
   * Grouping of the later steps: one group per incident (alert), so each waits its own delay. With
   * the first step's grouping, a second incident would join a group already waiting and reach the
   * lead within a group interval, skipping the runbook's 30 minutes (prometheus/alertmanager
   * dispatch.go: only a new group waits group_wait).
   */
  laterStepsGroupBy: string[];
  /**
   * Label matchers, each list a route of its own: our rules carry `severity`; Synthetic
   * Monitoring's per-check alerts are Grafana-managed rules that SM owns, labelled
   * `namespace="synthetic_monitoring"` and `label_<k>` for each check label (so our check's
   * `severity` arrives as `label_severity`), never `severity` (grafana/synthetic-monitoring-app
   * alertRoutingUtils.ts generateAlertLabels; synthetic-monitoring-agent scraper.go).
   */
  matchers: Matcher[][];
  /** The chain, first step first. With IRM on, only the first step is routed here: IRM escalates. */
  steps: EscalationStep[];
  groupBy: string[];
  groupInterval: string;
  repeatInterval: string;
  muteTimings: string[];
  why: string;
}

export interface Matcher {
  label: string;
  match: "=" | "=~";
  value: string;
}

/** The mute timing's name, scoped by stack like every Grafana object. */
export const maintenanceMuteTiming = (settings: Pick<Settings, "identity">) => settings.identity.uid("planned-maintenance");
/** One notification per severity per person for a whole outage, however many rules fire in it. */
export const OUTAGE_GROUP_BY = ["severity"];
/** Working-hours tickets are read one alert at a time. */
export const TICKET_GROUP_BY = ["alertname", "area"];
/** Root of the tree: where an alert with no severity label lands. */
export const DEFAULT_GROUP_BY = TICKET_GROUP_BY;

/**
 * Alertmanager's notification log keeps 5 days (Grafana's too); a longer repeat_interval behaves
 * like 5 days, so a weekly digest repeats at most this often.
 */
export const MAX_REPEAT_MINUTES = 5 * 24 * 60;

export function enabledPagers(settings: Settings): PagerKind[] {
  const { irm, webhook, pagerduty } = settings.paging;
  return [irm && "irm", webhook && "webhook", pagerduty && "pagerduty"].filter((p): p is PagerKind => Boolean(p));
}

const pointName = (settings: Settings, severity: Severity, people: Person[]) =>
  settings.identity.uid(`${severity.toLowerCase()}-${people.map((p) => personSlug[p]).join("-and-")}`);

/** The runbook's contact chain for each severity, before IRM takes any step over. */
export function escalationSteps(settings: Settings): Record<Severity, EscalationStep[]> {
  const { leadDeveloperAfterMinutes: lead, productOwnerAfterMinutes: owner } = settings.runbook.escalation;
  const p1Response = settings.runbook.severities.P1.responseMinutes;
  const step = (severity: Severity, people: Person[], afterMinutes: number, pages: boolean, why: string): EscalationStep => ({
    severity,
    people,
    afterMinutes,
    contactPoint: pointName(settings, severity, people),
    pages,
    why,
  });
  return {
    P0: [
      step("P0", ["onCallEngineer"], 0, true, "Immediate response: the on-call engineer is paged by the first notification, after the route's short gathering wait."),
      step("P0", ["leadDeveloper"], lead, false, `Still firing after ${lead} minutes: the on-call engineer has not fixed it, so the lead developer is told (runbook: "if no response in 30 min").`),
      step("P0", ["productOwner"], lead + owner, false, `Still firing after ${lead + owner} minutes: an outage this long needs business decisions (status page, users).`),
    ],
    P1: [
      step("P1", ["onCallEngineer"], 0, true, "The on-call engineer answers within the P1 response time."),
      step("P1", ["leadDeveloper"], p1Response, false, `Still firing after the P1 response time (${p1Response} minutes): the lead developer takes it over.`),
    ],
    P2: [step("P2", ["onCallEngineer", "leadDeveloper"], 0, false, "Answered within 24 hours, in working time: email only.")],
    P3: [step("P3", ["leadDeveloper", "productOwner"], 0, false, "Capacity trends and housekeeping: a digest for the people who plan upgrades.")],
  };
}

/** Steps Alertmanager (Grafana's notification policy) times itself: all of them, or with IRM on only the first. */
function routedSteps(settings: Settings, steps: EscalationStep[]): EscalationStep[] {
  const urgent = steps[0].severity === "P0" || steps[0].severity === "P1";
  return settings.paging.irm && urgent ? steps.slice(0, 1) : steps;
}

export function contactPoints(settings: Settings): ContactPointSpec[] {
  const c = settings.contacts;
  const pagers = enabledPagers(settings);
  return Object.values(escalationSteps(settings))
    .flatMap((steps) => routedSteps(settings, steps))
    .map((s) => ({
      name: s.contactPoint,
      severity: s.severity,
      emails: s.people.map((p) => c[p].email),
      pagers: s.pages ? pagers : [],
      externalSupport: s.severity === "P0" || s.severity === "P1",
      why: s.why,
    }));
}

const minutes = (m: number) => duration(Math.max(m, 1) * 60);

export function severityRoutes(settings: Settings): SeverityRoute[] {
  const sev = settings.runbook.severities;
  const steps = escalationSteps(settings);
  const p0Repeat = settings.runbook.escalation.p0RepeatMinutes;
  const routes: Record<Severity, Omit<SeverityRoute, "severity" | "steps" | "matchers" | "laterStepsGroupBy">> = {
    P0: {
      groupBy: OUTAGE_GROUP_BY,
      groupInterval: "1m",
      repeatInterval: minutes(p0Repeat),
      muteTimings: [],
      why: `Immediate; re-sent every ${p0Repeat} minutes while it fires.`,
    },
    P1: {
      groupBy: OUTAGE_GROUP_BY,
      groupInterval: "5m",
      repeatInterval: minutes(sev.P1.responseMinutes),
      muteTimings: [],
      why: `Response within ${sev.P1.responseMinutes / 60} hours; re-sent once per response window while unresolved.`,
    },
    P2: {
      groupBy: TICKET_GROUP_BY,
      groupInterval: "1h",
      repeatInterval: minutes(Math.min(sev.P2.responseMinutes, MAX_REPEAT_MINUTES)),
      muteTimings: [maintenanceMuteTiming(settings)],
      why: `Response within ${sev.P2.responseMinutes / 60} hours: grouped per alert, re-sent daily, muted during planned maintenance.`,
    },
    P3: {
      // Per alert: in one severity-wide group a new P3 would wait for the group's next flush, days
      // away while a rotation reminder keeps the group alive.
      groupBy: TICKET_GROUP_BY,
      groupInterval: "1h",
      repeatInterval: minutes(Math.min(sev.P3.responseMinutes, MAX_REPEAT_MINUTES)),
      muteTimings: [maintenanceMuteTiming(settings)],
      why: "Housekeeping for the week: each P3 sent once, re-sent at most every 5 days (the notification log's retention), muted during planned maintenance.",
    },
  };
  const jobs = checkSpecs(settings).map((c) => c.job);
  const matchers = (severity: Severity): Matcher[][] => [
    [{ label: "severity", match: "=", value: severity }],
    [
      { label: "namespace", match: "=", value: "synthetic_monitoring" },
      { label: "job", match: "=~", value: jobs.join("|") },
      { label: "label_severity", match: "=", value: severity },
    ],
  ];
  return severityNames.map((severity) => ({ severity, matchers: matchers(severity), steps: routedSteps(settings, steps[severity]), laterStepsGroupBy: TICKET_GROUP_BY, ...routes[severity] }));
}

/**
 * Each step's group_wait: its delay, or for the first step how long to gather a burst of alerts
 * into one notification. P0 waits for nothing.
 */
export function stepGroupWaitSeconds(step: EscalationStep): number {
  if (step.afterMinutes > 0) return step.afterMinutes * 60;
  return FIRST_STEP_GROUP_WAIT_SECONDS[step.severity];
}

/** The runbook's contact chain per severity, as an IRM escalation chain follows it (with acknowledgements). */
export interface ChainStep {
  who: Person;
  afterMinutes: number;
  why: string;
}

export function contactChain(settings: Settings, severity: "P0" | "P1"): ChainStep[] {
  return escalationSteps(settings)[severity].flatMap((s) => s.people.map((who) => ({ who, afterMinutes: s.afterMinutes, why: s.why })));
}

/** The text every P0 and P1 notification ends with: who to call for vendor-specific issues. */
export function externalSupportLine(settings: Settings): string {
  const e = settings.contacts.externalSupport;
  return `External support (vendor-specific issues): ${e.name} <${e.email}>${e.url ? ` ${e.url}` : ""}`;
}

import { runbookItems, runbookSections } from "../config/runbookItems";
import type { AlertContext } from "./context";
import { checkFailingAlert } from "./checkFailing";
import { latencyAlerts } from "./latency";
import { requestsOver } from "./signals";
import { sloAlerts, type Slo } from "./slo";
import type { AlertSpec } from "./types";
import { handle } from "./names";
import { journeys } from "./journeys";

/** "n 503s in 5 minutes", held for 5 minutes: failures that go on, not one burst. */
const UNAVAILABLE_FOR_MINUTES = 5;

const emailFunctions = ({ settings }: AlertContext) => [settings.functions.emailDelivery, settings.functions.healthCheck];

export function emailSlo(ctx: AlertContext): Slo {
  return {
    id: "email",
    title: "Email delivery",
    area: "email",
    covers: "emailFailureRate",
    runbookSection: runbookItems.emailFailureRate.section,
    budgetPercent: ctx.settings.runbook.errorBudgets.emailDeliveryFailurePercent,
    functions: [ctx.settings.functions.emailDelivery],
  };
}

/** Runbook § Email Service Down, the Quick Health Check, email latency and the email error budget. */
export function emailAlerts(ctx: AlertContext): AlertSpec[] {
  const { settings, sel } = ctx;
  const modes = settings.runbook.failureModes;
  const healthCheck = checkFailingAlert(ctx, {
    ...handle("email-health-check-failing"),
    area: "email",
    covers: ["healthCheck"],
    runbookSection: runbookSections.quickHealthCheck,
    check: "healthCheck",
    severity: "P1",
    severityReason: "The runbook's own health check says email is not ready: a major feature is broken. The other functions still answer, so it is not the P0.",
    what: `${settings.functions.healthCheck} (the runbook's Quick Health Check: {"success": true, "email_service_status": "ready"})`,
  });
  const unavailable: AlertSpec = {
    ...handle("email-endpoints-503"),
    area: "email",
    covers: ["email503s"],
    runbookSection: runbookSections.emailServiceDown,
    severity: "P1",
    severityReason: "503s from the email endpoints are the runbook's symptom of the email service being down: a major feature is broken.",
    source: "prometheus",
    // The window is as long as the 'for', so a one-minute burst leaves it before the alert could fire.
    value: `sum(${requestsOver(sel, UNAVAILABLE_FOR_MINUTES, sel.edge(emailFunctions(ctx)), 'status="503"')})`,
    comparator: ">=",
    threshold: modes.email503PerFiveMinutes,
    unit: "count",
    forSeconds: UNAVAILABLE_FOR_MINUTES * 60,
    detection: { signal: "edge-logs", fillSeconds: 0, caveat: `from ${modes.email503PerFiveMinutes} 503s a ${UNAVAILABLE_FOR_MINUTES}-minute window, held` },
    summary: "Email endpoints are answering 503",
    description: "{{value}} responses with status 503 from the email functions in the last 5 minutes. Check RESEND_API_KEY in the Supabase secrets and Resend's status first.",
    noData: "OK",
    execError: "Error",
    stateReason: "No 503s recorded is the healthy state.",
  };
  const latency = latencyAlerts(ctx, journeys(settings).emailDelivery);
  const budget = sloAlerts(emailSlo(ctx), sel, settings.runbook.errorBudgets.lowTrafficGuardRequestsPerHour);
  return [healthCheck, unavailable, ...latency, ...budget];
}

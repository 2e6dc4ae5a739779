import type { Severity } from "../config/runbook";

/**
 * How long the first step of each severity gathers a burst before its first notification: the
 * route's group_wait, and the last term of every alert's worst-case time to page (alerts/timing.ts).
 * P0 waits 10 s, not 0: with no wait Alertmanager flushes the first alert alone and sends the
 * outage's other P0 rules as a second notification a group interval later (seen on the real
 * Alertmanager). The P0 rules are evaluated every signals.pageEvaluationSeconds, so rules firing
 * on the same evaluation are gathered; a longer wait would cost the 3-minute target.
 */
export const FIRST_STEP_GROUP_WAIT_SECONDS: Record<Severity, number> = { P0: 10, P1: 30, P2: 5 * 60, P3: 60 * 60 };

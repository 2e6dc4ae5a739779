import { promDuration } from "../escalation/durations";

/**
 * A duration as Prometheus prints it (common/model.Duration.String), which is also how Grafana
 * reads durations back (`7d` is `1w`, `90m` is `1h30m`): one implementation, in
 * src/escalation/durations.ts, for rules and notification policies alike.
 */
export const duration = (seconds: number): string => promDuration(seconds);

/** Every rule group but the P0s' paging groups (signals.pageEvaluationSeconds) is evaluated this often; a recorded count covers one interval. */
export const EVALUATION_INTERVAL_SECONDS = 60;

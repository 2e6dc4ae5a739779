import { alertSpecs } from "./alerts/specs";
import { clocksOf, worstCaseToPage } from "./alerts/timing";
import type { PlainValidated } from "./config/settings";
import { PROJECT } from "./config/schema";
import { validateConfig, type Validation } from "./config/validate";

/**
 * A stack's config, validated (config/validate.ts), then held to what the model built from it must
 * meet: every P0 pages within the runbook's "Immediate". The check reads the alert specs, so it
 * lives above both rather than inside config validation, which the alerts' own types depend on.
 * Every entry point (the program, the offline plan, `npm run checks`) validates through here.
 */
export function validateStack(all: Record<string, string>, stack: string): Validation {
  const validated = validateConfig(all, stack);
  if (!validated.plain) return validated;
  const problems = pagingProblems(validated.plain);
  return problems.length > 0 ? { plain: undefined, problems } : validated;
}

/**
 * Every P0 must page within the runbook's "Immediate", in the worst phase of every clock: a config
 * that cannot is refused, naming the clocks to change.
 */
export function pagingProblems(plain: PlainValidated): string[] {
  const problems: string[] = [];
  const clocks = clocksOf(plain);
  const limit = plain.runbook.failureModes.systemDownDetectMinutes * 60;
  for (const alert of alertSpecs(plain).filter((a) => a.severity === "P0")) {
    const bound = worstCaseToPage(clocks, alert);
    if (bound.totalSeconds > limit) {
      // The key to change first: the check that bounds the signal, the slowest of "all", the fastest of "any".
      const ids = [...(alert.detection.checks?.ids ?? [])].sort((a, b) => plain.synthetics.checks[b].frequencySeconds - plain.synthetics.checks[a].frequencySeconds);
      const bounding = alert.detection.checks?.need === "any" ? ids.at(-1) : ids[0];
      const key = bounding ? `synthetics.checks.${bounding}.frequencySeconds` : alert.detection.signal === "metrics-api" ? "metricsScrape.intervalSeconds" : "signals.pageEvaluationSeconds";
      problems.push(
        `${PROJECT}:${key}: ${alert.name} (P0) pages ${bound.totalSeconds} s after the failure in the worst case (signal ${bound.signalSeconds} s + window ${bound.fillSeconds} s + evaluation ${bound.evaluationSeconds} s + for ${bound.forSeconds} s + group wait ${bound.groupWaitSeconds} s), over runbook.failureModes.systemDownDetectMinutes (${limit} s); expected a faster ${key}, or shorter signals.arrivalDelaySeconds or signals.pageEvaluationSeconds`,
      );
    }
  }
  return problems;
}

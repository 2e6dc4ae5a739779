import type { PlainValidated } from "../config/settings";
import { checkJob, type CheckId } from "../synthetics/jobs";
import { EVALUATION_INTERVAL_SECONDS, duration } from "./evaluation";
import { probeMetrics, series, type Selectors } from "./signals";

/**
 * Synthetic Monitoring series as the agent pushes them: one sample per execution per probe, at the
 * check's frequency, each probe on its own offset, never aligned with rule evaluations
 * (grafana/synthetic-monitoring-agent internal/scraper/scraper.go: tickWithOffset, and
 * `probe_success` is pushed on every execution, failed ones included, labelled with `probe`).
 * Between executions a series has no sample, so `increase(x[5m])` over a 10-minute check holds one
 * sample and returns nothing. These helpers size every window from the check's frequency instead.
 */

/**
 * A check slower than this is republished with its last result this often
 * (synthetic-monitoring-agent internal/scraper/scraper.go, maxPublishInterval): the spacing of a
 * check's samples is the smaller of its frequency and this.
 */
export const SM_MAX_PUBLISH_INTERVAL_SECONDS = 120;
export const sampleSpacingSeconds = (frequencySeconds: number): number => Math.min(frequencySeconds, SM_MAX_PUBLISH_INTERVAL_SECONDS);

/** A window holding at least two executions of a check at every probe: twice its frequency, a minute's slack, at least 5 minutes. */
export function twoExecutionsWindowSeconds(frequencySeconds: number): number {
  return Math.max(300, 2 * frequencySeconds + EVALUATION_INTERVAL_SECONDS);
}

/**
 * A window holding the latest result of a check at every probe: one sample spacing (the frequency,
 * or the republishing interval of a slower check) plus a minute's slack. No longer, so the last
 * result of a check that was deleted does not stand for long.
 */
export function latestExecutionWindowSeconds(frequencySeconds: number): number {
  return sampleSpacingSeconds(frequencySeconds) + EVALUATION_INTERVAL_SECONDS;
}

/**
 * Share of a check's executions that passed, over a window holding at least two per probe: every
 * execution counts once, whichever probe ran it.
 */
export function probeSuccessShare(sel: Selectors, job: string, frequencySeconds: number): string {
  const w = duration(twoExecutionsWindowSeconds(frequencySeconds));
  const s = series(probeMetrics.success, sel.probe(job));
  return `sum(sum_over_time(${s}[${w}])) / sum(count_over_time(${s}[${w}]))`;
}

/** The same share for several checks, one series per job, over a window holding two runs of the slowest of them. */
export function probeSuccessShareByJob(sel: Selectors, jobs: readonly string[], slowestFrequencySeconds: number): string {
  const w = duration(twoExecutionsWindowSeconds(slowestFrequencySeconds));
  const s = series(probeMetrics.success, sel.probes(jobs));
  return `sum by (job) (sum_over_time(${s}[${w}])) / sum by (job) (count_over_time(${s}[${w}]))`;
}

/**
 * The best latest result among the checks at every probe: 0 only when the latest execution of every
 * one of them failed at every probe that reports. One probe location, or one function, still
 * passing keeps it at 1.
 */
export function bestLatestResult(sel: Selectors, jobs: readonly string[], frequencySeconds: number): string {
  return `max(last_over_time(${series(probeMetrics.success, sel.probes(jobs))}[${duration(latestExecutionWindowSeconds(frequencySeconds))}]))`;
}

/** How many probe locations report the checks at all: a P0 needs the failure seen from more than one. */
export function reportingProbes(sel: Selectors, jobs: readonly string[], frequencySeconds: number): string {
  return `count(count by (probe) (last_over_time(${series(probeMetrics.success, sel.probes(jobs))}[${duration(latestExecutionWindowSeconds(frequencySeconds))}])))`;
}

/**
 * The worst of the checks' best latest results: 0 as soon as one of them failed its latest
 * execution at every probe that reports it. Each check is read over its own frequency.
 */
export function worstLatestResult(settings: Pick<PlainValidated, "synthetics" | "identity">, sel: Selectors, ids: readonly CheckId[]): string {
  const perCheck = ids.map((id) => {
    const w = duration(latestExecutionWindowSeconds(settings.synthetics.checks[id].frequencySeconds));
    return `max by (job) (last_over_time(${series(probeMetrics.success, sel.probe(checkJob(settings, id)))}[${w}]))`;
  });
  return `min(${perCheck.join(" or ")})`;
}

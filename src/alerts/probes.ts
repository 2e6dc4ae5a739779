import { probeMetrics, series, type Selectors } from "./signals";

/**
 * Share of successful executions over 5 minutes, per check: what Synthetic Monitoring's own
 * "uptime" is made of. Counters, so increase() is exact on the ratio.
 */
export function probeSuccessRatio(sel: Selectors, jobs: string[]): string {
  const matcher = jobs.length === 1 ? sel.probe(jobs[0]) : `job=~${JSON.stringify(jobs.join("|"))}`;
  return (
    `sum by (job) (increase(${series(probeMetrics.successSum, matcher)}[5m]))` +
    ` / sum by (job) (increase(${series(probeMetrics.successCount, matcher)}[5m]))`
  );
}

import type { DecoratedAlert } from "../../src/alerts/types";
import type { PromtoolTest } from "../support/promtool";
import type { AlertFixture, InputSeries } from "./fixtures";
import { meaningOf } from "./runbookMeaning";

/**
 * The promtool test groups for one alert, generated from its spec and fixture: silent on the
 * safe side, at the boundary as the runbook states, pending before `for` and firing after it,
 * silent on a one-sample spike, resolving after the breach, and, where the spec says so, firing
 * on silence or staying silent on too little traffic.
 */

/** A stretch of the timeline: the alert's value (or an explicit input set) for `minutes` samples. */
interface Segment {
  value?: number;
  inputs?: InputSeries[];
  minutes: number;
}

/** Builds promtool input series from segments, keeping counters continuous across them. */
export function inputSeries(fixture: AlertFixture, segments: Segment[]): PromtoolTest["input_series"] {
  const perSegment = segments.map((s) => s.inputs ?? fixture.inputs(s.value ?? 0));
  const names = [...new Set(perSegment.flat().map((i) => i.series))];
  return names.map((name) => {
    const parts: string[] = [];
    let level: number | undefined;
    let minute = 0;
    segments.forEach((segment, index) => {
      const start = minute;
      minute += segment.minutes;
      const input = perSegment[index].find((i) => i.series === name);
      const n = segment.minutes;
      if (!input) {
        parts.push(`_x${n}`);
        return;
      }
      if (input.kind === "gauge") {
        parts.push(n === 1 ? `${input.perSample}` : `${input.perSample}+0x${n - 1}`);
        return;
      }
      if (input.kind === "sparse") {
        // A point at every minute of the whole series that is a multiple of `everyMinutes`, `_`
        // elsewhere: the phase carries across segments, as a steady trickle of requests would.
        const every = input.everyMinutes ?? 1;
        for (let i = start; i < start + n; i++) parts.push(i % every === 0 ? String(input.perSample) : "_");
        return;
      }
      const first: number = level === undefined ? (input.start ?? 0) : level + input.perSample;
      parts.push(n === 1 ? `${first}` : `${first}+${input.perSample}x${n - 1}`);
      level = first + input.perSample * (n - 1);
    });
    return { series: name, values: parts.join(" ") };
  });
}

const firing = (alert: DecoratedAlert, extra = "") => `count(ALERTS{alertname="${alert.name}", alertstate="firing"${extra}})`;
const pending = (alert: DecoratedAlert) => `count(ALERTS{alertname="${alert.name}", alertstate="pending"})`;
const everFiring = (alert: DecoratedAlert, minutes: number) => `count(count_over_time(ALERTS{alertname="${alert.name}", alertstate="firing"}[${minutes}m]))`;
const one = [{ labels: "{}", value: 1 }];
const none: { labels: string; value: number }[] = [];
const at = (minutes: number) => `${minutes}m`;

/** Minutes of a PromQL duration such as `59m30s` or `2h59m30s`. */
const minutesOf = (d: string) => [...d.matchAll(/(\d+)([smhd])/g)].reduce((sum, m) => sum + Number(m[1]) * { s: 1 / 60, m: 1, h: 60, d: 1440 }[m[2] as "s" | "m" | "h" | "d"], 0);
/** Every range selector's window in an expression, in minutes. */
const windowsOf = (expr: string) => [...expr.matchAll(/\[((?:\d+[smhd])+)\]/g)].map((m) => minutesOf(m[1]));

/**
 * How long after a breach ends the alert's windows need to drain. The breach starts the series (no
 * data before it): `breachMinutes` at the value `breach`, then the value `after`.
 */
function drainMinutes(alert: DecoratedAlert, breachMinutes: number, breach: number, after: number): number {
  const errorRatio = alert.unit === "burn-rate" || alert.id.endsWith("-error-ratio-over-limit");
  if (errorRatio) {
    // Error ratios, and burn rates over them, on steady traffic: t minutes after the breach, a window
    // still holding all of it holds (breach x B + after x t) / (B + t), under the threshold once
    // t > (breach - threshold) x B / (threshold - after); a window shorter than that has dropped the
    // breach. The shortest window gets there first, and a burn rate is the smaller of its two.
    const diluted = Math.ceil(((breach - alert.threshold) * breachMinutes) / (alert.threshold - after));
    return Math.min(Math.ceil(Math.min(...windowsOf(alert.value))), diluted) + (alert.keepFiringForSeconds ?? 0) / 60 + 10;
  }
  // Otherwise the longest range selector must forget the breach.
  return Math.ceil(Math.max(5, ...windowsOf(alert.value))) + 30;
}

export function scenarios(alert: DecoratedAlert, fixture: AlertFixture): PromtoolTest[] {
  if (fixture.incidentsOnly) return [];
  const forMinutes = alert.forSeconds / 60;
  const settle = forMinutes + 30;
  const tests: PromtoolTest[] = [];
  const test = (name: string, segments: Segment[], checks: PromtoolTest["promql_expr_test"]) =>
    tests.push({ name: `${alert.name}: ${name}`, interval: "1m", input_series: inputSeries(fixture, segments), promql_expr_test: checks });

  test(`silent on the safe side (${fixture.safe})`, [{ value: fixture.safe, minutes: settle }], [
    { expr: everFiring(alert, settle), eval_time: at(settle - 1), exp_samples: none },
  ]);

  // The side of the threshold and the boundary come from the runbook's words, not from the rule.
  const meaning = meaningOf(alert.id);
  const breaches = (value: number) => (value === alert.threshold ? meaning.atThreshold === "breach" : meaning.breachesWhen === "above" ? value > alert.threshold : value < alert.threshold);
  if (!breaches(fixture.breach) || breaches(fixture.safe)) {
    throw new Error(`${alert.id}: the fixture's breach ${fixture.breach} and safe ${fixture.safe} are not on the sides test/alerts/runbookMeaning.ts gives (${meaning.breachesWhen} ${alert.threshold})`);
  }
  if (fixture.exactBoundary) {
    const firesAtBoundary = meaning.atThreshold === "breach";
    test(`at the threshold ${alert.threshold} it ${firesAtBoundary ? `fires (${meaning.because})` : "stays silent"}`, [{ value: alert.threshold, minutes: settle }], [
      { expr: firing(alert), eval_time: at(settle - 1), exp_samples: firesAtBoundary ? one : none },
    ]);
  }

  // A count over a window reaches the breach once the window has filled.
  const fill = fixture.fillMinutes ?? 0;
  const breachEnd = fill + forMinutes + 3;
  const checksBeforeAndAfter: PromtoolTest["promql_expr_test"] = [
    ...(forMinutes >= 1 ? [{ expr: firing(alert), eval_time: at(fill + forMinutes - 1), exp_samples: none }] : []),
    { expr: firing(alert, `, severity="${alert.severity}", area="${alert.area}"`), eval_time: at(fill + forMinutes + 2), exp_samples: one },
  ];
  if (forMinutes >= 3 && fill === 0) checksBeforeAndAfter.push({ expr: pending(alert), eval_time: at(forMinutes - 1), exp_samples: one });
  test(`breaching (${fixture.breach}) is pending before its ${forMinutes} min 'for' and fires after it`, [{ value: fixture.breach, minutes: breachEnd + 1 }], checksBeforeAndAfter);

  const spikeAt = 60;
  test(fixture.firesOnOneSample ? `fires on a one-sample spike, by design: ${fixture.firesOnOneSample}` : "silent on a one-sample spike", [
    { value: fixture.safe, minutes: spikeAt },
    { value: fixture.breach, minutes: 1 },
    { value: fixture.safe, minutes: settle },
  ], [{ expr: everFiring(alert, spikeAt + settle), eval_time: at(spikeAt + settle - 1), exp_samples: fixture.firesOnOneSample ? one : none }]);

  // Burn rates resolve on traffic without errors; everything else when the value is safe again.
  const afterBreach = alert.unit === "burn-rate" ? 0 : fixture.safe;
  const resolveAfter = drainMinutes(alert, breachEnd, fixture.breach, afterBreach);
  test("resolves after the breach ends", [
    { value: fixture.breach, minutes: breachEnd },
    { value: afterBreach, minutes: resolveAfter },
  ], [
    { expr: firing(alert), eval_time: at(fill + forMinutes + 2), exp_samples: one },
    { expr: firing(alert), eval_time: at(breachEnd + resolveAfter - 1), exp_samples: none },
  ]);

  if (alert.noData === "Alerting") {
    test("fires when its signal goes silent", [{ inputs: [{ series: "unrelated_series", kind: "gauge", perSample: 1 }], minutes: forMinutes + 5 }], [
      { expr: firing(alert), eval_time: at(forMinutes + 2), exp_samples: one },
    ]);
  }

  if (alert.guard && fixture.lowTraffic) {
    const lowTraffic = fixture.lowTraffic();
    test(`silent on too little traffic (guard: ${alert.guard.min} requests/hour)`, [{ inputs: lowTraffic, minutes: settle }], [
      { expr: everFiring(alert, settle), eval_time: at(settle - 1), exp_samples: none },
    ]);
  }
  return tests;
}

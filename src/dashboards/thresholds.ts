import type { AlertSpec, Comparator, Unit } from "../alerts/types";

/**
 * Colours that mean something, decided here and nowhere else.
 *
 * Grafana colours a value with the last threshold step whose value it reaches: `value >= step`
 * (grafana packages/grafana-data/src/field/thresholds.ts, getActiveThreshold). So a step is a
 * closed lower bound, and each alert comparator maps onto steps like this:
 *
 * - `>= X` (a runbook target "< X"): red from X itself, exactly where the alert fires.
 * - `> N` on whole numbers (count(*) from SQL): red from N + 1, so a calm 0 under "> 0" is green.
 * - `> X` on continuous values: red from X, the runbook's own number. Grafana has no open lower
 *   bound, so the one value X itself is red while the alert, which wants more than X, is quiet.
 *   The exact next double above X (80.00000000000001) would be right on that one value and wrong
 *   for every reader of the threshold editor and the JSON; a rounder step such as X + 0.01 would
 *   leave values the rule fires on green.
 * - `< X`: red below X, and X itself is already safe, as for the alert.
 *
 * The warning band is the last 20 % of the safe range before the boundary: [0.8 X, X) under an
 * upper bound, [X, X + 0.2 (max - X)) above a lower bound whose scale ends at `max` (1 for ratios,
 * 100 for percentages of a whole), or [X, 1.25 X) when the scale has no end. Where no value can lie
 * in that band (whole numbers with nothing between the healthy value and the first breach, or an
 * up/down signal) there is no band, and the panel's description says so.
 */

export const COLOURS = { ok: "green", warning: "yellow", breach: "red", neutral: "blue" } as const;
export const WARNING_SHARE = 0.2;

export interface Step {
  value: number | null;
  color: string;
}

/** What a colour policy needs to know: where the boundary is, which side is bad, what kind of number. */
export interface Boundary {
  comparator: Comparator;
  threshold: number;
  unit: Unit;
  /** Whole numbers only (SQL count(*), up/down): "> N" is "at least N + 1". */
  integer: boolean;
  /** Where the good side's scale ends, if it does (1 for ratios). */
  max?: number;
  /** What the boundary is, for the legend: "where the alert fires" unless said otherwise. */
  what?: string;
  /** Why this number has no warning band even though values could lie in one. */
  noBand?: string;
  /**
   * A success share: green only at the top of its scale (every execution passed). A check that
   * failed one execution in four is not healthy, only not yet alerting: yellow.
   */
  greenOnlyAtMax?: boolean;
}

export interface Colouring {
  steps: Step[];
  /** Why there is no warning band, when there is none. */
  noBandBecause?: string;
  /** One sentence a reader sees in the panel description. */
  legend: string;
}

/** The smallest double greater than x: the first value that satisfies "> x". */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** The colour Grafana paints a value with, by its own rule (value >= step). */
export function colourAt(steps: Step[], value: number): string {
  let active = steps[0];
  for (const step of steps) {
    if (step.value === null || value >= step.value) active = step;
    else break;
  }
  return active.color;
}

/** Whether the alert's condition holds for a value. */
export const breaches = (comparator: Comparator, threshold: number, value: number): boolean =>
  comparator === ">" ? value > threshold : comparator === ">=" ? value >= threshold : value < threshold;

/** Units whose good side ends at a known top: an up/down signal or a success share. */
const scaleMax: Partial<Record<Unit, number>> = { ratio: 1, up: 1 };

/** The boundary of an alert, as its panel must colour it. SQL counts are whole numbers. */
export function alertBoundary(a: Pick<AlertSpec, "comparator" | "threshold" | "unit" | "source">): Boundary {
  return {
    comparator: a.comparator,
    threshold: a.threshold,
    unit: a.unit,
    integer: a.unit === "up" || (a.source === "postgres" && a.unit === "count"),
    max: scaleMax[a.unit],
    // A "<" on a ratio is a success share (checks, probe locations): anything short of all passed is yellow.
    greenOnlyAtMax: a.unit === "ratio" && a.comparator === "<",
  };
}

/** A band's start without float noise (0.8 x 3 is 2.4000000000000004): bands are for the eye, not the boundary. */
const tidy = (n: number) => Number(n.toPrecision(12));

const fmt = (n: number) => String(Math.round(n * 1e6) / 1e6);

export function colouring(b: Boundary): Colouring {
  const { comparator, threshold: x } = b;
  const what = b.what ?? "where the alert fires";
  if (comparator === "<") {
    if (b.integer) {
      return {
        steps: [
          { value: null, color: COLOURS.breach },
          { value: x, color: COLOURS.ok },
        ],
        noBandBecause: `whole numbers: everything from ${fmt(x)} up is healthy and nothing lies between`,
        legend: `Red below ${fmt(x)} (${what}), green from ${fmt(x)}. No warning band: whole numbers, nothing lies between.`,
      };
    }
    const greenFrom = tidy(b.max !== undefined ? (b.greenOnlyAtMax ? b.max : x + WARNING_SHARE * (b.max - x)) : x / (1 - WARNING_SHARE));
    return {
      steps: [
        { value: null, color: COLOURS.breach },
        { value: x, color: COLOURS.warning },
        { value: greenFrom, color: COLOURS.ok },
      ],
      legend: b.greenOnlyAtMax
        ? `Red below ${fmt(x)} (${what}), yellow from ${fmt(x)}, green only at ${fmt(greenFrom)} (every execution passed).`
        : `Red below ${fmt(x)} (${what}), yellow from ${fmt(x)}, green from ${fmt(greenFrom)}.`,
    };
  }
  const redFrom = comparator === ">" && b.integer ? Math.floor(x) + 1 : x;
  const warnFrom = b.integer ? Math.ceil((1 - WARNING_SHARE) * redFrom) : tidy((1 - WARNING_SHARE) * x);
  const redText = comparator === ">" && !b.integer ? `from ${fmt(x)} (the alert fires above it)` : comparator === ">=" ? `from ${fmt(x)}` : `above ${fmt(x)}`;
  if (b.noBand || warnFrom <= 0 || warnFrom >= redFrom) {
    const why = b.noBand ?? `nothing lies between the healthy ${b.integer ? "count" : "value"} and the first one past ${fmt(x)}`;
    return {
      steps: [
        { value: null, color: COLOURS.ok },
        { value: redFrom, color: COLOURS.breach },
      ],
      noBandBecause: why,
      legend: `Green, red ${redText} (${what}). No warning band: ${why}.`,
    };
  }
  return {
    steps: [
      { value: null, color: COLOURS.ok },
      { value: warnFrom, color: COLOURS.warning },
      { value: redFrom, color: COLOURS.breach },
    ],
    legend: `Green, yellow from ${fmt(warnFrom)}, red ${redText} (${what}).`,
  };
}

/** For numbers with no policy (counts of sessions, product volumes): one neutral colour, said so. */
export function neutral(why: string): Colouring {
  return { steps: [{ value: null, color: COLOURS.neutral }], noBandBecause: why, legend: `No colour policy: ${why}.` };
}

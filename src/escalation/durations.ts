/**
 * Durations exactly as Prometheus' model.Duration prints them (prometheus/common model/time.go,
 * `String()`), which is how Grafana reads a policy's or rule's duration back: "1w", "1d",
 * "1h30m". Written any other way ("7d", "90m"), every preview would show a diff.
 */
const MS = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof MS;

/** Years and weeks only when they divide exactly ("90d", not "12w6d"); then the rest, largest first. */
const ORDER: [Unit, boolean][] = [
  ["y", true],
  ["w", true],
  ["d", false],
  ["h", false],
  ["m", false],
  ["s", false],
  ["ms", false],
];

export function promDuration(seconds: number): string {
  let ms = Math.round(seconds * 1000);
  if (ms === 0) return "0s";
  let out = "";
  for (const [unit, exact] of ORDER) {
    const size = MS[unit];
    if (exact && ms % size !== 0) continue;
    const v = Math.floor(ms / size);
    if (v > 0) {
      out += `${v}${unit}`;
      ms -= v * size;
    }
  }
  return out;
}

/** Reads a Prometheus duration ("30m", "1w", "1h30m", "250ms") back, in seconds. */
export function durationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * MS[p[2] as Unit], 0) / 1000;
}

import { describe, expect, it } from "vitest";
import { durationSeconds, promDuration } from "../../src/escalation/durations";

/** Prometheus' model.Duration String(), which Grafana uses to read durations back (prometheus/common model/time.go). */
describe("durations are written as Grafana reads them back", () => {
  it.each([
    [0, "0s"],
    [30, "30s"],
    [90 * 60, "1h30m"],
    [7 * 86400, "1w"],
    [86400, "1d"],
    [90 * 86400, "90d"],
    [8 * 86400, "8d"],
    [365 * 86400, "1y"],
    [0.1, "100ms"],
    [3.05, "3s50ms"],
  ])("%s s is %s, and reads back", (seconds, text) => {
    expect(promDuration(seconds)).toBe(text);
    expect(durationSeconds(text)).toBeCloseTo(seconds, 6);
  });

  it.each(["7 d", "1h30", "", "m"])("refuses %j", (text) => {
    expect(() => durationSeconds(text)).toThrow(/not a duration/);
  });
});

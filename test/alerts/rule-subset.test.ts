import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { rulesSeenBy } from "../support/ruleSubset";

/**
 * The promtool tests run each scenario on the rules its expressions can see (test/support/ruleSubset.ts).
 * Dropping a rule a test could see would let it pass on less than the plan, so the cut must keep
 * every rule a selector might match, and drop only what an equality matcher rules out.
 */
const files = [
  stringify({
    groups: [
      {
        name: "slo-a",
        interval: "1m",
        rules: [
          { record: "x:ratio:rate1h", expr: 'sum(rate(req{status="500"}[1h])) / sum(rate(req[1h]))', labels: { slo: "a" } },
          { record: "x:ratio:rate1h2", expr: "sum(rate(req[2h]))", labels: { slo: "a" } },
          { record: "x:ratio:smoothed", expr: 'avg_over_time(x:ratio:rate1h{slo="a"}[30m])', labels: { slo: "a" } },
        ],
      },
    ],
  }),
  stringify({ groups: [{ name: "slo-b", interval: "1m", rules: [{ record: "x:ratio:rate1h", expr: "sum(rate(req[1h]))", labels: { slo: "b" } }] }] }),
  stringify({
    groups: [
      {
        name: "alerts",
        interval: "1m",
        rules: [
          { alert: "RatioHigh", expr: 'x:ratio:smoothed{slo="a"} > 0.1', for: "5m", labels: { severity: "P1" } },
          { alert: "RatioHighB", expr: 'x:ratio:rate1h{slo="b"} > 0.1', labels: { severity: "P2" } },
          { alert: "Down", expr: "up == 0", labels: { severity: "P0" } },
          { alert: "Unlabelled", expr: "absent(up)" },
          { alert: "Meta", expr: 'count(ALERTS{alertname="Down"}) > 0', labels: { severity: "P3" } },
        ],
      },
    ],
  }),
];

const kept = (exprs: string[]) =>
  rulesSeenBy(exprs, files)
    .groups.flatMap((g) => g.rules.map((r) => `${g.name}/${r.alert ?? r.record}`))
    .sort();

describe("the rules a promtool test runs on", () => {
  it.each([
    ["an alert by name, with the recording rules it reads and what they read, of its own SLO only", ['count(ALERTS{alertname="RatioHigh"})'], ["alerts/RatioHigh", "slo-a/x:ratio:rate1h", "slo-a/x:ratio:smoothed"]],
    ["a record, by its labels", ['x:ratio:rate1h{slo="b"}'], ["slo-b/x:ratio:rate1h"]],
    ["a record without labels: every rule recording it", ["x:ratio:rate1h"], ["slo-a/x:ratio:rate1h", "slo-b/x:ratio:rate1h"]],
    ["a severity: every alert with it, and those without a severity of their own", ['count(ALERTS{severity="P0", alertstate="firing"})'], ["alerts/Down", "alerts/Unlabelled"]],
    ["a regular-expression or negative matcher rules nothing out", ['ALERTS{alertname=~"Ratio.*"}', 'ALERTS{severity!="P0"}'], ["alerts/Down", "alerts/Meta", "alerts/RatioHigh", "alerts/RatioHighB", "alerts/Unlabelled", "slo-a/x:ratio:rate1h", "slo-a/x:ratio:smoothed", "slo-b/x:ratio:rate1h"]],
    ["an alert reading ALERTS brings the alerts it reads", ['ALERTS{alertname="Meta"}'], ["alerts/Down", "alerts/Meta"]],
    ["a name inside a longer one is not read", ["x:ratio:rate1h2"], ["slo-a/x:ratio:rate1h2"]],
  ])("keeps %s", (_name, exprs, expected) => {
    expect(kept(exprs)).toEqual(expected);
  });

  it("refuses a __name__ selector, whose reads its text cannot tell", () => {
    expect(() => kept(['{__name__=~"x:.*"}'])).toThrow(/__name__/);
  });

  it("refuses files whose group names repeat, which could not be told apart", () => {
    expect(() => rulesSeenBy(["up"], [files[0], files[0]])).toThrow(/repeat/);
  });
});

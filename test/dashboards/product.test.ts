import { beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../../src/config/load";
import { dashboardContext, type DashboardContext } from "../../src/dashboards/common";
import { okResponsesLastWeekExpr, okResponsesPerDayExpr, weekOverWeekExpr } from "../../src/dashboards/product";
import { edgeSeries } from "../../src/alerts/signals";
import { settingsFor } from "../support/offline";
import { tempDir } from "../support/processes";
import { runPromtoolTests } from "../support/promtool";

/**
 * The product view's counts from the recorded edge series, evaluated by promtool on series shaped
 * like the recording rule writes them: a per-second rate over 5 minutes, one sample a minute,
 * labelled by function and status. Rates are powers of two so the sums are exact.
 */
let settings: Settings;
let ctx: DashboardContext;
beforeAll(async () => {
  settings = await settingsFor();
  ctx = dashboardContext(settings);
});

const MINUTES_PER_WEEK = 7 * 24 * 60;

/** An expression test that passes when the value lies in [low, high]. */
const within = (expr: string, evalTime: string, low: number, high: number) => ({
  expr: `(${expr} >= bool ${low}) * (${expr} <= bool ${high})`,
  eval_time: evalTime,
  exp_samples: [{ labels: "{}", value: 1 }],
});

describe("emails sent and VINs decoded per day and week over week", () => {
  it("count each 2xx request once, ignore errors and other functions, and compare the last week with the one before", async () => {
    const email = settings.functions.emailDelivery;
    // The recorded per-minute counts: week one at 60/64 requests a minute, week two at 60/32:
    // 9450 then 18900 requests, +100 %. The checks' own requests, marked synthetic, never count.
    const rate = (fn: string, status: string, traffic = "") =>
      `${edgeSeries.requestsPerMinute}{function="${fn}", status="${status}"${traffic ? `, traffic="${traffic}"` : ""}}`;
    const weeks = (first: number, second: number) => `${first}+0x${MINUTES_PER_WEEK} ${second}+0x${MINUTES_PER_WEEK - 1}`;
    const evalTime = `${14 * 86400 + 30}s`;
    const run = await runPromtoolTests(tempDir("product-promql"), "product.test.yml", [], [
      {
        name: "product volumes",
        interval: "1m",
        input_series: [
          { series: rate(email, "200"), values: weeks(60 / 64, 60 / 32) },
          { series: rate(email, "200", "synthetic"), values: weeks(3, 3) },
          { series: rate(email, "500"), values: weeks(60, 60) },
          { series: rate(settings.functions.vinDecode, "200"), values: weeks(60, 60) },
        ],
        promql_expr_test: [
          // Evaluated 30 s past a minute, so no sample sits on the day's boundary: exact.
          { expr: okResponsesPerDayExpr(ctx, email), eval_time: evalTime, exp_samples: [{ labels: "{}", value: (1440 * 60) / 32 }] },
          // The weekly sums step on midnights, where a sample sits. Prometheus 2 (Debian's promtool)
          // counts a sample on a range's left edge, Prometheus 3 does not: up to one sample a day more.
          within(okResponsesLastWeekExpr(ctx, email), evalTime, (MINUTES_PER_WEEK * 60) / 32, (MINUTES_PER_WEEK * 60) / 32 + (7 * 60) / 32),
          within(weekOverWeekExpr(ctx, email), evalTime, 99.9, 100.1),
        ],
      },
    ]);
    expect(run.ok, run.output).toBe(true);
  });

  it("would fail if the counts were off, so the test above can fail", async () => {
    const email = settings.functions.emailDelivery;
    const run = await runPromtoolTests(tempDir("product-promql-wrong"), "product.test.yml", [], [
      {
        name: "wrong expectation",
        interval: "1m",
        input_series: [{ series: `${edgeSeries.requestsPerMinute}{function="${email}", status="200"}`, values: `${60 / 32}+0x2000` }],
        promql_expr_test: [{ expr: okResponsesPerDayExpr(ctx, email), eval_time: "1d", exp_samples: [{ labels: "{}", value: 1 }] }],
      },
    ]);
    expect(run.ok).toBe(false);
  });
});

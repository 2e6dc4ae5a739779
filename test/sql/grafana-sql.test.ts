import { describe, expect, it } from "vitest";
import { expandMacros, interpolateVariables, sqlStringFormat, variableUses } from "../support/grafanaSql";

/**
 * test/support/grafanaSql.ts re-implements what Grafana does to SQL; these are Grafana's own
 * expectations for it, so the role and hostile-input tests run what Grafana would really send.
 */
describe("the macro engine agrees with Grafana's macros_test.go", () => {
  // grafana/grafana pkg/tsdb/grafana-postgresql-datasource/macros_test.go: 2018-04-12 18:00 to 18:05 UTC.
  const range = { from: new Date(Date.UTC(2018, 3, 12, 18, 0, 0)), to: new Date(Date.UTC(2018, 3, 12, 18, 5, 0)) };
  it.each([
    ["select $__time(time_column)", 'select time_column AS "time"'],
    ["WHERE $__timeFilter(time_column)", "WHERE time_column BETWEEN '2018-04-12T18:00:00Z' AND '2018-04-12T18:05:00Z'"],
    ["select $__timeFrom()", "select '2018-04-12T18:00:00Z'"],
    ["select $__timeTo()", "select '2018-04-12T18:05:00Z'"],
    ["SELECT $__timeGroup(time_column,'5m')", "SELECT floor(extract(epoch from time_column)/300)*300"],
    ["$__timeGroupAlias(time_column , '5m')", 'floor(extract(epoch from time_column)/300)*300 AS "time"'],
    ["select $__unixEpochFilter(time)", `select time >= ${range.from.getTime() / 1000} AND time <= ${range.to.getTime() / 1000}`],
  ])("%s", (sql, expected) => {
    expect(expandMacros(sql, range)).toBe(expected);
  });

  it("keeps fractions of a second as Go's RFC3339Nano does", () => {
    const half = { from: new Date(Date.UTC(1960, 1, 1, 7, 0, 0, 500)), to: new Date(Date.UTC(1980, 1, 3, 8, 0, 0, 500)) };
    expect(expandMacros("WHERE $__timeFilter(t)", half)).toBe("WHERE t BETWEEN '1960-02-01T07:00:00.5Z' AND '1980-02-03T08:00:00.5Z'");
  });

  it("refuses an unknown macro, as Grafana answers the query with an error", () => {
    expect(() => expandMacros("SELECT $evil()", range)).toThrow(/unknown macro "evil"/);
  });
});

describe("variables are formatted as Grafana's template service does", () => {
  it.each([
    ["a plain value", "abc", "'abc'"],
    ["a single quote, doubled", "it's", "'it''s'"],
    ["a double quote, backslashed (grafana/scenes SQL_ESCAPE_MAP)", 'a"b', "'a\\\"b'"],
    ["a backslash, left as it is", "a\\", "'a\\'"],
  ])(":sqlstring of %s", (_name, value, formatted) => {
    expect(sqlStringFormat(value)).toBe(formatted);
  });

  it(":sqlstring of several values joins them with commas", () => {
    expect(sqlStringFormat(["a", "b'c"])).toBe("'a','b''c'");
  });

  it("replaces $var, ${var} and ${var:sqlstring}, and leaves macros and unknown names alone", () => {
    const sql = "SELECT $token, ${token}, ${token:sqlstring}, $__timeFilter(t), $other";
    expect(interpolateVariables(sql, { token: "x'y" })).toBe("SELECT x'y, x'y, 'x''y', $__timeFilter(t), $other");
    expect(variableUses(sql).map((u) => `${u.name}:${u.format ?? ""}`)).toEqual(["token:", "token:", "token:sqlstring", "__timeFilter:", "other:"]);
  });
});

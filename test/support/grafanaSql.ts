/**
 * What Grafana does to a PostgreSQL panel's SQL before the database sees it, re-implemented from
 * Grafana's own source so the tests run the very text Grafana would send:
 *
 * 1. Template variables, in the browser (or the rule evaluator):
 *    - which `$...` are variables: grafana/grafana public/app/features/variables/utils.ts,
 *      `variableRegex`;
 *    - `:sqlstring`: grafana/scenes packages/scenes/src/variables/interpolation/formatRegistry.ts,
 *      `sqlStringFormatter`: `'` becomes `''`, `"` becomes `\"`, the whole wrapped in `'...'`
 *      (arrays joined with `,`).
 *    - without a format, old Grafana put the text in raw (the case `:sqlstring` guards against).
 * 2. Macros, on the server: grafana/grafana pkg/tsdb/grafana-postgresql-datasource/sqleng
 *    `Interpolate` ($__interval, $__interval_ms, $__unixEpochFrom(), $__unixEpochTo()), then
 *    pkg/tsdb/grafana-postgresql-datasource/macros.go: every `$name(args)` in the text, string
 *    literals included, is a macro, and an unknown name is an error.
 */

/** grafana/grafana public/app/features/variables/utils.ts */
const VARIABLE_REGEX = /\$(\w+)|\[\[([\s\S]+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

const SQL_ESCAPE: Record<string, string> = { "'": "''", '"': '\\"' };

/** Grafana's `:sqlstring` format (grafana/scenes formatRegistry.ts, sqlStringFormatter). */
export function sqlStringFormat(value: string | string[]): string {
  const one = (v: string) => `'${v.replace(/'|"/g, (match) => SQL_ESCAPE[match] ?? "")}'`;
  return Array.isArray(value) ? value.map(one).join(",") : one(value);
}

export type VariableFormat = "sqlstring" | "raw";

/**
 * Replaces dashboard variables as Grafana's template service does. A variable written without a
 * format gets `withoutFormat` ("raw": old Grafana). Names that are not variables stay as they are
 * ($__timeFilter is a macro, not a variable).
 */
export function interpolateVariables(sql: string, values: Record<string, string>, withoutFormat: VariableFormat = "raw"): string {
  return sql.replace(VARIABLE_REGEX, (match, plain?: string, bracket?: string, bracketFormat?: string, braced?: string, _fieldPath?: string, bracedFormat?: string) => {
    const name = plain ?? bracket ?? braced;
    if (name === undefined || !(name in values)) return match;
    const format = (bracketFormat ?? bracedFormat ?? withoutFormat) as string;
    if (format === "sqlstring") return sqlStringFormat(values[name]);
    if (format === "raw") return values[name];
    throw new Error(`format ${format} is not modelled here`);
  });
}

/** The dashboard variables a query refers to, with the format each is written in. */
export function variableUses(sql: string): { name: string; format?: string }[] {
  return [...sql.matchAll(VARIABLE_REGEX)].map((m) => ({ name: (m[1] ?? m[2] ?? m[4]) as string, format: m[3] ?? m[6] }));
}

export interface TimeRange {
  from: Date;
  to: Date;
  /** The query's interval ($__interval), in ms. */
  intervalMs?: number;
}

/** Go's time.RFC3339Nano in UTC, as Grafana formats $__timeFrom: trailing zeros of the fraction dropped. */
function rfc3339Nano(d: Date): string {
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : "Z"));
}

/** gtime.FormatInterval (grafana-plugin-sdk-go): the largest whole unit. */
function formatInterval(ms: number): string {
  const units: [number, string][] = [
    [365 * 24 * 3600e3, "y"],
    [7 * 24 * 3600e3, "w"],
    [24 * 3600e3, "d"],
    [3600e3, "h"],
    [60e3, "m"],
    [1e3, "s"],
  ];
  for (const [size, unit] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return `${ms}ms`;
}

/** gtime.ParseInterval for the units the macros take. */
function parseIntervalSeconds(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(text);
  if (!m) throw new Error(`error parsing interval ${text}`);
  const size = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[m[2] as "s"];
  return Number(m[1]) * size;
}

/** Grafana's PostgreSQL macro engine (macros.go), without TimescaleDB and fill modes. */
export function expandMacros(sql: string, range: TimeRange): string {
  const from = rfc3339Nano(range.from);
  const to = rfc3339Nano(range.to);
  const fromSec = Math.floor(range.from.getTime() / 1000);
  const toSec = Math.floor(range.to.getTime() / 1000);
  const intervalMs = range.intervalMs ?? 60_000;
  // sqleng.Interpolate: plain replacements, first.
  let out = sql
    .replaceAll("$__interval_ms", String(intervalMs))
    .replaceAll("$__interval", formatInterval(intervalMs))
    .replaceAll("$__unixEpochFrom()", String(fromSec))
    .replaceAll("$__unixEpochTo()", String(toSec));
  // macros.go: sExpr = `\$([_a-zA-Z0-9]+)\(([^\)]*)\)`
  out = out.replace(/\$([_a-zA-Z0-9]+)\(([^)]*)\)/g, (_match, name: string, argText: string) => {
    const args = argText.split(",").map((a) => a.trim());
    const column = () => {
      if (args[0] === "") throw new Error(`missing time column argument for macro ${name}`);
      return args[0];
    };
    const group = () => {
      if (args.length < 2) throw new Error(`macro ${name} needs time column and interval and optional fill value`);
      const s = parseIntervalSeconds(args[1].replace(/^'+|'+$/g, ""));
      return `floor(extract(epoch from ${args[0]})/${s})*${s}`;
    };
    switch (name) {
      case "__time":
        return `${column()} AS "time"`;
      case "__timeEpoch":
        return `extract(epoch from ${column()}) as "time"`;
      case "__timeFilter":
        return `${column()} BETWEEN '${from}' AND '${to}'`;
      case "__timeFrom":
        return `'${from}'`;
      case "__timeTo":
        return `'${to}'`;
      case "__timeGroup":
        return group();
      case "__timeGroupAlias":
        return `${group()} AS "time"`;
      case "__unixEpochFilter":
        return `${column()} >= ${fromSec} AND ${args[0]} <= ${toSec}`;
      default:
        throw new Error(`unknown macro "${name}"`);
    }
  });
  return out;
}

/** Everything Grafana does to a panel's SQL, in its order: variables, then macros. */
export function grafanaSql(sql: string, options: { variables?: Record<string, string>; range: TimeRange; withoutFormat?: VariableFormat }): string {
  return expandMacros(interpolateVariables(sql, options.variables ?? {}, options.withoutFormat), options.range);
}

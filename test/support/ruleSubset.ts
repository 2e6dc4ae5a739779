import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import type { PromtoolTest } from "./promtool";

/**
 * The rules a promtool test can see, cut out of the rule files the plan writes, so promtool
 * evaluates only those. promtool's cost is the rules it evaluates times the evaluation steps (every
 * rule of every loaded file runs at every step, whatever the test looks at): a burn-rate alert's
 * scenarios would otherwise drag all twenty rules of its area and SLO through every step. A rule
 * the test cannot see changes nothing it can: rules meet only through the series they write, and
 * the cut keeps every writer of a series a kept expression reads. The cut never changes a rule:
 * groups keep their name, interval and every other field, and each rule is the plan's object as
 * parsed (`notThePlans` proves it).
 */

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  [field: string]: unknown;
}
export interface RuleGroup {
  name: string;
  rules: Rule[];
  [field: string]: unknown;
}
export interface RuleFile {
  groups: RuleGroup[];
}

/** The series a rule writes: its record, or for an alerting rule the two series Prometheus keeps for it. */
const writes = (rule: Rule): string[] => (rule.record ? [rule.record] : ["ALERTS", "ALERTS_FOR_STATE"]);

/** Each selector of a metric in an expression, as its matchers' text ("" for a bare name). */
const selectorsOf = (expr: string, metric: string): string[] =>
  [...expr.matchAll(new RegExp(`(?<![A-Za-z0-9_:])${metric.replace(/[^A-Za-z0-9_]/g, "\\$&")}(?![A-Za-z0-9_:])\\s*(\\{[^}]*\\})?`, "g"))].map((m) => m[1] ?? "");

/**
 * Whether a selector can return a series this rule writes. Only an equality matcher can rule a rule
 * out: on `alertname` for an alerting rule, or on a label the rule sets itself (a rule's own labels
 * win over its expression's). Anything else might match, so it counts as a match.
 */
function canMatch(matchers: string, rule: Rule): boolean {
  const own = (rule.labels ?? {}) as Record<string, string>;
  for (const [, label, op, value] of matchers.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
    if (op !== "=") continue;
    if (label === "alertname" && rule.alert !== undefined && value !== rule.alert) return false;
    if (own[label] !== undefined && own[label] !== value) return false;
  }
  return true;
}

/** The rules whose series an expression can read. */
function seenBy(expr: string, rules: Rule[]): Rule[] {
  if (expr.includes("__name__")) throw new Error(`${expr}: selects by __name__, so what it reads cannot be told from its text`);
  return rules.filter((r) => writes(r).some((metric) => selectorsOf(expr, metric).some((matchers) => canMatch(matchers, r))));
}

/** The expressions a promtool test evaluates, for `rulesSeenBy`. */
export const expressionsOf = (tests: PromtoolTest[]): string[] => tests.flatMap((t) => t.promql_expr_test.map((e) => e.expr));

/** Parsed once per text: a test cuts many times out of the same few files. Callers get copies. */
const parsed = new Map<string, RuleFile>();
const parseRuleFile = (text: string): RuleFile => {
  let file = parsed.get(text);
  if (!file) parsed.set(text, (file = parse(text) as RuleFile));
  return file;
};

/**
 * The rule files reduced to what a test's expressions can see: every rule whose series they can
 * select (a recording rule by its record, an alerting rule through ALERTS), and,
 * transitively, every rule those rules read. Groups keep their order and every field; groups left
 * without rules are dropped. Throws on a `__name__` selector, whose reads a name cannot tell.
 */
export function rulesSeenBy(exprs: string[], ruleFileTexts: string[]): RuleFile {
  const groups = ruleFileTexts.flatMap((text) => parseRuleFile(text).groups);
  const groupNames = groups.map((g) => g.name);
  if (new Set(groupNames).size !== groupNames.length) throw new Error(`rule group names repeat across the files: ${groupNames.join(", ")}`);
  const all = groups.flatMap((g) => g.rules);
  const kept = new Set(exprs.flatMap((e) => seenBy(e, all)));
  for (let grew = true; grew; ) {
    const before = kept.size;
    for (const rule of [...kept]) for (const read of seenBy(rule.expr, all)) kept.add(read);
    grew = kept.size > before;
  }
  return structuredClone({ groups: groups.map((g) => ({ ...g, rules: g.rules.filter((r) => kept.has(r)) })).filter((g) => g.rules.length > 0) });
}

/**
 * What in a cut is not the plan's: each group must match a plan group of the same name in every
 * field but its rules, and each rule must equal, field for field, a rule of that group. Empty when
 * the cut is the plan's own rules.
 */
export function notThePlans(cut: RuleFile, planRuleFileTexts: string[]): string[] {
  const planGroups = planRuleFileTexts.flatMap((text) => parseRuleFile(text).groups);
  return cut.groups.flatMap((group) => {
    const plan = planGroups.find((g) => g.name === group.name);
    if (!plan) return [`group ${group.name} is in no plan file`];
    const { rules, ...fields } = group;
    const { rules: planRules, ...planFields } = plan;
    return [
      ...(isDeepStrictEqual(fields, planFields) ? [] : [`group ${group.name} differs from the plan's: ${JSON.stringify(fields)}`]),
      ...rules.filter((r) => !planRules.some((p) => isDeepStrictEqual(p, r))).map((r) => `${group.name}/${r.alert ?? r.record} differs from the plan's`),
    ];
  });
}

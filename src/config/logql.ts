import { parser } from "@grafana/lezer-logql";

/**
 * `logDrain.streamSelector` goes into every LogQL recording rule (`<selector> | regexp ... `) and
 * into alert descriptions, so it is parsed with Grafana's own LogQL grammar (@grafana/lezer-logql,
 * the parser of Grafana's Loki query editor) rather than matched by a pattern: it must be a stream
 * selector and nothing else, no pipeline, no metric query, no second expression.
 *
 * Returns what is wrong, or undefined.
 */
export function streamSelectorProblem(text: string): string | undefined {
  const tree = parser.parse(text);
  const errors: number[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  if (errors.length > 0) return `is not valid LogQL (syntax error at character ${errors[0] + 1})`;
  // LogQL > Expr > LogExpr > Selector, and nothing beside them.
  const expr = tree.topNode.firstChild;
  const log = expr?.firstChild;
  if (!expr || expr.nextSibling || !log || log.nextSibling || log.name !== "LogExpr") return "must be a stream selector alone, not a metric query or a combination of queries";
  const selector = log.firstChild;
  if (!selector || selector.name !== "Selector" || selector.nextSibling) return "must be a stream selector alone: the recording rules add their own pipeline, so remove any '|' stage";
  // Loki refuses a selector whose matchers all match the empty string ("queries require at least one
  // matcher that does not match the empty string"); such a selector would also read every stream.
  const matchers: { op: string; value: string }[] = [];
  selector.cursor().iterate((c) => {
    if (c.name !== "Matcher") return;
    const op = c.node.getChild("Eq") ?? c.node.getChild("Neq") ?? c.node.getChild("Re") ?? c.node.getChild("Nre");
    const str = c.node.getChild("String");
    if (op && str) matchers.push({ op: text.slice(op.from, op.to), value: unquote(text.slice(str.from, str.to)) });
    return false;
  });
  if (!matchers.some((m) => (m.op === "=" && m.value !== "") || (m.op === "=~" && !matchesEmpty(m.value)))) {
    return 'needs at least one matcher that does not match an empty value, such as source="supabase"';
  }
  return undefined;
}

const unquote = (s: string) => (s.startsWith("`") ? s.slice(1, -1) : (JSON.parse(s) as string));

/** Whether a Loki (RE2, fully anchored) regex matches "": checked with JavaScript's engine, which reads the patterns a selector uses alike. */
function matchesEmpty(pattern: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, "u").test("");
  } catch {
    // A construct JavaScript does not know (RE2's (?P<name>...)): Loki is the judge; do not refuse it here.
    return false;
  }
}

/**
 * Grafana renders alert annotations, contact-point messages and PagerDuty details as Go templates,
 * and config strings reach them verbatim (a contact's name in the notification message, the stream
 * selector in an alert description). `{{` or `}}` in such a string would be executed, or would break
 * the template and with it every notification of that contact point.
 */
export const GO_TEMPLATE_DELIMITERS = /\{\{|\}\}/;

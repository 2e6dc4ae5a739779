import { parser } from "@grafana/lezer-logql";
import { RE2 } from "re2-wasm";

/** Syntax errors a real LogQL parser finds in an expression, with their offsets. */
export function logqlErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}

/** A log record as Loki holds it: stream labels, the line, structured metadata. */
export interface LogRecord {
  labels: Record<string, string>;
  line: string;
  metadata: Record<string, string>;
}

type Stage =
  | { kind: "matcher"; name: string; op: string; value: string }
  | { kind: "regexp"; pattern: string }
  | { kind: "keep"; labels: string[] }
  | { kind: "unwrap"; label: string };

export interface ParsedLogQuery {
  selector: { name: string; op: string; value: string }[];
  stages: Stage[];
  /** Labels of the outer `sum by (...)` or of the range aggregation's `by (...)`. */
  groupBy: string[];
}

const unquote = (s: string) => (s.startsWith("`") ? s.slice(1, -1) : (JSON.parse(s) as string));

/**
 * The parts of a LogQL metric query this project uses, read from the parse tree of the real LogQL
 * grammar (@grafana/lezer-logql), in pipeline order. Anything else in a pipeline is an error, so a
 * new stage cannot slip past the stage runner below unexamined.
 */
export function parseLogQuery(expr: string): ParsedLogQuery {
  const errors = logqlErrors(expr);
  if (errors.length > 0) throw new Error(`LogQL syntax error at ${errors.join(", ")}: ${expr}`);
  const text = (n: { from: number; to: number }) => expr.slice(n.from, n.to);
  const selector: ParsedLogQuery["selector"] = [];
  const stages: Stage[] = [];
  const groupBy: string[] = [];
  let inSelector = false;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name === "Selector") inSelector = true;
      if (node.name === "Matcher") {
        const id = node.node.getChild("Identifier");
        const str = node.node.getChild("String");
        const op = node.node.getChild("Eq") ?? node.node.getChild("Neq") ?? node.node.getChild("Re") ?? node.node.getChild("Nre");
        if (!id || !str || !op) throw new Error(`unexpected matcher ${text(node)}`);
        const m = { name: text(id), op: text(op), value: unquote(text(str)) };
        if (inSelector) selector.push(m);
        else stages.push({ kind: "matcher", ...m });
        return false;
      }
      if (node.name === "LabelParser") {
        const str = node.node.getChild("String");
        if (!node.node.getChild("Regexp") || !str) throw new Error(`only regexp parsers are run here: ${text(node)}`);
        stages.push({ kind: "regexp", pattern: unquote(text(str)) });
        return false;
      }
      if (node.name === "KeepLabelsExpr") {
        const labels: string[] = [];
        node.node.cursor().iterate((c) => {
          if (c.name === "Identifier") labels.push(text(c));
        });
        stages.push({ kind: "keep", labels });
        return false;
      }
      if (node.name === "Unwrap") {
        const id = node.node.nextSibling;
        if (id?.name !== "Identifier") throw new Error(`unwrap without a label: ${expr}`);
        stages.push({ kind: "unwrap", label: text(id) });
      }
      if (node.name === "Grouping") {
        node.node.cursor().iterate((c) => {
          if (c.name === "Identifier") groupBy.push(text(c));
        });
        return false;
      }
      if (["LineFilter", "JsonExpressionParser", "LabelFormatExpr", "LineFormatExpr", "DropLabelsExpr", "DecolorizeExpr"].includes(node.name)) {
        throw new Error(`stage ${node.name} is not run by this test support: ${text(node)}`);
      }
      return undefined;
    },
    leave: (node) => {
      if (node.name === "Selector") inSelector = false;
    },
  });
  return { selector, stages, groupBy };
}

const matches = (value: string | undefined, op: string, want: string): boolean => {
  const v = value ?? "";
  if (op === "=") return v === want;
  if (op === "!=") return v !== want;
  const re = new RE2(`^(?:${want})$`, "u");
  return op === "=~" ? re.test(v) : !re.test(v);
};

/**
 * Runs the parsed pipeline over records as Loki would: the selector on stream labels, then each
 * stage on the labels (stream labels, structured metadata and extracted labels together), the
 * regexp with RE2, the engine Loki uses. Returns each surviving record's labels and unwrapped value.
 */
export function runLogPipeline(q: ParsedLogQuery, records: LogRecord[]): { labels: Record<string, string>; value?: number }[] {
  const out: { labels: Record<string, string>; value?: number }[] = [];
  const compiled = new Map<string, RE2>();
  for (const r of records) {
    if (!q.selector.every((m) => matches(r.labels[m.name], m.op, m.value))) continue;
    let labels: Record<string, string> = { ...r.labels, ...r.metadata };
    let value: number | undefined;
    let kept = true;
    for (const stage of q.stages) {
      if (stage.kind === "regexp") {
        if (!compiled.has(stage.pattern)) compiled.set(stage.pattern, new RE2(stage.pattern, "u"));
        const groups = compiled.get(stage.pattern)?.exec(r.line)?.groups ?? {};
        for (const [k, v] of Object.entries(groups)) if (v !== undefined) labels[k] = v;
      } else if (stage.kind === "matcher") {
        if (!matches(labels[stage.name], stage.op, stage.value)) {
          kept = false;
          break;
        }
      } else if (stage.kind === "keep") {
        labels = Object.fromEntries(Object.entries(labels).filter(([k]) => stage.labels.includes(k) || k === "__error__"));
      } else {
        const raw = labels[stage.label];
        const n = raw === undefined ? Number.NaN : Number(raw);
        if (Number.isNaN(n)) labels.__error__ = "SampleExtractionErr";
        else value = n;
        // unwrap takes the label out of the series, as Loki does.
        delete labels[stage.label];
      }
    }
    if (kept) out.push({ labels, value });
  }
  return out;
}

import { parser } from "@grafana/lezer-logql";

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

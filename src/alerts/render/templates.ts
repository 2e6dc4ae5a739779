import type { DecoratedAlert } from "../types";

/** The description with `{{value}}` in each engine's own template language. */
export const prometheusDescription = (alert: DecoratedAlert) => alert.description.replaceAll("{{value}}", "{{ $value | humanize }}");
export const grafanaDescription = (alert: DecoratedAlert) => alert.description.replaceAll("{{value}}", "{{ humanize $values.B.Value }}");

/** PromQL's comparison for a spec's comparator. */
export const promComparator = (alert: Pick<DecoratedAlert, "comparator">) => alert.comparator;
/** Grafana's threshold evaluator type for a spec's comparator. */
export const grafanaEvaluator = { ">": "gt", ">=": "gte", "<": "lt" } as const;

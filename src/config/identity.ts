import { createHash } from "node:crypto";

/**
 * Every Grafana object this program owns is named from one prefix, so that a second stack in the
 * same Grafana org (a staging stack copied from prod's file) shares no uid, name or job with prod.
 * The stack named by `identity.unprefixedStack` (prod) keeps the `ain-` identities its objects
 * were created with, so adopting this changes nothing there; every other stack is `ain-<stack>-`.
 * Derived from the stack's name, never from its file, because a copied file carries prod's values.
 */
export interface Identity {
  stack: string;
  /** `ain` for the unprefixed stack, `ain-<stack>` for the others. */
  prefix: string;
  /** A Grafana uid or name for a slug, within Grafana's 40-character uid limit. */
  uid(slug: string): string;
  /** A display name's suffix, so two stacks' folders and data sources read apart. */
  title(title: string): string;
  /**
   * The first part of every series this project records (`<seriesPrefix>:<what>:<how>`), scoped
   * the same way: two stacks recording into one Prometheus must not write the same series. `ain`
   * for the unprefixed stack, `ain_<stack>` for the others (a metric name has no `-`). The names
   * are built with it (alerts/signals.ts), so rules, rule files and dashboards read the same series.
   */
  seriesPrefix: string;
}

/** Grafana refuses uids longer than this. */
export const MAX_UID_LENGTH = 40;

const stackSlug = (stack: string) =>
  stack
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

export function identityFor(stack: string, unprefixedStack: string): Identity {
  const prefix = stack === unprefixedStack ? "ain" : `ain-${stackSlug(stack)}`;
  return {
    stack,
    prefix,
    uid(slug) {
      const full = `${prefix}-${slug}`;
      if (full.length <= MAX_UID_LENGTH) return full;
      // Too long: keep a readable head and a hash of the whole, stable for the same stack and slug.
      const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
      return `${full.slice(0, MAX_UID_LENGTH - hash.length - 1).replace(/-$/, "")}-${hash}`;
    },
    title: (title) => (stack === unprefixedStack ? title : `${title} (${stack})`),
    seriesPrefix: prefix.replace(/-/g, "_"),
  };
}

import { createHash } from "node:crypto";

/**
 * Dashboard URLs as Grafana makes them, so that links written before anything is deployed are the
 * links Grafana will serve.
 *
 * Grafana's API gives a dashboard `meta.url` of `/d/<uid>/<slug>`, the slug made by
 * pkg/infra/slugify (grafana/grafana): lower case; a space becomes '-', '&' "and", '@' "at";
 * a-z, 0-9, '_' and '-' stay; , " ' ? . ( ) and line breaks are dropped; any other character is
 * written as the hex of its UTF-8 bytes (so "·" is "c2b7"); a slug longer than 50 bytes, or
 * empty, is replaced by a name-based UUID (SHA-1, OID namespace) of the title. Grafana also
 * transliterates accented letters; titles here are ASCII apart from "·", so that table is left out,
 * and a title that needs it is refused rather than guessed.
 * The provider's `url` attribute is that path joined to the provider's Grafana URL
 * (terraform-provider-grafana, `GrafanaSubpath(dashboard.Meta.URL)`).
 */
const OMITTED = new Set([",", '"', "'", "\n", "\r", "\0", "?", ".", "(", ")"]);
const REPLACED: Record<string, string> = { " ": "-", "&": "and", "@": "at" };

/** RFC 4122 name-based UUID, version 5, in the OID namespace: Go's uuid.NewSHA1(uuid.NameSpaceOID, name). */
function uuidV5Oid(name: string): string {
  const namespace = Buffer.from("6ba7b8129dad11d180b400c04fd430c8", "hex");
  const hash = createHash("sha1").update(namespace).update(name, "utf8").digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function grafanaSlug(title: string): string {
  let slug = "";
  for (const c of title.trim().toLowerCase()) {
    if (REPLACED[c] !== undefined) slug += REPLACED[c];
    else if (/^[a-z0-9_-]$/.test(c)) slug += c;
    else if (OMITTED.has(c)) continue;
    else if (/^[\p{L}]$/u.test(c) && c.codePointAt(0)! > 0x7f) throw new Error(`dashboard title '${title}': '${c}' is transliterated by Grafana's slug table, which this project does not copy; use ASCII letters`);
    else slug += Buffer.from(c, "utf8").toString("hex");
  }
  return slug.length > 50 || slug === "" ? uuidV5Oid(title) : slug;
}

/** `<grafanaUrl>/d/<uid>/<slug>`, as the provider's Dashboard `url` attribute reads after a create. */
export const dashboardUrl = (grafanaUrl: string, uid: string, title: string): string => `${grafanaUrl.replace(/\/+$/, "")}/d/${uid}/${grafanaSlug(title)}`;

/** One panel of a dashboard, opened on its own. */
export const panelUrl = (grafanaUrl: string, uid: string, title: string, panelId: number): string => `${dashboardUrl(grafanaUrl, uid, title)}?viewPanel=${panelId}`;

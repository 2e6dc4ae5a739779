import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The reference verifier for the paging webhook's receiver: what a receiver must check before it
 * pages anyone. The signing scheme is Grafana's (grafana/alerting, http/hmac.go): with a timestamp
 * header configured, Grafana sets it to the Unix time in seconds and sends
 * hex(HMAC-SHA256(secret, timestamp + ":" + body)) in the signature header.
 *
 * The receiver is given every secret that is valid now (previous, current and next period, see
 * src/rotation/periods.ts), refuses a timestamp outside the tolerance, and refuses a signature it
 * has already accepted (a replay inside the tolerance).
 */
export const PAGING_SIGNATURE_HEADER = "X-AIN-Signature";
export const PAGING_TIMESTAMP_HEADER = "X-AIN-Timestamp";
/** Grafana retries a failed webhook within seconds; five minutes also absorbs clock skew. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type Verdict = { ok: true; secretIndex: number } | { ok: false; reason: "missing signature" | "missing timestamp" | "malformed timestamp" | "stale timestamp" | "timestamp in the future" | "bad signature" | "replayed" };

export interface VerifierOptions {
  /** Every secret valid now; an empty one is ignored. */
  secrets: string[];
  toleranceSeconds?: number;
  /** Seconds since the epoch; the clock by default. */
  now?: () => number;
}

export function sign(secret: string, timestamp: number | string, body: string | Buffer): string {
  return createHmac("sha256", secret).update(`${timestamp}:`).update(body).digest("hex");
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A verifier with memory: it remembers accepted signatures until they could no longer pass the clock check. */
export function pagingVerifier(options: VerifierOptions) {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const clock = options.now ?? (() => Math.floor(Date.now() / 1000));
  const secrets = options.secrets.filter((s) => s.length > 0);
  const seen = new Map<string, number>();

  return function verify(headers: Record<string, string | undefined>, body: string | Buffer): Verdict {
    const header = (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]?.trim();
    const signature = header(PAGING_SIGNATURE_HEADER)?.toLowerCase();
    const stamp = header(PAGING_TIMESTAMP_HEADER);
    if (!signature) return { ok: false, reason: "missing signature" };
    if (!stamp) return { ok: false, reason: "missing timestamp" };
    if (!/^\d{1,12}$/.test(stamp)) return { ok: false, reason: "malformed timestamp" };
    const now = clock();
    const age = now - Number(stamp);
    if (age > tolerance) return { ok: false, reason: "stale timestamp" };
    if (age < -tolerance) return { ok: false, reason: "timestamp in the future" };
    const secretIndex = secrets.findIndex((secret) => sameHex(sign(secret, stamp, body), signature));
    if (secretIndex < 0) return { ok: false, reason: "bad signature" };
    for (const [seenSignature, until] of seen) if (until < now) seen.delete(seenSignature);
    if (seen.has(signature)) return { ok: false, reason: "replayed" };
    seen.set(signature, Number(stamp) + tolerance);
    return { ok: true, secretIndex };
  };
}

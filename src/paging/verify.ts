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
 *
 * Replays are caught by a store of the signatures already accepted. The signature identifies the
 * exact signed message (its timestamp and body; Grafana's retries are signed anew, so they are not
 * replays), and it must be remembered until its timestamp + tolerance, after which the clock check
 * refuses it anyway. The default store lives in this process's memory, which holds only for a
 * receiver that runs as ONE instance that never restarts. A receiver with several instances (behind
 * a load balancer, serverless) or one that restarts within the tolerance must share one store: a
 * page accepted by instance A and replayed to instance B, or to A after a restart, is otherwise
 * accepted twice. The shared store must record a key only if absent, atomically, with that expiry:
 * Redis `SET ain:paging:<signature> 1 NX EXAT <timestamp + tolerance>` (accepted when it returns OK),
 * or PostgreSQL `INSERT ... ON CONFLICT (signature) DO NOTHING` on a table purged of expired rows.
 * Give it as `replayStore` (`sharedPagingVerifier` for a store that answers asynchronously).
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

/**
 * Where accepted signatures are remembered. `claim` records `key` until `expiresAt` (seconds since
 * the epoch) unless it is already recorded and not expired, and says whether it recorded it: a
 * check-and-set in one step, so two instances handed the same replay cannot both accept it.
 */
export interface ReplayStore<Claimed extends boolean | Promise<boolean> = boolean> {
  claim(key: string, expiresAt: number, now: number): Claimed;
}

/** The in-process store: for a receiver that runs as one instance and never restarts. */
export function memoryReplayStore(): ReplayStore & { size(): number } {
  const seen = new Map<string, number>();
  return {
    claim(key, expiresAt, now) {
      for (const [k, until] of seen) if (until < now) seen.delete(k);
      if (seen.has(key)) return false;
      seen.set(key, expiresAt);
      return true;
    },
    size: () => seen.size,
  };
}

type Checked = { ok: false; verdict: Verdict } | { ok: true; secretIndex: number; signature: string; expiresAt: number; now: number };

/** Everything but the replay check: headers, clock, signature. */
function checker(options: VerifierOptions) {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const clock = options.now ?? (() => Math.floor(Date.now() / 1000));
  const secrets = options.secrets.filter((s) => s.length > 0);
  return (headers: Record<string, string | undefined>, body: string | Buffer): Checked => {
    const refuse = (reason: Extract<Verdict, { ok: false }>["reason"]): Checked => ({ ok: false, verdict: { ok: false, reason } });
    const header = (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]?.trim();
    const signature = header(PAGING_SIGNATURE_HEADER)?.toLowerCase();
    const stamp = header(PAGING_TIMESTAMP_HEADER);
    if (!signature) return refuse("missing signature");
    if (!stamp) return refuse("missing timestamp");
    if (!/^\d{1,12}$/.test(stamp)) return refuse("malformed timestamp");
    const now = clock();
    const age = now - Number(stamp);
    if (age > tolerance) return refuse("stale timestamp");
    if (age < -tolerance) return refuse("timestamp in the future");
    const secretIndex = secrets.findIndex((secret) => sameHex(sign(secret, stamp, body), signature));
    if (secretIndex < 0) return refuse("bad signature");
    // Past this instant the clock check refuses the message, so the store may forget it.
    return { ok: true, secretIndex, signature, expiresAt: Number(stamp) + tolerance, now };
  };
}

/** A verifier with memory: it remembers accepted signatures until they could no longer pass the clock check. */
export function pagingVerifier(options: VerifierOptions & { replayStore?: ReplayStore<boolean> }) {
  const check = checker(options);
  const store = options.replayStore ?? memoryReplayStore();
  return function verify(headers: Record<string, string | undefined>, body: string | Buffer): Verdict {
    const c = check(headers, body);
    if (!c.ok) return c.verdict;
    if (!store.claim(c.signature, c.expiresAt, c.now)) return { ok: false, reason: "replayed" };
    return { ok: true, secretIndex: c.secretIndex };
  };
}

/** The same verifier over a store that answers asynchronously, as a shared one (Redis, PostgreSQL) does. */
export function sharedPagingVerifier(options: VerifierOptions & { replayStore: ReplayStore<Promise<boolean>> }) {
  const check = checker(options);
  return async function verify(headers: Record<string, string | undefined>, body: string | Buffer): Promise<Verdict> {
    const c = check(headers, body);
    if (!c.ok) return c.verdict;
    if (!(await options.replayStore.claim(c.signature, c.expiresAt, c.now))) return { ok: false, reason: "replayed" };
    return { ok: true, secretIndex: c.secretIndex };
  };
}

import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { memoryReplayStore, pagingVerifier, sharedPagingVerifier, sign, DEFAULT_TOLERANCE_SECONDS, PAGING_SIGNATURE_HEADER, PAGING_TIMESTAMP_HEADER, type ReplayStore } from "../../src/paging/verify";
import { signingSlots } from "../../src/rotation/periods";

/**
 * The reference receiver check, against requests signed the way Grafana signs them
 * (grafana/alerting http/hmac.go: hex(HMAC-SHA256(secret, "<unix seconds>:" + body)), the seconds
 * in the timestamp header). The body is shaped like Grafana's webhook payload (receivers/webhook).
 */
const BODY = JSON.stringify({ receiver: "ain-p0-critical", status: "firing", version: "1", groupKey: '{}:{alertname="HealthCheckFailing"}', title: "[FIRING:1] HealthCheckFailing", state: "alerting" });
const NOW = 1_795_000_000;
const OCTOBER = "secret-of-2026-10-a8f3";
const NOVEMBER = "secret-of-2026-11-c41d";
const DECEMBER = "secret-of-2026-12-77e2";
const STRANGER = "secret-nobody-issued-0b9a";

/** What Grafana's HMACRoundTripper writes, computed independently of src/paging/verify.ts's sign(). */
const grafanaSigned = (secret: string, at: number, body = BODY) => ({
  [PAGING_TIMESTAMP_HEADER]: String(at),
  [PAGING_SIGNATURE_HEADER]: createHmac("sha256", secret).update(`${at}:${body}`).digest("hex"),
});

const receiver = () => pagingVerifier({ secrets: [OCTOBER, NOVEMBER, DECEMBER], now: () => NOW });

describe("the paging webhook receiver", () => {
  it("computes Grafana's signature", () => {
    expect(sign(NOVEMBER, NOW, BODY)).toBe(grafanaSigned(NOVEMBER, NOW)[PAGING_SIGNATURE_HEADER]);
  });

  it.each([
    ["the previous period's secret (a retry signed just before rotation)", OCTOBER, 0],
    ["the current secret", NOVEMBER, 1],
    ["the next period's secret (Grafana rotated before the receiver redeployed)", DECEMBER, 2],
  ])("accepts a fresh page signed with %s", (_what, secret, index) => {
    expect(receiver()(grafanaSigned(secret, NOW - 3), BODY)).toEqual({ ok: true, secretIndex: index });
  });

  it.each([
    ["signed with a secret it was never given", grafanaSigned(STRANGER, NOW), BODY, "bad signature"],
    ["whose body was changed after signing", grafanaSigned(NOVEMBER, NOW), BODY.replace("firing", "resolved"), "bad signature"],
    ["whose timestamp was changed after signing", { ...grafanaSigned(NOVEMBER, NOW - 10), [PAGING_TIMESTAMP_HEADER]: String(NOW - 5) }, BODY, "bad signature"],
    ["captured six minutes ago and replayed", grafanaSigned(NOVEMBER, NOW - 360), BODY, "stale timestamp"],
    ["dated ten minutes ahead", grafanaSigned(NOVEMBER, NOW + 600), BODY, "timestamp in the future"],
    ["without a timestamp (signed over the body alone)", { [PAGING_SIGNATURE_HEADER]: createHmac("sha256", NOVEMBER).update(BODY).digest("hex") }, BODY, "missing timestamp"],
    ["without a signature", { [PAGING_TIMESTAMP_HEADER]: String(NOW) }, BODY, "missing signature"],
    ["with a timestamp in milliseconds", grafanaSigned(NOVEMBER, NOW * 1000), BODY, "malformed timestamp"],
  ])("refuses a page %s", (_what, headers, body, reason) => {
    expect(receiver()(headers, body)).toEqual({ ok: false, reason });
  });

  it("accepts the edges of the five-minute window and nothing past them", () => {
    expect(receiver()(grafanaSigned(NOVEMBER, NOW - 300), BODY).ok).toBe(true);
    expect(receiver()(grafanaSigned(NOVEMBER, NOW - 301), BODY)).toEqual({ ok: false, reason: "stale timestamp" });
  });

  it("refuses the same signed page twice within the window: a replay", () => {
    const verify = receiver();
    const page = grafanaSigned(NOVEMBER, NOW - 1);
    expect(verify(page, BODY).ok).toBe(true);
    expect(verify(page, BODY)).toEqual({ ok: false, reason: "replayed" });
    // A new page, a second later, is not a replay.
    expect(verify(grafanaSigned(NOVEMBER, NOW), BODY).ok).toBe(true);
  });

  it("reads header names in any case, as HTTP servers hand them over", () => {
    const page = Object.fromEntries(Object.entries(grafanaSigned(NOVEMBER, NOW)).map(([k, v]) => [k.toLowerCase(), v]));
    expect(receiver()(page, BODY).ok).toBe(true);
  });
});

describe("rotation never breaks paging", () => {
  /**
   * A month-by-month walk: Grafana signs with whatever was current at the last `up`; the receiver
   * holds whatever the environment held at its last redeploy. As long as each side is refreshed
   * once a period, in either order, every page verifies.
   */
  const secretFor = (period: string) => `secret-for-${period}`;
  const published = (at: string) => signingSlots(new Date(at), { every: "month", rotateNow: "", lastRotated: {} }).map((s) => secretFor(s.keepers.period));
  const signingWith = (at: string) => secretFor(signingSlots(new Date(at), { every: "month", rotateNow: "", lastRotated: {} }).find((s) => s.role === "current")?.keepers.period ?? "");

  it.each([
    ["Grafana updated on 1 December, receiver still on November's publication", "2026-12-01T06:00:00Z", "2026-11-03T06:00:00Z"],
    ["receiver redeployed on 1 December, Grafana still on November's secret", "2026-11-24T06:00:00Z", "2026-12-01T06:00:00Z"],
    ["both refreshed the same day", "2026-12-07T06:00:00Z", "2026-12-07T06:00:00Z"],
    ["Grafana a full month ahead of the receiver", "2027-01-04T06:00:00Z", "2026-12-01T06:00:00Z"],
  ])("%s: the page verifies", (_what, grafanaUpdated, receiverUpdated) => {
    const verify = pagingVerifier({ secrets: published(receiverUpdated), now: () => NOW });
    expect(verify(grafanaSigned(signingWith(grafanaUpdated), NOW), BODY).ok).toBe(true);
  });

  it("a receiver two periods behind refuses the page: the overlap is one period each way, and docs/delivery.md says so", () => {
    const verify = pagingVerifier({ secrets: published("2026-10-05T06:00:00Z"), now: () => NOW });
    expect(verify(grafanaSigned(signingWith("2026-12-01T06:00:00Z"), NOW), BODY)).toEqual({ ok: false, reason: "bad signature" });
  });
});

/**
 * A receiver with several instances, or one that restarts, must share the replay store: the
 * in-memory default only protects a single, long-lived process (src/paging/verify.ts).
 */
describe("the replay store", () => {
  const secrets = [OCTOBER, NOVEMBER, DECEMBER];

  it("in memory per instance, lets a page replayed to a second instance through: the reason to share it", () => {
    const a = pagingVerifier({ secrets, now: () => NOW });
    const b = pagingVerifier({ secrets, now: () => NOW });
    const page = grafanaSigned(NOVEMBER, NOW - 5);
    expect(a(page, BODY).ok).toBe(true);
    expect(b(page, BODY).ok).toBe(true);
  });

  it("shared by two instances, refuses at the second what the first accepted", () => {
    const store = memoryReplayStore();
    const a = pagingVerifier({ secrets, now: () => NOW, replayStore: store });
    const b = pagingVerifier({ secrets, now: () => NOW, replayStore: store });
    const page = grafanaSigned(NOVEMBER, NOW - 5);
    expect(a(page, BODY).ok).toBe(true);
    expect(b(page, BODY)).toEqual({ ok: false, reason: "replayed" });
    expect(a(page, BODY)).toEqual({ ok: false, reason: "replayed" });
  });

  it("survives a restart, and forgets a signature only once the clock check refuses it", () => {
    const store = memoryReplayStore();
    let now = NOW;
    const page = grafanaSigned(NOVEMBER, NOW);
    expect(pagingVerifier({ secrets, now: () => now, replayStore: store })(page, BODY).ok).toBe(true);
    // A new process on the same store, still inside the tolerance.
    now = NOW + DEFAULT_TOLERANCE_SECONDS;
    const restarted = pagingVerifier({ secrets, now: () => now, replayStore: store });
    expect(restarted(page, BODY)).toEqual({ ok: false, reason: "replayed" });
    // One second later the timestamp is stale: refused by the clock, and the store may let it go.
    now = NOW + DEFAULT_TOLERANCE_SECONDS + 1;
    expect(restarted(page, BODY)).toEqual({ ok: false, reason: "stale timestamp" });
    restarted(grafanaSigned(NOVEMBER, now), BODY);
    expect(store.size()).toBe(1);
  });

  it("answering asynchronously, as a networked store does, accepts a page delivered to two instances at once exactly once", async () => {
    // Check-and-set in one step on the store's side, as Redis' SET NX EXAT is.
    const entries = new Map<string, number>();
    const claims: [string, number][] = [];
    const shared: ReplayStore<Promise<boolean>> = {
      async claim(key, expiresAt, now) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        claims.push([key, expiresAt]);
        const until = entries.get(key);
        if (until !== undefined && until >= now) return false;
        entries.set(key, expiresAt);
        return true;
      },
    };
    const a = sharedPagingVerifier({ secrets, now: () => NOW, replayStore: shared });
    const b = sharedPagingVerifier({ secrets, now: () => NOW, replayStore: shared });
    const page = grafanaSigned(DECEMBER, NOW - 30);
    const verdicts = await Promise.all([a(page, BODY), b(page, BODY)]);
    expect(verdicts.filter((v) => v.ok)).toHaveLength(1);
    expect(verdicts.filter((v) => !v.ok)).toEqual([{ ok: false, reason: "replayed" }]);
    // Keyed by the signature, kept until timestamp + tolerance: the TTL is the tolerance window.
    expect(claims[0]).toEqual([page[PAGING_SIGNATURE_HEADER], NOW - 30 + DEFAULT_TOLERANCE_SECONDS]);
    // A forged page never reaches the store.
    expect(await a(grafanaSigned(STRANGER, NOW), BODY)).toEqual({ ok: false, reason: "bad signature" });
    expect(claims).toHaveLength(2);
  });
});

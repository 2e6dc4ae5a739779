import type { CheckSpec } from "./checks";

/**
 * Runs a check from this machine with the prober's semantics: method, headers, body, redirects
 * followed only by unauthenticated checks, valid status codes, body regexps, the timeout, TLS verified. Slower than the budget
 * but within the timeout is degraded, not failed, as Synthetic Monitoring sees it.
 */
export interface CheckResult {
  check: string;
  ok: boolean;
  degraded: boolean;
  durationMs: number;
  budgetMs: number;
  status: number | null;
  reason: string;
}

export async function runCheck(spec: CheckSpec, token?: string): Promise<CheckResult> {
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.authenticated && token) headers.Authorization = `Bearer ${token}`;
  const started = performance.now();
  const result = (ok: boolean, status: number | null, reason: string): CheckResult => {
    const durationMs = Math.round(performance.now() - started);
    return { check: spec.job, ok, degraded: ok && durationMs > spec.budgetMs, durationMs, budgetMs: spec.budgetMs, status, reason };
  };
  try {
    const response = await fetch(spec.url, {
      method: spec.method,
      headers,
      body: spec.body,
      // As the prober: an authenticated check does not follow a redirect, so its token never leaves the origin.
      redirect: spec.authenticated ? "manual" : "follow",
      signal: AbortSignal.timeout(spec.timeoutMs),
    });
    const body = await response.text();
    if (!spec.validStatusCodes.includes(response.status)) return result(false, response.status, `status ${response.status}, expected ${spec.validStatusCodes.join(" or ")}`);
    if (spec.url.startsWith("https://") && !response.url.startsWith("https://")) return result(false, response.status, "redirected away from TLS");
    const missing = spec.bodyMustMatch.find((pattern) => !new RegExp(pattern).test(body));
    if (missing) return result(false, response.status, `body does not match /${missing}/`);
    const r = result(true, response.status, "ok");
    return r.degraded ? { ...r, reason: `over the ${spec.budgetMs} ms budget` } : r;
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === "TimeoutError" || e.name === "AbortError") return result(false, null, `timed out after ${spec.timeoutMs} ms`);
    return result(false, null, e.cause?.code ?? e.cause?.message ?? e.message);
  }
}

export function resultTable(results: CheckResult[]): string {
  const rows = results.map((r) => [r.check, r.ok ? (r.degraded ? "DEGRADED" : "PASS") : "FAIL", `${r.durationMs} / ${r.budgetMs} ms`, r.reason]);
  const header = ["check", "verdict", "latency / budget", "reason"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

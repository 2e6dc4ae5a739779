import type { CheckSpec } from "./checks";

/**
 * Runs a check from this machine with the prober's semantics: method, headers, body, valid status
 * codes, body regexps, the timeout, TLS verified. Slower than the budget but within the timeout is
 * degraded, not failed, as Synthetic Monitoring sees it.
 *
 * Redirects: a request that carries the bearer token never follows one. A redirect can point at
 * another host or at plain http, and the token would go with it (DESIGN.md, "Redirects carry
 * credentials"); the blackbox modules and SM checks of authenticated checks do not follow either.
 * A check without the token follows redirects, as the prober does.
 */
export type Verdict = "pass" | "degraded" | "fail";

export interface CheckResult {
  check: string;
  verdict: Verdict;
  ok: boolean;
  degraded: boolean;
  durationMs: number;
  budgetMs: number;
  status: number | null;
  reason: string;
  /** Whether the bearer token went with the request. */
  tokenSent: boolean;
}

export async function runCheck(spec: CheckSpec, token?: string): Promise<CheckResult> {
  const headers: Record<string, string> = { ...spec.headers };
  const tokenSent = spec.authenticated && Boolean(token);
  if (tokenSent) headers.Authorization = `Bearer ${token}`;
  const started = performance.now();
  const result = (ok: boolean, status: number | null, reason: string): CheckResult => {
    const durationMs = Math.round(performance.now() - started);
    const degraded = ok && durationMs > spec.budgetMs;
    return { check: spec.job, verdict: ok ? (degraded ? "degraded" : "pass") : "fail", ok, degraded, durationMs, budgetMs: spec.budgetMs, status, reason, tokenSent };
  };
  try {
    const response = await fetch(spec.url, {
      method: spec.method,
      headers,
      body: spec.body,
      redirect: tokenSent ? "manual" : "follow",
      signal: AbortSignal.timeout(spec.timeoutMs),
    });
    const body = await response.text();
    if (tokenSent && response.status >= 300 && response.status < 400 && response.headers.has("location")) {
      return result(false, response.status, `status ${response.status}, redirected to ${response.headers.get("location")}: not followed, because the request carries the bearer token`);
    }
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

/** Where the token came from, for advice on a refused one; undefined when none was sent. */
export interface RunContext {
  baseUrl: string;
  tokenSource: string | undefined;
  /** Why a token was held back, when one exists but was not sent. */
  tokenWithheld?: string;
}

/**
 * What a person should do about a failed check, when the failure has a usual cause: a token that
 * is missing or refused, a base URL without /functions/v1, a function deployed under another name.
 */
export function adviceFor(result: CheckResult, spec: CheckSpec, context: RunContext): string | undefined {
  if (result.status === 401 || result.status === 403) {
    if (!spec.authenticated) return `${spec.url} refused a request that carries no token; it is not one of the edge functions.`;
    if (context.tokenWithheld) return `no token was sent: ${context.tokenWithheld}.`;
    if (!result.tokenSent) {
      return "no bearer token was sent. Set AIN_FUNCTIONS_AUTH_TOKEN to the project's anon key (Supabase dashboard > Project Settings > API), or keep it in plain text as ain-monitoring:functionsAuthToken in the stack file; an encrypted (secure:) value cannot be read offline.";
    }
    return `the function refused the bearer token from ${context.tokenSource}. Expected the anon key of the project the base URL points at (Supabase dashboard > Project Settings > API); set AIN_FUNCTIONS_AUTH_TOKEN to it.`;
  }
  if (result.status === 404 && spec.authenticated) {
    const base = new URL(context.baseUrl);
    if (!/\/functions\/v1\/?$/.test(base.pathname)) {
      return `the base URL ${context.baseUrl} does not end in /functions/v1, where Supabase serves edge functions: try --base-url ${context.baseUrl.replace(/\/$/, "")}/functions/v1`;
    }
    const name = new URL(spec.url).pathname.split("/").pop();
    return `no function named ${name} answers at ${context.baseUrl}: set its deployed name under ain-monitoring:functions.${spec.id} in the stack file.`;
  }
  return undefined;
}

const VERDICT_TEXT: Record<Verdict, string> = { pass: "PASS", degraded: "DEGRADED", fail: "FAIL" };

export function resultTable(results: CheckResult[]): string {
  const rows = results.map((r) => [r.check, VERDICT_TEXT[r.verdict], `${r.durationMs} / ${r.budgetMs} ms`, r.reason]);
  const header = ["check", "verdict", "latency / budget", "reason"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The run's verdict: failed if any check failed, degraded if any was slow, else passed. */
export function overallVerdict(results: CheckResult[]): Verdict {
  if (results.some((r) => r.verdict === "fail")) return "fail";
  return results.some((r) => r.verdict === "degraded") ? "degraded" : "pass";
}

/**
 * The exit codes of `npm run checks`, documented in --help and docs/commands.md. Degraded passes unless
 * --strict: slow but answering is what Synthetic Monitoring also counts as up.
 */
export const EXIT_CODES = {
  pass: 0,
  fail: 1,
  usage: 2,
  degradedStrict: 3,
} as const;

export function exitCodeFor(verdict: Verdict, strict: boolean): number {
  if (verdict === "fail") return EXIT_CODES.fail;
  if (verdict === "degraded" && strict) return EXIT_CODES.degradedStrict;
  return EXIT_CODES.pass;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
export const isLoopback = (url: URL) => LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);

/** A base URL the checks may use: https, or http only on loopback (a local `supabase functions serve`). */
export function baseUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected an https:// URL such as https://<ref>.supabase.co/functions/v1, got '${text}'`;
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopback(url)) return undefined;
  if (url.protocol === "http:") return `expected https://; plain http:// is taken only on loopback (127.0.0.1, ::1, localhost), got '${text}'`;
  return `expected an https:// URL (http:// only on loopback), got '${text}'`;
}

/**
 * Whether the bearer token may go to this check's URL: only to the configured functions origin,
 * or to loopback when testing locally. Anything else gets the request without the token.
 */
export function tokenMayGoTo(checkUrl: string, configuredBaseUrl: string): boolean {
  const target = new URL(checkUrl);
  if (target.protocol !== "https:" && !(target.protocol === "http:" && isLoopback(target))) return false;
  return target.origin === new URL(configuredBaseUrl).origin || isLoopback(target);
}

import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blackboxConfig } from "../../src/synthetics/blackbox";
import { checkSpecs, type CheckSpec } from "../../src/synthetics/checks";
import { runCheck } from "../../src/synthetics/runner";
import { startBlackbox } from "../support/blackbox";
import { runValidStack, settingsFor } from "../support/offline";
import { tempDir } from "../support/processes";

/**
 * An attacker who can make a probed endpoint redirect must not collect the bearer token. The
 * origin (127.0.0.1) answers every request with a 307 to another host (127.0.0.2, over plain
 * http), which records whatever Authorization header reaches it. Run on Debian's real
 * blackbox_exporter, the prober Synthetic Monitoring runs, and on the local runner.
 */
const TOKEN = "redirect-test-bearer-token";

interface Landing {
  url: string;
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

async function listen(server: http.Server, host: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

async function startLanding(): Promise<Landing> {
  const authorizations: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    req.resume();
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ success: true, email_service_status: "ready" }));
  });
  const url = await listen(server, "127.0.0.2");
  return { url, authorizations, close: () => new Promise((r) => server.close(() => r())) };
}

let landing: Landing;
let origin: http.Server;
let health: CheckSpec;
let tokenFile: string;

beforeAll(async () => {
  landing = await startLanding();
  // 307 keeps the method and body, as a hostile redirect would want.
  origin = http.createServer((req, res) => {
    req.resume();
    res.writeHead(307, { Location: `${landing.url}/stolen${req.url ?? "/"}` });
    res.end();
  });
  const originUrl = await listen(origin, "127.0.0.1");
  const settings = await settingsFor();
  health = checkSpecs(settings, `${originUrl}/functions/v1`).find((s) => s.id === "healthCheck") as CheckSpec;
  tokenFile = path.join(tempDir("redirect-token"), "token");
  fs.writeFileSync(tokenFile, TOKEN);
}, 30_000);

afterAll(async () => {
  await landing?.close();
  await new Promise<void>((r) => (origin ? origin.close(() => r()) : r()));
});

/** Probes the health check once through a real exporter with the given config; returns what landed. */
async function probeWith(config: string) {
  const before = landing.authorizations.length;
  const blackbox = await startBlackbox(config);
  try {
    const result = await blackbox.probe(health.job, health.url);
    return { result, landed: landing.authorizations.slice(before) };
  } finally {
    blackbox.stop();
  }
}

describe("an authenticated check and a redirect to another host", () => {
  it("with redirects followed, the real exporter hands the token to the other host (the danger is real)", async () => {
    const modules = parse(blackboxConfig([health], tokenFile)) as { modules: Record<string, { http: Record<string, unknown> }> };
    modules.modules[health.job].http.follow_redirects = true;
    const { landed } = await probeWith(stringify(modules));
    expect(landed).toEqual([`Bearer ${TOKEN}`]);
  });

  it("with the generated module, the exporter stops at the 307: nothing reaches the other host, and the check fails", async () => {
    expect(blackboxConfig([health], tokenFile)).toContain("follow_redirects: false");
    const { result, landed } = await probeWith(blackboxConfig([health], tokenFile));
    expect(landed).toEqual([]);
    expect(result.success).toBe(false);
    expect(result.metrics).toMatch(/^probe_http_status_code 307$/m);
  }, 30_000);

  it("the local runner does the same: no request leaves the origin, and the 307 fails the check", async () => {
    const before = landing.authorizations.length;
    const result = await runCheck(health, TOKEN);
    expect(landing.authorizations.slice(before)).toEqual([]);
    expect(result).toMatchObject({ ok: false, status: 307 });
  });

  it("Synthetic Monitoring is told not to follow redirects for every authenticated check, and only for those", async () => {
    const run = await runValidStack();
    const checks = run.ofType("grafana:syntheticMonitoring/check:Check");
    expect(checks.length).toBeGreaterThanOrEqual(4);
    const settings = await settingsFor();
    for (const spec of checkSpecs(settings)) {
      const check = checks.find((c) => c.inputs.job === spec.job);
      const httpSettings = (check?.inputs.settings as { http: { noFollowRedirects?: boolean; bearerToken?: string } }).http;
      expect(httpSettings.noFollowRedirects, spec.job).toBe(spec.authenticated);
      expect(httpSettings.bearerToken !== undefined, spec.job).toBe(spec.authenticated);
    }
  });
});

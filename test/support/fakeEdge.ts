import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local fake of the AIN edge functions and Resend's status page, on a loopback port, playing
 * one scenario at a time. It insists on the bearer token, as Supabase's JWT check would.
 */
export const scenarios = ["healthy", "unavailable", "successFalse", "wrongStatusValue", "slow", "hanging", "redirect"] as const;
export type Scenario = (typeof scenarios)[number];

export interface FakeEdgeOptions {
  token: string;
  vin: string;
  /** Extra delay of the slow scenario, per path, in ms. */
  slowMs: (path: string) => number;
}

export interface FakeEdge {
  baseUrl: string;
  functionsBaseUrl: string;
  resendStatusUrl: string;
  setScenario(s: Scenario): void;
  stop(): Promise<void>;
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
};

export async function startFakeEdge(options: FakeEdgeOptions): Promise<FakeEdge> {
  let scenario: Scenario = "healthy";
  const hanging = new Set<http.ServerResponse>();

  const healthyBody = (path: string, scenarioNow: Scenario) => {
    const bad = scenarioNow === "successFalse";
    const wrong = scenarioNow === "wrongStatusValue";
    if (path.endsWith("/test-email-integration")) return { success: !bad, email_service_status: wrong ? "degraded" : bad ? "error" : "ready" };
    if (path.endsWith("/generate-valuation-pdf")) return bad ? { success: false, error: "render failed" } : { success: true, url: "https://storage.example/reports/test.pdf" };
    if (path.endsWith("/decode-vin")) return { vin: wrong || bad ? "WRONGVIN000000000" : options.vin, make: "Honda", model: "Accord", year: 2003 };
    if (path.endsWith("/status.json")) return { status: { indicator: bad ? "major" : wrong ? "critical" : "none", description: "status" } };
    return undefined;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    req.resume();
    req.on("end", () => {
      const path = url.pathname.replace(/^\/moved/, "");
      const isFunction = path.startsWith("/functions/v1/");
      if (isFunction && req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { msg: "Invalid JWT" });
      const body = healthyBody(path, scenario === "redirect" ? "healthy" : scenario);
      if (!body) return json(res, 404, { msg: "not found" });
      switch (scenario) {
        case "unavailable":
          return json(res, 503, { msg: "Service Unavailable" });
        case "slow":
          return void setTimeout(() => json(res, 200, body), options.slowMs(path));
        case "hanging":
          hanging.add(res);
          return;
        case "redirect":
          if (!url.pathname.startsWith("/moved")) {
            res.writeHead(302, { Location: `/moved${url.pathname}` });
            return void res.end();
          }
          return json(res, 200, body);
        default:
          return json(res, 200, body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    functionsBaseUrl: `${baseUrl}/functions/v1`,
    resendStatusUrl: `${baseUrl}/resend/api/v2/status.json`,
    setScenario: (s) => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      scenario = s;
    },
    stop: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

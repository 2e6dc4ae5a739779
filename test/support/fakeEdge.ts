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
  /** Every request the fake received: its path and whether it carried the bearer token. */
  requests: { path: string; authorization: string | undefined }[];
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
  const requests: FakeEdge["requests"] = [];

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
    requests.push({ path: url.pathname, authorization: req.headers.authorization });
    req.resume();
    req.on("end", () => {
      const path = url.pathname.replace(/^\/moved/, "");
      const isFunction = path.startsWith("/functions/v1/");
      if (isFunction && req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { msg: "Invalid JWT" });
      // Supabase serves functions only under /functions/v1/; anything else meets its API gateway,
      // Kong, whose 404 for an unrouted path is {"message":"no Route matched with those values"}
      // (Kong/kong#10483, #12083). An unknown function name gets the functions gateway's own 404,
      // {"code":"NOT_FOUND","message":"Requested function was not found"} (supabase/supabase#47739,
      // docs troubleshooting/edge-function-404-error-response).
      const routed = isFunction || path.startsWith("/resend/");
      const body = routed ? healthyBody(path, scenario === "redirect" ? "healthy" : scenario) : undefined;
      if (!routed) return json(res, 404, { message: "no Route matched with those values" });
      if (!body) return json(res, 404, { code: "NOT_FOUND", message: "Requested function was not found" });
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
    requests,
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

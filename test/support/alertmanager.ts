import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { freePort, tempDir } from "./processes";

/**
 * Debian's prometheus-alertmanager on loopback, with a rendered routing tree, and a webhook sink
 * that records every notification it sends: which receiver, when, and which alerts in what state.
 * Gossip is off (`--cluster.listen-address=`), so nothing listens beyond loopback.
 */

export interface Notification {
  receiver: string;
  /** Milliseconds since the sink started. */
  atMs: number;
  status: "firing" | "resolved";
  alerts: { labels: Record<string, string>; status: string }[];
}

export interface PostedAlert {
  labels: Record<string, string>;
  /** Resolve it: Alertmanager takes an endsAt in the past as resolved. */
  resolved?: boolean;
}

export interface Alertmanager {
  /** The sink's URL for one receiver, for `alertmanagerConfig(settings, { webhookUrl })`. */
  webhookUrl(receiver: string): string;
  start(config: string): Promise<void>;
  post(alerts: PostedAlert[]): Promise<void>;
  notifications(): Notification[];
  /** Milliseconds since the sink started. */
  now(): number;
  stop(): void;
}

interface WebhookBody {
  receiver: string;
  status: "firing" | "resolved";
  alerts: { labels: Record<string, string>; status: string }[];
}

export async function alertmanagerWithSink(): Promise<Alertmanager> {
  const received: Notification[] = [];
  const started = Date.now();
  const sink = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const parsed = JSON.parse(body) as WebhookBody;
      received.push({ receiver: parsed.receiver, atMs: Date.now() - started, status: parsed.status, alerts: parsed.alerts.map((a) => ({ labels: a.labels, status: a.status })) });
      res.end("ok");
    });
  });
  const sinkPort = await freePort();
  await new Promise<void>((resolve) => sink.listen(sinkPort, "127.0.0.1", resolve));
  let child: ChildProcess | undefined;
  let base = "";
  return {
    webhookUrl: (receiver) => `http://127.0.0.1:${sinkPort}/${encodeURIComponent(receiver)}`,
    async start(config) {
      const dir = tempDir("alertmanager");
      const file = path.join(dir, "alertmanager.yml");
      fs.writeFileSync(file, config);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      child = spawn(
        "prometheus-alertmanager",
        [`--config.file=${file}`, `--storage.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="],
        { stdio: "ignore" },
      );
      for (let i = 0; i < 200; i++) {
        try {
          if ((await fetch(`${base}/-/ready`)).ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("Alertmanager did not become ready in 10 s");
    },
    async post(alerts) {
      const now = new Date();
      const body = alerts.map((a) => ({
        labels: a.labels,
        // Started now, as Grafana stamps an alert when it starts firing: Alertmanager flushes at once
        // any alert that started longer ago than the group wait (dispatch.go, aggrGroup.insert).
        startsAt: now.toISOString(),
        // Firing alerts last longer than any test; a resolved one ended just now.
        endsAt: new Date(a.resolved ? now.getTime() : now.getTime() + 3_600_000).toISOString(),
      }));
      const res = await fetch(`${base}/api/v2/alerts`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    notifications: () => [...received],
    now: () => Date.now() - started,
    stop() {
      child?.kill("SIGTERM");
      sink.close();
    },
  };
}

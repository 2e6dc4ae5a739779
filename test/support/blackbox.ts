import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, tempDir } from "./processes";

/** Debian's prometheus-blackbox-exporter on a loopback port, with a given config. */
export interface Blackbox {
  probe(module: string, target: string): Promise<{ success: boolean; metrics: string }>;
  stop(): void;
}


export async function startBlackbox(config: string): Promise<Blackbox> {
  const dir = tempDir("blackbox");
  const file = path.join(dir, "blackbox.yml");
  fs.writeFileSync(file, config);
  const port = await freePort();
  const child: ChildProcess = spawn("prometheus-blackbox-exporter", [`--config.file=${file}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/-/healthy`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    probe: async (module, target) => {
      const res = await fetch(`${base}/probe?module=${encodeURIComponent(module)}&target=${encodeURIComponent(target)}`);
      const metrics = await res.text();
      return { success: /^probe_success 1$/m.test(metrics), metrics };
    },
    stop: () => void child.kill("SIGTERM"),
  };
}

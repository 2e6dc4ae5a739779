import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";

/**
 * A throwaway PostgreSQL cluster on a loopback port, run as the `postgres` user (PostgreSQL
 * refuses root), with the Supabase-shaped schema of test/fixtures/sql. Only the test files that
 * run SQL start one. Whichever major the distribution installed: 15 on Debian 12, 16 on Ubuntu
 * 24.04 (GitHub's runners); Supabase runs 15 and 17, and the fixtures hold to what all share.
 */
const PG_ROOT = "/usr/lib/postgresql";

/** The bin directory of the newest installed major (Debian's layout), else wherever initdb is on PATH. */
export function postgresBinDir(root = PG_ROOT): string {
  const majors = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((d) => /^\d+$/.test(d) && fs.existsSync(path.join(root, d, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length > 0) return path.join(root, majors[0], "bin");
  const onPath = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  if (onPath) return path.dirname(onPath);
  throw new Error(`no PostgreSQL server found (no ${root}/<major>/bin/initdb, no initdb on PATH): run 'bash scripts/install-tools.sh'`);
}

const BIN = postgresBinDir();
const FIXTURES = path.resolve(__dirname, "../fixtures/sql");

export interface Postgres {
  port: number;
  connect(user?: string): Promise<Client>;
  /** Runs a fixture file (or SQL text) as the superuser. */
  load(fileOrSql: string): Promise<void>;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const asPostgres = (args: string[]) => {
  const runAs = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--"] : [];
  const [cmd, ...rest] = [...runAs, ...args];
  return execFileSync(cmd, rest, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
};

export async function startPostgres(): Promise<Postgres> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ain-pg-"));
  const data = path.join(base, "data");
  if (process.getuid?.() === 0) spawnSync("chown", ["-R", "postgres:postgres", base]);
  const port = await freePort();
  asPostgres([`${BIN}/initdb`, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
  asPostgres([
    `${BIN}/pg_ctl`, "-D", data, "-l", path.join(base, "log"), "-w", "-o",
    `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    "start",
  ]);
  const connect = async (user = "postgres") => {
    const client = new Client({ host: "127.0.0.1", port, user, database: "postgres", password: "test-only" });
    await client.connect();
    return client;
  };
  const admin = await connect();
  const pg: Postgres = {
    port,
    connect,
    load: async (fileOrSql) => {
      const sql = fileOrSql.endsWith(".sql") ? fs.readFileSync(path.join(FIXTURES, fileOrSql), "utf8") : fileOrSql;
      await admin.query(sql);
    },
    stop: () => {
      void admin.end();
      asPostgres([`${BIN}/pg_ctl`, "-D", data, "-m", "immediate", "stop"]);
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
  await pg.load("supabase-schema.sql");
  return pg;
}

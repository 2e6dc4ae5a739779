import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";

/**
 * A throwaway PostgreSQL 15 cluster on a loopback port, run as the `postgres` user (PostgreSQL
 * refuses root), with the Supabase-shaped schema of test/fixtures/sql. Only the test files that
 * run SQL start one.
 */
const BIN = "/usr/lib/postgresql/15/bin";
const FIXTURES = path.resolve(__dirname, "../fixtures/sql");

export interface Postgres {
  port: number;
  /** The cluster's directory and the superuser's socket, for client tools such as pg_recvlogical. */
  bin: string;
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

/** Server settings a test needs beyond the defaults, e.g. `wal_level: "logical"` for a walsender. */
export async function startPostgres(settings: Record<string, string> = {}): Promise<Postgres> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ain-pg-"));
  const data = path.join(base, "data");
  if (process.getuid?.() === 0) spawnSync("chown", ["-R", "postgres:postgres", base]);
  const port = await freePort();
  asPostgres([`${BIN}/initdb`, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
  asPostgres([
    `${BIN}/pg_ctl`, "-D", data, "-l", path.join(base, "log"), "-w", "-o",
    `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_preload_libraries=pg_stat_statements${Object.entries(settings).map(([k, v]) => ` -c ${k}=${v}`).join("")}`,
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
    bin: BIN,
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

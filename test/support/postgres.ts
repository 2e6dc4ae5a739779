import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { freePort } from "./processes";

/**
 * A throwaway PostgreSQL cluster on a loopback port, run as the `postgres` OS user (PostgreSQL
 * refuses root), with the Supabase-shaped schema of test/fixtures/sql and the monitoring role of
 * db/monitoring-role.sql applied as Supabase's `postgres` role. Only the test files that run SQL
 * start one.
 */
const FIXTURES = path.resolve(__dirname, "../fixtures/sql");
/** The role file docs/adopting.md tells a person to apply. */
export const MONITORING_ROLE_FILE = path.resolve(__dirname, "../../db/monitoring-role.sql");
/** As on Supabase, the bootstrap superuser is supabase_admin; `postgres` is an ordinary role. */
export const SUPERUSER = "supabase_admin";
/** The role the data source logs in as. */
export const MONITOR = "grafana_readonly";

/**
 * The server binaries: $PG_BINDIR, else the newest <root>/<major>/bin holding initdb (Debian's
 * layout: 15 on Debian 12, 16 on GitHub's ubuntu-24.04), else wherever initdb is on PATH.
 */
export function postgresBinDir(root = "/usr/lib/postgresql"): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const majors = (fs.existsSync(root) ? fs.readdirSync(root) : [])
    .filter((v) => /^\d+$/.test(v) && fs.existsSync(path.join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  if (majors.length > 0) return path.join(root, majors[0], "bin");
  const onPath = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  if (onPath) return path.dirname(onPath);
  throw new Error(`no PostgreSQL server found (no ${root}/<major>/bin/initdb, no initdb on PATH): run 'bash scripts/install-tools.sh' or set PG_BINDIR`);
}

export interface Postgres {
  port: number;
  /** The cluster's directory and the superuser's socket, for client tools such as pg_recvlogical. */
  bin: string;
  /** A new session as `user` (the superuser by default). */
  connect(user?: string): Promise<Client>;
  /** Runs a fixture file (or SQL text) as the superuser. */
  load(fileOrSql: string): Promise<void>;
  /** Applies db/monitoring-role.sql as Supabase's `postgres` role, as docs/adopting.md says. */
  applyMonitoringRole(): Promise<void>;
  /**
   * Runs `sql` in a session of `user`, and calls `look` once the server shows it active; then
   * cancels it. Give it a statement that outlasts any look (pg_sleep(60)): none waits for it to end.
   */
  whileRunning<T>(user: string, sql: string, look: () => Promise<T>): Promise<T>;
  stop(): void;
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
  const BIN = postgresBinDir();
  // --no-sync: a throwaway cluster need not wait for the disk, as the server runs with fsync=off.
  asPostgres([`${BIN}/initdb`, "--no-sync", "-D", data, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
  asPostgres([
    `${BIN}/pg_ctl`, "-D", data, "-l", path.join(base, "log"), "-w", "-o",
    `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_preload_libraries=pg_stat_statements${Object.entries(settings).map(([k, v]) => ` -c ${k}=${v}`).join("")}`,
    "start",
  ]);
  const connect = async (user = SUPERUSER) => {
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
    applyMonitoringRole: async () => {
      const asPostgresRole = await connect("postgres");
      try {
        await asPostgresRole.query(fs.readFileSync(MONITORING_ROLE_FILE, "utf8"));
      } finally {
        await asPostgresRole.end();
      }
    },
    whileRunning: async (user, sql, look) => {
      const session = await connect(user);
      const { pid } = (await session.query("SELECT pg_backend_pid() AS pid")).rows[0] as { pid: number };
      let ended: string | undefined;
      const running = session.query(sql).then(
        () => void (ended = "it completed"),
        (error: Error) => void (ended = `it failed: ${error.message}`),
      );
      try {
        for (let waited = 0; ; waited += 20) {
          const { rows } = await admin.query("SELECT state, query FROM pg_stat_activity WHERE pid = $1", [pid]);
          if ((rows[0] as { state: string; query: string } | undefined)?.state === "active" && rows[0].query === sql) break;
          // A statement that ended before it was seen running cannot be looked at: say why it ended.
          if (ended) throw new Error(`the statement ended before it was seen running (${ended}): ${sql}`);
          if (waited > 10_000) throw new Error(`the statement never showed as active: ${sql}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        return await look();
      } finally {
        await admin.query("SELECT pg_cancel_backend($1)", [pid]);
        await running;
        await session.end();
      }
    },
    stop: () => {
      void admin.end();
      asPostgres([`${BIN}/pg_ctl`, "-D", data, "-m", "immediate", "stop"]);
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
  await pg.load("supabase-schema.sql");
  await pg.applyMonitoringRole();
  return pg;
}

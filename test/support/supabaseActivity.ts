import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import type { Client } from "pg";
import type { Postgres } from "./postgres";

/**
 * pg_stat_activity as it looks on a Supabase database, on a real PostgreSQL: Supabase Realtime
 * holds a logical-replication walsender that stays `active` for days (here pg_recvlogical on a
 * test_decoding slot, as Realtime streams from its own slot), the server's background processes
 * (autovacuum launcher, logical replication launcher, checkpointer...), a client session idle in
 * a transaction, and a real slow client query (pg_sleep). The cluster must run with
 * wal_level=logical (startPostgres({ wal_level: "logical" })).
 */
export interface SupabaseActivity {
  /** Backend types present, for the test to show the fixture holds what it claims. */
  backendTypes(): Promise<string[]>;
  stop(): Promise<void>;
}

export const SLOW_QUERY_MARKER = "ain-test-slow-client-query";

export async function supabaseLikeActivity(pg: Postgres): Promise<SupabaseActivity> {
  await pg.load("SELECT pg_create_logical_replication_slot('supabase_realtime_test', 'test_decoding')");
  const receiver: ChildProcess = spawn(
    path.join(pg.bin, "pg_recvlogical"),
    ["-h", "127.0.0.1", "-p", String(pg.port), "-U", "postgres", "-d", "postgres", "--slot", "supabase_realtime_test", "--start", "-f", "/dev/null"],
    { stdio: "ignore" },
  );
  // Client sessions as the application's role (PostgREST logs in as authenticator), whose details
  // the monitoring role cannot read from pg_stat_activity itself.
  const idleInTransaction: Client = await pg.connect("authenticator");
  await idleInTransaction.query("BEGIN");
  await idleInTransaction.query("SELECT 1 /* ain-test-idle-in-transaction */");
  const slow: Client = await pg.connect("authenticator");
  const sleeping = slow.query(`SELECT pg_sleep(120) /* ${SLOW_QUERY_MARKER} */`).catch(() => undefined);

  const admin = await pg.connect();
  const backendTypes = async () =>
    ((await admin.query("SELECT DISTINCT backend_type FROM pg_stat_activity ORDER BY 1")).rows as { backend_type: string }[]).map((r) => r.backend_type);
  // Wait until the walsender is streaming: it shows as an active walsender.
  for (let i = 0; i < 50; i++) {
    const r = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'walsender' AND state = 'active'");
    if ((r.rows[0] as { n: number }).n > 0) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  return {
    backendTypes,
    stop: async () => {
      await admin.query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE '%${SLOW_QUERY_MARKER}%' AND pid <> pg_backend_pid()`);
      await sleeping;
      await slow.end();
      await idleInTransaction.query("ROLLBACK");
      await idleInTransaction.end();
      receiver.kill("SIGTERM");
      await new Promise((res) => (receiver.exitCode !== null ? res(undefined) : receiver.once("exit", res)));
      // The walsender lets go of the slot a moment after its client exits.
      for (let i = 0; ; i++) {
        try {
          await admin.query("SELECT pg_drop_replication_slot('supabase_realtime_test')");
          break;
        } catch (e) {
          if (i >= 50) throw e;
          await new Promise((res) => setTimeout(res, 100));
        }
      }
      await admin.end();
    },
  };
}

import { createHash } from "node:crypto";
import type { Client, DatabaseError } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../../src/config/load";
import { dashboardCatalog } from "../../src/dashboards/all";
import { largeObjectBytesQuery, MONITORING_SCHEMA, monitoringRoleWritesQuery } from "../../src/sql/queries";
import { grafanaSql, interpolateVariables, variableUses } from "../support/grafanaSql";
import { settingsFor } from "../support/offline";
import { MONITOR, startPostgres, SUPERUSER, type Postgres } from "../support/postgres";
import { sqlTargets, type SqlTarget } from "../support/sqlTargets";

/**
 * The policy of db/monitoring-role.sql, proved on a real PostgreSQL with Supabase's roles and
 * tables (test/fixtures/sql/supabase-schema.sql): Grafana may send any SQL, so what the role can
 * and cannot do is the only boundary.
 */
let pg: Postgres;
let admin: Client;
let monitor: Client;
let settings: Settings;
let targets: SqlTarget[];

/** The fixture's tokens (healthy-data.sql): none of them may ever come back to the role. */
const FIXTURE_TOKENS = ["fresh-token", "exactly-thirty-days", "expiring-soon", "expired"];
const last6h = () => ({ from: new Date(Date.now() - 6 * 3600e3), to: new Date() });

beforeAll(async () => {
  pg = await startPostgres();
  await pg.load("healthy-data.sql");
  admin = await pg.connect(SUPERUSER);
  monitor = await pg.connect(MONITOR);
  settings = await settingsFor();
  targets = sqlTargets(settings);
}, 60_000);

afterAll(async () => {
  await monitor?.end();
  await admin?.end();
  pg?.stop();
});

const errorOf = async (client: Client, sql: string): Promise<string> => {
  try {
    await client.query(sql);
  } catch (e) {
    return (e as Error).message;
  }
  return "";
};

/** The token's digest, as `sha256sum` prints it: what the "Check a token" panel takes. */
const sha256 = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

/** Why applying the role file failed: PostgreSQL's message and hint, or undefined if it applied. */
async function refusal(): Promise<{ message: string; hint: string } | undefined> {
  try {
    await pg.applyMonitoringRole();
  } catch (e) {
    return { message: (e as DatabaseError).message, hint: (e as DatabaseError).hint ?? "" };
  }
  return undefined;
}

/**
 * Runs each fix the hint names, as the role it names ("as supabase_admin: REVOKE ...;"), proving
 * the hint is exact: the file must apply afterwards.
 */
async function runFixes(hint: string): Promise<string[]> {
  const fixes = hint.replace(/^[^:]*: /, "").split(" | ").map((part) => /^as (\w+)[^:]*: (.*)$/.exec(part));
  const ran: string[] = [];
  for (const fix of fixes) {
    if (!fix) continue;
    const session = await pg.connect(fix[1]);
    try {
      await session.query(fix[2]);
      ran.push(`${fix[1]}: ${fix[2]}`);
    } finally {
      await session.end();
    }
  }
  return ran;
}

/** Every privilege the role holds itself, as "PRIVILEGE ON object", from the catalogs. */
async function grantsOf(role: string): Promise<string[]> {
  const { rows } = await admin.query(
    `WITH r AS (SELECT $1::regrole AS oid)
     SELECT e.privilege_type || ' ON ' || n.nspname || '.' || c.relname AS g
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) e, r WHERE e.grantee = r.oid
     UNION ALL SELECT e.privilege_type || ' ON ' || c.oid::regclass || '(' || a.attname || ')'
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid, aclexplode(a.attacl) e, r WHERE e.grantee = r.oid
     UNION ALL SELECT e.privilege_type || ' ON ' || p.oid::regprocedure
       FROM pg_proc p, aclexplode(p.proacl) e, r WHERE e.grantee = r.oid
     UNION ALL SELECT e.privilege_type || ' ON SCHEMA ' || n.nspname
       FROM pg_namespace n, aclexplode(n.nspacl) e, r WHERE e.grantee = r.oid
     UNION ALL SELECT e.privilege_type || ' ON DATABASE ' || d.datname
       FROM pg_database d, aclexplode(d.datacl) e, r WHERE e.grantee = r.oid
     UNION ALL SELECT 'MEMBER OF ' || m.roleid::regrole FROM pg_auth_members m, r WHERE m.member = r.oid
     ORDER BY 1`,
    [role],
  );
  return rows.map((r: { g: string }) => r.g);
}

/** Every table, view and materialized view outside the system schemas, as superuser sees them, with a column of each. */
async function userRelations(): Promise<{ name: string; kind: string; column: string }[]> {
  const { rows } = await admin.query(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind AS kind,
            (SELECT quote_ident(a.attname) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum LIMIT 1) AS column
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1`,
  );
  return rows;
}

describe("what the role holds", () => {
  /** Each grant, and why: the tests below prove each reason by running the panel or rule on it. */
  const expectedGrants: Record<string, string> = {
    [`USAGE ON SCHEMA ${MONITORING_SCHEMA}`]: "every query below",
    [`SELECT ON ${MONITORING_SCHEMA}.token_lifetimes`]: "token_lifetimes",
    [`SELECT ON ${MONITORING_SCHEMA}.storage_objects`]: "storage_objects",
    [`SELECT ON ${MONITORING_SCHEMA}.buckets`]: "buckets",
    [`EXECUTE ON ${MONITORING_SCHEMA}.activity()`]: "activity(",
    [`EXECUTE ON ${MONITORING_SCHEMA}.token_state(text,interval)`]: "token_state(",
    [`EXECUTE ON ${MONITORING_SCHEMA}.slowest_statements(integer)`]: "slowest_statements(",
    // The views read these: PostgreSQL checks a view's functions against the caller.
    [`EXECUTE ON ${MONITORING_SCHEMA}.token_lifetime_rows()`]: "token_lifetimes",
    [`EXECUTE ON ${MONITORING_SCHEMA}.storage_object_rows()`]: "storage_objects",
    [`EXECUTE ON ${MONITORING_SCHEMA}.bucket_rows()`]: "buckets",
    // Read by monitoringRoleWritesQuery, for the alert on the role's own writes (below).
    [`EXECUTE ON ${MONITORING_SCHEMA}.own_writes()`]: "own_writes(",
    // own_writes() compares the role's defaults with the file's list, with the caller's rights.
    [`EXECUTE ON ${MONITORING_SCHEMA}.role_settings()`]: "own_writes(",
  };

  it("holds exactly the grants of db/monitoring-role.sql: no table, no column, no role membership", async () => {
    expect(await grantsOf(MONITOR)).toEqual(Object.keys(expectedGrants).sort());
  });

  it.each(Object.entries(expectedGrants).filter(([, use]) => use !== "every query below" && use !== "own_writes("))("%s is read by a panel or a rule", (_grant, use) => {
    expect(targets.filter((t) => t.sql.includes(`${MONITORING_SCHEMA}.${use}`)).map((t) => t.where)).not.toEqual([]);
  });

  it("own_writes() is read by the queries for the alert on the role's own writes and the large objects' size", () => {
    for (const sql of [monitoringRoleWritesQuery, largeObjectBytesQuery]) expect(sql).toContain(`${MONITORING_SCHEMA}.own_writes()`);
  });

  it("is a plain login: no superuser, createrole, createdb, replication or bypassrls; read-only and time-limited by default", async () => {
    const { rows } = await admin.query("SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolinherit, rolcanlogin, rolconfig FROM pg_roles WHERE rolname = $1", [MONITOR]);
    expect(rows[0]).toMatchObject({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false, rolinherit: false, rolcanlogin: true });
    expect(rows[0].rolconfig).toEqual(expect.arrayContaining(["default_transaction_read_only=on", "statement_timeout=30s", "idle_in_transaction_session_timeout=60s", "search_path=pg_catalog"]));
  });

  it("is the only role besides the owner that may use the schema: not PUBLIC, anon, authenticated, service_role or authenticator", async () => {
    for (const role of ["anon", "authenticated", "service_role", "authenticator", "supabase_storage_admin"]) {
      const { rows } = await admin.query(
        `SELECT has_schema_privilege($1, '${MONITORING_SCHEMA}', 'USAGE') AS schema, has_function_privilege($1, '${MONITORING_SCHEMA}.token_state(text, interval)', 'EXECUTE') AS token_state,
                has_function_privilege($1, '${MONITORING_SCHEMA}.activity()', 'EXECUTE') AS activity, has_table_privilege($1, '${MONITORING_SCHEMA}.token_lifetimes', 'SELECT') AS lifetimes`,
        [role],
      );
      expect(rows[0], role).toEqual({ schema: false, token_state: false, activity: false, lifetimes: false });
    }
  });

  it("applies again over itself and ends with the same grants (re-runnable)", async () => {
    const before = await grantsOf(MONITOR);
    await pg.applyMonitoringRole();
    expect(await grantsOf(MONITOR)).toEqual(before);
  });

  it("applied over the old README's role (granted in the SQL editor as postgres), removes its table grants", async () => {
    await pg.load(`SET ROLE postgres; GRANT USAGE ON SCHEMA storage TO ${MONITOR}; GRANT SELECT ON storage.objects, storage.buckets, public.public_tokens TO ${MONITOR}; GRANT SELECT (token) ON public.public_tokens TO ${MONITOR}; RESET ROLE`);
    expect(await grantsOf(MONITOR)).toContain("SELECT ON public.public_tokens");
    await pg.applyMonitoringRole();
    expect(await grantsOf(MONITOR)).toEqual(Object.keys(expectedGrants).sort());
  });

  it.each([
    ["a pg_read_all_stats membership", "GRANT pg_read_all_stats TO grafana_readonly", "REVOKE pg_read_all_stats FROM grafana_readonly", /is a member of pg_read_all_stats/],
    ["a table grant another role made", "GRANT SELECT ON auth.users TO grafana_readonly", "REVOKE SELECT ON auth.users FROM grafana_readonly", /holds more than this file grants: privileges on table auth.users \(granted by supabase_auth_admin\)/],
    ["a column grant another role made", "GRANT SELECT (email) ON auth.users TO grafana_readonly", "REVOKE SELECT (email) ON auth.users FROM grafana_readonly", /privileges on column email of table auth.users/],
  ])("refuses to keep %s it cannot revoke itself, naming it", async (_name, grant, revoke, message) => {
    await pg.load(grant);
    try {
      await expect(pg.applyMonitoringRole()).rejects.toThrow(message);
    } finally {
      await pg.load(revoke);
    }
    await pg.applyMonitoringRole();
    expect(await grantsOf(MONITOR)).toEqual(Object.keys(expectedGrants).sort());
  });

  /**
   * Whole kinds of grant a superuser (or an object's owner) can make, each refused with the exact
   * statement that removes it, run here as the role the hint names: the file applies afterwards.
   * [kind, made by supabase_admin, what the message names, the fix the hint holds]
   */
  const kinds: [string, string, RegExp, string][] = [
    ["EXECUTE on pg_read_file", "GRANT EXECUTE ON FUNCTION pg_read_file(text) TO grafana_readonly", /privileges on function pg_read_file\(text\) \(granted by supabase_admin\)/, "as supabase_admin: REVOKE ALL ON ROUTINE pg_read_file(text) FROM grafana_readonly;"],
    ["EXECUTE on pg_ls_dir", "GRANT EXECUTE ON FUNCTION pg_ls_dir(text) TO grafana_readonly", /privileges on function pg_ls_dir\(text\)/, "as supabase_admin: REVOKE ALL ON ROUTINE pg_ls_dir(text) FROM grafana_readonly;"],
    ["CREATE and TEMPORARY on the database", "GRANT CREATE, TEMPORARY ON DATABASE postgres TO grafana_readonly", /privileges on database postgres \(granted by supabase_admin\)/, "as supabase_admin: REVOKE ALL ON DATABASE postgres FROM grafana_readonly;"],
    ["default privileges on new tables", "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT ON TABLES TO grafana_readonly", /default privileges on new relations belonging to role postgres in schema public/, "as postgres: ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public REVOKE ALL ON TABLES FROM grafana_readonly;"],
    ["default privileges in every schema", "ALTER DEFAULT PRIVILEGES FOR ROLE supabase_storage_admin GRANT SELECT ON TABLES TO grafana_readonly", /default privileges on new relations belonging to role supabase_storage_admin/, "as supabase_storage_admin: ALTER DEFAULT PRIVILEGES FOR ROLE supabase_storage_admin REVOKE ALL ON TABLES FROM grafana_readonly;"],
    ["a parameter ACL (GRANT SET ON PARAMETER)", "GRANT SET ON PARAMETER log_statement TO grafana_readonly", /privileges on parameter log_statement/, "as supabase_admin: REVOKE ALL ON PARAMETER log_statement FROM grafana_readonly;"],
    ["ownership of a table", "CREATE TABLE public.handed_over (x int); ALTER TABLE public.handed_over OWNER TO grafana_readonly", /it owns table public.handed_over/, "as supabase_admin: REASSIGN OWNED BY grafana_readonly TO postgres;"],
    ["ownership of a schema", "CREATE SCHEMA handed_over AUTHORIZATION grafana_readonly", /it owns schema handed_over/, "as supabase_admin: REASSIGN OWNED BY grafana_readonly TO postgres;"],
    ["a sequence grant", "CREATE SEQUENCE public.counter; GRANT USAGE, UPDATE ON SEQUENCE public.counter TO grafana_readonly", /privileges on sequence public.counter/, "as supabase_admin: REVOKE ALL ON TABLE public.counter FROM grafana_readonly;"],
    ["a member holding its rights", "GRANT grafana_readonly TO authenticated", /authenticated is a member of grafana_readonly/, "as supabase_admin: REVOKE grafana_readonly FROM authenticated;"],
    ["a policy naming it", "CREATE POLICY monitoring ON public.valuations FOR SELECT TO grafana_readonly USING (true)", /policy monitoring on table public.valuations names it/, "as supabase_admin: DROP OWNED BY grafana_readonly;"],
    ["ownership of a function", "CREATE FUNCTION public.handed_over() RETURNS int LANGUAGE sql AS 'SELECT 1'; ALTER FUNCTION public.handed_over() OWNER TO grafana_readonly", /it owns function public.handed_over\(\)/, "as supabase_admin: REASSIGN OWNED BY grafana_readonly TO postgres;"],
    ["a grant on a large object", "SELECT lo_create(4242); GRANT SELECT, UPDATE ON LARGE OBJECT 4242 TO grafana_readonly", /privileges on large object 4242 \(granted by supabase_admin\)/, "as supabase_admin: REVOKE ALL ON LARGE OBJECT 4242 FROM grafana_readonly;"],
    ["a setting of its own for one database, which overrides the file's", "ALTER ROLE grafana_readonly IN DATABASE postgres SET default_transaction_read_only = off", /the setting default_transaction_read_only on it in database postgres/, "as supabase_admin: ALTER ROLE grafana_readonly IN DATABASE postgres RESET default_transaction_read_only;"],
    ["a superuser-only setting on it", "ALTER ROLE grafana_readonly SET lo_compat_privileges = on", /the setting lo_compat_privileges on it/, "as supabase_admin: ALTER ROLE grafana_readonly RESET lo_compat_privileges;"],
    ["EXECUTE granted to PUBLIC on a function initdb keeps from it", "GRANT EXECUTE ON FUNCTION pg_read_binary_file(text) TO PUBLIC", /EXECUTE on pg_read_binary_file\(text\), through PUBLIC/, "as supabase_admin: REVOKE EXECUTE ON ROUTINE pg_read_binary_file(text) FROM PUBLIC;"],
    ["SELECT granted to PUBLIC on an app table", "GRANT SELECT ON public.valuations TO PUBLIC", /SELECT on public.valuations, through PUBLIC \(granted by postgres\)/, "as postgres: REVOKE SELECT ON TABLE public.valuations FROM PUBLIC;"],
    ["CREATE on the database for PUBLIC", "GRANT CREATE ON DATABASE postgres TO PUBLIC", /CREATE on this database, through PUBLIC/, "as supabase_admin: REVOKE CREATE ON DATABASE postgres FROM PUBLIC;"],
    ["CREATE on a schema for PUBLIC", "GRANT CREATE ON SCHEMA public TO PUBLIC", /CREATE on schema public, through PUBLIC/, "as supabase_admin: REVOKE CREATE ON SCHEMA public FROM PUBLIC;"],
    ["a parameter ACL for PUBLIC", "GRANT SET ON PARAMETER log_statement TO PUBLIC", /SET on parameter log_statement, through PUBLIC/, "as supabase_admin: REVOKE SET ON PARAMETER log_statement FROM PUBLIC;"],
    ["a function in its schema that does not pin search_path", "SET ROLE postgres; CREATE FUNCTION ain_monitoring.planted() RETURNS int LANGUAGE sql AS 'SELECT 1'; RESET ROLE", /function ain_monitoring.planted\(\) does not pin search_path = pg_catalog, pg_temp/, "as postgres: ALTER ROUTINE ain_monitoring.planted() SET search_path = pg_catalog, pg_temp;"],
    ["a function in its schema whose search_path leaves pg_temp first", "SET ROLE postgres; CREATE FUNCTION ain_monitoring.planted() RETURNS int LANGUAGE sql SET search_path = '' AS 'SELECT 1'; RESET ROLE", /function ain_monitoring.planted\(\) does not pin/, "as postgres: ALTER ROUTINE ain_monitoring.planted() SET search_path = pg_catalog, pg_temp;"],
    ["USAGE on a schema for PUBLIC", "GRANT USAGE ON SCHEMA auth TO PUBLIC", /USAGE on schema auth, through PUBLIC/, "as supabase_admin: REVOKE USAGE ON SCHEMA auth FROM PUBLIC;"],
    ["a column grant to PUBLIC", "GRANT SELECT (encrypted_password) ON auth.users TO PUBLIC", /SELECT on column encrypted_password of auth.users, through PUBLIC \(granted by supabase_auth_admin\)/, "as supabase_admin: REVOKE SELECT (encrypted_password) ON TABLE auth.users FROM PUBLIC;"],
    ["a column grant to PUBLIC on a view", "SET ROLE postgres; CREATE VIEW public.user_names AS SELECT 1 AS id, 'x'::text AS name; REVOKE ALL ON public.user_names FROM anon, authenticated, service_role; GRANT UPDATE (name) ON public.user_names TO PUBLIC; RESET ROLE", /UPDATE on column name of public.user_names, through PUBLIC \(granted by postgres\)/, "as postgres: REVOKE UPDATE (name) ON TABLE public.user_names FROM PUBLIC;"],
    ["default privileges for PUBLIC", "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC", /default privileges: SELECT on new tables of postgres, to PUBLIC/, "as postgres: ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public REVOKE ALL ON TABLES FROM PUBLIC;"],
  ];

  it("the reviewer's attack: USAGE on auth and SELECT on its password column for PUBLIC are refused together, and the fixes take the read away", async () => {
    await pg.load("GRANT USAGE ON SCHEMA auth TO PUBLIC; GRANT SELECT (email, encrypted_password) ON auth.users TO PUBLIC; INSERT INTO auth.users (email, encrypted_password) VALUES ('a@example.com', '$2a$10$not-a-real-hash')");
    try {
      // Why: the role reads the hashes, with nothing granted to it by name.
      expect((await monitor.query("SELECT encrypted_password FROM auth.users")).rows).toEqual([{ encrypted_password: "$2a$10$not-a-real-hash" }]);
      const refused = await refusal();
      expect(refused?.message).toMatch(/USAGE on schema auth, through PUBLIC/);
      expect(refused?.message).toMatch(/SELECT on column email of auth.users, through PUBLIC/);
      expect(refused?.message).toMatch(/SELECT on column encrypted_password of auth.users, through PUBLIC/);
      await runFixes(refused?.hint ?? "");
      expect(await refusal()).toBeUndefined();
      expect(await errorOf(monitor, "SELECT encrypted_password FROM auth.users")).toMatch(/permission denied/);
    } finally {
      await pg.load("DELETE FROM auth.users WHERE email = 'a@example.com'; REVOKE USAGE ON SCHEMA auth FROM PUBLIC; REVOKE ALL (email, encrypted_password) ON auth.users FROM PUBLIC");
    }
  });

  it.each(kinds)("refuses %s, naming it and the exact fix, and applies once the fix is run", async (_kind, grant, message, fix) => {
    await pg.load(grant);
    const refused = await refusal();
    expect(refused?.message).toMatch(message);
    expect(refused?.hint).toContain(fix);
    // Nothing was kept: the file runs in one transaction.
    expect(await runFixes(refused?.hint ?? "")).not.toEqual([]);
    expect(await refusal()).toBeUndefined();
    expect(await grantsOf(MONITOR)).toEqual(Object.keys(expectedGrants).sort());
    await pg.load(
      "DROP TABLE IF EXISTS public.handed_over; DROP SCHEMA IF EXISTS handed_over; DROP SEQUENCE IF EXISTS public.counter; DROP FUNCTION IF EXISTS public.handed_over(); DROP FUNCTION IF EXISTS ain_monitoring.planted(); DROP VIEW IF EXISTS public.user_names; DROP POLICY IF EXISTS monitoring ON public.valuations; SELECT lo_unlink(4242) FROM pg_largeobject_metadata WHERE oid = 4242",
    );
  });
});

describe("it can run every panel query and every SQL rule", () => {
  it("there are SQL panels and SQL rules, and each names where it comes from", () => {
    expect(targets.filter((t) => t.kind === "panel").length).toBeGreaterThanOrEqual(12);
    expect(targets.filter((t) => t.kind === "rule").map((t) => t.title)).toEqual(expect.arrayContaining(["PdfReportsBucketMissing", "DatabaseLongRunningQueries", "SharingTokenLifetimeOverPolicy"]));
  });

  it("runs each with Grafana's variables and macros expanded, as the role, in a read-only session", async () => {
    const failures: string[] = [];
    for (const t of targets) {
      const sql = grafanaSql(t.sql, { variables: { token: "expiring-soon", project: settings.supabaseProjectRef }, range: last6h() });
      const error = await errorOf(monitor, sql);
      if (error) failures.push(`${t.where}: ${error}`);
    }
    expect(failures).toEqual([]);
  });
});

describe("it cannot read a token value, by any query", () => {
  it.each([
    ["select *", "SELECT * FROM public.public_tokens"],
    ["the token column", "SELECT token FROM public.public_tokens"],
    ["a count", "SELECT count(*) FROM public.public_tokens"],
    ["TABLE", "TABLE public.public_tokens"],
    ["COPY", "COPY public.public_tokens TO STDOUT"],
    ["a join from a view it may read", `SELECT t.token FROM ${MONITORING_SCHEMA}.token_lifetimes l JOIN public.public_tokens t USING (created_at)`],
  ])("%s on public_tokens is refused", async (_name, sql) => {
    expect(await errorOf(monitor, sql)).toMatch(/permission denied for table public_tokens/);
  });

  it("every relation and function it may read returns no token value, select * included", async () => {
    // A session holding a token in its query text, as the shared-report function's lookup would.
    const holding = "SELECT pg_sleep(60), 'expiring-soon' AS looked_up, $body$fresh-token$body$ AS dollar_quoted";
    const seen = await pg.whileRunning("authenticator", holding, async () => {
      const readable = [
        `SELECT * FROM ${MONITORING_SCHEMA}.token_lifetimes`,
        `SELECT * FROM ${MONITORING_SCHEMA}.storage_objects`,
        `SELECT * FROM ${MONITORING_SCHEMA}.buckets`,
        `SELECT * FROM ${MONITORING_SCHEMA}.activity()`,
        `SELECT ${MONITORING_SCHEMA}.token_state('${sha256("expiring-soon")}', interval '72 hours')`,
        `SELECT * FROM ${MONITORING_SCHEMA}.slowest_statements(50)`,
        `SELECT * FROM ${MONITORING_SCHEMA}.own_writes()`,
        "SELECT * FROM pg_stat_activity",
        "SELECT * FROM pg_stat_user_tables",
        "SELECT * FROM pg_stats",
      ];
      // One after the other: a client runs one query at a time (pg 9 refuses overlapping ones).
      const results: unknown[] = [];
      for (const sql of readable) results.push((await monitor.query(sql)).rows);
      return JSON.stringify(results);
    });
    expect(seen).toContain("pg_sleep(…)");
    for (const token of FIXTURE_TOKENS.filter((t) => t !== "expiring-soon")) expect(seen, token).not.toContain(token);
    // 'expiring-soon' is also a state name; what must never appear is the token as a value.
    expect(seen).not.toMatch(/'expiring-soon'|"expiring-soon"/);
  });

  it("the token view has only the two timestamps", async () => {
    const { fields } = await monitor.query(`SELECT * FROM ${MONITORING_SCHEMA}.token_lifetimes LIMIT 0`);
    expect(fields.map((f) => f.name)).toEqual(["created_at", "expires_at"]);
  });

  it("column statistics of public_tokens (pg_stats, most common values) stay hidden after ANALYZE", async () => {
    await pg.load("ANALYZE public.public_tokens");
    const { rows } = await monitor.query("SELECT attname FROM pg_stats WHERE tablename = 'public_tokens'");
    expect(rows).toEqual([]);
    expect(await errorOf(monitor, "SELECT * FROM pg_statistic")).toMatch(/permission denied/);
  });

  it("sees other roles' query text in pg_stat_activity only as '<insufficient privilege>', without pg_read_all_stats", async () => {
    await pg.whileRunning("authenticator", "SELECT pg_sleep(60), 'fresh-token'", async () => {
      const { rows } = await monitor.query("SELECT query, state, backend_type, query_start FROM pg_stat_activity WHERE usename = 'authenticator'");
      expect(rows).toEqual([{ query: "<insufficient privilege>", state: null, backend_type: null, query_start: null }]);
      // Through the function: the session, its state, and the statement with the token masked.
      const masked = await monitor.query(`SELECT state, wait_event, statement FROM ${MONITORING_SCHEMA}.activity() WHERE usename = 'authenticator'`);
      expect(masked.rows).toEqual([{ state: "active", wait_event: "PgSleep", statement: "SELECT pg_sleep(…), '…'" }]);
    });
  });
});

describe("the statement shown for a session holds only keywords, punctuation and names the catalogs show", () => {
  /**
   * Sessions of the application's role holding a secret, attacks on a literal-masking regex among
   * them: [what, the statement (it runs for 60 s), what activity() shows]. `SECRET` must never show.
   */
  const statements: [string, string, string][] = [
    ["a plain literal", "SELECT 'tok_SECRET', pg_sleep(60)", "SELECT '…', pg_sleep(…)"],
    ["an apostrophe in a block comment", "select /* don't cache */ 'tok_SECRET', pg_sleep(60)", "SELECT '…', pg_sleep(…)"],
    ["an apostrophe in a quoted identifier", `select 1 as "it's", 'tok_SECRET', pg_sleep(60)`, `SELECT … AS "…", '…', pg_sleep(…)`],
    ["an apostrophe in a line comment", "select pg_sleep(60) -- it's\n, 'tok_SECRET'", "SELECT pg_sleep(…) , '…'"],
    ["a secret in a line comment", "select pg_sleep(60) -- tok_SECRET", "SELECT pg_sleep(…)"],
    ["a secret in a block comment", "select pg_sleep(60) /* tok_SECRET */", "SELECT pg_sleep(…)"],
    ["nested comments", "select /* a /* nested */ 'x' tok_SECRET */ pg_sleep(60)", "SELECT pg_sleep(…)"],
    ["a comment opener inside a string", "select '/* tok_SECRET', pg_sleep(60) /* */", "SELECT '…', pg_sleep(…)"],
    ["a quote inside a comment, which PostgreSQL ignores", "select /* '*/ 'tok_SECRET', pg_sleep(60)", "SELECT '…', pg_sleep(…)"],
    ["dollar quotes with tags, one inside another", "select $tag$ 'tok_SECRET' $notag$ $tag$, $$tok_SECRET$$, $a$ $b$ tok_SECRET $b$ $a$, pg_sleep(60)", "SELECT $…$, $…$, $…$, pg_sleep(…)"],
    ["an apostrophe inside a dollar quote", "select $$ it's $$, 'tok_SECRET', pg_sleep(60)", "SELECT $…$, '…', pg_sleep(…)"],
    ["E'' strings with escaped quotes", "select E'\\'' || 'tok_SECRET', E'it\\'s tok_SECRET', e'\\\\', pg_sleep(60)", "SELECT '…' || '…', '…', '…', pg_sleep(…)"],
    ["U&'' strings and U&\"\" identifiers", `select U&'\\0074ok_SECRET' AS U&"tok_SECRET", pg_sleep(60)`, `SELECT '…' AS "…", pg_sleep(…)`],
    ["bit, hex and national strings, and numbers", "select B'1010', X'DEADBEEF', N'tok_SECRET', 4111111111111111, 1.5e-3, pg_sleep(60)", "SELECT '…', '…', '…', …, …, pg_sleep(…)"],
    ["a secret as an unquoted alias", "select 1 AS tok_SECRET, pg_sleep(60)", "SELECT … AS …, pg_sleep(…)"],
    ["a secret as a quoted alias", `select 1 AS "tok_SECRET", pg_sleep(60)`, `SELECT … AS "…", pg_sleep(…)`],
    ["dollars inside an identifier", "select 1 AS a$b, 'tok_SECRET', pg_sleep(60)", "SELECT … AS …, '…', pg_sleep(…)"],
    ["a string ending in a backslash, standard_conforming_strings on", "select 'C:\\', 'tok_SECRET', pg_sleep(60)", "SELECT '…', '…', pg_sleep(…)"],
    ["names the catalogs show are shown", "SELECT relname, pg_sleep(60) FROM pg_catalog.pg_class WHERE oid = 'pg_class'::regclass OR relname = 'tok_SECRET'", "SELECT relname, pg_sleep(…) FROM pg_catalog.pg_class WHERE oid = '…'::regclass OR relname = '…'"],
  ];

  it.each(statements)("%s", async (_name, statement, shown) => {
    await pg.whileRunning("authenticator", statement, async () => {
      const { rows } = await monitor.query(`SELECT statement FROM ${MONITORING_SCHEMA}.activity() WHERE usename = 'authenticator'`);
      expect(rows).toEqual([{ statement: shown }]);
      expect(rows[0].statement).not.toMatch(/secret/i);
    });
  });

  it("a session with standard_conforming_strings off (backslash escapes in every string) shows no secret either", async () => {
    await pg.load("ALTER ROLE authenticator SET standard_conforming_strings = off");
    try {
      await pg.whileRunning("authenticator", "select 'a\\' tok_SECRET ', pg_sleep(60)", async () => {
        const { rows } = await monitor.query(`SELECT statement FROM ${MONITORING_SCHEMA}.activity() WHERE usename = 'authenticator'`);
        // Read as if the setting were on, the rest of the statement is one unterminated string: masked.
        expect(rows).toEqual([{ statement: "SELECT '…' … '…'" }]);
      });
    } finally {
      await pg.load("ALTER ROLE authenticator RESET standard_conforming_strings");
    }
  });

  it("statements that finished, in pg_stat_statements (constants normalised, comments and utility statements kept), show no secret", async () => {
    const app = await pg.connect("authenticator");
    try {
      await app.query("select /* tok_SECRET_IN_COMMENT */ 1 AS tok_SECRET_ALIAS, pg_sleep(0.05)");
      await app.query("SET application_name = 'tok_SECRET_UTILITY'");
      await app.query("select $x$ tok_SECRET $x$ -- tok_SECRET_LINE");
    } finally {
      await app.end();
    }
    const raw = await admin.query("SELECT query FROM extensions.pg_stat_statements WHERE query ILIKE '%tok_SECRET%'");
    // The producer really keeps them: this is what the mask has to hold back.
    expect(raw.rows.length).toBeGreaterThanOrEqual(2);
    const { rows } = await monitor.query(`SELECT statement FROM ${MONITORING_SCHEMA}.slowest_statements(50)`);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toMatch(/secret/i);
  });

  it("holds for 3,000 statements built at random from the scanner's hard parts, each holding a secret somewhere", async () => {
    // Fragments that change how the rest is read: quotes of every kind, comment openers and
    // closers, dollar tags, escapes, prefixes, newlines. A fixed seed: the same statements every run.
    const parts = ["'", "''", "E'", "e'", "U&'", "U&\"", "B'", "X'", "N'", '"', '""', "\\", "\\'", "/*", "*/", "--", "\n", "\r", "$$", "$t$", "$T$", "$t", "$1", "$_$", "::", "-", "/", "*", ";", " ", "\t", "SELECT", "from", "pg_class", "é", "0x", "1e", "."];
    let seed = 21;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const statements = Array.from({ length: 3000 }, () => {
      const pieces = Array.from({ length: 4 + random(14) }, () => parts[random(parts.length)]);
      pieces.splice(random(pieces.length + 1), 0, ["tok_SECRET", "SECRET", "secret-value", "sEcReT"][random(4)]);
      return pieces.join(random(2) ? "" : " ");
    });
    const { rows } = await admin.query(
      `WITH k AS MATERIALIZED (SELECT ${MONITORING_SCHEMA}.known_words() AS w) SELECT s.q AS statement, ${MONITORING_SCHEMA}.masked_statement(s.q, k.w) AS shown FROM unnest($1::text[]) AS s(q), k`,
      [statements],
    );
    expect(rows).toHaveLength(3000);
    expect(rows.filter((r: { shown: string }) => /secret/i.test(r.shown))).toEqual([]);
  });

  it("is cut to 120 characters", async () => {
    await pg.whileRunning("authenticator", `SELECT pg_sleep(60)${", 1 AS relname".repeat(20)}`, async () => {
      const { rows } = await monitor.query(`SELECT length(statement) AS n FROM ${MONITORING_SCHEMA}.activity() WHERE usename = 'authenticator'`);
      expect(rows).toEqual([{ n: 120 }]);
    });
  });
});

describe("it cannot read any table no panel needs", () => {
  it("every table and view outside its own schema refuses select *, auth.users and the app's tables included", async () => {
    const relations = (await userRelations()).filter((r) => !r.name.startsWith(`${MONITORING_SCHEMA}.`));
    expect(relations.map((r) => r.name)).toEqual(expect.arrayContaining(["auth.users", "public.valuations", "public.public_tokens", "storage.objects", "storage.buckets", "storage.migrations"]));
    const readable: string[] = [];
    for (const r of relations) if (!/permission denied/.test(await errorOf(monitor, `SELECT * FROM ${r.name} LIMIT 1`))) readable.push(r.name);
    expect(readable).toEqual([]);
  });

  it("cannot become another role: not anon, authenticated, service_role or postgres", async () => {
    for (const role of ["anon", "authenticated", "service_role", "postgres", "authenticator"]) {
      expect(await errorOf(monitor, `SET ROLE ${role}`), role).toMatch(/permission denied to set role/);
    }
  });
});

describe("it cannot write anything", () => {
  let writer: Client;
  beforeAll(async () => {
    writer = await pg.connect(MONITOR);
    // Turn the role's read-only default off, as any session may: what must stop writes is the grants.
    await writer.query("SET default_transaction_read_only = off");
  });
  afterAll(async () => writer?.end());

  it("every table and view, its own views included, refuses insert, update, delete and truncate", async () => {
    const accepted: string[] = [];
    for (const r of await userRelations()) {
      for (const sql of [`INSERT INTO ${r.name} DEFAULT VALUES`, `UPDATE ${r.name} SET ${r.column} = ${r.column} WHERE false`, `DELETE FROM ${r.name} WHERE false`, `TRUNCATE ${r.name}`]) {
        const error = await errorOf(writer, sql);
        // No one can truncate a view, nor write through one of its own (each reads a function);
        // everything else must be refused for want of privilege.
        const refused =
          /permission denied/.test(error) ||
          (r.kind === "v" && sql.startsWith("TRUNCATE") && /is not a table/.test(error)) ||
          (r.name.startsWith(`${MONITORING_SCHEMA}.`) && /^cannot (insert into|update|delete from) view/.test(error));
        if (!refused) accepted.push(`${sql}: ${error || "accepted"}`);
      }
    }
    expect(accepted).toEqual([]);
  });

  it.each(["public", "storage", "auth", MONITORING_SCHEMA])("cannot create objects in schema %s", async (schema) => {
    expect(await errorOf(writer, `CREATE TABLE ${schema}.planted (x int)`)).toMatch(/permission denied for schema/);
    expect(await errorOf(writer, `CREATE FUNCTION ${schema}.planted() RETURNS int LANGUAGE sql AS 'SELECT 1'`)).toMatch(/permission denied for schema/);
  });

  it("cannot create a schema, replace a function, or cancel and terminate other sessions", async () => {
    expect(await errorOf(writer, "CREATE SCHEMA planted")).toMatch(/permission denied for database/);
    expect(await errorOf(writer, `CREATE OR REPLACE FUNCTION ${MONITORING_SCHEMA}.activity() RETURNS int LANGUAGE sql AS 'SELECT 1'`)).toMatch(/permission denied for schema|must be owner/);
    // The application's session; messages differ between PostgreSQL 15 and 16.
    const app = await pg.connect("authenticator");
    try {
      const { rows } = await app.query("SELECT pg_backend_pid() AS pid");
      expect(await errorOf(writer, `SELECT pg_cancel_backend(${rows[0].pid})`)).toMatch(/permission denied to cancel query|must be a member of the role whose query is being canceled/);
      expect(await errorOf(writer, `SELECT pg_terminate_backend(${rows[0].pid})`)).toMatch(/permission denied to terminate process|must be a member of the role whose process is being terminated/);
    } finally {
      await app.end();
    }
  });

  it("after a hand-made GRANT ALL on its schema's tables, its views still refuse every write; a re-apply takes the grant back", async () => {
    await pg.load(`GRANT ALL ON ALL TABLES IN SCHEMA ${MONITORING_SCHEMA} TO ${MONITOR}`);
    const writes = [
      `UPDATE ${MONITORING_SCHEMA}.token_lifetimes SET expires_at = now() + interval '10 years'`,
      `DELETE FROM ${MONITORING_SCHEMA}.storage_objects`,
      `INSERT INTO ${MONITORING_SCHEMA}.buckets VALUES ('planted', 'planted')`,
      `UPDATE ${MONITORING_SCHEMA}.buckets SET name = 'renamed'`,
      `TRUNCATE ${MONITORING_SCHEMA}.token_lifetimes`,
    ];
    try {
      expect(await grantsOf(MONITOR)).toContain(`UPDATE ON ${MONITORING_SCHEMA}.token_lifetimes`);
      for (const sql of writes) expect(await errorOf(writer, sql), sql).toMatch(/^cannot (insert into|update|delete from) view|is not a table/);
    } finally {
      await pg.applyMonitoringRole();
    }
    expect(await grantsOf(MONITOR)).not.toContain(`UPDATE ON ${MONITORING_SCHEMA}.token_lifetimes`);
    for (const sql of writes) expect(await errorOf(writer, sql), sql).not.toBe("");
    const { rows } = await admin.query("SELECT count(*)::int AS tokens, max(expires_at) < now() + interval '1 year' AS unchanged FROM public.public_tokens");
    expect(rows).toEqual([{ tokens: FIXTURE_TOKENS.length, unchanged: true }]);
    expect((await admin.query("SELECT count(*)::int AS n FROM storage.objects")).rows).toEqual([{ n: 53 }]);
  });

  it("nothing in its schema is a table, a sequence or an updatable view (PostgreSQL's own verdict)", async () => {
    const { rows } = await admin.query(
      `SELECT c.relname, c.relkind, pg_relation_is_updatable(c.oid, true) AS updatable FROM pg_class c WHERE c.relnamespace = '${MONITORING_SCHEMA}'::regnamespace ORDER BY 1`,
    );
    expect(rows).toEqual(["buckets", "storage_objects", "token_lifetimes"].map((relname) => ({ relname, relkind: "v", updatable: 0 })));
  });

  it("by default even its own temporary table is refused: the session is read-only", async () => {
    expect(await errorOf(monitor, "CREATE TEMP TABLE scratch (x int)")).toMatch(/read-only transaction/);
  });
});

/** What every function of the schema sets: pg_catalog first, then the caller's temporary schema, named so it comes last. */
const PINNED_SEARCH_PATH = "search_path=pg_catalog, pg_temp";

describe("the SECURITY DEFINER functions cannot be steered by the caller's search_path", () => {
  it("a planted pg_temp.public_tokens and a search_path pointing at it change nothing", async () => {
    const session = await pg.connect(MONITOR);
    try {
      await session.query("SET default_transaction_read_only = off");
      await session.query("CREATE TEMP TABLE public_tokens (token text, expires_at timestamptz, created_at timestamptz)");
      await session.query("INSERT INTO pg_temp.public_tokens VALUES ('planted', now() + interval '1 year', now())");
      await session.query("SET search_path = pg_temp, public, pg_catalog");
      const { rows } = await session.query(
        `SELECT ${MONITORING_SCHEMA}.token_state('${sha256("planted")}', interval '72 hours') AS planted, ${MONITORING_SCHEMA}.token_state('${sha256("fresh-token")}', interval '72 hours') AS real`,
      );
      expect(rows).toEqual([{ planted: "unknown", real: "live" }]);
      const { rows: config } = await admin.query(`SELECT proname, proconfig, prosecdef FROM pg_proc WHERE pronamespace = '${MONITORING_SCHEMA}'::regnamespace ORDER BY 1`);
      expect(config).toEqual([
        { proname: "activity", proconfig: [PINNED_SEARCH_PATH], prosecdef: true },
        { proname: "bucket_rows", proconfig: [PINNED_SEARCH_PATH], prosecdef: true },
        // known_words and masked_statement are called only by the functions around them, and not granted to the monitoring role.
        { proname: "known_words", proconfig: [PINNED_SEARCH_PATH], prosecdef: false },
        { proname: "masked_statement", proconfig: [PINNED_SEARCH_PATH], prosecdef: false },
        // Reads only what every role reads: no need for postgres' rights.
        { proname: "own_writes", proconfig: [PINNED_SEARCH_PATH], prosecdef: false },
        { proname: "role_settings", proconfig: [PINNED_SEARCH_PATH], prosecdef: false },
        { proname: "slowest_statements", proconfig: [PINNED_SEARCH_PATH], prosecdef: true },
        { proname: "storage_object_rows", proconfig: [PINNED_SEARCH_PATH], prosecdef: true },
        { proname: "token_lifetime_rows", proconfig: [PINNED_SEARCH_PATH], prosecdef: true },
        { proname: "token_state", proconfig: [PINNED_SEARCH_PATH], prosecdef: true },
      ]);
    } finally {
      await session.end();
    }
  });
});

/**
 * The caller's temporary schema. PostgreSQL searches it first for type and relation names unless a
 * function's search_path lists pg_temp explicitly, and every session of the role may create objects
 * there (PUBLIC holds TEMPORARY on the database, on Supabase as everywhere). A domain named like a
 * built-in type, whose CHECK calls the caller's code, would run that code with the SECURITY DEFINER
 * function's owner's rights (postgres: BYPASSRLS). Each shadow is planted in its own session of the
 * role, then every function the role may execute (and every view it may read) is called.
 */
describe("the caller's temporary schema cannot run code as the functions' owner", () => {
  /** The calls the role may make, with arguments; a test below checks the list is complete. */
  const calls: Record<string, string> = {
    "activity()": `SELECT * FROM ${MONITORING_SCHEMA}.activity()`,
    "slowest_statements(integer)": `SELECT * FROM ${MONITORING_SCHEMA}.slowest_statements(50)`,
    "token_state(text,interval)": `SELECT ${MONITORING_SCHEMA}.token_state('${sha256("fresh-token")}', interval '72 hours')`,
    "token_lifetime_rows()": `SELECT * FROM ${MONITORING_SCHEMA}.token_lifetime_rows()`,
    "storage_object_rows()": `SELECT * FROM ${MONITORING_SCHEMA}.storage_object_rows()`,
    "bucket_rows()": `SELECT * FROM ${MONITORING_SCHEMA}.bucket_rows()`,
    "own_writes()": `SELECT * FROM ${MONITORING_SCHEMA}.own_writes()`,
    "role_settings()": `SELECT ${MONITORING_SCHEMA}.role_settings()`,
    "view token_lifetimes": `SELECT * FROM ${MONITORING_SCHEMA}.token_lifetimes`,
    "view storage_objects": `SELECT * FROM ${MONITORING_SCHEMA}.storage_objects`,
    "view buckets": `SELECT * FROM ${MONITORING_SCHEMA}.buckets`,
  };

  /**
   * What the attacker's code does when it runs: `read` raises with the role it ran as and every
   * token (the reviewer's attack); `write` changes every token and lets the statement finish, so
   * the change would be committed.
   */
  const payload = {
    read: "RAISE EXCEPTION 'as % : tokens=%', CURRENT_USER, (SELECT pg_catalog.string_agg(t.token, ',') FROM public.public_tokens AS t)",
    write: "UPDATE public.public_tokens SET token = 'pwned-' || token WHERE token NOT LIKE 'pwned-%'",
  };
  const evil = (mode: keyof typeof payload) =>
    `CREATE OR REPLACE FUNCTION pg_temp.evil(v pg_catalog.anyelement) RETURNS pg_catalog.bool LANGUAGE plpgsql AS $b$ BEGIN ${payload[mode]}; RETURN true; END $b$`;
  /** A function of two arguments running the payload, for an operator. */
  const evil2 = (name: string, left: string, right: string, returns: string) => (mode: keyof typeof payload) =>
    `CREATE OR REPLACE FUNCTION pg_temp.${name}(a ${left}, b ${right}) RETURNS ${returns} LANGUAGE plpgsql AS $b$ BEGIN ${payload[mode]}; RETURN NULL; END $b$`;

  /** [what is shadowed, the statements planting it (after pg_temp.evil exists), functions it needs (mode -> statement)] */
  const domain = (type: string) => [`CREATE DOMAIN pg_temp.${type} AS pg_catalog.${type} CHECK (pg_temp.evil(VALUE))`];
  const shadows: [string, string[], ((mode: keyof typeof payload) => string)[]][] = [
    ...["text", "int4", "int8", "bool", "jsonb", "name", "timestamptz", "interval", "bytea", "oid", "regrole", "regclass", "regnamespace", "float8", "numeric"].map(
      (type): [string, string[], ((mode: keyof typeof payload) => string)[]] => [`type ${type}`, domain(type), []],
    ),
    // "integer" and "boolean" are SQL's names: the grammar maps them to pg_catalog.int4 and pg_catalog.bool, so a quoted one is shadowed too.
    ["type \"integer\"", ['CREATE DOMAIN pg_temp."integer" AS pg_catalog.int4 CHECK (pg_temp.evil(VALUE))'], []],
    ["type \"boolean\"", ['CREATE DOMAIN pg_temp."boolean" AS pg_catalog.bool CHECK (pg_temp.evil(VALUE))'], []],
    [
      "operators = and || on text, ? and ->> on jsonb",
      [
        "CREATE OPERATOR pg_temp.= (LEFTARG = pg_catalog.text, RIGHTARG = pg_catalog.text, FUNCTION = pg_temp.text_eq)",
        "CREATE OPERATOR pg_temp.|| (LEFTARG = pg_catalog.text, RIGHTARG = pg_catalog.text, FUNCTION = pg_temp.text_cat)",
        "CREATE OPERATOR pg_temp.? (LEFTARG = pg_catalog.jsonb, RIGHTARG = pg_catalog.text, FUNCTION = pg_temp.jsonb_has)",
        "CREATE OPERATOR pg_temp.->> (LEFTARG = pg_catalog.jsonb, RIGHTARG = pg_catalog.text, FUNCTION = pg_temp.jsonb_get)",
      ],
      [
        evil2("text_eq", "pg_catalog.text", "pg_catalog.text", "pg_catalog.bool"),
        evil2("text_cat", "pg_catalog.text", "pg_catalog.text", "pg_catalog.text"),
        evil2("jsonb_has", "pg_catalog.jsonb", "pg_catalog.text", "pg_catalog.bool"),
        evil2("jsonb_get", "pg_catalog.jsonb", "pg_catalog.text", "pg_catalog.text"),
      ],
    ],
    [
      "built-in functions called by the functions (lower, length, now, count, encode, sha256)",
      [
        "CREATE FUNCTION pg_temp.lower(v pg_catalog.text) RETURNS pg_catalog.text LANGUAGE sql AS 'SELECT v WHERE pg_temp.evil(v)'",
        "CREATE FUNCTION pg_temp.length(v pg_catalog.text) RETURNS pg_catalog.int4 LANGUAGE sql AS 'SELECT 1 WHERE pg_temp.evil(v)'",
        "CREATE FUNCTION pg_temp.now() RETURNS pg_catalog.timestamptz LANGUAGE sql AS 'SELECT pg_catalog.now() WHERE pg_temp.evil(1)'",
        "CREATE FUNCTION pg_temp.encode(v pg_catalog.bytea, f pg_catalog.text) RETURNS pg_catalog.text LANGUAGE sql AS 'SELECT f WHERE pg_temp.evil(f)'",
        "CREATE FUNCTION pg_temp.sha256(v pg_catalog.bytea) RETURNS pg_catalog.bytea LANGUAGE sql AS 'SELECT v WHERE pg_temp.evil(v)'",
      ],
      [],
    ],
    [
      "relations named as the catalogs and the app's tables (views that run the payload when read)",
      ["pg_class", "pg_proc", "pg_stat_activity", "pg_largeobject_metadata", "pg_stat_statements", "public_tokens", "objects", "buckets"].map(
        (t) => `CREATE TEMP VIEW ${t} AS SELECT 1 AS x WHERE pg_temp.evil(1)`,
      ),
      [],
    ],
  ];

  let before: string;
  beforeAll(async () => {
    before = JSON.stringify((await admin.query("SELECT token, expires_at FROM public.public_tokens ORDER BY token")).rows);
  });

  it("the reviewer's attack, verbatim: a DO block planting pg_temp.text and calling activity() finishes without running the payload", async () => {
    const session = await pg.connect(MONITOR);
    try {
      // One simple-protocol message, one implicit transaction: the SET holds for the DO block.
      const attack = `SET transaction_read_only = off; DO $x$ BEGIN EXECUTE $f$CREATE FUNCTION pg_temp.evil(v pg_catalog.text) RETURNS pg_catalog.bool LANGUAGE plpgsql AS $b$ BEGIN RAISE EXCEPTION 'as % : tokens=%', CURRENT_USER, (SELECT pg_catalog.string_agg(token, ',') FROM public.public_tokens); END $b$$f$; EXECUTE 'CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (pg_temp.evil(VALUE))'; PERFORM * FROM ${MONITORING_SCHEMA}.activity(); END $x$`;
      // Before the fix: "as postgres : tokens=fresh-token,exactly-thirty-days,...".
      expect(await errorOf(session, attack)).toBe("");
    } finally {
      await session.end();
    }
  });

  it("the calls cover every function the role may execute and every view it may read", async () => {
    const { rows } = await admin.query(
      `SELECT p.oid::regprocedure::text AS name FROM pg_proc p WHERE p.pronamespace = '${MONITORING_SCHEMA}'::regnamespace AND has_function_privilege($1, p.oid, 'EXECUTE')
       UNION ALL SELECT 'view ' || c.relname FROM pg_class c WHERE c.relnamespace = '${MONITORING_SCHEMA}'::regnamespace AND has_table_privilege($1, c.oid, 'SELECT') ORDER BY 1`,
      [MONITOR],
    );
    expect(rows.map((r: { name: string }) => r.name.replace(`${MONITORING_SCHEMA}.`, "")).sort()).toEqual(Object.keys(calls).sort());
  });

  it.each(shadows)("%s in pg_temp: every call returns nothing secret, runs nothing as postgres, and changes nothing", async (_what, plant, helpers) => {
    const outcomes: string[] = [];
    for (const mode of ["read", "write"] as const) {
      const session = await pg.connect(MONITOR);
      try {
        // Any session may turn its read-only default off; the reviewer's attack did.
        await session.query("SET default_transaction_read_only = off");
        await session.query(evil(mode));
        for (const helper of helpers) await session.query(helper(mode));
        for (const sql of plant) await session.query(sql);
        for (const [name, sql] of Object.entries(calls)) {
          try {
            outcomes.push(`${mode} ${name}: ${JSON.stringify((await session.query(sql)).rows)}`);
          } catch (e) {
            outcomes.push(`${mode} ${name}: ERROR ${(e as Error).message}`);
          }
        }
      } finally {
        await session.end();
      }
    }
    const after = JSON.stringify((await admin.query("SELECT token, expires_at FROM public.public_tokens ORDER BY token")).rows);
    // Put the fixture back before judging, so one failure does not spill into the next case.
    await admin.query("UPDATE public.public_tokens SET token = substr(token, 7) WHERE token LIKE 'pwned-%'");
    // Only the offending outcomes are printed: a token, or the payload's report of whom it ran as.
    expect(outcomes.filter((o) => / as (postgres|supabase_admin) :/.test(o) || FIXTURE_TOKENS.some((t) => o.includes(t)))).toEqual([]);
    // The planted code never ran at all: each call answered as it does without it.
    expect(outcomes.filter((o) => o.includes(": ERROR "))).toEqual([]);
    expect(after).toEqual(before);
  });
});

describe("the token check takes the token's SHA-256 and answers only live, expiring, expired or unknown", () => {
  it.each([
    ["fresh-token", "live"],
    ["exactly-thirty-days", "live"],
    ["expiring-soon", "expiring"],
    ["expired", "expired"],
    ["never-issued", "unknown"],
    ["", "unknown"],
  ])("the digest of %j is %s", async (token, state) => {
    const { rows } = await monitor.query(`SELECT ${MONITORING_SCHEMA}.token_state($1, interval '72 hours') AS state`, [sha256(token)]);
    expect(rows).toEqual([{ state }]);
  });

  it.each([
    ["sha256sum's whole line", (d: string) => `${d}  -`],
    ["upper case", (d: string) => d.toUpperCase()],
    ["surrounding blanks", (d: string) => ` ${d}\n`],
  ])("accepts %s", async (_name, shape) => {
    const { rows } = await monitor.query(`SELECT ${MONITORING_SCHEMA}.token_state($1, interval '72 hours') AS state`, [shape(sha256("expiring-soon"))]);
    expect(rows).toEqual([{ state: "expiring" }]);
  });

  it.each([["the token itself", "expiring-soon"], ["a digest cut short", sha256("expiring-soon").slice(0, 63)], ["a prefix search", "%"], ["empty", ""]])(
    "refuses %s: 'not a sha-256 digest'",
    async (_name, value) => {
      const { rows } = await monitor.query(`SELECT ${MONITORING_SCHEMA}.token_state($1, interval '72 hours') AS state`, [value]);
      expect(rows).toEqual([{ state: "not a sha-256 digest" }]);
    },
  );
});

describe("the \"Check a token\" panel leaks no token", () => {
  const check = () => targets.find((t) => t.title === "Check a token") as SqlTarget;

  it("its variable is kept out of the URL (skipUrlSync), with an empty default", async () => {
    const board = dashboardCatalog(settings).find((d) => d.uid === "ain-sharing-tokens");
    const list = (board?.model as unknown as { templating: { list: { name: string; skipUrlSync?: boolean; query?: string }[] } }).templating.list;
    expect(list.find((v) => v.name === "token")).toMatchObject({ skipUrlSync: true, query: "" });
  });

  it("another session of the role sees the digest in the statement, never the token", async () => {
    const token = "tok_live_7f3a9c2e";
    await admin.query("INSERT INTO public.public_tokens (token, created_at, expires_at) VALUES ($1, now(), now() + interval '30 days')", [token]);
    const checker = await pg.connect(MONITOR);
    try {
      const { rows } = await checker.query(grafanaSql(check().sql, { variables: { token: sha256(token) }, range: last6h() }));
      expect(rows).toEqual([{ state: "live" }]);
      const pid = (await checker.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
      // The pooled connection's last statement stays readable by every session of the same role: look before and after.
      await checker.query(grafanaSql(check().sql, { variables: { token: sha256(token) }, range: last6h() }));
      const seen = (await monitor.query("SELECT query FROM pg_stat_activity WHERE pid = $1", [pid])).rows[0].query as string;
      expect(seen).toContain(sha256(token));
      expect(seen).not.toContain(token);
      expect(JSON.stringify((await monitor.query(`SELECT * FROM ${MONITORING_SCHEMA}.activity()`)).rows)).not.toContain(token);
    } finally {
      await checker.end();
      await admin.query("DELETE FROM public.public_tokens WHERE token = $1", [token]);
    }
  });

  it("the residual: a token pasted by mistake is refused, but stays readable in that statement by the role's other sessions", async () => {
    const checker = await pg.connect(MONITOR);
    try {
      const { rows } = await checker.query(grafanaSql(check().sql, { variables: { token: "fresh-token" }, range: last6h() }));
      expect(rows).toEqual([{ state: "not a sha-256 digest" }]);
      const pid = (await checker.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
      await checker.query(grafanaSql(check().sql, { variables: { token: "fresh-token" }, range: last6h() }));
      expect((await monitor.query("SELECT query FROM pg_stat_activity WHERE pid = $1", [pid])).rows[0].query).toContain("fresh-token");
    } finally {
      await checker.end();
    }
  });
});

describe("dashboard variables reaching SQL", () => {
  it("every one is formatted :sqlstring, with no quotes of its own around it", () => {
    const uses = targets.flatMap((t) => variableUses(t.sql).filter((u) => t.variables.includes(u.name)).map((u) => ({ ...u, where: t.where, sql: t.sql })));
    expect(uses.map((u) => u.name)).toContain("token");
    for (const u of uses) {
      expect(u.format, u.where).toBe("sqlstring");
      expect(u.sql, u.where).not.toContain(`'\${${u.name}:sqlstring}'`);
    }
  });
});

describe("hostile values typed into $token return only what an honest value would", () => {
  const check = () => targets.find((t) => t.title === "Check a token") as SqlTarget;
  const run = async (value: string) => (await monitor.query(grafanaSql(check().sql, { variables: { token: value }, range: last6h() }))).rows;

  const hostile: [string, string][] = [
    ["a single quote", "it's"],
    ["the classic", "' OR '1'='1"],
    ["a closing parenthesis and a union", "x', interval '1 hour') UNION SELECT token FROM public.public_tokens --"],
    ["a statement separator", "x'; DROP TABLE public.public_tokens; --"],
    ["a line comment", "x' --"],
    ["a block comment", "x' /* */ OR true /*"],
    ["a backslash before the quote", "x\\' OR true --"],
    ["a lone backslash", "x\\"],
    ["a double quote, which Grafana's sqlstring turns into \\\"", 'x" OR "1"="1'],
    ["a newline", "x'\nOR true --"],
  ];

  it.each(hostile)("%s: 'not a sha-256 digest', alone or after a real digest", async (_name, value) => {
    expect(await run(value)).toEqual([{ state: "not a sha-256 digest" }]);
    expect(await run(`${sha256("fresh-token")}${value}`)).toEqual([{ state: "not a sha-256 digest" }]);
  });

  it.each(hostile.filter(([, v]) => !v.includes('"')))("%s, issued as a token, is found by its digest: live", async (_name, value) => {
    await admin.query("INSERT INTO public.public_tokens (token, created_at, expires_at) VALUES ($1, now(), now() + interval '30 days')", [value]);
    try {
      expect(await run(sha256(value))).toEqual([{ state: "live" }]);
    } finally {
      await admin.query("DELETE FROM public.public_tokens WHERE token = $1", [value]);
    }
  });

  it("without :sqlstring, as old Grafana interpolated, the runbook's own lookup would list every token", async () => {
    const runbookLookup = "SELECT token FROM public.public_tokens WHERE token = '${token}'";
    const raw = await admin.query(interpolateVariables(runbookLookup, { token: "' OR '1'='1" }, "raw"));
    expect(raw.rows.map((r: { token: string }) => r.token).sort()).toEqual([...FIXTURE_TOKENS].sort());
    const formatted = await admin.query(interpolateVariables(runbookLookup.replace("'${token}'", "${token:sqlstring}"), { token: "' OR '1'='1" }));
    expect(formatted.rows).toEqual([]);
  });

  it.each([
    ["a macro Grafana expands inside the literal", "$__timeFilter(x) OR true --"],
    ["an unknown macro", "$evil()"],
  ])("%s: the query fails, it never returns rows", async (_name, value) => {
    await expect(run(value)).rejects.toThrow();
  });
});

/** A JWT shaped as Supabase's legacy API keys are (HS256, claims iss, ref, role, iat, exp), signed with nothing real. */
const jwt = (role: string): string => {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ iss: "supabase", ref: "abcdefghijklmnopqrst", role, iat: 1700000000, exp: 2000000000 })}.${Buffer.from(`not-a-real-signature-${role}`).toString("base64url")}`;
};

describe("what every role reads in the catalogs: the file finds keys there and stops", () => {
  /** A Database Webhook as the dashboard makes it: supabase_functions.http_request(url, method, headers, params, timeout). */
  const webhook = (name: string, headers: Record<string, string>) =>
    `SET ROLE postgres; CREATE TRIGGER "${name}" AFTER INSERT ON public.valuations FOR EACH ROW EXECUTE FUNCTION supabase_functions.http_request('https://abcdefghijklmnopqrst.supabase.co/functions/v1/generate-valuation-pdf', 'POST', '${JSON.stringify({ "Content-Type": "application/json", ...headers })}', '{}', '5000'); RESET ROLE`;

  const cases: [string, string, string, RegExp, RegExp, string][] = [
    [
      "a Database Webhook sending the service_role key",
      webhook("pdf-webhook", { Authorization: `Bearer ${jwt("service_role")}` }),
      jwt("service_role"),
      /trigger "pdf-webhook" on public.valuations holds a JWT for role service_role/,
      /Supabase Vault/,
      `DROP TRIGGER "pdf-webhook" ON public.valuations`,
    ],
    [
      "a Database Webhook sending a Supabase secret key",
      webhook("pdf-webhook", { apikey: "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz" }),
      "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz",
      /trigger "pdf-webhook" on public.valuations holds a Supabase secret key/,
      /Supabase Vault/,
      `DROP TRIGGER "pdf-webhook" ON public.valuations`,
    ],
    [
      "app.settings.jwt_secret set on the database",
      `ALTER DATABASE postgres SET "app.settings.jwt_secret" TO 'super-secret-jwt-token-with-at-least-32-characters-long'`,
      "super-secret-jwt-token-with-at-least-32-characters-long",
      /setting app.settings.jwt_secret \(database postgres\) holds a value under a key-like name/,
      /ALTER DATABASE postgres RESET "app.settings.jwt_secret";/,
      `ALTER DATABASE postgres RESET "app.settings.jwt_secret"`,
    ],
    [
      "a function whose source holds the service_role key",
      `SET ROLE postgres; CREATE FUNCTION public.call_pdf() RETURNS void LANGUAGE plpgsql AS $f$ BEGIN PERFORM 'Bearer ${jwt("service_role")}'; END $f$; RESET ROLE`,
      jwt("service_role"),
      /function public.call_pdf\(\) holds a JWT for role service_role/,
      /Supabase Vault/,
      "DROP FUNCTION public.call_pdf()",
    ],
    [
      "a function calling another database with a libpq password",
      "SET ROLE postgres; CREATE FUNCTION public.sync_reports() RETURNS text LANGUAGE sql AS $f$ SELECT 'host=reports.example.com user=sync dbname=reports password=Wm9vZ2x5Ym9v' $f$; RESET ROLE",
      "Wm9vZ2x5Ym9v",
      /function public.sync_reports\(\) holds a password in a connection string/,
      /rotate/,
      "DROP FUNCTION public.sync_reports()",
    ],
    [
      "a comment holding an API secret key",
      "COMMENT ON TABLE public.valuations IS 'Resend via the proxy, key sk_live_51HxTestOnlyNotARealKey0000'",
      "sk_live_51HxTestOnlyNotARealKey0000",
      /comment on table public.valuations holds an API secret key/,
      /COMMENT ON/,
      "COMMENT ON TABLE public.valuations IS NULL",
    ],
    [
      "a column default holding a connection string with a password",
      `ALTER TABLE public.valuations ADD COLUMN source text DEFAULT 'postgresql://report:hunter2hunter2@db.example.com/reports'`,
      "hunter2hunter2",
      /default of column public.valuations.source holds a password in a connection string/,
      /rotate/,
      "ALTER TABLE public.valuations DROP COLUMN source",
    ],
  ];

  it.each(cases)("%s: refused, naming the place and the fix, never the key", async (_name, plant, secret, message, fix, remove) => {
    await pg.load(plant);
    try {
      // Why: the role reads it today, with no grant at all.
      const readable = await monitor.query(
        "SELECT encode(tgargs, 'escape') AS v FROM pg_trigger UNION ALL SELECT array_to_string(setconfig, ' ') FROM pg_db_role_setting UNION ALL SELECT prosrc FROM pg_proc UNION ALL SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef UNION ALL SELECT description FROM pg_description",
      );
      expect(JSON.stringify(readable.rows)).toContain(secret);
      const refused = await refusal();
      expect(refused?.message).toMatch(message);
      expect(refused?.hint).toMatch(fix);
      expect(`${refused?.message} ${refused?.hint}`).not.toContain(secret);
    } finally {
      await pg.load(remove);
    }
    expect(await refusal()).toBeUndefined();
  });

  it.each([
    ["a Database Webhook sending the anon key (public by design)", webhook("public-webhook", { Authorization: `Bearer ${jwt("anon")}` }), `DROP TRIGGER "public-webhook" ON public.valuations`],
    ["a Database Webhook without a key", webhook("plain-webhook", {}), `DROP TRIGGER "plain-webhook" ON public.valuations`],
    [
      "a function comparing a password column (code, not a key)",
      "SET ROLE postgres; CREATE FUNCTION public.same_password(a text, b text) RETURNS boolean LANGUAGE plpgsql AS $f$ DECLARE password text := a; BEGIN RETURN password = b; END $f$; RESET ROLE",
      "DROP FUNCTION public.same_password(text, text)",
    ],
    ["app.settings.jwt_exp (not a secret)", `ALTER DATABASE postgres SET "app.settings.jwt_exp" TO '3600'`, `ALTER DATABASE postgres RESET "app.settings.jwt_exp"`],
  ])("%s: applies", async (_name, plant, remove) => {
    await pg.load(plant);
    try {
      expect(await refusal()).toBeUndefined();
    } finally {
      await pg.load(remove);
    }
  });

  it("a SECURITY DEFINER function of the app that PUBLIC may execute: refused with the REVOKE, which the file then accepts", async () => {
    await pg.load("SET ROLE postgres; CREATE FUNCTION public.valuation_owner_emails() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER SET search_path = '' AS 'SELECT owner_email FROM public.valuations'; RESET ROLE");
    try {
      // Why: the role runs it with postgres' rights, today.
      await admin.query("INSERT INTO public.valuations (vin, owner_email) VALUES ('VIN', 'owner@example.com')");
      expect((await monitor.query("SELECT public.valuation_owner_emails() AS e")).rows).toEqual([{ e: "owner@example.com" }]);
      const refused = await refusal();
      expect(refused?.message).toMatch(/SECURITY DEFINER public.valuation_owner_emails\(\) \(owner postgres\) is executable by PUBLIC/);
      expect(refused?.hint).toContain("as postgres: REVOKE EXECUTE ON ROUTINE public.valuation_owner_emails() FROM PUBLIC;");
      await runFixes(refused?.hint ?? "");
      expect(await refusal()).toBeUndefined();
      expect(await errorOf(monitor, "SELECT public.valuation_owner_emails()")).toMatch(/permission denied for function/);
    } finally {
      await pg.load("DROP FUNCTION public.valuation_owner_emails(); DELETE FROM public.valuations WHERE vin = 'VIN'");
    }
  });

  it("Supabase's own webhook function (SECURITY DEFINER, not executable by PUBLIC) is no finding", async () => {
    const { rows } = await admin.query("SELECT prosecdef, has_function_privilege($1, oid, 'EXECUTE') AS grafana FROM pg_proc WHERE oid = 'supabase_functions.http_request()'::regprocedure", [MONITOR]);
    expect(rows).toEqual([{ prosecdef: true, grafana: false }]);
    expect(await refusal()).toBeUndefined();
  });
});

describe("large objects and temporary tables: bounded, seen, and refused at the next apply", () => {
  it("the residual, as it is: large objects are written even in a read-only transaction, and temporary tables once it is off", async () => {
    const session = await pg.connect(MONITOR);
    try {
      // PostgreSQL does not treat large-object writes as writes: the read-only default does not stop them.
      expect((await session.query("SHOW default_transaction_read_only")).rows).toEqual([{ default_transaction_read_only: "on" }]);
      // 112 000 bytes that do not compress.
      const { rows } = await session.query("SELECT lo_from_bytea(0, (SELECT decode(string_agg(md5(g::text), ''), 'hex') FROM generate_series(1, 7000) AS g)) AS oid");
      expect(await errorOf(session, "CREATE TEMP TABLE scratch AS SELECT 1")).toMatch(/read-only transaction/);
      await session.query("SET default_transaction_read_only = off");
      await session.query("CREATE TEMP TABLE scratch AS SELECT g FROM generate_series(1, 1000) AS g");
      // What the alert reads (own_writes()), from another session of the role.
      // One number, as a Grafana SQL rule reads it.
      const seen = await monitor.query(monitoringRoleWritesQuery);
      expect(seen.fields.map((f) => f.name)).toEqual(["monitoring_role_objects"]);
      expect(seen.rows).toEqual([{ monitoring_role_objects: "2" }]);
      expect((await monitor.query(`SELECT * FROM ${MONITORING_SCHEMA}.own_writes()`)).rows[0]).toMatchObject({ large_objects: "1", temporary_relations: "1" });
      expect(Number((await monitor.query(largeObjectBytesQuery)).rows[0].all_large_objects_bytes)).toBeGreaterThan(100000);
      // The file will not bless it: it names the object and the statement that removes it.
      const refused = await refusal();
      expect(refused?.message).toContain(`it owns large object ${rows[0].oid}`);
      expect(refused?.hint).toContain(`as supabase_admin: SELECT pg_catalog.lo_unlink(${rows[0].oid});`);
      await runFixes(refused?.hint ?? "");
    } finally {
      await session.end();
    }
    // The temporary table went with its session; the large object with the fix.
    expect((await monitor.query(monitoringRoleWritesQuery)).rows[0]).toMatchObject({ monitoring_role_objects: "0" });
    expect(await refusal()).toBeUndefined();
  });

  it("the role may change its own defaults for every later session: counted by the alert's query, refused at the next apply with the RESET", async () => {
    const intruder = await pg.connect(MONITOR);
    try {
      // The reviewer's finding: no privilege is needed to change one's own defaults, once the
      // session has turned its read-only default off (which any session may).
      await intruder.query("SET default_transaction_read_only = off");
      expect(await errorOf(intruder, `ALTER ROLE ${MONITOR} SET statement_timeout = 0`)).toBe("");
      expect(await errorOf(intruder, `ALTER ROLE ${MONITOR} SET lock_timeout = 0`)).toBe("");
    } finally {
      await intruder.end();
    }
    const later = await pg.connect(MONITOR);
    try {
      expect((await later.query("SHOW statement_timeout")).rows).toEqual([{ statement_timeout: "0" }]);
      // One changed value and one setting the file never makes: two.
      expect((await later.query(monitoringRoleWritesQuery)).rows).toEqual([{ monitoring_role_objects: "2" }]);
    } finally {
      await later.end();
    }
    // Refused before the file writes its own value over the evidence; nothing is kept.
    const refused = await refusal();
    expect(refused?.message).toMatch(/own defaults were changed since this file was last applied: statement_timeout=0, where this file sets statement_timeout=30s/);
    expect(refused?.hint).toContain("as postgres: ALTER ROLE grafana_readonly RESET statement_timeout;");
    await runFixes(refused?.hint ?? "");
    // Then the final check: a setting the file does not make, with its RESET.
    const again = await refusal();
    expect(again?.message).toMatch(/the setting lock_timeout on it/);
    expect(again?.hint).toContain("ALTER ROLE grafana_readonly RESET lock_timeout;");
    await runFixes(again?.hint ?? "");
    expect(await refusal()).toBeUndefined();
    expect((await monitor.query(monitoringRoleWritesQuery)).rows).toEqual([{ monitoring_role_objects: "0" }]);
    // A default the role removed is counted too, and the next apply sets it again.
    const remover = await pg.connect(MONITOR);
    try {
      await remover.query("SET default_transaction_read_only = off");
      await remover.query(`ALTER ROLE ${MONITOR} RESET statement_timeout`);
      expect((await remover.query(monitoringRoleWritesQuery)).rows).toEqual([{ monitoring_role_objects: "1" }]);
    } finally {
      await remover.end();
    }
    expect(await refusal()).toBeUndefined();
    expect((await monitor.query(monitoringRoleWritesQuery)).rows).toEqual([{ monitoring_role_objects: "0" }]);
  });

  it("a session can lift every time limit set on the role, and postgres cannot pin one it could not (temp_file_limit)", async () => {
    const session = await pg.connect(MONITOR);
    try {
      expect((await session.query("SHOW statement_timeout")).rows).toEqual([{ statement_timeout: "30s" }]);
      for (const sql of ["SET statement_timeout = 0", "SET idle_in_transaction_session_timeout = 0", "SET default_transaction_read_only = off"]) expect(await errorOf(session, sql), sql).toBe("");
      expect(await errorOf(session, "SET temp_file_limit = '1GB'")).toMatch(/permission denied to set parameter/);
    } finally {
      await session.end();
    }
    const asPostgres = await pg.connect("postgres");
    try {
      expect(await errorOf(asPostgres, `ALTER ROLE ${MONITOR} SET temp_file_limit = '100MB'`)).toMatch(/permission denied to set parameter "temp_file_limit"/);
    } finally {
      await asPostgres.end();
    }
  });

  it("the connection limit holds: the eleventh session of the role is refused", async () => {
    const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1", [MONITOR]);
    const opened: Client[] = [];
    try {
      for (let i = rows[0].n; i < 10; i++) opened.push(await pg.connect(MONITOR));
      await expect(pg.connect(MONITOR)).rejects.toThrow(/too many connections for role "grafana_readonly"/);
    } finally {
      for (const c of opened) await c.end();
    }
  });
});

import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../../src/config/load";
import { MONITORING_SCHEMA } from "../../src/sql/queries";
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
  };

  it("holds exactly the grants of db/monitoring-role.sql: no table, no column, no role membership", async () => {
    expect(await grantsOf(MONITOR)).toEqual(Object.keys(expectedGrants).sort());
  });

  it.each(Object.entries(expectedGrants).filter(([, use]) => use !== "every query below"))("%s is read by a panel or a rule", (_grant, use) => {
    expect(targets.filter((t) => t.sql.includes(`${MONITORING_SCHEMA}.${use}`)).map((t) => t.where)).not.toEqual([]);
  });

  it("is a plain login: no superuser, createrole, createdb, replication or bypassrls; read-only and time-limited by default", async () => {
    const { rows } = await admin.query("SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolinherit, rolcanlogin, rolconfig FROM pg_roles WHERE rolname = $1", [MONITOR]);
    expect(rows[0]).toMatchObject({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false, rolinherit: false, rolcanlogin: true });
    expect(rows[0].rolconfig).toEqual(expect.arrayContaining(["default_transaction_read_only=on", "statement_timeout=30s", "search_path=pg_catalog"]));
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
    ["a table grant another role made", "GRANT SELECT ON auth.users TO grafana_readonly", "REVOKE SELECT ON auth.users FROM grafana_readonly", /holds more than this file grants: SELECT ON auth.users \(granted by supabase_auth_admin\)/],
    ["a column grant another role made", "GRANT SELECT (email) ON auth.users TO grafana_readonly", "REVOKE SELECT (email) ON auth.users FROM grafana_readonly", /SELECT ON auth.users\(email\)/],
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
        `SELECT ${MONITORING_SCHEMA}.token_state('expiring-soon', interval '72 hours')`,
        "SELECT * FROM pg_stat_activity",
        "SELECT * FROM pg_stat_user_tables",
        "SELECT * FROM pg_stats",
      ];
      // One after the other: a client runs one query at a time (pg 9 refuses overlapping ones).
      const results: unknown[] = [];
      for (const sql of readable) results.push((await monitor.query(sql)).rows);
      return JSON.stringify(results);
    });
    expect(seen).toContain("pg_sleep(60)");
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
      expect(masked.rows).toEqual([{ state: "active", wait_event: "PgSleep", statement: "SELECT pg_sleep(60), '…'" }]);
    });
  });
});

describe("the statement shown for a session masks every literal", () => {
  it.each([
    ["a plain literal", "SELECT 'fresh-token'", "SELECT '…'"],
    ["doubled quotes", "SELECT 'it''s fresh-token'", "SELECT '…'"],
    ["an escape string with a backslashed quote", "SELECT E'fresh\\'token', 1", "SELECT '…', 1"],
    ["a standard string ending in a backslash", "SELECT 'C:\\', 'fresh-token'", "SELECT '…', '…'"],
    ["a dollar-quoted body, to the end", "SELECT $t$fresh-token$t$, 2", "SELECT $…"],
    ["several literals", "SELECT 'fresh-token' = 'expired'", "SELECT '…' = '…'"],
  ])("%s", async (_name, statement, shown) => {
    await pg.whileRunning("authenticator", `/* mask-test */ ${statement}, pg_sleep(60)`, async () => {
      const { rows } = await monitor.query(`SELECT statement FROM ${MONITORING_SCHEMA}.activity() WHERE usename = 'authenticator'`);
      expect(rows).toHaveLength(1);
      expect(rows[0].statement.startsWith(`/* mask-test */ ${shown}`), rows[0].statement).toBe(true);
      expect(rows[0].statement).not.toMatch(/fresh|expired|token/);
    });
  });

  it("is cut to 120 characters", async () => {
    await pg.whileRunning("authenticator", `SELECT pg_sleep(60) /* ${"x".repeat(300)} */`, async () => {
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
        // No one can truncate a view; everything else must be refused for want of privilege.
        const refused = /permission denied/.test(error) || (r.kind === "v" && sql.startsWith("TRUNCATE") && /is not a table/.test(error));
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

  it("by default even its own temporary table is refused: the session is read-only", async () => {
    expect(await errorOf(monitor, "CREATE TEMP TABLE scratch (x int)")).toMatch(/read-only transaction/);
  });
});

describe("the SECURITY DEFINER functions cannot be steered by the caller's search_path", () => {
  it("a planted pg_temp.public_tokens and a search_path pointing at it change nothing", async () => {
    const session = await pg.connect(MONITOR);
    try {
      await session.query("SET default_transaction_read_only = off");
      await session.query("CREATE TEMP TABLE public_tokens (token text, expires_at timestamptz, created_at timestamptz)");
      await session.query("INSERT INTO pg_temp.public_tokens VALUES ('planted', now() + interval '1 year', now())");
      await session.query("SET search_path = pg_temp, public, pg_catalog");
      const { rows } = await session.query(`SELECT ${MONITORING_SCHEMA}.token_state('planted', interval '72 hours') AS planted, ${MONITORING_SCHEMA}.token_state('fresh-token', interval '72 hours') AS real`);
      expect(rows).toEqual([{ planted: "unknown", real: "live" }]);
      const { rows: config } = await admin.query(`SELECT proname, proconfig, prosecdef FROM pg_proc WHERE pronamespace = '${MONITORING_SCHEMA}'::regnamespace ORDER BY 1`);
      expect(config).toEqual([
        { proname: "activity", proconfig: ['search_path=""'], prosecdef: true },
        // Called only by the functions around it, and not granted to the monitoring role.
        { proname: "masked_statement", proconfig: ['search_path=""'], prosecdef: false },
        { proname: "slowest_statements", proconfig: ['search_path=""'], prosecdef: true },
        { proname: "token_state", proconfig: ['search_path=""'], prosecdef: true },
      ]);
    } finally {
      await session.end();
    }
  });
});

describe("the token check answers only live, expiring, expired or unknown", () => {
  it.each([
    ["fresh-token", "live"],
    ["exactly-thirty-days", "live"],
    ["expiring-soon", "expiring"],
    ["expired", "expired"],
    ["never-issued", "unknown"],
    ["", "unknown"],
  ])("%j is %s", async (token, state) => {
    const { rows } = await monitor.query(`SELECT ${MONITORING_SCHEMA}.token_state($1, interval '72 hours') AS state`, [token]);
    expect(rows).toEqual([{ state }]);
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

  it.each(hostile)("%s: unknown, like any token never issued", async (_name, value) => {
    expect(await run(value)).toEqual([{ state: "unknown" }]);
  });

  it.each(hostile.filter(([, v]) => !v.includes('"')))("%s arrives intact: issued as a token, it reads as live", async (_name, value) => {
    await admin.query("INSERT INTO public.public_tokens (token, created_at, expires_at) VALUES ($1, now(), now() + interval '30 days')", [value]);
    try {
      expect(await run(value)).toEqual([{ state: "live" }]);
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

-- ain-monitoring: the database role Grafana's PostgreSQL data source logs in as.
--
-- Grafana runs whatever SQL it is sent, from any panel, from Explore, or from /api/ds/query, so
-- this role is the only boundary. It holds no privilege on any table. It reads:
--   * ain_monitoring.activity()      sessions with the statement's literals masked (SECURITY DEFINER)
--   * ain_monitoring.token_state()   one token's state, never a token (SECURITY DEFINER)
--   * ain_monitoring.slowest_statements() the weekly review's slowest statements, literals masked (SECURITY DEFINER)
--   * ain_monitoring.token_lifetimes created_at and expires_at of every sharing token, no token column
--   * ain_monitoring.storage_objects bucket, size and creation time of every stored file, and
--                                    whether the synthetic PDF check stored it (under synthetic/), no names
--   * ain_monitoring.buckets         bucket ids and names
--   * pg_stat_activity / pg_stat_user_tables as every role may (row counts; table statistics)
--
-- Apply it as Supabase's `postgres` role (the SQL editor, or psql as postgres), once, and again
-- after every change to this file: it is re-runnable. The objects belong to `postgres`, which on
-- Supabase has BYPASSRLS and, through supabase_superuser, pg_monitor: the views and functions read
-- with those rights and hand out only the columns above. Then set the role's password (README).
--
-- Tested on PostgreSQL 15 and 16 against a Supabase-shaped schema (test/sql/monitoring-role.test.ts).

BEGIN;

-- The role. Created without a password: the README sets it with psql's \password.
DO $role$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'grafana_readonly') THEN
    CREATE ROLE grafana_readonly LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT CONNECTION LIMIT 10;
  END IF;
END
$role$;

-- A role made earlier (by hand, or by this project's old README) may hold more than this file
-- grants. Attributes and role memberships can only be removed by an administrator, so refuse to
-- go on rather than bless them.
DO $check$
DECLARE
  r pg_catalog.pg_roles%ROWTYPE;
  member_of text;
BEGIN
  SELECT * INTO r FROM pg_catalog.pg_roles WHERE rolname = 'grafana_readonly';
  IF r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls THEN
    RAISE EXCEPTION 'grafana_readonly has SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS'
      USING HINT = 'Drop the role (DROP ROLE grafana_readonly) and apply this file again.';
  END IF;
  SELECT pg_catalog.string_agg(g.rolname::text, ', ' ORDER BY g.rolname) INTO member_of
  FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
  WHERE m.member = r.oid;
  IF member_of IS NOT NULL THEN
    RAISE EXCEPTION 'grafana_readonly is a member of %, which gives it more than the panels need', member_of
      USING HINT = pg_catalog.format('As supabase_admin (or the role that granted it): REVOKE %s FROM grafana_readonly; then apply this file again.', member_of);
  END IF;
END
$check$;

ALTER ROLE grafana_readonly NOINHERIT CONNECTION LIMIT 10;
-- Defence in depth, not the boundary (a session may change them): no writes, no runaway query,
-- and names resolve to nothing a user could plant.
ALTER ROLE grafana_readonly SET default_transaction_read_only = on;
ALTER ROLE grafana_readonly SET statement_timeout = '30s';
ALTER ROLE grafana_readonly SET search_path = pg_catalog;

-- What this project's old README granted; revoked so an upgrade ends in the same place.
DO $old$
BEGIN
  IF pg_catalog.to_regclass('public.public_tokens') IS NOT NULL THEN
    REVOKE ALL ON public.public_tokens FROM grafana_readonly;
  END IF;
  IF pg_catalog.to_regnamespace('storage') IS NOT NULL THEN
    REVOKE ALL ON ALL TABLES IN SCHEMA storage FROM grafana_readonly;
    REVOKE ALL ON SCHEMA storage FROM grafana_readonly;
  END IF;
END
$old$;

CREATE SCHEMA IF NOT EXISTS ain_monitoring;
COMMENT ON SCHEMA ain_monitoring IS 'What ain-monitoring''s Grafana role may read. Applied from ain-monitoring/db/monitoring-role.sql; do not edit by hand.';

-- Sessions, for the runbook's pg_stat_activity queries. A role without pg_read_all_stats sees
-- other roles' sessions with state, wait event, timings and query hidden ('<insufficient
-- privilege>'), so a long-running query would never count. This function reads them as postgres
-- (pg_monitor) and returns the statement with every string literal masked (doubled quotes, and
-- backslash escapes in E'' strings, included; an unterminated one to the end) and everything from the first dollar
-- quote on masked, then cut to 120 characters: enough to recognise a query, not to read a token or an e-mail in it.
-- SECURITY DEFINER with an empty search_path: every name below is schema-qualified, so nothing
-- the caller creates (a temp table, a function in another schema) is ever picked up.
-- A statement as the panels may show it: every string literal masked (doubled quotes, and
-- backslash escapes in E'' strings, included; an unterminated one to the end), everything from the
-- first dollar quote on masked, then cut to 120 characters. Not granted to grafana_readonly: only
-- the functions below call it.
CREATE OR REPLACE FUNCTION ain_monitoring.masked_statement(query text)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $body$
  SELECT pg_catalog.left(
           pg_catalog.regexp_replace(
             pg_catalog.regexp_replace(query, '\$([A-Za-z_][A-Za-z0-9_]*)?\$.*$', '$…', 'g'),
             '([Ee]''([^''\\]|''''|\\.)*|''([^'']|'''')*)(''|$)', '''…''', 'g'),
           120)
$body$;

CREATE OR REPLACE FUNCTION ain_monitoring.activity()
RETURNS TABLE (
  pid integer,
  backend_type text,
  usename name,
  application_name text,
  state text,
  wait_event_type text,
  wait_event text,
  backend_start timestamptz,
  xact_start timestamptz,
  query_start timestamptz,
  state_change timestamptz,
  statement text
)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $body$
  SELECT a.pid, a.backend_type, a.usename, a.application_name, a.state, a.wait_event_type, a.wait_event,
         a.backend_start, a.xact_start, a.query_start, a.state_change,
         ain_monitoring.masked_statement(a.query)
  FROM pg_catalog.pg_stat_activity AS a
$body$;

-- The weekly review's slowest statements: Supabase keeps pg_stat_statements in the `extensions`
-- schema (on by default). Read as postgres, which sees every role's statements through pg_monitor;
-- returned with literals masked, times in seconds.
CREATE OR REPLACE FUNCTION ain_monitoring.slowest_statements(how_many integer)
RETURNS TABLE (statement text, calls bigint, mean_seconds double precision, total_seconds double precision, rows bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $body$
  SELECT ain_monitoring.masked_statement(s.query), s.calls, s.mean_exec_time / 1000, s.total_exec_time / 1000, s.rows
  FROM extensions.pg_stat_statements AS s
  ORDER BY s.mean_exec_time DESC
  LIMIT LEAST(how_many, 50)
$body$;

-- One token's state, for the "Check a token" panel: live, expiring (within expiring_within),
-- expired or unknown. The caller must already hold the token; nothing else comes back.
CREATE OR REPLACE FUNCTION ain_monitoring.token_state(candidate text, expiring_within interval)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $body$
  SELECT CASE
           WHEN t.expires_at IS NULL THEN 'unknown'
           WHEN t.expires_at <= pg_catalog.now() THEN 'expired'
           WHEN t.expires_at <= pg_catalog.now() + expiring_within THEN 'expiring'
           ELSE 'live'
         END
  FROM (SELECT pg_catalog.max(p.expires_at) AS expires_at FROM public.public_tokens AS p WHERE p.token = candidate) AS t
$body$;

-- Views read with their owner's (postgres') rights, so RLS on the tables below does not hide
-- rows from them; they carry only the columns the panels need.
CREATE OR REPLACE VIEW ain_monitoring.token_lifetimes AS
  SELECT created_at, expires_at FROM public.public_tokens;

-- `synthetic`: the app stores the PDF of a valuation marked synthetic_check (the PDF check's) under
-- synthetic/ (README, Assumptions to confirm), so product counts leave the checks' own reports out.
-- A flag, not the name: names may carry user ids. The prefix is SYNTHETIC_PDF_PREFIX in src/sql/queries.ts.
CREATE OR REPLACE VIEW ain_monitoring.storage_objects AS
  SELECT bucket_id, (metadata ->> 'size')::bigint AS size_bytes, created_at, coalesce(name LIKE 'synthetic/%', false) AS synthetic FROM storage.objects;

CREATE OR REPLACE VIEW ain_monitoring.buckets AS
  SELECT id, name FROM storage.buckets;

-- Exactly these grants, and nobody else's: PUBLIC may execute a new function by default, and a
-- default privilege (Supabase grants anon and authenticated everything new in some schemas) could
-- hand more out. Revoke whatever anyone but the owner and grafana_readonly holds.
DO $grants$
DECLARE
  obj record;
  grantee_name text;
BEGIN
  FOR obj IN
    SELECT pg_catalog.format('TABLE ain_monitoring.%I', c.relname) AS target, c.relacl AS acl, c.relowner AS owner
    FROM pg_catalog.pg_class c WHERE c.relnamespace = 'ain_monitoring'::regnamespace AND c.relkind = 'v'
    UNION ALL
    SELECT pg_catalog.format('FUNCTION %s', p.oid::regprocedure), p.proacl, p.proowner
    FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'ain_monitoring'::regnamespace
    UNION ALL
    SELECT 'SCHEMA ain_monitoring', n.nspacl, n.nspowner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ain_monitoring'
  LOOP
    EXECUTE pg_catalog.format('REVOKE ALL ON %s FROM PUBLIC', obj.target);
    FOR grantee_name IN
      SELECT DISTINCT g.rolname FROM pg_catalog.aclexplode(obj.acl) AS e JOIN pg_catalog.pg_roles AS g ON g.oid = e.grantee
      WHERE e.grantee <> obj.owner AND g.rolname <> 'grafana_readonly'
    LOOP
      EXECUTE pg_catalog.format('REVOKE ALL ON %s FROM %I', obj.target, grantee_name);
    END LOOP;
  END LOOP;
END
$grants$;

GRANT USAGE ON SCHEMA ain_monitoring TO grafana_readonly;
GRANT SELECT ON ain_monitoring.token_lifetimes, ain_monitoring.storage_objects, ain_monitoring.buckets TO grafana_readonly;
GRANT EXECUTE ON FUNCTION ain_monitoring.activity() TO grafana_readonly;
GRANT EXECUTE ON FUNCTION ain_monitoring.token_state(text, interval) TO grafana_readonly;
GRANT EXECUTE ON FUNCTION ain_monitoring.slowest_statements(integer) TO grafana_readonly;

-- Prove the result: grafana_readonly holds nothing outside ain_monitoring. A grant made by another
-- role (supabase_admin, say) is not revoked by postgres above; say which, rather than leave it.
DO $verify$
DECLARE
  extra text;
BEGIN
  SELECT pg_catalog.string_agg(x.what, ', ' ORDER BY x.what) INTO extra FROM (
    SELECT pg_catalog.format('%s ON %s (granted by %s)', e.privilege_type, c.oid::regclass, e.grantor::regrole) AS what
    FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) e
    WHERE e.grantee = 'grafana_readonly'::regrole AND c.relnamespace <> 'ain_monitoring'::regnamespace
    UNION ALL
    SELECT pg_catalog.format('%s ON %s(%s) (granted by %s)', e.privilege_type, a.attrelid::regclass, a.attname, e.grantor::regrole)
    FROM pg_catalog.pg_attribute a, pg_catalog.aclexplode(a.attacl) e
    WHERE e.grantee = 'grafana_readonly'::regrole
    UNION ALL
    SELECT pg_catalog.format('%s ON SCHEMA %s (granted by %s)', e.privilege_type, n.nspname, e.grantor::regrole)
    FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) e
    WHERE e.grantee = 'grafana_readonly'::regrole AND n.nspname <> 'ain_monitoring'
  ) AS x;
  IF extra IS NOT NULL THEN
    RAISE EXCEPTION 'grafana_readonly holds more than this file grants: %', extra
      USING HINT = 'Revoke each as the role that granted it, then apply this file again.';
  END IF;
END
$verify$;

COMMIT;

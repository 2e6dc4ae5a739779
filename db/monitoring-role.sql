-- ain-monitoring: the database role Grafana's PostgreSQL data source logs in as.
--
-- Grafana runs whatever SQL it is sent, from any panel, from Explore, or from /api/ds/query, so
-- this role is the only boundary. It holds no privilege on any table. It reads:
--   * ain_monitoring.activity()      sessions, each statement shown only as keywords, punctuation and
--                                    names the catalogs already show (SECURITY DEFINER)
--   * ain_monitoring.token_state()   one token's state, looked up by the token's SHA-256 digest (SECURITY DEFINER)
--   * ain_monitoring.slowest_statements() the weekly review's slowest statements, shown as activity() does (SECURITY DEFINER)
--   * ain_monitoring.token_lifetimes created_at and expires_at of every sharing token, no token column
--   * ain_monitoring.storage_objects bucket, size and creation time of every stored file, and
--                                    whether the synthetic PDF check stored it (under synthetic/), no names
--   * ain_monitoring.buckets         bucket ids and names
--   * ain_monitoring.own_writes()    what this role itself has written (large objects, temporary tables,
--                                    its own defaults changed from role_settings())
--   * pg_stat_activity / pg_stat_user_tables as every role may (row counts; table statistics)
-- The three views read from SECURITY DEFINER functions, so no view can ever be written through,
-- whatever is granted on it: PostgreSQL updates a view only when it reads one table or view.
--
-- Apply it as Supabase's `postgres` role (the SQL editor, or psql as postgres), once, and again
-- after every change to this file: it is re-runnable. The objects belong to `postgres`, which on
-- Supabase has BYPASSRLS and, through supabase_superuser, pg_monitor: the functions read with
-- those rights and hand out only the columns above. Then set the role's password (docs/adopting.md, step 3).
--
-- It refuses to finish (and changes nothing) when the role holds anything more than it grants, or
-- when the database holds a key any role can read in the catalogs: each refusal names the fix.
-- What it cannot prevent, and why: docs/how-it-works.md, "The database role in detail".
--
-- Tested on PostgreSQL 15 and 16 against a Supabase-shaped schema (test/sql/monitoring-role.test.ts).

BEGIN;
-- Names in the messages below are printed schema-qualified, and nothing planted in a schema on the
-- caller's path (public) is ever resolved: only pg_catalog, then this session's temporary schema.
SET LOCAL search_path = pg_catalog, pg_temp;

-- The role. Created without a password: docs/adopting.md sets it with psql's \password.
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

-- CONNECTION LIMIT is the one bound here a session cannot lift: Grafana's pool, at most 10
-- sessions. It bounds how many write at once (large objects, temporary tables), not how much.
ALTER ROLE grafana_readonly NOINHERIT CONNECTION LIMIT 10;
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

-- Start from nothing: whatever the role (or PUBLIC) was given in this schema, by hand or by an
-- earlier version of this file, goes; the grants at the end are the only ones it keeps. On objects
-- postgres owns, a grant made by anyone (a superuser included) is recorded as postgres', so
-- postgres can revoke it.
DO $revoke$
BEGIN
  IF pg_catalog.to_regnamespace('ain_monitoring') IS NOT NULL THEN
    REVOKE ALL ON ALL TABLES IN SCHEMA ain_monitoring FROM grafana_readonly, PUBLIC;
    REVOKE ALL ON ALL SEQUENCES IN SCHEMA ain_monitoring FROM grafana_readonly, PUBLIC;
    REVOKE ALL ON ALL ROUTINES IN SCHEMA ain_monitoring FROM grafana_readonly, PUBLIC;
    REVOKE ALL ON SCHEMA ain_monitoring FROM grafana_readonly, PUBLIC;
  END IF;
END
$revoke$;

CREATE SCHEMA IF NOT EXISTS ain_monitoring;
COMMENT ON SCHEMA ain_monitoring IS 'What ain-monitoring''s Grafana role may read. Applied from ain-monitoring/db/monitoring-role.sql; do not edit by hand.';

-- Earlier versions' signatures: masked_statement(text) became masked_statement(text, jsonb), and
-- token_state takes a digest now (a parameter cannot be renamed in place).
DROP FUNCTION IF EXISTS ain_monitoring.masked_statement(text);
DROP FUNCTION IF EXISTS ain_monitoring.token_state(text, interval);
-- own_writes() gained changed_settings (a function's result columns cannot change in place).
DO $old_own_writes$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_proc AS p WHERE p.oid = pg_catalog.to_regprocedure('ain_monitoring.own_writes()') AND NOT 'changed_settings' = ANY (p.proargnames)) THEN
    DROP FUNCTION ain_monitoring.own_writes();
  END IF;
END
$old_own_writes$;

-- The role's own settings, as pg_db_role_setting stores them; the one list the file applies, its
-- final check compares with, and own_writes() counts departures from.
-- Defence in depth, not the boundary: every one of these is a user-settable parameter in
-- PostgreSQL 15, so a session may SET it back (SET default_transaction_read_only = off), and the
-- role may even change its own defaults for every later session (ALTER ROLE grafana_readonly SET
-- statement_timeout = 0 needs no privilege). A non-superuser (postgres on Supabase) cannot pin a
-- role parameter a session could not change: superuser-only parameters such as temp_file_limit are
-- refused to it. The grants are what hold; a changed default is refused at the next apply and
-- counted by own_writes() (the alert on the role's own writes) until then.
CREATE OR REPLACE FUNCTION ain_monitoring.role_settings()
RETURNS pg_catalog.text[]
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $body$
  SELECT ARRAY['default_transaction_read_only=on', 'statement_timeout=30s', 'idle_in_transaction_session_timeout=60s', 'search_path=pg_catalog']::pg_catalog.text[]
$body$;

-- A default of its own that differs from the file's was changed since the last apply, most likely
-- by a session of the role itself: say so rather than overwrite the evidence.
DO $settings$
DECLARE
  d record;
  findings pg_catalog.text[] := '{}';
  fixes pg_catalog.text[] := '{}';
BEGIN
  FOR d IN
    SELECT c.setting, e.setting AS expected, pg_catalog.split_part(c.setting, '=', 1) AS name
    FROM pg_catalog.pg_db_role_setting AS r, pg_catalog.unnest(r.setconfig) AS c(setting),
         pg_catalog.unnest(ain_monitoring.role_settings()) AS e(setting)
    WHERE r.setrole = 'grafana_readonly'::pg_catalog.regrole AND r.setdatabase = 0
      AND pg_catalog.split_part(c.setting, '=', 1) = pg_catalog.split_part(e.setting, '=', 1) AND c.setting <> e.setting
    ORDER BY 3
  LOOP
    findings := findings || pg_catalog.format('%s, where this file sets %s', d.setting, d.expected);
    fixes := fixes || pg_catalog.format('as postgres: ALTER ROLE grafana_readonly RESET %s;', d.name);
  END LOOP;
  IF pg_catalog.cardinality(findings) > 0 THEN
    RAISE EXCEPTION 'grafana_readonly''s own defaults were changed since this file was last applied: %. A session of the role may change its own defaults (ALTER ROLE grafana_readonly SET ...): find who used the data source in Grafana''s audit log', pg_catalog.array_to_string(findings, '; ')
      USING HINT = 'Run each, then apply this file again: ' || pg_catalog.array_to_string(fixes, ' | ');
  END IF;
  FOR d IN SELECT pg_catalog.split_part(e.setting, '=', 1) AS name, pg_catalog.substr(e.setting, pg_catalog.strpos(e.setting, '=') + 1) AS value
           FROM pg_catalog.unnest(ain_monitoring.role_settings()) AS e(setting)
  LOOP
    EXECUTE pg_catalog.format('ALTER ROLE grafana_readonly SET %I = %L', d.name, d.value);
  END LOOP;
END
$settings$;

-- Every word a statement may show: SQL keywords, and the names of relations, columns, functions,
-- types and schemas, all of which every role reads in the catalogs anyway. Computed once per call
-- of activity() or slowest_statements(), as a jsonb object used as a set (word -> 'k'eyword or 'n'ame).
CREATE OR REPLACE FUNCTION ain_monitoring.known_words()
RETURNS pg_catalog.jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $body$
  SELECT pg_catalog.jsonb_object_agg(w.word, w.kind)
  FROM (
    SELECT x.word, pg_catalog.min(x.kind) AS kind
    FROM (
      SELECT k.word::pg_catalog.text AS word, 'k' AS kind FROM pg_catalog.pg_get_keywords() AS k
      UNION ALL SELECT c.relname::pg_catalog.text, 'n' FROM pg_catalog.pg_class AS c
      UNION ALL SELECT a.attname::pg_catalog.text, 'n' FROM pg_catalog.pg_attribute AS a
      UNION ALL SELECT p.proname::pg_catalog.text, 'n' FROM pg_catalog.pg_proc AS p
      UNION ALL SELECT t.typname::pg_catalog.text, 'n' FROM pg_catalog.pg_type AS t
      UNION ALL SELECT n.nspname::pg_catalog.text, 'n' FROM pg_catalog.pg_namespace AS n
    ) AS x
    GROUP BY x.word
  ) AS w
$body$;

-- A statement as the panels may show it. It is rebuilt from its tokens, and a token is shown only
-- when it is punctuation, an operator character, a $n parameter, a keyword or a name in `known`;
-- everything else, string constants of every kind ('', E'', U&'', B'', X'', dollar-quoted),
-- numbers, quoted identifiers and words that name nothing, becomes `…`, and comments (nested
-- ones included) are dropped. So the output holds nothing that the catalogs and the grammar do not
-- already tell every role: a secret in a literal, a comment or an alias can only show if it is a
-- keyword or the name of an existing object. The tokenizer follows PostgreSQL's scanner (scan.l),
-- but its mistakes cannot leak: a mis-split string still only shows known words. Cut to 120
-- characters. Not granted to grafana_readonly: only the functions below call it.
CREATE OR REPLACE FUNCTION ain_monitoring.masked_statement(query pg_catalog.text, known pg_catalog.jsonb)
RETURNS pg_catalog.text
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $body$
DECLARE
  c pg_catalog.text[];
  n pg_catalog.int4;
  i pg_catalog.int4 := 1;
  j pg_catalog.int4;
  k pg_catalog.int4;
  a pg_catalog.int4;
  depth pg_catalog.int4;
  word pg_catalog.text;
  tag pg_catalog.text;
  piece pg_catalog.text;
  shown pg_catalog.text := '';
  spaced pg_catalog.bool := false;
  backslash_escapes pg_catalog.bool := false;
BEGIN
  IF query IS NULL THEN
    RETURN NULL;
  END IF;
  c := pg_catalog.string_to_array(query, NULL);
  n := COALESCE(pg_catalog.array_length(c, 1), 0);
  WHILE i <= n AND pg_catalog.length(shown) <= 120 LOOP
    piece := NULL;
    a := pg_catalog.ascii(c[i]);
    IF a IN (32, 9, 10, 13, 12, 11) THEN
      spaced := true;
      i := i + 1;
    ELSIF c[i] = '-' AND c[i + 1] = '-' THEN
      -- A line comment, to the end of the line.
      WHILE i <= n AND c[i] NOT IN (E'\n', E'\r') LOOP
        i := i + 1;
      END LOOP;
      spaced := true;
    ELSIF c[i] = '/' AND c[i + 1] = '*' THEN
      -- A block comment; they nest. An unterminated one runs to the end.
      depth := 1;
      i := i + 2;
      WHILE i <= n AND depth > 0 LOOP
        IF c[i] = '/' AND c[i + 1] = '*' THEN
          depth := depth + 1;
          i := i + 2;
        ELSIF c[i] = '*' AND c[i + 1] = '/' THEN
          depth := depth - 1;
          i := i + 2;
        ELSE
          i := i + 1;
        END IF;
      END LOOP;
      spaced := true;
    ELSIF c[i] = '''' THEN
      -- A string constant: '' is a quote inside it; in an E'' string so is \'. An unterminated
      -- one runs to the end.
      i := i + 1;
      LOOP
        EXIT WHEN i > n;
        IF backslash_escapes AND c[i] = '\' THEN
          i := i + 2;
        ELSIF c[i] = '''' THEN
          IF c[i + 1] = '''' THEN
            i := i + 2;
          ELSE
            i := i + 1;
            EXIT;
          END IF;
        ELSE
          i := i + 1;
        END IF;
      END LOOP;
      backslash_escapes := false;
      piece := '''…''';
    ELSIF c[i] = '"' THEN
      -- A quoted identifier ("" is a quote inside it): shown only if it names something.
      j := i + 1;
      word := '';
      LOOP
        EXIT WHEN j > n;
        IF c[j] = '"' THEN
          EXIT WHEN c[j + 1] IS DISTINCT FROM '"';
          word := word || '"';
          j := j + 2;
        ELSE
          word := word || c[j];
          j := j + 1;
        END IF;
      END LOOP;
      piece := CASE WHEN known ? word AND j <= n THEN '"' || pg_catalog.replace(word, '"', '""') || '"' ELSE '"…"' END;
      i := j + 1;
    ELSIF c[i] = '$' THEN
      j := i + 1;
      WHILE j <= n AND pg_catalog.ascii(c[j]) BETWEEN 48 AND 57 LOOP
        j := j + 1;
      END LOOP;
      IF j > i + 1 THEN
        -- A parameter, $1: a placeholder, never a value.
        piece := CASE WHEN j - i <= 6 THEN pg_catalog.array_to_string(c[i:j - 1], '') ELSE '$…' END;
        i := j;
      ELSE
        -- A dollar quote, $$ or $tag$, to the same tag (or the end).
        WHILE j <= n AND (c[j] ~ '^[A-Za-z0-9_]$' OR pg_catalog.ascii(c[j]) > 127) LOOP
          j := j + 1;
        END LOOP;
        IF j <= n AND c[j] = '$' THEN
          tag := pg_catalog.array_to_string(c[i:j], '');
          k := pg_catalog.strpos(pg_catalog.substr(query, j + 1), tag);
          i := CASE WHEN k = 0 THEN n + 1 ELSE j + k + pg_catalog.length(tag) END;
          piece := '$…$';
        ELSE
          piece := '…';
          i := i + 1;
        END IF;
      END IF;
    ELSIF (a BETWEEN 65 AND 90) OR (a BETWEEN 97 AND 122) OR a = 95 OR a > 127 THEN
      j := i + 1;
      WHILE j <= n AND (c[j] ~ '^[A-Za-z0-9_$]$' OR pg_catalog.ascii(c[j]) > 127) LOOP
        j := j + 1;
      END LOOP;
      word := pg_catalog.lower(pg_catalog.array_to_string(c[i:j - 1], ''));
      IF j = i + 1 AND word IN ('e', 'b', 'x', 'n') AND c[j] = '''' THEN
        -- The prefix of E'', B'', X'' or N'': the string follows.
        backslash_escapes := word = 'e';
        i := j;
      ELSIF word = 'u' AND c[j] = '&' AND c[j + 1] IN ('''', '"') THEN
        -- U&'' or U&"": the quoted part follows.
        i := j + 1;
      ELSE
        piece := CASE known ->> word WHEN 'k' THEN pg_catalog.upper(word) WHEN 'n' THEN word ELSE '…' END;
        i := j;
      END IF;
    ELSIF (a BETWEEN 48 AND 57) OR (c[i] = '.' AND pg_catalog.ascii(c[i + 1]) BETWEEN 48 AND 57) THEN
      -- A number (decimal, exponent, 0x.., 1_000): never shown.
      j := i + 1;
      WHILE j <= n AND (c[j] ~ '^[A-Za-z0-9_.]$' OR (c[j] IN ('+', '-') AND c[j - 1] IN ('e', 'E'))) LOOP
        j := j + 1;
      END LOOP;
      piece := '…';
      i := j;
    ELSIF pg_catalog.strpos('+-*/<>=~!@#%^&|`?(),;[]:.', c[i]) > 0 THEN
      piece := c[i];
      i := i + 1;
    ELSE
      piece := '…';
      i := i + 1;
    END IF;
    IF piece IS NOT NULL THEN
      IF spaced AND shown <> '' THEN
        shown := shown || ' ';
      END IF;
      shown := shown || piece;
      spaced := false;
    END IF;
  END LOOP;
  RETURN pg_catalog.left(shown, 120);
END
$body$;

-- Sessions, for the runbook's pg_stat_activity queries. A role without pg_read_all_stats sees
-- other roles' sessions with state, wait event, timings and query hidden ('<insufficient
-- privilege>'), so a long-running query would never count. This function reads them as postgres
-- (pg_monitor) and returns each statement only as masked_statement() shows it.
-- SECURITY DEFINER, so like every function here it sets search_path = pg_catalog, pg_temp and
-- qualifies every name, types included: an empty search_path would still search the caller's
-- temporary schema first for type names, and a domain pg_temp.text there runs the caller's code as
-- postgres (the final check refuses any routine here without this setting).
CREATE OR REPLACE FUNCTION ain_monitoring.activity()
RETURNS TABLE (
  pid pg_catalog.int4,
  backend_type pg_catalog.text,
  usename pg_catalog.name,
  application_name pg_catalog.text,
  state pg_catalog.text,
  wait_event_type pg_catalog.text,
  wait_event pg_catalog.text,
  backend_start pg_catalog.timestamptz,
  xact_start pg_catalog.timestamptz,
  query_start pg_catalog.timestamptz,
  state_change pg_catalog.timestamptz,
  statement pg_catalog.text
)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $body$
  WITH words AS MATERIALIZED (SELECT ain_monitoring.known_words() AS known)
  SELECT a.pid, a.backend_type, a.usename, a.application_name, a.state, a.wait_event_type, a.wait_event,
         a.backend_start, a.xact_start, a.query_start, a.state_change,
         ain_monitoring.masked_statement(a.query, w.known)
  FROM pg_catalog.pg_stat_activity AS a, words AS w
$body$;

-- The weekly review's slowest statements: Supabase keeps pg_stat_statements in the `extensions`
-- schema (on by default). Read as postgres, which sees every role's statements through pg_monitor;
-- pg_stat_statements replaces constants with $n but keeps comments, identifiers and the text of
-- utility statements, so the same mask applies. Times in seconds.
CREATE OR REPLACE FUNCTION ain_monitoring.slowest_statements(how_many pg_catalog.int4)
RETURNS TABLE (statement pg_catalog.text, calls pg_catalog.int8, mean_seconds pg_catalog.float8, total_seconds pg_catalog.float8, rows pg_catalog.int8)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $body$
  WITH words AS MATERIALIZED (SELECT ain_monitoring.known_words() AS known),
  slowest AS (
    SELECT s.query, s.calls, s.mean_exec_time, s.total_exec_time, s.rows
    FROM extensions.pg_stat_statements AS s
    ORDER BY s.mean_exec_time DESC
    LIMIT LEAST(how_many, 50)
  )
  SELECT ain_monitoring.masked_statement(s.query, w.known), s.calls, s.mean_exec_time / 1000, s.total_exec_time / 1000, s.rows
  FROM slowest AS s, words AS w
  ORDER BY s.mean_exec_time DESC
$body$;

-- One token's state, for the "Check a token" panel: live, expiring (within expiring_within),
-- expired or unknown. It takes the token's SHA-256 digest in hex (what `sha256sum` prints), not the
-- token: Grafana writes a variable's value into the statement's text, and every session of this
-- role reads every other one's statement text in pg_stat_activity, so a token typed there would be
-- readable by anyone querying the data source. A digest cannot open a report. Anything else typed
-- (a token pasted by mistake included) answers 'not a sha-256 digest'.
CREATE OR REPLACE FUNCTION ain_monitoring.token_state(digest pg_catalog.text, expiring_within pg_catalog.interval)
RETURNS pg_catalog.text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $body$
  SELECT CASE
           WHEN d.hex IS NULL THEN 'not a sha-256 digest'
           WHEN t.expires_at IS NULL THEN 'unknown'
           WHEN t.expires_at <= pg_catalog.now() THEN 'expired'
           WHEN t.expires_at <= pg_catalog.now() + expiring_within THEN 'expiring'
           ELSE 'live'
         END
  FROM (SELECT pg_catalog.lower(pg_catalog.substring(digest, '^\s*([0-9A-Fa-f]{64})(\s+-)?\s*$')) AS hex) AS d
  LEFT JOIN LATERAL (
    SELECT pg_catalog.max(p.expires_at) AS expires_at FROM public.public_tokens AS p
    WHERE pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(p.token, 'UTF8')), 'hex') = d.hex
  ) AS t ON true
$body$;

-- The rows behind the three views, read with postgres' rights (BYPASSRLS), so RLS on the tables
-- does not hide rows from them; they carry only the columns the panels need.
CREATE OR REPLACE FUNCTION ain_monitoring.token_lifetime_rows()
RETURNS TABLE (created_at pg_catalog.timestamptz, expires_at pg_catalog.timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $body$
  SELECT p.created_at, p.expires_at FROM public.public_tokens AS p
$body$;

-- `synthetic`: the app stores the PDF of a valuation marked synthetic_check (the PDF check's) under
-- synthetic/ (docs/assumptions.md), so product counts leave the checks' own reports out.
-- A flag, not the name: names may carry user ids. The prefix is SYNTHETIC_PDF_PREFIX in src/sql/queries.ts.
CREATE OR REPLACE FUNCTION ain_monitoring.storage_object_rows()
RETURNS TABLE (bucket_id pg_catalog.text, size_bytes pg_catalog.int8, created_at pg_catalog.timestamptz, synthetic pg_catalog.bool)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $body$
  SELECT o.bucket_id, (o.metadata ->> 'size')::pg_catalog.int8, o.created_at, coalesce(o.name LIKE 'synthetic/%', false) FROM storage.objects AS o
$body$;

CREATE OR REPLACE FUNCTION ain_monitoring.bucket_rows()
RETURNS TABLE (id pg_catalog.text, name pg_catalog.text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $body$
  SELECT b.id, b.name FROM storage.buckets AS b
$body$;

-- Views over those functions, so panels read them as tables. A view over a function is never
-- automatically updatable (PostgreSQL writes through a view only when it reads a single table or
-- view), so even a hand-made GRANT ALL on them cannot write: the check at the end proves it.
CREATE OR REPLACE VIEW ain_monitoring.token_lifetimes AS
  SELECT r.created_at, r.expires_at FROM ain_monitoring.token_lifetime_rows() AS r;

CREATE OR REPLACE VIEW ain_monitoring.storage_objects AS
  SELECT r.bucket_id, r.size_bytes, r.created_at, r.synthetic FROM ain_monitoring.storage_object_rows() AS r;

CREATE OR REPLACE VIEW ain_monitoring.buckets AS
  SELECT r.id, r.name FROM ain_monitoring.bucket_rows() AS r;

-- What this role has written itself. Large objects are written even in a read-only transaction
-- (PostgreSQL 15 does not count lo_from_bytea, lo_create or lowrite as writes; every role may
-- execute them, and postgres cannot revoke that), and any session may turn its read-only default
-- off and create temporary tables (PUBLIC holds TEMPORARY on every database): each as large as the
-- disk. Nothing it needs writes anything, so any object it owns is a sign that someone used
-- Grafana's data source to write. Not SECURITY DEFINER: every role reads pg_largeobject_metadata,
-- pg_class and relation sizes.
-- changed_settings: its own defaults (pg_db_role_setting, which every role reads) that are not the
-- file's, in any database, plus the file's that are gone: a session of the role may change its own
-- defaults for every later session (ALTER ROLE grafana_readonly SET statement_timeout = 0).
CREATE OR REPLACE FUNCTION ain_monitoring.own_writes()
RETURNS TABLE (large_objects pg_catalog.int8, temporary_relations pg_catalog.int8, temporary_bytes pg_catalog.int8, all_large_objects_bytes pg_catalog.int8, changed_settings pg_catalog.int8)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $body$
  WITH own AS (
    SELECT r.setdatabase, c.setting
    FROM pg_catalog.pg_db_role_setting AS r, pg_catalog.unnest(r.setconfig) AS c(setting)
    WHERE r.setrole = 'grafana_readonly'::pg_catalog.regrole
  )
  SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_largeobject_metadata AS l WHERE l.lomowner = 'grafana_readonly'::pg_catalog.regrole),
         pg_catalog.count(c.oid),
         COALESCE(pg_catalog.sum(pg_catalog.pg_total_relation_size(c.oid)), 0)::pg_catalog.int8,
         pg_catalog.pg_total_relation_size('pg_catalog.pg_largeobject'::pg_catalog.regclass),
         -- One per setting: changed, added or removed, and every one for a single database.
         (SELECT pg_catalog.count(*) FROM own AS o WHERE o.setdatabase <> 0)
           + (SELECT pg_catalog.count(*)
              FROM (SELECT o.setting FROM own AS o WHERE o.setdatabase = 0) AS a
              FULL JOIN pg_catalog.unnest(ain_monitoring.role_settings()) AS e(setting)
                ON pg_catalog.split_part(a.setting, '=', 1) = pg_catalog.split_part(e.setting, '=', 1)
              WHERE a.setting IS DISTINCT FROM e.setting)
  FROM pg_catalog.pg_class AS c
  WHERE c.relowner = 'grafana_readonly'::pg_catalog.regrole AND c.relpersistence = 't' AND c.relkind IN ('r', 'p', 'S', 'm')
$body$;

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
    FROM pg_catalog.pg_class c WHERE c.relnamespace = 'ain_monitoring'::regnamespace AND c.relkind IN ('v', 'r', 'm', 'p', 'f', 'S')
    UNION ALL
    SELECT pg_catalog.format('ROUTINE %s', p.oid::regprocedure), p.proacl, p.proowner
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
-- The views' functions: PostgreSQL checks a function in a view against the caller, not the view's owner.
GRANT EXECUTE ON FUNCTION ain_monitoring.token_lifetime_rows(), ain_monitoring.storage_object_rows(), ain_monitoring.bucket_rows() TO grafana_readonly;
GRANT EXECUTE ON FUNCTION ain_monitoring.activity() TO grafana_readonly;
GRANT EXECUTE ON FUNCTION ain_monitoring.token_state(text, interval) TO grafana_readonly;
GRANT EXECUTE ON FUNCTION ain_monitoring.slowest_statements(integer) TO grafana_readonly;
GRANT EXECUTE ON FUNCTION ain_monitoring.own_writes() TO grafana_readonly;
-- own_writes() calls it with the caller's rights; it returns the four settings above, which the role reads anyway.
GRANT EXECUTE ON FUNCTION ain_monitoring.role_settings() TO grafana_readonly;

-- Prove the result: grafana_readonly holds exactly the grants above, and nothing reaches it through
-- PUBLIC beyond what a fresh database gives every role. PostgreSQL records every privilege granted
-- to a role and every object it owns, in every database, in pg_shdepend: each entry not made above
-- is refused with the statement that removes it. A grant made by another role (supabase_admin,
-- say) cannot be revoked by postgres; say which, rather than leave it.
DO $verify$
DECLARE
  me oid := 'grafana_readonly'::pg_catalog.regrole;
  here oid := (SELECT d.oid FROM pg_catalog.pg_database AS d WHERE d.datname = pg_catalog.current_database());
  granted oid[];
  d record;
  acl_column text;
  grantor text;
  target text;
  findings text[] := '{}';
  fixes text[] := '{}';
BEGIN
  granted := ARRAY(
    SELECT p.oid FROM pg_catalog.pg_proc AS p
    WHERE p.pronamespace = 'ain_monitoring'::regnamespace
      AND p.proname IN ('activity', 'token_state', 'slowest_statements', 'own_writes', 'role_settings', 'token_lifetime_rows', 'storage_object_rows', 'bucket_rows')
    UNION ALL
    SELECT c.oid FROM pg_catalog.pg_class AS c
    WHERE c.relnamespace = 'ain_monitoring'::regnamespace AND c.relname IN ('token_lifetimes', 'storage_objects', 'buckets')
    UNION ALL
    SELECT 'ain_monitoring'::regnamespace::oid);

  FOR d IN
    SELECT s.dbid, s.classid, s.objid, s.objsubid, s.deptype, db.datname,
           CASE WHEN s.dbid IN (0, here) THEN pg_catalog.pg_describe_object(s.classid, s.objid, s.objsubid) END AS described
    FROM pg_catalog.pg_shdepend AS s LEFT JOIN pg_catalog.pg_database AS db ON db.oid = s.dbid
    WHERE s.refclassid = 'pg_catalog.pg_authid'::regclass AND s.refobjid = me
    ORDER BY s.dbid, s.classid, s.objid, s.objsubid
  LOOP
    CONTINUE WHEN d.deptype = 'a' AND d.dbid = here AND d.objsubid = 0 AND d.objid = ANY (granted)
      AND d.classid IN ('pg_catalog.pg_proc'::regclass, 'pg_catalog.pg_class'::regclass, 'pg_catalog.pg_namespace'::regclass);
    IF d.dbid NOT IN (0, here) THEN
      findings := findings || pg_catalog.format('privileges or objects in database %s', d.datname);
      fixes := fixes || pg_catalog.format('connected to database %I, as supabase_admin: REASSIGN OWNED BY grafana_readonly TO postgres; DROP OWNED BY grafana_readonly;', d.datname);
      CONTINUE;
    END IF;
    IF d.deptype = 'o' THEN
      findings := findings || pg_catalog.format('it owns %s', d.described);
      fixes := fixes || CASE WHEN d.classid = 'pg_catalog.pg_largeobject'::regclass
        THEN pg_catalog.format('as supabase_admin: SELECT pg_catalog.lo_unlink(%s);', d.objid)
        ELSE 'as supabase_admin: REASSIGN OWNED BY grafana_readonly TO postgres; -- or as postgres, after GRANT grafana_readonly TO postgres' END;
      CONTINUE;
    END IF;
    IF d.deptype <> 'a' THEN
      findings := findings || pg_catalog.format('%s names it', d.described);
      fixes := fixes || 'as supabase_admin: DROP OWNED BY grafana_readonly; -- drops what names it in this database, and every privilege: this file grants its own again'::text;
      CONTINUE;
    END IF;
    -- A privilege: the REVOKE for its kind of object, run as whoever granted it.
    acl_column := CASE d.classid
      WHEN 'pg_catalog.pg_class'::regclass THEN 'relacl'
      WHEN 'pg_catalog.pg_proc'::regclass THEN 'proacl'
      WHEN 'pg_catalog.pg_namespace'::regclass THEN 'nspacl'
      WHEN 'pg_catalog.pg_database'::regclass THEN 'datacl'
      WHEN 'pg_catalog.pg_parameter_acl'::regclass THEN 'paracl'
      WHEN 'pg_catalog.pg_default_acl'::regclass THEN 'defaclacl'
      WHEN 'pg_catalog.pg_type'::regclass THEN 'typacl'
      WHEN 'pg_catalog.pg_largeobject'::regclass THEN 'lomacl'
      WHEN 'pg_catalog.pg_language'::regclass THEN 'lanacl'
      WHEN 'pg_catalog.pg_foreign_server'::regclass THEN 'srvacl'
      WHEN 'pg_catalog.pg_foreign_data_wrapper'::regclass THEN 'fdwacl'
      WHEN 'pg_catalog.pg_tablespace'::regclass THEN 'spcacl'
    END;
    grantor := NULL;
    IF d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid <> 0 THEN
      SELECT pg_catalog.string_agg(DISTINCT e.grantor::regrole::text, ' or ') INTO grantor
      FROM pg_catalog.pg_attribute AS x, pg_catalog.aclexplode(x.attacl) AS e
      WHERE x.attrelid = d.objid AND x.attnum = d.objsubid AND e.grantee = me;
    ELSIF acl_column IS NOT NULL THEN
      -- (A large object's dependencies name pg_largeobject; its ACL is in pg_largeobject_metadata.)
      EXECUTE pg_catalog.format('SELECT pg_catalog.string_agg(DISTINCT e.grantor::pg_catalog.regrole::text, '' or '') FROM %s AS x, pg_catalog.aclexplode(x.%I) AS e WHERE x.oid = $1 AND e.grantee = $2',
                                CASE WHEN d.classid = 'pg_catalog.pg_largeobject'::regclass THEN 'pg_catalog.pg_largeobject_metadata'::regclass ELSE d.classid::regclass END, acl_column)
        INTO grantor USING d.objid, me;
    END IF;
    target := CASE d.classid
      WHEN 'pg_catalog.pg_class'::regclass THEN CASE WHEN d.objsubid = 0
        THEN pg_catalog.format('REVOKE ALL ON TABLE %s FROM grafana_readonly;', d.objid::regclass)
        ELSE pg_catalog.format('REVOKE ALL (%I) ON TABLE %s FROM grafana_readonly;', (SELECT x.attname FROM pg_catalog.pg_attribute AS x WHERE x.attrelid = d.objid AND x.attnum = d.objsubid), d.objid::regclass) END
      WHEN 'pg_catalog.pg_proc'::regclass THEN pg_catalog.format('REVOKE ALL ON ROUTINE %s FROM grafana_readonly;', d.objid::regprocedure)
      WHEN 'pg_catalog.pg_namespace'::regclass THEN pg_catalog.format('REVOKE ALL ON SCHEMA %I FROM grafana_readonly;', (SELECT x.nspname FROM pg_catalog.pg_namespace AS x WHERE x.oid = d.objid))
      WHEN 'pg_catalog.pg_database'::regclass THEN pg_catalog.format('REVOKE ALL ON DATABASE %I FROM grafana_readonly;', (SELECT x.datname FROM pg_catalog.pg_database AS x WHERE x.oid = d.objid))
      WHEN 'pg_catalog.pg_parameter_acl'::regclass THEN pg_catalog.format('REVOKE ALL ON PARAMETER %s FROM grafana_readonly;', (SELECT x.parname FROM pg_catalog.pg_parameter_acl AS x WHERE x.oid = d.objid))
      WHEN 'pg_catalog.pg_default_acl'::regclass THEN (
        SELECT pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I%s REVOKE ALL ON %s FROM grafana_readonly;', x.defaclrole::regrole::text,
                 CASE WHEN x.defaclnamespace = 0 THEN '' ELSE pg_catalog.format(' IN SCHEMA %I', x.defaclnamespace::regnamespace::text) END,
                 CASE x.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END)
        FROM pg_catalog.pg_default_acl AS x WHERE x.oid = d.objid)
      WHEN 'pg_catalog.pg_type'::regclass THEN pg_catalog.format('REVOKE ALL ON TYPE %s FROM grafana_readonly;', d.objid::regtype)
      WHEN 'pg_catalog.pg_largeobject'::regclass THEN pg_catalog.format('REVOKE ALL ON LARGE OBJECT %s FROM grafana_readonly;', d.objid)
      WHEN 'pg_catalog.pg_language'::regclass THEN pg_catalog.format('REVOKE ALL ON LANGUAGE %I FROM grafana_readonly;', (SELECT x.lanname FROM pg_catalog.pg_language AS x WHERE x.oid = d.objid))
      WHEN 'pg_catalog.pg_foreign_server'::regclass THEN pg_catalog.format('REVOKE ALL ON FOREIGN SERVER %I FROM grafana_readonly;', (SELECT x.srvname FROM pg_catalog.pg_foreign_server AS x WHERE x.oid = d.objid))
      WHEN 'pg_catalog.pg_foreign_data_wrapper'::regclass THEN pg_catalog.format('REVOKE ALL ON FOREIGN DATA WRAPPER %I FROM grafana_readonly;', (SELECT x.fdwname FROM pg_catalog.pg_foreign_data_wrapper AS x WHERE x.oid = d.objid))
      WHEN 'pg_catalog.pg_tablespace'::regclass THEN pg_catalog.format('REVOKE ALL ON TABLESPACE %I FROM grafana_readonly;', (SELECT x.spcname FROM pg_catalog.pg_tablespace AS x WHERE x.oid = d.objid))
      ELSE 'DROP OWNED BY grafana_readonly; -- every privilege it holds in this database: this file grants its own again'
    END;
    findings := findings || pg_catalog.format(CASE WHEN d.classid = 'pg_catalog.pg_default_acl'::regclass THEN '%s (granted by %s)' ELSE 'privileges on %s (granted by %s)' END, d.described, COALESCE(grantor, 'unknown'));
    fixes := fixes || pg_catalog.format('as %s: %s', COALESCE(grantor, 'supabase_admin'), target);
  END LOOP;

  -- Roles that hold its rights: a member of grafana_readonly may call what it may.
  FOR d IN
    SELECT m.member::regrole::text AS member, m.grantor::regrole::text AS grantor
    FROM pg_catalog.pg_auth_members AS m WHERE m.roleid = me ORDER BY 1
  LOOP
    findings := findings || pg_catalog.format('%s is a member of grafana_readonly', d.member);
    fixes := fixes || pg_catalog.format('as %s: REVOKE grafana_readonly FROM %I;', d.grantor, d.member);
  END LOOP;

  -- Its own settings: exactly role_settings(), name and value, and only for every database. A
  -- role-and-database setting (ALTER ROLE ... IN DATABASE ... SET) overrides them, the role may set
  -- any user-settable one on itself (lock_timeout, work_mem), and a superuser may set a
  -- superuser-only one on it (lo_compat_privileges = on reads and writes every large object).
  FOR d IN
    SELECT r.setdatabase, pg_catalog.split_part(c.setting, '=', 1) AS name,
           (SELECT x.datname FROM pg_catalog.pg_database AS x WHERE x.oid = r.setdatabase) AS datname
    FROM pg_catalog.pg_db_role_setting AS r, pg_catalog.unnest(r.setconfig) AS c(setting)
    WHERE r.setrole = me
      AND NOT (r.setdatabase = 0 AND c.setting = ANY (ain_monitoring.role_settings()))
    ORDER BY 1, 2
  LOOP
    findings := findings || pg_catalog.format('the setting %s on it%s', d.name, CASE WHEN d.setdatabase = 0 THEN '' ELSE ' in database ' || d.datname END);
    fixes := fixes || pg_catalog.format('as supabase_admin: ALTER ROLE grafana_readonly%s RESET %s;', CASE WHEN d.setdatabase = 0 THEN '' ELSE pg_catalog.format(' IN DATABASE %I', d.datname) END, d.name);
  END LOOP;

  -- What reaches it through PUBLIC, compared with what a fresh database (pg_init_privs: initdb's
  -- and each extension's own ACLs; a new object's default otherwise) gives: CREATE on the database or on a schema, and privileges on the
  -- relations and routines of every schema it may use.
  IF EXISTS (SELECT FROM pg_catalog.pg_database AS x, pg_catalog.aclexplode(x.datacl) AS e WHERE x.oid = here AND e.grantee = 0 AND e.privilege_type = 'CREATE') THEN
    findings := findings || 'CREATE on this database, through PUBLIC'::text;
    fixes := fixes || pg_catalog.format('as %s: REVOKE CREATE ON DATABASE %I FROM PUBLIC;', (SELECT x.datdba::regrole::text FROM pg_catalog.pg_database AS x WHERE x.oid = here), pg_catalog.current_database());
  END IF;
  FOR d IN
    -- (A grant by pg_database_owner, public's owner since PostgreSQL 15, is revoked by the database's owner.)
    SELECT x.nspname, CASE WHEN e.grantor = 'pg_database_owner'::regrole THEN (SELECT y.datdba::regrole::text FROM pg_catalog.pg_database AS y WHERE y.oid = here) ELSE e.grantor::regrole::text END AS grantor
    FROM pg_catalog.pg_namespace AS x, pg_catalog.aclexplode(x.nspacl) AS e
    WHERE e.grantee = 0 AND e.privilege_type = 'CREATE'
    ORDER BY 1
  LOOP
    findings := findings || pg_catalog.format('CREATE on schema %I, through PUBLIC', d.nspname);
    fixes := fixes || pg_catalog.format('as %s: REVOKE CREATE ON SCHEMA %I FROM PUBLIC;', d.grantor, d.nspname);
  END LOOP;
  -- USAGE on a schema, which opens every PUBLIC grant inside it. A fresh database gives PUBLIC
  -- USAGE on pg_catalog and public (recorded in pg_init_privs) and information_schema (created
  -- after initdb records them, so recognised by name); a new schema gives PUBLIC nothing.
  FOR d IN
    SELECT x.nspname, CASE WHEN e.grantor = 'pg_database_owner'::regrole THEN (SELECT y.datdba::regrole::text FROM pg_catalog.pg_database AS y WHERE y.oid = here) ELSE e.grantor::regrole::text END AS grantor
    FROM pg_catalog.pg_namespace AS x, pg_catalog.aclexplode(x.nspacl) AS e
    WHERE e.grantee = 0 AND e.privilege_type = 'USAGE' AND x.nspname <> 'information_schema'
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_init_privs AS i, pg_catalog.aclexplode(i.initprivs) AS f
                      WHERE i.objoid = x.oid AND i.classoid = 'pg_catalog.pg_namespace'::regclass AND f.grantee = 0 AND f.privilege_type = 'USAGE')
    ORDER BY 1
  LOOP
    findings := findings || pg_catalog.format('USAGE on schema %I, through PUBLIC', d.nspname);
    fixes := fixes || pg_catalog.format('as %s: REVOKE USAGE ON SCHEMA %I FROM PUBLIC;', d.grantor, d.nspname);
  END LOOP;
  -- Column grants to PUBLIC, in every schema (a schema's USAGE may follow later): a column has no
  -- privilege unless one is granted, and initdb records the few it grants (pg_subscription's).
  FOR d IN
    SELECT c.oid::regclass::text AS rel, a.attname, e.privilege_type, e.grantor::regrole::text AS grantor,
           -- The grantor runs the REVOKE if it may reach the table without PUBLIC's USAGE (which
           -- may be revoked first); else a superuser does.
           CASE WHEN n.nspowner = e.grantor
                  OR EXISTS (SELECT FROM pg_catalog.aclexplode(n.nspacl) AS u WHERE u.grantee = e.grantor AND u.privilege_type = 'USAGE')
                  OR EXISTS (SELECT FROM pg_catalog.pg_init_privs AS i, pg_catalog.aclexplode(i.initprivs) AS f
                             WHERE i.objoid = n.oid AND i.classoid = 'pg_catalog.pg_namespace'::regclass AND f.grantee = 0 AND f.privilege_type = 'USAGE')
                THEN e.grantor::regrole::text ELSE 'supabase_admin' END AS revoker
    FROM pg_catalog.pg_attribute AS a JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace,
         pg_catalog.aclexplode(a.attacl) AS e
    WHERE a.attacl IS NOT NULL AND e.grantee = 0 AND NOT a.attisdropped AND c.relpersistence <> 't'
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_init_privs AS i, pg_catalog.aclexplode(i.initprivs) AS f
                      WHERE i.objoid = c.oid AND i.classoid = 'pg_catalog.pg_class'::regclass AND i.objsubid = a.attnum AND f.grantee = 0 AND f.privilege_type = e.privilege_type)
    ORDER BY 1, 2, 3
  LOOP
    findings := findings || pg_catalog.format('%s on column %I of %s, through PUBLIC (granted by %s)', d.privilege_type, d.attname, d.rel, d.grantor);
    fixes := fixes || pg_catalog.format('as %s: REVOKE %s (%I) ON TABLE %s FROM PUBLIC;', d.revoker, d.privilege_type, d.attname, d.rel);
  END LOOP;
  FOR d IN
    WITH objects AS (
      SELECT 'TABLE' AS kind, c.oid::regclass::text AS name, c.relacl AS acl,
             COALESCE((SELECT i.initprivs FROM pg_catalog.pg_init_privs AS i WHERE i.objoid = c.oid AND i.classoid = 'pg_catalog.pg_class'::regclass AND i.objsubid = 0 LIMIT 1),
                      CASE WHEN c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) THEN pg_catalog.acldefault('r', c.relowner) END) AS initial
      FROM pg_catalog.pg_class AS c
      WHERE c.relnamespace <> 'ain_monitoring'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p', 'f', 'S')
        AND c.relpersistence <> 't' AND pg_catalog.has_schema_privilege(me, c.relnamespace, 'USAGE')
      UNION ALL
      SELECT 'ROUTINE', p.oid::regprocedure::text, p.proacl,
             COALESCE((SELECT i.initprivs FROM pg_catalog.pg_init_privs AS i WHERE i.objoid = p.oid AND i.classoid = 'pg_catalog.pg_proc'::regclass LIMIT 1),
                      CASE WHEN p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) THEN pg_catalog.acldefault('f', p.proowner) END)
      FROM pg_catalog.pg_proc AS p
      WHERE p.pronamespace <> 'ain_monitoring'::regnamespace AND pg_catalog.has_schema_privilege(me, p.pronamespace, 'USAGE')
    )
    SELECT o.kind, o.name, e.privilege_type, e.grantor::regrole::text AS grantor
    FROM objects AS o, pg_catalog.aclexplode(o.acl) AS e
    -- The system's own objects without a recorded initial ACL (information_schema's views) are
    -- PUBLIC's from initdb; only a change to a recorded one can be told apart.
    WHERE e.grantee = 0 AND o.initial IS NOT NULL
      AND NOT EXISTS (SELECT FROM pg_catalog.aclexplode(o.initial) AS f WHERE f.grantee = 0 AND f.privilege_type = e.privilege_type)
    ORDER BY 1, 2, 3
  LOOP
    findings := findings || pg_catalog.format('%s on %s, through PUBLIC (granted by %s)', d.privilege_type, d.name, d.grantor);
    fixes := fixes || pg_catalog.format('as %s: REVOKE %s ON %s %s FROM PUBLIC;', d.grantor, d.privilege_type, d.kind, d.name);
  END LOOP;
  FOR d IN
    SELECT x.defaclrole::regrole::text AS owner, x.defaclnamespace, e.privilege_type,
           CASE x.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' ELSE 'SCHEMAS' END AS kind
    FROM pg_catalog.pg_default_acl AS x, pg_catalog.aclexplode(x.defaclacl) AS e
    WHERE e.grantee = 0 AND x.defaclobjtype IN ('r', 'S', 'n')
  LOOP
    findings := findings || pg_catalog.format('default privileges: %s on new %s of %s, to PUBLIC', d.privilege_type, pg_catalog.lower(d.kind), d.owner);
    fixes := fixes || pg_catalog.format('as %s: ALTER DEFAULT PRIVILEGES FOR ROLE %I%s REVOKE ALL ON %s FROM PUBLIC;', d.owner, d.owner,
      CASE WHEN d.defaclnamespace = 0 THEN '' ELSE pg_catalog.format(' IN SCHEMA %I', d.defaclnamespace::regnamespace::text) END, d.kind);
  END LOOP;
  FOR d IN
    SELECT x.parname, e.privilege_type, e.grantor::regrole::text AS grantor
    FROM pg_catalog.pg_parameter_acl AS x, pg_catalog.aclexplode(x.paracl) AS e WHERE e.grantee = 0
  LOOP
    findings := findings || pg_catalog.format('%s on parameter %s, through PUBLIC', d.privilege_type, d.parname);
    fixes := fixes || pg_catalog.format('as %s: REVOKE %s ON PARAMETER %s FROM PUBLIC;', d.grantor, d.privilege_type, d.parname);
  END LOOP;
  FOR d IN
    SELECT l.oid, e.privilege_type, l.lomowner::regrole::text AS owner FROM pg_catalog.pg_largeobject_metadata AS l, pg_catalog.aclexplode(l.lomacl) AS e WHERE e.grantee = 0
  LOOP
    findings := findings || pg_catalog.format('%s on large object %s, through PUBLIC', d.privilege_type, d.oid);
    fixes := fixes || pg_catalog.format('as %s: REVOKE ALL ON LARGE OBJECT %s FROM PUBLIC;', d.owner, d.oid);
  END LOOP;
  IF pg_catalog.current_setting('lo_compat_privileges')::boolean THEN
    findings := findings || 'lo_compat_privileges is on: every role reads and writes every large object'::text;
    fixes := fixes || 'as supabase_admin: ALTER SYSTEM RESET lo_compat_privileges; SELECT pg_reload_conf();'::text;
  END IF;

  -- Every routine in its schema pins search_path to pg_catalog, then the caller's temporary schema.
  -- Without pg_temp listed, PostgreSQL searches the session's temporary schema FIRST for type and
  -- relation names, and every session of grafana_readonly may create objects there (PUBLIC holds
  -- TEMPORARY on the database, on Supabase as in every fresh database, and a grant to PUBLIC cannot
  -- be revoked from one role): a domain pg_temp.text whose CHECK calls the caller's code would run
  -- that code as postgres inside activity(). Listed last, pg_temp is never reached for a name
  -- pg_catalog holds, and functions and operators are never looked up there at all.
  FOR d IN
    SELECT p.oid::regprocedure::text AS name, p.proowner::regrole::text AS owner
    FROM pg_catalog.pg_proc AS p
    WHERE p.pronamespace = 'ain_monitoring'::regnamespace
      AND NOT COALESCE('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)
    ORDER BY 1
  LOOP
    findings := findings || pg_catalog.format('function %s does not pin search_path = pg_catalog, pg_temp', d.name);
    fixes := fixes || pg_catalog.format('as %s: ALTER ROUTINE %s SET search_path = pg_catalog, pg_temp;', d.owner, d.name);
  END LOOP;

  -- Nothing in its own schema can be written, whatever is granted: only views, none updatable.
  FOR d IN
    SELECT c.oid::regclass::text AS name, c.relkind
    FROM pg_catalog.pg_class AS c
    WHERE c.relnamespace = 'ain_monitoring'::regnamespace
      AND (c.relkind NOT IN ('v', 'i') OR (c.relkind = 'v' AND pg_catalog.pg_relation_is_updatable(c.oid, true) <> 0))
  LOOP
    findings := findings || pg_catalog.format('%s can be written to (relkind %s)', d.name, d.relkind);
    fixes := fixes || pg_catalog.format('as postgres: DROP %s;', CASE WHEN d.relkind = 'v' THEN 'VIEW ' || d.name ELSE 'TABLE ' || d.name END);
  END LOOP;

  IF pg_catalog.cardinality(findings) > 0 THEN
    RAISE EXCEPTION 'grafana_readonly holds more than this file grants: %', pg_catalog.array_to_string(findings, '; ')
      USING HINT = 'Run each, then apply this file again: ' || pg_catalog.array_to_string(ARRAY(SELECT DISTINCT f FROM pg_catalog.unnest(fixes) AS f ORDER BY f), ' | ');
  END IF;
END
$verify$;

-- What every role reads anyway. The catalogs (pg_trigger, pg_proc, pg_db_role_setting, pg_attrdef,
-- views, policies, comments, foreign servers) are readable by every role, and PostgreSQL has no
-- way to revoke that from one role: anything stored there is handed to Grafana's role, and to
-- anon and authenticated too. So look for keys there and stop, naming each place and the fix,
-- rather than give Grafana a key. Only where a key is is ever printed, never the key.
DO $secrets$
DECLARE
  place record;
  jwt record;
  claims jsonb;
  role_claim text;
  kinds text[];
  findings text[] := '{}';
  fixes text[] := '{}';
  me oid := 'grafana_readonly'::pg_catalog.regrole;
  system_schemas text[] := ARRAY['pg_catalog', 'information_schema', 'ain_monitoring'];
BEGIN
  FOR place IN
    -- Database Webhooks: supabase_functions.http_request(url, method, headers, params, timeout)
    -- keeps its headers, often "Authorization": "Bearer <service_role key>", as trigger arguments.
    SELECT pg_catalog.format('trigger %I on %s', t.tgname, t.tgrelid::regclass) AS place,
           pg_catalog.replace(pg_catalog.encode(t.tgargs, 'escape'), '\000', ' ') AS body,
           'recreate it without the key: a trigger function that reads the key from Supabase Vault (vault.decrypted_secrets) when it runs and calls net.http_post; then rotate the key' AS fix,
           false AS named_like_a_key
    FROM pg_catalog.pg_trigger AS t WHERE NOT t.tgisinternal
    UNION ALL
    SELECT pg_catalog.format('function %s', p.oid::regprocedure), p.prosrc || ' ' || COALESCE(pg_catalog.array_to_string(p.proconfig, ' '), ''),
           'keep the key in Supabase Vault and read it when the function runs; then rotate the key', false
    FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
    WHERE n.nspname <> ALL (system_schemas)
    UNION ALL
    SELECT pg_catalog.format('setting %s (%s)', pg_catalog.split_part(s.setting, '=', 1),
             pg_catalog.concat_ws(', ', CASE WHEN r.setdatabase <> 0 THEN 'database ' || (SELECT x.datname FROM pg_catalog.pg_database AS x WHERE x.oid = r.setdatabase) END,
                                        CASE WHEN r.setrole <> 0 THEN 'role ' || r.setrole::regrole::text END)),
           pg_catalog.substr(s.setting, pg_catalog.strpos(s.setting, '=') + 1),
           pg_catalog.format('remove it (as the database owner: ALTER %s RESET %I;) and read the value from Supabase Vault where it is needed; then rotate it',
             CASE WHEN r.setrole <> 0 THEN 'ROLE ' || pg_catalog.quote_ident(r.setrole::regrole::text) || CASE WHEN r.setdatabase <> 0 THEN ' IN DATABASE ' || pg_catalog.quote_ident((SELECT x.datname FROM pg_catalog.pg_database AS x WHERE x.oid = r.setdatabase)) ELSE '' END
                  ELSE 'DATABASE ' || pg_catalog.quote_ident((SELECT x.datname FROM pg_catalog.pg_database AS x WHERE x.oid = r.setdatabase)) END,
             pg_catalog.split_part(s.setting, '=', 1)),
           -- A key-like name with any value is a finding of its own; its name is shown, its value never.
           pg_catalog.split_part(s.setting, '=', 1) ~* '(secret|password|passwd|token|credential|private|_key|key_|apikey)'
             AND pg_catalog.strpos(s.setting, '=') < pg_catalog.length(s.setting)
    FROM pg_catalog.pg_db_role_setting AS r, pg_catalog.unnest(r.setconfig) AS s(setting)
    UNION ALL
    SELECT pg_catalog.format('default of column %s.%I', c.oid::regclass, a.attname), pg_catalog.pg_get_expr(ad.adbin, ad.adrelid),
           'drop the default and keep the key in Supabase Vault; then rotate it', false
    FROM pg_catalog.pg_attrdef AS ad JOIN pg_catalog.pg_class AS c ON c.oid = ad.adrelid JOIN pg_catalog.pg_attribute AS a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
    WHERE c.relnamespace::regnamespace::text <> ALL (system_schemas)
    UNION ALL
    SELECT pg_catalog.format('view %s', c.oid::regclass), pg_catalog.pg_get_viewdef(c.oid),
           'take the key out of the view''s definition (Supabase Vault); then rotate it', false
    FROM pg_catalog.pg_class AS c WHERE c.relkind IN ('v', 'm') AND c.relnamespace::regnamespace::text <> ALL (system_schemas)
    UNION ALL
    SELECT pg_catalog.format('policy %I on %s', pol.polname, pol.polrelid::regclass),
           pg_catalog.concat_ws(' ', pg_catalog.pg_get_expr(pol.polqual, pol.polrelid), pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid)),
           'take the key out of the policy; then rotate it', false
    FROM pg_catalog.pg_policy AS pol
    UNION ALL
    SELECT pg_catalog.format('comment on %s', pg_catalog.pg_describe_object(ds.classoid, ds.objoid, ds.objsubid)), ds.description,
           'take the key out of the comment (COMMENT ON ... IS NULL); then rotate it', false
    FROM pg_catalog.pg_description AS ds
    WHERE ds.objoid >= 16384 OR ds.classoid = 'pg_catalog.pg_namespace'::regclass  -- what users made or may comment on, not initdb's thousands
    UNION ALL
    SELECT pg_catalog.format('options of foreign server %I', fs.srvname), pg_catalog.array_to_string(fs.srvoptions, ' '),
           'keep credentials in a user mapping (not readable by other roles), not in the server''s options; then rotate them', false
    FROM pg_catalog.pg_foreign_server AS fs
  LOOP
    -- One cheap test first: every pattern below holds one of these.
    CONTINUE WHEN place.body IS NULL OR (NOT place.named_like_a_key AND place.body !~* '(eyJ|sb_secret_|bearer|://|password|PRIVATE KEY|k_live_|k_test_)');
    kinds := '{}';
    IF place.named_like_a_key THEN
      kinds := kinds || 'a value under a key-like name'::text;
    END IF;
    -- JWTs: Supabase's legacy anon key is public by design and is not a finding; any other role
    -- (service_role above all) or an unreadable one is.
    FOR jwt IN SELECT m[1] AS payload FROM pg_catalog.regexp_matches(place.body, 'eyJ[A-Za-z0-9_-]{4,}\.(eyJ[A-Za-z0-9_-]{4,})\.[A-Za-z0-9_-]{4,}', 'g') AS m LOOP
      BEGIN
        claims := pg_catalog.convert_from(pg_catalog.decode(pg_catalog.rpad(pg_catalog.translate(jwt.payload, '-_', '+/'), ((pg_catalog.length(jwt.payload) + 3) / 4) * 4, '='), 'base64'), 'UTF8')::jsonb;
        role_claim := claims ->> 'role';
      EXCEPTION WHEN OTHERS THEN
        role_claim := NULL;
      END;
      IF role_claim IS DISTINCT FROM 'anon' THEN
        kinds := kinds || pg_catalog.format('a JWT for role %s', COALESCE(role_claim, '(unreadable)'));
      END IF;
    END LOOP;
    IF place.body ~ 'sb_secret_[A-Za-z0-9_-]{8,}' THEN
      kinds := kinds || 'a Supabase secret key (sb_secret_…)'::text;
    END IF;
    IF place.body ~* 'bearer\s+[A-Za-z0-9._~+/=-]{16,}' AND place.body !~* 'bearer\s+eyJ' THEN
      kinds := kinds || 'a bearer token'::text;
    END IF;
    -- A URL with a password, or libpq's key=value form (password=... beside host=, user= or dbname=).
    IF place.body ~* '[a-z][a-z0-9+.-]*://[^/\s:@]+:[^@\s/]+@'
       OR (place.body ~* '\m(host|user|dbname)=' AND place.body ~* '\mpassword=[^\s''"]{4,}') THEN
      kinds := kinds || 'a password in a connection string'::text;
    END IF;
    IF place.body ~ '-----BEGIN [A-Z ]*PRIVATE KEY-----' THEN
      kinds := kinds || 'a private key'::text;
    END IF;
    IF place.body ~ '\m[rs]k_(live|test)_[A-Za-z0-9]{10,}' THEN
      kinds := kinds || 'an API secret key (sk_/rk_)'::text;
    END IF;
    IF pg_catalog.cardinality(kinds) > 0 THEN
      findings := findings || pg_catalog.format('%s holds %s', place.place, pg_catalog.array_to_string(ARRAY(SELECT DISTINCT x FROM pg_catalog.unnest(kinds) AS x ORDER BY x), ', '));
      fixes := fixes || pg_catalog.format('%s: %s', place.place, place.fix);
    END IF;
  END LOOP;

  -- SECURITY DEFINER routines it can call run with their owner's rights (on Supabase, often
  -- postgres: BYPASSRLS). Every new function is executable by PUBLIC unless revoked, so an app's
  -- helper meant for its API roles is Grafana's too.
  FOR place IN
    SELECT p.oid::regprocedure::text AS name, p.proowner::regrole::text AS owner
    FROM pg_catalog.pg_proc AS p
    WHERE p.prosecdef AND p.pronamespace <> 'ain_monitoring'::regnamespace
      AND p.prorettype NOT IN ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype)
      AND pg_catalog.has_function_privilege(me, p.oid, 'EXECUTE') AND pg_catalog.has_schema_privilege(me, p.pronamespace, 'USAGE')
    ORDER BY 1
  LOOP
    findings := findings || pg_catalog.format('SECURITY DEFINER %s (owner %s) is executable by PUBLIC', place.name, place.owner);
    fixes := fixes || pg_catalog.format('as %s: REVOKE EXECUTE ON ROUTINE %s FROM PUBLIC; -- then GRANT EXECUTE on it to the roles that call it (anon, authenticated, service_role)', place.owner, place.name);
  END LOOP;

  IF pg_catalog.cardinality(findings) > 0 THEN
    RAISE EXCEPTION 'every role, grafana_readonly included, can read or use these: %', pg_catalog.array_to_string(findings, '; ')
      USING HINT = 'Fix each, then apply this file again: ' || pg_catalog.array_to_string(fixes, ' | ');
  END IF;
END
$secrets$;

COMMIT;

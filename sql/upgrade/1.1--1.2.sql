\echo Use "ALTER EXTENSION push_actions UPDATE TO '1.2'" to load this file. \quit

-- 1.2 (in development): nothing changes yet.
--
-- Written as the hand-made part of the step (ALTERs, data conversion, drops)
-- and includes of the current definitions of what it creates or replaces:
-- each "\ir ../src/FILE.sql" line becomes that file (scripts/compose_sql.sh),
-- so a definition is written once, in sql/src/.  Files whose objects can be
-- made again use CREATE OR REPLACE (functions, views, triggers) or IF NOT
-- EXISTS (indexes), so including them replaces what changed and keeps what
-- did not.

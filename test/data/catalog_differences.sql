-- The objects of this database's push_actions that differ from a fresh
-- install's, whose catalog (test/data/extension_catalog.sql, one line per
-- object: its name, a tab, the md5 of its definition) is in the psql
-- variable fresh_catalog.  Read after extension_catalog.sql.
CREATE TEMP VIEW catalog_differences AS
WITH fresh AS (
	SELECT split_part(l, E'\t', 1) AS object, split_part(l, E'\t', 2) AS digest
	FROM regexp_split_to_table(:'fresh_catalog', E'\n') l
), updated AS (
	SELECT object, md5(definition) AS digest FROM extension_catalog
)
SELECT coalesce(f.object, u.object) AS object,
       CASE WHEN f.object IS NULL THEN 'only in the updated database'
            WHEN u.object IS NULL THEN 'only in a fresh install'
            ELSE 'defined differently' END AS difference
FROM fresh f FULL JOIN updated u ON u.object = f.object
WHERE f.digest IS DISTINCT FROM u.digest;

-- Every object of the push_actions extension with its full definition, named
-- without OIDs, so two databases can be compared: the upgrade test compares a
-- 1.0 database updated to the current version with a fresh install.
-- Defines the temporary view extension_catalog(object, definition).  Run with
-- search_path = pg_catalog so every name outside it prints schema-qualified.
CREATE TEMP VIEW extension_catalog AS
WITH members AS (
	SELECT d.classid, d.objid, d.objsubid
	FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
	WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'push_actions'
	  -- array and row types, members since PostgreSQL 17, come with their
	  -- element type or relation, which is compared
	  AND NOT EXISTS (SELECT 1 FROM pg_type t WHERE d.classid = 'pg_type'::regclass AND t.oid = d.objid
	                  AND (t.typelem <> 0 OR t.typrelid <> 0))
), described AS (
	SELECT m.*, pg_describe_object(m.classid, m.objid, m.objsubid) AS object,
	       obj_description(m.objid, m.classid::regclass::name) AS comment
	FROM members m
)
SELECT d.object, concat_ws(E'\n', 'comment: ' || d.comment, CASE d.classid
	WHEN 'pg_proc'::regclass THEN (
		SELECT concat_ws(E'\n',
			CASE WHEN p.prokind = 'a' THEN (
				SELECT format('aggregate sfunc=%s stype=%s combine=%s final=%s initcond=%s sortop=%s kind=%s',
				              a.aggtransfn::regprocedure, a.aggtranstype::regtype, a.aggcombinefn::regprocedure,
				              nullif(a.aggfinalfn, 0)::regprocedure, a.agginitval, nullif(a.aggsortop, 0)::regoperator,
				              a.aggkind)
				FROM pg_aggregate a WHERE a.aggfnoid = p.oid)
			ELSE pg_get_functiondef(p.oid) END,
			format('volatile=%s parallel=%s strict=%s secdef=%s leakproof=%s config=%s',
			       p.provolatile, p.proparallel, p.proisstrict, p.prosecdef, p.proleakproof, p.proconfig),
			'acl: ' || p.proacl::text)
		FROM pg_proc p WHERE p.oid = d.objid)
	WHEN 'pg_type'::regclass THEN (
		SELECT format('len=%s byval=%s align=%s storage=%s category=%s in=%s out=%s recv=%s send=%s acl=%s',
		              t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory, t.typinput, t.typoutput,
		              t.typreceive, t.typsend, t.typacl)
		FROM pg_type t WHERE t.oid = d.objid)
	WHEN 'pg_operator'::regclass THEN (
		SELECT format('proc=%s commutator=%s negator=%s restrict=%s join=%s merges=%s hashes=%s',
		              o.oprcode::regprocedure, nullif(o.oprcom, 0)::regoperator, nullif(o.oprnegate, 0)::regoperator,
		              o.oprrest, o.oprjoin, o.oprcanmerge, o.oprcanhash)
		FROM pg_operator o WHERE o.oid = d.objid)
	WHEN 'pg_opclass'::regclass THEN (
		SELECT format('default=%s type=%s', c.opcdefault, c.opcintype::regtype) FROM pg_opclass c WHERE c.oid = d.objid)
	WHEN 'pg_opfamily'::regclass THEN (
		SELECT concat_ws(E'\n',
			(SELECT string_agg(format('operator %s %s', o.amopstrategy, o.amopopr::regoperator), E'\n' ORDER BY o.amopstrategy)
			 FROM pg_amop o WHERE o.amopfamily = d.objid),
			(SELECT string_agg(format('function %s %s', p.amprocnum, p.amproc::regprocedure), E'\n' ORDER BY p.amprocnum)
			 FROM pg_amproc p WHERE p.amprocfamily = d.objid)))
	WHEN 'pg_cast'::regclass THEN (
		SELECT format('function=%s context=%s method=%s', nullif(c.castfunc, 0)::regprocedure, c.castcontext, c.castmethod)
		FROM pg_cast c WHERE c.oid = d.objid)
	WHEN 'pg_namespace'::regclass THEN (
		SELECT 'acl: ' || n.nspacl::text FROM pg_namespace n WHERE n.oid = d.objid)
	WHEN 'pg_class'::regclass THEN (
		SELECT concat_ws(E'\n',
			format('kind=%s persistence=%s options=%s acl=%s', c.relkind, c.relpersistence, c.reloptions, c.relacl),
			'view: ' || pg_get_viewdef(c.oid),
			(SELECT format('sequence type=%s start=%s increment=%s cycle=%s', s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqcycle)
			 FROM pg_sequence s WHERE s.seqrelid = c.oid),
			(SELECT string_agg(format('column %s %s %s notnull=%s identity=%s default=%s comment=%s',
			                          a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
			                          a.attidentity, pg_get_expr(ad.adbin, ad.adrelid), col_description(c.oid, a.attnum)),
			                   E'\n' ORDER BY a.attnum)
			 FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
			 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
			(SELECT string_agg(format('constraint %s %s', k.conname, pg_get_constraintdef(k.oid)), E'\n' ORDER BY k.conname)
			 FROM pg_constraint k WHERE k.conrelid = c.oid),
			(SELECT string_agg(format('index %s', pg_get_indexdef(i.indexrelid)), E'\n' ORDER BY i.indexrelid::regclass::text)
			 FROM pg_index i WHERE i.indrelid = c.oid),
			-- a foreign key's triggers are named by OID: name them by their key
			(SELECT string_agg(t.def, E'\n' ORDER BY t.def) FROM (
				SELECT format('trigger %s of %s enabled=%s',
				              regexp_replace(pg_get_triggerdef(g.oid), '^(CREATE CONSTRAINT TRIGGER) "RI_ConstraintTrigger_[ac]_[0-9]+"', '\1'),
				              (SELECT k.conname FROM pg_constraint k WHERE k.oid = g.tgconstraint), g.tgenabled) AS def
				FROM pg_trigger g WHERE g.tgrelid = c.oid) t),
			(SELECT string_agg(format('rule %s', pg_get_ruledef(r.oid)), E'\n' ORDER BY r.rulename)
			 FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename <> '_RETURN'),
			(SELECT format('dumped with condition %L', x.extcondition[array_position(x.extconfig, c.oid)])
			 FROM pg_extension x WHERE x.extname = 'push_actions' AND c.oid = ANY (x.extconfig)))
		FROM pg_class c WHERE c.oid = d.objid)
	ELSE 'not compared: ' || d.classid::regclass::text END) AS definition
FROM described d;

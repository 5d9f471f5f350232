/*
 * kept_shards.c
 *	  The kept roll-ups on a Citus cluster.  There the trigger fires on a
 *	  shard of actions ("actions_<shard id>") on the worker that holds it.
 *	  Citus cannot run the trigger's statements over the distributed tables,
 *	  since they read the statement's transition tables, which exist only in
 *	  this backend; they run instead over the shards of the kept tables that
 *	  are colocated with the fired-on shard (same app_id range, same worker),
 *	  as plain tables.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "kept_shards.h"
#include "plan_cache.h"

#define ACTIONS_NAME "actions"
#define ACTIONS_TABLE "push_actions.actions"

/*
 * The kept tables the statements write, each replaced by its colocated
 * shard.  One that an update added may not be distributed yet (until
 * distribute() runs again, which then makes it again from the actions):
 * meanwhile the statements write the worker's own copy, which nothing reads.
 */
typedef struct KeptTable
{
	const char *name;
	bool		may_wait;
} KeptTable;

static const KeptTable kept_tables[] = {
	{"push_actions_internal.messages", false},
	{"push_actions_internal.campaign_stripes", false},
	{"push_actions_internal.device_tokens", true},
	{"push_actions_internal.time_buckets_deleted", true},
	{"push_actions_internal.time_buckets", true},
};

#define COLOCATED_SHARD_SQL \
	"SELECT pg_catalog.shard_name(k.logicalrelid, k.shardid)" \
	" FROM pg_catalog.pg_dist_shard a" \
	" JOIN pg_catalog.pg_dist_shard k" \
	"  ON k.shardminvalue = a.shardminvalue AND k.shardmaxvalue = a.shardmaxvalue" \
	" WHERE a.shardid = $1 AND a.logicalrelid = '" ACTIONS_TABLE "'::pg_catalog.regclass" \
	"  AND k.logicalrelid = pg_catalog.to_regclass($2)"

static bool
is_identifier_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* sql with every whole occurrence of the qualified name replaced by another. */
static char *
replace_name(const char *sql, const char *name, const char *by)
{
	StringInfoData out;
	size_t		len = strlen(name);
	const char *p = sql;
	const char *hit;

	initStringInfo(&out);
	while ((hit = strstr(p, name)) != NULL)
	{
		bool		whole = (hit == sql || !is_identifier_char(hit[-1])) && !is_identifier_char(hit[len]);

		appendBinaryStringInfo(&out, p, hit - p);
		appendStringInfoString(&out, whole ? by : name);
		p = hit + len;
	}
	appendStringInfoString(&out, p);
	return out.data;
}

/*
 * The shard of the kept table colocated with the shard of actions; NULL if
 * there is none and the table may wait for one.
 */
static char *
colocated_shard(int64 actions_shard, const char *kept_table, bool may_wait)
{
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		values[2] = {Int64GetDatum(actions_shard), CStringGetTextDatum(kept_table)};
	bool		isnull;
	Datum		name;

	if (SPI_execute_plan(plan_cache_get(COLOCATED_SHARD_SQL, 2, types), values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "keep_rollups: reading Citus's shards failed");
	if (SPI_processed == 0 && may_wait)
		return NULL;
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("no shard of \"%s\" is colocated with shard %lld of \"%s\"",
						kept_table, (long long) actions_shard, ACTIONS_TABLE),
				 errhint("push_actions.distribute() distributes the kept tables with the actions.")));
	name = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	Assert(!isnull);
	return TextDatumGetCString(name);
}

void
kept_statements_for(Relation actions, const char **sql, int n)
{
	const char *relname = RelationGetRelationName(actions);
	const char *prefix = ACTIONS_NAME "_";
	const char *digits = relname + strlen(prefix);
	const char *shard_actions;
	const char *shard_kept[lengthof(kept_tables)];
	char	   *end = NULL;
	int64		shard = 0;

	if (strcmp(relname, ACTIONS_NAME) == 0)
		return;

	errno = 0;
	if (strncmp(relname, prefix, strlen(prefix)) == 0 && *digits != '\0')
		shard = strtoi64(digits, &end, 10);
	if (end == NULL || errno != 0 || *end != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("keep_rollups() fires on \"%s\" or a Citus shard of it, not on \"%s\"",
						ACTIONS_TABLE, relname)));

	/* the shards are looked up once for all the statements */
	shard_actions = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(actions)), relname);
	for (size_t k = 0; k < lengthof(kept_tables); k++)
		shard_kept[k] = colocated_shard(shard, kept_tables[k].name, kept_tables[k].may_wait);
	for (int i = 0; i < n; i++)
	{
		char	   *result = replace_name(sql[i], ACTIONS_TABLE, shard_actions);

		for (size_t k = 0; k < lengthof(kept_tables); k++)
			if (shard_kept[k] != NULL)
				result = replace_name(result, kept_tables[k].name, shard_kept[k]);
		sql[i] = result;
	}
}

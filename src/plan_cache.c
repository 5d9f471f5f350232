/*
 * plan_cache.c
 *	  A small per-backend cache of saved SPI plans, keyed by query text.
 *
 * This is the extension's only mutable static state, on purpose: preparing
 * the listing's query costs more than running it.  Invalidation is
 * PostgreSQL's own: saved plans live in the plan cache, which re-analyses
 * and re-plans them after DDL on what they read or a change of search_path.
 * The same query text always carries the same parameter types (they follow
 * from the fixed column list), so the text alone identifies a plan.  At most
 * PLAN_CACHE_SIZE shapes are kept; the least recently used one is freed.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "utils/memutils.h"

#include "plan_cache.h"

#define PLAN_CACHE_SIZE 32

typedef struct PlanCacheEntry
{
	uint32		hash;
	char	   *sql;
	SPIPlanPtr	plan;
	uint64		last_used;
} PlanCacheEntry;

static PlanCacheEntry entries[PLAN_CACHE_SIZE];
static uint64 use_counter = 0;

SPIPlanPtr
plan_cache_get(const char *sql, int nargs, Oid *argtypes)
{
	uint32		hash = hash_bytes((const unsigned char *) sql, strlen(sql));
	PlanCacheEntry *victim = &entries[0];
	SPIPlanPtr	plan = NULL;
	char	   *sql_copy;

	for (int i = 0; i < PLAN_CACHE_SIZE; i++)
	{
		PlanCacheEntry *e = &entries[i];

		if (e->plan != NULL && e->hash == hash && strcmp(e->sql, sql) == 0)
		{
			e->last_used = ++use_counter;
			return e->plan;
		}
		if (e->plan == NULL || (victim->plan != NULL && e->last_used < victim->last_used))
			victim = e;
	}

	/*
	 * Everything that can fail (out of memory, a query that no longer
	 * compiles) happens before the victim is touched, so an error leaves
	 * every entry valid and nothing allocated for good.
	 */
	sql_copy = MemoryContextStrdup(TopMemoryContext, sql);
	PG_TRY();
	{
		plan = SPI_prepare(sql, nargs, argtypes);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
	}
	PG_CATCH();
	{
		pfree(sql_copy);
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (victim->plan != NULL)
	{
		SPI_freeplan(victim->plan);
		pfree(victim->sql);
	}
	victim->hash = hash;
	victim->sql = sql_copy;
	victim->plan = plan;
	victim->last_used = ++use_counter;
	return plan;
}

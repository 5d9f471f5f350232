/*
 * plan_cache.c
 *	  A small per-backend cache of saved SPI plans, keyed by query text.
 *
 * This is the extension's only mutable static state, on purpose: preparing
 * the listing's query costs more than running it.  Invalidation is
 * PostgreSQL's own: saved plans live in the plan cache, which re-analyses
 * and re-plans them after DDL on what they read or a change of search_path.
 * The same query text always carries the same parameter types (they follow
 * from the fixed column list), so the text alone identifies a plan.
 *
 * The cache is bounded twice: at most PLAN_CACHE_SIZE shapes, and at most
 * PLAN_CACHE_BYTES of plan memory in all; the least recently used plans are
 * freed first.  A plan's memory is measured when it is saved and again at
 * each use, since its generic plan is built only after a few executions.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "utils/memutils.h"
#include "utils/plancache.h"

#include "plan_cache.h"

#define PLAN_CACHE_SIZE		32
#define PLAN_CACHE_BYTES	(16 * 1024 * 1024)

typedef struct PlanCacheEntry
{
	uint32		hash;
	char	   *sql;
	SPIPlanPtr	plan;
	Size		bytes;			/* memory of the plan and its text, last measured */
	uint64		last_used;
} PlanCacheEntry;

static PlanCacheEntry entries[PLAN_CACHE_SIZE];
static uint64 use_counter = 0;

/* The memory a saved plan holds: its sources, their queries and generic plans, and its text. */
static Size
plan_bytes(SPIPlanPtr plan, const char *sql)
{
	Size		bytes = strlen(sql) + 1;
	ListCell   *lc;

	foreach(lc, SPI_plan_get_plan_sources(plan))
	{
		CachedPlanSource *source = (CachedPlanSource *) lfirst(lc);

		bytes += MemoryContextMemAllocated(source->context, true);
		if (source->query_context != NULL)
			bytes += MemoryContextMemAllocated(source->query_context, true);
		if (source->gplan != NULL)
			bytes += MemoryContextMemAllocated(source->gplan->context, true);
	}
	return bytes;
}

static void
free_entry(PlanCacheEntry *e)
{
	SPI_freeplan(e->plan);
	pfree(e->sql);
	e->plan = NULL;
	e->sql = NULL;
	e->bytes = 0;
}

/* Frees least recently used plans, other than keep, while the cache is over its byte budget. */
static void
enforce_byte_budget(const PlanCacheEntry *keep)
{
	for (;;)
	{
		Size		total = 0;
		PlanCacheEntry *oldest = NULL;

		for (int i = 0; i < PLAN_CACHE_SIZE; i++)
		{
			PlanCacheEntry *e = &entries[i];

			if (e->plan == NULL)
				continue;
			total += e->bytes;
			if (e != keep && (oldest == NULL || e->last_used < oldest->last_used))
				oldest = e;
		}
		if (total <= PLAN_CACHE_BYTES || oldest == NULL)
			return;
		free_entry(oldest);
	}
}

/*
 * A hash of the text's length, start and end: enough to tell the shapes
 * apart (equal hashes are compared whole), without reading the longest
 * texts whole at every call of the trigger's short way.
 */
#define TEXT_HASH_ENDS 128

/* not inlined: its locals would share plan_cache_get's frame with PG_TRY */
static pg_noinline uint32
text_hash(const char *sql)
{
	size_t		len = strlen(sql);
	uint32		hash = hash_bytes_uint32((uint32) len);

	if (len <= 2 * TEXT_HASH_ENDS)
		return hash_combine(hash, hash_bytes((const unsigned char *) sql, (int) len));
	hash = hash_combine(hash, hash_bytes((const unsigned char *) sql, TEXT_HASH_ENDS));
	return hash_combine(hash, hash_bytes((const unsigned char *) sql + len - TEXT_HASH_ENDS, TEXT_HASH_ENDS));
}

SPIPlanPtr
plan_cache_get(const char *sql, int nargs, Oid *argtypes)
{
	uint32		hash = text_hash(sql);
	PlanCacheEntry *victim = &entries[0];
	SPIPlanPtr	plan = NULL;
	char	   *sql_copy;

	for (int i = 0; i < PLAN_CACHE_SIZE; i++)
	{
		PlanCacheEntry *e = &entries[i];

		if (e->plan != NULL && e->hash == hash && strcmp(e->sql, sql) == 0)
		{
			e->last_used = ++use_counter;
			e->bytes = plan_bytes(e->plan, e->sql);
			enforce_byte_budget(e);
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
		free_entry(victim);
	victim->hash = hash;
	victim->sql = sql_copy;
	victim->plan = plan;
	victim->bytes = plan_bytes(plan, sql_copy);
	victim->last_used = ++use_counter;
	enforce_byte_budget(victim);
	Assert(victim->plan == plan);
	return plan;
}

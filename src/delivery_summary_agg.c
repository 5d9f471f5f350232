/*
 * delivery_summary_agg.c
 *	  Transition and combine functions of the delivery_summary aggregates.
 *	  The state is the concrete delivery_summary type, so parallel workers
 *	  (and Citus) need only the combine function.
 */
#include "postgres.h"

#include "common/int.h"

#include "delivery_summary.h"

/*
 * The state to update: the aggregate's own when called as an aggregate (it is
 * ours to change in place, so no row allocates), a fresh copy otherwise.
 */
static inline DeliverySummary *
writable_state(FunctionCallInfo fcinfo)
{
	MemoryContext aggcontext;
	bool		in_agg = AggCheckCallContext(fcinfo, &aggcontext) != 0;
	DeliverySummary *state;

	if (PG_ARGISNULL(0))
		return MemoryContextAllocZero(in_agg ? aggcontext : CurrentMemoryContext,
									  sizeof(DeliverySummary));
	state = PG_GETARG_DELIVERY_SUMMARY_P(0);
	if (in_agg)
		return state;
	{
		DeliverySummary *copy = palloc(sizeof(DeliverySummary));

		memcpy(copy, state, sizeof(DeliverySummary));
		return copy;
	}
}

static inline void
count_status(DeliverySummary *state, Datum status)
{
	PushStatus	s = push_status_stored(status);

	if (unlikely(state->counts[s] == PG_INT64_MAX))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("delivery_summary count of \"%s\" is out of range", push_status_names[s])));
	state->counts[s]++;
}

/*
 * Counts the row's status into the state; false (and *result set to pass the
 * state on unchanged) when the status is NULL, which the aggregates skip.
 */
static inline bool
count_row(FunctionCallInfo fcinfo, DeliverySummary **state, Datum *result)
{
	if (PG_ARGISNULL(1))
	{
		*result = PG_ARGISNULL(0) ? (Datum) 0 : PG_GETARG_DATUM(0);
		fcinfo->isnull = PG_ARGISNULL(0);
		return false;
	}
	*state = writable_state(fcinfo);
	count_status(*state, PG_GETARG_DATUM(1));
	return true;
}

/* delivery_summary(push_status) */
PG_FUNCTION_INFO_V1(delivery_summary_add_status);
Datum
delivery_summary_add_status(PG_FUNCTION_ARGS)
{
	DeliverySummary *state;
	Datum		result;

	if (!count_row(fcinfo, &state, &result))
		return result;
	PG_RETURN_DELIVERY_SUMMARY_P(state);
}

static inline void
add_attempts(DeliverySummary *state, int32 attempts)
{
	if (attempts < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("attempts must not be negative: %d", attempts)));
	if (unlikely(pg_add_s64_overflow(state->attempts, attempts, &state->attempts)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("delivery_summary count of \"attempts\" is out of range")));
}

/* delivery_summary(push_status, attempts integer): also sums the attempts of the counted rows. */
PG_FUNCTION_INFO_V1(delivery_summary_add_status_attempts);
Datum
delivery_summary_add_status_attempts(PG_FUNCTION_ARGS)
{
	DeliverySummary *state;
	Datum		result;

	if (!count_row(fcinfo, &state, &result))
		return result;
	if (!PG_ARGISNULL(2))
		add_attempts(state, PG_GETARG_INT32(2));
	PG_RETURN_DELIVERY_SUMMARY_P(state);
}

/*
 * The same for a smallint attempts column (actions.attempts): an exact match,
 * so no cast to integer runs for every row.
 */
PG_FUNCTION_INFO_V1(delivery_summary_add_status_attempts_int2);
Datum
delivery_summary_add_status_attempts_int2(PG_FUNCTION_ARGS)
{
	DeliverySummary *state;
	Datum		result;

	if (!count_row(fcinfo, &state, &result))
		return result;
	if (!PG_ARGISNULL(2))
		add_attempts(state, PG_GETARG_INT16(2));
	PG_RETURN_DELIVERY_SUMMARY_P(state);
}

/*
 * Merges two summaries: the combine function of every aggregate here, the
 * transition of delivery_summary(delivery_summary), and the + operator.
 * Declared STRICT, so the executor seeds the state with the first input.
 */
PG_FUNCTION_INFO_V1(delivery_summary_merge);
Datum
delivery_summary_merge(PG_FUNCTION_ARGS)
{
	DeliverySummary *state = writable_state(fcinfo);

	delivery_summary_add_into(state, PG_GETARG_DELIVERY_SUMMARY_P(1));
	PG_RETURN_DELIVERY_SUMMARY_P(state);
}

/*
 * latency_sketch_agg.c
 *	  The latency_sketch aggregates' transition and combine functions.
 *
 * The state is a latency_sketch itself (not internal), so that parallel
 * plans and Citus's partial aggregates pass it between processes as a value.
 * It is dense while aggregating: inside an aggregate, a duration is added to
 * the state in place; a state without room for a duration's bin is made
 * again with room to spare, in the per-call context, and the executor copies
 * it into the aggregate's own.  Called outside an aggregate, the functions
 * never change their arguments.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "latency_sketch.h"

/* bins of room added beside the bins a grown state needs */
#define SKETCH_ROOM 32

/* The state to add into: dense, ours to change, with room for first..last. */
static LatencySketchDense *
writable_state(FunctionCallInfo fcinfo, int first, int last)
{
	LatencySketchDense *state;
	bool		in_aggregate = AggCheckCallContext(fcinfo, NULL) != 0;

	if (PG_ARGISNULL(0))
		return latency_sketch_dense(latency_sketch_compact(0, 0, NULL, 0), first, last);
	state = (LatencySketchDense *) PG_GETARG_POINTER(0);
	if (!in_aggregate || VARATT_IS_EXTENDED(state) || state->head.form != SKETCH_DENSE)
		return latency_sketch_dense(DatumGetLatencySketchP(PG_GETARG_DATUM(0)), first, last);
	return state;
}

/* Adds count to bin index of the state, growing it when it lacks room. */
static LatencySketchDense *
add_to_state(LatencySketchDense *state, int index, int64 count)
{
	if (!latency_sketch_dense_add(state, index, count))
	{
		state = latency_sketch_dense(&state->head, index - SKETCH_ROOM, index + SKETCH_ROOM);
		if (!latency_sketch_dense_add(state, index, count))
			elog(ERROR, "latency_sketch: a grown state has no room for bin %d", index);
	}
	return state;
}

static Datum
add_duration(FunctionCallInfo fcinfo, double seconds)
{
	int			index = latency_sketch_bin(seconds);
	LatencySketchDense *state = writable_state(fcinfo, index - SKETCH_ROOM, index + SKETCH_ROOM);

	PG_RETURN_POINTER(add_to_state(state, index, 1));
}

/* latency_sketch(double precision): durations in seconds; NULLs skipped. */
PG_FUNCTION_INFO_V1(latency_sketch_add);
Datum
latency_sketch_add(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	return add_duration(fcinfo, PG_GETARG_FLOAT8(1));
}

/* latency_sketch(interval): a month counts 30 days, as extract(epoch) does. */
PG_FUNCTION_INFO_V1(latency_sketch_add_interval);
Datum
latency_sketch_add_interval(PG_FUNCTION_ARGS)
{
	Interval   *span;
	double		seconds;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	span = PG_GETARG_INTERVAL_P(1);
	seconds = span->time / (double) USECS_PER_SEC +
		(double) span->day * SECS_PER_DAY +
		(double) span->month * DAYS_PER_MONTH * SECS_PER_DAY;
	return add_duration(fcinfo, seconds);
}

/*
 * Two states (or stored sketches) merged: the aggregates' combine function,
 * and the transition function of latency_sketch(latency_sketch).
 */
PG_FUNCTION_INFO_V1(latency_sketch_combine);
Datum
latency_sketch_combine(PG_FUNCTION_ARGS)
{
	LatencySketch *other;
	LatencySketchReader reader;
	LatencySketchDense *state;
	int			index;
	int64		count;
	int			first = LATENCY_SKETCH_MAX_BIN;
	int			last = LATENCY_SKETCH_MIN_BIN;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	other = PG_GETARG_LATENCY_SKETCH_P(1);
	latency_sketch_reader_init(&reader, other);
	while (latency_sketch_reader_next(&reader, &index, &count))
	{
		first = Min(first, index);
		last = Max(last, index);
	}
	state = writable_state(fcinfo, first, last);
	latency_sketch_dense_add(state, LATENCY_SKETCH_MIN_BIN - 1, other->zero);
	latency_sketch_reader_init(&reader, other);
	while (latency_sketch_reader_next(&reader, &index, &count))
		state = add_to_state(state, index, count);
	PG_RETURN_POINTER(state);
}

/*
 * delivery_summary_rollup.c
 *	  rollup_status(push_status): the message status across a person's devices.
 *
 * The roll-up rule depends only on which statuses occur, not how often, so
 * the state is a bitmask of the statuses seen: a 4-byte integer passed by
 * value.  Millions of groups (one per message) then cost no allocation each,
 * and partial states combine with a plain bitwise OR (int4or).
 */
#include "postgres.h"

#include "delivery_summary.h"

PG_FUNCTION_INFO_V1(rollup_mask_add);
Datum
rollup_mask_add(PG_FUNCTION_ARGS)
{
	int32		mask = PG_GETARG_INT32(0);
	PushStatus	s = push_status_stored(PG_GETARG_DATUM(1));

	PG_RETURN_INT32(mask | (1 << s));
}

PG_FUNCTION_INFO_V1(rollup_mask_status);
Datum
rollup_mask_status(PG_FUNCTION_ARGS)
{
	int32		mask = PG_GETARG_INT32(0);
	DeliverySummary seen;
	PushStatus	result;

	/* the function is callable from SQL too, with any integer */
	if (unlikely((mask & ~PUSH_STATUS_ALL) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid rollup_status state %d", mask),
				 errdetail("A state has one bit for each of the %d statuses, from bit 0 up.",
						   PUSH_STATUS_COUNT)));
	memset(&seen, 0, sizeof(seen));
	for (int i = 0; i < PUSH_STATUS_COUNT; i++)
		if (mask & (1 << i))
			seen.counts[i] = 1;
	if (!delivery_summary_rollup(&seen, &result))
		PG_RETURN_NULL();
	PG_RETURN_PUSH_STATUS(result);
}

/*
 * kept_stripes.c
 *	  The campaign stripe this backend writes, and the refusal both ways of
 *	  keeping the roll-ups give when a changed message has no kept row.
 */
#include "postgres.h"

#include "fmgr.h"

#include "compat.h"
#include "kept_stripes.h"

void
report_out_of_step(int64 n)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("the kept roll-ups of table \"actions\" are out of step"),
			 errdetail("%lld changed message(s) had no kept roll-up.", (long long) n),
			 errhint("push_actions.verify_rollups() lists the differences; push_actions.rebuild_rollups() rebuilds them.")));
}

/*
 * The stripe of the campaign rows this backend writes: its slot among the
 * live backends, so no two running transactions ever write the same stripe
 * (and wait, or deadlock, on it).
 */
PG_FUNCTION_INFO_V1(writer_stripe);
Datum
writer_stripe(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PA_BACKEND_SLOT());
}

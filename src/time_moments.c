/*
 * time_moments.c
 *	  The actions' moments (time_moments.h): the one rule of what a row says
 *	  when a column does not, for SQL (action_moment()) and for the trigger
 *	  that stores them on update (keep_moments()).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/timestamp.h"

#include "push_status.h"
#include "time_moments.h"
#include "trigger_columns.h"
#include "writes_rules.h"

const char *const moment_columns[MOMENT_STEPS] = {
	[STEP_ATTEMPTED] = "attempted_at",
	[STEP_SENT] = "sent_at",
	[STEP_DELIVERED] = "delivered_at",
	[STEP_OPENED] = "opened_at",
};

/* An action left without an attempt expired while scheduled. */
bool
moment_step_reached(MomentStep step, PushStatus status, int attempts)
{
	switch (step)
	{
		case STEP_ATTEMPTED:
			return status != PS_SCHEDULED && !(status == PS_EXPIRED && attempts == 0);
		case STEP_SENT:
			return push_status_is_success(status);
		case STEP_DELIVERED:
			return push_status_is_device_event(status);
		case STEP_OPENED:
			return status == PS_OPENED || status == PS_CONVERTED;
		case MOMENT_STEPS:
			break;
	}
	elog(ERROR, "unknown moment step %d", (int) step);
	return false;
}

bool
moment_of(MomentStep step, PushStatus status, int attempts, TimestampTz create_time,
		  TimestampTz updated_at, bool stored_null, TimestampTz stored, TimestampTz *moment)
{
	if (!stored_null)
		*moment = stored;
	else if (moment_step_reached(step, status, attempts))
		*moment = step == STEP_ATTEMPTED ? create_time : updated_at;
	else
		return false;
	return true;
}

static MomentStep
step_of(PushStatus status)
{
	switch (status)
	{
		case PS_ATTEMPTED:
			return STEP_ATTEMPTED;
		case PS_SENT:
			return STEP_SENT;
		case PS_DELIVERED:
			return STEP_DELIVERED;
		case PS_OPENED:
			return STEP_OPENED;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" is not a step with a moment", push_status_names[status]),
					 errhint("The steps are attempted, sent, delivered and opened.")));
	}
	return STEP_ATTEMPTED;
}

/*
 * push_actions_internal.action_moment(step push_status, status push_status,
 * attempts smallint, create_time timestamptz, updated_at timestamptz,
 * stored timestamptz) -> timestamptz: the moment the action reached the step
 * (attempted, sent, delivered or opened): the stored one, else the one its
 * row says; NULL when not reached.
 */
PG_FUNCTION_INFO_V1(action_moment);
Datum
action_moment(PG_FUNCTION_ARGS)
{
	TimestampTz moment;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
	{
		/* columns NOT NULL in actions: only a direct call gets here */
		if (PG_ARGISNULL(5))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(5));
	}
	if (!moment_of(step_of(PG_GETARG_PUSH_STATUS(0)), PG_GETARG_PUSH_STATUS(1), PG_GETARG_INT16(2),
				   PG_GETARG_TIMESTAMPTZ(3), PG_GETARG_TIMESTAMPTZ(4),
				   PG_ARGISNULL(5), PG_ARGISNULL(5) ? 0 : PG_GETARG_TIMESTAMPTZ(5), &moment))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(moment);
}

/*
 * keep_moments(): BEFORE UPDATE FOR EACH ROW on actions.  Each step's moment
 * of the new row is the old row's (stored or derived), else, for a step the
 * new row has reached, its updated_at.  An UPDATE that sets another value
 * for a moment the action has is refused, unless the table's owner writes
 * outside the rules to repair data.
 */
PG_FUNCTION_INFO_V1(keep_moments);
Datum
keep_moments(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	HeapTuple	old_row;
	HeapTuple	new_row;
	int			replace_columns[MOMENT_STEPS];
	Datum		replace_values[MOMENT_STEPS];
	bool		replace_nulls[MOMENT_STEPS];
	int			replaced = 0;
	bool		isnull;
	PushStatus	old_status;
	PushStatus	new_status;
	int			old_attempts;
	int			new_attempts;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) || !TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("keep_moments() must be a BEFORE UPDATE ... FOR EACH ROW trigger")));
	desc = RelationGetDescr(trigdata->tg_relation);
	old_row = trigdata->tg_trigtuple;
	new_row = trigdata->tg_newtuple;

#define COLUMN(row, name) heap_getattr(row, trigger_column(desc, name), desc, &isnull)
	old_status = DatumGetPushStatus(COLUMN(old_row, "status"));
	new_status = DatumGetPushStatus(COLUMN(new_row, "status"));
	old_attempts = DatumGetInt16(COLUMN(old_row, "attempts"));
	new_attempts = DatumGetInt16(COLUMN(new_row, "attempts"));

	for (int step = 0; step < MOMENT_STEPS; step++)
	{
		int			attno = trigger_column(desc, moment_columns[step]);
		bool		old_null;
		bool		new_null;
		Datum		old_moment = heap_getattr(old_row, attno, desc, &old_null);
		Datum		new_moment = heap_getattr(new_row, attno, desc, &new_null);
		bool		stored = !old_null;
		Datum		moment;

		if (old_null)
		{
			TimestampTz derived;

			old_null = !moment_of(step, old_status, old_attempts,
								  DatumGetTimestampTz(COLUMN(old_row, "create_time")),
								  DatumGetTimestampTz(COLUMN(old_row, "updated_at")), true, 0, &derived);
			old_moment = TimestampTzGetDatum(derived);
		}
		if (!old_null)
		{
			/* NULL where a moment was stored: the UPDATE cleared it */
			if (((new_null && stored) ||
				 (!new_null && !datum_image_eq(old_moment, new_moment, true, sizeof(TimestampTz)))) &&
				!writes_unchecked(trigdata->tg_relation))
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("the moment an action reached a step does not change once it has one"),
						 errdetail("Action %lld has %s %s.",
								   (long long) DatumGetInt64(COLUMN(old_row, "action_id")),
								   moment_columns[step],
								   timestamptz_to_str(DatumGetTimestampTz(old_moment))),
						 errhint("Leave %s out of the UPDATE; to repair data, the owner of push_actions.actions can SET push_actions.unchecked_writes = on.",
								 moment_columns[step])));
			if (!new_null || stored)
				continue;
			moment = old_moment;
		}
		else if (!new_null)
			continue;
		else if (moment_step_reached(step, new_status, new_attempts))
		{
			moment = COLUMN(new_row, "updated_at");
			if (isnull)
				continue;
		}
		else
			continue;
		replace_columns[replaced] = attno;
		replace_values[replaced] = moment;
		replace_nulls[replaced] = false;
		replaced++;
	}
#undef COLUMN

	if (replaced > 0)
		new_row = heap_modify_tuple_by_cols(new_row, desc, replaced, replace_columns, replace_values, replace_nulls);
	return PointerGetDatum(new_row);
}

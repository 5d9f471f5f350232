/*
 * kept_trigger.c
 *	  keep_rollups(): the statement-level trigger on actions that keeps each
 *	  message's roll-up (push_actions_internal.messages) and each campaign's
 *	  (push_actions_internal.campaign_stripes) in step with the actions
 *	  written (sql/src/kept_tables.sql has the tables and why).  The one
 *	  entry point of the kept roll-ups: it takes one action updated within
 *	  its message the short way (kept_row.c) and every other statement the
 *	  general way (kept_statement.c).  From 1.2 on, the statement's rows are
 *	  first checked against the state machine (writes_rules.c), and both
 *	  ways also keep the device tokens' states (kept_tokens.h) and the
 *	  hourly series (kept_times.h).
 */
#include "postgres.h"

#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/tuplestore.h"

#include "kept_row.h"
#include "kept_statement.h"
#include "writes_rules.h"

static void
require_transition_table(Tuplestorestate *table, const char *clause)
{
	if (table == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("keep_rollups() needs REFERENCING %s", clause)));
}

static Datum keep(FunctionCallInfo fcinfo, bool checked, int parts);

/* 1.1's trigger: the roll-ups alone. */
PG_FUNCTION_INFO_V1(keep_rollups);
Datum
keep_rollups(PG_FUNCTION_ARGS)
{
	return keep(fcinfo, false, 0);
}

/*
 * From 1.2: the state machine on the statement's rows, then the roll-ups,
 * the device tokens' states and the hourly series.
 */
PG_FUNCTION_INFO_V1(keep_rollups_checked);
Datum
keep_rollups_checked(PG_FUNCTION_ARGS)
{
	return keep(fcinfo, true, KEPT_ALL);
}

/*
 * For make bench alone: 1.2's trigger without one of its kept parts, to
 * measure what each costs the writes.  No SQL object of the extension
 * calls them.
 */
PG_FUNCTION_INFO_V1(keep_rollups_checked_without_tokens);
Datum
keep_rollups_checked_without_tokens(PG_FUNCTION_ARGS)
{
	return keep(fcinfo, true, KEPT_ALL & ~KEPT_TOKENS);
}

PG_FUNCTION_INFO_V1(keep_rollups_checked_without_times);
Datum
keep_rollups_checked_without_times(PG_FUNCTION_ARGS)
{
	return keep(fcinfo, true, KEPT_ALL & ~KEPT_TIMES);
}

/* ... and with the roll-ups alone, as 1.1 kept them. */
PG_FUNCTION_INFO_V1(keep_rollups_checked_alone);
Datum
keep_rollups_checked_alone(PG_FUNCTION_ARGS)
{
	return keep(fcinfo, true, 0);
}

static Datum
keep(FunctionCallInfo fcinfo, bool checked, int parts)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerEvent event;
	KeptEvent	kept_event;
	uint64		rows = 0;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("keep_rollups() must be called as a trigger")));
	event = trigdata->tg_event;
	if (!TRIGGER_FIRED_AFTER(event) || !TRIGGER_FIRED_FOR_STATEMENT(event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("keep_rollups() must be an AFTER ... FOR EACH STATEMENT trigger")));

	if (TRIGGER_FIRED_BY_INSERT(event))
		kept_event = KEPT_INSERT;
	else if (TRIGGER_FIRED_BY_UPDATE(event))
		kept_event = KEPT_UPDATE;
	else if (TRIGGER_FIRED_BY_DELETE(event))
		kept_event = KEPT_DELETE;
	else
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("keep_rollups() fires on INSERT, UPDATE or DELETE")));

	if (kept_event != KEPT_DELETE)
	{
		require_transition_table(trigdata->tg_newtable, "NEW TABLE AS new_rows");
		rows += tuplestore_tuple_count(trigdata->tg_newtable);
	}
	if (kept_event != KEPT_INSERT)
	{
		require_transition_table(trigdata->tg_oldtable, "OLD TABLE AS old_rows");
		rows += tuplestore_tuple_count(trigdata->tg_oldtable);
	}
	if (rows == 0)
		return PointerGetDatum(NULL);
	if (checked)
		writes_check_statement(trigdata);
	if (kept_event == KEPT_UPDATE && keep_one_row_update(trigdata, parts))
		return PointerGetDatum(NULL);
	keep_statement(trigdata, kept_event, rows, parts);
	return PointerGetDatum(NULL);
}

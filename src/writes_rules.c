/*
 * writes_rules.c
 *	  The state machine on every write path, not only inside the write API:
 *	  an INSERT or COPY may only put an action where some sequence of the
 *	  API's calls could (push_status_reachable), and an UPDATE may only take
 *	  it one step of the machine on (push_status_step_allowed), whoever runs
 *	  it.  The rows are read once per statement, from the transition tables
 *	  the kept roll-ups' trigger has anyway (kept_trigger.c calls this first).
 *
 * The owner of push_actions.actions (or a member of its role) may write
 * outside the machine to repair data, after SET push_actions.unchecked_writes
 * = on; for anyone else the setting changes nothing.
 */
#include "postgres.h"

#include "executor/executor.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

#include "api_limits.h"
#include "push_status.h"
#include "trigger_columns.h"
#include "writes_rules.h"

/* How many rows are read between checks for a cancel. */
#define ROWS_PER_INTERRUPT_CHECK 4096

typedef struct ActionState
{
	int64		action_id;
	PushStatus	status;
	int			attempts;
} ActionState;

typedef struct Columns
{
	AttrNumber	action_id;
	AttrNumber	status;
	AttrNumber	attempts;
} Columns;

static ActionState
read_state(TupleTableSlot *slot, const Columns *cols)
{
	ActionState st;
	bool		isnull;

	st.action_id = DatumGetInt64(slot_getattr(slot, cols->action_id, &isnull));
	Assert(!isnull);
	st.status = push_status_stored(slot_getattr(slot, cols->status, &isnull));
	Assert(!isnull);
	st.attempts = DatumGetInt16(slot_getattr(slot, cols->attempts, &isnull));
	Assert(!isnull);
	return st;
}

/* Makes a new read pointer, at the start, the table's active one. */
static void
own_read_pointer(Tuplestorestate *rows)
{
	int			pointer = tuplestore_alloc_read_pointer(rows, EXEC_FLAG_REWIND);

	tuplestore_select_read_pointer(rows, pointer);
	tuplestore_rescan(rows);
}

bool
writes_unchecked(Relation rel)
{
	const char *setting = GetConfigOption("push_actions.unchecked_writes", true, false);
	bool		on;

	if (setting == NULL || !parse_bool(setting, &on) || !on)
		return false;
	/* the outer user: the trigger runs with its owner's rights */
	return has_privs_of_role(GetOuterUserId(), rel->rd_rel->relowner);
}

void
writes_check_statement(TriggerData *trigdata)
{
	TriggerEvent event = trigdata->tg_event;
	bool		updated = TRIGGER_FIRED_BY_UPDATE(event);
	TupleDesc	desc = RelationGetDescr(trigdata->tg_relation);
	Columns		cols;
	TupleTableSlot *new_slot;
	TupleTableSlot *old_slot = NULL;
	uint64		rows = 0;
	uint64		refused = 0;
	ActionState first_from = {0};
	ActionState first_to = {0};

	if (!updated && !TRIGGER_FIRED_BY_INSERT(event))
		return;
	Assert(trigdata->tg_newtable != NULL);
	Assert(!updated || trigdata->tg_oldtable != NULL);

	cols.action_id = trigger_column(desc, "action_id");
	cols.status = trigger_column(desc, "status");
	cols.attempts = trigger_column(desc, "attempts");
	new_slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	if (updated)
		old_slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);

	/*
	 * Each table is read from its start with a read pointer of its own:
	 * another statement trigger on the table (the reference check) may have
	 * left the active one at the end.  An update stores each row's old and
	 * new versions together, so the two tables are read in step; the action
	 * ids say so, or the rows would be compared with the wrong ones.
	 */
	own_read_pointer(trigdata->tg_newtable);
	if (updated)
		own_read_pointer(trigdata->tg_oldtable);
	while (tuplestore_gettupleslot(trigdata->tg_newtable, true, false, new_slot))
	{
		ActionState to = read_state(new_slot, &cols);
		ActionState from = {0};
		bool		allowed;

		if (++rows % ROWS_PER_INTERRUPT_CHECK == 0)
			CHECK_FOR_INTERRUPTS();
		if (updated)
		{
			if (!tuplestore_gettupleslot(trigdata->tg_oldtable, true, false, old_slot))
				elog(ERROR, "keep_rollups: an update's transition tables differ in length");
			from = read_state(old_slot, &cols);
			if (from.action_id != to.action_id)
				elog(ERROR, "keep_rollups: an update's transition tables are not in step");
			allowed = push_status_step_allowed(from.status, from.attempts, to.status, to.attempts);
		}
		else
			allowed = push_status_reachable(to.status, to.attempts);
		if (!allowed && refused++ == 0)
		{
			first_from = from;
			first_to = to;
		}
	}
	/* left at the start, for the roll-ups' readers of the active pointer */
	tuplestore_rescan(trigdata->tg_newtable);
	if (updated)
		tuplestore_rescan(trigdata->tg_oldtable);
	ExecDropSingleTupleTableSlot(new_slot);
	if (old_slot != NULL)
		ExecDropSingleTupleTableSlot(old_slot);

	if (refused == 0 || writes_unchecked(trigdata->tg_relation))
		return;
	if (updated)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 first_from.attempts == first_to.attempts
				 ? errmsg("action " INT64_FORMAT " cannot go from %s to %s",
						  first_to.action_id, push_status_names[first_from.status],
						  push_status_names[first_to.status])
				 : errmsg("action " INT64_FORMAT " cannot go from %s with %d attempts to %s with %d attempts",
						  first_to.action_id, push_status_names[first_from.status], first_from.attempts,
						  push_status_names[first_to.status], first_to.attempts),
				 errdetail("%llu of the statement's %llu changed actions take a step the state machine does not allow; it changed nothing.",
						   (unsigned long long) refused, (unsigned long long) rows),
				 errhint("Change actions with record_attempt, record_event and retry (can_transition() lists the steps); to repair data, the owner of push_actions.actions can SET push_actions.unchecked_writes = on.")));
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("action " INT64_FORMAT " cannot start as %s with %d attempts",
					first_to.action_id, push_status_names[first_to.status], first_to.attempts),
			 errdetail("%llu of the statement's %llu actions are where no sequence of the write API's calls leads: scheduled has 0 attempts, attempted 0 to %d, expired any number, every other status at least 1; it wrote nothing.",
					   (unsigned long long) refused, (unsigned long long) rows, LIMIT_ATTEMPTS - 1),
			 errhint("Load each action with the attempts its status needs; to repair data, the owner of push_actions.actions can SET push_actions.unchecked_writes = on.")));
}

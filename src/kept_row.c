/*
 * kept_row.c
 *	  The short path of keep_rollups() for the API's most frequent write:
 *	  one action updated within its message (record_attempt, record_event,
 *	  retry).  Its message and its campaign stripe (with its device
 *	  token's state and the hour of the series it moves) each take one
 *	  parameterised statement, instead of the general statement whose dozens
 *	  of plan nodes are started for every call whatever its size.
 *
 * The short path applies only when the general path would do the same thing
 * in its first statement alone: the action keeps its app, push, campaign,
 * person and creation time, and is not put back to scheduled (which could
 * make its message's first attempt later, and only a re-read can tell).
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "utils/datum.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "delivery_summary.h"
#include "kept_row.h"
#include "kept_statement.h"
#include "kept_stripes.h"
#include "kept_times.h"
#include "kept_tokens.h"
#include "plan_cache.h"
#include "time_moments.h"
#include "trigger_columns.h"

/*
 * The message gains the new row and loses the old one; its rolled-up status
 * before and after come back, to move it between its campaign's counts.
 */
#define MESSAGE_UPDATE_SQL \
	"UPDATE push_actions_internal.messages m" \
	" SET summary = push_actions_internal.kept_summary_minus(m.summary OPERATOR(pg_catalog.+) $7, $8)," \
	"  previous_status = pg_catalog.status(m.summary)," \
	"  first_attempt_at = least(m.first_attempt_at, $6)" \
	" WHERE m.push_id = $2" \
	"  AND m.person = push_actions_internal.message_person($3, $4, $5) COLLATE \"C\"" \
	"  AND m.app_id = $1" \
	" RETURNING m.previous_status, pg_catalog.status(m.summary)"

/*
 * The campaign's stripe gains the row; the first hour the hourly series
 * change in and the token's state are upserted in the same statement (one
 * statement's overhead less per call each), after the stripe as in the
 * general way.  Its parameters: the stripe's six, the series' from $7
 * (TIME_ROW_FIRST), the token's from $17.
 */
#define STRIPE_ROW_PARAMS 6
#define TOKEN_FIRST (TIME_ROW_FIRST + TIME_ROW_PARAMS)
#define ROW_PARAMS (TOKEN_FIRST - 1 + TOKEN_PARAMS)
#define STRIPE_ROW_SQL \
	STRIPE_INSERT "VALUES ($1, $2, push_actions_internal.writer_stripe(), $3, $4, $5, $6)" STRIPE_ON_CONFLICT
#define STRIPE_TOKEN_VALUES "($17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29)"
#define WITH_TIMES "times AS (" TIME_ROW_UPSERT ")"

/* by token write, then whether an hour of the series rides along */
static const char *const stripe_row_sql[][2] = {
	[TOKEN_WRITE_NONE] = {
		STRIPE_ROW_SQL,
		"WITH " WITH_TIMES " " STRIPE_ROW_SQL
	},
	[TOKEN_WRITE_SEEN] = {
		"WITH token AS (" TOKEN_SEEN_UPSERT(STRIPE_TOKEN_VALUES) ") " STRIPE_ROW_SQL,
		"WITH " WITH_TIMES ", token AS (" TOKEN_SEEN_UPSERT(STRIPE_TOKEN_VALUES) ") " STRIPE_ROW_SQL
	},
	[TOKEN_WRITE_OUTCOME] = {
		"WITH token AS (" TOKEN_OUTCOME_UPSERT(STRIPE_TOKEN_VALUES) ") " STRIPE_ROW_SQL,
		"WITH " WITH_TIMES ", token AS (" TOKEN_OUTCOME_UPSERT(STRIPE_TOKEN_VALUES) ") " STRIPE_ROW_SQL
	},
};

/* The columns of actions that make a message and its first action's time. */
enum KeyColumn
{
	KEY_APP,
	KEY_PUSH,
	KEY_CAMPAIGN,
	KEY_PROFILE,
	KEY_DEVICE,
	KEY_CREATED,
	KEY_COLUMNS
};

static const char *const key_column_names[KEY_COLUMNS] = {
	[KEY_APP] = "app_id",
	[KEY_PUSH] = "push_id",
	[KEY_CAMPAIGN] = "campaign_id",
	[KEY_PROFILE] = "profile_id",
	[KEY_DEVICE] = "device_id",
	[KEY_CREATED] = "create_time",
};

/* The only row of a transition table, read without moving other readers. */
static TupleTableSlot *
only_row(Tuplestorestate *rows, TupleDesc desc)
{
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);

	if (!tuplestore_gettupleslot(rows, true, false, slot))
		elog(ERROR, "keep_rollups: a transition table lost its row");
	tuplestore_rescan(rows);
	slot_getallattrs(slot);
	return slot;
}

static bool
same_value(TupleTableSlot *a, TupleTableSlot *b, int attno)
{
	Form_pg_attribute att = TupleDescAttr(a->tts_tupleDescriptor, attno - 1);

	if (a->tts_isnull[attno - 1] || b->tts_isnull[attno - 1])
		return a->tts_isnull[attno - 1] && b->tts_isnull[attno - 1];
	return datum_image_eq(a->tts_values[attno - 1], b->tts_values[attno - 1],
						  att->attbyval, att->attlen);
}

/*
 * A summary that counts one under status with these attempts (an action), or
 * nothing when not counted (a message whose rolled-up status is unknown).
 */
static DeliverySummary *
count_of_one(bool counted, PushStatus status, int16 attempts)
{
	DeliverySummary *s = palloc0(sizeof(DeliverySummary));

	if (counted)
	{
		Assert(push_status_is_valid(status));
		Assert(attempts >= 0);
		s->counts[status] = 1;
		s->attempts = attempts;
	}
	return s;
}

static Oid
summary_type(void)
{
	Oid			schema = get_namespace_oid("push_actions", false);

	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
						   CStringGetDatum("delivery_summary"), ObjectIdGetDatum(schema));
}

/*
 * Whether an update that leaves status and attempts as they were moves the
 * action in the hourly series: to another platform, an ending to another
 * hour, or a moment the owner repaired.
 */
static bool
times_moved(TupleDesc desc, TupleTableSlot *old_row, TupleTableSlot *new_row, PushStatus status)
{
	if (!same_value(old_row, new_row, trigger_column(desc, "platform")))
		return true;
	if (push_status_is_ending(status) && !same_value(old_row, new_row, trigger_column(desc, "updated_at")))
		return true;
	for (int step = 0; step < MOMENT_STEPS; step++)
		if (!same_value(old_row, new_row, trigger_column(desc, moment_columns[step])))
			return true;
	return false;
}

bool
keep_one_row_update(TriggerData *trigdata, int parts)
{
	TupleDesc	desc = RelationGetDescr(trigdata->tg_relation);
	int			attnos[KEY_COLUMNS];
	int			status_attno = trigger_column(desc, "status");
	int			attempts_attno = trigger_column(desc, "attempts");
	TupleTableSlot *old_row;
	TupleTableSlot *new_row;
	PushStatus	old_status;
	PushStatus	new_status;
	int16		old_attempts;
	int16		new_attempts;
	bool		of_push;
	DeliverySummary *plus;
	DeliverySummary *minus;
	bool		joined_known;
	bool		departed_known;
	PushStatus	joined;
	PushStatus	departed;
	Oid			summary_oid;
	bool		eligible;

	if (tuplestore_tuple_count(trigdata->tg_oldtable) != 1 ||
		tuplestore_tuple_count(trigdata->tg_newtable) != 1)
		return false;

	old_row = only_row(trigdata->tg_oldtable, desc);
	new_row = only_row(trigdata->tg_newtable, desc);
	Assert(!old_row->tts_isnull[status_attno - 1] && !new_row->tts_isnull[status_attno - 1]);
	Assert(!old_row->tts_isnull[attempts_attno - 1] && !new_row->tts_isnull[attempts_attno - 1]);
	old_status = DatumGetPushStatus(old_row->tts_values[status_attno - 1]);
	new_status = DatumGetPushStatus(new_row->tts_values[status_attno - 1]);
	old_attempts = DatumGetInt16(old_row->tts_values[attempts_attno - 1]);
	new_attempts = DatumGetInt16(new_row->tts_values[attempts_attno - 1]);
	eligible = !(new_status == PS_SCHEDULED && old_status != PS_SCHEDULED);
	for (int k = 0; k < KEY_COLUMNS; k++)
	{
		attnos[k] = trigger_column(desc, key_column_names[k]);
		eligible = eligible && same_value(old_row, new_row, attnos[k]);
	}
	if (!eligible || (new_status == old_status && new_attempts == old_attempts))
	{
		/*
		 * Not ours, or nothing any roll-up counts has changed; the hourly
		 * series may still move, which the general way sees to.
		 */
		if (eligible && (parts & KEPT_TIMES) && times_moved(desc, old_row, new_row, new_status))
			eligible = false;
		ExecDropSingleTupleTableSlot(old_row);
		ExecDropSingleTupleTableSlot(new_row);
		return eligible;
	}

	plus = count_of_one(true, new_status, new_attempts);
	minus = count_of_one(true, old_status, old_attempts);
	of_push = !new_row->tts_isnull[attnos[KEY_PUSH] - 1];
	summary_oid = summary_type();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	if (!of_push)
	{
		/* an action without a push is its own message */
		joined_known = departed_known = new_status != old_status;
		joined = new_status;
		departed = old_status;
	}
	else
	{
		Oid			types[8];
		Datum		values[8];
		char		nulls[8];
		bool		isnull;

		for (int k = 0; k < KEY_COLUMNS; k++)
		{
			int			i = attnos[k] - 1;

			types[k] = TupleDescAttr(desc, i)->atttypid;
			values[k] = new_row->tts_values[i];
			nulls[k] = new_row->tts_isnull[i] ? 'n' : ' ';
		}
		/* $6, the creation time, is the first attempt's only once attempted */
		if (new_status == PS_SCHEDULED)
			nulls[KEY_CREATED] = 'n';
		types[6] = types[7] = summary_oid;
		values[6] = DeliverySummaryPGetDatum(plus);
		values[7] = DeliverySummaryPGetDatum(minus);
		nulls[6] = nulls[7] = ' ';

		if (SPI_execute_plan(plan_cache_get(MESSAGE_UPDATE_SQL, 8, types), values, nulls, false, 0)
			!= SPI_OK_UPDATE_RETURNING)
			elog(ERROR, "keep_rollups: updating the message failed");
		if (SPI_processed == 0)
			report_out_of_step(1);
		Assert(SPI_processed == 1);
		departed = DatumGetPushStatus(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		departed_known = !isnull;
		joined = DatumGetPushStatus(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
		joined_known = !isnull;
		if (joined_known && departed_known && joined == departed)
			joined_known = departed_known = false;
	}

	{
		int			app = attnos[KEY_APP] - 1;
		int			campaign = attnos[KEY_CAMPAIGN] - 1;
		Oid			types[ROW_PARAMS] = {
			TupleDescAttr(desc, app)->atttypid, TupleDescAttr(desc, campaign)->atttypid,
			summary_oid, summary_oid, summary_oid, summary_oid
		};
		Datum		values[ROW_PARAMS] = {
			new_row->tts_values[app], new_row->tts_values[campaign],
			DeliverySummaryPGetDatum(plus), DeliverySummaryPGetDatum(minus),
			DeliverySummaryPGetDatum(count_of_one(joined_known, joined, 0)),
			DeliverySummaryPGetDatum(count_of_one(departed_known, departed, 0))
		};
		char		nulls[ROW_PARAMS] = {
			' ', new_row->tts_isnull[campaign] ? 'n' : ' ', ' ', ' ', ' ', ' '
		};
		TokenWrite	token = TOKEN_WRITE_NONE;
		TimeRow		time_rows[TIME_ROWS_MAX];
		int			hours = 0;
		int			nparams = STRIPE_ROW_PARAMS;

		if (parts & KEPT_TIMES)
			hours = time_rows_of_update(desc, old_row, new_row, time_rows);
		if (parts & KEPT_TOKENS)
			token = token_observation(desc, old_row, new_row,
									  values + TOKEN_FIRST - 1, nulls + TOKEN_FIRST - 1);
		if (hours > 0 || token != TOKEN_WRITE_NONE)
		{
			/* the series' parameters come before the token's: NULL when no hour rides */
			time_row_types(types + TIME_ROW_FIRST - 1);
			memset(nulls + TIME_ROW_FIRST - 1, 'n', TIME_ROW_PARAMS);
			if (hours > 0)
			{
				memcpy(values + TIME_ROW_FIRST - 1, time_rows[0].values, sizeof(time_rows[0].values));
				memcpy(nulls + TIME_ROW_FIRST - 1, time_rows[0].nulls, sizeof(time_rows[0].nulls));
			}
			nparams = TOKEN_FIRST - 1;
		}
		if (token != TOKEN_WRITE_NONE)
		{
			memcpy(types + TOKEN_FIRST - 1, token_param_types, sizeof(token_param_types));
			nparams = ROW_PARAMS;
		}
		if (SPI_execute_plan(plan_cache_get(stripe_row_sql[token][hours > 0], nparams, types),
							 values, nulls, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "keep_rollups: counting into the campaign's stripe failed");
		if (hours > 1)
			keep_time_rows(desc, new_row, time_rows + 1, hours - 1);
	}

	SPI_finish();
	ExecDropSingleTupleTableSlot(old_row);
	ExecDropSingleTupleTableSlot(new_row);
	return true;
}

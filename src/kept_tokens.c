/*
 * kept_tokens.c
 *	  The device tokens' kept state (kept_tokens.h) written one token at a
 *	  time: by the trigger's short way (one action updated), by a device's
 *	  registration; and made again or checked from the live actions.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "kept_tokens.h"
#include "plan_cache.h"
#include "provider_errors.h"
#include "push_status.h"
#include "trigger_columns.h"

const Oid	token_param_types[TOKEN_PARAMS] = {
	INT8OID, TEXTOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID,
	TEXTOID, TEXTOID, INT8OID, TIMESTAMPTZOID, TEXTOID, TIMESTAMPTZOID
};


/* The live actions, each seen as it is now: only finished failures count. */
#define LIVE_ACTIONS "SELECT " TOKEN_SOURCE_COLUMNS("a", "false") " FROM push_actions.actions a"

#define REBUILD_SQL \
	"WITH token_observations AS NOT MATERIALIZED (" TOKEN_OBSERVATIONS(LIVE_ACTIONS) ") " \
	TOKEN_UPSERT(TOKEN_STATES)

/* What a state says of itself made true: dead exactly while its kills say so. */
#define SETTLE_SQL \
	"UPDATE push_actions_internal.device_tokens k SET dead_since = " TOKEN_DEAD_SINCE("k", "k") \
	" WHERE k.dead_since IS DISTINCT FROM " TOKEN_DEAD_SINCE("k", "k")

/*
 * Tokens whose kept state does not account for the live actions (merging
 * what they say changes it), or contradicts itself.  The count of failures
 * is left out: it follows every attempt, which the actions keep only the
 * last of.
 */
#define TOKEN_JSON(k) \
	"jsonb_build_object('first_seen_at', " k ".first_seen_at, 'registered_at', " k ".registered_at," \
	" 'last_success_at', " k ".last_success_at, 'last_failure_at', " k ".last_failure_at," \
	" 'last_error_code', " k ".last_error_code, 'last_error_class', " k ".last_error_class," \
	" 'failures_since_success', " k ".failures_since_success, 'gone_at', " k ".gone_at," \
	" 'dead_reason', " k ".dead_reason, 'dead_since', " k ".dead_since)"
#define VERIFY_SQL \
	"WITH token_observations AS NOT MATERIALIZED (" TOKEN_OBSERVATIONS(LIVE_ACTIONS) "), r AS (" TOKEN_STATES ")" \
	" SELECT CASE WHEN k.app_id IS NULL THEN 'missing' ELSE 'behind' END, r.app_id, r.platform::text, r.device_token::text," \
	"  CASE WHEN k.app_id IS NOT NULL THEN " TOKEN_JSON("k") " END, " TOKEN_JSON("r") \
	" FROM r LEFT JOIN push_actions_internal.device_tokens k" \
	"  ON k.app_id = r.app_id AND k.platform = r.platform AND k.device_token = r.device_token" \
	" LEFT JOIN LATERAL (SELECT " TOKEN_MERGE_SELECT("k", "r") ") m ON true" \
	" WHERE k.app_id IS NULL" \
	"  OR (m." TOKEN_CHECKED_COLUMNS_M ") IS DISTINCT FROM (k." TOKEN_CHECKED_COLUMNS_K ")" \
	" UNION ALL" \
	" SELECT 'inconsistent', k.app_id, k.platform::text, k.device_token::text, " TOKEN_JSON("k") ", NULL" \
	" FROM push_actions_internal.device_tokens k" \
	" WHERE k.dead_since IS DISTINCT FROM " TOKEN_DEAD_SINCE("k", "k") \
	"  OR k.dead_since > k.gone_at OR (k.gone_at IS NULL) <> (k.dead_reason IS NULL)" \
	"  OR (k.last_failure_at IS NULL) <> (k.last_error_class IS NULL)" \
	"  OR k.failures_since_success < 0" \
	"  OR (k.failures_since_success > 0 AND k.last_failure_at IS NULL)" \
	" ORDER BY 1, 2, 3, 4"
#define TOKEN_CHECKED_COLUMNS_M \
	"first_seen_at, m.registered_at, m.last_success_at, m.last_failure_at, m.last_error_code, m.last_error_class," \
	" m.gone_at, m.dead_reason, m.dead_since"
#define TOKEN_CHECKED_COLUMNS_K \
	"first_seen_at, k.registered_at, k.last_success_at, k.last_failure_at, k.last_error_code, k.last_error_class," \
	" k.gone_at, k.dead_reason, k.dead_since"

#define APP_WRITABLE_SQL \
	"SELECT push_actions_internal.app_visible(a.app_id) FROM push_actions.apps a WHERE a.app_id = $1"

#define TOKEN_UPSERT_VALUES "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
#define TOKEN_ROW_SQL TOKEN_OUTCOME_UPSERT(TOKEN_UPSERT_VALUES) " RETURNING t.dead_since IS NULL"

/* Upserts one token's state; returns whether the token is alive after. */
static bool
upsert_token(Datum *values, char *nulls)
{
	bool		isnull;
	bool		alive;

	if (SPI_execute_plan(plan_cache_get(TOKEN_ROW_SQL, TOKEN_PARAMS, (Oid *) token_param_types),
						 values, nulls, false, 0) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "keep_rollups: keeping the device token's state failed");
	Assert(SPI_processed == 1);
	alive = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	Assert(!isnull);
	return alive;
}

/*
 * The rules of TOKEN_OBSERVATIONS (kept_tokens.h) for one updated action:
 * success, failure (an error status, or attempted with one more attempt),
 * kill (bounced, or an error gone or invalid) dated by the provider's moment.
 */
TokenWrite
token_observation(TupleDesc desc, TupleTableSlot *old_row, TupleTableSlot *new_row,
				  Datum *values, char *nulls)
{
	bool		isnull;
	Datum		token = trigger_value(desc, new_row, "device_token", &isnull);
	PushStatus	status;
	bool		tried;
	bool		success;
	bool		failure;
	TimestampTz updated_at;

	if (isnull)
		return TOKEN_WRITE_NONE;
	memset(nulls, 'n', TOKEN_PARAMS);
	values[TP_TOKEN] = token;
	nulls[TP_TOKEN] = ' ';
	values[TP_APP] = trigger_value(desc, new_row, "app_id", &isnull);
	nulls[TP_APP] = ' ';
	values[TP_PLATFORM] = trigger_value(desc, new_row, "platform", &isnull);
	nulls[TP_PLATFORM] = ' ';
	values[TP_FIRST_SEEN] = trigger_value(desc, new_row, "create_time", &isnull);
	nulls[TP_FIRST_SEEN] = ' ';
	updated_at = DatumGetTimestampTz(trigger_value(desc, new_row, "updated_at", &isnull));

	status = DatumGetPushStatus(trigger_value(desc, new_row, "status", &isnull));
	tried = DatumGetInt16(trigger_value(desc, new_row, "attempts", &isnull)) >
		DatumGetInt16(trigger_value(desc, old_row, "attempts", &isnull));
	success = push_status_is_success(status);
	failure = push_status_is_error(status) || (status == PS_ATTEMPTED && tried);
	values[TP_FAILURES] = Int64GetDatum(failure ? 1 : 0);
	nulls[TP_FAILURES] = ' ';
	if (success)
	{
		values[TP_LAST_SUCCESS] = TimestampTzGetDatum(updated_at);
		nulls[TP_LAST_SUCCESS] = ' ';
	}
	if (failure)
	{
		bool		code_null;
		bool		message_null;
		Datum		code = trigger_value(desc, new_row, "error_code", &code_null);
		Datum		message = trigger_value(desc, new_row, "error_message", &message_null);
		text	   *code_text = code_null ? NULL : DatumGetTextPP(code);
		text	   *message_text = message_null ? NULL : DatumGetTextPP(message);
		const char *code_data = code_text ? VARDATA_ANY(code_text) : NULL;
		int			code_len = code_text ? VARSIZE_ANY_EXHDR(code_text) : 0;
		const char *message_data = message_text ? VARDATA_ANY(message_text) : NULL;
		int			message_len = message_text ? VARSIZE_ANY_EXHDR(message_text) : 0;
		ProviderErrorClass class = provider_error_class(code_data, code_len, message_data, message_len);

		values[TP_LAST_FAILURE] = TimestampTzGetDatum(updated_at);
		nulls[TP_LAST_FAILURE] = ' ';
		values[TP_ERROR_CODE] = code;
		nulls[TP_ERROR_CODE] = code_null ? 'n' : ' ';
		values[TP_ERROR_CLASS] = CStringGetTextDatum(provider_error_class_name(class));
		nulls[TP_ERROR_CLASS] = ' ';
		if (status == PS_BOUNCED || class == ERROR_CLASS_gone || class == ERROR_CLASS_invalid)
		{
			TimestampTz kill_at;

			if (!provider_gone_time(code_data, code_len, message_data, message_len, &kill_at))
				kill_at = updated_at;
			values[TP_GONE] = values[TP_DEAD_SINCE] = TimestampTzGetDatum(kill_at);
			nulls[TP_GONE] = nulls[TP_DEAD_SINCE] = ' ';
			values[TP_DEAD_REASON] = CStringGetTextDatum(class == ERROR_CLASS_invalid ? "invalid" : "gone");
			nulls[TP_DEAD_REASON] = ' ';
		}
	}
	Assert(!(success && failure));
	return success || failure ? TOKEN_WRITE_OUTCOME : TOKEN_WRITE_SEEN;
}

/*
 * push_actions_internal.keep_token_registration(app_id bigint, platform text,
 * device_token text, registered_at timestamptz) -> boolean: a device's
 * registration of its token, merged into the token's state; whether the
 * token is alive after it.
 */
PG_FUNCTION_INFO_V1(keep_token_registration);
Datum
keep_token_registration(PG_FUNCTION_ARGS)
{
	Datum		values[TOKEN_PARAMS];
	char		nulls[TOKEN_PARAMS];
	bool		alive;
	Oid			actions = RangeVarGetRelid(makeRangeVar("push_actions", "actions", -1), NoLock, false);
	Oid			types[1] = {INT8OID};
	bool		isnull;

	/* the role the call is for: the caller of this SECURITY DEFINER function */
	if (pg_class_aclcheck(actions, GetOuterUserId(), ACL_INSERT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to register device tokens"),
				 errhint("Roles that may insert into push_actions.actions may register tokens.")));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* an app the caller may not see is one that does not exist (apps_roles.sql) */
	if (SPI_execute_plan(plan_cache_get(APP_WRITABLE_SQL, 1, types), &fcinfo->args[0].value, NULL, true, 1)
		!= SPI_OK_SELECT)
		elog(ERROR, "register_device_token: reading the app failed");
	if (SPI_processed == 0 ||
		!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("app %lld does not exist", (long long) PG_GETARG_INT64(0))));

	memset(nulls, 'n', sizeof(nulls));
	values[TP_APP] = PG_GETARG_DATUM(0);
	values[TP_PLATFORM] = PG_GETARG_DATUM(1);
	values[TP_TOKEN] = PG_GETARG_DATUM(2);
	values[TP_FIRST_SEEN] = values[TP_REGISTERED] = PG_GETARG_DATUM(3);
	values[TP_FAILURES] = Int64GetDatum(0);
	nulls[TP_APP] = nulls[TP_PLATFORM] = nulls[TP_TOKEN] = nulls[TP_FIRST_SEEN] = ' ';
	nulls[TP_REGISTERED] = nulls[TP_FAILURES] = ' ';
	alive = upsert_token(values, nulls);
	SPI_finish();
	PG_RETURN_BOOL(alive);
}

/*
 * push_actions_internal.merge_live_device_tokens() -> bigint: what every live
 * action says, merged into the kept states, each then made to agree with
 * itself; the tokens the actions wrote.
 */
PG_FUNCTION_INFO_V1(merge_live_device_tokens);
Datum
merge_live_device_tokens(PG_FUNCTION_ARGS)
{
	uint64		n;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(REBUILD_SQL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "merging the live actions into the device tokens failed");
	n = SPI_processed;
	if (SPI_execute(SETTLE_SQL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "settling the device tokens' states failed");
	SPI_finish();
	PG_RETURN_INT64((int64) n);
}

/*
 * push_actions_internal.device_tokens_check() -> text: the query that
 * verify_device_tokens() runs, written beside the merge it checks.
 */
PG_FUNCTION_INFO_V1(device_tokens_check);
Datum
device_tokens_check(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(VERIFY_SQL));
}

/*
 * kept_tokens.h
 *	  The device tokens' kept state (push_actions_internal.device_tokens,
 *	  sql/src/tokens_tables.sql): what each written action tells about its
 *	  token, and how two states of one token merge.  The merge is written
 *	  once here, for the trigger's two ways (kept_statement.c, kept_row.c),
 *	  the rebuild and the check (kept_tokens.c).  What one action says is
 *	  written here for statements, and again in C for the one-row short way
 *	  (token_observation() in kept_tokens.c, which needs no plan per call):
 *	  a change to TOKEN_FAILURE or the kill rule below must be made there too.
 *
 * A token's state is a history, not a roll-up of the live actions: deleting
 * actions (purge, delete_push) takes nothing from it, so a token stays dead
 * after the failure that killed it is gone.  Every field merges by max or
 * min of moments, so states merge the same in any order; only the count of
 * failures since the last success follows the order writes commit in.
 */
#ifndef KEPT_TOKENS_H
#define KEPT_TOKENS_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "executor/tuptable.h"

/* One token's state as the parameters of an upsert, in the table's column order. */
typedef enum TokenParam
{
	TP_APP,
	TP_PLATFORM,
	TP_TOKEN,
	TP_FIRST_SEEN,
	TP_REGISTERED,
	TP_LAST_SUCCESS,
	TP_LAST_FAILURE,
	TP_ERROR_CODE,
	TP_ERROR_CLASS,
	TP_FAILURES,
	TP_GONE,
	TP_DEAD_REASON,
	TP_DEAD_SINCE,
	TOKEN_PARAMS
} TokenParam;

extern const Oid token_param_types[TOKEN_PARAMS];

/* What one updated action makes its token's state take. */
typedef enum TokenWrite
{
	TOKEN_WRITE_NONE,			/* nothing: the action has no token */
	TOKEN_WRITE_SEEN,			/* the token, only when not known yet */
	TOKEN_WRITE_OUTCOME			/* a success or failure, merged in */
} TokenWrite;

/*
 * What one action updated by a statement (old_row, new_row) says about its
 * token: the state in values and nulls (TOKEN_PARAMS of each), and how
 * the upsert below takes it.
 */
extern TokenWrite token_observation(TupleDesc desc, TupleTableSlot *old_row, TupleTableSlot *new_row,
									Datum *values, char *nulls);

/*
 * The upserts of one such state, values being its parameters' VALUES list:
 * TOKEN_WRITE_OUTCOME's, TOKEN_WRITE_SEEN's.  The trigger's short way runs
 * them as a CTE of a statement it runs anyway.
 */
#define TOKEN_ROW_COLUMNS "app_id, platform, device_token, " TOKEN_STATE_COLUMNS
#define TOKEN_ROW_INSERT(values) \
	"INSERT INTO push_actions_internal.device_tokens AS t (" TOKEN_ROW_COLUMNS ")" \
	" VALUES " values " ON CONFLICT (app_id, platform, device_token) DO "
#define TOKEN_OUTCOME_UPSERT(values) TOKEN_ROW_INSERT(values) "UPDATE SET " TOKEN_MERGE_SET("t", "excluded")
#define TOKEN_SEEN_UPSERT(values) TOKEN_ROW_INSERT(values) "NOTHING"

/*
 * The columns of an observation's source rows: an action with a token, and
 * "tried": whether this write recorded a send attempt of it.
 */
#define TOKEN_SOURCE_COLUMNS(r, tried) \
	r ".app_id, " r ".platform, " r ".device_token, " r ".create_time, " r ".updated_at, " r ".status, " \
	r ".error_code, " r ".error_message, " tried " AS tried"

/*
 * What each source row says.  A failure is a failed or bounced action, or an
 * attempt that failed and will be tried again (attempted, and this write
 * counted an attempt).  A failure kills the token when the action bounced or
 * the provider's error says the token is gone or invalid; it does so from
 * the moment the provider gives (APNs's timestamp), else from the failure's.
 */
#define TOKEN_FAILURE \
	"(r.status OPERATOR(pg_catalog.=) ANY (push_actions_internal.statuses('error'))" \
	" OR (r.status OPERATOR(pg_catalog.=) 'attempted' AND r.tried))"
#define TOKEN_CLASS \
	"CASE WHEN " TOKEN_FAILURE " THEN push_actions.error_class(r.error_code, r.error_message) END"
#define TOKEN_OBSERVATIONS(source) \
	"SELECT r.app_id, r.platform COLLATE \"C\" AS platform, r.device_token COLLATE \"C\" AS device_token," \
	"  r.create_time, r.updated_at," \
	"  r.status OPERATOR(pg_catalog.=) ANY (push_actions_internal.statuses('success')) AS success," \
	"  " TOKEN_FAILURE " AS failure, r.error_code, " TOKEN_CLASS " AS class," \
	"  coalesce(" TOKEN_FAILURE " AND (r.status OPERATOR(pg_catalog.=) 'bounced'" \
	"   OR " TOKEN_CLASS " = ANY ('{gone,invalid}')), false) AS kill," \
	"  coalesce(push_actions_internal.provider_error_time(r.error_code, r.error_message), r.updated_at) AS kill_at," \
	"  CASE WHEN " TOKEN_CLASS " = 'invalid' THEN 'invalid' ELSE 'gone' END AS kill_reason" \
	" FROM (" source ") r WHERE r.device_token IS NOT NULL"

/* The state's columns, in the table's order after its key. */
#define TOKEN_STATE_COLUMNS \
	"first_seen_at, registered_at, last_success_at, last_failure_at, last_error_code, last_error_class," \
	" failures_since_success, gone_at, dead_reason, dead_since"

/*
 * The observations (a CTE named token_observations, read three times) made
 * one state per token: the token's state as if they were all it had seen.
 * The latest failure's code and the latest kill's reason are each read from
 * the few rows that have one, not sorted within every token's group.
 */
#define TOKEN_STATES \
	"SELECT d.app_id, d.platform, d.device_token, d.first_seen_at, NULL::timestamptz AS registered_at," \
	"  d.last_success_at, d.last_failure_at, f.error_code AS last_error_code, f.class AS last_error_class," \
	"  CASE WHEN d.last_success_at IS NULL OR d.first_failure_at > d.last_success_at THEN d.failures" \
	"   WHEN d.last_failure_at > d.last_success_at THEN 1 ELSE 0 END AS failures_since_success," \
	"  d.gone_at, k.kill_reason AS dead_reason," \
	"  CASE WHEN d.gone_at > coalesce(d.last_success_at, '-infinity') THEN" \
	"   CASE WHEN d.first_gone_at > coalesce(d.last_success_at, '-infinity') THEN d.first_gone_at ELSE d.gone_at END" \
	"  END AS dead_since" \
	" FROM (SELECT o.app_id, o.platform, o.device_token, min(o.create_time) AS first_seen_at," \
	"   max(o.updated_at) FILTER (WHERE o.success) AS last_success_at," \
	"   max(o.updated_at) FILTER (WHERE o.failure) AS last_failure_at," \
	"   min(o.updated_at) FILTER (WHERE o.failure) AS first_failure_at," \
	"   count(*) FILTER (WHERE o.failure) AS failures," \
	"   max(o.kill_at) FILTER (WHERE o.kill) AS gone_at," \
	"   min(o.kill_at) FILTER (WHERE o.kill) AS first_gone_at" \
	"  FROM token_observations o GROUP BY 1, 2, 3) d" \
	" LEFT JOIN (SELECT DISTINCT ON (o.app_id, o.platform, o.device_token) o.app_id, o.platform, o.device_token," \
	"   o.error_code, o.class FROM token_observations o WHERE o.failure" \
	"   ORDER BY o.app_id, o.platform, o.device_token, o.updated_at DESC) f" \
	"  ON f.app_id = d.app_id AND f.platform = d.platform AND f.device_token = d.device_token" \
	" LEFT JOIN (SELECT DISTINCT ON (o.app_id, o.platform, o.device_token) o.app_id, o.platform, o.device_token," \
	"   o.kill_reason FROM token_observations o WHERE o.kill" \
	"   ORDER BY o.app_id, o.platform, o.device_token, o.kill_at DESC) k" \
	"  ON k.app_id = d.app_id AND k.platform = d.platform AND k.device_token = d.device_token"

/*
 * Two states of one token, k and e, merged: X(column, expression) for each
 * column.  A token is dead while the
 * latest kill is later than both its latest success and its latest
 * registration; dead since the earliest kill after those.
 */
#define TOKEN_ALIVE_MARK(k, e) \
	"coalesce(greatest(" k ".last_success_at, " e ".last_success_at, " k ".registered_at, " e ".registered_at), '-infinity')"
#define TOKEN_DEAD_SINCE(k, e) \
	"CASE WHEN greatest(" k ".gone_at, " e ".gone_at) > " TOKEN_ALIVE_MARK(k, e) \
	" THEN coalesce(least(CASE WHEN " k ".dead_since > " TOKEN_ALIVE_MARK(k, e) " THEN " k ".dead_since END," \
	"  CASE WHEN " e ".dead_since > " TOKEN_ALIVE_MARK(k, e) " THEN " e ".dead_since END)," \
	"  greatest(" k ".gone_at, " e ".gone_at)) END"
#define TOKEN_MERGED(k, e, X) \
	X("first_seen_at", "least(" k ".first_seen_at, " e ".first_seen_at)") ", " \
	X("registered_at", "greatest(" k ".registered_at, " e ".registered_at)") ", " \
	X("last_success_at", "greatest(" k ".last_success_at, " e ".last_success_at)") ", " \
	X("last_failure_at", "greatest(" k ".last_failure_at, " e ".last_failure_at)") ", " \
	X("last_error_code", "CASE WHEN " e ".last_failure_at > coalesce(" k ".last_failure_at, '-infinity')" \
	  " THEN " e ".last_error_code ELSE " k ".last_error_code END") ", " \
	X("last_error_class", "CASE WHEN " e ".last_failure_at > coalesce(" k ".last_failure_at, '-infinity')" \
	  " THEN " e ".last_error_class ELSE " k ".last_error_class END") ", " \
	X("failures_since_success", \
	  "CASE WHEN " e ".last_success_at > coalesce(" k ".last_success_at, '-infinity') THEN " e ".failures_since_success" \
	  " WHEN " e ".last_failure_at > coalesce(" k ".last_success_at, '-infinity')" \
	  " THEN " k ".failures_since_success + " e ".failures_since_success" \
	  " ELSE " k ".failures_since_success END") ", " \
	X("gone_at", "greatest(" k ".gone_at, " e ".gone_at)") ", " \
	X("dead_reason", "CASE WHEN " e ".gone_at > coalesce(" k ".gone_at, '-infinity')" \
	  " THEN " e ".dead_reason ELSE " k ".dead_reason END") ", " \
	X("dead_since", TOKEN_DEAD_SINCE(k, e))
#define TOKEN_SET_ITEM(column, expression) column " = " expression
#define TOKEN_SELECT_ITEM(column, expression) expression " AS " column
/* "column = expression, ..." for ON CONFLICT DO UPDATE */
#define TOKEN_MERGE_SET(k, e) TOKEN_MERGED(k, e, TOKEN_SET_ITEM)
/* "expression AS column, ..." for a SELECT */
#define TOKEN_MERGE_SELECT(k, e) TOKEN_MERGED(k, e, TOKEN_SELECT_ITEM)

/*
 * The states upserted in key order (so that statements sharing tokens wait
 * for each other rather than deadlock).  A state that only says the token
 * was seen is skipped when the token is known since then: sends to known
 * tokens write nothing here, and concurrent pushes to one audience do not
 * queue on its tokens.
 */
#define TOKEN_UPSERT(states) \
	"INSERT INTO push_actions_internal.device_tokens AS t (app_id, platform, device_token, " TOKEN_STATE_COLUMNS ")" \
	" SELECT s.* FROM (" states ") s" \
	" WHERE s.last_success_at IS NOT NULL OR s.last_failure_at IS NOT NULL OR s.registered_at IS NOT NULL" \
	"  OR NOT EXISTS (SELECT FROM push_actions_internal.device_tokens x" \
	"   WHERE x.app_id = s.app_id AND x.platform = s.platform AND x.device_token = s.device_token" \
	"    AND x.first_seen_at <= s.first_seen_at)" \
	" ORDER BY s.app_id, s.platform, s.device_token" \
	" ON CONFLICT (app_id, platform, device_token) DO UPDATE SET " TOKEN_MERGE_SET("t", "excluded")

#endif							/* KEPT_TOKENS_H */

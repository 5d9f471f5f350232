/*
 * listing_api.c
 *	  list_push_devices(jsonb) and explain_push_devices(jsonb): authenticate,
 *	  run the compiled query through SPI, and build the answer in one pass.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "listing.h"
#include "plan_cache.h"
#include "push_status.h"

static void
push_key(JsonbParseState **st, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	pushJsonbValue(st, WJB_KEY, &k);
}

static void
push_int(JsonbParseState **st, JsonbIteratorToken tok, int64 value)
{
	JsonbValue	v;

	v.type = jbvNumeric;
	v.val.numeric = int64_to_numeric(value);
	pushJsonbValue(st, tok, &v);
}

static void
push_string(JsonbParseState **st, JsonbIteratorToken tok, const char *s, int len)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) s;
	v.val.string.len = len;
	pushJsonbValue(st, tok, &v);
}

static void
push_bool(JsonbParseState **st, JsonbIteratorToken tok, bool b)
{
	JsonbValue	v;

	v.type = jbvBool;
	v.val.boolean = b;
	pushJsonbValue(st, tok, &v);
}

static void
push_null(JsonbParseState **st, JsonbIteratorToken tok)
{
	JsonbValue	v;

	v.type = jbvNull;
	pushJsonbValue(st, tok, &v);
}

/* {"code":N,"success":false,"message":"..."} */
static Jsonb *
error_answer(int code, const char *message)
{
	JsonbParseState *st = NULL;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	push_key(&st, "code");
	push_int(&st, WJB_VALUE, code);
	push_key(&st, "success");
	push_bool(&st, WJB_VALUE, false);
	push_key(&st, "message");
	push_string(&st, WJB_VALUE, message, strlen(message));
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
}

/* The app a token belongs to (apps_tokens.sql says how); false when none. */
static bool
lookup_app(const char *token, int64 *app_id)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(token)};
	bool		isnull;

	SPIPlanPtr	plan = plan_cache_get("SELECT push_actions.app_for_token($1)", 1, argtypes);

	if (SPI_execute_plan(plan, args, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not look up the app token");
	*app_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	return !isnull;
}

/*
 * Unix seconds, rounded down, of a finite timestamptz (timestamptz_to_time_t
 * rounds toward zero, which would move instants before 2000 a second later).
 */
static int64
unix_seconds(TimestampTz t)
{
	int64		secs = t / USECS_PER_SEC;

	if (t % USECS_PER_SEC < 0)
		secs--;
	return secs + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
}

static void
push_column(JsonbParseState **st, const ListColumn *col, Datum d, Oid type)
{
	switch (col->kind)
	{
		case COL_INT:
			push_int(st, WJB_VALUE, type == INT2OID ? DatumGetInt16(d) :
					 type == INT4OID ? DatumGetInt32(d) : DatumGetInt64(d));
			break;
		case COL_TEXT:
			{
				text	   *t = DatumGetTextPP(d);

				push_string(st, WJB_VALUE, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
				break;
			}
		case COL_TIME:
			if (TIMESTAMP_NOT_FINITE(DatumGetTimestampTz(d)))
				push_null(st, WJB_VALUE);
			else
				push_int(st, WJB_VALUE, unix_seconds(DatumGetTimestampTz(d)));
			break;
		case COL_STATUS:
			{
				PushStatus	s = push_status_stored(d);

				push_string(st, WJB_VALUE, push_status_names[s], strlen(push_status_names[s]));
				break;
			}
		case COL_ERROR:
			push_int(st, WJB_VALUE, DatumGetBool(d) ? 1 : 0);
			break;
	}
}

/* {"code":200,"success":true,"data":[{...}, ...]} from the SPI result. */
static Jsonb *
rows_answer(const ListRequest *req)
{
	JsonbParseState *st = NULL;
	TupleDesc	desc = SPI_tuptable->tupdesc;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	push_key(&st, "code");
	push_int(&st, WJB_VALUE, 200);
	push_key(&st, "success");
	push_bool(&st, WJB_VALUE, true);
	push_key(&st, "data");
	pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[r];

		pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
		for (int i = 0; i < req->nselect; i++)
		{
			bool		isnull;
			Datum		d = SPI_getbinval(tuple, desc, i + 1, &isnull);

			push_key(&st, req->select[i]->name);
			if (isnull)
				push_null(&st, WJB_VALUE);
			else
				push_column(&st, req->select[i], d, TupleDescAttr(desc, i)->atttypid);
		}
		pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(&st, WJB_END_ARRAY, NULL);
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
}

/*
 * Validates and authenticates a request and compiles its query.  False with
 * err filled (400 or 401) when the request is refused.  Must run inside SPI.
 */
static bool
prepare_request(Jsonb *request, ListRequest *req, ListQuery *query, ListError *err)
{
	bool		valid = listing_parse_request(request, req, err);
	int64		app_id;

	/* authentication first: a bad request with a bad token is a 401 */
	if (!valid && (err->code == 401 || req->apptoken == NULL))
		return false;
	if (!lookup_app(req->apptoken, &app_id))
	{
		err->code = 401;
		err->message = "invalid apptoken";
		return false;
	}
	if (!valid)
		return false;
	listing_build_query(req, app_id, query);
	return true;
}

static Datum answer_request(Jsonb *request);

PG_FUNCTION_INFO_V1(list_push_devices);
Datum
list_push_devices(PG_FUNCTION_ARGS)
{
	return answer_request(PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0));
}

/*
 * The same request as text, as clients bind strings (pgjdbc's setString is
 * varchar): text that is not JSON is answered as any request that is not an
 * object is, never with an SQL error.
 */
PG_FUNCTION_INFO_V1(list_push_devices_text);
Datum
list_push_devices_text(PG_FUNCTION_ARGS)
{
	Jsonb	   *request = NULL;

	if (!PG_ARGISNULL(0))
	{
		text	   *body = PG_GETARG_TEXT_PP(0);
		char	   *str = text_to_cstring(body);

		if (json_text_is_valid(str, strlen(str)))
			request = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
	}
	return answer_request(request);
}

static Datum
answer_request(Jsonb *request)
{
	ListRequest req;
	ListQuery	query;
	ListError	err;
	Jsonb	   *answer;
	Datum		result;

	SPI_connect();
	if (!prepare_request(request, &req, &query, &err))
		answer = error_answer(err.code, err.message);
	else
	{
		SPIPlanPtr	plan = plan_cache_get(query.sql.data, query.nparams, query.types);

		if (SPI_execute_plan(plan, query.values, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "push-devices query failed");
		answer = rows_answer(&req);
	}
	result = SPI_datumTransfer(JsonbPGetDatum(answer), false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(explain_push_devices);
Datum
explain_push_devices(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Jsonb	   *request = PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0);
	bool		analyze = !PG_ARGISNULL(1) && PG_GETARG_BOOL(1);
	ListRequest req;
	ListQuery	query;
	ListError	err;
	char	   *explain;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	SPI_connect();
	if (!prepare_request(request, &req, &query, &err))
		ereport(ERROR,
				(errcode(err.code == 401 ? ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION
						 : ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", err.message),
				 errhint("list_push_devices() answers this request with code %d.", err.code)));
	explain = psprintf("EXPLAIN (%s) %s", analyze ? "ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF" : "COSTS OFF",
					   query.sql.data);
	if (SPI_execute_with_args(explain, query.nparams, query.types, query.values, NULL, false, 0) < 0)
		elog(ERROR, "EXPLAIN of the push-devices query failed");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull = false;
		Datum		line = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull);

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &line, &isnull);
	}
	SPI_finish();
	return (Datum) 0;
}

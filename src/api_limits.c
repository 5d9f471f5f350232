/*
 * api_limits.c
 *	  The limits of api_limits.h, as SQL sees them.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "api_limits.h"

typedef struct ApiLimit
{
	const char *name;
	int64		value;
	const char *what;
} ApiLimit;

#define PUSH_ACTIONS_LIMIT_ROW(id, name, value, what) {name, value, what},
static const ApiLimit limits[] = {
	PUSH_ACTIONS_LIMITS(PUSH_ACTIONS_LIMIT_ROW)
};
#undef PUSH_ACTIONS_LIMIT_ROW

PG_FUNCTION_INFO_V1(push_actions_limits);
PG_FUNCTION_INFO_V1(push_actions_limit_value);

/* push_actions.limits() -> TABLE (name text, value bigint, description text) */
Datum
push_actions_limits(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (size_t i = 0; i < lengthof(limits); i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(limits[i].name);
		values[1] = Int64GetDatum(limits[i].value);
		values[2] = CStringGetTextDatum(limits[i].what);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* push_actions_internal.limit_value(name text) -> bigint */
Datum
push_actions_limit_value(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));

	for (size_t i = 0; i < lengthof(limits); i++)
	{
		if (strcmp(limits[i].name, name) == 0)
			PG_RETURN_INT64(limits[i].value);
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("push_actions has no limit named \"%s\"", name)));
}

/*
 * store_vocabulary.c
 *	  The platforms an action may name, and what each one's provider needs
 *	  and reports, written once: the CHECK constraint of actions, create_push,
 *	  the device tokens and push_info read them through
 *	  push_actions_internal.platforms(), token_platforms() and
 *	  delivery_report_platforms() (sql/src/store_vocabulary.sql).
 *
 * In C rather than as SQL functions: the CHECK constraint evaluates its
 * expression once per statement, and a SQL function called there is parsed
 * and planned each time (a sixth of a one-row update's time); an immutable C
 * function folds to the same constant array for the planner, so index
 * predicates and queries that call these still match.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

typedef struct Platform
{
	const char *name;
	bool		needs_token;	/* its provider (APNs, FCM, Web Push) sends to a device token */
	bool		reports_delivery;	/* its devices report delivery (Pushy: Android and Electron) */
} Platform;

static const Platform platforms[] = {
	{"android", true, true},
	{"ios", true, false},
	{"web", true, false},
	{"electron", true, true},
	{"huawei", false, false},
	{"macos", false, false},
	{"windows", false, false},
	{"other", false, false},
};

typedef enum PlatformSet
{
	PLATFORMS_ALL,
	PLATFORMS_NEEDING_TOKEN,
	PLATFORMS_REPORTING_DELIVERY
} PlatformSet;

static Datum
platform_names(PlatformSet set)
{
	Datum		names[lengthof(platforms)];
	int			n = 0;

	for (size_t k = 0; k < lengthof(platforms); k++)
		if (set == PLATFORMS_ALL ||
			(set == PLATFORMS_NEEDING_TOKEN && platforms[k].needs_token) ||
			(set == PLATFORMS_REPORTING_DELIVERY && platforms[k].reports_delivery))
			names[n++] = CStringGetTextDatum(platforms[k].name);
	Assert(n > 0);
	return PointerGetDatum(construct_array(names, n, TEXTOID, -1, false, TYPALIGN_INT));
}

PG_FUNCTION_INFO_V1(platforms_all);
Datum
platforms_all(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(platform_names(PLATFORMS_ALL));
}

PG_FUNCTION_INFO_V1(platforms_needing_token);
Datum
platforms_needing_token(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(platform_names(PLATFORMS_NEEDING_TOKEN));
}

PG_FUNCTION_INFO_V1(platforms_reporting_delivery);
Datum
platforms_reporting_delivery(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(platform_names(PLATFORMS_REPORTING_DELIVERY));
}

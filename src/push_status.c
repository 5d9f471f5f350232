/*
 * push_status.c
 *	  Text and binary I/O, comparison, hashing and the state machine of
 *	  push_status.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/builtins.h"

#include "api_limits.h"
#include "push_status.h"

const char *const push_status_names[PUSH_STATUS_COUNT] = {
	"scheduled", "attempted", "sent", "delivered", "opened",
	"converted", "failed", "bounced", "expired"
};

/*
 * The lifecycle of one action.  failed -> attempted is part of the machine,
 * but only retry() takes it; record_event() refuses it by its own rule.
 */
static const bool transitions[PUSH_STATUS_COUNT][PUSH_STATUS_COUNT] = {
	/* to: sch    att    sent   deliv  open   conv   fail   bounce expire */
	[PS_SCHEDULED] = {false, true, false, false, false, false, false, false, true},
	[PS_ATTEMPTED] = {false, true, true, false, false, false, true, true, true},
	[PS_SENT] = {false, false, false, true, true, true, true, true, true},
	[PS_DELIVERED] = {false, false, false, false, true, true, false, false, false},
	[PS_OPENED] = {false, false, false, false, false, true, false, false, false},
	[PS_CONVERTED] = {false},
	[PS_FAILED] = {false, true, false, false, false, false, false, false, false},
	[PS_BOUNCED] = {false},
	[PS_EXPIRED] = {false},
};

bool
push_status_parse(const char *str, PushStatus *result)
{
	for (int i = 0; i < PUSH_STATUS_COUNT; i++)
	{
		if (pg_strcasecmp(str, push_status_names[i]) == 0)
		{
			*result = (PushStatus) i;
			return true;
		}
	}
	return false;
}

const char *
push_status_valid_list(void)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < PUSH_STATUS_COUNT; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", push_status_names[i]);
	return buf.data;
}

bool
push_status_can_transition(PushStatus from, PushStatus to)
{
	return transitions[from][to];
}

/*
 * Whether some sequence of the write API's calls leaves an action in this
 * status with this many attempts: create_push starts it scheduled or
 * attempted with 0, each send attempt adds one, and every status past
 * attempted but expired needs a send attempt behind it.  attempted is left
 * at the last attempt (failed), and expired can end any unfinished one.
 */
bool
push_status_reachable(PushStatus status, int attempts)
{
	if (attempts < 0 || attempts > LIMIT_ATTEMPTS)
		return false;
	switch (status)
	{
		case PS_SCHEDULED:
			return attempts == 0;
		case PS_ATTEMPTED:
			return attempts < LIMIT_ATTEMPTS;
		case PS_EXPIRED:
			return true;
		default:
			return attempts >= 1;
	}
}

/*
 * Whether one step takes an action from (from, from_tries) to (to,
 * to_tries): a send attempt (one more attempt, from scheduled or attempted,
 * as record_attempt counts it) or a transition of the machine above with
 * the attempts kept (record_event, retry, ...); an action is left
 * attempted only below the last attempt.  Staying where it is is allowed,
 * so that other columns can change, even for a row loaded before the
 * machine held on every write.  From a reachable state every allowed step
 * leads to a reachable one.
 */
bool
push_status_step_allowed(PushStatus from, int from_tries, PushStatus to, int to_tries)
{
	if (from == to && from_tries == to_tries)
		return true;
	if (to == PS_ATTEMPTED && to_tries >= LIMIT_ATTEMPTS)
		return false;
	if (to_tries == from_tries + 1)
		return (from == PS_SCHEDULED || from == PS_ATTEMPTED) &&
			(to == PS_ATTEMPTED || to == PS_SENT || to == PS_FAILED || to == PS_BOUNCED);
	return to_tries == from_tries && transitions[from][to];
}

/* Rejects a byte that is not a status; the binary path can carry any value. */
static inline PushStatus
checked_status(int value)
{
	if (!push_status_is_valid(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid push_status value %d", value),
				 errdetail("Binary push_status values range from 0 to %d.",
						   PUSH_STATUS_COUNT - 1)));
	return (PushStatus) value;
}

PG_FUNCTION_INFO_V1(push_status_in);
Datum
push_status_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	PushStatus	result;

	if (!push_status_parse(str, &result))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"",
						"push_status", str),
				 errhint("Valid values are: %s.", push_status_valid_list())));
	PG_RETURN_PUSH_STATUS(result);
}

PG_FUNCTION_INFO_V1(push_status_out);
Datum
push_status_out(PG_FUNCTION_ARGS)
{
	PushStatus	s = checked_status(PG_GETARG_PUSH_STATUS(0));

	PG_RETURN_CSTRING(pstrdup(push_status_names[s]));
}

PG_FUNCTION_INFO_V1(push_status_recv);
Datum
push_status_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	/*
	 * Checked here so a short or long value is reported as a bad push_status,
	 * not as the protocol error pq_getmsgbyte would raise.
	 */
	if (buf->len - buf->cursor != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary push_status of %d bytes", buf->len - buf->cursor),
				 errdetail("A binary push_status is one byte.")));
	PG_RETURN_PUSH_STATUS(checked_status(pq_getmsgbyte(buf)));
}

PG_FUNCTION_INFO_V1(push_status_send);
Datum
push_status_send(PG_FUNCTION_ARGS)
{
	PushStatus	s = PG_GETARG_PUSH_STATUS(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, (uint8) s);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

#define PUSH_STATUS_CMP_FUNC(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(PG_GETARG_PUSH_STATUS(0) op PG_GETARG_PUSH_STATUS(1)); \
}

PUSH_STATUS_CMP_FUNC(push_status_eq, ==)
PUSH_STATUS_CMP_FUNC(push_status_ne, !=)
PUSH_STATUS_CMP_FUNC(push_status_lt, <)
PUSH_STATUS_CMP_FUNC(push_status_le, <=)
PUSH_STATUS_CMP_FUNC(push_status_gt, >)
PUSH_STATUS_CMP_FUNC(push_status_ge, >=)

PG_FUNCTION_INFO_V1(push_status_cmp);
Datum
push_status_cmp(PG_FUNCTION_ARGS)
{
	int			a = PG_GETARG_PUSH_STATUS(0);
	int			b = PG_GETARG_PUSH_STATUS(1);

	PG_RETURN_INT32(a - b);
}

PG_FUNCTION_INFO_V1(push_status_hash);
Datum
push_status_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_PUSH_STATUS(0));
}

PG_FUNCTION_INFO_V1(push_status_hash_extended);
Datum
push_status_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_PUSH_STATUS(0),
								(uint64) PG_GETARG_INT64(1));
}

PG_FUNCTION_INFO_V1(push_status_is_final_fn);
Datum
push_status_is_final_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(push_status_is_final(PG_GETARG_PUSH_STATUS(0)));
}

PG_FUNCTION_INFO_V1(push_status_is_success_fn);
Datum
push_status_is_success_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(push_status_is_success(PG_GETARG_PUSH_STATUS(0)));
}

PG_FUNCTION_INFO_V1(push_status_can_transition_fn);
Datum
push_status_can_transition_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(push_status_can_transition(PG_GETARG_PUSH_STATUS(0),
											  PG_GETARG_PUSH_STATUS(1)));
}

/* Support for min()/max(): the earlier or later status in the lifecycle. */
PG_FUNCTION_INFO_V1(push_status_smaller);
Datum
push_status_smaller(PG_FUNCTION_ARGS)
{
	PG_RETURN_PUSH_STATUS(Min(PG_GETARG_PUSH_STATUS(0), PG_GETARG_PUSH_STATUS(1)));
}

PG_FUNCTION_INFO_V1(push_status_larger);
Datum
push_status_larger(PG_FUNCTION_ARGS)
{
	PG_RETURN_PUSH_STATUS(Max(PG_GETARG_PUSH_STATUS(0), PG_GETARG_PUSH_STATUS(1)));
}

/*
 * The named groups of statuses that SQL needs (index predicates, views, the
 * API's queries).  They are written only here: SQL reads them through
 * push_actions_internal.statuses(kind), which the planner folds to a
 * constant array, so an index predicate and a query using the same call match.
 */
typedef struct StatusKind
{
	const char *name;
	bool		(*member) (PushStatus s);
} StatusKind;

static const StatusKind status_kinds[] = {
	{"error", push_status_is_error},
	{"success", push_status_is_success},
	{"unfinished", push_status_is_unfinished},
	{"awaiting_delivery", push_status_is_awaiting_delivery},
	{"device_event", push_status_is_device_event},
	{"ending", push_status_is_ending},
};

PG_FUNCTION_INFO_V1(push_status_kind_members);
Datum
push_status_kind_members(PG_FUNCTION_ARGS)
{
	char	   *kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Oid			array_type = get_fn_expr_rettype(fcinfo->flinfo);
	Oid			elem_type = OidIsValid(array_type) ? get_element_type(array_type) : InvalidOid;
	Datum		members[PUSH_STATUS_COUNT];

	if (!OidIsValid(elem_type))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("could not determine the push_status array type")));
	for (size_t k = 0; k < lengthof(status_kinds); k++)
	{
		int			n = 0;

		if (strcmp(kind, status_kinds[k].name) != 0)
			continue;
		for (int s = 0; s < PUSH_STATUS_COUNT; s++)
			if (status_kinds[k].member((PushStatus) s))
				members[n++] = PushStatusGetDatum(s);
		Assert(n > 0);
		PG_RETURN_ARRAYTYPE_P(construct_array(members, n, elem_type, 1, true, TYPALIGN_CHAR));
	}
	{
		StringInfoData names;

		initStringInfo(&names);
		for (size_t k = 0; k < lengthof(status_kinds); k++)
			appendStringInfo(&names, "%s%s", k > 0 ? ", " : "", status_kinds[k].name);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown status kind \"%s\"", kind),
				 errhint("Status kinds are: %s.", names.data)));
	}
	PG_RETURN_NULL();			/* not reached */
}

/*
 * push_status.c
 *	  Text and binary I/O, comparison, hashing and the state machine of
 *	  push_status.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

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

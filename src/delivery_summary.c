/*
 * delivery_summary.c
 *	  The delivery_summary type: JSON text form, binary form, merging,
 *	  equality, the roll-up rule and the functions analysts call on it.
 */
#include "postgres.h"

#include <ctype.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "compat.h"
#include "delivery_summary.h"

#define SUMMARY_FIELDS (PUSH_STATUS_COUNT + 1)
#define ATTEMPTS_FIELD PUSH_STATUS_COUNT

/* The JSON keys in output order: the statuses in lifecycle order, then attempts. */
static const char *
field_name(int field)
{
	return field == ATTEMPTS_FIELD ? "attempts" : push_status_names[field];
}

static inline int64 *
field_ptr(DeliverySummary *s, int field)
{
	return field == ATTEMPTS_FIELD ? &s->attempts : &s->counts[field];
}

/* The keys of the text form, for hints: the status names, then attempts. */
static const char *
valid_keys(void)
{
	return psprintf("%s, attempts", push_status_valid_list());
}

void
delivery_summary_add_into(DeliverySummary *a, const DeliverySummary *b)
{
	for (int i = 0; i < PUSH_STATUS_COUNT; i++)
	{
		if (unlikely(pg_add_s64_overflow(a->counts[i], b->counts[i], &a->counts[i])))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("delivery_summary count of \"%s\" is out of range", push_status_names[i])));
	}
	if (unlikely(pg_add_s64_overflow(a->attempts, b->attempts, &a->attempts)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("delivery_summary count of \"attempts\" is out of range")));
}

/*
 * The message status across a person's devices (Customer.io semantics):
 * converted wins; anything unfinished keeps the message scheduled (when all
 * are) or attempted; then the furthest success; then expired when all
 * expired, bounced when all bounced or expired, else failed.
 */
bool
delivery_summary_rollup(const DeliverySummary *s, PushStatus *result)
{
	const int64 *c = s->counts;

	if (c[PS_CONVERTED] > 0)
		*result = PS_CONVERTED;
	else if (c[PS_SCHEDULED] > 0 || c[PS_ATTEMPTED] > 0)
	{
		bool		only_scheduled = true;

		for (int i = PS_ATTEMPTED; i < PUSH_STATUS_COUNT; i++)
			if (c[i] > 0)
				only_scheduled = false;
		*result = only_scheduled ? PS_SCHEDULED : PS_ATTEMPTED;
	}
	else if (c[PS_OPENED] > 0)
		*result = PS_OPENED;
	else if (c[PS_DELIVERED] > 0)
		*result = PS_DELIVERED;
	else if (c[PS_SENT] > 0)
		*result = PS_SENT;
	else if (c[PS_FAILED] > 0)
		*result = PS_FAILED;
	else if (c[PS_BOUNCED] > 0)
		*result = PS_BOUNCED;
	else if (c[PS_EXPIRED] > 0)
		*result = PS_EXPIRED;
	else
		return false;
	return true;
}

static inline void
skip_space(const char **p)
{
	while (isspace((unsigned char) **p))
		(*p)++;
}

PA_NORETURN
static void
syntax_error(const char *input, const char *detail_fmt, const char *arg)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "delivery_summary", input),
			 errdetail_internal(detail_fmt, arg),
			 errhint("Use a JSON object with integer values for the keys %s.", valid_keys())));
}

/* Reads a quoted key; keys never need escapes, so a backslash just fails to match. */
static char *
read_key(const char **p, const char *input)
{
	const char *start;

	if (**p != '"')
		syntax_error(input, "Expected a quoted key at \"%s\".", *p);
	start = ++(*p);
	while (**p != '"')
	{
		if (**p == '\0')
			syntax_error(input, "Unterminated key \"%s\".", start);
		(*p)++;
	}
	return pnstrdup(start, (*p)++ - start);
}

/* Reads a non-negative JSON integer that fits in bigint. */
static int64
read_count(const char **p, const char *input, const char *key)
{
	const char *start = *p;
	int64		value = 0;

	if (**p == '-')
	{
		const char *q = *p + 1;

		while (isdigit((unsigned char) *q))
			q++;
		if (q > *p + 1 && !(*q == '.' || *q == 'e' || *q == 'E'))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value of key \"%s\" is negative in delivery_summary: \"%s\"", key, input),
					 errdetail("Counts must be between 0 and 9223372036854775807.")));
	}
	if (!isdigit((unsigned char) **p))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", "delivery_summary", input),
				 errdetail("The value of key \"%s\" is not a non-negative integer.", key)));
	if (**p == '0' && isdigit((unsigned char) (*p)[1]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", "delivery_summary", input),
				 errdetail("The value of key \"%s\" has a leading zero.", key)));
	while (isdigit((unsigned char) **p))
	{
		if (unlikely(pg_mul_s64_overflow(value, 10, &value) ||
					 pg_add_s64_overflow(value, **p - '0', &value)))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value of key \"%s\" is out of range for type delivery_summary: \"%s\"", key, input),
					 errdetail("Counts must be between 0 and 9223372036854775807.")));
		(*p)++;
	}
	if (**p == '.' || **p == 'e' || **p == 'E')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", "delivery_summary", input),
				 errdetail("The value of key \"%s\" is not an integer: \"%.*s\".", key,
						   (int) strspn(start, "0123456789.eE+-"), start)));
	return value;
}

static int
find_field(const char *key)
{
	for (int i = 0; i < SUMMARY_FIELDS; i++)
		if (strcmp(key, field_name(i)) == 0)
			return i;
	return -1;
}

PG_FUNCTION_INFO_V1(delivery_summary_in);
Datum
delivery_summary_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	DeliverySummary *result = palloc0(sizeof(DeliverySummary));
	bool		seen[SUMMARY_FIELDS] = {false};

	skip_space(&p);
	if (*p != '{')
		syntax_error(input, "%s", "Expected a JSON object.");
	p++;
	skip_space(&p);
	if (*p != '}')
	{
		for (;;)
		{
			char	   *key;
			int			field;

			skip_space(&p);
			key = read_key(&p, input);
			field = find_field(key);
			if (field < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid input syntax for type %s: \"%s\"", "delivery_summary", input),
						 errdetail("Unknown key \"%s\".", key),
						 errhint("Valid keys are: %s.", valid_keys())));
			if (seen[field])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid input syntax for type %s: \"%s\"", "delivery_summary", input),
						 errdetail("Key \"%s\" appears more than once.", key)));
			seen[field] = true;
			skip_space(&p);
			if (*p != ':')
				syntax_error(input, "Expected \":\" after key \"%s\".", key);
			p++;
			skip_space(&p);
			*field_ptr(result, field) = read_count(&p, input, key);
			skip_space(&p);
			if (*p == ',')
			{
				p++;
				continue;
			}
			if (*p == '}')
				break;
			syntax_error(input, "Expected \",\" or \"}\" after the value of key \"%s\".", key);
		}
	}
	p++;
	skip_space(&p);
	if (*p != '\0')
		syntax_error(input, "Unexpected text after the object: \"%s\".", p);
	PG_RETURN_DELIVERY_SUMMARY_P(result);
}

/* The canonical text form: every key, lifecycle order, no spaces. */
static char *
summary_to_cstring(const DeliverySummary *s)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int i = 0; i < SUMMARY_FIELDS; i++)
		appendStringInfo(&buf, "%s\"%s\":" INT64_FORMAT, i > 0 ? "," : "",
						 field_name(i), *field_ptr((DeliverySummary *) s, i));
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

PG_FUNCTION_INFO_V1(delivery_summary_out);
Datum
delivery_summary_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(summary_to_cstring(PG_GETARG_DELIVERY_SUMMARY_P(0)));
}

PG_FUNCTION_INFO_V1(delivery_summary_recv);
Datum
delivery_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	DeliverySummary *result;

	/* as in push_status_recv: name the type, not the protocol */
	if (buf->len - buf->cursor != SUMMARY_FIELDS * (int) sizeof(int64))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary delivery_summary of %d bytes", buf->len - buf->cursor),
				 errdetail("A binary delivery_summary is %d big-endian 8-byte integers: the %d counts, then attempts.", SUMMARY_FIELDS, PUSH_STATUS_COUNT)));
	result = palloc(sizeof(DeliverySummary));
	for (int i = 0; i < SUMMARY_FIELDS; i++)
	{
		int64		v = pq_getmsgint64(buf);

		if (v < 0)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value of key \"%s\" is negative in binary delivery_summary", field_name(i)),
					 errdetail("Counts must be between 0 and 9223372036854775807.")));
		*field_ptr(result, i) = v;
	}
	PG_RETURN_DELIVERY_SUMMARY_P(result);
}

PG_FUNCTION_INFO_V1(delivery_summary_send);
Datum
delivery_summary_send(PG_FUNCTION_ARGS)
{
	DeliverySummary *s = PG_GETARG_DELIVERY_SUMMARY_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	for (int i = 0; i < SUMMARY_FIELDS; i++)
		pq_sendint64(&buf, *field_ptr(s, i));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(delivery_summary_to_jsonb);
Datum
delivery_summary_to_jsonb(PG_FUNCTION_ARGS)
{
	char	   *text = summary_to_cstring(PG_GETARG_DELIVERY_SUMMARY_P(0));

	return DirectFunctionCall1(jsonb_in, CStringGetDatum(text));
}

PG_FUNCTION_INFO_V1(delivery_summary_eq);
Datum
delivery_summary_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(memcmp(PG_GETARG_DELIVERY_SUMMARY_P(0), PG_GETARG_DELIVERY_SUMMARY_P(1),
						  sizeof(DeliverySummary)) == 0);
}

PG_FUNCTION_INFO_V1(delivery_summary_ne);
Datum
delivery_summary_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(memcmp(PG_GETARG_DELIVERY_SUMMARY_P(0), PG_GETARG_DELIVERY_SUMMARY_P(1),
						  sizeof(DeliverySummary)) != 0);
}

PG_FUNCTION_INFO_V1(delivery_summary_status);
Datum
delivery_summary_status(PG_FUNCTION_ARGS)
{
	PushStatus	result;

	if (!delivery_summary_rollup(PG_GETARG_DELIVERY_SUMMARY_P(0), &result))
		PG_RETURN_NULL();
	PG_RETURN_PUSH_STATUS(result);
}

/* Sum of all counts; 22003 if it leaves bigint. */
static int64
summary_total(const DeliverySummary *s)
{
	int64		total = 0;

	for (int i = 0; i < PUSH_STATUS_COUNT; i++)
		if (unlikely(pg_add_s64_overflow(total, s->counts[i], &total)))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("delivery_summary total is out of range for type bigint")));
	return total;
}

PG_FUNCTION_INFO_V1(delivery_summary_total);
Datum
delivery_summary_total(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(summary_total(PG_GETARG_DELIVERY_SUMMARY_P(0)));
}

PG_FUNCTION_INFO_V1(delivery_summary_status_count);
Datum
delivery_summary_status_count(PG_FUNCTION_ARGS)
{
	DeliverySummary *s = PG_GETARG_DELIVERY_SUMMARY_P(0);
	PushStatus	status = push_status_stored(PG_GETARG_DATUM(1));

	PG_RETURN_INT64(s->counts[status]);
}

PG_FUNCTION_INFO_V1(delivery_summary_pending);
Datum
delivery_summary_pending(PG_FUNCTION_ARGS)
{
	DeliverySummary *s = PG_GETARG_DELIVERY_SUMMARY_P(0);
	int64		result;

	if (unlikely(pg_add_s64_overflow(s->counts[PS_SCHEDULED], s->counts[PS_ATTEMPTED], &result)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("delivery_summary pending count is out of range for type bigint")));
	PG_RETURN_INT64(result);
}

/* 100 x (failed + bounced) / total, NULL when there is nothing to divide by. */
PG_FUNCTION_INFO_V1(delivery_summary_error_rate);
Datum
delivery_summary_error_rate(PG_FUNCTION_ARGS)
{
	DeliverySummary *s = PG_GETARG_DELIVERY_SUMMARY_P(0);
	int64		total = summary_total(s);

	if (total == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * ((double) s->counts[PS_FAILED] + (double) s->counts[PS_BOUNCED]) /
					 (double) total);
}

/*
 * a - b, field by field.  A summary counts things, so a result below zero is
 * an error, not a value: it means b counted something a never did.  For the
 * kept roll-ups that is their being out of step with the actions, and the
 * error says what to do about it.
 */
static DeliverySummary *
subtract(const DeliverySummary *a, const DeliverySummary *b, bool kept)
{
	DeliverySummary *result = palloc(sizeof(DeliverySummary));

	for (int field = 0; field < SUMMARY_FIELDS; field++)
	{
		int64		have = *field_ptr(unconstify(DeliverySummary *, a), field);
		int64		take = *field_ptr(unconstify(DeliverySummary *, b), field);

		if (unlikely(take > have))
		{
			if (kept)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("the kept roll-ups of table \"actions\" are out of step"),
						 errdetail("A message's kept \"%s\" is " INT64_FORMAT ", but its changed actions took away " INT64_FORMAT ".",
								   field_name(field), have, take),
						 errhint("push_actions.verify_rollups() lists the differences; push_actions.rebuild_rollups() rebuilds them.")));
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("delivery_summary subtraction would make \"%s\" negative", field_name(field)),
					 errdetail("The left summary counts " INT64_FORMAT ", the right one " INT64_FORMAT ".",
							   have, take)));
		}
		*field_ptr(result, field) = have - take;
	}
	return result;
}

PG_FUNCTION_INFO_V1(delivery_summary_minus);
Datum
delivery_summary_minus(PG_FUNCTION_ARGS)
{
	PG_RETURN_DELIVERY_SUMMARY_P(subtract(PG_GETARG_DELIVERY_SUMMARY_P(0),
										  PG_GETARG_DELIVERY_SUMMARY_P(1), false));
}

/* The same, for the trigger that keeps the roll-ups (src/kept_statement.c). */
PG_FUNCTION_INFO_V1(kept_summary_minus);
Datum
kept_summary_minus(PG_FUNCTION_ARGS)
{
	PG_RETURN_DELIVERY_SUMMARY_P(subtract(PG_GETARG_DELIVERY_SUMMARY_P(0),
										  PG_GETARG_DELIVERY_SUMMARY_P(1), true));
}

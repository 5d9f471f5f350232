/*
 * provider_errors.c
 *	  The table of provider_errors.h: a code's class, a message's class, and
 *	  the table itself as SQL sees them.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "provider_errors.h"

typedef struct ProviderError
{
	const char *provider;
	const char *code;
	int			http_status;
	ProviderErrorClass class;
	bool		in_message;
	const char *meaning;
} ProviderError;

#define PROVIDER_ERROR_ROW(provider, code, status, class, in_message, meaning) \
	{provider, code, status, ERROR_CLASS_##class, in_message, meaning},
static const ProviderError provider_errors[] = {
	PROVIDER_ERRORS(PROVIDER_ERROR_ROW)
};
#undef PROVIDER_ERROR_ROW

#define PROVIDER_ERROR_CLASS_NAME(name) #name,
static const char *const class_names[] = {
	PROVIDER_ERROR_CLASSES(PROVIDER_ERROR_CLASS_NAME)
};
#undef PROVIDER_ERROR_CLASS_NAME

const char *
provider_error_class_name(ProviderErrorClass class)
{
	Assert(class >= 0 && class < ERROR_CLASS_COUNT);
	return class_names[class];
}

/* Whether code, of len bytes, is entry's code; exactly, or in any case. */
static bool
code_is(const ProviderError *entry, const char *code, int len, bool any_case)
{
	if ((int) strlen(entry->code) != len)
		return false;
	return any_case ? pg_strncasecmp(entry->code, code, len) == 0 : strncmp(entry->code, code, len) == 0;
}

static bool
is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Whether word appears in text (len bytes) in any case, not inside a longer word. */
static bool
has_word(const char *text, int len, const char *word)
{
	int			wlen = strlen(word);

	for (int at = 0; at + wlen <= len; at++)
	{
		if ((at > 0 && is_word_char(text[at - 1])) || (at + wlen < len && is_word_char(text[at + wlen])))
			continue;
		if (pg_strncasecmp(text + at, word, wlen) == 0)
			return true;
	}
	return false;
}

ProviderErrorClass
provider_error_class(const char *code, int code_len, const char *message, int message_len)
{
	if (code != NULL)
	{
		/* an exact match first: a provider's codes differ from another's only in case */
		for (int any_case = 0; any_case <= 1; any_case++)
			for (size_t i = 0; i < lengthof(provider_errors); i++)
				if (code_is(&provider_errors[i], code, code_len, any_case))
					return provider_errors[i].class;
	}
	if (message != NULL)
	{
		for (ProviderErrorClass class = 0; class < ERROR_CLASS_unknown; class++)
		{
			CHECK_FOR_INTERRUPTS();
			for (size_t i = 0; i < lengthof(provider_errors); i++)
				if (provider_errors[i].class == class && provider_errors[i].in_message
					&& has_word(message, message_len, provider_errors[i].code))
					return class;
		}
	}
	return ERROR_CLASS_unknown;
}

/*
 * push_actions.error_class(error_code text, error_message text): what a
 * provider's error means for the token, from its code, else its message.
 */
PG_FUNCTION_INFO_V1(provider_error_class_sql);
Datum
provider_error_class_sql(PG_FUNCTION_ARGS)
{
	text	   *code = PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0);
	text	   *message = PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1);
	ProviderErrorClass class;

	class = provider_error_class(code ? VARDATA_ANY(code) : NULL, code ? VARSIZE_ANY_EXHDR(code) : 0,
								 message ? VARDATA_ANY(message) : NULL, message ? VARSIZE_ANY_EXHDR(message) : 0);
	PG_RETURN_TEXT_P(cstring_to_text(provider_error_class_name(class)));
}

/*
 * The moment a provider says the token stopped being valid, in milliseconds
 * since 1970, from APNs's answer to a token gone ({"reason": "Unregistered",
 * "timestamp": 1700000000000}) passed as the message; -1 when the message
 * carries none.  Only the digits are read, so any JSON spacing works.
 */
static int64
apns_timestamp_ms(const char *message, int len)
{
	static const char key[] = "\"timestamp\"";
	int			klen = sizeof(key) - 1;

	for (int at = 0; at + klen <= len; at++)
	{
		int64		ms = 0;
		int			digits = 0;
		int			p;

		if (strncmp(message + at, key, klen) != 0)
			continue;
		p = at + klen;
		while (p < len && (message[p] == ' ' || message[p] == '\t' || message[p] == ':' || message[p] == '"'))
			p++;
		/* 15 digits reach the year 33658: enough, and no overflow */
		while (p < len && message[p] >= '0' && message[p] <= '9' && digits < 15)
			ms = ms * 10 + (message[p++] - '0'), digits++;
		if (digits > 0 && (p == len || message[p] < '0' || message[p] > '9'))
			return ms;
	}
	return -1;
}

bool
provider_gone_time(const char *code, int code_len, const char *message, int message_len, TimestampTz *at)
{
	int64		ms;

	if (message == NULL ||
		provider_error_class(code, code_len, message, message_len) != ERROR_CLASS_gone)
		return false;
	ms = apns_timestamp_ms(message, message_len);
	if (ms < 0)
		return false;
	/* Unix milliseconds to PostgreSQL's microseconds since 2000 */
	*at = (TimestampTz) ms * 1000 - (TimestampTz) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
	return true;
}

/*
 * push_actions_internal.provider_error_time(error_code text, error_message
 * text) -> timestamptz: provider_gone_time() for SQL, NULL when none.
 */
PG_FUNCTION_INFO_V1(provider_error_time);
Datum
provider_error_time(PG_FUNCTION_ARGS)
{
	text	   *code = PG_ARGISNULL(0) ? NULL : PG_GETARG_TEXT_PP(0);
	text	   *message = PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1);
	TimestampTz at;

	if (message == NULL ||
		!provider_gone_time(code ? VARDATA_ANY(code) : NULL, code ? VARSIZE_ANY_EXHDR(code) : 0,
							VARDATA_ANY(message), VARSIZE_ANY_EXHDR(message), &at))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(at);
}

/*
 * push_actions.provider_errors() -> TABLE (provider text, code text,
 * http_status integer, class text, in_messages boolean, meaning text)
 */
PG_FUNCTION_INFO_V1(provider_errors_sql);
Datum
provider_errors_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (size_t i = 0; i < lengthof(provider_errors); i++)
	{
		const ProviderError *e = &provider_errors[i];
		Datum		values[6];
		bool		nulls[6] = {false, false, e->http_status == 0, false, false, false};

		values[0] = CStringGetTextDatum(e->provider);
		values[1] = CStringGetTextDatum(e->code);
		values[2] = Int32GetDatum(e->http_status);
		values[3] = CStringGetTextDatum(provider_error_class_name(e->class));
		values[4] = BoolGetDatum(e->in_message);
		values[5] = CStringGetTextDatum(e->meaning);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

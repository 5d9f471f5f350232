/*
 * events_token.c
 *	  The proof that a device report comes from a push the app sent: the
 *	  delivery token is an HMAC-SHA256 of the action's delivery id under a
 *	  secret key the database keeps per app, so nobody without the key can
 *	  make a token for another delivery id.
 */
#include "postgres.h"

#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "fmgr.h"
#include "utils/builtins.h"

#include "compat.h"

#define APP_KEY_BYTES		32	/* a 256-bit HMAC key */
#define TOKEN_BYTES			16	/* 128 bits of the HMAC, 32 hex digits */
#define TOKEN_HEX_DIGITS	(2 * TOKEN_BYTES)

static const char hex_digits[] = "0123456789abcdef";

static void
check_key(const bytea *key)
{
	if (VARSIZE_ANY_EXHDR(key) != APP_KEY_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an app key is %d bytes, not %d", APP_KEY_BYTES, (int) VARSIZE_ANY_EXHDR(key))));
}

/* The token of a delivery id, as lowercase hex, into out[TOKEN_HEX_DIGITS]. */
static void
token_hex(const bytea *key, const text *delivery_id, char *out)
{
	uint8		mac[PG_SHA256_DIGEST_LENGTH];
	pg_hmac_ctx *ctx = pg_hmac_create(PG_SHA256);

	if (ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (pg_hmac_init(ctx, (const uint8 *) VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key)) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) VARDATA_ANY(delivery_id), VARSIZE_ANY_EXHDR(delivery_id)) < 0 ||
		pg_hmac_final(ctx, mac, sizeof(mac)) < 0)
	{
		const char *reason = pstrdup(pg_hmac_error(ctx));

		pg_hmac_free(ctx);
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute a delivery token: %s", reason)));
	}
	pg_hmac_free(ctx);
	for (int i = 0; i < TOKEN_BYTES; i++)
	{
		Assert(2 * i + 1 < TOKEN_HEX_DIGITS);
		out[2 * i] = hex_digits[mac[i] >> 4];
		out[2 * i + 1] = hex_digits[mac[i] & 0x0f];
	}
}

PG_FUNCTION_INFO_V1(delivery_token_make);
Datum
delivery_token_make(PG_FUNCTION_ARGS)
{
	bytea	   *key = PG_GETARG_BYTEA_PP(0);
	text	   *delivery_id = PG_GETARG_TEXT_PP(1);
	char		token[TOKEN_HEX_DIGITS];

	check_key(key);
	token_hex(key, delivery_id, token);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(token, TOKEN_HEX_DIGITS));
}

/*
 * Whether a token is the delivery id's, compared in time that does not
 * depend on where they differ, so the answer's timing tells a forger nothing.
 */
PG_FUNCTION_INFO_V1(delivery_token_matches);
Datum
delivery_token_matches(PG_FUNCTION_ARGS)
{
	bytea	   *key = PG_GETARG_BYTEA_PP(0);
	text	   *delivery_id = PG_GETARG_TEXT_PP(1);
	text	   *given = PG_GETARG_TEXT_PP(2);
	const char *given_digits = VARDATA_ANY(given);
	char		expected[TOKEN_HEX_DIGITS];
	uint8		difference = 0;

	check_key(key);
	if (VARSIZE_ANY_EXHDR(given) != TOKEN_HEX_DIGITS)
		PG_RETURN_BOOL(false);
	token_hex(key, delivery_id, expected);
	for (int i = 0; i < TOKEN_HEX_DIGITS; i++)
		difference |= (uint8) (expected[i] ^ given_digits[i]);
	PG_RETURN_BOOL(difference == 0);
}

PG_FUNCTION_INFO_V1(delivery_random_key);
Datum
delivery_random_key(PG_FUNCTION_ARGS)
{
	bytea	   *key = palloc(VARHDRSZ + APP_KEY_BYTES);

	SET_VARSIZE(key, VARHDRSZ + APP_KEY_BYTES);
	if (!pg_strong_random(VARDATA(key), APP_KEY_BYTES))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate an app key")));
	PG_RETURN_BYTEA_P(key);
}

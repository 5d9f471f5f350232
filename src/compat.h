/*
 * compat.h
 *	  The one place where the supported PostgreSQL versions (15, 17, 18)
 *	  differ for this extension's C code.
 */
#ifndef PUSH_ACTIONS_COMPAT_H
#define PUSH_ACTIONS_COMPAT_H

#include "postgres.h"

/*
 * A function that never returns.  PostgreSQL 18 replaced
 * pg_attribute_noreturn() with pg_noreturn (C11's _Noreturn), which must
 * come first in the declaration; written first, both forms work.
 */
#if PG_VERSION_NUM >= 180000
#define PA_NORETURN pg_noreturn
#else
#define PA_NORETURN pg_attribute_noreturn()
#endif

/*
 * The varlena macros (VARDATA, VARSIZE_ANY_EXHDR, ...) left postgres.h for
 * varatt.h in PostgreSQL 16.
 */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * This backend's slot among the server's live backends, unique while it
 * runs: MyBackendId (from 1) until PostgreSQL 17 renamed it MyProcNumber
 * (from 0).
 */
#if PG_VERSION_NUM >= 170000
#include "storage/procnumber.h"
#define PA_BACKEND_SLOT() ((int32) MyProcNumber)
#else
#include "storage/backendid.h"
#define PA_BACKEND_SLOT() ((int32) MyBackendId)
#endif

/*
 * Whether text is JSON that jsonb takes, found without raising an error:
 * the lexer returns its error instead.  PostgreSQL 17 made the caller own
 * the lexer's context.
 */
#include "common/jsonapi.h"
#include "mb/pg_wchar.h"

static inline bool
json_text_is_valid(char *str, size_t len)
{
#if PG_VERSION_NUM >= 170000
	JsonLexContext lex;
	bool		ok;

	makeJsonLexContextCstringLen(&lex, str, len, GetDatabaseEncoding(), true);
	ok = pg_parse_json(&lex, &nullSemAction) == JSON_SUCCESS;
	freeJsonLexContext(&lex);
	return ok;
#else
	JsonLexContext *lex = makeJsonLexContextCstringLen(str, (int) len, GetDatabaseEncoding(), true);

	return pg_parse_json(lex, &nullSemAction) == JSON_SUCCESS;
#endif
}

#endif							/* PUSH_ACTIONS_COMPAT_H */

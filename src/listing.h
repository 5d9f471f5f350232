/*
 * listing.h
 *	  The push-devices listing (Xtremepush list/push-devices): the fixed
 *	  column list, the validated request, and the query compiled from it.
 *
 * A request is parsed in C into ListRequest; every identifier in the SQL we
 * build comes from the column table below and every value is a bound
 * parameter (status conditions become one set of status names from the
 * fixed list, written as literals so partial indexes on status apply), so no
 * request text is ever run as SQL, and the SQL's size follows the request's
 * shape, not its values.
 */
#ifndef LISTING_H
#define LISTING_H

#include "postgres.h"
#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#include "api_limits.h"

#define LISTING_DEFAULT_LIMIT	50	/* rows when a request names no limit */


typedef enum ColumnKind
{
	COL_INT,					/* bigint ids and counts: JSON integers */
	COL_TEXT,					/* JSON strings; "like" allowed */
	COL_TIME,					/* timestamptz shown and filtered as Unix seconds */
	COL_STATUS,					/* push_status, as its name */
	COL_ERROR					/* 0/1: 1 when failed or bounced */
} ColumnKind;

typedef struct ListColumn
{
	const char *name;
	ColumnKind	kind;
	const char *expr;			/* SQL over "a" (actions) and "p" (pushes) */
	bool		needs_push;		/* reads the push's payload */
} ListColumn;

typedef enum CondOp
{
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_IN, OP_NOT_IN, OP_BETWEEN, OP_LIKE, OP_IS_NULL, OP_IS_NOT_NULL
} CondOp;

typedef struct Condition
{
	const ListColumn *column;
	CondOp		op;
	int			nvalues;
	Datum	   *values;			/* int64, text *, TimestampTz, PushStatus or bool */
} Condition;

typedef struct OrderKey
{
	const ListColumn *column;
	bool		desc;
} OrderKey;

typedef struct ListRequest
{
	const char *apptoken;		/* NULL when missing or not a string */
	Condition  *conds;
	int			nconds;
	const ListColumn **select;
	int			nselect;
	OrderKey   *order;
	int			norder;
	int64		limit;
	int64		offset;
} ListRequest;

/* Outcome of parsing: 0 when valid, else the HTTP-like code and message. */
typedef struct ListError
{
	int			code;
	const char *message;
} ListError;

typedef struct ListQuery
{
	StringInfoData sql;
	int			nparams;
	int			maxparams;
	Oid		   *types;
	Datum	   *values;
} ListQuery;

/* listing_columns.c */
extern const ListColumn *listing_find_column(const char *name, int len);
extern const ListColumn *listing_all_columns(int *count);

/* listing_request.c: never raises for bad input; fills err instead */
extern bool listing_parse_request(Jsonb *request, ListRequest *req, ListError *err);

/* listing_query.c */
extern void listing_build_query(const ListRequest *req, int64 app_id, ListQuery *query);

#endif							/* LISTING_H */

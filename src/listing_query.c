/*
 * listing_query.c
 *	  Compiles a validated ListRequest into one parameterised query over the
 *	  app's actions.  Identifiers and operators come only from fixed tables;
 *	  every user value becomes a bound parameter.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "listing.h"
#include "push_status.h"

static const char *const sql_operators[] = {
	[OP_EQ] = "=", [OP_NE] = "<>", [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">="
};

/* The same predicate as the partial index actions_failed_idx: keep them equal. */
#define ERROR_PREDICATE "a.status IN ('failed', 'bounced')"

static Oid
kind_type(ColumnKind kind)
{
	switch (kind)
	{
		case COL_INT:
			return INT8OID;
		case COL_TEXT:
			return TEXTOID;
		case COL_TIME:
			return TIMESTAMPTZOID;
		case COL_STATUS:		/* written as literals */
		case COL_ERROR:			/* written as a predicate */
			break;
	}
	elog(ERROR, "column kind %d has no parameter type", (int) kind);
	return InvalidOid;
}

/* Adds a parameter and returns its number ($n). */
static int
add_param(ListQuery *q, Oid type, Datum value)
{
	q->types[q->nparams] = type;
	q->values[q->nparams] = value;
	return ++q->nparams;
}

static Datum
make_array(const Condition *c, Oid elemtype)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_array(c->values, c->nvalues, elemtype, typlen, typbyval, typalign));
}

/* Whether an "error" value (0 or 1) satisfies the condition. */
static bool
error_matches(const Condition *c, int v)
{
	int			x = c->nvalues > 0 ? DatumGetBool(c->values[0]) : 0;

	switch (c->op)
	{
		case OP_EQ:
			return v == x;
		case OP_NE:
			return v != x;
		case OP_LT:
			return v < x;
		case OP_LE:
			return v <= x;
		case OP_GT:
			return v > x;
		case OP_GE:
			return v >= x;
		case OP_BETWEEN:
			return v >= x && v <= (int) DatumGetBool(c->values[1]);
		case OP_IN:
		case OP_NOT_IN:
			{
				bool		found = false;

				for (int i = 0; i < c->nvalues; i++)
					if ((int) DatumGetBool(c->values[i]) == v)
						found = true;
				return c->op == OP_IN ? found : !found;
			}
		case OP_IS_NULL:
			return false;
		case OP_IS_NOT_NULL:
			return true;
		case OP_LIKE:
			break;
	}
	return false;
}

/*
 * "error" is derived from status, so a condition on it becomes a fixed
 * predicate on status: the one the partial index of failed actions carries.
 */
static void
append_error_condition(StringInfo sql, const Condition *c)
{
	bool		zero = error_matches(c, 0);
	bool		one = error_matches(c, 1);

	if (one && zero)
		appendStringInfoString(sql, "true");
	else if (one)
		appendStringInfoString(sql, ERROR_PREDICATE);
	else if (zero)
		appendStringInfoString(sql, "NOT (" ERROR_PREDICATE ")");
	else
		appendStringInfoString(sql, "false");
}

/*
 * A status condition is written with literal status names (from the fixed
 * name table, never from the request), so the planner can match it against
 * the partial indexes on status, which a parameter would hide.
 */
static void
append_status_literals(StringInfo sql, const Condition *c, int from, int count)
{
	for (int i = from; i < from + count; i++)
		appendStringInfo(sql, "%s'%s'", i > from ? ", " : "",
						 push_status_names[DatumGetPushStatus(c->values[i])]);
}

static void
append_status_condition(StringInfo sql, const Condition *c)
{
	const char *expr = c->column->expr;

	switch (c->op)
	{
		case OP_IN:
		case OP_NOT_IN:
			appendStringInfo(sql, "%s %s (", expr, c->op == OP_IN ? "IN" : "NOT IN");
			append_status_literals(sql, c, 0, c->nvalues);
			appendStringInfoChar(sql, ')');
			break;
		case OP_BETWEEN:
			appendStringInfo(sql, "%s BETWEEN ", expr);
			append_status_literals(sql, c, 0, 1);
			appendStringInfoString(sql, " AND ");
			append_status_literals(sql, c, 1, 1);
			break;
		default:
			appendStringInfo(sql, "%s %s ", expr, sql_operators[c->op]);
			append_status_literals(sql, c, 0, 1);
			break;
	}
}

/* Writes one condition into sql, adding its values to q's parameters. */
static void
append_condition(ListQuery *q, StringInfo sql, const Condition *c)
{
	const char *expr = c->column->expr;
	Oid			type;

	if (c->column->kind == COL_ERROR)
	{
		append_error_condition(sql, c);
		return;
	}
	switch (c->op)
	{
		case OP_IS_NULL:
			appendStringInfo(sql, "%s IS NULL", expr);
			return;
		case OP_IS_NOT_NULL:
			appendStringInfo(sql, "%s IS NOT NULL", expr);
			return;
		default:
			break;
	}
	if (c->column->kind == COL_STATUS)
	{
		append_status_condition(sql, c);
		return;
	}
	type = kind_type(c->column->kind);
	switch (c->op)
	{
		case OP_IN:
			appendStringInfo(sql, "%s = ANY ($%d)", expr, add_param(q, get_array_type(type), make_array(c, type)));
			break;
		case OP_NOT_IN:
			appendStringInfo(sql, "%s <> ALL ($%d)", expr, add_param(q, get_array_type(type), make_array(c, type)));
			break;
		case OP_BETWEEN:
			{
				int			low = add_param(q, type, c->values[0]);
				int			high = add_param(q, type, c->values[1]);

				appendStringInfo(sql, "%s BETWEEN $%d AND $%d", expr, low, high);
				break;
			}
		case OP_LIKE:
			appendStringInfo(sql, "%s LIKE $%d", expr, add_param(q, type, c->values[0]));
			break;
		default:
			appendStringInfo(sql, "%s %s $%d", expr, sql_operators[c->op], add_param(q, type, c->values[0]));
			break;
	}
}

#define PUSH_JOIN " LEFT JOIN push_actions.pushes p ON p.app_id = a.app_id AND p.push_id = a.push_id"
#define MAX_MERGED_CAMPAIGNS 50

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = DatumGetInt64(*(const Datum *) a);
	int64		y = DatumGetInt64(*(const Datum *) b);

	return (x > y) - (x < y);
}

/*
 * The condition "campaign_id in [...]" when the answer is ordered by
 * action_id DESC alone, else -1.  PostgreSQL 15 cannot read several values of
 * an index in action order, so such a request would fetch and sort every
 * matching action of every campaign; it is compiled instead to one ordered,
 * limited branch per campaign, merged (see listing_build_query).
 */
static int
merged_campaign_condition(const ListRequest *req)
{
	int			found = -1;

	if (req->norder > 1 ||
		(req->norder == 1 && !(strcmp(req->order[0].column->name, "action_id") == 0 && req->order[0].desc)))
		return -1;
	for (int i = 0; i < req->nconds; i++)
	{
		const Condition *c = &req->conds[i];

		if (strcmp(c->column->name, "campaign_id") == 0 && c->op == OP_IN &&
			c->nvalues >= 2 && c->nvalues <= MAX_MERGED_CAMPAIGNS && found < 0)
			found = i;
	}
	return found;
}

void
listing_build_query(const ListRequest *req, int64 app_id, ListQuery *q)
{
	bool		needs_push = false;
	bool		ordered_by_id = false;
	int			merged = merged_campaign_condition(req);
	int			maxparams = 4 + 2 * req->nconds + (merged >= 0 ? MAX_MERGED_CAMPAIGNS : 0);
	StringInfoData where;
	int			app_param;

	for (int i = 0; i < req->nselect; i++)
		needs_push |= req->select[i]->needs_push;
	for (int i = 0; i < req->nconds; i++)
		needs_push |= req->conds[i].column->needs_push;
	for (int i = 0; i < req->norder; i++)
		needs_push |= req->order[i].column->needs_push;

	initStringInfo(&q->sql);
	q->nparams = 0;
	q->types = palloc(sizeof(Oid) * maxparams);
	q->values = palloc(sizeof(Datum) * maxparams);

	/* the app and every condition but a merged one, shared by all branches */
	initStringInfo(&where);
	app_param = add_param(q, INT8OID, Int64GetDatum(app_id));
	appendStringInfo(&where, " WHERE a.app_id = $%d", app_param);
	for (int i = 0; i < req->nconds; i++)
	{
		if (i == merged)
			continue;
		appendStringInfoString(&where, " AND ");
		append_condition(q, &where, &req->conds[i]);
	}

	appendStringInfoString(&q->sql, "SELECT ");
	for (int i = 0; i < req->nselect; i++)
		appendStringInfo(&q->sql, "%s%s", i > 0 ? ", " : "", req->select[i]->expr);

	if (merged >= 0)
	{
		const Condition *c = &req->conds[merged];
		Datum	   *ids = palloc(sizeof(Datum) * c->nvalues);
		int			nids = 0;
		int			limit = add_param(q, INT8OID, Int64GetDatum(req->limit));
		int			offset = add_param(q, INT8OID, Int64GetDatum(req->offset));
		int64		needed;
		int			enough;

		/* offset may be as large as bigint allows: saturate, never wrap */
		if (pg_add_s64_overflow(req->limit, req->offset, &needed))
			needed = PG_INT64_MAX;
		enough = add_param(q, INT8OID, Int64GetDatum(needed));

		/* each campaign once, or its rows would come twice */
		memcpy(ids, c->values, sizeof(Datum) * c->nvalues);
		qsort(ids, c->nvalues, sizeof(Datum), cmp_int64);
		for (int i = 0; i < c->nvalues; i++)
			if (nids == 0 || DatumGetInt64(ids[nids - 1]) != DatumGetInt64(ids[i]))
				ids[nids++] = ids[i];

		/*
		 * Every row of the page is among its own campaign's first
		 * limit + offset rows, so those are all each branch reads.
		 */
		appendStringInfoString(&q->sql, " FROM (SELECT b.action_id FROM (");
		for (int i = 0; i < nids; i++)
			appendStringInfo(&q->sql, "%s(SELECT a.action_id FROM push_actions.actions a%s%s"
							 " AND a.campaign_id = $%d ORDER BY a.action_id DESC LIMIT $%d)",
							 i > 0 ? " UNION ALL " : "", needs_push ? PUSH_JOIN : "", where.data,
							 add_param(q, INT8OID, ids[i]), enough);
		appendStringInfo(&q->sql, ") b ORDER BY b.action_id DESC LIMIT $%d OFFSET $%d) k"
						 " JOIN push_actions.actions a ON a.app_id = $%d AND a.action_id = k.action_id%s"
						 " ORDER BY a.action_id DESC",
						 limit, offset, app_param, needs_push ? PUSH_JOIN : "");
		return;
	}

	appendStringInfo(&q->sql, " FROM push_actions.actions a%s%s", needs_push ? PUSH_JOIN : "", where.data);

	/* action_id breaks ties, so pages never overlap or skip rows */
	appendStringInfoString(&q->sql, " ORDER BY ");
	for (int i = 0; i < req->norder; i++)
	{
		appendStringInfo(&q->sql, "%s%s%s", i > 0 ? ", " : "", req->order[i].column->expr,
						 req->order[i].desc ? " DESC" : "");
		ordered_by_id |= strcmp(req->order[i].column->name, "action_id") == 0;
	}
	if (!ordered_by_id)
		appendStringInfo(&q->sql, "%sa.action_id DESC", req->norder > 0 ? ", " : "");

	appendStringInfo(&q->sql, " LIMIT $%d", add_param(q, INT8OID, Int64GetDatum(req->limit)));
	appendStringInfo(&q->sql, " OFFSET $%d", add_param(q, INT8OID, Int64GetDatum(req->offset)));
}

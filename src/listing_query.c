/*
 * listing_query.c
 *	  Compiles a validated ListRequest into one parameterised query over the
 *	  app's actions.  Identifiers and operators come only from fixed tables;
 *	  every user value becomes a bound parameter.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "listing.h"
#include "push_status.h"

static const char *const sql_operators[] = {
	[OP_EQ] = "=", [OP_NE] = "<>", [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">="
};

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
		case COL_STATUS:		/* folded into one set of statuses */
		case COL_ERROR:
			break;
	}
	elog(ERROR, "column kind %d has no parameter type", (int) kind);
	return InvalidOid;
}

/* Adds a parameter and returns its number ($n). */
static int
add_param(ListQuery *q, Oid type, Datum value)
{
	Assert(q->nparams < q->maxparams);
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

/* The value of a status or error condition as a small integer: a status code, or 0/1. */
static int
small_value(const Condition *c, int i)
{
	return c->column->kind == COL_STATUS ? (int) DatumGetPushStatus(c->values[i])
		: (int) DatumGetBool(c->values[i]);
}

/* Whether v, a status code or an error flag, satisfies the condition. */
static bool
small_value_matches(const Condition *c, int v)
{
	int			x = c->nvalues > 0 ? small_value(c, 0) : 0;

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
			return v >= x && v <= small_value(c, 1);
		case OP_IN:
		case OP_NOT_IN:
			{
				bool		found = false;

				for (int i = 0; i < c->nvalues && !found; i++)
				{
					CHECK_FOR_INTERRUPTS();
					found = small_value(c, i) == v;
				}
				return c->op == OP_IN ? found : !found;
			}
		case OP_IS_NULL:		/* neither status nor error is ever NULL */
			return false;
		case OP_IS_NOT_NULL:
			return true;
		case OP_LIKE:
			break;
	}
	return false;
}

/*
 * The statuses a condition on "status" or "error" admits, one bit per status
 * code.  Status codes are lifecycle order, so comparisons are by code; error
 * is 1 for the statuses push_status_is_error() names.
 */
static uint32
admitted_statuses(const Condition *c)
{
	uint32		set = 0;

	for (int s = 0; s < PUSH_STATUS_COUNT; s++)
	{
		int			v = c->column->kind == COL_STATUS ? s : (int) push_status_is_error((PushStatus) s);

		if (small_value_matches(c, v))
			set |= UINT32_C(1) << s;
	}
	return set;
}

/*
 * Every status and error condition of a request, ANDed into one set, is
 * written as one list of at most nine status names from the fixed name
 * table, never from the request: its size does not grow with the request,
 * and the planner matches the literals against the partial indexes on
 * status, which a parameter would hide (error = 1 gives exactly the
 * predicate of actions_failed_idx).
 */
static void
append_status_set(StringInfo sql, uint32 set)
{
	int			n = 0;

	if (set == PUSH_STATUS_ALL)
		return;
	if (set == 0)
	{
		appendStringInfoString(sql, " AND false");
		return;
	}
	appendStringInfoString(sql, " AND a.status IN (");
	for (int s = 0; s < PUSH_STATUS_COUNT; s++)
		if (set & (UINT32_C(1) << s))
			appendStringInfo(sql, "%s'%s'", n++ > 0 ? ", " : "", push_status_names[s]);
	appendStringInfoChar(sql, ')');
}

/* Writes one condition on a column other than status and error, adding its values to q's parameters. */
static void
append_condition(ListQuery *q, StringInfo sql, const Condition *c)
{
	const char *expr = c->column->expr;
	Oid			type;

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
#define MERGED_BRANCHES_MAX	8		/* campaigns merged branch by branch */
#define MERGED_SQL_BUDGET	8192	/* bytes those branches may take */

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = DatumGetInt64(*(const Datum *) a);
	int64		y = DatumGetInt64(*(const Datum *) b);

	return (x > y) - (x < y);
}

/*
 * The condition "campaign_id in [...]" when the answer is ordered by
 * action_id DESC alone, else -1.  PostgreSQL cannot read several values of
 * an index in action order, so such a request would fetch and sort every
 * matching action of every campaign; it is compiled instead to one ordered,
 * limited scan per campaign (see listing_build_query).
 */
static int
merged_campaign_condition(const ListRequest *req)
{
	if (req->norder > 1 ||
		(req->norder == 1 && !(strcmp(req->order[0].column->name, "action_id") == 0 && req->order[0].desc)))
		return -1;
	for (int i = 0; i < req->nconds; i++)
	{
		const Condition *c = &req->conds[i];

		if (strcmp(c->column->name, "campaign_id") == 0 && c->op == OP_IN && c->nvalues >= 2)
			return i;
	}
	return -1;
}

/* The campaign ids of an "in" condition, each once (or its rows would come twice); returns how many. */
static int
distinct_campaigns(const Condition *c, Datum **ids)
{
	int			nids = 0;

	*ids = palloc(sizeof(Datum) * c->nvalues);
	memcpy(*ids, c->values, sizeof(Datum) * c->nvalues);
	qsort(*ids, c->nvalues, sizeof(Datum), cmp_int64);
	for (int i = 0; i < c->nvalues; i++)
		if (nids == 0 || DatumGetInt64((*ids)[nids - 1]) != DatumGetInt64((*ids)[i]))
			(*ids)[nids++] = (*ids)[i];
	return nids;
}

/*
 * The query's text depends on the request's shape (which columns, which
 * operators, which statuses), not on the values it lists: each condition
 * adds one fixed fragment, value lists are array parameters, status and
 * error conditions fold into one list of at most nine names, and several
 * campaigns take at most MERGED_SQL_BUDGET.  So the text stays a few KB for
 * any request, and requests of one shape share one saved plan.
 */
void
listing_build_query(const ListRequest *req, int64 app_id, ListQuery *q)
{
	bool		needs_push = false;
	bool		ordered_by_id = false;
	int			merged = merged_campaign_condition(req);
	uint32		statuses = PUSH_STATUS_ALL;
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
	q->maxparams = 5 + 2 * req->nconds + MERGED_BRANCHES_MAX;
	q->types = palloc(sizeof(Oid) * q->maxparams);
	q->values = palloc(sizeof(Datum) * q->maxparams);

	/* the app and every condition but a merged one */
	initStringInfo(&where);
	app_param = add_param(q, INT8OID, Int64GetDatum(app_id));
	appendStringInfo(&where, " WHERE a.app_id = $%d", app_param);
	for (int i = 0; i < req->nconds; i++)
	{
		const Condition *c = &req->conds[i];

		CHECK_FOR_INTERRUPTS();
		if (i == merged)
			continue;
		if (c->column->kind == COL_STATUS || c->column->kind == COL_ERROR)
		{
			statuses &= admitted_statuses(c);
			continue;
		}
		appendStringInfoString(&where, " AND ");
		append_condition(q, &where, c);
	}
	append_status_set(&where, statuses);

	appendStringInfoString(&q->sql, "SELECT ");
	for (int i = 0; i < req->nselect; i++)
		appendStringInfo(&q->sql, "%s%s", i > 0 ? ", " : "", req->select[i]->expr);

	if (merged >= 0)
	{
		Datum	   *ids;
		int			nids = distinct_campaigns(&req->conds[merged], &ids);
		const char *join = needs_push ? PUSH_JOIN : "";
		int			limit = add_param(q, INT8OID, Int64GetDatum(req->limit));
		int			offset = add_param(q, INT8OID, Int64GetDatum(req->offset));
		int64		needed;
		int			enough;

		/* offset may be as large as bigint allows: saturate, never wrap */
		if (pg_add_s64_overflow(req->limit, req->offset, &needed))
			needed = PG_INT64_MAX;
		enough = add_param(q, INT8OID, Int64GetDatum(needed));

		/*
		 * Every row of the page is among its own campaign's first
		 * limit + offset rows, so those are all each campaign's scan reads.
		 * A few campaigns get one ordered, limited branch each, merged in
		 * action order (Merge Append reads only as far as the page needs);
		 * the branches repeat the conditions, so only while they stay within
		 * MERGED_SQL_BUDGET.  Beyond that, one scan per campaign of an array
		 * parameter (LATERAL) reads up to limit + offset rows of each, and
		 * the text no longer grows with the campaigns.
		 */
		appendStringInfoString(&q->sql, " FROM (SELECT b.action_id FROM ");
		if (nids <= MERGED_BRANCHES_MAX && nids * (where.len + 120) <= MERGED_SQL_BUDGET)
		{
			appendStringInfoChar(&q->sql, '(');
			for (int i = 0; i < nids; i++)
				appendStringInfo(&q->sql, "%s(SELECT a.action_id FROM push_actions.actions a%s%s"
								 " AND a.campaign_id = $%d ORDER BY a.action_id DESC LIMIT $%d)",
								 i > 0 ? " UNION ALL " : "", join, where.data,
								 add_param(q, INT8OID, ids[i]), enough);
			appendStringInfoString(&q->sql, ") b");
		}
		else
			appendStringInfo(&q->sql, "unnest($%d::bigint[]) AS c(campaign_id)"
							 " CROSS JOIN LATERAL (SELECT a.action_id FROM push_actions.actions a%s%s"
							 " AND a.campaign_id = c.campaign_id ORDER BY a.action_id DESC LIMIT $%d) b",
							 add_param(q, INT8ARRAYOID,
									   PointerGetDatum(construct_array(ids, nids, INT8OID, sizeof(int64),
																	   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE))),
							 join, where.data, enough);
		appendStringInfo(&q->sql, " ORDER BY b.action_id DESC LIMIT $%d OFFSET $%d) k"
						 " JOIN push_actions.actions a ON a.app_id = $%d AND a.action_id = k.action_id%s"
						 " ORDER BY a.action_id DESC",
						 limit, offset, app_param, join);
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

/*
 * listing_request.c
 *	  Validates a push-devices request (jsonb) into a ListRequest.  Bad input
 *	  never raises: the first problem found becomes a 400 (or 401) message
 *	  that names the offending part.
 */
#include "postgres.h"

#include <ctype.h>
#include <errno.h>

#include "datatype/timestamp.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/formatting.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "listing.h"
#include "push_status.h"

/* Unix seconds of 0001-01-01 and 9999-12-31 23:59:59: the times we accept. */
#define MIN_UNIX_SECONDS	INT64CONST(-62135596800)
#define MAX_UNIX_SECONDS	INT64CONST(253402300799)

static const char *const operator_names[] = {
	[OP_EQ] = "=", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">",
	[OP_GE] = ">=", [OP_IN] = "in", [OP_NOT_IN] = "not in", [OP_BETWEEN] = "between",
	[OP_LIKE] = "like", [OP_IS_NULL] = "is null", [OP_IS_NOT_NULL] = "is not null"
};

/* What a value for a column of this kind must be, for messages. */
static const char *
kind_expects(ColumnKind kind)
{
	switch (kind)
	{
		case COL_INT:
			return "an integer";
		case COL_TEXT:
			return "a string";
		case COL_TIME:
			return "an integer (Unix seconds)";
		case COL_STATUS:
			return psprintf("one of %s", push_status_valid_list());
		case COL_ERROR:
			return "0, 1, true or false";
	}
	return "a value";
}

pg_attribute_printf(3, 4)
static bool
fail(ListError *err, int code, const char *fmt,...)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&buf, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&buf, needed);
	}
	err->code = code;
	err->message = buf.data;
	return false;
}

/* A user's string for a message: at most 64 bytes, cut on a character boundary. */
static char *
shown(const char *s, int len)
{
	int			cut = len > 64 ? pg_mbcliplen(s, len, 64) : len;

	return psprintf("%.*s%s", cut, s, cut < len ? "..." : "");
}

/* The exact int64 a JSON number holds; false for fractions and overflow. */
static bool
json_int64(const JsonbValue *v, int64 *result)
{
	char	   *s;
	const char *p;
	char	   *end;
	long long	value;

	if (v->type != jbvNumeric)
		return false;
	s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	p = (*s == '-') ? s + 1 : s;
	if (*p == '\0')
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char) *p))
			return false;
	errno = 0;
	value = strtoll(s, &end, 10);
	if (errno == ERANGE || *end != '\0')
		return false;
	*result = (int64) value;
	return true;
}

static bool
is_array(const JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
}

/* Converts one JSON value for a column; false when its type does not fit. */
static bool
column_value(const ListColumn *col, const JsonbValue *v, Datum *result)
{
	int64		n;

	switch (col->kind)
	{
		case COL_INT:
			if (!json_int64(v, &n))
				return false;
			*result = Int64GetDatum(n);
			return true;
		case COL_TEXT:
			if (v->type != jbvString)
				return false;
			*result = PointerGetDatum(cstring_to_text_with_len(v->val.string.val, v->val.string.len));
			return true;
		case COL_TIME:
			if (!json_int64(v, &n) || n < MIN_UNIX_SECONDS || n > MAX_UNIX_SECONDS)
				return false;
			*result = TimestampTzGetDatum(time_t_to_timestamptz((pg_time_t) n));
			return true;
		case COL_STATUS:
			{
				PushStatus	s;

				if (v->type != jbvString ||
					!push_status_parse(pnstrdup(v->val.string.val, v->val.string.len), &s))
					return false;
				*result = PushStatusGetDatum(s);
				return true;
			}
		case COL_ERROR:
			if (v->type == jbvBool)
			{
				*result = BoolGetDatum(v->val.boolean);
				return true;
			}
			if (!json_int64(v, &n) || (n != 0 && n != 1))
				return false;
			*result = BoolGetDatum(n == 1);
			return true;
	}
	return false;
}

static bool
parse_operator(const JsonbValue *v, CondOp *op)
{
	char	   *lower;

	if (v->type != jbvString)
		return false;
	if (v->val.string.len > 16)
		return false;
	lower = asc_tolower(v->val.string.val, v->val.string.len);
	if (strcmp(lower, "<>") == 0)
	{
		*op = OP_NE;
		return true;
	}
	for (int i = 0; i < (int) lengthof(operator_names); i++)
		if (strcmp(lower, operator_names[i]) == 0)
		{
			*op = (CondOp) i;
			return true;
		}
	return false;
}

/* A LIKE pattern PostgreSQL would reject at run time: a trailing lone backslash. */
static bool
like_pattern_ok(const char *s, int len)
{
	int			i = 0;

	while (i < len)
	{
		Assert(i >= 0 && i < len);	/* the pattern is not NUL-terminated: never read past it */
		if (s[i] == '\\')
		{
			if (i + 1 >= len)
				return false;
			i += 2;
		}
		else
			i++;
	}
	return true;
}

static bool
parse_condition(const JsonbValue *elem, int i, Condition *c, ListError *err)
{
	JsonbContainer *triple;
	int			n;
	JsonbValue *colv;
	JsonbValue *opv;
	JsonbValue *val;
	const char *opname;

	if (!is_array(elem) || (n = JsonContainerSize(elem->val.binary.data)) < 2 || n > 3)
		return fail(err, 400, "condition[%d] must be an array [column, operator, value]", i);
	triple = elem->val.binary.data;

	colv = getIthJsonbValueFromContainer(triple, 0);
	if (colv->type != jbvString)
		return fail(err, 400, "condition[%d]: column must be a string", i);
	c->column = listing_find_column(colv->val.string.val, colv->val.string.len);
	if (c->column == NULL)
		return fail(err, 400, "condition[%d]: unknown column \"%s\"", i,
					shown(colv->val.string.val, colv->val.string.len));

	opv = getIthJsonbValueFromContainer(triple, 1);
	if (opv->type != jbvString)
		return fail(err, 400, "condition[%d]: operator must be a string", i);
	if (!parse_operator(opv, &c->op))
		return fail(err, 400, "condition[%d]: unknown operator \"%s\"", i,
					shown(opv->val.string.val, opv->val.string.len));
	opname = operator_names[c->op];

	if (c->op == OP_IS_NULL || c->op == OP_IS_NOT_NULL)
	{
		c->nvalues = 0;			/* a value, if given, is ignored */
		return true;
	}
	val = n == 3 ? getIthJsonbValueFromContainer(triple, 2) : NULL;
	if (val == NULL || val->type == jbvNull)
		return fail(err, 400, "condition[%d]: operator \"%s\" needs a value (use \"is null\" to match NULL)",
					i, opname);

	if (c->op == OP_IN || c->op == OP_NOT_IN || c->op == OP_BETWEEN)
	{
		JsonbContainer *arr;
		int			count;

		if (!is_array(val))
			return fail(err, 400, c->op == OP_BETWEEN
						? "condition[%d]: \"%s\" needs an array [low, high]"
						: "condition[%d]: \"%s\" needs an array of 1 to %d values", i, opname, LIMIT_LISTING_VALUES);
		arr = val->val.binary.data;
		count = JsonContainerSize(arr);
		if (c->op == OP_BETWEEN && count != 2)
			return fail(err, 400, "condition[%d]: \"%s\" needs an array [low, high]", i, opname);
		if (count < 1 || count > LIMIT_LISTING_VALUES)
			return fail(err, 400, "condition[%d]: \"%s\" needs an array of 1 to %d values", i, opname, LIMIT_LISTING_VALUES);
		c->nvalues = count;
		c->values = palloc(sizeof(Datum) * count);
		for (int j = 0; j < count; j++)
		{
			JsonbValue *item;

			CHECK_FOR_INTERRUPTS();
			item = getIthJsonbValueFromContainer(arr, j);
			if (!column_value(c->column, item, &c->values[j]))
				return fail(err, 400, "condition[%d]: value[%d] for %s must be %s",
							i, j, c->column->name, kind_expects(c->column->kind));
		}
		return true;
	}

	if (c->op == OP_LIKE)
	{
		if (c->column->kind != COL_TEXT)
			return fail(err, 400, "condition[%d]: \"like\" applies only to text columns, not %s",
						i, c->column->name);
		if (val->type == jbvString && !like_pattern_ok(val->val.string.val, val->val.string.len))
			return fail(err, 400, "condition[%d]: like pattern must not end with a backslash", i);
	}
	c->nvalues = 1;
	c->values = palloc(sizeof(Datum));
	if (!column_value(c->column, val, &c->values[0]))
		return fail(err, 400, "condition[%d]: value for %s must be %s",
					i, c->column->name, kind_expects(c->column->kind));
	return true;
}

static bool
parse_conditions(const JsonbValue *v, ListRequest *req, ListError *err)
{
	int			n;

	if (!is_array(v))
		return fail(err, 400, "condition must be an array of [column, operator, value] arrays");
	n = JsonContainerSize(v->val.binary.data);
	if (n > LIMIT_LISTING_CONDITIONS)
		return fail(err, 400, "condition must have at most %d entries", LIMIT_LISTING_CONDITIONS);
	req->conds = palloc0(sizeof(Condition) * Max(n, 1));
	req->nconds = n;
	for (int i = 0; i < n; i++)
		if (!parse_condition(getIthJsonbValueFromContainer(v->val.binary.data, i), i, &req->conds[i], err))
			return false;
	return true;
}

static bool
parse_select(const JsonbValue *v, ListRequest *req, ListError *err)
{
	int			ncolumns;
	int			n;

	listing_all_columns(&ncolumns);
	if (!is_array(v) || (n = JsonContainerSize(v->val.binary.data)) == 0)
		return fail(err, 400, "select must be a non-empty array of column names");
	req->select = palloc(sizeof(ListColumn *) * ncolumns);
	req->nselect = 0;
	for (int i = 0; i < n; i++)
	{
		JsonbValue *item = getIthJsonbValueFromContainer(v->val.binary.data, i);
		const ListColumn *col;

		if (item->type != jbvString)
			return fail(err, 400, "select[%d] must be a string", i);
		col = listing_find_column(item->val.string.val, item->val.string.len);
		if (col == NULL)
			return fail(err, 400, "select[%d]: unknown column \"%s\"", i,
						shown(item->val.string.val, item->val.string.len));
		for (int j = 0; j < req->nselect; j++)
			if (req->select[j] == col)
				return fail(err, 400, "select[%d]: column \"%s\" is selected twice", i, col->name);
		req->select[req->nselect++] = col;
	}
	return true;
}

/* One order key: "column", "column ASC" or "column DESC" (direction in any case). */
static bool
parse_order_key(const JsonbValue *item, int i, OrderKey *key, ListError *err)
{
	const char *s;
	int			len;
	int			start = 0;
	int			end;
	int			word_end;
	int			dir_start;

	if (item->type != jbvString)
		return fail(err, 400, "order[%d] must be a string like \"create_time DESC\"", i);
	s = item->val.string.val;
	len = item->val.string.len;
	while (start < len && isspace((unsigned char) s[start]))
		start++;
	end = len;
	while (end > start && isspace((unsigned char) s[end - 1]))
		end--;
	Assert(start <= end && end <= len);
	word_end = start;
	while (word_end < end && !isspace((unsigned char) s[word_end]))
		word_end++;
	key->column = listing_find_column(s + start, word_end - start);
	if (key->column == NULL)
		return fail(err, 400, "order[%d]: unknown column \"%s\"", i, shown(s + start, word_end - start));
	dir_start = word_end;
	while (dir_start < end && isspace((unsigned char) s[dir_start]))
		dir_start++;
	if (dir_start == end || (end - dir_start == 3 && pg_strncasecmp(s + dir_start, "asc", 3) == 0))
		key->desc = false;
	else if (end - dir_start == 4 && pg_strncasecmp(s + dir_start, "desc", 4) == 0)
		key->desc = true;
	else
		return fail(err, 400, "order[%d]: direction must be ASC or DESC, not \"%s\"", i,
					shown(s + dir_start, end - dir_start));
	return true;
}

static bool
parse_order(const JsonbValue *v, ListRequest *req, ListError *err)
{
	int			n;
	int			ncolumns;

	listing_all_columns(&ncolumns);
	if (v->type == jbvString)
	{
		req->order = palloc(sizeof(OrderKey));
		req->norder = 1;
		return parse_order_key(v, 0, &req->order[0], err);
	}
	if (!is_array(v) || (n = JsonContainerSize(v->val.binary.data)) == 0)
		return fail(err, 400, "order must be a non-empty array of strings like \"create_time DESC\"");
	req->order = palloc(sizeof(OrderKey) * ncolumns);
	req->norder = 0;
	for (int i = 0; i < n; i++)
	{
		OrderKey	key;

		if (!parse_order_key(getIthJsonbValueFromContainer(v->val.binary.data, i), i, &key, err))
			return false;
		for (int j = 0; j < req->norder; j++)
			if (req->order[j].column == key.column)
				return fail(err, 400, "order[%d]: column \"%s\" is ordered twice", i, key.column->name);
		req->order[req->norder++] = key;
	}
	return true;
}

static bool
key_is(const JsonbValue *k, const char *name)
{
	return k->val.string.len == (int) strlen(name) && memcmp(k->val.string.val, name, k->val.string.len) == 0;
}

bool
listing_parse_request(Jsonb *request, ListRequest *req, ListError *err)
{
	JsonbValue *token;
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;

	memset(req, 0, sizeof(ListRequest));
	req->limit = LISTING_DEFAULT_LIMIT;
	err->code = 0;
	err->message = NULL;

	if (request == NULL || !JB_ROOT_IS_OBJECT(request))
		return fail(err, 400, "request must be a JSON object");

	/* Authentication comes first: a bad request with a bad token is a 401. */
	token = getKeyJsonValueFromContainer(&request->root, "apptoken", 8, NULL);
	if (token == NULL || token->type == jbvNull)
		return fail(err, 401, "apptoken is required");
	if (token->type != jbvString)
		return fail(err, 401, "apptoken must be a string");
	req->apptoken = pnstrdup(token->val.string.val, token->val.string.len);

	it = JsonbIteratorInit(&request->root);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		if (JsonbIteratorNext(&it, &v, true) != WJB_VALUE)
			elog(ERROR, "unexpected jsonb token in request");

		if (key_is(&k, "apptoken"))
			continue;
		else if (key_is(&k, "condition"))
		{
			if (!parse_conditions(&v, req, err))
				return false;
		}
		else if (key_is(&k, "select"))
		{
			if (!parse_select(&v, req, err))
				return false;
		}
		else if (key_is(&k, "order"))
		{
			if (!parse_order(&v, req, err))
				return false;
		}
		else if (key_is(&k, "limit"))
		{
			if (!json_int64(&v, &req->limit))
				return fail(err, 400, "limit must be an integer");
			if (req->limit < 1 || req->limit > LIMIT_LISTING_PAGE)
				return fail(err, 400, "limit must be between 1 and %d", LIMIT_LISTING_PAGE);
		}
		else if (key_is(&k, "offset"))
		{
			if (!json_int64(&v, &req->offset) || req->offset < 0)
				return fail(err, 400, "offset must be an integer of at least 0");
		}
		else
			return fail(err, 400, "unknown key \"%s\" (valid keys: apptoken, condition, select, order, limit, offset)",
						shown(k.val.string.val, k.val.string.len));
	}

	if (req->select == NULL)
	{
		int			ncolumns;
		const ListColumn *all = listing_all_columns(&ncolumns);

		req->select = palloc(sizeof(ListColumn *) * ncolumns);
		for (int i = 0; i < ncolumns; i++)
		{
			Assert(i < ncolumns);	/* within the array just allocated */
			req->select[i] = &all[i];
		}
		req->nselect = ncolumns;
	}
	return true;
}

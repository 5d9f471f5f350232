/*
 * apps_roles.c
 *	  Which apps the calling role may see.
 *
 * A role mapped to apps (push_actions.app_roles, apps_roles.sql) gets a
 * policy "app_id = ANY (its apps)" on push_actions.apps: those policies are
 * the mapping's live form, read here from the relation cache, which costs
 * no query and which Citus passes on to every worker with the policies.
 * app_visible, per row, is the one rule of the tables' row-level security
 * policies and of the views' filter, and the token checks ask it too.
 *
 * A role with the privileges of several mapped roles sees the apps of all
 * of them; inside a SECURITY DEFINER function the role that called it is
 * limited as well as the function's owner, so that no function of the
 * extension widens what its caller sees.  Superusers, roles with BYPASSRLS
 * and members of the tables' owner are never limited: row-level security
 * does not apply to them.
 */
#include "postgres.h"

#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "rewrite/rowsecurity.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

/* The policies that map a role to apps are named this and the role's OID. */
#define APP_SCOPE_POLICY_PREFIX "app_scope_"

/* The apps a role may see: all, or those listed (sorted, maybe none). */
typedef struct AppScope
{
	bool		all;
	int			count;
	int64	   *apps;
} AppScope;

/*
 * What app_visible keeps between calls: the scope, and for which roles and
 * which statement and command it was read (PL/pgSQL keeps a simple
 * expression's state for the whole transaction, while a grant_app() made
 * in it must count from its next command).
 */
typedef struct CachedScope
{
	Oid			user;
	Oid			outer_user;
	TimestampTz statement;
	CommandId	command;
	AppScope	scope;
} CachedScope;

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* scope := scope AND other (other lists its apps, sorted) */
static void
scope_restrict(AppScope *scope, const AppScope *other)
{
	int			kept = 0;

	Assert(!other->all);
	if (scope->all)
	{
		*scope = *other;
		return;
	}
	for (int i = 0; i < scope->count; i++)
		if (bsearch(&scope->apps[i], other->apps, other->count, sizeof(int64), int64_cmp) != NULL)
			scope->apps[kept++] = scope->apps[i];
	scope->count = kept;
}

/* scope := scope OR apps; scope lists its apps, sorted, and stays so */
static void
scope_widen(AppScope *scope, const int64 *apps, int count)
{
	int64	   *merged = palloc(sizeof(int64) * Max(scope->count + count, 1));
	int			n = 0;

	Assert(!scope->all);
	memcpy(merged, scope->apps, sizeof(int64) * scope->count);
	memcpy(merged + scope->count, apps, sizeof(int64) * count);
	qsort(merged, scope->count + count, sizeof(int64), int64_cmp);
	for (int i = 0; i < scope->count + count; i++)
		if (n == 0 || merged[n - 1] != merged[i])
			merged[n++] = merged[i];
	scope->apps = merged;
	scope->count = n;
}

/*
 * The apps of one policy's "app_id = ANY ('{...}'::bigint[])"; none if the
 * policy has another shape (someone changed it by hand): a mapped role then
 * sees nothing rather than everything.
 */
static int64 *
policy_apps(const RowSecurityPolicy *policy, int *count)
{
	ScalarArrayOpExpr *saop = (ScalarArrayOpExpr *) policy->qual;
	Const	   *list;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int64	   *apps;
	int			kept = 0;

	*count = 0;
	if (saop == NULL || !IsA(saop, ScalarArrayOpExpr) || !saop->useOr || list_length(saop->args) != 2)
		return NULL;
	list = (Const *) lsecond(saop->args);
	if (!IsA(linitial(saop->args), Var) || !IsA(list, Const) || list->consttype != INT8ARRAYOID || list->constisnull)
		return NULL;
	deconstruct_array(DatumGetArrayTypeP(list->constvalue), INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, &nulls, &n);
	apps = palloc(sizeof(int64) * Max(n, 1));
	for (int i = 0; i < n; i++)
		if (!nulls[i])
			apps[kept++] = DatumGetInt64(elems[i]);
	*count = kept;
	return apps;
}

/*
 * Whether a policy maps a role whose privileges role has (or, exactly,
 * role itself) to apps.  Not whether it is permissive: Citus makes every
 * policy it passes on permissive.
 */
static bool
policy_scopes_role(const RowSecurityPolicy *policy, Oid role, bool exactly)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (strncmp(policy->policy_name, APP_SCOPE_POLICY_PREFIX, strlen(APP_SCOPE_POLICY_PREFIX)) != 0)
		return false;
	deconstruct_array(policy->roles, OIDOID, sizeof(Oid), true, TYPALIGN_INT, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		Oid			mapped = DatumGetObjectId(elems[i]);

		if (!nulls[i] && mapped != ACL_ID_PUBLIC && (exactly ? mapped == role : has_privs_of_role(role, mapped)))
			return true;
	}
	return false;
}

/* Whether row-level security never applies to role, whatever the table. */
static bool
bypasses_policies(Oid role)
{
	return superuser_arg(role) || has_bypassrls_privilege(role);
}

/*
 * scope := scope AND what role may see after the policies on apps (or,
 * exactly, what the policies of role itself say).
 */
static void
scope_restrict_to_role(AppScope *scope, Relation apps, Oid role, bool exactly)
{
	AppScope	mapped = {true, 0, NULL};
	ListCell   *lc;

	if (apps->rd_rsdesc == NULL)
		return;
	if (!exactly && (bypasses_policies(role) || has_privs_of_role(role, apps->rd_rel->relowner)))
		return;
	foreach(lc, apps->rd_rsdesc->policies)
	{
		RowSecurityPolicy *policy = (RowSecurityPolicy *) lfirst(lc);
		int64	   *listed;
		int			count;

		if (!policy_scopes_role(policy, role, exactly))
			continue;
		listed = policy_apps(policy, &count);
		if (mapped.all)
		{
			mapped.all = false;
			mapped.apps = palloc(sizeof(int64));
		}
		scope_widen(&mapped, listed, count);
	}
	if (!mapped.all)
		scope_restrict(scope, &mapped);
}

/*
 * The scope of the role running now and of the one that called it (or,
 * exactly, of one mapped role).  Worked out in the current memory context;
 * what it lists is copied into cxt, so that a caller that keeps it there
 * keeps nothing else.
 */
static AppScope
current_scope(Oid user, Oid outer_user, bool exactly, MemoryContext cxt)
{
	AppScope	scope = {true, 0, NULL};
	Oid			schema;
	Oid			relid;
	Relation	apps;

	/* what most reads of the owner's take: no catalog lookup at all */
	if (!exactly && bypasses_policies(user) && (outer_user == user || bypasses_policies(outer_user)))
		return scope;
	schema = get_namespace_oid("push_actions", false);
	relid = get_relname_relid("apps", schema);

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table push_actions.apps does not exist")));
	apps = table_open(relid, AccessShareLock);
	scope_restrict_to_role(&scope, apps, user, exactly);
	if (outer_user != user)
		scope_restrict_to_role(&scope, apps, outer_user, exactly);
	table_close(apps, AccessShareLock);
	if (!scope.all)
	{
		int64	   *kept = MemoryContextAlloc(cxt, sizeof(int64) * Max(scope.count, 1));

		memcpy(kept, scope.apps, sizeof(int64) * scope.count);
		scope.apps = kept;
	}
	return scope;
}

/* The apps of a scope that lists them, as a bigint[]. */
static ArrayType *
scope_array(const AppScope *scope)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(scope->count, 1));

	Assert(!scope->all);
	for (int i = 0; i < scope->count; i++)
		elems[i] = Int64GetDatum(scope->apps[i]);
	return construct_array(elems, scope->count, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

static bool
scope_has(const AppScope *scope, int64 app)
{
	return scope->all || bsearch(&app, scope->apps, scope->count, sizeof(int64), int64_cmp) != NULL;
}

/*
 * push_actions_internal.role_apps(): the apps the current role may see,
 * sorted, or NULL for all of them.
 */
PG_FUNCTION_INFO_V1(role_apps);
Datum
role_apps(PG_FUNCTION_ARGS)
{
	AppScope	scope = current_scope(GetUserId(), GetOuterUserId(), false, CurrentMemoryContext);

	if (scope.all)
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(scope_array(&scope));
}

/*
 * push_actions_internal.app_visible(app_id): whether the current role may
 * see the app's rows; the filter of the views, which read the tables with
 * their owner's rights.  The scope is read at the first row of a query and
 * kept for the others of the same command.
 */
PG_FUNCTION_INFO_V1(app_visible);
Datum
app_visible(PG_FUNCTION_ARGS)
{
	CachedScope *cached = (CachedScope *) fcinfo->flinfo->fn_extra;
	Oid			user = GetUserId();
	Oid			outer_user = GetOuterUserId();
	TimestampTz statement = GetCurrentStatementStartTimestamp();
	CommandId	command = GetCurrentCommandId(false);

	if (cached == NULL || cached->user != user || cached->outer_user != outer_user
		|| cached->statement != statement || cached->command != command)
	{
		if (cached == NULL)
			cached = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CachedScope));
		else if (cached->scope.apps != NULL)
			pfree(cached->scope.apps);
		cached->user = user;
		cached->outer_user = outer_user;
		cached->statement = statement;
		cached->command = command;
		cached->scope = current_scope(user, outer_user, false, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = cached;
	}
	PG_RETURN_BOOL(scope_has(&cached->scope, PG_GETARG_INT64(0)));
}

/*
 * The planner's view of app_visible: it keeps every row the caller asks
 * for in the common case (a role reads its own apps), so plans are those of
 * the owner, and it costs about an operator.
 */
PG_FUNCTION_INFO_V1(app_visible_support);
Datum
app_visible_support(PG_FUNCTION_ARGS)
{
	Node	   *request = (Node *) PG_GETARG_POINTER(0);

	if (IsA(request, SupportRequestSelectivity))
	{
		SupportRequestSelectivity *selectivity = (SupportRequestSelectivity *) request;

		selectivity->selectivity = 1.0;
		PG_RETURN_POINTER(selectivity);
	}
	if (IsA(request, SupportRequestCost))
	{
		SupportRequestCost *cost = (SupportRequestCost *) request;

		cost->startup = 0;
		cost->per_tuple = cpu_operator_cost;
		PG_RETURN_POINTER(cost);
	}
	PG_RETURN_POINTER(NULL);
}

/* push_actions_internal.app_scope_policy(role): the name of a mapped role's policies. */
PG_FUNCTION_INFO_V1(app_scope_policy);
Datum
app_scope_policy(PG_FUNCTION_ARGS)
{
	Oid			role = PG_GETARG_OID(0);

	PG_RETURN_TEXT_P(cstring_to_text(psprintf("%s%u", APP_SCOPE_POLICY_PREFIX, role)));
}

/*
 * push_actions_internal.policy_apps_of(role): the apps the policies of role
 * itself on push_actions.apps list, NULL for none; verify_app_roles()
 * compares it with push_actions.app_roles.
 */
PG_FUNCTION_INFO_V1(policy_apps_of);
Datum
policy_apps_of(PG_FUNCTION_ARGS)
{
	Oid			role = PG_GETARG_OID(0);
	AppScope	scope = current_scope(role, role, true, CurrentMemoryContext);

	if (scope.all)
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(scope_array(&scope));
}

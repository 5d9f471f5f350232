/*
 * rollup_keep.h
 *	  What the two ways of keeping the roll-ups share: the general statement
 *	  over a statement's transition tables (rollup_keep.c) and the short path
 *	  for one action updated within its message (rollup_keep_row.c).
 */
#ifndef ROLLUP_KEEP_H
#define ROLLUP_KEEP_H

#include "postgres.h"

#include "commands/trigger.h"

#include "compat.h"

/*
 * A campaign stripe's upsert, around the rows it adds: both paths count into
 * the stripe of this backend the same way.
 */
#define STRIPE_INSERT \
	"INSERT INTO push_actions_internal.campaign_stripes AS s" \
	" (app_id, campaign_id, stripe, devices_added, devices_removed, messages_added, messages_removed) "
#define STRIPE_ON_CONFLICT \
	" ON CONFLICT (app_id, campaign_id, stripe) DO UPDATE" \
	" SET devices_added = s.devices_added OPERATOR(pg_catalog.+) excluded.devices_added," \
	"  devices_removed = s.devices_removed OPERATOR(pg_catalog.+) excluded.devices_removed," \
	"  messages_added = s.messages_added OPERATOR(pg_catalog.+) excluded.messages_added," \
	"  messages_removed = s.messages_removed OPERATOR(pg_catalog.+) excluded.messages_removed"

/*
 * Makes the n statements in sql those to run when the trigger fired on
 * actions: unchanged on one server, the same over the colocated shards on a
 * Citus worker, where the trigger fires on a shard of actions
 * (rollup_shards.c).  Call inside SPI.
 */
extern void kept_statements_for(Relation actions, const char **sql, int n);

/* Refuses the write: n changed messages had no kept row (XX001). */
PA_NORETURN extern void report_out_of_step(int64 n);

/*
 * Keeps the roll-ups of an UPDATE statement that changed one action within
 * its message; false, having done nothing, for any other statement.
 */
extern bool keep_one_row_update(TriggerData *trigdata);

#endif							/* ROLLUP_KEEP_H */

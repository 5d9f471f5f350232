/*
 * kept_shards.h
 *	  The kept roll-ups' statements on a Citus worker, over the shards
 *	  colocated with the shard of actions the trigger fired on.
 */
#ifndef KEPT_SHARDS_H
#define KEPT_SHARDS_H

#include "postgres.h"

#include "utils/relcache.h"

/*
 * Makes the n statements in sql those to run when the trigger fired on
 * actions: unchanged on one server, the same over the colocated shards on a
 * Citus worker.  Call inside SPI.
 */
extern void kept_statements_for(Relation actions, const char **sql, int n);

#endif							/* KEPT_SHARDS_H */

/*
 * kept_statement.h
 *	  The general way of keeping the roll-ups, for a statement of any size.
 */
#ifndef KEPT_STATEMENT_H
#define KEPT_STATEMENT_H

#include "postgres.h"

#include "commands/trigger.h"

typedef enum KeptEvent
{
	KEPT_INSERT,
	KEPT_UPDATE,
	KEPT_DELETE
} KeptEvent;

/* The kept state beyond the roll-ups, from 1.2: bits of a trigger's parts. */
#define KEPT_TOKENS	1			/* the device tokens' states (kept_tokens.h) */
#define KEPT_TIMES	2			/* the hourly series (kept_times.h) */
#define KEPT_ALL	(KEPT_TOKENS | KEPT_TIMES)

/*
 * Applies what a statement did to actions (rows: the rows its transition
 * tables hold, at least one) to the kept messages and campaign stripes, and
 * to the other kept parts.
 */
extern void keep_statement(TriggerData *trigdata, KeptEvent event, uint64 rows, int parts);

#endif							/* KEPT_STATEMENT_H */

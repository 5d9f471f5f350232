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

/*
 * Applies what a statement did to actions (rows: the rows its transition
 * tables hold, at least one) to the kept messages and campaign stripes, and
 * with tokens to the device tokens' states.
 */
extern void keep_statement(TriggerData *trigdata, KeptEvent event, uint64 rows, bool tokens);

#endif							/* KEPT_STATEMENT_H */

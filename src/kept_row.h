/*
 * kept_row.h
 *	  The short way of keeping the roll-ups, for one action updated within
 *	  its message.
 */
#ifndef KEPT_ROW_H
#define KEPT_ROW_H

#include "postgres.h"

#include "commands/trigger.h"

/*
 * Keeps the roll-ups of an UPDATE statement that changed one action within
 * its message, and with tokens its token's state; false, having done
 * nothing, for any other statement.
 */
extern bool keep_one_row_update(TriggerData *trigdata, bool tokens);

#endif							/* KEPT_ROW_H */

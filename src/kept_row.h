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
 * its message, and the kept parts (KEPT_TOKENS, KEPT_TIMES); false, having done
 * nothing, for any other statement.
 */
extern bool keep_one_row_update(TriggerData *trigdata, int parts);

#endif							/* KEPT_ROW_H */

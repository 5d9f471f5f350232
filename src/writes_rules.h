/*
 * writes_rules.h
 *	  The state machine on every write path (writes_rules.c).
 */
#ifndef WRITES_RULES_H
#define WRITES_RULES_H

#include "commands/trigger.h"

/* Refuses a statement that leaves an action where the write API could not. */
extern void writes_check_statement(TriggerData *trigdata);

/*
 * Whether the table's owner asked to write outside the rules, to repair
 * data (SET push_actions.unchecked_writes = on).
 */
extern bool writes_unchecked(Relation rel);

#endif							/* WRITES_RULES_H */

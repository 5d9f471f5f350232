/*
 * writes_rules.h
 *	  The state machine on every write path (writes_rules.c).
 */
#ifndef WRITES_RULES_H
#define WRITES_RULES_H

#include "commands/trigger.h"

/* Refuses a statement that leaves an action where the write API could not. */
extern void writes_check_statement(TriggerData *trigdata);

#endif							/* WRITES_RULES_H */

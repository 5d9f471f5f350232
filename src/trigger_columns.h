/*
 * trigger_columns.h
 *	  A column of the table a trigger of this extension keeps, found by
 *	  name: the roll-ups' paths (kept_row.c) and the state machine's check
 *	  (writes_rules.c) read the same transition tables.
 */
#ifndef TRIGGER_COLUMNS_H
#define TRIGGER_COLUMNS_H

#include "postgres.h"
#include "access/tupdesc.h"
#include "executor/tuptable.h"
#include "executor/spi.h"

static inline AttrNumber
trigger_column(TupleDesc desc, const char *name)
{
	int			attno = SPI_fnumber(desc, name);

	if (attno <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("keep_rollups() needs column \"%s\" in the table it keeps", name)));
	return (AttrNumber) attno;
}

/* A column's value in a row of the trigger's table, found by name. */
static inline Datum
trigger_value(TupleDesc desc, TupleTableSlot *row, const char *name, bool *isnull)
{
	int			attno = trigger_column(desc, name);

	*isnull = row->tts_isnull[attno - 1];
	return row->tts_values[attno - 1];
}

#endif							/* TRIGGER_COLUMNS_H */

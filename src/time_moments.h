/*
 * time_moments.h
 *	  The moments an action first reached each step of a send: its first
 *	  attempt, sent, delivered, opened (the actions' columns attempted_at,
 *	  sent_at, delivered_at, opened_at).  The hourly series and their
 *	  latencies (kept_times.h) are made of them.
 *
 * A moment is a fact: once an action has one, it never changes.  A row
 * written without it (an INSERT or COPY that does not name the column)
 * still has it, derived from the row: its creation for the first attempt,
 * its updated_at for a step its status has reached.  The first UPDATE of
 * the row stores the derived moments (keep_moments(), a BEFORE UPDATE
 * trigger, which also dates a step the update reaches by the new
 * updated_at), so a moment read before and after any write is the same.
 */
#ifndef TIME_MOMENTS_H
#define TIME_MOMENTS_H

#include "postgres.h"

#include "datatype/timestamp.h"

#include "push_status.h"

typedef enum MomentStep
{
	STEP_ATTEMPTED,
	STEP_SENT,
	STEP_DELIVERED,
	STEP_OPENED,
	MOMENT_STEPS
} MomentStep;

/* The actions' columns of the steps' moments, in MomentStep's order. */
extern const char *const moment_columns[MOMENT_STEPS];

/* Whether an action with this status and attempts has reached the step. */
extern bool moment_step_reached(MomentStep step, PushStatus status, int attempts);

/*
 * The moment a row says it reached the step: stored (when not stored_null),
 * else derived from its creation or updated_at; false when it has none.
 */
extern bool moment_of(MomentStep step, PushStatus status, int attempts, TimestampTz create_time,
					  TimestampTz updated_at, bool stored_null, TimestampTz stored, TimestampTz *moment);

#endif							/* TIME_MOMENTS_H */

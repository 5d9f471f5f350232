/*
 * push_status.h
 *	  The push_status type: one byte, passed by value, ordered by lifecycle.
 */
#ifndef PUSH_STATUS_H
#define PUSH_STATUS_H

#include "postgres.h"
#include "fmgr.h"

/* Values are stored as their lifecycle position, so byte order is sort order. */
typedef enum PushStatus
{
	PS_SCHEDULED = 0,
	PS_ATTEMPTED,
	PS_SENT,
	PS_DELIVERED,
	PS_OPENED,
	PS_CONVERTED,
	PS_FAILED,
	PS_BOUNCED,
	PS_EXPIRED
} PushStatus;

#define PUSH_STATUS_COUNT 9
#define PUSH_STATUS_ALL		((UINT32_C(1) << PUSH_STATUS_COUNT) - 1)	/* a set of every status */

#define DatumGetPushStatus(d)		((PushStatus) DatumGetUInt8(d))
#define PushStatusGetDatum(s)		UInt8GetDatum((uint8) (s))
#define PG_GETARG_PUSH_STATUS(n)	DatumGetPushStatus(PG_GETARG_DATUM(n))
#define PG_RETURN_PUSH_STATUS(s)	return PushStatusGetDatum(s)

extern const char *const push_status_names[PUSH_STATUS_COUNT];

/* Parses a status name case-insensitively; false when it is none of them. */
extern bool push_status_parse(const char *str, PushStatus *result);

/* The comma-separated list of valid names, for error hints. */
extern const char *push_status_valid_list(void);

extern bool push_status_can_transition(PushStatus from, PushStatus to);

/* The state machine with the attempts counted: what the write API can reach. */
extern bool push_status_reachable(PushStatus status, int attempts);
extern bool push_status_step_allowed(PushStatus from, int from_tries, PushStatus to, int to_tries);

static inline bool
push_status_is_valid(int value)
{
	return value >= 0 && value < PUSH_STATUS_COUNT;
}

/*
 * A status read from a stored value.  Every way in (text, binary, casts)
 * checks what it takes, so only damaged data fails here: an error rather
 * than an index past the status tables.
 */
static inline PushStatus
push_status_stored(Datum d)
{
	PushStatus	s = DatumGetPushStatus(d);

	if (unlikely(!push_status_is_valid(s)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid push_status value %d", (int) s)));
	return s;
}

static inline bool
push_status_is_final(PushStatus s)
{
	return s >= PS_SENT;
}

static inline bool
push_status_is_success(PushStatus s)
{
	return s >= PS_SENT && s <= PS_CONVERTED;
}

static inline bool
push_status_is_unfinished(PushStatus s)
{
	return !push_status_is_final(s);
}

/* The statuses the listing's "error" column counts as 1: the send failed. */
static inline bool
push_status_is_error(PushStatus s)
{
	return s == PS_FAILED || s == PS_BOUNCED;
}

/* What a device can report about a push it received (track_event). */
static inline bool
push_status_is_device_event(PushStatus s)
{
	return s == PS_DELIVERED || s == PS_OPENED || s == PS_CONVERTED;
}

/* Handed to the platform and not yet reported delivered: a pending device. */
static inline bool
push_status_is_awaiting_delivery(PushStatus s)
{
	return s == PS_ATTEMPTED || s == PS_SENT;
}

/*
 * A status an action ends in, or leaves only through retry(): the hourly
 * series count it in the hour the action reached it (its updated_at).
 */
static inline bool
push_status_is_ending(PushStatus s)
{
	return s >= PS_CONVERTED;
}

#endif							/* PUSH_STATUS_H */

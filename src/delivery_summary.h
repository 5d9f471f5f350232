/*
 * delivery_summary.h
 *	  A fixed-size, storable, mergeable count of actions per push_status plus
 *	  the sum of their attempts.
 */
#ifndef DELIVERY_SUMMARY_H
#define DELIVERY_SUMMARY_H

#include "postgres.h"
#include "fmgr.h"

#include "push_status.h"

/*
 * Plain int64 fields and no header: the type is fixed-length (80 bytes,
 * double-aligned), so it can be the concrete state of parallel aggregates.
 */
typedef struct DeliverySummary
{
	int64		counts[PUSH_STATUS_COUNT];
	int64		attempts;
} DeliverySummary;

/* the on-disk layout (INTERNALLENGTH = 80) never changes: README "Upgrading" */
StaticAssertDecl(sizeof(DeliverySummary) == 80, "delivery_summary must stay 80 bytes");
/* rollup_status keeps the statuses seen as bits of an int4 */
StaticAssertDecl(PUSH_STATUS_COUNT <= 31, "every status needs a bit of rollup_status's state");

#define DatumGetDeliverySummaryP(d)		((DeliverySummary *) DatumGetPointer(d))
#define DeliverySummaryPGetDatum(p)		PointerGetDatum(p)
#define PG_GETARG_DELIVERY_SUMMARY_P(n)	DatumGetDeliverySummaryP(PG_GETARG_DATUM(n))
#define PG_RETURN_DELIVERY_SUMMARY_P(p)	PG_RETURN_POINTER(p)

/* Adds b into a, raising 22003 instead of wrapping. */
extern void delivery_summary_add_into(DeliverySummary *a, const DeliverySummary *b);

/* The Customer.io roll-up of a summary; false when it counts no action. */
extern bool delivery_summary_rollup(const DeliverySummary *s, PushStatus *result);

#endif							/* DELIVERY_SUMMARY_H */

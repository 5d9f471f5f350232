/*
 * kept_stripes.h
 *	  What both ways of keeping the roll-ups write the same way: the campaign
 *	  stripe of this backend, and the refusal when the kept state is out of
 *	  step with the actions.
 */
#ifndef KEPT_STRIPES_H
#define KEPT_STRIPES_H

#include "postgres.h"

#include "compat.h"

/* A campaign stripe's upsert, around the rows it adds. */
#define STRIPE_INSERT \
	"INSERT INTO push_actions_internal.campaign_stripes AS s" \
	" (app_id, campaign_id, stripe, devices_added, devices_removed, messages_added, messages_removed) "
#define STRIPE_ON_CONFLICT \
	" ON CONFLICT (app_id, campaign_id, stripe) DO UPDATE" \
	" SET devices_added = s.devices_added OPERATOR(pg_catalog.+) excluded.devices_added," \
	"  devices_removed = s.devices_removed OPERATOR(pg_catalog.+) excluded.devices_removed," \
	"  messages_added = s.messages_added OPERATOR(pg_catalog.+) excluded.messages_added," \
	"  messages_removed = s.messages_removed OPERATOR(pg_catalog.+) excluded.messages_removed"

/* Refuses the write: n changed messages had no kept row (XX001). */
PA_NORETURN extern void report_out_of_step(int64 n);

#endif							/* KEPT_STRIPES_H */

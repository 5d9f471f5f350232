/*
 * listing_columns.c
 *	  The fixed list of columns a push-devices request may filter, select and
 *	  order by, with the SQL each one stands for.
 */
#include "postgres.h"

#include "listing.h"

/*
 * "error" expands to the same predicate as the partial index
 * actions_failed_idx, so a campaign's failed actions come from that index.
 */
static const ListColumn columns[] = {
	{"action_id", COL_INT, "a.action_id", false},
	{"campaign_id", COL_INT, "a.campaign_id", false},
	{"push_id", COL_TEXT, "a.push_id", false},
	{"create_time", COL_TIME, "a.create_time", false},
	{"device_id", COL_INT, "a.device_id", false},
	{"profile_id", COL_TEXT, "a.profile_id", false},
	{"device_token", COL_TEXT, "a.device_token", false},
	{"platform", COL_TEXT, "a.platform", false},
	{"channel", COL_TEXT, "a.channel", false},
	{"status", COL_STATUS, "a.status", false},
	{"attempts", COL_INT, "a.attempts", false},
	{"error", COL_ERROR, "(a.status IN ('failed', 'bounced'))", false},
	{"error_message", COL_TEXT, "a.error_message", false},
	{"message", COL_TEXT, "(p.payload ->> 'message')", true},
	{"update_time", COL_TIME, "a.updated_at", false},
};

const ListColumn *
listing_find_column(const char *name, int len)
{
	for (int i = 0; i < (int) lengthof(columns); i++)
		if ((int) strlen(columns[i].name) == len && strncmp(columns[i].name, name, len) == 0)
			return &columns[i];
	return NULL;
}

const ListColumn *
listing_all_columns(int *count)
{
	*count = (int) lengthof(columns);
	return columns;
}

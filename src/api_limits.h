/*
 * api_limits.h
 *	  Every limit a caller can meet, in one table: the C code uses the
 *	  constants, the SQL code reads the same values by name through
 *	  push_actions_internal.limit_value(), and push_actions.limits() lists
 *	  them for the README's table and for callers.
 */
#ifndef API_LIMITS_H
#define API_LIMITS_H

/* X(constant, SQL name, value, what it bounds) */
#define PUSH_ACTIONS_LIMITS(X) \
	X(LIMIT_ATTEMPTS, "attempts", 10, \
	  "send attempts of one action; the last failed one makes it failed") \
	X(LIMIT_PAYLOAD_BYTES, "payload_bytes", 4096, \
	  "bytes of a push's payload as JSON text, as APNs and FCM allow") \
	X(LIMIT_DEVICES_PER_CALL, "devices_per_call", 10000, \
	  "devices in one create_push or add_push_devices call") \
	X(LIMIT_DEVICES_PER_PUSH, "devices_per_push", 1000000, \
	  "devices (actions) of one push, over all its calls") \
	X(LIMIT_ERROR_MESSAGE_CHARS, "error_message_chars", 1000, \
	  "characters of an error message that record_attempt stores") \
	X(LIMIT_ERROR_CODE_CHARS, "error_code_chars", 64, \
	  "characters of a provider's error code that an action stores") \
	X(LIMIT_APP_NAME_CHARS, "app_name_chars", 200, \
	  "characters of an app's name") \
	X(LIMIT_PUSH_LIFETIME_DAYS, "push_lifetime_days", 365, \
	  "days from a push's creation to its expiry") \
	X(LIMIT_LISTING_PAGE, "listing_limit", 1000, \
	  "rows in one answer of list_push_devices (its \"limit\")") \
	X(LIMIT_LISTING_CONDITIONS, "listing_conditions", 100, \
	  "conditions in one list_push_devices request") \
	X(LIMIT_LISTING_VALUES, "listing_in_values", 1000, \
	  "values of one \"in\" or \"not in\" condition") \
	X(LIMIT_PENDING_DEVICES, "pending_devices", 1000, \
	  "device tokens push_info lists (pending_count counts them all)") \
	X(LIMIT_DEAD_TOKENS_PAGE, "dead_tokens_page", 10000, \
	  "dead device tokens in one page of dead_device_tokens") \
	X(LIMIT_DEVICE_TOKEN_CHARS, "device_token_chars", 1000, \
	  "characters of a device token that register_device_token takes")

#define PUSH_ACTIONS_LIMIT_ENUM(id, name, value, what) id = value,
enum
{
	PUSH_ACTIONS_LIMITS(PUSH_ACTIONS_LIMIT_ENUM)
};
#undef PUSH_ACTIONS_LIMIT_ENUM

#endif							/* API_LIMITS_H */

/*
 * provider_errors.h
 *	  What each push provider's error means for the device token it was
 *	  sent to, in one table: record_attempt decides bounced from it,
 *	  push_actions.error_class() answers callers, push_actions.provider_errors()
 *	  lists it for the README's table and the tests.
 *
 * The classes, in the order a message naming several is judged by:
 *	  gone			the app was uninstalled or the token expired: never send again
 *	  invalid		not a token of this app and environment: never send again
 *	  configuration	the sender's credentials, topic or project: the token is fine
 *	  message		the request or payload: fix it, the token is fine
 *	  retry			the provider's limits or availability: send again later
 *	  unknown		none of the above; never taken for gone
 */
#ifndef PROVIDER_ERRORS_H
#define PROVIDER_ERRORS_H

#include "datatype/timestamp.h"

/* X(class) */
#define PROVIDER_ERROR_CLASSES(X) \
	X(gone) X(invalid) X(configuration) X(message) X(retry) X(unknown)

#define PROVIDER_ERROR_CLASS_ENUM(name) ERROR_CLASS_##name,
typedef enum ProviderErrorClass
{
	PROVIDER_ERROR_CLASSES(PROVIDER_ERROR_CLASS_ENUM)
	ERROR_CLASS_COUNT
} ProviderErrorClass;
#undef PROVIDER_ERROR_CLASS_ENUM

/*
 * X(provider, code, HTTP status or 0, class, found in free text, meaning).
 * "Found in free text": the code also counts when a caller passes only the
 * provider's message (a word of it, in any case); not numbers, nor words a
 * message could carry for another reason.
 */
#define PROVIDER_ERRORS(X) \
	X("apns", "BadDeviceToken", 400, invalid, true, "the token is not one for this topic's environment (sandbox or production)") \
	X("apns", "DeviceTokenNotForTopic", 400, invalid, true, "the token belongs to another app (topic)") \
	X("apns", "MissingDeviceToken", 400, message, true, "the request named no token") \
	X("apns", "BadTopic", 400, configuration, true, "the topic is not allowed") \
	X("apns", "MissingTopic", 400, configuration, true, "the request needs a topic") \
	X("apns", "TopicDisallowed", 400, configuration, true, "pushing to this topic is not allowed") \
	X("apns", "BadCollapseId", 400, message, true, "the collapse id is too long") \
	X("apns", "BadExpirationDate", 400, message, true, "the expiration date is invalid") \
	X("apns", "BadMessageId", 400, message, true, "the message id is invalid") \
	X("apns", "BadPriority", 400, message, true, "the priority is invalid") \
	X("apns", "DuplicateHeaders", 400, message, true, "a header was repeated") \
	X("apns", "InvalidPushType", 400, message, true, "the push type is invalid") \
	X("apns", "PayloadEmpty", 400, message, true, "the payload is empty") \
	X("apns", "IdleTimeout", 400, retry, true, "the connection was idle too long") \
	X("apns", "BadCertificate", 403, configuration, true, "the certificate is invalid") \
	X("apns", "BadCertificateEnvironment", 403, configuration, true, "the certificate is for the other environment") \
	X("apns", "ExpiredProviderToken", 403, configuration, true, "the provider token is stale: make a new one") \
	X("apns", "Forbidden", 403, configuration, false, "the action is not allowed") \
	X("apns", "InvalidProviderToken", 403, configuration, true, "the provider token is invalid") \
	X("apns", "MissingProviderToken", 403, configuration, true, "no certificate nor provider token") \
	X("apns", "BadPath", 404, message, true, "the request path is invalid") \
	X("apns", "MethodNotAllowed", 405, message, true, "the request method is not POST") \
	X("apns", "Unregistered", 410, gone, true, "the token is no longer active for the topic (see its timestamp)") \
	X("apns", "ExpiredToken", 410, gone, true, "the token has expired") \
	X("apns", "PayloadTooLarge", 413, message, true, "the payload is larger than 4 KB") \
	X("apns", "TooManyProviderTokenUpdates", 429, retry, true, "the provider token was renewed too often") \
	X("apns", "TooManyRequests", 429, retry, true, "too many pushes to the same token") \
	X("apns", "InternalServerError", 500, retry, true, "APNs failed") \
	X("apns", "ServiceUnavailable", 503, retry, true, "APNs is unavailable") \
	X("apns", "Shutdown", 503, retry, false, "the APNs server is shutting down") \
	X("fcm", "UNREGISTERED", 404, gone, true, "the token is no longer valid (app uninstalled, token expired)") \
	X("fcm", "INVALID_ARGUMENT", 400, message, false, "a field of the request is invalid (the token's format among them)") \
	X("fcm", "SENDER_ID_MISMATCH", 403, configuration, true, "the token belongs to another sender (project)") \
	X("fcm", "THIRD_PARTY_AUTH_ERROR", 401, configuration, true, "the APNs certificate or web push key is invalid or missing") \
	X("fcm", "QUOTA_EXCEEDED", 429, retry, true, "the sending limit was exceeded") \
	X("fcm", "UNAVAILABLE", 503, retry, false, "FCM is overloaded") \
	X("fcm", "INTERNAL", 500, retry, false, "FCM failed") \
	X("fcm", "UNSPECIFIED_ERROR", 0, unknown, false, "no more is known") \
	X("gcm", "NotRegistered", 200, gone, true, "the token is no longer valid (app uninstalled, token expired)") \
	X("gcm", "InvalidRegistration", 200, invalid, true, "the token is not a valid registration token") \
	X("gcm", "MissingRegistration", 200, message, true, "the request named no token") \
	X("gcm", "MismatchSenderId", 200, configuration, true, "the token belongs to another sender") \
	X("gcm", "InvalidPackageName", 200, configuration, true, "the token is for another package name") \
	X("gcm", "InvalidApnsCredential", 200, configuration, true, "the APNs credential is invalid") \
	X("gcm", "MessageTooBig", 200, message, true, "the payload is larger than 4 KB") \
	X("gcm", "InvalidDataKey", 200, message, true, "the payload uses a reserved key") \
	X("gcm", "InvalidTtl", 200, message, true, "the time to live is out of range") \
	X("gcm", "DeviceMessageRateExceeded", 200, retry, true, "too many messages to this device") \
	X("gcm", "TopicsMessageRateExceeded", 200, retry, true, "too many messages to this topic") \
	X("gcm", "Unavailable", 200, retry, false, "the server was busy") \
	X("gcm", "InternalServerError", 500, retry, true, "the server failed") \
	X("expo", "DeviceNotRegistered", 0, gone, true, "the device cannot receive pushes any more") \
	X("expo", "MessageTooBig", 0, message, true, "the payload is larger than 4 KB") \
	X("expo", "MessageRateExceeded", 0, retry, true, "too many messages to this device") \
	X("expo", "MismatchSenderId", 0, configuration, true, "the FCM credentials do not match the token") \
	X("expo", "InvalidCredentials", 0, configuration, true, "the push credentials are invalid") \
	X("webpush", "400", 400, message, false, "the request is invalid") \
	X("webpush", "403", 403, configuration, false, "the VAPID key or its signature is wrong") \
	X("webpush", "404", 404, gone, false, "the subscription is not found") \
	X("webpush", "410", 410, gone, false, "the subscription is gone") \
	X("webpush", "413", 413, message, false, "the payload is too large") \
	X("webpush", "429", 429, retry, false, "too many requests") \
	X("xtremepush", "DEVICE_UNREGISTERED", 0, gone, true, "the device was unregistered") \
	X("xtremepush", "Application is Uninstalled", 0, gone, true, "the app was uninstalled") \
	X("xtremepush", "Not personalized", 0, message, true, "the message could not be personalized for the device")

/* The class of a provider's code, else of its message; unknown if neither says. */
extern ProviderErrorClass provider_error_class(const char *code, int code_len,
											   const char *message, int message_len);
extern const char *provider_error_class_name(ProviderErrorClass class);

/*
 * For an error that says the token is gone, the moment the provider gives
 * for it in the message (APNs's "timestamp"); false when there is none.
 */
extern bool provider_gone_time(const char *code, int code_len, const char *message, int message_len,
							   TimestampTz *at);

#endif							/* PROVIDER_ERRORS_H */

/**
 * @file pubrio.h
 * @brief libpubrio: a C client for Pubrio's batch redeem API.
 *
 * Conventions (the same for every call):
 * - Output parameters are named `out`; whatever comes back through `**out`
 *   belongs to the caller and is released with exactly one `pubrio_*_free`.
 * - Every fallible call returns a ::pubrio_status and takes a trailing
 *   `pubrio_error *err` (may be NULL) that receives the details.
 * - Strings passed in are UTF-8 and copied; strings handed out live as long as
 *   the object that owns them.
 * - Thread safety: objects are not shared between threads without locking;
 *   use one ::pubrio_client per thread. Distinct objects may be used from
 *   different threads at once. No global init call is needed.
 */
#ifndef PUBRIO_PUBRIO_H
#define PUBRIO_PUBRIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @cond INTERNAL */
#if defined(_WIN32)
#define PUBRIO_API
#elif defined(__GNUC__) || defined(__clang__)
#define PUBRIO_API __attribute__((visibility("default")))
#else
#define PUBRIO_API
#endif
/** @endcond */

/**
 * @defgroup basics Versions, statuses, errors, memory
 * @brief What every call shares: the version, the status of a call, the
 * error details, contact types, the allocator.
 * @{
 */

/** Major version: bumped on ABI breaks. */
#define PUBRIO_VERSION_MAJOR 0
/** Minor version: bumped when API is added. */
#define PUBRIO_VERSION_MINOR 2
/** Patch version: bumped on fixes. */
#define PUBRIO_VERSION_PATCH 0
/** The version as a string. */
#define PUBRIO_VERSION "0.2.0"
/** The version as one comparable number: 0xMMmmpp. */
#define PUBRIO_VERSION_NUM                                                     \
  ((PUBRIO_VERSION_MAJOR << 16) | (PUBRIO_VERSION_MINOR << 8) |                \
   PUBRIO_VERSION_PATCH)

/**
 * @brief The version of the library actually loaded at run time.
 * @return A static string such as "0.1.0". Thread-safe.
 */
PUBRIO_API const char *pubrio_version(void);

/** @brief Allocates @p size bytes, NULL when out of memory (as malloc). */
typedef void *(*pubrio_malloc_fn)(size_t size);
/** @brief Resizes a block (as realloc). */
typedef void *(*pubrio_realloc_fn)(void *ptr, size_t size);
/** @brief Frees a block (as free); never called with NULL. */
typedef void (*pubrio_free_fn)(void *ptr);

/**
 * @brief Outcome of a call. Values are fixed forever: a retired value is
 * never reused.
 */
typedef enum pubrio_status {
  PUBRIO_OK = 0,                 /**< Success. */
  PUBRIO_E_INVALID_ARGUMENT = 1, /**< Bad input caught before sending. */
  PUBRIO_E_OUT_OF_MEMORY = 2,    /**< An allocation failed. */
  PUBRIO_E_NO_API_KEY = 3,   /**< No key given and none in PUBRIO_API_KEY. */
  PUBRIO_E_TRANSPORT = 4,    /**< DNS, connect, reset, protocol failure. */
  PUBRIO_E_TIMEOUT = 5,      /**< Connect or total timeout reached. */
  PUBRIO_E_TLS = 6,          /**< TLS handshake or certificate failure. */
  PUBRIO_E_BAD_REQUEST = 7,  /**< HTTP 400: the API rejected the input. */
  PUBRIO_E_UNAUTHORIZED = 8, /**< HTTP 401 or 403: bad or missing key. */
  PUBRIO_E_PAYMENT_REQUIRED = 9,    /**< HTTP 402: out of credits. */
  PUBRIO_E_RATE_LIMITED = 10,       /**< HTTP 429, still after retries. */
  PUBRIO_E_SERVER = 11,             /**< HTTP 5xx. */
  PUBRIO_E_HTTP = 12,               /**< Any other non-2xx HTTP status. */
  PUBRIO_E_PROTOCOL = 13,           /**< Response breaks the contract. */
  PUBRIO_E_RESPONSE_TOO_LARGE = 14, /**< Body over the configured cap. */
  PUBRIO_E_WAIT_TIMEOUT = 15,       /**< Wait deadline reached, not complete. */
  PUBRIO_E_CANCELLED = 16, /**< pubrio_client_cancel() or a progress callback
                                stopped the call. */
  PUBRIO_E_CREDIT_BUDGET = 17, /**< A bulk run stopped submitting: the next
                                    batch could push the charges past the
                                    credit budget. */
  PUBRIO_E_JOURNAL = 18 /**< The journal cannot be used (locked by another
                             run, not ours, other types, damaged) or
                             written (disk full). */
} pubrio_status;

/**
 * @brief A static, human-readable name for a status.
 * @return Never NULL; "unknown status" for values this version lacks.
 * @param status a status, any value.
 */
PUBRIO_API const char *pubrio_status_str(pubrio_status status);

/**
 * @brief What became of a submit, as far as credits go. Only the submit
 * (pubrio_redeem_people_batch(), pubrio_redeem_people_batch_and_wait() and
 * pubrio_redeem_person()) and the lookups that spend credits
 * (pubrio_lookup_person(), pubrio_lookup_batch()) set it; every other call
 * leaves ::PUBRIO_SUBMIT_NONE.
 */
typedef enum pubrio_submit_state {
  PUBRIO_SUBMIT_NONE = 0,      /**< The call made no submit. */
  PUBRIO_SUBMIT_NOT_SPENT = 1, /**< Nothing was charged: the submit never
                                    left, or the API refused it with an
                                    answer that proves it was not processed
                                    (400, 401, 402, 403, 404, 422, 429).
                                    Sending it again is safe. */
  PUBRIO_SUBMIT_UNCERTAIN = 2, /**< The submit left and no conclusive answer
                                    came back (timeout, reset, 5xx, 408, an
                                    unreadable 2xx...): the API may have
                                    charged for it. It is never resent unless
                                    the caller opted in with
                                    pubrio_client_set_retry_unsafe_submit(). */
  PUBRIO_SUBMIT_ACCEPTED = 3   /**< The submit was accepted (credits spent)
                                    and a later step failed; the batch's id is
                                    in pubrio_error::redeem_query_id. Collect
                                    it with pubrio_redeem_people_batch_wait(),
                                    never submit it again. */
} pubrio_submit_state;

/**
 * @brief Details of a failed call.
 *
 * The caller owns the struct (usually on the stack) and initializes it
 * before first use (`pubrio_error err = PUBRIO_ERROR_INIT;`, the same as
 * `{0}`). The library fills it on failure and releases what it held before,
 * so one struct can serve many calls. One left uninitialized is harmless:
 * the library frees only the block it sealed into `reserved` itself, so
 * stack garbage is overwritten, never freed.
 * Release its strings with pubrio_error_clear(). Fields are only ever added
 * in place of `reserved`, so the size never changes. The API key never
 * appears in any field.
 *
 * The strings belong to a block the library keeps in the last two
 * `reserved` slots; the library never frees a pointer it reads back from a
 * string field, so runtimes that copy the struct in and out of each call
 * (Node's koffi, JNA, .NET) may map those fields as their own strings. Such a
 * copy must carry `reserved` back unchanged, or the block leaks (it never
 * crashes).
 */
typedef struct pubrio_error {
  pubrio_status status;     /**< Same as the call's return value. */
  int attempts;             /**< HTTP attempts made (0 if none sent). */
  long http_status;         /**< Last HTTP status, 0 when none. */
  int64_t api_code;         /**< 400 body's `code`, 0 when absent. */
  int64_t retry_after_ms;   /**< Retry-After asked by server, -1 if none. */
  const char *message;      /**< Human sentence; non-NULL on failure. */
  const char *api_message;  /**< Server's `message` or `error` text, or NULL. */
  const char *details_json; /**< 400 body's `details` as JSON, or NULL. */
  const char *request_id;   /**< x-request-id / request-id header, or NULL. */
  const char *redeem_query_id; /**< The batch the credits were spent on when
                                    a submit succeeded and a later step
                                    failed (::PUBRIO_SUBMIT_ACCEPTED), or
                                    NULL. */
  pubrio_submit_state submit_state; /**< What became of a submit. */
  void *reserved[6]; /**< Room to grow; do not touch (the last two slots
                          are the library's). */
} pubrio_error;

/** An empty ::pubrio_error, for `pubrio_error err = PUBRIO_ERROR_INIT;`. */
#define PUBRIO_ERROR_INIT                                                      \
  { 0 }

/**
 * @brief Release the strings held by @p err and zero it. The struct itself
 * is the caller's. NULL is accepted.
 * @param err the error to clear; NULL is accepted.
 */
PUBRIO_API void pubrio_error_clear(pubrio_error *err);

/** Characters in a canonical id (a people_search_id or redeem_query_id,
 * 8-4-4-4-12 hex digits), not counting the terminating NUL. */
#define PUBRIO_ID_LEN 36

/**
 * @brief Route every allocation of the library through your functions, to
 * count or pool memory (as curl_global_init_mem() and cJSON_InitHooks()
 * do). Call it before any other call, from one thread; NULL for all three
 * restores malloc, realloc and free. libcurl and cJSON keep their own
 * allocators (libcurl's: curl_global_init_mem(); cJSON's:
 * cJSON_InitHooks()). A failed allocation anywhere in the library is
 * ::PUBRIO_E_OUT_OF_MEMORY, never mistaken for a broken answer.
 * @param malloc_fn the allocator.
 * @param realloc_fn the reallocator.
 * @param free_fn the deallocator.
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when some but not all
 *         three are NULL (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_set_allocator(pubrio_malloc_fn malloc_fn,
                                              pubrio_realloc_fn realloc_fn,
                                              pubrio_free_fn free_fn);

/** @brief Contact types that can be redeemed. Bit values: they can be or-ed.
 * Lists of types go out in the order of their bits. */
typedef enum pubrio_contact_type {
  PUBRIO_CONTACT_UNKNOWN = 0,        /**< A type this version does not know. */
  PUBRIO_CONTACT_EMAIL_PERSONAL = 1, /**< "email-personal" */
  PUBRIO_CONTACT_EMAIL_WORK = 2,     /**< "email-work" */
  PUBRIO_CONTACT_PHONE = 4           /**< "phone" (the highest bit) */
} pubrio_contact_type;

/**
 * @brief The wire name of a contact type ("email-work", ...).
 * @return A static string, or NULL for ::PUBRIO_CONTACT_UNKNOWN or any other
 * value.
 * @param type one contact type.
 */
PUBRIO_API const char *pubrio_contact_type_str(pubrio_contact_type type);

/**
 * @brief Parse a wire name ("email-personal", "email-work", "phone").
 * @return The type, or ::PUBRIO_CONTACT_UNKNOWN when @p name is not one.
 * @param name a wire name; NULL is accepted.
 */
PUBRIO_API pubrio_contact_type pubrio_contact_type_from_str(const char *name);

/** Bytes that always hold a canonical LinkedIn profile URL written by
 * pubrio_linkedin_url_normalize(), its terminating NUL included. */
#define PUBRIO_LINKEDIN_URL_MAX 1024

/**
 * @brief The canonical form of a LinkedIn profile URL,
 * `https://www.linkedin.com/in/SLUG`, so that two spellings of one profile
 * compare equal (de-duplication) and anything else is refused before it is
 * sent.
 *
 * Accepted: the scheme `https://`, `http://` or none; the host
 * `linkedin.com`, `www.linkedin.com` or a two-letter country subdomain
 * (`uk.linkedin.com`), in any case; the path `/in/SLUG` with an optional
 * trailing slash; a query and a fragment (dropped); spaces and tabs around
 * the URL (dropped). The slug's ASCII letters are lowered, percent-escapes
 * of letters, digits and `-._~` are decoded, and every byte of a non-ASCII
 * character is written as an upper-case percent-escape (raw or escaped in
 * the input alike). Pure: no allocation, no network, thread-safe.
 *
 * Refused (::PUBRIO_E_INVALID_ARGUMENT, with a message): other hosts
 * (`linkedin.com.evil.com` too), other schemes, a port, user information
 * (`@`), any path but `/in/SLUG` (`/company/...`, `/pub/dir/...`, a path
 * beyond the slug), an empty slug, a slug holding any other character or
 * escape (`/`, `%2F`, spaces, control characters) or invalid UTF-8, and
 * input over 2048 bytes.
 * @param url the URL, UTF-8, NUL-terminated.
 * @param out receives the canonical URL, NUL-terminated (unchanged on
 *        failure).
 * @param out_size the size of @p out; ::PUBRIO_LINKEDIN_URL_MAX is always
 *        enough.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p url is not a
 *         LinkedIn profile URL, a pointer is NULL or @p out_size is too
 *         small.
 */
PUBRIO_API pubrio_status pubrio_linkedin_url_normalize(const char *url,
                                                       char *out,
                                                       size_t out_size,
                                                       pubrio_error *err);

/** @} */

/**
 * @defgroup client Client
 * @brief A connection to the API: key, base URL, timeouts, retries, pacing,
 * TLS, logging, cancel.
 * @{
 */

/** @brief A connection to the API: key, base URL, policies, a reused curl
 * handle. Opaque. Not thread-safe: one client per thread. */
typedef struct pubrio_client pubrio_client;

/**
 * @brief Create a client.
 * @param out receives the client; free it with pubrio_client_free().
 * @param api_key the key, copied; NULL reads PUBRIO_API_KEY. No key at all is
 *        ::PUBRIO_E_NO_API_KEY. The base URL is read from PUBRIO_BASE_URL
 *        when set, else https://api.pubrio.com.
 * @param err optional error details.
 * @return ::PUBRIO_OK; ::PUBRIO_E_NO_API_KEY, ::PUBRIO_E_INVALID_ARGUMENT (a
 *        NULL @p out, a key with control characters, a bad PUBRIO_BASE_URL)
 *        or ::PUBRIO_E_OUT_OF_MEMORY; @p out is then NULL.
 */
PUBRIO_API pubrio_status pubrio_client_new(pubrio_client **out,
                                           const char *api_key,
                                           pubrio_error *err);

/**
 * @brief Free a client. NULL is accepted.
 *
 * Every copy of the key the library made (the key, the header line built
 * from it) is overwritten before it is freed. libcurl builds each request,
 * headers included, in buffers of its own and frees them without wiping, so
 * the key can remain in freed memory of the process until it is reused. A
 * program that must rule that out can give libcurl wiping allocators with
 * `curl_global_init_mem()` before creating the first client.
 * @param client the client; NULL is accepted.
 */
PUBRIO_API void pubrio_client_free(pubrio_client *client);

/**
 * @brief Cancel whatever @p client is doing, and every call made on it until
 * pubrio_client_reset_cancel(): an in-flight transfer is cut and any sleep
 * (retry backoff, pacing, a wait's delay) ends within milliseconds, and the
 * call returns ::PUBRIO_E_CANCELLED. A submit cut after it left reports
 * ::PUBRIO_SUBMIT_UNCERTAIN.
 *
 * Thread-safe and async-signal-safe (an atomic store and one write() to a
 * pipe): call it from another thread or a SIGINT handler. The client must
 * stay alive meanwhile. A sleep supplied with pubrio_client_set_clock()
 * cannot be cut short; the call stops after it.
 * @param client the client to cancel; NULL is accepted.
 */
PUBRIO_API void pubrio_client_cancel(pubrio_client *client);

/**
 *@brief Let calls on @p client run again after pubrio_client_cancel().
 * Call it when no call is in progress on the client. NULL is accepted.
 * @param client the client; NULL is accepted.
 */
PUBRIO_API void pubrio_client_reset_cancel(pubrio_client *client);

/**
 * @brief Set the base URL, e.g. "https://api.pubrio.com" or
 * "http://127.0.0.1:8080/gateway" (a path prefix is kept). Only http and
 * https are accepted.
 * @param client the client.
 * @param base_url the URL, copied.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when the URL is not
 *        http(s), or holds credentials, a query or a fragment (nothing
 *        changes). ::PUBRIO_E_OUT_OF_MEMORY when a copy cannot be made.
 */
PUBRIO_API pubrio_status pubrio_client_set_base_url(pubrio_client *client,
                                                    const char *base_url,
                                                    pubrio_error *err);

/**
 *@brief The base URL in use. Lives as long as the client or the next set.
 * @param client the client.
 * @return the URL; NULL when @p client is NULL.
 */
PUBRIO_API const char *pubrio_client_base_url(const pubrio_client *client);

/**
 * @brief Set timeouts in milliseconds (defaults: connect 10000, total 60000
 * per attempt). Each must be > 0. Within a wait, an attempt's total is also
 * trimmed to the time left before the wait's deadline.
 * @param client the client.
 * @param connect_timeout_ms time to connect, 1..2147483647.
 * @param total_timeout_ms time for one attempt, 1..2147483647.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when a value is out of
 *        range (nothing changes). ::PUBRIO_E_OUT_OF_MEMORY when a copy
 *        cannot be made.
 */
PUBRIO_API pubrio_status pubrio_client_set_timeouts(pubrio_client *client,
                                                    int64_t connect_timeout_ms,
                                                    int64_t total_timeout_ms,
                                                    pubrio_error *err);

/**
 *@brief Set the User-Agent (default "libpubrio/<version>").
 * @param client the client.
 * @param user_agent the User-Agent, copied; not empty, no control
 *        characters.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when the value is NULL,
 *        empty or holds control characters (nothing changes).
 *        ::PUBRIO_E_OUT_OF_MEMORY when a copy cannot be made.
 */
PUBRIO_API pubrio_status pubrio_client_set_user_agent(pubrio_client *client,
                                                      const char *user_agent,
                                                      pubrio_error *err);

/**
 * @brief Retry policy (defaults: 3 attempts, 500 ms base, 8000 ms cap,
 * with jitter). The submit, which spends credits, is retried only when the
 * server provably did not process it: HTTP 429, or a failure before the
 * request left (DNS, connection refused, TLS handshake). The query, which is
 * read-only, is also retried on 408, 5xx, timeouts and resets.
 * @param client the client.
 * @param max_attempts total attempts, 1..100 (1 disables retries).
 * @param base_delay_ms first backoff delay, >= 0.
 * @param max_delay_ms backoff cap, >= base_delay_ms.
 * @param err optional error details.
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when a value is out of
 *        range (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_client_set_retry(pubrio_client *client,
                                                 int max_attempts,
                                                 int64_t base_delay_ms,
                                                 int64_t max_delay_ms,
                                                 pubrio_error *err);

/**
 * @brief Longest `Retry-After` (or `retry-after-ms`) honoured (default
 * 60000). A longer one is not waited for: the call returns
 * ::PUBRIO_E_RATE_LIMITED with the asked wait in `retry_after_ms`.
 * @param client the client.
 * @param max_retry_after_ms the longest wait honoured, >= 0.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when the value is
 *        negative (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_client_set_max_retry_after(
    pubrio_client *client, int64_t max_retry_after_ms, pubrio_error *err);

/**
 * @brief Opt in (1) to retrying a submit after a 5xx, timeout or reset that
 * happened after the request was sent. Off (0) by default because the server
 * may have processed the first one and spent credits.
 * @param client the client.
 * @param enabled 1 to opt in, 0 (the default) to stay safe.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p client is NULL
 *        (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_client_set_retry_unsafe_submit(
    pubrio_client *client, int enabled, pubrio_error *err);

/**
 * @brief Pace requests so that no 60-second window holds more than
 * @p requests_per_minute of them (0, the default, turns pacing off). Pubrio
 * allows 300 a minute per key.
 * @param client the client.
 * @param requests_per_minute 0..1000000; 0 turns pacing off.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when the value is out of
 *        range (nothing changes). ::PUBRIO_E_OUT_OF_MEMORY when a copy
 *        cannot be made.
 */
PUBRIO_API pubrio_status pubrio_client_set_rate_limit(pubrio_client *client,
                                                      int requests_per_minute,
                                                      pubrio_error *err);

/**
 * @brief Trust the CA certificates in @p ca_file and/or the directory
 * @p ca_path (either may be NULL) instead of the system store, e.g. for a
 * private gateway. Verification itself cannot be turned off.
 * @param client the client.
 * @param ca_file a PEM bundle, or NULL.
 * @param ca_path a directory of certificates, or NULL.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when a path is empty or
 *        holds control characters (nothing changes).
 *        ::PUBRIO_E_OUT_OF_MEMORY when a copy cannot be made.
 */
PUBRIO_API pubrio_status pubrio_client_set_ca(pubrio_client *client,
                                              const char *ca_file,
                                              const char *ca_path,
                                              pubrio_error *err);

/**
 *@brief Largest response body accepted (default 8 MiB, minimum 1 KiB);
 * a larger one is ::PUBRIO_E_RESPONSE_TOO_LARGE.
 * @param client the client.
 * @param max_bytes the cap, >= 1024.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when the cap is under
 *        1024 (nothing changes). ::PUBRIO_E_OUT_OF_MEMORY when a copy cannot
 *        be made.
 */
PUBRIO_API pubrio_status pubrio_client_set_max_response_bytes(
    pubrio_client *client, size_t max_bytes, pubrio_error *err);

/** @brief Monotonic time in milliseconds. */
typedef int64_t (*pubrio_now_fn)(void *userdata);
/** @brief Sleep for @p ms milliseconds. */
typedef void (*pubrio_sleep_fn)(int64_t ms, void *userdata);
/** @brief A uniform random number in [0, 1). */
typedef double (*pubrio_random_fn)(void *userdata);

/**
 * @brief Replace the clock, sleep and random source used by retries, pacing
 * and waiting (for tests, simulations or an event loop). Any NULL function
 * keeps the default (monotonic clock, nanosleep, xorshift).
 * @param client the client.
 * @param now the monotonic clock, or NULL for the default.
 * @param sleep the sleep, or NULL for the default (which
 *        pubrio_client_cancel() wakes).
 * @param random the random source, or NULL for the default.
 * @param userdata handed to the three functions.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p client is NULL
 *        (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_client_set_clock(
    pubrio_client *client, pubrio_now_fn now, pubrio_sleep_fn sleep,
    pubrio_random_fn random, void *userdata, pubrio_error *err);

/** @brief Log levels, most severe first. */
typedef enum pubrio_log_level {
  PUBRIO_LOG_ERROR = 1, /**< A call failed. */
  PUBRIO_LOG_WARN = 2,  /**< A retry or a rate-limit wait. */
  PUBRIO_LOG_INFO = 3,  /**< One line per HTTP request and response. */
  PUBRIO_LOG_DEBUG = 4  /**< Request and response bodies. */
} pubrio_log_level;

/**
 * @brief Receives a finished log line (no format string, no varargs). The
 * API key never appears in it. Called on the thread making the call.
 */
typedef void (*pubrio_log_fn)(pubrio_log_level level, const char *message,
                              void *userdata);

/**
 *@brief Send log lines up to @p max_level to @p fn (NULL turns it off).
 * @param client the client.
 * @param max_level the most detailed level sent.
 * @param fn the receiver, or NULL to stop logging.
 * @param userdata handed to @p fn.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p client is NULL
 *        (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_client_set_log(pubrio_client *client,
                                               pubrio_log_level max_level,
                                               pubrio_log_fn fn, void *userdata,
                                               pubrio_error *err);

/**
 * @brief Connections opened by this client so far (1 for a whole run means
 * keep-alive worked).
 * @param client the client.
 * @return the count; 0 when @p client is NULL.
 */
PUBRIO_API long pubrio_client_connections_opened(const pubrio_client *client);

/**
 * @brief HTTP requests this client has sent so far, retries included.
 * @param client the client.
 * @return the count; 0 when @p client is NULL.
 */
PUBRIO_API long pubrio_client_requests_sent(const pubrio_client *client);

/**
 * @brief Milliseconds until the pacing set by pubrio_client_set_rate_limit()
 * lets the next request start (0 when it may start now or pacing is off).
 * Lets a caller wait on its own terms (e.g. interruptibly) before a call.
 * @param client the client.
 * @return milliseconds, >= 0; 0 when @p client is NULL.
 */
PUBRIO_API int64_t pubrio_client_pacing_delay_ms(pubrio_client *client);

/**
 * @brief Send an extra header with every request, e.g. for a gateway, or
 * `Prefer: code=429` for a mock server. Setting a name again replaces it; a
 * NULL @p value removes it. Names are HTTP tokens; values cannot hold line
 * breaks. The headers the library owns (pubrio-api-key, Content-Type,
 * Accept, Content-Length, Host, Expect, User-Agent) are refused.
 * @param client the client.
 * @param name the header name (an HTTP token).
 * @param value the value, copied, or NULL to remove the header.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when the name is not a
 *        token or is one of the library's, or the value holds a line break
 *        (nothing changes). ::PUBRIO_E_OUT_OF_MEMORY when a copy cannot be
 *        made.
 */
PUBRIO_API pubrio_status pubrio_client_set_header(pubrio_client *client,
                                                  const char *name,
                                                  const char *value,
                                                  pubrio_error *err);

/**
 * @brief Read a rate as a person writes it: `N` (N requests a minute) or
 * `N/DURATION`, DURATION one of `s`, `sec`, `m`, `min`, `h`, `hour`, `d`,
 * `day`, optionally after a whole count (`300/min`, `2400/h`, `15/10s`,
 * `57600/day`, `100/90s`). N is 1..1000000000, the duration at most 366
 * days; nothing else is accepted (no spaces, signs, fractions or trailing
 * text).
 * @param text the rate text.
 * @param out_requests receives N.
 * @param out_window_ms receives the duration in milliseconds (60000 for a
 *        bare N).
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT, with a message naming
 *        the text, when it is NULL, empty or not a rate (the outputs are
 *        then left unchanged).
 */
PUBRIO_API pubrio_status pubrio_rate_parse(const char *text,
                                           int64_t *out_requests,
                                           int64_t *out_window_ms,
                                           pubrio_error *err);

/**
 * @brief Allow a plain http:// base URL naming a host other than loopback
 * (UNSAFE: the API key and every contact bought cross the network in
 * clear).
 *
 * By default a request to an http:// base URL whose host is not loopback
 * (127.0.0.0/8, ::1, localhost) fails with ::PUBRIO_E_INVALID_ARGUMENT
 * before anything is sent; https:// is always allowed. The environment
 * variable PUBRIO_ALLOW_INSECURE_HTTP=1, read by pubrio_client_new(), has
 * the same effect. A loopback base URL is never sent through a proxy
 * (http_proxy and the like), which is another host.
 * @param client the client.
 * @param allow 1 to allow, 0 to refuse again (the default).
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT for a NULL client.
 */
PUBRIO_API pubrio_status pubrio_client_set_allow_insecure_http(
    pubrio_client *client, int allow, pubrio_error *err);

/** @} */

/**
 * @defgroup request Batch request
 * @brief People and contact types for one submit, validated as they are added.
 * @{
 */

/** @brief A batch of people and the contact types to redeem. Opaque. */
typedef struct pubrio_batch_request pubrio_batch_request;

/**
 *@brief Create an empty request; free it with pubrio_batch_request_free().
 * @param out receives the request.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p out is NULL;
 *        ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_batch_request_new(pubrio_batch_request **out,
                                                  pubrio_error *err);

/**
 *@brief Free a request. NULL is accepted.
 * @param request the request; NULL is accepted.
 */
PUBRIO_API void pubrio_batch_request_free(pubrio_batch_request *request);

/**
 * @brief Add one person by `people_search_id`.
 *
 * The id must be a canonical UUID (8-4-4-4-12 hex digits, either case; it is
 * sent in lower case). An invalid id is ::PUBRIO_E_INVALID_ARGUMENT with a
 * message naming it. A duplicate is dropped silently (so no credit is spent
 * twice) and counted by pubrio_batch_request_duplicates().
 * @param request the request.
 * @param people_search_id the id, copied.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when the id is not a
 *        canonical UUID (nothing changes). ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_batch_request_add_person(
    pubrio_batch_request *request, const char *people_search_id,
    pubrio_error *err);

/**
 * @brief Add @p count ids at once. All or nothing: if any id is invalid,
 * none is added and the message names the first bad one and its index.
 * @param request the request.
 * @param people_search_ids @p count ids.
 * @param count how many.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when any id is invalid
 *        (nothing changes). ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_batch_request_add_people(
    pubrio_batch_request *request, const char *const *people_search_ids,
    size_t count, pubrio_error *err);

/**
 * @brief Ask for a contact type (or several, or-ed). Adding one twice has no
 * effect. At least one is required before submitting.
 * @param request the request.
 * @param types ::pubrio_contact_type bits, or-ed.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p types is 0 or
 *        holds an unknown bit (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_batch_request_add_contact_types(
    pubrio_batch_request *request, unsigned types, pubrio_error *err);

/**
 *@brief Set `profile_id` (sent only when set). Must be >= 0.
 * @param request the request.
 * @param profile_id the id, >= 0.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when the id is negative
 *        (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_batch_request_set_profile_id(
    pubrio_batch_request *request, int64_t profile_id, pubrio_error *err);

/**
 *@brief Number of distinct people in the request.
 * @param request the request.
 * @return the count; 0 when @p request is NULL.
 */
PUBRIO_API size_t
pubrio_batch_request_people_count(const pubrio_batch_request *request);

/**
 *@brief Number of duplicate ids dropped so far.
 * @param request the request.
 * @return the count; 0 when @p request is NULL.
 */
PUBRIO_API size_t
pubrio_batch_request_duplicates(const pubrio_batch_request *request);

/**
 *@brief The or-ed contact types chosen so far.
 * @param request the request.
 * @return the bits; 0 when @p request is NULL.
 */
PUBRIO_API unsigned
pubrio_batch_request_contact_types(const pubrio_batch_request *request);

/** @} */

/**
 * @defgroup submit Submitting a batch
 * @brief POST /redeem/people/batch: spends credits, sent once per call.
 * @{
 */

/**
 * @brief State of a batch, as answered by the submit and query endpoints.
 * Library-allocated; fields are only ever added at the end.
 */
typedef struct pubrio_batch_job {
  const char *redeem_query_id;     /**< Never NULL. */
  int is_completed;                /**< 1 when contacts are ready. */
  int64_t estimated_time;          /**< Raw value, -1 when absent. */
  const char *estimated_time_type; /**< Raw unit ("second"...), or NULL. */
  int64_t estimated_time_ms;       /**< Normalised; -1 when absent. Unknown
                                        units count as seconds. */
} pubrio_batch_job;

/**
 *@brief Free a job. NULL is accepted.
 * @param job the job; NULL is accepted.
 */
PUBRIO_API void pubrio_batch_job_free(pubrio_batch_job *job);

/**
 * @brief Submit a batch to POST /redeem/people/batch. This SPENDS CREDITS.
 *
 * The request is validated first (at least one person and one contact type);
 * nothing is sent when it is invalid. The call is never repeated unless the
 * server provably did not process it (see the retry policy).
 *
 * @param client the client.
 * @param request the batch; not modified.
 * @param out receives the job; free with pubrio_batch_job_free().
 * @param err optional error details.
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT or
 *        ::PUBRIO_E_OUT_OF_MEMORY before anything is sent;
 *        ::PUBRIO_E_TRANSPORT, ::PUBRIO_E_TIMEOUT, ::PUBRIO_E_TLS,
 *        ::PUBRIO_E_BAD_REQUEST, ::PUBRIO_E_UNAUTHORIZED,
 *        ::PUBRIO_E_PAYMENT_REQUIRED, ::PUBRIO_E_RATE_LIMITED,
 *        ::PUBRIO_E_SERVER, ::PUBRIO_E_HTTP, ::PUBRIO_E_PROTOCOL,
 *        ::PUBRIO_E_RESPONSE_TOO_LARGE or ::PUBRIO_E_CANCELLED, with
 *        pubrio_error::submit_state saying whether credits may have been
 *        spent.
 */
PUBRIO_API pubrio_status pubrio_redeem_people_batch(
    pubrio_client *client, const pubrio_batch_request *request,
    pubrio_batch_job **out, pubrio_error *err);

/** @} */

/**
 * @defgroup query Querying a batch
 * @brief POST /redeem/people/batch/query: read-only, free, retried.
 * @{
 */

/** @brief One contact of a person. Owned by its ::pubrio_query_result. */
typedef struct pubrio_contact {
  const char *value;        /**< The email or phone number; NULL if absent. */
  pubrio_contact_type type; /**< ::PUBRIO_CONTACT_UNKNOWN for new types. */
  const char *type_raw;     /**< The type as sent, or NULL if absent. */
  const char *status;       /**< E.g. "Verified"; NULL when null/absent. */
} pubrio_contact;

/** @brief One redeemed person. Owned by its ::pubrio_query_result. */
typedef struct pubrio_person {
  const char *people_search_id; /**< Never NULL. */
  size_t email_count;           /**< Number of pubrio_person_email() items. */
  size_t phone_count;           /**< Number of pubrio_person_phone() items. */
} pubrio_person;

/**
 *@brief Email @p index of @p person, or NULL when out of range.
 * @param person the person.
 * @param index 0..email_count - 1.
 * @return the contact (owned by the result), or NULL when out of range.
 */
PUBRIO_API const pubrio_contact *
pubrio_person_email(const pubrio_person *person, size_t index);

/**
 *@brief Phone @p index of @p person, or NULL when out of range.
 * @param person the person.
 * @param index 0..phone_count - 1.
 * @return the contact (owned by the result), or NULL when out of range.
 */
PUBRIO_API const pubrio_contact *
pubrio_person_phone(const pubrio_person *person, size_t index);

/**
 * @brief The answer of POST /redeem/people/batch/query. Library-allocated,
 * released with one pubrio_query_result_free(); fields only grow at the end.
 */
typedef struct pubrio_query_result {
  const pubrio_batch_job *query; /**< Batch state (data.query); never NULL. */
  int has_credit;                /**< 1 when `credit` was sent. */
  int64_t credit;                /**< data.profile.credit. */
  int has_topup_credit;          /**< 1 when `topup_credit` was sent. */
  int64_t topup_credit;          /**< data.profile.topup_credit. */
  int has_total_charged_credit;  /**< 1 when `total_charged_credit` was sent. */
  int64_t total_charged_credit;  /**< data.profile.total_charged_credit. */
  size_t people_count;           /**< Number of pubrio_query_result_person(). */
} pubrio_query_result;

/**
 *@brief Person @p index of @p result, or NULL when out of range.
 * @param result the result.
 * @param index 0..people_count - 1.
 * @return the person (owned by the result), or NULL when out of range.
 */
PUBRIO_API const pubrio_person *
pubrio_query_result_person(const pubrio_query_result *result, size_t index);

/**
 *@brief Free a result and everything it owns. NULL is accepted.
 * @param result the result; NULL is accepted.
 */
PUBRIO_API void pubrio_query_result_free(pubrio_query_result *result);

/**
 * @brief Ask once for the state of a batch: POST /redeem/people/batch/query.
 * Read-only and free of charge, so it is retried on transient failures.
 * @param client the client.
 * @param redeem_query_id the id returned by pubrio_redeem_people_batch(); it
 *        must be a canonical UUID.
 * @param out receives the result; free with pubrio_query_result_free().
 * @param err optional error details.
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT (nothing sent);
 *        ::PUBRIO_E_OUT_OF_MEMORY; the transport and HTTP statuses of
 *        pubrio_redeem_people_batch(); ::PUBRIO_E_PROTOCOL also when the
 *        answer is about another batch; ::PUBRIO_E_CANCELLED.
 */
PUBRIO_API pubrio_status pubrio_redeem_people_batch_query(
    pubrio_client *client, const char *redeem_query_id,
    pubrio_query_result **out, pubrio_error *err);

/** @} */

/**
 * @defgroup wait Waiting for a batch
 * @brief Polling until a batch is complete, within a deadline.
 * @{
 */

/**
 * @brief Called after every poll of a wait. @p latest is the state just
 * received (valid only during the call); @p polls counts polls so far;
 * @p next_delay_ms is the sleep before the next poll (-1 when none follows).
 * @return 0 to go on, non-zero to cancel (the wait returns
 * ::PUBRIO_E_CANCELLED).
 */
typedef int (*pubrio_progress_fn)(const pubrio_query_result *latest, int polls,
                                  int64_t next_delay_ms, void *userdata);

/** @brief How to wait. Opaque; NULL options mean the defaults. */
typedef struct pubrio_wait_options pubrio_wait_options;

/**
 * @brief Create options with the defaults: deadline 600000 ms, minimum delay
 * 1000 ms, maximum delay 30000 ms, first poll after the batch's estimate when
 * known (else at once), no callback.
 * @param out receives the options; free them with
 *        pubrio_wait_options_free().
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p out is NULL;
 *        ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_wait_options_new(pubrio_wait_options **out,
                                                 pubrio_error *err);

/**
 *@brief Free options. NULL is accepted.
 * @param options the options; NULL is accepted.
 */
PUBRIO_API void pubrio_wait_options_free(pubrio_wait_options *options);

/**
 *@brief Give up after @p timeout_ms in all (> 0).
 * @param options the options.
 * @param timeout_ms the deadline from the start of the wait, > 0.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when the value is not > 0
 *        (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_wait_options_set_timeout(
    pubrio_wait_options *options, int64_t timeout_ms, pubrio_error *err);

/**
 *@brief Delays between polls grow from @p min_delay_ms (never less, > 0) to
 * @p max_delay_ms.
 * @param options the options.
 * @param min_delay_ms the shortest delay, > 0.
 * @param max_delay_ms the longest delay, >= @p min_delay_ms.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when the values are out
 *        of order (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_wait_options_set_delays(
    pubrio_wait_options *options, int64_t min_delay_ms, int64_t max_delay_ms,
    pubrio_error *err);

/**
 *@brief Wait @p delay_ms before the first poll (-1: the batch's estimate
 * when known, else poll at once).
 * @param options the options.
 * @param delay_ms the first delay, >= 0, or -1.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when the value is under
 *        -1 (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_wait_options_set_first_delay(
    pubrio_wait_options *options, int64_t delay_ms, pubrio_error *err);

/**
 *@brief Call @p fn after every poll (NULL: none).
 * @param options the options.
 * @param fn the callback, or NULL.
 * @param userdata handed to @p fn.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p options is NULL
 *        (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_wait_options_set_progress(
    pubrio_wait_options *options, pubrio_progress_fn fn, void *userdata,
    pubrio_error *err);

/**
 * @brief Poll a batch until it is complete.
 *
 * Polls first after the configured first delay, then with growing, jittered
 * delays between the minimum and maximum, and never past the deadline: the
 * last sleep is trimmed to the time left, and when less than the minimum
 * delay is left the wait stops rather than poll faster. Each request's
 * timeout is trimmed to the time left too, so the call returns by the
 * deadline even when the server hangs. pubrio_client_cancel() ends it at
 * once with ::PUBRIO_E_CANCELLED.
 *
 * @param client the client.
 * @param redeem_query_id the batch to wait for (a canonical UUID).
 * @param options how to wait; NULL for the defaults.
 * @param out receives the completed result. On ::PUBRIO_E_WAIT_TIMEOUT and
 *        ::PUBRIO_E_CANCELLED it receives the last state seen (NULL if no
 *        poll succeeded); on other errors it is set to NULL. Free with
 *        pubrio_query_result_free().
 * @param err optional error details.
 * @return ::PUBRIO_OK; ::PUBRIO_E_WAIT_TIMEOUT or ::PUBRIO_E_CANCELLED (with
 *        the last state in @p out); any status of
 *        pubrio_redeem_people_batch_query().
 */
PUBRIO_API pubrio_status pubrio_redeem_people_batch_wait(
    pubrio_client *client, const char *redeem_query_id,
    const pubrio_wait_options *options, pubrio_query_result **out,
    pubrio_error *err);

/**
 * @brief Submit a batch and wait for its contacts: pubrio_redeem_people_batch()
 * then pubrio_redeem_people_batch_wait(), the first poll after the estimate.
 * Spends credits once. The first poll comes after the batch's estimate, but
 * never later than the maximum delay. When the wait fails after a successful
 * submit, the error carries ::PUBRIO_SUBMIT_ACCEPTED and the batch's id in
 * pubrio_error::redeem_query_id (the message names it too), so the caller
 * resumes with pubrio_redeem_people_batch_wait() instead of submitting
 * again. When the submit itself fails, pubrio_error::submit_state tells
 * whether credits may have been spent.
 * @param client the client.
 * @param request the batch; not modified.
 * @param options how to wait; NULL for the defaults.
 * @param out receives the completed result, or the last state on
 *        ::PUBRIO_E_WAIT_TIMEOUT and ::PUBRIO_E_CANCELLED; free with
 *        pubrio_query_result_free().
 * @param err optional error details (NULL: none).
 * @return any status of pubrio_redeem_people_batch() or
 *        pubrio_redeem_people_batch_wait(); after a successful submit,
 *        pubrio_error::submit_state is ::PUBRIO_SUBMIT_ACCEPTED.
 */
PUBRIO_API pubrio_status pubrio_redeem_people_batch_and_wait(
    pubrio_client *client, const pubrio_batch_request *request,
    const pubrio_wait_options *options, pubrio_query_result **out,
    pubrio_error *err);

/** @} */

/**
 * @defgroup account Account: balance, prices, quotas, one person
 * @brief POST /profile and POST /profile/usage (free, read-only, retried as
 * queries are) and POST /redeem/people (one person, synchronous: spends
 * credits, sent once like a submit).
 * @{
 */

/**
 * @brief The workspace's balance, prices and plan limits, as answered by
 * POST /profile. Library-allocated, released with pubrio_profile_free();
 * fields are only ever added at the end.
 *
 * Read leniently: a field that is missing, null, not a number (a string, a
 * boolean), negative where a count is meant, or otherwise odd is reported
 * as unknown (`has_*` 0, or -1) rather than failing the call. Fractions are
 * rounded toward caution (prices up, limits down) and numbers past 2^53
 * (1e400 included) are clamped to 2^53. A negative balance reads as 0.
 */
typedef struct pubrio_profile {
  int has_profile_id;           /**< 1 when `data.profile_id` was readable. */
  int64_t profile_id;           /**< data.profile_id. */
  int has_credit;               /**< 1 when `data.credit` was readable. */
  int64_t credit;               /**< data.credit: the balance. */
  int has_topup_credit;         /**< 1 when `data.topup_credit` was readable. */
  int64_t topup_credit;         /**< data.topup_credit. */
  const char *plan_name;        /**< data.subscription.name (valid UTF-8), or
                                     NULL when absent. */
  int64_t email_price;          /**< Credits per email contact returned
                                     (subscription.email_redeem_credit); -1
                                     unknown. */
  int64_t phone_price;          /**< Credits per phone contact returned
                                     (subscription.phone_number_redeem_credit);
                                     -1 unknown. */
  int64_t max_hourly_requests;  /**< subscription.max_api_hourly_query: 0 the
                                     plan sets none, -1 unknown. */
  int64_t max_daily_requests;   /**< subscription.max_api_daily_query: 0
                                     none, -1 unknown. */
  int64_t max_monthly_requests; /**< subscription.max_api_monthly_query: 0
                                     none, -1 unknown. */
  int api_access; /**< subscription.is_api_access_available: 1, 0, or -1
                       unknown. */
} pubrio_profile;

/**
 * @brief Read the workspace's balance, prices and plan: POST /profile.
 * Free and read-only, so it is retried on transient failures like
 * pubrio_redeem_people_batch_query(); pubrio_client_cancel() stops it.
 * @param client the client.
 * @param profile_id the `profile_id` to send, >= 0; -1 sends none.
 * @param out receives the profile; free it with pubrio_profile_free().
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT (nothing sent);
 *         ::PUBRIO_E_PROTOCOL when the body is not JSON or `data` is not an
 *         object; the transport and HTTP statuses of
 *         pubrio_redeem_people_batch_query(); ::PUBRIO_E_CANCELLED.
 */
PUBRIO_API pubrio_status pubrio_profile_get(pubrio_client *client,
                                            int64_t profile_id,
                                            pubrio_profile **out,
                                            pubrio_error *err);

/**
 * @brief Free a profile. NULL is accepted.
 * @param profile the profile; NULL is accepted.
 */
PUBRIO_API void pubrio_profile_free(pubrio_profile *profile);

/**
 * @brief The workspace's request quotas used and allowed in the current
 * fixed hour, day and month, as answered by POST /profile/usage.
 * Library-allocated, released with pubrio_usage_free(); fields are only
 * ever added at the end. Read leniently as ::pubrio_profile is (counts
 * used round up, limits round down).
 */
typedef struct pubrio_usage {
  int64_t hourly_used;        /**< api_hourly_usage; -1 unknown. */
  int64_t hourly_allowed;     /**< total_max_api_hourly_query (else
                                   max_api_hourly_query); 0 no quota, -1
                                   unknown. */
  int64_t daily_used;         /**< api_daily_usage; -1 unknown. */
  int64_t daily_allowed;      /**< total_max_api_daily_query (else
                                   max_api_daily_query); 0 no quota, -1
                                   unknown. */
  int64_t monthly_used;       /**< api_monthly_usage; -1 unknown. */
  int64_t monthly_allowed;    /**< total_max_api_monthly_query (else
                                   max_api_monthly_query); 0 no quota, -1
                                   unknown. */
  const char *last_refreshed; /**< api_last_refreshed as sent (valid
                                   UTF-8), or NULL. */
  int api_access; /**< is_api_access_available: 1, 0, or -1 unknown. */
} pubrio_usage;

/**
 * @brief Read the request quotas used and allowed: POST /profile/usage.
 * Free and read-only, retried and cancelled as pubrio_profile_get().
 * @param client the client.
 * @param profile_id the `profile_id` to send, >= 0; -1 sends none.
 * @param out receives the usage; free it with pubrio_usage_free().
 * @param err optional error details (NULL: none).
 * @return the statuses of pubrio_profile_get().
 */
PUBRIO_API pubrio_status pubrio_usage_get(pubrio_client *client,
                                          int64_t profile_id,
                                          pubrio_usage **out,
                                          pubrio_error *err);

/**
 * @brief Free a usage. NULL is accepted.
 * @param usage the usage; NULL is accepted.
 */
PUBRIO_API void pubrio_usage_free(pubrio_usage *usage);

/**
 * @brief Redeem one person, synchronously: POST /redeem/people. This SPENDS
 * CREDITS (each contact type returned, at the plan's price) and, like
 * pubrio_redeem_people_batch(), is sent once: never repeated unless the
 * server provably did not process it, and a failure says in
 * pubrio_error::submit_state whether credits may have been spent
 * (::PUBRIO_SUBMIT_NOT_SPENT or ::PUBRIO_SUBMIT_UNCERTAIN).
 *
 * The person is named by exactly one of @p people_search_id (a canonical
 * UUID) and @p linkedin_url (http or https, on linkedin.com or one of its
 * subdomains, with an /in/SLUG path; sent as given). Anything else is
 * ::PUBRIO_E_INVALID_ARGUMENT before sending.
 *
 * The answer comes back as a ::pubrio_query_result so it reads like a
 * batch's: its people (by URL, the `people_search_id` the API resolved; no
 * one when the API found nobody), `query` a job with `redeem_query_id` ""
 * and `is_completed` 1 (no estimate), `total_charged_credit` from
 * `data.profile.total_credit_cost` and `credit` / `topup_credit` from
 * `data.profile`. Those balance fields are read leniently (an odd value
 * is reported absent): a paid answer is never refused over them.
 * @param client the client.
 * @param people_search_id the person's id, or NULL.
 * @param linkedin_url the person's LinkedIn profile URL, or NULL.
 * @param contact_types ::pubrio_contact_type bits, or-ed (at least one).
 * @param profile_id the `profile_id` to send, >= 0; -1 sends none.
 * @param out receives the result; free it with pubrio_query_result_free().
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT or
 *         ::PUBRIO_E_OUT_OF_MEMORY before anything is sent; otherwise the
 *         statuses of pubrio_redeem_people_batch(), with
 *         pubrio_error::submit_state set.
 */
PUBRIO_API pubrio_status pubrio_redeem_person(
    pubrio_client *client, const char *people_search_id,
    const char *linkedin_url, unsigned contact_types, int64_t profile_id,
    pubrio_query_result **out, pubrio_error *err);

/** @} */

/**
 * @defgroup bulk Bulk runs
 * @brief Any number of people: batches, concurrency, the rate budget, the
 * journal, credits.
 * @{
 */

/**
 * @brief A bulk run: people in any number, cut into batches, submitted and
 * collected with several requests in flight at once on the client's
 * connection pool (libcurl's multi interface, on the caller's thread: no
 * threads of its own), within a shared rate budget, optionally journaled
 * so a rerun resumes. Opaque. Not thread-safe, but pubrio_client_cancel()
 * on its client stops it from any thread or a signal handler.
 *
 * Use: pubrio_bulk_new(), pubrio_bulk_add_people() (all of them, before the
 * run starts), then either pubrio_bulk_run() with a callback, or
 * pubrio_bulk_next() in a loop (an iterator: each call returns the next
 * event, waiting at most a given time, so an event loop or another
 * language can drive it). pubrio_bulk_stats_get() before the first event is
 * a dry run: counts and the shortest time the rate limit allows, nothing
 * sent.
 */
typedef struct pubrio_bulk pubrio_bulk;

/** @brief How a bulk run goes. Opaque; NULL options mean the defaults. */
typedef struct pubrio_bulk_options pubrio_bulk_options;

/** The most people in one bulk batch, and the default batch size. */
#define PUBRIO_BATCH_SIZE_MAX 100

/**
 * @brief Create options with the defaults: batches of 100, 8 requests in
 * flight, 300 requests a minute, the wait defaults of
 * pubrio_wait_options_new() (a 10-minute deadline for the whole run), no
 * journal, no credit budget, collect the contacts.
 *
 * Why 8 in flight: 300 requests a minute is 5 a second; at 1.5 s a request,
 * keeping 5 a second going needs 5 x 1.5 = 7.5 requests in flight (Little's
 * law), so 8 reach the published limit up to 1.6 s of latency, and the rate
 * budget, not the in-flight limit, is what holds back a faster server.
 * @param out receives the options; free them with
 *        pubrio_bulk_options_free().
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT; ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_bulk_options_new(pubrio_bulk_options **out,
                                                 pubrio_error *err);

/** @brief Free options. @param options the options; NULL is accepted. */
PUBRIO_API void pubrio_bulk_options_free(pubrio_bulk_options *options);

/**
 * @brief People per batch.
 * @param options the options.
 * @param batch_size 1..::PUBRIO_BATCH_SIZE_MAX (the default).
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when out of range.
 */
PUBRIO_API pubrio_status pubrio_bulk_options_set_batch_size(
    pubrio_bulk_options *options, int batch_size, pubrio_error *err);

/**
 * @brief Requests in flight at once, submits and polls together.
 * @param options the options.
 * @param max_in_flight 1..64 fixed, or 0 (the default): adaptive, as many
 * as the rate budget left can start within one recent latency (Little's
 * law), 8 before the first answer, at most 64.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when out of range.
 */
PUBRIO_API pubrio_status pubrio_bulk_options_set_max_in_flight(
    pubrio_bulk_options *options, int max_in_flight, pubrio_error *err);

/**
 * @brief The rate budget shared by submits and polls: no 60-second window
 * holds more than this many request starts (so Pubrio's fixed window of 300
 * a minute is never tripped).
 * @param options the options.
 * @param requests_per_minute 1..1000000 (default 300).
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when out of range.
 */
PUBRIO_API pubrio_status pubrio_bulk_options_set_rate_limit(
    pubrio_bulk_options *options, int requests_per_minute, pubrio_error *err);

/**
 * @brief How to wait for each batch: the same schedule as
 * pubrio_redeem_people_batch_wait() (first poll after the estimate, growing
 * delays), and its timeout as the deadline of the whole run. Copied; the
 * progress callback is not used.
 * @param options the options.
 * @param wait wait options (NULL: the defaults).
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p options is NULL.
 */
PUBRIO_API pubrio_status pubrio_bulk_options_set_wait(
    pubrio_bulk_options *options, const pubrio_wait_options *wait,
    pubrio_error *err);

/**
 * @brief Only submit, do not collect (each batch's id comes in a
 * ::PUBRIO_BULK_BATCH_ACCEPTED event; collect later with
 * pubrio_redeem_people_batch_wait()).
 * @param options the options.
 * @param submit_only 1 to only submit, 0 (the default) to collect too.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p options is NULL.
 */
PUBRIO_API pubrio_status pubrio_bulk_options_set_submit_only(
    pubrio_bulk_options *options, int submit_only, pubrio_error *err);

/**
 * @brief Journal the run in @p path: locked while the run lives, created
 * 0600, an intent fsync'ed before each submit and its outcome after. A run
 * on an existing journal collects its accepted batches and submits only
 * people never sent; people whose submit got no answer (uncertain) are not
 * sent again unless @p resubmit_uncertain is 1.
 * @param options the options.
 * @param path the journal file (NULL: none), copied.
 * @param resubmit_uncertain 1 to send uncertain people again (they may be
 *        charged twice).
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT; ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status
pubrio_bulk_options_set_journal(pubrio_bulk_options *options, const char *path,
                                int resubmit_uncertain, pubrio_error *err);

/**
 * @brief A credit budget: a batch is submitted only when the charges seen so
 * far, plus the most every uncollected batch and this one could cost
 * (every requested type charged for every person), stay within it. When
 * the next batch does not fit even after every batch in flight was
 * collected, the run ends with ::PUBRIO_E_CREDIT_BUDGET. The budget holds
 * at the account's prices: when they are unknown or 0 for a requested
 * type (POST /profile gave none, or could not be read) and none were given
 * with pubrio_bulk_options_set_prices(), the run ends with
 * ::PUBRIO_E_CREDIT_BUDGET before anything is sent; a batch charged more
 * than its worst case at those prices ends submitting (the prices were
 * wrong) while what was accepted is still collected.
 * @param options the options.
 * @param max_credits the budget, >= 0; -1 (the default) for none.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when below -1.
 */
PUBRIO_API pubrio_status pubrio_bulk_options_set_max_credits(
    pubrio_bulk_options *options, int64_t max_credits, pubrio_error *err);

/**
 * @brief One more rate window: at most @p requests request starts in any
 * @p window_ms (kept with a small margin for a request's arrival lagging
 * its start), beside the minute limit; for a plan's quota the account does
 * not report, or a limit of your own ("2400/h": 2400, 3600000; see
 * pubrio_rate_parse()). Up to 8.
 * @param options the options.
 * @param requests 1..1000000000.
 * @param window_ms 1000 ms..366 days.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when out of range or
 *         past 8 windows.
 */
PUBRIO_API pubrio_status
pubrio_bulk_options_add_rate(pubrio_bulk_options *options, int64_t requests,
                             int64_t window_ms, pubrio_error *err);

/**
 * @brief Whether a run reads the account before its first request (the
 * default, 1; pubrio_bulk_read_account() reads it earlier, for a plan):
 * POST /profile/usage, whose hourly, daily and monthly quotas join the
 * rate budget with what is left of their current window, and POST /profile,
 * whose per-type prices price the credit budget (unless set with
 * pubrio_bulk_options_set_prices()) and whose balance the stats report.
 * Both calls are free; when one fails, the run goes on without it (a 429
 * still slows it down).
 * @param options the options.
 * @param read_account 1 to read, 0 not to.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p options is NULL.
 */
PUBRIO_API pubrio_status pubrio_bulk_options_set_read_account(
    pubrio_bulk_options *options, int read_account, pubrio_error *err);

/**
 * @brief The account's price of each contact type, for the credit budget
 * and the counts (Pubrio charges each type found at the plan's price, read
 * from POST /profile). Without it, 1 credit a contact is counted.
 * @param options the options.
 * @param email_price credits an email (work or personal), 0..2^40.
 * @param phone_price credits a phone number, 0..2^40.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when out of range.
 */
PUBRIO_API pubrio_status pubrio_bulk_options_set_prices(
    pubrio_bulk_options *options, int64_t email_price, int64_t phone_price,
    pubrio_error *err);

/**
 * @brief Buy again what the journal already holds: people whose asked types
 * an earlier run bought are submitted again (the default hands them out
 * from the journal, at no cost).
 * @param options the options.
 * @param refresh 1 to buy again, 0 (the default) to reuse.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p options is NULL.
 */
PUBRIO_API pubrio_status pubrio_bulk_options_set_refresh(
    pubrio_bulk_options *options, int refresh, pubrio_error *err);

/**
 * @brief Send `profile_id` with every submit and poll.
 * @param options the options.
 * @param profile_id the id, >= 0.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when negative.
 */
PUBRIO_API pubrio_status pubrio_bulk_options_set_profile_id(
    pubrio_bulk_options *options, int64_t profile_id, pubrio_error *err);

/**
 * @brief Create a bulk run on @p client (which must outlive it) for the
 * contact types @p types. The journal, when set, is opened and locked here.
 * @param out receives the run; free it with pubrio_bulk_free().
 * @param client the client: its key, base URL, timeouts, retry policy, TLS
 *        and log are used; its own rate limit is not (the run has its own).
 * @param types ::pubrio_contact_type bits, or-ed.
 * @param options how to run; NULL for the defaults. Copied.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT; ::PUBRIO_E_JOURNAL;
 *         ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_bulk_new(pubrio_bulk **out,
                                         pubrio_client *client, unsigned types,
                                         const pubrio_bulk_options *options,
                                         pubrio_error *err);

/**
 * @brief A dry run: as pubrio_bulk_new(), but the journal is only read
 * (never created, locked or written), so pubrio_bulk_stats_get() after
 * pubrio_bulk_add_people() tells what a run would do. Never drive it.
 * @param out receives the plan; free it with pubrio_bulk_free().
 * @param client the client (no request is made).
 * @param types ::pubrio_contact_type bits, or-ed.
 * @param options as for pubrio_bulk_new().
 * @param err optional error details (NULL: none).
 * @return as pubrio_bulk_new().
 */
PUBRIO_API pubrio_status pubrio_bulk_plan(pubrio_bulk **out,
                                          pubrio_client *client, unsigned types,
                                          const pubrio_bulk_options *options,
                                          pubrio_error *err);

/** @brief Free a run and release its journal. Call pubrio_bulk_close()
 * first: a free cuts what is in flight (a cut submit may have been charged)
 * and what the run kept or named is gone with it.
 * @param bulk the run; NULL is accepted. */
PUBRIO_API void pubrio_bulk_free(pubrio_bulk *bulk);

/**
 * @brief Ask a run to stop, as a first pubrio_client_cancel() does: nothing
 * new starts, submits in flight finish (a submit's answer is kept), polls in
 * flight are cut (they spend nothing; their batches stay named), then
 * pubrio_bulk_next() hands out what is left and returns
 * ::PUBRIO_E_CANCELLED. Not for signal handlers: use
 * pubrio_client_cancel() there (a second one cuts what is in flight).
 * @param bulk the run; NULL is accepted.
 */
PUBRIO_API void pubrio_bulk_stop(pubrio_bulk *bulk);

/**
 * @brief Add people, before the run starts. Each id is validated and
 * de-duplicated across the whole run; all or nothing: when any id is
 * invalid, none is added and the message names it and its index.
 * @param bulk the run.
 * @param people_search_ids @p count ids.
 * @param count how many.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT (a bad id, or the run has
 *         started); ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status
pubrio_bulk_add_people(pubrio_bulk *bulk, const char *const *people_search_ids,
                       size_t count, pubrio_error *err);

/**
 * @brief Add people by LinkedIn profile URL, before the run starts. Each
 * URL is normalized (pubrio_linkedin_url_normalize()) and de-duplicated in
 * that form; all or nothing, like pubrio_bulk_add_people().
 *
 * Each URL is redeemed alone (POST /redeem/people) inside the run's rate
 * budget, in-flight limit and credit budget, under the submit's rules: its
 * intent is stored before the request leaves, an answer-less one is left
 * uncertain and never resent unless asked, a 429 is sent again. Every URL
 * is answered before the first batch is submitted, and the person it names
 * is stored under the `people_search_id` of the answer: an id of the input
 * that names the same person is not bought again, and a rerun on the same
 * journal knows the URL. Its result comes as a ::PUBRIO_BULK_PERSON event
 * with `linkedin_url` set (one per URL, beside the one of an id naming the
 * same person), or ::PUBRIO_BULK_NOT_FOUND.
 * @param bulk the run.
 * @param linkedin_urls @p count URLs.
 * @param count how many.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT (not a LinkedIn profile
 *         URL, named with its index, or the run has started);
 *         ::PUBRIO_E_OUT_OF_MEMORY; ::PUBRIO_E_JOURNAL.
 */
PUBRIO_API pubrio_status pubrio_bulk_add_linkedin_urls(
    pubrio_bulk *bulk, const char *const *linkedin_urls, size_t count,
    pubrio_error *err);

/**
 * @brief Read the account now (unless turned off with
 * pubrio_bulk_options_set_read_account()): its quotas join the rate
 * budget, its prices and balance the counts. A run does it by itself before
 * its first request; a plan (pubrio_bulk_plan()) calls it after adding
 * people to show the cost at the account's prices beside its balance. Two
 * free requests, once; a failure is logged and the run goes on without.
 * @param bulk the run or plan.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p bulk is NULL.
 */
PUBRIO_API pubrio_status pubrio_bulk_read_account(pubrio_bulk *bulk,
                                                  pubrio_error *err);

/** @brief What a bulk event is about. */
typedef enum pubrio_bulk_event_kind {
  PUBRIO_BULK_NONE = 0,           /**< The wait ran out; nothing happened. */
  PUBRIO_BULK_BATCH_ACCEPTED = 1, /**< A batch was submitted and accepted:
                                       `batch`, `redeem_query_id`, `job`,
                                       `people_count`. */
  PUBRIO_BULK_PERSON = 2,         /**< A person's contacts: `person`, with
                                       `batch` and `redeem_query_id`. */
  PUBRIO_BULK_BATCH_DONE = 3,     /**< A batch was collected. */
  PUBRIO_BULK_STRANGERS = 4,      /**< Retired: an answer naming people
                                       its batch does not hold is now a
                                       ::PUBRIO_BULK_BATCH_FAILED. */
  PUBRIO_BULK_FINISHED = 5,       /**< Everything was submitted and
                                       collected. */
  PUBRIO_BULK_PROGRESS = 6,       /**< pubrio_bulk_run() only, about once a
                                       second while nothing else happens:
                                       `stats` holds the counts, credits and
                                       the next rate-budget wait. */
  PUBRIO_BULK_BATCH_FAILED = 7,   /**< A batch failed and the run goes on
                                       without it: `status` and `message`
                                       say why. A submit without a
                                       conclusive answer (its people are
                                       left uncertain: maybe charged, never
                                       resent), or an accepted batch whose
                                       answer broke the contract (paid, not
                                       collected: its id stays in
                                       pubrio_bulk_uncollected()). Also a
                                       LinkedIn URL's single redeem
                                       (`linkedin_url` set). */
  PUBRIO_BULK_NOT_FOUND = 8,      /**< A LinkedIn URL names nobody Pubrio
                                       knows: `linkedin_url`; no credit. */
  PUBRIO_BULK_RESOLVED = 9        /**< pubrio_bulk_drained() only: a lookup
                                       entry resolved (paid) to a person the
                                       run did not hand out: `person` names
                                       the people_search_id (no contacts),
                                       `lookup_entry` and
                                       `lookup_confidence` are set. */
} pubrio_bulk_event_kind;

/** @brief One event of a bulk run. Its pointers live until the next call on
 * the run. Fields are only ever added at the end. */
typedef struct pubrio_bulk_event {
  pubrio_bulk_event_kind kind; /**< What happened. */
  int batch;                   /**< The batch's number (from 1). */
  const char *redeem_query_id; /**< The batch's id, or NULL. */
  const pubrio_batch_job *job; /**< The submit's answer (BATCH_ACCEPTED). */
  const pubrio_person *person; /**< The person (PERSON). */
  size_t people_count;         /**< People in the batch, or strangers. */
  const char *const *people;   /**< BATCH_ACCEPTED, and BATCH_FAILED of an
                                    uncertain submit: the batch's
                                    `people_count` ids; else NULL. */
  const struct pubrio_bulk_stats *stats; /**< PROGRESS: the run's counts;
                                              else NULL. */
  pubrio_status status;                  /**< BATCH_FAILED: why. */
  const char *message;      /**< BATCH_FAILED: a sentence; else NULL. */
  int from_store;           /**< PERSON: 1 when every asked type was bought by
                                 an earlier run, or in this one by a LinkedIn
                                 URL naming the same person (no request, no
                                 credit for this event). */
  const char *linkedin_url; /**< PERSON, NOT_FOUND and BATCH_FAILED of a
                                 person asked by LinkedIn URL: the URL,
                                 normalized; else NULL. */
  size_t lookup_entry;      /**< PERSON, NOT_FOUND and BATCH_FAILED of a lookup
                                 entry (pubrio_bulk_add_lookups()): its index in
                                 the request + 1; else 0. A NOT_FOUND with a
                                 message was not looked up (the message says
                                 why). */
  const char *lookup_confidence; /**< PERSON of a lookup entry: "exact",
                                      "similarity_domain" or
                                      "similarity_company"; else NULL. */
} pubrio_bulk_event;

/**
 * @brief The next event, waiting at most @p timeout_ms for one.
 *
 * Does the work that is due (starts submits and polls within the in-flight
 * limit and the rate budget, due polls first, and handles answers) and
 * returns as soon as there is an event. ::PUBRIO_BULK_NONE when the time
 * ran out; ::PUBRIO_BULK_FINISHED at the end (and on every call after).
 * A failure that stops the run (a refused or uncertain submit, a query that
 * failed after its retries, the deadline, a cancel, the credit budget, the
 * journal) is returned as a status; requests in flight are let finish first
 * (a cancel or the deadline cuts them), so accepted batches are known: list
 * them with pubrio_bulk_uncollected(). Every later call returns the same
 * failure.
 * @param bulk the run.
 * @param timeout_ms the longest wait; 0 polls, -1 waits until an event.
 * @param event receives the event.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK with an event; the failure that stopped the run.
 */
PUBRIO_API pubrio_status pubrio_bulk_next(pubrio_bulk *bulk, int64_t timeout_ms,
                                          pubrio_bulk_event *event,
                                          pubrio_error *err);

/**
 * @brief pubrio_bulk_next() for callers that read the event's later
 * fields (`status`, `message`, `from_store`): the event is filled up to
 * @p event_size, so a caller built against an older, smaller
 * ::pubrio_bulk_event keeps working as the struct grows.
 * pubrio_bulk_next() fills only the fields up to `stats`.
 * @param bulk the run.
 * @param timeout_ms the longest wait; 0 polls, -1 waits until an event.
 * @param event receives the event.
 * @param event_size sizeof *event.
 * @param err optional error details (NULL: none).
 * @return as pubrio_bulk_next().
 */
PUBRIO_API pubrio_status pubrio_bulk_next_event(pubrio_bulk *bulk,
                                                int64_t timeout_ms,
                                                pubrio_bulk_event *event,
                                                size_t event_size,
                                                pubrio_error *err);

/**
 * @brief Receives each event of pubrio_bulk_run().
 * @return 0 to go on, non-zero to stop the run (::PUBRIO_E_CANCELLED).
 */
typedef int (*pubrio_bulk_event_fn)(const pubrio_bulk_event *event,
                                    void *userdata);

/**
 * @brief Run to the end, handing each event to @p fn: pubrio_bulk_next()
 * in a loop, plus a ::PUBRIO_BULK_PROGRESS event about once a second while
 * waiting.
 * @param bulk the run.
 * @param fn the callback, or NULL.
 * @param userdata handed to @p fn.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK when everything was collected; otherwise the failure,
 *         as pubrio_bulk_next().
 */
PUBRIO_API pubrio_status pubrio_bulk_run(pubrio_bulk *bulk,
                                         pubrio_bulk_event_fn fn,
                                         void *userdata, pubrio_error *err);

/** @brief Counts of a bulk run. Fields are only ever added at the end. */
typedef struct pubrio_bulk_stats pubrio_bulk_stats;
/** @brief Counts of a bulk run (see ::pubrio_bulk_stats). */
struct pubrio_bulk_stats {
  size_t people;              /**< Distinct people added. */
  size_t duplicates;          /**< Ids added more than once. */
  size_t people_journaled;    /**< Added people already submitted by an
                                   earlier run (not sent again). */
  size_t people_uncertain;    /**< Added people whose earlier submit got no
                                   answer (not sent again). */
  size_t people_to_submit;    /**< People this run submits in all. */
  size_t people_submitted;    /**< ...of which accepted so far. */
  size_t people_collected;    /**< People handed out. */
  size_t batches;             /**< Batches to submit plus journaled ones to
                                   collect. */
  size_t batches_accepted;    /**< Batches accepted (this run or journaled). */
  size_t batches_collected;   /**< Batches collected. */
  size_t in_flight;           /**< Requests in flight now. */
  long requests;              /**< Requests sent by this run. */
  long planned_requests;      /**< The fewest the run needs: a submit and a
                                   poll a batch, a poll a journaled batch,
                                   a request a full lookup request. */
  int64_t min_duration_ms;    /**< The shortest the rate budget allows for
                                   planned_requests. */
  int64_t next_request_in_ms; /**< When the rate budget lets the next
                                   request start (0: now). */
  int64_t credits_charged;    /**< Sum of total_charged_credit answered. */
  int has_credit;             /**< 1 when `credit` was answered. */
  int64_t credit;             /**< Credit left, as last answered. */
  int journal_torn_line_dropped;  /**< Retired: always 0 (the journal is
                                       an SQLite database). */
  size_t people_known;            /**< Added people whose every asked type an
                                       earlier run bought: handed out from the
                                       journal, never submitted. */
  size_t batches_failed;          /**< Batches that failed while the run went
                                       on (::PUBRIO_BULK_BATCH_FAILED). */
  size_t people_left_uncertain;   /**< People whose submit got no
                                       conclusive answer, in this run or an
                                       earlier one, and not sent again: maybe
                                       charged. */
  int64_t credits_worst_case;     /**< The most the people to submit can cost:
                                       every asked type found, at the prices;
                                       with a person for each lookup entry
                                       still to send (`lookups_to_send`),
                                       whose own worst case is 1 credit an
                                       entry. */
  int64_t credits_before;         /**< Credits earlier runs on the journal were
                                       charged. */
  int64_t credits_committed;      /**< What the credit budget holds against:
                                       charges so far (earlier runs included)
                                       plus the worst case of every batch that
                                       may still be charged. */
  int64_t price_email;            /**< Credits an email contact, as counted. */
  int64_t price_phone;            /**< Credits a phone contact, as counted. */
  int prices_known;               /**< 0 when no price was given or read from
                                       the account: 1 a contact is counted. */
  int has_balance;                /**< 1 when the balance was read from the
                                       account (POST /profile) at the start. */
  int64_t balance;                /**< credit + topup_credit, as read then. */
  size_t linkedin_urls;           /**< Distinct LinkedIn URLs added (also
                                       counted in `people`). */
  size_t linkedin_urls_to_redeem; /**< ...of which this run redeems one by
                                       one and has not had answered yet. */
  size_t linkedin_urls_redeemed;  /**< ...answered by this run. */
  size_t linkedin_urls_not_found; /**< ...naming nobody (this run or an
                                       earlier one). */
  size_t batches_uncollected;     /**< Batches accepted (paid) and not
                                       collected now: what
                                       pubrio_bulk_uncollected() names. */
  size_t people_uncollected;      /**< ...the people they hold. */
  size_t people_kept;             /**< People (and LinkedIn URLs naming
                                       nobody) collected and not handed out
                                       when pubrio_bulk_close() ran: kept
                                       for pubrio_bulk_drained() (its
                                       ::PUBRIO_BULK_RESOLVED events are
                                       not counted here). */
  size_t people_forgotten;        /**< Added people (ids or LinkedIn URLs)
                                       the journal holds as forgotten
                                       (pubrio_journal_forget()): neither
                                       bought nor handed out. */
  size_t lookups;                 /**< Distinct lookup entries added
                                       (pubrio_bulk_add_lookups(); an entry
                                       repeated is counted in `duplicates`). */
  size_t lookups_to_send;   /**< ...of which this run sends and has not had
                                 answered yet (1 credit each at worst). */
  size_t lookups_found;     /**< ...resolved to a person, by this run or
                                 from the journal. */
  size_t lookups_not_found; /**< ...resolved to nobody (this run or an
                                 earlier one). */
  size_t lookups_uncertain; /**< ...asked without an answer, by this run or
                                 an earlier one: maybe charged, never
                                 resent unless asked. The rest of
                                 `lookups` are not looked up (a name with
                                 only a company or domain while similarity
                                 is off) or were refused (nothing spent). */
  int64_t lookup_credits;   /**< Credits lookups charged this run (also in
                                 `credits_charged`). */
};

/**
 * @brief Fill @p out with the run's counts (a dry run before the first
 * event: nothing is sent).
 * @param bulk the run.
 * @param out receives the counts.
 * @param out_size sizeof *out, so older callers keep working as the struct
 *        grows.
 */
PUBRIO_API void pubrio_bulk_stats_get(const pubrio_bulk *bulk,
                                      pubrio_bulk_stats *out, size_t out_size);

/**
 * @brief What holds the run's next request, as a sentence ("hourly quota:
 * 2,400 of 2,400 used; next request in 41 min"), for progress lines.
 * @param bulk the run.
 * @param out receives the sentence (empty when nothing holds it).
 * @param size the size of @p out.
 * @return the sentence's length; 0 when nothing holds the next request.
 */
PUBRIO_API size_t pubrio_bulk_rate_hold(const pubrio_bulk *bulk, char *out,
                                        size_t size);

/**
 * @brief The batches accepted and not collected (after a run stopped
 * early): the @p index-th one's id, to collect with
 * pubrio_redeem_people_batch_wait() or `pubrio query ID --wait`.
 * @param bulk the run.
 * @param index 0, 1, ...
 * @param people_count receives how many people it holds (may be NULL).
 * @return the id (owned by the run), or NULL past the last one.
 */
PUBRIO_API const char *pubrio_bulk_uncollected(const pubrio_bulk *bulk,
                                               size_t index,
                                               size_t *people_count);

/**
 * @brief Leave a run, however the caller leaves it: the loop ended, a
 * `break`, an exception, a close, a finalizer, Ctrl-C. The one drain every
 * language uses, so that whatever was paid is either handed back or named.
 *
 * Nothing new starts; submits and single redeems in flight finish (their
 * answers are kept: an accepted batch is named, an unanswered one is
 * uncertain); polls in flight are cut at once (a poll spends nothing: the
 * batch stays named as uncollected). Every person the run collected and did
 * not hand out, queued before the close or collected by the drain, is kept
 * for pubrio_bulk_drained(), and so is every lookup entry resolved to a
 * person and not handed out (a ::PUBRIO_BULK_RESOLVED event naming the
 * person: the lookup was paid). What remains paid and not delivered is
 * named by pubrio_bulk_uncollected() (accepted batches) and
 * pubrio_bulk_uncertain() (people submitted without a conclusive answer:
 * maybe charged, never resent), and summed up by pubrio_bulk_leftover().
 * A run that already finished or stopped is only drained of what it still
 * queues. After the close, pubrio_bulk_next() returns the same status.
 * Calling it again does nothing and returns the same status.
 * @param bulk the run.
 * @param timeout_ms the longest the drain waits for requests in flight, in
 *        the client's clock; past it, they are cut (a cut submit is
 *        uncertain). -1: each request's own timeout.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK when the run had finished (everything delivered or
 *         kept); otherwise the status that stopped it
 *         (::PUBRIO_E_CANCELLED when the close stopped it);
 *         ::PUBRIO_E_INVALID_ARGUMENT when @p bulk is NULL.
 */
PUBRIO_API pubrio_status pubrio_bulk_close(pubrio_bulk *bulk,
                                           int64_t timeout_ms,
                                           pubrio_error *err);

/**
 * @brief What pubrio_bulk_close() kept: the @p index-th ::PUBRIO_BULK_PERSON
 * or ::PUBRIO_BULK_NOT_FOUND event collected and not handed out, in the
 * order the run would have handed them out, then a ::PUBRIO_BULK_RESOLVED
 * event for each lookup entry resolved to a person and not handed out, in
 * entry order.
 * @param bulk the run.
 * @param index 0, 1, ...
 * @return the event (owned by the run, valid until pubrio_bulk_free()), or
 *         NULL past the last one (and before a close).
 */
PUBRIO_API const pubrio_bulk_event *pubrio_bulk_drained(const pubrio_bulk *bulk,
                                                        size_t index);

/**
 * @brief The people this run submitted without a conclusive answer: maybe
 * charged, never resent unless asked (a journal keeps them uncertain for
 * later runs; `resubmit_uncertain` sends them again).
 * @param bulk the run.
 * @param index 0, 1, ...
 * @return the @p index-th one's people_search_id, or its LinkedIn URL for a
 *         single redeem (owned by the run, valid until pubrio_bulk_free());
 *         NULL past the last one.
 */
PUBRIO_API const char *pubrio_bulk_uncertain(const pubrio_bulk *bulk,
                                             size_t index);

/**
 * @brief One sentence naming what a stopped or closed run leaves paid and
 * not delivered: the batches accepted and not collected (with their ids,
 * the first few of them), the people left uncertain, the people an earlier
 * run left uncertain in the journal, and the people and resolved lookup
 * entries kept by pubrio_bulk_close(). For a warning or a log line; the
 * lists themselves
 * are pubrio_bulk_uncollected(), pubrio_bulk_uncertain() and
 * pubrio_bulk_drained().
 * @param bulk the run.
 * @param out receives the sentence, cut to fit (may be NULL when @p size
 *        is 0).
 * @param size the size of @p out.
 * @return the sentence's whole length (as snprintf); 0 when nothing paid is
 *         left undelivered.
 */
PUBRIO_API size_t pubrio_bulk_leftover(const pubrio_bulk *bulk, char *out,
                                       size_t size);

/** @} */

/**
 * @defgroup journal Reading a journal
 * @brief What bulk runs bought, read from their journal without the network.
 * @{
 */

/** @brief A journal opened for reading. Opaque. */
typedef struct pubrio_journal pubrio_journal;

/**
 * @brief Open a journal (the SQLite database of
 * pubrio_bulk_options_set_journal()) for reading: nothing is written, no key or
 * request is needed.
 * @param out receives the journal; free it with pubrio_journal_free().
 * @param path the file.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT; ::PUBRIO_E_JOURNAL
 * (missing, not ours, in use by a run); ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_journal_open(pubrio_journal **out,
                                             const char *path,
                                             pubrio_error *err);

/** @brief Close a journal. @param journal the journal; NULL is accepted. */
PUBRIO_API void pubrio_journal_free(pubrio_journal *journal);

/** @brief One run recorded in a journal. Fields are only ever added at the
 * end. */
typedef struct pubrio_journal_run {
  int64_t id;               /**< 1, 2, ... in the order they ran. */
  int64_t started_at;       /**< Seconds since the epoch. */
  unsigned types;           /**< ::pubrio_contact_type bits asked for. */
  size_t batches_uncertain; /**< Batch submits without a conclusive
                                 answer: maybe charged. */
  size_t batches_accepted;  /**< Accepted, not collected yet. */
  size_t batches_refused;   /**< Refused with proof nothing was charged. */
  size_t batches_collected; /**< Collected: their contacts are stored. */
  int64_t credits_charged;  /**< Charges of its collected batches and
                                 answered single redeems. */
  size_t singles_uncertain; /**< LinkedIn URLs redeemed one by one without
                                 a conclusive answer: maybe charged. */
  size_t singles_answered;  /**< LinkedIn URLs redeemed one by one and
                                 answered (found or not). */
} pubrio_journal_run;

/**
 * @brief The @p index-th run of the journal.
 * @param journal the journal.
 * @param index 0, 1, ...
 * @param out receives the run.
 * @param out_size sizeof *out.
 * @return 1 when filled, 0 past the last run.
 */
PUBRIO_API int pubrio_journal_run_get(const pubrio_journal *journal,
                                      size_t index, pubrio_journal_run *out,
                                      size_t out_size);

/**
 * @brief How many people were bought and contacts stored, in all runs.
 * @param journal the journal.
 * @param people receives the people (may be NULL).
 * @param contacts receives the contacts (may be NULL).
 */
PUBRIO_API void pubrio_journal_counts(const pubrio_journal *journal,
                                      size_t *people, size_t *contacts);

/**
 * @brief The next person bought, in id order, with every contact stored
 * for the types bought.
 * @param journal the journal.
 * @param out receives the person (owned by the journal, valid until the
 *        next call), or NULL after the last one.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_JOURNAL; ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_journal_next_person(pubrio_journal *journal,
                                                    const pubrio_person **out,
                                                    pubrio_error *err);

/**
 * @brief The @p index-th batch accepted and not collected, to collect with
 * `pubrio query ID --wait` or a rerun.
 * @param journal the journal.
 * @param index 0, 1, ...
 * @param people_count receives how many people it holds (may be NULL).
 * @return the id (owned by the journal), or NULL past the last one.
 */
PUBRIO_API const char *pubrio_journal_uncollected(const pubrio_journal *journal,
                                                  size_t index,
                                                  size_t *people_count);

/**
 * @brief Forget people in a journal (GDPR article 17): erase their contacts
 * from the database, its free pages and its WAL, so no later export shows
 * them, and keep only a keyed one-way mark of each id (HMAC-SHA-256 under
 * a random key of the journal, never the id) so no later run on the
 * journal buys them again (`--refresh` included; see
 * pubrio_journal_unforget()). The journal is opened to write: not while a
 * run holds it.
 * @param path the journal.
 * @param items people_search_ids, LinkedIn profile URLs (any spelling:
 *        the person the URL named is forgotten, and the URL is erased and
 *        marked, so no later run redeems it), emails (any case) or phone
 *        numbers (by their digits); an id or URL is marked even if the
 *        journal never bought it.
 * @param count the number of @p items, at least 1.
 * @param forgotten receives the number of people forgotten (may be NULL).
 * @param unmatched receives the number of emails or phones that matched
 *        nobody (may be NULL).
 * @param err error detail (may be NULL).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT; ::PUBRIO_E_JOURNAL;
 *         ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_journal_forget(const char *path,
                                               const char *const *items,
                                               size_t count, size_t *forgotten,
                                               size_t *unmatched,
                                               pubrio_error *err);

/**
 * @brief Undo pubrio_journal_forget() for people by id: later runs may buy
 * them again (their erased contacts are not restored).
 * @param path the journal.
 * @param ids people_search_ids.
 * @param count the number of @p ids, at least 1.
 * @param unforgotten receives how many marks were removed (may be NULL).
 * @param err error detail (may be NULL).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT; ::PUBRIO_E_JOURNAL;
 *         ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_journal_unforget(const char *path,
                                                 const char *const *ids,
                                                 size_t count,
                                                 size_t *unforgotten,
                                                 pubrio_error *err);

/**
 * @brief Retention (GDPR article 5(1)(e)): erase from a journal the
 * contacts of every person with a contact collected before @p before, as
 * pubrio_journal_forget() erases (database, free pages, WAL), but without a
 * mark: a later run may buy them again.
 * @param path the journal.
 * @param before seconds since the epoch (UTC).
 * @param forgotten receives the number of people erased (may be NULL).
 * @param err error detail (may be NULL).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT; ::PUBRIO_E_JOURNAL;
 *         ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_journal_forget_older(const char *path,
                                                     int64_t before,
                                                     size_t *forgotten,
                                                     pubrio_error *err);

/**
 * @brief When the oldest contact a journal holds was collected.
 * @param journal the journal.
 * @param collected_at receives seconds since the epoch (may be NULL).
 * @return 1, or 0 when the journal holds no contact.
 */
PUBRIO_API int pubrio_journal_oldest_contact(const pubrio_journal *journal,
                                             int64_t *collected_at);

/** @} */

/**
 * @defgroup lookup Contact lookup: an email, a phone or a name to a person
 *
 * POST /redeem/people/contact/lookup (one entry) and .../lookup/batch
 * (many): an entry is an email, a phone, or a first and last name with a
 * domain or a company (a similarity match, looked up only when
 * pubrio_lookup_request_set_similarity() enables it). A lookup SPENDS
 * CREDITS (1 per billable match; duplicates and misses are free) and has
 * no idempotency key: like a submit it is sent once, never repeated unless
 * the server provably did not process it, and a lookup whose answer was
 * lost is reported as ::PUBRIO_SUBMIT_UNCERTAIN.
 *
 * The batch answer lists matches only, in no promised order, each naming
 * the one identifier that matched. Every match is mapped back to its entry
 * by that identifier's type and normalized value, never by position: the
 * entries are split into requests so that no two entries of one request
 * could produce the same identifier (one email twice, two people at one
 * company or domain), and a match that maps to no entry fails that request
 * with ::PUBRIO_E_PROTOCOL instead of going to a guessed entry.
 * @{
 */

/** An identifier of a lookup entry. Values are fixed forever. */
typedef enum pubrio_lookup_field {
  PUBRIO_LOOKUP_EMAIL = 0,      /**< A work or personal email. */
  PUBRIO_LOOKUP_PHONE = 1,      /**< A phone number (E.164 preferred). */
  PUBRIO_LOOKUP_FIRST_NAME = 2, /**< With the last name and a domain or a
                                     company: a similarity match. */
  PUBRIO_LOOKUP_LAST_NAME = 3,  /**< See ::PUBRIO_LOOKUP_FIRST_NAME. */
  PUBRIO_LOOKUP_DOMAIN = 4,     /**< The company's web domain; a URL such
                                     as https://www.acme.io/about is
                                     reduced to acme.io. */
  PUBRIO_LOOKUP_COMPANY = 5     /**< The company's name. */
} pubrio_lookup_field;

/** How a match was made. Values are fixed forever. */
typedef enum pubrio_lookup_confidence {
  PUBRIO_LOOKUP_CONFIDENCE_NONE = 0,    /**< No match. */
  PUBRIO_LOOKUP_EXACT = 1,              /**< By email or phone. */
  PUBRIO_LOOKUP_SIMILARITY_DOMAIN = 2,  /**< By name and domain. */
  PUBRIO_LOOKUP_SIMILARITY_COMPANY = 3, /**< By name and company. */
  PUBRIO_LOOKUP_CONFIDENCE_OTHER = 4    /**< A value this version does not
                                             know; its text is in
                                             pubrio_lookup_answer::
                                             confidence_text. */
} pubrio_lookup_confidence;

/** What became of one entry. Values are fixed forever. */
typedef enum pubrio_lookup_outcome {
  PUBRIO_LOOKUP_FOUND = 1,         /**< Matched: the person is named. */
  PUBRIO_LOOKUP_NOT_FOUND = 2,     /**< Looked up; nobody matched. */
  PUBRIO_LOOKUP_NOT_LOOKED_UP = 3, /**< Refused before sending (only a name
                                        with a company or domain while
                                        similarity is off); see reason. */
  PUBRIO_LOOKUP_FAILED = 4,        /**< Its request failed: see status,
                                        submit_state and reason. */
  PUBRIO_LOOKUP_NOT_SENT = 5       /**< The call stopped (an earlier request
                                        failed) before its request left:
                                        nothing spent. */
} pubrio_lookup_outcome;

/**
 * @brief The answer for one entry, in the entry's place. Strings live as
 * long as the result. Fields are only ever added at the end.
 */
typedef struct pubrio_lookup_answer {
  pubrio_lookup_outcome outcome; /**< What became of the entry. */
  const char *reason; /**< Why it was not looked up or failed, else NULL. */
  const char *people_search_id;        /**< The person found, else NULL. */
  const char *first_name;              /**< As answered, or NULL. */
  const char *last_name;               /**< As answered, or NULL. */
  const char *people_name;             /**< As answered, or NULL. */
  const char *company_name;            /**< As answered, or NULL. */
  const char *domain;                  /**< As answered, or NULL. */
  pubrio_lookup_confidence confidence; /**< How the match was made. */
  const char *confidence_text; /**< The answer's confidence text, or NULL. */
  const char *input_value;     /**< The identifier that matched, as answered. */
  const char *input_type;      /**< Its type: email-work, email-personal, phone,
                                    domain or company. */
  int is_duplicate_input; /**< The API saw this input twice (not charged). */
  int64_t credits;        /**< 1 for a billable match (the contract's price),
                               else 0. */
  pubrio_status status;   /**< ::PUBRIO_LOOKUP_FAILED: its request's status. */
  pubrio_submit_state submit_state; /**< ::PUBRIO_LOOKUP_FAILED: whether its
                                         request may have been charged. */
} pubrio_lookup_answer;

/** The entries to look up and the options (opaque). */
typedef struct pubrio_lookup_request pubrio_lookup_request;

/** The answers of a lookup, one per entry in entry order (opaque). */
typedef struct pubrio_lookup_result pubrio_lookup_result;

/**
 * @brief Create an empty lookup request: no entries, similarity off, no
 * profile id, 100 entries a batch.
 * @param out receives the request; free it with
 *        pubrio_lookup_request_free().
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p out is NULL;
 *         ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_lookup_request_new(pubrio_lookup_request **out,
                                                   pubrio_error *err);

/**
 * @brief Free a lookup request. NULL is accepted.
 * @param request the request; NULL is accepted.
 */
PUBRIO_API void pubrio_lookup_request_free(pubrio_lookup_request *request);

/**
 * @brief Add an empty entry; fill it with pubrio_lookup_request_set().
 * @param request the request.
 * @param index receives the entry's index (0, 1, ...; may be NULL).
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p request is
 *         NULL; ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_lookup_request_add_entry(
    pubrio_lookup_request *request, size_t *index, pubrio_error *err);

/**
 * @brief Set one identifier of entry @p index. The value is checked and
 * copied: an email needs an @, a phone 5 to 20 digits, a domain a dot; no
 * value may hold control characters or invalid UTF-8 or pass 512 bytes.
 * @param request the request.
 * @param index the entry.
 * @param field which identifier.
 * @param value the text (UTF-8); NULL or empty clears the field.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT with a message naming the
 *         entry (nothing changes); ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_lookup_request_set(
    pubrio_lookup_request *request, size_t index, pubrio_lookup_field field,
    const char *value, pubrio_error *err);

/**
 * @brief Enable or disable similarity search: entries with only a name and
 * a domain or a company are looked up only when it is enabled (a
 * similarity match can name the wrong person); otherwise their answer is
 * ::PUBRIO_LOOKUP_NOT_LOOKED_UP with the reason.
 * @param request the request.
 * @param enabled nonzero to enable.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p request is NULL.
 */
PUBRIO_API pubrio_status pubrio_lookup_request_set_similarity(
    pubrio_lookup_request *request, int enabled, pubrio_error *err);

/**
 * @brief The profile (workspace) id sent with each request.
 * @param request the request.
 * @param profile_id the id, or -1 for none (the default).
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p request is NULL
 *         or the id is below -1 (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_lookup_request_set_profile_id(
    pubrio_lookup_request *request, int64_t profile_id, pubrio_error *err);

/**
 * @brief The most entries a batch request holds (the subscription's bulk
 * size limit is not published). A 400 that names the size (nothing
 * processed) is answered by halving it for the rest of the call.
 * @param request the request.
 * @param batch_size 1 to 10,000; 100 by default.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT when @p request is NULL
 *         or the size is out of range (nothing changes).
 */
PUBRIO_API pubrio_status pubrio_lookup_request_set_batch_size(
    pubrio_lookup_request *request, size_t batch_size, pubrio_error *err);

/**
 * @brief How many entries the request holds.
 * @param request the request (NULL: 0).
 * @return the count.
 */
PUBRIO_API size_t
pubrio_lookup_request_count(const pubrio_lookup_request *request);

/**
 * @brief What a lookup of this request would do, without sending anything:
 * the entries it would look up, the worst case in credits (1 per entry
 * looked up), the entries it would refuse (similarity off) and the batch
 * requests the split makes at the batch size (before any 400 naming the
 * size halves it).
 * @param request the request.
 * @param lookups receives the entries to look up, which is also the worst
 *        case in credits (may be NULL).
 * @param refused receives the entries not looked up (may be NULL).
 * @param requests receives the batch requests (may be NULL).
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT naming the first entry
 *         that cannot be looked up at all (empty, a name without its other
 *         half or without a domain or company); ::PUBRIO_E_OUT_OF_MEMORY.
 */
PUBRIO_API pubrio_status pubrio_lookup_request_plan(
    const pubrio_lookup_request *request, size_t *lookups, size_t *refused,
    size_t *requests, pubrio_error *err);

/**
 * @brief Look up the request's one entry: POST
 * /redeem/people/contact/lookup. SPENDS CREDITS (1 for a billable match).
 * @param client the client.
 * @param request a request of exactly one entry.
 * @param out receives the result (free it with pubrio_lookup_result_free())
 *        whenever the entry was valid, also when the call failed: the
 *        entry's answer then says what became of it.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT before anything is sent
 *         (pubrio_error::submit_state ::PUBRIO_SUBMIT_NOT_SPENT); the
 *         transport, HTTP and ::PUBRIO_E_PROTOCOL failures of
 *         pubrio_redeem_person(), with pubrio_error::submit_state.
 */
PUBRIO_API pubrio_status pubrio_lookup_person(
    pubrio_client *client, const pubrio_lookup_request *request,
    pubrio_lookup_result **out, pubrio_error *err);

/**
 * @brief Look up every entry: POST /redeem/people/contact/lookup/batch, as
 * many requests as the batch size and the mapping need, one after the
 * other. A 429 is waited for and retried; any other failure stops the
 * call: its entries are ::PUBRIO_LOOKUP_FAILED (with the submit state),
 * the entries after them ::PUBRIO_LOOKUP_NOT_SENT, and every answer
 * already received is kept. A match that maps to no entry of its request
 * (or to one already matched) is ::PUBRIO_E_PROTOCOL naming it: the
 * entries of that request it did not map are ::PUBRIO_LOOKUP_FAILED and
 * ::PUBRIO_SUBMIT_UNCERTAIN.
 * @param client the client.
 * @param request the entries and options (one entry or more).
 * @param out receives the result (free it with pubrio_lookup_result_free())
 *        whenever the entries were valid, also when the call failed.
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT naming the entry before
 *         anything is sent; the first failure otherwise, with
 *         pubrio_error::submit_state saying whether credits may have been
 *         spent on it.
 */
PUBRIO_API pubrio_status
pubrio_lookup_batch(pubrio_client *client, const pubrio_lookup_request *request,
                    pubrio_lookup_result **out, pubrio_error *err);

/**
 * @brief The number of answers: the request's entry count.
 * @param result the result (NULL: 0).
 * @return the count.
 */
PUBRIO_API size_t
pubrio_lookup_result_count(const pubrio_lookup_result *result);

/**
 * @brief The answer for entry @p index.
 * @param result the result.
 * @param index the entry's index.
 * @return the answer (owned by the result), or NULL when out of range.
 */
PUBRIO_API const pubrio_lookup_answer *
pubrio_lookup_result_answer(const pubrio_lookup_result *result, size_t index);

/**
 * @brief The credits the answered requests cost, as the API reported them
 * (data.profile.total_credit_cost), and the requests sent.
 * @param result the result.
 * @param charged receives the credits (may be NULL).
 * @param requests receives the requests that left (may be NULL).
 */
PUBRIO_API void pubrio_lookup_result_totals(const pubrio_lookup_result *result,
                                            int64_t *charged, size_t *requests);

/**
 * @brief Free a lookup result. NULL is accepted.
 * @param result the result; NULL is accepted.
 */
PUBRIO_API void pubrio_lookup_result_free(pubrio_lookup_result *result);

/**
 * @brief A static name for a confidence: "exact", "similarity_domain",
 * "similarity_company", "" for none, "other".
 * @param confidence the value.
 * @return never NULL.
 */
PUBRIO_API const char *
pubrio_lookup_confidence_str(pubrio_lookup_confidence confidence);

/**
 * @brief Look up a request's entries in the run, then buy each person found.
 *
 * All or nothing, before the run starts; one request per run. Entries are
 * de-duplicated by their identifiers; what the journal knows of each
 * (found, not found, asked without an answer) is used, so a rerun asks no
 * lookup again (the refresh option asks again; uncertain ones are asked
 * again only when the journal option says so). An entry that needs
 * similarity while the request's is off is answered at once as not looked
 * up. Lookups are sent before LinkedIn URLs and batches, one request at a
 * time, under the run's pacer, deadline and credit budget (1 credit per
 * entry at worst until answered); each person found is bought once for the
 * run's types, even when two entries or an id name them. Every entry gets
 * one event carrying pubrio_bulk_event::lookup_entry.
 * @param bulk the run, not started.
 * @param request the entries and the similarity option (copied).
 * @param err optional error details (NULL: none).
 * @return ::PUBRIO_OK; ::PUBRIO_E_INVALID_ARGUMENT (a bad entry, a started
 *         run, a second request), ::PUBRIO_E_JOURNAL,
 *         ::PUBRIO_E_OUT_OF_MEMORY: the run is left untouched.
 */
PUBRIO_API pubrio_status pubrio_bulk_add_lookups(
    pubrio_bulk *bulk, const pubrio_lookup_request *request, pubrio_error *err);

/** @} */

/**
 * @example redeem_batch.c
 * Submit one batch and print its redeem_query_id.
 * @example redeem_and_wait.c
 * Submit a batch, wait for it and print every person's contacts.
 * @example bulk_redeem.c
 * Any number of people with the bulk engine: callbacks, a journal, and the
 * paid batches named when a run stops early.
 */

#ifdef __cplusplus
}
#endif

#endif /* PUBRIO_PUBRIO_H */

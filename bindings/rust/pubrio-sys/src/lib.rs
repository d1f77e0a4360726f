//! Raw declarations of libpubrio's C API (`pubrio/pubrio.h`), linked
//! through pkg-config. Every function is `unsafe`; the `pubrio` crate is
//! the safe API. The documentation of each item is in the header.
//!
//! Structs the library fills and grows at the end (`pubrio_error`,
//! `pubrio_bulk_event`, `pubrio_bulk_stats`) are mirrored field by field;
//! the layout test (`tests/layout.rs`) compares every size and offset with
//! what the C compiler says about the installed header, so a field added in
//! C and missing here fails the test by name. Adding it is one line below.
#![allow(non_camel_case_types)]

#[macro_use]
mod layout;
pub use layout::{EnumLayout, FieldLayout, FunctionDecl, StructLayout};

use std::os::raw::{c_char, c_int, c_long, c_uint, c_void};

/// `PUBRIO_VERSION_MAJOR` of the header these declarations follow.
pub const PUBRIO_VERSION_MAJOR: c_int = 0;
/// `PUBRIO_VERSION_MINOR`.
pub const PUBRIO_VERSION_MINOR: c_int = 2;
/// `PUBRIO_ID_LEN`: characters in a canonical id.
pub const PUBRIO_ID_LEN: usize = 36;
/// `PUBRIO_LINKEDIN_URL_MAX`: bytes that always hold a canonical LinkedIn
/// profile URL, its NUL included.
pub const PUBRIO_LINKEDIN_URL_MAX: usize = 1024;

c_enums! {
    /// Outcome of a call; values are fixed forever.
    pub enum pubrio_status: c_uint {
        PUBRIO_OK = 0,
        PUBRIO_E_INVALID_ARGUMENT = 1,
        PUBRIO_E_OUT_OF_MEMORY = 2,
        PUBRIO_E_NO_API_KEY = 3,
        PUBRIO_E_TRANSPORT = 4,
        PUBRIO_E_TIMEOUT = 5,
        PUBRIO_E_TLS = 6,
        PUBRIO_E_BAD_REQUEST = 7,
        PUBRIO_E_UNAUTHORIZED = 8,
        PUBRIO_E_PAYMENT_REQUIRED = 9,
        PUBRIO_E_RATE_LIMITED = 10,
        PUBRIO_E_SERVER = 11,
        PUBRIO_E_HTTP = 12,
        PUBRIO_E_PROTOCOL = 13,
        PUBRIO_E_RESPONSE_TOO_LARGE = 14,
        PUBRIO_E_WAIT_TIMEOUT = 15,
        PUBRIO_E_CANCELLED = 16,
        PUBRIO_E_CREDIT_BUDGET = 17,
        PUBRIO_E_JOURNAL = 18,
    }
    /// What became of a submit, as far as credits go.
    pub enum pubrio_submit_state: c_uint {
        PUBRIO_SUBMIT_NONE = 0,
        PUBRIO_SUBMIT_NOT_SPENT = 1,
        PUBRIO_SUBMIT_UNCERTAIN = 2,
        PUBRIO_SUBMIT_ACCEPTED = 3,
    }
    /// Contact types, as bits.
    pub enum pubrio_contact_type: c_uint {
        PUBRIO_CONTACT_UNKNOWN = 0,
        PUBRIO_CONTACT_EMAIL_PERSONAL = 1,
        PUBRIO_CONTACT_EMAIL_WORK = 2,
        PUBRIO_CONTACT_PHONE = 4,
    }
    /// Log levels, most severe first.
    pub enum pubrio_log_level: c_uint {
        PUBRIO_LOG_ERROR = 1,
        PUBRIO_LOG_WARN = 2,
        PUBRIO_LOG_INFO = 3,
        PUBRIO_LOG_DEBUG = 4,
    }
    /// What a bulk event is about.
    pub enum pubrio_bulk_event_kind: c_uint {
        PUBRIO_BULK_NONE = 0,
        PUBRIO_BULK_BATCH_ACCEPTED = 1,
        PUBRIO_BULK_PERSON = 2,
        PUBRIO_BULK_BATCH_DONE = 3,
        PUBRIO_BULK_STRANGERS = 4,
        PUBRIO_BULK_FINISHED = 5,
        PUBRIO_BULK_PROGRESS = 6,
        PUBRIO_BULK_BATCH_FAILED = 7,
        PUBRIO_BULK_NOT_FOUND = 8,
        PUBRIO_BULK_RESOLVED = 9,
    }
    /// An identifier of a lookup entry.
    pub enum pubrio_lookup_field: c_uint {
        PUBRIO_LOOKUP_EMAIL = 0,
        PUBRIO_LOOKUP_PHONE = 1,
        PUBRIO_LOOKUP_FIRST_NAME = 2,
        PUBRIO_LOOKUP_LAST_NAME = 3,
        PUBRIO_LOOKUP_DOMAIN = 4,
        PUBRIO_LOOKUP_COMPANY = 5,
    }
    /// How a lookup match was made.
    pub enum pubrio_lookup_confidence: c_uint {
        PUBRIO_LOOKUP_CONFIDENCE_NONE = 0,
        PUBRIO_LOOKUP_EXACT = 1,
        PUBRIO_LOOKUP_SIMILARITY_DOMAIN = 2,
        PUBRIO_LOOKUP_SIMILARITY_COMPANY = 3,
        PUBRIO_LOOKUP_CONFIDENCE_OTHER = 4,
    }
    /// What became of one lookup entry.
    pub enum pubrio_lookup_outcome: c_uint {
        PUBRIO_LOOKUP_FOUND = 1,
        PUBRIO_LOOKUP_NOT_FOUND = 2,
        PUBRIO_LOOKUP_NOT_LOOKED_UP = 3,
        PUBRIO_LOOKUP_FAILED = 4,
        PUBRIO_LOOKUP_NOT_SENT = 5,
    }
}

c_opaque! {
    /// A connection to the API. Not thread-safe except `pubrio_client_cancel`.
    pubrio_client,
    /// A batch of people and contact types.
    pubrio_batch_request,
    /// How to wait.
    pubrio_wait_options,
    /// A bulk run.
    pubrio_bulk,
    /// How a bulk run goes.
    pubrio_bulk_options,
    /// A journal opened for reading.
    pubrio_journal,
    /// The entries of a contact lookup and its options.
    pubrio_lookup_request,
    /// The answers of a contact lookup, one per entry.
    pubrio_lookup_result,
}

c_structs! {
    /// Details of a failed call; zero it before first use.
    pub struct pubrio_error {
        pub status: pubrio_status,
        pub attempts: c_int,
        pub http_status: c_long,
        pub api_code: i64,
        pub retry_after_ms: i64,
        pub message: *const c_char,
        pub api_message: *const c_char,
        pub details_json: *const c_char,
        pub request_id: *const c_char,
        pub redeem_query_id: *const c_char,
        pub submit_state: pubrio_submit_state,
        pub reserved: [*mut c_void; 6],
    }
    /// State of a batch.
    pub struct pubrio_batch_job {
        pub redeem_query_id: *const c_char,
        pub is_completed: c_int,
        pub estimated_time: i64,
        pub estimated_time_type: *const c_char,
        pub estimated_time_ms: i64,
    }
    /// One contact of a person.
    pub struct pubrio_contact {
        pub value: *const c_char,
        pub type_: pubrio_contact_type,
        pub type_raw: *const c_char,
        pub status: *const c_char,
    }
    /// One redeemed person.
    pub struct pubrio_person {
        pub people_search_id: *const c_char,
        pub email_count: usize,
        pub phone_count: usize,
    }
    /// The answer of a query.
    pub struct pubrio_query_result {
        pub query: *const pubrio_batch_job,
        pub has_credit: c_int,
        pub credit: i64,
        pub has_topup_credit: c_int,
        pub topup_credit: i64,
        pub has_total_charged_credit: c_int,
        pub total_charged_credit: i64,
        pub people_count: usize,
    }
    /// One event of a bulk run; its pointers live until the next call on the run.
    pub struct pubrio_bulk_event {
        pub kind: pubrio_bulk_event_kind,
        pub batch: c_int,
        pub redeem_query_id: *const c_char,
        pub job: *const pubrio_batch_job,
        pub person: *const pubrio_person,
        pub people_count: usize,
        pub people: *const *const c_char,
        pub stats: *const pubrio_bulk_stats,
        pub status: pubrio_status,
        pub message: *const c_char,
        pub from_store: c_int,
        pub linkedin_url: *const c_char,
        pub lookup_entry: usize,
        pub lookup_confidence: *const c_char,
    }
    /// Counts of a bulk run.
    pub struct pubrio_bulk_stats {
        pub people: usize,
        pub duplicates: usize,
        pub people_journaled: usize,
        pub people_uncertain: usize,
        pub people_to_submit: usize,
        pub people_submitted: usize,
        pub people_collected: usize,
        pub batches: usize,
        pub batches_accepted: usize,
        pub batches_collected: usize,
        pub in_flight: usize,
        pub requests: c_long,
        pub planned_requests: c_long,
        pub min_duration_ms: i64,
        pub next_request_in_ms: i64,
        pub credits_charged: i64,
        pub has_credit: c_int,
        pub credit: i64,
        pub journal_torn_line_dropped: c_int,
        pub people_known: usize,
        pub batches_failed: usize,
        pub people_left_uncertain: usize,
        pub credits_worst_case: i64,
        pub credits_before: i64,
        pub credits_committed: i64,
        pub price_email: i64,
        pub price_phone: i64,
        pub prices_known: c_int,
        pub has_balance: c_int,
        pub balance: i64,
        pub linkedin_urls: usize,
        pub linkedin_urls_to_redeem: usize,
        pub linkedin_urls_redeemed: usize,
        pub linkedin_urls_not_found: usize,
        pub batches_uncollected: usize,
        pub people_uncollected: usize,
        pub people_kept: usize,
        pub people_forgotten: usize,
        pub lookups: usize,
        pub lookups_to_send: usize,
        pub lookups_found: usize,
        pub lookups_not_found: usize,
        pub lookups_uncertain: usize,
        pub lookup_credits: i64,
    }
    /// The workspace's balance, prices and plan limits (POST /profile).
    pub struct pubrio_profile {
        pub has_profile_id: c_int,
        pub profile_id: i64,
        pub has_credit: c_int,
        pub credit: i64,
        pub has_topup_credit: c_int,
        pub topup_credit: i64,
        pub plan_name: *const c_char,
        pub email_price: i64,
        pub phone_price: i64,
        pub max_hourly_requests: i64,
        pub max_daily_requests: i64,
        pub max_monthly_requests: i64,
        pub api_access: c_int,
    }
    /// Request quotas used and allowed (POST /profile/usage).
    pub struct pubrio_usage {
        pub hourly_used: i64,
        pub hourly_allowed: i64,
        pub daily_used: i64,
        pub daily_allowed: i64,
        pub monthly_used: i64,
        pub monthly_allowed: i64,
        pub last_refreshed: *const c_char,
        pub api_access: c_int,
    }
    /// One run recorded in a journal.
    pub struct pubrio_journal_run {
        pub id: i64,
        pub started_at: i64,
        pub types: c_uint,
        pub batches_uncertain: usize,
        pub batches_accepted: usize,
        pub batches_refused: usize,
        pub batches_collected: usize,
        pub credits_charged: i64,
        pub singles_uncertain: usize,
        pub singles_answered: usize,
    }
    /// The answer for one lookup entry; its strings live as long as the result.
    pub struct pubrio_lookup_answer {
        pub outcome: pubrio_lookup_outcome,
        pub reason: *const c_char,
        pub people_search_id: *const c_char,
        pub first_name: *const c_char,
        pub last_name: *const c_char,
        pub people_name: *const c_char,
        pub company_name: *const c_char,
        pub domain: *const c_char,
        pub confidence: pubrio_lookup_confidence,
        pub confidence_text: *const c_char,
        pub input_value: *const c_char,
        pub input_type: *const c_char,
        pub is_duplicate_input: c_int,
        pub credits: i64,
        pub status: pubrio_status,
        pub submit_state: pubrio_submit_state,
    }
}

/// Allocates `size` bytes (as malloc).
pub type pubrio_malloc_fn = Option<unsafe extern "C" fn(size: usize) -> *mut c_void>;
/// Resizes a block (as realloc).
pub type pubrio_realloc_fn = Option<unsafe extern "C" fn(ptr: *mut c_void, size: usize) -> *mut c_void>;
/// Frees a block (as free).
pub type pubrio_free_fn = Option<unsafe extern "C" fn(ptr: *mut c_void)>;
/// Monotonic time in milliseconds.
pub type pubrio_now_fn = Option<unsafe extern "C" fn(userdata: *mut c_void) -> i64>;
/// Sleep for `ms` milliseconds.
pub type pubrio_sleep_fn = Option<unsafe extern "C" fn(ms: i64, userdata: *mut c_void)>;
/// A uniform random number in [0, 1).
pub type pubrio_random_fn = Option<unsafe extern "C" fn(userdata: *mut c_void) -> f64>;
/// Receives a finished log line.
pub type pubrio_log_fn =
    Option<unsafe extern "C" fn(level: pubrio_log_level, message: *const c_char, userdata: *mut c_void)>;
/// Called after every poll of a wait; non-zero cancels.
pub type pubrio_progress_fn = Option<
    unsafe extern "C" fn(
        latest: *const pubrio_query_result,
        polls: c_int,
        next_delay_ms: i64,
        userdata: *mut c_void,
    ) -> c_int,
>;
/// Receives each event of `pubrio_bulk_run`; non-zero stops the run.
pub type pubrio_bulk_event_fn =
    Option<unsafe extern "C" fn(event: *const pubrio_bulk_event, userdata: *mut c_void) -> c_int>;

c_functions! {
    pub fn pubrio_version() -> *const c_char;
    pub fn pubrio_status_str(status: pubrio_status) -> *const c_char;
    pub fn pubrio_error_clear(err: *mut pubrio_error);
    pub fn pubrio_set_allocator(malloc_fn: pubrio_malloc_fn, realloc_fn: pubrio_realloc_fn, free_fn: pubrio_free_fn) -> pubrio_status;
    pub fn pubrio_contact_type_str(type_: pubrio_contact_type) -> *const c_char;
    pub fn pubrio_contact_type_from_str(name: *const c_char) -> pubrio_contact_type;
    pub fn pubrio_linkedin_url_normalize(url: *const c_char, out: *mut c_char, out_size: usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_rate_parse(text: *const c_char, out_requests: *mut i64, out_window_ms: *mut i64, err: *mut pubrio_error) -> pubrio_status;

    pub fn pubrio_client_new(out: *mut *mut pubrio_client, api_key: *const c_char, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_free(client: *mut pubrio_client);
    pub fn pubrio_client_cancel(client: *mut pubrio_client);
    pub fn pubrio_client_reset_cancel(client: *mut pubrio_client);
    pub fn pubrio_client_set_base_url(client: *mut pubrio_client, base_url: *const c_char, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_base_url(client: *const pubrio_client) -> *const c_char;
    pub fn pubrio_client_set_allow_insecure_http(client: *mut pubrio_client, allow: c_int, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_set_timeouts(client: *mut pubrio_client, connect_timeout_ms: i64, total_timeout_ms: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_set_user_agent(client: *mut pubrio_client, user_agent: *const c_char, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_set_retry(client: *mut pubrio_client, max_attempts: c_int, base_delay_ms: i64, max_delay_ms: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_set_max_retry_after(client: *mut pubrio_client, max_retry_after_ms: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_set_retry_unsafe_submit(client: *mut pubrio_client, enabled: c_int, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_set_rate_limit(client: *mut pubrio_client, requests_per_minute: c_int, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_set_ca(client: *mut pubrio_client, ca_file: *const c_char, ca_path: *const c_char, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_set_max_response_bytes(client: *mut pubrio_client, max_bytes: usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_set_clock(client: *mut pubrio_client, now: pubrio_now_fn, sleep: pubrio_sleep_fn, random: pubrio_random_fn, userdata: *mut c_void, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_set_log(client: *mut pubrio_client, max_level: pubrio_log_level, fn_: pubrio_log_fn, userdata: *mut c_void, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_client_connections_opened(client: *const pubrio_client) -> c_long;
    pub fn pubrio_client_requests_sent(client: *const pubrio_client) -> c_long;
    pub fn pubrio_client_pacing_delay_ms(client: *mut pubrio_client) -> i64;
    pub fn pubrio_client_set_header(client: *mut pubrio_client, name: *const c_char, value: *const c_char, err: *mut pubrio_error) -> pubrio_status;

    pub fn pubrio_batch_request_new(out: *mut *mut pubrio_batch_request, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_batch_request_free(request: *mut pubrio_batch_request);
    pub fn pubrio_batch_request_add_person(request: *mut pubrio_batch_request, people_search_id: *const c_char, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_batch_request_add_people(request: *mut pubrio_batch_request, people_search_ids: *const *const c_char, count: usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_batch_request_add_contact_types(request: *mut pubrio_batch_request, types: c_uint, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_batch_request_set_profile_id(request: *mut pubrio_batch_request, profile_id: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_batch_request_people_count(request: *const pubrio_batch_request) -> usize;
    pub fn pubrio_batch_request_duplicates(request: *const pubrio_batch_request) -> usize;
    pub fn pubrio_batch_request_contact_types(request: *const pubrio_batch_request) -> c_uint;

    pub fn pubrio_batch_job_free(job: *mut pubrio_batch_job);
    pub fn pubrio_redeem_people_batch(client: *mut pubrio_client, request: *const pubrio_batch_request, out: *mut *mut pubrio_batch_job, err: *mut pubrio_error) -> pubrio_status;

    pub fn pubrio_person_email(person: *const pubrio_person, index: usize) -> *const pubrio_contact;
    pub fn pubrio_person_phone(person: *const pubrio_person, index: usize) -> *const pubrio_contact;
    pub fn pubrio_query_result_person(result: *const pubrio_query_result, index: usize) -> *const pubrio_person;
    pub fn pubrio_query_result_free(result: *mut pubrio_query_result);
    pub fn pubrio_redeem_people_batch_query(client: *mut pubrio_client, redeem_query_id: *const c_char, out: *mut *mut pubrio_query_result, err: *mut pubrio_error) -> pubrio_status;

    pub fn pubrio_wait_options_new(out: *mut *mut pubrio_wait_options, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_wait_options_free(options: *mut pubrio_wait_options);
    pub fn pubrio_wait_options_set_timeout(options: *mut pubrio_wait_options, timeout_ms: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_wait_options_set_delays(options: *mut pubrio_wait_options, min_delay_ms: i64, max_delay_ms: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_wait_options_set_first_delay(options: *mut pubrio_wait_options, delay_ms: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_wait_options_set_progress(options: *mut pubrio_wait_options, fn_: pubrio_progress_fn, userdata: *mut c_void, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_redeem_people_batch_wait(client: *mut pubrio_client, redeem_query_id: *const c_char, options: *const pubrio_wait_options, out: *mut *mut pubrio_query_result, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_profile_get(client: *mut pubrio_client, profile_id: i64, out: *mut *mut pubrio_profile, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_profile_free(profile: *mut pubrio_profile);
    pub fn pubrio_usage_get(client: *mut pubrio_client, profile_id: i64, out: *mut *mut pubrio_usage, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_usage_free(usage: *mut pubrio_usage);
    pub fn pubrio_redeem_person(client: *mut pubrio_client, people_search_id: *const c_char, linkedin_url: *const c_char, contact_types: c_uint, profile_id: i64, out: *mut *mut pubrio_query_result, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_redeem_people_batch_and_wait(client: *mut pubrio_client, request: *const pubrio_batch_request, options: *const pubrio_wait_options, out: *mut *mut pubrio_query_result, err: *mut pubrio_error) -> pubrio_status;

    pub fn pubrio_bulk_options_new(out: *mut *mut pubrio_bulk_options, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_free(options: *mut pubrio_bulk_options);
    pub fn pubrio_bulk_options_set_batch_size(options: *mut pubrio_bulk_options, batch_size: c_int, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_set_max_in_flight(options: *mut pubrio_bulk_options, max_in_flight: c_int, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_set_rate_limit(options: *mut pubrio_bulk_options, requests_per_minute: c_int, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_set_wait(options: *mut pubrio_bulk_options, wait: *const pubrio_wait_options, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_set_submit_only(options: *mut pubrio_bulk_options, submit_only: c_int, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_set_journal(options: *mut pubrio_bulk_options, path: *const c_char, resubmit_uncertain: c_int, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_set_max_credits(options: *mut pubrio_bulk_options, max_credits: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_set_profile_id(options: *mut pubrio_bulk_options, profile_id: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_add_rate(options: *mut pubrio_bulk_options, requests: i64, window_ms: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_set_read_account(options: *mut pubrio_bulk_options, read_account: c_int, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_set_prices(options: *mut pubrio_bulk_options, email_price: i64, phone_price: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_options_set_refresh(options: *mut pubrio_bulk_options, refresh: c_int, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_plan(out: *mut *mut pubrio_bulk, client: *mut pubrio_client, types: c_uint, options: *const pubrio_bulk_options, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_stop(bulk: *mut pubrio_bulk);
    pub fn pubrio_bulk_read_account(bulk: *mut pubrio_bulk, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_next_event(bulk: *mut pubrio_bulk, timeout_ms: i64, event: *mut pubrio_bulk_event, event_size: usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_rate_hold(bulk: *const pubrio_bulk, out: *mut c_char, size: usize) -> usize;
    pub fn pubrio_bulk_new(out: *mut *mut pubrio_bulk, client: *mut pubrio_client, types: c_uint, options: *const pubrio_bulk_options, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_free(bulk: *mut pubrio_bulk);
    pub fn pubrio_bulk_add_people(bulk: *mut pubrio_bulk, people_search_ids: *const *const c_char, count: usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_add_linkedin_urls(bulk: *mut pubrio_bulk, linkedin_urls: *const *const c_char, count: usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_add_lookups(bulk: *mut pubrio_bulk, request: *const pubrio_lookup_request, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_next(bulk: *mut pubrio_bulk, timeout_ms: i64, event: *mut pubrio_bulk_event, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_run(bulk: *mut pubrio_bulk, fn_: pubrio_bulk_event_fn, userdata: *mut c_void, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_stats_get(bulk: *const pubrio_bulk, out: *mut pubrio_bulk_stats, out_size: usize);
    pub fn pubrio_bulk_uncollected(bulk: *const pubrio_bulk, index: usize, people_count: *mut usize) -> *const c_char;
    pub fn pubrio_bulk_close(bulk: *mut pubrio_bulk, timeout_ms: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_bulk_drained(bulk: *const pubrio_bulk, index: usize) -> *const pubrio_bulk_event;
    pub fn pubrio_bulk_uncertain(bulk: *const pubrio_bulk, index: usize) -> *const c_char;
    pub fn pubrio_bulk_leftover(bulk: *const pubrio_bulk, out: *mut c_char, size: usize) -> usize;

    pub fn pubrio_journal_open(out: *mut *mut pubrio_journal, path: *const c_char, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_journal_free(journal: *mut pubrio_journal);
    pub fn pubrio_journal_run_get(journal: *const pubrio_journal, index: usize, out: *mut pubrio_journal_run, out_size: usize) -> c_int;
    pub fn pubrio_journal_counts(journal: *const pubrio_journal, people: *mut usize, contacts: *mut usize);
    pub fn pubrio_journal_next_person(journal: *mut pubrio_journal, out: *mut *const pubrio_person, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_journal_uncollected(journal: *const pubrio_journal, index: usize, people_count: *mut usize) -> *const c_char;
    pub fn pubrio_journal_forget(path: *const c_char, items: *const *const c_char, count: usize, forgotten: *mut usize, unmatched: *mut usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_journal_unforget(path: *const c_char, ids: *const *const c_char, count: usize, unforgotten: *mut usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_journal_forget_older(path: *const c_char, before: i64, forgotten: *mut usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_journal_oldest_contact(journal: *const pubrio_journal, collected_at: *mut i64) -> c_int;

    pub fn pubrio_lookup_request_new(out: *mut *mut pubrio_lookup_request, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_lookup_request_free(request: *mut pubrio_lookup_request);
    pub fn pubrio_lookup_request_add_entry(request: *mut pubrio_lookup_request, index: *mut usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_lookup_request_set(request: *mut pubrio_lookup_request, index: usize, field: pubrio_lookup_field, value: *const c_char, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_lookup_request_set_similarity(request: *mut pubrio_lookup_request, enabled: c_int, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_lookup_request_set_profile_id(request: *mut pubrio_lookup_request, profile_id: i64, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_lookup_request_set_batch_size(request: *mut pubrio_lookup_request, batch_size: usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_lookup_request_count(request: *const pubrio_lookup_request) -> usize;
    pub fn pubrio_lookup_request_plan(request: *const pubrio_lookup_request, lookups: *mut usize, refused: *mut usize, requests: *mut usize, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_lookup_person(client: *mut pubrio_client, request: *const pubrio_lookup_request, out: *mut *mut pubrio_lookup_result, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_lookup_batch(client: *mut pubrio_client, request: *const pubrio_lookup_request, out: *mut *mut pubrio_lookup_result, err: *mut pubrio_error) -> pubrio_status;
    pub fn pubrio_lookup_result_count(result: *const pubrio_lookup_result) -> usize;
    pub fn pubrio_lookup_result_answer(result: *const pubrio_lookup_result, index: usize) -> *const pubrio_lookup_answer;
    pub fn pubrio_lookup_result_totals(result: *const pubrio_lookup_result, charged: *mut i64, requests: *mut usize);
    pub fn pubrio_lookup_result_free(result: *mut pubrio_lookup_result);
    pub fn pubrio_lookup_confidence_str(confidence: pubrio_lookup_confidence) -> *const c_char;
}

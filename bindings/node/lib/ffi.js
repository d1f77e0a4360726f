// The C side: the library, its structs and its functions, declared once.
// Structs only grow at the end (pubrio.h): a new C field is one new line at
// the end of its struct here. Nothing else in the package spells a layout.
'use strict';
const koffi = require('koffi');

// PUBRIO_LIBRARY names the file (a build tree, a custom prefix); else the
// system's loader finds the Debian package's libpubrio.so.0. koffi's own
// message names neither the file nor the variable: ours names both.
function loadLibrary() {
  const named = process.env.PUBRIO_LIBRARY;
  const file = named || 'libpubrio.so.0';
  try {
    return koffi.load(file);
  } catch (e) {
    const how = named
      ? `PUBRIO_LIBRARY names ${JSON.stringify(named)}, which cannot be loaded: set it to the path of libpubrio.so.0`
      : 'install the library (the Debian package libpubrio0) or set PUBRIO_LIBRARY to the path of libpubrio.so.0 (e.g. build/libpubrio.so.0)';
    const error = new Error(`pubrio: cannot load libpubrio.so.0: ${how} (${e.message})`, { cause: e });
    error.code = 'PUBRIO_LIBRARY_NOT_FOUND';
    throw error;
  }
}
const lib = loadLibrary();

koffi.opaque('pubrio_client');
koffi.opaque('pubrio_batch_request');
koffi.opaque('pubrio_wait_options');
koffi.opaque('pubrio_bulk_options');
koffi.opaque('pubrio_bulk');
koffi.opaque('pubrio_lookup_request');
koffi.opaque('pubrio_lookup_result');

const ErrorStruct = koffi.struct('pubrio_error', {
  status: 'int',
  attempts: 'int',
  http_status: 'long',
  api_code: 'int64_t',
  retry_after_ms: 'int64_t',
  message: 'const char *',
  api_message: 'const char *',
  details_json: 'const char *',
  request_id: 'const char *',
  redeem_query_id: 'const char *',
  submit_state: 'int',
  reserved: koffi.array('void *', 6),
});

const Job = koffi.struct('pubrio_batch_job', {
  redeem_query_id: 'const char *',
  is_completed: 'int',
  estimated_time: 'int64_t',
  estimated_time_type: 'const char *',
  estimated_time_ms: 'int64_t',
});

const Contact = koffi.struct('pubrio_contact', {
  value: 'const char *',
  type: 'int',
  type_raw: 'const char *',
  status: 'const char *',
});

const Person = koffi.struct('pubrio_person', {
  people_search_id: 'const char *',
  email_count: 'size_t',
  phone_count: 'size_t',
});

const QueryResult = koffi.struct('pubrio_query_result', {
  query: 'pubrio_batch_job *',
  has_credit: 'int',
  credit: 'int64_t',
  has_topup_credit: 'int',
  topup_credit: 'int64_t',
  has_total_charged_credit: 'int',
  total_charged_credit: 'int64_t',
  people_count: 'size_t',
});

const Profile = koffi.struct('pubrio_profile', {
  has_profile_id: 'int',
  profile_id: 'int64_t',
  has_credit: 'int',
  credit: 'int64_t',
  has_topup_credit: 'int',
  topup_credit: 'int64_t',
  plan_name: 'const char *',
  email_price: 'int64_t',
  phone_price: 'int64_t',
  max_hourly_requests: 'int64_t',
  max_daily_requests: 'int64_t',
  max_monthly_requests: 'int64_t',
  api_access: 'int',
});

const Usage = koffi.struct('pubrio_usage', {
  hourly_used: 'int64_t',
  hourly_allowed: 'int64_t',
  daily_used: 'int64_t',
  daily_allowed: 'int64_t',
  monthly_used: 'int64_t',
  monthly_allowed: 'int64_t',
  last_refreshed: 'const char *',
  api_access: 'int',
});

// The library's log receiver. It is called on the thread making the call
// (a koffi worker): koffi runs the JS function on the main thread while
// that worker waits, so `message` is valid for the whole call.
const LogFn = koffi.proto('void pubrio_log_fn(int level, const char *message, void *userdata)');

const BulkStats = koffi.struct('pubrio_bulk_stats', {
  people: 'size_t',
  duplicates: 'size_t',
  people_journaled: 'size_t',
  people_uncertain: 'size_t',
  people_to_submit: 'size_t',
  people_submitted: 'size_t',
  people_collected: 'size_t',
  batches: 'size_t',
  batches_accepted: 'size_t',
  batches_collected: 'size_t',
  in_flight: 'size_t',
  requests: 'long',
  planned_requests: 'long',
  min_duration_ms: 'int64_t',
  next_request_in_ms: 'int64_t',
  credits_charged: 'int64_t',
  has_credit: 'int',
  credit: 'int64_t',
  journal_torn_line_dropped: 'int',
  people_known: 'size_t',
  batches_failed: 'size_t',
  people_left_uncertain: 'size_t',
  credits_worst_case: 'int64_t',
  credits_before: 'int64_t',
  credits_committed: 'int64_t',
  price_email: 'int64_t',
  price_phone: 'int64_t',
  prices_known: 'int',
  has_balance: 'int',
  balance: 'int64_t',
  linkedin_urls: 'size_t',
  linkedin_urls_to_redeem: 'size_t',
  linkedin_urls_redeemed: 'size_t',
  linkedin_urls_not_found: 'size_t',
  batches_uncollected: 'size_t',
  people_uncollected: 'size_t',
  people_kept: 'size_t',
  people_forgotten: 'size_t',
  lookups: 'size_t',
  lookups_to_send: 'size_t',
  lookups_found: 'size_t',
  lookups_not_found: 'size_t',
  lookups_uncertain: 'size_t',
  lookup_credits: 'int64_t',
});

const BulkEvent = koffi.struct('pubrio_bulk_event', {
  kind: 'int',
  batch: 'int',
  redeem_query_id: 'const char *',
  job: 'pubrio_batch_job *',
  person: 'pubrio_person *',
  people_count: 'size_t',
  people: 'const char **',
  stats: 'pubrio_bulk_stats *',
  status: 'int',
  message: 'const char *',
  from_store: 'int',
  linkedin_url: 'const char *',
  lookup_entry: 'size_t',
  lookup_confidence: 'const char *',
});

// One entry's answer of a lookup, read through the library's pointer.
const LookupAnswer = koffi.struct('pubrio_lookup_answer', {
  outcome: 'int',
  reason: 'const char *',
  people_search_id: 'const char *',
  first_name: 'const char *',
  last_name: 'const char *',
  people_name: 'const char *',
  company_name: 'const char *',
  domain: 'const char *',
  confidence: 'int',
  confidence_text: 'const char *',
  input_value: 'const char *',
  input_type: 'const char *',
  is_duplicate_input: 'int',
  credits: 'int64_t',
  status: 'int',
  submit_state: 'int',
});

// pubrio_bulk_next() and every call taking `pubrio_error *` write the
// library's idea of the struct, which may be newer and larger than the one
// above: the memory handed to them has this much room to spare.
const SPARE_BYTES = 512;

const f = (signature) => lib.func(signature);
const c = {
  version: f('const char *pubrio_version(void)'),
  statusStr: f('const char *pubrio_status_str(int status)'),
  errorClear: f('void pubrio_error_clear(void *err)'),
  contactTypeFromStr: f('int pubrio_contact_type_from_str(const char *name)'),

  clientNew: f('int pubrio_client_new(_Out_ pubrio_client **out, const char *key, void *err)'),
  clientFree: f('void pubrio_client_free(pubrio_client *client)'),
  clientCancel: f('void pubrio_client_cancel(pubrio_client *client)'),
  clientResetCancel: f('void pubrio_client_reset_cancel(pubrio_client *client)'),
  setBaseUrl: f('int pubrio_client_set_base_url(pubrio_client *client, const char *url, void *err)'),
  baseUrl: f('const char *pubrio_client_base_url(pubrio_client *client)'),
  setTimeouts: f('int pubrio_client_set_timeouts(pubrio_client *client, int64_t connect_ms, int64_t total_ms, void *err)'),
  setUserAgent: f('int pubrio_client_set_user_agent(pubrio_client *client, const char *ua, void *err)'),
  setRetry: f('int pubrio_client_set_retry(pubrio_client *client, int max_attempts, int64_t base_ms, int64_t max_ms, void *err)'),
  setRateLimit: f('int pubrio_client_set_rate_limit(pubrio_client *client, int per_minute, void *err)'),
  setCa: f('int pubrio_client_set_ca(pubrio_client *client, const char *ca_file, const char *ca_path, void *err)'),
  setHeader: f('int pubrio_client_set_header(pubrio_client *client, const char *name, const char *value, void *err)'),
  setLog: f('int pubrio_client_set_log(pubrio_client *client, int max_level, pubrio_log_fn *fn, void *userdata, void *err)'),
  profileGet: f('int pubrio_profile_get(pubrio_client *client, int64_t profile_id, _Out_ pubrio_profile **out, void *err)'),
  profileFree: f('void pubrio_profile_free(pubrio_profile *profile)'),
  usageGet: f('int pubrio_usage_get(pubrio_client *client, int64_t profile_id, _Out_ pubrio_usage **out, void *err)'),
  usageFree: f('void pubrio_usage_free(pubrio_usage *usage)'),
  requestsSent: f('long pubrio_client_requests_sent(pubrio_client *client)'),

  requestNew: f('int pubrio_batch_request_new(_Out_ pubrio_batch_request **out, void *err)'),
  requestFree: f('void pubrio_batch_request_free(pubrio_batch_request *request)'),
  requestAddPeople: f('int pubrio_batch_request_add_people(pubrio_batch_request *request, const char **ids, size_t count, void *err)'),
  requestAddTypes: f('int pubrio_batch_request_add_contact_types(pubrio_batch_request *request, unsigned int types, void *err)'),
  requestSetProfile: f('int pubrio_batch_request_set_profile_id(pubrio_batch_request *request, int64_t profile_id, void *err)'),

  jobFree: f('void pubrio_batch_job_free(pubrio_batch_job *job)'),
  submit: f('int pubrio_redeem_people_batch(pubrio_client *client, pubrio_batch_request *request, _Out_ pubrio_batch_job **out, void *err)'),
  query: f('int pubrio_redeem_people_batch_query(pubrio_client *client, const char *id, _Out_ pubrio_query_result **out, void *err)'),
  wait: f('int pubrio_redeem_people_batch_wait(pubrio_client *client, const char *id, pubrio_wait_options *options, _Out_ pubrio_query_result **out, void *err)'),
  submitAndWait: f('int pubrio_redeem_people_batch_and_wait(pubrio_client *client, pubrio_batch_request *request, pubrio_wait_options *options, _Out_ pubrio_query_result **out, void *err)'),
  redeemPerson: f('int pubrio_redeem_person(pubrio_client *client, const char *people_search_id, const char *linkedin_url, unsigned int types, int64_t profile_id, _Out_ pubrio_query_result **out, void *err)'),
  resultPerson: f('pubrio_person *pubrio_query_result_person(pubrio_query_result *result, size_t index)'),
  resultFree: f('void pubrio_query_result_free(pubrio_query_result *result)'),
  personEmail: f('pubrio_contact *pubrio_person_email(pubrio_person *person, size_t index)'),
  personPhone: f('pubrio_contact *pubrio_person_phone(pubrio_person *person, size_t index)'),

  waitOptionsNew: f('int pubrio_wait_options_new(_Out_ pubrio_wait_options **out, void *err)'),
  waitOptionsFree: f('void pubrio_wait_options_free(pubrio_wait_options *options)'),
  waitSetTimeout: f('int pubrio_wait_options_set_timeout(pubrio_wait_options *options, int64_t ms, void *err)'),
  waitSetDelays: f('int pubrio_wait_options_set_delays(pubrio_wait_options *options, int64_t min_ms, int64_t max_ms, void *err)'),
  waitSetFirstDelay: f('int pubrio_wait_options_set_first_delay(pubrio_wait_options *options, int64_t ms, void *err)'),

  bulkOptionsNew: f('int pubrio_bulk_options_new(_Out_ pubrio_bulk_options **out, void *err)'),
  bulkOptionsFree: f('void pubrio_bulk_options_free(pubrio_bulk_options *options)'),
  bulkSetBatchSize: f('int pubrio_bulk_options_set_batch_size(pubrio_bulk_options *options, int n, void *err)'),
  bulkSetMaxInFlight: f('int pubrio_bulk_options_set_max_in_flight(pubrio_bulk_options *options, int n, void *err)'),
  bulkSetRateLimit: f('int pubrio_bulk_options_set_rate_limit(pubrio_bulk_options *options, int per_minute, void *err)'),
  bulkSetWait: f('int pubrio_bulk_options_set_wait(pubrio_bulk_options *options, pubrio_wait_options *wait, void *err)'),
  bulkSetJournal: f('int pubrio_bulk_options_set_journal(pubrio_bulk_options *options, const char *path, int resubmit_uncertain, void *err)'),
  bulkSetMaxCredits: f('int pubrio_bulk_options_set_max_credits(pubrio_bulk_options *options, int64_t max_credits, void *err)'),
  bulkSetProfile: f('int pubrio_bulk_options_set_profile_id(pubrio_bulk_options *options, int64_t profile_id, void *err)'),
  bulkNew: f('int pubrio_bulk_new(_Out_ pubrio_bulk **out, pubrio_client *client, unsigned int types, pubrio_bulk_options *options, void *err)'),
  bulkFree: f('void pubrio_bulk_free(pubrio_bulk *bulk)'),
  bulkAddPeople: f('int pubrio_bulk_add_people(pubrio_bulk *bulk, const char **ids, size_t count, void *err)'),
  bulkAddLinkedinUrls: f('int pubrio_bulk_add_linkedin_urls(pubrio_bulk *bulk, const char **urls, size_t count, void *err)'),
  bulkAddLookups: f('int pubrio_bulk_add_lookups(pubrio_bulk *bulk, pubrio_lookup_request *request, void *err)'),
  bulkNext: f('int pubrio_bulk_next_event(pubrio_bulk *bulk, int64_t timeout_ms, void *event, size_t event_size, void *err)'),
  bulkStatsGet: f('void pubrio_bulk_stats_get(pubrio_bulk *bulk, void *out, size_t out_size)'),
  bulkClose: f('int pubrio_bulk_close(pubrio_bulk *bulk, int64_t timeout_ms, void *err)'),
  bulkDrained: f('void *pubrio_bulk_drained(pubrio_bulk *bulk, size_t index)'),
  bulkUncertain: f('const char *pubrio_bulk_uncertain(pubrio_bulk *bulk, size_t index)'),
  bulkLeftover: f('size_t pubrio_bulk_leftover(pubrio_bulk *bulk, void *out, size_t size)'),
  lookupRequestNew: f('int pubrio_lookup_request_new(_Out_ pubrio_lookup_request **out, void *err)'),
  lookupRequestFree: f('void pubrio_lookup_request_free(pubrio_lookup_request *request)'),
  lookupAddEntry: f('int pubrio_lookup_request_add_entry(pubrio_lookup_request *request, _Out_ size_t *index, void *err)'),
  lookupSet: f('int pubrio_lookup_request_set(pubrio_lookup_request *request, size_t index, int field, const char *value, void *err)'),
  lookupSetSimilarity: f('int pubrio_lookup_request_set_similarity(pubrio_lookup_request *request, int enabled, void *err)'),
  lookupSetProfile: f('int pubrio_lookup_request_set_profile_id(pubrio_lookup_request *request, int64_t profile_id, void *err)'),
  lookupSetBatchSize: f('int pubrio_lookup_request_set_batch_size(pubrio_lookup_request *request, size_t batch_size, void *err)'),
  lookupPlan: f('int pubrio_lookup_request_plan(pubrio_lookup_request *request, _Out_ size_t *lookups, _Out_ size_t *refused, _Out_ size_t *requests, void *err)'),
  lookupPerson: f('int pubrio_lookup_person(pubrio_client *client, pubrio_lookup_request *request, _Out_ pubrio_lookup_result **out, void *err)'),
  lookupBatch: f('int pubrio_lookup_batch(pubrio_client *client, pubrio_lookup_request *request, _Out_ pubrio_lookup_result **out, void *err)'),
  lookupResultCount: f('size_t pubrio_lookup_result_count(pubrio_lookup_result *result)'),
  lookupResultAnswer: f('pubrio_lookup_answer *pubrio_lookup_result_answer(pubrio_lookup_result *result, size_t index)'),
  lookupResultTotals: f('void pubrio_lookup_result_totals(pubrio_lookup_result *result, _Out_ int64_t *charged, _Out_ size_t *requests)'),
  lookupResultFree: f('void pubrio_lookup_result_free(pubrio_lookup_result *result)'),
  bulkUncollected: f('const char *pubrio_bulk_uncollected(pubrio_bulk *bulk, size_t index, _Out_ size_t *people_count)'),
};

// Memory the C side writes into, zeroed; the caller frees it with
// koffi.free() (or keeps it as long as its owner lives).
function allocZeroed(size) {
  const ptr = koffi.alloc('uint8_t', size);
  koffi.encode(ptr, koffi.array('uint8_t', size), new Uint8Array(size));
  return ptr;
}

// A pubrio_error in C memory, zeroed, with room for a newer library's.
function allocError() {
  return allocZeroed(koffi.sizeof(ErrorStruct) + SPARE_BYTES);
}

// koffi's async call as a promise: the C call runs on a worker thread and
// the event loop stays free.
function callAsync(fn, ...args) {
  return new Promise((resolve, reject) => {
    fn.async(...args, (e, result) => (e ? reject(e) : resolve(result)));
  });
}

module.exports = {
  koffi, lib, c, callAsync, allocZeroed, allocError, SPARE_BYTES,
  types: { ErrorStruct, Job, Contact, Person, QueryResult, Profile, Usage, BulkStats, BulkEvent, LookupAnswer },
  LogFn,
};

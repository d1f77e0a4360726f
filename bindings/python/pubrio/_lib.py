"""The one place that knows the C ABI: loading libpubrio, the ctypes
mirrors of its public structs and the prototypes of the calls used.

Structs the library hands out by pointer (jobs, results, people) are read
as a prefix, so fields added at their end are harmless. Structs the library
writes into memory we own (pubrio_error, pubrio_bulk_event,
pubrio_bulk_stats) mirror the header field for field: the calls filling
the event and the stats take our size, so a newer library fills only what
we know, and tests/test_layout.py fails until a field the header grew is
declared here.
"""
import ctypes
import ctypes.util
import logging
import os
from typing import Any, Callable, Dict, List, Optional, Type

ABI = 0  # the SONAME major this module was written for


def _load() -> ctypes.CDLL:
    """$PUBRIO_LIBRARY, else a copy placed beside this module, else the
    system's library path (an installed prefix: ldconfig or
    LD_LIBRARY_PATH)."""
    path = os.environ.get("PUBRIO_LIBRARY")
    beside = os.path.join(os.path.dirname(__file__), "libpubrio.so.%d" % ABI)
    if not path and os.path.exists(beside):
        path = beside
    if not path:
        path = ctypes.util.find_library("pubrio") or "libpubrio.so.%d" % ABI
    try:
        return ctypes.CDLL(path)
    except OSError as e:
        raise ImportError(
            "pubrio: cannot load %s (%s). Install libpubrio (cmake --install) "
            "or set PUBRIO_LIBRARY to the path of libpubrio.so.%d"
            % (path, e, ABI)) from None


lib = _load()

c_str = ctypes.c_char_p
i64 = ctypes.c_int64
size_t = ctypes.c_size_t
P = ctypes.c_void_p


class Error(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int), ("attempts", ctypes.c_int),
                ("http_status", ctypes.c_long), ("api_code", i64),
                ("retry_after_ms", i64), ("message", c_str),
                ("api_message", c_str), ("details_json", c_str),
                ("request_id", c_str), ("redeem_query_id", c_str),
                ("submit_state", ctypes.c_int),
                ("reserved", ctypes.c_void_p * 6)]


class Job(ctypes.Structure):
    _fields_ = [("redeem_query_id", c_str), ("is_completed", ctypes.c_int),
                ("estimated_time", i64), ("estimated_time_type", c_str),
                ("estimated_time_ms", i64)]


class Contact(ctypes.Structure):
    _fields_ = [("value", c_str), ("type", ctypes.c_int),
                ("type_raw", c_str), ("status", c_str)]


class Person(ctypes.Structure):
    _fields_ = [("people_search_id", c_str), ("email_count", size_t),
                ("phone_count", size_t)]


class Result(ctypes.Structure):
    _fields_ = [("query", ctypes.POINTER(Job)), ("has_credit", ctypes.c_int),
                ("credit", i64), ("has_topup_credit", ctypes.c_int),
                ("topup_credit", i64),
                ("has_total_charged_credit", ctypes.c_int),
                ("total_charged_credit", i64),
                ("people_count", size_t)]


class BulkEvent(ctypes.Structure):
    # Filled by pubrio_bulk_next_event with its size: a newer, larger C
    # event fills only this prefix.
    _fields_ = [("kind", ctypes.c_int), ("batch", ctypes.c_int),
                ("redeem_query_id", c_str), ("job", ctypes.POINTER(Job)),
                ("person", ctypes.POINTER(Person)),
                ("people_count", size_t),
                ("people", ctypes.POINTER(c_str)),
                ("stats", ctypes.c_void_p),
                ("status", ctypes.c_int), ("message", c_str),
                ("from_store", ctypes.c_int), ("linkedin_url", c_str),
                ("lookup_entry", size_t), ("lookup_confidence", c_str)]


class BulkStats(ctypes.Structure):
    # Passed with its size to pubrio_bulk_stats_get: a newer, larger C
    # struct fills only this prefix.
    _fields_ = [(name, size_t) for name in (
        "people", "duplicates", "people_journaled", "people_uncertain",
        "people_to_submit", "people_submitted", "people_collected", "batches",
        "batches_accepted", "batches_collected", "in_flight")] + [
        ("requests", ctypes.c_long), ("planned_requests", ctypes.c_long),
        ("min_duration_ms", i64), ("next_request_in_ms", i64),
        ("credits_charged", i64), ("has_credit", ctypes.c_int),
        ("credit", i64), ("journal_torn_line_dropped", ctypes.c_int)] + [
        (name, size_t) for name in (
            "people_known", "batches_failed", "people_left_uncertain")] + [
        (name, i64) for name in (
            "credits_worst_case", "credits_before", "credits_committed",
            "price_email", "price_phone")] + [
        ("prices_known", ctypes.c_int), ("has_balance", ctypes.c_int),
        ("balance", i64)] + [
        (name, size_t) for name in (
            "linkedin_urls", "linkedin_urls_to_redeem",
            "linkedin_urls_redeemed", "linkedin_urls_not_found",
            "batches_uncollected", "people_uncollected", "people_kept",
            "people_forgotten", "lookups", "lookups_to_send",
            "lookups_found", "lookups_not_found", "lookups_uncertain")] + [
        ("lookup_credits", i64)]


ERR = ctypes.POINTER(Error)
JOB_P = ctypes.POINTER(Job)
RESULT_P = ctypes.POINTER(Result)
PERSON_P = ctypes.POINTER(Person)
CONTACT_P = ctypes.POINTER(Contact)
LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_int, c_str, ctypes.c_void_p)

# The C calls return plain ints, bytes or pointers; typed as Any here and
# converted where they are used.
CFunc = Callable[..., Any]


def _fn(name: str, restype: Any, *argtypes: Any) -> CFunc:
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    fn: CFunc = f
    return fn


_int = ctypes.c_int
version = _fn("pubrio_version", c_str)
status_str = _fn("pubrio_status_str", c_str, _int)
error_clear = _fn("pubrio_error_clear", None, ERR)
client_new = _fn("pubrio_client_new", _int, ctypes.POINTER(P), c_str, ERR)
client_free = _fn("pubrio_client_free", None, P)
client_cancel = _fn("pubrio_client_cancel", None, P)
client_reset_cancel = _fn("pubrio_client_reset_cancel", None, P)
set_base_url = _fn("pubrio_client_set_base_url", _int, P, c_str, ERR)
set_timeouts = _fn("pubrio_client_set_timeouts", _int, P, i64, i64, ERR)
set_retry = _fn("pubrio_client_set_retry", _int, P, _int, i64, i64, ERR)
set_rate = _fn("pubrio_client_set_rate_limit", _int, P, _int, ERR)
set_user_agent = _fn("pubrio_client_set_user_agent", _int, P, c_str, ERR)
set_ca = _fn("pubrio_client_set_ca", _int, P, c_str, c_str, ERR)
set_header = _fn("pubrio_client_set_header", _int, P, c_str, c_str, ERR)
set_log = _fn("pubrio_client_set_log", _int, P, _int, LOG_FN, ctypes.c_void_p,
              ERR)
req_new = _fn("pubrio_batch_request_new", _int, ctypes.POINTER(P), ERR)
req_free = _fn("pubrio_batch_request_free", None, P)
req_add_people = _fn("pubrio_batch_request_add_people", _int, P,
                     ctypes.POINTER(c_str), size_t, ERR)
req_add_types = _fn("pubrio_batch_request_add_contact_types", _int, P,
                    ctypes.c_uint, ERR)
req_profile = _fn("pubrio_batch_request_set_profile_id", _int, P, i64, ERR)
type_from_str = _fn("pubrio_contact_type_from_str", _int, c_str)
submit = _fn("pubrio_redeem_people_batch", _int, P, P,
             ctypes.POINTER(JOB_P), ERR)
job_free = _fn("pubrio_batch_job_free", None, JOB_P)
query = _fn("pubrio_redeem_people_batch_query", _int, P, c_str,
            ctypes.POINTER(RESULT_P), ERR)
wait = _fn("pubrio_redeem_people_batch_wait", _int, P, c_str, P,
           ctypes.POINTER(RESULT_P), ERR)
submit_and_wait = _fn("pubrio_redeem_people_batch_and_wait", _int, P, P, P,
                      ctypes.POINTER(RESULT_P), ERR)
redeem_person = _fn("pubrio_redeem_person", _int, P, c_str, c_str,
                    ctypes.c_uint, i64, ctypes.POINTER(RESULT_P), ERR)
result_free = _fn("pubrio_query_result_free", None, RESULT_P)
result_person = _fn("pubrio_query_result_person", PERSON_P, RESULT_P, size_t)
person_email = _fn("pubrio_person_email", CONTACT_P, PERSON_P, size_t)
person_phone = _fn("pubrio_person_phone", CONTACT_P, PERSON_P, size_t)
wopt_new = _fn("pubrio_wait_options_new", _int, ctypes.POINTER(P), ERR)
wopt_free = _fn("pubrio_wait_options_free", None, P)
wopt_timeout = _fn("pubrio_wait_options_set_timeout", _int, P, i64, ERR)
wopt_delays = _fn("pubrio_wait_options_set_delays", _int, P, i64, i64, ERR)
wopt_first = _fn("pubrio_wait_options_set_first_delay", _int, P, i64, ERR)
bopt_new = _fn("pubrio_bulk_options_new", _int, ctypes.POINTER(P), ERR)
bopt_free = _fn("pubrio_bulk_options_free", None, P)
bopt_batch = _fn("pubrio_bulk_options_set_batch_size", _int, P, _int, ERR)
bopt_parallel = _fn("pubrio_bulk_options_set_max_in_flight", _int, P, _int,
                    ERR)
bopt_rate = _fn("pubrio_bulk_options_set_rate_limit", _int, P, _int, ERR)
bopt_wait = _fn("pubrio_bulk_options_set_wait", _int, P, P, ERR)
bopt_journal = _fn("pubrio_bulk_options_set_journal", _int, P, c_str, _int,
                   ERR)
bopt_credits = _fn("pubrio_bulk_options_set_max_credits", _int, P, i64, ERR)
bopt_profile = _fn("pubrio_bulk_options_set_profile_id", _int, P, i64, ERR)
bulk_new = _fn("pubrio_bulk_new", _int, ctypes.POINTER(P), P, ctypes.c_uint,
               P, ERR)
bulk_plan = _fn("pubrio_bulk_plan", _int, ctypes.POINTER(P), P,
                ctypes.c_uint, P, ERR)
bulk_free = _fn("pubrio_bulk_free", None, P)
bulk_add = _fn("pubrio_bulk_add_people", _int, P, ctypes.POINTER(c_str),
               size_t, ERR)
bulk_add_urls = _fn("pubrio_bulk_add_linkedin_urls", _int, P,
                    ctypes.POINTER(c_str), size_t, ERR)
bulk_add_lookups = _fn("pubrio_bulk_add_lookups", _int, P, P, ERR)
bulk_next = _fn("pubrio_bulk_next_event", _int, P, i64,
                ctypes.POINTER(BulkEvent), size_t, ERR)
bulk_stop = _fn("pubrio_bulk_stop", None, P)
bopt_prices = _fn("pubrio_bulk_options_set_prices", _int, P, i64, i64, ERR)


class Profile(ctypes.Structure):
    _fields_ = [("has_profile_id", ctypes.c_int), ("profile_id", i64),
                ("has_credit", ctypes.c_int), ("credit", i64),
                ("has_topup_credit", ctypes.c_int), ("topup_credit", i64),
                ("plan_name", c_str), ("email_price", i64),
                ("phone_price", i64), ("max_hourly_requests", i64),
                ("max_daily_requests", i64), ("max_monthly_requests", i64),
                ("api_access", ctypes.c_int)]


class Usage(ctypes.Structure):
    _fields_ = [(name, i64) for name in (
        "hourly_used", "hourly_allowed", "daily_used", "daily_allowed",
        "monthly_used", "monthly_allowed")] + [
        ("last_refreshed", c_str), ("api_access", ctypes.c_int)]


profile_get = _fn("pubrio_profile_get", _int, P, i64,
                  ctypes.POINTER(ctypes.POINTER(Profile)), ERR)
profile_free = _fn("pubrio_profile_free", None, ctypes.POINTER(Profile))
usage_get = _fn("pubrio_usage_get", _int, P, i64,
                ctypes.POINTER(ctypes.POINTER(Usage)), ERR)
usage_free = _fn("pubrio_usage_free", None, ctypes.POINTER(Usage))
bulk_stats = _fn("pubrio_bulk_stats_get", None, P, ctypes.POINTER(BulkStats),
                 size_t)
bulk_uncollected = _fn("pubrio_bulk_uncollected", c_str, P, size_t,
                       ctypes.POINTER(size_t))
bulk_close = _fn("pubrio_bulk_close", _int, P, i64, ERR)
bulk_drained = _fn("pubrio_bulk_drained", ctypes.POINTER(BulkEvent), P,
                   size_t)
bulk_uncertain = _fn("pubrio_bulk_uncertain", c_str, P, size_t)
bulk_leftover = _fn("pubrio_bulk_leftover", size_t, P, P, size_t)


class LookupAnswer(ctypes.Structure):
    # Read through the library's pointer, as a prefix.
    _fields_ = [("outcome", ctypes.c_int), ("reason", c_str),
                ("people_search_id", c_str), ("first_name", c_str),
                ("last_name", c_str), ("people_name", c_str),
                ("company_name", c_str), ("domain", c_str),
                ("confidence", ctypes.c_int), ("confidence_text", c_str),
                ("input_value", c_str), ("input_type", c_str),
                ("is_duplicate_input", ctypes.c_int), ("credits", i64),
                ("status", ctypes.c_int), ("submit_state", ctypes.c_int)]


LOOKUP_ANSWER_P = ctypes.POINTER(LookupAnswer)
SIZE_P = ctypes.POINTER(size_t)
lookup_req_new = _fn("pubrio_lookup_request_new", _int, ctypes.POINTER(P),
                     ERR)
lookup_req_free = _fn("pubrio_lookup_request_free", None, P)
lookup_add_entry = _fn("pubrio_lookup_request_add_entry", _int, P, SIZE_P,
                       ERR)
lookup_set = _fn("pubrio_lookup_request_set", _int, P, size_t, _int, c_str,
                 ERR)
lookup_similarity = _fn("pubrio_lookup_request_set_similarity", _int, P,
                        _int, ERR)
lookup_profile = _fn("pubrio_lookup_request_set_profile_id", _int, P, i64,
                     ERR)
lookup_batch_size = _fn("pubrio_lookup_request_set_batch_size", _int, P,
                        size_t, ERR)
lookup_plan = _fn("pubrio_lookup_request_plan", _int, P, SIZE_P, SIZE_P,
                  SIZE_P, ERR)
lookup_person = _fn("pubrio_lookup_person", _int, P, P, ctypes.POINTER(P),
                    ERR)
lookup_batch = _fn("pubrio_lookup_batch", _int, P, P, ctypes.POINTER(P), ERR)
lookup_result_count = _fn("pubrio_lookup_result_count", size_t, P)
lookup_result_answer = _fn("pubrio_lookup_result_answer", LOOKUP_ANSWER_P, P,
                           size_t)
lookup_result_totals = _fn("pubrio_lookup_result_totals", None, P,
                           ctypes.POINTER(i64), SIZE_P)
lookup_result_free = _fn("pubrio_lookup_result_free", None, P)

# pubrio_lookup_field, by the Python name of an entry's field.
LOOKUP_FIELDS: Dict[str, int] = {"email": 0, "phone": 1, "first_name": 2,
                                 "last_name": 3, "domain": 4, "company": 5}
# pubrio_lookup_outcome and pubrio_lookup_confidence, by value.
LOOKUP_OUTCOMES = [None, "found", "not_found", "not_looked_up", "failed",
                   "not_sent"]
LOOKUP_CONFIDENCES = [None, "exact", "similarity_domain",
                      "similarity_company", "other"]

# pubrio_status values used here.
CANCELLED = 16

# pubrio_bulk_event_kind values used here.
BULK_PERSON, BULK_FINISHED, BULK_BATCH_FAILED, BULK_NOT_FOUND = 2, 5, 7, 8
BULK_RESOLVED = 9  # drained only: a lookup entry resolved, not handed out

# pubrio_log_level -> logging's levels.
LOG_LEVELS: Dict[int, int] = {1: logging.ERROR, 2: logging.WARNING,
                              3: logging.INFO, 4: logging.DEBUG}

# pubrio_submit_state, by value.
SUBMIT_STATES = [None, "not_spent", "uncertain", "accepted"]


def text(raw: Optional[bytes]) -> Optional[str]:
    """bytes from C as str (None stays None)."""
    return raw.decode("utf-8", "replace") if raw is not None else None


def array_of(ids: List[bytes]) -> Any:
    """A const char *[] holding @ids (alive as long as the result)."""
    arr_type: Type[ctypes.Array[ctypes.c_char_p]] = c_str * len(ids)
    return arr_type(*ids)

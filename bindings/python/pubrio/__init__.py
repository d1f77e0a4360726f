"""Python bindings for libpubrio through ctypes: no compiler needed.

    import pubrio
    with pubrio.Client() as client:            # key from PUBRIO_API_KEY
        result = client.redeem(["540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11"],
                               ["email-work", "phone"])
        for person in result["people"]:
            print(person["people_search_id"], person["emails"], person["phones"])

The shared library is found through $PUBRIO_LIBRARY (a path), else the
system's library search (libpubrio.so.0). Errors raise PubrioError
subclasses carrying the HTTP status, the API's code and message, and the
request id. A Client is not thread-safe: use one per thread.
"""
import ctypes
import ctypes.util
import dataclasses
import json
import logging
import os
import threading
from typing import Dict, Iterable, Iterator, List, Optional, Sequence

__version__ = "0.2.0"  # of this package; version() is the loaded library's

__all__ = ["Client", "PubrioError", "version", "__version__", "Contact",
           "Person", "Batch", "Credits", "QueryResult"]

_ABI = 0  # the SONAME major this module was written for


def _load():
    """$PUBRIO_LIBRARY, else a copy placed beside this module, else the
    system's library path (an installed prefix: ldconfig or
    LD_LIBRARY_PATH)."""
    path = os.environ.get("PUBRIO_LIBRARY")
    beside = os.path.join(os.path.dirname(__file__), "libpubrio.so.%d" % _ABI)
    if not path and os.path.exists(beside):
        path = beside
    if not path:
        path = ctypes.util.find_library("pubrio") or "libpubrio.so.%d" % _ABI
    try:
        return ctypes.CDLL(path)
    except OSError as e:
        raise ImportError(
            "pubrio: cannot load %s (%s). Install libpubrio (cmake --install) "
            "or set PUBRIO_LIBRARY to the path of libpubrio.so.%d"
            % (path, e, _ABI)) from None


_lib = _load()

_c_str = ctypes.c_char_p
_i64 = ctypes.c_int64


class _Error(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int), ("attempts", ctypes.c_int),
                ("http_status", ctypes.c_long), ("api_code", _i64),
                ("retry_after_ms", _i64), ("message", _c_str),
                ("api_message", _c_str), ("details_json", _c_str),
                ("request_id", _c_str), ("redeem_query_id", _c_str),
                ("submit_state", ctypes.c_int),
                ("reserved", ctypes.c_void_p * 6)]


class _Job(ctypes.Structure):
    _fields_ = [("redeem_query_id", _c_str), ("is_completed", ctypes.c_int),
                ("estimated_time", _i64), ("estimated_time_type", _c_str),
                ("estimated_time_ms", _i64)]


class _Contact(ctypes.Structure):
    _fields_ = [("value", _c_str), ("type", ctypes.c_int),
                ("type_raw", _c_str), ("status", _c_str)]


class _Person(ctypes.Structure):
    _fields_ = [("people_search_id", _c_str), ("email_count", ctypes.c_size_t),
                ("phone_count", ctypes.c_size_t)]


class _Result(ctypes.Structure):
    _fields_ = [("query", ctypes.POINTER(_Job)), ("has_credit", ctypes.c_int),
                ("credit", _i64), ("has_topup_credit", ctypes.c_int),
                ("topup_credit", _i64),
                ("has_total_charged_credit", ctypes.c_int),
                ("total_charged_credit", _i64),
                ("people_count", ctypes.c_size_t)]


_P = ctypes.c_void_p
_ERR = ctypes.POINTER(_Error)


def _fn(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_version = _fn("pubrio_version", _c_str)
_status_str = _fn("pubrio_status_str", _c_str, ctypes.c_int)
_error_clear = _fn("pubrio_error_clear", None, _ERR)
_client_new = _fn("pubrio_client_new", ctypes.c_int, ctypes.POINTER(_P), _c_str, _ERR)
_client_free = _fn("pubrio_client_free", None, _P)
_client_cancel = _fn("pubrio_client_cancel", None, _P)
_client_reset_cancel = _fn("pubrio_client_reset_cancel", None, _P)
_set_base_url = _fn("pubrio_client_set_base_url", ctypes.c_int, _P, _c_str, _ERR)
_set_timeouts = _fn("pubrio_client_set_timeouts", ctypes.c_int, _P, _i64, _i64, _ERR)
_set_retry = _fn("pubrio_client_set_retry", ctypes.c_int, _P, ctypes.c_int, _i64, _i64, _ERR)
_set_rate = _fn("pubrio_client_set_rate_limit", ctypes.c_int, _P, ctypes.c_int, _ERR)
_set_user_agent = _fn("pubrio_client_set_user_agent", ctypes.c_int, _P, _c_str, _ERR)
_set_ca = _fn("pubrio_client_set_ca", ctypes.c_int, _P, _c_str, _c_str, _ERR)
_set_header = _fn("pubrio_client_set_header", ctypes.c_int, _P, _c_str, _c_str, _ERR)
_LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_int, _c_str, ctypes.c_void_p)
_set_log = _fn("pubrio_client_set_log", ctypes.c_int, _P, ctypes.c_int, _LOG_FN,
               ctypes.c_void_p, _ERR)
_req_duplicates = _fn("pubrio_batch_request_duplicates", ctypes.c_size_t, _P)
# pubrio_log_level -> logging's levels
_LOG_LEVELS = {1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO,
               4: logging.DEBUG}
_req_new = _fn("pubrio_batch_request_new", ctypes.c_int, ctypes.POINTER(_P), _ERR)
_req_free = _fn("pubrio_batch_request_free", None, _P)
_req_add_people = _fn("pubrio_batch_request_add_people", ctypes.c_int, _P,
                      ctypes.POINTER(_c_str), ctypes.c_size_t, _ERR)
_req_add_types = _fn("pubrio_batch_request_add_contact_types", ctypes.c_int, _P,
                     ctypes.c_uint, _ERR)
_req_profile = _fn("pubrio_batch_request_set_profile_id", ctypes.c_int, _P, _i64, _ERR)
_type_from_str = _fn("pubrio_contact_type_from_str", ctypes.c_int, _c_str)
_submit = _fn("pubrio_redeem_people_batch", ctypes.c_int, _P, _P,
              ctypes.POINTER(ctypes.POINTER(_Job)), _ERR)
_job_free = _fn("pubrio_batch_job_free", None, ctypes.POINTER(_Job))
_query = _fn("pubrio_redeem_people_batch_query", ctypes.c_int, _P, _c_str,
             ctypes.POINTER(ctypes.POINTER(_Result)), _ERR)
_wait = _fn("pubrio_redeem_people_batch_wait", ctypes.c_int, _P, _c_str, _P,
            ctypes.POINTER(ctypes.POINTER(_Result)), _ERR)
_result_free = _fn("pubrio_query_result_free", None, ctypes.POINTER(_Result))
_result_person = _fn("pubrio_query_result_person", ctypes.POINTER(_Person),
                     ctypes.POINTER(_Result), ctypes.c_size_t)
_person_email = _fn("pubrio_person_email", ctypes.POINTER(_Contact),
                    ctypes.POINTER(_Person), ctypes.c_size_t)
_person_phone = _fn("pubrio_person_phone", ctypes.POINTER(_Contact),
                    ctypes.POINTER(_Person), ctypes.c_size_t)
_wopt_new = _fn("pubrio_wait_options_new", ctypes.c_int, ctypes.POINTER(_P), _ERR)
_wopt_free = _fn("pubrio_wait_options_free", None, _P)


class _BulkEvent(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("batch", ctypes.c_int),
                ("redeem_query_id", _c_str), ("job", ctypes.POINTER(_Job)),
                ("person", ctypes.POINTER(_Person)),
                ("people_count", ctypes.c_size_t),
                ("people", ctypes.POINTER(_c_str)),
                ("stats", ctypes.c_void_p)]


_bopt_new = _fn("pubrio_bulk_options_new", ctypes.c_int, ctypes.POINTER(_P), _ERR)
_bopt_free = _fn("pubrio_bulk_options_free", None, _P)
_bopt_batch = _fn("pubrio_bulk_options_set_batch_size", ctypes.c_int, _P, ctypes.c_int, _ERR)
_bopt_parallel = _fn("pubrio_bulk_options_set_max_in_flight", ctypes.c_int, _P, ctypes.c_int, _ERR)
_bopt_rate = _fn("pubrio_bulk_options_set_rate_limit", ctypes.c_int, _P, ctypes.c_int, _ERR)
_bopt_wait = _fn("pubrio_bulk_options_set_wait", ctypes.c_int, _P, _P, _ERR)
_bopt_journal = _fn("pubrio_bulk_options_set_journal", ctypes.c_int, _P, _c_str, ctypes.c_int, _ERR)
_bopt_credits = _fn("pubrio_bulk_options_set_max_credits", ctypes.c_int, _P, _i64, _ERR)
_bopt_profile = _fn("pubrio_bulk_options_set_profile_id", ctypes.c_int, _P, _i64, _ERR)
_bulk_new = _fn("pubrio_bulk_new", ctypes.c_int, ctypes.POINTER(_P), _P, ctypes.c_uint, _P, _ERR)
_bulk_free = _fn("pubrio_bulk_free", None, _P)
_bulk_add = _fn("pubrio_bulk_add_people", ctypes.c_int, _P, ctypes.POINTER(_c_str), ctypes.c_size_t, _ERR)
_bulk_next = _fn("pubrio_bulk_next", ctypes.c_int, _P, _i64, ctypes.POINTER(_BulkEvent), _ERR)
_bulk_uncollected = _fn("pubrio_bulk_uncollected", _c_str, _P, ctypes.c_size_t,
                        ctypes.POINTER(ctypes.c_size_t))
_BULK_PERSON, _BULK_FINISHED = 2, 5


class _BulkStats(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "people", "duplicates", "people_journaled", "people_uncertain",
        "people_to_submit", "people_submitted", "people_collected", "batches",
        "batches_accepted", "batches_collected", "in_flight")] + [
        ("requests", ctypes.c_long), ("planned_requests", ctypes.c_long),
        ("min_duration_ms", _i64), ("next_request_in_ms", _i64),
        ("credits_charged", _i64), ("has_credit", ctypes.c_int),
        ("credit", _i64), ("journal_torn_line_dropped", ctypes.c_int)]


_bulk_stats = _fn("pubrio_bulk_stats_get", None, _P, ctypes.POINTER(_BulkStats),
                  ctypes.c_size_t)
_wopt_timeout = _fn("pubrio_wait_options_set_timeout", ctypes.c_int, _P, _i64, _ERR)
_wopt_delays = _fn("pubrio_wait_options_set_delays", ctypes.c_int, _P, _i64, _i64, _ERR)
_wopt_first = _fn("pubrio_wait_options_set_first_delay", ctypes.c_int, _P, _i64, _ERR)


def version():
    """The version of the loaded shared library."""
    return _version().decode()


def _text(raw):
    return raw.decode("utf-8", "replace") if raw is not None else None


# pubrio_submit_state, by value.
_SUBMIT_STATES = [None, "not_spent", "uncertain", "accepted"]


class PubrioError(Exception):
    """A failed call. Attributes: status (name), status_code (the C enum),
    http_status, code (the 400 body's code), api_message, details (dict or
    None), request_id, retry_after_ms, attempts; and for a submit,
    submit_state ("not_spent", "uncertain": the API may have charged, or
    "accepted": charged, collect redeem_query_id instead of resubmitting)
    and redeem_query_id."""

    def __init__(self, err):
        self.status_code = err.status
        self.status = _text(_status_str(err.status))
        self.http_status = err.http_status or None
        self.code = err.api_code or None
        self.message = _text(err.message)
        self.api_message = _text(err.api_message)
        details = _text(err.details_json)
        self.details = json.loads(details) if details else None
        self.request_id = _text(err.request_id)
        self.retry_after_ms = err.retry_after_ms if err.retry_after_ms >= 0 else None
        self.attempts = err.attempts
        self.submit_state = (_SUBMIT_STATES[err.submit_state]
                             if 0 <= err.submit_state < len(_SUBMIT_STATES)
                             else None)
        self.redeem_query_id = _text(err.redeem_query_id)
        self.uncollected = []
        # Said once: a message that starts with the status's name has it.
        text = self.message or ""
        if not text.startswith(self.status):
            text = "%s: %s" % (self.status, text) if text else self.status
        super().__init__(text)


class InvalidArgument(PubrioError, ValueError): pass
class NoApiKey(PubrioError): pass
class TransportError(PubrioError, ConnectionError): pass
class Timeout(PubrioError, TimeoutError): pass
class TlsError(PubrioError): pass
class BadRequest(PubrioError): pass
class Unauthorized(PubrioError): pass
class PaymentRequired(PubrioError): pass
class RateLimited(PubrioError): pass
class ServerError(PubrioError): pass
class HttpError(PubrioError): pass
class ProtocolError(PubrioError): pass
class ResponseTooLarge(PubrioError): pass
class WaitTimeout(PubrioError, TimeoutError): pass
class Cancelled(PubrioError): pass


# Indexed by pubrio_status: values are fixed forever in the C header.
class CreditBudget(PubrioError): pass
class JournalError(PubrioError): pass


_BY_STATUS = [None, InvalidArgument, MemoryError, NoApiKey, TransportError,
              Timeout, TlsError, BadRequest, Unauthorized, PaymentRequired,
              RateLimited, ServerError, HttpError, ProtocolError,
              ResponseTooLarge, WaitTimeout, Cancelled, CreditBudget,
              JournalError]
__all__ += [c.__name__ for c in _BY_STATUS if c and c is not MemoryError]


def _check(status, err):
    if status == 0:
        return
    cls = _BY_STATUS[status] if 0 < status < len(_BY_STATUS) else PubrioError
    if cls is MemoryError:
        _error_clear(ctypes.byref(err))
        raise MemoryError("libpubrio: out of memory")
    exc = cls(err)
    _error_clear(ctypes.byref(err))
    raise exc


class _Record:
    """A typed result that also reads as the dict of earlier versions:
    record.field or record["field"], and equal to such a dict."""

    def __getitem__(self, key):
        if key in {f.name for f in dataclasses.fields(self)}:
            return getattr(self, key)
        raise KeyError(key)

    def __eq__(self, other):
        if isinstance(other, dict):
            return dataclasses.asdict(self) == other
        if type(other) is type(self):
            return dataclasses.astuple(self) == dataclasses.astuple(other)
        return NotImplemented

    __hash__ = None


@dataclasses.dataclass(frozen=True, eq=False)
class Contact(_Record):
    """One email or phone of a person."""
    value: Optional[str]
    type: Optional[str]  # "email-work", ...; as sent
    status: Optional[str]  # e.g. "Verified"


@dataclasses.dataclass(frozen=True, eq=False)
class Person(_Record):
    """A redeemed person and their contacts."""
    people_search_id: str
    emails: List[Contact]
    phones: List[Contact]


@dataclasses.dataclass(frozen=True, eq=False)
class Batch(_Record):
    """A batch's state, as the submit and query answers give it."""
    redeem_query_id: str
    is_completed: bool
    estimated_time: Optional[int]
    estimated_time_type: Optional[str]
    estimated_time_ms: Optional[int]


@dataclasses.dataclass(frozen=True, eq=False)
class Credits(_Record):
    """The profile's credits in a query answer (None: not sent)."""
    credit: Optional[int]
    topup_credit: Optional[int]
    total_charged_credit: Optional[int]


@dataclasses.dataclass(frozen=True, eq=False)
class QueryResult(_Record):
    """A query answer: the batch's state, the credits, the people."""
    query: Batch
    credits: Credits
    people: List[Person]


def _job_dict(job) -> Batch:
    return Batch(
        redeem_query_id=_text(job.redeem_query_id),
        is_completed=bool(job.is_completed),
        estimated_time=job.estimated_time if job.estimated_time >= 0 else None,
        estimated_time_type=_text(job.estimated_time_type),
        estimated_time_ms=(job.estimated_time_ms
                           if job.estimated_time_ms >= 0 else None))


def _contacts(person, count, getter) -> List[Contact]:
    out = []
    for i in range(count):
        c = getter(person, i).contents
        out.append(Contact(_text(c.value), _text(c.type_raw), _text(c.status)))
    return out


def _result_dict(res) -> QueryResult:
    r = res.contents
    people = [_person_dict(_result_person(res, i))
              for i in range(r.people_count)]
    credits = Credits(*(getattr(r, name) if getattr(r, "has_" + name) else None
                        for name in ("credit", "topup_credit",
                                     "total_charged_credit")))
    return QueryResult(_job_dict(r.query.contents), credits, people)


class Client:
    """A connection to the API. api_key defaults to $PUBRIO_API_KEY and
    base_url to $PUBRIO_BASE_URL (else https://api.pubrio.com)."""

    def __init__(self, api_key=None, base_url=None, timeout=None,
                 connect_timeout=None, max_attempts=None,
                 requests_per_minute=None, user_agent=None, ca_file=None,
                 ca_path=None, headers=None, log_level=None):
        """log_level: a logging level (e.g. logging.INFO) from which the
        library's log lines go to logging.getLogger("pubrio"); the key is
        masked in them. Timeouts are in seconds."""
        self._err = _Error()
        self._ptr = _P()
        self._log_callback = None
        _check(_client_new(ctypes.byref(self._ptr),
                           api_key.encode() if api_key is not None else None,
                           ctypes.byref(self._err)), self._err)
        if base_url is not None:
            self._call(_set_base_url, base_url.encode())
        if timeout is not None or connect_timeout is not None:
            self._call(_set_timeouts, int((connect_timeout or 10.0) * 1000),
                       int((timeout or 60.0) * 1000))
        if max_attempts is not None:
            self._call(_set_retry, max_attempts, 500, 8000)
        if requests_per_minute is not None:
            self._call(_set_rate, requests_per_minute)
        if user_agent is not None:
            self._call(_set_user_agent, user_agent.encode())
        if ca_file is not None or ca_path is not None:
            self._call(_set_ca, os.fsencode(ca_file) if ca_file else None,
                       os.fsencode(ca_path) if ca_path else None)
        for name, value in (headers or {}).items():
            self.set_header(name, value)
        if log_level is not None:
            self._log_to(log_level)

    def set_header(self, name: str, value: Optional[str]) -> None:
        """Send a header with every request (None removes it)."""
        self._call(_set_header, name.encode(),
                   value.encode() if value is not None else None)

    def _log_to(self, level):
        logger = logging.getLogger("pubrio")
        max_level = max((k for k, v in _LOG_LEVELS.items() if v >= level),
                        default=1)

        def forward(c_level, message, _userdata):
            logger.log(_LOG_LEVELS.get(c_level, logging.INFO),
                       message.decode("utf-8", "replace"))

        self._log_callback = _LOG_FN(forward)  # kept alive with the client
        self._call(_set_log, max_level, self._log_callback, None)

    def _call(self, fn, *args):
        if not self._ptr:
            raise ValueError("the client is closed")
        _check(fn(self._ptr, *args, ctypes.byref(self._err)), self._err)

    def _blocking(self, fn, *args):
        """_call for calls that wait on the network. Python runs signal
        handlers only between bytecodes, so a call blocked in C would hold
        Ctrl-C back until it returns; in the main thread the call runs on a
        helper thread instead, and a KeyboardInterrupt cancels it through
        pubrio_client_cancel() (the transfer and any sleep end at once)."""
        if not self._ptr:
            raise ValueError("the client is closed")
        if threading.current_thread() is not threading.main_thread():
            return self._call(fn, *args)
        outcome = []
        done = threading.Event()

        def work():
            try:
                outcome.append(fn(self._ptr, *args, ctypes.byref(self._err)))
            finally:
                done.set()

        # Waiting on an Event, not Thread.join(): a join cut by Ctrl-C can
        # report the thread finished while it still runs (CPython < 3.13).
        threading.Thread(target=work, name="pubrio-call", daemon=True).start()
        try:
            while not done.wait(0.05):
                pass
        except KeyboardInterrupt:
            _client_cancel(self._ptr)
            while not done.wait(0.05):
                pass
            _client_reset_cancel(self._ptr)
            _error_clear(ctypes.byref(self._err))
            raise
        _check(outcome[0], self._err)

    def close(self):
        if self._ptr:
            _client_free(self._ptr)
            self._ptr = _P()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _request(self, people, types, profile_id):
        req = _P()
        _check(_req_new(ctypes.byref(req), ctypes.byref(self._err)), self._err)
        try:
            ids = [p.encode() if isinstance(p, str) else p
                   for p in _as_list(people, "people")]
            arr = (_c_str * len(ids))(*ids)
            _check(_req_add_people(req, arr, len(ids), ctypes.byref(self._err)),
                   self._err)
            _check(_req_add_types(req, _types_mask(types),
                                  ctypes.byref(self._err)), self._err)
            if profile_id is not None:
                _check(_req_profile(req, profile_id, ctypes.byref(self._err)),
                       self._err)
        except BaseException:
            _req_free(req)
            raise
        return req

    def submit(self, people: Sequence[str], types: Sequence[str],
               profile_id: Optional[int] = None) -> Batch:
        """Submit one batch (spends credits). Returns the batch state."""
        req = self._request(people, types, profile_id)
        job = ctypes.POINTER(_Job)()
        try:
            self._blocking(_submit, req, ctypes.byref(job))
            return _job_dict(job.contents)
        finally:
            _job_free(job)
            _req_free(req)

    def query(self, redeem_query_id: str) -> QueryResult:
        """One query: the state and, when complete, the people."""
        res = ctypes.POINTER(_Result)()
        try:
            self._blocking(_query, redeem_query_id.encode(), ctypes.byref(res))
            return _result_dict(res)
        finally:
            _result_free(res)

    def wait(self, redeem_query_id: str, timeout: float = 600.0,
             min_delay: float = 1.0, max_delay: float = 30.0,
             first_delay: Optional[float] = None) -> QueryResult:
        """Poll until complete; raises WaitTimeout past `timeout` seconds."""
        opts = _P()
        res = ctypes.POINTER(_Result)()
        _check(_wopt_new(ctypes.byref(opts), ctypes.byref(self._err)), self._err)
        try:
            _check(_wopt_timeout(opts, int(timeout * 1000), ctypes.byref(self._err)), self._err)
            _check(_wopt_delays(opts, int(min_delay * 1000), int(max_delay * 1000),
                                ctypes.byref(self._err)), self._err)
            if first_delay is not None:
                _check(_wopt_first(opts, int(first_delay * 1000),
                                   ctypes.byref(self._err)), self._err)
            self._blocking(_wait, redeem_query_id.encode(), opts,
                           ctypes.byref(res))
            return _result_dict(res)
        finally:
            _result_free(res)
            _wopt_free(opts)

    def redeem(self, people: Iterable[str], types: Sequence[str],
               profile_id: Optional[int] = None, timeout: float = 600.0,
               journal: Optional[str] = None,
               resubmit_uncertain: bool = False, batch_size: int = 100,
               parallel: int = 8, requests_per_minute: int = 300,
               max_credits: Optional[int] = None) -> Iterator[Person]:
        """Redeem any number of people: an iterator of their contacts, one
        dict per person (people_search_id, emails, phones), as batches are
        collected. Batches are submitted concurrently within the rate budget,
        journaled in `journal` when given (a rerun resumes: nobody is
        submitted twice), never past `max_credits`. Ctrl-C stops it within a
        fraction of a second (KeyboardInterrupt); so does leaving the loop
        early, which cuts what is in flight: a submit cut so may have been
        charged and is journaled as uncertain, never resent. When the run
        stops on an error, the PubrioError carries `uncollected`: the ids of
        batches paid for and not collected (collect them with wait())."""
        opts, bulk = _P(), _P()
        err = _Error()
        ref = ctypes.byref(err)
        try:
            self._open_run(opts, bulk, people, types, profile_id, timeout,
                           journal, resubmit_uncertain, batch_size, parallel,
                           requests_per_minute, max_credits)
            event = _BulkEvent()
            while True:
                # Short waits: Python handles Ctrl-C between them.
                status = _bulk_next(bulk, 200, ctypes.byref(event), ref)
                if status != 0:
                    exc = _BY_STATUS[status](err) if 0 < status < len(_BY_STATUS) \
                        and _BY_STATUS[status] is not MemoryError else PubrioError(err)
                    exc.uncollected = _uncollected(bulk)
                    _error_clear(ref)
                    raise exc
                if event.kind == _BULK_FINISHED:
                    return
                if event.kind == _BULK_PERSON:
                    yield _person_dict(event.person)
        finally:
            _bulk_free(bulk)  # cuts what is in flight; the journal stays valid
            _bopt_free(opts)

    def plan(self, people: Iterable[str], types: Sequence[str],
             journal: Optional[str] = None, resubmit_uncertain: bool = False,
             batch_size: int = 100,
             requests_per_minute: int = 300) -> Dict[str, int]:
        """A dry run of redeem(): people, duplicates, journaled and
        uncertain people, batches, the fewest requests and the shortest time
        the rate budget allows (min_duration_ms). Nothing is sent."""
        opts, bulk = _P(), _P()
        try:
            self._open_run(opts, bulk, people, types, None, 600.0, journal,
                           resubmit_uncertain, batch_size, 8,
                           requests_per_minute, None)
            stats = _BulkStats()
            _bulk_stats(bulk, ctypes.byref(stats), ctypes.sizeof(stats))
            return {name: getattr(stats, name) for name in (
                "people", "duplicates", "people_journaled", "people_uncertain",
                "people_to_submit", "batches", "planned_requests",
                "min_duration_ms")}
        finally:
            _bulk_free(bulk)
            _bopt_free(opts)

    def _open_run(self, opts, bulk, people, types, profile_id, timeout,
                  journal, resubmit_uncertain, batch_size, parallel,
                  requests_per_minute, max_credits):
        if not self._ptr:
            raise ValueError("the client is closed")
        ids = _as_list(people, "people")
        mask = _types_mask(types)
        err = _Error()
        ref = ctypes.byref(err)
        _check(_bopt_new(ctypes.byref(opts), ref), err)
        _check(_bopt_batch(opts, batch_size, ref), err)
        _check(_bopt_parallel(opts, parallel, ref), err)
        _check(_bopt_rate(opts, requests_per_minute, ref), err)
        if journal is not None:
            _check(_bopt_journal(opts, os.fsencode(journal),
                                 int(bool(resubmit_uncertain)), ref), err)
        if max_credits is not None:
            _check(_bopt_credits(opts, max_credits, ref), err)
        if profile_id is not None:
            _check(_bopt_profile(opts, profile_id, ref), err)
        wopts = _P()
        _check(_wopt_new(ctypes.byref(wopts), ref), err)
        try:
            _check(_wopt_timeout(wopts, int(timeout * 1000), ref), err)
            _check(_bopt_wait(opts, wopts, ref), err)
        finally:
            _wopt_free(wopts)
        _check(_bulk_new(ctypes.byref(bulk), self._ptr, mask, opts, ref), err)
        for at in range(0, len(ids), 1000):
            chunk = [p.encode() if isinstance(p, str) else p
                     for p in ids[at:at + 1000]]
            arr = (_c_str * len(chunk))(*chunk)
            _check(_bulk_add(bulk, arr, len(chunk), ref), err)


def _as_list(value, what):
    """A list of items; one string is refused (it would be iterated)."""
    if isinstance(value, (str, bytes)):
        raise TypeError("%s must be a list of strings, not one string" % what)
    return list(value)


def _types_mask(types):
    mask = 0
    for t in _as_list(types, "types"):
        bit = _type_from_str(t.encode())
        if not bit:
            raise ValueError("unknown contact type %r: use email-personal, "
                             "email-work, phone" % t)
        mask |= bit
    return mask


def _person_dict(pp) -> Person:
    p = pp.contents
    return Person(_text(p.people_search_id),
                  _contacts(pp, p.email_count, _person_email),
                  _contacts(pp, p.phone_count, _person_phone))


def _uncollected(bulk):
    out, i = [], 0
    while True:
        rid = _bulk_uncollected(bulk, i, None)
        if not rid:
            return out
        out.append(rid.decode())
        i += 1

"""The blocking client and its bulk-run iterator."""
import ctypes
import itertools
import logging
import os
import queue
import signal
import sys
import threading
import warnings
from contextlib import contextmanager
from types import TracebackType
from typing import (TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator,
                    List, Mapping, Optional, Tuple, Type, Union)

from . import _args, _lib
from .errors import (ClientBusy, ClientClosed, InvalidArgument, InvalidType,
                     PubrioError, Uncollected, UncertainWarning, check,
                     from_c)
from .results import (Batch, ContactType, LookupAnswer, LookupEntry,
                      LookupPlan, LookupResult, Person, Plan, Profile,
                      QueryResult, Resolved, Usage, batch_from_c,
                      lookup_of_event, lookup_result_from_c, person_from_c,
                      plan_from_stats, profile_from_c, resolved_of_event,
                      result_from_c, usage_from_c)

log = logging.getLogger("pubrio")

PathArg = Union[str, "os.PathLike[str]"]
# A lookup entry: a LookupEntry, or a dict of its fields.
LookupEntryArg = Union[LookupEntry, Mapping[str, Optional[str]]]
if TYPE_CHECKING:  # a client's helper thread's queue: calls, then None
    _Jobs = queue.SimpleQueue[Optional[Callable[[], None]]]



@contextmanager
def _sigint_held() -> Iterator[None]:
    """Ctrl-C held back while a person moves from the C run into Python:
    the run counts it handed out once pubrio_bulk_next() returns it, so a
    KeyboardInterrupt before it is stored would lose a person paid for.
    The Python handler is swapped for one that notes the signal, and the
    note is acted on (the old handler called) once the person is stored.
    Only the main thread runs signal handlers; elsewhere nothing is held."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is None:  # not set from Python
        yield
        return
    caught: List[Any] = []
    previous = signal.signal(signal.SIGINT,
                             lambda signum, frame: caught.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):
            previous(signal.SIGINT, caught[0])  # KeyboardInterrupt, usually
        elif caught and previous == signal.SIG_DFL:
            os.kill(os.getpid(), signal.SIGINT)

class Client:
    """A connection to the API. api_key defaults to $PUBRIO_API_KEY and
    base_url to $PUBRIO_BASE_URL (else https://api.pubrio.com). Timeouts
    are in seconds. log_level: a logging level (e.g. logging.INFO) from
    which the library's log lines go to logging.getLogger("pubrio"); the
    key is masked in them. A Client is not thread-safe: use one per thread.

    >>> with pubrio.Client() as client:
    ...     batch = client.submit([JANE], ["email-work"])
    ...     done = client.wait(batch.redeem_query_id)
    >>> done.people[0].emails[0].value
    'w.540574d1@work.example'
    """

    def __init__(self, api_key: Optional[str] = None,
                 base_url: Optional[str] = None,
                 timeout: Optional[float] = None,
                 connect_timeout: Optional[float] = None,
                 max_attempts: Optional[int] = None,
                 requests_per_minute: Optional[int] = None,
                 user_agent: Optional[str] = None,
                 ca_file: Optional[PathArg] = None,
                 ca_path: Optional[PathArg] = None,
                 headers: Optional[Mapping[str, Optional[str]]] = None,
                 log_level: Optional[int] = None) -> None:
        self._err = _lib.Error()
        self._ptr = _lib.P()
        self._log_callback: Any = None
        self._runs = 0  # bulk runs open on this client: they need it alive
        self._closed = False
        # Calls from the main thread run on this client's helper thread.
        self._jobs: Optional["_Jobs"] = None
        key = _args.optional_text(api_key, "api_key")
        check(_lib.client_new(ctypes.byref(self._ptr), key,
                              ctypes.byref(self._err)), self._err)
        try:
            self._configure(base_url, timeout, connect_timeout, max_attempts,
                            requests_per_minute, user_agent, ca_file, ca_path,
                            headers, log_level)
        except BaseException:
            self.close()
            raise

    def _configure(self, base_url: Optional[str], timeout: Optional[float],
                   connect_timeout: Optional[float],
                   max_attempts: Optional[int],
                   requests_per_minute: Optional[int],
                   user_agent: Optional[str], ca_file: Optional[PathArg],
                   ca_path: Optional[PathArg],
                   headers: Optional[Mapping[str, Optional[str]]],
                   log_level: Optional[int]) -> None:
        if base_url is not None:
            self._call(_lib.set_base_url, _args.text(base_url, "base_url"))
        if timeout is not None or connect_timeout is not None:
            self._call(_lib.set_timeouts,
                       _args.seconds_ms(10.0 if connect_timeout is None
                                        else connect_timeout,
                                        "connect_timeout"),
                       _args.seconds_ms(60.0 if timeout is None else timeout,
                                        "timeout"))
        if max_attempts is not None:
            self._call(_lib.set_retry,
                       _args.integer(max_attempts, "max_attempts"), 500, 8000)
        if requests_per_minute is not None:
            self._call(_lib.set_rate, _args.integer(requests_per_minute,
                                                    "requests_per_minute"))
        if user_agent is not None:
            self._call(_lib.set_user_agent,
                       _args.text(user_agent, "user_agent"))
        if ca_file is not None or ca_path is not None:
            self._call(_lib.set_ca,
                       _args.path(ca_file, "ca_file") if ca_file else None,
                       _args.path(ca_path, "ca_path") if ca_path else None)
        if headers is not None:
            if not isinstance(headers, Mapping):
                raise _args.InvalidType("headers must be a mapping, not %s"
                                        % type(headers).__name__)
            for name, value in headers.items():
                self.set_header(name, value)
        if log_level is not None:
            self._log_to(_args.integer(log_level, "log_level"))

    def set_header(self, name: str, value: Optional[str]) -> None:
        """Send a header with every request (None removes it)."""
        self._call(_lib.set_header, _args.text(name, "header name"),
                   _args.optional_text(value, "header value"))

    def _log_to(self, level: int) -> None:
        max_level = max((k for k, v in _lib.LOG_LEVELS.items() if v >= level),
                        default=1)

        def forward(c_level: int, message: bytes, _userdata: Any) -> None:
            log.log(_lib.LOG_LEVELS.get(c_level, logging.INFO),
                    message.decode("utf-8", "replace"))

        self._log_callback = _lib.LOG_FN(forward)  # alive with the client
        self._call(_lib.set_log, max_level, self._log_callback, None)

    def _handle(self) -> Any:
        """The C client for a new call: refused when closed, or while a
        bulk run is open on it (its transfers share the client)."""
        if self._closed or not self._ptr:
            raise ClientClosed("the client is closed")
        if self._runs:
            raise ClientBusy("a bulk run (redeem()) is open on this client: "
                             "close it first (run.close(), or `with "
                             "client.redeem(...) as run:`), or use another "
                             "client")
        return self._ptr

    def _call(self, fn: Callable[..., Any], *args: Any) -> None:
        check(fn(self._handle(), *args, ctypes.byref(self._err)), self._err)

    def _blocking(self, fn: Callable[..., Any], *args: Any) -> None:
        """_call for calls that wait on the network. Python runs signal
        handlers only between bytecodes, so a call blocked in C would hold
        Ctrl-C back until it returns; in the main thread the call runs on a
        helper thread instead, and a KeyboardInterrupt cancels it through
        pubrio_client_cancel() (the transfer and any sleep end at once)."""
        ptr = self._handle()

        def call() -> int:
            return int(fn(ptr, *args, ctypes.byref(self._err)))

        def cancel() -> None:
            _lib.client_cancel(ptr)

        interrupt = None
        if threading.current_thread() is not threading.main_thread():
            status = call()
        else:
            status, interrupt = self._off_main(call, cancel)
        if interrupt is not None:
            _lib.client_reset_cancel(ptr)
            _lib.error_clear(ctypes.byref(self._err))
            raise interrupt
        if status == _lib.CANCELLED:  # by cancel(): the next call runs
            _lib.client_reset_cancel(ptr)
        check(status, self._err)

    def _off_main(self, work: Callable[[], int],
                  on_interrupt: Callable[[], None]
                  ) -> Tuple[int, Optional[KeyboardInterrupt]]:
        """@work's result, run on this client's helper thread while the
        main thread waits, so Ctrl-C is seen: each KeyboardInterrupt calls
        @on_interrupt and the wait goes on until @work returns. Returns the
        result and the (first) KeyboardInterrupt, if any."""
        outcome: List[int] = []
        failure: List[BaseException] = []
        done = threading.Event()

        def job() -> None:
            try:
                outcome.append(work())
            except BaseException as e:  # raised here, not on the helper
                failure.append(e)
            finally:
                done.set()

        # Waiting on an Event, not Thread.join(): a join cut by Ctrl-C can
        # report the thread finished while it still runs (CPython < 3.13).
        if self._jobs is None:  # one helper thread a client, made once
            self._jobs = queue.SimpleQueue()
            threading.Thread(target=_serve, args=(self._jobs,),
                             name="pubrio-call", daemon=True).start()
        self._jobs.put(job)
        interrupt: Optional[KeyboardInterrupt] = None
        while True:
            try:
                while not done.wait(0.05):
                    pass
                break
            except KeyboardInterrupt as e:
                interrupt = interrupt or e
                on_interrupt()
        if failure:
            raise failure[0]
        return outcome[0], interrupt

    def cancel(self) -> None:
        """Stop what runs on this client, as a first Ctrl-C does: safe from
        another thread or a signal handler. A bulk run stops submitting,
        its polls end at once, the submits in flight finish; its next step
        raises Cancelled and the run is closed (what was paid is handed
        back on run.drained or named). The call in progress raises
        Cancelled (with nothing in progress, the next call does); the call
        after it runs."""
        ptr = self._ptr
        if ptr:
            _lib.client_cancel(ptr)

    def _release(self) -> None:
        """A run no longer needs the C client:
        free it when close() came meanwhile."""
        self._runs -= 1
        if self._closed and self._runs == 0:
            self._free()

    def _free(self) -> None:
        if self._jobs is not None:
            self._jobs.put(None)  # the helper thread ends
            self._jobs = None
        if self._ptr:
            _lib.client_free(self._ptr)
            self._ptr = _lib.P()

    def close(self) -> None:
        """Close the client. A bulk run still open on it keeps the C client
        alive until the run is closed, and its next step raises
        ClientClosed (with the batches it paid for and did not collect)."""
        self._closed = True
        if self._runs == 0:
            self._free()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()

    def __del__(self) -> None:
        # As close(): a run still open (only possible when a cycle holding
        # both is collected) frees the C client after its own end.
        if getattr(self, "_ptr", None):
            self.close()

    def _request(self, people: Iterable[str], types: Iterable[ContactType],
                 profile_id: Optional[int]) -> Any:
        ids = _args.strings(people, "people")
        mask = _args.contact_types(types)
        profile = (None if profile_id is None
                   else _args.int64(profile_id, "profile_id"))
        err = self._err
        req = _lib.P()
        check(_lib.req_new(ctypes.byref(req), ctypes.byref(err)), err)
        try:
            check(_lib.req_add_people(req, _lib.array_of(ids), len(ids),
                                      ctypes.byref(err)), err)
            check(_lib.req_add_types(req, mask, ctypes.byref(err)), err)
            if profile is not None:
                check(_lib.req_profile(req, profile, ctypes.byref(err)), err)
        except BaseException:
            _lib.req_free(req)
            raise
        return req

    def submit(self, people: Iterable[str], types: Iterable[ContactType],
               profile_id: Optional[int] = None) -> Batch:
        """Submit one batch (spends credits). Returns the batch state."""
        self._handle()
        req = self._request(people, types, profile_id)
        job = _lib.JOB_P()
        try:
            self._blocking(_lib.submit, req, ctypes.byref(job))
            return batch_from_c(job.contents)
        finally:
            _lib.job_free(job)
            _lib.req_free(req)

    def query(self, redeem_query_id: str) -> QueryResult:
        """One query: the state and, when complete, the people."""
        rid = _args.text(redeem_query_id, "redeem_query_id")
        res = _lib.RESULT_P()
        try:
            self._blocking(_lib.query, rid, ctypes.byref(res))
            return result_from_c(res)
        finally:
            _lib.result_free(res)

    def profile(self) -> Profile:
        """The account (POST /profile, free): balance, the price of each
        contact type and the plan's quotas; None where the API did not say.

        >>> with pubrio.Client() as client:
        ...     client.profile().phone_price
        1
        """
        out = ctypes.POINTER(_lib.Profile)()
        try:
            self._blocking(_lib.profile_get, -1, ctypes.byref(out))
            return profile_from_c(out.contents)
        finally:
            _lib.profile_free(out)

    def usage(self) -> Usage:
        """Requests used and allowed in the current hour, day and month
        (POST /profile/usage, free); allowed 0 means no quota, None unknown.

        >>> with pubrio.Client() as client:
        ...     client.usage().hourly_allowed
        0
        """
        out = ctypes.POINTER(_lib.Usage)()
        try:
            self._blocking(_lib.usage_get, -1, ctypes.byref(out))
            return usage_from_c(out.contents)
        finally:
            _lib.usage_free(out)

    def redeem_person(self, types: Iterable[ContactType], *,
                      people_search_id: Optional[str] = None,
                      linkedin_url: Optional[str] = None,
                      profile_id: Optional[int] = None) -> QueryResult:
        """Redeem one person, synchronously (POST /redeem/people; spends
        credits, sent once): by `people_search_id` or by `linkedin_url`,
        exactly one of them. The answer reads like a batch's: its people
        (the id the API resolved a URL to; none when it names nobody) and
        the credits charged.

        >>> with pubrio.Client() as client:
        ...     one = client.redeem_person(["phone"], people_search_id=JANE)
        >>> one.people[0].people_search_id == JANE
        True
        """
        pid = _args.optional_text(people_search_id, "people_search_id")
        url = _args.optional_text(linkedin_url, "linkedin_url")
        mask = _args.contact_types(types)
        profile = (-1 if profile_id is None
                   else _args.integer(profile_id, "profile_id", minimum=0,
                                      maximum=2 ** 63 - 1))
        res = _lib.RESULT_P()
        try:
            self._blocking(_lib.redeem_person, pid, url, mask, profile,
                           ctypes.byref(res))
            return result_from_c(res)
        finally:
            _lib.result_free(res)

    def wait(self, redeem_query_id: str, timeout: float = 600.0,
             min_delay: float = 1.0, max_delay: float = 30.0,
             first_delay: Optional[float] = None) -> QueryResult:
        """Poll until complete; raises WaitTimeout past `timeout` seconds."""
        rid = _args.text(redeem_query_id, "redeem_query_id")
        opts = _wait_options(timeout, min_delay, max_delay, first_delay)
        res = _lib.RESULT_P()
        try:
            self._blocking(_lib.wait, rid, opts, ctypes.byref(res))
            return result_from_c(res)
        finally:
            _lib.result_free(res)
            _lib.wopt_free(opts)

    def redeem_and_wait(self, people: Iterable[str],
                        types: Iterable[ContactType],
                        profile_id: Optional[int] = None,
                        timeout: float = 600.0, min_delay: float = 1.0,
                        max_delay: float = 30.0) -> QueryResult:
        """Submit one batch (spends credits, once) and wait for it: the
        first poll comes when the submit's estimate says the batch is
        ready (never later than `max_delay`), then every `min_delay`
        seconds growing to `max_delay`; WaitTimeout past `timeout`. When
        the wait fails after the submit, the error's submit_state is
        "accepted" and its redeem_query_id the batch: collect it with
        client.wait(error.redeem_query_id), never submit it again.

        >>> with pubrio.Client() as client:
        ...     done = client.redeem_and_wait([JANE], ["phone"])
        >>> done.people[0].people_search_id == JANE
        True
        """
        self._handle()
        req = self._request(people, types, profile_id)
        try:
            opts = _wait_options(timeout, min_delay, max_delay, None)
        except BaseException:
            _lib.req_free(req)
            raise
        res = _lib.RESULT_P()
        try:
            self._blocking(_lib.submit_and_wait, req, opts, ctypes.byref(res))
            return result_from_c(res)
        finally:
            _lib.result_free(res)
            _lib.wopt_free(opts)
            _lib.req_free(req)

    def redeem(self, people: Iterable[str], types: Iterable[ContactType],
               profile_id: Optional[int] = None, timeout: float = 600.0,
               journal: Optional[PathArg] = None,
               resubmit_uncertain: bool = False, batch_size: int = 100,
               parallel: int = 0, requests_per_minute: int = 300,
               max_credits: Optional[int] = None, min_delay: float = 1.0,
               max_delay: float = 30.0,
               linkedin_urls: Optional[Iterable[str]] = None,
               lookups: Optional[Iterable[LookupEntryArg]] = None,
               similar: bool = False,
               lookup_batch_size: Optional[int] = None,
               close_timeout: Optional[float] = None
               ) -> "Redemption":
        """Redeem any number of people: an iterator of their contacts (one
        Person each) as batches are collected. Batches are submitted
        concurrently within the rate budget (`parallel` requests in
        flight; 0, the default, follows the measured latency and the rate
        budget, up to 64), journaled in `journal` when
        given (a rerun resumes: nobody is submitted twice), never past
        `max_credits`. A batch is polled first after the time its submit
        announced, then every `min_delay` seconds growing to `max_delay`;
        `timeout` bounds the run. Ctrl-C stops it within a fraction of a
        second.

        `linkedin_urls` names people by LinkedIn profile URL too: each is
        normalized and de-duplicated (a URL that is not a LinkedIn profile
        raises InvalidArgument before anything is sent), then redeemed
        alone (POST /redeem/people, spends credits, sent once) before any
        batch. Its person comes out with `linkedin_url` set; an id of
        `people` naming the same person is handed out too, bought once. A
        URL naming nobody is listed in `run.not_found`.

        `lookups` names people by what a CRM list holds: the entries
        lookup() takes (LookupEntry values or dicts: an email, a phone, or
        a first and last name with a domain or a company). They are looked
        up first (SPENDS CREDITS: 1 per billable match; one request at a
        time under the run's rate, timeout and max_credits, each sent
        once; `lookup_batch_size` entries a request, 100 by default), then
        each person found is bought for `types`, once, even when two
        entries or an id of `people` name them. A name with only a domain
        or a company is looked up only with `similar=True`. Each entry's
        person comes out with `lookup_entry` (its index in `lookups`),
        `lookup` (the entry) and `lookup_confidence` set; an entry naming
        nobody, or not looked up (`outcome` "not_looked_up", `reason`
        says why), is in `run.lookups_not_found`, one whose lookup or
        purchase failed in `run.lookups_failed` (LookupAnswer values,
        `status` and `reason` saying why). With a `journal`, a rerun asks
        no lookup again.

        However the run is left (break, an exception, close(), Ctrl-C,
        client.cancel(), a failure of the run, the iterator dropped) it is
        closed once: the submits in flight finish, polls end at once. The
        people it collected and did not hand out are `run.drained` (and
        returned by run.close()); the batches paid for and not collected
        are `run.uncollected` (collect each with client.wait(id)), the
        people maybe charged `run.uncertain`, both also on the exception;
        the lookup entries resolved (paid) to people it did not hand out
        `run.resolved` (Resolved values: the entry and the person's
        people_search_id, to buy by id);
        one WARNING names them. `close_timeout` (seconds; None, the
        default: each request's own timeout) bounds how long leaving the
        run, however it is left, waits for the submits in flight: past it
        they are cut and their people named in `run.uncertain` (maybe
        charged, never resent); 0 cuts them at once. The answers that
        already came are kept. A negative or NaN value raises
        InvalidArgument, one that is not a number InvalidType, before
        anything is sent. People an earlier run left uncertain
        (journaled, maybe charged, never answered) are
        `run.people_uncertain`, with an UncertainWarning. While the run is
        open the client takes no other call (ClientBusy).

        >>> with pubrio.Client() as client:
        ...     with client.redeem(PEOPLE, ["phone"]) as run:
        ...         found = [person.people_search_id for person in run]
        >>> sorted(found) == sorted(PEOPLE), run.uncollected
        (True, [])
        """
        self._handle()
        run = Redemption(self, people, types, profile_id, timeout, journal,
                         resubmit_uncertain, batch_size, parallel,
                         requests_per_minute, max_credits,
                         (min_delay, max_delay), linkedin_urls,
                         lookups=(lookups, similar, lookup_batch_size),
                         close_timeout=close_timeout)
        run.warn_uncertain(stacklevel=2)
        return run

    def plan(self, people: Iterable[str], types: Iterable[ContactType],
             journal: Optional[PathArg] = None,
             resubmit_uncertain: bool = False, batch_size: int = 100,
             requests_per_minute: int = 300,
             linkedin_urls: Optional[Iterable[str]] = None,
             lookups: Optional[Iterable[LookupEntryArg]] = None,
             similar: bool = False,
             lookup_batch_size: Optional[int] = None
             ) -> Plan:
        """A dry run of redeem(): people, duplicates, journaled and
        uncertain people, batches, the fewest requests and the shortest time
        the rate budget allows (min_duration_ms), and the LinkedIn URLs
        (linkedin_urls: distinct ones; linkedin_urls_to_redeem: those not
        known from the journal). `lookups`, `similar` and
        `lookup_batch_size` as redeem() takes them: the plan counts the
        entries (`lookups`), those still to send (`lookups_to_send`: 1
        credit each at worst, and a person each to buy; their requests in
        `planned_requests`) and, with a journal, those it already answered
        (`lookups_found`, `lookups_not_found`, `lookups_uncertain`).
        Nothing is sent.

        >>> with pubrio.Client() as client:
        ...     client.plan(PEOPLE + PEOPLE[:1], ["phone"]).duplicates
        1
        """
        self._handle()
        run = Redemption(self, people, types, None, 600.0, journal,
                         resubmit_uncertain, batch_size, 8,
                         requests_per_minute, None, (1.0, 30.0),
                         linkedin_urls, dry_run=True,
                         lookups=(lookups, similar, lookup_batch_size))
        try:
            return plan_from_stats(run.stats())
        finally:
            run._free()  # never driven: nothing to drain or to name

    def lookup(self, entries: Iterable[LookupEntryArg], similar: bool = False,
               profile_id: Optional[int] = None,
               batch_size: Optional[int] = None) -> LookupResult:
        """Resolve people to their people_search_id (POST /redeem/people/
        contact/lookup/batch; SPENDS CREDITS: 1 per billable match,
        duplicates and misses free; each request sent once). `entries`:
        LookupEntry values (or dicts of their fields): an email, a phone,
        or a first and last name with a domain or a company. A name with
        only a domain or a company is looked up only with `similar=True`
        (a similarity match can name the wrong person); otherwise its
        answer is "not_looked_up". The answers come one per entry, in
        entry order, each mapped back by the identifier that matched, never
        by position. `batch_size`: the most entries a request holds (100;
        a 400 naming the size halves it). A bad entry raises
        InvalidArgument naming it before anything is sent. A failure once
        requests were sent raises with `lookup` on the exception: the
        answers already received (paid for) and, in `lookup.uncertain`,
        the entries maybe charged without an answer (never resent).

        >>> with pubrio.Client() as client:
        ...     result = client.lookup([{"email": "ann@acme.io"},
        ...                             {"phone": "+1 555 010 0009"}])
        >>> [(a.outcome, a.confidence) for a in result.answers]
        [('found', 'exact'), ('not_found', None)]
        """
        self._handle()
        req, listed = _lookup_request(entries, similar, profile_id,
                                      batch_size)
        return self._send_lookup(_lib.lookup_batch, req, listed)

    def lookup_one(self, entry: LookupEntryArg, similar: bool = False,
                   profile_id: Optional[int] = None) -> LookupAnswer:
        """Resolve one person (POST /redeem/people/contact/lookup; SPENDS
        CREDITS: 1 for a billable match; sent once): lookup() for a single
        entry, its answer.

        >>> with pubrio.Client() as client:
        ...     client.lookup_one({"email": "ann@acme.io"}).people_name
        'Ann Lee'
        """
        self._handle()
        if isinstance(entry, (list, tuple)):
            raise _args.InvalidType("lookup_one takes one entry, not a %s: "
                                    "use lookup()" % type(entry).__name__)
        req, listed = _lookup_request([entry], similar, profile_id, None)
        return self._send_lookup(_lib.lookup_person, req, listed).answers[0]

    def plan_lookup(self, entries: Iterable[LookupEntryArg],
                    similar: bool = False,
                    batch_size: Optional[int] = None) -> LookupPlan:
        """What lookup() would do, sending nothing (no key needed): the
        entries it would look up (the worst case in credits), the entries
        it would refuse (similarity off) and the requests it would send.

        >>> with pubrio.Client() as client:
        ...     client.plan_lookup([{"email": "ann@acme.io"},
        ...                         {"first_name": "Jane", "last_name": "Doe",
        ...                          "domain": "example.com"}])
        LookupPlan(lookups=1, worst_case_credits=1, refused=1, requests=1)
        """
        req, _listed = _lookup_request(entries, similar, None, batch_size)
        err = _lib.Error()
        counts = [_lib.size_t() for _ in range(3)]
        try:
            check(_lib.lookup_plan(req, *(ctypes.byref(c) for c in counts),
                                   ctypes.byref(err)), err)
        finally:
            _lib.lookup_req_free(req)
        lookups, refused, requests = (int(c.value) for c in counts)
        return LookupPlan(lookups, lookups, refused, requests)

    def _send_lookup(self, fn: Callable[..., Any], req: Any,
                     listed: List[LookupEntry]) -> LookupResult:
        """@fn (the single or the batch lookup) on @req; the answers, also
        put on the exception when the call fails after sending."""
        res = _lib.P()
        try:
            try:
                self._blocking(fn, req, ctypes.byref(res))
            except BaseException as exc:
                if res:  # the C call says what became of every entry
                    _attach_lookup(exc, lookup_result_from_c(res, listed))
                raise
            return lookup_result_from_c(res, listed)
        finally:
            _lib.lookup_result_free(res)
            _lib.lookup_req_free(req)


def _serve(jobs: "_Jobs") -> None:
    """A client's helper thread: runs its calls until told to end. It holds
    the queue only, never the client, so a dropped client is freed."""
    while True:
        job = jobs.get()
        if job is None:
            return
        job()
        job = None  # the finished call holds its client: let it go


def _wait_options(timeout: float, min_delay: float, max_delay: float,
                  first_delay: Optional[float]) -> Any:
    """A pubrio_wait_options for these seconds; the caller frees it."""
    values = (_args.seconds_ms(timeout, "timeout"),
              _args.seconds_ms(min_delay, "min_delay"),
              _args.seconds_ms(max_delay, "max_delay"),
              None if first_delay is None
              else _args.seconds_ms(first_delay, "first_delay"))
    err = _lib.Error()
    ref = ctypes.byref(err)
    opts = _lib.P()
    check(_lib.wopt_new(ctypes.byref(opts), ref), err)
    try:
        check(_lib.wopt_timeout(opts, values[0], ref), err)
        check(_lib.wopt_delays(opts, values[1], values[2], ref), err)
        if values[3] is not None:
            check(_lib.wopt_first(opts, values[3], ref), err)
    except BaseException:
        _lib.wopt_free(opts)
        raise
    return opts


class Redemption(Iterator[Person]):
    """A bulk run: iterate it for the people, as they are collected.

    However the run is left (the loop ends, `break`, an exception in the
    loop body, close(), leaving a `with` block, the client closed, Ctrl-C,
    cancel(), the iterator dropped) it is closed once, by the library's
    one drain: nothing new starts, the submits in flight finish (their
    answers kept; past redeem()'s `close_timeout` they are cut, their
    people uncertain), polls in flight end at once. Then everything paid is
    either handed out or on the run:

    - `drained`: the people collected and not handed out (also returned
      by close());
    - `uncollected`: the batches paid for and not collected
      (Uncollected(redeem_query_id, people_count) tuples; collect each
      with client.wait(redeem_query_id));
    - `uncertain`: the people (people_search_id, or LinkedIn URL) this run
      submitted without a conclusive answer: maybe charged, not sent again;
    - `resolved`: the lookup entries (redeem(lookups=...)) resolved, the
      lookup paid, to people the run did not hand out (Resolved: `index`,
      `entry`, `people_search_id`, `confidence`, in entry order): buy them
      by id, never look them up again;

    and one WARNING on logging.getLogger("pubrio") names what is left.
    `uncollected` and `uncertain` are live while the run is open, final
    once it is closed. Also: `people_uncertain`, the people an earlier run
    left uncertain (not sent again, not handed out); `not_found`, the
    LinkedIn URLs (normalized) that name nobody, as the run finds them;
    `lookups`, the lookup entries given (LookupEntry values, in order);
    `lookups_not_found` and `lookups_failed`, the answers (LookupAnswer,
    `index` and `entry` naming the entry) of entries that named nobody or
    were not looked up, and of those whose lookup or purchase failed, as
    the run finds them; `finished`, True once everything was collected.
    """

    def __init__(self, client: Client, people: Iterable[str],
                 types: Iterable[ContactType], profile_id: Optional[int],
                 timeout: float, journal: Optional[PathArg],
                 resubmit_uncertain: bool, batch_size: int, parallel: int,
                 requests_per_minute: int, max_credits: Optional[int],
                 delays: Tuple[float, float],
                 linkedin_urls: Optional[Iterable[str]] = None,
                 dry_run: bool = False,
                 lookups: Tuple[Optional[Iterable[LookupEntryArg]], Any,
                                Optional[int]] = (None, False, None),
                 close_timeout: Optional[float] = None
                 ) -> None:
        self._bulk: Any = None
        # pubrio_bulk_close's timeout, for every way the run is left;
        # -1: each request's own timeout.
        self._close_timeout_ms = (
            -1 if close_timeout is None
            else _args.seconds_ms(close_timeout, "close_timeout"))
        self._client: Optional[Client] = None
        self._journal = journal
        self.finished = False
        self._uncollected: List[Uncollected] = []
        self.not_found: List[str] = []
        self.lookups: List[LookupEntry] = []
        self.lookups_not_found: List[LookupAnswer] = []
        self.lookups_failed: List[LookupAnswer] = []
        self.drained: List[Person] = []
        # Lookup entries resolved (paid) to people not handed out: filled
        # from pubrio_bulk_drained() when the run is left.
        self.resolved: List[Resolved] = []
        # Fetched from the run by a wrapper (the asyncio one buffers) and
        # not handed out: kept first on `drained` when the run ends.
        self._held: List[Person] = []
        # Taken from the run by the for loop and not yet handed to its body:
        # kept on `drained` too when the run ends first (Ctrl-C).
        self._fetched: List[Person] = []
        self._uncertain: List[str] = []
        self._ending = False
        self._final_stats: Optional[Dict[str, int]] = None
        self._err = _lib.Error()
        self._event = _lib.BulkEvent()
        ids = _args.strings(people, "people")
        urls = ([] if linkedin_urls is None
                else _args.strings(linkedin_urls, "linkedin_urls"))
        mask = _args.contact_types(types)
        numbers = (_args.integer(batch_size, "batch_size"),
                   _args.integer(parallel, "parallel"),
                   _args.integer(requests_per_minute, "requests_per_minute"))
        credits = (None if max_credits is None
                   else _args.int64(max_credits, "max_credits"))
        profile = (None if profile_id is None
                   else _args.int64(profile_id, "profile_id"))
        path = None if journal is None else _args.path(journal, "journal")
        if not isinstance(resubmit_uncertain, bool):
            raise _args.InvalidType("resubmit_uncertain must be a bool")
        wopts = _wait_options(timeout, delays[0], delays[1], None)
        err, ref = self._err, ctypes.byref(self._err)
        opts = _lib.P()
        lookup_req = None
        try:
            if lookups[0] is not None:  # checked whole before the run
                lookup_req, self.lookups = _lookup_request(
                    lookups[0], lookups[1], None, lookups[2])
            check(_lib.bopt_new(ctypes.byref(opts), ref), err)
            check(_lib.bopt_batch(opts, numbers[0], ref), err)
            check(_lib.bopt_parallel(opts, numbers[1], ref), err)
            check(_lib.bopt_rate(opts, numbers[2], ref), err)
            check(_lib.bopt_wait(opts, wopts, ref), err)
            if path is not None:
                check(_lib.bopt_journal(opts, path, int(resubmit_uncertain),
                                        ref), err)
            if credits is not None:
                check(_lib.bopt_credits(opts, credits, ref), err)
            if profile is not None:
                check(_lib.bopt_profile(opts, profile, ref), err)
            bulk = _lib.P()
            # A dry run only reads the journal: never creates, locks or
            # writes it (as the CLI's --dry-run).
            start = _lib.bulk_plan if dry_run else _lib.bulk_new
            check(start(ctypes.byref(bulk), client._handle(), mask, opts,
                        ref), err)
            # Held from here: the C run needs the C client alive.
            self._bulk, self._client = bulk, client
            client._runs += 1
            for at in range(0, len(ids), 1000):
                chunk = ids[at:at + 1000]
                check(_lib.bulk_add(bulk, _lib.array_of(chunk), len(chunk),
                                    ref), err)
            if urls:  # all or nothing: one call names a bad one's index
                check(_lib.bulk_add_urls(bulk, _lib.array_of(urls),
                                         len(urls), ref), err)
            if self.lookups:  # copied by the run
                check(_lib.bulk_add_lookups(bulk, lookup_req, ref), err)
        except BaseException:
            self._free()
            raise
        finally:
            _lib.bopt_free(opts)
            _lib.wopt_free(wopts)
            if lookup_req is not None:
                _lib.lookup_req_free(lookup_req)
        self.people_uncertain: int = self.stats()["people_uncertain"]

    def warn_uncertain(self, stacklevel: int) -> None:
        if self.people_uncertain:
            warnings.warn(UncertainWarning(
                "%d people were left uncertain by an earlier run (their "
                "submit may have been charged and got no answer): they are "
                "not sent again and not handed out; resubmit_uncertain=True "
                "sends them again, at the risk of paying twice"
                % self.people_uncertain), stacklevel=stacklevel + 1)

    def stats(self) -> Dict[str, int]:
        """The run's counts (pubrio_bulk_stats); once the run has ended,
        its last counts."""
        if self._bulk is None:
            if self._final_stats is not None:
                return dict(self._final_stats)
            raise ClientClosed("the run is closed")
        stats = _lib.BulkStats()
        _lib.bulk_stats(self._bulk, ctypes.byref(stats), ctypes.sizeof(stats))
        return {name: int(getattr(stats, name))
                for name, _type in _lib.BulkStats._fields_}

    @property
    def uncollected(self) -> List[Uncollected]:
        """The batches paid for and not collected."""
        if self._bulk is None:
            return list(self._uncollected)
        return _uncollected_of(self._bulk)

    @property
    def uncertain(self) -> List[str]:
        """The people this run submitted without a conclusive answer
        (people_search_id, or the LinkedIn URL of a single redeem): maybe
        charged, never sent again unless asked (resubmit_uncertain=True on
        a rerun with the journal)."""
        if self._bulk is None:
            return list(self._uncertain)
        return _uncertain_of(self._bulk)

    def __iter__(self) -> Iterator[Person]:
        """The run as a loop: leaving it however (break, return, an
        exception in its body) ends the run as close() does, so the client
        takes calls again even while the iterator is still referenced."""
        return self._loop()

    def _loop(self) -> Iterator[Person]:
        # A person stays in _fetched until the loop's body has it: a Ctrl-C
        # before the yield leaves it there for `drained`, never lost.
        try:
            while True:
                if not self._fetched:
                    try:
                        self._fill()
                    except StopIteration:
                        return
                    except BaseException as exc:
                        self._end(exc)
                        raise
                try:
                    yield self._fetched[0]
                except GeneratorExit:  # left after the body had it
                    self._fetched.pop(0)
                    raise
                self._fetched.pop(0)
        finally:  # the loop ended or was left (the generator closed)
            self._end(None)

    def _fill(self) -> None:
        if self._bulk is None:
            raise StopIteration
        self.next_people(200, 1, until_one=True, into=self._fetched)

    def __next__(self) -> Person:
        if self._bulk is None:
            raise StopIteration
        try:
            return self.step(200)
        except StopIteration:
            raise
        except BaseException as exc:  # a failure, Ctrl-C, the client closed
            self._end(exc)
            raise

    def step(self, timeout_ms: int) -> Person:
        """The next person; StopIteration at the end. Waits for events in
        slices of @timeout_ms so Python sees Ctrl-C between them."""
        return self.next_people(timeout_ms, 1, until_one=True)[0]

    def next_people(self, timeout_ms: int, most: int, until_one: bool,
                    into: Optional[List[Person]] = None) -> List[Person]:
        """Up to @most people: waits @timeout_ms for events (again and
        again when @until_one, until there is a person). StopIteration at
        the end of the run (after the people before it were returned).
        Any failure is raised, the run left open for the caller to end.
        People go into @into (a new list when None) as they leave the C
        run, Ctrl-C held back meanwhile (_sigint_held)."""
        out: List[Person] = [] if into is None else into
        wait_ms = timeout_ms
        while len(out) < most:
            client = self._client
            if client is None or client._closed:
                raise ClientClosed(
                    "the client was closed while this run was open")
            with _sigint_held():
                status = _lib.bulk_next(self._bulk, wait_ms,
                                        ctypes.byref(self._event),
                                        ctypes.sizeof(self._event),
                                        ctypes.byref(self._err))
                if status == 0:
                    self._take(self._event, out)
            if status != 0:
                exc = from_c(status, self._err)
                _lib.error_clear(ctypes.byref(self._err))
                raise exc
            kind = self._event.kind
            if kind == _lib.BULK_FINISHED:
                self.finished = True
                if out:
                    return out
                self._end(None)
                raise StopIteration
            if kind == _lib.BULK_PERSON:  # in @out already
                wait_ms = 0  # take what is ready, then hand it out
            elif kind == 0:  # the wait ran out
                if out or not until_one:
                    return out
        return out

    def _take(self, event: _lib.BulkEvent, people: List[Person]) -> None:
        """Keep what @event hands out: a person into @people, a LinkedIn
        URL naming nobody on `not_found`, a lookup entry's miss or failure
        on `lookups_not_found` or `lookups_failed`, a lookup entry resolved
        and not handed out (drained only) on `resolved`."""
        resolved = resolved_of_event(event, self.lookups)
        if resolved is not None:
            self.resolved.append(resolved)
            return
        lookup = lookup_of_event(event, self.lookups)
        if event.kind == _lib.BULK_PERSON:
            people.append(person_from_c(event.person, event.linkedin_url,
                                        lookup))
        elif lookup is not None and lookup.outcome == "failed":
            self.lookups_failed.append(lookup)
        elif lookup is not None:
            self.lookups_not_found.append(lookup)
        elif event.kind == _lib.BULK_NOT_FOUND:
            self.not_found.append(_lib.text(event.linkedin_url) or "")

    def _close_c(self) -> Tuple[int, Optional[KeyboardInterrupt]]:
        """pubrio_bulk_close(): the run stops, the submits in flight finish
        (within close_timeout: past it they are cut, their people
        uncertain), polls in flight end at once. From the main thread it runs on the
        client's helper thread, so Ctrl-C is seen: a Ctrl-C meanwhile (a
        second one) cuts what is in flight (a cut submit is uncertain, and
        named) and is returned."""
        client, bulk = self._client, self._bulk
        assert client is not None
        ptr, err = client._ptr, _lib.Error()

        def close() -> int:
            return int(_lib.bulk_close(bulk, self._close_timeout_ms,
                                       ctypes.byref(err)))

        interrupt = None
        # At exit the helper thread no longer runs: the close runs here.
        if threading.current_thread() is threading.main_thread() and \
                not sys.is_finalizing():
            def cut() -> None:
                for _ in range(2):  # the second cancel cuts the submits
                    _lib.client_cancel(ptr)
            status, interrupt = client._off_main(close, cut)
        else:
            status = close()
        _lib.error_clear(ctypes.byref(err))
        # A cancel() or a Ctrl-C stopped this run: the client runs the
        # next call (none runs on it now, the run holding it).
        _lib.client_reset_cancel(ptr)
        return status, interrupt

    def _end(self, exc: Optional[BaseException]
             ) -> Optional[KeyboardInterrupt]:
        """End the run, once: close it (the one drain), keep what it
        collected and did not hand out, name what was paid and not
        delivered (on the run, on @exc, in one WARNING), then free it,
        letting the client go. Returns a Ctrl-C that came during the
        close."""
        if self._bulk is None or self._ending:
            if exc is not None:  # ended as the loop was left, before __exit__
                _attach(exc, self._uncollected, self._uncertain)
            return None
        # Once: a finalizer run meanwhile (the garbage collector) must not
        # close it again.
        self._ending = True
        try:
            return self._close_and_name(exc)
        finally:
            self._free()

    def _close_and_name(self, exc: Optional[BaseException]
                        ) -> Optional[KeyboardInterrupt]:
        bulk = self._bulk
        status, interrupt = self._close_c()
        held, self._held = self._held + self._fetched, []
        self._fetched = []
        self.drained.extend(held)
        for i in itertools.count():
            ev = _lib.bulk_drained(bulk, i)
            if not ev:
                break
            self._take(ev.contents, self.drained)
        self._uncollected = _uncollected_of(bulk)
        self._uncertain = _uncertain_of(bulk)
        self._final_stats = self.stats()
        self.finished = self.finished or status == 0  # all collected
        if exc is not None:
            _attach(exc, self._uncollected, self._uncertain)
        sentence = _leftover_of(bulk)
        if held:
            sentence += "%s%d people fetched and not handed out, kept for " \
                "the caller" % ("; " if sentence else "", len(held))
        _warn_leftover(sentence, self._uncollected, self._uncertain,
                       bool(self.drained), bool(self.resolved), self._journal)
        return interrupt

    def _free(self) -> None:
        bulk, client = self._bulk, self._client
        self._bulk = self._client = None
        if bulk is not None:
            _lib.bulk_free(bulk)  # after the close: nothing is in flight
        if client is not None:
            client._release()

    def close(self) -> List[Person]:
        """End the run (the submits in flight finish, or are cut past
        redeem()'s `close_timeout`; polls end at once)
        and return the people it collected and did not hand out (also
        `drained`); what was paid and not delivered is named on the run
        (`uncollected`, `uncertain`) and in one WARNING. Safe to call
        again. A Ctrl-C during the close cuts what is in flight and is
        raised once the run is closed."""
        interrupt = self._end(None)
        if interrupt is not None:
            raise interrupt
        return list(self.drained)

    def __enter__(self) -> "Redemption":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self._end(exc)

    def __del__(self) -> None:
        try:
            self._end(None)
        except Exception:  # at interpreter exit the modules may be gone
            pass


def _lookup_entries(entries: Any) -> List[LookupEntry]:
    """@entries as LookupEntry values; anything else is InvalidType, an
    unknown field InvalidArgument, each naming the entry."""
    if isinstance(entries, (str, bytes, LookupEntry, Mapping)):
        raise InvalidType("entries must be a list of LookupEntry or "
                                "dicts, not one %s" % type(entries).__name__)
    try:
        items = list(entries)
    except TypeError:
        raise InvalidType("entries must be a list of LookupEntry or "
                                "dicts, not %s"
                                % type(entries).__name__) from None
    out = []
    for i, item in enumerate(items):
        if isinstance(item, LookupEntry):
            out.append(item)
            continue
        if not isinstance(item, Mapping):
            raise InvalidType("lookup entry %d must be a LookupEntry "
                                    "or a dict, not %s"
                                    % (i, type(item).__name__))
        unknown = [k for k in item if k not in _lib.LOOKUP_FIELDS]
        if unknown:
            raise InvalidArgument(
                "lookup entry %d: unknown field %r (use %s)"
                % (i, unknown[0], ", ".join(_lib.LOOKUP_FIELDS)))
        out.append(LookupEntry(**item))
    return out


def _lookup_request(entries: Any, similar: Any, profile_id: Optional[int],
                    batch_size: Optional[int]
                    ) -> Tuple[Any, List[LookupEntry]]:
    """A pubrio_lookup_request of @entries (the caller frees it) and the
    entries as LookupEntry values, in order."""
    listed = _lookup_entries(entries)
    if not isinstance(similar, bool):
        raise InvalidType("similar must be a bool, not %s"
                                % type(similar).__name__)
    profile = (None if profile_id is None
               else _args.integer(profile_id, "profile_id", minimum=0,
                                  maximum=2 ** 63 - 1))
    size = (None if batch_size is None
            else _args.integer(batch_size, "batch_size", minimum=1,
                               maximum=10000))
    err = _lib.Error()
    ref = ctypes.byref(err)
    req = _lib.P()
    check(_lib.lookup_req_new(ctypes.byref(req), ref), err)
    try:
        for i, entry in enumerate(listed):
            check(_lib.lookup_add_entry(req, None, ref), err)
            for name, field in _lib.LOOKUP_FIELDS.items():
                value = _args.optional_text(getattr(entry, name),
                                            "lookup entry %d: %s" % (i, name))
                if value is not None:
                    check(_lib.lookup_set(req, i, field, value, ref), err)
        check(_lib.lookup_similarity(req, int(similar), ref), err)
        if profile is not None:
            check(_lib.lookup_profile(req, profile, ref), err)
        if size is not None:
            check(_lib.lookup_batch_size(req, size, ref), err)
    except BaseException:
        _lib.lookup_req_free(req)
        raise
    return req, listed


def _attach_lookup(exc: BaseException, result: LookupResult) -> None:
    """Put a failed lookup's answers on @exc (`lookup`) and, when some were
    paid for or may have been, a note shown with its traceback."""
    try:
        setattr(exc, "lookup", result)
    except AttributeError:
        return
    found, uncertain = result.found, result.uncertain
    if (found or uncertain) and hasattr(exc, "add_note"):
        parts = []
        if found:
            parts.append("%d entries answered (kept on error.lookup)"
                         % len(found))
        if uncertain:
            parts.append("%d entries maybe charged without an answer, not "
                         "sent again: entries %s" % (
                             len(uncertain),
                             ", ".join(str(a.index) for a in uncertain)))
        exc.add_note("pubrio: " + "; ".join(parts))


def _uncollected_of(bulk: Any) -> List[Uncollected]:
    out: List[Uncollected] = []
    count = _lib.size_t()
    while True:
        rid = _lib.bulk_uncollected(bulk, len(out), ctypes.byref(count))
        if not rid:
            return out
        out.append(Uncollected(rid.decode("utf-8", "replace"),
                               int(count.value)))


def _uncertain_of(bulk: Any) -> List[str]:
    out: List[str] = []
    while True:
        who = _lib.bulk_uncertain(bulk, len(out))
        if not who:
            return out
        out.append(who.decode("utf-8", "replace"))


def _leftover_of(bulk: Any) -> str:
    """The library's one sentence naming what is paid and not delivered
    ("" when nothing is)."""
    size = int(_lib.bulk_leftover(bulk, None, 0))
    if not size:
        return ""
    buf = ctypes.create_string_buffer(size + 1)
    _lib.bulk_leftover(bulk, buf, size + 1)
    return buf.value.decode("utf-8", "replace")


def _attach(exc: BaseException, uncollected: List[Uncollected],
            uncertain: List[str]) -> None:
    """Put what the run left on @exc: its `uncollected` and `uncertain`
    attributes and, when there is any, a note shown with its traceback."""
    try:
        setattr(exc, "uncollected", list(uncollected))
        setattr(exc, "uncertain", list(uncertain))
    except AttributeError:
        return
    if (uncollected or uncertain) and hasattr(exc, "add_note"):
        parts = []
        if uncollected:
            parts.append("%d batches paid for and not collected: %s" % (
                len(uncollected),
                ", ".join(u.redeem_query_id for u in uncollected)))
        if uncertain:
            parts.append("%d people submitted without a conclusive answer "
                         "(maybe charged)" % len(uncertain))
        exc.add_note("pubrio: " + "; ".join(parts))


def _warn_leftover(sentence: str, uncollected: List[Uncollected],
                   uncertain: List[str], drained: bool, resolved: bool,
                   journal: Optional[PathArg]) -> None:
    """One WARNING naming what the run left paid and not delivered: the
    library's sentence, then what to do in Python."""
    if not sentence:
        return
    todo = []
    if uncollected:
        todo.append("collect each batch of run.uncollected with "
                    "client.wait(redeem_query_id)%s" % (
                        " or rerun with journal=%r" % os.fspath(journal)
                        if journal is not None else ""))
    if uncertain:
        todo.append("run.uncertain names the people maybe charged")
    if drained:
        todo.append("the people kept are run.drained (returned by "
                    "run.close())")
    if resolved:
        todo.append("run.resolved names the lookup entries resolved (paid) "
                    "and their people_search_ids: buy those people by id, "
                    "never look the entries up again")
    log.warning("the run left paid and not delivered: %s%s", sentence,
                "; " + "; ".join(todo) if todo else "")

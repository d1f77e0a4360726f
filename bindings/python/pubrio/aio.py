"""The asyncio client: the blocking client's calls run on one worker thread
per client, so the event loop never waits on the network; cancelling an
awaiting task cancels the C call (pubrio_client_cancel) so it ends at once.
"""
import asyncio
import collections
import concurrent.futures
import functools
from types import TracebackType
from typing import (Any, Callable, Deque, Dict, Iterable, List, Mapping,
                    Optional, Tuple, Type, TypeVar)

from . import _args, _lib
from .client import Client, LookupEntryArg, PathArg, Redemption
from .errors import ClientClosed, Uncollected
from .results import (Batch, ContactType, LookupAnswer, LookupEntry,
                      LookupPlan, LookupResult, Person, Plan, Profile,
                      QueryResult, Resolved, Usage)

T = TypeVar("T")

# How long one trip to the worker drives a bulk run: short, so a cancel or
# a close is seen soon; the loop is free meanwhile.
_SLICE_MS = 100
_PEOPLE_PER_TRIP = 256


class AsyncClient:
    """A Client for asyncio. The arguments are Client's. Calls on one
    AsyncClient run one at a time, in order (open several clients to run
    calls side by side; redeem() runs many batches at once on its own).

    >>> import asyncio
    >>> async def main() -> None:
    ...     async with pubrio.AsyncClient() as client:
    ...         batch = await client.submit([JANE], ["email-work"])
    ...         done = await client.wait(batch.redeem_query_id)
    ...         print(done.people[0].emails[0].value)
    >>> asyncio.run(main())
    w.540574d1@work.example
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
        # Creating a client sends nothing: done here, so bad arguments
        # raise at once.
        self._client = Client(api_key, base_url, timeout, connect_timeout,
                              max_attempts, requests_per_minute, user_agent,
                              ca_file, ca_path, headers, log_level)
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="pubrio")
        self._lock: Optional[asyncio.Lock] = None
        self._shut = False  # the worker is gone

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]],
                        exc: Optional[BaseException],
                        tb: Optional[TracebackType]) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the client (after the call in progress, if any)."""
        if self._client._closed:
            return
        try:
            await self._run(self._client.close)
        finally:
            self._shut = True
            self._executor.shutdown(wait=False)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) on the worker thread. A cancel of the awaiting task
        cancels the C call, waits for the worker to come back (promptly:
        transfers and sleeps end on a cancel) and re-raises."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._client._closed:
                raise ClientClosed("the client is closed")
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(self._executor,
                                          functools.partial(fn, *args))
            try:
                return await asyncio.shield(future)
            except asyncio.CancelledError as cancel:
                ptr = self._client._ptr
                _lib.client_cancel(ptr)
                try:
                    await asyncio.wait([future])
                    if not future.cancelled():
                        # Retrieved: the cancel wins, keeping what a cut
                        # lookup was answered (and paid) on it.
                        cut = future.exception()
                        if getattr(cut, "lookup", None) is not None:
                            setattr(cancel, "lookup", getattr(cut, "lookup"))
                finally:
                    # Nothing runs on the client now (one worker, and the
                    # lock is held): the next call may run again.
                    _lib.client_reset_cancel(ptr)
                raise

    async def submit(self, people: Iterable[str], types: Iterable[ContactType],
                     profile_id: Optional[int] = None) -> Batch:
        """Client.submit, off the loop."""
        return await self._run(self._client.submit, _listed(people),
                               _listed(types), profile_id)

    async def query(self, redeem_query_id: str) -> QueryResult:
        """Client.query, off the loop."""
        return await self._run(self._client.query, redeem_query_id)

    async def redeem_person(self, types: Iterable[ContactType], *,
                            people_search_id: Optional[str] = None,
                            linkedin_url: Optional[str] = None,
                            profile_id: Optional[int] = None) -> QueryResult:
        """Client.redeem_person, off the loop."""
        return await self._run(functools.partial(
            self._client.redeem_person, _listed(types),
            people_search_id=people_search_id, linkedin_url=linkedin_url,
            profile_id=profile_id))

    async def wait(self, redeem_query_id: str, timeout: float = 600.0,
                   min_delay: float = 1.0, max_delay: float = 30.0,
                   first_delay: Optional[float] = None) -> QueryResult:
        """Client.wait, off the loop; cancelling the task ends it at once."""
        return await self._run(self._client.wait, redeem_query_id, timeout,
                               min_delay, max_delay, first_delay)

    async def redeem_and_wait(self, people: Iterable[str],
                              types: Iterable[ContactType],
                              profile_id: Optional[int] = None,
                              timeout: float = 600.0, min_delay: float = 1.0,
                              max_delay: float = 30.0) -> QueryResult:
        """Client.redeem_and_wait, off the loop (submits once, polls first
        at the batch's estimate); cancelling the task ends the wait at once
        (the error names the batch, to collect with wait())."""
        return await self._run(self._client.redeem_and_wait, _listed(people),
                               _listed(types), profile_id, timeout,
                               min_delay, max_delay)

    async def profile(self) -> Profile:
        """Client.profile, off the loop (POST /profile, free)."""
        return await self._run(self._client.profile)

    async def usage(self) -> Usage:
        """Client.usage, off the loop (POST /profile/usage, free)."""
        return await self._run(self._client.usage)

    async def plan(self, people: Iterable[str], types: Iterable[ContactType],
                   **options: Any) -> Plan:
        """Client.plan, off the loop."""
        return await self._run(functools.partial(
            self._client.plan, _listed(people), _listed(types), **options))

    async def lookup(self, entries: Iterable[LookupEntryArg],
                     similar: bool = False, profile_id: Optional[int] = None,
                     batch_size: Optional[int] = None) -> LookupResult:
        """Client.lookup, off the loop (spends credits; each request sent
        once). Cancelling the task ends the call at once; the
        CancelledError's `lookup` then holds the answers received (paid
        for) and, in `lookup.uncertain`, the entries whose request was cut
        in flight (maybe charged, not sent again)."""
        return await self._run(self._client.lookup, _listed(entries),
                               similar, profile_id, batch_size)

    async def lookup_one(self, entry: LookupEntryArg, similar: bool = False,
                         profile_id: Optional[int] = None) -> LookupAnswer:
        """Client.lookup_one, off the loop."""
        return await self._run(self._client.lookup_one, entry, similar,
                               profile_id)

    async def plan_lookup(self, entries: Iterable[LookupEntryArg],
                          similar: bool = False,
                          batch_size: Optional[int] = None) -> LookupPlan:
        """Client.plan_lookup (sends nothing)."""
        return await self._run(self._client.plan_lookup, _listed(entries),
                               similar, batch_size)

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
               ) -> "AsyncRedemption":
        """Client.redeem as an async iterator: `async for person in
        client.redeem(...)`. The run opens at the first step (bad input
        raises there) and is driven on the worker thread in short slices.
        Cancelling the task stops the run at once; the batches paid for and
        not collected are on the iterator's and the exception's
        `uncollected`, and logged. `close_timeout` (seconds) bounds how
        long leaving the run, however it is left, waits for the submits in
        flight, as in Client.redeem; a bad value raises at once."""
        options = dict(profile_id=profile_id, timeout=timeout,
                       journal=journal,
                       resubmit_uncertain=resubmit_uncertain,
                       batch_size=batch_size, parallel=parallel,
                       requests_per_minute=requests_per_minute,
                       max_credits=max_credits, min_delay=min_delay,
                       max_delay=max_delay,
                       linkedin_urls=(None if linkedin_urls is None
                                      else _listed(linkedin_urls)),
                       lookups=None if lookups is None else _listed(lookups),
                       similar=similar, lookup_batch_size=lookup_batch_size,
                       close_timeout=close_timeout)
        if close_timeout is not None:  # refused here, not at the first step
            _args.seconds_ms(close_timeout, "close_timeout")
        return AsyncRedemption(self, _listed(people), _listed(types),
                               options)


def _listed(items: Any) -> Any:
    """A copy made on the loop (an iterator is not read on the worker);
    anything but an iterable of items (one string, a number) is kept as it
    is, for the client to refuse with InvalidType."""
    if isinstance(items, (str, bytes)):
        return items
    try:
        return list(items)
    except TypeError:
        return items


class AsyncRedemption:
    """An async iterator over a bulk run (see AsyncClient.redeem): the
    attributes of Redemption (`drained`, `uncollected`, `uncertain`,
    `people_uncertain`, `not_found`, `lookups`, `lookups_not_found`,
    `lookups_failed`, `resolved`, `finished`), aclose(), and `async
    with`. However the run is left (the loop ends, `break`, an exception,
    a cancelled task, aclose(), the iterator dropped) it is closed once,
    as Redemption's is."""

    def __init__(self, owner: AsyncClient, people: Any, types: Any,
                 options: Dict[str, Any]) -> None:
        self._owner = owner
        self._args: Optional[Tuple[Any, Any, Dict[str, Any]]] = (
            people, types, options)
        self._run: Optional[Redemption] = None
        self._ready: Deque[Person] = collections.deque()
        self._ended = False
        self.people_uncertain = 0

    @property
    def drained(self) -> List[Person]:
        """The people collected (paid) and not handed out when the run was
        left: those fetched for the loop and not reached, then those the
        run's close kept."""
        return list(self._run.drained) if self._run is not None else []

    def _keep_ready(self) -> None:
        """No more handing out: the people fetched for the loop and not
        reached go to the run, which keeps them first on `drained` (and
        names them) when it ends."""
        if self._run is not None:
            self._run._held.extend(self._ready)
        self._ready.clear()
        self._ended = True

    @property
    def uncollected(self) -> List[Uncollected]:
        """The batches paid for and not collected."""
        return self._run.uncollected if self._run is not None else []

    @property
    def uncertain(self) -> List[str]:
        """The people this run submitted without a conclusive answer."""
        return self._run.uncertain if self._run is not None else []

    @property
    def not_found(self) -> List[str]:
        """The LinkedIn URLs that name nobody, as the run finds them."""
        return list(self._run.not_found) if self._run is not None else []

    @property
    def lookups(self) -> List[LookupEntry]:
        """The lookup entries given, in order (once the run is open)."""
        return list(self._run.lookups) if self._run is not None else []

    @property
    def lookups_not_found(self) -> List[LookupAnswer]:
        """The lookup entries that named nobody or were not looked up."""
        return (list(self._run.lookups_not_found)
                if self._run is not None else [])

    @property
    def lookups_failed(self) -> List[LookupAnswer]:
        """The lookup entries whose lookup or purchase failed."""
        return (list(self._run.lookups_failed)
                if self._run is not None else [])

    @property
    def resolved(self) -> List[Resolved]:
        """The lookup entries resolved (paid) to people the run did not
        hand out, once the run is left (Redemption.resolved)."""
        return list(self._run.resolved) if self._run is not None else []

    @property
    def finished(self) -> bool:
        return self._run is not None and self._run.finished

    def __aiter__(self) -> "_AsyncLoop":
        """What `async for` iterates: leaving the loop (break, return, an
        exception in its body) drops it, which ends the run on the
        client's worker ahead of any later call (no ClientBusy)."""
        return _AsyncLoop(self)

    def _abandon(self) -> None:
        """The run's end, queued on the worker now (from a finalizer: no
        awaiting): whatever the client runs next runs after it."""
        self._keep_ready()
        run = self._run
        if run is None or run._bulk is None:
            return
        if not self._owner._shut:
            try:
                self._owner._executor.submit(run._end, None)
                return
            except RuntimeError:  # shut down meanwhile: nothing runs on it
                pass
        run._end(None)

    async def __aenter__(self) -> "AsyncRedemption":
        await self._open()
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]],
                        exc: Optional[BaseException],
                        tb: Optional[TracebackType]) -> None:
        await self._end(exc)

    async def aclose(self) -> List[Person]:
        """End the run as Redemption.close() does (the submits in flight
        finish, polls end at once) and return the people collected and not
        handed out (also `drained`); what is left is named on the run and
        in one WARNING."""
        await self._end(None)
        return self.drained

    async def _open(self) -> None:
        if self._run is not None or self._args is None:
            return
        people, types, options = self._args
        self._args = None
        client = self._owner._client
        self._run = await self._owner._run(
            functools.partial(client.redeem, people, types, **options))
        self.people_uncertain = self._run.people_uncertain

    async def __anext__(self) -> Person:
        try:
            await self._open()
            while not self._ready:
                if self._ended or self._run is None:
                    raise StopAsyncIteration
                # The trip leaves the people on the run (_fetched), where a
                # cancel during the await finds them for `drained`; taken
                # here with no await between, so a cancel cannot split it.
                ended = await self._owner._run(self._trip)
                self._ready.extend(self._run._fetched)
                self._run._fetched.clear()
                self._ended = ended
            return self._ready.popleft()
        except StopAsyncIteration:
            await self._end(None)
            raise
        except BaseException as exc:  # a failure, a cancel, a close
            await self._end(exc)
            raise

    def _trip(self) -> bool:
        """On the worker: the people ready within a slice, onto the run's
        _fetched, and whether the run ended (StopIteration cannot cross a
        Future)."""
        assert self._run is not None
        if self._run._bulk is None:  # ended as a loop over it was left
            return True
        try:
            self._run.next_people(_SLICE_MS, _PEOPLE_PER_TRIP,
                                  until_one=False, into=self._run._fetched)
            return False
        except StopIteration:
            return True

    async def _end(self, exc: Optional[BaseException]) -> None:
        self._keep_ready()
        run = self._run
        if run is None:
            self._args = None
            return
        # Freeing the run touches the C client: on the worker, in turn.
        # Shielded: it must happen even while this task is being cancelled.
        if self._owner._shut:  # no worker left, and nothing runs on it
            run._end(exc)
            return
        loop = asyncio.get_running_loop()
        await asyncio.shield(loop.run_in_executor(self._owner._executor,
                                                  run._end, exc))


class _AsyncLoop:
    """One `async for` over an AsyncRedemption (see its __aiter__)."""

    def __init__(self, run: AsyncRedemption) -> None:
        self._run = run

    def __aiter__(self) -> "_AsyncLoop":
        return self

    async def __anext__(self) -> Person:
        return await self._run.__anext__()

    def __del__(self) -> None:
        self._run._abandon()

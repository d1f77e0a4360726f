"""Leaving a run, every way a Python program does (issue 26 items 5-6):
the loop finished, `break`, an exception in the loop body, close(), the
client closed mid-run, the iterator garbage collected, Ctrl-C, cancel()
from another thread, and the asyncio twins. Each goes through the
library's one drain (pubrio_bulk_close) and afterwards, over real HTTP to
the fake server:

    paid (the people the server processed a submit for)
      == handed out + drained (kept by the close) + named
         (the people of the uncollected batches + the uncertain ones)

with the four sets disjoint, nobody submitted twice, and the named batches
really holding their people (collected here afterwards, by query only).

Runs of 20 batches with 4 requests in flight, every answer 100 ms late and
a batch complete at its third poll: when the run is left, submits and polls
are in flight and accepted batches wait for their polls."""
import asyncio
import gc
import os
import re
import signal
import threading
import unittest
from typing import Awaitable, Callable, Iterable, List, Optional

from _support import FakeServer, people, pubrio

SERVER = ("--estimated-time", "0", "--complete-after-polls", "3",
          "--latency-ms", "100")
RUN = {"batch_size": 10, "parallel": 4, "min_delay": 0.02,
       "max_delay": 0.05}
IDS = people(200, "4000")


def ids_of(persons: Iterable[pubrio.Person]) -> List[str]:
    return [p.people_search_id for p in persons]


class Leaving:
    """Shared by the blocking and the asyncio cases."""

    server: FakeServer

    def collect(self, batches: List[pubrio.Uncollected]) -> List[str]:
        """The people of the named batches, collected now by query (a
        client of its own: the run's may be closed)."""
        out: List[str] = []
        with pubrio.Client("test-key", base_url=self.server.url) as client:
            for batch in batches:
                done = client.wait(batch.redeem_query_id, timeout=30,
                                   min_delay=0.01, max_delay=0.05)
                self.assertEqual(len(done.people), batch.people_count)
                out += ids_of(done.people)
        return out

    def assert_accounted(self, handed: List[str], drained: List[str],
                         uncollected: List[pubrio.Uncollected],
                         uncertain: List[str], warnings: List[str]) -> None:
        stats = self.server.stats()
        paid = stats["people_submitted"]
        named = self.collect(uncollected)
        parts = [handed, drained, named, uncertain]
        everyone = [pid for part in parts for pid in part]
        self.assertEqual(len(everyone), len(set(everyone)),
                         "a person is in two of handed, drained, named")
        self.assertTrue(set(everyone) <= set(IDS))
        self.assertEqual(paid, len(everyone),
                         "paid %d != handed %d + drained %d + named %d + "
                         "uncertain %d" % (paid, *map(len, parts)))
        # Nothing paid was sent again: not by the close, not by collecting.
        after = self.server.stats()
        self.assertEqual(after["people_submitted"], paid)
        self.assertEqual(after["max_submits_per_person"], 1)
        # The run was left with something in flight or waiting: this case
        # tests the drain, not a run that was over.
        self.assertGreater(paid, len(handed))
        # One warning names what is left, saying what to call in Python.
        self.assertEqual(len(warnings), 1, warnings)
        self.assertNotRegex(warnings[0], r"pubrio_\w+\(")
        if uncollected:
            self.assertIn("%d batch" % len(uncollected), warnings[0])
            self.assertIn("client.wait(redeem_query_id)", warnings[0])
        if drained:
            kept = re.findall(r"(\d+) (?:person|people) (?:collected while "
                              r"the run closed|fetched and not handed out)",
                              warnings[0])
            self.assertEqual(sum(map(int, kept)), len(drained), warnings[0])
            self.assertIn("run.drained", warnings[0])

    def assert_run_accounted(self, handed: List[str], run: object,
                             warnings: List[str]) -> None:
        self.assert_accounted(handed, ids_of(getattr(run, "drained")),
                              getattr(run, "uncollected"),
                              getattr(run, "uncertain"), warnings)


class LeavingTest(Leaving, unittest.TestCase):
    def setUp(self) -> None:
        self.server = FakeServer(*SERVER)
        self.addCleanup(self.server.stop)
        self.client = pubrio.Client("test-key", base_url=self.server.url)
        self.addCleanup(self.client.close)

    def redeem(self) -> pubrio.Redemption:
        return self.client.redeem(IDS, ["phone"], **RUN)  # type: ignore

    def test_break(self) -> None:
        run = self.redeem()
        handed: List[str] = []
        with self.assertLogs("pubrio", "WARNING") as logs:
            for person in run:
                handed.append(person.people_search_id)
                if len(handed) == 3:
                    break
        self.assertFalse(run.finished)
        self.assertGreater(len(run.drained), 0)  # the rest of a batch
        self.assert_run_accounted(handed, run, logs.output)
        # The run is still referenced: the client is free all the same,
        # and a close after the break hands back the same people.
        self.client.usage()
        self.assertEqual(run.close(), run.drained)

    def test_an_exception_in_the_loop_body(self) -> None:
        handed: List[str] = []
        with self.assertLogs("pubrio", "WARNING") as logs, \
                self.assertRaises(ZeroDivisionError) as ctx:
            with self.redeem() as run:
                for person in run:
                    handed.append(person.people_search_id)
                    if len(handed) == 5:
                        1 / 0
        self.assertEqual(ctx.exception.uncollected,  # type: ignore
                         run.uncollected)
        self.assertEqual(ctx.exception.uncertain,  # type: ignore
                         run.uncertain)
        self.assert_run_accounted(handed, run, logs.output)

    def test_an_exception_in_the_loop_body_without_with(self) -> None:
        run = self.redeem()
        handed: List[str] = []
        with self.assertLogs("pubrio", "WARNING") as logs, \
                self.assertRaises(ZeroDivisionError):
            for person in run:
                handed.append(person.people_search_id)
                1 / 0
        self.assert_run_accounted(handed, run, logs.output)
        self.client.usage()  # not ClientBusy

    def test_close_hands_back_the_drained(self) -> None:
        run = self.redeem()
        handed = [next(run).people_search_id for _ in range(2)]
        with self.assertLogs("pubrio", "WARNING") as logs:
            drained = run.close()
        self.assertEqual(drained, run.drained)
        self.assertGreater(len(drained), 0)
        uncollected = run.uncollected
        self.assertEqual(run.stats()["batches_uncollected"],
                         len(uncollected))
        self.assertEqual(run.stats()["people_kept"], len(drained))
        self.assert_run_accounted(handed, run, logs.output)
        # Closed: the same again, nothing more to hand out or to warn of.
        with self.assertNoLogs("pubrio", "WARNING"):
            self.assertEqual(run.close(), drained)
        self.assertEqual(run.uncollected, uncollected)
        self.assertEqual(list(run), [])

    def test_the_client_closed_mid_run(self) -> None:
        run = self.redeem()
        handed = [next(run).people_search_id]
        self.client.close()
        with self.assertLogs("pubrio", "WARNING") as logs, \
                self.assertRaises(pubrio.ClientClosed) as ctx:
            next(run)
        self.assertEqual(ctx.exception.uncollected, run.uncollected)
        self.assert_run_accounted(handed, run, logs.output)

    def test_garbage_collection(self) -> None:
        run: Optional[pubrio.Redemption] = self.redeem()
        assert run is not None
        handed = [next(run).people_search_id]
        with self.assertLogs("pubrio", "WARNING") as logs:
            del run
            gc.collect()
        # Nobody holds the run: the warning is all that names what it
        # left, so its figures must add up.
        line = logs.output[0]
        figures = {"batches": r"(\d+) batch(?:es)? paid and not collected "
                              r"\((\d+) people\)",
                   "kept": r"(\d+) (?:person|people) collected while the "
                           r"run closed",
                   "uncertain": r"(\d+) (?:person|people) submitted without"}
        found = {name: re.search(pattern, line)
                 for name, pattern in figures.items()}
        self.assertIsNotNone(found["batches"], line)
        named = sum(int(m.group(m.lastindex or 1)) for m in found.values()
                    if m is not None)
        self.assertEqual(len(logs.output), 1, logs.output)
        self.assertEqual(self.server.stats()["people_submitted"],
                         len(handed) + named)
        self.client.usage()  # the client is free again

    def test_ctrl_c(self) -> None:
        run = self.redeem()
        handed: List[str] = []
        # Ctrl-C soon after the first person, the run far from its end.
        timer = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT))
        # `with`: the exception carries what is left even when Ctrl-C
        # lands in the loop body rather than in the iterator.
        with self.assertLogs("pubrio", "WARNING") as logs, \
                self.assertRaises(KeyboardInterrupt) as ctx, run:
            for person in run:
                handed.append(person.people_search_id)
                if len(handed) == 1:
                    timer.start()
        timer.join()
        # Ctrl-C can land in the body between `person` bound and noted:
        # the body had it (the library's side is held back, _sigint_held).
        if person.people_search_id not in handed:
            handed.append(person.people_search_id)
        self.assertEqual(ctx.exception.uncollected,  # type: ignore
                         run.uncollected)
        self.assert_run_accounted(handed, run, logs.output)
        self.client.usage()

    def test_cancel_from_another_thread(self) -> None:
        run = self.redeem()
        handed: List[str] = []
        timer = threading.Timer(0.05, self.client.cancel)
        with self.assertLogs("pubrio", "WARNING") as logs, \
                self.assertRaises(pubrio.Cancelled) as ctx:
            for person in run:
                handed.append(person.people_search_id)
                if len(handed) == 1:
                    timer.start()
        timer.join()
        self.assertEqual(ctx.exception.uncollected, run.uncollected)
        self.assert_run_accounted(handed, run, logs.output)
        self.client.usage()  # the cancel is over: the client runs calls

    def test_the_loop_finished_leaves_nothing(self) -> None:
        with self.assertNoLogs("pubrio", "WARNING"):
            run = self.redeem()
            handed = ids_of(run)
        self.assertEqual(sorted(handed), sorted(IDS))
        self.assertTrue(run.finished)
        self.assertEqual((run.drained, run.uncollected, run.uncertain),
                         ([], [], []))
        self.assertEqual(self.server.stats()["people_submitted"], len(IDS))


class AsyncLeavingTest(Leaving, unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.server = FakeServer(*SERVER)
        self.addCleanup(self.server.stop)

    def client(self) -> pubrio.AsyncClient:
        return pubrio.AsyncClient("test-key", base_url=self.server.url)

    async def test_break(self) -> None:
        handed: List[str] = []
        async with self.client() as client:
            run = client.redeem(IDS, ["phone"], **RUN)  # type: ignore
            with self.assertLogs("pubrio", "WARNING") as logs:
                async for person in run:
                    handed.append(person.people_search_id)
                    break
                await client.usage()  # runs after the run's close
        self.assert_run_accounted(handed, run, logs.output)

    async def test_a_cancelled_task(self) -> None:
        handed: List[str] = []
        async with self.client() as client:
            run = client.redeem(IDS, ["phone"], **RUN)  # type: ignore

            first = asyncio.Event()

            async def consume() -> None:
                async for person in run:
                    handed.append(person.people_search_id)
                    first.set()

            task = asyncio.create_task(consume())
            await asyncio.wait_for(first.wait(), 30)  # the run is open
            with self.assertLogs("pubrio", "WARNING") as logs, \
                    self.assertRaises(asyncio.CancelledError):
                task.cancel()
                await task
            drained = await run.aclose()
        self.assertEqual(drained, run.drained)
        self.assert_run_accounted(handed, run, logs.output)


# close_timeout=0: leaving the run, however, cuts the submits in flight at
# once (every answer is 100 ms late) instead of waiting for them, their
# people named uncertain. A cut submit may or may not have been processed,
# so what the server was paid for lies between what was handed out, kept
# and named uncollected and that plus the uncertain. Whether a submit is in
# flight at the moment of leaving is up to timing: each way is tried until
# one close cut something (10 tries at most), the balance checked each time.
# 200 batches under no rate limit: when the first person comes out, the
# run still submits (4 requests in flight).
CUT_TRIES = 10
CUT_IDS = people(2000, "5000")
CUT_RUN = dict(RUN, requests_per_minute=100000)


class CloseTimeout(Leaving):
    def assert_cut_balance(self, handed: List[str], kept: int,
                           uncollected: int, uncertain: int) -> None:
        stats = self.server.stats()
        paid, sure = stats["people_submitted"], len(handed) + kept + uncollected
        self.assertTrue(sure <= paid <= sure + uncertain,
                        "paid %d, handed %d + kept %d + uncollected %d, "
                        "uncertain %d" % (paid, len(handed), kept,
                                          uncollected, uncertain))
        self.assertLessEqual(stats["max_submits_per_person"], 1,
                             "a person was submitted twice")

    def assert_run_cut(self, handed: List[str], run: object) -> int:
        """The balance of a run still referenced; its uncertain count."""
        uncertain = getattr(run, "uncertain")
        everyone = (handed + ids_of(getattr(run, "drained")) + uncertain)
        self.assertEqual(len(everyone), len(set(everyone)))
        self.assert_cut_balance(
            handed, len(getattr(run, "drained")),
            sum(b.people_count for b in getattr(run, "uncollected")),
            len(uncertain))
        return len(uncertain)


class CloseTimeoutTest(CloseTimeout, unittest.TestCase):
    def until_cut(self, leave: Callable[[pubrio.Client], int]) -> None:
        """@leave, on a fresh server and client, until its close cut a
        submit (it returns the number of people named uncertain)."""
        for _ in range(CUT_TRIES):
            self.server = FakeServer(*SERVER)
            try:
                with pubrio.Client("test-key",
                                   base_url=self.server.url) as client:
                    if leave(client):
                        return
            finally:
                self.server.stop()
        self.fail("no close within 0 cut a submit in flight")

    def redeem(self, client: pubrio.Client) -> pubrio.Redemption:
        return client.redeem(CUT_IDS, ["phone"], close_timeout=0,
                             **CUT_RUN)  # type: ignore

    def test_close(self) -> None:
        def leave(client: pubrio.Client) -> int:
            run = self.redeem(client)
            handed = [next(run).people_search_id]
            with self.assertLogs("pubrio", "WARNING"):
                run.close()
            return self.assert_run_cut(handed, run)
        self.until_cut(leave)

    def test_break(self) -> None:
        def leave(client: pubrio.Client) -> int:
            run = self.redeem(client)
            handed: List[str] = []
            with self.assertLogs("pubrio", "WARNING"):
                for person in run:
                    handed.append(person.people_search_id)
                    break
            return self.assert_run_cut(handed, run)
        self.until_cut(leave)

    def test_an_exception_in_the_loop_body(self) -> None:
        def leave(client: pubrio.Client) -> int:
            handed: List[str] = []
            with self.assertLogs("pubrio", "WARNING"), \
                    self.assertRaises(ZeroDivisionError) as ctx:
                with self.redeem(client) as run:
                    for person in run:
                        handed.append(person.people_search_id)
                        1 / 0
            self.assertEqual(ctx.exception.uncertain,  # type: ignore
                             run.uncertain)
            return self.assert_run_cut(handed, run)
        self.until_cut(leave)

    def test_ctrl_c(self) -> None:
        def leave(client: pubrio.Client) -> int:
            run = self.redeem(client)
            handed: List[str] = []
            timer = threading.Timer(0.01, os.kill,
                                    (os.getpid(), signal.SIGINT))
            with self.assertLogs("pubrio", "WARNING"), \
                    self.assertRaises(KeyboardInterrupt), run:
                for person in run:
                    handed.append(person.people_search_id)
                    if len(handed) == 1:
                        timer.start()
            timer.join()
            if person.people_search_id not in handed:  # as in test_ctrl_c
                handed.append(person.people_search_id)
            return self.assert_run_cut(handed, run)
        self.until_cut(leave)

    def test_garbage_collection(self) -> None:
        def leave(client: pubrio.Client) -> int:
            run: Optional[pubrio.Redemption] = self.redeem(client)
            assert run is not None
            handed = [next(run).people_search_id]
            with self.assertLogs("pubrio", "WARNING") as logs:
                del run
                gc.collect()
            line = logs.output[0]

            def count(pattern: str) -> int:
                found = re.search(pattern, line)
                return int(found.group(1)) if found else 0
            uncertain = count(r"(\d+) (?:person|people) submitted without")
            self.assert_cut_balance(
                handed, count(r"(\d+) (?:person|people) collected while "
                              r"the run closed"),
                count(r"paid and not collected \((\d+) people\)"),
                uncertain)
            client.usage()  # the client is free again
            return uncertain
        self.until_cut(leave)

    def test_a_bad_value_is_refused_before_anything_is_sent(self) -> None:
        self.server = FakeServer(*SERVER)
        self.addCleanup(self.server.stop)
        with pubrio.Client("test-key", base_url=self.server.url) as client:
            for bad, error in ((-1, pubrio.InvalidArgument),
                               (-0.5, pubrio.InvalidArgument),
                               (float("nan"), pubrio.InvalidArgument),
                               (float("inf"), pubrio.InvalidArgument),
                               ("1", pubrio.InvalidType),
                               (True, pubrio.InvalidType)):
                with self.subTest(close_timeout=bad), \
                        self.assertRaisesRegex(error, "close_timeout"):
                    client.redeem(IDS, ["phone"], close_timeout=bad)
            client.usage()  # no run was left open (no ClientBusy)
        self.assertEqual(self.server.requests(), 1)  # the usage() only


class AsyncCloseTimeoutTest(CloseTimeout, unittest.IsolatedAsyncioTestCase):
    async def until_cut(
            self, leave: Callable[[pubrio.AsyncClient], Awaitable[int]]
    ) -> None:
        for _ in range(CUT_TRIES):
            self.server = FakeServer(*SERVER)
            try:
                async with pubrio.AsyncClient(
                        "test-key", base_url=self.server.url) as client:
                    if await leave(client):
                        return
            finally:
                self.server.stop()
        self.fail("no close within 0 cut a submit in flight")

    async def test_break(self) -> None:
        async def leave(client: pubrio.AsyncClient) -> int:
            run = client.redeem(CUT_IDS, ["phone"], close_timeout=0.0,
                                **CUT_RUN)  # type: ignore
            handed: List[str] = []
            with self.assertLogs("pubrio", "WARNING"):
                async for person in run:
                    handed.append(person.people_search_id)
                    break
                await client.usage()  # runs after the run's close
            return self.assert_run_cut(handed, run)
        await self.until_cut(leave)

    async def test_aclose(self) -> None:
        async def leave(client: pubrio.AsyncClient) -> int:
            run = client.redeem(CUT_IDS, ["phone"], close_timeout=0,
                                **CUT_RUN)  # type: ignore
            handed = [(await run.__anext__()).people_search_id]
            with self.assertLogs("pubrio", "WARNING"):
                await run.aclose()
            return self.assert_run_cut(handed, run)
        await self.until_cut(leave)

    async def test_a_bad_value_is_refused_at_once(self) -> None:
        self.server = FakeServer(*SERVER)
        self.addCleanup(self.server.stop)
        async with pubrio.AsyncClient("test-key",
                                      base_url=self.server.url) as client:
            with self.assertRaises(pubrio.InvalidArgument):
                client.redeem(IDS, ["phone"], close_timeout=-1)
            with self.assertRaises(pubrio.InvalidType):
                client.redeem(IDS, ["phone"],
                              close_timeout="0")  # type: ignore
        self.assertEqual(self.server.requests(), 0)


if __name__ == "__main__":
    unittest.main()

"""Bulk runs (client.redeem()) from Python: the iterator keeps its client
alive (issue 17 item 12), every early exit names the batches paid for and
not collected (item 10), and people left uncertain are never silent
(item 16)."""
import gc
import logging
import os
import signal
import tempfile
import threading
import unittest
import warnings

from _support import QUERY, SUBMIT, FakeServer, people, pubrio

# Batches complete on their third poll: a run left after its first person
# holds accepted batches that are not collected yet.
SLOW_POLLS = ("--estimated-time", "0", "--complete-after-polls", "3")
FAST = {"min_delay": 0.02, "max_delay": 0.05}  # polls, for runs let finish


def paid_people(server: FakeServer, client: pubrio.Client,
                batch: pubrio.Uncollected) -> list:
    """The people of an uncollected batch, collected now."""
    done = client.wait(batch.redeem_query_id, timeout=10, min_delay=0.01,
                       max_delay=0.05)
    return [p.people_search_id for p in done.people]


class LifetimeTest(unittest.TestCase):
    """An iterator that outlives its client never touches freed memory
    (run under ASan by scripts/test.sh): the run holds the client, and a
    close() while it is open ends it with ClientClosed at its next step."""

    def setUp(self) -> None:
        self.server = FakeServer(*SLOW_POLLS)
        self.addCleanup(self.server.stop)

    def test_close_then_iterate_is_a_clean_error(self) -> None:
        client = pubrio.Client("test-key", base_url=self.server.url)
        # 20 batches, 8 in flight at most: at the close some are accepted
        # and waiting for a poll (with 3 batches, all three could be in
        # their last poll, collected by the close's drain: no warning).
        run = client.redeem(people(200), ["phone"], batch_size=10, **FAST)
        first = next(run)
        client.close()
        gc.collect()
        with self.assertLogs("pubrio", "WARNING"), \
                self.assertRaisesRegex(pubrio.ClientClosed, "closed") as ctx:
            next(run)
        self.assertIsInstance(ctx.exception.uncollected, list)
        self.assertEqual(list(run), [])  # ended: nothing more, no crash
        self.assertTrue(first.people_search_id)
        with self.assertRaises(pubrio.ClientClosed):
            client.submit(people(1), ["phone"])

    def test_leaving_with_then_iterate_is_a_clean_error(self) -> None:
        with pubrio.Client("test-key", base_url=self.server.url) as client:
            run = client.redeem(people(30), ["phone"], batch_size=10, **FAST)
        gc.collect()
        with self.assertRaises(pubrio.ClientClosed):
            next(run)
        del client, run
        gc.collect()

    def test_dropping_the_client_keeps_it_alive_for_the_run(self) -> None:
        client = pubrio.Client("test-key", base_url=self.server.url)
        run = client.redeem(people(30), ["phone"], batch_size=10, **FAST)
        del client
        gc.collect()
        got = [p.people_search_id for p in run]
        self.assertEqual(sorted(got), people(30))
        self.assertTrue(run.finished)
        del run
        gc.collect()

    def test_a_cycle_of_client_and_run_is_collected_safely(self) -> None:
        client = pubrio.Client("test-key", base_url=self.server.url)
        run = client.redeem(people(200), ["phone"], batch_size=10, **FAST)
        next(run)
        client.cycle = run  # type: ignore[attr-defined]
        run.cycle = client  # type: ignore[attr-defined]
        with self.assertLogs("pubrio", "WARNING"):
            del client, run
            self.assertGreater(gc.collect(), 0)  # both finalized, any order

    def test_the_client_takes_no_call_while_a_run_is_open(self) -> None:
        client = pubrio.Client("test-key", base_url=self.server.url)
        with client.redeem(people(5), ["phone"], **FAST) as run:
            with self.assertRaises(pubrio.ClientBusy):
                client.submit(people(1), ["phone"])
            with self.assertRaises(pubrio.ClientBusy):
                client.redeem(people(1), ["phone"])
            self.assertEqual(len(list(run)), 5)
        client.submit(people(1), ["phone"])  # free again once it is closed
        self.assertEqual(self.server.requests(SUBMIT), 2)
        client.close()


class EarlyExitTest(unittest.TestCase):
    """After any early exit the paid, uncollected batches are on the
    iterator, on the exception (if any) and in the log, one WARNING line a
    batch: with and without a journal. Runs of 20 batches, 4 requests in
    flight: at the exit some are accepted and waiting for a poll (with as
    many batches as requests in flight, all could be in their last poll and
    be collected by the exit's drain, leaving nothing to name)."""

    def setUp(self) -> None:
        self.server = FakeServer(*SLOW_POLLS)
        self.addCleanup(self.server.stop)
        self.client = pubrio.Client("test-key", base_url=self.server.url)
        self.addCleanup(self.client.close)
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def run_until_first_person(self, journal: bool) -> tuple:
        ids = people(200)
        run = self.client.redeem(
            ids, ["phone"], batch_size=10, parallel=4,
            journal=os.path.join(self.tmp.name, "j") if journal else None)
        with self.assertLogs("pubrio", "WARNING") as logs:
            for person in run:
                break  # early exit, the iterator still referenced
            run.close()
        return ids, run, person, logs.output

    def check_named(self, ids: list, run: pubrio.Redemption,
                    first: pubrio.Person, output: list) -> None:
        uncollected = run.uncollected
        self.assertGreater(len(uncollected), 0)
        # One WARNING: the library's sentence (the count, the first five
        # ids) and the Python call that collects them.
        self.assertEqual(len(output), 1, output)
        line = output[0]
        self.assertTrue(line.startswith("WARNING:pubrio:"))
        self.assertIn("%d batch" % len(uncollected), line)
        self.assertIn("client.wait(redeem_query_id)", line)
        self.assertNotRegex(line, r"pubrio_\w+\(")
        for batch in uncollected[:5]:
            self.assertIn(batch.redeem_query_id, line)
        for batch in uncollected:
            self.assertIsInstance(batch, pubrio.Uncollected)
            self.assertEqual(batch.people_count, 10)
        # Each named batch was paid for: the server holds its people, and
        # nobody was submitted twice.
        named = [pid for b in uncollected
                 for pid in paid_people(self.server, self.client, b)]
        self.assertEqual(len(named), len(set(named)))
        self.assertNotIn(first.people_search_id, named)
        self.assertTrue(set(named) <= set(ids))
        self.assertEqual(self.server.stats()["max_submits_per_person"], 1)

    def test_break_without_a_journal(self) -> None:
        self.check_named(*self.run_until_first_person(journal=False))

    def test_break_with_a_journal(self) -> None:
        ids, run, first, output = self.run_until_first_person(journal=True)
        self.check_named(ids, run, first, output)
        self.assertTrue(any("rerun with journal=" in line
                            for line in output))

    def test_a_break_outside_with_frees_the_client(self) -> None:
        # Issue 31 item 5: the run is still referenced, no `with`: leaving
        # the loop ends it, and the client takes calls again.
        run = self.client.redeem(people(200), ["phone"], batch_size=10,
                                 parallel=4)
        with self.assertLogs("pubrio", "WARNING"):
            for _person in run:
                break
        self.client.submit(people(1, "3000"), ["phone"])  # not ClientBusy
        self.assertGreater(len(run.uncollected), 0)
        self.assertEqual(list(run), [])  # ended

    def test_dropped_iterator_logs_its_batches(self) -> None:
        with self.assertLogs("pubrio", "WARNING") as logs:
            for _person in self.client.redeem(people(200), ["phone"],
                                              batch_size=10, parallel=4):
                break  # the iterator is dropped here
        self.assertEqual(len(logs.output), 1, logs.output)
        self.assertIn("paid and not collected", logs.output[0])
        self.client.submit(people(1), ["phone"])  # the client is free again

    def test_an_exception_in_the_loop_body_carries_them(self) -> None:
        with self.assertLogs("pubrio", "WARNING"), \
                self.assertRaises(KeyError) as ctx:
            with self.client.redeem(people(200), ["phone"], batch_size=10,
                                    parallel=4) as run:
                for _person in run:
                    raise KeyError("in the loop body")
        self.assertEqual(ctx.exception.uncollected, run.uncollected)
        self.assertGreater(len(run.uncollected), 0)
        notes = getattr(ctx.exception, "__notes__", None)
        if hasattr(ctx.exception, "add_note"):
            self.assertIn(run.uncollected[0].redeem_query_id, notes[0])

    def test_ctrl_c_in_the_loop_carries_them(self) -> None:
        run = self.client.redeem(people(200), ["phone"], batch_size=10,
                                 parallel=4)
        next(run)
        # Ctrl-C while the iterator waits for a batch still polling.
        timer = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT))
        with self.assertLogs("pubrio", "WARNING"), \
                self.assertRaises(KeyboardInterrupt) as ctx:
            timer.start()
            for _person in run:
                pass
        timer.join()
        self.assertEqual(ctx.exception.uncollected, run.uncollected)
        for batch in run.uncollected:
            self.assertTrue(paid_people(self.server, self.client, batch))

    def test_a_failure_of_the_run_carries_them(self) -> None:
        self.server.script(QUERY, 400, '{"code":1,"message":"no"}', times=50)
        with self.assertLogs("pubrio", "WARNING"), \
                self.assertRaises(pubrio.BadRequest) as ctx:
            list(self.client.redeem(people(20), ["phone"], batch_size=10,
                                    parallel=2))
        self.assertEqual(len(ctx.exception.uncollected), 2)
        self.assertEqual({b.people_count for b in ctx.exception.uncollected},
                         {10})

    def test_a_complete_run_names_nothing(self) -> None:
        run = self.client.redeem(people(25), ["phone"], batch_size=10, **FAST)
        with self.assertNoLogs("pubrio", "WARNING"):
            self.assertEqual(len(list(run)), 25)
        self.assertEqual(run.uncollected, [])
        self.assertTrue(run.finished)


class UncertainTest(unittest.TestCase):
    """A resume holding people an earlier run left uncertain warns with
    UncertainWarning and counts them in `people_uncertain`."""

    def test_resume_warns_and_counts(self) -> None:
        server = FakeServer("--estimated-time", "0")
        self.addCleanup(server.stop)
        client = pubrio.Client("test-key", base_url=server.url,
                               max_attempts=1)
        ids = people(20)
        with tempfile.TemporaryDirectory() as tmp:
            journal = os.path.join(tmp, "run.journal")
            # The first batch's submit gets a 503: it may have been charged.
            server.script(SUBMIT, 503, "", times=1)
            with self.assertRaises(pubrio.ServerError) as ctx:
                list(client.redeem(ids, ["phone"], journal=journal,
                                   batch_size=10, parallel=1))
            self.assertEqual(ctx.exception.submit_state, "uncertain")
            with self.assertWarns(pubrio.UncertainWarning) as warned:
                run = client.redeem(ids, ["phone"], journal=journal,
                                    batch_size=10)
            self.assertEqual(warned.filename, __file__)
            self.assertIn("10 people", str(warned.warning))
            self.assertEqual(run.people_uncertain, 10)
            got = [p.people_search_id for p in run]
            self.assertEqual(len(got), 10)  # the uncertain ten are not sent
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # none without uncertainty
                fresh = client.redeem(people(5, "3000"), ["phone"])
                self.assertEqual(fresh.people_uncertain, 0)
                fresh.close()
        client.close()


if __name__ == "__main__":
    logging.basicConfig()
    unittest.main()

"""Lookup entries resolved (paid) and not handed out when a bulk run is
left (run.resolved), and lookup entries in a plan (plan(lookups=...)),
over a real socket to the fake server's directory
(tests/fake_server/fake_lookup.c). A rate of 3 requests a minute lets the
account reads and the lookup request through and holds the purchase: King
and John are resolved (1 credit each) and never bought."""
import gc
import os
import tempfile
import unittest

from _support import SUBMIT, FakeServer, pubrio

from pubrio import LookupEntry

BATCH = "/redeem/people/contact/lookup/batch"
KING = "e37ccf38-ea8f-422e-9874-cb23b15e8fe4"
JOHN = "1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b"
JANE_URL = "https://www.linkedin.com/in/jane-doe"
BOB = "540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11"
FAST = {"min_delay": 0.02, "max_delay": 0.05, "timeout": 30}
ENTRIES = [LookupEntry(email="king.lai@pubrio.com"),  # 0 King
           LookupEntry(email="missing.person@people.example"),  # 1 a miss
           LookupEntry(phone="+1 (555) 010-0002"),  # 2 John
           LookupEntry(first_name="Ann", last_name="Lee",
                       company="Acme Inc")]  # 3 needs similarity
RESOLVED = [(0, ENTRIES[0], KING, "exact"), (2, ENTRIES[2], JOHN, "exact")]


def fields(resolved: list) -> list:
    return [(r.index, r.entry, r.people_search_id, r.confidence)
            for r in resolved]


class ResolvedTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = FakeServer("--estimated-time", "0")
        self.addCleanup(self.server.stop)
        self.client = pubrio.Client("test-key", base_url=self.server.url)
        self.addCleanup(self.client.close)

    def held_run(self) -> pubrio.Redemption:
        """A run whose lookup request was answered and whose purchase is
        held by the rate: the miss and the name answered, nobody bought."""
        run = self.client.redeem([], ["phone"], lookups=ENTRIES,
                                 requests_per_minute=3, min_delay=0.02,
                                 max_delay=0.05)
        for _ in range(300):  # bounded: 100 ms slices
            if len(run.lookups_not_found) >= 2:
                break
            self.assertEqual(run.next_people(100, 1, until_one=False), [])
        self.assertEqual(sorted(a.index for a in run.lookups_not_found),
                         [1, 3])
        stats = run.stats()
        self.assertEqual((stats["lookups_to_send"], stats["lookups_found"]),
                         (0, 2))
        return run

    def assert_paid_once_bought_none(self) -> None:
        seen = self.server.stats()["requests"]
        self.assertEqual((seen.get(BATCH, 0), seen.get(SUBMIT, 0)), (1, 0))

    def test_close_names_the_lookups_it_resolved(self) -> None:
        run = self.held_run()
        self.assertEqual(run.resolved, [])  # known once the run is left
        with self.assertLogs("pubrio", "WARNING") as logs:
            self.assertEqual(run.close(), [])
        self.assertEqual(fields(run.resolved), RESOLVED)
        pass
        self.assertEqual(run.resolved[0].confidence_text, "exact")
        # Not mistaken for answers handed out.
        self.assertEqual(sorted(a.index for a in run.lookups_not_found),
                         [1, 3])
        self.assertEqual(run.lookups_failed, [])
        self.assertEqual(run.drained, [])
        warning = "\n".join(logs.output)
        self.assertIn("2 lookup entries resolved (paid)", warning)
        self.assertIn("run.resolved", warning)
        run.close()  # again: nothing changes
        self.assertEqual(fields(run.resolved), RESOLVED)
        self.assert_paid_once_bought_none()

    def test_a_break_leaves_them_on_the_run(self) -> None:
        # The account reads, the lookup and Jane's URL pass a rate of 4;
        # the purchase of King and John is held.
        run = self.client.redeem([], ["phone"], lookups=ENTRIES,
                                 linkedin_urls=[JANE_URL],
                                 requests_per_minute=4, min_delay=0.02,
                                 max_delay=0.05)
        with self.assertLogs("pubrio", "WARNING"):
            for person in run:
                self.assertIsNotNone(person.linkedin_url)
                break
        self.assertEqual(fields(run.resolved), RESOLVED)
        self.assert_paid_once_bought_none()

    def test_an_exception_leaves_them_on_the_run(self) -> None:
        with self.assertLogs("pubrio", "WARNING"):
            with self.assertRaises(KeyError):
                with self.held_run() as run:
                    raise KeyError("the caller's own failure")
        self.assertEqual(fields(run.resolved), RESOLVED)
        self.assert_paid_once_bought_none()

    def test_a_dropped_run_names_them_in_its_warning(self) -> None:
        with self.assertLogs("pubrio", "WARNING") as logs:
            run = self.held_run()
            del run
            gc.collect()
        warning = "\n".join(logs.output)
        self.assertIn("2 lookup entries resolved (paid)", warning)
        self.assertIn("run.resolved", warning)
        self.assert_paid_once_bought_none()


class PlanLookupsTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = FakeServer("--estimated-time", "0")
        self.addCleanup(self.server.stop)
        self.client = pubrio.Client("test-key", base_url=self.server.url)
        self.addCleanup(self.client.close)
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.journal = os.path.join(folder.name, "run.journal")

    def test_a_plan_counts_the_lookups(self) -> None:
        ids_only = self.client.plan([BOB], ["phone"], journal=self.journal)
        dry = self.client.plan([BOB], ["phone"], journal=self.journal,
                               lookups=iter(ENTRIES))
        self.assertEqual((ids_only.lookups, ids_only.lookups_to_send), (0, 0))
        self.assertEqual((dry.lookups, dry.lookups_to_send, dry.lookups_found,
                          dry.lookups_not_found), (4, 3, 0, 0))
        self.assertEqual(dry.planned_requests, ids_only.planned_requests + 1)
        similar = self.client.plan([BOB], ["phone"], lookups=ENTRIES,
                                   similar=True, lookup_batch_size=1)
        self.assertEqual((similar.lookups_to_send, similar.planned_requests),
                         (4, ids_only.planned_requests + 4))
        self.assertEqual(self.server.requests(), 0)  # a plan sends nothing
        self.assertFalse(os.path.exists(self.journal))

        # After a run on the journal, the plan knows its lookup answers.
        with self.client.redeem([BOB], ["phone"], journal=self.journal,
                                lookups=ENTRIES, **FAST) as run:
            list(run)
        sent = self.server.requests()
        after = self.client.plan([BOB], ["phone"], journal=self.journal,
                                 lookups=ENTRIES)
        self.assertEqual((after.lookups, after.lookups_to_send,
                          after.lookups_found, after.lookups_not_found),
                         (4, 0, 2, 1))
        self.assertEqual(self.server.requests(), sent)

    def test_a_plan_refuses_bad_entries(self) -> None:
        with self.assertRaisesRegex(pubrio.InvalidArgument,
                                    "lookup entry 1: email"):
            self.client.plan([], ["phone"], lookups=[
                {"email": "ann@acme.io"}, {"email": "no-at-sign"}])
        with self.assertRaises(pubrio.InvalidType):
            self.client.plan([], ["phone"],
                             lookups="ann@acme.io")  # type: ignore
        self.assertEqual(self.server.requests(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)

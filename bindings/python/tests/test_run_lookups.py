"""Lookup entries in a bulk run (redeem(lookups=...)), over a real socket
to the fake server's directory (tests/fake_server/fake_lookup.c): ids and
entries in one run, each person bought once however many identifiers name
them, what was paid read from /_fake/stats; a miss and an entry needing
similarity answered on the run; a rerun on the journal asks no lookup
again; a failed lookup named with its entry; bad entries refused before
anything is sent."""
import json
import os
import tempfile
import unittest

from _support import SUBMIT, FakeServer, pubrio

from pubrio import LookupEntry

BATCH = "/redeem/people/contact/lookup/batch"
KING = "e37ccf38-ea8f-422e-9874-cb23b15e8fe4"
JOHN = "1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b"
ANN = "3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8"
FAST = {"min_delay": 0.02, "max_delay": 0.05, "timeout": 30}
ANN_AT_ACME = {"first_name": "Ann", "last_name": "Lee",
               "company": "Acme Inc"}


class RunLookupsTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = FakeServer("--estimated-time", "0")
        self.addCleanup(self.server.stop)
        self.client = pubrio.Client("test-key", base_url=self.server.url)
        self.addCleanup(self.client.close)
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.journal = os.path.join(folder.name, "run.journal")

    def credit(self) -> int:
        return int(self.server.stats()["credit"])

    def test_ids_and_entries_buy_each_person_once(self) -> None:
        entries = [LookupEntry(email="king.lai@pubrio.com"),  # 0 King
                   {"phone": "+1 (555) 010-0002"},  # 1 John, also by id
                   {"email": "missing.person@people.example"},  # 2 a miss
                   {"email": " KING.LAI@pubrio.com"},  # 3 King again
                   ANN_AT_ACME,  # 4 needs similarity
                   {"phone": "+15550100001"}]  # 5 King's phone
        before = self.credit()
        with self.client.redeem([JOHN], ["phone"], journal=self.journal,
                                lookups=iter(entries), **FAST) as run:
            got = list(run)
            charged = run.stats()["credits_charged"]
        self.assertTrue(run.finished)
        by_entry = sorted((p.lookup_entry, p.people_search_id,
                           p.lookup_confidence)
                          for p in got if p.lookup_entry is not None)
        self.assertEqual(by_entry, [(0, KING, "exact"), (1, JOHN, "exact"),
                                    (3, KING, "exact"), (5, KING, "exact")])
        king = [p.phones for p in got if p.people_search_id == KING]
        self.assertEqual(len(king), 3)  # entries 0, 3 and 5
        self.assertTrue(king[0])
        self.assertEqual(king, [king[0]] * 3)
        for person in got:
            if person.lookup_entry is not None:
                self.assertEqual(person.lookup,
                                 run.lookups[person.lookup_entry])
        self.assertEqual(run.lookups[1], LookupEntry(phone="+1 (555) "
                                                           "010-0002"))
        self.assertEqual([p.people_search_id for p in got
                          if p.lookup_entry is None], [JOHN])
        self.assertEqual(sorted((a.index, a.outcome, a.entry)
                                for a in run.lookups_not_found),
                         [(2, "not_found", LookupEntry(
                             email="missing.person@people.example")),
                          (4, "not_looked_up", LookupEntry(**ANN_AT_ACME))])
        self.assertIn("similarity", run.lookups_not_found[0].reason or "")
        self.assertEqual(run.lookups_failed, [])
        self.assertEqual(run.not_found, [])
        # One lookup request; King and John bought once each, for what
        # the run counted.
        seen = self.server.stats()
        self.assertEqual(seen["requests"][BATCH], 1)
        self.assertEqual(seen["requests"][SUBMIT], 1)
        self.assertEqual(seen["people_submitted"], 2)
        self.assertEqual(seen["max_submits_per_person"], 1)
        self.assertEqual(json.loads(seen["last_submit_body"])["peoples"],
                         [JOHN, KING])
        # King and John looked up (1 each; King's phone in the same request
        # is a duplicate, free), King's phone bought (John has none).
        self.assertEqual(before - self.credit(), 3)
        self.assertEqual(charged, 3)

        # The rerun on the journal: every entry answered again, no lookup
        # and no purchase sent, nothing spent.
        paid = self.credit()
        with self.client.redeem([JOHN], ["phone"], journal=self.journal,
                                lookups=entries, **FAST) as rerun:
            again = list(rerun)
        self.assertEqual(sorted((p.lookup_entry, p.people_search_id)
                                for p in again
                                if p.lookup_entry is not None),
                         [(0, KING), (1, JOHN), (3, KING), (5, KING)])
        self.assertEqual(sorted((a.index, a.outcome)
                                for a in rerun.lookups_not_found),
                         [(2, "not_found"), (4, "not_looked_up")])
        seen = self.server.stats()
        self.assertEqual(seen["requests"][BATCH], 1)
        self.assertEqual(seen["requests"][SUBMIT], 1)
        self.assertEqual(self.credit(), paid)

    def test_similarity_off_refuses_a_name_and_on_resolves_it(self) -> None:
        with self.client.redeem([], ["phone"], lookups=[ANN_AT_ACME],
                                **FAST) as off:
            self.assertEqual(list(off), [])
        self.assertEqual([(a.index, a.outcome) for a in
                          off.lookups_not_found], [(0, "not_looked_up")])
        self.assertEqual(self.server.requests(), 0)
        with self.client.redeem([], ["phone"], lookups=[ANN_AT_ACME],
                                similar=True, lookup_batch_size=1,
                                **FAST) as on:
            got = list(on)
        self.assertEqual([(p.people_search_id, p.lookup_entry,
                           p.lookup_confidence) for p in got],
                         [(ANN, 0, "similarity_company")])
        self.assertEqual(on.lookups_not_found, [])
        self.assertEqual(self.server.requests(BATCH), 1)
        self.assertEqual(self.server.stats()["people_submitted"], 1)

    def test_a_failed_lookup_names_its_entry(self) -> None:
        # The fake answers a match naming an input nobody sent: the
        # request fails (never guessed onto an entry), Ann's match in it is
        # bought, Bob's request never leaves, the run raises.
        got = []
        with self.assertRaises(pubrio.ProtocolError):
            with self.client.redeem([], ["phone"], lookups=[
                    {"email": "unmappable.one@people.example"},
                    {"email": "ann@acme.io"}, {"email": "bob@acme.io"}],
                    lookup_batch_size=2, **FAST) as run:
                for person in run:
                    got.append(person)
        people = got + run.drained
        self.assertEqual([(p.people_search_id, p.lookup_entry)
                          for p in people], [(ANN, 1)])
        self.assertEqual([(a.index, a.outcome, a.status)
                          for a in run.lookups_failed],
                         [(0, "failed", "response breaks the contract"),
                          (2, "failed", "cancelled")])
        self.assertEqual(run.lookups_failed[0].entry, LookupEntry(
            email="unmappable.one@people.example"))
        self.assertEqual(self.server.requests(BATCH), 1)

    def test_bad_entries_are_refused_before_sending(self) -> None:
        with self.assertRaisesRegex(pubrio.InvalidArgument,
                                    "lookup entry 1: email"):
            self.client.redeem([], ["phone"], lookups=[
                {"email": "ann@acme.io"}, {"email": "no-at-sign"}])
        with self.assertRaises(pubrio.InvalidType):
            self.client.redeem([], ["phone"],
                               lookups="ann@acme.io")  # type: ignore
        with self.assertRaises(pubrio.InvalidType):
            self.client.redeem([], ["phone"], lookups=[{"email": "a@b.io"}],
                               similar="yes")  # type: ignore
        with self.assertRaises(pubrio.InvalidArgument):
            self.client.redeem([], ["phone"], lookups=[{"email": "a@b.io"}],
                               lookup_batch_size=0)
        self.assertEqual(self.server.requests(), 0)
        self.assertEqual(self.client.profile().credit, self.credit())


class AsyncRunLookupsTest(unittest.IsolatedAsyncioTestCase):
    async def test_async_run_takes_entries(self) -> None:
        server = FakeServer("--estimated-time", "0")
        self.addCleanup(server.stop)
        async with pubrio.AsyncClient("test-key",
                                      base_url=server.url) as client:
            run = client.redeem([], ["phone"], lookups=(
                LookupEntry(email=e) for e in ("ann@acme.io",
                                               "nobody@acme.io")), **FAST)
            got = [person async for person in run]
        self.assertEqual([(p.people_search_id, p.lookup_entry, p.lookup)
                          for p in got],
                         [(ANN, 0, LookupEntry(email="ann@acme.io"))])
        self.assertEqual([(a.index, a.outcome) for a in run.lookups_not_found],
                         [(1, "not_found")])
        self.assertEqual(server.requests(BATCH), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)

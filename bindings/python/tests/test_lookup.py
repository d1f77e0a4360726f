"""Client.lookup against the fake server's directory, over a real socket:
each answer lands on its own entry (the fake answers in reverse order),
misses cost nothing, similarity is opt-in, a lookup whose answer was lost
is uncertain and never resent, the answers paid for are kept on the
exception, and bad entries are refused before anything is sent."""
import asyncio
import unittest

from _support import FakeServer, pubrio

from pubrio import LookupEntry

SINGLE = "/redeem/people/contact/lookup"
BATCH = "/redeem/people/contact/lookup/batch"
GENERATED = "people.example"  # FAKE_LOOKUP_GENERATED_DOMAIN
# The fake's directory (tests/fake_server/fake_lookup.c).
KING = "e37ccf38-ea8f-422e-9874-cb23b15e8fe4"
JOHN = "1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b"
ANN = "3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8"
BOB = "4f703d20-2db1-4de3-8e3a-5f03c6d6d9e9"
CHRIS = "5a814e31-3ec2-4ef4-9f4b-6a14d7e7eafa"


class LookupTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = FakeServer()
        self.addCleanup(self.server.stop)
        self.client = pubrio.Client("test-key", base_url=self.server.url,
                                    timeout=10)
        self.addCleanup(self.client.close)

    def credit(self) -> int:
        return int(self.server.stats()["credit"])

    def test_shuffled_answers_land_on_their_entries(self) -> None:
        entries = [LookupEntry(email="  King.Lai@PUBRIO.com "),
                   LookupEntry(phone="+1 (555) 010-0002"),
                   {"email": "missing.person@people.example"},
                   {"email": "chris.wu@globex.com"},
                   LookupEntry(phone="+44 20 7946 0001")]
        before = self.credit()
        result = self.client.lookup(entries)
        answers = result.answers
        self.assertEqual([a.people_search_id for a in answers],
                         [KING, JOHN, None, CHRIS, ANN])
        self.assertEqual([a.outcome for a in answers],
                         ["found", "found", "not_found", "found", "found"])
        self.assertEqual([a.index for a in answers], [0, 1, 2, 3, 4])
        self.assertEqual(answers[2].entry,
                         LookupEntry(email="missing.person@people.example"))
        self.assertEqual(answers[0].entry, entries[0])
        self.assertEqual(answers[1].confidence, "exact")
        self.assertIsNone(answers[2].confidence)
        self.assertEqual((answers[1].input_type, answers[1].input_value),
                         ("phone", "+15550100002"))
        self.assertEqual((answers[3].first_name, answers[3].last_name,
                          answers[3].company_name, answers[3].domain),
                         ("Chris", "Wu", "Globex", "globex.com"))
        self.assertEqual([a.credits for a in answers], [1, 1, 0, 1, 1])
        self.assertFalse(any(a.duplicate for a in answers))
        self.assertEqual((result.credits_charged, result.requests), (4, 1))
        self.assertEqual(before - self.credit(), 4)
        self.assertEqual(self.server.requests(BATCH), 1)
        self.assertEqual(len(result.found), 4)
        self.assertEqual(result.uncertain, [])

    def test_an_email_twice_goes_to_two_requests(self) -> None:
        result = self.client.lookup([{"email": "king.lai@pubrio.com"},
                                     {"email": "bob@acme.io"},
                                     {"email": " KING.LAI@pubrio.com"}])
        self.assertEqual([a.people_search_id for a in result.answers],
                         [KING, BOB, KING])
        self.assertEqual(self.server.requests(BATCH), 2)

    def test_one_lookup_finds_and_a_miss_costs_nothing(self) -> None:
        found = self.client.lookup_one({"phone": "+61 2 9000 0001"})
        self.assertEqual((found.outcome, found.people_search_id,
                          found.people_name, found.confidence, found.credits),
                         ("found", CHRIS, "Chris Wu", "exact", 1))
        self.assertTrue(found.found)
        before = self.credit()
        miss = self.client.lookup_one(LookupEntry(
            email="miss.me@people.example"))
        self.assertEqual((miss.outcome, miss.people_search_id, miss.credits),
                         ("not_found", None, 0))
        self.assertEqual(self.credit(), before)
        self.assertEqual(self.server.requests(SINGLE), 2)
        self.assertEqual(self.server.requests(BATCH), 0)

    def test_similarity_is_opt_in(self) -> None:
        entries = [{"first_name": "John", "last_name": "Smith",
                    "domain": "https://www.example.com/team"},
                   {"email": "bob@acme.io", "company": "Acme Inc"},
                   {"first_name": "Ann", "last_name": "Lee",
                    "company": "ACME   inc"}]
        plan = self.client.plan_lookup(entries)
        self.assertEqual(plan, pubrio.LookupPlan(lookups=1,
                                                 worst_case_credits=1,
                                                 refused=2, requests=1))
        off = self.client.lookup(entries).answers
        self.assertEqual([a.outcome for a in off],
                         ["not_looked_up", "found", "not_looked_up"])
        self.assertIn("similarity", off[0].reason or "")
        self.assertEqual(off[1].people_search_id, BOB)
        self.assertEqual(self.server.requests(BATCH), 1)
        plan = self.client.plan_lookup(entries, similar=True)
        self.assertEqual((plan.lookups, plan.refused), (3, 0))
        self.assertEqual(plan.requests, 2)  # Bob and Ann share a company
        on = self.client.lookup(entries, similar=True).answers
        self.assertEqual([a.people_search_id for a in on], [JOHN, BOB, ANN])
        self.assertEqual([a.confidence for a in on],
                         ["similarity_domain", "exact", "similarity_company"])
        self.assertEqual(self.server.requests(BATCH), 1 + plan.requests)

    def test_an_uncertain_lookup_is_never_resent(self) -> None:
        before = self.credit()
        # The API acts on the request (charges), then the answer is lost.
        self.server.script(BATCH, 200, times=1, fault=3)
        with self.assertRaises(pubrio.TransportError) as caught:
            self.client.lookup([{"email": "ann@acme.io"},
                                {"email": "bob@acme.io"},
                                {"email": "jane.doe@example.com"}],
                               batch_size=1)
        exc = caught.exception
        self.assertEqual(exc.submit_state, "uncertain")
        self.assertEqual(exc.attempts, 1)
        assert exc.lookup is not None
        answers = exc.lookup.answers
        self.assertEqual([a.outcome for a in answers],
                         ["failed", "not_sent", "not_sent"])
        self.assertEqual(answers[0].submit_state, "uncertain")
        self.assertEqual(answers[0].status, "transport error")
        self.assertEqual([a.index for a in exc.lookup.uncertain], [0])
        self.assertEqual(exc.lookup.uncertain[0].entry,
                         LookupEntry(email="ann@acme.io"))
        # Sent once (the fake did process it: 1 credit), never again.
        self.assertEqual(self.server.requests(BATCH), 1)
        self.assertEqual(before - self.credit(), 1)
        self.assertIn("entries 0", "\n".join(getattr(exc, "__notes__", [])))

    def test_answers_paid_for_are_kept_on_the_exception(self) -> None:
        # The fake answers the first with a match naming an input nobody
        # sent: never guessed onto an entry, the request fails; King's
        # match, paid for, is kept.
        with self.assertRaises(pubrio.ProtocolError) as caught:
            self.client.lookup([{"email": "unmappable.one@" + GENERATED},
                                {"email": "king.lai@pubrio.com"},
                                {"email": "miss.x@" + GENERATED}])
        exc = caught.exception
        self.assertIn("maps to no entry", str(exc))
        self.assertEqual(exc.submit_state, "uncertain")
        assert exc.lookup is not None
        answers = exc.lookup.answers
        self.assertEqual([a.outcome for a in answers],
                         ["failed", "found", "failed"])
        self.assertEqual(answers[1].people_search_id, KING)
        self.assertIsNone(answers[0].people_search_id)
        self.assertEqual([a.people_search_id for a in exc.lookup.found],
                         [KING])
        self.assertEqual([a.index for a in exc.lookup.uncertain], [0, 2])
        self.assertEqual(self.server.requests(BATCH), 1)

    def test_bad_entries_are_refused_before_sending(self) -> None:
        invalid = [
            ([{"email": "ann@acme.io"}, {"email": "no-at-sign"}],
             "lookup entry 1: email"),
            ([{"phone": "12"}], "5 to 20 digits"),
            ([{"colour": "red"}], "lookup entry 0: unknown field 'colour'"),
            ([{}], "entry 0 is empty"),
            ([{"first_name": "Ann", "domain": "acme.io"}], "half a name"),
            ([{"email": "a\0b@acme.io"}], "NUL"),
            ([], ""),
        ]
        for entries, says in invalid:
            with self.subTest(entries=entries):
                with self.assertRaises(pubrio.InvalidArgument) as caught:
                    self.client.lookup(entries)
                self.assertIn(says, str(caught.exception))
                self.assertIsNone(caught.exception.lookup)
        wrong_types = [
            lambda: self.client.lookup("ann@acme.io"),  # type: ignore
            lambda: self.client.lookup({"email": "a@b.io"}),  # type: ignore
            lambda: self.client.lookup([42]),  # type: ignore
            lambda: self.client.lookup([{"email": 42}]),  # type: ignore
            lambda: self.client.lookup([{"email": "a@b.io"}],
                                       similar="yes"),  # type: ignore
            lambda: self.client.lookup_one([{"email": "a@b.io"}]),  # noqa
        ]
        for call in wrong_types:
            with self.assertRaises(pubrio.InvalidType):
                call()
        with self.assertRaises(pubrio.InvalidArgument):
            self.client.lookup([{"email": "a@b.io"}], batch_size=0)
        with self.assertRaises(pubrio.InvalidArgument):
            self.client.lookup([{"email": "a@b.io"}], profile_id=-1)
        with self.assertRaises(pubrio.InvalidArgument):
            self.client.plan_lookup([{"first_name": "Ann"}])
        self.assertEqual(self.server.requests(), 0)

    def test_async_twins(self) -> None:
        async def main() -> None:
            async with pubrio.AsyncClient("test-key",
                                          base_url=self.server.url) as c:
                result = await c.lookup(
                    (LookupEntry(email=e) for e in ("bob@acme.io",
                                                    "nobody@acme.io")))
                self.assertEqual([a.outcome for a in result.answers],
                                 ["found", "not_found"])
                one = await c.lookup_one({"email": "ann@acme.io"})
                self.assertEqual(one.people_search_id, ANN)
                plan = await c.plan_lookup([{"email": "ann@acme.io"}])
                self.assertEqual(plan.worst_case_credits, 1)
                with self.assertRaises(pubrio.InvalidArgument):
                    await c.lookup([{"email": "nope"}])
        asyncio.run(main())
        self.assertEqual(self.server.requests(BATCH), 1)
        self.assertEqual(self.server.requests(SINGLE), 1)

    def test_a_cancelled_async_lookup_names_the_cut_entry(self) -> None:
        # The call's first request hangs; the task is cancelled once the
        # server has it: that entry is uncertain (cut in flight, maybe
        # charged), the others never sent, and the call's answers ride on
        # the CancelledError.
        async def main() -> None:
            async with pubrio.AsyncClient("test-key",
                                          base_url=self.server.url) as c:
                await c.lookup([{"email": "chris.wu@globex.com"}])
                self.server.script(BATCH, 200, "{}", delay_ms=20000)
                task = asyncio.create_task(c.lookup(
                    [{"email": "bob@acme.io"}, {"email": "ann@acme.io"},
                     {"email": "jane.doe@example.com"}], batch_size=1))
                while self.server.requests(BATCH) < 2:
                    await asyncio.sleep(0.01)
                task.cancel()
                with self.assertRaises(asyncio.CancelledError) as caught:
                    await task
                lookup = getattr(caught.exception, "lookup")
                self.assertEqual([a.outcome for a in lookup.answers],
                                 ["failed", "not_sent", "not_sent"])
                self.assertEqual([a.index for a in lookup.uncertain], [0])
        asyncio.run(main())
        self.assertEqual(self.server.requests(BATCH), 2)


if __name__ == "__main__":
    unittest.main()

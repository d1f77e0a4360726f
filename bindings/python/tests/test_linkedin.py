"""LinkedIn profile URLs from Python, over real HTTP to the fake server
(which resolves a URL's /in/ slug to an id, and finds nobody for slugs
starting with "nobody"): redeem(linkedin_urls=...) redeems each URL alone
before any batch and buys a person named by a URL and an id once;
redeem_person() is the single redeem."""
import json
import unittest

from _support import IDS, SUBMIT, FakeServer, pubrio

SINGLE = "/redeem/people"
JANE_URL = "https://www.linkedin.com/in/jane-doe"
NOBODY_URL = "https://www.linkedin.com/in/nobody-here"
FAST = {"min_delay": 0.02, "max_delay": 0.05, "timeout": 30}


def resolved_id(url: str) -> str:
    """The id the fake gives the person of @url, asked of a server of its
    own so the runs under test start from nothing."""
    with FakeServer("--estimated-time", "0") as server, \
            pubrio.Client("test-key", base_url=server.url) as client:
        one = client.redeem_person(["phone"], linkedin_url=url)
        return one.people[0].people_search_id


class LinkedInRunTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = FakeServer("--estimated-time", "0")
        self.addCleanup(self.server.stop)
        self.client = pubrio.Client("test-key", base_url=self.server.url)
        self.addCleanup(self.client.close)

    def test_a_url_and_an_id_of_one_person_are_bought_once(self) -> None:
        jane = resolved_id(JANE_URL)
        self.assertNotIn(jane, IDS)
        # Two spellings of one URL, a URL naming nobody, the URL's person
        # by id, and an unrelated id.
        urls = ["http://uk.linkedin.com/in/Jane-Doe/?trk=x", JANE_URL,
                NOBODY_URL]
        plan = self.client.plan([jane, IDS[0]], ["phone"],
                                linkedin_urls=urls)
        self.assertEqual(plan["linkedin_urls"], 2)
        self.assertEqual(plan["linkedin_urls_to_redeem"], 2)
        self.assertEqual(self.server.requests(), 0)
        with self.client.redeem([jane, IDS[0]], ["phone"],
                                linkedin_urls=urls, **FAST) as run:
            got = list(run)
            stats = run.stats()
        self.assertTrue(run.finished)
        by_url = [p for p in got if p.linkedin_url is not None]
        self.assertEqual([p.linkedin_url for p in by_url], [JANE_URL])
        self.assertEqual(by_url[0].people_search_id, jane)
        self.assertTrue(by_url[0].phones)
        self.assertEqual(sorted(p.people_search_id for p in got
                                if p.linkedin_url is None),
                         sorted([jane, IDS[0]]))
        self.assertEqual(run.not_found, [NOBODY_URL])
        self.assertEqual(stats["linkedin_urls_redeemed"], 2)
        self.assertEqual(stats["linkedin_urls_not_found"], 1)
        seen = self.server.stats()
        self.assertEqual(seen["requests"][SINGLE], 2)  # the two URLs
        self.assertEqual(seen["requests"][SUBMIT], 1)
        submitted = json.loads(seen["last_submit_body"])["peoples"]
        self.assertEqual(submitted, [IDS[0]])  # not the URL's person
        self.assertEqual(seen["max_submits_per_person"], 1)

    def test_a_bad_url_is_refused_before_anything_is_sent(self) -> None:
        with self.assertRaisesRegex(pubrio.InvalidArgument, "index 1"):
            self.client.redeem(IDS[:1], ["phone"], linkedin_urls=[
                JANE_URL, "https://linkedin.com.evil.example/in/x"])
        with self.assertRaises(pubrio.InvalidType):
            self.client.redeem(IDS[:1], ["phone"], linkedin_urls=JANE_URL)
        self.assertEqual(self.server.requests(), 0)

    def test_results_without_a_url_read_as_before(self) -> None:
        person = pubrio.Person("x", [], [])
        self.assertIsNone(person.linkedin_url)
        self.assertEqual(person, {"people_search_id": "x", "emails": [],
                                  "phones": []})
        self.assertNotEqual(pubrio.Person("x", [], [], JANE_URL),
                            {"people_search_id": "x", "emails": [],
                             "phones": []})


class RedeemPersonTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = FakeServer("--estimated-time", "0")
        self.addCleanup(self.server.stop)
        self.client = pubrio.Client("test-key", base_url=self.server.url)
        self.addCleanup(self.client.close)

    def test_by_id_by_url_and_nobody(self) -> None:
        one = self.client.redeem_person(["email-work"],
                                        people_search_id=IDS[0])
        self.assertEqual(one.people[0].people_search_id, IDS[0])
        self.assertEqual(one.people[0].emails[0].value,
                         "w.540574d1@work.example")
        self.assertTrue(one.query.is_completed)
        self.assertIsNotNone(one.credits.total_charged_credit)
        by_url = self.client.redeem_person(["phone"], linkedin_url=JANE_URL)
        self.assertEqual(len(by_url.people), 1)
        nobody = self.client.redeem_person(["phone"],
                                           linkedin_url=NOBODY_URL)
        self.assertEqual(nobody.people, [])
        self.assertEqual(self.server.requests(SINGLE), 3)

    def test_bad_input_sends_nothing(self) -> None:
        with self.assertRaises(pubrio.InvalidArgument):
            self.client.redeem_person(["phone"])  # neither
        with self.assertRaises(pubrio.InvalidArgument):
            self.client.redeem_person(["phone"], people_search_id=IDS[0],
                                      linkedin_url=JANE_URL)  # both
        with self.assertRaises(pubrio.InvalidArgument):
            self.client.redeem_person(["phone"],
                                      linkedin_url="https://example.com/in/x")
        self.assertEqual(self.server.requests(), 0)


class AsyncLinkedInTest(unittest.IsolatedAsyncioTestCase):
    async def test_async_run_and_single_redeem_take_urls(self) -> None:
        server = FakeServer("--estimated-time", "0")
        self.addCleanup(server.stop)
        async with pubrio.AsyncClient("test-key",
                                      base_url=server.url) as client:
            one = await client.redeem_person(["phone"],
                                             linkedin_url=JANE_URL)
            run = client.redeem([], ["phone"], linkedin_urls=iter(
                [JANE_URL, NOBODY_URL]), **FAST)
            got = [person async for person in run]
        self.assertEqual([(p.people_search_id, p.linkedin_url) for p in got],
                         [(one.people[0].people_search_id, JANE_URL)])
        self.assertEqual(run.not_found, [NOBODY_URL])
        self.assertEqual(server.requests(SINGLE), 3)
        self.assertEqual(server.requests(SUBMIT), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""The ctypes binding against the standalone fake server."""
import os
import signal
import tempfile
import threading
import time
import unittest
import warnings

from _support import IDS, QUERY, SUBMIT, FakeServer, people, pubrio


class BindingTest(unittest.TestCase):
    def setUp(self):
        self.server = FakeServer("--estimated-time", "0",
                                 "--complete-after-polls", "1")
        self.client = pubrio.Client("test-key", base_url=self.server.url,
                                    timeout=10)

    def tearDown(self):
        self.client.close()
        self.server.stop()

    def test_version(self):
        self.assertRegex(pubrio.version(), r"^\d+\.\d+\.\d+$")

    def test_submit_query_wait(self):
        job = self.client.submit(IDS, ["email-work", "phone"], profile_id=5)
        self.assertFalse(job["is_completed"])
        self.assertEqual(job["estimated_time_ms"], 0)
        state = self.client.query(job["redeem_query_id"])
        self.assertFalse(state["query"]["is_completed"])
        self.assertEqual(state["people"], [])
        done = self.client.wait(job["redeem_query_id"], timeout=30,
                                min_delay=0.05, max_delay=0.1)
        self.assertTrue(done["query"]["is_completed"])
        people = {p["people_search_id"]: p for p in done["people"]}
        self.assertEqual(set(people), set(IDS))
        jane = people[IDS[0]]
        self.assertEqual(jane["emails"], [{"value": "w.540574d1@work.example",
                                           "type": "email-work",
                                           "status": "Verified"}])
        self.assertEqual(jane["phones"][0]["type"], "phone")
        self.assertIsNone(jane["phones"][0]["status"])
        self.assertEqual(people[IDS[2]]["emails"], [])
        self.assertEqual(done["credits"]["total_charged_credit"], 4)

    def test_redeem_iterates_people(self):
        people = list(self.client.redeem(IDS[:2], ["email-personal"],
                                         timeout=30))
        self.assertEqual(sorted(p["people_search_id"] for p in people),
                         sorted(IDS[:2]))
        self.assertEqual(self.server.requests(SUBMIT), 1)
        with self.assertRaises(TypeError):
            list(self.client.redeem(IDS[0], ["phone"]))  # one string
        with self.assertRaises(TypeError):
            list(self.client.redeem(IDS[:1], "phone"))

    def test_invalid_input_raises_before_sending(self):
        with self.assertRaises(pubrio.InvalidArgument) as ctx:
            self.client.submit(["not-a-uuid"], ["phone"])
        self.assertIn("not-a-uuid", ctx.exception.message)
        self.assertIsInstance(ctx.exception, ValueError)
        with self.assertRaises(pubrio.InvalidArgument):
            self.client.submit(IDS, ["fax"])
        with self.assertRaises(pubrio.InvalidArgument):
            self.client.query("42")
        self.assertEqual(self.server.requests(), 0)

    def test_typed_errors_carry_details(self):
        self.server.script(SUBMIT, 400, '{"code":40001,"message":"peoples is '
                           'invalid","details":{"field":"peoples"}}')
        with self.assertRaises(pubrio.BadRequest) as ctx:
            self.client.submit(IDS, ["phone"])
        e = ctx.exception
        self.assertEqual((e.http_status, e.code), (400, 40001))
        self.assertEqual(e.api_message, "peoples is invalid")
        self.assertEqual(e.details, {"field": "peoples"})
        self.assertTrue(e.request_id.startswith("req-"))

        self.server.script(SUBMIT, 429, '{"error":"slow down"}', times=1,
                           header_name="Retry-After", header_value="3600")
        with self.assertRaises(pubrio.RateLimited) as ctx:
            self.client.submit(IDS, ["phone"])
        self.assertEqual(ctx.exception.retry_after_ms, 3600000)

        self.server.script(SUBMIT, 500, '{"error":"boom"}')
        with self.assertRaises(pubrio.ServerError) as ctx:
            self.client.submit(IDS, ["phone"])
        self.assertEqual(ctx.exception.attempts, 1)

        with pubrio.Client("wrong", base_url=self.server.url) as other:
            with self.assertRaises(pubrio.Unauthorized):
                other.submit(IDS, ["phone"])

    def test_wait_timeout(self):
        job = self.client.submit(IDS, ["phone"])
        self.server.script(QUERY, 200, '{"data":{"query":{"redeem_query_id":"'
                           + job["redeem_query_id"] +
                           '","is_completed":false}}}', times=100)
        with self.assertRaises(pubrio.WaitTimeout):
            self.client.wait(job["redeem_query_id"], timeout=0.3,
                             min_delay=0.1, max_delay=0.1)

    def test_no_key(self):
        old = os.environ.pop("PUBRIO_API_KEY", None)
        try:
            with self.assertRaises(pubrio.NoApiKey):
                pubrio.Client()
        finally:
            if old is not None:
                os.environ["PUBRIO_API_KEY"] = old


class ServerTest(unittest.TestCase):
    """A fresh fake server (batches ready at once) for each test."""

    def setUp(self):
        self.server = FakeServer("--estimated-time", "0")

    def tearDown(self):
        self.server.stop()


class CreditSafetyTest(ServerTest):

    def assert_ctrl_c_stops(self, call):
        """Ctrl-C 0.3 s into @call against a hung submit: KeyboardInterrupt
        within a second of it."""
        self.server.script(SUBMIT, 200, "{}", delay_ms=30000)
        timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        start = time.monotonic()
        with self.assertRaises(KeyboardInterrupt):
            call()
        self.assertLess(time.monotonic() - start, 0.3 + 1.0)
        timer.join()

    def test_ctrl_c_during_a_hung_call_is_keyboard_interrupt(self):
        client = pubrio.Client("test-key", base_url=self.server.url)
        self.assert_ctrl_c_stops(lambda: client.submit(IDS[:1], ["phone"]))
        # The client works again afterwards.
        job = client.submit(IDS[:1], ["phone"])
        self.assertTrue(job["redeem_query_id"])
        client.close()

    def test_errors_say_whether_credits_were_spent(self):
        client = pubrio.Client("test-key", base_url=self.server.url)
        self.server.script(SUBMIT, 503, "")
        with self.assertRaises(pubrio.ServerError) as ctx:
            client.submit(IDS[:1], ["phone"])
        self.assertEqual(ctx.exception.submit_state, "uncertain")
        self.server.script(SUBMIT, 402, '{"error":"no credits"}')
        with self.assertRaises(pubrio.PaymentRequired) as ctx:
            client.submit(IDS[:1], ["phone"])
        self.assertEqual(ctx.exception.submit_state, "not_spent")
        self.server.script(QUERY, 400, '{"code":1,"message":"no"}')
        with self.assertRaises(pubrio.BadRequest) as ctx:
            list(client.redeem(IDS[:1], ["phone"], timeout=5))
        self.assertEqual(ctx.exception.uncollected,
                         [("00000000-0000-4000-8000-000000000001", 1)])
        client.close()

    def test_bulk_iterator_with_journal_resumes(self):
        import tempfile
        client = pubrio.Client("test-key", base_url=self.server.url)
        ids = ["20000000-0000-4000-8000-%012d" % i for i in range(250)]
        with tempfile.TemporaryDirectory() as tmp:
            journal = os.path.join(tmp, "run.journal")
            got = []
            # One request at a time: no submit is in flight at the break
            # (one that is gets cut, and its people stay uncertain).
            for person in client.redeem(ids, ["phone"], journal=journal,
                                        parallel=1):
                got.append(person["people_search_id"])
                if len(got) == 100:
                    break  # the caller stops early: the journal stays valid
            again = [p["people_search_id"]
                     for p in client.redeem(ids, ["phone"], journal=journal)]
        self.assertEqual(sorted(again), sorted(ids))
        self.assertEqual(self.server.stats()["max_submits_per_person"], 1)
        client.close()

    def test_ctrl_c_during_the_iterator(self):
        # A run drains on the first Ctrl-C (a submit in flight may still
        # answer: its batch would be paid); the second cuts it, and its
        # people are named as maybe charged.
        client = pubrio.Client("test-key", base_url=self.server.url)
        self.server.script(SUBMIT, 200, "{}", delay_ms=30000)
        timers = [threading.Timer(t, os.kill, (os.getpid(), signal.SIGINT))
                  for t in (0.3, 1.3)]
        for timer in timers:
            timer.start()
        start = time.monotonic()
        with self.assertLogs("pubrio", "WARNING") as logs, \
                self.assertRaises(KeyboardInterrupt) as ctx:
            list(client.redeem(IDS, ["phone"]))
        took = time.monotonic() - start
        self.assertGreater(took, 1.2)  # the first Ctrl-C did not cut it
        self.assertLess(took, 1.3 + 1.0)
        self.assertEqual(len(logs.output), 1, logs.output)
        self.assertIn("3 people submitted without a conclusive answer",
                      logs.output[0])
        self.assertEqual(sorted(ctx.exception.uncertain), sorted(IDS))
        for timer in timers:
            timer.join()
        client.close()


class PythonTouchesTest(ServerTest):

    def test_cancel_stops_the_call_then_the_client_runs_again(self):
        with pubrio.Client("test-key", base_url=self.server.url) as client:
            batch = client.submit(IDS[:1], ["phone"])
            self.server.script(QUERY, 200, '{"data":{"query":{"redeem_query'
                               '_id":"%s","is_completed":false}}}'
                               % batch.redeem_query_id, times=100000)
            timer = threading.Timer(0.3, client.cancel)
            timer.start()
            start = time.monotonic()
            with self.assertRaises(pubrio.Cancelled):
                client.wait(batch.redeem_query_id, timeout=60,
                            min_delay=0.05)
            timer.join()
            self.assertLess(time.monotonic() - start, 5)
            client.cancel()  # nothing runs: the next call is the one cut
            with self.assertRaises(pubrio.Cancelled):
                client.usage()
            self.assertIsInstance(client.usage(), pubrio.Usage)

    def test_messages_name_python_calls_not_c_or_the_cli(self):
        # Issue 31 item 3: a JSON-lines journal of 0.2 is refused with
        # advice on collecting its batches: in Python, client.wait().
        with tempfile.TemporaryDirectory() as tmp, \
                pubrio.Client("test-key", base_url=self.server.url) as client:
            journal = os.path.join(tmp, "old.journal")
            with open(journal, "w", encoding="utf-8") as f:
                f.write('{"batch":1,"redeem_query_id":"x"}\n')
            with self.assertRaises(pubrio.JournalError) as ctx:
                client.redeem(IDS, ["phone"], journal=journal)
        message = str(ctx.exception)
        self.assertIn("collect its accepted batches with "
                      "client.wait(redeem_query_id)", message)
        self.assertNotIn("pubrio query", message)
        self.assertNotRegex(message, r"pubrio_\w+\(")
        self.assertEqual(self.server.requests(), 0)

    def test_exceptions_fit_python_and_say_things_once(self):
        self.assertTrue(issubclass(pubrio.Timeout, TimeoutError))
        self.assertTrue(issubclass(pubrio.WaitTimeout, TimeoutError))
        self.assertTrue(issubclass(pubrio.TransportError, ConnectionError))
        env = os.environ.pop("PUBRIO_API_KEY", None)
        try:
            with self.assertRaises(pubrio.NoApiKey) as ctx:
                pubrio.Client()
        finally:
            if env is not None:
                os.environ["PUBRIO_API_KEY"] = env
        self.assertEqual(str(ctx.exception).count("no API key"), 1)

    def test_strings_are_not_lists_and_closed_clients_say_so(self):
        client = pubrio.Client("test-key", base_url=self.server.url,
                               connect_timeout=2)
        with self.assertRaises(TypeError):
            client.submit(IDS[0], ["phone"])
        with self.assertRaises(TypeError):
            client.submit(IDS[:1], "phone")
        client.close()
        with self.assertRaisesRegex(pubrio.ClientClosed, "closed"):
            client.query(IDS[0])
        self.assertEqual(self.server.requests(), 0)

    def test_a_client_has_one_helper_thread_which_ends_with_it(self):
        before = threading.active_count()
        client = pubrio.Client("test-key", base_url=self.server.url)
        for _ in range(5):
            client.submit(IDS[:1], ["phone"])
        self.assertEqual(threading.active_count(), before + 1)
        dropped = pubrio.Client("test-key", base_url=self.server.url)
        dropped.submit(IDS[:1], ["phone"])
        client.close()
        del dropped  # freed without close(): its thread ends too
        deadline = time.monotonic() + 5
        while threading.active_count() > before and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(threading.active_count(), before)

    def test_logging_headers_and_version(self):
        with self.assertLogs("pubrio", level="INFO") as logs:
            client = pubrio.Client("test-key", base_url=self.server.url,
                                   log_level=20, headers={"X-Trace": "t1"},
                                   user_agent="tests/1")
            client.submit(IDS[:1], ["phone"])
            client.close()
        self.assertTrue(any("POST" in line for line in logs.output))
        self.assertFalse(any("test-key" in line for line in logs.output))


class TypedResultsTest(ServerTest):
    def setUp(self):
        super().setUp()
        self.client = pubrio.Client("test-key", base_url=self.server.url)

    def tearDown(self):
        self.client.close()
        super().tearDown()

    def test_results_are_typed_and_read_as_dicts(self):
        job = self.client.submit(IDS[:1], ["email-work"])
        self.assertIsInstance(job, pubrio.Batch)
        self.assertEqual(job.redeem_query_id, job["redeem_query_id"])
        done = self.client.wait(job.redeem_query_id, timeout=30,
                                min_delay=0.05, max_delay=0.1)
        self.assertIsInstance(done, pubrio.QueryResult)
        person = done.people[0]
        self.assertIsInstance(person, pubrio.Person)
        self.assertIsInstance(person.emails[0], pubrio.Contact)
        self.assertEqual(person.emails[0].type, "email-work")
        self.assertEqual(person.emails[0],
                         {"value": "w.540574d1@work.example",
                          "type": "email-work", "status": "Verified"})
        self.assertIsInstance(done.credits.credit, int)

    def test_plan_is_a_dry_run(self):
        plan = self.client.plan(IDS + IDS[:1], ["phone"])
        self.assertIsInstance(plan, pubrio.Plan)
        self.assertEqual(plan.people, 3)
        self.assertEqual(plan["duplicates"], 1)
        self.assertEqual(plan["batches"], 1)
        self.assertEqual(plan["planned_requests"], 2)
        self.assertEqual(self.server.requests(), 0)

    def test_plan_on_a_new_journal_only_reads(self):
        # Issue 26 item 16: a plan neither creates nor locks the journal,
        # and warns of nothing (it drives no run, so it has none to name).
        with tempfile.TemporaryDirectory() as tmp:
            journal = os.path.join(tmp, "new.journal")
            with self.assertNoLogs("pubrio", "WARNING"), \
                    warnings.catch_warnings():
                warnings.simplefilter("error")
                plan = self.client.plan(people(250), ["phone"],
                                        journal=journal)
            self.assertEqual(plan["batches"], 3)
            self.assertEqual(plan["people_journaled"], 0)
            self.assertFalse(os.path.exists(journal))
            self.assertEqual(os.listdir(tmp), [])
            # A journal holding batches paid for and not collected: the
            # plan counts them and names none of them (no run left them).
            self.server.script(QUERY, 400, '{"code":1,"message":"no"}',
                               times=50)
            with self.assertLogs("pubrio", "WARNING"), \
                    self.assertRaises(pubrio.BadRequest):
                list(self.client.redeem(IDS[:2], ["phone"], journal=journal,
                                        batch_size=1, parallel=2))
            with open(journal, "rb") as f:
                before = f.read()
            with self.assertNoLogs("pubrio", "WARNING"):
                plan = self.client.plan(IDS, ["phone"], journal=journal)
            self.assertEqual(plan["people_journaled"], 2)
            self.assertEqual(plan["people_to_submit"], 1)
            with open(journal, "rb") as f:
                self.assertEqual(f.read(), before)



class RedeemAndWaitTest(unittest.TestCase):
    """Issue 31 item 4: one call submits and waits, its first poll at the
    batch's estimate; item 3: its failure names the Python call to resume
    with, never a C function."""

    def test_polls_once_for_a_batch_ready_at_its_estimate(self):
        server = FakeServer("--estimated-time", "1", "--complete-after-ms",
                            "1000")
        self.addCleanup(server.stop)
        with pubrio.Client("test-key", base_url=server.url) as client:
            done = client.redeem_and_wait(IDS[:2], ["email-work", "phone"])
        self.assertTrue(done.query.is_completed)
        self.assertEqual(sorted(p.people_search_id for p in done.people),
                         sorted(IDS[:2]))
        self.assertEqual(server.requests(SUBMIT), 1)
        self.assertEqual(server.requests(QUERY), 1)

    def test_a_failed_wait_names_the_python_call_to_resume(self):
        server = FakeServer("--estimated-time", "0")
        self.addCleanup(server.stop)
        server.script(QUERY, 400, '{"code":1,"message":"no"}', times=1)
        with pubrio.Client("test-key", base_url=server.url) as client:
            with self.assertRaises(pubrio.BadRequest) as ctx:
                client.redeem_and_wait(IDS[:1], ["phone"], min_delay=0.01)
            err = ctx.exception
            self.assertEqual(err.submit_state, "accepted")
            self.assertIn("client.wait(%r)" % err.redeem_query_id, str(err))
            self.assertNotRegex(str(err), r"pubrio_\w+\(")
            done = client.wait(err.redeem_query_id, min_delay=0.01)
        self.assertEqual(done.people[0].people_search_id, IDS[0])
        self.assertEqual(server.requests(SUBMIT), 1)  # collected, not resent

    def test_bad_input_is_refused_before_anything_is_sent(self):
        server = FakeServer("--estimated-time", "0")
        self.addCleanup(server.stop)
        with pubrio.Client("test-key", base_url=server.url) as client:
            with self.assertRaises(pubrio.InvalidArgument):
                client.redeem_and_wait(IDS, ["email_work"])
            with self.assertRaises(pubrio.InvalidArgument):
                client.redeem_and_wait(IDS, ["phone"], timeout=float("nan"))
            with self.assertRaises(pubrio.InvalidType):
                client.redeem_and_wait(IDS[0], ["phone"])
        self.assertEqual(server.requests(), 0)


class AccountTest(unittest.TestCase):
    """profile() and usage() read the plan's prices and quotas (free), and a
    run prices its budget with them."""

    def test_prices_and_quotas_are_read(self):
        server = FakeServer("--estimated-time", "0", "--email-price", "15",
                            "--phone-price", "30", "--quota", "60/1h")
        self.addCleanup(server.stop)
        with pubrio.Client("test-key", base_url=server.url) as client:
            profile = client.profile()
            self.assertIsInstance(profile, pubrio.Profile)
            self.assertEqual((profile.email_price, profile.phone_price),
                             (15, 30))
            self.assertEqual(profile.max_hourly_requests, 60)
            self.assertEqual(profile["max_hourly_requests"], 60)  # as before
            self.assertIsInstance(profile.credit, int)
            usage = client.usage()
            self.assertIsInstance(usage, pubrio.Usage)
            self.assertEqual(usage.hourly_allowed, 60)
            self.assertGreaterEqual(usage.hourly_used, 2)
            self.assertEqual(usage.daily_allowed, 0)  # no such quota
            self.assertEqual(server.requests(SUBMIT), 0)
            # 30 a phone: a budget of 45 allows one person at a time.
            with self.assertRaises(pubrio.CreditBudget):
                list(client.redeem(IDS[:5], ["phone"], batch_size=1,
                                   max_credits=45))
            self.assertLessEqual(server.stats()["people_submitted"], 2)

if __name__ == "__main__":
    unittest.main(verbosity=2)

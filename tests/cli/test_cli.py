"""The real `pubrio` binary against the standalone fake server: every option
and exit code, a journal resume after Ctrl-C and after a hard kill."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fake_server"))
from fake_server import QUERY, SUBMIT, FakeServer  # noqa: E402

CLI = os.environ.get("PUBRIO_CLI", "pubrio")


def ids(n, seed=0):
    return [str(uuid.UUID(int=(seed << 64) + i + 1, version=4)) for i in range(n)]


class CliTest(unittest.TestCase):
    server_args = ("--estimated-time", "0")

    def setUp(self):
        self.server = FakeServer(*self.server_args)
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.server.stop()
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def write(self, name, lines):
        with open(self.path(name), "w") as f:
            f.write("\n".join(lines) + "\n")
        return self.path(name)

    def run_cli(self, *args, stdin=None, key="test-key", timeout=120):
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY=key)
        return subprocess.run([CLI, *args], input=stdin, capture_output=True,
                              text=True, env=env, timeout=timeout)

    def people(self, stdout):
        return [json.loads(line) for line in stdout.splitlines() if line]


class Basics(CliTest):
    def test_help_and_version(self):
        r = self.run_cli("--help")
        self.assertEqual(r.returncode, 0)
        for word in ("--types", "--journal", "--rate", "--format", "exit codes"):
            self.assertIn(word, r.stdout)
        r = self.run_cli("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^pubrio \d+\.\d+\.\d+")

    def test_usage_errors_exit_2_and_send_nothing(self):
        cases = [
            ("redeem", ids(1)[0]),                       # no --types
            ("redeem", "--types", "fax", ids(1)[0]),     # bad type
            ("redeem", "--types", "phone"),              # no ids
            ("redeem", "--types", "phone", "--batch-size", "0", ids(1)[0]),
            ("redeem", "--types", "phone", "--format", "csv", ids(1)[0]),
            ("redeem", "--types", "phone", "--bogus"),
            ("frobnicate",),
            ("query",),
            ("query", "not-a-uuid"),
        ]
        for args in cases:
            with self.subTest(args=args):
                r = self.run_cli(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertTrue(r.stderr.startswith("pubrio:"), r.stderr)
        self.assertEqual(self.server.requests(), 0)

    def test_no_api_key_is_usage_error(self):
        r = self.run_cli("redeem", "--types", "phone", ids(1)[0], key="")
        self.assertEqual(r.returncode, 2)
        self.assertIn("API key", r.stderr)
        self.assertEqual(self.server.requests(), 0)

    def test_bad_lines_named_and_nothing_sent(self):
        good = ids(3)
        f = self.write("in.txt", [good[0], "nope", good[1], "",
                                  "# fine", good[2] + "x", "  " + good[2]])
        r = self.run_cli("redeem", "--types", "phone", "--input", f)
        self.assertEqual(r.returncode, 2)
        self.assertIn("line 2:", r.stderr)
        self.assertIn("line 6:", r.stderr)
        self.assertNotIn("line 1:", r.stderr)
        self.assertIn("2 invalid ids", r.stderr)
        self.assertEqual(self.server.requests(), 0)

    def test_submit_only_prints_one_line_per_batch(self):
        people = ids(250)
        f = self.write("in.txt", people)
        r = self.run_cli("redeem", "--types", "email-work,phone",
                         "--profile-id", "77", "--input", f)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Batches go out concurrently: each is printed once, as accepted.
        batches = sorted(self.people(r.stdout), key=lambda b: b["batch"])
        self.assertEqual([b["batch"] for b in batches], [1, 2, 3])
        self.assertEqual([b["people"] for b in batches], [100, 100, 50])
        for b in batches:
            self.assertEqual(set(b), {"batch", "people", "redeem_query_id",
                                      "is_completed", "estimated_time_ms"})
        stats = self.server.stats()
        self.assertEqual(stats["requests"], {SUBMIT: 3})
        body = json.loads(stats["last_submit_body"])
        self.assertEqual(body["profile_id"], 77)
        self.assertEqual(body["people_contact_types"], ["email-work", "phone"])

    def test_file_with_duplicates_and_comments_waits_for_everyone(self):
        people = ids(2500)
        lines = ["# header comment"]
        for i, p in enumerate(people):
            lines.append(p.upper() if i % 7 == 0 else p)
            if i % 10 == 0:
                lines.append("   " + p + "   # again")
            if i % 50 == 0:
                lines.append("")
        f = self.write("in.txt", lines)
        r = self.run_cli("redeem", "--types", "email-personal", "--wait",
                         "--input", f)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("250 duplicate ids dropped", r.stderr)
        out = self.people(r.stdout)
        self.assertEqual(sorted(p["people_search_id"] for p in out), sorted(people))
        for p in out:
            self.assertEqual(p["phones"], [])
            for e in p["emails"]:
                self.assertEqual(e["type"], "email-personal")
        stats = self.server.stats()
        self.assertEqual(stats["requests"][SUBMIT], 25)
        self.assertEqual(stats["max_submits_per_person"], 1)

    def test_stdin_and_csv(self):
        people = ids(5)
        r = self.run_cli("redeem", "--types", "email-work,phone", "--wait",
                         "--format", "csv", "-", stdin="\n".join(people))
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = r.stdout.splitlines()
        self.assertEqual(rows[0], "people_search_id,type,value,status")
        ids_seen = {row.split(",")[0] for row in rows[1:]}
        self.assertTrue(ids_seen <= set(people))
        for row in rows[1:]:
            pid, typ, value, status = row.split(",")
            self.assertIn(typ, ("email-work", "phone"))
            self.assertEqual(status, "Verified" if typ == "email-work" else "")

    def test_query_subcommand(self):
        r = self.run_cli("redeem", "--types", "phone", *ids(2))
        qid = self.people(r.stdout)[0]["redeem_query_id"]
        r = self.run_cli("query", qid)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.people(r.stdout)), 2)
        r = self.run_cli("query", "00000000-0000-4000-8000-0000000000ff")
        self.assertEqual(r.returncode, 3)
        self.assertIn("code 40004", r.stderr)
        self.assertIn("request id", r.stderr)

    def test_quiet_and_verbose(self):
        people = ids(3)
        r = self.run_cli("redeem", "--types", "phone", "-q", *people, people[0])
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stderr, "")
        r = self.run_cli("redeem", "--types", "phone", "-v", "--wait", *people)
        self.assertEqual(r.returncode, 0)
        self.assertIn("batches 1/1", r.stderr)
        self.assertIn("POST ", r.stderr)
        self.assertNotIn("test-key", r.stderr)


class ExitCodes(CliTest):
    def expect(self, status, code, extra=(), **script):
        self.server.script(SUBMIT, status, script.pop("body", "{}"), **script)
        r = self.run_cli("redeem", "--types", "phone", *extra, ids(1)[0])
        self.assertEqual(r.returncode, code, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        return r

    def test_rejections_exit_3(self):
        r = self.expect(400, 3, body='{"code":40001,"message":"nope","details":{}}')
        self.assertIn("code 40001", r.stderr)
        self.assertIn("nope", r.stderr)
        self.expect(402, 3, body='{"error":"Insufficient credits"}')
        self.expect(403, 3)
        r = self.run_cli("redeem", "--types", "phone", ids(1)[0], key="wrong")
        self.assertEqual(r.returncode, 3)
        self.assertIn("HTTP 401", r.stderr)

    def test_429_is_a_wait_not_the_end(self):
        # A 429 proves nothing was processed: the run waits and submits the
        # batch again, however few retries a single call gets.
        self.server.script(SUBMIT, 429,
                           '{"error":"Request rate limit exceeded."}', times=2)
        start = time.monotonic()
        r = self.run_cli("redeem", "--types", "phone", "--retries", "0",
                         "--wait", *ids(3))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.people(r.stdout)), 3)
        self.assertEqual(self.server.requests(SUBMIT), 3)
        # Refused submits were not processed: nobody was charged twice.
        self.assertEqual(self.server.stats()["max_submits_per_person"], 1)
        self.assertGreater(time.monotonic() - start, 1.0)  # it waited

    def test_server_failure_exit_5_and_single_submit(self):
        self.expect(500, 5, body='{"error":"boom"}', times=5)
        self.assertEqual(self.server.requests(SUBMIT), 1)
        self.expect(502, 5, body="<html>bad gateway</html>",
                    content_type="text/html")

    def test_timeout_exit_5(self):
        self.server.script(SUBMIT, 200, "{}", delay_ms=5000)
        start = time.monotonic()
        r = self.run_cli("redeem", "--types", "phone", "--timeout", "1",
                         "--retries", "0", ids(1)[0])
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("timed out", r.stderr)
        self.assertLess(time.monotonic() - start, 4.5)

    def test_transport_failure_exit_5(self):
        # A port held bound but not listening: connections are refused.
        holder = socket.socket()
        holder.bind(("127.0.0.1", 0))
        url = "http://127.0.0.1:%d" % holder.getsockname()[1]
        self.addCleanup(holder.close)
        env = dict(os.environ, PUBRIO_API_KEY="test-key")
        r = subprocess.run([CLI, "redeem", "--types", "phone", "--retries", "0",
                            "--base-url", url, ids(1)[0]],
                           capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 5)
        self.assertIn("could not connect", r.stderr)


class Deadline(CliTest):
    server_args = ("--estimated-time", "0", "--complete-after-polls", "1000000")

    def test_wait_deadline_exit_6(self):
        start = time.monotonic()
        r = self.run_cli("redeem", "--types", "phone", "--wait", "--max-wait",
                         "2", *ids(3))
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertLess(time.monotonic() - start, 10)
        self.assertIn("is not collected; collect it with: pubrio query",
                      r.stderr)
        # Polls were spaced by at least a second.
        self.assertLessEqual(self.server.requests(QUERY), 3)

    def test_query_wait_deadline_exit_6(self):
        r = self.run_cli("redeem", "--types", "phone", ids(1)[0])
        qid = self.people(r.stdout)[0]["redeem_query_id"]
        r = self.run_cli("query", qid, "--wait", "--max-wait", "1")
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertEqual(json.loads(r.stdout)["is_completed"], False)


def store_rows(journal, sql):
    """Rows of the journal (an SQLite database), read with Python's sqlite3."""
    import sqlite3
    db = sqlite3.connect("file:%s?mode=ro" % journal, uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def store_people(journal, states):
    """The people of the journal's batches in @states, as canonical ids."""
    rows = store_rows(journal, "SELECT p.person FROM batch_people p JOIN "
                      "batches b ON b.number = p.batch WHERE b.state IN (%s)"
                      % ",".join("'%s'" % s for s in states))
    return {str(uuid.UUID(bytes=r[0])) for r in rows}


class Journal(CliTest):
    def start(self, people_file, journal, rate):
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY="test-key")
        return subprocess.Popen(
            [CLI, "redeem", "--types", "email-work", "--wait", "--batch-size",
             "10", "--rate", str(rate), "--journal", journal, "--input",
             people_file], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env)

    def interrupt_midway(self, sig):
        people = ids(300)
        f = self.write("in.txt", people)
        journal = self.path("run.journal")
        # 20 requests a minute: a burst of 20, then a minute's wait for the
        # rest of the 60 requests; the signal lands in that wait or earlier.
        proc = self.start(f, journal, 20)
        time.sleep(2.0)
        proc.send_signal(sig)
        first_out, first_err = proc.communicate(timeout=30)
        first = {p["people_search_id"] for p in self.people(first_out)}
        accepted = store_rows(journal, "SELECT number FROM batches WHERE "
                              "state IN ('accepted', 'collected')")
        self.assertTrue(0 < len(accepted) < 30, first_err)
        # What was handed out was stored first.
        self.assertLessEqual(first, store_people(journal, ["collected"]))
        r = self.run_cli("redeem", "--types", "email-work", "--wait",
                         "--batch-size", "10", "--journal", journal,
                         "--input", f)
        self.assertIn(r.returncode, (0, 9), r.stderr)
        second = {p["people_search_id"] for p in self.people(r.stdout)}
        stats = self.server.stats()
        self.assertEqual(stats["max_submits_per_person"], 1)
        return proc.returncode, first, second, people, r

    def test_ctrl_c_then_resume(self):
        code, first, second, people, r = self.interrupt_midway(signal.SIGINT)
        self.assertEqual(code, 130)
        # A drain: nothing was left uncertain, and the resumed run hands out
        # everyone (what the first run bought from the journal).
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(second, set(people))
        self.assertTrue(first <= second)

    def test_hard_kill_then_resume(self):
        code, first, second, people, r = self.interrupt_midway(signal.SIGKILL)
        self.assertEqual(code, -signal.SIGKILL)
        # Anyone whose submit was in flight is left alone, never sent twice.
        missing = set(people) - second
        self.assertLessEqual(len(missing), 10)  # at most the batch in flight
        if missing:
            self.assertIn("may have charged", r.stderr)
            self.assertEqual(r.returncode, 9, r.stderr)

    def test_rerun_of_a_finished_run_asks_nothing(self):
        journal = self.path("run.journal")
        people = ids(250)
        f = self.write("in.txt", people)
        args = ("redeem", "--types", "email-work,phone", "--wait",
                "--journal", journal, "--input", f)
        first = self.run_cli(*args)
        self.assertEqual(first.returncode, 0, first.stderr)
        before = self.server.requests()
        second = self.run_cli(*args)
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual(self.server.requests(), before)  # not one request
        self.assertEqual(sorted(first.stdout.splitlines()),
                         sorted(second.stdout.splitlines()))
        self.assertIn("250 people already bought", second.stderr)
        self.assertRegex(second.stderr, r"0 credits charged by this run "
                                        r"\(\d+ by earlier runs")

    def test_overlap_buys_only_the_new_half(self):
        journal = self.path("run.journal")
        people = ids(400)
        old, new = people[:200], people[200:]
        self.assertEqual(self.run_cli(
            "redeem", "--types", "phone", "--wait", "--journal", journal,
            "--input", self.write("a.txt", people[:300])).returncode, 0)
        submitted = self.server.stats()["people_submitted"]
        r = self.run_cli("redeem", "--types", "phone", "--wait", "--journal",
                         journal, "--input", self.write("b.txt", old[100:] +
                                                        new))
        self.assertEqual(r.returncode, 0, r.stderr)
        # Only the 100 people the first run did not have were submitted, and
        # the output is exactly this run's input.
        self.assertEqual(self.server.stats()["people_submitted"],
                         submitted + 100)
        out = {p["people_search_id"] for p in self.people(r.stdout)}
        self.assertEqual(out, set(old[100:] + new))
        self.assertEqual(self.server.stats()["max_submits_per_person"], 1)

    def test_missing_types_only_are_bought(self):
        journal = self.path("run.journal")
        people = ids(20)
        self.assertEqual(self.run_cli("redeem", "--types", "phone", "--wait",
                                      "--journal", journal,
                                      *people).returncode, 0)
        r = self.run_cli("redeem", "--types", "phone,email-work", "--wait",
                         "--journal", journal, *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        body = json.loads(self.server.stats()["last_submit_body"])
        self.assertEqual(body["people_contact_types"], ["email-work"])
        out = self.people(r.stdout)
        self.assertEqual(len(out), 20)
        self.assertTrue(any(p["phones"] for p in out))   # from the journal
        self.assertTrue(any(p["emails"] for p in out))   # bought now
        # --refresh buys both again.
        r = self.run_cli("redeem", "--types", "phone,email-work", "--wait",
                         "--refresh", "--journal", journal, *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        body = json.loads(self.server.stats()["last_submit_body"])
        self.assertEqual(body["people_contact_types"], ["email-work", "phone"])

    def test_uncertain_people_are_not_resent(self):
        # A submit without a conclusive answer (here a 408): the API may have
        # charged, so those people stay unsent unless asked.
        journal = self.path("run.journal")
        people = ids(4)
        self.server.script(SUBMIT, 408, '{"error":"timeout"}')
        r = self.run_cli("redeem", "--types", "phone", "--batch-size", "2",
                         "--parallel", "1", "--journal", journal, *people[:2])
        self.assertEqual(r.returncode, 5, r.stderr)
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         *people)
        self.assertEqual(r.returncode, 9, r.stderr)
        self.assertIn("2 people were being submitted", r.stderr)
        self.assertIn("2 people are uncertain", r.stderr)
        sent = json.loads(self.server.stats()["last_submit_body"])["peoples"]
        self.assertEqual(sorted(sent), sorted(people[2:]))
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         "--resubmit-uncertain", *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        sent = json.loads(self.server.stats()["last_submit_body"])["peoples"]
        self.assertEqual(sorted(sent), sorted(people[:2]))

    def test_export_and_status_need_no_key_and_no_request(self):
        journal = self.path("run.journal")
        people = ids(30)
        r = self.run_cli("redeem", "--types", "email-work,phone", "--wait",
                         "--journal", journal, *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        bought = sorted(r.stdout.splitlines())
        before = self.server.requests()
        env = dict(os.environ)
        env.pop("PUBRIO_API_KEY", None)
        env["PUBRIO_BASE_URL"] = "http://127.0.0.1:9"  # nothing may be asked
        out = subprocess.run([CLI, "export", "--journal", journal],
                             capture_output=True, text=True, env=env)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(sorted(out.stdout.splitlines()), bought)
        csv = subprocess.run([CLI, "export", "--journal", journal, "--format",
                              "csv"], capture_output=True, text=True, env=env)
        self.assertEqual(csv.returncode, 0, csv.stderr)
        self.assertEqual(csv.stdout.splitlines()[0],
                         "people_search_id,type,value,status")
        st = subprocess.run([CLI, "status", "--journal", journal],
                            capture_output=True, text=True, env=env)
        self.assertEqual(st.returncode, 0, st.stderr)
        self.assertIn("people bought: 30", st.stdout)
        self.assertRegex(st.stdout, r"\n1 +\S+ \S+ +email-work,phone +1 +0 +0 +0 ")
        self.assertEqual(self.server.requests(), before)
        missing = subprocess.run([CLI, "status", "--journal",
                                  self.path("nope.journal")],
                                 capture_output=True, text=True, env=env)
        self.assertEqual(missing.returncode, 2)
        self.assertFalse(os.path.exists(self.path("nope.journal")))


def wait_for(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


class CreditSafety(CliTest):
    """The issue's hostile cases, one test each, with the real binary."""

    def popen(self, *args, key="test-key", **kw):
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY=key)
        return subprocess.Popen([CLI, *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env,
                                **kw)

    def test_second_run_on_a_journal_is_refused(self):
        journal = self.path("j.jsonl")
        people = ids(10)
        # Hold the first run in its submit for 3 s.
        self.server.script(SUBMIT, 500, "{}", delay_ms=3000)
        first = self.popen("redeem", "--types", "phone", "--journal", journal,
                           *people)
        self.assertTrue(wait_for(lambda: self.server.requests(SUBMIT) == 1))
        start = time.monotonic()
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         *people)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertLess(time.monotonic() - start, 2)
        self.assertIn("in use by another run", r.stderr)
        first.communicate(timeout=30)
        self.assertEqual(self.server.requests(SUBMIT), 1)

    def test_408_is_uncertain_never_resent(self):
        journal = self.path("j.journal")
        people = ids(3)
        self.server.script(SUBMIT, 408, '{"error":"timeout"}')
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         *people)
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("may have charged", r.stderr)
        for p in people:  # each uncertain person is named
            self.assertIn(p, r.stderr)
        self.assertEqual(store_rows(journal, "SELECT state FROM batches"),
                         [("intent",)])
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         *people)
        self.assertIn("3 people were being submitted", r.stderr)
        self.assertEqual(self.server.requests(SUBMIT), 1)
        # A provable refusal is journaled as such and resent next time.
        journal2 = self.path("j2.journal")
        self.server.script(SUBMIT, 422, '{"error":"unprocessable"}')
        self.run_cli("redeem", "--types", "phone", "--journal", journal2,
                     *people)
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal2,
                         *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.server.requests(SUBMIT), 3)
        sent = json.loads(self.server.stats()["last_submit_body"])["peoples"]
        self.assertEqual(sorted(sent), sorted(people))

    def test_ctrl_c_without_journal_names_every_paid_batch(self):
        server = FakeServer("--estimated-time", "0",
                            "--complete-after-polls", "1000000")
        self.addCleanup(server.stop)
        env = dict(os.environ, PUBRIO_BASE_URL=server.url,
                   PUBRIO_API_KEY="test-key")
        proc = subprocess.Popen(
            [CLI, "redeem", "--types", "phone", "--wait", "--batch-size", "2",
             *ids(6)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env)
        self.assertTrue(wait_for(lambda: server.requests(SUBMIT) == 3))
        time.sleep(0.3)
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        self.assertLess(time.monotonic() - start, 1.0)
        self.assertEqual(proc.returncode, 130, err)
        for n in (1, 2, 3):
            qid = "00000000-0000-4000-8000-%012x" % n
            self.assertIn("pubrio query %s --wait" % qid, err)

    def test_journal_that_cannot_be_written_sends_nothing(self):
        import resource

        def small_files():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (150, 150))

        journal = self.path("j.journal")
        proc = self.popen("redeem", "--types", "phone", "--wait", "--journal",
                          journal, ids(1)[0], preexec_fn=small_files)
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 2, err)
        self.assertIn("journal", err)
        self.assertEqual(self.server.requests(), 0)

    def test_first_signal_drains_second_cuts(self):
        # A hung submit: the first SIGTERM lets it finish (nothing new
        # starts), the second cuts it and names its people as uncertain.
        self.server.script(SUBMIT, 200, "{}", delay_ms=30000)
        proc = self.popen("redeem", "--types", "phone", ids(1)[0])
        self.assertTrue(wait_for(lambda: self.server.requests(SUBMIT) == 1))
        proc.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        self.assertIsNone(proc.poll())  # still waiting for the answer
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
        self.assertLess(time.monotonic() - start, 1.0)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("Ctrl-C again cuts them", err)
        self.assertIn("may have charged for its 1 person", err)
        self.assertIn(ids(1)[0], err)

    def test_drain_keeps_the_answer_of_a_slow_submit(self):
        # Ctrl-C while a submit is in flight: its answer still comes, so the
        # paid batch is named, not lost.
        server = FakeServer("--estimated-time", "0", "--latency-ms", "1500",
                            "--complete-after-polls", "1000000")
        self.addCleanup(server.stop)
        env = dict(os.environ, PUBRIO_BASE_URL=server.url,
                   PUBRIO_API_KEY="test-key")
        proc = subprocess.Popen([CLI, "redeem", "--types", "phone", "--wait",
                                 *ids(2)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        self.assertTrue(wait_for(lambda: server.stats()["max_concurrent"]))
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("pubrio query 00000000-0000-4000-8000-000000000001 "
                      "--wait", err)
        self.assertNotIn("may have charged", err)

    def test_max_wait_bounds_a_hung_server(self):
        self.server.script(QUERY, 200, "{}", delay_ms=30000, times=20)
        start = time.monotonic()
        r = self.run_cli("redeem", "--types", "phone", "--wait", "--max-wait",
                         "2", ids(1)[0])
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertLess(time.monotonic() - start, 3.5)
        self.assertIn("pubrio query 00000000-0000-4000-8000-000000000001",
                      r.stderr)
        start = time.monotonic()
        r = self.run_cli("query", "00000000-0000-4000-8000-000000000001",
                         "--wait", "--max-wait", "2")
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertLess(time.monotonic() - start, 3.5)

    def test_control_characters_are_escaped(self):
        self.server.script(SUBMIT, 400, json.dumps(
            {"code": 1, "message": "\x1b[2K\rall good\x07\u009b"}))
        r = self.run_cli("redeem", "--types", "phone", ids(1)[0])
        self.assertEqual(r.returncode, 3)
        for ch in ("\x1b", "\r", "\x07", "\u009b"):
            self.assertNotIn(ch, r.stderr)
        self.assertIn("\\u001b[2K\\u000dall good", r.stderr)
        # A bad input line is echoed escaped too.
        r = self.run_cli("redeem", "--types", "phone", "-",
                         stdin="\x1b]0;pwned\x07\n")
        self.assertEqual(r.returncode, 2)
        self.assertNotIn("\x1b", r.stderr)
        self.assertIn("\\x1b]0;pwned\\x07", r.stderr)
        # Contact values in CSV and JSON.
        person = ids(1)[0]
        answer = {"data": {"query": {
            "redeem_query_id": "",
            "is_completed": True}, "peoples": [{
                "people_search_id": person,
                "emails": [{"value": "a\x1b[31mb\r\nforged,row\u009b\x7f",
                            "type": "email-work", "status": None}]}]}}
        for batch, fmt in ((1, "csv"), (2, "json")):
            answer["data"]["query"]["redeem_query_id"] = (
                "00000000-0000-4000-8000-%012x" % batch)
            self.server.script(QUERY, 200, json.dumps(answer))
            r = self.run_cli("redeem", "--types", "email-work", "--wait",
                             "--format", fmt, person)
            self.assertEqual(r.returncode, 0, r.stderr)
            for ch in ("\x1b", "\r", "\u009b", "\x7f"):
                self.assertNotIn(ch, r.stdout)
            lines = r.stdout.splitlines()
            self.assertEqual(len(lines), 2 if fmt == "csv" else 1, r.stdout)
            if fmt == "json":
                value = json.loads(lines[0])["emails"][0]["value"]
                self.assertEqual(value, "a\x1b[31mb\r\nforged,row\u009b\x7f")

    def test_people_outside_the_batch_are_not_printed(self):
        people = ids(2)
        stranger = ids(1, seed=9)[0]
        answer = {"data": {"query": {
            "redeem_query_id": "00000000-0000-4000-8000-000000000001",
            "is_completed": True}, "peoples": [
                {"people_search_id": p, "emails": [], "phones": []}
                for p in people + [stranger]]}}
        self.server.script(QUERY, 200, json.dumps(answer))
        r = self.run_cli("redeem", "--types", "phone", "--wait", *people)
        # An answer holding another batch's people breaks the contract:
        # nobody of it is printed, the paid batch is named, exit 5.
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertEqual(self.people(r.stdout), [])
        self.assertIn("the answer named 1 people the batch does not hold",
                      r.stderr)
        self.assertIn("pubrio query 00000000-0000-4000-8000-000000000001",
                      r.stderr)

    def test_foreign_or_broken_journals_are_refused(self):
        import sqlite3
        people = ids(2)

        def refused(path, words):
            with open(path, "rb") as f:
                before = f.read()
            mode = os.stat(path).st_mode
            r = self.run_cli("redeem", "--types", "phone", "--journal", path,
                             *people)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(words, r.stderr)
            with open(path, "rb") as f:  # left untouched, byte for byte
                self.assertEqual(f.read(), before)
            self.assertEqual(os.stat(path).st_mode, mode)  # and its mode
            self.assertFalse(os.path.exists(path + "-wal"))

        notes = self.path("notes.sh")
        with open(notes, "w") as f:
            f.write("my precious notes")  # one line, no final newline
        os.chmod(notes, 0o755)  # a mistyped --journal keeps its exec bit
        refused(notes, "not a libpubrio store")
        old = self.write("old.jsonl", [
            '{"journal":"pubrio","version":1,"types":["phone"]}',
            json.dumps({"intent": 1, "people": people})])
        refused(old, "JSON-lines journal")
        other = self.path("other.db")
        db = sqlite3.connect(other)
        db.execute("CREATE TABLE notes(text)")
        db.commit()
        db.close()
        refused(other, "another program")
        # A real journal cut short (a copy that lost its tail).
        good = self.path("good.journal")
        self.assertEqual(self.run_cli("redeem", "--types", "phone", "--journal",
                                      good, people[0]).returncode, 0)
        with open(good, "rb") as f:
            head = f.read(100)
        cut = self.path("cut.journal")
        with open(cut, "wb") as f:
            f.write(head)
        r = self.run_cli("redeem", "--types", "phone", "--journal", cut,
                         *people)
        self.assertEqual(r.returncode, 2, r.stderr)
        for target in ("/dev/zero", self.tmp.name):
            r = self.run_cli("redeem", "--types", "phone", "--journal",
                             target, *people)
            self.assertEqual(r.returncode, 2)
            self.assertIn("pubrio: ", r.stderr)
        # Created 0600; a symbolic link is not followed.
        self.assertEqual(os.stat(good).st_mode & 0o777, 0o600)
        link = self.path("link.journal")
        os.symlink(good, link)
        r = self.run_cli("redeem", "--types", "phone", "--journal", link,
                         *people)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("symbolic link", r.stderr)
        # A dry run reads a journal and never creates one.
        r = self.run_cli("redeem", "--types", "phone", "--dry-run",
                         "--journal", self.path("new.journal"), *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(self.path("new.journal")))
        r = self.run_cli("redeem", "--types", "phone", "--dry-run",
                         "--journal", good, *people)
        self.assertIn("already submitted:  1", r.stdout)  # not collected
        self.assertEqual(self.server.requests(SUBMIT), 1)

    def test_input_lines_are_capped_and_binary_refused(self):
        good = ids(2)
        r = self.run_cli("redeem", "--types", "phone", "-",
                         stdin=good[0] + "\x00junk\n" + good[1] + "\n")
        self.assertEqual(r.returncode, 2)
        self.assertIn("line 1", r.stderr)
        self.assertIn("NUL", r.stderr)
        start = time.monotonic()
        r = self.run_cli("redeem", "--types", "phone", "--input", "/dev/zero")
        self.assertEqual(r.returncode, 2)
        self.assertIn("longer than 1024 bytes", r.stderr)
        self.assertLess(time.monotonic() - start, 5)
        r = self.run_cli("redeem", "--types", "phone", "-",
                         stdin="\ufeff" + good[0] + "\n" + good[1] + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.server.requests(SUBMIT), 1)

    def test_api_key_is_blanked_and_read_from_a_file(self):
        key = "test-key"
        self.server.script(SUBMIT, 200, "{}", delay_ms=2000)
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url)
        env.pop("PUBRIO_API_KEY", None)
        proc = subprocess.Popen([CLI, "redeem", "--types", "phone",
                                 "--api-key", key, ids(1)[0]],
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        self.assertTrue(wait_for(lambda: self.server.requests(SUBMIT) == 1))
        with open("/proc/%d/cmdline" % proc.pid, "rb") as f:
            cmdline = f.read()
        proc.communicate(timeout=30)
        self.assertNotIn(key.encode(), cmdline)
        self.assertIn(b"--api-key", cmdline)
        keyfile = self.write("key.txt", [key])
        r = subprocess.run([CLI, "redeem", "--types", "phone",
                            "--api-key-file", keyfile, ids(1)[0]],
                           capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = subprocess.run([CLI, "redeem", "--types", "phone",
                            "--api-key-file", "-", ids(1)[0]],
                           input=key + "\n", capture_output=True, text=True,
                           env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = subprocess.run([CLI, "redeem", "--types", "phone",
                            "--api-key-file", "-", "-"], input=key + "\n",
                           capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 2)


class Touches(CliTest):
    def test_query_takes_several_ids_and_input(self):
        r = self.run_cli("redeem", "--types", "phone", "--batch-size", "1",
                         *ids(2))
        qids = sorted(b["redeem_query_id"] for b in self.people(r.stdout))
        r = self.run_cli("query", *qids)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.people(r.stdout)), 2)
        r = self.run_cli("query", "--input", "-",
                         stdin="# batches\n" + "\n".join(qids) + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.people(r.stdout)), 2)

    def test_stdin_and_arguments_are_not_merged(self):
        people = ids(2)
        for args in (("--input", "-", people[0]), (people[0], "-")):
            r = self.run_cli("redeem", "--types", "phone", *args,
                             stdin=people[1] + "\n")
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertTrue(r.stderr.startswith("pubrio: "), r.stderr)
        self.assertEqual(self.server.requests(), 0)

    def test_messages_say_things_once(self):
        r = self.run_cli("redeem", "--types", "phone", ids(1)[0], key="")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.count("API key"), 1, r.stderr)
        self.assertTrue(r.stderr.startswith("pubrio: "), r.stderr)


class Bulk(CliTest):
    """The library's bulk engine as the CLI drives it."""

    def test_dry_run_sends_nothing(self):
        people = ids(250)
        r = self.run_cli("redeem", "--types", "phone", "--wait", "--dry-run",
                         "--rate", "120", *people, people[0])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("people to submit:   250", r.stdout)
        self.assertIn("duplicates dropped: 1", r.stdout)
        self.assertIn("batches:            3", r.stdout)
        self.assertIn("requests at least:  6", r.stdout)
        self.assertIn("shortest time:      0 s at 120", r.stdout)
        self.assertEqual(self.server.requests(), 0)

    def test_parallel_requests_and_summary(self):
        server = FakeServer("--estimated-time", "0", "--latency-ms", "200")
        self.addCleanup(server.stop)
        env = dict(os.environ, PUBRIO_BASE_URL=server.url,
                   PUBRIO_API_KEY="test-key")
        start = time.monotonic()
        r = subprocess.run([CLI, "redeem", "--types", "phone", "--wait",
                            "--batch-size", "10", "--parallel", "8",
                            *ids(80)], capture_output=True, text=True,
                           env=env, timeout=60)
        took = time.monotonic() - start
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.people(r.stdout)), 80)
        self.assertGreaterEqual(server.stats()["max_concurrent"], 4)
        self.assertLess(took, 3.2)  # 16 requests of 200 ms one at a time
        self.assertRegex(r.stderr, r"pubrio: 80 people handed out, 8 "
                                   r"batches collected, 16 requests, \d+ "
                                   r"credits charged by this run")

    def test_max_credits_stops_before_overspending(self):
        r = self.run_cli("redeem", "--types", "phone,email-work", "--wait",
                         "--batch-size", "10", "--max-credits", "45",
                         *ids(50))
        self.assertEqual(r.returncode, 7, r.stderr)
        self.assertIn("credit budget", r.stderr)
        charged = sum(len(p["emails"]) + len(p["phones"])
                      for p in self.people(r.stdout))
        self.assertLessEqual(charged, 45)
        self.assertLess(self.server.stats()["people_submitted"], 50)

    def test_progress_shows_the_rate_budget_wait(self):
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY="test-key")
        proc = subprocess.Popen([CLI, "redeem", "--types", "phone", "--wait",
                                 "-v", "--rate", "1", "--batch-size", "1",
                                 *ids(2)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        time.sleep(6)  # the line is printed every 5 s off a terminal
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 130, err)
        self.assertRegex(err, r"next request in \d+ s")
        self.assertIn("pubrio query 00000000-0000-4000-8000-000000000001 "
                      "--wait", err)

    def test_kill_9_at_random_moments_then_resume(self):
        import random
        rng = random.Random(20261129)
        server = FakeServer("--estimated-time", "0", "--latency-ms", "20")
        self.addCleanup(server.stop)
        env = dict(os.environ, PUBRIO_BASE_URL=server.url,
                   PUBRIO_API_KEY="test-key")
        people = ids(600)
        f = self.write("in.txt", people)
        journal = self.path("j.journal")
        args = [CLI, "redeem", "--types", "phone", "--wait", "--batch-size",
                "10", "--parallel", "4", "--journal", journal, "--input", f]
        for _ in range(20):
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env=env)
            time.sleep(rng.uniform(0.02, 0.4))
            proc.kill()
            proc.wait()
        r = subprocess.run(args, capture_output=True, text=True, env=env,
                           timeout=120)
        uncertain = store_people(journal, ["intent"])
        self.assertEqual(r.returncode, 9 if uncertain else 0, r.stderr)
        stats = server.stats()
        self.assertEqual(stats["max_submits_per_person"], 1)
        out = self.people(r.stdout)
        collected = {p["people_search_id"] for p in out}
        self.assertEqual(len(out), len(collected))  # each person once
        accepted = store_people(journal, ["accepted", "collected"])
        # Every accepted batch is collected by the final run...
        self.assertEqual(store_people(journal, ["accepted"]), set())
        self.assertLessEqual(accepted, collected)
        # ...and only people whose submit was in flight at a kill (uncertain,
        # never resent) are missing.
        self.assertEqual(set(people) - collected, uncertain)
        # A kill strands at most what was in flight: 4 submits of 10 people.
        self.assertLessEqual(len(uncertain), 20 * 4 * 10)
        self.assertGreater(len(accepted), 0)
        # What was handed out is what the journal stored.
        export = subprocess.run([CLI, "export", "--journal", journal],
                                capture_output=True, text=True, env=env)
        self.assertEqual(sorted(export.stdout.splitlines()),
                         sorted(r.stdout.splitlines()))


if __name__ == "__main__":
    unittest.main(verbosity=2)

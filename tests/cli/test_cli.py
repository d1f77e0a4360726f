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

    def test_rate_limited_exit_4(self):
        r = self.expect(429, 4, extra=("--retries", "0"),
                        body='{"error":"Request rate limit exceeded."}')
        self.assertIn("rate limited", r.stderr)

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
        self.assertIn("timeout", r.stderr)
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
        self.assertIn("not complete", r.stderr)
        # Polls were spaced by at least a second.
        self.assertLessEqual(self.server.requests(QUERY), 3)

    def test_query_wait_deadline_exit_6(self):
        r = self.run_cli("redeem", "--types", "phone", ids(1)[0])
        qid = self.people(r.stdout)[0]["redeem_query_id"]
        r = self.run_cli("query", qid, "--wait", "--max-wait", "1")
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertEqual(json.loads(r.stdout)["is_completed"], False)


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
        journal = self.path("journal.jsonl")
        # 20 requests a minute: a burst of 20, then a minute's wait for the
        # rest of the 60 requests; the signal lands in that wait or earlier.
        proc = self.start(f, journal, 20)
        time.sleep(2.0)
        proc.send_signal(sig)
        first_out, first_err = proc.communicate(timeout=30)
        first = {p["people_search_id"] for p in self.people(first_out)}
        with open(journal) as jf:
            lines = [json.loads(line) for line in jf]
        accepted = [x for x in lines if "batch" in x]
        self.assertTrue(0 < len(accepted) < 30, first_err)
        r = self.run_cli("redeem", "--types", "email-work", "--wait",
                         "--batch-size", "10", "--journal", journal,
                         "--input", f)
        self.assertEqual(r.returncode, 0, r.stderr)
        second = {p["people_search_id"] for p in self.people(r.stdout)}
        stats = self.server.stats()
        self.assertEqual(stats["max_submits_per_person"], 1)
        return proc.returncode, first, second, people, r.stderr

    def test_ctrl_c_then_resume(self):
        code, first, second, people, _ = self.interrupt_midway(signal.SIGINT)
        self.assertEqual(code, 130)
        # The resumed run collects everyone, journaled batches included.
        self.assertEqual(second, set(people))
        self.assertTrue(first <= second)

    def test_hard_kill_then_resume(self):
        code, first, second, people, err = self.interrupt_midway(signal.SIGKILL)
        self.assertEqual(code, -signal.SIGKILL)
        # Anyone whose submit was in flight is left alone, never sent twice.
        missing = set(people) - second
        self.assertLessEqual(len(missing), 10)  # at most the batch in flight
        if missing:
            self.assertIn("may have charged", err)

    def test_journal_with_other_types_is_refused(self):
        journal = self.path("j.jsonl")
        people = ids(2)
        self.assertEqual(self.run_cli("redeem", "--types", "phone", "--journal",
                                      journal, *people).returncode, 0)
        r = self.run_cli("redeem", "--types", "email-work", "--journal",
                         journal, *people)
        self.assertEqual(r.returncode, 2)
        self.assertIn("other contact types", r.stderr)
        # Same types: nothing to submit again.
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         *people)
        self.assertEqual(r.returncode, 0)
        self.assertIn("2 people already submitted", r.stderr)
        self.assertEqual(self.server.requests(SUBMIT), 1)

    def test_intent_without_answer_is_not_resent(self):
        # A crash between sending a batch and hearing back leaves only its
        # intent: the API may have charged, so those people stay unsent.
        journal = self.path("j.jsonl")
        people = ids(4)
        with open(journal, "w") as jf:
            jf.write('{"journal":"pubrio","version":1,"types":["phone"]}\n')
            jf.write(json.dumps({"intent": 1, "people": people[:2]}) + "\n")
            jf.write(json.dumps({"intent": 2, "people": people[2:3]}) + "\n")
            jf.write('{"rejected":2}\n')  # refused by the API: safe to resend
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 people were being submitted", r.stderr)
        sent = json.loads(self.server.stats()["last_submit_body"])["peoples"]
        self.assertEqual(sorted(sent), sorted(people[2:]))
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         "--resubmit-uncertain", *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        sent = json.loads(self.server.stats()["last_submit_body"])["peoples"]
        self.assertEqual(sorted(sent), sorted(people[:2]))

    def test_torn_last_line_is_dropped(self):
        journal = self.path("j.jsonl")
        people = ids(4)
        self.run_cli("redeem", "--types", "phone", "--batch-size", "2",
                     "--journal", journal, *people[:2])
        with open(journal, "a") as jf:
            jf.write('{"batch":9,"redeem_query_id":"0000')  # torn by a crash
        r = self.run_cli("redeem", "--types", "phone", "--batch-size", "2",
                         "--journal", journal, *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("torn last line", r.stderr)
        with open(journal) as jf:
            for line in jf:
                json.loads(line)  # every line valid again
        self.assertEqual(self.server.stats()["max_submits_per_person"], 1)


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
        journal = self.path("j.jsonl")
        people = ids(3)
        self.server.script(SUBMIT, 408, '{"error":"timeout"}')
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         *people)
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("may have charged", r.stderr)
        with open(journal) as jf:
            self.assertNotIn("rejected", jf.read())
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         *people)
        self.assertIn("3 people were being submitted", r.stderr)
        self.assertEqual(self.server.requests(SUBMIT), 1)
        # A provable refusal is journaled as such and resent next time.
        journal2 = self.path("j2.jsonl")
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

    def test_journal_write_failure_still_names_the_batch(self):
        import resource

        def small_files():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (150, 150))

        journal = self.path("j.jsonl")
        proc = self.popen("redeem", "--types", "phone", "--wait", "--journal",
                          journal, ids(1)[0], preexec_fn=small_files)
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 5, err)
        self.assertIn("the journal could not record an accepted batch", err)
        self.assertIn("pubrio query 00000000-0000-4000-8000-000000000001 --wait",
                      err)

    def test_sigterm_ends_a_hung_request_within_a_second(self):
        self.server.script(SUBMIT, 200, "{}", delay_ms=30000)
        proc = self.popen("redeem", "--types", "phone", ids(1)[0])
        self.assertTrue(wait_for(lambda: self.server.requests(SUBMIT) == 1))
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
        self.assertLess(time.monotonic() - start, 1.0)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("may have charged", err)

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
        self.assertEqual(r.returncode, 0, r.stderr)
        printed = {p["people_search_id"] for p in self.people(r.stdout)}
        self.assertEqual(printed, set(people))
        self.assertIn("1 person the batch does not hold", r.stderr)

    def test_foreign_or_broken_journals_are_refused(self):
        people = ids(2)
        notes = self.path("notes.txt")
        with open(notes, "w") as f:
            f.write("my precious notes")  # one line, no final newline
        r = self.run_cli("redeem", "--types", "phone", "--journal", notes,
                         *people)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a pubrio journal", r.stderr)
        with open(notes) as f:
            self.assertEqual(f.read(), "my precious notes")
        headless = self.write("headless.jsonl", [
            json.dumps({"intent": 1, "people": people})])
        r = self.run_cli("redeem", "--types", "phone", "--journal", headless,
                         *people)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a pubrio journal", r.stderr)
        huge = self.write("huge.jsonl", [
            '{"journal":"pubrio","version":1,"types":["phone"]}',
            '{"intent":1e300,"people":["%s"]}' % people[0], '{"rejected":1}'])
        r = self.run_cli("redeem", "--types", "phone", "--journal", huge,
                         *people)
        self.assertEqual(r.returncode, 2)
        self.assertIn("line 2 is not a journal line", r.stderr)
        for target in ("/dev/zero", self.tmp.name):
            r = self.run_cli("redeem", "--types", "phone", "--journal",
                             target, *people)
            self.assertEqual(r.returncode, 2)
            self.assertIn("pubrio: ", r.stderr)
        readonly = self.path("ro.jsonl")
        self.run_cli("redeem", "--types", "phone", "--journal", readonly,
                     people[0])
        self.assertEqual(os.stat(readonly).st_mode & 0o777, 0o600)
        os.chmod(readonly, 0o400)
        if os.geteuid() != 0:  # root may write anyway
            r = self.run_cli("redeem", "--types", "phone", "--journal",
                             readonly, *people)
            self.assertEqual(r.returncode, 2)
            self.assertIn("cannot open the journal", r.stderr)
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
        self.assertRegex(r.stderr, r"pubrio: 80 people collected in 8 "
                                   r"batches, 16 requests, \d+ credits "
                                   r"charged")

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
        journal = self.path("j.jsonl")
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
        self.assertEqual(r.returncode, 0, r.stderr)
        stats = server.stats()
        self.assertEqual(stats["max_submits_per_person"], 1)
        collected = {p["people_search_id"] for p in self.people(r.stdout)}
        with open(journal) as jf:
            lines = [json.loads(line) for line in jf]
        accepted = {p for x in lines if "batch" in x for p in x["people"]}
        # Every accepted batch is collected by the final run...
        self.assertLessEqual(accepted, collected)
        # ...and only people whose submit was in flight at a kill (uncertain,
        # never resent) are missing.
        intents = {p for x in lines if "intent" in x for p in x["people"]}
        self.assertEqual(set(people) - collected, intents - accepted)
        # A kill strands at most what was in flight: 4 submits of 10 people.
        self.assertLessEqual(len(intents - accepted), 20 * 4 * 10)
        self.assertGreater(len(accepted), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""The `pubrio` binary at the bulk engine's edges, against the standalone
fake server: the account's prices under a credit budget, a deadline under
a rate (no paid batch left uncollected), the message that names what
stopped a run."""
import json
import os
import subprocess
import sys
import tempfile
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fake_server"))
from fake_server import QUERY, SUBMIT, FakeServer  # noqa: E402

CLI = os.environ.get("PUBRIO_CLI", "pubrio")


def ids(n, seed=7):
    return [str(uuid.UUID(int=(seed << 64) + i + 1, version=4)) for i in range(n)]


def profile_body(email, phone):
    """A POST /profile answer with these prices (None: the field left out)."""
    sub = {"name": "Odd"}
    if email is not None:
        sub["email_redeem_credit"] = email
    if phone is not None:
        sub["phone_number_redeem_credit"] = phone
    return json.dumps({"data": {"profile_id": 1, "credit": 1000000,
                                "topup_credit": 0, "subscription": sub}})


class EngineCli(unittest.TestCase):
    server_args = ("--estimated-time", "0")

    def setUp(self):
        self.server = FakeServer(*self.server_args)
        self.addCleanup(self.server.stop)
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def run_cli(self, *args, timeout=120):
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY="test-key")
        return subprocess.run([CLI, *args], capture_output=True, text=True,
                              env=env, timeout=timeout)

    def people_file(self, n):
        path = os.path.join(self.tmp.name, "people.txt")
        with open(path, "w") as f:
            f.write("\n".join(ids(n)) + "\n")
        return path

    def people(self, stdout):
        return [json.loads(line) for line in stdout.splitlines() if line]


class AccountPrices(EngineCli):
    def test_zero_prices_with_a_budget_send_nothing(self):
        self.server.script("/profile", 200, profile_body(0, 0))
        r = self.run_cli("redeem", "--types", "phone", "--wait",
                         "--max-credits", "100", *ids(30))
        self.assertEqual(r.returncode, 7, r.stderr)
        self.assertIn("a price of 0 for phone", r.stderr)
        self.assertIn("--price", r.stderr)
        self.assertEqual(self.server.requests(SUBMIT), 0)

    def test_missing_prices_with_a_budget_send_nothing(self):
        self.server.script("/profile", 200, profile_body(None, None))
        r = self.run_cli("redeem", "--types", "phone", "--wait",
                         "--max-credits", "100", *ids(30))
        self.assertEqual(r.returncode, 7, r.stderr)
        self.assertIn("no price for phone", r.stderr)
        self.assertEqual(self.server.requests(SUBMIT), 0)

    def test_prices_given_run(self):
        self.server.script("/profile", 200, profile_body(0, 0))
        r = self.run_cli("redeem", "--types", "phone", "--wait",
                         "--max-credits", "100", "--price", "email=1,phone=1",
                         "--batch-size", "10", *ids(30))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.people(r.stdout)), 30)


class WrongPrices(EngineCli):
    server_args = ("--estimated-time", "0", "--phone-price", "30")

    def test_a_charge_past_the_worst_case_stops_submits(self):
        r = self.run_cli("redeem", "--types", "phone", "--wait",
                         "--max-credits", "100000", "--price",
                         "email=1,phone=1", "--batch-size", "10",
                         "--parallel", "2", *ids(200))
        self.assertEqual(r.returncode, 7, r.stderr)
        self.assertIn("the prices are wrong", r.stderr)
        submits = self.server.requests(SUBMIT)
        self.assertLessEqual(submits, 3)
        # Every accepted batch was still collected: none is left unnamed.
        self.assertEqual(len(self.people(r.stdout)), 10 * submits)
        self.assertNotIn("is not collected", r.stderr)


class DeadlineUnderRate(EngineCli):
    server_args = ()  # batches take the fake's 2 s to complete

    def test_every_paid_batch_is_collected_before_the_deadline(self):
        r = self.run_cli("redeem", "--types", "phone", "--wait", "--rate",
                         "60", "--max-wait", "20", "--input",
                         self.people_file(4000))
        self.assertEqual(r.returncode, 6, r.stderr)
        submits = self.server.requests(SUBMIT)
        self.assertGreater(submits, 0)
        self.assertEqual(self.server.requests(QUERY), submits)
        handed = len(self.people(r.stdout))
        self.assertEqual(handed, 100 * submits)
        self.assertNotIn("is not collected", r.stderr)
        self.assertNotIn("reached", r.stderr)
        self.assertIn("--max-wait of 20 s: no submit has room before the "
                      "run's deadline", r.stderr)
        self.assertIn("; %d people were never submitted" % (4000 - handed),
                      r.stderr)

    def test_dry_run_warns_when_the_shortest_time_passes_max_wait(self):
        people = self.people_file(100)
        r = self.run_cli("redeem", "--types", "phone", "--wait", "--dry-run",
                         "--rate", "10", "--batch-size", "10",
                         "--max-wait", "30", "--input", people)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("shortest time:      60 s at 10 requests a minute",
                      r.stdout)
        self.assertIn("warning: the shortest time (60 s at 10 requests a "
                      "minute) passes --max-wait of 30 s", r.stderr)
        r = self.run_cli("redeem", "--types", "phone", "--wait", "--dry-run",
                         "--rate", "10", "--batch-size", "10",
                         "--max-wait", "60", "--input", people)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("warning", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

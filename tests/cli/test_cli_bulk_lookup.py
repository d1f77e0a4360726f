"""`pubrio redeem` on a CSV of rows with an email, a phone or a name and
no people_search_id: each row looked up in the run, then its person bought
once (two rows or an id row of one person), the same rows out in the same
order with the result column saying how it was found (or why not) and
people_search_id filled in or appended; --similar opt-in; a rerun on the
journal asks nothing. The real binary against the standalone fake
server's directory (tests/fake_server/fake_lookup.c)."""
import csv
import io
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fake_server"))
from fake_server import FakeServer  # noqa: E402

CLI = os.environ.get("PUBRIO_CLI", "pubrio")
LOOKUP = "/redeem/people/contact/lookup/batch"
REDEEM = "/redeem/people/batch"
KING = "e37ccf38-ea8f-422e-9874-cb23b15e8fe4"
JOHN = "1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b"
BOB = "4f703d20-2db1-4de3-8e3a-5f03c6d6d9e9"

LEADS = [
    ["Full Name", "Work E-mail", "Mobile Phone", "Company Name"],
    ["King Lai", " King.Lai@Pubrio.com", "", "Pubrio"],
    ["John Smith", "", "+1 (555) 010-0002", "Example"],
    ["Nobody Here", "missing@people.example", "", ""],
    ["Bob Stone", "", "", "ACME  inc"],
    ["King Again", "", "+15550100001", ""],  # King, by his phone
]
RESULT = 4 + 6  # the input's 4 fields, then 6 contact columns


class BulkLookupCli(unittest.TestCase):
    def setUp(self):
        self.server = FakeServer("--estimated-time", "0")
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.server.stop()
        self.tmp.cleanup()

    def csv_file(self, rows, name="leads.csv"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", newline="") as f:
            csv.writer(f).writerows(rows)
        return path

    def redeem(self, *args):
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY="test-key")
        r = subprocess.run([CLI, "redeem", "--types", "phone", "--wait",
                            "--format", "csv", *args], capture_output=True,
                           text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return list(csv.reader(io.StringIO(r.stdout)))

    def test_rows_looked_up_then_bought_once(self):
        out = self.redeem("--input", self.csv_file(LEADS))
        self.assertEqual(len(out), len(LEADS))
        self.assertEqual(out[0][-2:], ["pubrio_result", "people_search_id"])
        for got, want in zip(out, LEADS):  # the input's fields untouched
            self.assertEqual(got[:4], want)
        results = [row[RESULT] for row in out[1:]]
        ids = [row[RESULT + 1] for row in out[1:]]
        self.assertEqual(results[0], "exact")
        self.assertEqual(ids[0], KING)
        self.assertEqual(results[1], "exact")
        self.assertEqual(ids[1], JOHN)
        self.assertEqual(results[2], "not found")
        self.assertEqual(ids[2], "")
        self.assertTrue(results[3].startswith("not looked up: "), results[3])
        self.assertIn("similarity", results[3])
        self.assertEqual(ids[3], "")
        self.assertEqual((results[4], ids[4]), ("exact", KING))
        self.assertEqual(out[1][8], out[5][8])  # King's phone, both rows
        self.assertTrue(out[1][8])
        stats = self.server.stats()
        self.assertEqual(stats["requests"][LOOKUP], 1)
        self.assertEqual(stats["people_submitted"], 2)  # King, John
        self.assertEqual(stats["max_submits_per_person"], 1)

    def test_similar_looks_up_names_with_a_company(self):
        out = self.redeem("--similar", "--input", self.csv_file(LEADS))
        self.assertEqual(out[4][RESULT], "similarity_company")
        self.assertEqual(out[4][RESULT + 1], BOB)
        self.assertEqual(self.server.stats()["people_submitted"], 3)

    def test_an_id_column_is_filled_in_and_an_id_row_bought_once(self):
        rows = [["people_search_id", "email"],
                [KING, ""],
                ["", "king.lai@pubrio.com"],
                ["", "missing@people.example"]]
        out = self.redeem("--input", self.csv_file(rows))
        self.assertEqual(out[0][-1], "pubrio_result")  # nothing appended
        self.assertEqual(out[2][0], KING)  # filled in
        self.assertEqual(out[2][-1], "exact")
        self.assertEqual(out[3][0], "")
        self.assertEqual(out[3][-1], "not found")
        stats = self.server.stats()
        self.assertEqual(stats["people_submitted"], 1)
        self.assertEqual(stats["max_submits_per_person"], 1)

    def test_a_rerun_on_the_journal_asks_nothing(self):
        journal = os.path.join(self.tmp.name, "run.journal")
        first = self.redeem("--journal", journal, "--input",
                            self.csv_file(LEADS))
        before = self.server.stats()
        again = self.redeem("--journal", journal, "--input",
                            self.csv_file(LEADS))
        after = self.server.stats()
        self.assertEqual(after["requests"][LOOKUP], before["requests"][LOOKUP])
        self.assertEqual(after["requests"][REDEEM], before["requests"][REDEEM])
        self.assertEqual(after["credit"], before["credit"])
        self.assertEqual(again, first)  # every row answered the same


class BulkLookupPlanAndSummary(unittest.TestCase):
    """The dry run shows the lookups beside the redeem (what is looked up,
    what is not and why, their worst case and the people they may find in
    the redeem's); the summary of a run counts how the lookups ended."""

    def setUp(self):
        self.server = FakeServer("--estimated-time", "0", "--phone-price",
                                 "30")
        self.tmp = tempfile.TemporaryDirectory()
        self.leads = os.path.join(self.tmp.name, "leads.csv")
        with open(self.leads, "w", newline="") as f:
            csv.writer(f).writerows(LEADS)

    def tearDown(self):
        self.server.stop()
        self.tmp.cleanup()

    def run_cli(self, *args):
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY="test-key")
        return subprocess.run([CLI, "redeem", "--types", "phone", "--wait",
                               "--format", "csv", "--input", self.leads,
                               *args], capture_output=True, text=True,
                              env=env, timeout=60)

    def test_dry_run_counts_lookups_and_the_people_they_may_find(self):
        r = self.run_cli("--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        # 5 distinct entries: 4 to look up, Bob (a name and a company)
        # not without --similar.
        self.assertIn("lookups:            5 (4 to look up: at most 4 "
                      "credits", r.stdout)
        self.assertIn("not looked up:      1 (only a name and a company or "
                      "domain: looked up only with --similar)", r.stdout)
        # The redeem's worst case: a phone at 30 for each person the 4
        # lookups may find (120), plus the lookups' 4.
        self.assertIn("at most 120 for 4 people: phone 30 each", r.stdout)
        self.assertIn("lookups at most 4 more: 124 in all", r.stdout)
        self.assertEqual(self.server.stats()["requests"].get(LOOKUP, 0), 0)
        self.assertEqual(self.server.stats()["requests"].get(REDEEM, 0), 0)

        similar = self.run_cli("--dry-run", "--similar")
        self.assertIn("lookups:            5 (5 to look up: at most 5 "
                      "credits", similar.stdout)
        self.assertNotIn("not looked up:", similar.stdout)
        self.assertIn("150 for 5 people", similar.stdout)
        self.assertIn("155 in all", similar.stdout)

    def test_summary_counts_how_the_lookups_ended(self):
        before = self.server.stats()["credit"]
        r = self.run_cli("--max-credits", "1000")
        self.assertEqual(r.returncode, 0, r.stderr)
        # King (email and phone) and John found, one miss, Bob not looked
        # up; one request, whose second match of King is free: 2 credits.
        self.assertIn("5 lookups: 3 found, 1 not found, 1 not looked up, "
                      "0 uncertain; 2 credits charged for lookups by this "
                      "run", r.stderr)
        self.assertEqual(self.server.stats()["requests"][LOOKUP], 1)
        m = re.search(r"(\d+) credits charged by this run", r.stderr)
        self.assertEqual(int(m.group(1)),
                         before - self.server.stats()["credit"])

    def test_a_rerun_names_uncertain_lookups_and_exits_9(self):
        journal = os.path.join(self.tmp.name, "run.journal")
        self.server.script(LOOKUP, 200, times=1, fault=3)  # process, close
        first = self.run_cli("--journal", journal)
        self.assertNotEqual(first.returncode, 0, first.stderr)
        asked = self.server.stats()["requests"][LOOKUP]
        again = self.run_cli("--journal", journal)
        # Nothing to send: the 4 asked entries are uncertain (maybe
        # charged), named, not asked again; the run says so in its exit.
        self.assertEqual(again.returncode, 9, again.stderr)
        self.assertIn("0 found, 0 not found, 1 not looked up, 4 uncertain",
                      again.stderr)
        self.assertIn("4 lookups were asked without an answer", again.stderr)
        self.assertEqual(self.server.stats()["requests"][LOOKUP], asked)


if __name__ == "__main__":
    unittest.main()

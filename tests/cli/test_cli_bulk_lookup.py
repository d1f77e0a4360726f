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


if __name__ == "__main__":
    unittest.main()

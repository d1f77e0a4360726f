"""`pubrio lookup`, the real binary against the standalone fake server and
its directory (tests/fake_server/fake_lookup.c): columns found by their
usual names, the same rows out in the same order with people_search_id and
lookup_result, similarity opt-in, a dry run, and the credit rules (a lost
answer never resent, a 429 waited for)."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fake_server"))
from fake_server import FakeServer  # noqa: E402

CLI = os.environ.get("PUBRIO_CLI", "pubrio")
BATCH = "/redeem/people/contact/lookup/batch"
KING = "e37ccf38-ea8f-422e-9874-cb23b15e8fe4"
JOHN = "1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b"
JANE = "2d5e1b0e-0b9f-4bc1-8c18-3de1a4b4b7c7"
ANN = "3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8"
BOB = "4f703d20-2db1-4de3-8e3a-5f03c6d6d9e9"
CHRIS = "5a814e31-3ec2-4ef4-9f4b-6a14d7e7eafa"

# A CRM export: headers spelled as people spell them.
LEADS = [
    ["Full Name", "Work E-mail", "Mobile Phone", "Company Name", "Website"],
    ["King Lai", " King.Lai@Pubrio.com", "", "Pubrio", ""],
    ["John Smith", "", "+1 (555) 010-0002", "Example", "example.com"],
    ["Jane Doe", "", "", "", "https://www.example.com/about"],
    ["Nobody Here", "missing@people.example", "", "", ""],
    ["Ann Lee", "ann-at-acme.io", "", "Acme Inc", ""],
    ["Bob Stone", "", "", "ACME  inc", ""],
    ["", "", "", "", ""],
    ["Wu, Chris", "", "+61 2 9000 0001", "", ""],
]


class LookupCli(unittest.TestCase):
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

    def run_cli(self, *args, key="test-key"):
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url)
        env.pop("PUBRIO_API_KEY", None)
        if key:
            env["PUBRIO_API_KEY"] = key
        return subprocess.run([CLI, "lookup", *args], capture_output=True,
                              text=True, env=env, timeout=60)

    def rows(self, stdout):
        return list(csv.reader(io.StringIO(stdout)))

    def test_rows_in_order_with_ids_and_results(self):
        r = self.run_cli(self.csv_file(LEADS))
        self.assertEqual(r.returncode, 0, r.stderr)
        out = self.rows(r.stdout)
        self.assertEqual(out[0], LEADS[0] + ["people_search_id",
                                             "lookup_result"])
        self.assertEqual(len(out), len(LEADS))
        for got, want in zip(out, LEADS):  # the input's fields untouched
            self.assertEqual(got[:5], want)
        ids = [row[5] for row in out[1:]]
        results = [row[6] for row in out[1:]]
        self.assertEqual(ids[0], KING)
        self.assertEqual(results[0], "exact")
        self.assertEqual(ids[1], JOHN)  # by its phone
        self.assertEqual(results[1], "exact")
        self.assertEqual(ids[2], "")  # a name and a website: no --similar
        self.assertIn("--similar", results[2])
        self.assertEqual(results[3], "not found")
        self.assertIn("not an email", results[4])  # named, kept
        self.assertIn("not looked up", results[5])
        self.assertIn("no email, phone, name", results[6])
        self.assertEqual(ids[7], CHRIS)
        self.assertIn("line 6", r.stderr)  # the bad email, by its line
        # One request for the four rows looked up; 3 matches charged.
        self.assertEqual(self.server.requests(BATCH), 1)
        self.assertEqual(self.server.stats()["credit"], 1000000000 - 3)

    def test_similar_looks_up_names_one_company_per_request(self):
        r = self.run_cli("--similar", self.csv_file(LEADS))
        self.assertEqual(r.returncode, 0, r.stderr)
        out = self.rows(r.stdout)[1:]
        self.assertEqual((out[2][5], out[2][6]), (JANE, "similarity_domain"))
        self.assertEqual((out[5][5], out[5][6]), (BOB, "similarity_company"))
        self.assertEqual(out[1][5], JOHN)
        # John (example.com) and Jane (example.com) cannot share a request.
        self.assertEqual(self.server.requests(BATCH), 2)

    def test_people_search_id_column_is_filled_and_columns_named(self):
        rows = [["Mail 1", "people_search_id", "note"],
                ["bob@acme.io", "", "a"],
                ["ann@acme.io", "00000000-0000-4000-8000-000000000009", "b"]]
        r = self.run_cli("--column", "email=Mail 1", "--input",
                         self.csv_file(rows))
        self.assertEqual(r.returncode, 0, r.stderr)
        out = self.rows(r.stdout)
        self.assertEqual(out[0], rows[0] + ["lookup_result"])
        self.assertEqual(out[1], ["bob@acme.io", BOB, "a", "exact"])
        # A value already there is kept as it was.
        self.assertEqual(out[2][1], "00000000-0000-4000-8000-000000000009")

    def test_format_json_one_object_a_row_with_the_csv_fields(self):
        r = self.run_cli("--format", "json", self.csv_file(LEADS))
        self.assertEqual(r.returncode, 0, r.stderr)
        objs = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertEqual(len(objs), len(LEADS) - 1)  # no header line
        for obj in objs:
            self.assertEqual(list(obj), LEADS[0] + ["people_search_id",
                                                    "lookup_result"])
        self.assertEqual(objs[0]["Full Name"], "King Lai")
        self.assertEqual(objs[0]["Work E-mail"], " King.Lai@Pubrio.com")
        self.assertEqual(objs[0]["people_search_id"], KING)
        self.assertEqual(objs[0]["lookup_result"], "exact")
        self.assertIsNone(objs[3]["people_search_id"])
        self.assertEqual(objs[3]["lookup_result"], "not found")
        # The same fields as the CSV of the same input, row by row (the
        # CSV run asks again: the fake answers the same).
        csv_run = self.run_cli(self.csv_file(LEADS))
        for obj, row in zip(objs, self.rows(csv_run.stdout)[1:]):
            self.assertEqual([v if v is not None else "" for v in
                              obj.values()], row)

    def test_format_json_names_blank_and_repeated_headers_by_position(self):
        rows = [["email", "", "email", "lookup_result"],
                ["bob@acme.io", "x", "y", "z"]]
        r = self.run_cli("--format", "json", self.csv_file(rows))
        self.assertEqual(r.returncode, 0, r.stderr)
        obj = json.loads(r.stdout)
        self.assertEqual(obj, {"email": "bob@acme.io", "column_2": "x",
                               "column_3": "y", "column_4": "z",
                               "people_search_id": BOB,
                               "lookup_result": "exact"})

    def test_dry_run_sends_nothing_and_needs_no_key(self):
        r = self.run_cli("--dry-run", "--similar", self.csv_file(LEADS),
                         key=None)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("8 rows: 6 lookups (worst case 6 credits", r.stdout)
        self.assertIn("in 2 requests", r.stdout)  # John and Jane share a domain
        self.assertIn("2 rows cannot be looked up", r.stdout)
        self.assertEqual(self.server.requests(), 0)
        r = self.run_cli("--dry-run", self.csv_file(LEADS), key=None)
        self.assertIn("4 lookups (worst case 4 credits", r.stdout)
        self.assertIn("2 rows with only a name", r.stdout)

    def test_a_lost_answer_is_uncertain_and_never_resent(self):
        self.server.script(BATCH, 200, times=1, fault=3)  # process, then close
        r = self.run_cli(self.csv_file(LEADS))
        self.assertEqual(r.returncode, 9, r.stderr)
        out = self.rows(r.stdout)
        self.assertEqual(len(out), len(LEADS))  # every row still written
        self.assertIn("maybe charged", out[1][6])
        self.assertEqual(self.server.requests(BATCH), 1)
        self.assertLess(self.server.stats()["credit"], 1000000000)  # charged

    def test_a_429_storm_is_waited_for(self):
        self.server.script(BATCH, 429, '{"error":"slow down"}', times=3)
        r = self.run_cli("--retries", "5", self.csv_file(LEADS))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.server.requests(BATCH), 4)
        self.assertEqual(self.rows(r.stdout)[1][5], KING)
        self.assertEqual(self.server.stats()["credit"], 1000000000 - 3)

    def test_server_text_is_escaped_and_the_key_masked(self):
        body = ('{"code":40001,"message":"bad \\u001b[2J test-key-12345678 '
                '=HYPERLINK(1)","details":{}}')
        self.server.script(BATCH, 400, body)
        r = self.run_cli(self.csv_file(LEADS), key="test-key-12345678")
        self.assertEqual(r.returncode, 3, r.stderr)  # rejected, not spent
        self.assertNotIn("\x1b", r.stdout + r.stderr)
        self.assertNotIn("test-key-12345678", r.stdout + r.stderr)
        out = self.rows(r.stdout)
        self.assertTrue(out[1][6].startswith("error: "), out[1][6])
        self.assertIn("bad", out[1][6])  # the scripted 400, not a 401
        self.assertNotIn("maybe charged", out[1][6])
        self.assertEqual(self.server.requests(BATCH), 1)

    def test_usage_errors_send_nothing(self):
        cases = [
            (),
            ("--column", "colour=x", self.csv_file(LEADS)),
            ("--column", "email=Nope", self.csv_file(LEADS)),
            (self.csv_file([["id", "note"], ["1", "2"]], "none.csv"),),
            (self.csv_file(LEADS), "extra.csv"),
        ]
        for args in cases:
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertTrue(r.stderr.startswith("pubrio: "), r.stderr)
        self.assertEqual(self.server.requests(), 0)


if __name__ == "__main__":
    unittest.main()

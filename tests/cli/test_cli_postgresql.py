"""The journal on PostgreSQL through the real `pubrio` binary (issue 29):
`redeem --journal postgresql://...` stores what it bought and a rerun buys
nothing again; `status`, `export` and `forget` read and change the same
journal; a second run is refused while one writes; the password is never
printed. Each test on a fresh schema of the database PUBRIO_TEST_PG_URI
names (scripts/test.sh postgresql starts a throwaway cluster); skipped
(exit 77) without it."""
import os
import subprocess
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fake_server"))
from fake_server import FakeServer, SUBMIT  # noqa: E402

CLI = os.environ.get("PUBRIO_CLI", "pubrio")
BASE = os.environ.get("PUBRIO_TEST_PG_URI", "")


def ids(n, seed=29):
    return [str(uuid.UUID(int=(seed << 64) + i + 1, version=4)) for i in range(n)]


def psql(uri, sql):
    r = subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", uri, "-c",
                        sql], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return r.stdout.strip()


class PostgresqlJournal(unittest.TestCase):
    made = 0

    def setUp(self):
        PostgresqlJournal.made += 1
        self.schema = "cli_%d_%d" % (os.getpid(), PostgresqlJournal.made)
        psql(BASE, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS "
             f"{self.schema} CASCADE; CREATE SCHEMA {self.schema}")
        self.addCleanup(psql, BASE, "SET client_min_messages = warning; "
                        f"DROP SCHEMA {self.schema} CASCADE")
        sep = "&" if "?" in BASE else "?"
        self.journal = f"{BASE}{sep}options=-csearch_path%3D{self.schema}"
        self.server = FakeServer("--estimated-time", "0")
        self.addCleanup(self.server.stop)

    def run_cli(self, *args):
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY="test-key")
        return subprocess.run([CLI, *args], capture_output=True, text=True,
                              env=env, timeout=120)

    def redeem(self, people):
        r = self.run_cli("redeem", "--types", "phone", "--wait", "-q",
                         "--journal", self.journal, *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [line for line in r.stdout.splitlines() if line]

    def test_a_rerun_buys_nobody_again_and_status_export_read_it(self):
        people = ids(5)
        first = self.redeem(people)
        self.assertEqual(len(first), 5)
        submits = self.server.requests(SUBMIT)
        self.assertEqual(submits, 1)
        again = self.redeem(people)
        self.assertEqual(sorted(again), sorted(first))  # from the journal
        self.assertEqual(self.server.requests(SUBMIT), submits)
        status = self.run_cli("status", "--journal", self.journal)
        self.assertEqual(status.returncode, 0, status.stderr)
        runs = [line.split() for line in status.stdout.splitlines()
                if line[:1].isdigit()]
        self.assertEqual(len(runs), 2)
        self.assertEqual(runs[0][4], "1")  # the first run collected 1 batch
        export = self.run_cli("export", "--journal", self.journal)
        self.assertEqual(export.returncode, 0, export.stderr)
        self.assertEqual(sorted(export.stdout.splitlines()), sorted(first))
        self.assertEqual(self.server.requests(SUBMIT), submits)  # no key used

    def test_a_forgotten_person_is_erased_and_never_bought(self):
        people = ids(3, seed=31)
        self.redeem(people)
        r = self.run_cli("forget", "--journal", self.journal, people[0])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 person forgotten", r.stderr)
        raw = psql(self.journal, "SELECT count(*) FROM people WHERE person ="
                   " decode('%s', 'hex')" % people[0].replace("-", ""))
        self.assertEqual(raw, "0")
        export = self.run_cli("export", "--journal", self.journal)
        self.assertNotIn(people[0], export.stdout)
        submits = self.server.requests(SUBMIT)
        out = self.redeem(people)
        self.assertEqual(len(out), 2)  # the forgotten one not handed out
        self.assertEqual(self.server.requests(SUBMIT), submits)

    def test_the_password_is_never_printed(self):
        host = self.journal.split("@", 1)[1]
        wrong = "postgresql://postgres:n0t-th3-pw@" + host
        for args in (["redeem", "--types", "phone", "--journal", wrong,
                      *ids(1)],
                     ["status", "--journal", wrong],
                     ["export", "--journal", wrong],
                     ["forget", "--journal", wrong, ids(1)[0]]):
            r = self.run_cli(*args)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertNotIn("n0t-th3-pw", r.stderr + r.stdout, args)
            self.assertIn("postgres:***@", r.stderr, args)
        self.assertEqual(self.server.requests(SUBMIT), 0)

    def test_another_programs_schema_is_refused_before_any_request(self):
        psql(self.journal, "CREATE TABLE invoices(id int)")
        r = self.run_cli("redeem", "--types", "phone", "--journal",
                         self.journal, *ids(2))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("'invoices'", r.stderr)
        self.assertEqual(self.server.requests(), 0)
        self.assertEqual(psql(self.journal, "SELECT count(*) FROM pg_tables"
                              " WHERE schemaname = current_schema()"), "1")


if __name__ == "__main__":
    if not BASE:
        print("skipped: no PostgreSQL (set PUBRIO_TEST_PG_URI, or run "
              "scripts/test.sh postgresql)")
        sys.exit(77)
    unittest.main()

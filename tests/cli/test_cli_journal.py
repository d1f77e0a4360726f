"""The journal as data that is safe, through the real `pubrio` binary: a
file another user planted, a journal read where it lies on a read-only
file system, a planted trigger, a damaged row (issue 27)."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fake_server"))
from fake_server import FakeServer  # noqa: E402

CLI = os.environ.get("PUBRIO_CLI", "pubrio")
OTHER_USER = "nobody"


def ids(n, seed=7):
    return [str(uuid.UUID(int=(seed << 64) + i + 1, version=4)) for i in range(n)]


def is_root():
    return os.geteuid() == 0


def as_other_user(*command):
    return subprocess.run(["runuser", "-u", OTHER_USER, "--", *command],
                          capture_output=True, text=True)


class JournalTest(unittest.TestCase):
    def setUp(self):
        self.server = FakeServer("--estimated-time", "0")
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)  # after the unmount, if any

    def tearDown(self):
        self.server.stop()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def run_cli(self, *args, key="test-key"):
        env = dict(os.environ, PUBRIO_BASE_URL=self.server.url,
                   PUBRIO_API_KEY=key)
        return subprocess.run([CLI, *args], capture_output=True, text=True,
                              env=env, timeout=120)

    def buy(self, journal, people):
        r = self.run_cli("redeem", "--types", "phone", "--wait", "-q",
                         "--journal", journal, *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r


class ForeignFiles(JournalTest):
    def test_a_journal_another_user_planted_is_refused(self):
        """Another user pre-creates an empty 0666 journal where ours will
        be: adopting it would let them read every contact bought."""
        if not is_root():
            self.skipTest("needs root to act as another user (runuser)")
        shared = self.path("shared")
        os.mkdir(shared)
        os.chmod(shared, 0o1777)  # like /tmp
        os.chmod(self.tmp.name, 0o755)
        planted = os.path.join(shared, "run.journal")
        made = as_other_user("sh", "-c", 'touch "$1" && chmod 666 "$1"', "sh",
                             planted)
        if made.returncode != 0:
            self.skipTest("runuser -u %s failed: %s" % (OTHER_USER, made.stderr))
        r = self.run_cli("redeem", "--types", "phone", "--journal", planted,
                         *ids(3))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("belongs to another user", r.stderr)
        self.assertEqual(self.server.requests(), 0)  # nothing sent
        self.assertEqual(os.stat(planted).st_size, 0)  # nothing stored
        self.assertFalse(os.path.exists(planted + "-wal"))

    def test_a_journal_others_can_write_is_refused(self):
        journal = self.path("run.journal")
        self.buy(journal, ids(2))
        os.chmod(journal, 0o666)
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         *ids(3))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("can be written by others (mode 666)", r.stderr)


class ReadOnly(JournalTest):
    """An archived journal is read where it lies: on a read-only bind
    mount when root can make one, else in a directory its reader cannot
    write (as another user when root, since root writes anywhere)."""

    def read_only_copy(self, journal):
        """(directory, reader prefix): the journal in a read-only place."""
        archive = self.path("archive")
        os.mkdir(archive)
        for suffix in ("", "-wal"):
            if os.path.exists(journal + suffix):
                shutil.copy(journal + suffix, archive)
        if is_root():
            mount = self.path("mnt")
            os.mkdir(mount)
            if subprocess.run(["mount", "--bind", archive, mount],
                              capture_output=True).returncode == 0:
                self.addCleanup(subprocess.run, ["umount", mount])
                if subprocess.run(["mount", "-o", "remount,ro,bind", mount],
                                  capture_output=True).returncode == 0:
                    probe = os.path.join(mount, "probe")
                    with self.assertRaises(OSError):  # read-only indeed
                        open(probe, "w").close()
                    return mount, []
            os.chmod(self.tmp.name, 0o755)
            for name in os.listdir(archive):
                shutil.chown(os.path.join(archive, name), OTHER_USER)
            os.chmod(archive, 0o555)
            return archive, ["runuser", "-u", OTHER_USER, "--"]
        os.chmod(archive, 0o555)
        self.addCleanup(os.chmod, archive, 0o755)
        return archive, []

    def read(self, prefix, *args):
        env = dict(os.environ)
        env.pop("PUBRIO_API_KEY", None)
        return subprocess.run([*prefix, CLI, *args], capture_output=True,
                              text=True, env=env, timeout=60)

    def test_status_and_export_read_a_journal_where_it_lies(self):
        journal = self.path("run.journal")
        people = ids(4)
        self.buy(journal, people)
        where, prefix = self.read_only_copy(journal)
        archived = os.path.join(where, "run.journal")
        st = self.read(prefix, "status", "--journal", archived)
        self.assertEqual(st.returncode, 0, st.stderr)
        self.assertIn("people bought: 4", st.stdout)
        out = self.read(prefix, "export", "--journal", archived)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(len(out.stdout.splitlines()), 4)
        self.assertEqual(sorted(os.listdir(where)), ["run.journal"])

    def test_a_wal_left_behind_is_named_not_hidden(self):
        journal = self.path("run.journal")
        self.buy(journal, ids(2))
        with open(journal + "-wal", "wb") as f:
            f.write(b"\0" * 32)  # as a killed run leaves one
        where, prefix = self.read_only_copy(journal)
        st = self.read(prefix, "status", "--journal",
                       os.path.join(where, "run.journal"))
        self.assertEqual(st.returncode, 2, st.stderr)
        self.assertIn("write-ahead log", st.stderr)


class DataNotCode(JournalTest):
    def test_a_planted_trigger_is_refused_by_name(self):
        journal = self.path("run.journal")
        people = ids(5)
        self.buy(journal, people)
        db = sqlite3.connect(journal)
        db.execute("CREATE TRIGGER erase_purchases AFTER INSERT ON runs BEGIN"
                   " DELETE FROM people; END")
        db.commit()
        db.close()
        before = self.server.requests()
        r = self.run_cli("redeem", "--types", "phone", "--journal", journal,
                         *people)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("trigger named 'erase_purchases'", r.stderr)
        self.assertEqual(self.server.requests(), before)
        for command in ("status", "export"):
            r = self.run_cli(command, "--journal", journal)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("erase_purchases", r.stderr)

    def test_a_damaged_row_is_named_and_the_rest_exported(self):
        journal = self.path("run.journal")
        self.buy(journal, ids(5))
        db = sqlite3.connect(journal)
        db.execute("UPDATE people SET person = x'41' WHERE person ="
                   " (SELECT min(person) FROM people)")
        db.commit()
        db.close()
        r = self.run_cli("export", "--journal", journal)
        self.assertEqual(r.returncode, 5, r.stderr)  # something is missing
        self.assertEqual(len(r.stdout.splitlines()), 4)
        self.assertIn("its id is a 1-byte value 41", r.stderr)

    def test_a_crafted_count_does_not_overflow(self):
        journal = self.path("run.journal")
        self.buy(journal, ids(3))
        db = sqlite3.connect(journal)
        db.execute("UPDATE batches SET state = 'accepted', people ="
                   " 1152921504606846977")
        db.commit()
        db.close()
        r = self.run_cli("status", "--journal", journal)
        self.assertEqual(r.returncode, 9, r.stderr)  # a batch to collect
        self.assertIn("(3 people)", r.stdout)


class Forget(JournalTest):
    def raw(self, journal):
        data = b""
        for suffix in ("", "-wal"):
            if os.path.exists(journal + suffix):
                with open(journal + suffix, "rb") as f:
                    data += f.read()
        return data

    def test_forgotten_people_are_erased_and_never_bought_again(self):
        journal = self.path("run.journal")
        people = ids(4)
        bought = {json.loads(line)["people_search_id"]: json.loads(line)
                  for line in self.buy(journal, people).stdout.splitlines()}
        phone1 = bought[people[1]]["phones"][0]["value"]
        phone0 = bought[people[0]]["phones"][0]["value"]
        self.assertIn(phone0.encode(), self.raw(journal))
        r = self.run_cli("forget", "--journal", journal, people[0], phone1,
                         "nobody@example.com")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 people forgotten", r.stderr)
        self.assertIn("1 item matched nobody", r.stderr)
        raw = self.raw(journal)
        for value in (phone0, phone1, people[0]):
            self.assertNotIn(value.encode(), raw)
        self.assertNotIn(uuid.UUID(people[0]).bytes, raw)
        out = self.run_cli("export", "--journal", journal)
        self.assertEqual(sorted(json.loads(line)["people_search_id"]
                                for line in out.stdout.splitlines()),
                         sorted(people[2:]))
        submits = self.server.requests("/redeem/people/batch")
        r = self.run_cli("redeem", "--types", "phone", "--wait", "-q",
                         "--refresh", "--journal", journal, *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(json.loads(line)["people_search_id"]
                                for line in r.stdout.splitlines()),
                         sorted(people[2:]))
        self.assertEqual(self.server.requests("/redeem/people/batch"),
                         submits + 1)
        # Named by default, even with -q: the run did not buy them.
        self.assertIn("2 people were forgotten in this journal", r.stderr)
        r = self.run_cli("forget", "--unforget", "--journal", journal,
                         people[0])
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_cli("redeem", "--types", "phone", "--wait", "-q",
                         "--journal", journal, *people)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(people[0], r.stdout)
        self.assertNotIn(people[1], r.stdout)

    def test_older_than_erases_old_contacts_and_status_shows_the_age(self):
        journal = self.path("run.journal")
        people = ids(3)
        bought = {json.loads(line)["people_search_id"]: json.loads(line)
                  for line in self.buy(journal, people).stdout.splitlines()}
        old_phone = bought[people[0]]["phones"][0]["value"]
        db = sqlite3.connect(journal)
        db.execute("UPDATE contacts SET at = at - 40 * 86400 WHERE person = ?",
                   (uuid.UUID(people[0]).bytes,))
        db.commit()
        db.close()
        st = self.run_cli("status", "--journal", journal)
        self.assertIn("oldest contact: collected 40 days ago", st.stdout)
        r = self.run_cli("forget", "--journal", journal, "--older-than", "30d")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("contacts of 1 person collected more than 30d ago",
                      r.stderr)
        self.assertNotIn(old_phone.encode(), self.raw(journal))
        st = self.run_cli("status", "--journal", journal)
        self.assertIn("people bought: 2", st.stdout)
        self.assertIn("oldest contact: collected 0 days ago", st.stdout)
        for bad in ("30", "-1d", "30x", "d"):
            r = self.run_cli("forget", "--journal", journal, "--older-than",
                             bad)
            self.assertEqual(r.returncode, 2, bad)

    def test_bad_items_are_usage_errors(self):
        journal = self.path("run.journal")
        r = self.run_cli("forget", "--journal", journal,
                         "https://www.linkedin.com/company/someone")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("not a profile URL", r.stderr)
        self.assertEqual(self.run_cli("forget", "--journal", journal)
                         .returncode, 2)
        self.assertFalse(os.path.exists(journal))

    def test_options_are_given_once_and_before_the_items(self):
        """getopt_long parses forget as every other command: a second
        --journal (the last one used to win silently, forgetting in
        another journal than the first named) is refused, and so is an
        unknown option; after the first item everything is an item."""
        one, other = self.path("one.journal"), self.path("other.journal")
        r = self.run_cli("forget", "--journal", one, "--journal", other,
                         "a@example.com")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--journal is given twice", r.stderr)
        r = self.run_cli("forget", "--journal", one, "--bogus", "a@b.com")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn('"--bogus"', r.stderr)
        r = self.run_cli("forget", "--journal", one, "a@example.com",
                         "--unforget")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertFalse(os.path.exists(one))
        self.assertFalse(os.path.exists(other))


class Missing(JournalTest):
    """Issue 31 item 13: a journal that is not there is said in one clear
    sentence naming it (a password masked), exit 2, and nothing created."""

    def test_a_missing_journal_is_said_once_and_clearly(self):
        for command in ("status", "export"):
            journal = self.path("nope") + "/x.j"
            r = self.run_cli(command, "--journal", journal)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertEqual(r.stderr.strip().splitlines(), [
                f"pubrio: {command}: the journal {journal} does not exist "
                "(a journal is written by pubrio redeem --journal FILE)"])
            self.assertNotIn("holds no run", r.stderr)
            self.assertEqual(r.stdout, "")
            self.assertFalse(os.path.exists(self.path("nope")))

    def test_a_password_in_the_path_is_masked(self):
        url = "postgresql://user:s3cr3t@db.invalid/pubrio"
        r = self.run_cli("status", "--journal", url)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertNotIn("s3cr3t", r.stderr)
        # A connection URI is the library's to open (no file looked for).
        self.assertRegex(r.stderr,
                         r"the journal postgresql://user:\*\*\*@db\.invalid/"
                         r"pubrio cannot be opened|without PostgreSQL support")

    def test_a_journal_uri_given_without_the_option_is_masked(self):
        url = "postgresql://user:s3cr3t@db.invalid/pubrio"
        for command in ("status", "export"):
            r = self.run_cli(command, url)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertNotIn("s3cr3t", r.stderr)
            self.assertIn('unexpected argument "postgresql://user:***@',
                          r.stderr)

    def test_a_directory_is_not_a_journal(self):
        r = self.run_cli("status", "--journal", self.tmp.name)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"the journal {self.tmp.name} is not a file", r.stderr)


if __name__ == "__main__":
    unittest.main()

"""mypy --strict passes over the package, and a user's code sees real
types (a `with pubrio.Client() as client:` client is a Client, not Any)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from _support import PACKAGE_ROOT

USER_CODE = '''
import asyncio
import pubrio

with pubrio.Client() as client:
    reveal_type(client)
    result = client.wait(client.submit(["x"], ["phone"]).redeem_query_id)
    reveal_type(result.people[0].emails)
    with client.redeem(["x"], ["phone"]) as run:
        reveal_type(next(run))
        reveal_type(run.uncollected)
        reveal_type(run.close())
        reveal_type(run.uncertain)
    reveal_type(client.profile())
    reveal_type(client.usage().hourly_used)
    reveal_type(client.plan(["x"], ["email-work"]).batches)
    reveal_type(client.redeem_and_wait(["x"], ["email-personal"]))
    looked = client.lookup([pubrio.LookupEntry(email="a@b.io"),
                            {"phone": "+15550100001"}], similar=True)
    reveal_type(looked.answers[0].outcome)
    reveal_type(looked.uncertain[0].confidence)
    reveal_type(client.lookup_one({"email": "a@b.io"}).people_search_id)
    reveal_type(client.plan_lookup([{"email": "a@b.io"}]).worst_case_credits)

async def main() -> None:
    async with pubrio.AsyncClient() as aclient:
        reveal_type(aclient)
        reveal_type(await aclient.profile())
        reveal_type(await aclient.lookup_one({"phone": "+15550100001"}))
        async for person in aclient.redeem(["x"], ["phone"]):
            reveal_type(person)
'''


# A misspelt contact type: the runtime refuses it with InvalidArgument, and
# mypy refuses it before the program runs.
MISSPELT_TYPE = '''
import pubrio

with pubrio.Client() as client:
    client.submit(["x"], ["email_work"])
'''


# A misspelt lookup outcome and confidence: mypy refuses both.
MISSPELT_LOOKUP = '''
import pubrio

with pubrio.Client() as client:
    answer = client.lookup_one({"email": "a@b.io"})
    wanted: pubrio.LookupConfidence = "similarity-domain"
    if answer.outcome == "fund":
        print(answer.confidence == wanted)
'''


# Lookup entries in a run: what a person and the run's lists say of them.
RUN_LOOKUPS = '''
import pubrio

with pubrio.Client() as client:
    with client.redeem([], ["phone"], lookups=[{"email": "a@b.io"}],
                       similar=True, lookup_batch_size=10) as run:
        for person in run:
            reveal_type(person.lookup_entry)
            reveal_type(person.lookup)
            reveal_type(person.lookup_confidence)
        reveal_type(run.lookups_not_found)
        reveal_type(run.lookups_failed[0].outcome)
        client.redeem([], ["phone"], lookups="a@b.io", similar=1)
'''


def mypy_command() -> list:
    """This interpreter's mypy, else Debian's (python3-mypy)."""
    for python in (sys.executable, "/usr/bin/python3"):
        if shutil.which(python) and subprocess.run(
                [python, "-m", "mypy", "--version"],
                capture_output=True).returncode == 0:
            return [python, "-m", "mypy"]
    return []


class TypingTest(unittest.TestCase):
    def setUp(self) -> None:
        self.mypy = mypy_command()
        if not self.mypy:
            self.skipTest("mypy is not installed (apt-get install "
                          "python3-mypy)")

    def run_mypy(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.mypy, "--strict", "--no-incremental",
                               *args], cwd=PACKAGE_ROOT, capture_output=True,
                              text=True, timeout=300)

    def test_the_package_passes_mypy_strict(self) -> None:
        done = self.run_mypy("pubrio")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertTrue(os.path.exists(os.path.join(PACKAGE_ROOT, "pubrio",
                                                    "py.typed")))

    def test_user_code_sees_real_types(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "user.py")
            with open(path, "w", encoding="utf-8") as f:
                f.write(USER_CODE)
            done = self.run_mypy(path)
        out = done.stdout
        for expected in ('"pubrio.client.Client"',
                         '"builtins.list[pubrio.results.Contact]"',
                         '"pubrio.results.Person"',
                         '"builtins.list[Tuple[builtins.str, builtins.int, '
                         'fallback=pubrio.errors.Uncollected]]"',
                         '"pubrio.aio.AsyncClient"'):
            self.assertIn(expected, out)
        self.assertNotIn("Any", out)
        self.assertEqual(out.count("pubrio.results.Person"), 3, out)
        self.assertIn('"builtins.list[pubrio.results.Person]"', out)
        self.assertIn('"builtins.list[builtins.str]"', out)
        self.assertEqual(out.count('"pubrio.results.Profile"'), 2, out)
        self.assertIn('"Union[builtins.int, None]"', out)
        self.assertIn('"builtins.int"', out)
        self.assertIn('"pubrio.results.QueryResult"', out)
        self.assertIn("Literal['not_looked_up']", out)  # an outcome
        self.assertIn("Literal['similarity_company']", out)
        self.assertEqual(out.count("Union[builtins.str, None]"), 1, out)
        self.assertIn('"pubrio.results.LookupAnswer"', out)
        self.assertNotIn("error:", out)

    def test_run_lookups_are_typed(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "user.py")
            with open(path, "w", encoding="utf-8") as f:
                f.write(RUN_LOOKUPS)
            done = self.run_mypy(path)
        out = done.stdout
        self.assertIn('user.py:8: note: Revealed type is '
                      '"Union[builtins.int, None]"', out)
        self.assertIn('user.py:9: note: Revealed type is '
                      '"Union[pubrio.results.LookupEntry, None]"', out)
        self.assertIn("user.py:10: note: Revealed type is \"Union["
                      "Literal['exact'], Literal['similarity_domain'], "
                      "Literal['similarity_company'], Literal['other'], "
                      "None]\"", out)
        self.assertIn('user.py:11: note: Revealed type is '
                      '"builtins.list[pubrio.results.LookupAnswer]"', out)
        self.assertIn("Literal['not_looked_up']", out)
        # A string is no list of entries; similar is a bool.
        self.assertIn("user.py:13: error: Argument \"lookups\"", out)
        self.assertIn("user.py:13: error: Argument \"similar\"", out)
        self.assertEqual(out.count("error:"), 2, out)

    def test_a_misspelt_contact_type_is_a_type_error(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "user.py")
            with open(path, "w", encoding="utf-8") as f:
                f.write(MISSPELT_TYPE)
            done = self.run_mypy(path)
        self.assertEqual(done.returncode, 1, done.stdout)
        self.assertIn("user.py:5: error:", done.stdout)
        self.assertIn("'email_work'", done.stdout)

    def test_a_misspelt_lookup_outcome_is_a_type_error(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "user.py")
            with open(path, "w", encoding="utf-8") as f:
                f.write(MISSPELT_LOOKUP)
            done = self.run_mypy(path)
        self.assertEqual(done.returncode, 1, done.stdout)
        self.assertIn("user.py:6: error:", done.stdout)
        self.assertIn("'similarity-domain'", done.stdout)
        self.assertIn("user.py:7: error: Non-overlapping equality check",
                      done.stdout)


if __name__ == "__main__":
    unittest.main()

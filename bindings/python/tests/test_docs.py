"""Every example runs: the doctests of the package's docstrings and the
python blocks of the README's Python section, against the fake server
(PUBRIO_BASE_URL, PUBRIO_API_KEY in the environment, as a user sets them).
The README's test command is the one scripts/test.sh runs."""
import doctest
import os
import re
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

from _support import IDS, PACKAGE_ROOT, REPO, FakeServer, people, pubrio

# Ann Lee of the fake's lookup directory (tests/fake_server/fake_lookup.c):
# a lookup example resolves her.
ANN = "3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8"

import pubrio.aio
import pubrio.client
import pubrio.errors
import pubrio.results


def readme_python_section() -> str:
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
        text = f.read()
    start = text.index("\n## Python\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def code_lines(block: str) -> int:
    """Lines a user writes: not blank, not only a comment."""
    return sum(1 for line in block.splitlines()
               if line.strip() and not line.strip().startswith("#"))


class DocsTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = FakeServer("--estimated-time", "0")
        self.addCleanup(self.server.stop)
        env = {"PUBRIO_BASE_URL": self.server.url,
               "PUBRIO_API_KEY": "test-key"}
        patch = mock.patch.dict(os.environ, env)
        patch.start()
        self.addCleanup(patch.stop)

    def test_docstring_examples_run(self) -> None:
        attempted = 0
        for module in (pubrio, pubrio.client, pubrio.aio, pubrio.errors,
                       pubrio.results):
            with self.subTest(module=module.__name__):
                result = doctest.testmod(
                    module, extraglobs={"pubrio": pubrio, "JANE": IDS[0],
                                        "PEOPLE": people(25)},
                    optionflags=doctest.ELLIPSIS)
                self.assertEqual(result.failed, 0)
                attempted += result.attempted
        self.assertGreaterEqual(attempted, 10)

    def test_readme_python_blocks_run(self) -> None:
        section = readme_python_section()
        blocks = re.findall(r"```python\n(.*?)```", section, re.S)
        self.assertGreaterEqual(len(blocks), 3)
        env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
        for block in blocks:
            with self.subTest(block=block.splitlines()[0]):
                self.assertLessEqual(code_lines(block), 10)
                with tempfile.TemporaryDirectory() as cwd:
                    done = subprocess.run([sys.executable, "-c", block],
                                          cwd=cwd, env=env,
                                          capture_output=True, text=True,
                                          timeout=60)
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertIn(ANN if "lookup" in block else IDS[0],
                              done.stdout)

    def test_readme_test_command_is_the_one_ci_runs(self) -> None:
        section = readme_python_section()
        command = re.search(r"^\(cd bindings/python && .*unittest.*\)$",
                            section, re.M)
        self.assertIsNotNone(command, "no test command in the README")
        with open(os.path.join(REPO, "scripts", "test.sh"),
                  encoding="utf-8") as f:
            self.assertIn(command.group(0), f.read())


if __name__ == "__main__":
    unittest.main()

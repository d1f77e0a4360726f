"""One version (issue 31 item 5): the package is the library's version.
The source of truth is the C library's `project(pubrio VERSION ...)` in
CMakeLists.txt; the header's PUBRIO_VERSION, the package's __version__,
the wheel the package's build backend makes and the loaded library all
say the same."""
import os
import re
import sys
import tempfile
import unittest
import zipfile

from _support import PACKAGE_ROOT, REPO, pubrio


def _read(*path: str) -> str:
    with open(os.path.join(*path), encoding="utf-8") as f:
        return f.read()


class VersionTest(unittest.TestCase):
    def setUp(self) -> None:
        cmake = _read(REPO, "CMakeLists.txt")
        self.truth = re.search(r"^project\(pubrio VERSION (\S+)", cmake,
                               re.M).group(1)

    def test_the_package_is_the_library_version(self) -> None:
        header = _read(REPO, "include", "pubrio", "pubrio.h")
        self.assertIn('#define PUBRIO_VERSION "%s"' % self.truth, header)
        self.assertEqual(pubrio.__version__, self.truth)
        self.assertEqual(pubrio.version(), self.truth)  # the loaded library

    def test_the_wheel_carries_it(self) -> None:
        sys.path.insert(0, os.path.join(PACKAGE_ROOT, "_build"))
        try:
            import pubrio_build
        finally:
            sys.path.pop(0)
        with tempfile.TemporaryDirectory() as tmp:
            name = pubrio_build.build_wheel(tmp)
            self.assertEqual(name, "pubrio-%s-py3-none-any.whl" % self.truth)
            with zipfile.ZipFile(os.path.join(tmp, name)) as whl:
                meta = whl.read("pubrio-%s.dist-info/METADATA"
                                % self.truth).decode()
        self.assertIn("\nVersion: %s\n" % self.truth, meta)


if __name__ == "__main__":
    unittest.main()

"""Shared by the tests: finds what a build of the repository made, so
`python3 -m unittest discover -s tests` in bindings/python works as it is
after `cmake -S . -B build && cmake --build build` at the top:
PUBRIO_LIBRARY defaults to build/libpubrio.so.0 and PUBRIO_FAKE_SERVER to
build/tests/pubrio-fake-server (set either to use another build), where
build is PUBRIO_BUILD_DIR when set (scripts/test.sh sets its own)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
BUILD = os.path.join(REPO, os.environ.get("PUBRIO_BUILD_DIR") or "build")


def _default(name: str, path: str) -> None:
    if not os.environ.get(name):
        if not os.path.exists(path):
            raise RuntimeError("%s is not set and %s does not exist: build "
                               "the repository first (cmake -S . -B build "
                               "&& cmake --build build)" % (name, path))
        os.environ[name] = path


_default("PUBRIO_LIBRARY", os.path.join(BUILD, "libpubrio.so.0"))
_default("PUBRIO_FAKE_SERVER", os.path.join(BUILD, "tests",
                                            "pubrio-fake-server"))
for path in (PACKAGE_ROOT, os.path.join(REPO, "tests", "fake_server")):
    if path not in sys.path:
        sys.path.insert(0, path)

import pubrio  # noqa: E402,F401  (after the paths above)
from fake_server import QUERY, SUBMIT, FakeServer  # noqa: E402,F401

IDS = ["540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11",
       "0a9b7c6d-1e2f-4a5b-8c7d-6e5f4a3b2c1d",
       "deadbeef-0000-4000-8000-000000000011"]  # the fake gives this one nothing


def people(n: int, prefix: str = "2000") -> list:
    """@n distinct valid people_search_ids."""
    return ["%s0000-0000-4000-8000-%012d" % (prefix, i) for i in range(n)]

"""What every benchmark script starts with: the fake server's Python
wrapper (tests/fake_server/fake_server.py) importable, aimed at the
pubrio-fake-server of the build folder given."""
import os
import sys


def use_build(build):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests",
                                    "fake_server"))
    os.environ.setdefault("PUBRIO_FAKE_SERVER",
                          os.path.join(build, "tests", "pubrio-fake-server"))

"""The progress line as a person sees it on a terminal (issue 31 item 12):
cut to the terminal's width, counting the batches accepted and not only
those collected, and an ETA from the batches' own estimates before anything
is collected. The CLI runs on a pseudo-terminal of a set size."""
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fake_server"))
from fake_server import FakeServer  # noqa: E402

CLI = os.environ.get("PUBRIO_CLI", "pubrio")


def ids(n, seed=0):
    return [str(uuid.UUID(int=(seed << 64) + i + 1, version=4)) for i in range(n)]


def run_on_terminal(server, args, columns):
    """The CLI's stderr on a pseudo-terminal @p columns wide (stdout
    apart); what it wrote there."""
    env = dict(os.environ, PUBRIO_BASE_URL=server.url, PUBRIO_API_KEY="test-key")
    env.pop("NO_COLOR", None)
    env.pop("COLUMNS", None)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    proc = subprocess.Popen([CLI, *args], stdout=subprocess.DEVNULL,
                            stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 0, data
    return data.decode()


def drawn_lines(data):
    """Every state of the progress line: what each redraw wrote."""
    return [part for part in re.split(r"\r|\x1b\[K|\n", data) if part.strip()]


class ProgressLine(unittest.TestCase):
    def setUp(self):
        # Batches announce 2 s and are ready then: all 10 are accepted
        # long before the first is collected.
        self.server = FakeServer("--estimated-time", "2", "--complete-after-ms",
                                 "2000")
        self.addCleanup(self.server.stop)

    def test_the_line_fits_the_terminal(self):
        data = run_on_terminal(self.server, ("redeem", "--types", "phone",
                                             "--wait", "--batch-size", "2",
                                             *ids(20, seed=31)), columns=50)
        lines = drawn_lines(data)
        self.assertTrue(any(line.startswith("batches ") for line in lines), data)
        for line in lines:
            if line.startswith("batches "):
                self.assertLessEqual(len(line), 49, line)

    def test_accepted_batches_and_their_estimate_show_before_collection(self):
        data = run_on_terminal(self.server, ("redeem", "--types", "phone",
                                             "--wait", "--batch-size", "2",
                                             *ids(20, seed=32)), columns=200)
        waiting = [line for line in drawn_lines(data)
                   if line.startswith("batches 0/10 (10 accepted)")]
        self.assertTrue(waiting, data)
        # Nothing collected yet, yet the ETA is the batches' estimate.
        self.assertTrue(all(re.search(r"ETA 00:0[0-2]", line) for line in waiting),
                        waiting)
        self.assertIn("people 20/20", data)


if __name__ == "__main__":
    unittest.main(verbosity=2)

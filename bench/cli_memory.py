#!/usr/bin/env python3
"""The CLI's peak RSS (GNU time's %M: a fork's rusage from Python would count
Python's own pages before exec) for 1,000 and 100,000 ids, with and without
--wait, against the fake server with no rate limit.

    bench/cli_memory.py BUILD_DIR
"""
import os
import subprocess
import sys
import tempfile
import time
import uuid

import benchenv

build = sys.argv[1] if len(sys.argv) > 1 else "build"
benchenv.use_build(build)
from fake_server import FakeServer  # noqa: E402

cli = os.path.join(build, "tools", "pubrio")
print("%8s %8s %12s %10s %10s" % ("ids", "--wait", "peak RSS KiB", "seconds",
                                  "people out"))
for count in (1000, 100000):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for i in range(count):
            f.write(str(uuid.UUID(int=i + 1, version=4)) + "\n")
        ids_file = f.name
    for wait in (False, True):
        with FakeServer("--estimated-time", "0") as server:
            env = dict(os.environ, PUBRIO_API_KEY="test-key",
                       PUBRIO_BASE_URL=server.url)
            args = ["/usr/bin/time", "-f", "%M", "-o", ids_file + ".rss",
                    cli, "redeem", "--types", "email-work,phone", "-q",
                    "--rate", "1000000", "--input", ids_file]
            if wait:
                args.append("--wait")
            start = time.monotonic()
            run = subprocess.run(args, capture_output=True, text=True, env=env)
            took = time.monotonic() - start
            if run.returncode != 0:
                sys.exit("pubrio failed for %d ids: %s" % (count, run.stderr))
            with open(ids_file + ".rss") as rss:
                peak_kib = int(rss.read().split()[-1])
            os.unlink(ids_file + ".rss")
            lines = len(run.stdout.splitlines())
            print("%8d %8s %12d %10.2f %10s" % (count, "yes" if wait else "no",
                                                peak_kib, took,
                                                lines if wait else "-"))
    os.unlink(ids_file)

#!/usr/bin/env python3
"""Rate budget: the CLI redeems PEOPLE ids with --wait against the fake
server enforcing RATE requests per minute (a fixed window, like Pubrio) and
completing each batch ESTIMATE seconds after submit. Prints requests per
batch, 429s, and wall time against the floor.

    bench/rate_budget.py BUILD_DIR [PEOPLE] [RATE] [ESTIMATE]
    (defaults: 10000 people, 120 per minute, 2 s)
"""
import os
import subprocess
import sys
import tempfile
import time
import uuid

import benchenv

build = sys.argv[1] if len(sys.argv) > 1 else "build"
people = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
rate = int(sys.argv[3]) if len(sys.argv) > 3 else 120
estimate = int(sys.argv[4]) if len(sys.argv) > 4 else 2
benchenv.use_build(build)
from fake_server import QUERY, SUBMIT, FakeServer  # noqa: E402

with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    for i in range(people):
        f.write(str(uuid.UUID(int=i + 1, version=4)) + "\n")
    ids_file = f.name

with FakeServer("--rate-limit", str(rate), "--estimated-time", str(estimate),
                "--complete-after-ms", str(estimate * 1000)) as server:
    env = dict(os.environ, PUBRIO_API_KEY="test-key",
               PUBRIO_BASE_URL=server.url)
    start = time.monotonic()
    run = subprocess.run([os.path.join(build, "tools", "pubrio"), "redeem",
                          "--types", "email-work,phone", "--wait", "-q",
                          "--rate", str(rate), "--max-wait", "600",
                          "--input", ids_file],
                         capture_output=True, text=True, env=env)
    wall = time.monotonic() - start
    stats = server.stats()
os.unlink(ids_file)

out_people = sum(1 for line in run.stdout.splitlines() if line)
batches = stats["requests"].get(SUBMIT, 0)
queries = stats["requests"].get(QUERY, 0)
total = stats["total"]
needed = 2 * batches  # one submit and one query per batch at the least
floor = needed / rate * 60
print("rate budget: %d people, --rate %d/min, server window %d/min, batches "
      "ready %d s after submit" % (people, rate, rate, estimate))
print("exit %d, %d people out, %d batches" % (run.returncode, out_people,
                                              batches))
print("requests: %d submits + %d queries = %d (%.2f per batch), %d answered 429"
      % (batches, queries, total, total / max(batches, 1),
         stats["rate_limited"]))
print("wall %.1f s; floor (requests needed)/N = %d/%d min = %.1f s; "
      "ratio %.2f" % (wall, needed, rate, floor, wall / floor))
full_windows = (needed - 1) // rate
print("fixed-window floor: %d full minute(s) must pass before the last "
      "request: %.1f s; ratio %.2f" % (full_windows, full_windows * 60,
                                       wall / max(full_windows * 60, 1e-9)
                                       if full_windows else float("nan")))
if run.returncode != 0:
    print(run.stderr)
    sys.exit(1)

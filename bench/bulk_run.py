#!/usr/bin/env python3
"""The bulk engine end to end: `pubrio redeem --wait` on PEOPLE ids against
the fake server answering every request after LATENCY ms and enforcing
Pubrio's fixed window of WINDOW requests a minute (429 past it). Prints the
wall time against its floor, requests per batch, 429s, the most requests the
server saw at once, and checks every person was submitted once and
collected once. Peak RSS of the CLI from GNU time.

    bench/bulk_run.py BUILD_DIR PEOPLE LATENCY_MS PARALLEL [WINDOW] [RATE]
    (PARALLEL 0: no --parallel, the CLI's adaptive default, floored as 64)
    (WINDOW: the server's limit, default 300; RATE: the CLI's --rate,
     default WINDOW)

The floor: every batch needs a submit, then a poll, one latency each, so
no run beats max(2 x latency, requests x latency / PARALLEL, the fixed
window's (ceil(requests / WINDOW) - 1) minutes).
"""
import math
import os
import subprocess
import sys
import tempfile
import time

import benchenv

build, people, latency, parallel = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), int(sys.argv[4])
window = int(sys.argv[5]) if len(sys.argv) > 5 else 300
rate = int(sys.argv[6]) if len(sys.argv) > 6 else window
benchenv.use_build(build)
from fake_server import QUERY, SUBMIT, FakeServer  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    ids_file = os.path.join(tmp, "ids.txt")
    with open(ids_file, "w") as f:
        for i in range(people):
            f.write("30000000-0000-4000-8000-%012d\n" % i)
    with FakeServer("--rate-limit", str(window), "--estimated-time", "0",
                    "--latency-ms", str(latency)) as server:
        env = dict(os.environ, PUBRIO_API_KEY="test-key",
                   PUBRIO_BASE_URL=server.url)
        out = os.path.join(tmp, "out.jsonl")
        start = time.monotonic()
        with open(out, "w") as sink:
            run = subprocess.run(
                ["/usr/bin/time", "-f", "%M", os.path.join(build, "tools",
                                                           "pubrio"),
                 "redeem", "--types", "phone", "--wait", "-q",
                 *(["--parallel", str(parallel)] if parallel else []),
                 "--rate", str(rate),
                 "--max-wait", "3600", "--input", ids_file],
                stdout=sink, stderr=subprocess.PIPE, text=True, env=env)
        wall = time.monotonic() - start
        stats = server.stats()
        collected = sum(1 for _ in open(out))
    rss_kib = int(run.stderr.strip().splitlines()[-1])
batches = math.ceil(people / 100)
requests = stats["requests"].get(SUBMIT, 0) + stats["requests"].get(QUERY, 0)
needed = 2 * batches
floor = max(2 * latency / 1000.0,
            needed * latency / 1000.0 / (parallel or 64),
            (math.ceil(needed / window) - 1) * 60.0)
print("%d people, latency %d ms, --parallel %s, window %d/min, --rate %d"
      % (people, latency, parallel or "(default)", window, rate))
print("exit %d, wall %.1f s, floor %.1f s, ratio %.2f" %
      (run.returncode, wall, floor, wall / floor if floor else float("nan")))
print("requests %d (%.2f per batch), 429s %d, most at once %d" %
      (requests, requests / batches, stats["rate_limited"],
       stats["max_concurrent"]))
print("submitted %d (max per person %d), collected %d, peak RSS %.1f MiB" %
      (stats["people_submitted"], stats["max_submits_per_person"], collected,
       rss_kib / 1024.0))

#!/usr/bin/env python3
"""Issue 30 item 2's peer: a plain Python script with a thread pool of
THREADS (default 32), each thread submitting one batch of 100 and querying
it until complete (urllib, no pacing: a 429 sleeps 1 s and sends again),
against the same fake server as bench/bulk_run.py:

    bench/threadpool_peer.py BUILD_DIR PEOPLE LATENCY_MS [THREADS] [WINDOW]
"""
import json
import math
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import benchenv

build, people, latency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 32
window = int(sys.argv[5]) if len(sys.argv) > 5 else 300
benchenv.use_build(build)
from fake_server import QUERY, SUBMIT, FakeServer  # noqa: E402

ids = ["30000000-0000-4000-8000-%012d" % i for i in range(people)]
refused = 0


def post(base, path, body):
    global refused
    while True:
        req = urllib.request.Request(
            base + path, data=json.dumps(body).encode(), method="POST",
            headers={"pubrio-api-key": "test-key",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return json.load(resp)["data"]
        except urllib.error.HTTPError as e:
            if e.code != 429:
                raise
            refused += 1
            time.sleep(1)


def one_batch(base, chunk):
    job = post(base, SUBMIT, {"peoples": chunk,
                              "people_contact_types": ["phone"]})
    while True:
        answer = post(base, QUERY, {"redeem_query_id": job["redeem_query_id"]})
        if answer["query"]["is_completed"]:
            return len(answer["peoples"])


with FakeServer("--rate-limit", str(window), "--estimated-time", "0",
                "--latency-ms", str(latency)) as server:
    chunks = [ids[i:i + 100] for i in range(0, people, 100)]
    start = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        out = sum(pool.map(lambda c: one_batch(server.url, c), chunks))
    wall = time.monotonic() - start
    stats = server.stats()
needed = 2 * math.ceil(people / 100)
floor = max(2 * latency / 1000.0, (math.ceil(needed / window) - 1) * 60.0)
print("thread pool of %d: wall %.1f s, rate-window floor %.1f s, ratio %.2f;"
      " 429s %d; people out %d, submitted %d" %
      (threads, wall, floor, wall / floor, stats["rate_limited"], out,
       stats["people_submitted"]))

#!/usr/bin/env python3
"""Issue 30 item 1: a quota the account does not report, against its floor
and a peer, in the same round.

Each case runs on a fresh `pubrio-fake-server --estimated-time 0 --quota
15/10s` (fixed 10 s windows from the server's start, 429s without
Retry-After) with PEOPLE ids in batches of 100, phone only:

- pubrio: `pubrio redeem --types phone --wait --no-account --batch-size 100`
- curl loop: a plain sequential loop of `curl` processes: submit each batch,
  then query it until complete; a 429 sleeps 1 s and sends the same request
  again (the submit too: the fake counts a refused submit as not made).

The floor: the requests the run needs, R (a submit and a query a batch
here), in fixed windows of 15: ceil(R / 15) - 1 windows of 10 s, measured
from the server's start (the first window began there).

    bench/quota_peer.py BUILD_DIR [PEOPLE]    (PEOPLE default 1000)
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import benchenv

build = sys.argv[1]
people = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
benchenv.use_build(build)
from fake_server import QUERY, SUBMIT, FakeServer  # noqa: E402

LIMIT, WINDOW_S, BATCH = 15, 10, 100
ids = ["00000000-0000-4000-8000-%012d" % i for i in range(1, people + 1)]


def curl(url, body):
    """One request by a curl process: (status, parsed body or None)."""
    out = subprocess.run(
        ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST",
         "-H", "pubrio-api-key: test-key", "-H",
         "Content-Type: application/json", "--data-binary", json.dumps(body),
         url], capture_output=True, text=True, check=True).stdout
    text, _, code = out.rpartition("\n")
    try:
        return int(code), json.loads(text)
    except ValueError:
        return int(code), None


def curl_loop(base):
    refused = 0

    def send(path, body):
        nonlocal refused
        while True:
            code, answer = curl(base + path, body)
            if code != 429:
                assert code == 200, (code, answer)
                return answer
            refused += 1
            time.sleep(1)

    out = 0
    for i in range(0, len(ids), BATCH):
        data = send(SUBMIT, {"peoples": ids[i:i + BATCH],
                             "people_contact_types": ["phone"]})["data"]
        while True:
            answer = send(QUERY, {"redeem_query_id":
                                  data["redeem_query_id"]})["data"]
            if answer["query"]["is_completed"]:
                out += len(answer["peoples"])
                break
    return out, refused


def pubrio(base, tmp):
    path = os.path.join(tmp, "ids.txt")
    with open(path, "w") as f:
        f.write("\n".join(ids) + "\n")
    env = dict(os.environ, PUBRIO_API_KEY="test-key", PUBRIO_BASE_URL=base)
    with open(os.path.join(tmp, "out"), "w") as sink:
        subprocess.run([os.path.join(build, "tools", "pubrio"), "redeem",
                        "--types", "phone", "--wait", "--no-account",
                        "--batch-size", str(BATCH), "--input", path],
                       stdout=sink, stderr=subprocess.DEVNULL, env=env,
                       check=True, timeout=900)
    return None, None


with tempfile.TemporaryDirectory() as tmp:
    for name in ("pubrio", "curl loop"):
        started = time.monotonic()
        with FakeServer("--estimated-time", "0", "--quota",
                        "%d/%ds" % (LIMIT, WINDOW_S)) as server:
            run_start = time.monotonic()
            (pubrio(server.url, tmp) if name == "pubrio"
                      else curl_loop(server.url))
            done = time.monotonic()
            stats = server.stats()
        needed = 2 * math.ceil(people / BATCH)
        floor = (math.ceil(needed / LIMIT) - 1) * WINDOW_S
        # The floor counts from the server's start, where its windows began:
        # wall time from there, less the server's own start-up is not ours.
        wall = done - run_start
        lead = run_start - started
        print("%-9s %5.2f s (+%.2f s server start), floor %d s from the "
              "server's start: ratio %.2f; 429s %d; people submitted %d; "
              "requests %d" % (name, wall, lead, floor, (wall + lead) / floor if floor
                      else float("nan"), stats["quota_refused"],
                      stats["people_submitted"],
                      stats["total"]))

#!/usr/bin/env python3
"""Issue 19: `pubrio redeem --wait` against a quota it may or may not know.

The fake server enforces fixed-window request quotas (--quota N/DURATION,
429 *without* Retry-After past them) and reports them on /profile/usage
(a window of up to an hour as the "hourly" quota). Batches are ready at
once. Each case runs PEOPLE ids (--types phone --batch-size 100) on a fresh
server and prints the exit code, wall time against the quota floor, the
429s the server sent (quota_refused) and the requests it counted, and the
CLI's last words on stderr.

    bench/quota_run.py BUILD_DIR [PEOPLE] [CASE...]
    (PEOPLE default 2000; CASE: unknown, given, account, account-1h,
     account-1h-used, account-60h, unknown-1h; default: the first five)

The floor: with R requests counted by the server (submits, polls and the
free account calls, which count but are never refused) and a quota of N per
W seconds, (R / N) x W; a fixed window can do better than that (N at the
end of one window, N at the start of the next): ceil(R / N) - 1 windows.
"""
import math
import os
import subprocess
import sys
import tempfile
import time

import benchenv

build = sys.argv[1]
people = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
benchenv.use_build(build)
from fake_server import QUERY, SUBMIT, FakeServer  # noqa: E402

# name: (server quota, CLI options, what the case shows)
CASES = {
    "unknown": ("15/10s", ["--no-account"],
                "quota unknown to the CLI (--no-account)"),
    "given": ("15/10s", ["--rate", "15/10s", "--no-account"],
              "quota given (--rate 15/10s --no-account)"),
    "account": ("15/10s", ["--max-wait", "120"],
                "quota read from the account (reported as 15 an hour)"),
    "account-1h": ("15/1h", ["--max-wait", "60"],
                   "an hourly quota read from the account, --max-wait 60"),
    "account-60h": ("60/1h", [],
                    "a Free plan's 60 an hour read from the account"),
    "unknown-1h": ("15/1h", ["--no-account", "--max-wait", "60"],
                   "an hourly quota unknown to the CLI, --max-wait 60"),
    "account-1h-used": ("15/1h", ["--max-wait", "60"],
                        "the same command again once the hour's quota is"
                        " used up"),
}
WINDOW_S = {"10s": 10, "1h": 3600}

names = sys.argv[3:] or ["unknown", "given", "account", "account-1h",
                         "account-1h-used"]
with tempfile.TemporaryDirectory() as tmp:
    ids = os.path.join(tmp, "ids.txt")
    with open(ids, "w") as f:
        for i in range(1, people + 1):
            f.write("00000000-0000-4000-8000-%012d\n" % i)
    for name in names:
        quota, options, what = CASES[name]
        limit, window = int(quota.split("/")[0]), WINDOW_S[quota.split("/")[1]]
        # the -used case: a first run spends the quota, the second is timed
        with FakeServer("--estimated-time", "0", "--quota", quota) as server:
            env = dict(os.environ, PUBRIO_API_KEY="test-key",
                       PUBRIO_BASE_URL=server.url)
            out = os.path.join(tmp, "out")
            for attempt in range(2 if name.endswith("-used") else 1):
                before = server.stats()
                start = time.monotonic()
                with open(out, "w") as sink:
                    run = subprocess.run(
                        [os.path.join(build, "tools", "pubrio"), "redeem",
                         "--types", "phone", "--wait", "--batch-size", "100",
                         "--input", ids, *options],
                        stdout=sink, stderr=subprocess.PIPE, text=True,
                        env=env, timeout=900)
                wall = time.monotonic() - start
            s = server.stats()
        for key in ("total", "quota_refused", "people_submitted"):
            s[key] -= before[key]
        for path in (SUBMIT, QUERY):
            s["requests"][path] = s["requests"].get(path, 0) - \
                before["requests"].get(path, 0)
        with open(out) as f:
            lines = sum(1 for _ in f)
        counted = s["total"] - s["quota_refused"]
        api = s["requests"].get(SUBMIT, 0) + s["requests"].get(QUERY, 0)
        floor = max(counted, 1) / limit * window
        fixed = (math.ceil(counted / limit) - 1) * window
        print("%s: server --quota %s; pubrio %s" % (what, quota,
                                                    " ".join(options)))
        print("  exit %d, wall %.1f s; %d people out of %d; requests counted "
              "%d (%d submits and queries, %d account), 429s %d" %
              (run.returncode, wall, lines, people, counted,
               api - s["quota_refused"], counted - api + s["quota_refused"],
               s["quota_refused"]))
        print("  floor %d/%d x %d s = %.1f s (ratio %.2f); fixed-window "
              "floor %d s (ratio %.2f); submitted %d, most per person %d" %
              (counted, limit, window, floor, wall / floor, fixed,
               wall / fixed if fixed else float("nan"),
               s["people_submitted"], s["max_submits_per_person"]))
        said = run.stderr.strip().splitlines()
        for i, line in enumerate(said):  # the first and last three lines
            if i < 3 or i >= len(said) - 3:
                print("  stderr: " + line[:200])
            elif i == 3:
                print("  stderr: (%d lines)" % (len(said) - 6))
        sys.stdout.flush()

#!/usr/bin/env python3
"""A spreadsheet enriched: a CSV of ROWS rows, URL_SHARE of them naming the
person by LinkedIn URL only (in a few spellings, some repeated), the rest by
people_search_id, redeemed with `--wait --format csv --output` against the
fake server with a rate limit of RATE requests a minute and LATENCY ms per
answer. Prints the requests by endpoint, the wall time against the rate
floor (a fixed window of RATE a minute lets RATE requests through at once,
so ceil(requests / RATE) - 1 full minutes must pass before the last one),
peak RSS (GNU time's %M), and rows in against rows out.

    bench/csv_enrich.py BUILD_DIR [ROWS] [URL_SHARE] [RATE] [LATENCY_MS]
"""
import csv
import os
import subprocess
import sys
import tempfile
import time
import uuid

import benchenv

build = sys.argv[1] if len(sys.argv) > 1 else "build"
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
share = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
rate = int(sys.argv[4]) if len(sys.argv) > 4 else 6000
latency = int(sys.argv[5]) if len(sys.argv) > 5 else 20
benchenv.use_build(build)
from fake_server import FakeServer  # noqa: E402

cli = os.path.join(build, "tools", "pubrio")
work = tempfile.mkdtemp()
src = os.path.join(work, "leads.csv")
out = os.path.join(work, "enriched.csv")
spellings = ("https://www.linkedin.com/in/{}", "linkedin.com/in/{}/",
             "http://uk.linkedin.com/in/{}?trk=list")
url_rows = int(rows * share)
with open(src, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "company", "people_search_id", "linkedin_url"])
    for i in range(rows):
        if share and i % round(1 / share) == 0 and url_rows:
            url_rows -= 1
            # 1 URL row in 10 repeats an earlier person in another spelling.
            step = round(1 / share)
            person = i - 5 * step if i % (10 * step) == 0 and i else i
            w.writerow([f"Person {i}", "Acme, Inc.", "",
                        spellings[i % 3].format(f"person-{person}")])
        else:
            w.writerow([f"Person {i}", "Acme, Inc.",
                        str(uuid.UUID(int=i + 1, version=4)), ""])

with FakeServer("--estimated-time", "1", "--rate-limit", str(rate),
                "--latency-ms", str(latency)) as server:
    env = dict(os.environ, PUBRIO_API_KEY="test-key",
               PUBRIO_BASE_URL=server.url)
    start = time.monotonic()
    run = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", out + ".rss", cli, "redeem",
         "--types", "email-work,phone", "--wait", "--format", "csv", "-q",
         "--rate", str(rate), "--input", src, "--output", out],
        capture_output=True, text=True, env=env)
    took = time.monotonic() - start
    counts = server.stats()["requests"]
if run.returncode != 0:
    sys.exit("pubrio failed: " + run.stderr)
with open(out + ".rss") as f:
    rss_mib = int(f.read().split()[-1]) / 1024
with open(src, newline="") as f:
    rows_in = sum(1 for _ in csv.reader(f)) - 1
with open(out, newline="") as f:
    got = list(csv.reader(f))[1:]
results = {}
for row in got:
    results[row[-1].split(":")[0]] = results.get(row[-1].split(":")[0], 0) + 1
api = {p: n for p, n in counts.items() if not p.startswith("/profile")}
sent = sum(api.values())
floor = (-(-sent // rate) - 1) * 60.0
print(f"{rows} rows, {int(rows * share)} by LinkedIn URL, --rate {rate}/min, "
      f"answers after {latency} ms")
print("requests: " + ", ".join(f"{p} {n}" for p, n in sorted(api.items())) +
      f"; {sent} in all (+{sum(counts.values()) - sent} account reads)")
print(f"wall {took:.2f} s; rate floor {floor:.0f} s" +
      (f"; ratio {took / floor:.2f}" if floor else " (one window)"))
print(f"peak RSS {rss_mib:.1f} MiB")
print(f"rows in {rows_in}, rows out {len(got)}; results {results}")

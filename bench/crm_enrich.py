#!/usr/bin/env python3
"""A CRM export resolved, then bought: `pubrio redeem --wait --format csv
--similar` on ROWS rows with no people_search_id (60% emails, 20% phones,
10% names with a company, 10% an email row's person again in another
spelling) against the fake server's
directory under Pubrio's fixed window of WINDOW requests a minute. Prints
requests by endpoint, the credits of lookups and redeems, the wall time
against the fixed window's floor, the CLI's peak RSS, and a rerun on the
journal (it must send nothing).

    bench/crm_enrich.py BUILD_DIR [ROWS] [WINDOW]

The fake finds an email at people.example (a person per local part, but
not one starting with "miss"), the phones and names of its six directory
people, and nothing else: the phones and names beyond those are misses.
"""
import csv
import math
import os
import subprocess
import sys
import tempfile
import time

import benchenv

build = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
window = int(sys.argv[3]) if len(sys.argv) > 3 else 300
benchenv.use_build(build)
from fake_server import FakeServer  # noqa: E402

LOOKUP = "/redeem/people/contact/lookup/batch"
SUBMIT = "/redeem/people/batch"
QUERY = "/redeem/people/batch/query"
DIRECTORY = [("King", "Lai", "Pubrio", "+15550100001"),
             ("John", "Smith", "Example", "+15550100002"),
             ("Jane", "Doe", "Example", "+15550100003"),
             ("Ann", "Lee", "Acme Inc", "+442079460001"),
             ("Bob", "Stone", "Acme Inc", "+442079460002"),
             ("Chris", "Wu", "Globex", "+61290000001")]


def crm_rows(n):
    out = [["Full Name", "Work Email", "Mobile", "Company"]]
    for i in range(n):
        kind = i % 10
        if kind == 9:  # a person an email row names, spelled otherwise
            out.append(["", "P%d@People.Example" % (i - 4), "", ""])
        elif kind < 6:
            miss = "miss" if i % 50 == 0 else ""
            out.append(["", "%sp%d@people.example" % (miss, i), "", ""])
        elif kind < 8:
            d = DIRECTORY[i % 6]
            phone = d[3] if i < 60 else "+1555%07d" % i
            out.append(["", "", phone, ""])
        else:
            d = DIRECTORY[i % 6]
            name = "%s %s" % (d[0], d[1]) if i < 60 else "Person %d X" % i
            out.append([name, "", "", d[2]])
    return out


def run(server, path, journal, tmp):
    env = dict(os.environ, PUBRIO_API_KEY="test-key",
               PUBRIO_BASE_URL=server.url)
    rss = os.path.join(tmp, "rss")
    start = time.monotonic()
    r = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", rss,
         os.path.join(build, "tools", "pubrio"), "redeem", "--types", "phone",
         "--wait", "--format", "csv", "--similar", "-q", "--max-wait", "3600",
         "--journal", journal, "--input", path],
        capture_output=True, text=True, env=env)
    wall = time.monotonic() - start
    if r.returncode != 0:
        sys.exit("pubrio failed: " + r.stderr[-2000:])
    with open(rss) as f:
        return wall, int(f.read().split()[-1]), r.stdout


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "crm.csv")
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(crm_rows(rows))
    journal = os.path.join(tmp, "crm.journal")
    with FakeServer("--rate-limit", str(window), "--estimated-time",
                    "0") as server:
        credit0 = server.stats()["credit"]
        wall, rss_kib, out = run(server, path, journal, tmp)
        first = server.stats()
        wall2, _, out2 = run(server, path, journal, tmp)
        second = server.stats()
results = {}
for row in list(csv.reader(out.splitlines()))[1:]:
    results[row[10]] = results.get(row[10], 0) + 1
req = first["requests"]
lookups, submits, polls = (req.get(LOOKUP, 0), req.get(SUBMIT, 0),
                           req.get(QUERY, 0))
total = first["total"]
floor = (math.ceil(total / window) - 1) * 60.0
print("%d rows, window %d/min" % (rows, window))
print("requests: %d lookup, %d submit, %d poll, %d in all (%d 429s)" %
      (lookups, submits, polls, total, first["rate_limited"]))
print("credits: %d charged in all (people bought %d, once each: max %d)" %
      (credit0 - first["credit"], first["people_submitted"],
       first["max_submits_per_person"]))
print("results: " + ", ".join("%s %d" % (k.split(":")[0], v)
                              for k, v in sorted(results.items())))
print("wall %.1f s, fixed-window floor %.1f s, peak RSS %.1f MiB" %
      (wall, floor, rss_kib / 1024.0))
print("rerun on the journal: %d requests, %d credits, %.2f s, same rows: %s"
      % (second["total"] - first["total"], first["credit"] - second["credit"],
         wall2, out2 == out))

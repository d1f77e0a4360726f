#!/usr/bin/env python3
"""The journal (`pubrio redeem --journal`) end to end against the fake
server (batches ready at once, no latency, --rate high enough not to pace):

  1. a first run of PEOPLE ids on a fresh journal, then the same command
     again: the rerun's requests (0 expected: everyone comes from the
     journal), wall times, output lines (= PEOPLE, same contacts);
  2. `pubrio status` and `pubrio export` on that journal, timed;
  3. a run over a half-overlapping list (PEOPLE/2 old + PEOPLE/2 new) on the
     same journal: people submitted by it (PEOPLE/2 expected) and the most
     submits any person got (1 expected);
  4. with PAIRS > 0: PAIRS first runs without and with a journal, fresh
     server and fresh journal each, interleaved: the wall-time ratio.

Peak RSS and wall time of every CLI run from GNU time -v.

    bench/store_rerun.py BUILD_DIR PEOPLE [PARALLEL] [PAIRS]
    (PARALLEL: --parallel, default 8; PAIRS: default 3)
"""
import os
import subprocess
import sys
import tempfile
import time

import benchenv

build, people = sys.argv[1], int(sys.argv[2])
parallel = int(sys.argv[3]) if len(sys.argv) > 3 else 8
pairs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
benchenv.use_build(build)
from fake_server import QUERY, SUBMIT, FakeServer  # noqa: E402

PUBRIO = os.path.join(build, "tools", "pubrio")
LIMIT = 900  # seconds: no run of this bench may hang the machine


def write_ids(path, first, count):
    with open(path, "w") as f:
        for i in range(first, first + count):
            f.write("00000000-0000-4000-8000-%012d\n" % i)


def run(args, env, out):
    """Run pubrio under GNU time -v: (exit, wall s, peak RSS KiB, lines)."""
    start = time.monotonic()
    with open(out, "w") as sink:
        proc = subprocess.run(["/usr/bin/time", "-v", PUBRIO, *args],
                              stdout=sink, stderr=subprocess.PIPE, text=True,
                              env=env, timeout=LIMIT)
    wall = time.monotonic() - start
    rss = 0
    for line in proc.stderr.splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.split(":")[1])
        elif line.strip() and not line.startswith("\t"):
            print("  stderr: " + line.strip())
    with open(out) as f:
        lines = sum(1 for _ in f)
    return proc.returncode, wall, rss, lines


def redeem(journal, ids):
    args = ["redeem", "--types", "phone", "--wait", "--batch-size", "100",
            "--parallel", str(parallel), "--rate", "1000000",
            "--max-wait", str(LIMIT), "-q", "--input", ids]
    return args + (["--journal", journal] if journal else [])


def api_requests(server):
    s = server.stats()
    return s["total"], s["requests"].get(SUBMIT, 0), \
        s["requests"].get(QUERY, 0), s["people_submitted"], \
        s["max_submits_per_person"]


def show(name, result, before, after):
    code, wall, rss, lines = result
    print("%-22s exit %d, wall %7.2f s, peak RSS %6.1f MiB, %d lines out, "
          "requests %d (%d submits, %d queries), people submitted %d"
          % (name, code, wall, rss / 1024.0, lines, after[0] - before[0],
             after[1] - before[1], after[2] - before[2],
             after[3] - before[3]))


def sorted_lines(path):
    with open(path) as f:
        return sorted(f)


with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR", "/tmp")) as tmp:
    ids_a = os.path.join(tmp, "a.txt")
    ids_b = os.path.join(tmp, "b.txt")
    write_ids(ids_a, 1, people)
    write_ids(ids_b, 1 + people // 2, people)  # half old, half new
    journal = os.path.join(tmp, "run.journal")
    print("%d people, --types phone --wait --batch-size 100 --parallel %d "
          "--rate 1000000, fake server --estimated-time 0" % (people, parallel))
    with FakeServer("--estimated-time", "0") as server:
        env = dict(os.environ, PUBRIO_API_KEY="test-key",
                   PUBRIO_BASE_URL=server.url)
        out1, out2, out3 = (os.path.join(tmp, n) for n in ("1", "2", "3"))
        s0 = api_requests(server)
        first = run(redeem(journal, ids_a), env, out1)
        s1 = api_requests(server)
        show("first run", first, s0, s1)
        size = os.path.getsize(journal)
        rerun = run(redeem(journal, ids_a), env, out2)
        s2 = api_requests(server)
        show("rerun", rerun, s1, s2)
        print("rerun output %s the first run's (sorted lines); journal %.1f "
              "MiB (%.0f bytes a person)" %
              ("equals" if sorted_lines(out1) == sorted_lines(out2)
               else "DIFFERS FROM", size / 1048576.0, size / people))
        print("rerun/first wall ratio %.3f" % (rerun[1] / first[1]))
        for name, args in (("status", ["status", "--journal", journal]),
                           ("export json", ["export", "--journal", journal]),
                           ("export csv", ["export", "--journal", journal,
                                           "--format", "csv"])):
            code, wall, rss, lines = run(args, env, os.path.join(tmp, "x"))
            print("%-22s exit %d, wall %7.2f s, peak RSS %6.1f MiB, %d lines"
                  % (name, code, wall, rss / 1024.0, lines))
        overlap = run(redeem(journal, ids_b), env, out3)
        s3 = api_requests(server)
        show("half-overlapping run", overlap, s2, s3)
        print("half-overlapping run: submitted %d of %d new; most submits of "
              "one person over all runs: %d; journal now %.1f MiB" %
              (s3[3] - s2[3], people - people // 2, s3[4],
               os.path.getsize(journal) / 1048576.0))
    ratios = []
    for i in range(pairs):
        walls = []
        for use_journal in (False, True):
            with FakeServer("--estimated-time", "0") as server:
                env = dict(os.environ, PUBRIO_API_KEY="test-key",
                           PUBRIO_BASE_URL=server.url)
                j = os.path.join(tmp, "pair%d.journal" % i)
                code, wall, rss, lines = run(
                    redeem(j if use_journal else None, ids_a), env,
                    os.path.join(tmp, "p"))
                walls.append(wall)
                print("pair %d %-15s exit %d, wall %7.2f s, peak RSS %6.1f "
                      "MiB, %d lines" % (i + 1, "--journal" if use_journal
                                         else "no journal", code, wall,
                                         rss / 1024.0, lines))
                if use_journal:
                    os.remove(j)
        ratios.append(walls[1] / walls[0])
        print("pair %d: the journal adds %.2f ms a batch (%d batches)" %
              (i + 1, (walls[1] - walls[0]) * 1000 / ((people + 99) // 100),
               (people + 99) // 100))
    if ratios:
        print("with/without journal wall ratio per pair: %s; median %.2f" %
              (", ".join("%.2f" % r for r in ratios),
               sorted(ratios)[len(ratios) // 2]))

#!/usr/bin/env python3
"""Issue 29: a team's runs at once on one workspace.

RUNS `pubrio redeem --wait` processes start together against ONE fake
server (one workspace: it counts every request and every person submitted,
whoever sent them, and enforces one quota for all). Their id lists overlap:
run i takes PEOPLE ids starting at i x PEOPLE / 3 of a pool, so about a
third of each list is also in its neighbours'. Two cases:

  sqlite      each run its own journal file (a team before issue 29: one
              machine's ledger each)
  postgresql  every run on one PostgreSQL journal

For each: people submitted (bought) against unique people, the most times
one person was submitted, 429s, wall of the RUNS at once against one run
of PEOPLE alone on the same store. Then the store's cost: one run of
PEOPLE ids with no quota on each store, wall per batch.

    bench/team_runs.py BUILD_DIR [PEOPLE] [RUNS] [QUOTA]
    (PEOPLE default 2000, RUNS 4, QUOTA the server's per-workspace quota,
    default 20/1s; the PostgreSQL case needs a database: run it under
    `pg_virtualenv`, or set PUBRIO_BENCH_PG_URI to a postgresql:// URI of a
    database this script may create databases beside)
"""
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

import benchenv

build = sys.argv[1]
people = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 4
quota = sys.argv[4] if len(sys.argv) > 4 else "20/1s"
benchenv.use_build(build)
from fake_server import FakeServer  # noqa: E402

PUBRIO = os.path.join(build, "tools", "pubrio")


def pg_base_uri():
    """The URI of the database we were given, or None."""
    uri = os.environ.get("PUBRIO_BENCH_PG_URI")
    if uri:
        return uri
    if "PGPORT" not in os.environ:
        return None
    user = urllib.parse.quote(os.environ.get("PGUSER", "postgres"))
    password = os.environ.get("PGPASSWORD")
    auth = user + (":" + urllib.parse.quote(password) if password else "")
    host = os.environ.get("PGHOST", "localhost")
    if host.startswith("/"):
        host = "localhost"
    return "postgresql://%s@%s:%s/%s" % (
        auth, host, os.environ["PGPORT"], os.environ.get("PGDATABASE",
                                                          "postgres"))


def fresh_database(base, name):
    """A new empty database beside the given one: its URI."""
    parts = urllib.parse.urlsplit(base)
    admin = base
    for sql in ("DROP DATABASE IF EXISTS %s" % name,
                "CREATE DATABASE %s" % name):
        subprocess.run(["psql", "-q", "-d", admin, "-c", sql], check=True,
                       stdout=subprocess.DEVNULL)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def start(ids, journal, env, out):
    sink = open(out, "w")
    proc = subprocess.Popen(
        [PUBRIO, "redeem", "--types", "phone", "--wait", "--batch-size", "100",
         "--input", ids, "--journal", journal, "--no-account",
         "--rate", quota],
        stdout=sink, stderr=subprocess.PIPE, text=True, env=env)
    proc.sink = sink
    return proc


def finish(proc):
    _, err = proc.communicate(timeout=1800)
    proc.sink.close()
    if proc.returncode != 0:
        print("  a run exited %d: %s" % (proc.returncode,
                                         err.strip().splitlines()[-1:]))
    return proc.returncode


def lines(path):
    with open(path) as f:
        return sum(1 for _ in f)


def team(tmp, lists, journals, server_args):
    """RUNS at once, then one alone: the figures of one case."""
    with FakeServer("--estimated-time", "0", *server_args) as server:
        env = dict(os.environ, PUBRIO_API_KEY="test-key",
                   PUBRIO_BASE_URL=server.url)
        began = time.monotonic()
        procs = [start(lists[i], journals[i], env,
                       os.path.join(tmp, "out%d" % i))
                 for i in range(len(lists))]
        codes = [finish(p) for p in procs]
        wall = time.monotonic() - began
        s = server.stats()
        handed = [lines(os.path.join(tmp, "out%d" % i))
                  for i in range(len(lists))]
    return wall, s, codes, handed


def alone(tmp, ids, journal, server_args):
    with FakeServer("--estimated-time", "0", *server_args) as server:
        env = dict(os.environ, PUBRIO_API_KEY="test-key",
                   PUBRIO_BASE_URL=server.url)
        began = time.monotonic()
        code = finish(start(ids, journal, env, os.path.join(tmp, "alone")))
        return time.monotonic() - began, code


with tempfile.TemporaryDirectory() as tmp:
    pool = people * (runs + 2) // 3 + people
    lists = []
    unique = set()
    for i in range(runs):
        first = i * people // 3
        path = os.path.join(tmp, "ids%d.txt" % i)
        with open(path, "w") as f:
            for n in range(first, first + people):
                f.write("00000000-0000-4000-8000-%012d\n" % (n % pool + 1))
                unique.add(n % pool)
        lists.append(path)
    print("%d runs at once, %d ids each, %d unique people; one workspace "
          "quota %s (server and --rate)" % (runs, people, len(unique), quota))
    base = pg_base_uri()
    cases = [("sqlite", [os.path.join(tmp, "j%d.db" % i)
                         for i in range(runs)])]
    if base:
        shared = fresh_database(base, "pubrio_bench_team")
        cases.append(("postgresql", [shared] * runs))
    else:
        print("postgresql: skipped (no PUBRIO_BENCH_PG_URI, not under "
              "pg_virtualenv)")
    quota_args = ["--quota", quota]
    for name, journals in cases:
        wall, s, codes, handed = team(tmp, lists, journals, quota_args)
        one = (os.path.join(tmp, "one.db") if name == "sqlite"
               else fresh_database(base, "pubrio_bench_one"))
        wall1, _ = alone(tmp, lists[0], one, quota_args)
        print("%s: exit codes %s; handed out %s of %d each" %
              (name, codes, handed, people))
        print("  people bought %d for %d unique (%.2fx); most submits of one "
              "person %d; 429s %d; wall %.1f s against one run alone %.1f s "
              "(%.2fx)" %
              (s["people_submitted"], len(unique),
               s["people_submitted"] / len(unique),
               s["max_submits_per_person"], s["quota_refused"], wall, wall1,
               wall / wall1))
        sys.stdout.flush()
    # The store's cost: no quota, one run, per batch.
    batches = (people + 99) // 100
    costs = {}
    for name, _ in cases:
        journal = (os.path.join(tmp, "cost.db") if name == "sqlite"
                   else fresh_database(base, "pubrio_bench_cost"))
        wall1, _ = alone(tmp, lists[0], journal, [])
        costs[name] = wall1 / batches * 1000
        print("%s store: one run of %d people, %d batches, no quota: %.1f s, "
              "%.1f ms a batch" % (name, people, batches, wall1, costs[name]))
    if "postgresql" in costs:
        print("postgresql / sqlite per batch: %.2fx" %
              (costs["postgresql"] / costs["sqlite"]))

"""Python's per-call overhead over C against the standalone fake server: the
median time of one query call (kept-alive connection, 3 people answered)
from C, from Python's main thread (the call runs on a helper thread so
Ctrl-C can cancel it) and from another thread (called directly). The C side
is query_loop.c, compiled here against the build.
    python3 bench/overhead.py [CALLS]        (in bindings/python; default 2000)
"""
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
from _support import BUILD, IDS, REPO, FakeServer, pubrio  # noqa: E402


def median_us(call, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp, \
            FakeServer("--estimated-time", "0") as server:
        exe = os.path.join(tmp, "query_loop")
        subprocess.run(["cc", "-O2", "-o", exe,
                        os.path.join(HERE, "query_loop.c"),
                        "-I", os.path.join(REPO, "include"), "-L", BUILD,
                        "-Wl,-rpath," + BUILD, "-lpubrio"], check=True)
        client = pubrio.Client("test-key", base_url=server.url)
        rid = client.submit(IDS, ["email-work", "phone"]).redeem_query_id
        c_us, main_us, thread_us = [], [], []
        for _round in range(3):  # interleaved: both see the same noise
            c_us.append(float(subprocess.run(
                [exe, server.url, rid, str(n)], check=True,
                capture_output=True, text=True).stdout))
            main_us.append(median_us(lambda: client.query(rid), n))
            out: list = []
            worker = threading.Thread(target=lambda: out.append(
                median_us(lambda: client.query(rid), n)))
            worker.start()
            worker.join()
            thread_us.append(out[0])
        client.close()
    c, m, t = (statistics.median(x) for x in (c_us, main_us, thread_us))
    print("query, median us per call over %d calls x 3 rounds:" % n)
    print("  C                      %7.1f" % c)
    print("  Python, main thread    %7.1f  (%.2fx C, +%.1f us)" % (m, m / c,
                                                                   m - c))
    print("  Python, other thread   %7.1f  (%.2fx C, +%.1f us)" % (t, t / c,
                                                                   t - c))


if __name__ == "__main__":
    main()

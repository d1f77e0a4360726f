"""Start the standalone pubrio-fake-server for Python tests (CLI, bindings).

The binary comes from $PUBRIO_FAKE_SERVER (ctest sets it). It listens on
127.0.0.1 on a free port and prints its URL first thing.
"""
import json
import os
import subprocess
import urllib.request


class FakeServer:
    def __init__(self, *args):
        binary = os.environ["PUBRIO_FAKE_SERVER"]
        self.proc = subprocess.Popen([binary, *args], stdout=subprocess.PIPE,
                                     text=True)
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            self.proc.kill()
            raise RuntimeError("fake server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stats(self):
        with urllib.request.urlopen(self.url + "/_fake/stats") as resp:
            return json.load(resp)

    def requests(self, path=None):
        counts = self.stats()["requests"]
        return counts.get(path, 0) if path else sum(counts.values())

    def script(self, path, status, body="", times=1, **extra):
        """Make the next `times` requests to `path` get this answer."""
        spec = {"path": path, "status": status, "body": body, "times": times,
                **extra}
        req = urllib.request.Request(self.url + "/_fake/reply",
                                     data=json.dumps(spec).encode(),
                                     method="POST")
        urllib.request.urlopen(req).close()


SUBMIT = "/redeem/people/batch"
QUERY = "/redeem/people/batch/query"

"""The ctypes mirrors in pubrio/_lib.py against the C header: a small C
probe, compiled here, prints each mirrored struct's size and every
mirrored field's offset and size. Any field at another offset or of
another size fails. The structs the library writes into memory of ours
(pubrio_error, pubrio_bulk_event, pubrio_bulk_stats) must match the header
in size too, so a field the C side grew is declared here (the others are
read through the library's pointers, as a prefix)."""
import ctypes
import os
import shutil
import subprocess
import tempfile
import unittest

from _support import REPO, pubrio  # noqa: F401  (loads the library)

from pubrio import _lib

MIRRORS = {"pubrio_error": _lib.Error, "pubrio_batch_job": _lib.Job,
           "pubrio_contact": _lib.Contact, "pubrio_person": _lib.Person,
           "pubrio_query_result": _lib.Result,
           "pubrio_bulk_event": _lib.BulkEvent,
           "pubrio_bulk_stats": _lib.BulkStats,
           "pubrio_profile": _lib.Profile, "pubrio_usage": _lib.Usage,
           "pubrio_lookup_answer": _lib.LookupAnswer}
WRITTEN_BY_C = ("pubrio_error", "pubrio_bulk_event", "pubrio_bulk_stats")


def include_dir() -> str:
    in_tree = os.path.join(REPO, "include")
    return os.environ.get("PUBRIO_INCLUDE_DIR") or (
        in_tree if os.path.exists(os.path.join(in_tree, "pubrio",
                                               "pubrio.h"))
        else "/usr/include")


class LayoutTest(unittest.TestCase):
    def test_every_mirrored_field_sits_where_the_header_puts_it(self) -> None:
        cc = shutil.which("cc")
        if not cc:
            self.skipTest("no C compiler (cc)")
        lines = ["#include <pubrio/pubrio.h>", "#include <stddef.h>",
                 "#include <stdio.h>", "int main(void) {"]
        for name, mirror in MIRRORS.items():
            lines.append('  printf("%s %%zu\\n", sizeof(struct %s));'
                         % (name, name))
            for field, _type in mirror._fields_:
                key = "%s.%s" % (name, field)
                lines.append('  printf("%s %%zu %%zu\\n", offsetof(struct '
                             '%s, %s), sizeof(((struct %s *)0)->%s));'
                             % (key, name, field, name, field))
        lines += ["  return 0;", "}"]
        with tempfile.TemporaryDirectory() as tmp:
            source = os.path.join(tmp, "probe.c")
            with open(source, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            probe = os.path.join(tmp, "probe")
            subprocess.run([cc, "-std=c11", "-I", include_dir(), "-o", probe,
                            source], check=True)
            out = subprocess.run([probe], check=True, capture_output=True,
                                 text=True).stdout
        c = {words[0]: [int(w) for w in words[1:]]
             for words in (line.split() for line in out.splitlines())}
        for name, mirror in MIRRORS.items():
            for field, _type in mirror._fields_:
                want = c["%s.%s" % (name, field)]
                got = [getattr(mirror, field).offset,
                       getattr(mirror, field).size]
                self.assertEqual(got, want, "%s.%s: (offset, size)"
                                 % (name, field))
            if name in WRITTEN_BY_C:
                self.assertEqual(ctypes.sizeof(mirror), c[name][0],
                                 "%s: the header's struct has fields "
                                 "_lib.py lacks (or the other way)" % name)
            else:
                self.assertLessEqual(ctypes.sizeof(mirror), c[name][0], name)


if __name__ == "__main__":
    unittest.main()

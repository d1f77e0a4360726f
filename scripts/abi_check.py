#!/usr/bin/env python3
"""The ABI promise, checked against the last release (issue 31 item 10).

usage: scripts/abi_check.py BASELINE.abi LIBRARY.so HEADERS_DIR

libabigail's abidw describes the built library's public ABI; abidiff
compares it with the release's description kept in abi/ and fails on what it
calls incompatible (a function or variable removed, a symbol changed). It
reports a struct grown at its end as a compatible change, and so it does a
member moved in the middle, so a second check reads both descriptions: every
public struct keeps each member it had at the same offset (new members only
after the old end), and every enumerator keeps its value. The checker proves
it can fail before it is trusted: a copy of the baseline with two members
swapped and an enumerator renumbered must be refused.
"""
import copy
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def layouts(root):
    """{struct: (size, {member: offset})} and {enumerator: value}, public only."""
    structs, enums = {}, {}
    for c in root.iter("class-decl"):
        name = c.get("name", "")
        if not name.startswith("pubrio") or c.get("is-declaration-only") == "yes":
            continue
        members = {}
        for m in c.findall("data-member"):
            var = m.find("var-decl")
            members[var.get("name")] = int(m.get("layout-offset-in-bits"))
        structs[name] = (int(c.get("size-in-bits", "0")), members)
    for e in root.iter("enum-decl"):
        if e.get("name", "").startswith("pubrio"):
            for v in e.findall("enumerator"):
                enums[v.get("name")] = int(v.get("value"))
    return structs, enums


def layout_breaks(old_root, new_root):
    """Sentences naming every member moved or removed and enumerator changed."""
    old_s, old_e = layouts(old_root)
    new_s, new_e = layouts(new_root)
    found = []
    for name, (size, members) in sorted(old_s.items()):
        if name not in new_s:
            continue  # a type no longer in any signature: abidiff judges it
        _, now = new_s[name]
        for member, offset in members.items():
            if member not in now:
                found.append(f"{name}.{member} was removed")
            elif now[member] != offset:
                found.append(f"{name}.{member} moved from bit {offset} to {now[member]}")
        for member, offset in now.items():
            if member not in members and offset < size:
                found.append(f"{name}.{member} was added inside the old struct "
                             f"(bit {offset} < {size}): only at the end")
    for name, value in sorted(old_e.items()):
        if name not in new_e:
            found.append(f"enumerator {name} was removed (retire it, keep it)")
        elif new_e[name] != value:
            found.append(f"enumerator {name} changed from {value} to {new_e[name]}")
    return found


def self_test(baseline_root):
    broken = copy.deepcopy(baseline_root)
    err = next(c for c in broken.iter("class-decl") if c.get("name") == "pubrio_error")
    a, b = err.findall("data-member")[:2]
    oa, ob = a.get("layout-offset-in-bits"), b.get("layout-offset-in-bits")
    a.set("layout-offset-in-bits", ob)
    b.set("layout-offset-in-bits", oa)
    v = next(broken.iter("enumerator"))
    v.set("value", str(int(v.get("value")) + 100))
    found = layout_breaks(baseline_root, broken)
    if len(found) != 3:
        sys.exit(f"abi_check: the layout check missed a planted break: {found}")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    baseline, library, headers = sys.argv[1:]
    old_root = ET.parse(baseline).getroot()
    self_test(old_root)
    with tempfile.NamedTemporaryFile(suffix=".abi") as cur:
        subprocess.run(["abidw", "--headers-dir", headers, "--no-corpus-path",
                        "--drop-private-types", "--out-file", cur.name, library],
                       check=True)
        diff = subprocess.run(["abidiff", "--drop-private-types", baseline, cur.name],
                              capture_output=True, text=True)
        new_root = ET.parse(cur.name).getroot()
    # abidiff's exit bits: 1 error, 2 usage, 4 ABI change, 8 incompatible.
    if diff.returncode & (1 | 2 | 8):
        print(diff.stdout + diff.stderr)
        sys.exit(f"abi_check: abidiff says {library} breaks the ABI of {baseline}")
    found = layout_breaks(old_root, new_root)
    if found:
        print(diff.stdout)
        sys.exit("abi_check: " + "; ".join(found))
    summary = diff.stdout.splitlines()[0] if diff.stdout else "no change"
    print(f"abi_check: compatible with {baseline} ({summary})")


if __name__ == "__main__":
    main()

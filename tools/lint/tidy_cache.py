#!/usr/bin/env python3
"""Which lib/ sources clang-tidy must check: those not proven clean before.

`make lint` runs clang-tidy (minutes on two cores) over every lib/*.cc.  A
file's result depends only on what clang-tidy reads: the file, the project
headers it includes (transitively), its compile command, .clang-tidy and the
clang-tidy version.  This script hashes exactly those into a key per file and
keeps the keys of files found clean in .ci/tidy-clean (committed), so a run
checks only files whose key is new.  Any change to a file, to a header it
reaches, to its flags, to the configuration or to the tool re-checks it.
System headers are taken as part of the tool's version (Debian 12's clang 14).

Usage:
  tidy_cache.py select ROOT BUILD     prints the lib/*.cc to check, one per line
  tidy_cache.py record ROOT BUILD     records every lib/*.cc as clean (after a
                                      clean clang-tidy run over the selected ones)
"""
import hashlib
import json
import os
import re
import subprocess
import sys

INCLUDE = re.compile(rb'^\s*#\s*include\s+"([^"]+)"', re.M)
STAMP = os.path.join(".ci", "tidy-clean")


def tool_version() -> bytes:
    try:
        out = subprocess.run(["clang-tidy", "--version"], capture_output=True, check=False).stdout
    except OSError:
        out = b"no clang-tidy"
    return out


def commands(root: str, build: str) -> dict:
    """The compile command of each lib/ source, with the checkout's path removed."""
    with open(os.path.join(build, "compile_commands.json"), encoding="utf-8") as f:
        entries = json.load(f)
    out = {}
    root_abs = os.path.realpath(root)
    build_abs = os.path.realpath(build)
    for e in entries:
        path = os.path.realpath(os.path.join(e["directory"], e["file"]))
        rel = os.path.relpath(path, root_abs)
        if not rel.startswith("lib" + os.sep) or not rel.endswith(".cc"):
            continue
        cmd = e.get("command") or " ".join(e.get("arguments", []))
        # Object paths and the checkout's location differ between clones.
        cmd = cmd.replace(build_abs, "<build>").replace(root_abs, "<root>")
        cmd = re.sub(r"-o \S+", "", cmd)
        cmd = re.sub(r"-launcher \S+|\S*ccache ", "", cmd)
        out[rel] = cmd
    return out


class Closure:
    """The project files a source reaches through #include "..."."""

    def __init__(self, root: str):
        self.root = root
        self.dirs = [os.path.join(root, "lib"), os.path.join(root, "include")]
        self.cache = {}

    def resolve(self, name: str, here: str):
        for d in [here] + self.dirs:
            p = os.path.normpath(os.path.join(d, name))
            if os.path.isfile(p):
                return p
        return None  # A system or generated header: part of the tool's version.

    def of(self, path: str) -> set:
        seen = set()
        stack = [path]
        while stack:
            p = stack.pop()
            if p in seen:
                continue
            seen.add(p)
            if p not in self.cache:
                with open(p, "rb") as f:
                    text = f.read()
                incs = []
                for m in INCLUDE.finditer(text):
                    r = self.resolve(m.group(1).decode(), os.path.dirname(p))
                    if r is not None:
                        incs.append(r)
                self.cache[p] = (text, incs)
            stack.extend(self.cache[p][1])
        return seen


def keys(root: str, build: str) -> dict:
    common = hashlib.sha256()
    common.update(tool_version())
    with open(os.path.join(root, ".clang-tidy"), "rb") as f:
        common.update(f.read())
    closure = Closure(root)
    out = {}
    for rel, cmd in sorted(commands(root, build).items()):
        h = common.copy()
        h.update(cmd.encode())
        path = os.path.join(root, rel)
        for p in sorted(closure.of(path)):
            h.update(os.path.relpath(p, root).encode() + b"\0")
            h.update(closure.cache[p][0])
        out[rel] = h.hexdigest()
    return out


def main() -> int:
    if len(sys.argv) != 4 or sys.argv[1] not in ("select", "record"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, root, build = sys.argv[1:]
    current = keys(root, build)
    stamp = os.path.join(root, STAMP)
    if mode == "select":
        clean = set()
        if os.path.isfile(stamp):
            with open(stamp, encoding="utf-8") as f:
                clean = {line.split()[0] for line in f if line.strip() and not line.startswith("#")}
        for rel, key in current.items():
            if key not in clean:
                print(rel)
        return 0
    with open(stamp, "w", encoding="utf-8") as f:
        f.write("# lib/ sources clang-tidy found clean: key (tools/lint/tidy_cache.py) and path.\n")
        f.write("# Written by `make lint`; commit it so the next run checks only what changed.\n")
        for rel, key in current.items():
            f.write(f"{key} {rel}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Fails when a file under lib/ includes a header of a stage above its own.

docket's stages depend in one direction (docs/architecture.md):

    base <- storage <- lang <- plan <- exec <- compiler <- rulebook <- cli
                  \\<- io <------------------------------/
    gen (the sample-data generator) uses base and storage only.

Usage: check_layers.py SOURCE_DIR [STAMP_FILE].  Prints one line per upward
include, naming the file, the line, the header and what the stage may use,
and exits 1; writes STAMP_FILE when the graph is clean (the build runs this
before compiling anything, so an upward include fails the build).
"""
import os
import re
import sys

# Each stage and the stages it may include (besides itself).  A new folder
# under lib/ must be added here: the check refuses folders it does not know.
ALLOWED = {
    "base": set(),
    "storage": {"base"},
    "io": {"base", "storage"},
    "lang": {"base", "storage"},
    "plan": {"base", "storage", "lang"},
    "exec": {"base", "storage", "plan"},
    "compiler": {"base", "storage", "lang", "plan", "exec"},
    "rulebook": {"base", "storage", "io", "lang", "plan", "exec", "compiler"},
    "cta": {"base", "storage", "io", "lang", "plan", "exec", "compiler", "rulebook"},
    "metrics": {"base", "storage", "io", "lang", "plan", "exec", "compiler", "rulebook"},
    "gen": {"base", "storage"},
    "cli": {"base", "storage", "io", "lang", "plan", "exec", "compiler", "rulebook", "cta", "metrics", "gen"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([A-Za-z0-9_]+)/[^"]+"')


def main() -> int:
    root = sys.argv[1]
    lib = os.path.join(root, "lib")
    errors = []
    for stage in sorted(os.listdir(lib)):
        folder = os.path.join(lib, stage)
        if not os.path.isdir(folder):
            continue
        if stage not in ALLOWED:
            errors.append(f"lib/{stage}/: a stage tools/layers/check_layers.py does not know; "
                          f"add it to ALLOWED with the stages it may use")
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".h", ".cc")):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1)
                    if target in ("docket", stage) or target not in ALLOWED:
                        continue  # Public headers, the stage itself, third-party headers.
                    if target not in ALLOWED[stage]:
                        may = ", ".join(sorted(ALLOWED[stage])) or "nothing else"
                        header = line.split('"')[1]
                        errors.append(f"lib/{stage}/{name}:{number}: includes \"{header}\", "
                                      f"but {stage} sits below {target} (it may use: {may})")
    if errors:
        print("docket: include graph has upward edges (see docs/architecture.md):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            f.write("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

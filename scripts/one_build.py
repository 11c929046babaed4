#!/usr/bin/env python3
"""Fails when `cargo test --release` would compile a crate that `cargo build --release` already
compiled, with other features (so the README's two commands would compile it twice).

Reads the JSON messages of both builds (`--message-format=json`): each compiled unit is a
package, a target and a profile; a unit the two builds share must have the same features.

    python3 scripts/one_build.py build.json test.json
"""
import json
import sys


def units(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("{"):
                continue
            m = json.loads(line)
            if m.get("reason") != "compiler-artifact":
                continue
            p = m["profile"]
            key = (
                m["package_id"],
                m["target"]["name"],
                tuple(m["target"]["kind"]),
                str(p["opt_level"]),
                p["test"],
            )
            out[key] = tuple(sorted(m["features"]))
    return out


def main():
    build, test = units(sys.argv[1]), units(sys.argv[2])
    if not build:
        sys.exit("no compiled unit in the build's messages")
    twice = [(k, build[k], test[k]) for k in build if k in test and build[k] != test[k]]
    for (pkg, target, _, opt, _), a, b in twice:
        print(f"compiled twice: {pkg} ({target}, opt-level {opt}): features {list(a)} vs {list(b)}")
    shared = sum(1 for k in build if k in test)
    print(f"{shared} units of the release build are reused by the test build; {len(twice)} compiled twice")
    sys.exit(1 if twice else 0)


if __name__ == "__main__":
    main()

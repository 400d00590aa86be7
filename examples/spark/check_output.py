#!/usr/bin/env python3
"""Check the Parquet written by analyze_news.py (or ray_analyze_news.py) against the CLI.

    python examples/spark/check_output.py OUTPUT.parquet CLI.jsonl [CLI2.jsonl ...] [--rows N]

CLI.jsonl files are what `khabar analyze --json` printed for the same articles. Checks that
the output has one row per CLI record (and N rows, if given), with the same ids, no
errors, and for every row exactly the CLI's entities (text, type, canonical, byte start/end,
score as float32). Ids of .txt inputs are compared by file name. Exit status 1 on any
difference, with the first few printed.
"""

import argparse
import collections
import json
import os
import struct
import sys

import pyarrow.parquet as pq


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def key(i):
    return os.path.basename(i) if i and i.endswith(".txt") else i


def entities_of(es):
    return [(e["text"], e["type"], e["canonical"], e["start"], e["end"], f32(e["score"])) for e in es]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output")
    ap.add_argument("cli", nargs="+")
    ap.add_argument("--rows", type=int)
    args = ap.parse_args()

    want = collections.defaultdict(list)
    n_cli = 0
    for path in args.cli:
        with open(path, encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                want[key(a.get("id"))].append(entities_of(a["entities"]))
                n_cli += 1
    rows = pq.read_table(args.output, columns=["id", "entities", "error", "n_tokens", "published", "published_ts"]).to_pylist()
    problems = []
    if args.rows is not None and len(rows) != args.rows:
        problems.append(f"{len(rows)} rows, expected {args.rows}")
    if len(rows) != n_cli:
        problems.append(f"{len(rows)} rows but the CLI gave {n_cli} records")
    seen = collections.Counter()
    n_entities = 0
    for r in rows:
        k = key(r["id"])
        seen[k] += 1
        if r["error"]:
            problems.append(f"{k}: error {r['error']}")
            continue
        got = entities_of(r["entities"])
        n_entities += len(got)
        if k not in want:
            problems.append(f"{k}: not in the CLI output")
        elif got not in want[k]:
            problems.append(f"{k}: entities differ from the CLI's:\n  spark {got[:5]}\n  cli   {want[k][0][:5]}")
    for k, n in want.items():
        if seen[k] != len(n):
            problems.append(f"{k}: {seen[k]} rows, the CLI gave {len(n)}")
    dated = sum(1 for r in rows if r["published_ts"] is not None)
    print(f"{len(rows)} rows, {n_entities} entities, {dated} with a publication time; CLI records: {n_cli}")
    for p in problems[:10]:
        print("MISMATCH", p)
    if problems:
        print(f"{len(problems)} problems")
        return 1
    print("every row's entities equal the CLI's")
    return 0


if __name__ == "__main__":
    sys.exit(main())

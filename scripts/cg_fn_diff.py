#!/usr/bin/env python3
"""Instruction counts by function from cachegrind output files.

cg_fn_diff.py A.out B.out              per function: A, B and B - A
cg_fn_diff.py A.out B.out C.out D.out  per function: (B - A) - (D - C), e.g.
    A = run on 40 articles, B = on 140 (the same build), C / D the same
    with --no-entities: what the entity layer costs per 100 articles

Counts are the first event column (Ir) of each `fn=` block's lines.
"""
import collections
import sys


def load(path):
    d = collections.Counter()
    fn = None
    with open(path) as f:
        for line in f:
            if line.startswith("fn="):
                fn = line[3:].strip()
            elif fn and line[:1].isdigit():
                p = line.split()
                if len(p) > 1:
                    d[fn] += int(p[1])
    return d


def main(args):
    top = 30
    if len(args) == 2:
        a, b = load(args[0]), load(args[1])
        diff = {k: b[k] - a[k] for k in set(a) | set(b)}
        for k in sorted(diff, key=lambda k: -abs(diff[k]))[:top]:
            print(f"{a[k] / 1e6:10.1f} {b[k] / 1e6:10.1f} {diff[k] / 1e6:+9.1f}  {k[:120]}")
    elif len(args) == 4:
        a, b, c, d = (load(p) for p in args)
        diff = {k: (b[k] - a[k]) - (d[k] - c[k]) for k in set(a) | set(b) | set(c) | set(d)}
        print(f"total {sum(diff.values()) / 1e6:.1f} M")
        for k in sorted(diff, key=lambda k: -diff[k])[:top]:
            print(f"{diff[k] / 1e6:10.1f}  {k[:120]}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

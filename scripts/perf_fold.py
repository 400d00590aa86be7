"""Count perf samples by call stack (BENCHMARKS.md, "Session 12").

perf record -e cpu-clock -F 700 --call-graph dwarf,16384 -o X.data khabar analyze ...
perf script -i X.data -F ip,sym > X.script
python3 scripts/perf_fold.py X.script 'NerModel::entities_impl' ['NerModel::tag_infos']

Prints the number of samples whose stack holds the first name (the function's inclusive
time), the frames right below its outermost occurrence, and, with a second name, the frames
right below that one.
"""
import collections
import re
import sys


def frame(line):
    line = re.sub(r"^\s*[0-9a-f]+\s+", "", line).replace(" (inlined)", "")
    return line[:110]


def main():
    path, anchor = sys.argv[1], sys.argv[2]
    inner = sys.argv[3] if len(sys.argv) > 3 else None
    below, below_inner = collections.Counter(), collections.Counter()
    total = hits = 0
    stack = []

    def sample():
        nonlocal total, hits
        if not stack:
            return
        total += 1
        names = [frame(f) for f in stack]  # leaf first
        for name, counter in ((anchor, below), (inner, below_inner)):
            if name is None:
                continue
            at = [i for i, f in enumerate(names) if name in f]
            if at:
                if counter is below:
                    hits += 1
                i = at[-1]
                counter[names[i - 1] if i > 0 else "<self>"] += 1

    with open(path, errors="replace") as f:
        for line in f:
            if line.strip():
                stack.append(line.rstrip("\n"))
            else:
                sample()
                stack = []
    sample()
    print("samples", total, "with", anchor, hits)
    for k, v in below.most_common(15):
        print(v, k)
    if inner:
        print("-- below", inner)
        for k, v in below_inner.most_common(15):
            print(v, k)


if __name__ == "__main__":
    main()

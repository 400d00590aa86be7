#!/usr/bin/env python3
"""Story errors of one labelled day by kind, and the feature that weighs most in each pair.

Reads the `story missed|spurious` lines of `tune FEATURES GOLD SOURCES explain` and the
pair table of `tune ... pairs` (body, title, entity, keyphrase cosines, hours apart).
A spurious pair is part of a *merge* (two gold stories in one system story), a missed pair
part of a *split* (one gold story in several system stories). Each pair's driver is the
largest term of the default similarity 0.4 body + gate (0.3 title + 0.3 entities +
0.05 keyphrases), gate = min(body / 0.3, 1) (the defaults of engine.rs); for a missed pair
it is the largest term all the same (what little evidence there was). "at/above join" counts
the pairs whose own similarity reaches the default join threshold 0.15: a merge pair below it
was joined through other articles (chaining, average linkage), a split pair above it was kept
apart by the story-level decisions (the best candidate story, the average-linkage merge).

With --gaps: the hours between the two articles (the pair table's fifth column) of the
labelled pairs at or above the join threshold, same story and not, and of the error pairs.

usage: stories_errors.py [--gaps] EXPLAIN.txt PAIRS.tsv
"""
import collections
import statistics
import sys

W = {"body": 0.4, "title": 0.3, "entities": 0.3, "keyphrases": 0.05}


def terms(c):
    body, title, ent, kp = c[:4]
    gate = min(body / 0.3, 1.0)
    return {"body": W["body"] * body, "title": gate * W["title"] * title,
            "entities": gate * W["entities"] * ent, "keyphrases": gate * W["keyphrases"] * kp}


def gaps(explain, table):
    errors = {}
    with open(explain) as f:
        for line in f:
            x = line.split()
            if len(x) >= 4 and x[0] == "story":
                errors[frozenset((x[2], x[3]))] = x[1]
    groups = collections.defaultdict(list)
    with open(table) as f:
        for line in f:
            x = line.rstrip("\n").split("\t")
            c = [float(v) for v in x[4:9]]
            s = sum(terms(c).values())
            if s >= 0.15:
                groups["same story, similarity >= 0.15" if x[2] == "1" else "different stories, similarity >= 0.15"].append(c[4])
            kind = errors.get(frozenset((x[0], x[1])))
            if kind:
                groups[kind + " pairs"].append(c[4])
    for name, v in groups.items():
        v.sort()
        print(f"{name}: n={len(v)} median {statistics.median(v):.1f} h, 90th percentile {v[int(0.9 * (len(v) - 1))]:.1f} h")


def main():
    args = sys.argv[1:]
    if args and args[0] == "--gaps":
        gaps(args[1], args[2])
        return
    pairs = {}
    with open(args[1]) as f:
        for line in f:
            x = line.rstrip("\n").split("\t")
            c = [float(v) for v in x[4:9]]
            pairs[(x[0], x[1])] = c
            pairs[(x[1], x[0])] = c
    kinds = collections.defaultdict(list)
    with open(args[0]) as f:
        for line in f:
            x = line.split()
            if len(x) < 6 or x[0] != "story":
                continue
            kind, a, b, ga, gb = x[1], x[2], x[3], x[4].strip("[]"), x[5].strip("[]")
            c = pairs.get((a, b))
            if c is None:
                continue
            t = terms(c)
            driver = max(t, key=t.get)
            key = ("split", ga) if kind == "missed" else ("merge", " + ".join(sorted([ga, gb])))
            kinds[key].append((a, b, driver, sum(t.values()), c))
    for kind in ("split", "merge"):
        rows = [(k, v) for k, v in kinds.items() if k[0] == kind]
        rows.sort(key=lambda kv: -len(kv[1]))
        print(f"{kind}: {sum(len(v) for _, v in rows)} pairs in {len(rows)} {kind}s")
        for (_, name), v in rows:
            d = collections.Counter(p[2] for p in v)
            sims = sorted(p[3] for p in v)
            direct = sum(1 for p in v if p[3] >= 0.15)
            print(f"  {len(v):3d}  {name}  at/above join 0.15: {direct}  drivers {dict(d)}  similarity {sims[0]:.3f}-{sims[-1]:.3f}"
                  f"  body {min(p[4][0] for p in v):.2f}-{max(p[4][0] for p in v):.2f}"
                  f"  title {min(p[4][1] for p in v):.2f}-{max(p[4][1] for p in v):.2f}"
                  f"  entities {min(p[4][2] for p in v):.2f}-{max(p[4][2] for p in v):.2f}")


if __name__ == "__main__":
    main()

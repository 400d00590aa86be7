#!/usr/bin/env python3
"""Check crates/khabar-stories/tests/data/stories-days13.jsonl (days 08-01 and 08-02 linked,
docs/stories.md "Two days linked") against its two sources, and count the cross-day links.

    python3 scripts/stories_days13_check.py

Checks: 593 unique ids, exactly the ids of stories-dev.jsonl + stories-dev3.jsonl; day-1 story
labels unchanged; within each day the partition into stories and into copy groups is unchanged
(only slugs renamed, dups added); a renamed day-3 slug is either a day-1 slug (a link) or new.
"""
import collections, itertools, json, sys

D = "crates/khabar-stories/tests/data/"
def load(name):
    return [json.loads(l) for l in open(D + name, encoding="utf-8") if l.strip()]

d1, d3, both = load("stories-dev.jsonl"), load("stories-dev3.jsonl"), load("stories-days13.jsonl")
ids = [x["id"] for x in both]
assert len(ids) == 593 and len(set(ids)) == 593, "593 unique ids"
assert set(ids) == {x["id"] for x in d1} | {x["id"] for x in d3}, "same ids as the sources"
new = {x["id"]: x for x in both}
day = {x["id"]: 1 for x in d1} | {x["id"]: 3 for x in d3}

def partition(rows, key):
    g = collections.defaultdict(set)
    for x in rows:
        if x.get(key):
            g[x[key]].add(x["id"])
    return {frozenset(s) for s in g.values()}

for src in (d1, d3):
    sub = [new[x["id"]] for x in src]
    assert partition(src, "story") == partition(sub, "story"), "story partition within a day unchanged"
    old_d = partition(src, "dup")
    new_d = {s & {x["id"] for x in src} for s in partition(both, "dup")} - {frozenset()}
    # copy groups within a day unchanged, except a singleton may join a cross-day group
    assert {s for s in new_d if len(s) > 1} == old_d, "copy groups within a day unchanged"
for x in d1:
    assert new[x["id"]]["story"] == x["story"], "day-1 slugs unchanged"
s1 = {x["story"] for x in d1}
renamed = {}
for x in d3:
    a, b = x["story"], new[x["id"]]["story"]
    if a != b:
        renamed[a] = b
    elif a in s1:
        renamed[a] = a  # kept a day-1 slug: a link made when day 3 was labelled
dups_added = [x["id"] for x in d1 + d3 if x.get("dup") != new[x["id"]].get("dup")]
for x in d1 + d3:
    if x.get("dup"):
        assert new[x["id"]]["dup"] == x["dup"], "existing dup labels kept"

links = {a: b for a, b in renamed.items() if b in s1}
other = {a: b for a, b in renamed.items() if b not in s1}
st = collections.defaultdict(list)
dp = collections.defaultdict(list)
for x in both:
    st[x["story"]].append(x["id"])
    if x.get("dup"):
        dp[x["dup"]].append(x["id"])
def cross(groups):
    return sum(1 for g in groups.values() for a, b in itertools.combinations(g, 2) if day[a] != day[b])
n3 = sum(1 for x in d3 if new[x["id"]]["story"] in s1)
print(f"ok: 593 unique ids, within-day partitions unchanged")
print(f"day-3 stories linked to a day-1 story: {len(links)} ({n3} day-3 articles)")
for a, b in sorted(links.items()):
    print(f"  {a} -> {b}")
print(f"day-3 slugs renamed, not links: {other}")
print(f"cross-day same-story pairs: {cross(st)}; cross-day copy pairs: {cross(dp)}; dup labels added: {dups_added}")

# Optional: the output of `khabar eval stories ... --explain` saved to a file; counts its wrong
# pairs by whether the two articles are of different days.
if len(sys.argv) > 1:
    n = collections.Counter()
    for line in open(sys.argv[1], encoding="utf-8"):
        p = line.split()
        if len(p) == 4 and p[0] in ("story", "dup") and p[1] in ("missed:", "spurious:"):
            n[(p[0], p[1].rstrip(":"), "cross-day" if day[p[2]] != day[p[3]] else "within a day")] += 1
    for k in sorted(n):
        print(" ".join(k), n[k])

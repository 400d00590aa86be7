"""Misses of a one-token-analysis cache over the whitespace words of article bodies, by policy
(BENCHMARKS.md, "Session 12"): cleared when full (as khabar-ner's caches), two generations,
or larger. usage: python3 scripts/ner_cache_sim.py /tmp/news1500.jsonl"""
import json
import sys

words = []
with open(sys.argv[1]) as f:
    for line in f:
        words.extend(json.loads(line).get("body", "").split())


def misses(policy, cap):
    cur, old, n = set(), set(), 0
    for w in words:
        if w in cur:
            continue
        if not (policy == "generations" and w in old):
            n += 1
        cur.add(w)
        if len(cur) >= cap:
            old = cur if policy == "generations" else set()
            cur = set()
    return n


print("words", len(words), "distinct", len(set(words)))
for policy, cap in [("clear", 16384), ("generations", 16384), ("clear", 65536)]:
    print(policy, cap, misses(policy, cap))

#!/usr/bin/env python3
"""Listing aid for labelling stories (docs/stories.md): prints the articles of one
day from chosen sources, numbered, with headline and lead, and for each article
the others sharing headline words or opening words, so a person can read
candidates side by side. It proposes nothing: the labels are the reader's.

    python3 scripts/stories_listing.py ../shared/data/news/saudinewsnet.jsonl.gz 2015-08-01 sabq,okaz,alweeam,3alyoum
"""
import gzip, json, re, sys

path, day, sources = sys.argv[1], sys.argv[2], set(sys.argv[3].split(","))
lead = int(sys.argv[4]) if len(sys.argv) > 4 else 160
arts = []
with gzip.open(path, "rt", encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        if d.get("published", "")[:10] == day and d.get("source") in sources:
            arts.append(d)
arts.sort(key=lambda d: (d["source"], d["published"], d["id"]))

def words(s):
    s = re.sub("[إأآا]", "ا", s or "").replace("ة", "ه").replace("ى", "ي")
    return {w for w in re.findall(r"[\u0621-\u064A]{3,}", s)}

tw = [words(a.get("title")) for a in arts]
bw = [" ".join(re.findall(r"[\u0621-\u064A]+", a.get("body", ""))[:8]) for a in arts]
for i, a in enumerate(arts):
    body = re.sub(r"\s+", " ", a.get("body", ""))[:lead]
    near = [j for j in range(len(arts)) if j != i and (len(tw[i] & tw[j]) >= 3 or (bw[i] and bw[i] == bw[j]))]
    print(f"[{i}] {a['id']} {a['source']} | {a.get('title','')}\n     {body}" + (f"\n     ~ {near}" if near else ""))

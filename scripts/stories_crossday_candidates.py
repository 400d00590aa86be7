#!/usr/bin/env python3
"""Reading aid for linking two labelled days (docs/stories.md, "Two days linked"): for each story
of the later day, the earlier day's stories whose articles are nearest by TF-IDF cosine over
headline (twice) and the first 600 characters of the body, then every cross-day pair of articles
whose 3-word-shingle containment exceeds 0.15 (copy candidates). It proposes, the reader decides.

    python3 scripts/stories_crossday_candidates.py ../shared/data/news/saudinewsnet.jsonl.gz \
        crates/khabar-stories/tests/data/stories-dev.jsonl crates/khabar-stories/tests/data/stories-dev3.jsonl
"""
import collections, gzip, json, math, re, sys

corpus, early, late = sys.argv[1:4]
lab = {}
for f, day in ((early, 1), (late, 2)):
    for l in open(f, encoding="utf-8"):
        x = json.loads(l)
        lab[x["id"]] = (day, x["story"])
A = []
with gzip.open(corpus, "rt", encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        if d["id"] in lab:
            d["day"], d["story"] = lab[d["id"]]
            A.append(d)

def norm(s):
    s = re.sub("[إأآا]", "ا", s or "").replace("ة", "ه").replace("ى", "ي")
    return re.sub("[\u064B-\u0652\u0640]", "", s)

def toks(s):
    out = []
    for w in re.findall(r"[\u0621-\u064A]{3,}", norm(s)):
        if w.startswith("وال"):
            w = w[1:]
        if w.startswith("ال") and len(w) > 4:
            w = w[2:]
        out.append(w[:6])
    return out

docs = [toks(a.get("title", "") * 2 + " " + a.get("body", "")[:600]) for a in A]
df = collections.Counter(w for d in docs for w in set(d))
vec = []
for d in docs:
    v = {w: (1 + math.log(c)) * math.log(len(A) / df[w]) for w, c in collections.Counter(d).items()}
    n = math.sqrt(sum(x * x for x in v.values())) or 1
    vec.append({w: x / n for w, x in v.items()})

def cos(a, b):
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0) for w, x in a.items())

e = [i for i, a in enumerate(A) if a["day"] == 1]
groups = collections.defaultdict(list)
for i, a in enumerate(A):
    if a["day"] == 2:
        groups[a["story"]].append(i)
for s, l in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
    best = {}
    for i in l:
        for j in e:
            c = cos(vec[i], vec[j])
            if c > best.get(A[j]["story"], (0,))[0]:
                best[A[j]["story"]] = (c, j)
    top = [(st, c, j) for st, (c, j) in sorted(best.items(), key=lambda kv: -kv[1][0])[:3] if c >= 0.10]
    if top:
        print(f"## {s} ({len(l)}): {A[l[0]].get('title', '')[:70]}")
        for st, c, j in top:
            print(f"    {c:.2f} -> {st} | {A[j].get('title', '')[:70]}")

def sh(t):
    w = re.findall(r"[\u0621-\u064A0-9]+", norm(t))
    return {tuple(w[k:k + 3]) for k in range(len(w) - 2)}

S = [sh(a.get("body", "")) for a in A]
print("\n# cross-day pairs with 3-shingle containment > 0.15 (containment, Jaccard)")
for i, a in enumerate(A):
    if a["day"] != 2 or not S[i]:
        continue
    for j in e:
        if not S[j]:
            continue
        inter = len(S[i] & S[j])
        c = inter / min(len(S[i]), len(S[j]))
        if c > 0.15:
            print(f"{c:.2f} {inter / len(S[i] | S[j]):.2f} {a['id']} {a['story']} | {A[j]['id']} {A[j]['story']}")

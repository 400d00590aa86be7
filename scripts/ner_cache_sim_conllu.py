"""Misses of khabar-ner's per-thread caches, simulated by policy (BENCHMARKS.md, "Session 15").

Reads `khabar analyze --conllu` output (one thread, so the token order is the order one cache sees)
and replays the stream of tokens: by surface (the one-token analyses' cache) and by surface with
the parts of speech and lemmas of its words (close to the summed-rows cache's key, features::OwnKey,
which also holds the gazetteer bits). Policies: "clear" (start afresh when full, as shipped),
"keephot" (when full keep only the entries read again since the last time, unless they fill more
than half; commit 44de50c) and "gens" (two generations, twice the memory). A simulation, not timed.

RAYON_NUM_THREADS=1 khabar analyze --conllu --keyphrases 0 --summary-sentences 0 /tmp/news1500.jsonl > /tmp/n1500.conllu
python3 scripts/ner_cache_sim_conllu.py /tmp/n1500.conllu
"""
import sys


def tokens(path):
    out, multi = [], None
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            if "-" in c[0]:
                multi = [c[1], int(c[0].split("-")[1]), []]
                continue
            if multi is not None:
                multi[2].append((c[3], c[2]))
                if int(c[0]) == multi[1]:
                    out.append((multi[0], tuple(multi[2])))
                    multi = None
                continue
            out.append((c[1], ((c[3], c[2]),)))
    return out


def clear(seq, cap):
    cur, n = set(), 0
    for w in seq:
        if w in cur:
            continue
        n += 1
        cur.add(w)
        if len(cur) >= cap:
            cur = set()
    return n


def keephot(seq, cap):
    cur, n = {}, 0
    for w in seq:
        if w in cur:
            cur[w] = True
            continue
        n += 1
        cur[w] = False
        if len(cur) >= cap:
            cur = {k: False for k, hit in cur.items() if hit}
            if len(cur) > cap // 2:
                cur = {}
    return n


def gens(seq, cap):
    cur, old, n = set(), set(), 0
    for w in seq:
        if w in cur:
            continue
        if w not in old:
            n += 1
        cur.add(w)
        if len(cur) >= cap:
            old, cur = cur, set()
    return n


toks = tokens(sys.argv[1])
surf = [t[0] for t in toks]
print("tokens", len(toks), "distinct surfaces", len(set(surf)), "distinct keys", len(set(toks)))
for name, seq in [("surface", surf), ("key", toks)]:
    for cap in [8192, 16384, 32768]:
        print(name, cap, "clear", clear(seq, cap), "keephot", keephot(seq, cap), "gens", gens(seq, cap))

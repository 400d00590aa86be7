#!/usr/bin/env python3
"""Probe (docs/stories.md, "Session s21"): would a latent-semantic (LSA) similarity of two articles
help the story engine tell same-story pairs from the rest? Reads the features caches written by
`khabar eval stories … --features-cache` for the three labelled days and the labelled-pair files of
the tuning harness (`tune … pairs`), builds log-tf × idf vectors of every article's lemma terms over
the three windows, reduces them with TruncatedSVD (k dimensions) and prints the average precision of
the labelled same-story pairs ranked by the engine's similarity (default weights and body gate), by
the body cosine, by the LSA cosine, and by the engine's similarity plus w × LSA cosine.

    python3 scripts/stories_lsa_probe.py F1.json P1.tsv F2.json P2.tsv F3.json P3.tsv [K ...]
"""
import sys
import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import average_precision_score
from sklearn.preprocessing import normalize
import json

args = sys.argv[1:]
pairs_of = list(zip(args[0:6:2], args[1:6:2]))
ks = [int(a) for a in args[6:]] or [100]
docs = {}
for features, _ in pairs_of:
    for f in json.load(open(features)):
        docs[f["id"]] = f["terms"]
ids = list(docs)
col, rows, cols, vals = {}, [], [], []
for r, i in enumerate(ids):
    for h, c in docs[i]:
        rows.append(r); cols.append(col.setdefault(h, len(col))); vals.append(1 + np.log(c))
X = sp.csr_matrix((vals, (rows, cols)), shape=(len(ids), len(col)))
df = np.bincount(X.indices, minlength=X.shape[1])
X = normalize(X.multiply(np.log((1 + len(ids)) / (1 + df)) + 1).tocsr())
row = {i: r for r, i in enumerate(ids)}
for k in ks:
    Z = normalize(TruncatedSVD(k, random_state=0).fit_transform(X))
    for features, pf in pairs_of:
        y, base, body, lsa = [], [], [], []
        for line in open(pf):
            a, b, same, _dup, bo, ti, en, kp = line.rstrip("\n").split("\t")[:8]
            bo, ti, en, kp = map(float, (bo, ti, en, kp))
            gate = min(1.0, bo / 0.3)
            y.append(int(same)); body.append(bo); base.append(0.4 * bo + gate * (0.3 * ti + 0.3 * en + 0.05 * kp))
            lsa.append(float(Z[row[a]] @ Z[row[b]]))
        y, base, body, lsa = map(np.array, (y, base, body, lsa))
        ap = lambda s: average_precision_score(y, s)
        mixes = " ".join(f"+{w} lsa {ap(base + w * np.clip(lsa, 0, 1)):.3f}" for w in (0.1, 0.2, 0.4))
        print(f"k={k} {pf}: {y.sum()} same-story pairs; AP engine {ap(base):.3f} body {ap(body):.3f} lsa {ap(lsa):.3f} {mixes}")

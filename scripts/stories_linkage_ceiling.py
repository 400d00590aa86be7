#!/usr/bin/env python3
"""How far clustering alone can take khabar's story similarity (docs/stories.md).

    cargo run --release -p khabar-stories --example tune -- FEATURES.json GOLD.jsonl SOURCES.tsv pairs > /tmp/pairs.tsv
    python3 scripts/stories_linkage_ceiling.py GOLD.jsonl /tmp/pairs.tsv

Reads the similarity components of every pair of labelled articles (body, headline, entity and
keyphrase cosines, as the engine computes them inside the window) and clusters the labelled
articles offline, with no other article around, by single, average and complete linkage, at every
threshold; prints the best pairwise F1 of each (the threshold is chosen on the labels: an
optimistic ceiling, not a result), for the similarity without and with the body gate.
"""
import json, sys

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from stories_baselines import pairwise


def pairwise_f1(gold, labels):
    return pairwise(zip(gold, labels))[2]


def main():
    gold = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    index = {g["id"]: n for n, g in enumerate(gold)}
    labels = [g["story"] for g in gold]
    n = len(gold)
    comp = np.zeros((n, n, 4))
    same = []
    for line in open(sys.argv[2], encoding="utf-8"):
        r = line.rstrip("\n").split("\t")
        a, b = index[r[0]], index[r[1]]
        comp[a, b] = comp[b, a] = [float(x) for x in r[4:8]]
        same.append((int(r[2]), [float(x) for x in r[4:8]]))
    body, title, ent, kp = (comp[:, :, i] for i in range(4))
    rest = 0.3 * title + 0.3 * ent + 0.05 * kp
    sims = {"no gate": 0.4 * body + rest, "body gate 0.2": 0.4 * body + rest * np.minimum(1.0, body / 0.2)}
    pos = np.array([0.4 * c[0] + 0.3 * c[1] + 0.3 * c[2] + 0.05 * c[3] for s, c in same if s])
    print("labelled same-story pairs: %d; similarity (no gate) quantiles 10%% %.3f, 25%% %.3f, 50%% %.3f"
          % (len(pos), *np.quantile(pos, [0.1, 0.25, 0.5])))
    for name, sim in sims.items():
        dist = np.clip(1.0 - sim, 0.0, None)
        np.fill_diagonal(dist, 0.0)
        out = []
        for method in ("single", "average", "complete"):
            z = linkage(squareform(dist, checks=False), method)
            f1, th = max((pairwise_f1(labels, fcluster(z, t, "distance")), t) for t in np.arange(0.40, 1.0, 0.01))
            out.append("%s %.3f (similarity %.2f)" % (method, f1, 1.0 - th))
        print("%-14s best pairwise F1: %s" % (name, "; ".join(out)))


if __name__ == "__main__":
    main()

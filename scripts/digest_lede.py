#!/usr/bin/env python3
"""Fit the lede model of the summary (khabar::digest::LEDE_WEIGHTS); see docs/digest.md.

    ./target/release/khabar eval digest --part train --limit 15000 --dump-features /tmp/dg-train.jsonl
    ./target/release/khabar eval digest --part dev --dump-features /tmp/dg-dev.jsonl
    python3 scripts/digest_lede.py /tmp/dg-train.jsonl /tmp/dg-dev.jsonl     # needs numpy

Training data: the first 15,000 usable SaudiNewsNet articles *outside* the eval set (`--part train`),
one row per sentence (features in LEDE_FEATURES order, target: ROUGE-1 F against the headline of the
sentence as the summary shows it, dateline and appended clause trimmed). Link lines are left out, and
so are articles where some sentence repeats the headline (ROUGE-1 >= 0.8: a caption of a link line),
so the model does not learn to hunt for copies of the headline. Model: a linear score, fitted by
maximising the expected ROUGE-1 of a softmax over each article's sentences (Adam, 1,500 steps on
standardised features); the temperature and the L2 weight are chosen on the last fifth of the clean
training articles (held out), the weights printed are those fitted on the first four fifths with the
chosen settings. lead-1 in the printout is the whole first sentence. The dev file is only reported,
never fitted on.
"""
import json
import sys

import numpy as np


def load(path, clean=False):
    lines = [json.loads(l) for l in open(path)]
    names, arts = lines[0]["features"], []
    for a in lines[1:]:
        ss = [s for s in a["sentences"] if not s["link"]]
        if not ss:
            continue
        if clean and max(x["r1"] for x in a["sentences"]) >= 0.8:
            continue
        arts.append((np.array([s["f"] for s in ss], dtype=float), np.array([s["r1"] for s in ss]), a["lead_r1"]))
    return names, arts


def pick(arts, w):
    return 100 * np.mean([y[int(np.argmax(X @ w))] for X, y, _ in arts])


def lead(arts):
    return 100 * np.mean([l for *_, l in arts])


def fit(arts, temp, lam, iters=1500, lr=0.05):
    X = np.vstack([a[0] for a in arts])
    y = np.concatenate([a[1] for a in arts])
    seg = np.concatenate([[k] * len(a[1]) for k, a in enumerate(arts)])
    starts = np.r_[0, np.cumsum([len(a[1]) for a in arts])[:-1]]
    mu, sd = X.mean(0), X.std(0)
    sd[sd == 0] = 1
    mu[0], sd[0] = 0, 1
    Xs = (X - mu) / sd
    w, m, v = np.zeros(X.shape[1]), np.zeros(X.shape[1]), np.zeros(X.shape[1])
    for t in range(1, iters + 1):
        s = Xs @ w * temp
        e = np.exp(s - np.maximum.reduceat(s, starts)[seg])
        p = e / np.add.reduceat(e, starts)[seg]
        ey = np.add.reduceat(p * y, starts)
        g = temp * ((p * (y - ey[seg]))[:, None] * Xs).sum(0) / len(starts) - lam * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w += lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    wr = w / sd
    wr[0] = w[0] - np.sum(w[1:] * mu[1:] / sd[1:])
    return wr


def main():
    names, train = load(sys.argv[1], clean=True)
    _, dev = load(sys.argv[2])
    cut = len(train) * 4 // 5
    first, hold = train[:cut], train[cut:]
    print(f"{len(train)} clean training articles (fit on {len(first)}, {len(hold)} held out); "
          f"lead-1 ROUGE-1: held-out {lead(hold):.2f}, dev {lead(dev):.2f}")
    best = None
    for temp in (3, 10, 30):
        for lam in (0.0, 0.01):
            w = fit(first, temp, lam)
            h, d = pick(hold, w), pick(dev, w)
            print(f"temperature {temp} l2 {lam}: held-out {h:.2f} ({h / lead(hold):.3f}x lead-1), dev {d:.2f} ({d / lead(dev):.3f}x)")
            if best is None or h > best[0]:
                best = (h, w)
    print(",".join(f"lede.{n}={x:.4f}" for n, x in zip(names, best[1])))


if __name__ == "__main__":
    main()

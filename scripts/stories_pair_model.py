#!/usr/bin/env python3
"""Fit the story engine's learned pair model (Options::pair_model, docs/stories.md,
"Learned pair model"): a logistic regression over the pair features of
`tune ... features` (every pair of labelled articles of a training day, label =
same story), L2-regularised, written as JSON [intercept, w1, ..., wN] for
`tune ... pair_model=@FILE`, `khabar eval stories --set pair_model=[...]` and the
defaults in crates/khabar-stories/src/engine.rs.

    cargo build --release -p khabar-stories --example tune
    ./target/release/examples/tune TRAIN-FEATURES.json crates/khabar-stories/tests/data/stories-train.jsonl \
        SOURCES.tsv features > /tmp/train-pairs.tsv
    python3 scripts/stories_pair_model.py fit /tmp/train-pairs.tsv --c 1 --weighting story > /tmp/pair-model.json
    python3 scripts/stories_pair_model.py score /tmp/pair-model.json /tmp/dev-pairs.tsv   # pair-level AUC / best F1

Weighting: `none` counts every labelled pair once; `story` gives the positive
pairs of a story of n labelled articles the weight 1/(n-1) each (every article's
same-story pairs sum to 1, so one big story, such as a bombing reported by 35
articles, does not outweigh the day's other stories); negatives weigh 1.
Copies (same `dup` label) are left out of the fit with `--no-dups` (a copy always
joins its original's story, whatever the model says).
"""
import argparse
import json
import math
import sys

import numpy as np


def read(path, no_dups=False):
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        names = head[5:]
        rows, y, story_of, pairs = [], [], [], []
        for line in f:
            p = line.rstrip("\n").split("\t")
            if no_dups and p[3] == "1":
                continue
            rows.append([float(v) for v in p[5:]])
            y.append(int(p[2]))
            pairs.append((p[0], p[1]))
    return names, np.array(rows, dtype=np.float64), np.array(y), pairs


def read_joins(path):
    """`tune ... joins` output: id, story, label, then the join features."""
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        rows, y = [], []
        for line in f:
            p = line.rstrip("\n").split("\t")
            rows.append([float(v) for v in p[3:]])
            y.append(int(p[2]))
    return head[3:], np.array(rows, dtype=np.float64), np.array(y)


def weights(y, pairs, mode):
    w = np.ones(len(y))
    if mode == "story":
        # Size of each article's story among the labelled articles, from the positive pairs.
        deg = {}
        for (a, b), l in zip(pairs, y):
            if l:
                deg[a] = deg.get(a, 0) + 1
                deg[b] = deg.get(b, 0) + 1
        for i, ((a, b), l) in enumerate(zip(pairs, y)):
            if l:
                w[i] = 1.0 / max(deg[a], 1)
    return w


def fit(x, y, w, c, iters=200):
    """Weighted L2 logistic regression by Newton's method (intercept not penalised)."""
    n, d = x.shape
    xa = np.hstack([np.ones((n, 1)), x])
    beta = np.zeros(d + 1)
    reg = np.full(d + 1, 1.0 / c)
    reg[0] = 0.0
    for _ in range(iters):
        z = xa @ beta
        p = 1.0 / (1.0 + np.exp(-z))
        g = xa.T @ (w * (p - y)) + reg * beta
        h = (xa * (w * p * (1 - p))[:, None]).T @ xa + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(h, g)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


def predict(beta, x):
    return 1.0 / (1.0 + np.exp(-(beta[0] + x @ beta[1:])))


def auc(p, y):
    order = np.argsort(p)
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    pos = y == 1
    npos, nneg = pos.sum(), (~pos).sum()
    if npos == 0 or nneg == 0:
        return float("nan")
    return (ranks[pos].sum() - npos * (npos + 1) / 2) / (npos * nneg)


def best_f1(p, y):
    order = np.argsort(-p)
    tp = np.cumsum(y[order])
    k = np.arange(1, len(p) + 1)
    prec, rec = tp / k, tp / max(y.sum(), 1)
    f1 = np.where(prec + rec > 0, 2 * prec * rec / np.maximum(prec + rec, 1e-12), 0)
    i = int(np.argmax(f1))
    return f1[i], p[order][i]


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fit")
    f.add_argument("pairs")
    f.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    f.add_argument("--weighting", choices=["none", "story"], default="story")
    f.add_argument("--no-dups", action="store_true")
    f.add_argument("--drop", default="", help="comma-separated features fixed at weight 0")
    j = sub.add_parser("join", help="fit the join model on `tune ... joins` output")
    j.add_argument("joins")
    j.add_argument("--c", type=float, default=1.0)
    j.add_argument("--drop", default="")
    j.add_argument("--dev", nargs="*", default=[], help="joins files to report AUC / best F1 on")
    s = sub.add_parser("score")
    s.add_argument("model")
    s.add_argument("pairs", nargs="+")
    a = ap.parse_args()
    if a.cmd == "join":
        names, x, y = read_joins(a.joins)
        drop = [names.index(n) for n in a.drop.split(",") if n]
        keep = [i for i in range(len(names)) if i not in drop]
        beta_k = fit(x[:, keep], y, np.ones(len(y)), a.c)
        beta = np.zeros(len(names) + 1)
        beta[0] = beta_k[0]
        for jj, i in enumerate(keep):
            beta[i + 1] = beta_k[jj + 1]
        for path in [a.joins] + a.dev:
            _, xd, yd = read_joins(path)
            p = predict(beta, xd)
            base = xd[:, names.index("average")]
            print(
                f"# {path}: candidates {len(yd)} joins {int(yd.sum())} AUC {auc(p, yd):.4f} best F1 {best_f1(p, yd)[0]:.3f}"
                f" (average link alone: AUC {auc(base, yd):.4f} best F1 {best_f1(base, yd)[0]:.3f})",
                file=sys.stderr,
            )
        print("# " + ", ".join(f"{n} {b:+.3f}" for n, b in zip(["intercept"] + names, beta)), file=sys.stderr)
        print(json.dumps([round(float(b), 5) for b in beta]))
        return
    if a.cmd == "fit":
        names, x, y, pairs = read(a.pairs, a.no_dups)
        drop = [names.index(n) for n in a.drop.split(",") if n]
        keep = [i for i in range(len(names)) if i not in drop]
        beta_k = fit(x[:, keep], y, weights(y, pairs, a.weighting), a.c)
        beta = np.zeros(len(names) + 1)
        beta[0] = beta_k[0]
        for j, i in enumerate(keep):
            beta[i + 1] = beta_k[j + 1]
        p = predict(beta, x)
        print(
            f"# train pairs {len(y)} positives {int(y.sum())} AUC {auc(p, y):.4f} best F1 {best_f1(p, y)[0]:.3f}; "
            + ", ".join(f"{n} {b:+.3f}" for n, b in zip(["intercept"] + names, beta)),
            file=sys.stderr,
        )
        print(json.dumps([round(float(b), 5) for b in beta]))
    else:
        beta = np.array(json.load(open(a.model)))
        for path in a.pairs:
            names, x, y, _ = read(path)
            p = predict(beta, x)
            f1, t = best_f1(p, y)
            print(f"{path}: pairs {len(y)} positives {int(y.sum())} AUC {auc(p, y):.4f} best pair F1 {f1:.3f} at p {t:.3f}")


if __name__ == "__main__":
    main()

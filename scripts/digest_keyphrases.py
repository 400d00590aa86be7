#!/usr/bin/env python3
"""Fit the learned keyphrase scorer (khabar::digest::KP_WEIGHTS); see docs/digest.md.

    ./target/release/khabar eval digest --part train --limit 15000 --dump-keyphrases /tmp/kp-train.jsonl
    ./target/release/khabar eval digest --part dev --dump-keyphrases /tmp/kp-dev.jsonl
    python3 scripts/digest_keyphrases.py /tmp/kp-train.jsonl /tmp/kp-dev.jsonl --mode ascent --passes 1,2
    python3 scripts/digest_keyphrases.py /tmp/kp-unseen.jsonl /tmp/kp-dev.jsonl --mode compare --compare hand "$W"

Training data: every keyphrase candidate of the first 15,000 usable SaudiNewsNet articles outside
the eval set (`--part train`), features in KP_FEATURES order; the label of a candidate is the number
of distinct headline tokens its text covers, tokens as `khabar eval digest` scores them (normalised,
stopwords dropped, light10 stem). Score = exp(w . f). recall@10 is computed by replaying khabar's
greedy list exactly (rank_keyphrases: diversity discount R = 0.5 on stems, names covered only by
names, phrases with every word covered skipped), so the printed dev figures are those of
`khabar eval digest --part dev --weights "$W"`.

--mode ascent (kept): coordinate ascent on recall@10 of the first 3,000 training articles, from the
hand formula (or --start WEIGHTS, with --only F1,F2: only those features move), steps +-0.2 / +-0.5 per feature, a step kept when it gains >= 0.02; the number of
passes is chosen on dev. --mode listnet (tried, not kept): softmax cross-entropy against the labels
normalised per article, Adam on standardised features. The last fifth of the training articles is
held out and printed. --mode compare: per-article paired difference B - A on dev and on the first
file, with a 10,000-resample bootstrap 95% interval (A, B: hand, term_as_lede or kp.x=..,...).
--mode diff / misses (reading aids, first file only): the lists B changes, or the headline tokens
A misses. --mode separation --feature F: per file, the AUC of feature F between the candidates that
cover a headline token and those that do not (first --limit articles, default 2,000; a check that a
corpus feature such as head_max separates training articles no better than dev ones). --derive adds obj_multi (announced_obj of a multi-word phrase that is not a name).
Prints one `--weights` string per setting.
"""
import argparse
import json

import numpy as np


DERIVE = False


def derived(names, X):
    """--derive: obj_multi = announced_obj of a phrase of two or more words that is not a name."""
    j = names.index
    multi = (X[:, j("announced_obj")] > 0) & (X[:, j("one_word")] == 0) & (X[:, j("entity")] == 0)
    return np.hstack([X, multi[:, None].astype(np.float64)])


def load(path, raw=False):
    with open(path) as fh:
        names = json.loads(fh.readline())["features"]
        arts = []
        for line in fh:
            a = json.loads(line)
            head = set(a["head"])
            if not head or not a["cands"]:
                continue
            X = np.array([c["f"] for c in a["cands"]], dtype=np.float64)
            if DERIVE:
                X = derived(names, X)
            toks = [set(c["t"]) for c in a["cands"]]
            y = np.array([len(t & head) for t in toks], dtype=np.float64)
            words = [[tuple(w) for w in c["w"]] for c in a["cands"]]
            isname = [c["name"] for c in a["cands"]]
            arts.append((X, y, toks, head, words, isname) + ((a,) if raw else ()))
    return names + (["obj_multi"] if DERIVE else []), arts


def top10(X, words, names, w, R=0.5):
    """khabar's greedy list (rank_keyphrases, stem_redundancy = 2): score exp(w . f) times
    (share of words not covered by chosen phrases)^R; a name is covered only by chosen names'
    stems or other phrases' same lemmas; a phrase with every word covered is skipped."""
    s = X @ w
    order = np.argsort(-s, kind="stable")
    taken = np.zeros(len(s), dtype=bool)
    lemma_plain, cover_name, cover_all = set(), set(), set()
    out = []
    while len(out) < 10:
        best, best_s = -1, -np.inf
        for i in order:
            if taken[i]:
                continue
            if best >= 0 and s[i] <= best_s:
                break
            ws = words[i]
            if names[i]:
                fresh = sum(1 for k, c in ws if k not in lemma_plain and c not in cover_name)
            else:
                fresh = sum(1 for k, c in ws if c not in cover_all)
            if fresh == 0:
                taken[i] = True
                continue
            d = s[i] + R * np.log(fresh / max(len(ws), 1))
            if best < 0 or d > best_s:
                best, best_s = i, d
        if best < 0:
            break
        taken[best] = True
        out.append(best)
        for k, c in words[best]:
            cover_all.add(c)
            if names[best]:
                cover_name.add(c)
            else:
                lemma_plain.add(k)
    return out


def per_article(arts, w):
    r = []
    for X, _, toks, head, words, names in arts:
        have = set()
        for i in top10(X, words, names, w):
            have |= toks[i]
        r.append(len(have & head) / len(head))
    return np.array(r)


def recall10(arts, w):
    return 100 * per_article(arts, w).mean()


def ascent(arts, w, mask, steps=(-0.5, -0.2, 0.2, 0.5), passes=2, min_gain=0.02):
    """Coordinate ascent on the recall@10 of `arts` (RankLib's coordinate ascent, simplified):
    each feature in turn moves by the step that raises recall most, if any."""
    w = w.copy()
    best = recall10(arts, w)
    for p in range(passes):
        for j in np.flatnonzero(mask):
            for st in steps:
                t = w.copy()
                t[j] += st
                r = recall10(arts, t)
                if r > best + min_gain:
                    best, w = r, t
        print(f"    pass {p + 1}: {best:.2f}", flush=True)
    return w


def fit(arts, lam, label, mask, iters=600, lr=0.05):
    use = [a for a in arts if a[1].sum() > 0]
    X = np.vstack([a[0] for a in use])[:, mask]
    y = np.concatenate([a[1] for a in use])
    if label == "binary":
        y = (y > 0).astype(float)
    elif label == "sqrt":
        y = np.sqrt(y)
    seg = np.concatenate([[k] * len(a[1]) for k, a in enumerate(use)])
    starts = np.r_[0, np.cumsum([len(a[1]) for a in use])[:-1]]
    q = y / np.add.reduceat(y, starts)[seg]
    mu, sd = X.mean(0), X.std(0)
    sd[sd == 0] = 1
    Xs = (X - mu) / sd
    d = X.shape[1]
    w, m, v = np.zeros(d), np.zeros(d), np.zeros(d)
    n = len(use)
    for t in range(1, iters + 1):
        s = Xs @ w
        e = np.exp(s - np.maximum.reduceat(s, starts)[seg])
        p = e / np.add.reduceat(e, starts)[seg]
        # d/dw of -sum q log p = sum (p - q) x
        g = Xs.T @ (p - q) / n + lam * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    full = np.zeros(len(mask))
    full[mask] = w / sd
    return full


def hand_weights(names, term_as_lede=False):
    w = np.zeros(len(names))
    w[names.index("log_tf")], w[names.index("log_spec")], w[names.index("position")] = 0.7, 1.0, 1.0
    w[names.index("entity2")] = np.log(1.5)
    if term_as_lede:
        # The quoted-term rule: a whole quoted term of 2+ words counts as first seen in sentence 0,
        # i.e. its position feature is ln(9) instead of ln(1 + 8 / (1 + first)).
        w = ("term_as_lede", w)
    return w


def apply(arts, names, w):
    """Per-article recall@10 of weights w (or ("term_as_lede", w): the hand rule)."""
    if isinstance(w, tuple):
        pos, term = names.index("position"), names.index("term")
        out = []
        for X, *rest in arts:
            X = X.copy()
            X[X[:, term] > 0, pos] = np.log(9.0)
            out.append((X, *rest))
        return per_article(out, w[1])
    return per_article(arts, w)


def bootstrap(a, b, n=10000, seed=1):
    d = 100 * (b - a)
    rng = np.random.default_rng(seed)
    means = np.array([d[rng.integers(0, len(d), len(d))].mean() for _ in range(n)])
    lo, hi = np.percentile(means, [2.5, 97.5])
    return d.mean(), lo, hi, int((d > 0).sum()), int((d < 0).sum())


def parse_weights(names, spec):
    if spec == "hand":
        return hand_weights(names)
    if spec == "term_as_lede":
        return hand_weights(names, True)
    w = np.zeros(len(names))
    for kv in spec.split(","):
        k, v = kv.split("=")
        if k.startswith("kp."):
            w[names.index(k[3:])] = float(v)
    return w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train", help="--dump-keyphrases of --part train --limit 15000")
    ap.add_argument("dev", help="--dump-keyphrases of --part dev")
    ap.add_argument("--mode", default="ascent", choices=["ascent", "listnet", "compare", "diff", "misses", "separation"])
    ap.add_argument("--feature", default="head_max", help="--mode separation: the feature")
    ap.add_argument("--derive", action="store_true", help="add the derived column obj_multi (see derived())")
    ap.add_argument("--limit", type=int, default=0, help="diff / misses: the first N articles of the first file")
    ap.add_argument("--drop", default="", help="features kept at weight 0 (comma-separated)")
    ap.add_argument("--only", default="", help="fit only these features (comma-separated), the others stay at their start")
    ap.add_argument("--start", default="hand", help="the ascent's starting weights: hand or kp.x=..,... (default: hand)")
    ap.add_argument("--lams", default="0.001,0.01")
    ap.add_argument("--labels", default="count")
    ap.add_argument("--ascent-articles", type=int, default=3000)
    ap.add_argument("--passes", default="1,2")
    ap.add_argument("--steps", default="-0.5,-0.2,0.2,0.5", help="the ascent's steps per feature")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"),
                    help="paired difference B - A per article (hand, term_as_lede or kp.x=..,...)")
    args = ap.parse_args()
    global DERIVE
    DERIVE = args.derive
    if args.mode in ("diff", "misses"):
        # Reading aids: --mode diff --compare A B lists, per article of the first file whose top 10
        # differs, the phrases that enter and leave (evaluation tokens); --mode misses --compare A A
        # lists every headline token A's top 10 misses with the best-ranked candidate covering it.
        names, arts = load(args.train, raw=True)
        arts = arts[: args.limit or len(arts)]
        a, b = parse_weights(names, args.compare[0]), parse_weights(names, args.compare[1])
        changed, counts = 0, {"head": 0, "covered": 0, "no candidate": 0, "11-20": 0, "21-50": 0, ">50": 0}
        for X, _, toks, head, words, isname, raw in arts:
            ta, tb = top10(X, words, isname, a), top10(X, words, isname, b)
            txt = lambda i: " ".join(raw["cands"][i]["t"])
            cov = lambda t: set().union(*[toks[i] for i in t]) & head
            if args.mode == "diff":
                if set(ta) != set(tb):
                    changed += 1
                    print(f"--- {raw['id']} head: {' '.join(raw['head'])} | covered {len(cov(ta))} -> {len(cov(tb))}")
                    print("   in :", " ، ".join(txt(i) for i in tb if i not in ta))
                    print("   out:", " ، ".join(txt(i) for i in ta if i not in tb))
                continue
            order = list(np.argsort(-(X @ a), kind="stable"))
            counts["head"] += len(head)
            counts["covered"] += len(cov(ta))
            print(f"--- {raw['id']} head: {' '.join(raw['head'])} | top 10: {' ، '.join(txt(i) for i in ta)}")
            for t in sorted(head - cov(ta)):
                best = next((i for i in order if t in toks[i]), None)
                if best is None:
                    counts["no candidate"] += 1
                    print(f"   missed {t}: no candidate")
                    continue
                r = order.index(best) + 1
                counts["11-20" if r <= 20 else "21-50" if r <= 50 else ">50"] += 1
                print(f"   missed {t}: rank {r} {txt(best)}")
        print(f"{len(arts)} articles" + (f", {changed} changed" if args.mode == "diff" else f", {counts}"))
        return
    if args.mode == "separation":
        for path in (args.dev, args.train):
            names, arts = load(path)
            j = names.index(args.feature)
            arts = arts[: args.limit or 2000]
            f = np.concatenate([a[0][:, j] for a in arts])
            y = np.concatenate([a[1] > 0 for a in arts])
            r = f.argsort(kind="stable").argsort() + 1.0
            # ties get their mean rank
            for v in np.unique(f):
                m = f == v
                r[m] = r[m].mean()
            npos, nneg = y.sum(), (~y).sum()
            auc = (r[y].sum() - npos * (npos + 1) / 2) / (npos * nneg)
            print(f"{path}: {len(arts)} articles, {npos} covering / {nneg} other candidates, "
                  f"mean {args.feature} {f[y].mean():.3f} / {f[~y].mean():.3f}, AUC {auc:.4f}")
        return
    names, dev = load(args.dev)
    if args.mode == "compare":
        a, b = parse_weights(names, args.compare[0]), parse_weights(names, args.compare[1])
        for label, path in (("dev", args.dev), ("other", args.train)):
            arts = dev if label == "dev" else load(path)[1]
            ra, rb = apply(arts, names, a), apply(arts, names, b)
            m, lo, hi, up, down = bootstrap(ra, rb)
            print(f"{path}: {len(arts)} articles, A {100 * ra.mean():.2f}, B {100 * rb.mean():.2f}, "
                  f"B - A {m:+.2f} (bootstrap 95% {lo:+.2f} .. {hi:+.2f}); B better in {up}, worse in {down}")
        return
    _, train = load(args.train)
    mask = np.ones(len(names), dtype=bool)
    for n in args.drop.split(","):
        if n in names:
            mask[names.index(n)] = False
    if args.only:
        only = args.only.split(",")
        for n in only:
            assert n in names, n
        mask &= np.array([n in only for n in names])
    cut = len(train) * 4 // 5
    fitp, held = train[:cut], train[cut:]
    hand = hand_weights(names)
    start = parse_weights(names, args.start)
    print(f"start {args.start}: fit {recall10(fitp[: args.ascent_articles], start):.2f}, held-out {recall10(held, start):.2f}, "
          f"dev {recall10(dev, start):.2f}")
    print(f"{len(train)} training articles ({cut} to fit, {len(held)} held out), {len(dev)} dev; features: "
          + ",".join(n for n, k in zip(names, mask) if k))
    print(f"hand formula: held-out {recall10(held, hand):.2f}, dev {recall10(dev, hand):.2f}", flush=True)
    show = lambda w: "kp_model=1," + ",".join(f"kp.{n}={x:.4f}" for n, x in zip(names, w))
    if args.mode == "listnet":
        for label in args.labels.split(","):
            for lam in [float(x) for x in args.lams.split(",")]:
                w = fit(fitp, lam, label, mask)
                print(f"listnet label {label} L2 {lam}: held-out {recall10(held, w):.2f}, dev {recall10(dev, w):.2f}")
                print(f"  {show(w)}", flush=True)
        return
    sub = fitp[: args.ascent_articles]
    w = start
    done = 0
    for passes in sorted(int(p) for p in args.passes.split(",")):
        print(f"coordinate ascent on {len(sub)} articles, from {args.start}, {passes} passes:")
        w = ascent(sub, w, mask, steps=[float(x) for x in args.steps.split(",")], passes=passes - done)
        done = passes
        print(f"  passes {passes}: held-out {recall10(held, w):.2f}, dev {recall10(dev, w):.2f}")
        print(f"  {show(w)}", flush=True)


if __name__ == "__main__":
    main()

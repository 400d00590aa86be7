#!/usr/bin/env python3
"""Story and near-duplicate baselines next to khabar, in one run (docs/stories.md).

    pip install scikit-learn datasketch
    python3 scripts/stories_baselines.py crates/khabar-stories/tests/data/stories-dev.jsonl \
        ../shared/data/news/saudinewsnet.jsonl.gz --khabar ./target/release/khabar --index /tmp/news.idx

Baselines, run on the labelled articles only (they see no other article):
  * TF-IDF + agglomerative: scikit-learn TfidfVectorizer over normalised words of headline + body
    (unigrams, sublinear tf), AgglomerativeClustering with cosine distance and average linkage;
    the distance threshold is swept and every value is printed (the best one is the baseline's
    best case on this set, i.e. tuned on the same labels: generous to the baseline).
    With --from/--to the baseline clusters every corpus article published in those days, the
    articles `khabar eval stories --corpus … --from … --to …` reads, and is scored on the labelled
    ones (the same input as khabar's; without them it sees the labelled articles only).
  * datasketch MinHash LSH (128 permutations, word 3-shingles of normalised text) for
    near-duplicates, at several Jaccard thresholds; groups are connected components.
khabar: `khabar eval stories GOLD --index DIR --json` (the groups and stories recorded at ingest).
Scores: pairwise precision/recall/F1 over pairs of labelled articles, B-cubed for stories.
"""
import argparse, collections, gzip, json, re, subprocess, sys


def norm(text):
    text = re.sub("[\u064B-\u0652\u0670\u0640]", "", text or "")
    text = re.sub("[إأآٱ]", "ا", text).replace("ى", "ي").replace("ة", "ه")
    return re.findall(r"[\u0621-\u064A\w]+", text.lower())


def read_articles(corpus, ids, days=None):
    """The articles of `corpus` (JSON lines, optionally .gz) whose id is in `ids`, or with
    `days` = (first, last) also those published on those days (YYYY-MM-DD), by id."""
    docs = {}
    with gzip.open(corpus, "rt", encoding="utf-8") if corpus.endswith(".gz") else open(corpus, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            day = (d.get("published") or "")[:10]
            if d.get("id") in ids or (days and days[0] <= day <= days[1]):
                docs[d["id"]] = d
    return docs


def pairwise(items):
    gold, sys_, both = collections.Counter(), collections.Counter(), collections.Counter()
    for g, s in items:
        gold[g] += 1; sys_[s] += 1; both[(g, s)] += 1
    c2 = lambda n: n * (n - 1) // 2
    G, S, B = sum(map(c2, gold.values())), sum(map(c2, sys_.values())), sum(map(c2, both.values()))
    p = B / S if S else 1.0
    r = B / G if G else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bcubed(items):
    gold, sys_, both = collections.Counter(), collections.Counter(), collections.Counter()
    for g, s in items:
        gold[g] += 1; sys_[s] += 1; both[(g, s)] += 1
    p = sum(both[(g, s)] / sys_[s] for g, s in items) / len(items)
    r = sum(both[(g, s)] / gold[g] for g, s in items) / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fmt(prf):
    return "P %.3f  R %.3f  F1 %.3f" % prf


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    ap.add_argument("corpus")
    ap.add_argument("--khabar", default="./target/release/khabar")
    ap.add_argument("--index", help="index built by `khabar index` over the corpus (khabar's row)")
    ap.add_argument("--from", dest="date_from", help="TF-IDF baseline over every article published from this day (YYYY-MM-DD)")
    ap.add_argument("--to", dest="date_to", help="... to this day (with --from)")
    args = ap.parse_args()
    if bool(args.date_from) != bool(args.date_to):
        sys.exit("--from and --to go together")

    gold = [json.loads(l) for l in open(args.gold, encoding="utf-8") if l.strip()]
    want = {g["id"] for g in gold}
    docs = read_articles(args.corpus, want, (args.date_from, args.date_to) if args.date_from else None)
    gold = [g for g in gold if g["id"] in docs]
    ids = [g["id"] for g in gold]
    story = {g["id"]: g["story"] for g in gold}
    dup = {g["id"]: g.get("dup", "\0" + g["id"]) for g in gold}
    n_pairs = sum(c * (c - 1) // 2 for c in collections.Counter(story.values()).values())
    n_dups = sum(c * (c - 1) // 2 for c in collections.Counter(dup.values()).values())
    print(f"gold: {args.gold}: {len(ids)} articles, {n_pairs} same-story pairs, {n_dups} near-duplicate pairs\n")

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics.pairwise import cosine_distances
    # The clustered articles: the labelled ones, or with --from/--to every article of those days.
    pool = ids + sorted(set(docs) - set(ids)) if args.date_from else ids
    texts = [" ".join(norm((docs[i].get("title") or "") + " " + docs[i].get("body", ""))) for i in pool]
    X = TfidfVectorizer(sublinear_tf=True, min_df=1, token_pattern=r"\S+").fit_transform(texts)
    D = cosine_distances(X)
    if args.date_from:
        print(f"TF-IDF baseline input: {len(pool)} articles published {args.date_from} .. {args.date_to} (or labelled)")
    print("TF-IDF + agglomerative (cosine, average linkage), stories:")
    best = None
    for t in [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9]:
        labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average", distance_threshold=t).fit_predict(D)
        items = [(story[i], l) for i, l in zip(ids, labels[: len(ids)])]
        pw, b3 = pairwise(items), bcubed(items)
        print(f"  distance {t:.2f}: pairwise {fmt(pw)}   B-cubed {fmt(b3)}")
        if best is None or pw[2] > best[1][2]:
            best = (t, pw, b3)
    print(f"  best: distance {best[0]:.2f}, pairwise F1 {best[1][2]:.3f}\n")

    from datasketch import MinHash, MinHashLSH
    hashes = {}
    for i in ids:
        w = norm(docs[i].get("body", ""))
        m = MinHash(num_perm=128)
        for s in {" ".join(w[k:k + 3]) for k in range(max(1, len(w) - 2))}:
            m.update(s.encode("utf-8"))
        hashes[i] = m
    print("datasketch MinHash LSH (128 permutations, word 3-shingles), near-duplicates:")
    best_dup = None
    for th in [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]:
        lsh = MinHashLSH(threshold=th, num_perm=128)
        for i in ids:
            lsh.insert(i, hashes[i])
        parent = {i: i for i in ids}
        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]; x = parent[x]
            return x
        for i in ids:
            for j in lsh.query(hashes[i]):
                if j != i and hashes[i].jaccard(hashes[j]) >= th:
                    parent[find(i)] = find(j)
        pw = pairwise([(dup[i], find(i)) for i in ids])
        print(f"  threshold {th:.1f}: pairwise {fmt(pw)}")
        if best_dup is None or pw[2] > best_dup[1][2]:
            best_dup = (th, pw)
    print(f"  best: threshold {best_dup[0]:.1f}, pairwise F1 {best_dup[1][2]:.3f}\n")

    if args.index:
        out = subprocess.run([args.khabar, "eval", "stories", args.gold, "--index", args.index, "--json"], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"khabar eval stories failed: {out.stderr}")
        k = json.loads(out.stdout)
        t = lambda d: (d["precision"], d["recall"], d["f1"])
        print(f"khabar ({k['articles']} articles scored, {k['missing']} missing from the index):")
        print(f"  stories pairwise {fmt(t(k['story_pairwise']))}   B-cubed {fmt(t(k['story_bcubed']))}")
        print(f"  near-duplicates pairwise {fmt(t(k['dup_pairwise']))}")
        print(f"\nstory pairwise F1: khabar {k['story_pairwise']['f1']:.3f} vs TF-IDF baseline (best threshold) {best[1][2]:.3f}: "
              f"{k['story_pairwise']['f1'] - best[1][2]:+.3f}")
        print(f"near-duplicate F1: khabar {k['dup_pairwise']['f1']:.3f} vs datasketch (best threshold) {best_dup[1][2]:.3f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Exact shingle Jaccard and containment of the labelled articles' pairs (docs/stories.md,
"How the near-duplicate rule was chosen"): a reading aid for the near-duplicate rule.

    python3 scripts/stories_dup_pairs.py crates/khabar-stories/tests/data/stories-dev.jsonl \
        ../shared/data/news/saudinewsnet.jsonl.gz [--k 3]

Prints every pair that is a labelled copy or has Jaccard > 0.2 or containment > 0.5, then the
pairwise F1 (pairs taken one by one, no grouping) of "containment >= C and Jaccard >= J" on a grid.
Normalisation as scripts/stories_baselines.py (close to, not the same as, khabar's).
"""
import argparse, itertools, json

from stories_baselines import norm, read_articles


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gold")
    ap.add_argument("corpus")
    ap.add_argument("--k", type=int, default=3)
    args = ap.parse_args()
    gold = {g["id"]: g for g in (json.loads(l) for l in open(args.gold, encoding="utf-8") if l.strip())}
    docs = read_articles(args.corpus, gold)
    ids = sorted(docs)
    k = args.k
    sh = {}
    for i in ids:
        w = norm(docs[i].get("body", ""))
        sh[i] = {tuple(w[j:j + k]) for j in range(max(1, len(w) - k + 1))}
    rows = []
    for a, b in itertools.combinations(ids, 2):
        inter = len(sh[a] & sh[b])
        copy = gold[a].get("dup") is not None and gold[a].get("dup") == gold[b].get("dup")
        if not inter and not copy:
            continue
        j = inter / len(sh[a] | sh[b])
        c = inter / max(1, min(len(sh[a]), len(sh[b])))
        rows.append((copy, j, c, a, b))
    n_copies = sum(r[0] for r in rows)
    for copy, j, c, a, b in sorted(rows, key=lambda r: -r[1]):
        if copy or j > 0.2 or c > 0.5:
            print(f"{'COPY' if copy else '    '} J {j:.2f} C {c:.2f}  {a} {b}  {docs[a].get('title', '')[:40]} | {docs[b].get('title', '')[:40]}")
    print("\npairwise F1 of 'containment >= C and Jaccard >= J' (pairs one by one):")
    for jf in (0.0, 0.1, 0.2, 0.3):
        cells = []
        for cf in (0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9):
            sel = [r for r in rows if r[1] >= jf and r[2] >= cf]
            tp = sum(r[0] for r in sel)
            p, r = tp / max(1, len(sel)), tp / max(1, n_copies)
            cells.append(f"C{cf:.2f}:{2 * p * r / max(1e-9, p + r):.3f}")
        print(f"  J>={jf:.1f}  " + "  ".join(cells))


if __name__ == "__main__":
    main()

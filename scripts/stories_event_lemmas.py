#!/usr/bin/env python3
"""Event words for the story engine's event keys (`Options::event_lemmas`, docs/stories.md "Session s14").

Two lists, each printed as a JSON array of lemmas for `--set event_lemmas=...`:

* `learn GOLD.jsonl CORPUS.jsonl.gz`: learned from one labelled day (the training day, never a dev day).
  For every noun or verb lemma of the headline or the lead sentence (the body's first sentence) of the
  labelled articles: the articles carrying it (copies of one release, one `dup` label, count once) and
  their stories. A lemma is an event word when at least two such articles carry it and at least SHARE
  (0.5) of the pairs of its carriers are pairs of one story: it is concentrated within stories (a word
  of every story, قال or أعلن, is not).
* `general WORDS.txt`: a hand-written list of general event nouns and verbs (one word per line, `#`
  comments), turned into lemmas by khabar's own analyser, so the lemmas are spelled as the engine spells them
  (the folded word itself is kept too).

usage: stories_event_lemmas.py learn GOLD CORPUS [--khabar BIN] [--share 0.5]
       stories_event_lemmas.py general WORDS.txt [--khabar BIN]
"""
import argparse
import gzip
import itertools
import json
import subprocess
import sys
import tempfile
import unicodedata


def fold(lemma):
    """As the engine folds lemmas (features.rs `fold`)."""
    out = []
    for c in lemma:
        if c in "أإآٱ":
            out.append("ا")
        elif c == "ى":
            out.append("ي")
        elif c == "ة":
            out.append("ه")
        elif unicodedata.category(c) == "Mn" or c == "\u0640":
            continue
        else:
            out.append(c.lower())
    return "".join(out)


def analyse(khabar, texts):
    """khabar analyze --json over texts (one document each), in order."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": str(i), "body": t}, ensure_ascii=False) + "\n")
        path = f.name
    out = subprocess.run([khabar, "analyze", "--json", "--input-format", "jsonl", path], capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def lemmas(analysis, first_sentence_only):
    end = analysis["sentences"][0]["end"] if first_sentence_only and analysis["sentences"] else None
    out = set()
    for t in analysis["tokens"]:
        if end is not None and t["start"] >= end:
            break
        for w in t.get("words") or []:
            if w["upos"] in ("NOUN", "VERB") and w.get("lemma"):
                lem = fold(w["lemma"])
                if len(lem) >= 2:
                    out.add(lem)
    return out


def learn(args):
    gold, dup = {}, {}
    for line in open(args.gold, encoding="utf-8"):
        if line.strip():
            g = json.loads(line)
            gold[g["id"]] = g["story"]
            dup[g["id"]] = g.get("dup") or g["id"]
    docs = {}
    with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d.get("id") in gold:
                docs[d["id"]] = d
    ids = sorted(docs)
    titles = analyse(args.khabar, [docs[i].get("title") or "" for i in ids])
    bodies = analyse(args.khabar, [docs[i].get("body") or "" for i in ids])
    # Copies of one release count once (their words are one text's).
    carriers = {}
    for i, t, b in zip(ids, titles, bodies):
        for lem in lemmas(t, False) | lemmas(b, True):
            carriers.setdefault(lem, {})[dup[i]] = gold[i]
    chosen = []
    for lem, groups in sorted(carriers.items()):
        stories = list(groups.values())
        if len(stories) < 2:
            continue
        pairs = list(itertools.combinations(stories, 2))
        same = sum(a == b for a, b in pairs) / len(pairs)
        if same >= args.share:
            chosen.append(lem)
            print(f"{lem}\t{len(stories)} articles\t{len(set(stories))} stories\t{same:.2f}", file=sys.stderr)
    print(json.dumps(chosen, ensure_ascii=False))


def general(args):
    words = []
    for line in open(args.words, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    chosen = set()
    for w, a in zip(words, analyse(args.khabar, words)):
        # The word itself too: out of context the analyser may tag it as neither noun nor verb.
        found = lemmas(a, False) | {fold(w)}
        chosen |= found
        print(f"{w}\t{' '.join(sorted(found))}", file=sys.stderr)
    print(json.dumps(sorted(chosen), ensure_ascii=False))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("learn")
    a.add_argument("gold")
    a.add_argument("corpus")
    a.add_argument("--share", type=float, default=0.5)
    a.add_argument("--khabar", default="./target/release/khabar")
    b = sub.add_parser("general")
    b.add_argument("words")
    b.add_argument("--khabar", default="./target/release/khabar")
    args = p.parse_args()
    learn(args) if args.cmd == "learn" else general(args)


if __name__ == "__main__":
    main()

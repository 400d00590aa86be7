#!/usr/bin/env python3
"""Comparison baselines for `khabar eval digest`, printed in one table with khabar and lead-1.

    python3 -m venv /tmp/digest-venv && /tmp/digest-venv/bin/pip install sumy summa yake
    /tmp/digest-venv/bin/python scripts/digest_baselines.py --part test

Steps: `khabar eval digest --write-set` writes the articles of the chosen part with khabar's
sentence split; this script runs LexRank and TextRank (sumy), TextRank (summa) and YAKE / summa
keywords on them; then `khabar eval digest --baselines` scores every system with the same Rust
code (tokens, ROUGE, recall) and prints the table.

Every extractive system chooses among the same sentences (khabar's split), makes a 3-sentence
summary, and the first of those in article order is scored, as for khabar. Keyphrase systems
give their top 10 phrases. The Python packages are comparison baselines only, never khabar
dependencies.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

WORD = re.compile(r"\w+", re.UNICODE)


class Words:
    """sumy tokenizer over khabar's sentences: words are runs of word characters."""

    language = "arabic"

    def to_words(self, text):
        return WORD.findall(text)

    def to_sentences(self, text):
        return [text]


def sumy_first(summarizer, sentences, k):
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    tok = Words()
    doc = ObjectDocumentModel([Paragraph([Sentence(s, tok) for s in sentences])])
    picked = [str(s) for s in summarizer(doc, k)]  # in document order
    return picked[0] if picked else ""


def summa_first(sentences, k):
    from summa import summarizer

    # One sentence per line; summa's splitter may cut a line at '.', so map its pieces back.
    pieces = summarizer.summarize("\n".join(s.replace("\n", " ") for s in sentences), ratio=1.0, language="arabic", split=True, scores=True)
    if not pieces:
        return ""
    best = {}
    for text, score in pieces:
        for i, s in enumerate(sentences):
            if text.strip() and text.strip() in s:
                best[i] = max(best.get(i, 0.0), score)
                break
    top = sorted(best, key=lambda i: (-best[i], i))[:k]
    return sentences[min(top)] if top else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--khabar", default=os.path.join("target", "release", "khabar"), help="the khabar binary")
    ap.add_argument("--part", default="test", choices=["dev", "test", "all"])
    ap.add_argument("--limit", type=int, help="only the first N articles of the part")
    ap.add_argument("--news", help="news JSON lines (default: khabar's default)")
    ap.add_argument("--keep", help="keep the set and baseline files in this folder")
    args = ap.parse_args()

    import yake
    from summa import keywords as summa_keywords
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    common = ["--part", args.part]
    if args.limit is not None:
        common += ["--limit", str(args.limit)]
    if args.news:
        common += ["--news", args.news]
    work = args.keep or tempfile.mkdtemp(prefix="khabar-digest-")
    os.makedirs(work, exist_ok=True)
    set_path = os.path.join(work, "set.jsonl")
    out_path = os.path.join(work, "baselines.jsonl")
    subprocess.run([args.khabar, "eval", "digest", *common, "--write-set", set_path], check=True, stdout=subprocess.DEVNULL)

    stemmer = Stemmer("arabic")
    stop = get_stop_words("arabic")
    lexrank = LexRankSummarizer(stemmer)
    lexrank.stop_words = stop
    textrank = TextRankSummarizer(stemmer)
    textrank.stop_words = stop
    kw = yake.KeywordExtractor(lan="ar", n=3, top=10)
    k = 3
    n = 0
    with open(set_path, encoding="utf-8") as f, open(out_path, "w", encoding="utf-8") as out:
        for line in f:
            a = json.loads(line)
            sents = [s for s in a["sentences"] if s.strip()]
            rows = {
                "sumy-lexrank": {"summary": sumy_first(lexrank, sents, k)},
                "sumy-textrank": {"summary": sumy_first(textrank, sents, k)},
                "summa-textrank": {"summary": summa_first(sents, k)},
                "yake": {"keyphrases": [p for p, _ in kw.extract_keywords(a["body"])][:10]},
            }
            try:
                words = summa_keywords.keywords(a["body"], language="arabic", words=10, split=True)
            except (IndexError, ValueError, ZeroDivisionError):
                words = []
            rows["summa-keywords"] = {"keyphrases": words[:10]}
            for system, r in rows.items():
                out.write(json.dumps({"id": a["id"], "system": system, **r}, ensure_ascii=False) + "\n")
            n += 1
            if n % 50 == 0:
                print(f"baselines: {n} articles", file=sys.stderr)
    subprocess.run([args.khabar, "eval", "digest", *common, "--baselines", out_path], check=True)


if __name__ == "__main__":
    main()

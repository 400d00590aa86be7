#!/usr/bin/env python3
"""Print the hierarchical word class (bits 32..63 of the corpus-lexicon code) of
some cores of a khabar NER model, the corpus frequency bucket, and up to 25
words of the same leaf class (models/NER.md, session 14). The classes exist
only in models trained with `--fine-classes` at commit 1935156.

Usage: python3 scripts/ner_class_mates.py MODEL.bin WORD [WORD ...]
(words as the model stores them: search-normalised cores, e.g. ارسنال، رياض)
"""
import collections
import gzip
import sys


def lexicon(path):
    raw = open(path, "rb").read()
    try:
        raw = gzip.decompress(raw)
    except OSError:
        pass
    text = raw[raw.index(b"#O\n"):].decode()
    section, codes = None, {}
    for line in text.split("\n"):
        if line.startswith("#"):
            section = line
        elif section == "#C" and "\t" in line:
            w, c = line.split("\t")
            codes[w] = int(c)
    return codes


def main():
    codes = lexicon(sys.argv[1])
    fine = {w: c >> 32 for w, c in codes.items() if c >> 32}
    leaves = collections.defaultdict(list)
    for w, c in sorted(fine.items()):
        leaves[c].append(w)
    print(f"{len(fine)} cores with a class, {len(leaves)} leaves")
    for w in sys.argv[2:]:
        if w not in fine:
            print(f"{w}\tno class (bucket {codes.get(w, 0) & 7})")
            continue
        print(f"{w}\tbucket {codes[w] & 7}\tclass {fine[w]:#x}\t{' '.join(leaves[fine[w]][:25])}")


if __name__ == "__main__":
    main()

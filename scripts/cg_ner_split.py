#!/usr/bin/env python3
"""Entity-layer cost per 100 articles and the NER model's loading cost, from the
cachegrind summaries (stderr) of four runs of one build (BENCHMARKS.md, "Session s17"):

    cg_ner_split.py DIR LABEL

reads DIR/LABEL-{140,40}-{on,noent}.err, the stderr of
    valgrind --tool=cachegrind --cache-sim=yes --D1=32768,8,64 --LL=33554432,16,64 \
      khabar analyze --conllu --keyphrases 0 --summary-sentences 0 [--no-entities] /tmp/newsN.jsonl
and prints (instructions, L1d misses, last-level data misses):
    entities per 100 articles = (on140 - on40) - (noent140 - noent40)
    NER loading = (on40 - noent40) - 0.4 x entities per 100 articles
    a 1,500-article run's entity layer = 15 x per 100 + loading
"""
import re
import sys


def summary(path):
    text = open(path).read()

    def get(name):
        m = re.search(name + r":\s+([\d,]+)", text)
        return int(m.group(1).replace(",", "")) if m else 0

    return [get(r"I\s+refs"), get(r"D1\s+misses"), get(r"LLd\s+misses")]


def main(d, label):
    r = {(n, m): summary(f"{d}/{label}-{n}-{m}.err") for n in (140, 40) for m in ("on", "noent")}
    ent = [(r[140, "on"][k] - r[40, "on"][k]) - (r[140, "noent"][k] - r[40, "noent"][k]) for k in range(3)]
    load = [r[40, "on"][k] - r[40, "noent"][k] - 0.4 * ent[k] for k in range(3)]
    run = [15 * ent[k] + load[k] for k in range(3)]
    fmt = lambda v: f"{v[0] / 1e6:.1f} M / {v[1] / 1e6:.2f} M / {v[2] / 1e6:.3f} M"
    print(f"{label}: entities per 100 articles {fmt(ent)}; NER loading {fmt(load)}; 1,500 articles {fmt(run)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

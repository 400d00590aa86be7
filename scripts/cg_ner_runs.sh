#!/bin/sh
# The four cachegrind runs of one build that scripts/cg_ner_split.py reads (BENCHMARKS.md,
# "Session s17"): /tmp/news140.jsonl and /tmp/news40.jsonl, each with and without entities,
# one rayon thread. Counts do not depend on the machine's load.
# usage: scripts/cg_ner_runs.sh DIR LABEL BINARY   (then: python3 scripts/cg_ner_split.py DIR LABEL)
D=$1; L=$2; B=$3
mkdir -p "$D"
for n in 140 40; do for m in on noent; do
  a=""; [ $m = noent ] && a="--no-entities"
  RAYON_NUM_THREADS=1 nice valgrind --tool=cachegrind --cache-sim=yes --D1=32768,8,64 --LL=33554432,16,64 \
    --cachegrind-out-file="$D/$L-$n-$m.out" \
    "$B" analyze --conllu --keyphrases 0 --summary-sentences 0 $a /tmp/news$n.jsonl > /dev/null 2> "$D/$L-$n-$m.err"
done; done

#!/bin/sh
# Interleaved user-CPU runs of `khabar analyze` (one rayon thread), entities on and off,
# for each binary given (BENCHMARKS.md, "Session 12").
# usage: scripts/ner_speed_ab.sh ROUNDS OUT BIN...   (input: /tmp/news1500.jsonl, or $F)
R=$1; O=$2; shift 2
F=${F:-/tmp/news1500.jsonl}
A="analyze --conllu --keyphrases 0 --summary-sentences 0"
export RAYON_NUM_THREADS=1
for r in $(seq 1 "$R"); do
  uptime >> "$O"
  for b in "$@"; do
    /usr/bin/time -f "$b on %U %e" "$b" $A "$F" > /dev/null 2>> "$O"
    /usr/bin/time -f "$b noent %U %e" "$b" $A --no-entities "$F" > /dev/null 2>> "$O"
  done
done

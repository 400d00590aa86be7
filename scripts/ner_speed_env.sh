#!/bin/sh
# Interleaved user-CPU runs of `khabar analyze` (one rayon thread; scripts/ner_speed_ab.sh is its
# plain form): each run given as "LABEL|ENV|BINARY" so that one binary can run with experiment switches
# (BENCHMARKS.md, "Session 15"). Modes per run: entities on; with NOENT=1 also --no-entities;
# with CORE=1 also --no-entities --no-morphology (the text core alone).
# usage: scripts/ner_speed_env.sh ROUNDS OUT "base||/tmp/khabar-base" "x|KHABAR_NER_BATCH=1|/tmp/khabar-x" ...
# input: /tmp/news1500.jsonl, or $F
R=$1; O=$2; shift 2
F=${F:-/tmp/news1500.jsonl}
A="analyze --conllu --keyphrases 0 --summary-sentences 0"
export RAYON_NUM_THREADS=1
for r in $(seq 1 "$R"); do
  uptime >> "$O"
  for spec in "$@"; do
    l=$(echo "$spec" | cut -d'|' -f1); e=$(echo "$spec" | cut -d'|' -f2); b=$(echo "$spec" | cut -d'|' -f3)
    env $e /usr/bin/time -f "$l on %U %e" "$b" $A "$F" > /dev/null 2>> "$O"
    [ -n "$NOENT" ] && env $e /usr/bin/time -f "$l noent %U %e" "$b" $A --no-entities "$F" > /dev/null 2>> "$O"
    [ -n "$CORE" ] && env $e /usr/bin/time -f "$l core %U %e" "$b" $A --no-entities --no-morphology "$F" > /dev/null 2>> "$O"
  done
done
uptime >> "$O"

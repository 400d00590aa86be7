#!/bin/sh
# Two binaries run at the same time, one per core (cores swapped every round), so that both
# see the same host conditions; user CPU of each (BENCHMARKS.md, "Session 12").
# usage: scripts/ner_speed_pair.sh ROUNDS OUT BASE OTHER [extra analyze flags, e.g. --no-entities]
R=$1; O=$2; B=$3; X=$4; shift 4
F=${F:-/tmp/news1500.jsonl}
A="analyze --conllu --keyphrases 0 --summary-sentences 0"
export RAYON_NUM_THREADS=1
for r in $(seq 1 "$R"); do
  if [ $((r % 2)) = 1 ]; then cb=0; cx=1; else cb=1; cx=0; fi
  taskset -c $cb /usr/bin/time -f "%U" "$B" $A "$@" "$F" > /dev/null 2>> "$O.b" &
  taskset -c $cx /usr/bin/time -f "%U" "$X" $A "$@" "$F" > /dev/null 2>> "$O.x" &
  wait
done
paste "$O.b" "$O.x" > "$O"
awk '{a+=$1; b+=$2; n++; s=s" "($2-$1)} END{print "mean", a/n, b/n, "differences", s}' "$O"

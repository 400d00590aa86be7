#!/bin/sh
# Interleaved user-CPU runs of `khabar analyze` (one rayon thread), entities on and off,
# for each binary given (BENCHMARKS.md, "Session 12"): scripts/ner_speed_env.sh with each
# binary as its own label and no environment switches.
# usage: scripts/ner_speed_ab.sh ROUNDS OUT BIN...   (input: /tmp/news1500.jsonl, or $F)
R=$1; O=$2; shift 2
for b in "$@"; do
  set -- "$@" "$b||$b"
  shift
done
NOENT=1 exec "$(dirname "$0")/ner_speed_env.sh" "$R" "$O" "$@"

#!/bin/sh
# Snippet lengths in characters (<mark> tags removed, entities unescaped) over the top 10 hits
# of 10 news queries: how much context `khabar search` shows around a match (docs/search.md).
# usage: scripts/snippet_lengths.sh KHABAR INDEX
#   e.g. zcat ../shared/data/news/saudinewsnet.jsonl.gz | head -300 > /tmp/news300.jsonl
#        target/release/khabar index --index /tmp/news300.idx /tmp/news300.jsonl
#        scripts/snippet_lengths.sh target/release/khabar /tmp/news300.idx
K=$1
I=$2
for q in بوتين السعودية الرياض إيران 'الاتفاق النووي' 'مجلس الأمن' اليمن داعش النفط أوباما; do
  "$K" search --index "$I" --json --limit 10 --facets 0 "$q"
done | python3 -c '
import sys, json, re, html
L = []
for line in sys.stdin:
    for h in json.loads(line)["hits"]:
        L.append(len(html.unescape(re.sub("</?mark>", "", h["snippet"]))))
L.sort()
print("snippets", len(L), "mean chars %.1f" % (sum(L) / len(L)), "min", L[0], "median", L[len(L) // 2], "max", L[-1])
'

#!/usr/bin/env bash
# Load and latency figures of khabar serve on the SaudiNewsNet index (BENCHMARKS.md).
# Needs: cargo build --release -p khabar-cli -p khabar-serve --bin khabar --example load, and
# /tmp/news.idx from: ./target/release/khabar index --index /tmp/news.idx ../shared/data/news/saudinewsnet.jsonl.gz
set -euo pipefail
cd "$(dirname "$0")/../../.."
rm -rf /tmp/news-load.idx && cp -r /tmp/news.idx /tmp/news-load.idx
RUST_LOG=warn ./target/release/khabar serve --index /tmp/news-load.idx --addr 127.0.0.1:8091 > /tmp/serve-bench.out &
pid=$!
for i in $(seq 1 100); do curl -sf localhost:8091/v1/health >/dev/null && break; sleep 0.2; done
riyadh=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("الرياض"))')
for url in "/v1/entities?limit=50" "/v1/entities?type=PER&from=2015-08-01&to=2015-08-31&limit=50" "/v1/entities/$riyadh/timeline?type=LOC" "/v1/entities/$riyadh/timeline"; do
  ts=$(for i in $(seq 1 11); do curl -s -o /dev/null -w '%{time_total}\n' "localhost:8091$url"; done | sort -n | sed -n 6p)
  echo "median of 11: $ts s  GET $url"
done
./target/release/examples/load --addr 127.0.0.1:8091 --clients 32 --secs 15
kill -TERM $pid; wait $pid; echo "server exit $?"

#!/usr/bin/env python3
"""Analyse Arabic news with khabar on Ray Data and write Parquet (the same columns as the Spark job).

    python examples/ray/ray_analyze_news.py --output /tmp/news-ray news.jsonl [more.jsonl ...]

read → map_batches (khabar.Analyzer.analyze_many per batch, one analyser per actor)
→ write_parquet. Inputs are what the Spark job (and `khabar analyze`) reads: JSON lines
(.jsonl/.ndjson, optionally .gz) with `id` and `body` (or `text`), optionally `title`,
`source`, `url`, `published`; .json files holding one article, an array of them or JSON
lines; Parquet; .txt files (one article each, the file name as id, .txt.gz too); local
folders of them (other files reported and skipped). Until session 21 the script read JSON
lines only (a .txt file or a pretty-printed .json failed). Run on a cluster with `ray job
submit` and a runtime_env that installs the khabar wheel (see examples/spark/README.md).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "spark"))
import analyze_news  # noqa: E402  (the Spark job: its row builder gives the same columns)
from analyze_news import FIELDS, INPUT_COLUMNS, OUTPUT_DDL, row_of  # noqa: E402


def input_rows(batch):
    """A batch of input articles (a pyarrow Table of any columns) as the input columns, all
    strings: `body` from `body`, else `text`, when it is a str; the others as their str."""
    import pyarrow as pa

    rows = []
    for d in batch.to_pylist():
        body = d.get("body") if isinstance(d.get("body"), str) else d.get("text")
        row = {k: (None if d.get(k) is None else str(d.get(k))) for k in INPUT_COLUMNS if k != "body"}
        row["body"] = body if isinstance(body, str) else None
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=pa.schema([(k, pa.string()) for k in INPUT_COLUMNS]))


def read_inputs(paths: list[str], fmt: str):
    """The articles of `paths` as one Ray dataset of the input columns, read as the Spark job
    reads them (analyze_news.expand: by file name and, for .json, by shape)."""
    import ray

    groups = analyze_news.expand(paths, fmt)
    parts = []
    # Reading is light; a read task that waited for a whole CPU would wait forever
    # behind actors holding every CPU (Ray backpressure), so it asks for none.
    if groups["json"]:
        parts.append(ray.data.read_json(groups["json"], lines=True, num_cpus=0))
    if groups["parquet"]:
        parts.append(ray.data.read_parquet(groups["parquet"], num_cpus=0))
    items = []
    for f in groups["json_whole"]:
        opener = gzip.open if f.lower().endswith(".gz") else open
        with opener(f, "rt", encoding="utf-8-sig") as fh:
            value = json.load(fh)
        for v in value if isinstance(value, list) else [value]:
            items.append(v if isinstance(v, dict) else {})  # not an article: a row with an error
    for f in groups["text"]:
        opener = gzip.open if f.lower().endswith(".gz") else open
        with opener(f, "rt", encoding="utf-8") as fh:
            items.append({"id": os.path.basename(f), "body": fh.read()})
    if items:
        parts.append(ray.data.from_items(items))
    if not parts:
        sys.exit("ray_analyze_news.py: no input files")
    parts = [p.map_batches(input_rows, batch_format="pyarrow", num_cpus=0) for p in parts]
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]

def arrow_schema():
    """The Arrow schema of the Spark job's output, without needing a JVM."""
    import pyarrow as pa

    long, s = pa.int64(), pa.string()
    span = pa.struct([("start", long), ("end", long), ("char_start", long), ("char_end", long)])
    return pa.schema(
        [
            ("id", s), ("title", s), ("source", s), ("url", s), ("published", s), ("published_ts", pa.timestamp("us", tz="UTC")),
            ("length", long), ("chars", long), ("n_tokens", pa.int32()), ("n_sentences", pa.int32()), ("n_words", pa.int32()),
            ("entities", pa.list_(pa.struct([("text", s), ("type", s), ("canonical", s), ("start", long), ("end", long),
                                             ("char_start", long), ("char_end", long), ("score", pa.float32())]))),
            ("keyphrases", pa.list_(pa.struct([("text", s), ("lemma", s), ("score", pa.float64()), ("spans", pa.list_(span))]))),
            ("summary", pa.list_(pa.struct([("text", s), ("start", long), ("end", long), ("char_start", long), ("char_end", long),
                                            ("score", pa.float64())]))),
            ("lemmas", pa.list_(s)), ("content_lemmas", pa.list_(s)), ("entity_keys", pa.list_(s)), ("analysis", s), ("error", s),
        ]
    )


class Analyze:
    """A Ray actor class: loads khabar once, analyses batches (pyarrow Tables)."""

    def __init__(self, threads: int = 1):
        os.environ.setdefault("RAYON_NUM_THREADS", str(threads))
        import khabar

        self.khabar = khabar
        self.analyzer = khabar.Analyzer()
        self.schema = arrow_schema()

    def __call__(self, batch):
        import datetime

        import pyarrow as pa

        docs = batch.to_pylist()
        rows = []
        for d in docs:
            body = d.get("body") if isinstance(d.get("body"), str) else d.get("text")
            doc = {k: (None if d.get(k) is None else str(d.get(k))) for k in ("id", "title", "source", "url", "published")}
            doc["body"] = body if isinstance(body, str) else None
            rows.append(doc)
        ok = [r for r in rows if r["body"] is not None]
        analyses = iter(self.analyzer.analyze_many([{"id": r["id"], "body": r["body"]} for r in ok], fields=FIELDS))
        out = []
        for r in rows:
            if r["body"] is None:
                out.append(row_of(r, None, "no body or text", False))
                continue
            row = row_of(r, next(analyses), None, False)
            try:
                ts = datetime.datetime.fromisoformat(r["published"]) if r["published"] else None
                row["published_ts"] = ts.replace(tzinfo=datetime.timezone.utc) if ts and ts.tzinfo is None else ts
            except ValueError:
                row["published_ts"] = None
            out.append(row)
        return pa.Table.from_pylist(out, schema=self.schema)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="JSON lines, .json, Parquet or .txt files, or folders of them")
    ap.add_argument("--format", choices=["auto", "json", "parquet", "text"], default="auto", help="input format (default: by file name)")
    ap.add_argument("--output", required=True, help="Parquet output folder")
    ap.add_argument("--actors", type=int, default=os.cpu_count() or 1, help="analysing actors (default: one per core)")
    ap.add_argument("--batch-size", type=int, default=256)
    args = ap.parse_args(argv)

    import ray

    import ray.cloudpickle

    # Ship the Spark job's module to the actors with the function (they do not have examples/ on sys.path).
    ray.cloudpickle.register_pickle_by_value(analyze_news)
    ray.init(include_dashboard=False, ignore_reinit_error=True)
    try:
        ds = read_inputs(args.inputs, args.format)
        ds = ds.map_batches(
            Analyze,
            batch_size=args.batch_size,
            batch_format="pyarrow",
            concurrency=args.actors,
            num_cpus=1,
        )
        ds.write_parquet(args.output)
    finally:
        ray.shutdown()
    return 0


if __name__ == "__main__":
    assert OUTPUT_DDL  # the Spark schema this mirrors
    sys.exit(main())

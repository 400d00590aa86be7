#!/usr/bin/env python3
"""Analyse Arabic news with khabar on Spark and write typed Parquet.

    SPARK_LOCAL_IP=127.0.0.1 python examples/spark/analyze_news.py \
        --master 'local[2]' --output /tmp/news.parquet examples/ news.jsonl.gz

Inputs are JSON lines (.jsonl/.ndjson, optionally .gz: one article per line with
`id`, `body` (or `text`), and optionally `title`, `source`, `url`, `published`, `author`),
.json files (optionally .gz) holding one such article object, an array of them, or JSON
lines (as `khabar analyze` reads them), Parquet (same column names), or plain text files
(.txt: one article per file, the file name as id). A local folder is expanded to the files
under it, as `khabar analyze` expands one (hidden files left out, others reported and skipped). Elsewhere (hdfs://, s3a://) give --format (json there is JSON lines).

Each Spark task analyses its Arrow batches with khabar.Analyzer.analyze_many
(mapInArrow), so khabar must be installed on every executor (see README.md beside
this file). One output row per input article, never dropped: an article without
text gets an `error` and empty arrays.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys

# Output columns. Spark's schema is the contract; the Arrow schema is derived from it.
OUTPUT_DDL = """
  id string, title string, source string, url string, published string, published_ts timestamp,
  length long, chars long, n_tokens int, n_sentences int, n_words int,
  entities array<struct<text: string, type: string, canonical: string, start: long, end: long,
                        char_start: long, char_end: long, score: float>>,
  keyphrases array<struct<text: string, lemma: string, score: double,
                          spans: array<struct<start: long, end: long, char_start: long, char_end: long>>>>,
  summary array<struct<text: string, start: long, end: long, char_start: long, char_end: long, score: double>>,
  lemmas array<string>,
  content_lemmas array<string>,
  entity_keys array<string>,
  analysis string,
  error string
"""

INPUT_COLUMNS = ["id", "title", "body", "source", "url", "published", "author"]
CONTENT_UPOS = {"NOUN", "PROPN", "VERB", "ADJ"}
# What the job takes from each Analysis: Python objects for every token would cost more than
# the analysis itself, so khabar builds only these (see Analyzer.analyze_many).
FIELDS = ["entities", "keyphrases", "summary", "words", "counts"]
JSON_EXTS = (".jsonl", ".json", ".ndjson", ".jsonl.gz", ".json.gz", ".ndjson.gz")


def row_of(doc: dict, a: dict | None, error: str | None, keep_json: bool) -> dict:
    """One output row from an article and its analysis (a dict of khabar.analyze)."""
    row = {k: doc.get(k) for k in ("id", "title", "source", "url", "published")}
    row["published_ts"] = None  # filled by Spark (try_to_timestamp) after the map
    body = doc.get("body") or ""
    row["length"] = len(body.encode("utf-8"))
    row["chars"] = len(body)
    row["error"] = error
    row["analysis"] = None
    if a is None:
        row.update(n_tokens=0, n_sentences=0, n_words=0, entities=[], keyphrases=[], summary=[], lemmas=[], content_lemmas=[], entity_keys=[])
        return row
    # `a` is a whole Analysis, or the FIELDS selection (derived `words` and `counts`).
    words = a["words"] if "words" in a else [w for t in a["tokens"] for w in t.get("words", ())]
    counts = a.get("counts") or {"tokens": len(a["tokens"]), "sentences": len(a["sentences"]), "words": len(words)}
    row["n_tokens"] = counts["tokens"]
    row["n_sentences"] = counts["sentences"]
    row["n_words"] = counts["words"]
    row["entities"] = [
        {k: e[k] for k in ("text", "type", "canonical", "start", "end", "char_start", "char_end", "score")} for e in a["entities"]
    ]
    # keyphrases and summary come with the digest layer (issue 8); empty until then.
    row["keyphrases"] = [
        {
            "text": k.get("text"),
            "lemma": k.get("lemma"),
            "score": k.get("score"),
            "spans": [{f: s.get(f) for f in ("start", "end", "char_start", "char_end")} for s in k.get("spans", ())],
        }
        for k in a.get("keyphrases", ())
    ]
    row["summary"] = [{f: s.get(f) for f in ("text", "start", "end", "char_start", "char_end", "score")} for s in a.get("summary", ())]
    row["lemmas"] = [w["lemma"] for w in words if w["upos"] != "PUNCT"]
    row["content_lemmas"] = [w["lemma"] for w in words if w["upos"] in CONTENT_UPOS]
    row["entity_keys"] = sorted({f'{e["type"]}:{e["canonical"]}' for e in a["entities"]})
    if keep_json:
        import json

        row["analysis"] = json.dumps(a, ensure_ascii=False, separators=(",", ":"))
    return row


def make_mapper(options: dict, threads: int, keep_json: bool, arrow_schema):
    """The function mapInArrow runs in each Python worker: Arrow batches in, Arrow batches out."""

    def analyze_batches(batches):
        # Each Spark task is one core: keep khabar's thread pool to that unless told otherwise.
        os.environ.setdefault("RAYON_NUM_THREADS", str(threads))
        import khabar
        import pyarrow as pa

        analyzer = khabar.Analyzer(options)
        for batch in batches:
            docs = batch.to_pylist()
            for d in docs:
                if d.get("body") is None and isinstance(d.get("text"), str):
                    d["body"] = d["text"]
            ok = [i for i, d in enumerate(docs) if isinstance(d.get("body"), str)]
            results: dict[int, tuple] = {i: (None, "no body or text") for i in range(len(docs)) if i not in set(ok)}
            try:
                fields = None if keep_json else FIELDS
                for i, a in zip(ok, analyzer.analyze_many([{"id": docs[i].get("id"), "body": docs[i]["body"]} for i in ok], fields=fields)):
                    results[i] = (a, None)
            except khabar.KhabarError:
                # Find the culprit(s) one by one; the others are still analysed.
                for i in ok:
                    try:
                        results[i] = (analyzer.analyze({"id": docs[i].get("id"), "body": docs[i]["body"]}), None)
                    except khabar.KhabarError as e:
                        results[i] = (None, str(e))
            rows = [row_of(d, *results[i], keep_json) for i, d in enumerate(docs)]
            yield pa.RecordBatch.from_pylist(rows, schema=arrow_schema)

    return analyze_batches


def json_shape(path: str) -> str:
    """How a local .json file holds its articles, by the rule of `khabar analyze` (crates/khabar-cli,
    input.rs): "lines" when its first line is a whole JSON value (JSON lines), "whole" when the
    whole file is one JSON value (an article object, pretty-printed or not, or an array of them),
    else "lines" (bad lines become rows with an error, as in a .jsonl file)."""
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as f:
        body = f.read().lstrip()
    if body.startswith("{"):
        try:
            json.loads(body.split("\n", 1)[0])
            return "lines"
        except ValueError:
            pass
    if body.startswith(("{", "[")):
        try:
            json.loads(body)
            return "whole"
        except ValueError:
            pass
    return "lines"


# A folder is read for these files (and .parquet), as `khabar analyze` reads one (README, "Inputs").
FOLDER_INPUTS = ".txt, .json, .jsonl or .ndjson (each optionally .gz)"
# Skipped files of a folder reported one by one, up to this many (then a count), as the CLI does.
SKIPPED_SHOWN = 20


def folder_files(folder: str) -> list[str]:
    """Every non-hidden file under `folder`, subfolders included, sorted (the CLI's walk)."""
    out = []
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        out += [os.path.join(root, f) for f in files if not f.startswith(".") and os.path.isfile(os.path.join(root, f))]
    return sorted(out)


def expand(paths: list[str], fmt: str) -> dict[str, list[str]]:
    """Input paths by format: json (JSON lines), json_whole (one JSON value a file), parquet, text.
    A folder's files of no known kind (an editor backup, a PDF) are reported on stderr and skipped,
    as `khabar analyze` reports them; until session 21 they were dropped without a word, and so
    were a folder's subfolders and its .txt.gz files."""
    out: dict[str, list[str]] = {"json": [], "json_whole": [], "parquet": [], "text": []}
    for p in paths:
        if fmt != "auto":
            out[fmt].append(p)
            continue
        if os.path.isdir(p) and not any(f.endswith(".parquet") for f in os.listdir(p)):
            files = folder_files(p)
        else:
            files = [p]
        skipped = []
        for f in files:
            low = f.lower()
            if low.endswith((".json", ".json.gz")) and os.path.isfile(f):
                out["json" if json_shape(f) == "lines" else "json_whole"].append(f)
            elif low.endswith(JSON_EXTS):
                out["json"].append(f)
            elif low.endswith(".parquet") or os.path.isdir(f):
                out["parquet"].append(f)
            elif low.endswith((".txt", ".txt.gz")):
                out["text"].append(f)
            elif f in paths:
                sys.exit(f"analyze_news.py: {f}: unknown format (give --format json, parquet or text)")
            else:
                skipped.append(f)
        for f in skipped[:SKIPPED_SHOWN]:
            print(f"analyze_news.py: {f}: skipped: a folder is read for {FOLDER_INPUTS} files; name the file to read it", file=sys.stderr)
        if len(skipped) > SKIPPED_SHOWN:
            print(f"analyze_news.py: {p}: {len(skipped) - SKIPPED_SHOWN} more files skipped", file=sys.stderr)
    return out


def read_articles(spark, paths: list[str], fmt: str):
    from pyspark.sql import functions as F

    groups = expand(paths, fmt)
    frames = []
    schema = "id string, title string, body string, text string, source string, url string, published string, author string"
    for group, multiline in (("json", False), ("json_whole", True)):
        if groups[group]:
            # multiLine: each file is one JSON value, an object (one row) or an array (a row each).
            df = spark.read.schema(schema).option("multiLine", multiline).json(groups[group])
            frames.append(df.withColumn("body", F.coalesce("body", "text")).drop("text"))
    if groups["parquet"]:
        df = spark.read.parquet(*groups["parquet"])
        if "body" not in df.columns:
            if "text" not in df.columns:
                sys.exit("analyze_news.py: the Parquet input has no 'body' or 'text' column")
            df = df.withColumnRenamed("text", "body")
        for c in INPUT_COLUMNS:
            df = df.withColumn(c, F.col(c).cast("string")) if c in df.columns else df.withColumn(c, F.lit(None).cast("string"))
        frames.append(df.select(*INPUT_COLUMNS))
    if groups["text"]:
        df = spark.read.text(groups["text"], wholetext=True).select(F.col("value").alias("body"), F.col("_metadata.file_name").alias("id"))
        frames.append(df)
    if not frames:
        sys.exit("analyze_news.py: no input files")
    out = frames[0]
    for f in frames[1:]:
        out = out.unionByName(f, allowMissingColumns=True)
    for c in INPUT_COLUMNS:
        if c not in out.columns:
            out = out.withColumn(c, F.lit(None).cast("string"))
    return out.select(*INPUT_COLUMNS)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("inputs", nargs="+", help="JSON lines, Parquet or .txt files, or folders of them")
    ap.add_argument("--output", required=True, help="Parquet output folder")
    ap.add_argument("--format", choices=["auto", "json", "parquet", "text"], default="auto", help="input format (default: by file name)")
    ap.add_argument("--master", help="Spark master (default: from spark-submit, else local[*])")
    ap.add_argument("--mode", choices=["error", "overwrite", "append"], default="error", help="when the output exists (default: error)")
    ap.add_argument("--partitions", type=int, help="repartition the articles into this many tasks (default: at least the default parallelism)")
    ap.add_argument("--batch-size", type=int, default=256, help="articles per Arrow batch (default: 256)")
    ap.add_argument("--threads-per-task", type=int, default=1, help="khabar threads in each task (default: 1, one task per core)")
    ap.add_argument("--no-morphology", action="store_true", help="skip clitics, parts of speech and lemmas")
    ap.add_argument("--no-entities", action="store_true", help="skip named entities")
    ap.add_argument("--keep-json", action="store_true", help="also store the whole Analysis JSON (column `analysis`)")
    args = ap.parse_args(argv)

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import to_arrow_schema
    from pyspark.sql.types import _parse_datatype_string

    builder = SparkSession.builder.appName("khabar-analyze-news")
    if args.master:
        builder = builder.master(args.master)
    builder = builder.config("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch_size))
    spark = builder.getOrCreate()
    try:
        spark_schema = _parse_datatype_string(OUTPUT_DDL)
        large = spark.conf.get("spark.sql.execution.arrow.useLargeVarTypes", "false") == "true"
        arrow_schema = to_arrow_schema(spark_schema, timezone="UTC", prefers_large_types=large)
        # published_ts is computed by Spark below; the map writes it as null.
        articles = read_articles(spark, args.inputs, args.format)
        parallelism = spark.sparkContext.defaultParallelism
        want = args.partitions or parallelism
        if args.partitions or articles.rdd.getNumPartitions() < want:
            articles = articles.repartition(want)
        options = {"morphology": not args.no_morphology, "entities": not args.no_entities}
        mapper = make_mapper(options, args.threads_per_task, args.keep_json, arrow_schema)
        out = articles.mapInArrow(mapper, spark_schema)
        out = out.withColumn("published_ts", F.try_to_timestamp(F.col("published")))
        out.write.mode({"error": "errorifexists"}.get(args.mode, args.mode)).parquet(args.output)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

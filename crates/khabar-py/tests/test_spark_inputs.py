"""How the Spark job (examples/spark/analyze_news.py) reads a .json file: as `khabar analyze`
does (README, "Inputs"). Until session 20 the CLI read a .json file as plain text and the job
as JSON lines, so a pretty-printed article or an array of articles gave rows without text."""

import gzip
import importlib.util
import json
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]


def job():
    spec = importlib.util.spec_from_file_location("analyze_news", REPO / "examples" / "spark" / "analyze_news.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ONE = '\ufeff{\n  "id": "one",\n  "title": "خبر",\n  "body": "وصل بوتين إلى موسكو"\n}\n'
ARRAY = '[\n {"id": "a1", "body": "وصل بوتين"},\n {"id": "a2", "text": "أعلنت الرياض"}\n]\n'
LINES = '{"id": "l1", "body": "وصل بوتين"}\n{"id": "l2", "body": "أعلنت الرياض"}\n'
ONE_LINE_ARRAY = '[{"id": "b1", "body": "وصل بوتين"}, {"id": "b2", "body": "أعلنت الرياض"}]'


def write(tmp_path, files):
    for name, text in files.items():
        data = text.encode("utf-8")
        (tmp_path / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)


def test_json_files_are_sorted_by_shape(tmp_path):
    write(tmp_path, {"one.json": ONE, "array.json": ARRAY, "lines.json": LINES, "flat.json.gz": ONE_LINE_ARRAY,
                     "l.jsonl": LINES, "notes.pdf": "x"})
    groups = job().expand([str(tmp_path)], "auto")
    names = {k: sorted(os.path.basename(p) for p in v) for k, v in groups.items()}
    assert names == {"json": ["l.jsonl", "lines.json"], "json_whole": ["array.json", "flat.json.gz", "one.json"], "parquet": [], "text": []}


def test_a_folder_is_read_as_the_cli_reads_it_and_skipped_files_are_reported(tmp_path, capsys):
    """Subfolders and .txt.gz files are read, hidden files ignored, other files reported on stderr
    (the CLI's wording); until session 21 the job dropped all of these without a word."""
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    write(tmp_path, {"a.txt": "وصل بوتين", "sub/b.jsonl": LINES, "sub/c.txt.gz": "أعلنت الرياض", "notes.pdf": "x", "a.txt~": "x",
                     ".DS_Store": "x", ".hidden/d.txt": "x"})
    groups = job().expand([str(tmp_path)], "auto")
    names = {k: sorted(os.path.relpath(p, tmp_path) for p in v) for k, v in groups.items()}
    assert names == {"json": ["sub/b.jsonl"], "json_whole": [], "parquet": [], "text": ["a.txt", "sub/c.txt.gz"]}
    err = capsys.readouterr().err
    for f in ["notes.pdf", "a.txt~"]:
        assert f"{tmp_path / f}: skipped: a folder is read for .txt, .json, .jsonl or .ndjson (each optionally .gz) files" in err, err
    assert ".DS_Store" not in err and "d.txt" not in err
    cli = os.environ.get("KHABAR_CLI")
    if cli:
        # the same files as the CLI reads and skips
        run = subprocess.run([cli, "analyze", "--json", "--no-morphology", "--no-entities", "."], cwd=tmp_path, capture_output=True, text=True)
        assert sorted(line.split(": skipped")[0].removeprefix("khabar: ") for line in run.stderr.splitlines() if ": skipped: a folder" in line) == ["a.txt~", "notes.pdf"]


def test_json_files_give_the_documents_the_cli_reads(tmp_path):
    """The same ids as `khabar analyze --json` on the same files (with KHABAR_CLI), and, with
    pyspark installed, as the rows Spark reads."""
    files = {"one.json": ONE, "array.json": ARRAY, "lines.json": LINES, "flat.json.gz": ONE_LINE_ARRAY}
    write(tmp_path, files)
    want = sorted(["one", "a1", "a2", "l1", "l2", "b1", "b2"])
    cli = os.environ.get("KHABAR_CLI")
    if cli:
        out = subprocess.run([cli, "analyze", "--json", "--no-morphology", *sorted(files)], cwd=tmp_path, check=True,
                             capture_output=True, text=True).stdout
        assert sorted(json.loads(line)["id"] for line in out.splitlines()) == want
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.master("local[1]").appName("khabar-json-inputs").getOrCreate()
    try:
        rows = job().read_articles(spark, [str(tmp_path)], "auto").collect()
    finally:
        spark.stop()
    assert sorted(r["id"] for r in rows) == want
    assert all(r["body"] for r in rows), rows

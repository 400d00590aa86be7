"""Tests of the khabar Python package (run against an installed wheel).

Set KHABAR_CLI to the `khabar` binary to also compare with the command line
(.ci/run does); without it those tests skip, and under CI=true they fail.
"""

import datetime
import json
import warnings
import os
import pathlib
import subprocess
import threading

import pytest

import khabar

REPO = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
SAMPLE = EXAMPLES / "pyongyang-aurus.txt"


def cli():
    path = os.environ.get("KHABAR_CLI")
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but KHABAR_CLI is not set")
    pytest.skip("set KHABAR_CLI to the khabar binary to compare with the command line")


def sample_docs():
    """The articles of examples/news-sample.jsonl, as dicts."""
    return [json.loads(line) for line in (EXAMPLES / "news-sample.jsonl").read_text(encoding="utf-8").splitlines()]


def sample_index(tmp_path):
    """examples/news-sample.jsonl added to a new index under tmp_path, committed and closed; (index, path)."""
    path = tmp_path / "idx"
    index = khabar.Index(path)
    index.add(sample_docs())
    index.close()
    return index, path


def with_char_offsets(node, text):
    """The CLI's JSON plus char offsets, computed here independently of the Rust code."""
    data = text.encode("utf-8")

    def char(b):
        return len(data[:b].decode("utf-8"))

    if isinstance(node, list):
        return [with_char_offsets(x, text) for x in node]
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            out[k] = with_char_offsets(v, text)
            if k == "end" and isinstance(node.get("start"), int) and isinstance(v, int):
                out["char_start"] = char(node["start"])
                out["char_end"] = char(v)
        return out
    return node


def spans(node):
    """Every dict with start/end anywhere in the tree."""
    if isinstance(node, list):
        for x in node:
            yield from spans(x)
    elif isinstance(node, dict):
        if "start" in node and "end" in node:
            yield node
        for v in node.values():
            yield from spans(v)


def check_offsets(a, text):
    data = text.encode("utf-8")
    assert a["length"] == len(data)
    n = 0
    for s in spans(a):
        assert data[s["start"] : s["end"]].decode("utf-8") == text[s["char_start"] : s["char_end"]]
        if "text" in s:
            assert text[s["char_start"] : s["char_end"]] == s["text"]
        n += 1
    return n


def test_sample_is_analysed_with_char_offsets():
    text = SAMPLE.read_text(encoding="utf-8")
    a = khabar.analyze(text)
    assert len(a["tokens"]) > 100 and a["sentences"] and a["entities"]
    assert check_offsets(a, text) > len(a["tokens"])
    putin = [e for e in a["entities"] if e["type"] == "PER" and "بوتين" in e["text"]]
    assert putin and all(text[e["char_start"] : e["char_end"]] == e["text"] for e in putin)
    assert list(a["tokens"][0])[:6] == ["text", "start", "end", "char_start", "char_end", "kind"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_same_as_cli_json(path):
    text = path.read_text(encoding="utf-8")
    out = subprocess.run([cli(), "analyze", "--json", str(path)], check=True, capture_output=True, text=True).stdout
    expected = with_char_offsets(json.loads(out), text)
    got = khabar.analyze(text, id=expected["id"])
    assert got == expected
    assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)  # same key order too
    assert khabar.analyze_json(text, id=expected["id"]) == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))


def test_jsonl_documents_same_as_cli():
    path = EXAMPLES / "news-sample.jsonl"
    out = subprocess.run([cli(), "analyze", "--json", "--input-format", "jsonl", str(path)], check=True, capture_output=True, text=True)
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    expected = [with_char_offsets(json.loads(line), d["body"]) for line, d in zip(out.stdout.splitlines(), docs)]
    assert len(expected) == len(docs)
    assert khabar.Analyzer().analyze_many(docs) == expected


def test_analyze_many_equals_analyze_in_order():
    docs = sample_docs()
    inputs = [docs[0], docs[1]["body"], {"text": "نص قصير", "id": 7}, "", docs[2]]
    an = khabar.Analyzer()
    many = an.analyze_many(inputs)
    assert many == [an.analyze(x) for x in inputs]
    assert many[0]["id"] == docs[0]["id"] and many[2]["id"] == "7" and "id" not in many[1]
    assert many[3] == {"length": 0, "tokens": [], "sentences": [], "entities": [], "keyphrases": [], "summary": []}
    assert an.analyze_many(iter(inputs[:2])) == many[:2]
    assert an.analyze_many([]) == []
    assert [json.loads(j) for j in an.analyze_many_json(inputs)] == many


def test_options():
    text = "قال الرئيس فلاديمير بوتين في موسكو."
    full = khabar.analyze(text)
    assert full["entities"] and full["tokens"][0]["words"]
    bare = khabar.analyze(text, morphology=False, entities=False)
    assert bare["entities"] == [] and all("words" not in t for t in bare["tokens"])
    an = khabar.Analyzer({"entities": False}, morphology=True)
    assert an.options == {"morphology": True, "entities": False, "keyphrases": 10, "summary_sentences": 3}
    assert an.analyze(text)["entities"] == [] and an.analyze(text)["tokens"][0]["words"]
    assert "entities=False" in repr(an)
    for bad in [{"entity": False}, {"morphology": "yes"}]:
        with pytest.raises(khabar.KhabarError):
            khabar.Analyzer(bad)
        with pytest.raises(khabar.KhabarError):
            khabar.analyze(text, **bad)
    with pytest.raises(khabar.KhabarError):
        khabar.Analyzer([("entities", False)])
    # an unknown option is named as unknown, whatever its value
    with pytest.raises(khabar.KhabarError, match="unknown option"):
        khabar.Analyzer(nonsense=1)


def test_digest_options_as_the_cli():
    text = "\n".join(
        [
            "قال الرئيس الروسي فلاديمير بوتين في موسكو إن المفاوضات مع الصين مستمرة.",
            "وأعلن وزير الخارجية الصيني أن بكين تريد شراكة جديدة مع روسيا في مجال الطاقة.",
            "وتشمل الشراكة مشاريع للنفط والغاز في سيبيريا وتستمر عشر سنوات.",
            "وقالت وكالة الأنباء الروسية إن الرئيسين سيلتقيان الشهر المقبل في بكين.",
        ]
    )
    full = khabar.analyze(text)
    assert len(full["summary"]) == 3 and len(full["keyphrases"]) > 2
    an = khabar.Analyzer(keyphrases=2, summary_sentences=1)
    assert an.options == {"morphology": True, "entities": True, "keyphrases": 2, "summary_sentences": 1}
    assert "summary_sentences=1" in repr(an)
    small = an.analyze(text)
    assert small["keyphrases"] == full["keyphrases"][:2]
    assert len(small["summary"]) == 1
    none = khabar.analyze(text, keyphrases=0, summary_sentences=0)
    assert none["keyphrases"] == [] and none["summary"] == []
    assert none["entities"] == full["entities"]
    # one past what a count holds is "all", as for limit=
    big = khabar.Analyzer(keyphrases=10**30, summary_sentences=10**30).analyze(text)
    assert len(big["summary"]) == len(big["sentences"]) and len(big["keyphrases"]) >= len(full["keyphrases"])
    for bad in [{"keyphrases": True}, {"keyphrases": -1}, {"summary_sentences": "3"}, {"summary_sentences": 1.5}]:
        with pytest.raises(khabar.KhabarError):
            khabar.Analyzer(bad)


def test_normalize_and_tokens():
    assert khabar.normalize("أَحْمَدُ ﻻ ٢٠١٨") == "احمد لا 2018"
    assert khabar.normalize("أَحْمَدُ", profile="display") == "أَحْمَدُ"
    with pytest.raises(khabar.KhabarError, match="profile"):
        khabar.normalize("x", profile="loud")
    text = "😀 وصل بوتين، إلى بيونغ يانغ 2024."
    toks = khabar.tokens(text)
    assert [t["text"] for t in toks][:4] == ["😀", "وصل", "بوتين", "،"]
    for t in toks:
        assert text[t["char_start"] : t["char_end"]] == t["text"]
        assert text.encode()[t["start"] : t["end"]].decode() == t["text"]
    assert [(t["text"], t["kind"]) for t in toks] == [(t["text"], t["kind"]) for t in khabar.analyze(text)["tokens"]]


def test_errors_are_khabar_errors():
    assert issubclass(khabar.KhabarError, ValueError)
    for bad in [None, 12, b"bytes", ["list"], {"id": 1}, {"body": 5}, "\ud800 lone surrogate"]:
        with pytest.raises(khabar.KhabarError):
            khabar.analyze(bad)
    with pytest.raises(khabar.KhabarError, match="not one str"):
        khabar.Analyzer().analyze_many("one text")
    with pytest.raises(khabar.KhabarError):
        khabar.Analyzer().analyze_many(["ok", {"title": "no body"}])
    with pytest.raises(khabar.KhabarError):
        khabar.Analyzer().analyze_many(5)
    with pytest.raises(khabar.KhabarError):
        khabar.tokens(None)
    with pytest.raises(khabar.KhabarError, match="surrogate"):
        khabar.normalize("\udfff")


def test_threads_share_an_analyzer():
    text = SAMPLE.read_text(encoding="utf-8")
    an = khabar.Analyzer()
    expected = an.analyze(text)
    results = []

    def work():
        results.append(an.analyze_many([text, text]))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [[expected, expected]] * 3


def test_long_text_is_one_analysis():
    text = ("قال الرئيس فلاديمير بوتين في موسكو إن المفاوضات مستمرة.\n" * 3000)
    a = khabar.analyze(text)
    assert len(a["sentences"]) == 3000
    check_offsets(a, text)


def test_index_add_and_search(tmp_path):
    docs = sample_docs()
    path = tmp_path / "news.idx"
    with khabar.Index(str(path)) as index:
        assert index.add(docs) == len(docs)
        assert len(index) == len(docs)
        assert index.add(docs[0]) == 1  # upsert: replaces
        assert len(index) == len(docs)
        r = index.search("السعودية", limit=3)
        assert set(r) == {"total", "hits", "facets"}
        assert r["total"] > 0 and 0 < len(r["hits"]) <= 3
        assert {"id", "score", "title", "published", "source", "snippet"} <= set(r["hits"][0])
        assert index.search("السعودية", limit=1, offset=1)["hits"][0]["id"] == r["hits"][1]["id"]
        assert index.search("السعودية", from_="2100-01-01")["total"] == 0
        # a facet's count is the number of matches its entity filter keeps
        assert r["facets"]
        for kind, values in r["facets"].items():
            for v in values[:3]:
                assert index.search("السعودية", entities=[f"{kind}:{v['name']}"])["total"] == v["count"], (kind, v)
        with pytest.raises(khabar.KhabarError):
            index.add({"body": "بلا معرف"})
        with pytest.raises(khabar.KhabarError):
            index.search("x", from_="yesterday")
        # dates beyond what the index stores (1677-2262): refused when added, clamped in filters
        # (until session 21 they wrapped around, and a debug build panicked across the FFI)
        for far in ["2300-01-01", datetime.date.min, datetime.datetime.max]:
            with pytest.raises(khabar.KhabarError, match="outside the dates the index stores"):
                index.add(dict(docs[0], published=far))
        assert index.search("السعودية", to=datetime.datetime.max)["total"] == index.search("السعودية", from_="2000-01-01")["total"] > 0
        assert index.search("السعودية", from_=datetime.date.min)["total"] > 0
        with pytest.raises(khabar.KhabarError):
            index.search("x", entities=["nocolon"])
    reopened = khabar.Index(path)
    assert len(reopened) == len(docs)
    assert reopened.search("السعودية", limit=3) == r


def test_a_new_index_over_an_old_story_state_warns(tmp_path):
    # meta.json deleted: the folder's stories/ belongs to an index that is gone; the new index
    # starts a new story state and says so (as `khabar index` does on stderr)
    _, path = sample_index(tmp_path)
    (path / "meta.json").unlink()
    with khabar.Index(path) as index:
        with pytest.warns(UserWarning, match="earlier index's story state"):
            index.add(sample_docs()[:1])
    with khabar.Index(path) as index:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            index.add(sample_docs()[1:2])


def test_index_entities_and_timeline_same_as_cli(tmp_path):
    exe = cli()
    index, path = sample_index(tmp_path)
    top = index.entities(limit=5)
    assert set(top) == {"entities"} and 0 < len(top["entities"]) <= 5
    assert {"name", "type", "mentions", "documents"} <= set(top["entities"][0])
    everything = index.entities(limit=0)["entities"]
    assert everything[:5] == top["entities"] and len(everything) >= len(top["entities"])
    mentions = [e["mentions"] for e in everything]
    assert mentions == sorted(mentions, reverse=True)
    people = index.entities(type="per", limit=0)["entities"]
    assert people and all(e["type"] == "PER" for e in people)
    assert index.entities(from_="2100-01-01")["entities"] == []
    name = everything[0]["name"]
    out = subprocess.run([exe, "timeline", name, "--index", str(path), "--json"], check=True, capture_output=True, text=True)
    t = index.timeline(name)
    assert t == json.loads(out.stdout) and t["mentions"] > 0
    assert index.timeline(" " + name + " ") == t
    assert index.timeline("اسم لا يذكره أي مقال") is None
    for bad in [lambda: index.entities(type="PERSON"), lambda: index.entities(limit=-1), lambda: index.timeline(""), lambda: index.timeline(5)]:
        with pytest.raises(khabar.KhabarError):
            bad()


def test_index_search_same_as_cli(tmp_path):
    exe = cli()
    index, path = sample_index(tmp_path)
    for q in ["السعودية", "الطائرة OR المطار", '"الرياض"']:
        out = subprocess.run([exe, "search", "--index", str(path), "--json", "--limit", "5", q], check=True, capture_output=True, text=True)
        assert index.search(q, limit=5) == json.loads(out.stdout)


def test_index_stories_and_dups_same_as_cli(tmp_path):
    exe = cli()
    docs = sample_docs()
    # a copy of the first article under a new id, arriving next, is a duplicate of it, in its story
    docs.insert(1, dict(docs[0], id="copy-of-" + str(docs[0]["id"])))
    path = tmp_path / "idx"
    with khabar.Index(path) as index:
        index.add(docs)
    index = khabar.Index(path)
    out = subprocess.run([exe, "stories", "--index", str(path), "--json"], check=True, capture_output=True, text=True)
    assert index.stories() == json.loads(out.stdout)
    stories = index.stories(min_articles=1)
    out = subprocess.run([exe, "stories", "--index", str(path), "--json", "--min-articles", "1"], check=True, capture_output=True, text=True)
    assert stories == json.loads(out.stdout)
    assert sum(len(s["articles"]) for s in stories["stories"]) == len(docs)
    first = next(s for s in stories["stories"] if str(docs[0]["id"]) in s["articles"])
    assert "copy-of-" + str(docs[0]["id"]) in first["articles"]
    out = subprocess.run([exe, "story", first["id"], "--index", str(path), "--json"], check=True, capture_output=True, text=True)
    assert index.story(first["id"]) == json.loads(out.stdout)
    assert index.story(" " + first["id"] + "\n") == json.loads(out.stdout)  # a pasted id, as the CLI and API find it
    assert index.story("no-such-story") is None
    dups = index.dups()
    out = subprocess.run([exe, "dups", "--index", str(path), "--json"], check=True, capture_output=True, text=True)
    assert dups == json.loads(out.stdout)
    assert any(str(docs[0]["id"]) in g and "copy-of-" + str(docs[0]["id"]) in g for g in dups["groups"])
    assert index.stories(min_articles=1, limit=1)["stories"] == stories["stories"][:1]
    # collapse=True folds the copy into its original, as `khabar search --collapse` (it had no
    # such argument until session 21: a TypeError)
    q = "الطائرة"
    out = subprocess.run([exe, "search", "--index", str(path), "--json", "--collapse", q], check=True, capture_output=True, text=True)
    folded = index.search(q, collapse=True)
    assert folded == json.loads(out.stdout)
    assert any(h.get("similar", 0) >= 1 for h in folded["hits"])
    assert len(folded["hits"]) < len(index.search(q)["hits"])
    for bad in ["yes", 1, None]:
        with pytest.raises(khabar.KhabarError):
            index.search(q, collapse=bad)
    with pytest.raises(khabar.KhabarError):
        index.stories(from_="not a date")


def test_index_errors(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(khabar.KhabarError):
        khabar.Index(f)
    index = khabar.Index(tmp_path / "i")
    with pytest.raises(khabar.KhabarError):
        index.add("just a str")
    with pytest.raises(khabar.KhabarError):
        index.add([{"id": "1", "body": "نص"}, 3])
    assert len(index) == 0


def test_analyze_many_fields():
    docs = sample_docs()[:4]
    an = khabar.Analyzer()
    full = an.analyze_many(docs)
    some = an.analyze_many(docs, fields=["entities", "words", "counts", "keyphrases"])
    for f, s in zip(full, some):
        words = [w for t in f["tokens"] for w in t.get("words", [])]
        assert s["id"] == f["id"] and s["length"] == f["length"]
        assert s["entities"] == f["entities"] and s["words"] == words
        assert s["counts"] == {"tokens": len(f["tokens"]), "sentences": len(f["sentences"]), "words": len(words)}
        assert "tokens" not in s and ("keyphrases" in s) == ("keyphrases" in f)
    assert an.analyze_many(docs, fields=["tokens", "sentences"])[0]["tokens"] == full[0]["tokens"]
    assert [json.loads(j) for j in an.analyze_many_json(docs, fields=["entities"])] == an.analyze_many(docs, fields=["entities"])
    with pytest.raises(khabar.KhabarError, match="unknown field"):
        an.analyze_many(docs, fields=["entity"])
    with pytest.raises(khabar.KhabarError):
        an.analyze_many(docs, fields="entities")


def test_keyword_arguments_of_wrong_type_are_khabar_errors(tmp_path):
    # These raised TypeError, OverflowError or AttributeError (index.search("x", limit=-1),
    # index.stories(from_=1), khabar.normalize("x", profile=None), khabar.Index(None), ...):
    # docs/python.md promises KhabarError for wrong types.
    calls = [
        lambda: khabar.analyze("نص", id=[1]),
        lambda: khabar.analyze_json("نص", id=1.5),
        lambda: khabar.Analyzer().analyze("نص", id=b"1"),
        lambda: khabar.normalize("نص", profile=5),
        lambda: khabar.Index(None),
        lambda: khabar.Index(5),
    ]
    index = khabar.Index(tmp_path / "i")
    index.add({"id": "1", "body": "وصل بوتين إلى موسكو.", "published": "2015-08-01"})
    calls += [
        lambda: index.add({"id": "2", "body": "نص"}, commit="yes"),
        lambda: index.search("بوتين", limit=-1),
        lambda: index.search("بوتين", limit="5"),
        lambda: index.search("بوتين", offset=-3),
        lambda: index.search("بوتين", facets=1.5),
        lambda: index.search("بوتين", from_=5),
        lambda: index.search("بوتين", to=[2015]),
        lambda: index.stories(min_articles=-1),
        lambda: index.stories(limit=None),
        lambda: index.stories(from_=1),
        lambda: index.story(None),
        lambda: index.story(5),
    ]
    for i, call in enumerate(calls):
        with pytest.raises(khabar.KhabarError):
            call()
    # The right types still work; ids may be ints as in document mappings; None is the default profile.
    assert khabar.analyze("نص", id=7)["id"] == "7"
    assert khabar.normalize("أحمد", profile=None) == "احمد"
    assert index.search("بوتين", limit=2**70)["total"] == 1  # more than a page can hold: all
    assert index.search("بوتين", offset=2**64 - 1)["hits"] == []
    # A path that is a file: said so (it was "File exists (os error 17)"), the file left as it was.
    (tmp_path / "news.jsonl").write_text("{}\n")
    with pytest.raises(khabar.KhabarError, match="is a file, not a folder"):
        khabar.Index(tmp_path / "news.jsonl")
    assert (tmp_path / "news.jsonl").read_text() == "{}\n"
    assert index.stories(min_articles=1, limit=0)["stories"][0]["articles"] == ["1"]


def test_swapped_date_ranges_are_errors(tmp_path):
    index = khabar.Index(tmp_path / "i")
    index.add({"id": "1", "body": "وصل بوتين إلى موسكو.", "published": "2015-08-01T10:00:00Z"})
    # The message of the CLI and the HTTP API (one check in khabar_index::date_range).
    with pytest.raises(khabar.KhabarError, match="^from 2015-08-02 is after to 2015-08-01: no date is in that range$"):
        index.search("بوتين", from_="2015-08-02", to="2015-08-01")
    with pytest.raises(khabar.KhabarError, match="after"):
        index.stories(from_="2015-08-02", to="2015-08-01")
    # One day, from and to the same date, is a range.
    assert index.search("بوتين", from_="2015-08-01", to="2015-08-01")["total"] == 1


def test_documents_without_text_or_with_a_blank_id_are_refused_whole(tmp_path):
    # The check of `khabar index` and the HTTP API: an empty or blank body, or a blank id, is an
    # error naming the row, and nothing of the call is added.
    index = khabar.Index(tmp_path / "i")
    for bad, what in [({"id": "2", "body": " \n"}, 'empty "body"'), ({"id": "  ", "body": "نص"}, 'blank "id"'), ({"id": "2", "text": ""}, 'empty "body"')]:
        with pytest.raises(khabar.KhabarError, match=f"^document 1: {what}"):
            index.add([{"id": "1", "body": "وصل بوتين إلى موسكو."}, bad])
        assert len(index) == 0
    assert index.add([{"id": "1", "body": "وصل بوتين إلى موسكو."}]) == 1

#!/usr/bin/env python3
"""Check `khabar analyze --json` output against its input, field by field (docs/analysis-json.md):
every start/end of tokens, sentences, entities, keyphrase spans and summary slices the original
body (UTF-8 bytes) on character boundaries to exactly its `text`; tokens ordered, non-empty,
disjoint; sentences cover the tokens in order with matching bounds; summary sentences inside a
sentence, in order; only documented fields and values.

    khabar analyze --json --input-format jsonl DOCS.jsonl | python3 scripts/analysis_offsets_check.py DOCS.jsonl
"""
import json
import sys

KINDS = set("arabic latin word number punct symbol url email mention hashtag".split())
TOKEN_FIELDS = {"text", "start", "end", "kind", "norm", "stem", "stopword", "words"}
TOP_FIELDS = {"id", "length", "tokens", "sentences", "entities", "keyphrases", "summary"}
bodies = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        d = json.loads(line)
        bodies[d.get("id")] = d.get("body", d.get("text", ""))
bad = 0
docs = 0


def fail(doc, msg):
    global bad
    bad += 1
    if bad <= 30:
        print(doc, msg)


def piece(doc, what, s, e, text, b):
    if not (0 <= s <= e <= len(b)):
        fail(doc, f"{what}: {s}..{e} outside 0..{len(b)}")
        return None
    try:
        got = b[s:e].decode("utf-8")
    except UnicodeDecodeError:
        fail(doc, f"{what}: {s}..{e} not on character boundaries")
        return None
    if text is not None and got != text:
        fail(doc, f"{what}: {s}..{e} is {got!r}, text says {text!r}")
    return got


for line in sys.stdin:
    a = json.loads(line)
    docs += 1
    doc = a.get("id")
    b = bodies[doc].encode("utf-8")
    for k in a:
        if k not in TOP_FIELDS:
            fail(doc, f"undocumented field {k}")
    if a["length"] != len(b):
        fail(doc, f"length {a['length']} != {len(b)}")
    end = 0
    for i, t in enumerate(a["tokens"]):
        piece(doc, f"token {i}", t["start"], t["end"], t["text"], b)
        if t["start"] < end or t["start"] >= t["end"]:
            fail(doc, f"token {i} empty or overlapping")
        end = t["end"]
        if set(t) - TOKEN_FIELDS or t["kind"] not in KINDS or ("stem" in t) != (t["kind"] == "arabic") or t.get("stopword") is False:
            fail(doc, f"token {i} fields {t}")
    covered = 0
    for i, s in enumerate(a["sentences"]):
        piece(doc, f"sentence {i}", s["start"], s["end"], s["text"], b)
        ts, te = s["token_start"], s["token_end"]
        if ts != covered or not ts < te <= len(a["tokens"]):
            fail(doc, f"sentence {i} tokens {ts}..{te} after {covered}")
        elif (a["tokens"][ts]["start"], a["tokens"][te - 1]["end"]) != (s["start"], s["end"]):
            fail(doc, f"sentence {i} bounds are not its tokens'")
        covered = te
    if covered != len(a["tokens"]):
        fail(doc, "sentences do not cover the tokens")
    for i, e in enumerate(a.get("entities", [])):
        piece(doc, f"entity {i}", e["start"], e["end"], e["text"], b)
        if e["type"] not in ("PER", "LOC", "ORG", "MISC") or not 0 <= e["score"] <= 1:
            fail(doc, f"entity {i} {e}")
    for i, k in enumerate(a.get("keyphrases", [])):
        spans = [(sp["start"], sp["end"]) for sp in k["spans"]]
        texts = [piece(doc, f"keyphrase {i} span", s, e, None, b) for s, e in spans]
        if spans != sorted(spans) or k["text"] not in texts:
            fail(doc, f"keyphrase {i} {k['text']!r}: spans out of order or text not one of {texts}")
    sentences = [(s["start"], s["end"]) for s in a["sentences"]]
    last = -1
    for i, s in enumerate(a.get("summary", [])):
        piece(doc, f"summary {i}", s["start"], s["end"], s["text"], b)
        if not any(x <= s["start"] < s["end"] <= y for x, y in sentences) or s["start"] <= last:
            fail(doc, f"summary {i} not inside a sentence or out of order")
        last = s["start"]
print(f"{docs} analyses, {bad} problems")
sys.exit(1 if bad else 0)

#!/usr/bin/env python3
"""A small CoNLL-U validator for `khabar analyze --conllu` output (standard library only).

Checks: 10 tab-separated non-empty columns; no white space or control characters in FORM/LEMMA
and no spaces in the other columns but MISC; ids 1..n in order, multi-word ranges that start at the
next id and end inside the sentence; one root (HEAD 0, DEPREL root), HEADs that exist; UPOS one of
the 17 tags or `_`; every comment block followed by a sentence, `# text` and `# sent_id` present,
sent_ids unique; and `# text` (white space collapsed) equal to the FORMs of tokens joined by
`SpaceAfter` (the multi-word token line's FORM standing for its words).

    khabar analyze --conllu FILES | python3 scripts/conllu_validate.py
"""
import re
import sys

UPOS = set("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X _".split())
errors = 0
sentences = 0
sent_ids = set()


def err(n, msg, what=""):
    global errors
    errors += 1
    if errors <= 30:
        print(f"line {n}: {msg}: {what!r}"[:300])


def check_sentence(n, comments, rows):
    global sentences
    sentences += 1
    text = next((c[9:] for c in comments if c.startswith("# text = ")), None)
    sid = next((c[12:] for c in comments if c.startswith("# sent_id = ")), None)
    if text is None:
        err(n, "no # text")
    if sid is None:
        err(n, "no # sent_id")
    elif sid in sent_ids:
        err(n, "repeated sent_id", sid)
    sent_ids.add(sid)
    expect, range_end, ids, roots, joined = 1, 0, set(), 0, ""
    words = []
    for ln, cols in rows:
        m = re.fullmatch(r"(\d+)-(\d+)", cols[0])
        if m:
            a, b = int(m[1]), int(m[2])
            if a != expect or b <= a:
                err(ln, "bad multi-word range", cols[0])
            range_end = b
            joined += cols[1] + ("" if "SpaceAfter=No" in cols[9] else " ")
            continue
        if not re.fullmatch(r"[1-9]\d*", cols[0]) or int(cols[0]) != expect:
            err(ln, f"id {cols[0]}, expected {expect}")
            continue
        expect += 1
        ids.add(int(cols[0]))
        words.append((ln, cols))
        if int(cols[0]) > range_end:
            joined += cols[1] + ("" if "SpaceAfter=No" in cols[9] else " ")
    if range_end >= expect:
        err(n, "multi-word range past the last word", range_end)
    for ln, cols in words:
        if cols[3] not in UPOS:
            err(ln, "UPOS", cols[3])
        if not cols[6].isdigit() or (int(cols[6]) != 0 and int(cols[6]) not in ids):
            err(ln, "HEAD", cols[6])
        elif int(cols[6]) == 0:
            roots += 1
            if cols[7] != "root":
                err(ln, "HEAD 0 without DEPREL root", cols[7])
    if roots != 1:
        err(n, f"{roots} roots")
    if text is not None and re.sub(r"\s+", " ", text).strip() != joined.strip():
        err(n, "# text is not the FORMs joined by SpaceAfter", (text[:80], joined[:80]))


def main():
    comments, rows = [], []
    data = sys.stdin.read()
    if data and not data.endswith("\n"):
        err(0, "no final line break")
    n = 0
    for n, line in enumerate(data.split("\n")[:-1] if data.endswith("\n") else data.split("\n"), 1):
        if line == "":
            if rows:
                check_sentence(n, comments, rows)
            elif comments:
                err(n, "comments without a sentence", comments)
            comments, rows = [], []
        elif line.startswith("#"):
            if rows:
                err(n, "comment inside a sentence", line)
            if any(c.isspace() and c != " " or ord(c) < 32 or 127 <= ord(c) < 160 for c in line):
                err(n, "white space or control character in a comment", line)
            comments.append(line)
        else:
            cols = line.split("\t")
            if len(cols) != 10:
                err(n, f"{len(cols)} columns", line)
                continue
            for i, c in enumerate(cols):
                if c == "":
                    err(n, f"empty column {i + 1}", line)
                bad = (lambda ch: ch.isspace() or ord(ch) < 32 or 127 <= ord(ch) < 160) if i in (1, 2) else (lambda ch: ch == " " and i != 9)
                if any(bad(ch) for ch in c):
                    err(n, f"white space or control character in column {i + 1}", line)
            rows.append((n, cols))
    if rows or comments:
        err(n, "the last sentence has no blank line after it")
    print(f"{sentences} sentences, {errors} errors")
    sys.exit(1 if errors else 0)


main()

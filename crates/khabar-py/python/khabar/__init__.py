"""khabar: reads Arabic news.

Normalisation with exact offsets, tokens, sentences, light stems, clitic
segmentation with parts of speech and lemmas, named entities with canonical
names, and Arabic search, from one Rust engine with embedded models.

>>> import khabar
>>> a = khabar.analyze("وصل الرئيس الروسي فلاديمير بوتين إلى بيونغ يانغ.")
>>> t = a["tokens"][4]
>>> t["text"], t["char_start"], t["char_end"]
('بوتين', 27, 32)

Every ``start``/``end`` is a byte offset into the UTF-8 text, exactly as in
``khabar analyze --json``; ``char_start``/``char_end`` beside them are the
code-point offsets Python slices ``str`` with, so ``text[t["char_start"]:t["char_end"]] == t["text"]``.
"""

from ._khabar import (
    Analyzer,
    Index,
    KhabarError,
    __version__,
    analyze,
    analyze_json,
    normalize,
    tokens,
)

__all__ = [
    "Analyzer",
    "Index",
    "KhabarError",
    "__version__",
    "analyze",
    "analyze_json",
    "normalize",
    "tokens",
]

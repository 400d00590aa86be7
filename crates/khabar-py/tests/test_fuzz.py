"""Property tests: any input gives an Analysis whose offsets hold, or a KhabarError; never a crash."""

import string

import khabar
from hypothesis import given, settings
from hypothesis import strategies as st

from test_khabar import check_offsets

ARABIC = "".join(chr(c) for c in range(0x0600, 0x0700)) + "ﻻﷲ٠١٢" + "\u200c\u200d\u200f\u202b\u061c\u0640"
news_text = st.text(alphabet=st.sampled_from(list(ARABIC + string.printable + "«»،؛؟😀é\u00a0\u3000")), max_size=300)
any_text = st.text(max_size=200)  # every code point but lone surrogates


@settings(max_examples=300, deadline=None)
@given(st.one_of(news_text, any_text))
def test_analyze_any_text(text):
    a = khabar.analyze(text)
    check_offsets(a, text)
    for t in a["tokens"]:
        assert text[t["char_start"] : t["char_end"]] == t["text"]
    assert khabar.tokens(text) is not None
    assert isinstance(khabar.normalize(text), str)
    assert isinstance(khabar.normalize(text, profile="display"), str)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.binary(max_size=10)),
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["id", "body", "text", "title", "published", "x"]), inner, max_size=4)),
        max_leaves=8,
    )
)
def test_any_object_is_an_analysis_or_a_khabar_error(obj):
    for call in (khabar.analyze, lambda o: khabar.Analyzer().analyze_many(o), khabar.tokens, khabar.normalize):
        try:
            out = call(obj)
        except khabar.KhabarError:
            continue
        assert isinstance(out, (dict, list, str))

"""Type stubs of the khabar package (the extension module khabar._khabar)."""

import datetime
import os
import pathlib
from typing import Any, Iterable, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, Union

__version__: str

class KhabarError(ValueError):
    """Every error khabar reports: bad options, a document without text, invalid Unicode, index and query errors."""

# A document: a str (its text) or a mapping with "body" (or "text") and optionally
# "id" (str or int), "title", "source", "url", "published" (str or datetime), "author".
Document = Union[str, Mapping[str, Any]]

class Word(TypedDict):
    form: str
    upos: str
    lemma: str

class _TokenBase(TypedDict):
    text: str
    start: int
    end: int
    char_start: int
    char_end: int
    kind: str
    norm: str

class Token(_TokenBase, total=False):
    stem: str
    stopword: bool
    words: list[Word]

class Sentence(TypedDict):
    start: int
    end: int
    char_start: int
    char_end: int
    text: str
    token_start: int
    token_end: int

class Entity(TypedDict):
    text: str
    start: int
    end: int
    char_start: int
    char_end: int
    type: Literal["PER", "LOC", "ORG", "MISC"]
    canonical: str
    score: float

class _AnalysisBase(TypedDict):
    length: int
    tokens: list[Token]
    sentences: list[Sentence]
    entities: list[Entity]

class Analysis(_AnalysisBase, total=False):
    """The JSON of `khabar analyze --json` (docs/analysis-json.md) plus char offsets.

    Layers added later (keyphrases, summary) appear as keys of the same names.
    """

    id: str
    keyphrases: list[dict[str, Any]]
    summary: list[dict[str, Any]]

class TokenSpan(TypedDict):
    text: str
    kind: str
    start: int
    end: int
    char_start: int
    char_end: int

class _HitBase(TypedDict):
    id: str
    score: float
    title: Optional[str]
    published: Optional[str]
    source: Optional[str]
    snippet: str

class Hit(_HitBase, total=False):
    dup_group: str  # its near-duplicate group, when the index records it
    story: str  # its story, when the index records it
    similar: int  # with collapse=True: the near-duplicates folded into it (absent when none)

class FacetCount(TypedDict):
    name: str
    count: int

class SearchResults(TypedDict):
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]]

def analyze(
    text: Document, /, *, id: Optional[str] = None, morphology: bool = True, entities: bool = True, keyphrases: int = 10, summary_sentences: int = 3
) -> Analysis:
    """Analyse one text or document; the Analysis of `khabar analyze --json` with char offsets."""

def analyze_json(
    text: Document, /, *, id: Optional[str] = None, morphology: bool = True, entities: bool = True, keyphrases: int = 10, summary_sentences: int = 3
) -> str:
    """`analyze` as one JSON line (str)."""

def normalize(text: str, /, profile: Literal["search", "display"] = "search") -> str:
    """Normalise a text (the `search` profile folds letters, digits and marks)."""

def tokens(text: str, /) -> list[TokenSpan]:
    """The tokens of a text with byte and code-point offsets."""

class Analyzer:
    """A reusable analyser; options `morphology` and `entities` (both True by default),
    `keyphrases` and `summary_sentences` (10 and 3 by default; 0: none)."""

    def __init__(self, options: Optional[Mapping[str, Union[bool, int]]] = None, /, **options_kw: Union[bool, int]) -> None: ...
    @property
    def options(self) -> dict[str, Union[bool, int]]: ...
    def analyze(self, text: Document, /, *, id: Optional[str] = None) -> Analysis: ...
    def analyze_json(self, text: Document, /, *, id: Optional[str] = None) -> str: ...
    def analyze_many(self, texts: Iterable[Document], /, *, fields: Optional[Sequence[str]] = None) -> list[Analysis]:
        """Analyse many on all cores with the GIL released; results in input order."""
    def analyze_many_json(self, texts: Iterable[Document], /, *, fields: Optional[Sequence[str]] = None) -> list[str]: ...

_Date = Union[str, datetime.date, datetime.datetime]

class Index:
    """A khabar search index on disk (the index of `khabar index` / `khabar search`)."""

    def __init__(self, path: Union[str, os.PathLike[str]]) -> None: ...
    @property
    def path(self) -> "pathlib.Path": ...
    def add(self, documents: Union[Mapping[str, Any], Iterable[Mapping[str, Any]]], /, *, commit: bool = True) -> int: ...
    def commit(self) -> None: ...
    def search(
        self,
        query: str,
        /,
        *,
        limit: int = 10,
        offset: int = 0,
        entities: Optional[Sequence[Union[str, Tuple[str, str]]]] = None,
        from_: Optional[_Date] = None,
        to: Optional[_Date] = None,
        facets: int = 10,
        collapse: bool = False,
    ) -> SearchResults: ...
    def stories(
        self,
        *,
        from_: Optional[_Date] = None,
        to: Optional[_Date] = None,
        min_articles: int = 2,
        limit: int = 0,
    ) -> dict[str, list[dict[str, Any]]]:
        """Stories biggest first, as `khabar stories --json`: {"stories": [{"id", "title", "articles", ...}]}."""
    def story(self, id: str, /) -> Optional[dict[str, Any]]:
        """One story (as `khabar story ID --json`), or None."""
    def entities(
        self,
        *,
        type: Optional[Literal["PER", "LOC", "ORG", "MISC"]] = None,
        from_: Optional[_Date] = None,
        to: Optional[_Date] = None,
        limit: int = 50,
    ) -> dict[str, list[dict[str, Any]]]:
        """The most mentioned entities, as `GET /v1/entities`: {"entities": [{"name", "type", "mentions", "documents"}]} (limit 0: all)."""
    def timeline(
        self,
        name: str,
        /,
        *,
        type: Optional[Literal["PER", "LOC", "ORG", "MISC"]] = None,
        from_: Optional[_Date] = None,
        to: Optional[_Date] = None,
    ) -> Optional[dict[str, Any]]:
        """Mentions per day, as `khabar timeline NAME --json`, or None when no document mentions it."""
    def dups(self) -> dict[str, list[list[str]]]:
        """Near-duplicate groups, as `khabar dups --json`: {"groups": [[id, ...], ...]}."""
    def close(self) -> None: ...
    def __len__(self) -> int: ...
    def __enter__(self) -> "Index": ...
    def __exit__(self, *args: object) -> bool: ...

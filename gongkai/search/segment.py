"""Chinese text cut into words with rjieba, plus a versioned dictionary of government terms.

Documents are cut in search mode (a compound and its parts: 依申请公开 → 申请, 公开, 依申请公开),
queries in precise mode (the longest words), so a query for 政务公开 or for 公开 both find a
document about 政务公开. Both backends index the same space-separated words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import rjieba

DICTIONARY = Path(__file__).with_name("dict") / "gov_terms.txt"
MAX_QUERY_WORDS = 8
# Function words that occur in nearly every document: they add nothing to an AND query.
STOP_WORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "在", "是", "对", "等", "之", "其", "并", "为"]
)
_WORD = re.compile(r"\w", re.UNICODE)
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


@cache
def dictionary_version() -> str:
    """Load the government terms once per process; return the dictionary's version."""
    version = "0"
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("# version:"):
            version = line.split(":", 1)[1].strip()
        if not line or line.startswith("#"):
            continue
        word, _sep, freq = line.partition(" ")
        rjieba.add_word(word, int(freq) if freq.strip().isdigit() else None, None)
    return version


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _keep(word: str) -> bool:
    return bool(word.strip()) and _WORD.search(word) is not None


def index_words(text: str) -> str:
    """The words of a document, space-separated (search mode: compounds and their parts).

    Punctuation becomes spaces before cutting, so the cut yields only words and blanks, and one
    join + split drops the blanks (no per-word Python test: this runs over every document).
    """
    dictionary_version()
    cleaned = _NOT_WORD.sub(" ", _clean(text))
    return " ".join(" ".join(rjieba.cut_for_search(cleaned)).split())


def query_words(text: str) -> list[str]:
    """The words of a query (precise mode), distinct, in order, at most ``MAX_QUERY_WORDS``."""
    dictionary_version()
    words = [w.strip() for w in rjieba.cut(_clean(text)) if _keep(w) and w not in STOP_WORDS]
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]

"""The vocabulary's C counter (`_words`) must count exactly what SQLite's unstemmed tokenizer would: the rows it
can split itself, alike, and every other row left to SQLite."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.models import Library
from bot.search import SearchIndex
from bot.search import index as search_index

words = search_index._words

pytestmark = pytest.mark.skipif(
    words is None and os.environ.get("CI", "").lower() != "true",
    reason="the C counter is not built here (no C compiler at install)",
)

# Characters of every kind the counter meets: ASCII (letters, digits, punctuation, white space, NUL), separators
# English text holds (’ “ – — … no-break space), letters with accents precomposed and combining, other
# scripts, emoji, and a private-use character (which the tokenizer counts as a letter).
ALPHABET = "aZ09 _-.'\n\t\x00’“”–—…\u00a0éÉßøİ\u0301ΣσЖ中あ😀\ue000\u2028"


def records_of(library: Library) -> list[search_index._Record]:
    index = SearchIndex.__new__(SearchIndex)
    index.library = library
    return list(SearchIndex._records(index))


def counted(rows: list[search_index._Record] | list[str]) -> Counter[str]:
    return search_index._vocabulary(rows).frequency


def test_the_shipped_pack_is_counted_as_sqlite_counts_it(library: Library) -> None:
    records = records_of(library)
    assert counted(records) == search_index._counted_by_sqlite(records)
    names = [topic.title for topic in library.topics] + [event.when for event in library.timeline]
    assert counted(names) == search_index._counted_by_sqlite(names)


def test_the_shipped_pack_is_counted_in_c_only(library: Library) -> None:
    """Its only non-ASCII characters part words (’ and –), so no row of it is left to SQLite."""
    assert words is not None
    counts, left = words.count(records_of(library), 1, search_index._parts_words)
    assert left == []
    assert counts["nato"] > 10


def test_every_ascii_character_splits_as_in_sqlite() -> None:
    rows = [f"a{chr(code)}b x{chr(code)}" for code in range(128)]
    assert counted(rows) == search_index._counted_by_sqlite(rows)


def test_rows_with_letters_beyond_ascii_are_left_to_sqlite() -> None:
    assert words is not None
    rows = [(1, "Café au lait", "", "", ""), (2, "NATO’s – mission", "", "", ""), (3, "naïve", "x", "", "")]
    counts, left = words.count(rows, 1, search_index._parts_words)
    assert left == [0, 2]
    assert counts == {"nato": 1, "s": 1, "mission": 1}
    assert counted(rows) == search_index._counted_by_sqlite(rows)
    assert counted(rows)["cafe"] == 1


def test_sqlite_is_asked_which_characters_part_words() -> None:
    assert search_index._parts_words(ord("’"))
    assert search_index._parts_words(ord("–"))
    assert not search_index._parts_words(ord("é"))
    assert not search_index._parts_words(0x0301)  # a combining accent: removed from the word, not a break
    assert not search_index._parts_words(0xE000)


def test_a_word_counts_once_per_row_whatever_its_case_and_column() -> None:
    rows = [(1, "Word word", "WORD", "", "word"), (2, "", "", "wOrD", "")]
    assert counted(rows) == Counter({"word": 2})


def test_a_str_python_cannot_give_as_utf8_is_left_to_sqlite() -> None:
    assert words is not None
    counts, left = words.count(["fine", "lone \ud800 surrogate"], 0, search_index._parts_words)
    assert (counts, left) == ({"fine": 1}, [1])


def test_an_error_in_splits_reaches_the_caller() -> None:
    assert words is not None

    def broken(code: int) -> bool:
        raise ValueError(code)

    with pytest.raises(ValueError, match="8217"):
        words.count(["plain", "NATO’s"], 0, broken)


@pytest.mark.parametrize(
    "args",
    [
        ([("a",)], 1, search_index._parts_words),  # nothing from `first` on
        (["a", ("b",)], 0, search_index._parts_words),  # a str, then a tuple
        ([(1, "a"), (1, "a", "b")], 1, search_index._parts_words),  # tuples of two lengths
        ([("a",)], -1, search_index._parts_words),
        ([("a",)], 0, None),
        ((("a",),), 0, search_index._parts_words),
    ],
)
def test_rows_of_the_wrong_shape_are_refused(args: tuple[object, ...]) -> None:
    assert words is not None
    with pytest.raises(TypeError):
        words.count(*args)  # type: ignore[arg-type]


def test_an_empty_list_counts_nothing() -> None:
    assert words is not None
    assert words.count([], 1, search_index._parts_words) == ({}, [])
    assert counted([]) == Counter()


def test_the_index_keeps_the_vocabularies_its_thread_counted(library: Library) -> None:
    index = SearchIndex(library)
    try:
        assert index._lexicon.frequency == search_index._counted_by_sqlite(records_of(library))
        assert index._name_lexicon.frequency == search_index._counted_by_sqlite(index._name_texts)
    finally:
        index.close()


def test_a_failure_in_the_counting_thread_fails_the_build(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise MemoryError("counting")

    monkeypatch.setattr(search_index, "_count", broken)
    with pytest.raises(MemoryError, match="counting"):
        SearchIndex(library)


def test_without_the_c_counter_sqlite_counts_every_row(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    records = records_of(library)
    with_c = counted(records)
    monkeypatch.setattr(search_index, "_words", None)
    assert search_index._count(records) == ({}, range(len(records)))
    assert counted(records) == with_c


texts = st.text(alphabet=ALPHABET, max_size=40)


@given(st.lists(st.tuples(texts, texts), max_size=12))
def test_any_text_is_counted_as_sqlite_counts_it(columns: list[tuple[str, str]]) -> None:
    rows = [(number, title, body, "", "") for number, (title, body) in enumerate(columns, 1)]
    assert counted(rows) == search_index._counted_by_sqlite(rows)


@given(st.lists(st.text(max_size=30), max_size=8))
def test_any_unicode_is_counted_as_sqlite_counts_it(names: list[str]) -> None:
    names = [name for name in names if not any(0xD800 <= ord(c) <= 0xDFFF for c in name)]
    assert counted(names) == search_index._counted_by_sqlite(names)

"""What a reader reads in a reply, measured: its reading text, its sentences, and sentences that say the same.

The reading text is what the eye goes over: title, description, field names and values, and the message
content; the author line and the footer (framing, not the answer) are left aside. A command mention
`</name:id>` reads as `/name`, and markdown markers are not read at all, so the count is what is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

# Discord's markdown markers: bold, italics, underline, spoilers, inline code and block quotes.
_MENTION: Final = re.compile(r"</([^:<>\n]{1,100}):[0-9]{1,20}>")
_MARKERS: Final = re.compile(r"\*\*|__|\|\||`|^>>> |^> ", re.MULTILINE)
# A sentence ends at ".", "!", "?" or "…" before a capital (so "U.S. objectives" is one sentence), or at a line.
_SENTENCE_END: Final = re.compile(r"(?<=[.!?…])\s+(?=[\"“‘(\[]?[A-Z0-9])|\n+")
_WORD: Final = re.compile(r"[^\W_]+(?:[’'-][^\W_]+)*")
# Words that carry no content of their own; two sentences sharing only these say different things.
_STOPWORDS: Final = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "more",
        "most",
        "not",
        "of",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "up",
        "very",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
    ]
)
# "Most of their content words": this share of the shorter sentence's words, and at least this many of them.
NEAR_DUPLICATE_SHARE: Final = 0.6
NEAR_DUPLICATE_WORDS: Final = 4
SAME_WORDS: Final = 2


def shown(text: str) -> str:
    """`text` as Discord shows it: mentions as `/name`, markdown markers gone."""
    return _MARKERS.sub("", _MENTION.sub(r"/\1", text))


def reading_parts(payload: dict[str, Any]) -> list[str]:
    """The texts of a message (as Discord JSON) that a reader reads, in reading order, as shown."""
    parts: list[str] = []
    if payload.get("content"):
        parts.append(payload["content"])
    for embed in payload.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for field in embed.get("fields") or []:
            parts += [field.get("name") or "", field.get("value") or ""]
    return [shown(p) for p in parts if p]


def reading_chars(payload: dict[str, Any]) -> int:
    return sum(len(p) for p in reading_parts(payload))


def sentences(text: str) -> list[str]:
    """The sentences of `text` (lines count as sentence breaks too), stripped, empty ones dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def content_words(sentence: str) -> frozenset[str]:
    return frozenset(w for w in (m.casefold() for m in _WORD.findall(sentence)) if w not in _STOPWORDS)


def near_duplicates(a: str, b: str) -> bool:
    """Whether two sentences say the same thing: equal, or sharing most of the content words of the shorter."""
    words_a, words_b = content_words(a), content_words(b)
    # A fragment such as a citation ("— ¶2") says nothing by itself, so saying it twice repeats nothing.
    if a.strip().casefold() == b.strip().casefold():
        return len(words_a) >= SAME_WORDS
    smaller = min(len(words_a), len(words_b))
    if smaller < NEAR_DUPLICATE_WORDS:
        return False
    return len(words_a & words_b) >= NEAR_DUPLICATE_SHARE * smaller


def repeats(texts: Iterable[str]) -> list[tuple[str, str]]:
    """Every pair of sentences across `texts` that are the same or near-duplicates."""
    found: list[tuple[str, str]] = []
    seen: list[str] = []
    for text in texts:
        for sentence in sentences(text):
            found += [(earlier, sentence) for earlier in seen if near_duplicates(earlier, sentence)]
            seen.append(sentence)
    return found


def says_again(sentence: str, said: Sequence[str]) -> bool:
    """Whether `sentence` (or one of its sentences) repeats anything in `said`."""
    return any(near_duplicates(s, earlier) for s in sentences(sentence) for text in said for earlier in sentences(text))


# Lines that lead somewhere rather than say something: a command (and its options), a part nested under it,
# or a labelled list of commands. A table of contents is made of them; they are not sentences.
_NAVIGATION: Final = re.compile(r"^(?:/|↳ |(?:Parts|Related|More): )")


def sentence_texts(payload: dict[str, Any]) -> list[str]:
    """The texts of a message that hold sentences: content, descriptions and field values, as shown, without
    their navigation lines (titles and field names are labels, not sentences)."""
    parts: list[str] = []
    if payload.get("content"):
        parts.append(payload["content"])
    for embed in payload.get("embeds") or []:
        parts.append(embed.get("description") or "")
        parts += [field.get("value") or "" for field in embed.get("fields") or []]
    prose = ("\n".join(line for line in shown(p).splitlines() if not _NAVIGATION.match(line)) for p in parts if p)
    return [p for p in prose if p.strip()]


# The most a first answer may ask a reader to read (see the module docstring for what counts).
READING_BUDGET: Final = 1200

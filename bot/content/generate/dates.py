"""Every expression of time in a text: dates, years, ranges, decades, centuries, named and relative periods.

Each is found in the document's own words (its exact span), so a timeline event can quote it verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_MONTH: Final = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_YEAR: Final = r"(?:1[0-9]{3}|20[0-9]{2})"
_ORDINAL: Final = r"(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
_ORDINAL_WORDS: Final = (
    _ORDINAL + r"|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth"
    r"|twentieth|twenty-first|twenty-second)"
)
_DECADE: Final = r"(?:(?:early|mid|late)[- ]?)?(?:1[0-9]|20)[0-9]0s"
_COUNT: Final = r"(?:\d+|a few|several|many|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty|a hundred)"
_UNIT: Final = r"(?:years?|decades?|months?|weeks?|days?|centuries|century)"
_WEEKDAY: Final = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_SEASON: Final = r"(?:spring|summer|autumn|fall|winter)"

# Longest and most specific first: where two overlap, the one found first by this order wins.
_PATTERNS: Final = [
    re.compile(p, re.IGNORECASE if ci else 0)
    for p, ci in (
        (rf"\b(?:from|between)\s+{_MONTH}?\s*{_YEAR}\s*(?:–|—|-|to|and|until)\s*{_MONTH}?\s*(?:{_YEAR}|\d{{2}})\b", 1),
        (rf"\b(?:the\s+)?{_DECADE}\s+(?:and|to|through|into)\s+(?:the\s+)?{_DECADE}\b", 1),
        (r"\b\d{4}-\d{2}-\d{2}\b", 0),
        (rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", 1),
        (rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}\b", 1),
        (rf"\b(?:(?:early|mid|late)[- ])?{_MONTH}\s+(?:of\s+)?{_YEAR}\b", 1),
        (rf"\b(?:the\s+)?{_SEASON}\s+(?:of\s+)?{_YEAR}\b", 1),
        (
            rf"\b(?:the\s+)?(?:first|second|third|fourth|final|last)\s+(?:half|quarter)\s+of\s+(?:the\s+)?(?:{_YEAR}|{_DECADE})\b",
            1,
        ),
        (rf"\bQ[1-4]\s+{_YEAR}\b", 0),
        (r"\b\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})\b", 0),
        (rf"\b{_YEAR}\s*(?:–|—|-|to)\s*(?:{_YEAR}|\d{{2}})\b", 0),
        (rf"\b(?:the\s+)?{_DECADE}\b", 1),
        (r"\b'[0-9]0s\b", 0),
        (rf"\b(?:the\s+)?(?:(?:early|mid|late)[- ])?(?:{_ORDINAL_WORDS})[- ]century\b", 1),
        (r"\b\d{1,4}\s?(?:BCE|BC|CE|AD)\b|\bAD\s?\d{1,4}\b", 0),
        (
            r"\b(?:the\s+)?(?:end|start|beginning|height|aftermath|outbreak)\s+of\s+the\s+"
            r"(?:Cold War|[A-Z][\w-]+ (?:War|Revolution|Crisis))\b",
            0,
        ),
        (
            r"\b(?:the\s+)?(?:Cold War|(?:First|Second) World War|World War (?:I{1,2}|One|Two|1|2)"
            r"|Middle Ages|Renaissance)\b",
            0,
        ),
        (r"\b(?:the\s+)?(?:[A-Z][\w-]+\s+)(?:Era|Age|Period|Dynasty)\b", 0),
        (r"\b(?:the\s+)?(?:[A-Z0-9][\w.-]*\s+){1,3}(?:War|Revolution|Crisis|Invasion|Uprising)\b", 0),
        (
            rf"\b(?:the\s+)?{_YEAR}\s+(?:invasion|war|election|elections|crisis|revolution|agreement|treaty|summit)"
            r"(?:\s+of\s+[A-Z][\w-]*)?\b",
            1,
        ),
        (r"\bthe\s+(?:[\w-]+[- ])?(?:era|period)\b", 1),
        (
            rf"\b(?:in|over|during|for|throughout)\s+the\s+(?:following|subsequent|next|previous|past|last|coming|early|later|first|final)\s+(?:{_COUNT}\s+)?{_UNIT}\b",
            1,
        ),
        (rf"\b{_COUNT}\s+{_UNIT}\s+(?:later|earlier|ago|after|before|on)\b", 1),
        (
            rf"\b(?:over|for|in|within|after|nearly|almost|about)\s+(?:the\s+)?(?:past\s+|last\s+)?{_COUNT}\s+{_UNIT}\b",
            1,
        ),
        (r"\bover\s+the\s+years\b|\bin\s+recent\s+(?:years|decades|months|times)\b|\bnowadays\b", 1),
        (r"\bin\s+the\s+(?:near\s+|coming\s+|foreseeable\s+|distant\s+)?future\b", 1),
        (
            r"\b(?:pre|post)-(?:war|invasion|conflict|independence|revolution|crisis|election|colonial|Soviet|pandemic)\b",
            1,
        ),
        (rf"\b(?:the\s+)?{_SEASON}\s+of\s+(?:the\s+)?(?:{_YEAR}|{_DECADE})\b", 1),
        (rf"\b(?:on\s+)?{_WEEKDAY}s?\b", 0),
        (rf"\b{_YEAR}\b(?![.,]\d|%|\s?(?:percent|km|kg|m\b))", 0),
    )
]
_LEAD_IN: Final = re.compile(
    r"(?:\b(?:in|since|by|until|till|from|during|after|before|around|circa|throughout|as of|early|late)\s+)$",
    re.IGNORECASE,
)
_NUMBER_BEFORE: Final = frozenset("$£€#.,/0123456789")


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str


def mentions(text: str) -> list[Mention]:
    """Every expression of time in `text`, in order, none overlapping another (the longest wins)."""
    spans: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if start > 0 and text[start - 1] in _NUMBER_BEFORE:
                # "$2004", "1.2004", "#1999": an amount or a number, not a year.
                continue
            if any(s < end and start < e for s, e in spans):
                continue
            spans.append((start, end))
    out = []
    for start, end in sorted(spans):
        lead = _LEAD_IN.search(text[max(0, start - 12) : start])
        if lead is not None and not any(s < start and start - len(lead.group(0)) < e for s, e in spans):
            start -= len(lead.group(0))
        out.append(Mention(start, end, text[start:end]))
    return out

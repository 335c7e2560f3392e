"""The relevance benchmark runs on the relevance set, and search keeps to the floors set from its figures.

Floors, not targets. Measured when they were set (`python -m benchmarks.relevance`): top-1 0.962, top-3 0.987,
MRR 0.975, every out-of-scope question answered honestly; without the pack's `asks:` (`--no-asks`) top-1
0.873. A change that drops below a floor made search answer members worse, and should say why or be undone.
"""

from __future__ import annotations

from benchmarks.relevance import evaluate, load_cases, without_asks
from bot.content import Library

TOP1_FLOOR = 0.93
TOP3_FLOOR = 0.97
MRR_FLOOR = 0.95
# The document's own words alone (no `asks:`) must stay useful too: the pack's questions add, never carry.
BARE_TOP1_FLOOR = 0.85


def test_the_relevance_set_is_big_and_varied_enough() -> None:
    cases = load_cases()
    assert len(cases) >= 80
    assert sum(not c.answers for c in cases) >= 15
    assert all(c.missing for c in cases if not c.answers)
    assert sum(c.query.startswith("when") for c in cases) >= 3


def test_search_answers_the_relevance_set(library: Library) -> None:
    figures = evaluate(library, load_cases())
    assert figures.top1 >= TOP1_FLOOR, figures.failures
    assert figures.top3 >= TOP3_FLOOR, figures.failures
    assert figures.mrr >= MRR_FLOOR, figures.failures
    assert figures.honest == 1.0, figures.failures


def test_without_asks_the_document_alone_still_answers(library: Library) -> None:
    figures = evaluate(without_asks(library), load_cases())
    assert figures.top1 >= BARE_TOP1_FLOOR, figures.failures
    assert figures.honest == 1.0, figures.failures

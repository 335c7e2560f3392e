"""Relevance benchmark: how often search answers the relevance set's questions, and how honestly it misses.

    .venv/bin/python -m benchmarks.relevance [--set tests/data/relevance.yaml] [--verbose]

For each question with answers, the rank of the first hit whose opened page (the page the result's button
opens) holds an answering paragraph gives top-1, top-3 and the mean reciprocal rank; "said missing" counts
answerable questions whose reply nonetheless began "The document does not mention …". Each out-of-scope
question is answered honestly when the reply names one of its missing words (or finds nothing at all) and
never offers its hits as an answer.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from bot.content import Library, load_library
from bot.render import page_cites
from bot.render.search import hit_page
from bot.search import Answer, Hit, SearchIndex

log = logging.getLogger(__name__)

ROOT: Final = Path(__file__).resolve().parent.parent
CONTENT: Final = ROOT / "content"
RELEVANCE_SET: Final = ROOT / "tests" / "data" / "relevance.yaml"
RANKS: Final = 5


@dataclass(frozen=True, slots=True)
class Case:
    query: str
    answers: tuple[tuple[str, int], ...]
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Figures:
    questions: int
    in_scope: int
    out_of_scope: int
    top1: float
    top3: float
    mrr: float
    honest: float
    said_missing: int
    failures: tuple[str, ...]


def load_cases(path: Path = RELEVANCE_SET) -> list[Case]:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases: list[Case] = []
    for item in data["questions"]:
        answers = []
        for text in item.get("answers", ()):
            topic, paragraph = str(text).rsplit(" ", 1)
            answers.append((topic, int(paragraph)))
        cases.append(Case(str(item["q"]), tuple(answers), tuple(str(m) for m in item.get("missing", ()))))
    return cases


def _section(library: Library, topic_id: str) -> str:
    topic = library.topic(topic_id)
    return topic.points[0].citation.section if topic.points else topic.short


def opened_paragraphs(library: Library, hit: Hit) -> set[tuple[str, int]]:
    """The (section, paragraph) pairs the page a hit's button opens quotes."""
    target = hit_page(library, hit)
    if target is None:
        return set()
    key, page = target
    return page_cites(library, key, page)


def rank_of(library: Library, case: Case, answer: Answer) -> int | None:
    wanted = {(_section(library, topic), paragraph) for topic, paragraph in case.answers}
    for rank, hit in enumerate(answer.hits, start=1):
        if opened_paragraphs(library, hit) & wanted:
            return rank
    return None


def honest(case: Case, answer: Answer) -> bool:
    """Out of scope: the reply names a missing word of the question, or finds nothing to offer as an answer."""
    if not answer.hits:
        return True
    return bool(set(answer.missing) & set(case.missing)) and not answer.answered


def evaluate(library: Library, cases: Sequence[Case], *, verbose: bool = False) -> Figures:
    index = SearchIndex(library)
    ranks: list[int | None] = []
    honesty: list[bool] = []
    said_missing = 0
    failures: list[str] = []
    for case in cases:
        answer = index.answer(case.query, RANKS)
        if case.answers:
            rank = rank_of(library, case, answer)
            ranks.append(rank)
            said_missing += bool(answer.missing)
            if rank != 1 or answer.missing:
                failures.append(f"rank {rank}: {index.describe(answer)} (wanted {list(case.answers)})")
        else:
            fine = honest(case, answer)
            honesty.append(fine)
            if not fine:
                failures.append(f"dishonest: {index.describe(answer)} (missing {list(case.missing)})")
    index.close()
    answered = len(ranks) or 1
    figures = Figures(
        questions=len(cases),
        in_scope=len(ranks),
        out_of_scope=len(honesty),
        top1=sum(r == 1 for r in ranks) / answered,
        top3=sum(r is not None and r <= 3 for r in ranks) / answered,
        mrr=sum(1 / r for r in ranks if r) / answered,
        honest=sum(honesty) / (len(honesty) or 1),
        said_missing=said_missing,
        failures=tuple(failures),
    )
    if verbose:
        for line in failures:
            print(" ", line)
    return figures


def without_asks(library: Library) -> Library:
    """`library` with every point's `asks:` removed: what the document's own words alone achieve."""
    topics = tuple(
        dataclasses.replace(t, points=tuple(dataclasses.replace(p, asks=()) for p in t.points)) for t in library.topics
    )
    return Library(pack=library.pack, source=library.source, topics=topics, timeline=library.timeline)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=RELEVANCE_SET, help="the relevance set (YAML)")
    parser.add_argument("--content", type=Path, default=CONTENT, help="the content pack")
    parser.add_argument("--verbose", action="store_true", help="list every question not answered first")
    parser.add_argument("--no-asks", action="store_true", help="ignore the points' asks: (the document alone)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    cases = load_cases(args.set)
    library = load_library(args.content)
    f = evaluate(without_asks(library) if args.no_asks else library, cases, verbose=args.verbose)
    print(
        f"{f.questions} questions ({f.in_scope} answerable, {f.out_of_scope} out of scope)"
        f"{' — without asks:' if args.no_asks else ''}\n"
        f"  top-1 {f.top1:.3f}   top-3 {f.top3:.3f}   MRR {f.mrr:.3f}\n"
        f"  out of scope answered honestly: {f.honest:.3f}\n"
        f"  answerable but said missing: {f.said_missing}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

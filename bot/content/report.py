"""What `python -m bot check` says about a pack: counts and coverage, computed from the Library alone."""

from __future__ import annotations

from dataclasses import dataclass

from . import Library, Paragraph


@dataclass(frozen=True, slots=True)
class PackReport:
    topics: int
    commands: int
    points: int
    quotes: int
    events: int
    blocks_covered: int
    blocks: int
    paragraphs_covered: int
    paragraphs: int
    missing: tuple[Paragraph, ...]

    @property
    def complete(self) -> bool:
        return not self.missing and self.blocks_covered == self.blocks

    def lines(self) -> list[str]:
        out = [
            f"topics:     {self.topics} ({self.commands} slash commands)",
            f"points:     {self.points} ({self.quotes} quotes)",
            f"timeline:   {self.events} events",
            f"blocks:     {self.blocks_covered}/{self.blocks} have a topic with points",
            f"paragraphs: {self.paragraphs_covered}/{self.paragraphs} quoted",
        ]
        out += [f"  not quoted: source line {p.line} ({p.text[:60]}…)" for p in self.missing]
        return out


def report(library: Library) -> PackReport:
    cited = library.quoted_paragraphs
    paragraphs = [p for b in library.source.blocks for p in b.paragraphs]
    missing = tuple(p for p in paragraphs if (p.block, p.number) not in cited)
    points = sum(len(t.points) for t in library.topics)
    return PackReport(
        topics=len(library.topics),
        commands=len(library.commands),
        points=points,
        quotes=points + len(library.timeline),
        events=len(library.timeline),
        blocks_covered=len({t.block for t in library.topics if t.points}),
        blocks=len(library.source.blocks),
        paragraphs_covered=len(paragraphs) - len(missing),
        paragraphs=len(paragraphs),
        missing=missing,
    )

"""Property: whatever the document (random headings and paragraphs, any Unicode, very long and very short lines,
in any of the three formats), `new-pack` writes a pack that `check` accepts with every paragraph quoted."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content import load_library
from bot.content.generate import generate_pack
from bot.content.report import report
from bot.content.source import normalise

# Any character but a lone surrogate (not encodable) and NUL (the mark of a binary file, refused on purpose).
CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
WORD = st.one_of(
    st.text(CHARS, min_size=1, max_size=12),
    st.sampled_from(["the", "NATO", "2004", "1990s", "—", "’s", "#", "*", "`x`", "[a](b)", "::", "- ", ":"]),
)
LINE = st.lists(WORD, min_size=1, max_size=40).map(" ".join)
LONG_LINE = st.lists(WORD, min_size=200, max_size=400).map(" ".join)
SENTENCE = st.sampled_from(["Plain words end here.", "In 2004 the club began.", "A list follows:"])


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str]:
    """(file suffix, text): sections of a random heading and random paragraphs, written in one format."""
    suffix = draw(st.sampled_from([".txt", ".md", ".rst"]))
    out: list[str] = [draw(SENTENCE)] if draw(st.booleans()) else []
    for level in draw(st.lists(st.integers(1, 3), min_size=0, max_size=8)):
        heading = draw(LINE)
        if suffix == ".md":
            out += ["", "#" * level + " " + heading, ""]
        elif suffix == ".rst":
            out += ["", heading, "=-~"[level - 1] * max(3, len(heading)), ""]
        else:
            out += [heading]
        for _ in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(["line", "long", "bullet", "sentence"]))
            text = draw({"line": LINE, "long": LONG_LINE, "bullet": LINE, "sentence": SENTENCE}[kind])
            out += [f"- {text}" if kind == "bullet" else text, ""]
    # One paragraph every reader keeps, so the document always has something to quote.
    out += ["", "Plain words end here, in the last paragraph."]
    return suffix, "\n".join(out)


# The number of examples is the profile's (tests/conftest.py): a quick look by default, 1000 in CI.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents())
def test_every_generated_pack_passes_check(document: tuple[str, str]) -> None:
    suffix, text = document
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"doc{suffix}"
        source.write_text(text, encoding="utf-8")
        made = generate_pack(source, Path(folder) / "pack")
        library = load_library(made.out)
        result = report(library)
        assert result.complete and result.paragraphs_covered == result.paragraphs > 0
        # Every quote is the copy's own words, and the last paragraph is in it as written.
        copy = normalise(library.source.text)
        assert all(normalise(p.quote) in copy for t in library.topics for p in t.points)
        assert "Plain words end here, in the last paragraph." in copy

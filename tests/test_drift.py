"""Source drift on edited copies of the shipped document: `check` names every quote that changed (with the closest
new passage) and every citation that only moved; `--fix-citations` rewrites those, and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.content import load_library
from bot.content.drift import drift, fix_citations
from bot.content.report import report
from bot.settings import SHIPPED_CONTENT_DIR
from tests.ops_support import copy_content

SOURCE = "source/nato-in-iraq.txt"
NEW_PARAGRAPH = "A new opening paragraph has been written for this section of the document."
HISTORY = "Historical Context of NATO’s Engagement"
ACHIEVEMENTS_1 = "NATO’s involvement in Iraq has led to several significant achievements"
ACHIEVEMENTS_2 = "The organization also played a vital role in fostering regional stability"


def lines_of(pack: Path) -> list[str]:
    return (pack / SOURCE).read_text(encoding="utf-8").splitlines()


def write(pack: Path, lines: list[str], name: str = SOURCE) -> Path:
    path = pack / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def swap(lines: list[str], first: str, second: str) -> list[str]:
    """`lines` with the paragraphs starting with `first` and `second` swapped."""
    a = next(i for i, line in enumerate(lines) if line.startswith(first))
    b = next(i for i, line in enumerate(lines) if line.startswith(second))
    out = list(lines)
    out[a], out[b] = out[b], out[a]
    return out


def yaml_texts(pack: Path) -> dict[str, str]:
    return {str(p.relative_to(pack)): p.read_text(encoding="utf-8") for p in sorted(pack.rglob("*.yaml"))}


def changed_lines(before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str, str]]:
    out = []
    for name, text in before.items():
        old, new = text.splitlines(), after[name].splitlines()
        assert len(old) == len(new), name
        out += [(name, a, b) for a, b in zip(old, new, strict=True) if a != b]
    return out


def test_the_shipped_pack_has_no_drift(capsys: pytest.CaptureFixture[str]) -> None:
    shipped = str(SHIPPED_CONTENT_DIR)
    assert main(["check", "--content-dir", shipped, "--source", str(SHIPPED_CONTENT_DIR / SOURCE)]) == 0
    assert "every quote is where its citation says" in capsys.readouterr().out


def test_drift_names_changed_quotes_moved_citations_and_unquoted_paragraphs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = copy_content(tmp_path)
    lines = lines_of(pack)
    at = lines.index(HISTORY)
    lines.insert(at + 1, NEW_PARAGRAPH)
    lines = [
        line.replace("The alliance sought to assist in the establishment of a stable", "The alliance wanted a calm")
        for line in lines
    ]
    write(pack, lines)
    result = drift(pack)
    # Every quote of the history block is one paragraph further down; the timeline's too.
    history = [m for m in result.moved if m.quote.topic == "history"]
    assert history and all(m.paragraph == m.quote.paragraph + 1 and m.topic == "history" for m in history)
    assert {m.quote.doc.name for m in history} == {"topics/history.yaml", "timeline.yaml"}
    assert [(c.quote.topic, c.quote.paragraph) for c in result.changed] == [("objectives", 2)]
    closest = result.changed[0].closest
    assert closest is not None and "The alliance wanted a calm and secure environment" in closest
    assert [(topic, p.text) for topic, p in result.unquoted] == [("history", NEW_PARAGRAPH)]

    assert main(["check", "--content-dir", str(pack)]) == 1
    out = capsys.readouterr().out
    assert "paragraphs moved: 'history' ¶1 → ¶2, 'history' ¶2 → ¶3, 'history' ¶3 → ¶4" in out
    assert "changed: topics/objectives.yaml:" in out and "closest now: 'objectives' ¶2:" in out
    assert f"not quoted: source line {at + 2} ('history' ¶1): “{NEW_PARAGRAPH}”" in out


def test_fix_citations_rewrites_only_moved_numbers_and_then_check_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = copy_content(tmp_path)
    history = pack / "topics" / "history.yaml"
    history.write_text("# An editor's note that must survive.\n" + history.read_text(encoding="utf-8"), "utf-8")
    # Only the numbering changes: two paragraphs of one block trade places, and one moves to another block.
    lines = swap(lines_of(pack), ACHIEVEMENTS_1, ACHIEVEMENTS_2)
    write(pack, lines)
    before = yaml_texts(pack)
    assert main(["check", "--content-dir", str(pack)]) == 1
    capsys.readouterr()

    assert main(["check", "--content-dir", str(pack), "--fix-citations"]) == 0
    out = capsys.readouterr().out
    assert "rewrote" in out and out.rstrip().endswith("ok")
    changes = changed_lines(before, yaml_texts(pack))
    assert changes and all(
        a.strip().startswith("paragraph:") and b.strip().startswith("paragraph:") for _, a, b in changes
    )
    assert {name for name, _, _ in changes} == {"topics/achievements.yaml"}
    assert yaml_texts(pack)["topics/history.yaml"].startswith("# An editor's note that must survive.\n")
    assert report(load_library(pack)).complete


def test_an_event_follows_its_paragraph_to_another_topic(tmp_path: Path) -> None:
    pack = copy_content(tmp_path)
    lines = lines_of(pack)
    # The third paragraph of the history block moves to the end of the overview block, before its next heading.
    moving = next(line for line in lines if line.startswith("In the subsequent years"))
    lines.remove(moving)
    lines.insert(lines.index(HISTORY), moving)
    write(pack, lines)
    result = drift(pack)
    events = [m for m in result.moved if m.quote.doc.name == "timeline.yaml"]
    assert events and all((m.topic, m.paragraph) == ("overview", 4) for m in events)
    # A point belongs to its topic's file: it is reported, not moved between files.
    assert result.elsewhere and all(m.quote.topic == "history" and m.topic == "overview" for m in result.elsewhere)
    fix_citations(pack, result)
    timeline = (pack / "timeline.yaml").read_text(encoding="utf-8")
    assert "    topic: overview\n    paragraph: 4\n" in timeline
    assert not [m for m in drift(pack).moved if m.quote.doc.name == "timeline.yaml"]


def test_new_and_renamed_headings(tmp_path: Path) -> None:
    pack = copy_content(tmp_path)
    lines = lines_of(pack)
    lines = [("Historical Context of the Engagement" if line == HISTORY else line) for line in lines]
    lines.insert(lines.index("Challenges Faced by NATO in Iraq"), "A Section Nobody Wrote a Topic For")
    write(pack, lines)
    result = drift(pack)
    assert result.lost == [("history", HISTORY, "Historical Context of the Engagement")]
    assert [line.text for line in result.unclaimed] == [
        "Historical Context of the Engagement",
        "A Section Nobody Wrote a Topic For",
    ]
    text = "\n".join(result.lines())
    assert "block not found: topic 'history'" in text and "new heading with no topic" in text


def test_source_option_compares_a_new_file_and_fixing_adopts_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = copy_content(tmp_path)
    new = write(tmp_path, swap(lines_of(pack), ACHIEVEMENTS_1, ACHIEVEMENTS_2), "edited.txt")
    before = yaml_texts(pack)
    original = (pack / SOURCE).read_text(encoding="utf-8")
    assert main(["check", "--content-dir", str(pack), "--source", str(new)]) == 1
    assert "paragraphs moved: 'achievements' ¶1 → ¶2, 'achievements' ¶2 → ¶1" in capsys.readouterr().out
    # Without --fix-citations nothing in the pack is touched.
    assert yaml_texts(pack) == before and (pack / SOURCE).read_text(encoding="utf-8") == original
    assert main(["check", "--content-dir", str(pack), "--source", str(new), "--fix-citations"]) == 0
    assert (pack / SOURCE).read_text(encoding="utf-8") == new.read_text(encoding="utf-8")
    assert main(["check", "--content-dir", str(pack)]) == 0


def test_a_source_that_cannot_be_read_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = copy_content(tmp_path)
    assert main(["check", "--content-dir", str(pack), "--source", str(tmp_path / "missing.txt")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.txt" in err and "Traceback" not in err
    shutil.rmtree(pack / "topics")
    assert main(["check", "--content-dir", str(pack), "--source", str(pack / SOURCE)]) == 1

"""One `check` reports every problem: no problem in one file hides another elsewhere, and YAML faults point at
the line where they start. Bounded echoes and duplicate keys are here too: they are what an editor reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import ContentError, load_library

from .test_content import OBJ, edit, line_of, only_problem

ROOT = Path(__file__).resolve().parent.parent


def caught(root: Path) -> ContentError:
    with pytest.raises(ContentError) as raised:
        load_library(root)
    return raised.value


def problems_of(root: Path) -> list[str]:
    return [str(p) for p in caught(root).problems]


def test_an_unknown_related_topic_does_not_hide_a_paragraph_error_elsewhere(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("  - impact\n", "  - impacts\n", 1))
    edit(pack, "topics/future.yaml", lambda s: s.replace("    paragraph: 1\n", "    paragraph: 9\n", 1))
    problems = problems_of(pack)
    assert f"{OBJ}:{line_of(pack, OBJ, '  - impacts')}: related[2]: unknown topic 'impacts'" in problems
    line = line_of(pack, "topics/future.yaml", "paragraph: 9")
    assert any(p.startswith(f"topics/future.yaml:{line}: points[0].paragraph: 'future' has ") for p in problems)
    assert len(problems) == 2, problems


def test_a_bad_colour_does_not_hide_the_topic_files_problems(pack: Path) -> None:
    edit(pack, "pack.yaml", lambda s: s.replace('colour: "#1F5AA6"', "colour: blue"))
    edit(pack, OBJ, lambda s: s.replace("resurgence of extremist groups", "return of extremist groups"))
    edit(pack, "topics/training.yaml", lambda s: s.replace("parent: achievements", "parent: achievement"))
    edit(pack, "timeline.yaml", lambda s: s.replace("topic: history", "topic: histories", 1))
    problems = problems_of(pack)
    assert f"pack.yaml:{line_of(pack, 'pack.yaml', 'colour:')}: colour: 'blue' is not a colour like \"#1F5AA6\"" in (
        problems
    )
    assert any(p.startswith(f"{OBJ}:") and "points[1].quote: not found verbatim" in p for p in problems)
    line = line_of(pack, "topics/training.yaml", "parent:")
    assert f"topics/training.yaml:{line}: parent: unknown topic 'achievement'" in problems
    line = line_of(pack, "timeline.yaml", "topic: histories")
    assert f"timeline.yaml:{line}: events[0].topic: unknown topic 'histories'" in problems


def test_a_broken_file_says_more_may_follow(pack: Path) -> None:
    edit(pack, "topics/future.yaml", lambda s: s.replace("short:", "short: [", 1))
    error = caught(pack)
    assert len(error.problems) == 1
    assert error.notes and "more problems may follow" in str(error)
    assert "topics/future.yaml" in error.notes[0]


def test_a_missing_source_says_the_quotes_were_not_checked(pack: Path) -> None:
    (pack / "source/nato-in-iraq.txt").unlink()
    error = caught(pack)
    assert len(error.problems) == 1
    assert any("quotes" in note for note in error.notes), error.notes


def test_an_unclosed_quote_is_reported_where_it_opens(pack: Path) -> None:
    opened = line_of(pack, OBJ, 'title: "Objectives')
    edit(pack, OBJ, lambda s: s.replace('Involvement in Iraq"\nshort', "Involvement in Iraq\nshort"))
    message = only_problem(pack)
    assert message.startswith(f"{OBJ}:{opened}: YAML syntax error: ")
    assert f"the quoted text opened on line {opened} runs on to line" in message


def test_a_quote_left_open_at_the_end_of_the_file(pack: Path) -> None:
    name = "topics/united-states.yaml"
    (pack / name).write_text((pack / name).read_text(encoding="utf-8") + 'extra: "never closed\n\n\n', "utf-8")
    opened = line_of(pack, name, 'extra: "never')
    message = only_problem(pack)
    assert message.startswith(f"{name}:{opened}: YAML syntax error: ")
    assert "never closed" in message or "end of the file" in message


def test_a_duplicate_key_names_both_lines(pack: Path) -> None:
    first = line_of(pack, OBJ, "short: Objectives")
    edit(pack, OBJ, lambda s: s.replace("related:\n", "short: Aims\nrelated:\n"))
    second = line_of(pack, OBJ, "short: Aims")
    assert only_problem(pack) == f"{OBJ}:{second}: short: duplicate key (first on line {first})"


def test_a_duplicate_key_deep_in_a_list(pack: Path) -> None:
    edit(pack, "timeline.yaml", lambda s: s.replace("    paragraph: 1\n", "    paragraph: 1\n    topic: role\n", 1))
    second = line_of(pack, "timeline.yaml", "topic: role")
    first = line_of(pack, "timeline.yaml", "topic: history")
    assert f"timeline.yaml:{second}: events[0].topic: duplicate key (first on line {first})" in problems_of(pack)


def test_a_huge_value_is_not_echoed_whole(pack: Path) -> None:
    (pack / "topics/a.yaml").write_text("id: " + "a" * 5_000_000 + "\n", encoding="utf-8")
    (pack / "topics/b.yaml").write_text("i" * 1_000_000 + ": 1\nid: B!\n", encoding="utf-8")
    error = caught(pack)
    assert all(len(str(p)) < 1000 for p in error.problems), max(len(str(p)) for p in error.problems)
    assert len(str(error)) < 20_000
    assert any("(5000000 characters)" in str(p) for p in error.problems)


def test_check_lists_every_problem_once_with_file_and_line(pack: Path) -> None:
    edit(pack, "pack.yaml", lambda s: s.replace('colour: "#1F5AA6"', "colour: blue"))
    edit(pack, OBJ, lambda s: s.replace("  - impact\n", "  - impacts\n", 1))
    edit(pack, "topics/future.yaml", lambda s: s.replace("    paragraph: 1\n", "    paragraph: 9\n", 1))
    edit(pack, "topics/role.yaml", lambda s: s.replace("short:", "short: [", 1))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--content-dir", str(pack)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    listed = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ") and ".yaml:" in line]
    assert [line.split(":")[0] for line in listed] == [
        "pack.yaml",
        "topics/future.yaml",
        OBJ,
        "topics/role.yaml",
    ], result.stderr
    assert all(line.split(":")[1].isdigit() for line in listed), listed
    assert "more problems may follow" in result.stderr

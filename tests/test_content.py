"""The shipped pack, and the loader's refusal of broken packs with file, line and key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content import ContentError, Library, load_library
from bot.content.report import report
from bot.content.source import normalise
from bot.settings import SHIPPED_CONTENT_DIR


def test_every_shipped_file_loads_and_all_failures_are_reported_together() -> None:
    # One load of the whole pack: a ContentError here lists every problem at once.
    try:
        load_library(SHIPPED_CONTENT_DIR)
    except ContentError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(str(exc))


def test_pack_covers_the_whole_document(library: Library) -> None:
    result = report(library)
    assert (result.blocks_covered, result.blocks) == (16, 16)
    assert (result.paragraphs_covered, result.paragraphs) == (57, 57)
    assert result.complete


def test_blocks_follow_the_document(library: Library) -> None:
    headings = [b.heading for b in library.source.blocks]
    assert headings[0] is None and headings[-1] is None  # introduction and closing have no heading
    assert headings[1] == "Overview of NATO’s Involvement in Iraq"
    assert len([h for h in headings if h]) == 14
    role = library.by_id["role"]
    role_block = library.source.blocks[role.block]
    # The lead-in line is not a paragraph; the two bullets are.
    assert [p.bullet for p in role_block.paragraphs] == [False, True, True, False, False]
    assert not any(p.text.endswith("included:") for p in role_block.paragraphs)


def test_every_quote_is_verbatim_in_its_cited_paragraph(library: Library) -> None:
    source = normalise(library.source.text)
    quotes = [(t.id, p.quote, p.citation) for t in library.topics for p in t.points]
    quotes += [(e.id, e.quote, e.citation) for e in library.timeline]
    for owner, quote, citation in quotes:
        paragraph = library.source.blocks[citation.block].paragraphs[citation.paragraph - 1]
        assert normalise(quote) in normalise(paragraph.text), owner
        assert normalise(quote) in source


def test_commands_and_subsections(library: Library) -> None:
    assert [t.command for t in library.commands] == [
        "overview",
        "history",
        "role",
        "objectives",
        "contributions",
        "collaboration",
        "achievements",
        "challenges",
        "future",
        "impact",
        "conclusion",
    ]
    collaboration = library.by_command["collaboration"]
    assert collaboration.option is not None and collaboration.option.name == "partner"
    assert [c.choice for c in library.children(collaboration)] == ["the United States", "coalition countries"]
    achievements = library.by_command["achievements"]
    assert achievements.option is not None and achievements.option.name == "area"
    assert [c.choice for c in library.children(achievements)] == [
        "training and capacity building",
        "regional stability",
    ]


def test_timeline_is_in_order_and_uses_the_documents_words(library: Library) -> None:
    whens = [e.when for e in library.timeline]
    assert whens[0] == "the end of the Cold War"
    assert "over two decades" in whens
    assert whens.index("the end of the Cold War") < whens.index("in 2004") < whens.index("over two decades")
    for event in library.timeline:
        assert normalise(event.when).lower() in normalise(event.quote).lower()


def test_library_is_frozen(library: Library) -> None:
    with pytest.raises(AttributeError):
        library.topics[0].title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        library.by_id["x"] = library.topics[0]  # type: ignore[index]


# --- broken packs -------------------------------------------------------------------------------------------


def edit(root: Path, name: str, change: Callable[[str], str]) -> None:
    path = root / name
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, "the fault was not injected"
    path.write_text(after, encoding="utf-8")


def line_of(root: Path, name: str, needle: str) -> int:
    for number, line in enumerate((root / name).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {name}")


def only_problem(root: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_library(root)
    problems = caught.value.problems
    assert len(problems) == 1, str(caught.value)
    return str(problems[0])


OBJ = "topics/objectives.yaml"


def test_yaml_syntax_error(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("short: Objectives", "short: [Objectives"))
    message = only_problem(pack)
    assert message.startswith(f"{OBJ}:")
    assert "YAML syntax error" in message
    assert int(message.split(":")[1]) >= line_of(pack, OBJ, "short: [Objectives")


def test_missing_field(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("short: Objectives\n", ""))
    assert only_problem(pack) == f"{OBJ}:1: short: missing required field"


def test_unknown_field_suggests_the_right_name(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("short: Objectives", "shrot: Objectives"))
    line = line_of(pack, OBJ, "shrot:")
    message = only_problem_of_many(pack, "shrot")
    assert message == f"{OBJ}:{line}: shrot: unknown field (did you mean 'short'?)"


def only_problem_of_many(root: Path, key: str) -> str:
    with pytest.raises(ContentError) as caught:
        load_library(root)
    found = [str(p) for p in caught.value.problems if p.key.startswith(key)]
    assert len(found) == 1, str(caught.value)
    return found[0]


def test_wrong_type(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("related:\n  - role\n  - achievements\n  - impact", "related: 7"))
    assert only_problem(pack) == f"{OBJ}:{line_of(pack, OBJ, 'related: 7')}: related: expected a list, got a number"


def test_empty_text(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("short: Objectives", 'short: ""'))
    assert only_problem(pack) == f"{OBJ}:{line_of(pack, OBJ, 'short:')}: short: must not be empty"


def test_wrong_type_deep_in_a_list(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("    paragraph: 3", "    paragraph: three", 1))
    line = line_of(pack, OBJ, "paragraph: three")
    assert only_problem(pack) == f"{OBJ}:{line}: points[3].paragraph: expected a whole number, got str"


def test_duplicate_topic_id(pack: Path) -> None:
    text = (pack / OBJ).read_text(encoding="utf-8").replace("command: objectives", "command: objectives-two")
    (pack / "topics/objectives-two.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_library(pack)
    duplicates = [str(p) for p in caught.value.problems if "duplicate topic id 'objectives'" in p.message]
    assert duplicates == [f"{OBJ}:1: id: duplicate topic id 'objectives' (also in topics/objectives-two.yaml)"]


def test_duplicate_command_name(pack: Path) -> None:
    edit(pack, "topics/training.yaml", lambda s: s.replace("parent: achievements", "command: objectives"))
    edit(pack, "topics/training.yaml", lambda s: s.replace("choice:", "#"))
    edit(pack, "topics/training.yaml", lambda s: s.replace("summary:", "description: Training\nsummary:"))
    # Files are read in name order, so the later file is the one named as the duplicate.
    line = line_of(pack, "topics/training.yaml", "command: objectives")
    assert only_problem_of_many(pack, "command") == (
        f"topics/training.yaml:{line}: command: duplicate command name 'objectives' (also in {OBJ})"
    )


def test_unknown_related_topic(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("  - impact\n", "  - impacts\n", 1))
    line = line_of(pack, OBJ, "  - impacts")
    assert only_problem(pack) == f"{OBJ}:{line}: related[2]: unknown topic 'impacts'"


@pytest.mark.parametrize("name", ["Objectives", "objectives!", "a" * 33, "two words"])
def test_command_name_breaking_discords_rules(pack: Path, name: str) -> None:
    edit(pack, OBJ, lambda s: s.replace("command: objectives", f"command: '{name}'"))
    message = only_problem(pack)
    assert message.startswith(f"{OBJ}:{line_of(pack, OBJ, 'command:')}: command: ")
    assert "is not a Discord command name" in message


def test_quote_not_in_the_source(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("resurgence of extremist groups", "return of extremist groups"))
    line = line_of(pack, OBJ, "The alliance sought to assist")
    message = only_problem(pack)
    assert message.startswith(f"{OBJ}:{line - 1}: points[1].quote: not found verbatim in 'objectives' ¶2")


def test_quote_from_another_paragraph_names_where_it_is(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("    paragraph: 2\n", "    paragraph: 3\n", 1))
    message = only_problem(pack)
    assert "points[1].quote: not found verbatim in 'objectives' ¶3 (found in objectives ¶2)" in message


def test_paragraph_beyond_the_block(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("    paragraph: 4", "    paragraph: 9"))
    line = line_of(pack, OBJ, "paragraph: 9")
    assert only_problem(pack) == f"{OBJ}:{line}: points[4].paragraph: 'objectives' has 4 paragraphs"


def test_text_too_long_for_discord(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace('title: "Objectives', 'title: "' + "Very " * 60 + "Objectives"))
    line = line_of(pack, OBJ, "title: ")
    assert only_problem(pack) == f"{OBJ}:{line}: title: is 340 characters; at most 256 fit"


def test_unknown_parent(pack: Path) -> None:
    name = "topics/training.yaml"
    edit(pack, name, lambda s: s.replace("parent: achievements", "parent: achievement"))
    with pytest.raises(ContentError) as caught:
        load_library(pack)
    messages = [str(p) for p in caught.value.problems]
    assert f"{name}:{line_of(pack, name, 'parent:')}: parent: unknown topic 'achievement'" in messages


def test_heading_not_in_the_source(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace('heading: "Objectives of', 'heading: "Aims of'))
    with pytest.raises(ContentError) as caught:
        load_library(pack)
    messages = [str(p) for p in caught.value.problems]
    line = line_of(pack, OBJ, 'heading: "Aims of')
    assert f"{OBJ}:{line}: block.heading: 'Aims of NATO’s Involvement in Iraq' is not in the source" in messages
    # Its section is now claimed by no topic: the source's own line is named too.
    assert "source/nato-in-iraq.txt:18: heading 'Objectives of NATO’s Involvement in Iraq' has no topic" in messages


def test_timeline_when_must_be_the_documents_wording(pack: Path) -> None:
    edit(pack, "timeline.yaml", lambda s: s.replace("when: the end of the Cold War", "when: 1991"))
    line = line_of(pack, "timeline.yaml", "when: 1991")
    assert only_problem(pack) == (
        f"timeline.yaml:{line}: events[0].when: '1991' is not in the quote: use the document's own wording"
    )


def test_bad_colour_in_the_manifest(pack: Path) -> None:
    edit(pack, "pack.yaml", lambda s: s.replace('colour: "#1F5AA6"', "colour: blue"))
    line = line_of(pack, "pack.yaml", "colour:")
    assert only_problem(pack) == f"pack.yaml:{line}: colour: 'blue' is not a colour like \"#1F5AA6\""


def test_missing_source_file(pack: Path) -> None:
    (pack / "source/nato-in-iraq.txt").unlink()
    line = line_of(pack, "pack.yaml", "file:")
    assert only_problem(pack) == f"pack.yaml:{line}: source.file: 'source/nato-in-iraq.txt' not found"


def test_empty_topic_file(pack: Path) -> None:
    (pack / "topics/extra.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert only_problem(pack) == "topics/extra.yaml: the file is empty"


def test_unsafe_yaml_tag_is_refused_not_run(pack: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    edit(
        pack,
        OBJ,
        lambda s: s.replace("short: Objectives", f"short: !!python/object/apply:os.system ['touch {marker}']"),
    )
    message = only_problem(pack)
    assert message.startswith(f"{OBJ}:{line_of(pack, OBJ, 'short:')}: YAML syntax error")
    assert not marker.exists()


def test_a_child_needs_its_choice(pack: Path) -> None:
    name = "topics/coalition.yaml"
    edit(pack, name, lambda s: s.replace("choice: coalition countries\n", ""))
    assert only_problem(pack) == f"{name}:1: choice: missing: a topic with a parent needs the label of its choice"


def test_problems_across_files_are_reported_together(pack: Path) -> None:
    edit(pack, OBJ, lambda s: s.replace("short: Objectives", "shrot: Objectives"))
    edit(pack, "topics/future.yaml", lambda s: s.replace("title:", "title: ''  #", 1))
    edit(pack, "pack.yaml", lambda s: s.replace('version: "1.0.0"', "version: [1]"))
    with pytest.raises(ContentError) as caught:
        load_library(pack)
    files = {p.file for p in caught.value.problems}
    assert {OBJ, "topics/future.yaml", "pack.yaml"} <= files
    assert str(caught.value).startswith(f"the content pack has {len(caught.value.problems)} problems")


def test_missing_content_folder(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="content folder not found"):
        load_library(tmp_path / "nowhere")

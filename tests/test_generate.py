"""`python -m bot new-pack` on documents of several shapes: each pack checks, covers every paragraph, quotes the
document verbatim, and is served through the simulator with every command and part within Discord's limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.content import Library, load_library
from bot.content.generate import generate_pack
from bot.content.generate.naming import BOT_COMMANDS, MAX_TOPIC_COMMANDS
from bot.content.report import report
from bot.content.source import normalise
from bot.limits import COMMAND_NAME_PATTERN, OPTION_CHOICES
from bot.render import key_of
from bot.settings import Settings
from tests.test_commands import fits, start, title

DOCUMENTS = Path(__file__).parent / "data" / "documents"
ALL = sorted(p.name for p in DOCUMENTS.iterdir())


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each test document made into a pack, once for the module."""
    root = tmp_path_factory.mktemp("packs")
    return {name: generate_pack(DOCUMENTS / name, root / name).out for name in ALL}


def loaded(packs: dict[str, Path], name: str) -> Library:
    return load_library(packs[name])


@pytest.mark.parametrize("name", ALL)
def test_every_pack_checks_with_full_coverage(
    packs: dict[str, Path], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--content-dir", str(packs[name])]) == 0
    assert capsys.readouterr().out.rstrip().endswith("ok")
    result = report(loaded(packs, name))
    assert result.complete and result.paragraphs_covered == result.paragraphs > 0


@pytest.mark.parametrize("name", ALL)
def test_commands_are_valid_unique_and_within_discords_counts(packs: dict[str, Path], name: str) -> None:
    library = loaded(packs, name)
    commands = [t.command for t in library.commands]
    assert all(c is not None and COMMAND_NAME_PATTERN.match(c) for c in commands)
    assert len(set(commands)) == len(commands)
    assert not set(commands) & BOT_COMMANDS
    assert len(commands) <= MAX_TOPIC_COMMANDS
    assert all(len(t.children) <= OPTION_CHOICES for t in library.topics)


@pytest.mark.parametrize("name", ["handbook.txt", "chronicle.txt"])
def test_plain_text_quotes_are_the_documents_own_sentences(packs: dict[str, Path], name: str) -> None:
    original = normalise((DOCUMENTS / name).read_text(encoding="utf-8"))
    library = loaded(packs, name)
    quotes = [p.quote for t in library.topics for p in t.points] + [e.quote for e in library.timeline]
    assert quotes and all(normalise(q) in original for q in quotes)


def test_plain_text_is_copied_line_for_line(packs: dict[str, Path]) -> None:
    library = loaded(packs, "chronicle.txt")
    copy = (packs["chronicle.txt"] / library.pack.source_file).read_text(encoding="utf-8")
    original = (DOCUMENTS / "chronicle.txt").read_text(encoding="utf-8")
    assert [line for line in copy.splitlines() if line] == [line for line in original.splitlines() if line]
    # Two headings with nothing between them become one heading line: a block needs a paragraph to quote.
    handbook = loaded(packs, "handbook.txt")
    assert "Moderation — Moderation" in [b.heading for b in handbook.source.blocks]
    assert handbook.by_id["help"].command == "help-2"


def test_markdown_nesting_lists_code_and_links(packs: dict[str, Path]) -> None:
    library = loaded(packs, "guide.md")
    assert library.pack.title == "The Gardener’s Guide"
    soil = library.by_command["soil"]
    # `###` sections are parts of the `##` above them, offered as the choices of its command.
    assert [library.by_id[c].title for c in soil.children] == ["Testing the soil", "Improving clay"]
    # `## Pests` has no text of its own: it and its first subsection are one block, the rest its parts.
    pests = library.by_command["pests"]
    assert pests.title == "Pests — Slugs" and [library.by_id[c].title for c in pests.children] == ["Aphids"]
    texts = [p.text for b in library.source.blocks for p in b.paragraphs]
    assert "see the soil society (https://soil.example.org/tests) for a list" in " ".join(texts)
    assert any("water = 20" in t and 'days = ["Monday", "Thursday"]' in t for t in texts)
    assert any("`water_can.fill()`" in t for t in texts)
    assert "runner beans need canes" in texts and "Beans" in texts
    assert not any("**" in t or "*short*" in t for t in texts)
    # Two headings with the same words stay two topics; a question mark would make a heading a sentence.
    assert {"Examples", "Examples [2]", "Watering"} <= {t.title for t in library.topics}
    assert "improving" in library.by_command["watering"].related


def test_restructuredtext_headings_literals_and_directives(packs: dict[str, Path]) -> None:
    library = loaded(packs, "manual.rst")
    assert library.pack.title == "The Radio Manual"
    setting_up = library.by_command["setting"]
    assert [library.by_id[c].title for c in setting_up.children] == ["Power", "Antenna"]
    texts = " ".join(p.text for b in library.source.blocks for p in b.paragraphs)
    assert "CQ CQ CQ this is the club station" in texts
    assert "Log every contact: time, frequency, call sign and signal report." in texts
    assert "the safety rules (https://radio.example.org/safety)" in texts
    assert "comment the reader never sees" not in texts


def test_more_sections_than_discord_allows_commands(packs: dict[str, Path]) -> None:
    library = loaded(packs, "many-sections.md")
    assert len(library.topics) == 1 + 130 + 6
    assert len(library.commands) == MAX_TOPIC_COMMANDS
    # Every section is reachable: a command of its own or a choice of one.
    reachable = {t.id for t in library.commands} | {c for t in library.commands for c in t.children}
    assert reachable == set(library.by_id)


def test_every_date_year_decade_and_period_is_on_the_timeline(packs: dict[str, Path]) -> None:
    library = loaded(packs, "chronicle.txt")
    whens = [e.when for e in library.timeline]
    for expected in (
        "in 1086",
        "by the 12th century",
        "in the late 1300s",
        "During the Middle Ages",
        "4 July 1253",
        "In the 1700s",
        "Between 1760 and 1790",
        "in March 1771",
        "12 May 1794",
        "from 1840 to 1845",
        "During the First World War",
        "In the 1920s and 1930s",
        "in the autumn of 1936",
        "After the Second World War",
        "post-war",
        "2001-09-15",
        "In recent years",
        "two decades later",
        "in the first half of 2027",
        "in the near future",
    ):
        assert expected in whens
    # In the document's order, each quoting the sentence it is in.
    text = normalise((DOCUMENTS / "chronicle.txt").read_text(encoding="utf-8"))
    positions = [text.index(normalise(e.quote)) for e in library.timeline]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", ALL)
async def test_every_command_and_part_answers_through_the_simulator(
    packs: dict[str, Path], name: str, tmp_path: Path
) -> None:
    settings = Settings(content_dir=packs[name], data_dir=tmp_path / "data", cooldown_rate=10_000)
    async for world in start(settings):
        assert len(world.sim.get_commands()) == len(world.library.commands) + len(BOT_COMMANDS)
        for topic in world.library.commands:
            assert topic.command is not None
            message = await world.answer(topic.command)
            assert title(message) == topic.title
            fits(message)
            for child in world.library.children(topic):
                assert topic.option is not None
                part = await world.answer(topic.command, {topic.option.name: key_of(child.id)})
                assert title(part) == child.title
                fits(part)
        for command in ("timeline", "topics", "about", "help"):
            fits(await world.answer(command))
        fits(await world.answer("search", {"query": world.library.topics[-1].title}))


# ------------------------------------------------------------------------------------------------ refusals


def test_refuses_what_is_not_a_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        "empty.txt": (b"", "is empty"),
        "blank.md": (b"  \n\n\t\n", "is empty"),
        "headings.md": (b"# Title\n\n## Only headings\n", "has no paragraphs"),
        "picture.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file"),
        "latin1.txt": ("Caf\u00e9 au lait, s'il vous pla\u00eet.".encode("latin-1"), "is not UTF-8"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
        assert main(["new-pack", str(tmp_path / name), "--out", str(tmp_path / "out")]) == 1
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err
        assert not (tmp_path / "out").exists()


def test_refuses_a_folder_that_is_not_empty_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    source = str(DOCUMENTS / "handbook.txt")
    assert main(["new-pack", source, "--out", str(out)]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert main(["new-pack", source, "--out", str(out), "--force"]) == 0
    assert "CONTENT_DIR=" in capsys.readouterr().out
    # A second forced run over a different document leaves none of the first one's topics behind.
    assert main(["new-pack", str(DOCUMENTS / "chronicle.txt"), "--out", str(out), "--force"]) == 0
    library = load_library(out)
    assert {f.stem for f in (out / "topics").glob("*.yaml")} == set(library.by_id)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_format_and_title_can_be_chosen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A Markdown document saved as .txt: by its extension it would be plain text, where `## Soil` is a paragraph.
    source = tmp_path / "notes.txt"
    source.write_text((DOCUMENTS / "guide.md").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "pack"
    assert main(["new-pack", str(source), "--out", str(out), "--format", "markdown", "--title", "Garden notes"]) == 0
    assert "(markdown)" in capsys.readouterr().out
    library = load_library(out)
    assert library.pack.title == "Garden notes" and library.pack.source_title == "Garden notes"
    assert "soil" in library.by_command


# ------------------------------------------------------------------------------------------------ regressions


@pytest.mark.parametrize(
    "heading",
    [
        " ".join(f"word{n:02}" for n in range(1, 16)),  # 15 words: the most a heading may have
        " ".join(["abcdefghi"] * 12),  # 119 characters: one short of the most a heading may have
    ],
)
def test_a_repeated_heading_at_the_loaders_limit_stays_a_heading(tmp_path: Path, heading: str) -> None:
    # The second one is told apart by a number; added past the limit, it was read as a paragraph and the copy
    # had one block fewer than the document (found by the property test in tests/test_generate_property.py).
    source = tmp_path / "doc.txt"
    source.write_text(f"{heading}\nThe first part ends here.\n{heading}\nThe second part ends here.\n", "utf-8")
    library = generate_pack(source, tmp_path / "pack").library
    headings = [b.heading for b in library.source.blocks]
    assert len(headings) == 2 and headings[0] == heading and headings[1] is not None
    assert headings[1].endswith("… [2]") and headings[1].removesuffix(" … [2]") in heading
    assert [p.text for b in library.source.blocks for p in b.paragraphs] == [
        "The first part ends here.",
        "The second part ends here.",
    ]


def test_a_heading_that_starts_with_two_bullet_marks_stays_a_heading(tmp_path: Path) -> None:
    # One "- " taken off left another, and a line starting "- " is a bullet to the loader, not a heading.
    source = tmp_path / "doc.md"
    source.write_text("# Intro\n\nThe first part ends here.\n\n# - * Tools\n\nThe second part ends here.\n", "utf-8")
    library = generate_pack(source, tmp_path / "pack").library
    assert [b.heading for b in library.source.blocks] == ["Intro", "Tools"]


@pytest.mark.parametrize("mark", ["-", "•", "*"])
def test_a_heading_of_a_lone_bullet_mark_is_no_heading(tmp_path: Path, mark: str) -> None:
    # Two of them: the second got " [2]", and "- [2]" is a bullet to the loader, so the copy had a block fewer
    # than the document (found by the property test in CI). A lone mark names nothing: it is "Section N".
    source = tmp_path / "doc.md"
    text = f"# Intro\n\nThe first part ends here.\n\n# {mark}\n\nThe second part.\n\n# {mark}\n\nThe third part.\n"
    source.write_text(text, "utf-8")
    made = generate_pack(source, tmp_path / "pack")
    assert [b.heading for b in made.library.source.blocks] == ["Intro", "Section 2", "Section 3"]
    assert made.report.complete

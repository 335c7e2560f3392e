"""Readers: plain text, Markdown and reStructuredText into an `Outline` of headed sections and paragraphs.

Each keeps the document's words: emphasis markers are dropped, links keep their text and address, code keeps its
text. Nothing is summarised or reworded here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

from ..source import lines_of
from .outline import CODE_JOIN, Kind, Outline, Para, Section

# ------------------------------------------------------------------------------------------------ plain text


def read_text(text: str) -> Outline:
    """The loader's own rule: every non-empty line is a paragraph, a bullet, a lead-in or (a short line) a heading."""
    sections = [Section(None, 1)]
    for line in lines_of(text):
        if line.looks_like_heading:
            sections.append(Section(line.text, 1))
        elif line.is_bullet:
            sections[-1].paras.append(Para(line.text[2:], "bullet"))
        elif line.is_lead_in:
            sections[-1].paras.append(Para(line.text, "lead"))
        else:
            sections[-1].paras.append(Para(line.text))
    return Outline(None, sections)


# ------------------------------------------------------------------------------------------------ inline markup

_MD_IMAGE: Final = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK: Final = re.compile(r"\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_MD_REF_LINK: Final = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_MD_AUTOLINK: Final = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_MD_STRONG: Final = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EM: Final = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_MD_STRIKE: Final = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_MD_ESCAPE: Final = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HTML_TAG: Final = re.compile(r"</?[A-Za-z][^<>]*>")


def md_inline(text: str) -> str:
    """Markdown inline markup as plain text: `[text](url)` is `text (url)`, emphasis loses its markers."""
    text = _MD_IMAGE.sub(lambda m: m.group(1), text)
    text = _MD_LINK.sub(lambda m: m.group(1) if m.group(2).startswith("#") else f"{m.group(1)} ({m.group(2)})", text)
    text = _MD_REF_LINK.sub(lambda m: m.group(1), text)
    text = _MD_AUTOLINK.sub(lambda m: m.group(1), text)
    text = _HTML_TAG.sub("", text)
    text = _MD_STRONG.sub(lambda m: m.group(2), text)
    text = _MD_STRIKE.sub(lambda m: m.group(1), text)
    text = _MD_EM.sub(lambda m: m.group(2), text)
    return _MD_ESCAPE.sub(lambda m: m.group(1), text)


_RST_LINK: Final = re.compile(r"`([^`<]+?)\s*<([^`>]+)>`__?")
_RST_ROLE: Final = re.compile(r":[\w.+-]+:`([^`]+)`")
_RST_REF: Final = re.compile(r"`([^`]+)`_{1,2}")
_RST_LITERAL: Final = re.compile(r"``([^`]+)``")
_RST_STRONG: Final = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_RST_EM: Final = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_RST_INTERPRETED: Final = re.compile(r"`([^`]+)`")


def rst_inline(text: str) -> str:
    """reStructuredText inline markup as plain text: `` `text <url>`_ `` is `text (url)`, ``code`` is `code`."""
    text = _RST_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    text = _RST_ROLE.sub(lambda m: m.group(1), text)
    text = _RST_REF.sub(lambda m: m.group(1), text)
    text = _RST_LITERAL.sub(lambda m: f"`{m.group(1)}`", text)
    text = _RST_STRONG.sub(lambda m: m.group(1), text)
    text = _RST_EM.sub(lambda m: m.group(1), text)
    return _RST_INTERPRETED.sub(lambda m: m.group(1) if " " in m.group(1) else m.group(0), text)


# ------------------------------------------------------------------------------------------------ Markdown

_ATX: Final = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT: Final = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE: Final = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE: Final = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_ITEM: Final = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$")
_REF_DEF: Final = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")
_QUOTE: Final = re.compile(r"^ {0,3}> ?")


class _Builder:
    """Collects sections and the paragraph being read; `flush` closes the paragraph on a blank line."""

    def __init__(self, inline: Callable[[str], str]) -> None:
        self.sections = [Section(None, 1)]
        self.inline = inline
        self.lines: list[str] = []
        self.kind: Kind = "text"

    def heading(self, text: str, level: int) -> None:
        self.flush()
        self.sections.append(Section(self.inline(text).strip() or None, level))

    def add(self, text: str, kind: Kind = "text") -> None:
        if self.lines and kind != self.kind:
            self.flush()
        self.kind = kind
        self.lines.append(text)

    def flush(self) -> None:
        if not self.lines:
            return
        if self.kind == "code":
            text = CODE_JOIN.join(line.strip() for line in self.lines if line.strip())
            para = Para(text, "code")
        else:
            text = self.inline(" ".join(line.strip() for line in self.lines))
            kind: Kind = "bullet" if self.kind == "bullet" else ("lead" if text.rstrip().endswith(":") else "text")
            para = Para(text, kind)
        if para.text.strip():
            self.sections[-1].paras.append(para)
        self.lines = []
        self.kind = "text"


def _front_matter(lines: list[str]) -> int:
    """How many lines a YAML front matter block (`---` … `---`) at the top takes."""
    if lines and lines[0].strip() == "---":
        for index, line in enumerate(lines[1:], start=1):
            if line.strip() in ("---", "..."):
                return index + 1
    return 0


def read_markdown(text: str) -> Outline:
    lines = text.splitlines()
    b = _Builder(md_inline)
    fence: str | None = None
    index = _front_matter(lines)
    while index < len(lines):
        raw = lines[index]
        index += 1
        if fence is not None:
            if raw.strip().startswith(fence):
                fence = None
                b.flush()
            else:
                b.add(raw, "code")
            continue
        if opened := _FENCE.match(raw):
            b.flush()
            fence = opened.group(1)
            continue
        if not raw.strip():
            b.flush()
            continue
        if atx := _ATX.match(raw):
            b.heading(atx.group(2) or "", len(atx.group(1)))
            continue
        following = lines[index] if index < len(lines) else ""
        if b.kind == "text" and not b.lines and _SETEXT.match(following) and not _LIST_ITEM.match(raw):
            b.heading(raw.strip(), 1 if following.strip().startswith("=") else 2)
            index += 1
            continue
        if _RULE.match(raw) or _REF_DEF.match(raw):
            b.flush()
            continue
        if item := _LIST_ITEM.match(raw):
            b.flush()
            marker = item.group(2)
            b.add(f"{marker} {item.group(3)}" if marker[0].isdigit() else item.group(3), "bullet")
            continue
        if raw.startswith(("    ", "\t")) and not b.lines:
            b.add(raw, "code")
            continue
        if raw.lstrip().startswith("|"):
            b.add(raw, "code")
            continue
        b.add(_QUOTE.sub("", raw), b.kind if b.lines and b.kind != "code" else "text")
    b.flush()
    title = next((s.heading for s in b.sections if s.heading and s.level == 1), None)
    return Outline(title, b.sections)


# ------------------------------------------------------------------------------------------------ reStructuredText

_RST_ADORNMENT: Final = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{2,}\s*$")
_RST_BULLET: Final = re.compile(r"^(\s*)([-*+•]|\d+[.)]|#\.|\(\d+\))[ \t]+(.*)$")
_RST_DIRECTIVE: Final = re.compile(r"^\.\.\s+([\w:-]+)::\s*(.*)$")
_RST_ADMONITIONS: Final = {"note", "warning", "tip", "important", "caution", "attention", "hint", "danger", "error"}
_RST_CODE: Final = {"code", "code-block", "sourcecode", "literalinclude"}


def _indented(lines: list[str], index: int) -> Iterator[tuple[int, str]]:
    """The indented (or blank) lines from `index` on: the body of a directive or a literal block."""
    while index < len(lines) and (not lines[index].strip() or lines[index][:1] in (" ", "\t")):
        yield index, lines[index]
        index += 1


def _rst_heading(lines: list[str], index: int) -> tuple[str, str, int] | None:
    """(text, style, lines used) when a heading starts at `index`: over- and underlined, or underlined."""
    raw = lines[index]
    nxt = lines[index + 1] if index + 1 < len(lines) else ""
    overlined = _RST_ADORNMENT.match(raw) and index + 2 < len(lines) and lines[index + 2].strip() == raw.strip()
    if overlined and nxt.strip() and not _RST_ADORNMENT.match(nxt):
        return nxt.strip(), "over" + raw.strip()[0], 3
    underlined = raw.strip() and not raw.startswith((" ", "\t")) and _RST_ADORNMENT.match(nxt)
    # An underline a little short of its text is still meant as one (docutils only warns).
    if underlined and len(nxt.strip()) >= len(raw.strip()) * 0.6 and not _RST_ADORNMENT.match(raw):
        return raw.strip(), nxt.strip()[0], 2
    return None


def read_rst(text: str) -> Outline:
    lines = text.splitlines()
    b = _Builder(rst_inline)
    styles: list[str] = []
    index = 0
    while index < len(lines):
        raw = lines[index]
        if not raw.strip():
            b.flush()
            index += 1
            continue
        if found := _rst_heading(lines, index):
            heading, style, used = found
            if style not in styles:
                styles.append(style)
            b.heading(heading, styles.index(style) + 1)
            index += used
            continue
        if directive := _RST_DIRECTIVE.match(raw):
            b.flush()
            name = directive.group(1).lower()
            body = list(_indented(lines, index + 1))
            index = body[-1][0] + 1 if body else index + 1
            if name in _RST_CODE:
                for _, line in body:
                    b.add(line, "code")
                b.flush()
            elif name in _RST_ADMONITIONS:
                # The admonition's own text stays, paragraph by paragraph.
                for line in [directive.group(2), *(line for _, line in body)]:
                    if line.strip():
                        b.add(line, "text")
                    else:
                        b.flush()
                b.flush()
            continue
        if raw.startswith(".."):
            # A comment, a link target or a substitution definition: nothing a reader sees.
            b.flush()
            body = list(_indented(lines, index + 1))
            index = body[-1][0] + 1 if body else index + 1
            continue
        if item := _RST_BULLET.match(raw):
            b.flush()
            marker = item.group(2)
            b.add(f"{marker} {item.group(3)}" if marker[0].isdigit() else item.group(3), "bullet")
            index += 1
            continue
        if raw.rstrip().endswith("::"):
            # A paragraph that introduces a literal block: "Example::" reads "Example:" (its text stays).
            stem = raw.rstrip()[:-2].rstrip()
            if stem:
                b.add(stem + ":", b.kind if b.lines else "text")
            b.flush()
            body = list(_indented(lines, index + 1))
            for _, line in body:
                if line.strip():
                    b.add(line, "code")
            b.flush()
            index = body[-1][0] + 1 if body else index + 1
            continue
        b.add(raw, b.kind if b.lines and b.kind != "code" else "text")
        index += 1
    b.flush()
    title = b.sections[1].heading if len(b.sections) > 1 and not b.sections[0].paras else None
    return Outline(title, b.sections)


READERS: Final = {"text": read_text, "markdown": read_markdown, "rst": read_rst}
SUFFIXES: Final = {".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".rst": "rst", ".rest": "rst"}


def format_of(path: Path) -> str:
    """The reader for `path`, by its extension: Markdown, reStructuredText, otherwise plain text."""
    return SUFFIXES.get(path.suffix.lower(), "text")

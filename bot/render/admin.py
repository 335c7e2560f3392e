"""Answers to operators: the outcome of a content reload, with the pack's problems when it was refused."""

from __future__ import annotations

from typing import Final

from .. import limits
from ..ops.reload import ReloadResult
from ..text import clip, squash
from .model import Reply

# Enough to fix a pack in a few passes without flooding the channel; `python -m bot check` lists them all.
MAX_PROBLEMS: Final = 10
PROBLEM_LINE: Final = 300
FENCE: Final = "```"


def _line(problem: object) -> str:
    # A backtick in a message could close the code block early.
    return clip(squash(str(problem)).replace("`", "'"), PROBLEM_LINE)


def render_reload(result: ReloadResult) -> Reply:
    """The summary; when refused, also the first problems as `file:line: key: message` and how many more."""
    if result.ok:
        return Reply(content=clip(f"✅ {result.summary()}", limits.CONTENT), ephemeral=True)
    heading = clip(f"⚠️ {result.summary()}", limits.CONTENT)
    lines: list[str] = []
    for problem in result.problems[:MAX_PROBLEMS]:
        line = _line(problem)
        rest = len(result.problems) - len(lines) - 1
        tail = f"\n…and {rest} more" if rest else ""
        body = "\n".join([*lines, line])
        # Added only while the heading, the block and the "…and K more" line still fit in one message.
        if len(f"{heading}\n{FENCE}\n{body}\n{FENCE}{tail}") > limits.CONTENT:
            break
        lines.append(line)
    if not lines:
        return Reply(content=heading, ephemeral=True)
    more = len(result.problems) - len(lines)
    tail = f"\n…and {more} more (run `python -m bot check` for the full list)" if more else ""
    content = f"{heading}\n{FENCE}\n" + "\n".join(lines) + f"\n{FENCE}"
    if len(content + tail) <= limits.CONTENT:
        content += tail
    elif more:
        content += f"\n…and {more} more"
    return Reply(content=content, ephemeral=True)

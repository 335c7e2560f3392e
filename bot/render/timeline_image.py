"""The timeline as a picture: every moment on one vertical line, in the pack's colour, drawn with Pillow.

Pillow installs as a wheel on every platform the bot runs on and imports in a few tens of milliseconds, but it
is still imported only when the first image is drawn (never before READY). An image is drawn once per
library, in a worker thread so the event loop keeps answering, and kept in the library's own derived values; a
reload brings a new library, so the next image is drawn afresh and the old one goes with the old library.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from .. import limits
from ..text import clip, squash

if TYPE_CHECKING:
    from ..content import Library

log = logging.getLogger(__name__)

FILENAME: Final = "timeline.png"
# Discord limits an attachment's description (its alt text) to 1024 characters.
ALT_TEXT: Final = limits.ATTACHMENT_DESCRIPTION
WIDTH: Final = 1000
MARGIN: Final = 48
LINE_X: Final = 88
ROW: Final = 118
HEADER: Final = 120
DOT: Final = 13
WHEN_SIZE: Final = 34
TITLE_SIZE: Final = 30
HEADER_SIZE: Final = 40
# Far more moments than a document names would make a picture nobody can read on a phone.
MAX_EVENTS: Final = 30
BACKGROUND: Final = (255, 255, 255)
INK: Final = (40, 44, 52)
MUTED: Final = (92, 98, 110)


@dataclass(frozen=True, slots=True)
class TimelineImage:
    """A PNG and its alt text, ready to attach."""

    filename: str
    data: bytes
    description: str
    width: int
    height: int


def alt_text(library: Library) -> str:
    """What the picture shows, in words, for readers who cannot see it."""
    moments = "; ".join(f"{squash(e.when)}: {squash(e.title)}" for e in library.timeline)
    count = len(library.timeline)
    return clip(f"Timeline of the {count} moments the document names, in its order. {moments}", ALT_TEXT)


def _rgb(colour: int) -> tuple[int, int, int]:
    return (colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF


def _darker(rgb: tuple[int, int, int], share: float = 0.75) -> tuple[int, int, int]:
    # A pale pack colour would vanish on white; text is drawn in a darker shade of it.
    r, g, b = rgb
    return int(r * share), int(g * share), int(b * share)


def _fit(draw: Any, text: str, font: Any, width: int) -> str:
    """`text` on one line of `width` pixels, cut at a word with "…" when it is longer."""
    text = squash(text)
    if draw.textlength(text, font=font) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words) + "…"
        if draw.textlength(candidate, font=font) <= width:
            return candidate
    # One word wider than the picture: cut it character by character.
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def draw_timeline(library: Library) -> TimelineImage:
    """Draw the library's timeline (blocking: call it in a worker thread)."""
    from PIL import Image, ImageDraw, ImageFont

    events = library.timeline[:MAX_EVENTS]
    height = HEADER + ROW * max(len(events), 1) + MARGIN // 2
    colour = _rgb(library.pack.colour)
    strong = _darker(colour)
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    header_font = ImageFont.load_default(size=HEADER_SIZE)
    when_font = ImageFont.load_default(size=WHEN_SIZE)
    title_font = ImageFont.load_default(size=TITLE_SIZE)
    draw.rectangle((0, 0, WIDTH, 10), fill=colour)
    draw.text((MARGIN, 40), _fit(draw, "Timeline", header_font, WIDTH - 2 * MARGIN), font=header_font, fill=INK)
    if events:
        top, bottom = HEADER + ROW // 2 - 30, HEADER + ROW * (len(events) - 1) + ROW // 2 - 30
        draw.line((LINE_X, top, LINE_X, bottom), fill=colour, width=6)
    text_x = LINE_X + DOT + 28
    room = WIDTH - text_x - MARGIN
    for n, event in enumerate(events):
        y = HEADER + ROW * n
        centre = y + ROW // 2 - 30
        draw.ellipse((LINE_X - DOT, centre - DOT, LINE_X + DOT, centre + DOT), fill=colour, outline=BACKGROUND, width=3)
        draw.text((text_x, y + 4), _fit(draw, event.when or "—", when_font, room), font=when_font, fill=strong)
        draw.text((text_x, y + 46), _fit(draw, event.title, title_font, room), font=title_font, fill=MUTED)
    if not events:
        draw.text((MARGIN, HEADER), "The document names no moments in time.", font=title_font, fill=MUTED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return TimelineImage(FILENAME, buffer.getvalue(), alt_text(library), WIDTH, height)


class _Slot:
    """Where one library keeps its image (in `library.derived`, so the image goes when the library goes)."""

    def __init__(self) -> None:
        self.future: asyncio.Future[TimelineImage] | None = None


def _done(future: asyncio.Future[TimelineImage] | None) -> bool:
    return future is not None and future.done() and not future.cancelled() and future.exception() is None


class TimelineImages:
    """Draws each library's image once, off the event loop, and keeps it with that library."""

    def __init__(self, draw: Callable[[Library], TimelineImage] = draw_timeline) -> None:
        self._draw = draw
        self._key = ("timeline-image", object())  # one slot per drawer (tests make their own)
        self.drawn = 0

    def _slot(self, library: Library) -> _Slot:
        return library.derived.get(self._key, _Slot)

    def ready(self, library: Library) -> TimelineImage | None:
        """The image of `library` if it has been drawn already (for answers that cannot wait)."""
        future = self._slot(library).future
        return future.result() if future is not None and _done(future) else None

    async def get(self, library: Library) -> TimelineImage | None:
        """The image of `library`, drawing it first if nobody has yet; None when drawing fails."""
        slot = self._slot(library)
        future = slot.future
        if future is not None and _done(future):
            return future.result()
        if future is None or future.done() or future.get_loop() is not asyncio.get_running_loop():
            # Never drawn, failed, or begun on an event loop that is gone (a bot stopped, another started).
            future = slot.future = asyncio.ensure_future(self._render(library))
        try:
            return await asyncio.shield(future)
        except Exception:
            log.exception("could not draw the timeline image; answering without it")
            return None

    async def _render(self, library: Library) -> TimelineImage:
        self.drawn += 1
        image = await asyncio.to_thread(self._draw, library)
        if len(image.data) > limits.ATTACHMENT_SIZE:
            raise ValueError(f"timeline image of {len(image.data)} bytes is over Discord's limit")
        return image


timeline_images = TimelineImages()

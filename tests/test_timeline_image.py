"""The timeline picture: a real PNG of a readable size, drawn once per library, drawn anew when the library
changes, with its alt text."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
from pathlib import Path

from PIL import Image

from bot.content import Library
from bot.render.timeline_image import ALT_TEXT, TimelineImages, draw_timeline

ROOT = Path(__file__).resolve().parent.parent


def test_the_picture_decodes_as_a_png_wide_enough_for_a_phone(library: Library) -> None:
    image = draw_timeline(library)
    decoded = Image.open(io.BytesIO(image.data))
    assert decoded.format == "PNG" and decoded.size == (image.width, image.height)
    assert image.width >= 800 and image.height >= 100 * len(library.timeline)
    # The pack's colour is in it (the line and the dots).
    rgb = ((library.pack.colour >> 16) & 255, (library.pack.colour >> 8) & 255, library.pack.colour & 255)
    assert rgb in {c for _n, c in decoded.convert("RGB").getcolors(1 << 20) or []}
    assert image.description.startswith(f"Timeline of the {len(library.timeline)} moments")
    assert len(image.description) <= ALT_TEXT and library.timeline[0].when in image.description


async def test_drawn_once_per_library_and_anew_after_a_change(library: Library) -> None:
    images = TimelineImages()
    first = await images.get(library)
    again = await images.get(library)
    assert first is again and images.drawn == 1 and images.ready(library) is first
    changed = dataclasses.replace(library.timeline[0], title="A different title", when=library.timeline[0].when)
    reloaded = Library(library.pack, library.source, library.topics, (changed, *library.timeline[1:]))
    assert images.ready(reloaded) is None
    other = await images.get(reloaded)
    assert other is not None and first is not None
    assert images.drawn == 2 and other.data != first.data


def test_pillow_is_not_imported_until_a_picture_is_drawn() -> None:
    # Start-up stays light: building the bot and loading every extension's module never imports Pillow.
    code = "import sys, bot.app.client, bot.render, cogs.timeline, cogs.topics, cogs.meta; print('PIL' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert found.stdout.strip() == "False"

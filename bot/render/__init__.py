"""Pure rendering: Library item + page → a `Reply` model. The only code that knows Discord's limits.

Nothing here touches the network or discord.py; `bot.app.replies` turns a `Reply` into a message.
"""

from .admin import render_reload
from .ids import CONTENTS, TIMELINE, Viewer, event_target, find_by_key, key_of
from .meta import render_about, render_contents, render_help, render_notice
from .model import ActionRow, Button, ButtonStyle, Embed, Field, Reply, Select, SelectOption
from .pages import Document, layout
from .targets import render_jump, render_key
from .timeline import find_event, render_timeline, timeline_document
from .topic import command_hint, render_topic, topic_document, topic_page_count

__all__ = [
    "CONTENTS",
    "TIMELINE",
    "ActionRow",
    "Button",
    "ButtonStyle",
    "Document",
    "Embed",
    "Field",
    "Reply",
    "Select",
    "SelectOption",
    "Viewer",
    "command_hint",
    "event_target",
    "find_by_key",
    "find_event",
    "key_of",
    "layout",
    "render_about",
    "render_contents",
    "render_help",
    "render_jump",
    "render_key",
    "render_notice",
    "render_reload",
    "render_timeline",
    "render_topic",
    "timeline_document",
    "topic_document",
    "topic_page_count",
]

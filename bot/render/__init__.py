"""Pure rendering: Library item + page → a `Reply` model. The only code that knows Discord's limits.

Nothing here touches the network or discord.py; `bot.app.replies` turns a `Reply` into a message.
"""

from .admin import render_reload
from .full import render_event, render_point
from .ids import CONTENTS, PICTURE, TIMELINE, Viewer, event_target, find_by_key, key_of
from .mentions import Mentions
from .meta import render_about, render_contents, render_help, render_notice
from .model import ActionRow, Attachment, Button, ButtonStyle, Embed, Field, Reply, Select, SelectOption
from .pages import Document, layout
from .source import render_source
from .targets import page_cites, render_jump, render_key
from .timeline import event_page, find_event, render_picture, render_timeline, timeline_pages
from .timeline_image import TimelineImage, timeline_images
from .topic import command_hint, render_topic, topic_page_count, topic_pages

__all__ = [
    "CONTENTS",
    "PICTURE",
    "TIMELINE",
    "ActionRow",
    "Attachment",
    "Button",
    "ButtonStyle",
    "Document",
    "Embed",
    "Field",
    "Mentions",
    "Reply",
    "Select",
    "SelectOption",
    "TimelineImage",
    "Viewer",
    "command_hint",
    "event_page",
    "event_target",
    "find_by_key",
    "find_event",
    "key_of",
    "layout",
    "page_cites",
    "render_about",
    "render_contents",
    "render_event",
    "render_help",
    "render_jump",
    "render_key",
    "render_notice",
    "render_picture",
    "render_point",
    "render_reload",
    "render_source",
    "render_timeline",
    "render_topic",
    "timeline_images",
    "timeline_pages",
    "topic_page_count",
    "topic_pages",
]

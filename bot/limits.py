"""Discord's limits, in one place.

The renderer keeps every payload inside these numbers and the content validator refuses content that could not be
shown within them. The simulator keeps its own copy of Discord's rules (``bot.simulator.limits``).
"""

from __future__ import annotations

import re
from typing import Final

# Messages
CONTENT: Final = 2000
EMBEDS_PER_MESSAGE: Final = 10
EMBED_TOTAL: Final = 6000

# Embeds
EMBED_TITLE: Final = 256
EMBED_DESCRIPTION: Final = 4096
EMBED_FIELDS: Final = 25
FIELD_NAME: Final = 256
FIELD_VALUE: Final = 1024
FOOTER_TEXT: Final = 2048
AUTHOR_NAME: Final = 256

# Components
ACTION_ROWS: Final = 5
BUTTONS_PER_ROW: Final = 5
SELECT_OPTIONS: Final = 25
SELECT_OPTION_LABEL: Final = 100
SELECT_OPTION_VALUE: Final = 100
SELECT_OPTION_DESCRIPTION: Final = 100
SELECT_PLACEHOLDER: Final = 150
CUSTOM_ID: Final = 100
BUTTON_LABEL: Final = 80

# Application commands
COMMAND_NAME: Final = 32
COMMAND_DESCRIPTION: Final = 100
COMMAND_OPTIONS: Final = 25
OPTION_CHOICES: Final = 25
CHOICE_NAME: Final = 100
CHOICE_VALUE: Final = 100
AUTOCOMPLETE_CHOICES: Final = 25
COMMANDS_PER_SCOPE: Final = 100
# Name, description, option names and descriptions, choice names and values, all together.
COMMAND_TOTAL_CHARACTERS: Final = 4000
# Discord allows more (unicode letters of some scripts); our pack keeps to the ASCII subset.
COMMAND_NAME_PATTERN: Final = re.compile(r"^[-_a-z0-9]{1,32}$")

# Interactions
FIRST_RESPONSE_SECONDS: Final = 3.0
TOKEN_LIFETIME_SECONDS: Final = 15 * 60

# What the content pack may hold, so that every text fits the renderer's layout within the limits above.
SHORT_NAME: Final = 60
SUMMARY: Final = 200
POINT_HEADING: Final = 80
# The questions a point answers, for search (`asks:`): each this long at most, and this many per point.
ASK: Final = 200
ASKS_PER_POINT: Final = 10
# A point is shown as one embed field: its text, then its quote and citation. The citation and the
# markup around the quote take well under 100 characters.
POINT_BODY: Final = FIELD_VALUE - 100

# Files sent with a message (the timeline picture).
FILES_PER_MESSAGE: Final = 10
ATTACHMENT_SIZE: Final = 10 * 1024 * 1024  # an unboosted server's attachment_size_limit, in bytes
ATTACHMENT_DESCRIPTION: Final = 1024  # a file's description, its alt text

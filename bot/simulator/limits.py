"""Discord's limits, as the simulator enforces them: its own copy of Discord's rules.

The bot keeps its copy in ``bot.limits``; the simulator imports nothing of the bot, so that a bug in one copy
cannot hide itself by agreeing with the other. The values are Discord's documented limits (and its published
OpenAPI spec's ``maxLength``/``maxItems``); the simulator's tests check both copies against the spec.
"""

from __future__ import annotations

from typing import Final

# Messages
CONTENT: Final = 2000
EMBEDS_PER_MESSAGE: Final = 10
EMBED_TOTAL: Final = 6000  # title + description + field names and values + footer text + author name
FILES_PER_MESSAGE: Final = 10
ATTACHMENT_SIZE: Final = 10 * 1024 * 1024  # attachment_size_limit of an unboosted guild, in bytes
ATTACHMENT_TEXT: Final = 1024  # an attachment's filename or description
ALLOWED_MENTIONS_IDS: Final = 100  # users or roles in allowed_mentions
POLL_QUESTION: Final = 300
POLL_ANSWERS: Final = 10
POLL_ANSWER_TEXT: Final = 55
POLL_DURATION_HOURS: Final = 32 * 24  # 32 days

# Embeds
EMBED_TITLE: Final = 256
EMBED_DESCRIPTION: Final = 4096
EMBED_FIELDS: Final = 25
FIELD_NAME: Final = 256
FIELD_VALUE: Final = 1024
FOOTER_TEXT: Final = 2048
AUTHOR_NAME: Final = 256
COLOR_MAX: Final = 0xFFFFFF

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
COMPONENTS_V2_TOTAL: Final = 40  # every component of an IS_COMPONENTS_V2 message, nested ones included
TEXT_DISPLAY_TOTAL: Final = 4000  # characters across all text displays of one message
SECTION_TEXT_DISPLAYS: Final = 3
MEDIA_GALLERY_ITEMS: Final = 10

# Modals
MODAL_TITLE: Final = 45
MODAL_COMPONENTS: Final = 5
TEXT_INPUT_LABEL: Final = 45
TEXT_INPUT_VALUE: Final = 4000
TEXT_INPUT_PLACEHOLDER: Final = 100

# Application commands
COMMAND_NAME: Final = 32
COMMAND_DESCRIPTION: Final = 100
COMMAND_OPTIONS: Final = 25
OPTION_CHOICES: Final = 25
CHOICE_NAME: Final = 100
CHOICE_VALUE: Final = 100
AUTOCOMPLETE_CHOICES: Final = 25
COMMANDS_PER_SCOPE: Final = 100  # chat input commands per scope (global, or one guild)
CONTEXT_MENU_COMMANDS_PER_SCOPE: Final = 5  # per type (user, message)
COMMAND_TOTAL_CHARACTERS: Final = 4000  # name, description, option names/descriptions, choice names/values
OPTION_STRING_LENGTH: Final = 6000  # upper bound of an option's min_length/max_length

# Interactions
FIRST_RESPONSE_SECONDS: Final = 3.0
TOKEN_LIFETIME_SECONDS: Final = 15 * 60

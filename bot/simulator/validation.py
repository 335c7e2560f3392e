"""Discord's body validation: messages, embeds, components, modals, command definitions, autocomplete results.

Each ``validate_*`` function appends to a :class:`FormErrors` at the given path, so the caller can answer
``400 {"code": 50035, "message": "Invalid Form Body", "errors": {...}}`` with every problem at once, as
Discord does. The limits come from :mod:`bot.simulator.limits`. Error code strings follow Discord's where known
(``BASE_TYPE_MAX_LENGTH``, ``BASE_TYPE_REQUIRED``, ...); the rarer component/command ones are close guesses.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

from bot.simulator import limits
from bot.simulator.errors import FormErrors, PathPart

Path = tuple[PathPart, ...]

# Message flags the API accepts from a bot when creating/editing a message or interaction response.
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_IS_COMPONENTS_V2 = 1 << 15

# Component types
ACTION_ROW = 1
BUTTON = 2
STRING_SELECT = 3
TEXT_INPUT = 4
USER_SELECT = 5
ROLE_SELECT = 6
MENTIONABLE_SELECT = 7
CHANNEL_SELECT = 8
SECTION = 9
TEXT_DISPLAY = 10
THUMBNAIL = 11
MEDIA_GALLERY = 12
FILE = 13
SEPARATOR = 14
CONTAINER = 17
LABEL = 18
FILE_UPLOAD = 19
SELECTS = frozenset({STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT})
INTERACTIVE = SELECTS | {BUTTON}

# Button styles
BUTTON_LINK = 5
BUTTON_PREMIUM = 6

# Application command types and option types
CHAT_INPUT = 1
USER_COMMAND = 2
MESSAGE_COMMAND = 3
PRIMARY_ENTRY_POINT = 4
OPT_SUB_COMMAND = 1
OPT_SUB_COMMAND_GROUP = 2
OPT_STRING = 3
OPT_INTEGER = 4
OPT_BOOLEAN = 5
OPT_USER = 6
OPT_CHANNEL = 7
OPT_ROLE = 8
OPT_MENTIONABLE = 9
OPT_NUMBER = 10
OPT_ATTACHMENT = 11
CHOICE_TYPES = frozenset({OPT_STRING, OPT_INTEGER, OPT_NUMBER})
# Channel types a channel option may name (Discord's docs; the spec's list lacks 16, GUILD_MEDIA).
CHANNEL_TYPES = frozenset({0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16})
MAX_SAFE_INTEGER = 2**53

_URL_PREFIXES = ("http://", "https://", "attachment://")


def _is_str(value: Any) -> TypeGuard[str]:
    return isinstance(value, str)


def as_int(value: Any) -> int | None:
    """An integer field's value as Discord reads it: an int, or a string of decimal digits ("64"); else None.

    Discord's form parser coerces numeric strings (it answers ``NUMBER_TYPE_COERCE`` only for what it cannot
    read as a number); a JSON boolean is not a number to it.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value)
    return None


_ISO8601 = re.compile(r"\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?(Z|[+-]\d\d:?\d\d)?", re.IGNORECASE)


def _valid_timestamp(value: Any) -> bool:
    """An ISO 8601 date-time Discord can parse: a real calendar date and time, with an optional offset."""
    if not isinstance(value, str) or not _ISO8601.fullmatch(value.strip()):
        return False
    try:
        datetime.datetime.fromisoformat(value.strip().upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _check_str(
    errors: FormErrors,
    path: Path,
    value: Any,
    *,
    high: int,
    low: int = 0,
    required: bool = False,
) -> None:
    """Check an optional (or required) string against ``low..high`` characters, as Discord words it."""
    if value is None:
        if required:
            errors.required(path)
        return
    if not _is_str(value):
        errors.add(path, "BASE_TYPE_STRING", "Could not interpret value as string.")
        return
    if required and low <= 1 and value == "":
        errors.required(path)
        return
    if len(value) > high or len(value) < low:
        if low > 0:
            errors.bad_length(path, low, high)
        else:
            errors.max_length(path, high)


def _check_bool(errors: FormErrors, path: Path, value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        errors.add(path, "BASE_TYPE_BOOLEAN", "Must be either true or false.")


def _check_unique(errors: FormErrors, path: Path, items: Sequence[Any]) -> None:
    seen: list[Any] = []
    for item in items:
        if item in seen:
            errors.add(path, "BASE_TYPE_UNIQUE", "Values must be unique.")
            return
        seen.append(item)


def _check_url(errors: FormErrors, path: Path, value: Any) -> None:
    if value is None:
        return
    if not _is_str(value) or not value.startswith(_URL_PREFIXES):
        errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")


def _as_list(errors: FormErrors, path: Path, value: Any) -> list[Any] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Could not interpret value as array.")
        return None
    return value


# --------------------------------------------------------------------------------------------------- embeds


def embed_length(embed: Mapping[str, Any]) -> int:
    """Characters Discord counts toward the 6000 total: title, description, fields, footer text, author name."""
    total = 0
    for key in ("title", "description"):
        if _is_str(embed.get(key)):
            total += len(embed[key])
    for fld in embed.get("fields") or []:
        if isinstance(fld, Mapping):
            total += len(fld.get("name") or "") + len(fld.get("value") or "")
    footer = embed.get("footer")
    if isinstance(footer, Mapping) and _is_str(footer.get("text")):
        total += len(footer["text"])
    author = embed.get("author")
    if isinstance(author, Mapping) and _is_str(author.get("name")):
        total += len(author["name"])
    return total


def validate_embed(embed: Any, errors: FormErrors, path: Path) -> None:
    if not isinstance(embed, Mapping):
        errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    _check_str(errors, (*path, "title"), embed.get("title"), high=limits.EMBED_TITLE)
    _check_str(errors, (*path, "description"), embed.get("description"), high=limits.EMBED_DESCRIPTION)
    _check_url(errors, (*path, "url"), embed.get("url"))
    color = embed.get("color")
    number = as_int(color)
    if color is not None and (number is None or number < 0):
        errors.add((*path, "color"), "NUMBER_TYPE_COERCE", f'Value "{color}" is not int.')
    elif number is not None and number > limits.COLOR_MAX:
        errors.add(
            (*path, "color"), "NUMBER_TYPE_MAX", f"int value should be less than or equal to {limits.COLOR_MAX}."
        )
    timestamp = embed.get("timestamp")
    if timestamp is not None and not _valid_timestamp(timestamp):
        errors.add((*path, "timestamp"), "DATE_TIME_TYPE_PARSE", f"Could not parse {timestamp}. Should be ISO8601.")
    fields = _as_list(errors, (*path, "fields"), embed.get("fields"))
    if fields is not None:
        if len(fields) > limits.EMBED_FIELDS:
            errors.max_length((*path, "fields"), limits.EMBED_FIELDS)
        for i, fld in enumerate(fields):
            fpath = (*path, "fields", i)
            if not isinstance(fld, Mapping):
                errors.add(fpath, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
                continue
            _check_str(errors, (*fpath, "name"), fld.get("name"), low=1, high=limits.FIELD_NAME, required=True)
            _check_str(errors, (*fpath, "value"), fld.get("value"), low=1, high=limits.FIELD_VALUE, required=True)
            _check_bool(errors, (*fpath, "inline"), fld.get("inline"))
    footer = embed.get("footer")
    if footer is not None:
        if not isinstance(footer, Mapping):
            errors.add((*path, "footer"), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        else:
            _check_str(
                errors, (*path, "footer", "text"), footer.get("text"), low=1, high=limits.FOOTER_TEXT, required=True
            )
            _check_url(errors, (*path, "footer", "icon_url"), footer.get("icon_url"))
    author = embed.get("author")
    if author is not None:
        if not isinstance(author, Mapping):
            errors.add((*path, "author"), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        else:
            _check_str(
                errors, (*path, "author", "name"), author.get("name"), low=1, high=limits.AUTHOR_NAME, required=True
            )
            _check_url(errors, (*path, "author", "url"), author.get("url"))
            _check_url(errors, (*path, "author", "icon_url"), author.get("icon_url"))
    for key in ("image", "thumbnail"):
        media = embed.get(key)
        if media is None:
            continue
        if not isinstance(media, Mapping):
            errors.add((*path, key), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        else:
            _check_url(errors, (*path, key, "url"), media.get("url"))


def validate_embeds(embeds: Any, errors: FormErrors, path: Path) -> None:
    items = _as_list(errors, path, embeds)
    if items is None:
        return
    if len(items) > limits.EMBEDS_PER_MESSAGE:
        errors.max_length(path, limits.EMBEDS_PER_MESSAGE)
    for i, embed in enumerate(items):
        validate_embed(embed, errors, (*path, i))
    total = sum(embed_length(e) for e in items if isinstance(e, Mapping))
    if total > limits.EMBED_TOTAL:
        errors.add(path, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {limits.EMBED_TOTAL}")


# ----------------------------------------------------------------------------------------------- components


class _ComponentWalk:
    """State shared while validating one message's (or modal's) component tree."""

    def __init__(self, errors: FormErrors) -> None:
        self.errors = errors
        self.custom_ids: dict[str, Path] = {}
        self.ids: set[int] = set()
        self.count = 0
        self.text_length = 0

    def seen(self, component: Mapping[str, Any], path: Path) -> None:
        self.count += 1
        cid = component.get("id")
        if cid is not None:
            if not isinstance(cid, int) or isinstance(cid, bool) or cid < 0:
                self.errors.add((*path, "id"), "NUMBER_TYPE_COERCE", f'Value "{cid}" is not int.')
            elif cid in self.ids:
                self.errors.add((*path, "id"), "COMPONENT_ID_DUPLICATED", "Component id cannot be duplicated")
            else:
                self.ids.add(cid)

    def custom_id(self, component: Mapping[str, Any], path: Path, *, required: bool = True) -> None:
        value = component.get("custom_id")
        _check_str(self.errors, (*path, "custom_id"), value, low=1, high=limits.CUSTOM_ID, required=required)
        if _is_str(value) and value:
            if value in self.custom_ids:
                self.errors.add(
                    (*path, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"
                )
            else:
                self.custom_ids[value] = path


def _validate_button(component: Mapping[str, Any], walk: _ComponentWalk, path: Path) -> None:
    errors = walk.errors
    style = component.get("style")
    if not isinstance(style, int) or not 1 <= style <= BUTTON_PREMIUM:
        errors.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.")
        return
    label = component.get("label")
    _check_str(errors, (*path, "label"), label, high=limits.BUTTON_LABEL)
    _check_bool(errors, (*path, "disabled"), component.get("disabled"))
    if style == BUTTON_LINK:
        if component.get("url") is None:
            errors.add((*path, "url"), "BUTTON_COMPONENT_URL_REQUIRED", "A url is required")
        else:
            _check_url(errors, (*path, "url"), component.get("url"))
        if component.get("custom_id") is not None:
            errors.add(
                (*path, "custom_id"),
                "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                "A custom id cannot be specified for link buttons",
            )
    elif style == BUTTON_PREMIUM:
        if component.get("sku_id") is None:
            errors.add((*path, "sku_id"), "BUTTON_COMPONENT_SKU_ID_REQUIRED", "A sku id is required")
        for key in ("custom_id", "url", "label", "emoji"):
            if component.get(key) is not None:
                errors.add((*path, key), "BUTTON_COMPONENT_PREMIUM_FIELD_NOT_ALLOWED", f"{key} is not allowed")
    else:
        walk.custom_id(component, path)
        if component.get("url") is not None:
            errors.add((*path, "url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED", "A url cannot be specified for this style")
    if style != BUTTON_PREMIUM and not label and component.get("emoji") is None:
        errors.add((*path, "label"), "BUTTON_COMPONENT_LABEL_REQUIRED", "A label or an emoji is required")


def _validate_select(component: Mapping[str, Any], walk: _ComponentWalk, path: Path) -> None:
    errors = walk.errors
    walk.custom_id(component, path)
    _check_str(errors, (*path, "placeholder"), component.get("placeholder"), high=limits.SELECT_PLACEHOLDER)
    _check_bool(errors, (*path, "disabled"), component.get("disabled"))
    min_values = component.get("min_values", 1)
    max_values = component.get("max_values", 1)
    if not isinstance(min_values, int) or not 0 <= min_values <= limits.SELECT_OPTIONS:
        errors.add(
            (*path, "min_values"), "NUMBER_TYPE_MAX", f"int value should be between 0 and {limits.SELECT_OPTIONS}."
        )
        min_values = 1
    if not isinstance(max_values, int) or not 1 <= max_values <= limits.SELECT_OPTIONS:
        errors.add(
            (*path, "max_values"), "NUMBER_TYPE_MAX", f"int value should be between 1 and {limits.SELECT_OPTIONS}."
        )
        max_values = 1
    if min_values > max_values:
        errors.add((*path, "min_values"), "SELECT_COMPONENT_MIN_GREATER_THAN_MAX", "min_values exceeds max_values")
    if component.get("type") != STRING_SELECT:
        return
    options = _as_list(errors, (*path, "options"), component.get("options"))
    if options is None:
        errors.required((*path, "options"))
        return
    if not 1 <= len(options) <= limits.SELECT_OPTIONS:
        errors.bad_length((*path, "options"), 1, limits.SELECT_OPTIONS)
    if max_values > len(options) >= 1:
        errors.add(
            (*path, "max_values"),
            "SELECT_COMPONENT_MAX_VALUES_EXCEEDS_OPTIONS",
            "max_values cannot be greater than the number of options",
        )
    values: set[str] = set()
    defaults = 0
    for i, option in enumerate(options):
        opath = (*path, "options", i)
        if not isinstance(option, Mapping):
            errors.add(opath, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        _check_str(
            errors, (*opath, "label"), option.get("label"), low=1, high=limits.SELECT_OPTION_LABEL, required=True
        )
        value = option.get("value")
        _check_str(errors, (*opath, "value"), value, low=1, high=limits.SELECT_OPTION_VALUE, required=True)
        _check_str(errors, (*opath, "description"), option.get("description"), high=limits.SELECT_OPTION_DESCRIPTION)
        if _is_str(value):
            if value in values:
                errors.add(
                    (*opath, "value"), "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Option values must be unique"
                )
            values.add(value)
        if option.get("default"):
            defaults += 1
    if defaults > max_values:
        errors.add(
            (*path, "options"), "SELECT_COMPONENT_TOO_MANY_DEFAULTS", "More default options than max_values allows"
        )


def _validate_text_input(component: Mapping[str, Any], walk: _ComponentWalk, path: Path, *, in_label: bool) -> None:
    errors = walk.errors
    walk.custom_id(component, path)
    style = component.get("style")
    if style not in (1, 2):
        errors.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
    _check_str(
        errors, (*path, "label"), component.get("label"), low=1, high=limits.TEXT_INPUT_LABEL, required=not in_label
    )
    _check_str(errors, (*path, "placeholder"), component.get("placeholder"), high=limits.TEXT_INPUT_PLACEHOLDER)
    _check_str(errors, (*path, "value"), component.get("value"), high=limits.TEXT_INPUT_VALUE)
    min_length = component.get("min_length")
    max_length = component.get("max_length")
    if min_length is not None and (not isinstance(min_length, int) or not 0 <= min_length <= limits.TEXT_INPUT_VALUE):
        errors.add(
            (*path, "min_length"), "NUMBER_TYPE_MAX", f"int value should be between 0 and {limits.TEXT_INPUT_VALUE}."
        )
    if max_length is not None and (not isinstance(max_length, int) or not 1 <= max_length <= limits.TEXT_INPUT_VALUE):
        errors.add(
            (*path, "max_length"), "NUMBER_TYPE_MAX", f"int value should be between 1 and {limits.TEXT_INPUT_VALUE}."
        )


def _validate_action_row(row: Mapping[str, Any], walk: _ComponentWalk, path: Path, *, modal: bool = False) -> None:
    errors = walk.errors
    children = _as_list(errors, (*path, "components"), row.get("components"))
    if children is None:
        errors.required((*path, "components"))
        return
    if not 1 <= len(children) <= limits.BUTTONS_PER_ROW:
        errors.bad_length((*path, "components"), 1, limits.BUTTONS_PER_ROW)
    kinds = [c.get("type") for c in children if isinstance(c, Mapping)]
    wide = [k for k in kinds if k in SELECTS or k == TEXT_INPUT]
    if wide and len(children) > 1:
        errors.add(
            (*path, "components"),
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    for i, child in enumerate(children):
        cpath = (*path, "components", i)
        if not isinstance(child, Mapping):
            errors.add(cpath, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        walk.seen(child, cpath)
        ctype = child.get("type")
        if modal:
            if ctype != TEXT_INPUT:
                errors.add((*cpath, "type"), "COMPONENT_TYPE_INVALID", "Only text inputs are allowed in a modal row")
            else:
                _validate_text_input(child, walk, cpath, in_label=False)
        elif ctype == BUTTON:
            _validate_button(child, walk, cpath)
        elif ctype in SELECTS:
            _validate_select(child, walk, cpath)
        else:
            errors.add((*cpath, "type"), "COMPONENT_TYPE_INVALID", f"Component type {ctype} is not allowed here")


def _validate_unfurled_media(media: Any, errors: FormErrors, path: Path) -> None:
    if not isinstance(media, Mapping):
        errors.required(path)
        return
    if media.get("url") is None:
        errors.required((*path, "url"))
    else:
        _check_url(errors, (*path, "url"), media.get("url"))


def _validate_v2(component: Mapping[str, Any], walk: _ComponentWalk, path: Path, *, allowed: frozenset[int]) -> None:
    errors = walk.errors
    walk.seen(component, path)
    ctype = component.get("type")
    if ctype not in allowed:
        errors.add((*path, "type"), "COMPONENT_TYPE_INVALID", f"Component type {ctype} is not allowed here")
        return
    if ctype == ACTION_ROW:
        _validate_action_row(component, walk, path)
    elif ctype == TEXT_DISPLAY:
        content = component.get("content")
        _check_str(errors, (*path, "content"), content, low=1, high=limits.TEXT_DISPLAY_TOTAL, required=True)
        if _is_str(content):
            walk.text_length += len(content)
    elif ctype == SECTION:
        texts = _as_list(errors, (*path, "components"), component.get("components")) or []
        if not 1 <= len(texts) <= limits.SECTION_TEXT_DISPLAYS:
            errors.bad_length((*path, "components"), 1, limits.SECTION_TEXT_DISPLAYS)
        for i, child in enumerate(texts):
            if isinstance(child, Mapping):
                _validate_v2(child, walk, (*path, "components", i), allowed=frozenset({TEXT_DISPLAY}))
        accessory = component.get("accessory")
        if not isinstance(accessory, Mapping):
            errors.required((*path, "accessory"))
        else:
            apath = (*path, "accessory")
            walk.seen(accessory, apath)
            if accessory.get("type") == BUTTON:
                _validate_button(accessory, walk, apath)
            elif accessory.get("type") == THUMBNAIL:
                _validate_unfurled_media(accessory.get("media"), errors, (*apath, "media"))
            else:
                errors.add((*apath, "type"), "COMPONENT_TYPE_INVALID", "A section accessory is a button or a thumbnail")
    elif ctype == THUMBNAIL:
        _validate_unfurled_media(component.get("media"), errors, (*path, "media"))
    elif ctype == MEDIA_GALLERY:
        items = _as_list(errors, (*path, "items"), component.get("items")) or []
        if not 1 <= len(items) <= limits.MEDIA_GALLERY_ITEMS:
            errors.bad_length((*path, "items"), 1, limits.MEDIA_GALLERY_ITEMS)
        for i, item in enumerate(items):
            media = item.get("media") if isinstance(item, Mapping) else None
            _validate_unfurled_media(media, errors, (*path, "items", i, "media"))
    elif ctype == FILE:
        _validate_unfurled_media(component.get("file"), errors, (*path, "file"))
    elif ctype == SEPARATOR:
        spacing = component.get("spacing", 1)
        if spacing not in (1, 2):
            errors.add((*path, "spacing"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
    elif ctype == CONTAINER:
        children = _as_list(errors, (*path, "components"), component.get("components")) or []
        if not children:
            errors.required((*path, "components"))
        inner = frozenset({ACTION_ROW, TEXT_DISPLAY, SECTION, MEDIA_GALLERY, SEPARATOR, FILE})
        for i, child in enumerate(children):
            if isinstance(child, Mapping):
                _validate_v2(child, walk, (*path, "components", i), allowed=inner)
        accent = component.get("accent_color")
        if accent is not None and (not isinstance(accent, int) or not 0 <= accent <= 0xFFFFFF):
            errors.add(
                (*path, "accent_color"), "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215."
            )


_V2_TOP_LEVEL = frozenset({ACTION_ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER})


def validate_components(components: Any, errors: FormErrors, path: Path, *, v2: bool) -> None:
    """Message components: five action rows of five buttons or one select, or an IS_COMPONENTS_V2 layout."""
    rows = _as_list(errors, path, components)
    if rows is None:
        return
    walk = _ComponentWalk(errors)
    if not v2 and len(rows) > limits.ACTION_ROWS:
        errors.max_length(path, limits.ACTION_ROWS)
    for i, row in enumerate(rows):
        rpath = (*path, i)
        if not isinstance(row, Mapping):
            errors.add(rpath, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        if v2:
            _validate_v2(row, walk, rpath, allowed=_V2_TOP_LEVEL)
            continue
        walk.seen(row, rpath)
        if row.get("type") != ACTION_ROW:
            errors.add(
                (*rpath, "type"),
                "COMPONENT_TYPE_INVALID",
                "Top-level components must be action rows unless the message sets IS_COMPONENTS_V2",
            )
            continue
        _validate_action_row(row, walk, rpath)
    if v2:
        if walk.count > limits.COMPONENTS_V2_TOTAL:
            errors.add(
                path,
                "COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED",
                f"The message exceeds the maximum number of components ({limits.COMPONENTS_V2_TOTAL})",
            )
        if walk.text_length > limits.TEXT_DISPLAY_TOTAL:
            errors.add(
                path,
                "COMPONENT_MAX_TEXT_LENGTH_EXCEEDED",
                f"The message exceeds the maximum text length ({limits.TEXT_DISPLAY_TOTAL})",
            )


# ---------------------------------------------------------------------------------------------------- messages


def validate_message(body: Mapping[str, Any], errors: FormErrors, path: Path = (), *, flags: int | None = None) -> None:
    """A message create/edit body (interaction callback data, followup, webhook edit).

    ``flags`` is the message's effective flags when they are not (all) in ``body``, as for edits.
    """
    given = body.get("flags") if flags is None else flags
    effective = as_int(given)
    if given is not None and effective is None:
        errors.add((*path, "flags"), "NUMBER_TYPE_COERCE", f'Value "{given}" is not int.')
    v2 = bool((effective or 0) & FLAG_IS_COMPONENTS_V2)
    content = body.get("content")
    _check_str(errors, (*path, "content"), content, high=limits.CONTENT)
    if v2:
        for key in ("content", "embeds", "poll", "sticker_ids"):
            if body.get(key):
                errors.add(
                    (*path, key),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    f"The '{key}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                )
    if "embeds" in body:
        validate_embeds(body.get("embeds"), errors, (*path, "embeds"))
    if "components" in body:
        validate_components(body.get("components"), errors, (*path, "components"), v2=v2)
    _check_bool(errors, (*path, "tts"), body.get("tts"))
    attachments = _as_list(errors, (*path, "attachments"), body.get("attachments"))
    if attachments is not None and len(attachments) > limits.FILES_PER_MESSAGE:
        errors.max_length((*path, "attachments"), limits.FILES_PER_MESSAGE)
    for i, attachment in enumerate(attachments or []):
        apath = (*path, "attachments", i)
        if not isinstance(attachment, Mapping):
            errors.add(apath, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        if as_int(attachment.get("id")) is None:
            errors.required((*apath, "id"))
        _check_str(errors, (*apath, "filename"), attachment.get("filename"), low=1, high=limits.ATTACHMENT_TEXT)
        _check_str(errors, (*apath, "description"), attachment.get("description"), high=limits.ATTACHMENT_TEXT)
    validate_allowed_mentions(body.get("allowed_mentions"), errors, (*path, "allowed_mentions"))
    if body.get("poll") is not None:
        validate_poll(body["poll"], errors, (*path, "poll"))


MENTION_TYPES = ("everyone", "roles", "users")


def validate_allowed_mentions(value: Any, errors: FormErrors, path: Path) -> None:
    """``parse`` names only users, roles or everyone; ``users``/``roles`` hold at most 100 ids each, and a kind
    cannot be both parsed and listed."""
    if value is None:
        return
    if not isinstance(value, Mapping):
        errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    parse = _as_list(errors, (*path, "parse"), value.get("parse")) or []
    for i, kind in enumerate(parse):
        if kind not in MENTION_TYPES:
            errors.add((*path, "parse", i), "BASE_TYPE_CHOICES", f"Value must be one of {set(MENTION_TYPES)}.")
    _check_unique(errors, (*path, "parse"), parse)
    _check_bool(errors, (*path, "replied_user"), value.get("replied_user"))
    for key in ("users", "roles"):
        ids = _as_list(errors, (*path, key), value.get(key))
        if ids is None:
            continue
        if len(ids) > limits.ALLOWED_MENTIONS_IDS:
            errors.max_length((*path, key), limits.ALLOWED_MENTIONS_IDS)
        for i, item in enumerate(ids):
            if as_int(item) is None:
                errors.add((*path, key, i), "NUMBER_TYPE_COERCE", f'Value "{item}" is not snowflake.')
        if ids and key in parse:
            errors.add(
                (*path, "parse"),
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{key}"] and {key}: [ids...] are mutually exclusive.',
            )


def _check_poll_media(media: Any, errors: FormErrors, path: Path, *, high: int) -> None:
    if not isinstance(media, Mapping):
        errors.required(path)
        return
    _check_str(errors, (*path, "text"), media.get("text"), low=1, high=high, required=True)


def validate_poll(poll: Any, errors: FormErrors, path: Path) -> None:
    """A poll create request: a question, 1-10 answers, 1-768 hours, the one layout there is."""
    if not isinstance(poll, Mapping):
        errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    _check_poll_media(poll.get("question"), errors, (*path, "question"), high=limits.POLL_QUESTION)
    answers = _as_list(errors, (*path, "answers"), poll.get("answers"))
    if answers is None:
        errors.required((*path, "answers"))
    else:
        if not 1 <= len(answers) <= limits.POLL_ANSWERS:
            errors.bad_length((*path, "answers"), 1, limits.POLL_ANSWERS)
        for i, answer in enumerate(answers):
            apath = (*path, "answers", i)
            if not isinstance(answer, Mapping):
                errors.add(apath, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
                continue
            _check_poll_media(answer.get("poll_media"), errors, (*apath, "poll_media"), high=limits.POLL_ANSWER_TEXT)
    duration = poll.get("duration")
    hours = as_int(duration)
    if duration is not None and (hours is None or not 1 <= hours <= limits.POLL_DURATION_HOURS):
        errors.add(
            (*path, "duration"),
            "NUMBER_TYPE_MAX",
            f"int value should be between 1 and {limits.POLL_DURATION_HOURS}.",
        )
    layout = poll.get("layout_type")
    if layout is not None and as_int(layout) != 1:
        errors.add((*path, "layout_type"), "BASE_TYPE_CHOICES", "Value must be one of {1}.")
    multiselect = poll.get("allow_multiselect")
    if multiselect is not None and not isinstance(multiselect, bool):
        errors.add((*path, "allow_multiselect"), "BASE_TYPE_BOOLEAN", "Must be either true or false.")


def message_is_empty(message: Mapping[str, Any]) -> bool:
    """Discord refuses a message with no content, embed, component, attachment, sticker or poll (50006)."""
    return not any(
        message.get(key) for key in ("content", "embeds", "components", "attachments", "sticker_ids", "poll")
    )


# ------------------------------------------------------------------------------------------------------ modals


def validate_modal(data: Any, errors: FormErrors, path: Path) -> None:
    if not isinstance(data, Mapping):
        errors.required(path)
        return
    walk = _ComponentWalk(errors)
    walk.custom_id(data, path)
    _check_str(errors, (*path, "title"), data.get("title"), low=1, high=limits.MODAL_TITLE, required=True)
    components = _as_list(errors, (*path, "components"), data.get("components"))
    if not components:
        errors.required((*path, "components"))
        return
    if len(components) > limits.MODAL_COMPONENTS:
        errors.bad_length((*path, "components"), 1, limits.MODAL_COMPONENTS)
    for i, component in enumerate(components):
        cpath = (*path, "components", i)
        if not isinstance(component, Mapping):
            errors.add(cpath, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        walk.seen(component, cpath)
        ctype = component.get("type")
        if ctype == ACTION_ROW:
            _validate_action_row(component, walk, cpath, modal=True)
        elif ctype == TEXT_DISPLAY:
            _check_str(
                errors,
                (*cpath, "content"),
                component.get("content"),
                low=1,
                high=limits.TEXT_DISPLAY_TOTAL,
                required=True,
            )
        elif ctype == LABEL:
            _check_str(
                errors, (*cpath, "label"), component.get("label"), low=1, high=limits.TEXT_INPUT_LABEL, required=True
            )
            _check_str(errors, (*cpath, "description"), component.get("description"), high=100)
            inner = component.get("component")
            ipath = (*cpath, "component")
            if not isinstance(inner, Mapping):
                errors.required(ipath)
                continue
            walk.seen(inner, ipath)
            itype = inner.get("type")
            if itype == TEXT_INPUT:
                _validate_text_input(inner, walk, ipath, in_label=True)
            elif itype in SELECTS:
                _validate_select(inner, walk, ipath)
            elif itype == FILE_UPLOAD:
                walk.custom_id(inner, ipath)
            elif itype not in (21, 22, 23):  # radio group, checkbox group, checkbox
                errors.add((*ipath, "type"), "COMPONENT_TYPE_INVALID", f"Component type {itype} is not allowed here")
            else:
                walk.custom_id(inner, ipath)
        else:
            errors.add((*cpath, "type"), "COMPONENT_TYPE_INVALID", f"Component type {ctype} is not allowed in a modal")


# ---------------------------------------------------------------------------------------- application commands


def _valid_chat_input_name(name: str) -> bool:
    """Discord's ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lowercase where a letter has a case.

    Approximated with ``str.isalnum`` (letters and digits of any script) plus ``-``, ``_`` and ``'``.
    """
    if not 1 <= len(name) <= limits.COMMAND_NAME:
        return False
    return all(ch.isalnum() or ch in "-_'" for ch in name) and name == name.lower()


def _check_name(errors: FormErrors, path: Path, name: Any, *, chat_input: bool) -> None:
    if name is None or name == "":
        errors.required(path)
        return
    if not _is_str(name):
        errors.add(path, "BASE_TYPE_STRING", "Could not interpret value as string.")
        return
    if not 1 <= len(name) <= limits.COMMAND_NAME:
        errors.bad_length(path, 1, limits.COMMAND_NAME)
    elif chat_input and not _valid_chat_input_name(name):
        errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _check_localizations(errors: FormErrors, path: Path, value: Any, *, high: int, name: bool) -> None:
    if value is None:
        return
    if not isinstance(value, Mapping):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    for locale, text in value.items():
        if name:
            _check_name(errors, (*path, locale), text, chat_input=True)
        else:
            _check_str(errors, (*path, locale), text, low=1, high=high, required=True)


def _option_characters(option: Mapping[str, Any]) -> int:
    total = len(str(option.get("name") or "")) + len(str(option.get("description") or ""))
    for choice in option.get("choices") or []:
        if isinstance(choice, Mapping):
            total += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
    for sub in option.get("options") or []:
        if isinstance(sub, Mapping):
            total += _option_characters(sub)
    return total


def _check_choice_value(errors: FormErrors, path: Path, option_type: Any, value: Any) -> None:
    if value is None:
        errors.required(path)
    elif option_type == OPT_STRING:
        _check_str(errors, path, value, high=limits.CHOICE_VALUE)
    elif option_type == OPT_INTEGER:
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_SAFE_INTEGER:
            errors.add(path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
    elif option_type == OPT_NUMBER and (not isinstance(value, int | float) or isinstance(value, bool)):
        errors.add(path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not a valid number.')


def _validate_options(options: list[Any], errors: FormErrors, path: Path, *, depth: int) -> None:
    if len(options) > limits.COMMAND_OPTIONS:
        errors.max_length(path, limits.COMMAND_OPTIONS)
    names: set[str] = set()
    seen_optional = False
    kinds = {o.get("type") for o in options if isinstance(o, Mapping)}
    has_sub = bool(kinds & {OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP})
    if has_sub and kinds - {OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP}:
        errors.add(
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive to all other types",
        )
    for i, option in enumerate(options):
        opath = (*path, i)
        if not isinstance(option, Mapping):
            errors.add(opath, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        otype = option.get("type")
        if not isinstance(otype, int) or not OPT_SUB_COMMAND <= otype <= OPT_ATTACHMENT:
            errors.add((*opath, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, ..., 11}.")
            continue
        name = option.get("name")
        _check_name(errors, (*opath, "name"), name, chat_input=True)
        if _is_str(name):
            if name in names:
                errors.add(
                    (*opath, "name"),
                    "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                    "Option names must be unique within a command",
                )
            names.add(name)
        _check_str(
            errors,
            (*opath, "description"),
            option.get("description"),
            low=1,
            high=limits.COMMAND_DESCRIPTION,
            required=True,
        )
        _check_localizations(
            errors,
            (*opath, "name_localizations"),
            option.get("name_localizations"),
            high=limits.COMMAND_NAME,
            name=True,
        )
        _check_localizations(
            errors,
            (*opath, "description_localizations"),
            option.get("description_localizations"),
            high=limits.COMMAND_DESCRIPTION,
            name=False,
        )
        sub = option.get("options")
        if otype == OPT_SUB_COMMAND_GROUP:
            if depth > 0:
                errors.add(
                    (*opath, "type"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-command groups can only be nested at the top level",
                )
            items = _as_list(errors, (*opath, "options"), sub) or []
            if not items:
                errors.required((*opath, "options"))
            elif any(isinstance(o, Mapping) and o.get("type") != OPT_SUB_COMMAND for o in items):
                errors.add(
                    (*opath, "options"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-command groups may only contain sub-commands",
                )
            _validate_options(items, errors, (*opath, "options"), depth=depth + 1)
            continue
        if otype == OPT_SUB_COMMAND:
            if depth > 1:
                errors.add(
                    (*opath, "type"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-commands are nested at most two levels deep",
                )
            items = _as_list(errors, (*opath, "options"), sub) or []
            if any(isinstance(o, Mapping) and o.get("type") in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP) for o in items):
                errors.add(
                    (*opath, "options"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-commands cannot contain sub-commands",
                )
            _validate_options(items, errors, (*opath, "options"), depth=depth + 1)
            continue
        _check_bool(errors, (*opath, "required"), option.get("required"))
        _check_bool(errors, (*opath, "autocomplete"), option.get("autocomplete"))
        if option.get("required"):
            if seen_optional:
                errors.add(
                    (*opath, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = _as_list(errors, (*opath, "choices"), option.get("choices"))
        if choices:
            if otype not in CHOICE_TYPES:
                errors.add(
                    (*opath, "choices"),
                    "APPLICATION_COMMAND_OPTION_CHOICES_NOT_ALLOWED",
                    "Choices are only allowed for string, integer and number options",
                )
            if len(choices) > limits.OPTION_CHOICES:
                errors.max_length((*opath, "choices"), limits.OPTION_CHOICES)
            if option.get("autocomplete"):
                errors.add(
                    (*opath, "autocomplete"),
                    "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES",
                    "Autocomplete cannot be enabled on an option with choices",
                )
            for j, choice in enumerate(choices):
                cpath = (*opath, "choices", j)
                if not isinstance(choice, Mapping):
                    errors.add(cpath, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
                    continue
                _check_str(errors, (*cpath, "name"), choice.get("name"), low=1, high=limits.CHOICE_NAME, required=True)
                _check_choice_value(errors, (*cpath, "value"), otype, choice.get("value"))
        if option.get("autocomplete") and otype not in CHOICE_TYPES:
            errors.add(
                (*opath, "autocomplete"),
                "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_NOT_ALLOWED",
                "Autocomplete is only allowed for string, integer and number options",
            )
        for key in ("min_length", "max_length"):
            value = option.get(key)
            if value is None:
                continue
            low = 0 if key == "min_length" else 1
            if otype != OPT_STRING:
                errors.add(
                    (*opath, key),
                    "APPLICATION_COMMAND_OPTION_LENGTH_NOT_ALLOWED",
                    f"{key} is only allowed for string options",
                )
            elif not isinstance(value, int) or not low <= value <= limits.OPTION_STRING_LENGTH:
                errors.add(
                    (*opath, key),
                    "NUMBER_TYPE_MAX",
                    f"int value should be between {low} and {limits.OPTION_STRING_LENGTH}.",
                )
        for key in ("min_value", "max_value"):
            value = option.get(key)
            if value is not None and otype not in (OPT_INTEGER, OPT_NUMBER):
                errors.add(
                    (*opath, key),
                    "APPLICATION_COMMAND_OPTION_VALUE_NOT_ALLOWED",
                    f"{key} is only allowed for integer and number options",
                )
            elif value is not None:
                _check_choice_value(errors, (*opath, key), otype, value)
        channel_types = _as_list(errors, (*opath, "channel_types"), option.get("channel_types"))
        for j, kind in enumerate(channel_types or []):
            if kind not in CHANNEL_TYPES:
                errors.add(
                    (*opath, "channel_types", j), "BASE_TYPE_CHOICES", f"Value must be one of {sorted(CHANNEL_TYPES)}."
                )
        if sub:
            errors.add(
                (*opath, "options"),
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Only sub-commands and groups have options",
            )


def validate_command(command: Any, errors: FormErrors, path: Path = ()) -> None:
    """One application command definition, as in ``POST``/``PATCH``/bulk ``PUT``."""
    if not isinstance(command, Mapping):
        errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    ctype = command.get("type", CHAT_INPUT)
    if ctype not in (CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND, PRIMARY_ENTRY_POINT):
        errors.add((*path, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}.")
        return
    chat_input = ctype == CHAT_INPUT
    _check_name(errors, (*path, "name"), command.get("name"), chat_input=chat_input)
    description = command.get("description")
    if chat_input:
        _check_str(errors, (*path, "description"), description, low=1, high=limits.COMMAND_DESCRIPTION, required=True)
    elif description:
        errors.add(
            (*path, "description"),
            "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
            "Context menu commands cannot have a description",
        )
    _check_localizations(
        errors,
        (*path, "name_localizations"),
        command.get("name_localizations"),
        high=limits.COMMAND_NAME,
        name=chat_input,
    )
    _check_localizations(
        errors,
        (*path, "description_localizations"),
        command.get("description_localizations"),
        high=limits.COMMAND_DESCRIPTION,
        name=False,
    )
    options = _as_list(errors, (*path, "options"), command.get("options"))
    if options:
        if not chat_input:
            errors.add(
                (*path, "options"), "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED", "Only chat input commands have options"
            )
        else:
            _validate_options(options, errors, (*path, "options"), depth=0)
    permissions = command.get("default_member_permissions")
    # Discord documents a string bit set but coerces a number too, and discord.py sends one (Permissions.value).
    is_number = isinstance(permissions, int) and not isinstance(permissions, bool) and permissions >= 0
    if permissions is not None and not is_number and not (_is_str(permissions) and permissions.isdigit()):
        errors.add(
            (*path, "default_member_permissions"), "NUMBER_TYPE_COERCE", f'Value "{permissions}" is not snowflake.'
        )
    for key, allowed in (("contexts", {0, 1, 2}), ("integration_types", {0, 1})):
        value = _as_list(errors, (*path, key), command.get(key))
        if value is not None and not 1 <= len(value) <= len(allowed):
            # Leaving the field out (or null) means the default; an empty list would make the command unusable.
            errors.bad_length((*path, key), 1, len(allowed))
        for i, item in enumerate(value or []):
            if item not in allowed:
                errors.add((*path, key, i), "BASE_TYPE_CHOICES", f"Value must be one of {sorted(allowed)}.")
        _check_unique(errors, (*path, key), value or [])
    for key in ("dm_permission", "nsfw"):
        _check_bool(errors, (*path, key), command.get(key))
    total = len(str(command.get("name") or "")) + len(str(description or ""))
    total += sum(_option_characters(o) for o in options or [] if isinstance(o, Mapping))
    if total > limits.COMMAND_TOTAL_CHARACTERS:
        errors.add(
            path, "APPLICATION_COMMAND_TOO_LARGE", f"Command exceeds maximum size ({limits.COMMAND_TOTAL_CHARACTERS})"
        )


def validate_command_list(commands: Any, errors: FormErrors) -> None:
    """A bulk overwrite: every command, unique (name, type), at most 100 chat input and 5 of each menu."""
    if not isinstance(commands, list):
        errors.add((), "BASE_TYPE_ARRAY", "Could not interpret value as array.")
        return
    seen: set[tuple[str, int]] = set()
    counts = {CHAT_INPUT: 0, USER_COMMAND: 0, MESSAGE_COMMAND: 0, PRIMARY_ENTRY_POINT: 0}
    for i, command in enumerate(commands):
        validate_command(command, errors, (i,))
        if not isinstance(command, Mapping):
            continue
        ctype = command.get("type", CHAT_INPUT)
        key = (str(command.get("name")), ctype)
        if key in seen:
            errors.add((i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
        seen.add(key)
        if ctype in counts:
            counts[ctype] += 1
    if counts[CHAT_INPUT] > limits.COMMANDS_PER_SCOPE:
        errors.max_length((), limits.COMMANDS_PER_SCOPE)
    for ctype in (USER_COMMAND, MESSAGE_COMMAND):
        if counts[ctype] > limits.CONTEXT_MENU_COMMANDS_PER_SCOPE:
            errors.add(
                (),
                "APPLICATION_COMMANDS_TOO_MANY_CONTEXT_MENUS",
                f"Maximum number of context menu commands of type {ctype} reached "
                f"({limits.CONTEXT_MENU_COMMANDS_PER_SCOPE})",
            )


# --------------------------------------------------------------------------------------------- autocomplete


def validate_autocomplete(data: Any, option_type: int | None, errors: FormErrors, path: Path) -> None:
    """Callback type 8 ``data``: at most 25 choices, names 1-100, values of the focused option's type."""
    if not isinstance(data, Mapping):
        errors.required(path)
        return
    choices = _as_list(errors, (*path, "choices"), data.get("choices"))
    if choices is None:
        errors.required((*path, "choices"))
        return
    if len(choices) > limits.AUTOCOMPLETE_CHOICES:
        errors.max_length((*path, "choices"), limits.AUTOCOMPLETE_CHOICES)
    for i, choice in enumerate(choices):
        cpath = (*path, "choices", i)
        if not isinstance(choice, Mapping):
            errors.add(cpath, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        _check_str(errors, (*cpath, "name"), choice.get("name"), low=1, high=limits.CHOICE_NAME, required=True)
        _check_choice_value(errors, (*cpath, "value"), option_type or OPT_STRING, choice.get("value"))


def focused_option(options: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The option marked ``focused`` in an autocomplete interaction, searching into sub-commands."""
    for option in options:
        if option.get("focused"):
            return option
        found = focused_option(option.get("options") or [])
        if found is not None:
            return found
    return None

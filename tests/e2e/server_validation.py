"""Validation of what the bot sends, as Discord does it: every limit and rule the local server
checks a request against."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from . import discord_payloads as p

# ---------------------------------------------------------------------------------------------
# Validation of what the bot sends, as Discord does it
# ---------------------------------------------------------------------------------------------

Problem = tuple[tuple[str | int, ...], str, str]

_URL_SCHEMES = ("http://", "https://", "attachment://")
MAX_ATTACHMENTS = 10  # files on one message
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # all the files of one request, without boosts
_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")


def _too_long(path: tuple[str | int, ...], limit: int) -> Problem:
    return path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."


def _required(path: tuple[str | int, ...]) -> Problem:
    return path, "BASE_TYPE_REQUIRED", "This field is required"


def _check_len(
    problems: list[Problem],
    value: Any,
    path: tuple[str | int, ...],
    limit: int,
    *,
    minimum: int = 0,
) -> int:
    """Check a string field's length; return the length that counts towards embed totals."""
    if value is None:
        if minimum:
            problems.append(_required(path))
        return 0
    if not isinstance(value, str):
        problems.append((path, "BASE_TYPE_STRING", "Could not interpret value as string."))
        return 0
    if len(value) > limit:
        problems.append(_too_long(path, limit))
    elif len(value) < minimum:
        problems.append((path, "BASE_TYPE_MIN_LENGTH", f"Must be {minimum} or more in length."))
    return len(value)


def _check_url(problems: list[Problem], value: Any, path: tuple[str | int, ...]) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.startswith(_URL_SCHEMES):
        problems.append((path, "URL_TYPE_INVALID_URL", "Not a well formed URL."))
    elif len(value) > 2048:
        problems.append(_too_long(path, 2048))


def validate_embeds(embeds: Any) -> list[Problem]:
    """Discord's embed limits: per field, 25 fields, 10 embeds, 6000 characters in all."""
    problems: list[Problem] = []
    if not isinstance(embeds, list):
        return [(("embeds",), "BASE_TYPE_LIST", "Must be a list.")]
    if len(embeds) > 10:
        problems.append(_too_long(("embeds",), 10))
    total = 0
    for i, embed in enumerate(embeds):
        at: tuple[str | int, ...] = ("embeds", i)
        if not isinstance(embed, dict):
            problems.append((at, "DICT_TYPE_CONVERT", "Only dictionaries may be used."))
            continue
        total += _check_len(problems, embed.get("title"), (*at, "title"), 256)
        total += _check_len(problems, embed.get("description"), (*at, "description"), 4096)
        _check_url(problems, embed.get("url"), (*at, "url"))
        color = embed.get("color")
        if color is not None and (not isinstance(color, int) or not 0 <= color <= 0xFFFFFF):
            problems.append(((*at, "color"), "NUMBER_TYPE_MAX", "int value should be <= 16777215."))
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append(_too_long((*at, "fields"), 25))
        for j, fld in enumerate(fields):
            total += _check_len(
                problems, fld.get("name"), (*at, "fields", j, "name"), 256, minimum=1
            )
            total += _check_len(
                problems, fld.get("value"), (*at, "fields", j, "value"), 1024, minimum=1
            )
        footer = embed.get("footer") or {}
        if footer:
            total += _check_len(
                problems, footer.get("text"), (*at, "footer", "text"), 2048, minimum=1
            )
            _check_url(problems, footer.get("icon_url"), (*at, "footer", "icon_url"))
        author = embed.get("author") or {}
        if author:
            total += _check_len(
                problems, author.get("name"), (*at, "author", "name"), 256, minimum=1
            )
            _check_url(problems, author.get("url"), (*at, "author", "url"))
            _check_url(problems, author.get("icon_url"), (*at, "author", "icon_url"))
        for media in ("image", "thumbnail"):
            if embed.get(media):
                _check_url(problems, embed[media].get("url"), (*at, media, "url"))
    if total > 6000:
        problems.append(
            (("embeds",), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
        )
    return problems


def _check_leaf_component(
    problems: list[Problem], comp: dict, at: tuple[str | int, ...], seen: set[str]
) -> None:
    ctype = comp.get("type")
    custom_id = comp.get("custom_id")
    if custom_id is not None:
        _check_len(problems, custom_id, (*at, "custom_id"), 100, minimum=1)
        if custom_id in seen:
            problems.append(
                (
                    (*at, "custom_id"),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            )
        seen.add(custom_id)
    if ctype == p.COMPONENT_BUTTON:
        style = comp.get("style")
        _check_len(problems, comp.get("label"), (*at, "label"), 80)
        if style == p.BUTTON_STYLE_LINK:
            if custom_id is not None:
                problems.append(
                    (
                        (*at, "custom_id"),
                        "BUTTON_COMPONENT_CUSTOM_ID_URL_MUTUALLY_EXCLUSIVE",
                        "A custom id and url cannot both be specified",
                    )
                )
            if not comp.get("url"):
                problems.append(_required((*at, "url")))
            elif not str(comp["url"]).startswith(("http://", "https://", "discord://")):
                problems.append(((*at, "url"), "URL_TYPE_INVALID_URL", "Not a well formed URL."))
        elif style != p.BUTTON_STYLE_PREMIUM and custom_id is None:
            problems.append(_required((*at, "custom_id")))
    elif ctype in p.SELECT_TYPES:
        if custom_id is None:
            problems.append(_required((*at, "custom_id")))
        _check_len(problems, comp.get("placeholder"), (*at, "placeholder"), 150)
        min_values, max_values = comp.get("min_values", 1), comp.get("max_values", 1)
        if not 0 <= min_values <= 25:
            problems.append(((*at, "min_values"), "NUMBER_TYPE_MAX", "int value should be <= 25."))
        if not 1 <= max_values <= 25:
            problems.append(((*at, "max_values"), "NUMBER_TYPE_MAX", "int value should be <= 25."))
        if ctype == p.COMPONENT_STRING_SELECT:
            options = comp.get("options") or []
            if not options:
                problems.append(
                    ((*at, "options"), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
                )
            if len(options) > 25:
                problems.append(_too_long((*at, "options"), 25))
            for k, option in enumerate(options):
                oat = (*at, "options", k)
                _check_len(problems, option.get("label"), (*oat, "label"), 100, minimum=1)
                _check_len(problems, option.get("value"), (*oat, "value"), 100, minimum=1)
                _check_len(problems, option.get("description"), (*oat, "description"), 100)


def _check_action_row(
    problems: list[Problem], row: dict, at: tuple[str | int, ...], seen: set[str]
) -> None:
    children = row.get("components") or []
    if not children:
        problems.append(
            ((*at, "components"), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
        )
    if len(children) > 5:
        problems.append(_too_long((*at, "components"), 5))
    if any(c.get("type") in p.SELECT_TYPES for c in children) and len(children) > 1:
        problems.append(
            (
                (*at, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        )
    for j, child in enumerate(children):
        ctype = child.get("type")
        if ctype not in (p.COMPONENT_BUTTON, *p.SELECT_TYPES):
            problems.append(
                (
                    (*at, "components", j, "type"),
                    "COMPONENT_TYPE_INVALID",
                    f"Component type {ctype} is not valid in an action row",
                )
            )
        _check_leaf_component(problems, child, (*at, "components", j), seen)


def validate_components(components: Any, *, v2: bool) -> list[Problem]:
    """Discord's component limits: 5 rows of 5 buttons, a select alone, custom_id <= 100..."""
    problems: list[Problem] = []
    if not isinstance(components, list):
        return [(("components",), "BASE_TYPE_LIST", "Must be a list.")]
    seen: set[str] = set()
    if not v2:
        if len(components) > 5:
            problems.append(_too_long(("components",), 5))
        for i, row in enumerate(components):
            if row.get("type") != p.COMPONENT_ACTION_ROW:
                problems.append(
                    (
                        ("components", i, "type"),
                        "COMPONENT_TYPE_INVALID",
                        "Top-level components must be action rows",
                    )
                )
                continue
            _check_action_row(problems, row, ("components", i), seen)
        return problems

    # Components v2: any layout, at most 40 components counting nested ones.
    count = 0

    def walk(comp: dict, at: tuple[str | int, ...]) -> None:
        nonlocal count
        count += 1
        if comp.get("type") == p.COMPONENT_ACTION_ROW:
            count += len(comp.get("components") or [])
            _check_action_row(problems, comp, at, seen)
            return
        _check_leaf_component(problems, comp, at, seen)
        if comp.get("type") == 10:  # text display
            _check_len(problems, comp.get("content"), (*at, "content"), 4000)
        for j, child in enumerate(comp.get("components") or []):
            walk(child, (*at, "components", j))
        if isinstance(comp.get("accessory"), dict):
            walk(comp["accessory"], (*at, "accessory"))

    for i, comp in enumerate(components):
        walk(comp, ("components", i))
    if count > 40:
        problems.append(_too_long(("components",), 40))
    return problems


def validate_message_fields(body: Mapping[str, Any], *, flags: int) -> list[Problem]:
    """Lengths and counts of the message fields present in ``body``."""
    problems: list[Problem] = []
    if body.get("content") is not None:
        _check_len(problems, body["content"], ("content",), 2000)
        if flags & p.FLAG_IS_COMPONENTS_V2 and body["content"]:
            problems.append(
                (
                    ("content",),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                )
            )
    if body.get("embeds") is not None:
        problems += validate_embeds(body["embeds"])
        if flags & p.FLAG_IS_COMPONENTS_V2 and body["embeds"]:
            problems.append(
                (
                    ("embeds",),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'embeds' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                )
            )
    if body.get("components") is not None:
        problems += validate_components(
            body["components"], v2=bool(flags & p.FLAG_IS_COMPONENTS_V2)
        )
    nonce = body.get("nonce")
    if nonce is not None:
        if isinstance(nonce, str):
            _check_len(problems, nonce, ("nonce",), 25)
        elif not isinstance(nonce, int):
            problems.append(
                (("nonce",), "BASE_TYPE_STRING", "Could not interpret value as string.")
            )
    return problems


def validate_autocomplete_choices(choices: Any, option_type: int | None) -> list[Problem]:
    """At most 25 choices; name 1-100 characters; value of the option's type, 100 at most."""
    problems: list[Problem] = []
    if not isinstance(choices, list):
        return [(("data", "choices"), "BASE_TYPE_LIST", "Must be a list.")]
    if len(choices) > 25:
        problems.append(_too_long(("data", "choices"), 25))
    for i, choice in enumerate(choices):
        at: tuple[str | int, ...] = ("data", "choices", i)
        _check_len(problems, choice.get("name"), (*at, "name"), 100, minimum=1)
        value = choice.get("value")
        if option_type in (p.OPTION_INTEGER, p.OPTION_NUMBER):
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(
                    ((*at, "value"), "NUMBER_TYPE_COERCE", f'Value "{value}" is not a number.')
                )
        else:
            _check_len(problems, value, (*at, "value"), 100, minimum=1)
    return problems


def validate_modal(data: Any) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return [(("data",), "DICT_TYPE_CONVERT", "Only dictionaries may be used.")]
    _check_len(problems, data.get("custom_id"), ("data", "custom_id"), 100, minimum=1)
    _check_len(problems, data.get("title"), ("data", "title"), 45, minimum=1)
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        problems.append(_too_long(("data", "components"), 5))
    return problems


def _validate_command_options(
    problems: list[Problem], options: list[dict], at: tuple[str | int, ...]
) -> None:
    if len(options) > 25:
        problems.append(_too_long((*at, "options"), 25))
    names: set[str] = set()
    seen_optional = False
    for i, option in enumerate(options):
        oat = (*at, "options", i)
        name = option.get("name", "")
        if not _COMMAND_NAME.match(name) or name != name.lower():
            problems.append(((*oat, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Invalid name"))
        if name in names:
            problems.append(
                (
                    (*oat, "name"),
                    "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                    "Option names must be unique",
                )
            )
        names.add(name)
        _check_len(problems, option.get("description"), (*oat, "description"), 100, minimum=1)
        choices = option.get("choices") or []
        if len(choices) > 25:
            problems.append(_too_long((*oat, "choices"), 25))
        for k, choice in enumerate(choices):
            _check_len(problems, choice.get("name"), (*oat, "choices", k, "name"), 100, minimum=1)
            if isinstance(choice.get("value"), str):
                _check_len(problems, choice["value"], (*oat, "choices", k, "value"), 100)
        if choices and option.get("autocomplete"):
            problems.append(
                (
                    (*oat, "autocomplete"),
                    "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                    "Autocomplete cannot be set for options with choices",
                )
            )
        if option.get("type") in (p.OPTION_SUB_COMMAND, p.OPTION_SUB_COMMAND_GROUP):
            _validate_command_options(problems, option.get("options") or [], oat)
            continue
        if option.get("required"):
            if seen_optional:
                problems.append(
                    (
                        (*oat, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            seen_optional = True


def validate_commands(commands: Any) -> list[Problem]:
    """A bulk command overwrite: names, descriptions, option counts and order."""
    if not isinstance(commands, list):
        return [((), "BASE_TYPE_LIST", "Must be a list.")]
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    if sum(1 for c in commands if c.get("type", 1) == 1) > 100:
        problems.append(_too_long((), 100))
    for i, command in enumerate(commands):
        ctype = command.get("type", 1)
        name = command.get("name", "")
        if ctype == 1:
            if not _COMMAND_NAME.match(name) or name != name.lower():
                problems.append(((i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Invalid name"))
            _check_len(problems, command.get("description"), (i, "description"), 100, minimum=1)
            _validate_command_options(problems, command.get("options") or [], (i,))
        else:
            _check_len(problems, name, (i, "name"), 32, minimum=1)
        if (ctype, name) in seen:
            problems.append(
                (
                    (i, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique ({name})",
                )
            )
        seen.add((ctype, name))
    return problems


_SERVER_COMMAND_KEYS = ("id", "application_id", "version", "guild_id", "default_permission")


def _as_sent(command: Mapping[str, Any]) -> dict:
    """A stored command without the fields Discord adds, as a bot would send it."""
    return {k: v for k, v in command.items() if k not in _SERVER_COMMAND_KEYS}


def _walk_components(components: Iterable[dict]) -> Iterable[dict]:
    for comp in components:
        yield comp
        yield from _walk_components(comp.get("components") or [])
        if isinstance(comp.get("accessory"), dict):
            yield from _walk_components([comp["accessory"]])


def _number_components(components: list[dict]) -> None:
    """Discord gives every component a numeric ``id`` when the sender leaves it out."""
    used = {c["id"] for c in _walk_components(components) if isinstance(c.get("id"), int)}
    next_id = 1
    for comp in _walk_components(components):
        if not isinstance(comp.get("id"), int):
            while next_id in used:
                next_id += 1
            comp["id"] = next_id
            used.add(next_id)

"""A local Discord-compatible server that end-to-end tests drive the real discord.py client with.

It speaks the gateway (websocket) and the REST API on 127.0.0.1, holds a small world of guilds,
channels, roles and members, stores what the bot posts, and enforces the Discord rules a bot can
break (lengths, counts, the 3 s interaction deadline, double acknowledgements). Every rule broken
and every request it does not understand is recorded; ``assert_clean()`` fails the test on them.

Tests act as Discord users through the async drivers (``run_command``, ``autocomplete``,
``press_button``, ``select``, ``add_reaction``...) and as Discord's infrastructure through the
fault injectors (``drop_gateway``, ``send_reconnect``, ``invalidate_session``, ``rate_limit``,
``forbid_posting``, ``delete_channel``).

Threads and forums: ``add_channel(..., type=p.CHANNEL_FORUM, available_tags=..., flags=...)``,
``add_thread``, ``start_thread``, ``update_thread``, ``archive_thread``, ``threads_of``,
``forum_posts``; the REST routes create forum posts and threads, and replies
(``message_reference``) are checked and stored as type 19.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import json
import logging
import math
import re
import secrets
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import unquote

import discord
from aiohttp import WSMsgType, web

from bot.discord.endpoints import configure_endpoints

from . import discord_payloads as p

log = logging.getLogger(__name__)

T = TypeVar("T")

GATEWAY_PATH = "/gateway"
RESUME_GATEWAY_PATH = "/gateway-resume"
API_PREFIX = f"/api/v{p.API_VERSION}"

# Which intent a dispatch needs; events not listed are always sent (READY, INTERACTION_CREATE...).
EVENT_INTENTS: dict[str, int] = {
    "GUILD_CREATE": p.INTENT_GUILDS,
    "GUILD_UPDATE": p.INTENT_GUILDS,
    "GUILD_DELETE": p.INTENT_GUILDS,
    "CHANNEL_CREATE": p.INTENT_GUILDS,
    "CHANNEL_UPDATE": p.INTENT_GUILDS,
    "CHANNEL_DELETE": p.INTENT_GUILDS,
    "GUILD_ROLE_CREATE": p.INTENT_GUILDS,
    "GUILD_ROLE_UPDATE": p.INTENT_GUILDS,
    "GUILD_ROLE_DELETE": p.INTENT_GUILDS,
    "GUILD_MEMBER_ADD": p.INTENT_GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": p.INTENT_GUILD_MEMBERS,
    "MESSAGE_CREATE": p.INTENT_GUILD_MESSAGES,
    "MESSAGE_UPDATE": p.INTENT_GUILD_MESSAGES,
    "MESSAGE_DELETE": p.INTENT_GUILD_MESSAGES,
    "THREAD_CREATE": p.INTENT_GUILDS,
    "THREAD_UPDATE": p.INTENT_GUILDS,
    "THREAD_DELETE": p.INTENT_GUILDS,
    "MESSAGE_REACTION_ADD": p.INTENT_GUILD_MESSAGE_REACTIONS,
    "MESSAGE_REACTION_REMOVE": p.INTENT_GUILD_MESSAGE_REACTIONS,
}

# Discord error codes used here.
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_APPLICATION_COMMAND = 10063
UNKNOWN_INTERACTION = 10062
UNKNOWN_USER = 10013
CANNOT_MESSAGE_USER = 50007
CHANNEL_DM = 1
MISSING_ACCESS = 50001
CANNOT_SEND_EMPTY_MESSAGE = 50006
CANNOT_EDIT_OTHERS_MESSAGE = 50005
INVALID_WEBHOOK_TOKEN = 50027
MISSING_PERMISSIONS = 50013
INVALID_FORM_BODY = 50035
INVALID_JSON = 50109
ALREADY_ACKNOWLEDGED = 40060
CANNOT_SEND_IN_NON_TEXT_CHANNEL = 50008
INVALID_CHANNEL_TYPE = 50024  # "Cannot execute action on this channel type"
THREAD_ARCHIVED = 50083
TAG_REQUIRED = 40067
THREAD_ALREADY_CREATED = 160004
THREAD_LOCKED = 160005
REPLY_WITHOUT_HISTORY = 160002

# The value discord.py accepts as Discord's answer: exactly this, no charset.
JSON_CONTENT_TYPE = "application/json"


class CommandNotAvailable(Exception):
    """The Discord client would not offer this command to this user here (permissions, context)."""


class DiscordHTTPError(Exception):
    """Raised inside a route handler to answer with a Discord error body."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: Mapping[str, Any] | None = None,
        *,
        violation: str | None = None,
        unhandled: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        # When set, the bot broke a Discord rule and the test must fail unless it expects it.
        self.violation = violation
        # The server does not implement this request: also a test failure.
        self.unhandled = unhandled


@dataclass
class Violation:
    """A Discord rule the bot broke."""

    kind: str
    detail: str
    method: str = ""
    path: str = ""
    body: Any = None

    def __str__(self) -> str:
        where = f" ({self.method} {self.path})" if self.method else ""
        return f"{self.kind}{where}: {self.detail}"


@dataclass
class RequestRecord:
    """One REST request as received, with the status it was answered with."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0
    files: list[dict] = field(default_factory=list)


@dataclass
class Action:
    """Something the bot did that Discord accepted, in order."""

    kind: str
    payload: Any = None
    result: Any = None
    channel_id: int | None = None
    message_id: int | None = None
    interaction_id: int | None = None
    guild_id: int | None = None


@dataclass
class HoldRule:
    """Do the next ``remaining`` matching requests, but keep their responses until
    ``released`` is set: the client sees nothing, as when it dies mid-request."""

    method: str
    pattern: re.Pattern[str]
    remaining: int
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    held: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (
            self.remaining > 0
            and self.method in ("*", method)
            and self.pattern.fullmatch(path) is not None
        )


@dataclass
class RateLimitRule:
    """Answer the next ``remaining`` requests matching ``method`` and ``pattern`` with 429."""

    method: str
    pattern: re.Pattern[str]
    remaining: int
    retry_after: float
    is_global: bool = False
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (
            self.remaining > 0
            and self.method in ("*", method)
            and self.pattern.fullmatch(path) is not None
        )


# ---------------------------------------------------------------------------------------------
# The world: users, roles, channels, members, guilds
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class FakeUser:
    id: int
    name: str
    bot: bool = False
    global_name: str | None = None

    def payload(self) -> dict:
        return p.user_payload(self.id, self.name, bot=self.bot, global_name=self.global_name)


@dataclass(eq=False)
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False
    bot_id: int | None = None
    mentionable: bool = False

    def payload(self) -> dict:
        return p.role_payload(
            self.id,
            self.name,
            self.permissions,
            position=self.position,
            managed=self.managed,
            bot_id=self.bot_id,
            mentionable=self.mentionable,
        )


@dataclass(eq=False)
class FakeChannel:
    id: int
    guild_id: int
    name: str
    type: int = p.CHANNEL_TEXT
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    overwrites: list[dict] = field(default_factory=list)
    deleted: bool = False
    last_message_id: int | None = None
    flags: int = 0
    # Forums: the tags a post may carry (``discord_payloads.forum_tag_payload``s).
    available_tags: list[dict] = field(default_factory=list)
    # Threads (types 10, 11, 12; forum posts are type 11 under a forum).
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    archive_timestamp: str = ""
    applied_tags: list[int] = field(default_factory=list)
    message_count: int = 0
    total_message_sent: int = 0
    member_count: int = 1

    @property
    def is_text(self) -> bool:
        """A text or announcement channel (threads and forums are not)."""
        return self.type in (p.CHANNEL_TEXT, p.CHANNEL_NEWS)

    @property
    def is_thread(self) -> bool:
        return self.type in p.THREAD_TYPES

    @property
    def is_forum(self) -> bool:
        return self.type == p.CHANNEL_FORUM

    @property
    def tag_ids(self) -> list[int]:
        return [int(t["id"]) for t in self.available_tags]

    def tag(self, name: str) -> dict:
        """The forum tag called ``name``."""
        for tag in self.available_tags:
            if tag["name"] == name:
                return tag
        raise KeyError(f"channel {self.name!r} has no tag {name!r}")

    def payload(self, *, permissions: int | None = None) -> dict:
        if self.is_thread:
            return p.thread_payload(
                self.id,
                self.guild_id,
                self.name,
                type=self.type,
                parent_id=self.parent_id or 0,
                owner_id=self.owner_id or 0,
                metadata=p.thread_metadata_payload(
                    archived=self.archived,
                    auto_archive_duration=self.auto_archive_duration,
                    archive_timestamp=self.archive_timestamp,
                    locked=self.locked,
                    invitable=True if self.type == p.CHANNEL_PRIVATE_THREAD else None,
                ),
                message_count=self.message_count,
                member_count=self.member_count,
                total_message_sent=self.total_message_sent,
                last_message_id=self.last_message_id,
                applied_tags=self.applied_tags,
                flags=self.flags,
                permissions=permissions,
            )
        return p.channel_payload(
            self.id,
            self.guild_id,
            self.name,
            type=self.type,
            position=self.position,
            parent_id=self.parent_id,
            topic=self.topic,
            overwrites=self.overwrites,
            last_message_id=self.last_message_id,
            permissions=permissions,
            flags=self.flags,
            available_tags=self.available_tags,
        )


@dataclass(eq=False)
class FakeMember:
    user: FakeUser
    roles: list[int]
    joined_at: str
    nick: str | None = None

    @property
    def id(self) -> int:
        return self.user.id

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> dict:
        return p.member_payload(
            self.user.payload() if with_user else None,
            self.roles,
            joined_at=self.joined_at,
            nick=self.nick,
            permissions=permissions,
        )


@dataclass(eq=False)
class FakeGuild:
    id: int
    name: str
    owner_id: int
    joined_at: str
    roles: list[FakeRole] = field(default_factory=list)
    channels: list[FakeChannel] = field(default_factory=list)
    members: dict[int, FakeMember] = field(default_factory=dict)
    system_channel_id: int | None = None
    # False once the bot is removed (``remove_bot_from_guild``): READY no longer lists it and
    # the bot's requests to it answer 403 Missing Access, as on Discord.
    bot_present: bool = True

    @property
    def everyone(self) -> FakeRole:
        return next(r for r in self.roles if r.id == self.id)

    @property
    def text_channels(self) -> list[FakeChannel]:
        return [c for c in self.channels if c.is_text and not c.deleted]

    def channel(self, name: str) -> FakeChannel:
        """The live channel called ``name``."""
        for channel in self.channels:
            if channel.name == name and not channel.deleted:
                return channel
        raise KeyError(f"guild {self.name!r} has no channel {name!r}")

    def role(self, name: str) -> FakeRole:
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(f"guild {self.name!r} has no role {name!r}")

    def base_permissions(self, user_id: int) -> int:
        """Guild-level permissions (roles only), as Discord computes them."""
        if user_id == self.owner_id:
            return p.ALL_PERMISSIONS
        member = self.members.get(user_id)
        perms = self.everyone.permissions
        if member is not None:
            for role in self.roles:
                if role.id in member.roles:
                    perms |= role.permissions
        if perms & p.ADMINISTRATOR:
            return p.ALL_PERMISSIONS
        return perms

    def get_channel(self, channel_id: int | None) -> FakeChannel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def permissions_in(self, user_id: int, channel: FakeChannel | None) -> int:
        """Permissions in a channel: base, then @everyone, role and member overwrites. A
        thread has no overwrites of its own: its parent's permissions apply."""
        if channel is not None and channel.is_thread:
            channel = self.get_channel(channel.parent_id)
        perms = self.base_permissions(user_id)
        if channel is None or perms & p.ADMINISTRATOR or user_id == self.owner_id:
            return perms
        member = self.members.get(user_id)
        role_ids = set(member.roles) if member else set()
        overwrites = {(int(o["id"]), o["type"]): o for o in channel.overwrites}
        everyone = overwrites.get((self.id, 0))
        if everyone:
            perms = (perms & ~int(everyone["deny"])) | int(everyone["allow"])
        allow = deny = 0
        for (target, kind), ow in overwrites.items():
            if kind == 0 and target in role_ids and target != self.id:
                allow |= int(ow["allow"])
                deny |= int(ow["deny"])
        perms = (perms & ~deny) | allow
        own = overwrites.get((user_id, 1))
        if own:
            perms = (perms & ~int(own["deny"])) | int(own["allow"])
        if not perms & p.VIEW_CHANNEL:
            return 0
        return perms


@dataclass(eq=False)
class StoredMessage:
    """A message as the server keeps it; ``data`` is the Discord payload, kept current."""

    data: dict
    channel_id: int
    guild_id: int | None
    author_id: int
    ephemeral: bool = False
    deleted: bool = False
    interaction_id: int | None = None
    # emoji key -> (emoji payload, user ids in order of reacting)
    reactions: dict[str, tuple[dict, list[int]]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.data["id"])

    def snapshot(self) -> dict:
        return copy.deepcopy(self.data)


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


# ---------------------------------------------------------------------------------------------
# Interactions
# ---------------------------------------------------------------------------------------------


class InteractionHandle:
    """An interaction the test dispatched; await the bot's answers from it."""

    def __init__(
        self,
        server: DiscordServer,
        *,
        interaction_id: int,
        token: str,
        interaction_type: int,
        payload: dict,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        command_name: str | None = None,
        focused_type: int | None = None,
        source_message_id: int | None = None,
    ) -> None:
        self._server = server
        self.id = interaction_id
        self.token = token
        self.type = interaction_type
        self.payload = payload
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.user_id = user_id
        self.command_name = command_name
        self.focused_type = focused_type
        self.source_message_id = source_message_id
        self.dispatched_at = 0.0
        self.expired = False
        # The accepted initial response: {"type": int, "data": dict | None}.
        self.callback: dict | None = None
        # Callbacks Discord refused (late, second, invalid): {"type", "data", "status", "code"}.
        self.rejected: list[dict] = []
        self.choices: list[dict] | None = None
        self.modal: dict | None = None
        self.original_id: int | None = None
        self.original_ready = False
        self.followup_ids: list[int] = []
        self.edits: list[dict] = []

    @property
    def acknowledged(self) -> bool:
        return self.callback is not None

    @property
    def deferred(self) -> bool:
        return self.callback is not None and self.callback["type"] in (
            p.CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            p.CALLBACK_DEFERRED_UPDATE_MESSAGE,
        )

    @property
    def original(self) -> dict | None:
        """The response message as it stands now (loading while deferred)."""
        if self.original_id is None:
            return None
        stored = self._server._messages.get(self.original_id)
        return stored.snapshot() if stored else None

    @property
    def followups(self) -> list[dict]:
        return [self._server._messages[mid].snapshot() for mid in self.followup_ids]

    async def response(self, timeout: float = 5.0) -> dict:
        """The accepted initial response ``{"type", "data"}``."""
        return await self._server.wait_until(
            lambda: self.callback, timeout, f"an initial response to interaction {self.id}"
        )

    async def message(self, timeout: float = 5.0) -> dict:
        """The response message once it has content: sent, updated, or a deferral edited."""

        def ready() -> dict | None:
            if not self.original_ready:
                return None
            return self.original

        return await self._server.wait_until(
            ready, timeout, f"the response message of interaction {self.id}"
        )

    async def followup(self, index: int = 0, timeout: float = 5.0) -> dict:
        """The ``index``-th follow-up message."""
        return await self._server.wait_until(
            lambda: self.followups[index] if len(self.followup_ids) > index else None,
            timeout,
            f"follow-up #{index} of interaction {self.id}",
        )

    def __repr__(self) -> str:
        return f"<InteractionHandle id={self.id} type={self.type} name={self.command_name!r}>"


# ---------------------------------------------------------------------------------------------
# Gateway sessions
# ---------------------------------------------------------------------------------------------


class _GatewayConnection:
    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.ws = ws
        self.transport = request.transport
        self.path = request.path
        self.query = dict(request.query)
        self.session: _GatewaySession | None = None
        self.heartbeats = 0
        self.close_code: int | None = None

    async def send(self, frame: dict) -> bool:
        try:
            await self.ws.send_str(json.dumps(frame))
        except (ConnectionError, RuntimeError):
            return False
        return True


class _GatewaySession:
    def __init__(self, session_id: str, intents: int, identify: dict) -> None:
        self.id = session_id
        self.intents = intents
        self.identify = identify
        self.conn: _GatewayConnection | None = None
        self.seq = 0
        self.sent: list[dict] = []
        self.alive = True
        self.lock = asyncio.Lock()

    def wants(self, event: str) -> bool:
        needed = EVENT_INTENTS.get(event)
        return needed is None or bool(self.intents & needed)

    async def dispatch(self, event: str, data: dict) -> None:
        async with self.lock:
            self.seq += 1
            frame = p.gateway_frame(p.OP_DISPATCH, data, s=self.seq, t=event)
            # Kept so a RESUME can replay what a dropped connection missed.
            self.sent.append(frame)
            if self.conn is not None:
                await self.conn.send(frame)


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


@dataclass
class _Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[dict]
    headers: Mapping[str, str]


Handler = Callable[..., Awaitable[tuple[int, Any]]]


class DiscordServer:
    """A Discord-compatible gateway and REST server on 127.0.0.1 for end-to-end tests."""

    def __init__(
        self,
        *,
        token: str = "test-bot-token",
        default_world: bool = True,
        interaction_deadline: float = 3.0,
        interaction_token_ttl: float = 15 * 60.0,
        nonce_window: float = 120.0,
        heartbeat_interval_ms: int = 41250,
        allow_privileged_intents: bool = True,
        strict_allowed_mentions: bool = False,
        bot_name: str = "Written Answers",
    ) -> None:
        self.token = token
        self.interaction_deadline = interaction_deadline
        self.interaction_token_ttl = interaction_token_ttl
        self.nonce_window = nonce_window
        # Seconds added to the nonce window's clock (``advance_nonce_clock``): a test waits out
        # Discord's few minutes of nonce memory without sleeping through them.
        self.nonce_clock_offset = 0.0
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.allow_privileged_intents = allow_privileged_intents
        # Design rule of this project, not Discord's: outgoing messages must ping nobody.
        self.strict_allowed_mentions = strict_allowed_mentions

        self.snowflake = p.SnowflakeFactory()
        self.users: dict[int, FakeUser] = {}
        self.guilds: list[FakeGuild] = []
        self.bot_user = self.add_user(bot_name, bot=True)
        self.application_id = self.bot_user.id  # as for every application made since 2020
        # People to act as; the default world puts them in every guild.
        self.owner_user = self.add_user("olivia_owner", global_name="Olivia")
        self.admin_user = self.add_user("alice_mod", global_name="Alice")
        self.plain_user = self.add_user("bob_member", global_name="Bob")
        self.other_bot = self.add_user("Other Bot", bot=True)

        # What happened, for assertions.
        self.requests: list[RequestRecord] = []
        self.actions: list[Action] = []
        self.violations: list[Violation] = []
        self.unhandled: list[RequestRecord] = []
        self.rate_limited: list[RequestRecord] = []
        self.identify_payloads: list[dict] = []
        self.resume_payloads: list[dict] = []
        self.gateway_connections: list[dict] = []
        self.gateway_received: list[dict] = []
        self.interactions: dict[int, InteractionHandle] = {}
        self.files: dict[int, bytes] = {}

        self._commands: dict[int | None, list[dict]] = {}
        self._command_versions: dict[tuple[int | None, str, int], int] = {}
        self._messages: dict[int, StoredMessage] = {}
        self._channel_messages: dict[int, list[int]] = {}
        self._nonces: dict[tuple[int, str], tuple[float, int]] = {}
        # Direct messages: the bot's DM channel with each user (POST /users/@me/channels), and
        # the users whose DMs are closed to the bot (a send answers 50007, as Discord does).
        self._dm_channels: dict[int, FakeChannel] = {}
        self._dm_recipients: dict[int, int] = {}  # DM channel id -> the user
        self.dms_closed: set[int] = set()
        self._rate_limits: list[RateLimitRule] = []
        self._holds: list[HoldRule] = []
        self._sessions: list[_GatewaySession] = []
        self._connections: list[_GatewayConnection] = []
        self._interactions_by_token: dict[str, InteractionHandle] = {}
        self._changed_event: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        self._routes = self._route_table()

        if default_world:
            self._build_default_world()

    # --- world building ----------------------------------------------------------------------

    def add_user(self, name: str, *, bot: bool = False, global_name: str | None = None) -> FakeUser:
        """A user known to the server (add them to guilds with ``add_member``)."""
        user = FakeUser(self.snowflake(), name, bot=bot, global_name=global_name)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        owner: FakeUser | None = None,
        everyone_permissions: int = p.EVERYONE_PERMISSIONS,
        bot_permissions: int = p.BOT_ROLE_PERMISSIONS,
    ) -> FakeGuild:
        """A guild the bot is in, with @everyone and the bot's managed role. Call before the
        bot connects; guilds are announced at IDENTIFY."""
        guild_id = self.snowflake()
        owner = owner or self.owner_user
        guild = FakeGuild(guild_id, name, owner.id, joined_at=p.iso_timestamp())
        guild.roles.append(FakeRole(guild_id, "@everyone", everyone_permissions, position=0))
        bot_role = FakeRole(
            self.snowflake(),
            self.bot_user.name,
            bot_permissions,
            position=1,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles.append(bot_role)
        self.guilds.append(guild)
        self.add_member(guild, owner)
        self.add_member(guild, self.bot_user, roles=[bot_role])
        return guild

    def add_role(
        self, guild: FakeGuild, name: str, permissions: int, *, mentionable: bool = False
    ) -> FakeRole:
        """A role in ``guild``. Like every add_*, call it before the bot connects."""
        role = FakeRole(
            self.snowflake(), name, permissions, position=len(guild.roles), mentionable=mentionable
        )
        guild.roles.append(role)
        return role

    def add_channel(
        self,
        guild: FakeGuild,
        name: str,
        *,
        type: int = p.CHANNEL_TEXT,
        parent: FakeChannel | None = None,
        topic: str | None = None,
        overwrites: Iterable[dict] = (),
        available_tags: Iterable[str | Mapping[str, Any]] = (),
        flags: int = 0,
    ) -> FakeChannel:
        """A channel in ``guild``; ``overwrites`` are ``discord_payloads.overwrite_payload``s.
        A forum (``type=p.CHANNEL_FORUM``) takes ``available_tags`` (names, or
        ``discord_payloads.forum_tag_payload``s) and ``flags`` (``p.CHANNEL_FLAG_REQUIRE_TAG``).
        Threads are made with ``add_thread``."""
        if type in p.THREAD_TYPES:
            raise ValueError("threads are made with add_thread(parent, name)")
        channel = FakeChannel(
            self.snowflake(),
            guild.id,
            name,
            type=type,
            position=sum(1 for c in guild.channels if c.type == type),
            parent_id=parent.id if parent else None,
            topic=topic,
            overwrites=list(overwrites),
            flags=flags,
            available_tags=[self._forum_tag(t) for t in available_tags],
        )
        guild.channels.append(channel)
        self._channel_messages[channel.id] = []
        if guild.system_channel_id is None and channel.is_text:
            guild.system_channel_id = channel.id
        return channel

    def _forum_tag(self, tag: str | Mapping[str, Any]) -> dict:
        if isinstance(tag, str):
            return p.forum_tag_payload(self.snowflake(), tag)
        return p.forum_tag_payload(
            int(tag.get("id") or self.snowflake()),
            tag["name"],
            moderated=bool(tag.get("moderated")),
            emoji_id=int(tag["emoji_id"]) if tag.get("emoji_id") else None,
            emoji_name=tag.get("emoji_name"),
        )

    def add_thread(
        self,
        parent: FakeChannel | int | str,
        name: str,
        archived: bool = False,
        locked: bool = False,
        *,
        type: int | None = None,
        owner: FakeUser | FakeMember | int | None = None,
        applied_tags: Iterable[int | str | Mapping[str, Any]] = (),
        content: str | None = None,
        auto_archive_duration: int = 1440,
    ) -> FakeChannel:
        """A thread under a text or announcement channel, or a post in a forum (``content``
        becomes the post's starter message, whose id is the thread's). Owned by ``owner`` (the
        plain user by default). Call before the bot connects: GUILD_CREATE lists active
        threads; afterwards use ``start_thread`` (which dispatches THREAD_CREATE)."""
        target = self._channel(parent)
        if type is None:
            type = (
                p.CHANNEL_ANNOUNCEMENT_THREAD
                if target.type == p.CHANNEL_NEWS
                else p.CHANNEL_PUBLIC_THREAD
            )
        author = self._user(owner)
        thread = self._new_thread(
            target,
            name,
            thread_id=self.snowflake(),
            type=type,
            owner_id=author.id,
            auto_archive_duration=auto_archive_duration,
            applied_tags=[self._tag_id(target, t) for t in applied_tags],
        )
        if content is not None:
            starter = self._store_message(
                thread, author, {"content": content}, None, message_id=thread.id
            )
            thread.last_message_id = starter.id
        thread.archived, thread.locked = archived, locked
        return thread

    @staticmethod
    def _tag_id(forum: FakeChannel, tag: int | str | Mapping[str, Any]) -> int:
        if isinstance(tag, Mapping):
            return int(tag["id"])
        if isinstance(tag, str) and not tag.isdigit():
            return int(forum.tag(tag)["id"])
        return int(tag)

    def _new_thread(
        self,
        parent: FakeChannel,
        name: str,
        *,
        thread_id: int,
        type: int,
        owner_id: int,
        auto_archive_duration: int = 1440,
        applied_tags: Iterable[int] = (),
    ) -> FakeChannel:
        guild = self._guild_of(parent)
        thread = FakeChannel(
            thread_id,
            guild.id,
            name,
            type=type,
            parent_id=parent.id,
            owner_id=owner_id,
            auto_archive_duration=auto_archive_duration,
            archive_timestamp=p.iso_timestamp(),
            applied_tags=list(applied_tags),
        )
        guild.channels.append(thread)
        self._channel_messages[thread.id] = []
        if parent.is_forum:
            parent.last_message_id = thread.id
        return thread

    def add_member(
        self,
        guild: FakeGuild,
        user: FakeUser,
        *,
        roles: Iterable[FakeRole] = (),
        nick: str | None = None,
    ) -> FakeMember:
        """Make ``user`` a member of ``guild`` with ``roles`` (besides @everyone)."""
        member = FakeMember(user, [r.id for r in roles], p.iso_timestamp(), nick=nick)
        guild.members[user.id] = member
        return member

    def _build_default_world(self) -> None:
        """Two guilds with a few text channels; the owner, a moderator with Manage Channels,
        a plain member and another bot in both."""
        for name, channels in (
            ("Westminster Watchers", ("general", "written-answers", "education")),
            ("SEND Campaigners", ("general", "alerts")),
        ):
            guild = self.add_guild(name)
            moderator = self.add_role(
                guild, "Moderator", p.MANAGE_CHANNELS | p.MANAGE_MESSAGES | p.KICK_MEMBERS
            )
            self.add_member(guild, self.admin_user, roles=[moderator])
            self.add_member(guild, self.plain_user)
            self.add_member(guild, self.other_bot)
            category = self.add_channel(guild, "Parliament", type=p.CHANNEL_CATEGORY)
            for channel_name in channels:
                self.add_channel(guild, channel_name, parent=category)
            self.add_channel(guild, "Lobby", type=p.CHANNEL_VOICE, parent=category)

    @property
    def guild(self) -> FakeGuild:
        """The first guild."""
        return self.guilds[0]

    @property
    def channel(self) -> FakeChannel:
        """The first text channel of the first guild."""
        return self.guild.text_channels[0]

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the server is not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{RESUME_GATEWAY_PATH}"

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_get(GATEWAY_PATH, self._gateway_handler)
        app.router.add_get(RESUME_GATEWAY_PATH, self._gateway_handler)
        app.router.add_route("*", "/{tail:.*}", self._rest_handler)
        self._runner = web.AppRunner(
            app, handle_signals=False, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Close every gateway connection and stop listening."""
        for hold in self._holds:
            hold.released.set()
        for conn in list(self._connections):
            with contextlib.suppress(Exception):
                await conn.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- checks ------------------------------------------------------------------------------

    def record_violation(
        self, kind: str, detail: str, request: _Request | None = None
    ) -> Violation:
        violation = Violation(
            kind,
            detail,
            request.method if request else "",
            request.path if request else "",
            request.body if request else None,
        )
        log.warning("Discord rule broken: %s", violation)
        self.violations.append(violation)
        self._changed()
        return violation

    def pop_violations(self, kind: str, *kinds: str) -> list[Violation]:
        """Take (and forget) the violations of the kinds a test expected; any other kind stays
        and fails the test at teardown. There is no "take them all": name what you expect."""
        wanted = {kind, *kinds}
        taken = [v for v in self.violations if v.kind in wanted]
        self.violations = [v for v in self.violations if v not in taken]
        return taken

    def pop_unhandled(self) -> list[RequestRecord]:
        taken, self.unhandled = self.unhandled, []
        return taken

    def assert_clean(self) -> None:
        """Fail when the bot broke a Discord rule or called something this server lacks."""
        lines = [f"violation: {v}" for v in self.violations]
        lines += [f"unhandled request: {r.method} {r.path}" for r in self.unhandled]
        if lines:
            raise AssertionError("the local Discord server saw problems:\n  " + "\n  ".join(lines))

    # --- waiting -----------------------------------------------------------------------------

    def _changed(self) -> None:
        if self._changed_event is not None:
            self._changed_event.set()
        self._changed_event = asyncio.Event()

    async def wait_until(
        self,
        check: Callable[[], T | None] | Callable[[], Awaitable[T | None]],
        timeout: float = 5.0,
        what: str = "a condition",
    ) -> T:
        """Wait until ``check()`` returns something truthy (re-checked on every server event);
        ``check`` may be a coroutine function (a read through the bot's store, say)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            if self._changed_event is None:
                self._changed_event = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                # Also wake now and then: some checks look at the bot, not at the server.
                await asyncio.wait_for(self._changed_event.wait(), min(remaining, 0.05))

    async def wait_for_message(
        self,
        channel: FakeChannel | int,
        predicate: Callable[[dict], bool] | None = None,
        timeout: float = 5.0,
        *,
        new_only: bool = False,
    ) -> dict:
        """The first live message in ``channel`` matching ``predicate`` (from now, if new_only)."""
        channel_id = self._channel_id(channel)
        skip = set(self._channel_messages.get(channel_id, [])) if new_only else set()

        def find() -> dict | None:
            for mid in self._channel_messages.get(channel_id, []):
                stored = self._messages[mid]
                if mid in skip or stored.deleted:
                    continue
                snapshot = stored.snapshot()
                if predicate is None or predicate(snapshot):
                    return snapshot
            return None

        return await self.wait_until(find, timeout, f"a message in channel {channel_id}")

    async def wait_for_action(
        self, kind: str, predicate: Callable[[Action], bool] | None = None, timeout: float = 5.0
    ) -> Action:
        return await self.wait_until(
            lambda: next(
                (a for a in self.actions if a.kind == kind and (predicate is None or predicate(a))),
                None,
            ),
            timeout,
            f"a {kind} action",
        )

    # --- read access for tests ---------------------------------------------------------------

    def messages_in(self, channel: FakeChannel | int) -> list[dict]:
        """The live (not deleted) messages of a channel, oldest first."""
        channel_id = self._channel_id(channel)
        return [
            self._messages[mid].snapshot()
            for mid in self._channel_messages.get(channel_id, [])
            if not self._messages[mid].deleted
        ]

    def get_message(self, message_id: int | str) -> dict | None:
        stored = self._messages.get(int(message_id))
        return stored.snapshot() if stored else None

    def dispatched(self, event: str) -> list[dict]:
        """The ``d`` of every ``event`` dispatch sent so far (once per gateway session)."""
        return [
            copy.deepcopy(frame["d"])
            for session in self._sessions
            for frame in session.sent
            if frame["t"] == event
        ]

    def actions_of(self, *kinds: str) -> list[Action]:
        return [a for a in self.actions if a.kind in kinds]

    def commands(self, guild: FakeGuild | int | None = None) -> list[dict]:
        """The synced commands: global ones, or a guild's."""
        key = None if guild is None else self._guild(guild).id
        return copy.deepcopy(self._commands.get(key, []))

    @property
    def intents(self) -> int | None:
        """The intents of the latest IDENTIFY."""
        return self.identify_payloads[-1].get("intents") if self.identify_payloads else None

    @property
    def identify_count(self) -> int:
        return len(self.identify_payloads)

    @property
    def resume_count(self) -> int:
        return len(self.resume_payloads)

    @property
    def connected(self) -> bool:
        return any(s.alive and s.conn is not None for s in self._sessions)

    # --- lookups -----------------------------------------------------------------------------

    def _guild(self, guild: FakeGuild | int | str | None) -> FakeGuild:
        if guild is None:
            return self.guild
        if isinstance(guild, FakeGuild):
            return guild
        for g in self.guilds:
            if g.id == guild or g.name == guild or str(g.id) == str(guild):
                return g
        raise KeyError(f"unknown guild {guild!r}")

    def _find_channel(self, channel_id: int) -> FakeChannel | None:
        for guild in self.guilds:
            for channel in guild.channels:
                if channel.id == channel_id:
                    return channel
        return None

    def _channel(
        self, channel: FakeChannel | int | str | None, guild: FakeGuild | None = None
    ) -> FakeChannel:
        if channel is None:
            return (guild or self.guild).text_channels[0]
        if isinstance(channel, FakeChannel):
            return channel
        if isinstance(channel, str) and not channel.isdigit():
            return (guild or self.guild).channel(channel)
        found = self._find_channel(int(channel))
        if found is None:
            raise KeyError(f"unknown channel {channel!r}")
        return found

    def _channel_id(self, channel: FakeChannel | int | str) -> int:
        return channel.id if isinstance(channel, FakeChannel) else int(channel)

    def _user(self, user: FakeUser | FakeMember | int | None) -> FakeUser:
        if user is None:
            return self.plain_user
        if isinstance(user, FakeMember):
            return user.user
        if isinstance(user, FakeUser):
            return user
        return self.users[int(user)]

    def _guild_of(self, channel: FakeChannel) -> FakeGuild:
        return self._guild(channel.guild_id)

    # --- gateway -----------------------------------------------------------------------------

    def _live_sessions(self) -> list[_GatewaySession]:
        return [s for s in self._sessions if s.alive]

    async def dispatch(self, event: str, data: dict) -> int:
        """Send a dispatch to every live session that has the intent for it; returns how many.
        A session whose connection dropped keeps the event for its RESUME."""
        sent = 0
        for session in self._live_sessions():
            if not session.wants(event):
                continue
            await session.dispatch(event, self._redact_for(session, event, data))
            sent += 1
        return sent

    def _redact_for(self, session: _GatewaySession, event: str, data: dict) -> dict:
        # Without the message content intent, others' messages arrive with their content blanked.
        if (
            event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE")
            or session.intents & p.INTENT_MESSAGE_CONTENT
        ):
            return data
        if data.get("author", {}).get("id") == str(self.bot_user.id):
            return data
        redacted = dict(data)
        redacted.update({"content": "", "embeds": [], "attachments": [], "components": []})
        return redacted

    async def _gateway_handler(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = _GatewayConnection(ws, request)
        self._connections.append(conn)
        record: dict[str, Any] = {"path": conn.path, "query": dict(conn.query), "close_code": None}
        self.gateway_connections.append(record)
        if (
            conn.query.get("v") != str(p.API_VERSION)
            or conn.query.get("encoding", "json") != "json"
        ):
            self.record_violation("gateway", f"unexpected gateway query {conn.query}")
        await conn.send(p.gateway_frame(p.OP_HELLO, p.hello_payload(self.heartbeat_interval_ms)))
        self._changed()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    try:
                        frame = json.loads(msg.data)
                    except ValueError:
                        self.record_violation("gateway", f"invalid JSON frame {msg.data[:100]!r}")
                        await ws.close(code=4002)
                        break
                    await self._on_gateway_frame(conn, frame)
                elif msg.type == WSMsgType.BINARY:
                    self.record_violation("gateway", "binary (ETF) frame; only JSON is spoken here")
                    await ws.close(code=4002)
                    break
        finally:
            conn.close_code = record["close_code"] = ws.close_code
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                # A client closing with 1000/1001 ends its session; other codes can resume.
                # (discord.py's Client.close() sends 4000 through aiohttp, so its session
                # stays resumable, as it would on Discord.)
                if ws.close_code in (1000, 1001):
                    session.alive = False
            if conn in self._connections:
                self._connections.remove(conn)
            self._changed()
        return ws

    async def _on_gateway_frame(self, conn: _GatewayConnection, frame: dict) -> None:
        op, d = frame.get("op"), frame.get("d")
        if op != p.OP_HEARTBEAT:
            logged = copy.deepcopy(frame)
            if isinstance(logged.get("d"), dict) and "token" in logged["d"]:
                logged["d"]["token"] = "<redacted>"
            self.gateway_received.append(logged)
        if op == p.OP_HEARTBEAT:
            conn.heartbeats += 1
            await conn.send(p.gateway_frame(p.OP_HEARTBEAT_ACK))
        elif op == p.OP_IDENTIFY:
            await self._identify(conn, d or {})
        elif op == p.OP_RESUME:
            await self._resume(conn, d or {})
        elif conn.session is None:
            await conn.ws.close(code=4003, message=b"Not authenticated.")
        elif op == p.OP_REQUEST_GUILD_MEMBERS:
            await self._request_members(conn.session, d or {})
        elif op in (p.OP_PRESENCE_UPDATE, p.OP_VOICE_STATE_UPDATE):
            pass  # recorded in gateway_received
        else:
            self.record_violation("gateway", f"unknown opcode {op}")
            await conn.ws.close(code=4001, message=b"Unknown opcode.")
        self._changed()

    async def _identify(self, conn: _GatewayConnection, d: dict) -> None:
        if conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated.")
            return
        if d.get("token") != self.token:
            self.record_violation("gateway", "IDENTIFY with a wrong token")
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = d.get("intents")
        if not isinstance(intents, int):
            await conn.ws.close(code=4013, message=b"Invalid intent(s).")
            return
        if intents & p.PRIVILEGED_INTENTS and not self.allow_privileged_intents:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        identify = {k: v for k, v in d.items() if k != "token"}
        self.identify_payloads.append(identify)
        session = _GatewaySession(secrets.token_hex(16), intents, identify)
        session.conn = conn
        conn.session = session
        self._sessions.append(session)
        ready = p.ready_payload(
            user=p.client_user_payload(self.bot_user.id, self.bot_user.name),
            guild_ids=[g.id for g in self.guilds if g.bot_present],
            session_id=session.id,
            resume_gateway_url=self.resume_gateway_url,
            application_id=self.application_id,
            shard=d.get("shard"),
        )
        await session.dispatch("READY", ready)
        if session.wants("GUILD_CREATE"):
            for guild in self.guilds:
                if guild.bot_present:
                    await session.dispatch(
                        "GUILD_CREATE", self._guild_create(guild, session.intents)
                    )

    def _guild_create(self, guild: FakeGuild, intents: int) -> dict:
        # Without the presences intent Discord sends only the bot's own member.
        if intents & p.INTENT_GUILD_PRESENCES:
            members = list(guild.members.values())
        else:
            members = [m for m in guild.members.values() if m.id == self.bot_user.id]
        return p.guild_create_payload(
            guild.id,
            guild.name,
            owner_id=guild.owner_id,
            roles=[r.payload() for r in guild.roles],
            channels=[
                {k: v for k, v in c.payload().items() if k != "guild_id"}
                for c in guild.channels
                if not c.deleted and not c.is_thread
            ],
            members=[m.payload() for m in members],
            member_count=len(guild.members),
            joined_at=guild.joined_at,
            system_channel_id=guild.system_channel_id,
            # Active threads only: archived ones are fetched, not announced.
            threads=[
                c.payload()
                for c in guild.channels
                if c.is_thread and not c.deleted and not c.archived and self._live_parent(c)
            ],
        )

    def _live_parent(self, thread: FakeChannel) -> bool:
        parent = self._guild_of(thread).get_channel(thread.parent_id)
        return parent is not None and not parent.deleted

    async def _resume(self, conn: _GatewayConnection, d: dict) -> None:
        session = next((s for s in self._sessions if s.id == d.get("session_id")), None)
        if session is None or not session.alive or d.get("token") != self.token:
            await conn.send(p.gateway_frame(p.OP_INVALID_SESSION, False))
            return
        old = session.conn
        if old is not None and old is not conn:
            with contextlib.suppress(Exception):
                await old.ws.close(code=4000)
        self.resume_payloads.append({k: v for k, v in d.items() if k != "token"})
        last_seen = d.get("seq") or 0
        async with session.lock:
            session.conn = conn
            conn.session = session
            for frame in session.sent:
                if frame["s"] > last_seen:
                    await conn.send(frame)
            session.seq += 1
            resumed = p.gateway_frame(
                p.OP_DISPATCH, p.resumed_payload(), s=session.seq, t="RESUMED"
            )
            session.sent.append(resumed)
            await conn.send(resumed)

    async def _request_members(self, session: _GatewaySession, d: dict) -> None:
        guild = self._guild(int(d["guild_id"]))
        members = list(guild.members.values())
        query = d.get("query")
        if query:
            members = [m for m in members if m.user.name.lower().startswith(query.lower())]
        user_ids = d.get("user_ids")
        not_found: list[int] = []
        if user_ids:
            wanted = [int(u) for u in ([user_ids] if isinstance(user_ids, str | int) else user_ids)]
            members = [m for m in members if m.id in wanted]
            not_found = [u for u in wanted if u not in guild.members]
        limit = d.get("limit") or 0
        if limit:
            members = members[:limit]
        await session.dispatch(
            "GUILD_MEMBERS_CHUNK",
            p.members_chunk_payload(
                guild.id, [m.payload() for m in members], nonce=d.get("nonce"), not_found=not_found
            ),
        )

    # --- gateway fault injection -------------------------------------------------------------

    async def drop_gateway(self, *, code: int | None = None) -> None:
        """Cut every gateway connection (abruptly, or with a close ``code``); sessions stay
        resumable and keep the events dispatched meanwhile for the RESUME."""
        for conn in list(self._connections):
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            if code is None:
                if conn.transport is not None:
                    conn.transport.abort()
            else:
                with contextlib.suppress(Exception):
                    await conn.ws.close(code=code)
        self._changed()

    async def send_reconnect(self) -> None:
        """Op 7: ask every connected client to reconnect and resume."""
        for conn in list(self._connections):
            await conn.send(p.gateway_frame(p.OP_RECONNECT))

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Op 9: invalidate the sessions; unless resumable, the client must IDENTIFY again."""
        for conn in list(self._connections):
            if conn.session is None:
                continue
            if not resumable:
                conn.session.alive = False
            await conn.send(p.gateway_frame(p.OP_INVALID_SESSION, resumable))
        self._changed()

    # --- REST plumbing -----------------------------------------------------------------------

    def _route_table(self) -> list[tuple[frozenset[str], re.Pattern[str], Handler]]:
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._get_me),
            ("POST", r"/users/@me/channels", self._create_dm),
            ("GET", r"/users/(\d+)", self._get_user),
            ("GET", r"/oauth2/applications/@me", self._get_application),
            ("GET", r"/applications/@me", self._get_application),
            ("GET", r"/gateway", self._get_gateway),
            ("GET", r"/gateway/bot", self._get_gateway_bot),
            ("GET PUT POST", r"/applications/(\d+)/commands", self._global_commands),
            ("GET PATCH DELETE", r"/applications/(\d+)/commands/(\d+)", self._global_command),
            ("GET PUT POST", r"/applications/(\d+)/guilds/(\d+)/commands", self._guild_commands),
            (
                "GET PATCH DELETE",
                r"/applications/(\d+)/guilds/(\d+)/commands/(\d+)",
                self._guild_command,
            ),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._interaction_callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup_create),
            (
                "GET PATCH DELETE",
                r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)",
                self._webhook_message,
            ),
            ("GET", r"/channels/(\d+)", self._get_channel),
            ("PATCH", r"/channels/(\d+)", self._patch_channel),
            ("POST", r"/channels/(\d+)/threads", self._create_thread),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._thread_from_message),
            ("GET POST", r"/channels/(\d+)/messages", self._channel_messages_route),
            ("GET", r"/channels/(\d+)/threads/archived/public", self._archived_public_threads),
            ("GET", r"/guilds/(\d+)/threads/active", self._active_threads),
            ("GET PATCH DELETE", r"/channels/(\d+)/messages/(\d+)", self._channel_message),
            ("POST", r"/channels/(\d+)/typing", self._typing),
            (
                "PUT DELETE",
                r"/channels/(\d+)/messages/(\d+)/reactions/([^/]+)/@me",
                self._own_reaction,
            ),
            (
                "DELETE",
                r"/channels/(\d+)/messages/(\d+)/reactions/([^/]+)/(\d+)",
                self._remove_user_reaction,
            ),
            ("GET", r"/channels/(\d+)/messages/(\d+)/reactions/([^/]+)", self._list_reactions),
            ("GET", r"/guilds/(\d+)", self._get_guild),
            ("GET", r"/guilds/(\d+)/channels", self._get_guild_channels),
            ("GET", r"/guilds/(\d+)/roles", self._get_guild_roles),
            ("GET", r"/guilds/(\d+)/members/(\d+)", self._get_guild_member),
        ]
        return [(frozenset(m.split()), re.compile(rx), h) for m, rx, h in table]

    async def _read_request(self, request: web.Request, path: str) -> _Request:
        files: list[dict] = []
        body: Any = None
        content_type = request.headers.get("Content-Type", "")
        if content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    data = await part.read()
                    files.append(
                        {
                            "name": part.name,
                            "filename": part.filename or "file",
                            "content_type": part.headers.get("Content-Type"),
                            "data": bytes(data),
                        }
                    )
        elif request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError as exc:
                    raise DiscordHTTPError(
                        400,
                        INVALID_JSON,
                        "The request body contains invalid JSON.",
                        violation="invalid_json",
                    ) from exc
        if len(files) > MAX_ATTACHMENTS:
            raise DiscordHTTPError(400, 50035, "Invalid Form Body",
                                   violation="too_many_attachments")
        if sum(len(f["data"]) for f in files) > MAX_UPLOAD_BYTES:
            # What Discord answers an upload over the limit (10 MiB without boosts).
            raise DiscordHTTPError(413, 40005, "Request entity too large",
                                   violation="upload_too_large")
        return _Request(request.method, path, dict(request.query), body, files, request.headers)

    async def _rest_handler(self, request: web.Request) -> web.StreamResponse:
        raw_path = request.rel_url.raw_path
        record = RequestRecord(request.method, raw_path, dict(request.query), None)
        self.requests.append(record)
        try:
            if not raw_path.startswith(API_PREFIX + "/"):
                raise DiscordHTTPError(404, 0, "404: Not Found", unhandled=True)
            path = raw_path[len(API_PREFIX) :]
            req = await self._read_request(request, path)
            record.path, record.body = path, req.body
            record.files = [{k: v for k, v in f.items() if k != "data"} for f in req.files]
            limited = self._take_rate_limit(req.method, path)
            if limited is not None:
                record.status = 429
                self.rate_limited.append(record)
                return self._rate_limit_response(limited)
            for methods, pattern, handler in self._routes:
                match = pattern.fullmatch(path)
                if match and req.method in methods:
                    if not path.startswith(("/interactions/", "/webhooks/")):
                        self._check_auth(req)
                    status, body = await handler(req, *[unquote(g) for g in match.groups()])
                    record.status = status
                    hold = self._take_hold(req.method, path)
                    if hold is not None:
                        hold.reached.set()
                        await hold.released.wait()
                    return self._json_response(status, body)
            raise DiscordHTTPError(404, 0, "404: Not Found", unhandled=True)
        except DiscordHTTPError as err:
            record.status = err.status
            if err.unhandled:
                self.unhandled.append(record)
                log.warning("unhandled request %s %s", record.method, record.path)
                self._changed()
            elif err.violation:
                detail = err.message
                if err.errors:
                    detail += ": " + json.dumps(err.errors)
                self.violations.append(
                    Violation(err.violation, detail, record.method, record.path, record.body)
                )
                log.warning("Discord rule broken: %s %s: %s", record.method, record.path, detail)
                self._changed()
            return self._json_response(
                err.status, p.error_payload(err.code, err.message, err.errors)
            )

    def _check_auth(self, req: _Request) -> None:
        if req.headers.get("Authorization") != f"Bot {self.token}":
            raise DiscordHTTPError(401, 0, "401: Unauthorized", violation="unauthorized")

    @staticmethod
    def _json_response(status: int, body: Any) -> web.Response:
        if body is None:
            return web.Response(status=204 if status == 200 else status)
        return web.Response(
            status=status,
            body=json.dumps(body).encode(),
            headers={"Content-Type": JSON_CONTENT_TYPE},
        )

    def rate_limit(
        self,
        method: str,
        path_regex: str,
        count: int = 1,
        retry_after: float = 0.05,
        *,
        is_global: bool = False,
    ) -> RateLimitRule:
        """Answer the next ``count`` requests whose method is ``method`` ("*" for any) and whose
        path (after /api/v10, without the query) fully matches ``path_regex`` with a 429."""
        rule = RateLimitRule(method.upper(), re.compile(path_regex), count, retry_after, is_global)
        self._rate_limits.append(rule)
        return rule

    def hold_responses(self, method: str, path_regex: str, count: int = 1) -> HoldRule:
        """Handle the next ``count`` matching requests (a message is created) but hold back
        the responses until ``rule.released.set()`` or the server stops: for testing a client
        that crashes between its request and recording the answer."""
        rule = HoldRule(method.upper(), re.compile(path_regex), count)
        self._holds.append(rule)
        return rule

    def _take_hold(self, method: str, path: str) -> HoldRule | None:
        for rule in self._holds:
            if rule.matches(method, path):
                rule.remaining -= 1
                rule.held += 1
                return rule
        return None

    def _take_rate_limit(self, method: str, path: str) -> RateLimitRule | None:
        for rule in self._rate_limits:
            if rule.matches(method, path):
                rule.remaining -= 1
                rule.hits += 1
                return rule
        return None

    @staticmethod
    def _rate_limit_response(rule: RateLimitRule) -> web.Response:
        headers = {
            "Content-Type": JSON_CONTENT_TYPE,
            # discord.py takes a 429 without Via for a Cloudflare ban and gives up.
            "Via": "1.1 google",
            "Retry-After": str(max(1, math.ceil(rule.retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + rule.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{rule.retry_after:.3f}",
            "X-RateLimit-Bucket": "local-" + secrets.token_hex(8),
            "X-RateLimit-Scope": "global" if rule.is_global else "user",
        }
        if rule.is_global:
            headers["X-RateLimit-Global"] = "true"
        return web.Response(
            status=429,
            body=json.dumps(
                p.rate_limit_payload(rule.retry_after, is_global=rule.is_global)
            ).encode(),
            headers=headers,
        )

    # --- REST: users, application, gateway, guilds --------------------------------------------

    async def _get_me(self, req: _Request) -> tuple[int, Any]:
        return 200, p.client_user_payload(self.bot_user.id, self.bot_user.name)

    async def _create_dm(self, req: _Request) -> tuple[int, Any]:
        """Open (or return) the bot's DM channel with a user: Unknown User for one Discord does
        not know. Opening always works; sending may not (``_create_channel_message``)."""
        body = req.body or {}
        try:
            user = self.users[int(body.get("recipient_id"))]
        except (KeyError, TypeError, ValueError):
            raise DiscordHTTPError(404, UNKNOWN_USER, "Unknown User") from None
        channel = self._dm_channels.get(user.id)
        if channel is None:
            channel = FakeChannel(self.snowflake(), 0, "", type=CHANNEL_DM)
            self._dm_channels[user.id] = channel
            self._dm_recipients[channel.id] = user.id
        self.actions.append(Action("dm_open", channel_id=channel.id, payload=body))
        return 200, self._dm_payload(channel)

    def _dm_payload(self, channel: FakeChannel) -> dict:
        return {
            "id": str(channel.id),
            "type": CHANNEL_DM,
            "last_message_id": str(channel.last_message_id) if channel.last_message_id else None,
            "recipients": [self.users[self._dm_recipients[channel.id]].payload()],
            "flags": 0,
        }

    def close_dms(self, user: FakeUser | FakeMember | int) -> None:
        """The user closes their DMs to the bot: sends to them answer 50007 from now on."""
        self.dms_closed.add(self._user(user).id)

    def dms_to(self, user: FakeUser | FakeMember | int) -> list[dict]:
        """The live messages the bot sent a user directly, oldest first."""
        channel = self._dm_channels.get(self._user(user).id)
        return self.messages_in(channel.id) if channel is not None else []

    def _may_dm(self, user_id: int) -> bool:
        """Discord lets a bot message a user who shares a server with it and has not closed
        their DMs to it."""
        return user_id not in self.dms_closed and any(
            user_id in g.members for g in self.guilds
        )

    async def _get_user(self, req: _Request, user_id: str) -> tuple[int, Any]:
        user = self.users.get(int(user_id))
        if user is None:
            raise DiscordHTTPError(404, 10013, "Unknown User")
        return 200, user.payload()

    async def _get_application(self, req: _Request) -> tuple[int, Any]:
        return 200, p.application_payload(
            self.application_id,
            self.bot_user.name,
            owner=self.owner_user.payload(),
            bot=p.user_payload(self.bot_user.id, self.bot_user.name, bot=True),
        )

    async def _get_gateway(self, req: _Request) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    async def _get_gateway_bot(self, req: _Request) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    def _rest_guild(self, guild_id: str) -> FakeGuild:
        try:
            guild = self._guild(int(guild_id))
        except KeyError:
            raise DiscordHTTPError(404, 10004, "Unknown Guild") from None
        if not guild.bot_present:
            raise DiscordHTTPError(403, MISSING_ACCESS, "Missing Access")
        return guild

    async def _get_guild(self, req: _Request, guild_id: str) -> tuple[int, Any]:
        guild = self._rest_guild(guild_id)
        payload = self._guild_create(guild, 0)
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at"):
            payload.pop(key, None)
        return 200, payload

    async def _get_guild_channels(self, req: _Request, guild_id: str) -> tuple[int, Any]:
        guild = self._rest_guild(guild_id)
        return 200, [c.payload() for c in guild.channels if not c.deleted and not c.is_thread]

    async def _get_guild_roles(self, req: _Request, guild_id: str) -> tuple[int, Any]:
        return 200, [r.payload() for r in self._rest_guild(guild_id).roles]

    async def _get_guild_member(
        self, req: _Request, guild_id: str, user_id: str
    ) -> tuple[int, Any]:
        member = self._rest_guild(guild_id).members.get(int(user_id))
        if member is None:
            raise DiscordHTTPError(404, 10007, "Unknown Member")
        return 200, member.payload()

    # --- REST: application commands ----------------------------------------------------------

    def _check_application(self, application_id: str) -> None:
        if int(application_id) != self.application_id:
            raise DiscordHTTPError(
                403,
                20012,
                "You are not authorized to perform this action on this application",
                violation="wrong_application",
            )

    def _store_commands(self, scope: int | None, commands: list[dict]) -> list[dict]:
        problems = validate_commands(commands)
        if problems:
            raise DiscordHTTPError(
                400,
                INVALID_FORM_BODY,
                "Invalid Form Body",
                p.form_errors(problems),
                violation="invalid_commands",
            )
        old = {(c.get("type", 1), c["name"]): c for c in self._commands.get(scope, [])}
        stored = []
        for command in commands:
            key = (command.get("type", 1), command["name"])
            previous = old.get(key)
            # Discord keeps a command's id across overwrites when its name and type stay.
            command_id = int(previous["id"]) if previous else self.snowflake()
            version_key = (scope, command["name"], command.get("type", 1))
            if previous is None or any(previous.get(k) != v for k, v in command.items()):
                self._command_versions[version_key] = self.snowflake()
            stored.append(
                p.application_command_payload(
                    command,
                    command_id=command_id,
                    application_id=self.application_id,
                    version=self._command_versions[version_key],
                    guild_id=scope,
                )
            )
        self._commands[scope] = stored
        self.actions.append(
            Action("commands_sync", payload=commands, result=copy.deepcopy(stored), guild_id=scope)
        )
        self._changed()
        return copy.deepcopy(stored)

    async def _commands_collection(self, req: _Request, scope: int | None) -> tuple[int, Any]:
        if req.method == "GET":
            return 200, copy.deepcopy(self._commands.get(scope, []))
        if req.method == "PUT":
            return 200, self._store_commands(scope, req.body or [])
        # POST upserts one command by name.
        name = (req.body or {}).get("name")
        others = [_as_sent(c) for c in self._commands.get(scope, []) if c["name"] != name]
        stored = self._store_commands(scope, [*others, req.body])
        return 201, stored[-1]

    async def _command_item(
        self, req: _Request, scope: int | None, command_id: str
    ) -> tuple[int, Any]:
        commands = self._commands.get(scope, [])
        found = next((c for c in commands if c["id"] == command_id), None)
        if found is None:
            raise DiscordHTTPError(404, UNKNOWN_APPLICATION_COMMAND, "Unknown application command")
        if req.method == "GET":
            return 200, copy.deepcopy(found)
        others = [_as_sent(c) for c in commands if c is not found]
        if req.method == "DELETE":
            self._store_commands(scope, others)
            return 204, None
        edited = {**_as_sent(found), **(req.body or {})}
        stored = self._store_commands(scope, [*others, edited])
        return 200, stored[-1]

    async def _global_commands(self, req: _Request, app_id: str) -> tuple[int, Any]:
        self._check_application(app_id)
        return await self._commands_collection(req, None)

    async def _global_command(self, req: _Request, app_id: str, command_id: str) -> tuple[int, Any]:
        self._check_application(app_id)
        return await self._command_item(req, None, command_id)

    async def _guild_commands(self, req: _Request, app_id: str, guild_id: str) -> tuple[int, Any]:
        self._check_application(app_id)
        guild = self._rest_guild(guild_id)
        return await self._commands_collection(req, guild.id)

    async def _guild_command(
        self, req: _Request, app_id: str, guild_id: str, command_id: str
    ) -> tuple[int, Any]:
        self._check_application(app_id)
        guild = self._rest_guild(guild_id)
        return await self._command_item(req, guild.id, command_id)

    # --- REST: channels and messages ---------------------------------------------------------

    def _rest_channel(self, channel_id: str, needed: int = 0) -> FakeChannel:
        recipient = self._dm_recipients.get(int(channel_id))
        if recipient is not None:
            return self._dm_channels[recipient]
        channel = self._find_channel(int(channel_id))
        if channel is None or channel.deleted or (
            channel.is_thread and not self._live_parent(channel)
        ):
            raise DiscordHTTPError(404, UNKNOWN_CHANNEL, "Unknown Channel")
        if not self._guild_of(channel).bot_present:
            raise DiscordHTTPError(403, MISSING_ACCESS, "Missing Access")
        perms = self._guild_of(channel).permissions_in(self.bot_user.id, channel)
        if not perms & p.VIEW_CHANNEL:
            raise DiscordHTTPError(403, MISSING_ACCESS, "Missing Access")
        if perms & needed != needed:
            raise DiscordHTTPError(403, MISSING_PERMISSIONS, "Missing Permissions")
        return channel

    def _rest_message(self, channel: FakeChannel, message_id: str) -> StoredMessage:
        stored = self._messages.get(int(message_id))
        if stored is None or stored.deleted or stored.channel_id != channel.id or stored.ephemeral:
            raise DiscordHTTPError(404, UNKNOWN_MESSAGE, "Unknown Message")
        return stored

    async def _get_channel(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        channel = self._rest_channel(channel_id)
        if channel.type == CHANNEL_DM:
            return 200, self._dm_payload(channel)
        return 200, channel.payload()

    def _require(self, channel: FakeChannel, needed: int) -> int:
        """The bot's permissions in ``channel``; 403 Missing Permissions without ``needed``."""
        perms = self._guild_of(channel).permissions_in(self.bot_user.id, channel)
        if perms & needed != needed:
            raise DiscordHTTPError(403, MISSING_PERMISSIONS, "Missing Permissions")
        return perms

    @staticmethod
    def _send_permission(channel: FakeChannel) -> int:
        """Sending in a thread takes Send Messages in Threads, not Send Messages."""
        return p.SEND_MESSAGES_IN_THREADS if channel.is_thread else p.SEND_MESSAGES

    async def _typing(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        channel = self._rest_channel(channel_id)
        if channel.type != CHANNEL_DM:
            self._require(channel, self._send_permission(channel))
        self.actions.append(Action("typing", channel_id=channel.id, guild_id=channel.guild_id))
        return 204, None

    async def _channel_messages_route(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        if req.method == "GET":
            channel = self._rest_channel(channel_id, p.READ_MESSAGE_HISTORY)
            messages = [
                self._messages[mid]
                for mid in self._channel_messages.get(channel.id, [])
                if not self._messages[mid].deleted
            ]
            before, after = req.query.get("before"), req.query.get("after")
            if before:
                messages = [m for m in messages if m.id < int(before)]
            limit = int(req.query.get("limit", 50))
            if not 1 <= limit <= 100:
                raise self._invalid_form([(("limit",), "NUMBER_TYPE_MAX", "Must be 1 to 100.")])
            if after:
                # Discord: the ``limit`` messages that follow ``after`` (the oldest of those
                # after it), newest first, as every page of history is.
                following = sorted((m for m in messages if m.id > int(after)), key=lambda m: m.id)
                return 200, [m.snapshot() for m in reversed(following[:limit])]
            newest_first = sorted(messages, key=lambda m: m.id, reverse=True)
            return 200, [m.snapshot() for m in newest_first[:limit]]
        return await self._create_channel_message(req, channel_id)

    def _check_mentions(self, body: Mapping[str, Any], req: _Request) -> None:
        mentions = body.get("allowed_mentions")
        if isinstance(mentions, dict):
            # Discord's rule: a kind is either parsed wholesale or listed by id, not both.
            parse = mentions.get("parse") or []
            for kind in ("roles", "users"):
                if kind in parse and mentions.get(kind):
                    raise self._invalid_form(
                        [(("allowed_mentions", "parse"), "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                          f'parse:["{kind}"] and {kind}: [ids] are mutually exclusive.')]
                    )
        if (
            self.strict_allowed_mentions
            and body.get("message_reference")
            and self._pings_replied_user(body)
        ):
            self.record_violation(
                "allowed_mentions", f"reply pings its author: allowed_mentions={mentions!r}", req
            )
        if not self.strict_allowed_mentions or not body.get("content"):
            return
        # Design rule of this project: nothing may ping but a role listed by id (a
        # subscription's opt-in role mention).
        if not isinstance(mentions, dict) or mentions.get("parse") or mentions.get("users"):
            self.record_violation(
                "allowed_mentions", f"message may ping: allowed_mentions={mentions!r}", req
            )

    @staticmethod
    def _pings_replied_user(body: Mapping[str, Any]) -> bool:
        """Discord pings a reply's author when ``allowed_mentions`` is absent altogether;
        given, it pings only with ``replied_user: true`` (the field defaults to false)."""
        allowed = body.get("allowed_mentions")
        if not isinstance(allowed, dict):
            return True
        return bool(allowed.get("replied_user"))

    def _pings(
        self, guild: FakeGuild | None, channel: FakeChannel, author: FakeUser,
        body: Mapping[str, Any],
    ) -> tuple[bool, list[dict], list[str]]:
        """(mention_everyone, mentions, mention_roles) of a new message, as Discord works them
        out: only what the content mentions and ``allowed_mentions`` permits (everything when it
        is absent); @everyone/@here and a role that is not mentionable only from an author with
        Mention Everyone."""
        content = body.get("content") or ""
        allowed = body.get("allowed_mentions")
        parse = (
            ["everyone", "roles", "users"]
            if not isinstance(allowed, dict)
            else list(allowed.get("parse") or [])
        )
        listed_roles = {str(r) for r in (allowed or {}).get("roles") or []}
        listed_users = {str(u) for u in (allowed or {}).get("users") or []}
        may_everyone = bool(
            guild is not None
            and guild.permissions_in(author.id, channel) & (p.MENTION_EVERYONE | p.ADMINISTRATOR)
        )
        everyone = (
            "everyone" in parse
            and bool(re.search(r"@(everyone|here)\b", content))
            and may_everyone
        )
        users = []
        for user_id in dict.fromkeys(re.findall(r"<@!?(\d+)>", content)):
            if ("users" in parse or user_id in listed_users) and int(user_id) in self.users:
                users.append(self.users[int(user_id)].payload())
        roles = []
        for role_id in dict.fromkeys(re.findall(r"<@&(\d+)>", content)):
            role = next((r for r in guild.roles if str(r.id) == role_id), None) if guild else None
            if role is None or guild is None or role.id == guild.id:  # @everyone: never a role ping
                continue
            if ("roles" in parse or role_id in listed_roles) and (
                role.mentionable or may_everyone
            ):
                roles.append(role_id)
        return everyone, users, roles

    def _invalid_form(
        self, problems: list[Problem], kind: str = "invalid_form_body"
    ) -> DiscordHTTPError:
        return DiscordHTTPError(
            400, INVALID_FORM_BODY, "Invalid Form Body", p.form_errors(problems), violation=kind
        )

    def _new_attachments(self, req: _Request, ephemeral: bool = False) -> list[dict]:
        attachments = []
        for upload in req.files:
            attachment_id = self.snowflake()
            self.files[attachment_id] = upload["data"]
            attachments.append(
                p.attachment_payload(
                    attachment_id,
                    upload["filename"],
                    len(upload["data"]),
                    base_url=self.base_url,
                    content_type=upload["content_type"],
                    ephemeral=ephemeral,
                )
            )
        return attachments

    def _check_new_message(self, body: Mapping[str, Any], req: _Request, flags: int) -> None:
        problems = validate_message_fields(body, flags=flags)
        if problems:
            raise self._invalid_form(problems)
        has_content = (
            bool(body.get("content"))
            or bool(body.get("embeds"))
            or bool(body.get("components") and flags & p.FLAG_IS_COMPONENTS_V2)
        )
        if not (has_content or req.files or body.get("sticker_ids") or body.get("poll")):
            raise DiscordHTTPError(
                400,
                CANNOT_SEND_EMPTY_MESSAGE,
                "Cannot send an empty message",
                violation="empty_message",
            )
        self._check_mentions(body, req)

    def _store_message(
        self,
        channel: FakeChannel,
        author: FakeUser,
        body: Mapping[str, Any],
        req: _Request | None,
        *,
        flags: int = 0,
        message_type: int = p.MESSAGE_DEFAULT,
        interaction: InteractionHandle | None = None,
        ephemeral: bool = False,
        message_id: int | None = None,
        reference: StoredMessage | None = None,
    ) -> StoredMessage:
        """Store a new message. ``message_id`` is given for a forum post's starter message
        (its id is the thread's); ``reference`` makes it a reply (type 19)."""
        guild = self._guild_of(channel) if channel.type != CHANNEL_DM else None
        components = copy.deepcopy(body.get("components") or [])
        _number_components(components)
        embeds = [{"type": "rich", **e} for e in copy.deepcopy(body.get("embeds") or [])]
        message_id = message_id or self.snowflake()
        message_reference = body.get("message_reference")
        referenced = None
        if reference is not None:
            message_type = p.MESSAGE_REPLY
            message_reference = p.message_reference_payload(
                reference.id, reference.channel_id, guild.id if guild else None
            )
            # One level deep, as on Discord: the referenced message without its own reference.
            referenced = reference.snapshot()
            referenced.pop("referenced_message", None)
        metadata = None
        if interaction is not None:
            metadata = p.interaction_metadata_payload(
                interaction.id,
                interaction.type,
                self.users[interaction.user_id].payload(),
                guild_id=interaction.guild_id,
                name=interaction.command_name,
                interacted_message_id=interaction.source_message_id,
            )
        data = p.message_payload(
            message_id=message_id,
            channel_id=channel.id,
            guild_id=guild.id if guild else None,
            author=author.payload(),
            content=body.get("content") or "",
            embeds=embeds,
            components=components,
            attachments=self._new_attachments(req, ephemeral=ephemeral) if req else [],
            flags=flags,
            type=message_type,
            nonce=body.get("nonce"),
            tts=bool(body.get("tts")),
            webhook_id=self.application_id if interaction is not None else None,
            application_id=self.application_id if interaction is not None else None,
            interaction_metadata=metadata,
            message_reference=message_reference,
            referenced_message=referenced,
        )
        everyone, mentioned, mention_roles = self._pings(guild, channel, author, body)
        if reference is not None and self._pings_replied_user(body):
            replied = self.users.get(reference.author_id)
            if replied is not None and all(m["id"] != str(replied.id) for m in mentioned):
                mentioned.append(replied.payload())
        data.update(mention_everyone=everyone, mentions=mentioned, mention_roles=mention_roles)
        stored = StoredMessage(
            data,
            channel.id,
            guild.id if guild else 0,
            author.id,
            ephemeral=ephemeral,
            interaction_id=interaction.id if interaction else None,
        )
        self._messages[message_id] = stored
        if not ephemeral:
            self._channel_messages.setdefault(channel.id, []).append(message_id)
            channel.last_message_id = message_id
            if channel.is_thread and message_id != channel.id:
                # A forum post's starter message is not counted, as on Discord.
                channel.message_count += 1
                channel.total_message_sent += 1
        return stored

    async def _create_channel_message(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        channel = self._rest_channel(channel_id)
        direct = channel.type == CHANNEL_DM
        if not direct:
            self._require(channel, self._send_permission(channel))
        if direct and not self._may_dm(self._dm_recipients[channel.id]):
            raise DiscordHTTPError(403, CANNOT_MESSAGE_USER, "Cannot send messages to this user")
        if not (channel.is_text or channel.is_thread) and not direct:
            # A forum included: its posts are made with POST /channels/{id}/threads.
            raise DiscordHTTPError(
                400, CANNOT_SEND_IN_NON_TEXT_CHANNEL, "Cannot send messages in a non-text channel"
            )
        if channel.is_thread:
            self._check_thread_open(channel, sending=True)
        body = req.body or {}
        flags = int(body.get("flags") or 0)
        self._check_new_message(body, req, flags)
        reference = self._resolve_reference(channel, body)
        nonce = body.get("nonce")
        loop_now = asyncio.get_running_loop().time() + self.nonce_clock_offset
        if nonce is not None and body.get("enforce_nonce"):
            # Discord: the same author and nonce within a few minutes returns the first message.
            seen = self._nonces.get((self.bot_user.id, str(nonce)))
            if seen and loop_now - seen[0] <= self.nonce_window:
                existing = self._messages.get(seen[1])
                if existing is not None and not existing.deleted:
                    self.actions.append(
                        Action(
                            "message_deduplicated",
                            payload=body,
                            result=existing.snapshot(),
                            channel_id=channel.id,
                            message_id=existing.id,
                            guild_id=channel.guild_id,
                        )
                    )
                    self._changed()
                    return 200, existing.snapshot()
        if channel.is_thread and channel.archived:
            # Not locked (checked above): a member who may send unarchives it by sending.
            await self._set_thread(channel, archived=False)
        stored = self._store_message(
            channel,
            self.bot_user,
            {k: v for k, v in body.items() if k != "message_reference"},
            req,
            flags=flags & ~p.FLAG_EPHEMERAL,
            reference=reference,
        )
        if nonce is not None and body.get("enforce_nonce"):
            self._nonces[(self.bot_user.id, str(nonce))] = (loop_now, stored.id)
        self.actions.append(
            Action(
                "message_create",
                payload=body,
                result=stored.snapshot(),
                channel_id=channel.id,
                message_id=stored.id,
                guild_id=channel.guild_id,
            )
        )
        self._changed()
        if not direct:  # the bot asked for no DIRECT_MESSAGES events
            await self.dispatch("MESSAGE_CREATE", self._with_member(stored))
        return 200, stored.snapshot()

    def _with_member(self, stored: StoredMessage) -> dict:
        data = stored.snapshot()
        guild = self._guild(stored.guild_id) if stored.guild_id else None
        member = guild.members.get(stored.author_id) if guild else None
        if member is not None:
            data["member"] = member.payload(with_user=False)
        return data

    def _apply_edit(self, stored: StoredMessage, body: Mapping[str, Any], req: _Request) -> None:
        """Validate and apply a PATCH body to a stored message (shared by all edit routes)."""
        flags = int(stored.data.get("flags") or 0)
        if "flags" in body and body["flags"] is not None:
            new = int(body["flags"])
            flags = (flags & ~p.FLAG_SUPPRESS_EMBEDS) | (
                new & (p.FLAG_SUPPRESS_EMBEDS | p.FLAG_IS_COMPONENTS_V2)
            )
        problems = validate_message_fields(body, flags=flags)
        if problems:
            raise self._invalid_form(problems)
        self._check_mentions(body, req)
        data = copy.deepcopy(stored.data)
        if "content" in body:
            data["content"] = body["content"] or ""
        if "embeds" in body:
            data["embeds"] = [{"type": "rich", **e} for e in (body["embeds"] or [])]
        if "components" in body:
            data["components"] = copy.deepcopy(body["components"] or [])
            _number_components(data["components"])
        if "attachments" in body and body["attachments"] is not None:
            keep = {str(a.get("id")) for a in body["attachments"]}
            data["attachments"] = [a for a in data["attachments"] if a["id"] in keep]
        data["attachments"] = data["attachments"] + self._new_attachments(req)
        data["flags"] = flags & ~p.FLAG_LOADING
        is_empty = not (
            data["content"]
            or data["embeds"]
            or data["attachments"]
            or (data["components"] and flags & p.FLAG_IS_COMPONENTS_V2)
        )
        if is_empty:
            raise DiscordHTTPError(
                400,
                CANNOT_SEND_EMPTY_MESSAGE,
                "Cannot send an empty message",
                violation="empty_message",
            )
        data["edited_timestamp"] = p.iso_timestamp()
        stored.data = data

    async def _channel_message(
        self, req: _Request, channel_id: str, message_id: str
    ) -> tuple[int, Any]:
        channel = self._rest_channel(channel_id)
        stored = self._rest_message(channel, message_id)
        if req.method == "GET":
            self._rest_channel(channel_id, p.READ_MESSAGE_HISTORY)
            return 200, stored.snapshot()
        if req.method == "PATCH":
            if stored.author_id != self.bot_user.id:
                raise DiscordHTTPError(
                    403,
                    CANNOT_EDIT_OTHERS_MESSAGE,
                    "Cannot edit a message authored by another user",
                )
            if channel.is_thread and channel.archived:
                raise DiscordHTTPError(400, THREAD_ARCHIVED, "Thread is archived")
            self._apply_edit(stored, req.body or {}, req)
            self.actions.append(
                Action(
                    "message_edit",
                    payload=req.body,
                    result=stored.snapshot(),
                    channel_id=channel.id,
                    message_id=stored.id,
                    guild_id=channel.guild_id,
                )
            )
            self._changed()
            await self.dispatch("MESSAGE_UPDATE", self._with_member(stored))
            return 200, stored.snapshot()
        if stored.author_id != self.bot_user.id:
            self._rest_channel(channel_id, p.MANAGE_MESSAGES)
        await self._delete_message(stored, "message_delete")
        return 204, None

    async def _delete_message(self, stored: StoredMessage, kind: str) -> None:
        stored.deleted = True
        self.actions.append(
            Action(
                kind,
                channel_id=stored.channel_id,
                message_id=stored.id,
                guild_id=stored.guild_id,
                interaction_id=stored.interaction_id,
            )
        )
        self._changed()
        if not stored.ephemeral:
            await self.dispatch(
                "MESSAGE_DELETE",
                p.message_delete_payload(stored.id, stored.channel_id, stored.guild_id),
            )

    # --- threads and forums ------------------------------------------------------------------

    def _check_thread_open(self, thread: FakeChannel, *, sending: bool = False) -> None:
        """Archived and locked: nothing goes in. Locked: only with Manage Threads."""
        if thread.archived and thread.locked:
            raise DiscordHTTPError(400, THREAD_ARCHIVED, "Thread is archived")
        perms = self._guild_of(thread).permissions_in(self.bot_user.id, thread)
        if sending and thread.locked and not perms & p.MANAGE_THREADS:
            raise DiscordHTTPError(400, THREAD_LOCKED, "Thread is locked")

    def _resolve_reference(
        self, channel: FakeChannel, body: Mapping[str, Any]
    ) -> StoredMessage | None:
        """The message a reply refers to; 50035 when it is not in this channel (unless
        ``fail_if_not_exists`` is false: then the message goes out as a plain one)."""
        ref = body.get("message_reference")
        if ref is None:
            return None
        if not isinstance(ref, dict):
            raise self._invalid_form(
                [(("message_reference",), "DICT_TYPE_CONVERT", "Only dictionaries may be used.")]
            )
        if int(ref.get("type") or 0) != 0:
            raise DiscordHTTPError(
                400, 0, "Forwarding (message_reference type 1) is not implemented", unhandled=True
            )
        target = None
        message_id, ref_channel = ref.get("message_id"), ref.get("channel_id")
        if str(message_id or "").isdigit() and (
            ref_channel is None or str(ref_channel) == str(channel.id)
        ):
            found = self._messages.get(int(message_id))
            if (
                found is not None
                and not found.deleted
                and not found.ephemeral
                and found.channel_id == channel.id
            ):
                target = found
        if target is None:
            if ref.get("fail_if_not_exists") is False:
                return None
            raise self._invalid_form(
                [(("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")],
                kind="message_reference",
            )
        if channel.type != CHANNEL_DM:
            perms = self._guild_of(channel).permissions_in(self.bot_user.id, channel)
            if not perms & p.READ_MESSAGE_HISTORY:
                raise DiscordHTTPError(
                    403,
                    REPLY_WITHOUT_HISTORY,
                    "Cannot reply without permission to read message history",
                )
        return target

    @staticmethod
    def _thread_fields(body: Mapping[str, Any], *, creating: bool) -> list[Problem]:
        problems: list[Problem] = []
        if creating or "name" in body:
            _check_len(problems, body.get("name"), ("name",), 100, minimum=1)
        duration = body.get("auto_archive_duration")
        if duration is not None and duration not in p.AUTO_ARCHIVE_DURATIONS:
            problems.append(
                (
                    ("auto_archive_duration",),
                    "BASE_TYPE_CHOICES",
                    f"Value must be one of {p.AUTO_ARCHIVE_DURATIONS}.",
                )
            )
        return problems

    def _applied_tags(
        self, forum: FakeChannel, tags: Any, problems: list[Problem]
    ) -> list[int]:
        """A forum post's tags: at most 5, each one of the forum's ``available_tags``."""
        if tags is None:
            return []
        if not isinstance(tags, list):
            problems.append((("applied_tags",), "BASE_TYPE_LIST", "Must be a list."))
            return []
        if len(tags) > 5:
            problems.append(_too_long(("applied_tags",), 5))
        known = forum.tag_ids if forum.is_forum else []
        ids: list[int] = []
        for i, tag in enumerate(tags):
            if not str(tag).isdigit() or int(tag) not in known:
                problems.append(
                    (
                        ("applied_tags", i),
                        "FORUM_TAG_UNKNOWN",
                        f"Tag {tag} is not one of this channel's available tags.",
                    )
                )
            elif int(tag) not in ids:
                ids.append(int(tag))
        return ids

    def _check_moderated_tags(self, forum: FakeChannel, tag_ids: Iterable[int]) -> None:
        """A moderated tag can only be applied with Manage Threads."""
        moderated = {int(t["id"]) for t in forum.available_tags if t.get("moderated")}
        if moderated & set(tag_ids):
            self._require(forum, p.MANAGE_THREADS)

    def _thread_created_payload(self, thread: FakeChannel) -> dict:
        """THREAD_CREATE: the thread, ``newly_created``, and the bot's membership if it is in it."""
        data = thread.payload()
        data["newly_created"] = True
        if thread.owner_id == self.bot_user.id:
            data["member"] = p.thread_member_payload(
                thread.id, self.bot_user.id, join_timestamp=thread.archive_timestamp
            )
        return data

    async def _announce_thread(self, thread: FakeChannel) -> None:
        self._changed()
        await self.dispatch("THREAD_CREATE", self._thread_created_payload(thread))

    async def _set_thread(self, thread: FakeChannel, **changes: Any) -> None:
        """Apply changes to a thread and dispatch THREAD_UPDATE (and keep the ``thread`` of its
        starter message in the parent channel current)."""
        if "archived" in changes and changes["archived"] != thread.archived:
            thread.archive_timestamp = p.iso_timestamp()
        for key, value in changes.items():
            setattr(thread, key, value)
        starter = self._messages.get(thread.id)
        if starter is not None and "thread" in starter.data:
            starter.data["thread"] = thread.payload()
        self._changed()
        await self.dispatch("THREAD_UPDATE", thread.payload())

    async def _create_thread(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        """POST /channels/{id}/threads: a forum post, or a thread without a message."""
        channel = self._rest_channel(channel_id)
        body = req.body or {}
        if channel.is_forum:
            return await self._create_forum_post(req, channel, body)
        if not channel.is_text:
            raise DiscordHTTPError(
                400, INVALID_CHANNEL_TYPE, "Cannot execute action on this channel type"
            )
        allowed_types = (
            (p.CHANNEL_ANNOUNCEMENT_THREAD,)
            if channel.type == p.CHANNEL_NEWS
            else (p.CHANNEL_PUBLIC_THREAD, p.CHANNEL_PRIVATE_THREAD)
        )
        # API v10 still defaults to a private thread (an announcement thread in announcements).
        default = allowed_types[-1]
        thread_type = body.get("type") or default
        problems = self._thread_fields(body, creating=True)
        if thread_type not in allowed_types:
            problems.append(
                (("type",), "BASE_TYPE_CHOICES", f"Value must be one of {allowed_types}.")
            )
        if problems:
            raise self._invalid_form(problems)
        self._require(
            channel,
            p.CREATE_PRIVATE_THREADS
            if thread_type == p.CHANNEL_PRIVATE_THREAD
            else p.CREATE_PUBLIC_THREADS,
        )
        thread = self._new_thread(
            channel,
            body["name"],
            thread_id=self.snowflake(),
            type=thread_type,
            owner_id=self.bot_user.id,
            auto_archive_duration=body.get("auto_archive_duration") or 1440,
        )
        self.actions.append(
            Action(
                "thread_create",
                payload=body,
                result=thread.payload(),
                channel_id=thread.id,
                guild_id=thread.guild_id,
            )
        )
        await self._announce_thread(thread)
        return 201, thread.payload()

    async def _create_forum_post(
        self, req: _Request, forum: FakeChannel, body: Mapping[str, Any]
    ) -> tuple[int, Any]:
        # Discord checks Send Messages in the forum to create a post.
        self._require(forum, p.SEND_MESSAGES)
        problems = self._thread_fields(body, creating=True)
        message = body.get("message")
        flags = 0
        if not isinstance(message, dict):
            problems.append(_required(("message",)))
            message = {}
        else:
            flags = int(message.get("flags") or 0)
            problems += [
                (("message", *path), code, text)
                for path, code, text in validate_message_fields(message, flags=flags)
            ]
        tag_ids = self._applied_tags(forum, body.get("applied_tags"), problems)
        if problems:
            raise self._invalid_form(problems)
        has_content = (
            bool(message.get("content"))
            or bool(message.get("embeds"))
            or bool(message.get("components") and flags & p.FLAG_IS_COMPONENTS_V2)
        )
        if not (has_content or req.files or message.get("sticker_ids")):
            raise DiscordHTTPError(
                400,
                CANNOT_SEND_EMPTY_MESSAGE,
                "Cannot send an empty message",
                violation="empty_message",
            )
        self._check_mentions(message, req)
        self._check_moderated_tags(forum, tag_ids)
        if forum.flags & p.CHANNEL_FLAG_REQUIRE_TAG and not tag_ids:
            raise DiscordHTTPError(
                400, TAG_REQUIRED, "A tag is required to create a forum post in this channel"
            )
        thread = self._new_thread(
            forum,
            body["name"],
            thread_id=self.snowflake(),
            type=p.CHANNEL_PUBLIC_THREAD,
            owner_id=self.bot_user.id,
            auto_archive_duration=body.get("auto_archive_duration") or 1440,
            applied_tags=tag_ids,
        )
        stored = self._store_message(
            thread,
            self.bot_user,
            message,
            req,
            flags=flags & ~p.FLAG_EPHEMERAL,
            message_id=thread.id,
        )
        result = thread.payload()
        result["message"] = stored.snapshot()
        self.actions.append(
            Action(
                "forum_post_create",
                payload=body,
                result=copy.deepcopy(result),
                channel_id=thread.id,
                message_id=stored.id,
                guild_id=thread.guild_id,
            )
        )
        await self._announce_thread(thread)
        await self.dispatch("MESSAGE_CREATE", self._with_member(stored))
        return 201, result

    async def _thread_from_message(
        self, req: _Request, channel_id: str, message_id: str
    ) -> tuple[int, Any]:
        """POST /channels/{id}/messages/{id}/threads: a public thread whose id is the message's."""
        channel = self._rest_channel(channel_id)
        stored = self._rest_message(channel, message_id)
        if not channel.is_text:
            raise DiscordHTTPError(
                400, INVALID_CHANNEL_TYPE, "Cannot execute action on this channel type"
            )
        body = req.body or {}
        problems = self._thread_fields(body, creating=True)
        if problems:
            raise self._invalid_form(problems)
        self._require(channel, p.CREATE_PUBLIC_THREADS)
        if "thread" in stored.data or self._find_channel(stored.id) is not None:
            raise DiscordHTTPError(
                400, THREAD_ALREADY_CREATED, "A thread has already been created for this message"
            )
        thread = self._new_thread(
            channel,
            body["name"],
            thread_id=stored.id,
            type=(
                p.CHANNEL_ANNOUNCEMENT_THREAD
                if channel.type == p.CHANNEL_NEWS
                else p.CHANNEL_PUBLIC_THREAD
            ),
            owner_id=self.bot_user.id,
            auto_archive_duration=body.get("auto_archive_duration") or 1440,
        )
        stored.data["thread"] = thread.payload()
        stored.data["flags"] = int(stored.data.get("flags") or 0) | p.FLAG_HAS_THREAD
        self.actions.append(
            Action(
                "thread_create",
                payload=body,
                result=thread.payload(),
                channel_id=thread.id,
                message_id=stored.id,
                guild_id=thread.guild_id,
            )
        )
        await self._announce_thread(thread)
        await self.dispatch("MESSAGE_UPDATE", self._with_member(stored))
        return 201, thread.payload()

    async def _patch_channel(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        """PATCH /channels/{id} for threads: name, archived, locked, auto_archive_duration,
        applied_tags. Other channels are not implemented here."""
        channel = self._rest_channel(channel_id)
        if not channel.is_thread:
            raise DiscordHTTPError(404, 0, "PATCH of a non-thread channel", unhandled=True)
        body = req.body or {}
        parent = self._guild_of(channel).get_channel(channel.parent_id)
        problems = self._thread_fields(body, creating=False)
        tag_ids = None
        if "applied_tags" in body:
            if parent is None or not parent.is_forum:
                problems.append(
                    (("applied_tags",), "BASE_TYPE_CHOICES", "Only forum posts have tags.")
                )
            else:
                tag_ids = self._applied_tags(parent, body["applied_tags"], problems)
        if problems:
            raise self._invalid_form(problems)
        perms = self._guild_of(channel).permissions_in(self.bot_user.id, channel)
        manage = bool(perms & p.MANAGE_THREADS)
        owner = channel.owner_id == self.bot_user.id
        unarchiving = channel.archived and body.get("archived") is False
        if channel.archived and not unarchiving:
            raise DiscordHTTPError(400, THREAD_ARCHIVED, "Thread is archived")
        if unarchiving and channel.locked and not manage:
            raise DiscordHTTPError(403, MISSING_PERMISSIONS, "Missing Permissions")
        if "locked" in body and bool(body["locked"]) != channel.locked and not manage:
            raise DiscordHTTPError(403, MISSING_PERMISSIONS, "Missing Permissions")
        owner_fields = {"name", "auto_archive_duration", "applied_tags"}
        if body.get("archived") is True and not channel.archived:
            owner_fields.add("archived")
        if owner_fields & set(body) and not (owner or manage):
            raise DiscordHTTPError(403, MISSING_PERMISSIONS, "Missing Permissions")
        if tag_ids is not None and parent is not None:
            self._check_moderated_tags(parent, set(tag_ids) - set(channel.applied_tags))
        if (
            parent is not None
            and tag_ids == []
            and parent.flags & p.CHANNEL_FLAG_REQUIRE_TAG
        ):
            raise DiscordHTTPError(
                400, TAG_REQUIRED, "A tag is required to create a forum post in this channel"
            )
        changes: dict[str, Any] = {}
        for key in ("name", "auto_archive_duration"):
            if body.get(key) is not None:
                changes[key] = body[key]
        for key in ("archived", "locked"):
            if body.get(key) is not None:
                changes[key] = bool(body[key])
        if tag_ids is not None:
            changes["applied_tags"] = tag_ids
        await self._set_thread(channel, **changes)
        self.actions.append(
            Action(
                "thread_update",
                payload=body,
                result=channel.payload(),
                channel_id=channel.id,
                guild_id=channel.guild_id,
            )
        )
        return 200, channel.payload()

    # Tests: threads and forum posts as users and moderators make and see them.

    async def start_thread(
        self,
        parent: FakeChannel | int | str,
        name: str,
        *,
        user: FakeUser | FakeMember | int | None = None,
        type: int | None = None,
        applied_tags: Iterable[int | str | Mapping[str, Any]] = (),
        content: str | None = None,
    ) -> FakeChannel:
        """A user starts a thread (or, with ``content``, a forum post) while the bot is
        connected: ``add_thread`` plus THREAD_CREATE (and MESSAGE_CREATE for the starter)."""
        thread = self.add_thread(
            parent, name, type=type, owner=user, applied_tags=applied_tags, content=content
        )
        await self._announce_thread(thread)
        starter = self._messages.get(thread.id)
        if starter is not None:
            await self.dispatch("MESSAGE_CREATE", self._with_member(starter))
        return thread

    async def update_thread(
        self,
        thread: FakeChannel | int | str,
        *,
        archived: bool | None = None,
        locked: bool | None = None,
        name: str | None = None,
        applied_tags: Iterable[int | str | Mapping[str, Any]] | None = None,
    ) -> FakeChannel:
        """A moderator changes a thread; dispatches THREAD_UPDATE."""
        target = self._channel(thread)
        changes: dict[str, Any] = {}
        if archived is not None:
            changes["archived"] = archived
        if locked is not None:
            changes["locked"] = locked
        if name is not None:
            changes["name"] = name
        if applied_tags is not None:
            parent = self._channel(target.parent_id or 0)
            changes["applied_tags"] = [self._tag_id(parent, t) for t in applied_tags]
        await self._set_thread(target, **changes)
        return target

    async def archive_thread(
        self, thread: FakeChannel | int | str, *, locked: bool = False
    ) -> FakeChannel:
        """A moderator archives (and, with ``locked``, locks) a thread."""
        return await self.update_thread(thread, archived=True, locked=locked or None)

    def threads_of(self, channel: FakeChannel | int | str) -> list[FakeChannel]:
        """The live threads (archived included) whose parent is ``channel``, oldest first."""
        parent = self._channel(channel)
        return [
            c
            for c in self._guild_of(parent).channels
            if c.is_thread and c.parent_id == parent.id and not c.deleted
        ]

    def forum_posts(self, forum: FakeChannel | int | str) -> list[dict]:
        """A forum's posts, oldest first: ``{"id", "name", "applied_tags" (ids), "tags" (names),
        "archived", "locked", "message" (the starter message, or None), "thread"}``."""
        parent = self._channel(forum)
        names = {int(t["id"]): t["name"] for t in parent.available_tags}
        return [
            {
                "id": thread.id,
                "name": thread.name,
                "applied_tags": list(thread.applied_tags),
                "tags": [names.get(t) for t in thread.applied_tags],
                "archived": thread.archived,
                "locked": thread.locked,
                "message": self.get_message(thread.id),
                "thread": thread,
            }
            for thread in self.threads_of(parent)
        ]

    def advance_nonce_clock(self, seconds: float) -> None:
        """Move the nonce window's clock on: a nonce first seen more than ``nonce_window``
        seconds before is forgotten, as Discord forgets one after a few minutes."""
        self.nonce_clock_offset += seconds

    async def _archived_public_threads(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        """GET /channels/{id}/threads/archived/public: a channel's (or forum's) archived public
        threads, most recently archived first, archived before ``before`` (an ISO8601
        timestamp), ``limit`` at most (default 50), with ``has_more``."""
        parent = self._rest_channel(channel_id, p.READ_MESSAGE_HISTORY)
        limit = int(req.query.get("limit", 50))
        if not 2 <= limit <= 100:
            raise self._invalid_form([(("limit",), "NUMBER_TYPE_MAX", "Must be 2 to 100.")])
        archived = [
            thread
            for thread in self.threads_of(parent)
            if thread.archived and thread.type != p.CHANNEL_PRIVATE_THREAD
        ]
        before = req.query.get("before")
        if before:
            cutoff = datetime.fromisoformat(before)
            archived = [t for t in archived if datetime.fromisoformat(t.archive_timestamp) < cutoff]
        archived.sort(key=lambda t: (t.archive_timestamp, t.id), reverse=True)
        page = archived[:limit]
        return 200, {
            "threads": [t.payload() for t in page],
            "members": [],
            "has_more": len(archived) > limit,
        }

    async def _active_threads(self, req: _Request, guild_id: str) -> tuple[int, Any]:
        """GET /guilds/{id}/threads/active: every active (not archived) thread in the guild,
        public and private, that the bot can see."""
        guild = self._rest_guild(guild_id)
        threads = []
        for thread in guild.channels:
            if not thread.is_thread or thread.deleted or thread.archived:
                continue
            if not self._live_parent(thread):
                continue
            if not guild.permissions_in(self.bot_user.id, thread) & p.VIEW_CHANNEL:
                continue
            threads.append(thread.payload())
        return 200, {"threads": threads, "members": []}

    # --- reactions ---------------------------------------------------------------------------

    def _render_reactions(self, stored: StoredMessage) -> None:
        stored.data["reactions"] = [
            p.reaction_summary_payload(emoji, len(users), me=self.bot_user.id in users)
            for emoji, users in stored.reactions.values()
            if users
        ]

    async def _react(self, stored: StoredMessage, emoji: dict, user: FakeUser) -> bool:
        """Add a reaction; False when this user already reacted so (Discord sends nothing)."""
        key = p.emoji_key(emoji)
        _, users = stored.reactions.setdefault(key, (emoji, []))
        if user.id in users:
            return False
        users.append(user.id)
        self._render_reactions(stored)
        self._changed()
        guild = self._guild(stored.guild_id) if stored.guild_id else None
        member = guild.members.get(user.id) if guild else None
        await self.dispatch(
            "MESSAGE_REACTION_ADD",
            p.reaction_add_payload(
                user_id=user.id,
                channel_id=stored.channel_id,
                message_id=stored.id,
                guild_id=stored.guild_id,
                emoji=emoji,
                member=member.payload() if member else None,
                message_author_id=stored.author_id,
            ),
        )
        return True

    async def _unreact(self, stored: StoredMessage, emoji: dict, user: FakeUser) -> bool:
        key = p.emoji_key(emoji)
        entry = stored.reactions.get(key)
        if entry is None or user.id not in entry[1]:
            return False
        entry[1].remove(user.id)
        if not entry[1]:
            del stored.reactions[key]
        self._render_reactions(stored)
        self._changed()
        await self.dispatch(
            "MESSAGE_REACTION_REMOVE",
            p.reaction_remove_payload(
                user_id=user.id,
                channel_id=stored.channel_id,
                message_id=stored.id,
                guild_id=stored.guild_id,
                emoji=entry[0],
            ),
        )
        return True

    async def _own_reaction(
        self, req: _Request, channel_id: str, message_id: str, emoji: str
    ) -> tuple[int, Any]:
        channel = self._rest_channel(channel_id, p.READ_MESSAGE_HISTORY)
        stored = self._rest_message(channel, message_id)
        parsed = p.emoji_payload(emoji)
        if req.method == "PUT":
            if p.emoji_key(parsed) not in stored.reactions:
                self._rest_channel(channel_id, p.ADD_REACTIONS)
            if await self._react(stored, parsed, self.bot_user):
                self.actions.append(
                    Action(
                        "reaction_add",
                        payload={"emoji": emoji},
                        channel_id=channel.id,
                        message_id=stored.id,
                        guild_id=channel.guild_id,
                    )
                )
        elif await self._unreact(stored, parsed, self.bot_user):
            self.actions.append(
                Action(
                    "reaction_remove",
                    payload={"emoji": emoji},
                    channel_id=channel.id,
                    message_id=stored.id,
                    guild_id=channel.guild_id,
                )
            )
        return 204, None

    async def _remove_user_reaction(
        self, req: _Request, channel_id: str, message_id: str, emoji: str, user_id: str
    ) -> tuple[int, Any]:
        channel = self._rest_channel(channel_id, p.MANAGE_MESSAGES)
        stored = self._rest_message(channel, message_id)
        user = self.users.get(int(user_id))
        if user is None:
            raise DiscordHTTPError(404, 10013, "Unknown User")
        if await self._unreact(stored, p.emoji_payload(emoji), user):
            self.actions.append(
                Action(
                    "reaction_remove",
                    payload={"emoji": emoji, "user_id": user.id},
                    channel_id=channel.id,
                    message_id=stored.id,
                    guild_id=channel.guild_id,
                )
            )
        return 204, None

    async def _list_reactions(
        self, req: _Request, channel_id: str, message_id: str, emoji: str
    ) -> tuple[int, Any]:
        channel = self._rest_channel(channel_id, p.READ_MESSAGE_HISTORY)
        stored = self._rest_message(channel, message_id)
        entry = stored.reactions.get(p.emoji_key(p.emoji_payload(emoji)))
        users = sorted(entry[1]) if entry else []
        after = int(req.query.get("after", 0))
        limit = int(req.query.get("limit", 25))
        return 200, [self.users[u].payload() for u in users if u > after][:limit]

    # --- interactions: callbacks, follow-ups, original response -------------------------------

    def _interaction_for_callback(
        self, interaction_id: str, token: str, req: _Request
    ) -> InteractionHandle:
        handle = self.interactions.get(int(interaction_id))
        if handle is None or handle.token != token:
            raise DiscordHTTPError(
                404, UNKNOWN_INTERACTION, "Unknown interaction", violation="unknown_interaction"
            )
        return handle

    def _reject_callback(
        self, handle: InteractionHandle, req: _Request, err: DiscordHTTPError
    ) -> DiscordHTTPError:
        body = req.body or {}
        handle.rejected.append(
            {
                "type": body.get("type"),
                "data": body.get("data"),
                "status": err.status,
                "code": err.code,
            }
        )
        return err

    async def _interaction_callback(
        self, req: _Request, interaction_id: str, token: str
    ) -> tuple[int, Any]:
        handle = self._interaction_for_callback(interaction_id, token, req)
        body = req.body or {}
        callback_type = body.get("type")
        data = body.get("data")
        elapsed = asyncio.get_running_loop().time() - handle.dispatched_at
        if handle.callback is not None:
            raise self._reject_callback(
                handle,
                req,
                DiscordHTTPError(
                    400,
                    ALREADY_ACKNOWLEDGED,
                    "Interaction has already been acknowledged.",
                    violation="interaction_already_acknowledged",
                ),
            )
        if handle.expired or elapsed > self.interaction_deadline:
            handle.expired = True
            raise self._reject_callback(
                handle,
                req,
                DiscordHTTPError(
                    404,
                    UNKNOWN_INTERACTION,
                    "Unknown interaction",
                    violation="interaction_response_too_late",
                ),
            )
        allowed = {
            p.INTERACTION_APPLICATION_COMMAND: {4, 5, 9},
            p.INTERACTION_MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
            p.INTERACTION_AUTOCOMPLETE: {8},
            p.INTERACTION_MODAL_SUBMIT: {4, 5, 6, 7},
        }[handle.type]
        if callback_type not in allowed:
            raise self._reject_callback(
                handle,
                req,
                DiscordHTTPError(
                    400,
                    40043 if callback_type == 8 else 50035,
                    f"Interaction callback type {callback_type} is not valid"
                    f" for interaction type {handle.type}",
                    violation="invalid_callback_type",
                ),
            )

        message: StoredMessage | None = None
        try:
            if callback_type == p.CALLBACK_AUTOCOMPLETE_RESULT:
                choices = (data or {}).get("choices")
                problems = validate_autocomplete_choices(choices, handle.focused_type)
                handle.choices = copy.deepcopy(choices) if isinstance(choices, list) else []
                if problems:
                    raise self._invalid_form(problems, "invalid_autocomplete")
            elif callback_type == p.CALLBACK_MODAL:
                problems = validate_modal(data)
                if problems:
                    raise self._invalid_form(problems, "invalid_modal")
                handle.modal = copy.deepcopy(data)
            elif callback_type in (p.CALLBACK_CHANNEL_MESSAGE, p.CALLBACK_DEFERRED_CHANNEL_MESSAGE):
                message = self._respond_with_message(handle, callback_type, data or {}, req)
            elif callback_type == p.CALLBACK_UPDATE_MESSAGE:
                message = self._messages[handle.source_message_id]  # type: ignore[index]
                self._apply_edit(message, data or {}, req)
                handle.original_id, handle.original_ready = message.id, True
            elif callback_type == p.CALLBACK_DEFERRED_UPDATE_MESSAGE:
                handle.original_id = handle.source_message_id
        except DiscordHTTPError as err:
            raise self._reject_callback(handle, req, err) from None

        handle.callback = {"type": callback_type, "data": copy.deepcopy(data)}
        self.actions.append(
            Action(
                "interaction_callback",
                payload=copy.deepcopy(body),
                result=message.snapshot() if message else None,
                channel_id=handle.channel_id,
                message_id=message.id if message else None,
                interaction_id=handle.id,
                guild_id=handle.guild_id,
            )
        )
        self._changed()
        if message is not None and not message.ephemeral:
            if callback_type == p.CALLBACK_UPDATE_MESSAGE:
                await self.dispatch("MESSAGE_UPDATE", message.snapshot())
            else:
                await self.dispatch("MESSAGE_CREATE", message.snapshot())
        if req.query.get("with_response", "").lower() not in ("1", "true"):
            return 204, None
        return 200, p.interaction_callback_response(
            interaction_id=handle.id,
            interaction_type=handle.type,
            callback_type=callback_type,
            message=message.snapshot() if message and callback_type in (4, 5, 7) else None,
        )

    def _respond_with_message(
        self, handle: InteractionHandle, callback_type: int, data: Mapping[str, Any], req: _Request
    ) -> StoredMessage:
        flags = int(data.get("flags") or 0)
        ephemeral = bool(flags & p.FLAG_EPHEMERAL)
        channel = self._channel(handle.channel_id)
        if callback_type == p.CALLBACK_CHANNEL_MESSAGE:
            self._check_new_message(data, req, flags)
            body = data
        else:
            body, flags = {}, flags | p.FLAG_LOADING
        stored = self._store_message(
            channel,
            self.bot_user,
            body,
            req if callback_type == 4 else None,
            flags=flags,
            message_type=p.MESSAGE_CHAT_INPUT_COMMAND
            if handle.type == p.INTERACTION_APPLICATION_COMMAND
            else p.MESSAGE_DEFAULT,
            interaction=handle,
            ephemeral=ephemeral,
        )
        handle.original_id = stored.id
        handle.original_ready = callback_type == p.CALLBACK_CHANNEL_MESSAGE
        return stored

    def _interaction_for_webhook(self, app_id: str, token: str) -> InteractionHandle:
        handle = self._interactions_by_token.get(token)
        if handle is None or int(app_id) != self.application_id:
            raise DiscordHTTPError(
                404, UNKNOWN_WEBHOOK, "Unknown Webhook", violation="unknown_webhook"
            )
        age = asyncio.get_running_loop().time() - handle.dispatched_at
        if age > self.interaction_token_ttl:
            raise DiscordHTTPError(
                401,
                INVALID_WEBHOOK_TOKEN,
                "Invalid Webhook Token",
                violation="interaction_token_expired",
            )
        if handle.callback is None:
            # A follow-up or edit before any initial response: Discord knows no such webhook yet.
            raise DiscordHTTPError(
                404, UNKNOWN_WEBHOOK, "Unknown Webhook", violation="followup_before_response"
            )
        return handle

    async def _followup_create(self, req: _Request, app_id: str, token: str) -> tuple[int, Any]:
        handle = self._interaction_for_webhook(app_id, token)
        body = req.body or {}
        flags = int(body.get("flags") or 0)
        # The first follow-up after a deferral fills in the loading message.
        original = self._messages.get(handle.original_id) if handle.original_id else None
        if (
            original is not None
            and not original.deleted  # a deleted "thinking" message is not filled in
            and handle.callback["type"] == p.CALLBACK_DEFERRED_CHANNEL_MESSAGE  # type: ignore[index]
            and not handle.original_ready
        ):
            self._apply_edit(original, body, req)
            handle.original_ready = True
            self.actions.append(
                Action(
                    "original_edit",
                    payload=body,
                    result=original.snapshot(),
                    channel_id=handle.channel_id,
                    message_id=original.id,
                    interaction_id=handle.id,
                    guild_id=handle.guild_id,
                )
            )
            self._changed()
            if not original.ephemeral:
                await self.dispatch("MESSAGE_UPDATE", original.snapshot())
            return (
                (200, original.snapshot())
                if req.query.get("wait") in ("1", "true", "True")
                else (204, None)
            )
        self._check_new_message(body, req, flags)
        stored = self._store_message(
            self._channel(handle.channel_id),
            self.bot_user,
            body,
            req,
            flags=flags,
            interaction=handle,
            ephemeral=bool(flags & p.FLAG_EPHEMERAL),
        )
        handle.followup_ids.append(stored.id)
        self.actions.append(
            Action(
                "followup_create",
                payload=body,
                result=stored.snapshot(),
                channel_id=handle.channel_id,
                message_id=stored.id,
                interaction_id=handle.id,
                guild_id=handle.guild_id,
            )
        )
        self._changed()
        if not stored.ephemeral:
            await self.dispatch("MESSAGE_CREATE", stored.snapshot())
        if req.query.get("wait") in ("1", "true", "True"):
            return 200, stored.snapshot()
        return 204, None

    async def _webhook_message(
        self, req: _Request, app_id: str, token: str, message_ref: str
    ) -> tuple[int, Any]:
        handle = self._interaction_for_webhook(app_id, token)
        if message_ref == "@original":
            message_id = handle.original_id
            kind = "original"
        else:
            message_id = int(message_ref)
            kind = "followup" if message_id in handle.followup_ids else "original"
            if message_id != handle.original_id and message_id not in handle.followup_ids:
                message_id = None
        stored = self._messages.get(message_id) if message_id else None
        if stored is None or stored.deleted:
            raise DiscordHTTPError(
                404, UNKNOWN_MESSAGE, "Unknown Message", violation="unknown_message"
            )
        if req.method == "GET":
            return 200, stored.snapshot()
        if req.method == "DELETE":
            await self._delete_message(stored, f"{kind}_delete")
            return 204, None
        body = req.body or {}
        self._apply_edit(stored, body, req)
        handle.edits.append(copy.deepcopy(body))
        if kind == "original":
            handle.original_ready = True
        self.actions.append(
            Action(
                f"{kind}_edit",
                payload=body,
                result=stored.snapshot(),
                channel_id=stored.channel_id,
                message_id=stored.id,
                interaction_id=handle.id,
                guild_id=handle.guild_id,
            )
        )
        self._changed()
        if not stored.ephemeral:
            await self.dispatch("MESSAGE_UPDATE", stored.snapshot())
        return 200, stored.snapshot()

    # --- drivers: acting as Discord users -----------------------------------------------------

    def _find_command(self, name: str, guild: FakeGuild) -> dict:
        for scope in (guild.id, None):
            for command in self._commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        raise KeyError(f"no slash command {name!r} is synced globally or to guild {guild.name!r}")

    def _check_available(self, command: dict, guild: FakeGuild, user: FakeUser) -> None:
        contexts = command.get("contexts")
        if contexts is not None and 0 not in contexts:
            raise CommandNotAvailable(f"/{command['name']} is not offered in guilds")
        needed = command.get("default_member_permissions")
        if needed is not None:
            perms = guild.base_permissions(user.id)
            if int(needed) & perms != int(needed) and not perms & p.ADMINISTRATOR:
                raise CommandNotAvailable(
                    f"/{command['name']} needs permissions {needed}, which {user.name} lacks"
                )

    def _resolve_option(
        self,
        option: dict,
        value: Any,
        guild: FakeGuild,
        channel: FakeChannel,
        user: FakeUser,
        resolved: dict[str, dict],
        focused: bool,
    ) -> Any:
        """The JSON value Discord sends for ``value`` in this option, filling ``resolved``."""
        name, otype = option["name"], option["type"]
        if focused:
            # While typing, Discord sends what was typed so far, unvalidated.
            return (
                value
                if otype in (p.OPTION_STRING, p.OPTION_INTEGER, p.OPTION_NUMBER)
                else str(value)
            )
        if otype == p.OPTION_STRING:
            value = str(value)
            if option.get("min_length") is not None and len(value) < option["min_length"]:
                raise ValueError(f"option {name!r} is shorter than min_length")
            if option.get("max_length") is not None and len(value) > option["max_length"]:
                raise ValueError(f"option {name!r} is longer than max_length")
        elif otype == p.OPTION_INTEGER:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"option {name!r} needs an integer, not {value!r}")
        elif otype == p.OPTION_NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"option {name!r} needs a number, not {value!r}")
        elif otype == p.OPTION_BOOLEAN:
            if not isinstance(value, bool):
                raise ValueError(f"option {name!r} needs a boolean, not {value!r}")
        elif otype == p.OPTION_CHANNEL:
            target = self._channel(value, guild)
            types = option.get("channel_types")
            if types and target.type not in types:
                raise ValueError(
                    f"option {name!r} accepts channel types {types}, not {target.type}"
                )
            resolved.setdefault("channels", {})[str(target.id)] = p.resolved_channel_payload(
                target.payload(), guild.permissions_in(user.id, target)
            )
            return str(target.id)
        elif otype in (p.OPTION_USER, p.OPTION_MENTIONABLE) and not isinstance(value, FakeRole):
            target_user = self._user(value)
            resolved.setdefault("users", {})[str(target_user.id)] = target_user.payload()
            member = guild.members.get(target_user.id)
            if member is not None:
                resolved.setdefault("members", {})[str(target_user.id)] = member.payload(
                    with_user=False, permissions=guild.permissions_in(target_user.id, channel)
                )
            return str(target_user.id)
        elif otype in (p.OPTION_ROLE, p.OPTION_MENTIONABLE):
            role = (
                value
                if isinstance(value, FakeRole)
                else next((r for r in guild.roles if r.id == int(value) or r.name == value), None)
            )
            if role is None:
                raise ValueError(f"option {name!r}: unknown role {value!r}")
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            return str(role.id)
        else:
            raise ValueError(f"option {name!r}: type {otype} is not supported by this server")
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise ValueError(f"option {name!r} must be one of its choices, not {value!r}")
        for bound, test in (("min_value", lambda b: value < b), ("max_value", lambda b: value > b)):
            if option.get(bound) is not None and test(option[bound]):
                raise ValueError(f"option {name!r}={value!r} breaks its {bound}")
        return value

    def _build_command_data(
        self,
        name: str,
        options: Mapping[str, Any],
        guild: FakeGuild,
        channel: FakeChannel,
        user: FakeUser,
        focused: str | None,
    ) -> tuple[dict, dict, int | None]:
        """``data`` of a command interaction typed by the synced schema; also the command and
        the type of the focused option."""
        top, *subs = name.split()
        command = self._find_command(top, guild)
        self._check_available(command, guild, user)
        schema = command.get("options") or []
        chain: list[tuple[str, int]] = []
        for sub in subs:
            group = next(
                (
                    o
                    for o in schema
                    if o["name"] == sub
                    and o["type"] in (p.OPTION_SUB_COMMAND, p.OPTION_SUB_COMMAND_GROUP)
                ),
                None,
            )
            if group is None:
                raise KeyError(f"/{top} has no sub-command {sub!r}")
            chain.append((sub, group["type"]))
            schema = group.get("options") or []
        if any(o["type"] in (p.OPTION_SUB_COMMAND, p.OPTION_SUB_COMMAND_GROUP) for o in schema):
            raise ValueError(f"/{name} needs a sub-command")
        known = {o["name"]: o for o in schema}
        unknown = set(options) - set(known)
        if unknown:
            raise ValueError(f"/{name} has no options {sorted(unknown)}; it has {sorted(known)}")
        if focused is None:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in options]
            if missing:
                raise ValueError(f"/{name} needs options {missing}")
        elif focused not in known:
            raise ValueError(f"/{name} has no option {focused!r} to focus")
        elif not known[focused].get("autocomplete"):
            raise ValueError(f"option {focused!r} of /{name} has no autocomplete")
        resolved: dict[str, dict] = {}
        filled = [
            p.command_option_value(
                o["name"],
                o["type"],
                self._resolve_option(
                    o, options[o["name"]], guild, channel, user, resolved, o["name"] == focused
                ),
                focused=o["name"] == focused,
            )
            for o in schema
            if o["name"] in options
        ]
        for sub, sub_type in reversed(chain):
            filled = [p.subcommand_option(sub, sub_type, filled)]
        data = p.command_interaction_data(
            command_id=int(command["id"]),
            name=top,
            options=filled,
            resolved=resolved,
            guild_id=int(command["guild_id"]) if command.get("guild_id") else None,
        )
        focused_type = known[focused]["type"] if focused else None
        return data, command, focused_type

    async def _dispatch_interaction(
        self,
        *,
        interaction_type: int,
        data: dict,
        guild: FakeGuild,
        channel: FakeChannel,
        user: FakeUser,
        message: StoredMessage | None = None,
        command_name: str | None = None,
        focused_type: int | None = None,
        locale: str = "en-GB",
    ) -> InteractionHandle:
        if not self.connected:
            # Ride out a reconnect in progress; with no bot at all, say so instead of hanging.
            try:
                await self.wait_until(lambda: self.connected, 5.0, "a connected bot")
            except TimeoutError:
                raise RuntimeError("no bot is connected to the gateway") from None
        if not guild.bot_present:
            raise CommandNotAvailable(f"the bot is not in {guild.name}")
        member = guild.members.get(user.id)
        if member is None:
            raise ValueError(f"{user.name} is not a member of {guild.name}")
        perms = guild.permissions_in(user.id, channel)
        interaction_id = self.snowflake()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        payload = p.interaction_payload(
            interaction_id=interaction_id,
            application_id=self.application_id,
            interaction_type=interaction_type,
            token=token,
            data=data,
            guild_id=guild.id,
            channel=channel.payload(permissions=perms),
            member=member.payload(permissions=perms),
            message=message.snapshot() if message else None,
            app_permissions=guild.permissions_in(self.bot_user.id, channel),
            locale=locale,
        )
        handle = InteractionHandle(
            self,
            interaction_id=interaction_id,
            token=token,
            interaction_type=interaction_type,
            payload=payload,
            guild_id=guild.id,
            channel_id=channel.id,
            user_id=user.id,
            command_name=command_name,
            focused_type=focused_type,
            source_message_id=message.id if message else None,
        )
        self.interactions[interaction_id] = handle
        self._interactions_by_token[token] = handle
        handle.dispatched_at = asyncio.get_running_loop().time()
        await self.dispatch("INTERACTION_CREATE", payload)
        return handle

    def _where(
        self, guild: FakeGuild | int | str | None, channel: FakeChannel | int | str | None
    ) -> tuple[FakeGuild, FakeChannel]:
        if (
            channel is not None
            and guild is None
            and not (isinstance(channel, str) and not channel.isdigit())
        ):
            resolved_channel = self._channel(channel)
            return self._guild_of(resolved_channel), resolved_channel
        resolved_guild = self._guild(guild)
        return resolved_guild, self._channel(channel, resolved_guild)

    async def run_command(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        guild: FakeGuild | int | str | None = None,
        channel: FakeChannel | int | str | None = None,
        user: FakeUser | FakeMember | int | None = None,
        locale: str = "en-GB",
    ) -> InteractionHandle:
        """A user runs ``/name`` ("group sub" for sub-commands) with ``options``, typed by the
        synced schema. Raises CommandNotAvailable where Discord would not offer the command."""
        where_guild, where_channel = self._where(guild, channel)
        invoker = self._user(user)
        data, _, _ = self._build_command_data(
            name, options or {}, where_guild, where_channel, invoker, None
        )
        return await self._dispatch_interaction(
            interaction_type=p.INTERACTION_APPLICATION_COMMAND,
            data=data,
            guild=where_guild,
            channel=where_channel,
            user=invoker,
            command_name=name,
            locale=locale,
        )

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        guild: FakeGuild | int | str | None = None,
        channel: FakeChannel | int | str | None = None,
        user: FakeUser | FakeMember | int | None = None,
        timeout: float = 5.0,
    ) -> list[dict]:
        """A user types into option ``focused``; returns the choices the bot answered with
        (also when Discord rejected them; that is recorded as a violation)."""
        where_guild, where_channel = self._where(guild, channel)
        invoker = self._user(user)
        data, _, focused_type = self._build_command_data(
            name, options, where_guild, where_channel, invoker, focused
        )
        handle = await self._dispatch_interaction(
            interaction_type=p.INTERACTION_AUTOCOMPLETE,
            data=data,
            guild=where_guild,
            channel=where_channel,
            user=invoker,
            command_name=name,
            focused_type=focused_type,
        )
        await self.wait_until(
            lambda: handle.choices is not None, timeout, f"autocomplete choices for /{name}"
        )
        return copy.deepcopy(handle.choices or [])

    def _component_message(self, message: dict | int | str) -> StoredMessage:
        message_id = int(message["id"]) if isinstance(message, dict) else int(message)
        stored = self._messages.get(message_id)
        if stored is None or stored.deleted:
            raise KeyError(f"unknown message {message_id}")
        return stored

    @staticmethod
    def _find_component(stored: StoredMessage, custom_id: str) -> dict:
        for comp in _walk_components(stored.data.get("components") or []):
            if comp.get("custom_id") == custom_id:
                if comp.get("disabled"):
                    raise ValueError(f"component {custom_id!r} is disabled")
                return comp
        raise ValueError(f"message {stored.id} has no component with custom_id {custom_id!r}")

    async def press_button(
        self,
        message: dict | int | str,
        custom_id: str,
        *,
        user: FakeUser | FakeMember | int | None = None,
    ) -> InteractionHandle:
        """A user presses the button ``custom_id`` on a stored message."""
        stored = self._component_message(message)
        comp = self._find_component(stored, custom_id)
        if comp.get("type") != p.COMPONENT_BUTTON:
            raise ValueError(f"{custom_id!r} is not a button")
        channel = self._channel(stored.channel_id)
        return await self._dispatch_interaction(
            interaction_type=p.INTERACTION_MESSAGE_COMPONENT,
            data=p.component_interaction_data(
                custom_id=custom_id, component_type=p.COMPONENT_BUTTON, component_id=comp.get("id")
            ),
            guild=self._guild_of(channel),
            channel=channel,
            user=self._user(user),
            message=stored,
        )

    async def select(
        self,
        message: dict | int | str,
        custom_id: str,
        values: Sequence[Any],
        *,
        user: FakeUser | FakeMember | int | None = None,
    ) -> InteractionHandle:
        """A user picks ``values`` in the select menu ``custom_id`` on a stored message."""
        stored = self._component_message(message)
        comp = self._find_component(stored, custom_id)
        ctype = comp.get("type")
        if ctype not in p.SELECT_TYPES:
            raise ValueError(f"{custom_id!r} is not a select menu")
        if not comp.get("min_values", 1) <= len(values) <= comp.get("max_values", 1):
            raise ValueError(
                f"{len(values)} values is outside min_values/max_values of {custom_id!r}"
            )
        channel = self._channel(stored.channel_id)
        guild = self._guild_of(channel)
        invoker = self._user(user)
        resolved: dict[str, dict] = {}
        if ctype == p.COMPONENT_STRING_SELECT:
            allowed = [o["value"] for o in comp.get("options", [])]
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValueError(f"{bad} are not options of {custom_id!r}")
            sent = [str(v) for v in values]
        else:
            option_type = {
                p.COMPONENT_USER_SELECT: p.OPTION_USER,
                p.COMPONENT_ROLE_SELECT: p.OPTION_ROLE,
                p.COMPONENT_MENTIONABLE_SELECT: p.OPTION_MENTIONABLE,
                p.COMPONENT_CHANNEL_SELECT: p.OPTION_CHANNEL,
            }[ctype]
            sent = [
                self._resolve_option(
                    {
                        "name": custom_id,
                        "type": option_type,
                        "channel_types": comp.get("channel_types"),
                    },
                    v,
                    guild,
                    channel,
                    invoker,
                    resolved,
                    False,
                )
                for v in values
            ]
        return await self._dispatch_interaction(
            interaction_type=p.INTERACTION_MESSAGE_COMPONENT,
            data=p.component_interaction_data(
                custom_id=custom_id,
                component_type=ctype,
                values=sent,
                resolved=resolved,
                component_id=comp.get("id"),
            ),
            guild=guild,
            channel=channel,
            user=invoker,
            message=stored,
        )

    async def add_reaction(
        self,
        message: dict | int | str,
        channel: FakeChannel | int | None = None,
        emoji: str = "👍",
        user: FakeUser | FakeMember | int | None = None,
    ) -> bool:
        """``user`` reacts with ``emoji``; dispatches MESSAGE_REACTION_ADD. False if they had."""
        stored = self._reaction_target(message, channel)
        return await self._react(stored, p.emoji_payload(emoji), self._user(user))

    async def remove_reaction(
        self,
        message: dict | int | str,
        channel: FakeChannel | int | None = None,
        emoji: str = "👍",
        user: FakeUser | FakeMember | int | None = None,
    ) -> bool:
        """``user`` takes their reaction back; dispatches MESSAGE_REACTION_REMOVE."""
        stored = self._reaction_target(message, channel)
        return await self._unreact(stored, p.emoji_payload(emoji), self._user(user))

    def _reaction_target(
        self, message: dict | int | str, channel: FakeChannel | int | None
    ) -> StoredMessage:
        stored = self._component_message(message)
        if channel is not None and self._channel_id(channel) != stored.channel_id:
            raise ValueError(f"message {stored.id} is not in channel {self._channel_id(channel)}")
        return stored

    async def send_user_message(
        self,
        channel: FakeChannel | int | str,
        content: str,
        *,
        user: FakeUser | FakeMember | int | None = None,
    ) -> dict:
        """A user posts in a channel; dispatches MESSAGE_CREATE (content hidden without the
        message content intent)."""
        target = self._channel(channel)
        stored = self._store_message(target, self._user(user), {"content": content}, None)
        self._changed()
        await self.dispatch("MESSAGE_CREATE", self._with_member(stored))
        return stored.snapshot()

    async def remove_bot_from_guild(self, guild: FakeGuild | int | str) -> None:
        """The bot is removed from a guild (kicked, or the guild deleted): GUILD_DELETE without
        ``unavailable``, as Discord sends it. From then READY no longer lists the guild, the
        bot's requests to it and its channels answer 403 Missing Access, and no one there can
        use its commands (``CommandNotAvailable``)."""
        target = self._guild(guild)
        target.bot_present = False
        target.members.pop(self.bot_user.id, None)
        self._changed()
        await self.dispatch("GUILD_DELETE", p.guild_delete_payload(target.id))

    async def guild_outage(self, guild: FakeGuild | int | str) -> None:
        """A guild becomes unavailable (a Discord outage): GUILD_DELETE with ``unavailable:
        true``; discord.py dispatches on_guild_unavailable, and the bot is still in it."""
        target = self._guild(guild)
        await self.dispatch("GUILD_DELETE", p.guild_delete_payload(target.id, unavailable=True))

    async def add_bot_to_guild(self, guild: FakeGuild | int | str) -> None:
        """The bot is added (back) to a guild: it becomes a member again with its managed role,
        and GUILD_CREATE without ``unavailable`` is dispatched (discord.py: on_guild_join)."""
        target = self._guild(guild)
        role = next(r for r in target.roles if r.bot_id == self.bot_user.id)
        target.bot_present = True
        target.joined_at = p.iso_timestamp()
        self.add_member(target, self.bot_user, roles=[role])
        self._changed()
        for session in self._live_sessions():
            if session.wants("GUILD_CREATE"):
                await session.dispatch(
                    "GUILD_CREATE",
                    p.guild_join_payload(self._guild_create(target, session.intents)),
                )

    async def forge_press(
        self,
        message: dict | int | str,
        custom_id: str,
        *,
        user: FakeUser | FakeMember | int | None = None,
    ) -> InteractionHandle:
        """A modified client presses a button with a ``custom_id`` of its own choosing on a
        stored message (one the message does not carry): what a bot must never trust."""
        stored = self._component_message(message)
        channel = self._channel(stored.channel_id)
        return await self._dispatch_interaction(
            interaction_type=p.INTERACTION_MESSAGE_COMPONENT,
            data=p.component_interaction_data(
                custom_id=custom_id, component_type=p.COMPONENT_BUTTON, component_id=None
            ),
            guild=self._guild_of(channel),
            channel=channel,
            user=self._user(user),
            message=stored,
        )

    async def delete_channel(self, channel: FakeChannel | int | str) -> None:
        """Delete a channel: CHANNEL_DELETE now, 404 Unknown Channel for any later request."""
        target = self._channel(channel)
        target.deleted = True
        self._changed()
        if target.is_thread:
            await self.dispatch(
                "THREAD_DELETE",
                p.thread_delete_payload(
                    target.id, target.guild_id, target.parent_id or 0, target.type
                ),
            )
            return
        await self.dispatch("CHANNEL_DELETE", target.payload())

    async def forbid_posting(self, channel: FakeChannel | int | str) -> None:
        """Deny the bot Send Messages in a channel (a member overwrite, as a moderator would);
        CHANNEL_UPDATE tells the bot, and later posts get 403 Missing Permissions."""
        target = self._channel(channel)
        target.overwrites = [
            o
            for o in target.overwrites
            if not (int(o["id"]) == self.bot_user.id and o["type"] == 1)
        ]
        target.overwrites.append(p.overwrite_payload(self.bot_user.id, 1, deny=p.SEND_MESSAGES))
        self._changed()
        await self.dispatch("CHANNEL_UPDATE", target.payload())

    async def allow_posting(self, channel: FakeChannel | int | str) -> None:
        """Undo ``forbid_posting``."""
        target = self._channel(channel)
        target.overwrites = [
            o
            for o in target.overwrites
            if not (int(o["id"]) == self.bot_user.id and o["type"] == 1)
        ]
        self._changed()
        await self.dispatch("CHANNEL_UPDATE", target.payload())


# ---------------------------------------------------------------------------------------------
# Running a discord.py client against the server
# ---------------------------------------------------------------------------------------------


class BotRunner:
    """Starts discord.py clients against a DiscordServer in this event loop and closes them."""

    def __init__(self, server: DiscordServer) -> None:
        self.server = server
        self._running: dict[int, tuple[discord.Client, asyncio.Task[None]]] = {}
        self._failures: list[BaseException] = []

    async def start(self, client: discord.Client, *, timeout: float = 10.0) -> discord.Client:
        """Point discord.py at the server, log in, connect, and wait for ``on_ready``."""
        configure_endpoints(self.server.api_base_url, self.server.gateway_url)
        try:
            await client.login(self.server.token)
        except BaseException:
            await client.close()
            raise
        task = asyncio.create_task(client.connect(), name=f"discord-connect-{id(client)}")
        self._running[id(client)] = (client, task)
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait(
            {task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready in done:
            return client
        ready.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ready
        if task in done:
            self._running.pop(id(client), None)
            await client.close()
            raise RuntimeError("the client stopped before it was ready") from task.exception()
        await self.stop(client)
        raise TimeoutError(f"the client was not ready within {timeout}s")

    async def stop(self, client: discord.Client, *, timeout: float = 10.0) -> None:
        """Close a client started here and wait for its connection task to end."""
        entry = self._running.pop(id(client), None)
        await client.close()
        if entry is None:
            return
        task = entry[1]
        try:
            await asyncio.wait_for(task, timeout)
        except Exception as exc:  # a crashed client must fail the test
            self._failures.append(exc)

    async def close_all(self) -> None:
        """Close every client still running, restore discord.py's endpoints, report crashes."""
        try:
            for client, _ in list(self._running.values())[::-1]:
                await self.stop(client)
        finally:
            configure_endpoints(None, None)
        if self._failures:
            raise AssertionError(f"a discord.py client crashed: {self._failures!r}")

    @contextlib.asynccontextmanager
    async def running(self, client: discord.Client) -> AsyncIterator[discord.Client]:
        """``async with runner.running(bot):`` starts and stops one client."""
        await self.start(client)
        try:
            yield client
        finally:
            await self.stop(client)

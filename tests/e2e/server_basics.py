"""The local Discord server's constants, errors and the records it keeps of what the bot did."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

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


@dataclass
class _Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[dict]
    headers: Mapping[str, str]


Handler = Callable[..., Awaitable[tuple[int, Any]]]

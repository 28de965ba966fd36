"""Discord gateway and REST payloads, built in one place for the local test server.

Every builder here produces the JSON that Discord itself sends, with the fields that discord.py
2.7.1 reads. discord.py indexes some keys directly (``data['flags']`` on a member,
``data['attachment_size_limit']`` on an interaction, ``data['type']`` on a reaction event), and a
missing one raises inside the gateway reader and kills ``Client.start()``; so when discord.py is
upgraded, this module is the one to check against the new version's parsers.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

# The version these payloads were checked against (the pin in pyproject.toml).
DISCORD_PY_VERSION = "2.7.1"
API_VERSION = 10
DISCORD_EPOCH_MS = 1420070400000

# Gateway opcodes.
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Gateway intents (bit values).
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Permission bits.
CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
# Every bit Discord defines as of discord.py 2.7.1 (``Permissions.all().value``).
ALL_PERMISSIONS = 8866461766385663

EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS
)
BOT_ROLE_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
)

# Channel types.
CHANNEL_TEXT = 0
CHANNEL_VOICE = 2
CHANNEL_CATEGORY = 4
CHANNEL_NEWS = 5
CHANNEL_ANNOUNCEMENT = CHANNEL_NEWS
CHANNEL_ANNOUNCEMENT_THREAD = 10
CHANNEL_PUBLIC_THREAD = 11
CHANNEL_PRIVATE_THREAD = 12
CHANNEL_FORUM = 15
THREAD_TYPES = frozenset(
    {CHANNEL_ANNOUNCEMENT_THREAD, CHANNEL_PUBLIC_THREAD, CHANNEL_PRIVATE_THREAD}
)
# Channel flags: a pinned forum post; a forum that requires a tag on every post.
CHANNEL_FLAG_PINNED = 1 << 1
CHANNEL_FLAG_REQUIRE_TAG = 1 << 4
# The auto_archive_duration values Discord accepts (minutes).
AUTO_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)

# Interaction types, callback types and message flags.
INTERACTION_PING = 1
INTERACTION_APPLICATION_COMMAND = 2
INTERACTION_MESSAGE_COMPONENT = 3
INTERACTION_AUTOCOMPLETE = 4
INTERACTION_MODAL_SUBMIT = 5

CALLBACK_PONG = 1
CALLBACK_CHANNEL_MESSAGE = 4
CALLBACK_DEFERRED_CHANNEL_MESSAGE = 5
CALLBACK_DEFERRED_UPDATE_MESSAGE = 6
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE_RESULT = 8
CALLBACK_MODAL = 9

FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_HAS_THREAD = 1 << 5
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_IS_COMPONENTS_V2 = 1 << 15

MESSAGE_DEFAULT = 0
MESSAGE_REPLY = 19
MESSAGE_CHAT_INPUT_COMMAND = 20

# Application command option types.
OPTION_SUB_COMMAND = 1
OPTION_SUB_COMMAND_GROUP = 2
OPTION_STRING = 3
OPTION_INTEGER = 4
OPTION_BOOLEAN = 5
OPTION_USER = 6
OPTION_CHANNEL = 7
OPTION_ROLE = 8
OPTION_MENTIONABLE = 9
OPTION_NUMBER = 10
OPTION_ATTACHMENT = 11

# Component types.
COMPONENT_ACTION_ROW = 1
COMPONENT_BUTTON = 2
COMPONENT_STRING_SELECT = 3
COMPONENT_TEXT_INPUT = 4
COMPONENT_USER_SELECT = 5
COMPONENT_ROLE_SELECT = 6
COMPONENT_MENTIONABLE_SELECT = 7
COMPONENT_CHANNEL_SELECT = 8
SELECT_TYPES = frozenset(
    {
        COMPONENT_STRING_SELECT,
        COMPONENT_USER_SELECT,
        COMPONENT_ROLE_SELECT,
        COMPONENT_MENTIONABLE_SELECT,
        COMPONENT_CHANNEL_SELECT,
    }
)
BUTTON_STYLE_LINK = 5
BUTTON_STYLE_PREMIUM = 6

# Default attachment limit for a guild without boosts (10 MiB).
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class SnowflakeFactory:
    """Hands out increasing snowflake ids whose timestamp part is the current time."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()
        self._counter = itertools.count()

    def __call__(self) -> int:
        with self._lock:
            candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
            candidate |= next(self._counter) & 0xFFF
            # Ids must stay unique and ordered even when many are made in one millisecond.
            self._last = max(candidate, self._last + 1)
            return self._last


def iso_timestamp(moment: datetime | None = None) -> str:
    """An ISO 8601 timestamp as Discord writes them."""
    return (moment or datetime.now(UTC)).isoformat(timespec="microseconds")


def sid(value: int | None) -> str | None:
    """Snowflakes travel as strings in JSON."""
    return None if value is None else str(value)


# ---------------------------------------------------------------------------------------------
# Gateway frames
# ---------------------------------------------------------------------------------------------


def gateway_frame(op: int, d: Any = None, *, s: int | None = None, t: str | None = None) -> dict:
    """One gateway message."""
    return {"op": op, "d": d, "s": s, "t": t}


def hello_payload(heartbeat_interval_ms: int) -> dict:
    """The ``d`` of op 10 HELLO."""
    return {"heartbeat_interval": heartbeat_interval_ms, "_trace": ['["gateway-local",{}]']}


def ready_payload(
    *,
    user: Mapping[str, Any],
    guild_ids: Iterable[int],
    session_id: str,
    resume_gateway_url: str,
    application_id: int,
    application_flags: int = 0,
    shard: Sequence[int] | None = None,
) -> dict:
    """The READY dispatch: guilds start unavailable, GUILD_CREATE for each follows."""
    payload: dict[str, Any] = {
        "v": API_VERSION,
        "user_settings": {},
        "user": dict(user),
        "guilds": [{"id": sid(guild_id), "unavailable": True} for guild_id in guild_ids],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_gateway_url,
        "application": {"id": sid(application_id), "flags": application_flags},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "geo_ordered_rtc_regions": ["london", "rotterdam"],
        "guild_join_requests": [],
        "auth": {},
        "_trace": ['["gateway-local",{}]'],
    }
    if shard is not None:
        payload["shard"] = list(shard)
    return payload


def resumed_payload() -> dict:
    """The RESUMED dispatch."""
    return {"_trace": ['["gateway-local",{}]']}


# ---------------------------------------------------------------------------------------------
# Users, roles, channels, members, guilds
# ---------------------------------------------------------------------------------------------


def user_payload(
    user_id: int,
    username: str,
    *,
    bot: bool = False,
    global_name: str | None = None,
    avatar: str | None = None,
) -> dict:
    """A user object (new usernames: discriminator ``"0"``)."""
    payload: dict[str, Any] = {
        "id": sid(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": global_name,
        "avatar": avatar,
        "avatar_decoration_data": None,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "primary_guild": None,
        "collectibles": None,
    }
    if bot:
        payload["bot"] = True
    return payload


def client_user_payload(user_id: int, username: str) -> dict:
    """``GET /users/@me`` and READY's ``user`` for a bot account."""
    payload = user_payload(user_id, username, bot=True)
    payload.update(
        {
            "verified": True,
            "mfa_enabled": False,
            "email": None,
            "locale": "en-GB",
            "premium_type": 0,
            "bio": "",
        }
    )
    return payload


def application_payload(
    application_id: int,
    name: str,
    *,
    owner: Mapping[str, Any],
    bot: Mapping[str, Any] | None = None,
    flags: int = 0,
) -> dict:
    """``GET /oauth2/applications/@me``."""
    payload: dict[str, Any] = {
        "id": sid(application_id),
        "name": name,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "hook": True,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": dict(owner),
        "team": None,
        "flags": flags,
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "tags": [],
        "approximate_guild_count": 0,
        "integration_types_config": {"0": {}},
    }
    if bot is not None:
        payload["bot"] = dict(bot)
    return payload


def role_payload(
    role_id: int,
    name: str,
    permissions: int,
    *,
    position: int = 0,
    managed: bool = False,
    bot_id: int | None = None,
    color: int = 0,
    hoist: bool = False,
    mentionable: bool = False,
) -> dict:
    """A role; a bot's own role is managed and tagged with the bot id."""
    payload: dict[str, Any] = {
        "id": sid(role_id),
        "name": name,
        "color": color,
        "colors": {"primary_color": color, "secondary_color": None, "tertiary_color": None},
        "hoist": hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": managed,
        "mentionable": mentionable,
        "flags": 0,
    }
    if bot_id is not None:
        payload["tags"] = {"bot_id": sid(bot_id)}
    return payload


def overwrite_payload(target_id: int, target_type: int, *, allow: int = 0, deny: int = 0) -> dict:
    """A permission overwrite; ``target_type`` 0 is a role, 1 a member."""
    return {"id": sid(target_id), "type": target_type, "allow": str(allow), "deny": str(deny)}


def channel_payload(
    channel_id: int,
    guild_id: int,
    name: str,
    *,
    type: int = CHANNEL_TEXT,
    position: int = 0,
    parent_id: int | None = None,
    topic: str | None = None,
    overwrites: Iterable[Mapping[str, Any]] = (),
    nsfw: bool = False,
    last_message_id: int | None = None,
    permissions: int | None = None,
    flags: int = 0,
    available_tags: Iterable[Mapping[str, Any]] = (),
) -> dict:
    """A guild channel; ``permissions`` (the invoking user's) only appears inside interactions.
    Threads are built by ``thread_payload``."""
    payload: dict[str, Any] = {
        "id": sid(channel_id),
        "type": type,
        "guild_id": sid(guild_id),
        "name": name,
        "position": position,
        "parent_id": sid(parent_id),
        "permission_overwrites": [dict(o) for o in overwrites],
        "flags": flags,
    }
    if type in (CHANNEL_TEXT, CHANNEL_NEWS):
        payload.update(
            {
                "topic": topic,
                "nsfw": nsfw,
                "last_message_id": sid(last_message_id),
                "rate_limit_per_user": 0,
                "default_auto_archive_duration": 1440,
                "default_thread_rate_limit_per_user": 0,
                "last_pin_timestamp": None,
            }
        )
    elif type == CHANNEL_FORUM:
        payload.update(
            {
                "topic": topic,
                "nsfw": nsfw,
                "last_message_id": sid(last_message_id),
                "rate_limit_per_user": 0,
                "default_auto_archive_duration": 1440,
                "default_thread_rate_limit_per_user": 0,
                "available_tags": [dict(t) for t in available_tags],
                "default_reaction_emoji": None,
                "default_sort_order": None,
                "default_forum_layout": 0,
                "template": "",
            }
        )
    elif type == CHANNEL_VOICE:
        payload.update({"bitrate": 64000, "user_limit": 0, "rtc_region": None, "nsfw": nsfw})
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def forum_tag_payload(
    tag_id: int,
    name: str,
    *,
    moderated: bool = False,
    emoji_id: int | None = None,
    emoji_name: str | None = None,
) -> dict:
    """One of a forum's ``available_tags``."""
    return {
        "id": sid(tag_id),
        "name": name,
        "moderated": moderated,
        "emoji_id": sid(emoji_id),
        "emoji_name": emoji_name,
    }


def thread_metadata_payload(
    *,
    archived: bool,
    auto_archive_duration: int,
    archive_timestamp: str,
    locked: bool,
    create_timestamp: str | None = None,
    invitable: bool | None = None,
) -> dict:
    """A thread's ``thread_metadata``; ``invitable`` only on private threads."""
    payload: dict[str, Any] = {
        "archived": archived,
        "auto_archive_duration": auto_archive_duration,
        "archive_timestamp": archive_timestamp,
        "locked": locked,
    }
    if create_timestamp is not None:
        payload["create_timestamp"] = create_timestamp
    if invitable is not None:
        payload["invitable"] = invitable
    return payload


def thread_payload(
    thread_id: int,
    guild_id: int,
    name: str,
    *,
    type: int = CHANNEL_PUBLIC_THREAD,
    parent_id: int,
    owner_id: int,
    metadata: Mapping[str, Any],
    message_count: int = 0,
    member_count: int = 1,
    total_message_sent: int = 0,
    last_message_id: int | None = None,
    applied_tags: Iterable[int] = (),
    flags: int = 0,
    rate_limit_per_user: int = 0,
    permissions: int | None = None,
) -> dict:
    """A thread channel (types 10, 11, 12), forum posts included (``applied_tags``)."""
    payload: dict[str, Any] = {
        "id": sid(thread_id),
        "type": type,
        "guild_id": sid(guild_id),
        "name": name,
        "parent_id": sid(parent_id),
        "owner_id": sid(owner_id),
        "last_message_id": sid(last_message_id),
        "rate_limit_per_user": rate_limit_per_user,
        "message_count": message_count,
        "member_count": member_count,
        "total_message_sent": total_message_sent,
        "thread_metadata": dict(metadata),
        "applied_tags": [sid(t) for t in applied_tags],
        "flags": flags,
    }
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def thread_member_payload(thread_id: int, user_id: int, *, join_timestamp: str) -> dict:
    """A thread member (``member`` of THREAD_CREATE for the bot's own threads)."""
    return {
        "id": sid(thread_id),
        "user_id": sid(user_id),
        "join_timestamp": join_timestamp,
        "flags": 0,
    }


def thread_delete_payload(thread_id: int, guild_id: int, parent_id: int, type: int) -> dict:
    """THREAD_DELETE: only the ids and the type."""
    return {
        "id": sid(thread_id),
        "guild_id": sid(guild_id),
        "parent_id": sid(parent_id),
        "type": type,
    }


def member_payload(
    user: Mapping[str, Any] | None,
    roles: Iterable[int],
    *,
    joined_at: str,
    nick: str | None = None,
    permissions: int | None = None,
) -> dict:
    """A guild member; ``user`` is left out where Discord leaves it out (resolved members)."""
    payload: dict[str, Any] = {
        "roles": [sid(r) for r in roles],
        "nick": nick,
        "avatar": None,
        "banner": None,
        "joined_at": joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
        "avatar_decoration_data": None,
    }
    if user is not None:
        payload["user"] = dict(user)
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def guild_create_payload(
    guild_id: int,
    name: str,
    *,
    owner_id: int,
    roles: Sequence[Mapping[str, Any]],
    channels: Sequence[Mapping[str, Any]],
    members: Sequence[Mapping[str, Any]],
    member_count: int,
    joined_at: str,
    system_channel_id: int | None = None,
    preferred_locale: str = "en-GB",
    threads: Sequence[Mapping[str, Any]] = (),
) -> dict:
    """GUILD_CREATE: the full guild as sent after READY; ``threads`` are the active threads
    (they are not in ``channels``)."""
    return {
        "id": sid(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": sid(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": preferred_locale,
        "system_channel_id": sid(system_channel_id),
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "features": [],
        "roles": [dict(r) for r in roles],
        "emojis": [],
        "stickers": [],
        "joined_at": joined_at,
        "large": member_count >= 250,
        "unavailable": False,
        "lazy": True,
        "member_count": member_count,
        "voice_states": [],
        "members": [dict(m) for m in members],
        "channels": [dict(c) for c in channels],
        "threads": [dict(t) for t in threads],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "incidents_data": None,
        "application_id": None,
        "hub_type": None,
    }


def members_chunk_payload(
    guild_id: int,
    members: Sequence[Mapping[str, Any]],
    *,
    nonce: str | None = None,
    not_found: Sequence[int] = (),
) -> dict:
    """GUILD_MEMBERS_CHUNK answering op 8, in a single chunk."""
    payload: dict[str, Any] = {
        "guild_id": sid(guild_id),
        "members": [dict(m) for m in members],
        "chunk_index": 0,
        "chunk_count": 1,
        "not_found": [sid(u) for u in not_found],
    }
    if nonce is not None:
        payload["nonce"] = nonce
    return payload


# ---------------------------------------------------------------------------------------------
# Messages and reactions
# ---------------------------------------------------------------------------------------------


def emoji_payload(emoji: str) -> dict:
    """A partial emoji from ``"👍"``, ``"name:id"`` or ``"<:name:id>"`` / ``"<a:name:id>"``."""
    text = emoji.strip()
    animated = False
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
        if text.startswith("a:"):
            animated, text = True, text[2:]
        elif text.startswith(":"):
            text = text[1:]
    if ":" in text:
        name, _, emoji_id = text.rpartition(":")
        if emoji_id.isdigit():
            return {"id": emoji_id, "name": name, "animated": animated}
    return {"id": None, "name": emoji}


def emoji_key(emoji: Mapping[str, Any]) -> str:
    """How Discord names an emoji in a URL: the character, or ``name:id`` for a custom one."""
    if emoji.get("id"):
        return f"{emoji['name']}:{emoji['id']}"
    return str(emoji["name"])


def reaction_summary_payload(emoji: Mapping[str, Any], count: int, *, me: bool) -> dict:
    """One entry of a message's ``reactions``."""
    return {
        "emoji": dict(emoji),
        "count": count,
        "count_details": {"burst": 0, "normal": count},
        "burst_colors": [],
        "me": me,
        "me_burst": False,
        "burst_count": 0,
        "burst_me": False,
    }


def message_payload(
    *,
    message_id: int,
    channel_id: int,
    guild_id: int | None,
    author: Mapping[str, Any],
    content: str = "",
    embeds: Sequence[Mapping[str, Any]] = (),
    components: Sequence[Mapping[str, Any]] = (),
    attachments: Sequence[Mapping[str, Any]] = (),
    flags: int = 0,
    type: int = MESSAGE_DEFAULT,
    timestamp: str | None = None,
    edited_timestamp: str | None = None,
    nonce: str | int | None = None,
    tts: bool = False,
    webhook_id: int | None = None,
    application_id: int | None = None,
    interaction_metadata: Mapping[str, Any] | None = None,
    message_reference: Mapping[str, Any] | None = None,
    referenced_message: Mapping[str, Any] | None = None,
    member: Mapping[str, Any] | None = None,
    reactions: Sequence[Mapping[str, Any]] = (),
) -> dict:
    """A message object as REST returns it and MESSAGE_CREATE carries it."""
    payload: dict[str, Any] = {
        "id": sid(message_id),
        "type": type,
        "channel_id": sid(channel_id),
        "author": dict(author),
        "content": content,
        "timestamp": timestamp or iso_timestamp(),
        "edited_timestamp": edited_timestamp,
        "tts": tts,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [dict(a) for a in attachments],
        "embeds": [dict(e) for e in embeds],
        "components": [dict(c) for c in components],
        "reactions": [dict(r) for r in reactions],
        "pinned": False,
        "flags": flags,
    }
    if guild_id is not None:
        payload["guild_id"] = sid(guild_id)
    if member is not None:
        payload["member"] = dict(member)
    if nonce is not None:
        payload["nonce"] = nonce
    if webhook_id is not None:
        payload["webhook_id"] = sid(webhook_id)
    if application_id is not None:
        payload["application_id"] = sid(application_id)
    if interaction_metadata is not None:
        payload["interaction_metadata"] = dict(interaction_metadata)
    if message_reference is not None:
        payload["message_reference"] = dict(message_reference)
    if referenced_message is not None:
        payload["referenced_message"] = dict(referenced_message)
    return payload


def message_reference_payload(
    message_id: int, channel_id: int, guild_id: int | None, *, type: int = 0
) -> dict:
    """``message_reference`` on a stored reply (type 0) as Discord returns it."""
    payload: dict[str, Any] = {
        "type": type,
        "message_id": sid(message_id),
        "channel_id": sid(channel_id),
    }
    if guild_id is not None:
        payload["guild_id"] = sid(guild_id)
    return payload


def interaction_metadata_payload(
    interaction_id: int,
    interaction_type: int,
    user: Mapping[str, Any],
    *,
    guild_id: int | None,
    name: str | None = None,
    interacted_message_id: int | None = None,
) -> dict:
    """``interaction_metadata`` on a message sent in response to an interaction."""
    payload: dict[str, Any] = {
        "id": sid(interaction_id),
        "type": interaction_type,
        "user": dict(user),
        "authorizing_integration_owners": {"0": sid(guild_id)} if guild_id else {"1": user["id"]},
    }
    if name is not None:
        payload["name"] = name
    if interacted_message_id is not None:
        payload["interacted_message_id"] = sid(interacted_message_id)
    return payload


def attachment_payload(
    attachment_id: int,
    filename: str,
    size: int,
    *,
    base_url: str,
    content_type: str | None,
    ephemeral: bool = False,
) -> dict:
    """An uploaded file as it appears on a message; on an ephemeral message Discord marks it
    ``ephemeral`` (its URL expires with the message)."""
    url = f"{base_url}/attachments/{attachment_id}/{filename}"
    payload: dict[str, Any] = {
        "id": sid(attachment_id),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
    }
    if content_type:
        payload["content_type"] = content_type
    if ephemeral:
        payload["ephemeral"] = True
    return payload


def guild_delete_payload(guild_id: int, *, unavailable: bool = False) -> dict:
    """GUILD_DELETE: an unavailable-guild object. Without ``unavailable`` the bot was removed
    from the guild (kicked, or the guild deleted); with ``unavailable: true`` it is an outage."""
    payload: dict[str, Any] = {"id": sid(guild_id)}
    if unavailable:
        payload["unavailable"] = True
    return payload


def guild_join_payload(guild_create: Mapping[str, Any]) -> dict:
    """GUILD_CREATE for a guild the bot was just added to: the full guild without
    ``unavailable`` (discord.py dispatches on_guild_join only when it is absent; ``false`` means
    a guild back from an outage)."""
    return {k: v for k, v in guild_create.items() if k != "unavailable"}


def message_delete_payload(message_id: int, channel_id: int, guild_id: int | None) -> dict:
    """MESSAGE_DELETE."""
    payload: dict[str, Any] = {"id": sid(message_id), "channel_id": sid(channel_id)}
    if guild_id is not None:
        payload["guild_id"] = sid(guild_id)
    return payload


def reaction_add_payload(
    *,
    user_id: int,
    channel_id: int,
    message_id: int,
    guild_id: int | None,
    emoji: Mapping[str, Any],
    member: Mapping[str, Any] | None,
    message_author_id: int | None,
    burst: bool = False,
) -> dict:
    """MESSAGE_REACTION_ADD; discord.py 2.4+ reads ``type`` and ``burst`` directly."""
    payload: dict[str, Any] = {
        "user_id": sid(user_id),
        "channel_id": sid(channel_id),
        "message_id": sid(message_id),
        "emoji": dict(emoji),
        "burst": burst,
        "burst_colors": [],
        "type": 1 if burst else 0,
    }
    if guild_id is not None:
        payload["guild_id"] = sid(guild_id)
    if member is not None:
        payload["member"] = dict(member)
    if message_author_id is not None:
        payload["message_author_id"] = sid(message_author_id)
    return payload


def reaction_remove_payload(
    *,
    user_id: int,
    channel_id: int,
    message_id: int,
    guild_id: int | None,
    emoji: Mapping[str, Any],
    burst: bool = False,
) -> dict:
    """MESSAGE_REACTION_REMOVE (no member object, as on Discord)."""
    payload: dict[str, Any] = {
        "user_id": sid(user_id),
        "channel_id": sid(channel_id),
        "message_id": sid(message_id),
        "emoji": dict(emoji),
        "burst": burst,
        "type": 1 if burst else 0,
    }
    if guild_id is not None:
        payload["guild_id"] = sid(guild_id)
    return payload


# ---------------------------------------------------------------------------------------------
# Application commands and interactions
# ---------------------------------------------------------------------------------------------


def application_command_payload(
    command: Mapping[str, Any],
    *,
    command_id: int,
    application_id: int,
    version: int,
    guild_id: int | None,
) -> dict:
    """A stored application command, as Discord returns it after a sync."""
    payload: dict[str, Any] = {
        "type": 1,
        "description": "",
        "options": [],
        "default_member_permissions": None,
        "dm_permission": True,
        "nsfw": False,
        "contexts": None,
        "integration_types": [0],
        "name_localizations": None,
        "description_localizations": None,
    }
    payload.update(dict(command))
    payload.update(
        {
            "id": sid(command_id),
            "application_id": sid(application_id),
            "version": sid(version),
            "default_permission": True,
        }
    )
    if guild_id is not None:
        payload["guild_id"] = sid(guild_id)
    return payload


def resolved_channel_payload(channel: Mapping[str, Any], permissions: int) -> dict:
    """A channel inside ``resolved``: partial, with the invoking user's permissions."""
    keys = ("id", "type", "name", "parent_id", "topic", "nsfw", "position", "flags")
    if channel.get("type") in THREAD_TYPES:
        # discord.py's AppCommandThread reads these directly.
        keys += ("owner_id", "member_count", "message_count", "thread_metadata")
    payload = {key: channel[key] for key in keys if key in channel}
    payload["guild_id"] = channel.get("guild_id")
    payload["permissions"] = str(permissions)
    payload["rate_limit_per_user"] = channel.get("rate_limit_per_user", 0)
    payload["last_message_id"] = channel.get("last_message_id")
    return payload


def command_interaction_data(
    *,
    command_id: int,
    name: str,
    options: Sequence[Mapping[str, Any]],
    resolved: Mapping[str, Any] | None,
    guild_id: int | None,
    command_type: int = 1,
) -> dict:
    """``data`` of an application command or autocomplete interaction."""
    data: dict[str, Any] = {"id": sid(command_id), "name": name, "type": command_type}
    if options:
        data["options"] = [dict(o) for o in options]
    if resolved:
        data["resolved"] = dict(resolved)
    if guild_id is not None:
        data["guild_id"] = sid(guild_id)
    return data


def command_option_value(name: str, option_type: int, value: Any, *, focused: bool = False) -> dict:
    """One filled-in option inside a command interaction's ``data.options``."""
    payload: dict[str, Any] = {"name": name, "type": option_type, "value": value}
    if focused:
        payload["focused"] = True
    return payload


def subcommand_option(name: str, option_type: int, options: Sequence[Mapping[str, Any]]) -> dict:
    """A sub-command or sub-command group wrapper inside ``data.options``."""
    return {"name": name, "type": option_type, "options": [dict(o) for o in options]}


def component_interaction_data(
    *,
    custom_id: str,
    component_type: int,
    values: Sequence[str] | None = None,
    resolved: Mapping[str, Any] | None = None,
    component_id: int | None = None,
) -> dict:
    """``data`` of a button press or select choice."""
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
    if component_id is not None:
        data["id"] = component_id
    if values is not None:
        data["values"] = list(values)
    if resolved:
        data["resolved"] = dict(resolved)
    return data


def interaction_payload(
    *,
    interaction_id: int,
    application_id: int,
    interaction_type: int,
    token: str,
    data: Mapping[str, Any] | None,
    guild_id: int | None,
    channel: Mapping[str, Any],
    member: Mapping[str, Any] | None,
    user: Mapping[str, Any] | None = None,
    message: Mapping[str, Any] | None = None,
    app_permissions: int,
    locale: str = "en-GB",
    guild_locale: str | None = "en-GB",
    guild_features: Sequence[str] = (),
    attachment_size_limit: int = ATTACHMENT_SIZE_LIMIT,
) -> dict:
    """INTERACTION_CREATE with every key discord.py 2.7 reads.

    In a guild the invoker is ``member`` (with ``user`` inside and the channel permissions);
    outside one it is ``user``.
    """
    payload: dict[str, Any] = {
        "id": sid(interaction_id),
        "application_id": sid(application_id),
        "type": interaction_type,
        "token": token,
        "version": 1,
        "channel": dict(channel),
        "channel_id": channel["id"],
        "app_permissions": str(app_permissions),
        "locale": locale,
        "entitlements": [],
        "attachment_size_limit": attachment_size_limit,
        "context": 0 if guild_id is not None else 1,
    }
    if data is not None:
        payload["data"] = dict(data)
    if guild_id is not None:
        payload["guild_id"] = sid(guild_id)
        payload["guild"] = {
            "id": sid(guild_id),
            "locale": guild_locale,
            "features": list(guild_features),
        }
        payload["guild_locale"] = guild_locale
        payload["authorizing_integration_owners"] = {"0": sid(guild_id)}
        if member is not None:
            payload["member"] = dict(member)
    else:
        payload["authorizing_integration_owners"] = {"1": (user or {}).get("id")}
        if user is not None:
            payload["user"] = dict(user)
    if message is not None:
        payload["message"] = dict(message)
    return payload


def interaction_callback_response(
    *,
    interaction_id: int,
    interaction_type: int,
    callback_type: int,
    message: Mapping[str, Any] | None,
) -> dict:
    """The body of ``POST /interactions/{id}/{token}/callback?with_response=true``."""
    interaction: dict[str, Any] = {"id": sid(interaction_id), "type": interaction_type}
    body: dict[str, Any] = {"interaction": interaction}
    if message is not None:
        interaction["response_message_id"] = message["id"]
        interaction["response_message_loading"] = bool(message.get("flags", 0) & FLAG_LOADING)
        interaction["response_message_ephemeral"] = bool(message.get("flags", 0) & FLAG_EPHEMERAL)
        body["resource"] = {"type": callback_type, "message": dict(message)}
    return body


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def error_payload(code: int, message: str, errors: Mapping[str, Any] | None = None) -> dict:
    """A Discord JSON error body."""
    payload: dict[str, Any] = {"message": message, "code": code}
    if errors:
        payload["errors"] = dict(errors)
    return payload


def form_errors(problems: Iterable[tuple[Sequence[str | int], str, str]]) -> dict:
    """Nest ``(path, code, message)`` problems the way Discord's 50035 body does."""
    tree: dict[str, Any] = {}
    for path, code, message in problems:
        node = tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
    return tree


def rate_limit_payload(retry_after: float, *, is_global: bool = False) -> dict:
    """A 429 body; discord.py only retries when ``retry_after`` is present."""
    return {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
    }

"""The local Discord server's world: users, roles, channels, members, guilds and messages, and the
part of the server that builds them."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import discord_payloads as p

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




class WorldBuilding:
    """Part of ``DiscordServer`` (the local server); see the module."""

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

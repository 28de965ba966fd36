"""The local Discord server's drivers: acting as Discord users (commands, buttons,
autocomplete, reactions)."""

from __future__ import annotations

import asyncio
import copy
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from . import discord_payloads as p
from .server_basics import CommandNotAvailable
from .server_handles import InteractionHandle
from .server_validation import _walk_components
from .server_world import FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser, StoredMessage


class Drivers:
    """Part of ``DiscordServer`` (the local server); see the module."""

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

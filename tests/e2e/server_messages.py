"""The local Discord server's channels and messages: sending, editing, deleting, history,
files and nonces."""

from __future__ import annotations

import asyncio
import copy
import re
from collections.abc import Mapping
from typing import Any

from . import discord_payloads as p
from .server_basics import (
    CANNOT_EDIT_OTHERS_MESSAGE,
    CANNOT_MESSAGE_USER,
    CANNOT_SEND_EMPTY_MESSAGE,
    CANNOT_SEND_IN_NON_TEXT_CHANNEL,
    CHANNEL_DM,
    INVALID_FORM_BODY,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    THREAD_ARCHIVED,
    UNKNOWN_CHANNEL,
    UNKNOWN_MESSAGE,
    Action,
    DiscordHTTPError,
    _Request,
)
from .server_handles import InteractionHandle
from .server_validation import Problem, _number_components, validate_message_fields
from .server_world import FakeChannel, FakeGuild, FakeUser, StoredMessage


class MessageEndpoints:
    """Part of ``DiscordServer`` (the local server); see the module."""

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

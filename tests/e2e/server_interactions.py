"""The local Discord server's reactions, and its interaction callback, follow-up and
original-response endpoints."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Mapping
from typing import Any

from . import discord_payloads as p
from .server_basics import (
    ALREADY_ACKNOWLEDGED,
    INVALID_WEBHOOK_TOKEN,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    Action,
    DiscordHTTPError,
    _Request,
)
from .server_handles import InteractionHandle
from .server_validation import validate_autocomplete_choices, validate_modal
from .server_world import FakeUser, StoredMessage


class InteractionEndpoints:
    """Part of ``DiscordServer`` (the local server); see the module."""

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
        handle.answered_at = asyncio.get_running_loop().time()
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

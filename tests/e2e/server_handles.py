"""An interaction a test dispatched, to await the bot's answers from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import discord_payloads as p

if TYPE_CHECKING:
    from .discord_server import DiscordServer

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
        self.answered_at = 0.0  # when the initial response was accepted (the loop's clock)
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

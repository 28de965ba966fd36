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
(``message_reference``) are checked and stored as type 19."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import socket
from collections.abc import Awaitable, Callable

from aiohttp import web

from . import discord_payloads as p
from .bot_runner import BotRunner
from .server_basics import (
    API_PREFIX,
    GATEWAY_PATH,
    RESUME_GATEWAY_PATH,
    Action,
    CommandNotAvailable,
    HoldRule,
    RateLimitRule,
    RequestRecord,
    T,
    Violation,
    _Request,
    log,
)
from .server_drivers import Drivers
from .server_gateway import GatewayEndpoints, _GatewayConnection, _GatewaySession
from .server_handles import InteractionHandle
from .server_interactions import InteractionEndpoints
from .server_messages import MessageEndpoints
from .server_rest import RestEndpoints
from .server_threads import ThreadEndpoints
from .server_world import FakeChannel, FakeGuild, FakeMember, FakeUser, StoredMessage, WorldBuilding

__all__ = [
    "GATEWAY_PATH", "RESUME_GATEWAY_PATH", "BotRunner", "CommandNotAvailable", "DiscordServer",
]


class DiscordServer(
    WorldBuilding, GatewayEndpoints, RestEndpoints, MessageEndpoints, ThreadEndpoints,
    InteractionEndpoints, Drivers,
):
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

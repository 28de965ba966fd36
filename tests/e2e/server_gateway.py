"""The local Discord server's gateway: sessions, dispatches, heartbeats, and the faults a test
can inject."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import secrets
from typing import Any

from aiohttp import WSMsgType, web

from . import discord_payloads as p
from .server_basics import EVENT_INTENTS
from .server_world import FakeChannel, FakeGuild

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




class GatewayEndpoints:
    """Part of ``DiscordServer`` (the local server); see the module."""

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

"""The local Discord server's REST plumbing (routing, rate limits, holds, checks), and its
users, application, gateway, guild and application-command endpoints."""

from __future__ import annotations

import copy
import json
import math
import re
import secrets
import time
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from . import discord_payloads as p
from .server_basics import (
    API_PREFIX,
    CHANNEL_DM,
    INVALID_FORM_BODY,
    INVALID_JSON,
    JSON_CONTENT_TYPE,
    MISSING_ACCESS,
    UNKNOWN_APPLICATION_COMMAND,
    UNKNOWN_USER,
    Action,
    DiscordHTTPError,
    Handler,
    HoldRule,
    RateLimitRule,
    RequestRecord,
    Violation,
    _Request,
    log,
)
from .server_validation import MAX_ATTACHMENTS, MAX_UPLOAD_BYTES, _as_sent, validate_commands
from .server_world import FakeChannel, FakeGuild, FakeMember, FakeUser


class RestEndpoints:
    """Part of ``DiscordServer`` (the local server); see the module."""

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

"""What an operator runs: ``run``, ``poll --once``, ``mcp``, ``privacy``, ``backup``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core.services import build_services

if TYPE_CHECKING:
    pass
from bot.cli.common import NO_TOKEN_MESSAGE, FrontendFactory, open_store


def cmd_run(
    args: argparse.Namespace, settings: Settings, db_path: Path, frontend: FrontendFactory | None
) -> int:
    """Run the Discord bot."""
    if not settings.discord_token:
        print(NO_TOKEN_MESSAGE, file=sys.stderr)
        return 2
    if frontend is None:
        print("This entry point has no Discord frontend; use python -m bot run", file=sys.stderr)
        return 2
    with open_store(db_path) as store:
        services = build_services(settings, store)
        try:
            frontend().run(services)
        finally:
            services.close()
    return 0


def cmd_poll(
    args: argparse.Namespace, settings: Settings, db_path: Path, frontend: FrontendFactory | None
) -> int:
    """One poll cycle; posts with a token (through the frontend), else lists what waits."""
    from bot.core.sources.poll_once import poll_once

    post = frontend().post_pending if settings.discord_token and frontend else None
    with open_store(db_path) as store:
        services = build_services(settings, store)
        try:
            ok, report = asyncio.run(poll_once(services, post))
        finally:
            services.close()
    print(report)
    return 0 if ok else 1


def cmd_mcp(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``mcp [--http PORT]``: the read-only MCP server over the store, on stdio (or streamable
    HTTP on 127.0.0.1), until stopped. 2 when the store is missing or the SDK is not
    installed."""
    try:
        from bot.mcp.server import serve
    except ImportError as error:
        print(f"mcp: the MCP SDK is not installed ({error}); pip install 'mcp>=2.3,<3'",
              file=sys.stderr)
        return 2
    if not db_path.exists():
        print(f"mcp: no store at {db_path} (set DATABASE_PATH or pass --db)", file=sys.stderr)
        return 2
    if args.http is not None and not 1 <= args.http <= 65535:
        print(f"mcp: --http takes a port between 1 and 65535, not {args.http}", file=sys.stderr)
        return 2
    serve(db_path, http_port=args.http)
    return 0


def cmd_privacy(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``privacy export|delete --user ID``: one person's data, for a request that arrives by
    email; the same functions as the buttons of ``/privacy``."""
    from bot.core.privacy.person import delete, export, summary

    with open_store(db_path) as store:
        if args.action == "export":
            data = export(store, args.user)
            if args.json:
                print(json.dumps(data, indent=2, ensure_ascii=False))
                return 0
            found = summary(store, args.user)
            print(f"Discord user {args.user}: {found.votes} votes, {found.alerts} alerts, "
                  f"{found.direct_messages} records of direct messages, "
                  f"{found.saved_searches} saved searches, {found.subscriptions} subscriptions "
                  "made. Add --json for all of it.")
            return 0
        done = delete(store, args.user)
    if args.json:
        print(json.dumps(done.as_json(), indent=2))
    elif done.nothing:
        print(f"Nothing is kept about Discord user {args.user}: nothing deleted.")
    else:
        print(f"Deleted for Discord user {args.user}: {done.votes} votes, {done.alerts} alerts, "
              f"{done.direct_messages} records of direct messages, {done.saved_searches} saved "
              f"searches; {done.subscriptions_unnamed} subscriptions no longer name them.")
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``backup``: copy the store while it is in use, check the copy, print its counts; 1 (and
    nothing at PATH) when the copy cannot be made or fails its check."""
    from bot.core.store.backup import BackupError, backup_store

    try:
        report = backup_store(db_path, args.path, force=args.force)
    except BackupError as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 1
    print(json.dumps(report.as_json(), indent=2) if args.json else report.as_text())
    return 0

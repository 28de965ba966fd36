"""``python -m bot``: the command line, a thin layer over the library in ``bot/``. Each command
is a function ``cmd_NAME(args, settings, db_path)`` returning the exit code."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from bot.cli.common import Frontend, FrontendFactory, open_store
from bot.cli.loading import cmd_archive, cmd_backfill, cmd_embed, cmd_fetch, cmd_ingest
from bot.cli.operating import cmd_backup, cmd_mcp, cmd_poll, cmd_privacy, cmd_run
from bot.cli.parser import build_parser
from bot.cli.reading import cmd_resolve, cmd_search, cmd_show, cmd_similar
from bot.cli.reports import cmd_export, cmd_overdue, cmd_stats
from bot.config import ConfigError, load_settings
from bot.core.store.database import StoreError

__all__ = ["COMMANDS", "Frontend", "build_parser", "main", "open_store"]


def main(
    argv: Sequence[str] | None = None, frontend: FrontendFactory | None = None
) -> int:
    """Run one command; returns the exit code. ``frontend`` gives the Discord adapter (see
    ``bot/__main__.py``), which only ``run`` and ``poll`` need, and loads only then."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level_number, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    db_path = args.db or settings.database_path
    try:
        if args.command in ("run", "poll"):
            return COMMANDS_WITH_FRONTEND[args.command](args, settings, db_path, frontend)
        return COMMANDS[args.command](args, settings, db_path)
    except StoreError as error:
        print(f"Database error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


COMMANDS = {
    "embed": cmd_embed,
    "similar": cmd_similar,
    "ingest": cmd_ingest,
    "show": cmd_show,
    "fetch": cmd_fetch,
    "backfill": cmd_backfill,
    "archive": cmd_archive,
    "search": cmd_search,
    "resolve": cmd_resolve,
    "stats": cmd_stats,
    "overdue": cmd_overdue,
    "privacy": cmd_privacy,
    "backup": cmd_backup,
    "export": cmd_export,
    "mcp": cmd_mcp,
}


COMMANDS_WITH_FRONTEND = {"run": cmd_run, "poll": cmd_poll}

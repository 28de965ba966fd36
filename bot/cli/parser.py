"""The command line's options: every command, its arguments and their help (``build_parser``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.names.identities import PEOPLE_JSON_URL
from bot.core.records import STATUSES
from bot.core.store.states import capture_time

if TYPE_CHECKING:
    pass


def capture_time_option(text: str) -> str:
    """``--captured-at``: an ISO 8601 time, else a clear argparse error."""
    try:
        return capture_time(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 time: {text!r} (e.g. 2024-12-10 or 2024-12-10T09:30:00Z)"
        ) from None


def add_db(parser: argparse.ArgumentParser) -> None:
    """``--db FILE``, which every command takes."""
    parser.add_argument(
        "--db", type=Path, help="SQLite file (default: DATABASE_PATH, else data/answers.db)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m bot`` argument parser, a subcommand per command."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="UK Parliament written answers: a Discord bot and its store.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    add_db(run)

    _add_loaders(sub)
    _add_readers(sub)
    _add_stats(sub)
    _add_overdue(sub)
    _add_privacy(sub)
    _add_backup(sub)
    _add_similar(sub)
    _add_export(sub)
    _add_mcp(sub)
    return parser


def _add_backup(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = sub.add_parser(
        "backup", help="a consistent, checked copy of the store, safe while the bot runs"
    )
    backup.add_argument("path", type=Path, metavar="PATH", help="the copy to make (a new file)")
    backup.add_argument("--force", action="store_true",
                        help="replace PATH if it exists (only once the new copy is checked)")
    backup.add_argument("--json", action="store_true")
    add_db(backup)


def _add_similar(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    similar = sub.add_parser(
        "similar", help="the questions most like one question (id or UIN) or a draft's text")
    similar.add_argument("query", metavar="ID_OR_UIN_OR_TEXT")
    similar.add_argument("--limit", type=int, default=5, metavar="N",
                         help="questions to list (default 5, at most 50)")
    similar.add_argument("--json", action="store_true")
    add_db(similar)

    embed = sub.add_parser(
        "embed", help="embed every question not embedded yet (EMBEDDING_MODEL), resumably")
    embed.add_argument("--model", metavar="NAME_OR_FOLDER",
                       help="a model2vec model (default: EMBEDDING_MODEL)")
    embed.add_argument("--batch", type=int, default=2000, metavar="N",
                       help="questions embedded and committed at a time (default 2000)")
    add_db(embed)


def _add_loaders(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The commands that fill the store: ingest, fetch, backfill, archive, poll."""
    ingest = sub.add_parser(
        "ingest", help="load API JSON, ParlParse XML and people.json files or folders"
    )
    ingest.add_argument("paths", nargs="*", metavar="PATH")
    ingest.add_argument("--json", action="store_true", help="print the summary as JSON")
    ingest.add_argument(
        "--captured-at", metavar="TIME", type=capture_time_option,
        help="when the files were captured (ISO 8601; default: each file's modification time)",
    )
    ingest.add_argument(
        "--fetch-people", metavar="URL", nargs="?", const=PEOPLE_JSON_URL,
        help="first download ParlParse's people.json (default: mySociety's) and map ParlParse "
        "speakers to Parliament's members with it",
    )
    add_db(ingest)

    fetch = sub.add_parser("fetch", help="pull answered and corrected questions from the API")
    fetch.add_argument("--since", help="first day, YYYY-MM-DD (default: yesterday)")
    fetch.add_argument("--until", help="last day, YYYY-MM-DD (default: today)")
    add_db(fetch)

    backfill = sub.add_parser(
        "backfill", help="load a window of history from the API, a day at a time, resumably"
    )
    backfill.add_argument("--since", metavar="DATE", required=True, help="first day, YYYY-MM-DD")
    backfill.add_argument("--until", metavar="DATE", help="last day, YYYY-MM-DD (default: today)")
    backfill.add_argument(
        "--refresh", action="store_true", help="fetch the days finished before again"
    )
    backfill.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_db(backfill)

    archive = sub.add_parser(
        "archive", help="load history from TheyWorkForYou's ParlParse XML archive (1997 on)"
    )
    archive.add_argument("--since", metavar="DATE", help="first day, YYYY-MM-DD (default: 1997)")
    archive.add_argument("--until", metavar="DATE", help="last day, YYYY-MM-DD (default: today)")
    archive.add_argument("--house", choices=("commons", "lords"), type=str.lower)
    archive.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_db(archive)

    poll = sub.add_parser("poll", help="one poll: fetch what changed, post matching answers")
    poll.add_argument(
        "--once",
        action="store_true",
        required=True,
        help="run one cycle and exit (the bot polls by itself when running)",
    )
    add_db(poll)


def _add_readers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The commands that read the store: show, search, resolve."""
    show = sub.add_parser("show", help="print one stored question by API id or UIN")
    show.add_argument("id_or_uin", metavar="ID_OR_UIN")
    show.add_argument("--json", action="store_true")
    add_db(show)

    search = sub.add_parser("search", help="find answers by text and filters")
    _add_search_filters(search)
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--json", action="store_true")
    add_db(search)

    resolve = sub.add_parser("resolve", help="ranked candidates for a member, department or topic")
    resolve.add_argument("kind", choices=("member", "department", "topic"))
    resolve.add_argument("text", metavar="TEXT")
    resolve.add_argument("--limit", type=int, default=5)
    resolve.add_argument(
        "--role", choices=("asked_by", "answered_by"),
        help="a member looked for as asker or answerer: breaks ties between equal names",
    )
    resolve.add_argument("--json", action="store_true")
    add_db(resolve)


def _add_search_filters(parser: argparse.ArgumentParser) -> None:
    """The options of ``search`` (and ``export search``): the text and the filters."""
    parser.add_argument("text", nargs="?", default="", metavar="TEXT")
    parser.add_argument("--asked-by", metavar="NAME")
    parser.add_argument("--answered-by", metavar="NAME")
    parser.add_argument("--member", metavar="NAME", help="asked or answered by")
    parser.add_argument("--department", metavar="NAME")
    parser.add_argument("--house", choices=("commons", "lords"), type=str.lower)
    parser.add_argument("--since", metavar="DATE", help="answered on or after")
    parser.add_argument("--until", metavar="DATE", help="answered on or before")
    parser.add_argument("--status", choices=STATUSES)
    parser.add_argument("--sort", choices=("relevance", "newest"), default="relevance")


def _add_overdue_filters(parser: argparse.ArgumentParser) -> None:
    """The filters of ``overdue`` (and ``export overdue``)."""
    parser.add_argument("--department", metavar="NAME", help="answering department")
    parser.add_argument("--member", metavar="NAME",
                        help="a member who asked or is answering (either role)")
    parser.add_argument("--answered-by", metavar="NAME", help="the member answering")
    parser.add_argument("--asked-by", metavar="NAME", help="the member who asked")
    parser.add_argument("--house", choices=("commons", "lords"), type=str.lower)
    parser.add_argument("--as-of", metavar="DATE", help="overdue on this day (default today)")


def _add_stats_filters(parser: argparse.ArgumentParser, report: str) -> None:
    """The filters of ``stats timeliness|helpfulness`` (and ``export timeliness|helpfulness``)."""
    parser.add_argument("--department", metavar="NAME", help="one department, by month")
    parser.add_argument("--house", choices=("commons", "lords"), type=str.lower)
    parser.add_argument("--since", metavar="DATE", help="default: 12 months before --until")
    parser.add_argument("--until", metavar="DATE", help="default: --as-of")
    parser.add_argument("--as-of", metavar="DATE", help="count as at this day (default today)")
    if report == "helpfulness":
        parser.add_argument("--min-votes", type=int, default=None, metavar="N",
                            help="votes a department needs to be ranked (default 10)")


def _add_export(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``export search|overdue|timeliness|helpfulness``: the filters of the matching command."""
    export = sub.add_parser(
        "export", help="write a search, the overdue list or a table as CSV or JSON, streamed"
    )
    kinds = export.add_subparsers(dest="kind", required=True, metavar="WHAT")
    for kind, text in (
        ("search", "every answer a search finds"),
        ("overdue", "every question overdue"),
        ("timeliness", "the timeliness table"),
        ("helpfulness", "the helpfulness league"),
    ):
        parser = kinds.add_parser(kind, help=text)
        if kind == "search":
            _add_search_filters(parser)
        elif kind == "overdue":
            _add_overdue_filters(parser)
        else:
            _add_stats_filters(parser, kind)
        parser.add_argument("--format", choices=("csv", "json"), default="csv",
                            help="default csv")
        parser.add_argument("--output", metavar="FILE", type=Path,
                            help="write here (default: standard output)")
        parser.add_argument("--limit", type=int, default=None, metavar="N",
                            help="at most N rows (default: all)")
        add_db(parser)


def _add_mcp(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mcp = sub.add_parser(
        "mcp", help="a read-only Model Context Protocol server over the store (stdio)"
    )
    mcp.add_argument("--http", type=int, metavar="PORT",
                     help="serve streamable HTTP on 127.0.0.1:PORT instead of stdio")
    add_db(mcp)


def _add_overdue(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    overdue = sub.add_parser("overdue", help="questions past their due day, most overdue first")
    _add_overdue_filters(overdue)
    overdue.add_argument("--limit", type=int, default=20, metavar="N",
                         help="questions to list (default 20)")
    overdue.add_argument("--json", action="store_true")
    add_db(overdue)


def _add_stats(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = sub.add_parser("stats", help="departments' timeliness and readers' votes")
    reports = stats.add_subparsers(dest="report", required=True, metavar="REPORT")
    for name, text in (
        ("timeliness", "on-time rates, holding answers and overdue questions by department"),
        ("helpfulness", 'the league of departments by readers\' "No" votes'),
    ):
        report = reports.add_parser(name, help=text)
        _add_stats_filters(report, name)
        report.add_argument("--json", action="store_true")
        report.add_argument("--png", metavar="FILE", type=Path, help="also write the chart")
        add_db(report)


def user_id_option(text: str) -> int:
    """``--user ID``: a Discord user id, else a clear argparse error."""
    if not text.strip().isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(
            f"not a Discord user id: {text!r} (a number, as Discord's Copy User ID gives it)"
        )
    return int(text)


def _add_privacy(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    privacy = sub.add_parser(
        "privacy", help="one person's data: export it or delete it (requests by email)"
    )
    actions = privacy.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (
        ("export", "everything kept about one Discord user"),
        ("delete", "delete everything kept about one Discord user, in one transaction"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("--user", metavar="ID", type=user_id_option, required=True,
                            help="the person's Discord user id")
        action.add_argument("--json", action="store_true")
        add_db(action)

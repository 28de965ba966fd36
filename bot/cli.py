"""``python -m bot``: the command line, a thin layer over the library in ``bot/``."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bot.config import ConfigError, Settings, load_settings
from bot.core.names.identities import PEOPLE_JSON_URL, fetch_people
from bot.core.records import STATUSES
from bot.core.services import Services, build_services
from bot.core.sources.ingest import IngestReport, ingest_paths
from bot.core.store.database import Store, StoreError
from bot.core.store.states import capture_time

if TYPE_CHECKING:
    from bot.core.exports import Export
    from bot.core.reports.helpfulness import HelpfulnessReport
    from bot.core.reports.timeliness import TimelinessReport
    from bot.core.search.fulltext import SearchQuery

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = REPO_ROOT / "data"
SEED_GLOB = "seed-*.json"
NO_TOKEN_MESSAGE = (
    "DISCORD_TOKEN is not set: create an application and bot at "
    "https://discord.com/developers/applications, put its token in .env (see .env.example); "
    'meanwhile try the store from the terminal: python -m bot search "special educational needs"'
)


def open_store(path: Path) -> Store:
    """Open (creating and migrating) the database; a new, empty one gets the seed record."""
    store = Store(path)
    if store.count_questions() == 0 and SEED_DIR.is_dir():
        seeds = sorted(SEED_DIR.glob(SEED_GLOB))
        if seeds:
            ingest_paths(store, seeds)
    return store


def _capture_time(text: str) -> str:
    try:
        return capture_time(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 time: {text!r} (e.g. 2024-12-10 or 2024-12-10T09:30:00Z)"
        ) from None


def _add_db(parser: argparse.ArgumentParser) -> None:
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
    _add_db(run)

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
    _add_db(backup)


def _add_similar(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    similar = sub.add_parser(
        "similar", help="the questions most like one question (id or UIN) or a draft's text")
    similar.add_argument("query", metavar="ID_OR_UIN_OR_TEXT")
    similar.add_argument("--limit", type=int, default=5, metavar="N",
                         help="questions to list (default 5, at most 50)")
    similar.add_argument("--json", action="store_true")
    _add_db(similar)

    embed = sub.add_parser(
        "embed", help="embed every question not embedded yet (EMBEDDING_MODEL), resumably")
    embed.add_argument("--model", metavar="NAME_OR_FOLDER",
                       help="a model2vec model (default: EMBEDDING_MODEL)")
    embed.add_argument("--batch", type=int, default=2000, metavar="N",
                       help="questions embedded and committed at a time (default 2000)")
    _add_db(embed)


def _add_loaders(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The commands that fill the store: ingest, fetch, backfill, archive, poll."""
    ingest = sub.add_parser(
        "ingest", help="load API JSON, ParlParse XML and people.json files or folders"
    )
    ingest.add_argument("paths", nargs="*", metavar="PATH")
    ingest.add_argument("--json", action="store_true", help="print the summary as JSON")
    ingest.add_argument(
        "--captured-at", metavar="TIME", type=_capture_time,
        help="when the files were captured (ISO 8601; default: each file's modification time)",
    )
    ingest.add_argument(
        "--fetch-people", metavar="URL", nargs="?", const=PEOPLE_JSON_URL,
        help="first download ParlParse's people.json (default: mySociety's) and map ParlParse "
        "speakers to Parliament's members with it",
    )
    _add_db(ingest)

    fetch = sub.add_parser("fetch", help="pull answered and corrected questions from the API")
    fetch.add_argument("--since", help="first day, YYYY-MM-DD (default: yesterday)")
    fetch.add_argument("--until", help="last day, YYYY-MM-DD (default: today)")
    _add_db(fetch)

    backfill = sub.add_parser(
        "backfill", help="load a window of history from the API, a day at a time, resumably"
    )
    backfill.add_argument("--since", metavar="DATE", required=True, help="first day, YYYY-MM-DD")
    backfill.add_argument("--until", metavar="DATE", help="last day, YYYY-MM-DD (default: today)")
    backfill.add_argument(
        "--refresh", action="store_true", help="fetch the days finished before again"
    )
    backfill.add_argument("--json", action="store_true", help="print the summary as JSON")
    _add_db(backfill)

    archive = sub.add_parser(
        "archive", help="load history from TheyWorkForYou's ParlParse XML archive (1997 on)"
    )
    archive.add_argument("--since", metavar="DATE", help="first day, YYYY-MM-DD (default: 1997)")
    archive.add_argument("--until", metavar="DATE", help="last day, YYYY-MM-DD (default: today)")
    archive.add_argument("--house", choices=("commons", "lords"), type=str.lower)
    archive.add_argument("--json", action="store_true", help="print the summary as JSON")
    _add_db(archive)

    poll = sub.add_parser("poll", help="one poll: fetch what changed, post matching answers")
    poll.add_argument(
        "--once",
        action="store_true",
        required=True,
        help="run one cycle and exit (the bot polls by itself when running)",
    )
    _add_db(poll)


def _add_readers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The commands that read the store: show, search, resolve."""
    show = sub.add_parser("show", help="print one stored question by API id or UIN")
    show.add_argument("id_or_uin", metavar="ID_OR_UIN")
    show.add_argument("--json", action="store_true")
    _add_db(show)

    search = sub.add_parser("search", help="find answers by text and filters")
    _add_search_filters(search)
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--json", action="store_true")
    _add_db(search)

    resolve = sub.add_parser("resolve", help="ranked candidates for a member, department or topic")
    resolve.add_argument("kind", choices=("member", "department", "topic"))
    resolve.add_argument("text", metavar="TEXT")
    resolve.add_argument("--limit", type=int, default=5)
    resolve.add_argument(
        "--role", choices=("asked_by", "answered_by"),
        help="a member looked for as asker or answerer: breaks ties between equal names",
    )
    resolve.add_argument("--json", action="store_true")
    _add_db(resolve)


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
        _add_db(parser)


def _add_mcp(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mcp = sub.add_parser(
        "mcp", help="a read-only Model Context Protocol server over the store (stdio)"
    )
    mcp.add_argument("--http", type=int, metavar="PORT",
                     help="serve streamable HTTP on 127.0.0.1:PORT instead of stdio")
    _add_db(mcp)


def _add_overdue(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    overdue = sub.add_parser("overdue", help="questions past their due day, most overdue first")
    _add_overdue_filters(overdue)
    overdue.add_argument("--limit", type=int, default=20, metavar="N",
                         help="questions to list (default 20)")
    overdue.add_argument("--json", action="store_true")
    _add_db(overdue)


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
        _add_db(report)


def _user_id(text: str) -> int:
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
        action.add_argument("--user", metavar="ID", type=_user_id, required=True,
                            help="the person's Discord user id")
        action.add_argument("--json", action="store_true")
        _add_db(action)


class Frontend(Protocol):
    """What the command line needs of a chat frontend (the Discord adapter): to run the bot,
    and to post what waits once (``poll --once`` with a token)."""

    def run(self, services: Services) -> None:
        """Run the bot until stopped."""

    async def post_pending(self, services: Services) -> int:
        """Post every pending delivery; returns how many messages were posted."""


FrontendFactory = Callable[[], Frontend]


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


def cmd_ingest(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``ingest``: load files and folders and report on each; 1 when a record was rejected, a file
    could not be loaded, or a file named on the command line yielded no question (said on one line
    of stderr each)."""
    if not args.paths and not args.fetch_people:
        print("ingest: name a file or folder to load (or --fetch-people)", file=sys.stderr)
        return 2
    with open_store(db_path) as store:
        if args.fetch_people:
            try:
                people = fetch_people(args.fetch_people)
                found, merge = store.load_people(people)
            except (OSError, ValueError) as error:
                print(f"ingest: could not load people.json from {args.fetch_people}: {error}",
                      file=sys.stderr)
                return 1
            print(f"{args.fetch_people}: {found} ParlParse member references, "
                  f"{len(merge.members)} stored speakers merged into Parliament's members")
        report = ingest_paths(store, args.paths, captured_at=args.captured_at)
        _embed_new(store, settings)
    if args.json:
        print(json.dumps(_report_json(report), indent=2))
    else:
        print(format_ingest_report(report))
    empty = report.named_but_empty()
    for f in empty:
        print(f"ingest: nothing loaded from {f.path}: {f.why_nothing()}", file=sys.stderr)
    return 1 if report.failed or empty else 0


def _embed_new(store: Store, settings: Settings) -> None:
    """With ``EMBEDDING_MODEL`` set and the vectors built once (``embed``), embed what was just
    stored; a model that cannot be loaded is said on stderr, and leaves ``embed`` to catch up."""
    if not settings.embedding_model:
        return
    from bot.core.search.meaning import CHANGES_STATE, Meaning

    if store.get_state(CHANGES_STATE) is None:
        return
    try:
        meaning = Meaning.load(settings.embedding_model)
        meaning.check_model(store)
        meaning.embed_changes(store)
    except Exception as error:
        print(f"ingest: new questions not embedded ({error}); run `embed` later",
              file=sys.stderr)


def _report_json(report: IngestReport) -> dict:
    return {
        "totals": report.totals(),
        "nothing_loaded": [f.path for f in report.named_but_empty()],
        "files": [
            {
                "path": f.path,
                "kind": f.kind or None,
                "new": f.new,
                "updated": f.updated,
                "unchanged": f.unchanged,
                "people": f.people,
                "rejected": [{"where": w, "reason": r} for w, r in f.rejected],
                "skipped": f.skipped,
            }
            for f in report.files
        ],
    }


def format_ingest_report(report: IngestReport) -> str:
    """The ingest report for a terminal: a line per file (with up to 20 of its rejections), then the
    totals."""
    lines = []
    for f in report.files:
        if f.skipped:
            lines.append(f"{f.path}: skipped — {f.skipped}")
            continue
        if f.kind == "people-json":
            lines.append(f"{f.path}: {f.people} ParlParse member references, "
                         f"{f.merged} stored speakers merged into Parliament's members")
            continue
        line = f"{f.path}: {f.new} new, {f.updated} updated, {f.unchanged} unchanged"
        if f.rejected:
            line += f", {len(f.rejected)} rejected"
        lines.append(line)
        for where, reason in f.rejected[:20]:
            lines.append(f"  rejected {where}: {reason}")
        if len(f.rejected) > 20:
            lines.append(f"  ... and {len(f.rejected) - 20} more rejected")
    t = report.totals()
    lines.append(
        f"Total: {t['files']} files, {t['new']} new, {t['updated']} updated, "
        f"{t['unchanged']} unchanged, {t['rejected']} rejected, {t['skipped_files']} files skipped"
    )
    return "\n".join(lines)


def cmd_show(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``show``: print one stored question as text or JSON; 1 when it is not stored."""
    from bot.core.search.render import question_json, question_text_block

    with open_store(db_path) as store:
        row = store.question(args.id_or_uin)
        if row is None:
            print(f"No question with id or UIN {args.id_or_uin!r} in {db_path}", file=sys.stderr)
            return 1
        data = question_json(store, row)
    print(
        json.dumps(data, indent=2, ensure_ascii=False) if args.json else question_text_block(data)
    )
    return 0


def cmd_fetch(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``fetch``: pull a window of days from the API into the store; 2 for bad dates, 1 when the
    fetch stopped early (what came before is kept)."""
    from bot.core.sources.fetch import FetchError, fetch_window, parse_window

    try:
        since, until = parse_window(args.since, args.until)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    with open_store(db_path) as store:
        try:
            summary = asyncio.run(
                fetch_window(
                    store,
                    settings.parliament_api_base_url,
                    since,
                    until,
                    progress=sys.stderr.isatty(),
                )
            )
        except FetchError as error:
            print(f"Fetch stopped: {error}", file=sys.stderr)
            return 1
    print(summary.describe())
    return 0


def cmd_backfill(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``backfill``: a window of history from the API, a day at a time, resumably; 2 for bad
    dates, 1 when the API stopped it or a record was rejected (what came before is kept)."""
    from bot.core.sources.backfill import backfill, parse_backfill_window, progress_for

    try:
        since, until = parse_backfill_window(args.since, args.until)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    with open_store(db_path) as store:
        try:
            summary = asyncio.run(
                backfill(
                    store,
                    settings.parliament_api_base_url,
                    since,
                    until,
                    refresh=args.refresh,
                    progress=progress_for(sys.stderr),
                )
            )
        except KeyboardInterrupt:
            print("Interrupted: the days finished are kept; run again to resume.", file=sys.stderr)
            return 130
    if args.json:
        print(json.dumps(summary.as_json(), indent=2, ensure_ascii=False))
    else:
        print(summary.describe())
    return 1 if summary.stopped or summary.rejected else 0


def cmd_archive(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """Load the newest scrape of each day from TheyWorkForYou's archive, resumably."""
    from bot.core.sources.archive import import_archive, progress_for
    from bot.core.sources.archive_listing import HOUSE_NAMES, parse_archive_window

    try:
        since, until = parse_archive_window(args.since, args.until)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    with open_store(db_path) as store:
        try:
            summary = asyncio.run(
                import_archive(
                    store,
                    settings.archive_base_url,
                    since=since,
                    until=until,
                    houses=(args.house,) if args.house else HOUSE_NAMES,
                    progress=progress_for(sys.stderr),
                )
            )
        except KeyboardInterrupt:
            print("Interrupted: the files loaded are kept; run again to resume.", file=sys.stderr)
            return 130
    if args.json:
        print(json.dumps(summary.as_json(), indent=2, ensure_ascii=False))
    else:
        print(summary.describe())
    return 1 if summary.failed else 0


def cmd_search(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``search``: print a page of results as a table or JSON; 2 for a bad option, 1 when a name is
    ambiguous (its candidates are printed)."""
    from bot.core.names.matching import Resolver
    from bot.core.search.fulltext import Searcher, SearchError
    from bot.core.search.render import search_json, search_table

    try:
        query = _search_query(args, limit=max(1, min(args.limit, 100)))
        with open_store(db_path) as store:
            outcome = Searcher(store, Resolver.from_store(store)).search(query)
            data = search_json(store, outcome)
    except SearchError as error:
        print(str(error), file=sys.stderr)
        return 2
    print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else search_table(data))
    return 1 if outcome.ambiguous else 0


def _search_query(args: argparse.Namespace, limit: int) -> SearchQuery:
    """The search the options of ``_add_search_filters`` ask for; ``SearchError`` for a bad
    date."""
    from bot.core.search.fulltext import SearchQuery, parse_day_option

    return SearchQuery(
        text=args.text,
        asked_by=args.asked_by,
        answered_by=args.answered_by,
        member=args.member,
        department=args.department,
        house=args.house,
        since=parse_day_option(args.since, "--since"),
        until=parse_day_option(args.until, "--until"),
        status=args.status,
        sort=args.sort,
        limit=limit,
    )


def cmd_resolve(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``resolve``: print the ranked candidates for a name and whether the match is sure; 1 when
    nothing matches (except with ``--json``)."""
    from bot.core.names.matching import Resolver

    with open_store(db_path) as store:
        resolution = Resolver.from_store(store).resolve(
            args.kind, args.text, max(1, min(args.limit, 25)), role=args.role
        )
    if args.json:
        print(json.dumps(resolution.as_json(), indent=2, ensure_ascii=False))
        return 0
    if not resolution.candidates:
        print(f"No {args.kind} matches {args.text!r}.")
        return 1
    print(f"{'score':>5}  {'id':<16} name")
    for c in resolution.candidates:
        print(
            f"{c.score:5.1f}  {str(c.id)[:16]:<16} {c.name}" + (f"  ({c.note})" if c.note else "")
        )
    if resolution.more:
        print(f"       ... and {resolution.more} more (--limit to list them)")
    print("sure" if resolution.sure else "not sure: pick one of these")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``stats timeliness|helpfulness``: a table or JSON, and with ``--png`` the chart."""
    from bot.core.reports.accountability import AccountabilityError
    from bot.core.reports.charts import chart
    from bot.core.search.fulltext import SearchError

    try:
        with open_store(db_path) as store:
            report = _stats_report(store, args)
    except (AccountabilityError, SearchError) as error:
        print(str(error), file=sys.stderr)
        return 2
    if args.png:
        args.png.write_bytes(chart(report))
    if args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        from bot.core.reports.not_held import ACCURACY

        print(report.as_text() + ("\n" + ACCURACY if args.report == "timeliness" else ""))
    return 0


def _stats_report(store: Store, args: argparse.Namespace) -> TimelinessReport | HelpfulnessReport:
    from bot.core.reports.accountability import MIN_VOTES
    from bot.core.reports.helpfulness import helpfulness
    from bot.core.reports.timeliness import timeliness
    from bot.core.search.fulltext import parse_day_option

    since = parse_day_option(args.since, "--since")
    until = parse_day_option(args.until, "--until")
    as_of = parse_day_option(args.as_of, "--as-of")
    ids, name = _department_family(store, args.department) if args.department else (None, None)
    if args.report == "timeliness":
        return timeliness(store, department_id=ids, department_name=name, house=args.house,
                          since=since, until=until, as_of=as_of, with_not_held=True)
    return helpfulness(store, department_id=ids, department_name=name, house=args.house,
                       since=since, until=until, as_of=as_of,
                       min_votes=MIN_VOTES if args.min_votes is None else args.min_votes)


def _department_family(store: Store, text: str) -> tuple[tuple[int, ...], str]:
    """The department a name means, with the bodies it replaced; ``AccountabilityError`` with
    the candidates when the name is unknown or unclear."""
    from bot.core.names.departments import DepartmentIndex
    from bot.core.reports.accountability import AccountabilityError

    index = DepartmentIndex(store.rows("SELECT id, name FROM answering_bodies"))
    resolution = index.resolve(text[:200])
    if resolution.best is None:
        if not resolution.candidates:
            raise AccountabilityError(f"--department: no department matches {text[:60]!r}")
        names = "; ".join(c.name for c in resolution.candidates)
        raise AccountabilityError(f"--department: {text[:60]!r} could be {names}. Which?")
    return index.family(resolution.best.id), resolution.best.name


def _member_id(store: Store, text: str, flag: str) -> tuple[int, str]:
    """The member a name means; ``OverdueError`` with the candidates when the name is unknown
    or unclear."""
    from bot.core.names.members import MemberIndex, member_activity
    from bot.core.reports.overdue import OverdueError

    index = MemberIndex(store.rows(
        "SELECT id, name, list_as, party, party_abbreviation, member_from, house FROM members"
    ), member_activity(store))
    roles = {"--asked-by": "asked_by", "--answered-by": "answered_by"}
    resolution = index.resolve(text[:200], role=roles.get(flag))
    if resolution.best is None:
        if not resolution.candidates:
            raise OverdueError(f"{flag}: no member matches {text[:60]!r}")
        names = "; ".join(c.name + (f" ({c.note})" if c.note else "")
                          for c in resolution.candidates)
        if resolution.more:
            names += f"; and {resolution.more} more"
        raise OverdueError(f"{flag}: {text[:60]!r} could be {names}. Which?")
    return resolution.best.id, resolution.best.name


@dataclass(frozen=True)
class OverdueFilters:
    """The names of ``_add_overdue_filters`` resolved: a department (with the bodies it
    replaced) and members, as ids and names."""

    as_of: date | None
    department_ids: tuple[int, ...] | None
    department: str | None
    member: tuple[int, str] | None  # either role
    answerer: tuple[int, str] | None
    asker: tuple[int, str] | None

    @property
    def arguments(self) -> dict[str, Any]:
        """As keyword arguments of ``overdue`` (all but the House)."""
        return {
            "department_id": self.department_ids, "as_of": self.as_of,
            "member_id": self.member[0] if self.member else None,
            "answering_member_id": self.answerer[0] if self.answerer else None,
            "asking_member_id": self.asker[0] if self.asker else None,
        }


def _overdue_filters(store: Store, args: argparse.Namespace) -> OverdueFilters:
    """Resolve the names the overdue options give (``_add_overdue_filters``); raises
    ``AccountabilityError``, ``OverdueError`` or ``SearchError`` for a bad one."""
    from bot.core.search.fulltext import parse_day_option

    as_of = parse_day_option(args.as_of, "--as-of")
    ids, department = (
        _department_family(store, args.department) if args.department else (None, None)
    )
    member = _member_id(store, args.member, "--member") if args.member else None
    answerer = (_member_id(store, args.answered_by, "--answered-by")
                if args.answered_by else None)
    asker = _member_id(store, args.asked_by, "--asked-by") if args.asked_by else None
    return OverdueFilters(as_of, ids, department, member, answerer, asker)


def cmd_overdue(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``overdue``: the questions past their due day (today, or ``--as-of``), most overdue
    first, as a table or JSON; 2 for a bad option or a name that is unknown or unclear."""
    from bot.core.reports.accountability import AccountabilityError
    from bot.core.reports.overdue import OverdueError, overdue
    from bot.core.search.fulltext import SearchError

    try:
        if args.limit < 1:
            raise OverdueError(f"--limit must be at least 1, not {args.limit}")
        with open_store(db_path) as store:
            filters = _overdue_filters(store, args)
            listing = overdue(store, house=args.house, limit=args.limit, **filters.arguments)
            department, member = filters.department, filters.member
            answerer, asker = filters.answerer, filters.asker
    except (AccountabilityError, OverdueError, SearchError) as error:
        print(str(error), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(listing.as_json(), indent=2, ensure_ascii=False))
        return 0
    title = [department or "", f"{member[1]} (asked or answering)" if member else "",
             f"answered by {answerer[1]}" if answerer else "",
             f"asked by {asker[1]}" if asker else "",
             f"House of {args.house.capitalize()}" if args.house else ""]
    print(listing.as_text(", ".join(t for t in title if t)))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``export search|overdue|timeliness|helpfulness``: every row, as CSV or JSON, to
    ``--output`` (written to a temporary file beside it, renamed when complete) or standard
    output; a line on stderr says how many rows. 2 for a bad option or an unclear name."""
    from bot.core.exports import ExportError, write_export
    from bot.core.reports.accountability import AccountabilityError
    from bot.core.reports.overdue import OverdueError
    from bot.core.search.fulltext import SearchError

    if args.limit is not None and args.limit < 1:
        print(f"export: --limit must be at least 1, not {args.limit}", file=sys.stderr)
        return 2
    partial = args.output.with_name(args.output.name + ".part") if args.output else None
    try:
        with open_store(db_path) as store:
            export = _export(store, args)
            if partial is None:
                sys.stdout.flush()
                written = write_export(export, args.format, sys.stdout.buffer,
                                       max_rows=args.limit)
                sys.stdout.buffer.flush()
            else:
                with partial.open("wb") as out:
                    written = write_export(export, args.format, out, max_rows=args.limit)
                partial.replace(args.output)
    except (AccountabilityError, ExportError, OverdueError, SearchError) as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early (| head): nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as error:
        print(f"export: could not write {args.output}: {error.strerror or error}",
              file=sys.stderr)
        return 1
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
    where = f" to {args.output}" if args.output else ""
    more = f"; stopped at --limit {args.limit}" if written.cut else ""
    print(f"export: {written.rows:,} rows, {written.bytes:,} bytes{where}{more}", file=sys.stderr)
    return 0


def _export(store: Store, args: argparse.Namespace) -> Export:
    """What ``export`` writes, from the options of the matching command."""
    from bot.core.exports import overdue_export, report_export, search_export
    from bot.core.names.matching import Resolver
    from bot.core.search.fulltext import Searcher

    if args.kind == "search":
        query = _search_query(args, limit=args.limit or 0)
        return search_export(store, Searcher(store, Resolver.from_store(store)), query)
    if args.kind == "overdue":
        filters = _overdue_filters(store, args)
        return overdue_export(store, house=args.house, **filters.arguments)
    args.report = args.kind
    return report_export(_stats_report(store, args))


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


def cmd_similar(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``similar``: the questions most like one question or a draft; 2 when the question is not
    stored or the text has no words to compare."""
    from bot.core.search.similar import (
        SimilarError,
        find_similar,
        similar_json,
        similar_rows,
        similar_table,
    )

    with open_store(db_path) as store:
        try:
            outcome = find_similar(store, args.query, args.limit)
        except SimilarError as error:
            print(str(error), file=sys.stderr)
            return 2
        text = (json.dumps(similar_json(store, outcome), indent=2, ensure_ascii=False)
                if args.json else similar_table(similar_rows(store, outcome)))
    print(text)
    return 0


def cmd_embed(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``embed``: vectors for every question without one, in committed batches with a progress
    bar (stop it any time; it carries on where it stopped), then the index beside the
    database; 2 without a model or when it cannot be loaded."""
    import time

    from tqdm import tqdm

    from bot.core.search.meaning import Meaning

    name = args.model or settings.embedding_model
    if not name:
        print("No model: set EMBEDDING_MODEL (a model2vec folder or model name) or give "
              "--model.", file=sys.stderr)
        return 2
    try:
        meaning = Meaning.load(name)
    except Exception as error:  # a missing folder, a name not in the cache, a bad file
        print(f"Could not load the model {name!r}: {error}", file=sys.stderr)
        return 2
    with open_store(db_path) as store:
        meaning.check_model(store)
        missing = meaning.missing_count(store)
        started = time.perf_counter()
        with tqdm(total=missing, unit="q", desc="embed", disable=missing == 0) as bar:
            done = meaning.embed_missing(store, max(1, args.batch), progress=bar.update)
        embedded_in = time.perf_counter() - started
        started = time.perf_counter()
        indexed = meaning.open_index(store)
        indexed_in = time.perf_counter() - started
    rate = f" ({done / embedded_in:,.0f} a second)" if done and embedded_in else ""
    print(f"{done:,} questions embedded in {embedded_in:.1f} s{rate}; {indexed:,} in the "
          f"index ({indexed_in:.1f} s) with {name}")
    return 0


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

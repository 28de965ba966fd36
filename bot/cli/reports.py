"""The reports and what takes them elsewhere: ``stats``, ``overdue``, ``export``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from bot.config import Settings
from bot.core.store.database import Store

if TYPE_CHECKING:
    from bot.core.exports import Export
    from bot.core.reports.helpfulness import HelpfulnessReport
    from bot.core.reports.timeliness import TimelinessReport
from bot.cli.common import department_family, member_id_of, open_store
from bot.cli.reading import search_query_of


def cmd_stats(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``stats timeliness|helpfulness``: a table or JSON, and with ``--png`` the chart."""
    from bot.core.reports.accountability import AccountabilityError
    from bot.core.reports.charts import chart
    from bot.core.search.fulltext import SearchError

    try:
        with open_store(db_path) as store:
            report = stats_report(store, args)
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


def stats_report(store: Store, args: argparse.Namespace) -> TimelinessReport | HelpfulnessReport:
    """The report ``stats`` asked for, from its options."""
    from bot.core.reports.accountability import MIN_VOTES
    from bot.core.reports.helpfulness import helpfulness
    from bot.core.reports.timeliness import timeliness
    from bot.core.search.fulltext import parse_day_option

    since = parse_day_option(args.since, "--since")
    until = parse_day_option(args.until, "--until")
    as_of = parse_day_option(args.as_of, "--as-of")
    ids, name = department_family(store, args.department) if args.department else (None, None)
    if args.report == "timeliness":
        return timeliness(
            store,
            department_id=ids,
            department_name=name,
            house=args.house,
            since=since,
            until=until,
            as_of=as_of,
            with_not_held=True,
        )
    return helpfulness(
        store,
        department_id=ids,
        department_name=name,
        house=args.house,
        since=since,
        until=until,
        as_of=as_of,
        min_votes=MIN_VOTES if args.min_votes is None else args.min_votes,
    )


class OverdueArguments(TypedDict):
    """The filters of ``overdue`` (bot.core.reports.overdue) the command line resolved."""

    department_id: tuple[int, ...] | None
    as_of: date | None
    member_id: int | None
    answering_member_id: int | None
    asking_member_id: int | None


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
    def arguments(self) -> OverdueArguments:
        """As keyword arguments of ``overdue`` (all but the House)."""
        return {
            "department_id": self.department_ids,
            "as_of": self.as_of,
            "member_id": self.member[0] if self.member else None,
            "answering_member_id": self.answerer[0] if self.answerer else None,
            "asking_member_id": self.asker[0] if self.asker else None,
        }


def overdue_filters(store: Store, args: argparse.Namespace) -> OverdueFilters:
    """Resolve the names the overdue options give (``_add_overdue_filters``); raises
    ``AccountabilityError``, ``OverdueError`` or ``SearchError`` for a bad one."""
    from bot.core.search.fulltext import parse_day_option

    as_of = parse_day_option(args.as_of, "--as-of")
    ids, department = department_family(store, args.department) if args.department else (None, None)
    member = member_id_of(store, args.member, "--member") if args.member else None
    answerer = member_id_of(store, args.answered_by, "--answered-by") if args.answered_by else None
    asker = member_id_of(store, args.asked_by, "--asked-by") if args.asked_by else None
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
            filters = overdue_filters(store, args)
            listing = overdue(store, house=args.house, limit=args.limit, **filters.arguments)
            department, member = filters.department, filters.member
            answerer, asker = filters.answerer, filters.asker
    except (AccountabilityError, OverdueError, SearchError) as error:
        print(str(error), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(listing.as_json(), indent=2, ensure_ascii=False))
        return 0
    title = [
        department or "",
        f"{member[1]} (asked or answering)" if member else "",
        f"answered by {answerer[1]}" if answerer else "",
        f"asked by {asker[1]}" if asker else "",
        f"House of {args.house.capitalize()}" if args.house else "",
    ]
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
            export = export_of(store, args)
            if partial is None:
                sys.stdout.flush()
                written = write_export(export, args.format, sys.stdout.buffer, max_rows=args.limit)
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
        print(f"export: could not write {args.output}: {error.strerror or error}", file=sys.stderr)
        return 1
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
    where = f" to {args.output}" if args.output else ""
    more = f"; stopped at --limit {args.limit}" if written.cut else ""
    print(f"export: {written.rows:,} rows, {written.bytes:,} bytes{where}{more}", file=sys.stderr)
    return 0


def export_of(store: Store, args: argparse.Namespace) -> Export:
    """What ``export`` writes, from the options of the matching command."""
    from bot.core.exports import overdue_export, report_export, search_export
    from bot.core.names.matching import Resolver
    from bot.core.search.fulltext import Searcher

    if args.kind == "search":
        query = search_query_of(args, limit=args.limit or 0)
        return search_export(store, Searcher(store, Resolver.from_store(store)), query)
    if args.kind == "overdue":
        filters = overdue_filters(store, args)
        return overdue_export(store, house=args.house, **filters.arguments)
    args.report = args.kind
    return report_export(stats_report(store, args))

"""The commands that read the store: ``show``, ``search``, ``resolve``, ``similar``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.core.search.fulltext import SearchQuery
from bot.cli.common import open_store


def cmd_show(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``show``: print one stored question as text or JSON; 1 when it is not stored."""
    from bot.core.search.render import question_data, question_text_block

    with open_store(db_path) as store:
        row = store.question(args.id_or_uin)
        if row is None:
            print(f"No question with id or UIN {args.id_or_uin!r} in {db_path}", file=sys.stderr)
            return 1
        data = question_data(store, row)
    print(
        json.dumps(data, indent=2, ensure_ascii=False) if args.json else question_text_block(data)
    )
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``search``: print a page of results as a table or JSON; 2 for a bad option, 1 when a name is
    ambiguous (its candidates are printed)."""
    from bot.core.names.matching import Resolver
    from bot.core.search.fulltext import Searcher, SearchError
    from bot.core.search.render import search_data, search_table

    try:
        query = search_query_of(args, limit=max(1, min(args.limit, 100)))
        with open_store(db_path) as store:
            outcome = Searcher(store, Resolver.from_store(store)).search(query)
            data = search_data(store, outcome)
    except SearchError as error:
        print(str(error), file=sys.stderr)
        return 2
    print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else search_table(data))
    return 1 if outcome.ambiguous else 0


def search_query_of(args: argparse.Namespace, limit: int) -> SearchQuery:
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
        text = (
            json.dumps(similar_json(store, outcome), indent=2, ensure_ascii=False)
            if args.json
            else similar_table(similar_rows(store, outcome))
        )
    print(text)
    return 0

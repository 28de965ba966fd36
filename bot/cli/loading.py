"""The commands that fill the store: ``ingest``, ``fetch``, ``backfill``, ``archive``, ``embed``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core.names.identities import fetch_people
from bot.core.sources.ingest import IngestReport, ingest_paths
from bot.core.store.database import Store

if TYPE_CHECKING:
    pass
from bot.cli.common import open_store


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
                print(
                    f"ingest: could not load people.json from {args.fetch_people}: {error}",
                    file=sys.stderr,
                )
                return 1
            print(
                f"{args.fetch_people}: {found} ParlParse member references, "
                f"{len(merge.members)} stored speakers merged into Parliament's members"
            )
        report = ingest_paths(store, args.paths, captured_at=args.captured_at)
        embed_new(store, settings)
    if args.json:
        print(json.dumps(report_json(report), indent=2))
    else:
        print(format_ingest_report(report))
    empty = report.named_but_empty()
    for f in empty:
        print(f"ingest: nothing loaded from {f.path}: {f.why_nothing()}", file=sys.stderr)
    return 1 if report.failed or empty else 0


def embed_new(store: Store, settings: Settings) -> None:
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
        print(f"ingest: new questions not embedded ({error}); run `embed` later", file=sys.stderr)


def report_json(report: IngestReport) -> dict[str, object]:
    """An ingest report as ``ingest --json`` prints it."""
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
            lines.append(
                f"{f.path}: {f.people} ParlParse member references, "
                f"{f.merged} stored speakers merged into Parliament's members"
            )
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


def cmd_embed(args: argparse.Namespace, settings: Settings, db_path: Path) -> int:
    """``embed``: vectors for every question without one, in committed batches with a progress
    bar (stop it any time; it carries on where it stopped), then the index beside the
    database; 2 without a model or when it cannot be loaded."""
    import time

    from tqdm import tqdm

    from bot.core.search.meaning import Meaning

    name = args.model or settings.embedding_model
    if not name:
        print(
            "No model: set EMBEDDING_MODEL (a model2vec folder or model name) or give --model.",
            file=sys.stderr,
        )
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
    print(
        f"{done:,} questions embedded in {embedded_in:.1f} s{rate}; {indexed:,} in the "
        f"index ({indexed_in:.1f} s) with {name}"
    )
    return 0

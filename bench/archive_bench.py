"""Archive import speed: ``archive`` against the local archive server (tests/archive_server.py)
serving generated daily files shaped like the real ones, and the projection for 1997-today.

Days are cut from the synthetic corpus (``bench/corpus.py``: real-length questions and answers,
members, departments, headings, holding answers): ``--per-day`` questions a Commons sitting day
(250 by default), ``--lords-per-day`` a Lords day (45: about 7,000 a session). Half the days are
old Hansard-scraper files (ISO-8859-1, entity DTD, ids by column, 1997-2013), half API-made ones
(UTF-8, ids by tabling date, 2014 on), as in the archive. The run is unpaced (the local server
answers at once), so it measures what the machine can load; the real archive is fetched at 3
requests a second, which bounds the whole archive from below (see the projection).

    python -m bench.archive_bench [--days 40] [--per-day 250] [--lords-per-day 45] [--write]

``--write`` replaces the figures between the ``archive-bench`` markers in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bench.corpus import generate_questions
from bot.core.sources.archive import import_archive
from bot.core.sources.archive_listing import ArchiveClient
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store
from tests.archive_server import Question, file_name, modern_file, old_style_file

OUT = Path(__file__).resolve().parent / "out"
README = Path(__file__).resolve().parent / "README.md"
SERVER = Path(__file__).resolve().parents[1] / "tests" / "archive_server.py"
MARK = "<!-- archive-bench -->"
YEARS = 29  # 1997 to today
SITTING_DAYS = 150  # a year, each House
PACE = 3.0  # requests a second: ArchiveClient's default
_BARE_AMP = re.compile(r"&(?![A-Za-z][A-Za-z0-9]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)")


def _question(value: dict, uin: str, day: str) -> Question:
    asker = value.get("askingMember") or {}
    answerer = value.get("answeringMember") or {}
    return Question(
        uin=uin,
        heading=escape(value.get("heading") or "Question"),
        department=escape(value.get("answeringBodyName") or "Unknown"),
        asker=(int(value.get("askingMemberId") or 0), quoteattr(asker.get("name") or "")[1:-1]),
        answerer=(
            int(value.get("answeringMemberId") or 0),
            quoteattr(answerer.get("name") or "")[1:-1],
        ),
        text=escape(value.get("questionText") or ""),
        answer_html=_BARE_AMP.sub("&amp;", value.get("answerText") or "<p>Answered.</p>"),
        date_tabled=day,
        holding_date=(value.get("dateHoldingAnswer") or "")[:10] or None,
    )


def sitting_days(first: date, count: int) -> Iterator[str]:
    """``count`` weekdays from ``first``."""
    day = first
    while count:
        if day.weekday() < 5:
            yield day.isoformat()
            count -= 1
        day += timedelta(days=1)


def generate(days: int, per_day: int, lords_per_day: int, seed: int = 7) -> dict[str, bytes]:
    """{file name: body}: ``days`` Commons and ``days`` Lords days, half old-style, half
    modern."""
    needed = days * (per_day + lords_per_day)
    values = (v for v in generate_questions(needed * 2, seed) if v.get("answerText"))
    files: dict[str, bytes] = {}
    old_days = list(sitting_days(date(2009, 10, 5), days // 2))
    new_days = list(sitting_days(date(2021, 1, 11), days - days // 2))
    uin = 10_000
    for modern, day_list in ((False, old_days), (True, new_days)):
        for day in day_list:
            for house, count in (("commons", per_day), ("lords", lords_per_day)):
                questions = []
                for _ in range(count):
                    uin += 1
                    questions.append(
                        _question(next(values), f"HL{uin}" if house == "lords" else str(uin), day)
                    )
                if modern:
                    files[file_name(house, day)] = modern_file(questions, house=house)
                else:
                    files[file_name(house, day, "a")] = old_style_file(
                        day, "a", questions, house=house
                    )
    return files


async def _import(base_url: str, db: Path) -> dict:
    client = ArchiveClient(base_url, requests_per_second=1000)
    with Store(db) as store:
        async with client:
            started = time.perf_counter()
            summary = await import_archive(store, base_url, client=client)
            seconds = time.perf_counter() - started
            again_started = time.perf_counter()
            again = await import_archive(store, base_url, client=client)
            again_seconds = time.perf_counter() - again_started
        assert summary.stopped is None and not summary.failed, summary.describe()
        assert again.downloaded == 0
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        questions = store.count_questions()
    return {
        "files": summary.downloaded,
        "questions": questions,
        "new": summary.new,
        "file_bytes": summary.file_bytes,
        "seconds": seconds,
        "requests": summary.requests,
        "rerun_seconds": again_seconds,
        "rerun_requests": again.requests,
        "db_bytes": db.stat().st_size,
    }


def _ingest_floor(folder: Path, db: Path) -> float:
    """The same files loaded by ``ingest`` from a local folder: no HTTP at all."""
    with Store(db) as store:
        started = time.perf_counter()
        ingest_paths(store, [folder])
        return time.perf_counter() - started


def measure(days: int, per_day: int, lords_per_day: int) -> dict:
    """Generate; serve from a second process (so serving takes none of this one's time);
    import twice (the second run is the no-op re-run); and ingest the same files."""
    OUT.mkdir(exist_ok=True)
    started = time.perf_counter()
    files = generate(days, per_day, lords_per_day)
    generated = time.perf_counter() - started
    db = OUT / "archive-bench.db"
    floor_db = OUT / "archive-bench-ingest.db"
    for path in (db, floor_db):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name, body in files.items():
            (folder / name).write_bytes(body)
        server = subprocess.Popen(
            [sys.executable, str(SERVER), str(folder)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert server.stdout is not None
            base_url = server.stdout.readline().strip()
            result = asyncio.run(_import(base_url, db))
        finally:
            server.terminate()
            server.wait(10)
        result["ingest_seconds"] = _ingest_floor(folder, floor_db)
    result.update(
        days=days,
        per_day=per_day,
        lords_per_day=lords_per_day,
        generate_seconds=generated,
        cores=_cores(),
    )
    return result


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def projection(result: dict) -> dict:
    """The whole archive, 1997-today, from the measured rates."""
    commons_files = lords_files = YEARS * SITTING_DAYS
    files = commons_files + lords_files
    questions = commons_files * result["per_day"] + lords_files * result["lords_per_day"]
    per_question_s = result["seconds"] / result["questions"]
    per_file_s = result["seconds"] / result["files"]
    # The measured mix has the same Commons/Lords shares as the projection, so the measured
    # time a question (files and HTTP included) scales to the whole.
    load_s = questions * per_question_s
    paced_s = (files + 4) / PACE  # every file downloaded once, and the 2 indexes + 2 changedates
    return {
        "files": files,
        "questions": questions,
        "load_hours": load_s / 3600,
        "paced_hours": paced_s / 3600,
        "hours": max(load_s, paced_s) / 3600,
        "per_file_ms": per_file_s * 1000,
        "db_gb": result["db_bytes"] / result["questions"] * questions / 1e9,
        "download_gb": result["file_bytes"] / result["questions"] * questions / 1e9,
    }


def report(result: dict, proj: dict) -> str:
    r = result
    lines = [
        f"Produced by `python -m bench.archive_bench --days {r['days']} --per-day {r['per_day']} "
        f"--lords-per-day {r['lords_per_day']}` on {date.today()} ({r['cores']} cores): "
        f"{r['files']} daily files ({r['days']} Commons, {r['days']} Lords; half old "
        f"Hansard-scraper files, half API-made), {r['questions']:,} questions, "
        f"{r['file_bytes'] / 1e6:.1f} MB of XML, served by the local archive server in a "
        "process of its own, unpaced.",
        "",
        "| | files/s | questions/s | MB/s of XML | seconds |",
        "|---|---|---|---|---|",
        f"| `archive` (HTTP, parse, store, record) | {r['files'] / r['seconds']:.1f} | "
        f"{r['questions'] / r['seconds']:,.0f} | {r['file_bytes'] / 1e6 / r['seconds']:.1f} | "
        f"{r['seconds']:.1f} |",
        f"| `ingest` of the same files from disk (floor) | {r['files'] / r['ingest_seconds']:.1f} "
        f"| {r['questions'] / r['ingest_seconds']:,.0f} | "
        f"{r['file_bytes'] / 1e6 / r['ingest_seconds']:.1f} | {r['ingest_seconds']:.1f} |",
        "",
        f"A second run downloads nothing: {r['rerun_requests']} requests (two folder indexes, two "
        f"`changedates.txt`) in {r['rerun_seconds']:.2f} s. Store: "
        f"{r['db_bytes'] / r['questions'] / 1000:.1f} kB a question; XML: "
        f"{r['file_bytes'] / r['questions'] / 1000:.1f} kB a question.",
        "",
        f"Projected for 1997–today ({YEARS} years × {SITTING_DAYS} sitting days × 2 Houses = "
        f"{proj['files']:,} files, {proj['questions']:,} questions at {r['per_day']} a Commons "
        f"day and {r['lords_per_day']} a Lords day): loading takes {proj['load_hours']:.1f} h "
        f"of this machine; fetching at the archive client's pace of {PACE:g} requests a second "
        f"takes at least {proj['paced_hours']:.1f} h, and the two overlap (the next files "
        f"download while one loads), so **about {proj['hours']:.1f} h** end to end if the "
        f"archive keeps up; **disk: about {proj['db_gb']:.1f} GB** for the store "
        f"(downloads are not kept: {proj['download_gb']:.1f} GB pass through).",
    ]
    return "\n".join(lines)


def write_readme(text: str) -> None:
    content = README.read_text()
    start = content.index(MARK)
    end = content.index(MARK, start + len(MARK))
    README.write_text(content[: start + len(MARK)] + "\n" + text + "\n" + content[end:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=40, help="days per House (default 40)")
    parser.add_argument("--per-day", type=int, default=250)
    parser.add_argument("--lords-per-day", type=int, default=45)
    parser.add_argument("--write", action="store_true", help="update bench/README.md")
    args = parser.parse_args(argv)
    result = measure(args.days, args.per_day, args.lords_per_day)
    proj = projection(result)
    (OUT / "archive-bench.json").write_text(json.dumps({**result, "projection": proj}, indent=2))
    text = report(result, proj)
    print(text)
    if args.write:
        write_readme(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

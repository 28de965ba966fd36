"""API calls of ``backfill`` and of a poll, against the local Parliament API server
(tests/parliament_server.py), whose list view cuts texts and drops attachments as the live one
does, serving questions from the synthetic corpus (``bench/corpus.py``: real-length questions
and answers, holding answers, corrections, attachments, withdrawals, unanswered questions).

Counts, not speed: the run is unpaced (the local server answers at once); the live API is asked
at about 10 requests a second, so the time a backfill takes there is its calls / 10 (the
projection). Compared with the path before (a full view for every question listed, answered
and corrected windows only).

    python -m bench.backfill_bench [--per-day 300] [--days 30] [--write]

``--write`` replaces the figures between the ``backfill-bench`` markers in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.corpus import generate_questions
from bot.core.sources.api_client import ParliamentAPI
from bot.core.sources.backfill import backfill
from bot.core.sources.fetch import ALL_WINDOWS, fetch_window
from bot.core.store.database import Store
from tests.parliament_server import ParliamentAPIServer, list_view_leaves_out

README = Path(__file__).resolve().parent / "README.md"
MARK = "<!-- backfill-bench -->"
PACE = 10.0  # requests a second: ParliamentAPI's default
DATES = ("dateTabled", "dateAnswered", "dateAnswerCorrected")


def _in(value: dict[str, Any], since: str, until: str) -> bool:
    return any(since <= (value.get(k) or "")[:10] <= until for k in DATES if value.get(k))


async def measure(per_day: int, days: int) -> dict[str, Any]:
    """Backfill the last ``days`` days of a corpus tabled at ``per_day`` a sitting day, run it
    again with ``refresh``, then poll its last two days twice (the second poll is quiet)."""
    # Enough tabling days that the window's days are full, answered ones included.
    questions = list(generate_questions(per_day * (days + 30), seed=11, per_day=per_day))
    last = max(q["dateTabled"][:10] for q in questions)
    until = date.fromisoformat(last)
    since = until - timedelta(days=days - 1)
    window = {q["id"]: q for q in questions if _in(q, since.isoformat(), until.isoformat())}
    answers = [  # what the path before fetched a full view of: answered or corrected
        q for q in window.values()
        if any(since.isoformat() <= (q.get(k) or "")[:10] <= until.isoformat()
               for k in DATES[1:] if q.get(k))
    ]
    figures: dict[str, Any] = {
        "per_day": per_day, "days": days, "questions": len(window),
        "need_full_view": sum(1 for q in window.values() if list_view_leaves_out(q)),
        "old_full_views": len(answers),
        "old_all_full_views": len(window),
    }
    async with ParliamentAPIServer(questions) as server:
        with tempfile.TemporaryDirectory() as folder:
            store = Store(Path(folder) / "bench.db")
            async with ParliamentAPI(server.base_url, requests_per_second=10_000) as api:
                first = await backfill(store, server.base_url, since, until, api=api,
                                       today=until + timedelta(days=1))
                again = await backfill(store, server.base_url, since, until, api=api,
                                       refresh=True, today=until + timedelta(days=1))
            store.close()
            # Polls of the last two days on a store without them (news), then again (quiet).
            store = Store(Path(folder) / "poll.db")
            async with ParliamentAPI(server.base_url, requests_per_second=10_000) as api:
                polls = []
                for _ in range(2):
                    summary = await fetch_window(store, server.base_url, until - timedelta(days=1),
                                                 until, api=api, source="poll",
                                                 windows=ALL_WINDOWS)
                    polls.append(summary)
            store.close()
    figures.update(
        list_calls=first.list_calls, detail_calls=first.detail_calls, stored=first.new,
        refresh_list_calls=again.list_calls, refresh_detail_calls=again.detail_calls,
        poll_list_calls=polls[0].pages, poll_detail_calls=polls[0].details,
        poll_listed=polls[0].listed,
        quiet_poll_list_calls=polls[1].pages, quiet_poll_detail_calls=polls[1].details,
        quiet_poll_listed=polls[1].listed,
        calls=first.list_calls + first.detail_calls,
        hours_at_pace=(first.list_calls + first.detail_calls) / PACE / 3600,
    )
    return figures


def report(f: dict[str, Any]) -> str:
    q = f["questions"]
    return "\n".join([
        f"Produced by `python -m bench.backfill_bench --per-day {f['per_day']} --days "
        f"{f['days']}` on {date.today()}: a {f['days']}-day backfill of a corpus tabled at "
        f"{f['per_day']} questions a sitting day; {q:,} questions listed in the window.",
        "",
        "| | list calls | full-view calls | calls per question | at 10 requests/s |",
        "|---|---|---|---|---|",
        f"| backfill | {f['list_calls']:,} ({f['list_calls'] / q:.3f} a question) | "
        f"{f['detail_calls']:,} ({f['detail_calls'] / q:.2f} a question; "
        f"{f['need_full_view']:,} list views leave something out) | "
        f"{f['calls'] / q:.2f} | {f['hours_at_pace'] * 60:.0f} min |",
        f"| the same window again, `--refresh` | {f['refresh_list_calls']:,} | "
        f"{f['refresh_detail_calls']:,} | {f['refresh_list_calls'] / q:.3f} | "
        f"{f['refresh_list_calls'] / PACE / 60:.1f} min |",
        f"| before: a full view for every question listed | - | "
        f"{f['old_all_full_views']:,} (answered and corrected windows only: "
        f"{f['old_full_views']:,}) | - | - |",
        f"| a poll of the last two days, all of it new | {f['poll_list_calls']} | "
        f"{f['poll_detail_calls']:,} | {f['poll_listed']:,} listed | "
        f"{(f['poll_list_calls'] + f['poll_detail_calls']) / PACE:.1f} s |",
        f"| the same poll again (a quiet day: nothing new) | {f['quiet_poll_list_calls']} | "
        f"{f['quiet_poll_detail_calls']} | {f['quiet_poll_listed']:,} listed | "
        f"{f['quiet_poll_list_calls'] / PACE:.1f} s |",
    ])


def write(text: str) -> None:
    readme = README.read_text()
    start, end = readme.index(MARK), readme.rindex(MARK)
    README.write_text(readme[: start + len(MARK)] + "\n" + text + "\n" + readme[end:])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-day", type=int, default=300)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--write", action="store_true", help="update bench/README.md")
    args = parser.parse_args(argv)
    figures = asyncio.run(measure(args.per_day, args.days))
    text = report(figures)
    print(text)
    print(figures, file=sys.stderr)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()

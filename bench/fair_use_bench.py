"""Fair use: other people's searches while one person asks for twenty reports at once, with
the per-person limits off ("before") and on ("after"), in one run on one store.

    python -m bench.fair_use_bench --db COPY.db [--rate 5] [--reports 20] [--after-seconds 15]

The bot runs in this process against the local Discord server (its 3-second deadline lifted,
so lateness is measured, not refused), on the store given (searches write their sessions: use
a copy). For each phase: others search (``/answers``, five words in turn, three people) at
``--rate`` a second; after ``--rest`` seconds one person sends ``--reports`` ``/timeliness``
commands at once, every department, each for a different period; the searches go on for
``--after-seconds`` after that, or until the last report's reply, whichever is later.
Reported: the others' search results (seconds from sending to the reply), at rest and from the
burst on, p50 / p95 / max; and the reports served and refused, and the last one's reply.
"Before" sets the limits out of reach; "after" runs with ``bot.discord.fair_use.LIMITS``.
Figures, not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from dataclasses import replace
from pathlib import Path

from bench.search_bench import pct

WORDS = ["schools", "funding", "defence", "hospitals", "housing"]


def periods(count: int) -> list[dict[str, str]]:
    """``count`` different periods over the corpus's years: whole years, then half years."""
    found = [{"since": f"{y}-01-01", "until": f"{y}-12-31"} for y in range(2014, 2026)]
    found += [{"since": f"{y}-{m}", "until": f"{y + 1}-{m}"}
              for y in range(2014, 2025) for m in ("04-01", "07-01", "10-01")]
    return found[:count]


async def phase(server, person, others, rate: float, rest: float, after: float,
                count: int) -> dict[str, list[float]]:
    searches: list[tuple[float, float]] = []  # (sent, seconds to result)
    tasks: list[asyncio.Future[None]] = []
    burst_at = 0.0
    done = asyncio.Event()

    async def search(number: int) -> None:
        sent = time.perf_counter()
        handle = await server.run_command("answers", {"query": WORDS[number % len(WORDS)]},
                                          user=others[number % len(others)])
        await handle.message(timeout=300)
        searches.append((sent, time.perf_counter() - sent))

    async def burst() -> dict[str, list[float]]:
        started = time.perf_counter()
        handles = await asyncio.gather(*(
            server.run_command("timeliness", period, user=person) for period in periods(count)))
        served: list[float] = []
        refused: list[float] = []

        async def reply_to(handle) -> None:
            reply = await handle.message(timeout=600)
            took = time.perf_counter() - started
            (served if reply.get("attachments") else refused).append(took)

        await asyncio.gather(*(reply_to(handle) for handle in handles))
        done.set()
        return {"served": served, "refused": refused}

    started = time.perf_counter()
    number = 0
    burst_task: asyncio.Future[dict[str, list[float]]] | None = None
    while True:
        now = time.perf_counter() - started
        if burst_task is None and now >= rest:
            burst_at = time.perf_counter()
            burst_task = asyncio.ensure_future(burst())
        if burst_task is not None and done.is_set() and now >= rest + after:
            break
        tasks.append(asyncio.ensure_future(search(number)))
        number += 1
        await asyncio.sleep(1 / rate)
    await asyncio.gather(*tasks)
    assert burst_task is not None
    reports = await burst_task
    return {
        "search result, at rest": [s for sent, s in searches if sent < burst_at],
        "search result, from the burst on": [s for sent, s in searches if sent >= burst_at],
        "reports served (s to reply)": reports["served"],
        "reports refused (s to reply)": reports["refused"],
    }


async def measure(db: Path, rate: float, rest: float, after: float, count: int):
    from bot.cli.common import open_store
    from bot.config import Settings
    from bot.discord.client import WrittenAnswersBot
    from bot.discord.fair_use import LIMITS, FairUse
    from tests.e2e.discord_server import BotRunner, DiscordServer

    server = DiscordServer(interaction_deadline=3600)
    await server.start()
    others = [server.plain_user, server.admin_user]
    for name in ("carol", "dev"):
        user = server.add_user(name)
        server.add_member(server.guild, user)
        others.append(user)
    person = server.add_user("eve")
    server.add_member(server.guild, person)
    settings = Settings(database_path=db, discord_token=server.token,
                        discord_guild_ids=(server.guild.id,), poll_interval_seconds=3600,
                        parliament_api_base_url="http://127.0.0.1:9")
    store = open_store(db)
    runner = BotRunner(server)
    rows = []
    try:
        bot = WrittenAnswersBot(settings, store, guild_ready_timeout=0.1)
        await runner.start(bot)
        # Warm: one report (matplotlib, the page cache), a search of each word.
        await (await server.run_command("timeliness", {}, user=others[0])).message(timeout=600)
        for word in WORDS:
            await (await server.run_command("answers", {"query": word}, user=others[0])
                   ).message(timeout=300)
        off = replace(LIMITS, at_once=10**6, reports=10**6)
        for name, limits in (("before (no limit)", off), ("after (the limits)", LIMITS)):
            bot.fair_use = FairUse(limits)
            rows.append((name, await phase(server, person, others, rate, rest, after, count)))
    finally:
        await runner.close_all()
        await server.stop()
        store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a copy of a store")
    parser.add_argument("--rate", type=float, default=5, help="others' searches a second")
    parser.add_argument("--reports", type=int, default=20, help="reports sent at once")
    parser.add_argument("--rest", type=float, default=5, help="seconds of searches before")
    parser.add_argument("--after-seconds", type=float, default=15,
                        help="seconds of searches from the burst on, at least")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows = asyncio.run(measure(args.db, args.rate, args.rest, args.after_seconds, args.reports))
    import sqlite3

    with sqlite3.connect(args.db) as conn:
        questions = conn.execute("SELECT count(*) FROM questions").fetchone()[0]
    print(f"{args.db.name}: {questions:,} questions; others search {args.rate:g}/s; one person "
          f"sends {args.reports} /timeliness (every department, different periods) at once\n")
    print("| phase | what | n | p50 s | p95 s | max s |\n|---|---|---|---|---|---|")
    for name, figures in rows:
        for key, values in figures.items():
            if values:
                print(f"| {name} | {key} | {len(values)} | {pct(values, 50):.2f} | "
                      f"{pct(values, 95):.2f} | {max(values):.2f} |")
            else:
                print(f"| {name} | {key} | 0 | | | |")


if __name__ == "__main__":
    main()

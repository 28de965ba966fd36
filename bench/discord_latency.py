"""Interaction-to-response latency through the local Discord-compatible server.

    python -m bench.discord_latency --db bench/out/store-100000.db [--runs 100]

Starts the project's local Discord server (tests/e2e) and the real bot on a copy of the store,
then times, from dispatching INTERACTION_CREATE to the bot's visible reply: /answers with text,
/answers with filters only, and autocomplete. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import shutil
import time
from pathlib import Path

from bench import corpus
from bench.search_bench import STOPWORDS, ms, pct
from bot.config import Settings
from bot.core.store.database import Store
from bot.discord.endpoints import configure_endpoints


async def measure(db: Path, runs: int) -> dict[str, list[float]]:
    from bot.discord.client import WrittenAnswersBot
    from tests.e2e.discord_server import BotRunner, DiscordServer

    server = DiscordServer()
    await server.start()
    store = Store(db)
    settings = Settings(database_path=db, discord_token=server.token,
                        discord_guild_ids=(server.guild.id,))
    bot = WrittenAnswersBot(settings, store, guild_ready_timeout=0.1)
    runner = BotRunner(server)
    rng = random.Random(11)
    headings = corpus.headings()[:2000]
    bodies = [b["name"] for b in corpus.answering_bodies() if b["to"] is None]
    names = [m["name"] for m in corpus.members()]
    timings: dict[str, list[float]] = {"answers text": [], "answers filters": [],
                                       "autocomplete member": [], "autocomplete topic": []}
    try:
        await runner.start(bot)
        for _ in range(runs):
            words = [w for w in rng.choice(headings).replace(":", " ").split()
                     if w.lower() not in STOPWORDS]
            text = " ".join(words[: rng.randint(1, 3)])
            for key, options in (("answers text", {"query": text}),
                                 ("answers filters", {"department": rng.choice(bodies)})):
                started = time.perf_counter()
                handle = await server.run_command("answers", options)
                await handle.message()
                timings[key].append(time.perf_counter() - started)
            started = time.perf_counter()
            await server.autocomplete("answers", {"member": rng.choice(names)[:5]},
                                      focused="member")
            timings["autocomplete member"].append(time.perf_counter() - started)
            started = time.perf_counter()
            await server.autocomplete("answers", {"query": text[:6]}, focused="query")
            timings["autocomplete topic"].append(time.perf_counter() - started)
    finally:
        await runner.close_all()
        await server.stop()
        store.close()
        configure_endpoints(None, None)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("bench/out/store-100000.db"))
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    scratch = args.db.with_name("latency-scratch.db")
    shutil.copyfile(args.db, scratch)  # the bot writes search sessions: keep the store as built
    try:
        timings = asyncio.run(measure(scratch, args.runs))
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(scratch) + suffix).unlink(missing_ok=True)
    with Store(args.db) as store:
        size = store.count_questions()
    print(f"Interaction to visible response through the local server, {size:,} questions, "
          f"{args.runs} runs each, ms:\n")
    print("| what | p50 | p95 | max |\n|---|---|---|---|")
    for key, values in timings.items():
        print(f"| {key} | {ms(pct(values, 50))} | {ms(pct(values, 95))} | {ms(max(values))} |")


if __name__ == "__main__":
    main()

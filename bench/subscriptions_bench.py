"""Subscription matching at scale, and the delay from Parliament publishing to a channel post.

    python -m bench.subscriptions_bench [--answers 1000] [--subscriptions 10000] [--posts 20]

1. Matching: ``SubscriptionMatcher`` over N new answers and M subscriptions (a realistic mix of
   department, member and topic subscriptions), beside the naive way (every subscription checked
   against every answer) on a sample, in the same run.
2. Delay: the real bot against the local Discord and Parliament API servers, polling every
   0.2 s; an answer is published and the time until its post appears is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench import corpus
from bench.search_bench import ms, pct
from bot.core.news.matcher import Subscription, SubscriptionMatcher
from bot.core.records import status_of
from bot.core.sources.api_json import parse_question_value


def answers(n: int) -> list[dict[str, Any]]:
    rows = []
    for value in corpus.generate_questions(n, seed=5):
        row = parse_question_value(value).question
        row["status"] = status_of(row)
        rows.append(row)
    return rows


def subscriptions(m: int, seed: int = 6) -> list[Subscription]:
    rng = random.Random(seed)
    bodies = [b["id"] for b in corpus.answering_bodies()]
    members = [x["id"] for x in corpus.members()]
    ministers = [x["id"] for x in corpus.ministers()]
    headings = corpus.headings()[:5000]
    out = []
    for i in range(m):
        kind = rng.random()
        sub = dict(id=i + 1, guild_id=1, channel_id=1000 + i % 500, topic=None, member_id=None,
                   asked_by_id=None, answered_by_id=None, department_ids=(), house=None,
                   description="", status="active", after_seq=0)
        if kind < 0.4:
            sub["department_ids"] = (rng.choice(bodies),)
            if rng.random() < 0.3:  # a department and a topic
                sub["topic"] = rng.choice(headings).split(":")[0]
        elif kind < 0.55:
            sub["answered_by_id"] = rng.choice(ministers)
        elif kind < 0.7:
            sub["member_id"] = rng.choice(members)
        else:
            words = rng.choice(headings).replace(":", " ").split()
            sub["topic"] = " ".join(words[: rng.randint(1, 3)])
        out.append(Subscription(**sub))
    return out


def bench_matching(n: int, m: int) -> dict[str, float]:
    rows = answers(n)
    subs = subscriptions(m)
    started = time.perf_counter()
    matcher = SubscriptionMatcher(subs)
    build = time.perf_counter() - started
    started = time.perf_counter()
    matched = sum(len(matcher.matches(row)) for row in rows)
    indexed = time.perf_counter() - started
    sample = rows[: max(1, n // 20)]
    started = time.perf_counter()
    naive_matched = 0
    for row in sample:
        from bot.core.news.matcher import text_words

        words = text_words(f"{row['heading']} {row['question_text']} {row['answer_text']}")
        word_set = set(words)
        naive_matched += sum(1 for s in subs if matcher.wants(s, row, words, word_set))
    naive = (time.perf_counter() - started) / len(sample) * n
    return {"build": build, "indexed": indexed, "naive": naive, "matched": matched,
            "naive_sample_matched": naive_matched, "sample": len(sample)}


async def bench_delay(posts: int) -> list[float]:
    from dataclasses import replace

    import cogs.background
    from bot.cli.common import open_store
    from bot.config import Settings
    from bot.core.news.subscriptions import SubscriptionBook
    from bot.discord.client import WrittenAnswersBot
    from tests.e2e.discord_server import BotRunner, DiscordServer
    from tests.parliament_server import ParliamentAPIServer

    cogs.background.DELIVERY_TICK_SECONDS = 0.2
    today = date.today().isoformat() + "T00:00:00"
    template = next(iter(corpus.generate_questions(1, seed=9)))
    delays = []
    with tempfile.TemporaryDirectory() as folder:
        async with ParliamentAPIServer([]) as api:
            server = DiscordServer()
            await server.start()
            settings = Settings(database_path=Path(folder) / "delay.db",
                                discord_token=server.token, discord_guild_ids=(server.guild.id,),
                                parliament_api_base_url=api.base_url)
            settings = replace(settings, poll_interval_seconds=0.2)
            store = open_store(settings.database_path)
            SubscriptionBook(store).subscribe(
                server.guild.id, server.channel.id, {"department_id": template["answeringBodyId"]},
                "bench", 1, "bench", 50)
            bot = WrittenAnswersBot(settings, store, guild_ready_timeout=0.1)
            runner = BotRunner(server)
            try:
                await runner.start(bot)
                for i in range(posts):
                    value = dict(template, id=5_000_000 + i, uin=str(5_000_000 + i),
                                 dateTabled=today, dateAnswered=today,
                                 heading=f"Delay probe {i}")
                    before = len(server.messages_in(server.channel))
                    started = time.perf_counter()
                    api.publish(value)
                    await server.wait_until(
                        lambda b=before: len(server.messages_in(server.channel)) > b, 30,
                        "the post")
                    delays.append(time.perf_counter() - started)
                    await asyncio.sleep(1.1)  # keep within the channel's 5 posts / 5 s
            finally:
                await runner.close_all()
                await server.stop()
                store.close()
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=20)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = bench_matching(args.answers, args.subscriptions)
    print(f"Matching {args.answers:,} new answers against {args.subscriptions:,} subscriptions:\n")
    print("| way | seconds | per answer, ms |\n|---|---|---|")
    print(f"| index build | {result['build']:.3f} | |")
    print(f"| indexed (ours) | {result['indexed']:.3f} | {ms(result['indexed'] / args.answers)} |")
    print(f"| naive, every subscription per answer (from {result['sample']} answers) | "
          f"{result['naive']:.3f} | {ms(result['naive'] / args.answers)} |")
    print(f"\n{result['matched']:,} deliveries matched.")
    delays = bench_delay(args.posts) if args.posts else None
    if delays is not None:
        values = asyncio.run(delays)
        print(f"\nPublished on the local Parliament API -> posted on the local Discord server "
              f"(poll every 0.2 s), {len(values)} answers: p50 {ms(pct(values, 50))} ms, "
              f"p95 {ms(pct(values, 95))} ms, max {ms(max(values))} ms")


if __name__ == "__main__":
    main()

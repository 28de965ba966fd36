"""Responsiveness under load: the bot's interaction latency and event-loop lag, through the
local Discord server, at rest and with a bulk `ingest` running beside it.

    python -m bench.responsiveness --size 100000 --beside 30000 [--burst 50] [--tree PATH]

Builds (once) a store of ``--size`` generated questions, starts the local Discord server and the
bot on a copy of it, then sends a burst of ``--burst`` searches, ``--burst`` autocompletes and
``--burst // 5`` vote presses at once; then the same while ``python -m bot ingest`` loads
``--beside`` more questions. ``--tree`` runs another checkout of the bot (an older commit, say)
with the same harness, so two versions are compared in one run. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import sys
import time
from pathlib import Path

from bench.search_bench import pct

REPO_ROOT = Path(__file__).resolve().parents[1]
OUT = REPO_ROOT / "bench" / "out"


def build_store(size: int) -> Path:
    """A store of ``size`` generated questions (kept in bench/out/ for the next run)."""
    from bench.corpus import generate_questions
    from bot.ingest import ingest_paths
    from bot.store import Store

    path = OUT / f"responsive-{size}.db"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    source = OUT / f"responsive-{size}.json"
    source.write_text(json.dumps({"results": [{"value": v}
                                              for v in generate_questions(size, seed=5)]}))
    with Store(path) as store:
        ingest_paths(store, [source])
    source.unlink()
    return path


class LagMeter:
    """The event loop's lag, measured by a ticker (the same for every version measured)."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.02)
            self.lags.append(max(0.0, time.perf_counter() - before - 0.02))

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._tick())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()


async def burst(server, size: int, answer: dict) -> dict[str, list[float]]:
    """``size`` searches and autocompletes and size // 5 votes at once: seconds to
    acknowledgement and to the visible result of each."""
    started = time.perf_counter()
    words = ["schools", "funding", "defence", "hospitals", "housing", "energy", "police"]

    async def command(number: int) -> tuple[float, float]:
        handle = await server.run_command("answers", {"query": words[number % len(words)]},
                                          user=server.plain_user)
        await handle.response(timeout=60)
        acked = time.perf_counter() - started
        await handle.message(timeout=60)
        return acked, time.perf_counter() - started

    async def complete(number: int) -> float:
        await server.autocomplete("answers", {"member": ["wil", "smi", "jon"][number % 3]},
                                  focused="member", timeout=60)
        return time.perf_counter() - started

    async def vote(number: int) -> float:
        press = await server.press_button(answer, f"vote:{answer['_qid']}:{'yn'[number % 2]}")
        await press.response(timeout=60)
        return time.perf_counter() - started

    results = await asyncio.gather(
        *(command(i) for i in range(size)),
        *(complete(i) for i in range(size)),
        *(vote(i) for i in range(max(1, size // 5))),
    )
    commands = results[:size]
    return {
        "search ack": [a for a, _ in commands],  # type: ignore[misc]
        "search result": [r for _, r in commands],  # type: ignore[misc]
        "autocomplete": list(results[size : 2 * size]),  # type: ignore[arg-type]
        "vote ack": list(results[2 * size :]),  # type: ignore[arg-type]
    }


async def measure(db: Path, beside: int, size: int) -> list[tuple[str, dict[str, list[float]]]]:
    try:
        from bot.discord.client import WrittenAnswersBot
    except ImportError:  # a checkout from before the Discord adapter moved
        from bot.client import WrittenAnswersBot  # type: ignore[no-redef]
    from bench.corpus import generate_questions
    from bot.cli import open_store
    from bot.config import Settings
    from tests.e2e.discord_server import BotRunner, DiscordServer

    # Written before the bot starts: the harness must not hold the loop it measures.
    values = [dict(v, id=v["id"] + 50_000_000) for v in generate_questions(beside, seed=9)]
    db.with_name("beside.json").write_text(json.dumps({"results": [{"value": v}
                                                                    for v in values]}))
    server = DiscordServer(interaction_deadline=3600)  # measure lateness, do not refuse it
    await server.start()
    store = open_store(db)
    qid = store.conn.execute("SELECT max(id) FROM questions").fetchone()[0]
    uin = store.conn.execute("SELECT uin FROM questions WHERE id = ?", (qid,)).fetchone()[0]
    settings = Settings(database_path=db, discord_token=server.token,
                        discord_guild_ids=(server.guild.id,), poll_interval_seconds=3600,
                        parliament_api_base_url="http://127.0.0.1:9")
    runner = BotRunner(server)
    meter = LagMeter()
    rows: list[tuple[str, dict[str, list[float]]]] = []
    started = time.perf_counter()
    bot = WrittenAnswersBot(settings, store, guild_ready_timeout=0.1)
    meter.start()
    try:
        await runner.start(bot)
        handle = await server.run_command("answer", {"id": uin}, user=server.plain_user)
        answer = dict(await handle.message(timeout=60), _qid=qid)
        first = time.perf_counter() - started
        rows.append(("first start: ready and first answer", {"seconds": [first],
                                                              "lag": meter.lags[:]}))
        meter.lags.clear()
        rows.append(("burst at rest", {**await burst(server, size, answer), "lag": meter.lags[:]}))
        meter.lags.clear()
        source = db.with_name("beside.json")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        ingest = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "ingest", "--db", str(db), str(source),
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        await asyncio.sleep(1.0)  # into the ingest's transaction
        during: dict[str, list[float]] = {}
        while ingest.returncode is None:
            for key, values_ in (await burst(server, size, answer)).items():
                during.setdefault(key, []).extend(values_)
            await asyncio.sleep(0.5)  # returncode is set when the ingest exits
        await ingest.wait()
        during["lag"] = meter.lags[:]
        rows.append((f"bursts during an ingest of {beside:,}", during))
        source.unlink()
    finally:
        meter.stop()
        await runner.close_all()
        await server.stop()
        store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--beside", type=int, default=30_000)
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--tree", type=Path, help="another checkout of the bot to measure")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.tree:  # that checkout's bot/ and cogs/, this one's harness
        sys.path.insert(0, str(args.tree.resolve()))
        for name in [m for m in sys.modules if m == "bot" or m.startswith(("bot.", "cogs"))]:
            del sys.modules[name]
    store = build_store(args.size)
    scratch = store.with_name("responsive-scratch.db")
    shutil.copyfile(store, scratch)
    try:
        rows = asyncio.run(measure(scratch, args.beside, args.burst))
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(scratch) + suffix).unlink(missing_ok=True)
    print(f"{args.tree or 'this tree'}: {args.size:,} questions, bursts of {args.burst}; "
          "seconds from the burst's start (lag: event-loop lag, ms)\n")
    print("| phase | what | n | p50 | p95 | max | over 3 s |\n|---|---|---|---|---|---|---|")
    for phase, figures in rows:
        for key, values in figures.items():
            if not values:
                continue
            scale = 1000 if key == "lag" else 1
            late = "" if key == "lag" else str(sum(v > 3 for v in values))
            print(f"| {phase} | {key} | {len(values)} | {pct(values, 50) * scale:.2f} | "
                  f"{pct(values, 95) * scale:.2f} | {max(values) * scale:.2f} | {late} |")


if __name__ == "__main__":
    main()

"""Responsiveness under load: the bot's interaction latency and event-loop lag, through the
local Discord server, at rest and with a bulk `ingest` running beside it.

    python -m bench.responsiveness --size 1000000 --beside 100000 [--burst 100] [--tree PATH]

Builds (once, with ``ingest``) a store of ``--size`` generated questions, and starts the local
Discord server and the bot on a copy of it, its pages dropped from the OS page cache: a first
start after a bulk load. Then, in order: five searches (the first people); ``--rate``
interactions a second for ``--seconds``; a burst of ``--burst`` searches, ``--burst``
autocompletes and ``--burst // 5`` vote presses at once; and the steady traffic plus one burst
while ``python -m bot ingest`` loads ``--beside`` more questions. ``--tree`` runs another
checkout of the bot (an older commit, say) with the same harness, so two versions are compared
in one run. ``--process`` runs the bot as ``python -m bot run`` instead of in the harness's own
event loop, and reads the lag of the bot's loop alone from its metrics (``METRICS_PORT``).
Figures, not assertions.

    python -m bench.responsiveness --store COPY.db --levers none,defaults,all
        --repeat 2 --phases steady,burst --bursts 3

``--levers`` compares bot processes one after the other in one run, each with only the named
speed levers on (bench/lever_bot.py switches the others off; ``defaults`` are those of
``python -m bot run``, ``all`` the five), and ends with their bursts side by side. Besides the
seconds from each interaction's sending by the harness, each phase reports the seconds from
the local server's sending of the interaction to its accepting the bot's first response
(Discord's view, without the harness's own work of building the burst), how long the server
took to send each burst, and the CPU time of the bot's loop thread and of the harness's
process. ``--profile PATH`` writes a cProfile of
the bot's loop during the bursts. ``--split-cores`` keeps the harness on one core and the bot on
the others: the harness's own CPU for a burst (about 0.2 s) then no longer queues behind the
bot's, as Discord's would not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

from bench.search_bench import pct

REPO_ROOT = Path(__file__).resolve().parents[1]
OUT = REPO_ROOT / "bench" / "out"
METRICS_PORT = 9591
PHASES = frozenset({"steady", "burst", "ingest"})


def stalls(bot: Any, before: int) -> dict[str, list[float]]:
    """The stalls of the in-process bot's loop its watchdog warned of since ``before`` (each
    over ``BLOCKED_AFTER``, 250 ms), as a figure; nothing for a bot process."""
    watchdog = getattr(bot, "watchdog", None)
    if watchdog is None:
        return {}
    return {"watchdog stalls over 250 ms": [float(watchdog.warnings - before)]}


def build_store(size: int) -> Path:
    """A store of ``size`` generated questions (kept in bench/out/ for the next run)."""
    from bench.corpus import generate_questions
    from bot.core.sources.ingest import ingest_paths
    from bot.core.store.database import Store

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
    """The event loop's lag, measured by a ticker (the same for every version measured), with
    when each was measured, so the lag inside bursts can be told from the rest."""

    def __init__(self) -> None:
        self.lags: list[tuple[float, float]] = []  # (when, lag), seconds
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.02)
            now = time.perf_counter()
            self.lags.append((now, max(0.0, now - before - 0.02)))

    def split(self, spans: list[tuple[float, float]]) -> dict[str, list[float]]:
        """The lags measured inside any of ``spans`` and those outside them."""
        inside = [lag for when, lag in self.lags if any(a <= when <= b for a, b in spans)]
        outside = [lag for when, lag in self.lags if not any(a <= when <= b for a, b in spans)]
        return {"lag": outside, "lag in the burst": inside}

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._tick())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()


class ScrapedLag:
    """The event-loop lag a bot process reports itself (its watchdog's histogram on
    ``METRICS_PORT``): the bot's own loop, without the harness and the local Discord server."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/metrics"
        self._base: dict[float, float] = {}

    async def buckets(self) -> dict[float, float]:
        import aiohttp

        async with aiohttp.ClientSession() as session, session.get(self.url) as response:
            text = await response.text()
        found = {}
        for line in text.splitlines():
            if line.startswith("writtenanswers_loop_lag_seconds_bucket"):
                edge = line.split('le="')[1].split('"')[0]
                found[float("inf") if edge == "+Inf" else float(edge)] = float(line.split()[-1])
        return found

    async def mark(self) -> None:
        self._base = await self.buckets()

    async def since_mark(self) -> list[float]:
        """Each tick since ``mark`` as its bucket's upper edge (seconds): p50, p95 and max of
        these are upper bounds of the true figures."""
        now = await self.buckets()
        ticks: list[float] = []
        below = 0.0
        for edge in sorted(now):
            count = now[edge] - self._base.get(edge, 0.0)
            ticks += [edge] * int(count - below)
            below = count
        return ticks


WORDS = ["schools", "funding", "defence", "hospitals", "housing", "energy", "police"]
PREFIXES = ["wil", "smi", "jon"]


def distinct_prefixes(db: Path) -> list[str]:
    """What people type into a member option, all different: the first 3 to 5 letters of the
    words of the stored members' names, in a fixed pseudo-random order."""
    import random
    import sqlite3

    with contextlib.closing(sqlite3.connect(db)) as conn:
        names = [name for (name,) in conn.execute("SELECT name FROM members ORDER BY id")]
    found = sorted({word[:k].lower() for name in names for word in name.split()
                    for k in (3, 4, 5) if len(word) >= k and word.isalpha()})
    random.Random(7).shuffle(found)
    return found


class Traffic:
    """Interactions as people send them; each records its own latencies (seconds from being
    sent) under ``figures``: acknowledgement and result for searches, answer for the rest."""

    def __init__(self, server, answer: dict, prefixes: list[str] | None = None) -> None:
        self.server = server
        self.answer = answer
        self.prefixes = prefixes or PREFIXES
        self.figures: dict[str, list[float]] = {}
        self.bursts: list[tuple[float, float]] = []  # when each burst started and ended
        self.count = 0

    def _record(self, key: str, seconds: float) -> None:
        self.figures.setdefault(key, []).append(seconds)

    async def search(self) -> None:
        self.count += 1
        sent = time.perf_counter()
        handle = await self.server.run_command("answers", {"query": WORDS[self.count % 7]},
                                               user=self.server.plain_user)
        await handle.response(timeout=120)
        self._record("search ack", time.perf_counter() - sent)
        await handle.message(timeout=120)
        self._record("search result", time.perf_counter() - sent)

    async def complete(self) -> None:
        self.count += 1
        sent = time.perf_counter()
        typed = self.prefixes[self.count % len(self.prefixes)]
        await self.server.autocomplete("answers", {"member": typed}, focused="member",
                                       timeout=120)
        self._record("autocomplete", time.perf_counter() - sent)

    async def vote(self) -> None:
        self.count += 1
        sent = time.perf_counter()
        press = await self.server.press_button(
            self.answer, f"vote:{self.answer['_qid']}:{'yn'[self.count % 2]}")
        await press.response(timeout=120)
        self._record("vote ack", time.perf_counter() - sent)

    async def burst(self, size: int) -> None:
        """``size`` searches, ``size`` autocompletes and ``size // 5`` votes, all at once."""
        started = time.perf_counter()
        await asyncio.gather(*(self.search() for _ in range(size)),
                             *(self.complete() for _ in range(size)),
                             *(self.vote() for _ in range(max(1, size // 5))))
        self.bursts.append((started, time.perf_counter()))

    async def steady(self, rate: float, until) -> None:
        """``rate`` interactions a second (searches, autocompletes, a vote in five) while
        ``until()`` is false."""
        kinds = [self.search, self.complete, self.search, self.complete, self.vote]
        tasks = []
        number = 0
        while not until():
            tasks.append(asyncio.ensure_future(kinds[number % len(kinds)]()))
            number += 1
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*tasks)


def evict_from_page_cache(path: Path) -> None:
    """Drop the file's pages from the OS page cache, as after a reboot (no root needed)."""
    for suffix in ("", "-wal"):
        file = Path(str(path) + suffix)
        if file.exists():
            fd = os.open(file, os.O_RDONLY)
            try:
                os.fsync(fd)  # dirty pages (a fresh copy's) cannot be dropped
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def discord_view(server, since: float) -> dict[str, list[float]]:
    """Seconds from the local server's sending of each interaction dispatched since ``since``
    (its loop's clock) to its accepting the bot's first response: what Discord measures, without
    the harness's own work of building and sending the burst."""
    kinds = {2: "search ack", 3: "vote ack", 4: "autocomplete"}
    found: dict[str, list[float]] = {}
    for handle in server.interactions.values():
        if handle.dispatched_at >= since and handle.answered_at and handle.type in kinds:
            found.setdefault(f"{kinds[handle.type]}, from the server's sending", []).append(
                handle.answered_at - handle.dispatched_at)
    return found


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) the main thread of a process has used, from /proc (Linux): a
    bot's event loop, without its store's threads; this whole process's with ``None``."""
    if pid is None:
        times = os.times()
        return times.user + times.system
    fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sending_spans(server, bursts: list[tuple[float, float]]) -> list[float]:
    """How long the local server took to send each burst, first interaction to last: the
    harness's own share of the figures "from each interaction's sending"."""
    spans = []
    for started, ended in bursts:
        sent = [h.dispatched_at for h in server.interactions.values()
                if started <= h.dispatched_at <= ended]
        if sent:
            spans.append(max(sent) - min(sent))
    return spans


async def measure(db: Path, beside: int, size: int, rate: float, seconds: float,
                  process: bool, bot_command: list[str] | None = None,
                  phases: frozenset[str] = PHASES, bursts: int = 1,
                  profile: bool = False, distinct: bool = False,
                  ) -> list[tuple[str, dict[str, list[float]]]]:
    try:
        from bot.discord.client import WrittenAnswersBot
    except ImportError:  # a checkout from before the Discord adapter moved
        from bot.client import WrittenAnswersBot  # type: ignore[no-redef]
    from bench.corpus import generate_questions
    from bot.cli.common import open_store
    from bot.config import Settings
    from tests.e2e.discord_server import BotRunner, DiscordServer

    # Written before the bot starts: the harness must not hold the loop it measures.
    values = [dict(v, id=v["id"] + 50_000_000)
              for v in generate_questions(beside if "ingest" in phases else 0, seed=9)]
    db.with_name("beside.json").write_text(json.dumps({"results": [{"value": v}
                                                                    for v in values]}))
    del values
    server = DiscordServer(interaction_deadline=3600)  # measure lateness, do not refuse it
    await server.start()
    with open_store(db) as probe:
        qid = probe.conn.execute(
            "SELECT max(id) FROM questions WHERE answer_text != ''").fetchone()[0]
        uin = probe.conn.execute("SELECT uin FROM questions WHERE id = ?", (qid,)).fetchone()[0]
    evict_from_page_cache(db)
    settings = Settings(database_path=db, discord_token=server.token,
                        discord_guild_ids=(server.guild.id,), poll_interval_seconds=3600,
                        parliament_api_base_url="http://127.0.0.1:9")
    runner = BotRunner(server)
    meter = LagMeter()
    scraped = ScrapedLag(METRICS_PORT) if process else None
    rows: list[tuple[str, dict[str, list[float]]]] = []
    started = time.perf_counter()
    store = None if process else open_store(db)
    bot_process = None
    bot = None
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    meter.start()
    try:
        if process:  # `python -m bot run`, as an operator starts it
            bot_process = await asyncio.create_subprocess_exec(
                *(bot_command or [sys.executable, "-m", "bot", "run"]), env={
                    **env, "DISCORD_TOKEN": server.token,
                    "DISCORD_GUILD_IDS": str(server.guild.id),
                    "DISCORD_API_BASE_URL": server.api_base_url,
                    "DISCORD_GATEWAY_URL": server.gateway_url,
                    "PARLIAMENT_API_BASE_URL": "http://127.0.0.1:9",
                    "POLL_INTERVAL_SECONDS": "3600", "DATABASE_PATH": str(db),
                    "METRICS_PORT": str(METRICS_PORT), "LOG_LEVEL": "WARNING"},
                stdout=asyncio.subprocess.DEVNULL)
            await server.wait_until(
                lambda: server.connected and server.commands(server.guild), 300, "the bot")
            await asyncio.sleep(0.5)  # from commands synced to ready
        else:
            bot = WrittenAnswersBot(settings, store, guild_ready_timeout=0.1)
            await runner.start(bot)
        ready = time.perf_counter() - started
        asked = time.perf_counter()
        handle = await server.run_command("answer", {"id": uin}, user=server.plain_user)
        answer = dict(await handle.message(timeout=120), _qid=qid)
        first = time.perf_counter() - asked
        traffic = Traffic(server, answer, distinct_prefixes(db) if distinct else None)
        for _ in range(5):  # the first people, on a cold page cache
            await traffic.search()
        first_lags = {"lag": [lag for _, lag in meter.lags]}
        if scraped:
            first_lags = {"bot's own lag, bucket bounds": await scraped.since_mark()}
        rows.append(("first start", {"start to ready": [ready], "first /answer": [first],
                                     "first 5 searches, result": traffic.figures["search result"],
                                     **first_lags, **stalls(bot, 0)}))

        async def phase(name: str, work) -> None:
            traffic.figures, traffic.bursts = {}, []
            meter.lags.clear()
            if scraped:
                await scraped.mark()
            before = bot.watchdog.warnings if bot is not None else 0
            since = asyncio.get_running_loop().time()
            bot_pid = bot_process.pid if bot_process is not None else None
            cpu = (cpu_seconds(bot_pid), cpu_seconds(None))
            await work
            cpu_used = {"bot loop thread CPU, s": [cpu_seconds(bot_pid) - cpu[0]],
                        "harness process CPU, s": [cpu_seconds(None) - cpu[1]]}
            if bot_pid is None:
                cpu_used = {"bot and harness CPU, s": cpu_used["harness process CPU, s"]}
            lags = meter.split(traffic.bursts)
            if scraped:
                lags = {"bot's own lag, bucket bounds": await scraped.since_mark()}
            offset = asyncio.get_running_loop().time() - time.perf_counter()
            spans = sending_spans(server, [(a + offset, b + offset) for a, b in traffic.bursts])
            rows.append((name, {**traffic.figures, **discord_view(server, since), **lags,
                                "sending the burst, s": spans, **cpu_used,
                                **stalls(bot, before)}))

        async def bursts_apart() -> None:
            for number in range(bursts):
                if number:
                    await asyncio.sleep(3)  # the bot at rest again between bursts
                if profile and bot_process is not None:
                    bot_process.send_signal(signal.SIGUSR1)
                await traffic.burst(size)
                if profile and bot_process is not None:
                    bot_process.send_signal(signal.SIGUSR2)
                    await asyncio.sleep(1)  # for its stats to be written

        deadline = time.perf_counter() + seconds
        if "steady" in phases:
            await phase(f"steady {rate:g}/s at rest",
                        traffic.steady(rate, lambda: time.perf_counter() > deadline))
        if "burst" in phases:
            await phase(f"burst of {size}+{size}" + (f", {bursts} times" if bursts > 1 else ""),
                        bursts_apart())
        if "ingest" not in phases:
            return rows
        source = db.with_name("beside.json")
        ingest = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "ingest", "--db", str(db), str(source),
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        ingest_started = time.perf_counter()

        async def beside_ingest() -> None:
            steady = asyncio.ensure_future(
                traffic.steady(rate, lambda: ingest.returncode is not None))
            await asyncio.sleep(3)  # into the ingest's transaction
            await traffic.burst(size)
            await ingest.wait()
            await steady

        await phase(f"steady {rate:g}/s + a burst, during an ingest of {beside:,}",
                    beside_ingest())
        rows[-1][1]["ingest, s"] = [time.perf_counter() - ingest_started]
    finally:
        db.with_name("beside.json").unlink(missing_ok=True)
        meter.stop()
        if bot_process is not None:
            bot_process.terminate()
            await bot_process.wait()
        await runner.close_all()
        await server.stop()
        if store is not None:
            store.close()
    return rows


def lever_command(on: str) -> list[str]:
    """The bot process for a set of levers on ("memo+lengths", "none"; "all": the five):
    bench/lever_bot.py, which switches the others off (see it; its ``DEFAULTS`` are what
    ``python -m bot run`` has, with orjson unimportable even where it is installed)."""
    from bench.lever_bot import DEFAULTS, LEVERS

    levers = [lever for lever in LEVERS if not lever.startswith("echo")]  # floors, not levers
    names = {"none": "", "all": ",".join(levers), "defaults": ",".join(DEFAULTS)}
    wanted = names.get(on, on.replace("+", ","))
    if set(filter(None, wanted.split(","))) - set(LEVERS):
        raise SystemExit(f"unknown levers in {on!r}; of {LEVERS}, none, defaults, all")
    return [sys.executable, "-m", "bench.lever_bot", "--on", wanted, "run"]


def print_rows(title: str, rows: list[tuple[str, dict[str, list[float]]]]) -> None:
    print(f"{title}; seconds from each interaction's sending (lag: event-loop lag, ms)\n")
    print("| phase | what | n | p50 | p95 | max | over 3 s |\n|---|---|---|---|---|---|---|")
    for phase, figures in rows:
        for key, values in figures.items():
            if not values:
                continue
            is_lag = "lag" in key
            scale = 1000 if is_lag else 1
            late = "" if is_lag or key.endswith(", s") else str(sum(v > 3 for v in values))
            print(f"| {phase} | {key} | {len(values)} | {pct(values, 50) * scale:.2f} | "
                  f"{pct(values, 95) * scale:.2f} | {max(values) * scale:.2f} | {late} |")
    print(flush=True)


SUMMARY = ("autocomplete, from the server's sending", "search ack, from the server's sending",
           "vote ack, from the server's sending", "autocomplete", "search ack", "search result",
           "bot loop thread CPU, s")


def print_summary(runs: list[tuple[str, str, list[tuple[str, dict[str, list[float]]]]]]) -> None:
    """The bursts of each run side by side: p50 / p95 / max, seconds."""
    print("| levers on | load | " + " | ".join(SUMMARY) + " |")
    print("|---|---|" + "---|" * len(SUMMARY))
    for label, load, rows in runs:
        figures = next((f for phase, f in rows if phase.startswith("burst")), {})
        cells = [(" / ".join(f"{x:.2f}" for x in (pct(v, 50), pct(v, 95), max(v)))
                  if len(v) > 1 else f"{v[0]:.2f}") if v else ""
                 for v in (figures.get(key, []) for key in SUMMARY)]
        print(f"| {label} | {load} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="a store to copy instead of building one")
    parser.add_argument("--beside", type=int, default=30_000)
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--bursts", type=int, default=1, help="bursts in the burst phase")
    parser.add_argument("--rate", type=float, default=5, help="steady interactions a second")
    parser.add_argument("--seconds", type=float, default=20, help="steady traffic at rest, s")
    parser.add_argument("--phases", default="steady,burst,ingest",
                        help="of steady, burst, ingest (the first start is always measured)")
    parser.add_argument("--process", action="store_true",
                        help="run the bot as `python -m bot run` and read its own loop lag")
    parser.add_argument("--levers", help="bot processes to compare, one after the other: "
                        "sets of levers on, e.g. none,orjson,uvloop,priority,defaults,all "
                        "(orjson+uvloop for two); implies --process")
    parser.add_argument("--repeat", type=int, default=1, help="run the --levers list again")
    parser.add_argument("--profile", type=Path,
                        help="cProfile the bot's loop during the bursts (one lever set)")
    parser.add_argument("--distinct-prefixes", action="store_true",
                        help="each autocomplete types another member prefix (else: "
                        f"{', '.join(PREFIXES)} in turn)")
    parser.add_argument("--tree", type=Path, help="another checkout of the bot to measure")
    parser.add_argument("--split-cores", action="store_true",
                        help="the harness and its local server on the first core, the bot "
                        "process (all its threads) on the others, as Discord is not on the "
                        "bot's machine (Linux; needs --levers)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.tree:  # that checkout's bot/ and cogs/, this one's harness
        sys.path.insert(0, str(args.tree.resolve()))
        for name in [m for m in sys.modules if m == "bot" or m.startswith(("bot.", "cogs"))]:
            del sys.modules[name]
    store = args.store or build_store(args.size)
    phases = frozenset(args.phases.split(","))
    levers = args.levers.split(",") * args.repeat if args.levers else [None]
    runs = []
    cores = sorted(os.sched_getaffinity(0))
    if args.split_cores and (len(cores) < 2 or not args.levers or "ingest" in phases):
        # (the ingest beside the bot would run on the harness's core)
        parser.error("--split-cores needs two cores or more, --levers, and no ingest phase")
    for on in levers:
        command = lever_command(on) if on else None
        if command and args.profile:
            command[-1:-1] = ["--profile", str(args.profile.resolve())]
        if command and args.split_cores:
            os.sched_setaffinity(0, cores[:1])
            command = ["taskset", "-c", ",".join(map(str, cores[1:])), *command]
        scratch = store.with_name("responsive-scratch.db")
        shutil.copyfile(store, scratch)
        load = f"{os.getloadavg()[0]:.1f}"
        try:
            rows = asyncio.run(measure(scratch, args.beside, args.burst, args.rate,
                                       args.seconds, args.process or bool(on), command,
                                       phases, args.bursts, bool(args.profile),
                                       args.distinct_prefixes))
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(scratch) + suffix).unlink(missing_ok=True)
        load += f" to {os.getloadavg()[0]:.1f}"
        label = on or str(args.tree or "this tree")
        print_rows(f"{label}: {args.size:,} questions, load average {load}", rows)
        runs.append((label, load, rows))
    if args.levers:
        print_summary(runs)


if __name__ == "__main__":
    main()

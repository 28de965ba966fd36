"""``python -m bot backup``'s way of copying beside the other two, while a writer records votes.

    python -m bench.backup_bench --db STORE.db [--ways ours,vacuum,stepped] [--votes-per-second 20]

For each way, on the same store, one after the other: a thread records votes (one transaction
each, as the bot's writer does) at ``--votes-per-second`` while the copy is made, and the copy's
seconds and bytes are reported with the writer's commits during it and its slowest commit.

- ``ours``: ``bot.core.store.backup.backup_store`` (the online backup API in one step, from a
  read-only connection, then ``PRAGMA integrity_check`` and the counts: the whole command);
- ``api``: the online backup API in one step, without the check;
- ``vacuum``: ``VACUUM INTO`` (a rebuilt, compacted copy), without the check;
- ``check``: ``PRAGMA integrity_check`` alone, of the copy the way before it made;
- ``stepped``: the online backup API in steps of ``--pages`` pages with a 5 ms sleep between,
  as often suggested "so that the writer is not starved"; SQLite restarts it whenever another
  connection writes to the store between two steps, so its restarts are counted, and it is
  given up after ``--stepped-limit`` seconds.

The votes are written to the store given: run it on a copy. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import sqlite3
import threading
import time
from pathlib import Path

from bench.search_bench import pct
from bot.core.store.backup import backup_store
from bot.core.store.database import Store
from bot.core.votes import VoteLedger


class Voter(threading.Thread):
    """Votes at a steady rate until stopped; the time of each commit is kept."""

    def __init__(self, db: Path, rate: float) -> None:
        super().__init__(daemon=True)
        self.db, self.rate = db, rate
        self.commits: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with Store(self.db) as store:
            ledger = VoteLedger(store)
            qids = [r[0] for r in store.conn.execute("SELECT id FROM questions LIMIT 1000")]
            user = 10_000_000 + int(time.time()) % 1_000_000 * 100
            while not self.stop.is_set():
                user += 1
                started = time.perf_counter()
                ledger.vote(qids[user % len(qids)], user, True, "bench", None)
                self.commits.append(time.perf_counter() - started)
                self.stop.wait(max(0.0, 1 / self.rate - self.commits[-1]))


def _ours(db: Path, out: Path, _pages: int, _limit: float) -> dict:
    report = backup_store(db, out)
    return {"integrity": report.integrity}


def _api(db: Path, out: Path, _pages: int, _limit: float) -> dict:
    src = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(out)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return {}


def _check(_db: Path, out: Path, _pages: int, _limit: float) -> dict:
    conn = sqlite3.connect(out)
    try:
        return {"integrity": conn.execute("PRAGMA integrity_check").fetchone()[0]}
    finally:
        conn.close()


def _vacuum(db: Path, out: Path, _pages: int, _limit: float) -> dict:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
    try:
        conn.execute("VACUUM INTO ?", (str(out),))
    finally:
        conn.close()
    return {}


def _stepped(db: Path, out: Path, pages: int, limit: float) -> dict:
    restarts = 0
    last_remaining = None
    deadline = time.perf_counter() + limit

    class GaveUp(Exception):
        pass

    def progress(_status: int, remaining: int, _total: int) -> None:
        nonlocal restarts, last_remaining
        if last_remaining is not None and remaining > last_remaining:
            restarts += 1
        last_remaining = remaining
        if time.perf_counter() > deadline:
            raise GaveUp
        time.sleep(0.005)

    src = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(out)
    finished = True
    try:
        src.backup(dst, pages=pages, progress=progress)
    except GaveUp:
        finished = False
    finally:
        dst.close()
        src.close()
    return {"restarts": restarts, "finished": finished}


WAYS = {"ours": _ours, "api": _api, "vacuum": _vacuum, "stepped": _stepped, "check": _check}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a copy of a store (votes added)")
    parser.add_argument("--ways", default="ours,vacuum,stepped")
    parser.add_argument("--votes-per-second", type=float, default=20)
    parser.add_argument("--pages", type=int, default=1024, help="pages a step, for 'stepped'")
    parser.add_argument("--stepped-limit", type=float, default=300)
    parser.add_argument("--out", type=Path, default=None, help="folder for the copies")
    args = parser.parse_args()
    out_dir = args.out or args.db.parent
    with sqlite3.connect(args.db) as conn:
        questions = conn.execute("SELECT count(*) FROM questions").fetchone()[0]
    print(f"{args.db.name}: {questions:,} questions, {args.db.stat().st_size / 1e6:,.0f} MB; "
          f"a writer votes {args.votes_per_second:g} times a second throughout\n")
    print("| way | seconds | copy MB | votes committed during it | vote commit p50 / p95 / max ms"
          " | notes |\n|---|---|---|---|---|---|")
    last: Path | None = None  # the copy the last way made (``check`` reads it)
    for way in args.ways.split(","):
        target = out_dir / f"backup-bench-{way}.db"
        if way == "check":  # the integrity check alone, of the copy the way before made
            target = last
        else:
            target.unlink(missing_ok=True)
        voter = Voter(args.db, args.votes_per_second)
        voter.start()
        time.sleep(1)
        voter.commits.clear()
        started = time.perf_counter()
        notes = WAYS[way](args.db, target, args.pages, args.stepped_limit)
        seconds = time.perf_counter() - started
        voter.stop.set()
        voter.join()
        size = target.stat().st_size / 1e6 if target.exists() else 0
        c = [x * 1000 for x in voter.commits] or [0.0]
        print(f"| {way} | {seconds:,.1f} | {size:,.0f} | {len(voter.commits):,} | "
              f"{pct(c, 50):.1f} / {pct(c, 95):.1f} / {max(c):.1f} | "
              f"{', '.join(f'{k} {v}' for k, v in notes.items())} |", flush=True)
        if way != "check":
            if last is not None and last != target:
                last.unlink(missing_ok=True)
            last = target
    if last is not None:
        last.unlink(missing_ok=True)


if __name__ == "__main__":
    main()

"""/privacy's reads and deletes on a store with many people: a person's counts (what /privacy
shows), their export, their deletion, and a left server's deletion; with the index on
``votes(user_id)`` and, side by side, without it (a scan of every vote).

    python -m bench.privacy_bench [--votes 1000000] [--people 200000] [--samples 50]

Figures, not assertions; the store goes to bench/out/privacy.db.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bot.core.privacy.person import delete, export, summary
from bot.core.privacy.servers import delete_guild_data
from bot.core.store.database import Store

OUT = Path(__file__).resolve().parent / "out"
GUILDS = 50
FIRST_USER = 100_000_000_000_000_000


def build(path: Path, votes: int, people: int, seed: int = 5) -> Store:
    """A store with ``votes`` votes from ``people`` people on 50,000 questions in 50 servers, a
    quarter of them with an alert and its DM records, and a saved search each."""
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store(path)
    rng = random.Random(seed)
    seen: set[tuple[int, int]] = set()
    rows = []
    while len(rows) < votes:
        key = (rng.randrange(50_000), FIRST_USER + rng.randrange(people))
        if key in seen:
            continue
        seen.add(key)
        rows.append((key[0], key[1], rng.randrange(2), "button", None, "2026-01-01T00:00:00Z",
                     FIRST_USER + key[1] % GUILDS))
    with store.transaction():
        store.conn.executemany("INSERT INTO votes (question_id, user_id, helpful, via, "
                               "message_id, voted_at, guild_id) VALUES (?,?,?,?,?,?,?)", rows)
        for person in range(0, people, 4):
            user = FIRST_USER + person
            alert = store.conn.execute(
                "INSERT INTO alerts (user_id, key, question_id, description, created_at, "
                "after_seq) VALUES (?, ?, ?, 'a question', '2026-01-01', 0)",
                (user, f"q:{person}", person),
            ).lastrowid
            store.conn.executemany(
                "INSERT INTO alert_deliveries (alert_id, user_id, question_id, change_seq, kind, "
                "status, claimed_at) VALUES (?, ?, ?, ?, 'New answer', 'sent', '2026-01-01')",
                [(alert, user, person, seq) for seq in range(3)],
            )
        store.conn.executemany(
            "INSERT INTO search_sessions (query, created_at, user_id, guild_id) "
            "VALUES ('{}', '2026-01-01', ?, ?)",
            [(FIRST_USER + p, FIRST_USER + p % GUILDS) for p in range(people)],
        )
    return store


def timed(fn: Callable[[], object], runs: list[float]) -> None:
    started = time.perf_counter()
    fn()
    runs.append((time.perf_counter() - started) * 1000)


def line(name: str, runs: list[float]) -> str:
    runs = sorted(runs)
    p95 = runs[min(len(runs) - 1, int(len(runs) * 0.95))]
    return f"| {name} | {statistics.median(runs):.2f} / {p95:.2f} / {runs[-1]:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    started = time.perf_counter()
    store = build(OUT / "privacy.db", args.votes, args.people)
    print(f"built {args.votes:,} votes from {args.people:,} people in "
          f"{time.perf_counter() - started:.1f} s")
    rng = random.Random(9)
    people = [FIRST_USER + rng.randrange(args.people) for _ in range(args.samples * 3)]
    results: dict[str, list[float]] = {k: [] for k in
                                       ("summary", "export", "delete", "summary, no index")}
    for user in people[: args.samples]:
        timed(lambda user=user: summary(store, user, FIRST_USER), results["summary"])
        timed(lambda user=user: export(store, user), results["export"])
    for user in people[args.samples: 2 * args.samples]:
        timed(lambda user=user: delete(store, user), results["delete"])
    store.conn.execute("DROP INDEX votes_user")
    for user in people[2 * args.samples:]:
        timed(lambda user=user: summary(store, user, FIRST_USER), results["summary, no index"])
    guild_runs: list[float] = []
    timed(lambda: delete_guild_data(store, FIRST_USER + 1), guild_runs)
    print("| what | ms p50 / p95 / max |")
    print("|---|---|")
    for name, runs in results.items():
        print(line(name, runs))
    print(f"| a left server's data ({args.votes // GUILDS:,} votes, "
          f"{args.people // GUILDS:,} searches), one transaction | {guild_runs[0]:.0f} |")
    store.close()


if __name__ == "__main__":
    main()

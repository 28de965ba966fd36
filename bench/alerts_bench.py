"""Personal alerts at scale: a day's news (answers and tabled questions) against many alerts.

    python -m bench.alerts_bench [--answers 1000] [--tabled 300] [--alerts 10000]

A store holds 20,000 questions waiting; people make ``--alerts`` alerts (80% on one waiting
question, 15% following a heading, 5% a department, 25 at most each). Then a day's news is
loaded in one transaction (``--answers`` of the waiting answered, ``--tabled`` new questions
tabled) and ``AlertBook.plan`` matches it and claims the direct messages, timed, as is giving
them their outbox messages and reading them back with their nonces, a round at a time.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.core.news.alerts import ALERT_CAP, GROUP_SPAN, AlertBook
from bot.core.sources.api_json import parse_question_value
from bot.core.store.database import Store

HEADINGS = [f"Topic {i}: Subject {i % 37}" for i in range(400)]
BODIES = [60, 11, 17, 14, 13, 1, 7, 202, 208, 19]
BASE: dict[str, Any] = {
    "house": "Commons", "memberId": 4001, "questionText": "To ask the Secretary of State...",
    "answerText": "<p>The answer.</p>", "answeringMemberId": 4002, "dateTabled":
    "2024-01-08T00:00:00", "dateAnswered": "2024-01-15T00:00:00", "answeringBodyName": "Body",
    "isNamedDay": False, "answerIsHolding": False, "answerIsCorrection": False,
    "isWithdrawn": False, "attachments": [], "groupedQuestions": [],
}


def value(rng: random.Random, number: int, answered: bool) -> dict[str, Any]:
    v = dict(BASE, id=number, uin=str(number), heading=rng.choice(HEADINGS),
             answeringBodyId=rng.choice(BODIES))
    if not answered:
        v.update(dateAnswered=None, answerText=None, answeringMemberId=None)
    return v


def run(answers: int, tabled: int, alerts: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "alerts.db") as store:
        waiting = list(range(100_000, 120_000))
        with store.transaction():
            store.upsert([parse_question_value(value(rng, n, False)) for n in waiting], "poll")
        book = AlertBook(store)
        book.plan()
        people = max(1, alerts // ALERT_CAP + 1)
        sample = store.question(waiting[0])
        assert sample is not None
        on_questions = rng.sample(waiting, int(alerts * 0.8))
        started = time.perf_counter()
        for i, number in enumerate(on_questions):
            row = store.question(number)
            assert row is not None
            book.alert_on_question(1 + i % people, row)
        made = len(on_questions)
        i = 0
        while made < alerts:
            kind = "heading" if i % 4 else "department"
            like = dict(sample, heading=HEADINGS[i % len(HEADINGS)],
                        answering_body_id=BODIES[i % len(BODIES)])
            _, what = book.follow_like(1 + (i * 7) % people, like, kind)  # type: ignore[arg-type]
            made += what == "created"
            i += 1
        print(f"{made:,} alerts of {people:,} people made in {time.perf_counter() - started:.1f} s")
        book.plan()
        news = rng.sample(waiting, answers)
        with store.transaction():
            store.upsert([parse_question_value(value(rng, n, True)) for n in news]
                         + [parse_question_value(value(rng, n, False))
                            for n in range(200_000, 200_000 + tabled)], "poll")
        started = time.perf_counter()
        book.plan()
        took = time.perf_counter() - started
        claimed = store.conn.execute("SELECT count(*) FROM alert_deliveries").fetchone()[0]
        print(f"a day's news ({answers:,} answers, {tabled:,} tabled) matched and claimed in "
              f"{took:.2f} s: {claimed:,} direct messages")
        # The outbox gives them their messages GROUP_SPAN a round, one short write each.
        rounds: list[float] = []
        while True:
            started = time.perf_counter()
            pending = book.pending()
            rounds.append(time.perf_counter() - started)
            if not pending:
                break
            with store.transaction():
                for batch in pending:  # as if sent, so the next round takes the next ones
                    store.conn.execute("UPDATE batches SET status = 'sent' WHERE id = ?",
                                       (batch.id,))
                    store.conn.execute("UPDATE alert_deliveries SET status = 'sent' "
                                       "WHERE batch_id = ?", (batch.id,))
        print(f"grouped into outbox messages and read back with nonces, {GROUP_SPAN:,} a round: "
              f"{len(rounds) - 1} rounds, {sum(rounds):.2f} s in all, the longest "
              f"{max(rounds) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--tabled", type=int, default=300)
    parser.add_argument("--alerts", type=int, default=10_000)
    args = parser.parse_args()
    run(args.answers, args.tabled, args.alerts)


if __name__ == "__main__":
    main()

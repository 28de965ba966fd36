"""The ``due_days`` table (``bot/core/store/due_days.py``): ``/timeliness``'s counts kept by
triggers on ``questions``. Whatever is written, the table holds what counting every question
again gives, and a report read from it is the report read from the questions."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import recounted
from test_accountability import DEFRA, DFE, DHSC, _generated, api_value, load

from bot.core.reports.timeliness import timeliness
from bot.core.sources.api_json import parse_question_value
from bot.core.store import due_days
from bot.core.store.database import Store
from bot.core.store.schema import MIGRATIONS, SCHEMA_VERSION

LAPSED = ("It has not proved possible to respond to the hon. Member in the time available "
          "before Prorogation.")


def _counted(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    return conn.execute("SELECT * FROM due_days ORDER BY due, body, kind, wait, on_time, held, "
                        "lapsed").fetchall()


def _recounted(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    return recounted(conn, due_days.rebuild, _counted)


def _without_last_event(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    # last_event only grows: after a question leaves a row it may be later than a recount's.
    return [row[:-1] for row in rows]


@pytest.fixture
def busy(tmp_path: Path) -> Iterator[Store]:
    rng = random.Random(7)
    with Store(tmp_path / "busy.db") as store:
        load(store, *(_generated(rng, qid) for qid in range(1, 801)))
        yield store


def test_a_load_counts_what_a_recount_counts(busy: Store) -> None:
    counted = _counted(busy.conn)
    assert counted == _recounted(busy.conn)
    assert sum(row[7] for row in counted) == busy.conn.execute(
        "SELECT count(*) FROM questions WHERE is_withdrawn = 0").fetchone()[0]


def test_every_kind_of_write_keeps_the_counts(busy: Store) -> None:
    rng = random.Random(11)
    rows = busy.rows("SELECT id, date_tabled, status FROM questions ORDER BY id")
    waiting = [r for r in rows if r["status"] in ("unanswered", "holding")]
    answered = [r for r in rows if r["status"] == "answered"]
    steps: list[list[dict[str, Any]]] = [
        # answered at last, some late
        [api_value(r["id"], r["date_tabled"], answered="2027-02-01") for r in waiting[:40]],
        # withdrawn
        [api_value(r["id"], r["date_tabled"], withdrawn=True) for r in waiting[40:60]],
        # moved to another department, answered
        [api_value(r["id"], r["date_tabled"], body=rng.choice([DFE, DHSC, DEFRA]),
                   answered="2027-02-02") for r in waiting[60:90]],
        # a lapse notice
        [{**api_value(r["id"], r["date_tabled"], answered="2027-02-03"), "answerText": LAPSED}
         for r in waiting[90:100]],
        # corrected, later
        [{**api_value(r["id"], r["date_tabled"], answered="2027-02-04"),
          "answerIsCorrection": True, "dateAnswerCorrected": "2027-02-10"}
         for r in answered[:20]],
    ]
    for values in steps:
        load(busy, *values)
        assert _without_last_event(_counted(busy.conn)) == _without_last_event(
            _recounted(busy.conn))
    with busy.transaction():  # a question merged away or deleted
        last = "SELECT id FROM questions ORDER BY id DESC LIMIT 25"
        busy.conn.execute(f"DELETE FROM changes WHERE question_id IN ({last})")
        busy.conn.execute(f"DELETE FROM questions WHERE id IN ({last})")
    assert _without_last_event(_counted(busy.conn)) == _without_last_event(
        _recounted(busy.conn))
    # An update of a column the table does not read leaves it alone.
    before = _counted(busy.conn)
    with busy.transaction():
        busy.conn.execute("UPDATE questions SET heading = heading || ' (2)'")
    assert _counted(busy.conn) == before


def test_no_row_is_left_counting_nothing(busy: Store) -> None:
    waiting = busy.rows("SELECT id, date_tabled FROM questions "
                         "WHERE status IN ('unanswered', 'holding')")
    load(busy, *(api_value(r["id"], r["date_tabled"], answered="2027-03-01") for r in waiting))
    assert busy.conn.execute("SELECT count(*) FROM due_days WHERE n <= 0").fetchone()[0] == 0
    assert busy.conn.execute(
        "SELECT count(*) FROM due_days WHERE wait = -1 AND lapsed = 0").fetchone()[0] == 0


@pytest.mark.parametrize("department", [None, DFE, (DHSC, DEFRA)])
@pytest.mark.parametrize("house", [None, "commons", "lords"])
@pytest.mark.parametrize(
    ("since", "until"),
    [(date(2024, 1, 1), date(2024, 12, 31)), (date(2019, 6, 15), date(2026, 12, 31)),
     (date(2021, 3, 29), date(2021, 4, 9))],  # days inside months, over Easter
)
def test_the_report_from_the_table_is_the_report_from_the_questions(
    busy: Store, monkeypatch: pytest.MonkeyPatch, department: Any, house: str | None,
    since: date, until: date,
) -> None:
    as_of = date(2027, 6, 30)  # after every day stored
    assert due_days.covers(busy.conn, as_of.isoformat())
    kwargs: dict[str, Any] = dict(department_id=department, house=house, since=since,
                                  until=until, as_of=as_of, with_not_held=False)
    from_table = timeliness(busy, **kwargs)
    monkeypatch.setattr(due_days, "covers", lambda conn, as_of: False)
    from_questions = timeliness(busy, **kwargs)
    assert from_table.as_json() == from_questions.as_json()
    assert from_table.rows  # something was counted


def test_a_report_as_of_an_earlier_day_reads_the_questions(busy: Store) -> None:
    latest = busy.conn.execute("SELECT max(date_answered) FROM questions").fetchone()[0]
    day_before = date.fromordinal(date.fromisoformat(latest[:10]).toordinal() - 1)
    assert not due_days.covers(busy.conn, day_before.isoformat())
    assert due_days.covers(busy.conn, latest[:10])


def test_a_store_from_before_the_table_gets_it_filled_when_opened(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    rng = random.Random(3)
    with Store(db) as store:
        load(store, *(_generated(rng, qid) for qid in range(1, 301)))
        expected = _counted(store.conn)
        with store.transaction():  # as the version before this table had it
            for name in ("due_days_insert", "due_days_delete", "due_days_update",
                         "due_days_emptied"):
                store.conn.execute(f"DROP TRIGGER {name}")
            store.conn.execute("DROP TABLE due_days")
            before = [m.__name__ for m in MIGRATIONS].index("_migration_due_days")
            store.conn.execute(f"PRAGMA user_version = {before}")
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert _counted(store.conn) == expected and expected


def test_a_calendar_extension_rolled_back_is_not_remembered(tmp_path: Path) -> None:
    """A question dated before the calendar extends it in its transaction; if that transaction
    fails, the next question dated there extends it again, so the triggers count it."""
    with Store(tmp_path / "s.db") as store:
        load(store, api_value(1, "2024-01-08", answered="2024-01-10"))
        with pytest.raises(RuntimeError), store.transaction():
            store.upsert([parse_question_value(api_value(2, "1995-03-01"))], source="api")
            raise RuntimeError("the load failed")
        load(store, api_value(3, "1995-03-01", answered="1995-03-03"))
        assert _counted(store.conn) == _recounted(store.conn)
        as_of = date(2025, 1, 1)
        assert due_days.covers(store.conn, as_of.isoformat())
        (row,) = timeliness(store, since=date(1995, 1, 1), until=date(2024, 12, 31),
                            as_of=as_of).rows
        assert row.ordinary.due == 2 and row.ordinary.on_time == 2


def test_the_report_reads_one_state_of_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write committed while a report is being read is not half counted: the check that the
    table covers ``as_of`` and the counts see the same state."""
    db = tmp_path / "s.db"
    as_of = date(2024, 3, 20)
    with Store(db) as writer, Store(db, readonly=True) as reader:
        load(writer, api_value(1, "2024-03-01"), api_value(2, "2024-03-01"))
        before = timeliness(reader, since=date(2024, 3, 1), until=as_of, as_of=as_of).as_json()
        covers = due_days.covers

        def answered_meanwhile(conn: sqlite3.Connection, day: str) -> bool:
            found = covers(conn, day)
            load(writer, api_value(1, "2024-03-01", answered="2024-03-21"))  # after as_of
            return found

        monkeypatch.setattr(due_days, "covers", answered_meanwhile)
        during = timeliness(reader, since=date(2024, 3, 1), until=as_of, as_of=as_of)
        assert during.as_json() == before
        assert during.overdue_now == 2

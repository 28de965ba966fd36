"""The name counts (``bot/core/store/name_counts.py``): what the name indexes are built from at
start-up, kept by triggers on ``questions``. Whatever is written, they hold what counting every
question again gives, so a start that reads them builds the same indexes as one that counts."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import recounted
from test_accountability import DEFRA, DFE, DHSC, _generated, api_value, load

from bot.core.names.matching import Resolver
from bot.core.names.members import member_activity
from bot.core.store import due_days, name_counts
from bot.core.store.bulk import indexes_aside
from bot.core.store.database import Store
from bot.core.store.schema import MIGRATIONS, SCHEMA_VERSION


def _tables(conn: sqlite3.Connection) -> list[list[tuple[Any, ...]]]:
    return [conn.execute("SELECT * FROM heading_counts ORDER BY heading").fetchall(),
            conn.execute("SELECT * FROM member_counts ORDER BY member_id, role").fetchall()]


def _recounted(conn: sqlite3.Connection) -> list[list[tuple[Any, ...]]]:
    return recounted(conn, name_counts.rebuild, _tables)


def _with_people(value: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A generated record asked and answered by one of a few members, under a few headings."""
    return {**value, "askingMemberId": rng.choice([101, 102, 103, 104]),
            "answeringMemberId": rng.choice([201, 202, None]),
            "heading": rng.choice(["Schools", "Hospitals", "Roads", "Schools: Funding"])}


@pytest.fixture
def busy(tmp_path: Path) -> Iterator[Store]:
    rng = random.Random(5)
    with Store(tmp_path / "busy.db") as store:
        load(store, *(_with_people(_generated(rng, qid), rng) for qid in range(1, 401)))
        yield store


def test_a_load_counts_what_a_recount_counts(busy: Store) -> None:
    assert _tables(busy.conn) == _recounted(busy.conn)
    headings, members = _tables(busy.conn)
    assert sum(row[1] for row in headings) == 400 and {row[0] for row in members} >= {101, 201}


def test_every_kind_of_write_keeps_the_counts_exact(busy: Store) -> None:
    rng = random.Random(9)
    rows = busy.rows("SELECT id, date_tabled, status FROM questions ORDER BY id")
    waiting = [r for r in rows if r["status"] in ("unanswered", "holding")]
    steps = [
        # answered, by another minister, under another heading
        [{**api_value(r["id"], r["date_tabled"], answered="2027-02-01"),
          "answeringMemberId": 203, "heading": "Prisons"} for r in waiting[:30]],
        # asked by another member; an answer dated earlier than any stored
        [{**api_value(r["id"], r["date_tabled"], answered="2018-01-02"),
          "askingMemberId": 105, "heading": "Schools"} for r in waiting[30:50]],
        # moved to another department
        [{**api_value(r["id"], r["date_tabled"], body=rng.choice([DFE, DHSC, DEFRA])),
          "askingMemberId": 104} for r in waiting[50:70]],
    ]
    for values in steps:
        load(busy, *values)
        assert _tables(busy.conn) == _recounted(busy.conn)
    with busy.transaction():  # a heading emptied: every Roads question renamed
        busy.conn.execute("UPDATE questions SET heading = 'Transport' WHERE heading = 'Roads'")
    assert _tables(busy.conn) == _recounted(busy.conn)
    with busy.transaction():  # questions merged away or deleted, and a member merged
        last = "SELECT id FROM questions ORDER BY id DESC LIMIT 25"
        busy.conn.execute(f"DELETE FROM changes WHERE question_id IN ({last})")
        busy.conn.execute(f"DELETE FROM questions WHERE id IN ({last})")
        busy.conn.execute("UPDATE questions SET asking_member_id = 101 "
                          "WHERE asking_member_id = 102")
    assert _tables(busy.conn) == _recounted(busy.conn)
    assert "Roads" not in {row[0] for row in _tables(busy.conn)[0]}
    before = _tables(busy.conn)
    with busy.transaction():  # a column the counts do not read
        busy.conn.execute("UPDATE questions SET answer_text = answer_text || ' '")
    assert _tables(busy.conn) == before


def test_the_name_indexes_are_the_same_from_the_counts_as_from_the_questions(
    busy: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert name_counts.kept(busy.conn)
    headings, activity = name_counts.headings(busy.conn), member_activity(busy)
    monkeypatch.setattr(name_counts, "kept", lambda conn: False)
    assert sorted(name_counts.headings(busy.conn)) == sorted(headings)
    assert member_activity(busy) == activity
    counted = Resolver.from_store(busy)
    monkeypatch.undo()
    kept = Resolver.from_store(busy)
    for kind, text in (("topic", "schools fund"), ("member", "101")):
        assert kept.resolve(kind, text) == counted.resolve(kind, text)


def test_a_store_from_before_the_tables_gets_them_counted_when_opened(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    rng = random.Random(3)
    with Store(db) as store:
        load(store, *(_with_people(_generated(rng, qid), rng) for qid in range(1, 201)))
        expected = _tables(store.conn)
        with store.transaction():  # as the version before these tables had it
            for name in ("name_counts_insert", "name_counts_delete", "name_counts_update"):
                store.conn.execute(f"DROP TRIGGER {name}")
            store.conn.execute("DROP TABLE heading_counts")
            store.conn.execute("DROP TABLE member_counts")
            before = [m.__name__ for m in MIGRATIONS].index("_migration_name_counts")
            store.conn.execute(f"PRAGMA user_version = {before}")
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert _tables(store.conn) == expected and expected[0]


def test_triggers_put_back_by_a_release_that_does_not_count_are_counted_at_the_next_start(
    tmp_path: Path,
) -> None:
    """A bulk load killed midway, then an older release that knew the triggers but not the
    recount: it puts them back and clears the list of what was aside, without counting. The
    counts then lack the load's questions; this code counts them at its next start."""
    db = tmp_path / "s.db"
    rng = random.Random(4)
    with Store(db) as store:
        load(store, *(_with_people(_generated(rng, qid), rng) for qid in range(1, 101)))
        store.set_aside_indexes()  # the load starts ...
        load(store, *(_with_people(_generated(rng, qid), rng) for qid in range(101, 201)))
        # ... and is killed; the older release opens the file:
        with store.transaction():
            for _name, sql in indexes_aside(store.conn):
                store.conn.execute(sql)
            store.conn.execute("DELETE FROM state WHERE key = 'bulk_load_indexes'")
        assert not name_counts.kept(store.conn) and not due_days.covers(store.conn, "2100-01-01")
        assert sum(r[1] for r in name_counts.headings(store.conn)) == 200  # counted instead
    with Store(db) as store:
        assert name_counts.kept(store.conn) and due_days.covers(store.conn, "2100-01-01")
        assert _tables(store.conn) == _recounted(store.conn)
        assert sum(r[1] for r in _tables(store.conn)[0]) == 200

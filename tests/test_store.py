"""Store behaviour: latest state wins whatever the order, full text is kept, the change log."""

import json
import sqlite3
from pathlib import Path
from typing import get_args, get_type_hints

import pytest
from conftest import FIXTURES

from bot.core.records import BodyRow, MemberRow, QuestionRow
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import SCHEMA_VERSION, Store, StoreError


def kinds(store: Store) -> list[str]:
    return [c["kind"] for c in store.changes_since(0)]


def ingest(store: Store, *names: str) -> None:
    report = ingest_paths(store, [FIXTURES / n for n in names])
    assert not report.failed, report


def test_new_database_is_wal_with_schema_version(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_data_and_runs_no_migration_twice(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        ingest(store, "holding.json")
    with Store(tmp_path / "a.db") as store:
        assert store.count_questions() == 1
        assert store.schema_version == SCHEMA_VERSION


def test_a_database_from_a_newer_bot_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "new.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(tmp_path / "new.db")


def test_holding_then_substantive_is_news(store: Store) -> None:
    ingest(store, "holding.json")
    assert store.question(500001)["status"] == "holding"
    ingest(store, "substantive.json")
    row = store.question(500001)
    assert row["status"] == "answered"
    assert row["date_answered"] == "2021-02-03"
    assert row["date_holding_answer"] == "2021-01-25"
    assert "high needs funding" in row["answer_text"]
    assert kinds(store) == ["new", "substantive"]


def test_substantive_then_holding_keeps_the_substantive_answer(store: Store) -> None:
    ingest(store, "substantive.json", "holding.json")
    row = store.question(500001)
    assert row["status"] == "answered"
    assert "high needs funding" in row["answer_text"]
    assert kinds(store) == ["new"]


def test_correction_is_logged_and_older_states_do_not_undo_it(store: Store) -> None:
    ingest(store, "substantive.json", "corrected.json", "holding.json", "substantive-list.json")
    row = store.question(500001)
    assert row["status"] == "corrected"
    assert row["date_corrected"] == "2021-02-10"
    assert "£1.5 billion" in row["answer_text"]
    assert kinds(store) == ["new", "corrected"]
    corrected = store.changes_since(0)[-1]
    assert json.loads(corrected["detail"]) == {"date_corrected": "2021-02-10"}


def test_truncated_list_text_never_replaces_full_text(store: Store) -> None:
    ingest(store, "substantive.json")
    full = store.question(500001)["answer_text"]
    ingest(store, "substantive-list.json")
    row = store.question(500001)
    assert row["answer_text"] == full
    assert row["answer_truncated"] == 0
    assert json.loads(row["attachments"])[0]["title"] == "High needs table"


def test_full_text_replaces_truncated_without_a_news_event(store: Store) -> None:
    ingest(store, "substantive-list.json")
    assert store.question(500001)["answer_truncated"] == 1
    ingest(store, "substantive.json")
    row = store.question(500001)
    assert row["answer_truncated"] == 0
    assert row["answer_text"].endswith("2020 | £7.2bn")
    assert kinds(store) == ["new"]


def test_reingesting_identical_data_records_nothing(store: Store) -> None:
    ingest(store, "holding.json", "substantive.json", "answers2020-01-15a.xml")
    before = store.changes_since(0)
    report = ingest_paths(
        store,
        [
            FIXTURES / "holding.json",
            FIXTURES / "substantive.json",
            FIXTURES / "answers2020-01-15a.xml",
        ],
    )
    assert report.totals()["new"] == report.totals()["updated"] == 0
    assert store.changes_since(0) == before


def fts_ids(store: Store, query: str) -> set[int]:
    return {
        r[0]
        for r in store.conn.execute(
            "SELECT rowid FROM questions_fts WHERE questions_fts MATCH ?", (query,)
        )
    }


def test_full_text_index_follows_every_write(store: Store) -> None:
    ingest(store, "holding.json")
    assert fts_ids(store, "soon") == {500001}
    ingest(store, "substantive.json")
    assert fts_ids(store, "soon") == set()
    assert fts_ids(store, "funding") == {500001}
    assert fts_ids(store, "heading:pupils") == {500001}
    store.conn.execute("DELETE FROM changes")
    store.conn.execute("DELETE FROM questions WHERE id = 500001")
    assert fts_ids(store, "funding") == set()


def test_members_and_bodies_tables_are_filled(store: Store) -> None:
    ingest(store, "holding.json")
    asker = store.member(101)
    assert asker["name"] == "Brendan O'Hara"
    assert asker["list_as"] == "O'Hara, Brendan"
    assert asker["party"] == "Scottish National Party"
    assert asker["member_from"] == "Argyll and Bute"
    assert asker["house"] == "Commons"
    assert store.body(60)["name"] == "Department for Education"


@pytest.mark.parametrize(
    ("table", "row_type"),
    [("questions", QuestionRow), ("members", MemberRow), ("answering_bodies", BodyRow)],
)
def test_row_types_describe_their_tables(store: Store, table: str, row_type: type) -> None:
    """Each TypedDict of a stored row names every column of its table, None where the column
    may be NULL, and the stored values have its types."""
    ingest(store, "holding.json", "substantive.json", "lordswrans2020-01-15a.xml")
    hints = get_type_hints(row_type)
    nullable = {
        name: not notnull and not pk
        for _, name, _, notnull, _, pk in store.conn.execute(f"PRAGMA table_info({table})")
    }
    assert {name: type(None) in get_args(hint) for name, hint in hints.items()} == nullable
    rows = store.rows(f"SELECT * FROM {table}")
    assert rows
    for row in rows:
        for name, value in row.items():
            assert isinstance(value, get_args(hints[name]) or hints[name]), (name, value)


def test_a_failing_batch_changes_nothing(store: Store) -> None:
    ingest(store, "holding.json")
    with pytest.raises(RuntimeError), store.transaction():
        ingest_paths(store, [])  # nothing
        store.conn.execute("UPDATE questions SET heading = 'x'")
        raise RuntimeError("boom")
    assert store.question(500001)["heading"] == "Special Educational Needs: Pupils"


def test_a_question_is_found_by_uin_in_any_case_through_the_index(tmp_path: Path) -> None:
    """``/answer hl123`` and its autocomplete look a UIN up on every keystroke: it must be an
    index lookup (a case-blind comparison read the whole table: 1.2 s at 1,000,000)."""
    with Store(tmp_path / "a.db") as store:
        ingest(store, "lordswrans2020-01-15a.xml", "substantive.json")
        lords = store.conn.execute(
            "SELECT id, uin FROM questions WHERE uin LIKE 'HL%' LIMIT 1"
        ).fetchone()
        assert lords is not None
        for typed in (lords[1], lords[1].lower(), f"  {lords[1].lower()} "):
            found = store.question(typed)
            assert found is not None and found["id"] == lords[0]
        traced: list[str] = []
        store.conn.set_trace_callback(traced.append)
        store.question("hl999999")
        store.conn.set_trace_callback(None)
        plan = store.conn.execute("EXPLAIN QUERY PLAN " + traced[-1]).fetchall()
        assert any("USING INDEX" in step[3] for step in plan), plan
        assert not any(step[3].startswith("SCAN questions") for step in plan), plan


def test_an_older_capture_without_a_heading_keeps_the_heading(tmp_path: Path) -> None:
    """A snapshot taken before Parliament added a heading, loaded after a later one, does not
    wipe the heading (nor log a change)."""
    with Store(tmp_path / "a.db") as store:
        ingest(store, "substantive.json")
        data = json.loads((FIXTURES / "substantive.json").read_text())
        value = data["value"] if "value" in data else data["results"][0]["value"]
        stored = store.question(value["id"])
        assert stored is not None and stored["heading"]
        value["heading"] = ""
        older = tmp_path / "older.json"
        older.write_text(json.dumps({"value": value}))
        changes = len(store.changes_since(0))
        assert not ingest_paths(store, [older]).failed
        again = store.question(value["id"])
        assert again is not None and again["heading"] == stored["heading"]
        assert len(store.changes_since(0)) == changes

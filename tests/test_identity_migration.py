"""A store an older version filled holds one body or person under two ids: the migration merges
them, and carries what referred to the old ids to the surviving one."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from unittest.mock import patch

import pytest
from conftest import shared_data
from test_member_identity import LORD, MEMBER, wrans

from bot.core.names.departments import name_id
from bot.core.names.identities import MergeReport, speaker_id
from bot.core.names.matching import Resolver
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store
from bot.core.store.schema import SCHEMA_VERSION

ROSINDELL = MEMBER + "1496"
# Bodies of the 2009 XML an older version stored under ids made from a name, as it did before
# departments.json knew Parliament's id or the Hansard heading: (real id, name it stored).
OLD_BODIES = {1: "Home Department", 13: "Environment, Food and Rural Affairs",
              29: "Work and Pensions", 23: "Prime Minister"}


def make_old_store(tmp_path: Path) -> Path:
    """The shared 2021 API sample and 2009 XML, stored as schema 11 did before identities were
    merged: ParlParse speakers beside the Parliament members they are, and some bodies under
    made-up ids; with a subscription, a vote, an alert and deliveries on the old ids."""
    commons = wrans(tmp_path, "2009-10-27", [
        (ROSINDELL, "Andrew Rosindell"), (MEMBER + "1587", "John McDonnell"),
    ])
    lords = wrans(tmp_path, "2009-10-27", [(LORD + "100333", "Lord Greaves")], 5001, lords=True)
    path = tmp_path / "old.db"
    # An older version merged nothing at load time.
    unmerged = patch.object(Store, "merge_duplicates", lambda self: MergeReport({}, {}))
    with Store(path) as store, unmerged:
        report = ingest_paths(store, [shared_data("parliament-api"),
                                      shared_data("parlparse-xml"), commons, lords])
        assert not report.failed
    conn = sqlite3.connect(path)
    with conn:
        for real, name in OLD_BODIES.items():
            old = name_id(name)
            conn.execute("INSERT INTO answering_bodies (id, name) VALUES (?, ?)", (old, name))
            conn.execute(
                "UPDATE questions SET answering_body_id = ?, "
                "tags = replace(tags, ?, ?) WHERE answering_body_id = ? AND source = 'parlparse'",
                (old, f"b{real} ", f"bn{-old} ", real),
            )
        speaker, home = speaker_id(ROSINDELL), name_id("Home Department")
        question = conn.execute(
            "SELECT id FROM questions WHERE asking_member_id = ?", (speaker,)
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO subscriptions (guild_id, channel_id, asked_by_id, description, "
            "created_by, created_at, after_seq) VALUES (1, 10, ?, 'Rosindell', 5, 'then', 0)",
            (speaker,),
        )
        conn.execute(
            "INSERT INTO subscriptions (guild_id, channel_id, department_id, description, "
            "created_by, created_at, after_seq) VALUES (1, 11, ?, 'Home', 5, 'then', 0)",
            (home,),
        )
        conn.execute(
            "INSERT INTO deliveries (subscription_id, channel_id, question_id, change_seq, kind, "
            "claimed_at) VALUES (2, 11, ?, 1, 'new', 'then')",
            (question,),
        )
        conn.execute(
            "INSERT INTO votes (question_id, user_id, helpful, via, voted_at) "
            "VALUES (?, 42, 1, 'button', 'then')",
            (question,),
        )
        conn.execute(
            "INSERT INTO alerts (user_id, key, follow_kind, follow_value, description, "
            "created_at, after_seq) VALUES (42, ?, 'department', ?, 'Home', 'then', 0)",
            (f"department:{home}", str(home)),
        )
        conn.execute(
            "INSERT INTO alert_deliveries (alert_id, user_id, question_id, change_seq, kind, "
            "claimed_at) VALUES (1, 42, ?, 1, 'new', 'then')",
            (question,),
        )
        # Back to schema 11: without the capture times and the crosswalk.
        conn.execute("ALTER TABLE questions DROP COLUMN captured_at")
        conn.execute("DROP TABLE member_crosswalk")
        conn.execute("DROP TABLE merged_questions")  # made by _migration_one_question_per_uin
        for undo in (  # what _migration_privacy added
            "DROP INDEX votes_user", "ALTER TABLE votes DROP COLUMN guild_id",
            "DROP INDEX search_sessions_user", "ALTER TABLE search_sessions DROP COLUMN user_id",
            "ALTER TABLE search_sessions DROP COLUMN guild_id", "DROP TABLE guild_departures",
        ):
            conn.execute(undo)
        # ... and without what later migrations added (they run again on opening).
        conn.execute("DROP TABLE IF EXISTS question_vectors")
        conn.execute("PRAGMA user_version = 11")
    duplicates = conn.execute(
        "SELECT count(*) FROM members WHERE name = 'Andrew Rosindell'"
    ).fetchone()[0]
    conn.close()
    assert duplicates == 2 and SCHEMA_VERSION >= 12
    return path


@pytest.fixture
def migrated(tmp_path: Path) -> Store:
    with Store(make_old_store(tmp_path)) as store:
        yield store


def test_one_member_and_one_body_after_the_migration(migrated: Store) -> None:
    conn = migrated.conn
    assert migrated.schema_version == SCHEMA_VERSION
    for name in ("Andrew Rosindell", "John McDonnell", "Lord Greaves"):
        assert conn.execute("SELECT count(*) FROM members WHERE name = ?",
                            (name,)).fetchone()[0] == 1, name
    assert migrated.member(speaker_id(ROSINDELL)) is None
    for real, name in OLD_BODIES.items():
        assert migrated.body(name_id(name)) is None
        assert migrated.body(real) is not None
        assert conn.execute("SELECT count(*) FROM questions WHERE answering_body_id = ?",
                            (name_id(name),)).fetchone()[0] == 0
    names = [r[0] for r in conn.execute("SELECT name FROM answering_bodies")]
    assert len(names) == len(set(names))
    # Tags and the full-text index follow the rewritten ids.
    conn.execute("INSERT INTO questions_fts(questions_fts) VALUES ('integrity-check')")
    defra = conn.execute(
        "SELECT count(*) FROM questions WHERE answering_body_id = 13"
    ).fetchone()[0]
    tagged = conn.execute(
        "SELECT count(*) FROM questions_fts WHERE questions_fts MATCH 'tags:b13'"
    ).fetchone()[0]
    assert defra == tagged > 14


@pytest.mark.parametrize(
    ("query", "sources"),
    [(SearchQuery(asked_by="Andrew Rosindell", limit=100), {"api", "parlparse"}),
     (SearchQuery(member="Lord Greaves", limit=100), {"api", "parlparse"}),
     (SearchQuery(department="Home Office", limit=200), {"api", "parlparse"}),
     (SearchQuery(department="Defra", limit=200), {"api", "parlparse"}),
     (SearchQuery(department="Work and Pensions", limit=200), {"parlparse"}),
     (SearchQuery(department="Prime Minister", limit=200), {"parlparse"})],
)
def test_questions_are_found_by_the_surviving_ids(
    migrated: Store, query: SearchQuery, sources: set[str]
) -> None:
    resolver = Resolver.from_store(migrated)
    outcome = Searcher(migrated, resolver).search(query)
    assert not outcome.ambiguous
    assert {r.row["source"] for r in outcome.results} >= sources
    if query.department == "Defra":
        stored = migrated.conn.execute(
            "SELECT count(*) FROM questions WHERE answering_body_id = 13"
        ).fetchone()[0]
        assert outcome.total == stored


def test_subscriptions_votes_alerts_and_deliveries_are_carried(migrated: Store) -> None:
    conn = migrated.conn
    assert conn.execute(
        "SELECT asked_by_id, department_id FROM subscriptions ORDER BY id"
    ).fetchall() == [(1447, None), (None, 1)]
    assert conn.execute("SELECT subscription_id FROM deliveries").fetchall() == [(2,)]
    assert conn.execute("SELECT user_id, helpful FROM votes").fetchall() == [(42, 1)]
    assert conn.execute("SELECT key, follow_value FROM alerts").fetchall() == [
        ("department:1", "1")]
    assert conn.execute("SELECT alert_id FROM alert_deliveries").fetchall() == [(1,)]


def test_the_migration_changes_no_question_text_or_state(tmp_path: Path) -> None:
    path = make_old_store(tmp_path)
    columns = "id, status, heading, question_text, answer_text, date_answered, uin"
    before = sqlite3.connect(path).execute(f"SELECT {columns} FROM questions ORDER BY id")
    rows = before.fetchall()
    with Store(path) as store:
        assert store.rows(f"SELECT {columns} FROM questions ORDER BY id") == [
            dict(zip(columns.split(", "), r, strict=True)) for r in rows]
        assert store.conn.execute("SELECT count(*) FROM changes").fetchone()[0] > 0

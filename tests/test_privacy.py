"""A person's data and a left server's data, without Discord: what is kept, the export, deletion
in one transaction, the sweeps, the command line."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from conftest import FIXTURES

from bot.cli import main
from bot.core.news.alerts import AlertBook
from bot.core.news.deliveries import DeliveryQueue
from bot.core.news.subscriptions import SubscriptionBook
from bot.core.privacy.person import delete, export, summary
from bot.core.privacy.retention import DM_RECORD_DAYS, NO_ONE, SAVED_SEARCH_DAYS
from bot.core.privacy.servers import (
    guild_returned,
    leave_guild,
    note_present_guilds,
    sweep,
)
from bot.core.search.fulltext import SearchQuery
from bot.core.search.sessions import save_session
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store
from bot.core.store.schema import MIGRATIONS
from bot.core.votes import VoteLedger

ALICE, BOB, CAROL = 111111111111111111, 222222222222222222, 333333333333333333
HERE, THERE = 900000000000000001, 900000000000000002  # two servers
QUESTION = 500001
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def load(store: Store, *names: str) -> None:
    assert not ingest_paths(store, [FIXTURES / n for n in names]).failed


def people(store: Store) -> DeliveryQueue:
    """Alice (here) and Bob (there) each with a subscription, an alert and the DM it sent, a
    vote and a saved search; Carol with a vote here. Returns the delivery queue."""
    load(store, "holding.json")
    book = SubscriptionBook(store)
    book.subscribe(HERE, 10, {"department_id": 60}, "DfE", ALICE, "alice", 50)
    book.subscribe(THERE, 20, {"department_id": 60}, "DfE", BOB, "bob", 50)
    alerts = AlertBook(store)
    alerts.alert_on_question(ALICE, store.question(QUESTION))
    alerts.alert_on_question(BOB, store.question(QUESTION))
    queue = DeliveryQueue(store, book)
    queue.plan()
    alerts.plan()
    load(store, "substantive.json")  # the answer: a post in each channel, a DM to each
    queue.plan()
    alerts.plan()
    for message in alerts.pending():
        alerts.mark_sent(message, 5000 + message.deliveries[0]["id"])
    for batch in queue.batches():
        queue.mark_sent(batch, 6000 + batch.id)
    votes = VoteLedger(store)
    votes.vote(QUESTION, ALICE, True, "button", 70, HERE)
    votes.vote(QUESTION, CAROL, True, "reaction", 70, HERE)
    votes.vote(QUESTION, BOB, False, "button", 71, THERE)
    votes.remember_message(70, 10, HERE, QUESTION)
    save_session(store, SearchQuery(text="schools"), user_id=ALICE, guild_id=HERE)
    save_session(store, SearchQuery(text="defence"), user_id=BOB, guild_id=THERE)
    return queue


def test_the_summary_counts_one_persons_data(store: Store) -> None:
    people(store)
    found = summary(store, ALICE, HERE)
    assert (found.votes, found.alerts, found.direct_messages, found.saved_searches,
            found.subscriptions, found.subscriptions_here) == (1, 1, 1, 1, 1, 1)
    assert summary(store, ALICE, THERE).subscriptions_here == 0
    assert summary(store, 444444444444444444).empty


def test_the_export_holds_exactly_that_persons_data(store: Store) -> None:
    people(store)
    data = export(store, ALICE)
    assert data["user_id"] == str(ALICE)
    assert [(v["question_id"], v["vote"], v["guild_id"]) for v in data["votes"]] == [
        (QUESTION, "yes", str(HERE))]
    assert [a["question_id"] for a in data["alerts"]] == [QUESTION]
    assert [(d["question_id"], d["status"]) for d in data["direct_messages"]] == [
        (QUESTION, "sent")]
    assert [s["query"]["text"] for s in data["saved_searches"]] == ["schools"]
    assert [(s["guild_id"], s["created_by_name"]) for s in data["subscriptions"]] == [
        (str(HERE), "alice")]
    text = json.dumps(data)
    assert str(BOB) not in text and str(CAROL) not in text
    assert "defence" not in text and str(THERE) not in text
    assert set(data["kept_for"]) >= {"votes", "alerts", "saved_searches", "subscriptions"}


def test_delete_removes_it_all_changes_the_counts_and_a_second_finds_nothing(
    store: Store,
) -> None:
    people(store)
    bob_before = export(store, BOB)
    assert store.vote_counts(QUESTION) == {"yes": 2, "no": 1}
    done = delete(store, ALICE)
    assert (done.votes, done.alerts, done.direct_messages, done.saved_searches,
            done.subscriptions_unnamed, done.questions) == (1, 1, 1, 1, 1, (QUESTION,))
    assert store.vote_counts(QUESTION) == {"yes": 1, "no": 1}
    assert summary(store, ALICE).empty
    # The subscription stays (the server's), naming no one.
    (sub,) = store.rows("SELECT * FROM subscriptions WHERE guild_id = ?", (HERE,))
    assert (sub["created_by"], sub["created_by_name"]) == (NO_ONE, None)
    assert ALICE not in {row[0] for row in store.conn.execute(
        "SELECT user_id FROM alert_deliveries UNION SELECT user_id FROM votes "
        "UNION SELECT user_id FROM alerts UNION SELECT user_id FROM search_sessions "
        "UNION SELECT user_id FROM batches")}
    bob_after = export(store, BOB)
    assert {**bob_after, "exported_at": ""} == {**bob_before, "exported_at": ""}
    again = delete(store, ALICE)
    assert again.nothing and again.questions == ()
    assert store.vote_counts(QUESTION) == {"yes": 1, "no": 1}


def test_delete_is_one_transaction(store: Store) -> None:
    people(store)
    # A failure at the last step (saved searches) leaves everything as it was.
    store.conn.execute(
        "CREATE TRIGGER refuse BEFORE DELETE ON search_sessions "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="refused"):
        delete(store, ALICE)
    found = summary(store, ALICE, HERE)
    assert (found.votes, found.alerts, found.direct_messages, found.saved_searches) == (
        1, 1, 1, 1)
    assert store.vote_counts(QUESTION) == {"yes": 2, "no": 1}


def test_a_left_server_is_paused_at_once_and_deleted_after_the_period(store: Store) -> None:
    queue = people(store)
    assert leave_guild(store, queue, HERE, NOW) == 1
    (sub,) = store.rows("SELECT * FROM subscriptions WHERE guild_id = ?", (HERE,))
    assert sub["status"] == "paused"
    assert sub["paused_reason"] == "the bot was removed from this server on 7 Dec 2026"
    assert leave_guild(store, queue, HERE, NOW + timedelta(days=3)) == 0  # the first time counts
    assert sweep(store, NOW + timedelta(days=29), 30).guilds == []
    report = sweep(store, NOW + timedelta(days=30, seconds=1), 30)
    (gone,) = report.guilds
    assert (gone.guild_id, gone.subscriptions, gone.deliveries, gone.saved_searches,
            gone.votes, gone.answer_messages) == (HERE, 1, 1, 1, 2, 1)
    assert store.rows("SELECT * FROM subscriptions WHERE guild_id = ?", (HERE,)) == []
    assert store.vote_counts(QUESTION) == {"yes": 0, "no": 1}  # Bob's, cast there, stays
    assert store.question(QUESTION) is not None  # answers are public records
    # The other server's data is untouched; Alice's own alert too (it is hers, not the server's).
    assert summary(store, BOB, THERE).subscriptions_here == 1
    assert summary(store, ALICE).alerts == 1
    assert sweep(store, NOW + timedelta(days=60), 30).guilds == []


def test_a_server_back_within_the_period_keeps_its_data_paused(store: Store) -> None:
    queue = people(store)
    leave_guild(store, queue, HERE, NOW)
    assert guild_returned(store, HERE) == "2026-12-07T09:00:00Z"
    assert guild_returned(store, HERE) is None
    assert sweep(store, NOW + timedelta(days=90), 30).guilds == []
    (sub,) = store.rows("SELECT * FROM subscriptions WHERE guild_id = ?", (HERE,))
    assert sub["status"] == "paused" and "removed from this server" in sub["paused_reason"]
    assert store.vote_counts(QUESTION) == {"yes": 2, "no": 1}


def test_a_server_left_while_the_bot_was_off_counts_from_the_next_start(store: Store) -> None:
    people(store)
    assert note_present_guilds(store, {THERE}, NOW) == (1, 0)
    assert note_present_guilds(store, {THERE}, NOW + timedelta(days=5)) == (0, 0)
    (gone,) = sweep(store, NOW + timedelta(days=31), 30).guilds
    assert gone.guild_id == HERE
    assert note_present_guilds(store, {THERE}, NOW) == (0, 0)


def test_old_dm_records_keep_no_ones_id(store: Store) -> None:
    people(store)
    assert sweep(store, NOW + timedelta(days=DM_RECORD_DAYS - 1)).dm_records_anonymised == 0
    later = datetime.now(UTC) + timedelta(days=DM_RECORD_DAYS + 1)
    assert sweep(store, later).dm_records_anonymised == 2
    rows = store.rows("SELECT * FROM alert_deliveries ORDER BY id")
    assert [(r["user_id"], r["alert_id"], r["message_id"]) for r in rows] == [
        (-r["id"], 0, None) for r in rows]
    assert {(r["question_id"], r["status"]) for r in rows} == {(QUESTION, "sent")}
    assert summary(store, ALICE).direct_messages == 0
    # The outbox's records of the messages sent keep no recipient either.
    assert store.rows("SELECT user_id FROM batches WHERE user_id IS NOT NULL") == []
    assert sweep(store, later).dm_records_anonymised == 0


def test_saved_searches_go_after_their_period(store: Store) -> None:
    people(store)
    soon = datetime.now(UTC) + timedelta(days=SAVED_SEARCH_DAYS - 1)
    assert sweep(store, soon).saved_searches_pruned == 0
    later = datetime.now(UTC) + timedelta(days=SAVED_SEARCH_DAYS + 1)
    assert sweep(store, later).saved_searches_pruned == 2


def test_the_migration_gives_old_votes_the_server_of_their_message(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    for migration in MIGRATIONS[:12]:
        migration(db)
    db.execute("INSERT INTO answer_messages VALUES (70, 10, ?, ?, '2026-01-01')", [HERE, QUESTION])
    db.execute("INSERT INTO votes (question_id, user_id, helpful, via, message_id, voted_at) "
               "VALUES (?, ?, 1, 'reaction', 70, '2026-01-01'), "
               "(?, ?, 0, 'button', NULL, '2026-01-01')", [QUESTION, ALICE, QUESTION, BOB])
    db.execute("PRAGMA user_version = 12")
    db.conn.commit()
    db.close()
    with Store(path) as store:
        assert dict(store.conn.execute("SELECT user_id, guild_id FROM votes").fetchall()) == {
            ALICE: HERE, BOB: None}


def test_the_command_line_exports_and_deletes(store: Store, capsys) -> None:
    people(store)
    path = str(store.path)
    assert main(["privacy", "export", "--user", str(ALICE), "--json", "--db", path]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["user_id"] == str(ALICE) and len(data["votes"]) == 1
    assert main(["privacy", "export", "--user", str(ALICE), "--db", path]) == 0
    assert "1 votes, 1 alerts" in capsys.readouterr().out
    assert main(["privacy", "delete", "--user", str(ALICE), "--json", "--db", path]) == 0
    assert json.loads(capsys.readouterr().out)["votes"] == 1
    assert main(["privacy", "delete", "--user", str(ALICE), "--db", path]) == 0
    assert "nothing deleted" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["privacy", "delete", "--user", "alice", "--db", path])
    assert "not a Discord user id" in capsys.readouterr().err


def test_every_table_that_holds_a_persons_id_is_in_the_retention_list(store: Store) -> None:
    """A new table with a user id must say how long it is kept (and be exported and deleted)."""
    from bot.core.privacy.retention import RETENTION

    personal = {table for kept in RETENTION if kept.personal for table in kept.where}
    tables = [row[0] for row in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")]
    holding = {table for table in tables
               if {row[1] for row in store.conn.execute(f"PRAGMA table_info({table})")}
               & {"user_id", "created_by"}}
    assert holding == personal

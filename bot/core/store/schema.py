"""The database schema: each migration moves it one version forward (``PRAGMA user_version``).

Add a migration at the end of ``MIGRATIONS`` (defined here, above it); never change one that has
shipped. ``Store`` runs those a database has not had yet, each in its own transaction. The oldest
ones (versions 1-12) live in ``bot/core/store/migrations/``, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlite_utils

from bot.core.store.migrations.v1_to_v5 import (
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
)
from bot.core.store.migrations.v6_to_v12 import (
    _migration_6,
    _migration_7,
    _migration_8,
    _migration_9,
    _migration_10,
    _migration_11,
    _migration_12,
)


def _migration_privacy(db: sqlite_utils.Database) -> None:
    # What a person can see and delete (bot/core/privacy/): a vote remembers the server it was
    # cast in (votes on the bot's messages before now: that message's server), a saved search
    # who asked and where, so both go when that person or that server's data is deleted.
    # guild_departures: the servers the bot was removed from, and when, until it returns or
    # their data is deleted (GUILD_DATA_DAYS later).
    # One statement at a time: executescript would commit the migration's transaction first.
    for statement in (
        "ALTER TABLE votes ADD COLUMN guild_id INTEGER",
        "UPDATE votes SET guild_id = (SELECT m.guild_id FROM answer_messages m "
        "WHERE m.message_id = votes.message_id) WHERE message_id IS NOT NULL",
        "CREATE INDEX votes_user ON votes (user_id)",
        "ALTER TABLE search_sessions ADD COLUMN user_id INTEGER",
        "ALTER TABLE search_sessions ADD COLUMN guild_id INTEGER",
        "CREATE INDEX search_sessions_user ON search_sessions (user_id) "
        "WHERE user_id IS NOT NULL",
        "CREATE TABLE guild_departures (guild_id INTEGER PRIMARY KEY, left_at TEXT NOT NULL)",
    ):
        db.execute(statement)


def _migration_one_question_per_uin(db: sqlite_utils.Database) -> None:
    # Old ParlParse files give no tabling day, so each printing of a question (Hansard printed
    # some answers twice, corrected) was stored as a question of its own. Within a session a
    # House and a UIN name one question: merge the printings, carrying votes, deliveries,
    # alerts and the change log to the first printing's question (bot/core/store/printings.py).
    from bot.core.clock import utc_now_text
    from bot.core.store.printings import merge_stored_printings

    # The id of a question merged away -> the question it is now (messages already posted carry
    # the old id in their buttons).
    db.execute(
        "CREATE TABLE merged_questions (old_id INTEGER PRIMARY KEY, new_id INTEGER NOT NULL)"
    )
    merge_stored_printings(db.conn, utc_now_text(precise=True))


def _migration_lapsed_status(db: sqlite_utils.Database) -> None:
    # A reply saying a question fell at prorogation or dissolution ("It has not proved possible
    # to respond to the hon. Member in the time available before Prorogation.") is not an
    # answer: such questions get the status "lapsed" (bot/core/lapsed.py), and their status
    # word in the full-text tags with it. The stock reply is short: only short answers that
    # mention the time available are read.
    from bot.core.records import question_tags, status_of

    cursor = db.conn.execute(
        "SELECT * FROM questions WHERE length(answer_text) <= 400 "
        "AND answer_text LIKE '%time available before%'"
    )
    from bot.core.store.rows import dict_rows

    for row in list(dict_rows(cursor)):
        status = status_of(row)
        if status != row["status"]:
            row["status"] = status
            db.conn.execute(
                "UPDATE questions SET status = ?, tags = ? WHERE id = ?",
                (status, question_tags(row), row["id"]),
            )


def _migration_one_outbox(db: sqlite_utils.Database) -> None:
    # Columns added only where missing, so a store rolled back by hand to an earlier version
    # (as the identity migration's test does) migrates again cleanly.
    added = {
        "batches": [("kind", "TEXT"), ("status", "TEXT NOT NULL DEFAULT 'pending'"),
                    ("user_id", "INTEGER"), ("posted_channel_id", "INTEGER"), ("reason", "TEXT")],
        "alert_deliveries": [("batch_id", "INTEGER")],
    }
    for table, columns in added.items():
        present = db[table].columns_dict
        for name, declared in columns:
            if name not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declared}")
    db.executescript(
        """
        -- One outbox (bot/core/news/outbox.py): every message the bot sends of its own accord
        -- is a row of batches, by kind: 'post' (one answer), 'digest', 'nothing_new' (a
        -- scheduled digest's empty period), 'alert' (a person's direct message) and
        -- 'pause_notice' (the maker of a subscription the bot paused, told by DM, else in the
        -- server's system channel). status: 'pending', then 'sent' or 'skipped' (reason).
        -- user_id: a direct message's recipient (channel_id is then 0, or the paused
        -- subscription's channel). posted_channel_id: where it landed when not channel_id (a
        -- forum post's thread, a DM channel, the system channel). attempted_at now marks every
        -- kind's last send: a restart looks for that message before sending again.
        -- alert_deliveries.batch_id: the message that carries a direct message's delivery.
        CREATE INDEX IF NOT EXISTS deliveries_batch ON deliveries (batch_id);
        CREATE INDEX IF NOT EXISTS alert_deliveries_batch ON alert_deliveries (batch_id);
        -- Rows made before: their state as the deliveries they carry tell it.
        UPDATE batches SET status = CASE
            WHEN notice = 1 AND sent_message_id IS NULL THEN 'pending'
            WHEN notice = 1 AND sent_message_id = 0 THEN 'skipped'
            WHEN notice = 1 THEN 'sent'
            WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.batch_id = batches.id
                         AND d.status = 'pending') THEN 'pending'
            WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.batch_id = batches.id
                         AND d.status = 'sent') THEN 'sent'
            ELSE 'skipped' END
        WHERE kind IS NULL;
        UPDATE batches SET kind = CASE
            WHEN notice = 1 THEN 'nothing_new'
            WHEN title IS NOT NULL
                OR (SELECT count(*) FROM deliveries d WHERE d.batch_id = batches.id) > 1
                THEN 'digest'
            ELSE 'post' END
        WHERE kind IS NULL;
        CREATE INDEX IF NOT EXISTS batches_pending ON batches (status, kind);
        -- Makers of paused subscriptions not told yet: their notices join the outbox.
        INSERT INTO batches (channel_id, created_at, subscription_id, kind, user_id)
            SELECT channel_id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), id, 'pause_notice',
                   created_by
            FROM subscriptions WHERE pause_notice = 1 AND status = 'paused' ORDER BY id;
        UPDATE subscriptions SET pause_notice = 0 WHERE pause_notice = 1;
        """
    )

def _migration_question_vectors(db: sqlite_utils.Database) -> None:
    # Each question's embedding for similar questions by meaning (bot/core/search/meaning.py):
    # the model's vector, normalised, as int8 bytes; stamp grows with each write, so the
    # nearest-neighbour index saved beside the database knows what it has not seen yet.
    db.executescript(
        """
        CREATE TABLE question_vectors (
            question_id INTEGER PRIMARY KEY,
            stamp INTEGER NOT NULL,
            vector BLOB NOT NULL
        );
        CREATE INDEX question_vectors_stamp ON question_vectors (stamp);
        """
    )


def _migration_due_days(db: sqlite_utils.Database) -> None:
    # The questions counted by due day, department and outcome, kept by triggers, so that
    # /timeliness reads a few rows a department-day instead of every question (due_days.py).
    from bot.core.store import due_days

    due_days.create(db.conn)


def _migration_name_counts(db: sqlite_utils.Database) -> None:
    # What the name indexes are built from at start-up, kept counted by triggers, so that a
    # start reads a few thousand rows instead of three indexes (name_counts.py).
    from bot.core.store import name_counts

    name_counts.create(db.conn)


MIGRATIONS: Sequence[Callable[[sqlite_utils.Database], None]] = (
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
    _migration_9,
    _migration_10,
    _migration_11,
    _migration_12,
    _migration_privacy,
    _migration_one_question_per_uin,
    _migration_lapsed_status,
    _migration_one_outbox,
    _migration_question_vectors,
    _migration_due_days,
    _migration_name_counts,
)
SCHEMA_VERSION = len(MIGRATIONS)

"""Schema versions 6-12: what the archive and backfill loads remember, subscriptions' kinds,
digests, roles and pauses, personal alerts, capture times, and ParlParse's crosswalk to
Parliament's ids.

Shipped: never change them (``schema.MIGRATIONS`` runs them in order on an older file).
"""

from __future__ import annotations

import sqlite_utils


def _migration_6(db: sqlite_utils.Database) -> None:
    # The files ``archive`` has loaded from TheyWorkForYou's archive (bot/core/sources/archive.py),
    # each
    # recorded after its load commits, with the stamp it was listed with (changedates.txt's
    # time, else the folder index's date and size): a file listed with the same stamp again
    # is not downloaded again. status: 'ingested', or 'unreadable' / 'not-questions' (reason).
    db.execute(
        """
        CREATE TABLE archive_files (
            name TEXT PRIMARY KEY,
            house TEXT NOT NULL,
            day TEXT NOT NULL,
            version TEXT NOT NULL,
            stamp TEXT,
            etag TEXT,
            last_modified TEXT,
            bytes INTEGER NOT NULL,
            questions INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            recorded_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX archive_files_day ON archive_files (house, day)")


def _migration_7(db: sqlite_utils.Database) -> None:
    # The days ``backfill`` has finished (bot/core/sources/backfill.py): each recorded once every
    # question its
    # answered, corrected and tabled lists gave is stored, so an interrupted run resumes after
    # the last finished day and never lists it again (unless asked to: ``--refresh``).
    db.execute(
        """
        CREATE TABLE backfill_days (
            day TEXT PRIMARY KEY,
            list_calls INTEGER NOT NULL,
            detail_calls INTEGER NOT NULL,
            listed INTEGER NOT NULL,
            new INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            unchanged INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            finished_at TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )
    # The state of each question (bot/core/records.py version_of) whose full view was last stored:
    # a list view of that same state needs no full view again, even when the full view itself
    # looked cut (a question of exactly 255 characters).
    db.execute(
        """
        CREATE TABLE full_views (
            question_id INTEGER PRIMARY KEY,
            version TEXT NOT NULL,
            fetched_at TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )


def _migration_8(db: sqlite_utils.Database) -> None:
    # What a subscription posts: "answers" (answers, holding answers and corrections, as
    # before) or "all" (those, and each new question when it is tabled).
    db.execute("ALTER TABLE subscriptions ADD COLUMN events TEXT NOT NULL DEFAULT 'answers'")


def _migration_9(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- A person's own alerts (bot/core/news/alerts.py): one question (key "q:ID") or a follow
        -- of new
        -- answers like one (key "heading:WORDS" or "department:ID"). after_seq: the change
        -- log's end when made or resumed. notice: a pause the person has not been told of.
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            question_id INTEGER,
            follow_kind TEXT,
            follow_value TEXT,
            description TEXT NOT NULL,
            created_at TEXT NOT NULL,
            after_seq INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'active',
            paused_reason TEXT,
            notice INTEGER NOT NULL DEFAULT 0,
            UNIQUE (user_id, key)
        );
        -- One direct message per (person, change), claimed before it is sent and sent with a
        -- nonce made from its id: the same protocol as channel posts (deliveries, batches).
        CREATE TABLE alert_deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            alert_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            question_id INTEGER NOT NULL,
            change_seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            message_id INTEGER,
            reason TEXT,
            claimed_at TEXT NOT NULL,
            sent_at TEXT,
            UNIQUE (user_id, change_seq)
        );
        CREATE INDEX alert_deliveries_pending ON alert_deliveries (status, user_id);
        """
    )


def _migration_10(db: sqlite_utils.Database) -> None:
    # An opt-in role a subscription's posts and digests ping (its id), or NULL: ping nobody.
    db.execute("ALTER TABLE subscriptions ADD COLUMN mention_role_id INTEGER")
    # Where a subscription paused by a member stopped (the delivery cursor then): resuming with
    # a digest claims what came after it.
    db.execute("ALTER TABLE subscriptions ADD COLUMN paused_seq INTEGER")


def _migration_11(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- When a subscription posts: 'instant', or a 'daily' / 'weekly' digest at digest_time
        -- (HH:MM, UK time) on digest_day (0 = Monday; weekly only). next_digest_at: the UTC
        -- moment the next digest is due. nothing_new: say so when a period brought nothing.
        ALTER TABLE subscriptions ADD COLUMN schedule TEXT NOT NULL DEFAULT 'instant';
        ALTER TABLE subscriptions ADD COLUMN digest_time TEXT;
        ALTER TABLE subscriptions ADD COLUMN digest_day INTEGER;
        ALTER TABLE subscriptions ADD COLUMN next_digest_at TEXT;
        ALTER TABLE subscriptions ADD COLUMN nothing_new INTEGER NOT NULL DEFAULT 0;
        -- Open a discussion thread on each post (text and announcement channels).
        ALTER TABLE subscriptions ADD COLUMN thread_per_answer INTEGER NOT NULL DEFAULT 0;
        -- Paused by the bot (channel gone, access lost) and its maker not told yet.
        ALTER TABLE subscriptions ADD COLUMN pause_notice INTEGER NOT NULL DEFAULT 0;
        -- The thread a post landed in when not the subscription's channel (a forum post, or a
        -- follow-up inside one), so follow-ups find it.
        ALTER TABLE deliveries ADD COLUMN posted_channel_id INTEGER;
        -- A scheduled digest's batch: its subscription and title; notice = 1 for "nothing
        -- new" (a batch with no deliveries), sent_message_id once such a notice is sent.
        -- attempted_at: a forum post was asked for (Discord takes no nonce there), so a
        -- restart looks for the post before making it again.
        ALTER TABLE batches ADD COLUMN subscription_id INTEGER;
        ALTER TABLE batches ADD COLUMN title TEXT;
        ALTER TABLE batches ADD COLUMN notice INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE batches ADD COLUMN sent_message_id INTEGER;
        ALTER TABLE batches ADD COLUMN attempted_at TEXT;
        CREATE INDEX deliveries_question_channel ON deliveries (channel_id, question_id);
        -- A subscription's claims waiting for its digest.
        CREATE INDEX deliveries_subscription ON deliveries (subscription_id, status);
        """
    )


def _migration_12(db: sqlite_utils.Database) -> None:
    # When each question's stored state was captured (fetch time, ``ingest --captured-at``, or a
    # file's modification time): an older capture never replaces a newer one (store._merge).
    # Rows stored before have none; any capture counts as newer than them.
    db.execute("ALTER TABLE questions ADD COLUMN captured_at TEXT")
    # ParlParse's crosswalk (people.json, bot/core/names/identities.py): the id a ParlParse speaker
    # is
    # stored under -> Parliament's member id, taken at load time.
    db.execute(
        """
        CREATE TABLE member_crosswalk (
            speaker_id INTEGER PRIMARY KEY,
            ref TEXT NOT NULL,
            member_id INTEGER NOT NULL
        )
        """
    )
    # One id per member and body: merge those older versions stored twice (a body under an id
    # made from its name, a ParlParse speaker who is a Parliament member), carrying questions,
    # subscriptions and alerts to the surviving id. (Imported here: matching needs rapidfuzz.)
    from bot.core.names.identities import merge_duplicates

    merge_duplicates(db.conn)

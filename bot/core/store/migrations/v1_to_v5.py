"""Schema versions 1-5: the first tables (questions, their full-text index, the change log,
votes, the bot's answer messages, saved searches, subscriptions and their deliveries), the
indexes a million-question store needs, and the working-day calendar SQL joins for due days.

Shipped: never change them (``schema.MIGRATIONS`` runs them in order on an older file).
"""

from __future__ import annotations

import sqlite_utils


def _migration_1(db: sqlite_utils.Database) -> None:
    db.table("members").create(
        {
            "id": int,
            "name": str,
            "list_as": str,
            "party": str,
            "party_abbreviation": str,
            "party_colour": str,
            "member_from": str,
            "house": str,
            "thumbnail_url": str,
        },
        pk="id",
    )
    db.table("answering_bodies").create({"id": int, "name": str}, pk="id")
    db.execute(
        """
        CREATE TABLE questions (
            -- Small columns first, long texts last: SQLite reads a row's columns in order,
            -- so a filter on status or house never walks through a long answer's pages.
            id INTEGER PRIMARY KEY,
            house TEXT NOT NULL,
            uin TEXT NOT NULL,
            status TEXT NOT NULL,
            is_withdrawn INTEGER NOT NULL DEFAULT 0,
            is_holding INTEGER NOT NULL DEFAULT 0,
            is_correction INTEGER NOT NULL DEFAULT 0,
            is_named_day INTEGER NOT NULL DEFAULT 0,
            member_has_interest INTEGER NOT NULL DEFAULT 0,
            question_truncated INTEGER NOT NULL DEFAULT 0,
            answer_truncated INTEGER NOT NULL DEFAULT 0,
            date_tabled TEXT,
            date_for_answer TEXT,
            date_answered TEXT,
            date_holding_answer TEXT,
            date_corrected TEXT,
            asking_member_id INTEGER,
            answering_member_id INTEGER,
            correcting_member_id INTEGER,
            answering_body_id INTEGER,
            source TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            gid TEXT,
            source_url TEXT,
            twfy_url TEXT,
            grouped_questions TEXT,
            attachments TEXT,
            tags TEXT NOT NULL DEFAULT '',
            heading TEXT NOT NULL DEFAULT '',
            question_text TEXT NOT NULL DEFAULT '',
            answer_text TEXT NOT NULL DEFAULT '',
            answer_html TEXT NOT NULL DEFAULT ''
        )
        """
    )
    for columns in (
        ("uin", "house"),
        ("date_answered",),
        ("asking_member_id", "date_answered"),
        ("answering_member_id", "date_answered"),
        ("answering_body_id", "date_answered"),
        # Lists by status need their own: "unanswered" sorts last by date.
        ("status", "date_answered"),
    ):
        db.table("questions").create_index(columns)
    # Only ParlParse records have a gid: a partial index costs API records nothing.
    db.execute("CREATE INDEX questions_gid ON questions (gid) WHERE gid IS NOT NULL")
    # External-content FTS5: the text lives once, in questions. ``tags`` holds the filters as
    # words (records.question_tags), so a filtered text search is one index lookup. Triggers
    # keep the index in step on update and delete; inserts are indexed by Store.upsert in the
    # same transaction, in one batch, because an insert trigger makes FTS5 flush per row
    # (about 4x slower ingest).
    db.execute(
        """
        CREATE VIRTUAL TABLE questions_fts USING fts5(
            heading, question_text, answer_text, tags,
            content='questions', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        )
        """
    )
    db.executescript(
        """
        CREATE TRIGGER questions_fts_delete AFTER DELETE ON questions BEGIN
            INSERT INTO questions_fts(questions_fts, rowid, heading, question_text, answer_text,
                                      tags)
            VALUES ('delete', old.id, old.heading, old.question_text, old.answer_text, old.tags);
        END;
        CREATE TRIGGER questions_fts_update AFTER UPDATE OF heading, question_text, answer_text,
        tags ON questions BEGIN
            INSERT INTO questions_fts(questions_fts, rowid, heading, question_text, answer_text,
                                      tags)
            VALUES ('delete', old.id, old.heading, old.question_text, old.answer_text, old.tags);
            INSERT INTO questions_fts(rowid, heading, question_text, answer_text, tags)
            VALUES (new.id, new.heading, new.question_text, new.answer_text, new.tags);
        END;
        """
    )
    db.execute(
        """
        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            question_id INTEGER NOT NULL REFERENCES questions(id),
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            source TEXT NOT NULL,
            detail TEXT,
            recorded_at TEXT NOT NULL
        )
        """
    )
    db.table("changes").create_index(("question_id",))
    # ParlParse's gidredirect: a later scrape's id for an item. Kept so that re-reading an older
    # file maps its ids forward instead of undoing the redirect.
    db.execute("CREATE TABLE gid_redirects (old_gid TEXT PRIMARY KEY, new_gid TEXT NOT NULL)")
    # One vote per person per question, whatever the path (button or reaction): the primary key
    # enforces it, and a new vote replaces the old one.
    db.execute(
        """
        CREATE TABLE votes (
            question_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
            via TEXT NOT NULL,
            message_id INTEGER,
            voted_at TEXT NOT NULL,
            PRIMARY KEY (question_id, user_id)
        ) WITHOUT ROWID
        """
    )


def _migration_2(db: sqlite_utils.Database) -> None:
    # The bot's own messages that show one answer: reactions on them are votes on it.
    db.execute(
        """
        CREATE TABLE answer_messages (
            message_id INTEGER PRIMARY KEY,
            channel_id INTEGER NOT NULL,
            guild_id INTEGER,
            question_id INTEGER NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    # A search shown in Discord, so its paging buttons work after a restart (a custom_id holds
    # at most 100 characters: the query itself does not fit).
    db.execute(
        """
        CREATE TABLE search_sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            query TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )


def _migration_3(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- What a channel follows. after_seq: the change log's end when it was made, so it
        -- posts nothing from before it existed.
        CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            guild_id INTEGER NOT NULL,
            channel_id INTEGER NOT NULL,
            topic TEXT,
            member_id INTEGER,
            asked_by_id INTEGER,
            answered_by_id INTEGER,
            department_id INTEGER,
            house TEXT,
            description TEXT NOT NULL,
            created_by INTEGER NOT NULL,
            created_by_name TEXT,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active',
            paused_reason TEXT,
            after_seq INTEGER NOT NULL,
            resumed_seq INTEGER
        );
        CREATE INDEX subscriptions_guild ON subscriptions (guild_id);
        -- One post per (channel, change): the unique key makes a second claim impossible,
        -- whichever process or restart tries. batch_id groups what one message carries.
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),
            channel_id INTEGER NOT NULL,
            question_id INTEGER NOT NULL,
            change_seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            batch_id INTEGER,
            message_id INTEGER,
            reason TEXT,
            claimed_at TEXT NOT NULL,
            sent_at TEXT,
            UNIQUE (channel_id, change_seq)
        );
        CREATE INDEX deliveries_pending ON deliveries (status, channel_id);
        CREATE INDEX deliveries_question ON deliveries (question_id);
        CREATE TABLE batches (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            channel_id INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """
    )


FTS_BUFFER_BYTES = 64 * 1024 * 1024


def _migration_4(db: sqlite_utils.Database) -> None:
    # FTS5 writes a new index segment each time its in-memory buffer of new terms fills (1 MB by
    # default), then spends the load merging those segments. 64 MB buffers about 15,000 answers
    # per segment: a 300,000-question load went in at 7,436 records/s instead of 6,641. It only
    # costs memory during a large transaction (the buffer is flushed at each commit).
    db.execute(
        "INSERT INTO questions_fts(questions_fts, rank) VALUES ('hashsize', ?)",
        [FTS_BUFFER_BYTES],
    )
    # The resolver reads every distinct heading at start-up and after each poll that brings
    # news: from this index, not the whole table (3.6 GB at a million questions, 3-17 s).
    db.execute("CREATE INDEX questions_heading ON questions (heading)")
    # The id range of the questions answered in each month. Ids grow with time, so a text
    # search with a date range can stop reading the index at the range's first id instead of
    # checking every older match's date. Kept by triggers, so no writer can forget it; bounds
    # only ever widen, which keeps them safe.
    db.executescript(
        """
        CREATE TABLE answered_months (
            month TEXT PRIMARY KEY,
            min_id INTEGER NOT NULL,
            max_id INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO answered_months (month, min_id, max_id)
            SELECT substr(date_answered, 1, 7), min(id), max(id) FROM questions
            WHERE date_answered IS NOT NULL GROUP BY 1;
        CREATE TRIGGER answered_months_insert AFTER INSERT ON questions
        WHEN new.date_answered IS NOT NULL BEGIN
            INSERT INTO answered_months (month, min_id, max_id)
            VALUES (substr(new.date_answered, 1, 7), new.id, new.id)
            ON CONFLICT (month) DO UPDATE SET min_id = min(min_id, excluded.min_id),
                                              max_id = max(max_id, excluded.max_id);
        END;
        CREATE TRIGGER answered_months_update AFTER UPDATE OF date_answered, id ON questions
        WHEN new.date_answered IS NOT NULL BEGIN
            INSERT INTO answered_months (month, min_id, max_id)
            VALUES (substr(new.date_answered, 1, 7), new.id, new.id)
            ON CONFLICT (month) DO UPDATE SET min_id = min(min_id, excluded.min_id),
                                              max_id = max(max_id, excluded.max_id);
        END;
        """
    )


# The columns the timeliness figures read (bot/core/reports/accountability.py), after each index's
# key: with
# them in the index, a year's figures read no row of the questions table.
_DUE_COLUMNS = (
    "answering_body_id, house, is_named_day, is_withdrawn, status, is_holding, date_answered, "
    "date_holding_answer"
)


def _migration_5(db: sqlite_utils.Database) -> None:
    # Parliament's due-day rules (bot/core/reports/duedates.py) as a table SQL can join: for each
    # day, the
    # working days up to it (n: working days between a and b = n(b) - n(a)) and the due day of a
    # Commons ordinary question and of a Lords question without a date for answer tabled on it.
    # Filled from duedates.working_day_calendar; a change of bank holidays needs a migration
    # that fills it again. (Imported here: the holidays package takes 50 ms to import.)
    from bot.core.reports.duedates import working_day_calendar

    db.execute(
        """
        CREATE TABLE working_days (
            day TEXT PRIMARY KEY,
            n INTEGER NOT NULL,
            ordinary_due TEXT NOT NULL,
            lords_due TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )
    db.conn.executemany(
        "INSERT INTO working_days (day, n, ordinary_due, lords_due) VALUES (?, ?, ?, ?)",
        working_day_calendar(),
    )
    # Questions due by a working-day count, found by tabling day; those due on their date for
    # answer (named days, most Lords questions) by that date, in a partial index of their own;
    # and the questions still waiting for a substantive answer (overdue now).
    db.executescript(
        f"""
        CREATE INDEX questions_tabled ON questions (date_tabled, date_for_answer, {_DUE_COLUMNS});
        CREATE INDEX questions_named_due ON questions (date_for_answer, date_tabled, {_DUE_COLUMNS})
            WHERE date_for_answer IS NOT NULL AND (house = 'Lords' OR is_named_day = 1);
        CREATE INDEX questions_waiting ON questions
            (answering_body_id, date_tabled, date_for_answer, house, is_named_day, status,
             is_withdrawn)
            WHERE status IN ('unanswered', 'holding') AND is_withdrawn = 0;
        """
    )

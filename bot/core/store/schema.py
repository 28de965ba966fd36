"""The database schema: each migration moves it one version forward (``PRAGMA user_version``).

Add a migration at the end; never change one that has shipped. ``Store`` runs those a database
has not had yet, each in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
)
SCHEMA_VERSION = len(MIGRATIONS)

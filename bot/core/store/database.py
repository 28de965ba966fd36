"""The SQLite store: upserts with a change log, and reads of records.

One file in WAL mode; the schema's migrations (``schema.py``) run forward on open. The full-text
index (FTS5, external content) follows every write: ``upsert`` indexes new rows in one batch,
triggers follow updates and deletes.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

import sqlite_utils

from bot.core.clock import utc_now_text
from bot.core.names.identities import MergeReport, load_people, merge_duplicates, stored_crosswalk
from bot.core.records import (
    QUESTION_COLUMNS,
    BodyRow,
    MemberRow,
    ParsedQuestion,
    QuestionRow,
    question_tags,
    status_of,
)
from bot.core.store import due_days, recounts
from bot.core.store.bulk import indexes_aside, restore_indexes, set_aside_indexes
from bot.core.store.calendar import CalendarCheck, CalendarCover, check_calendar
from bot.core.store.printings import Printings, merge_printing
from bot.core.store.rows import query_dicts
from bot.core.store.schema import MIGRATIONS, SCHEMA_VERSION
from bot.core.store.states import (
    ChangeKind,
    change_kinds,
    earlier_scrape,
    newer_capture,
    winning_state,
)

MEMBER_COLUMNS = (
    "id",
    "name",
    "list_as",
    "party",
    "party_abbreviation",
    "party_colour",
    "member_from",
    "house",
    "thumbnail_url",
)



_DAY_KEYS = ("date_tabled", "date_answered", "date_for_answer")
WRITER_CACHE_KB = 131_072  # page cache of the writer's connection, in KiB
READER_CACHE_KB = 16_384  # of each read-only connection (see Store.__init__)


class StoreError(RuntimeError):
    """The database cannot be used (newer schema, not a database, ...)."""



@dataclass
class UpsertResult:
    """What an upsert did: records new, updated and unchanged, and each change it logged, as
    (question id, kind)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[tuple[int, str]] = field(default_factory=list)  # (question id, kind)


class Store:
    """All reads and writes of the SQLite file go through here."""

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        """Open (creating and migrating) the file; ``readonly`` opens an existing one for
        reading only, without migrating, as the bot's reader threads do."""
        self.path = Path(path)
        self.readonly = readonly
        if str(path) != ":memory:" and not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Not tied to the opening thread: the bot opens its store, then hands it to its
            # writer thread (``store_access``), which alone uses it from then on.
            if readonly:
                conn = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30,
                    isolation_level=None, check_same_thread=False,
                )
            else:
                conn = sqlite3.connect(
                    str(path), timeout=30, isolation_level=None, check_same_thread=False
                )
                conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: not a usable SQLite database ({error})") from None
        conn.execute("PRAGMA synchronous=NORMAL")
        # 128 MB of page cache for the writer: with seven indexes and the full-text index, a big
        # load spends its time re-reading pages otherwise (250,000 questions: 4,622 -> 5,251
        # records/s). Readers, four in the bot, each keep their own: 16 MB, or reading every
        # heading for the name indexes and a few searches fill 128 MB apiece.
        conn.execute(f"PRAGMA cache_size=-{READER_CACHE_KB if readonly else WRITER_CACHE_KB}")
        conn.execute("PRAGMA foreign_keys=ON")
        self.db = sqlite_utils.Database(conn)
        self.conn = conn
        self._speakers: dict[int, int] | None = None
        self.calendar = CalendarCover(conn)
        if not readonly:
            self._check_version()  # before anything is written to a newer release's file
            self.restore_indexes()  # a bulk load killed midway left some aside (bulk.py)
            self._migrate()
            self.check_calendar()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The file's schema version (``PRAGMA user_version``)."""
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _check_version(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this bot knows "
                f"({SCHEMA_VERSION}); upgrade the bot"
            )

    def _migrate(self) -> None:
        """The migrations the file has not had (after ``_check_version``)."""
        for number in range(self.schema_version, SCHEMA_VERSION):
            with self.transaction():
                MIGRATIONS[number](self.db)
                self.conn.execute(f"PRAGMA user_version = {number + 1}")

    def set_aside_indexes(self) -> int:
        """Drop the read-side indexes of ``questions`` for a bulk load, in a transaction of
        their own (``bulk.py``); ``restore_indexes`` builds them again."""
        with self.transaction():
            return set_aside_indexes(self.conn)

    def restore_indexes(self) -> int:
        """Build the indexes a bulk load set aside, if any; how many were built."""
        has_state = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'state'"
        ).fetchone()
        if not has_state or not (indexes_aside(self.conn) or recounts.pending(self.conn)):
            return 0
        with self.transaction():
            return restore_indexes(self.conn)

    def check_calendar(self) -> CalendarCheck:
        """The ``working_days`` table made again if the ``holidays`` package's bank holidays
        differ from its own, or extended to every day the questions carry (``calendar.py``)."""
        with self.transaction():
            checked = check_calendar(self.conn, date.fromisoformat(utc_now_text()[:10]))
            if checked.rebuilt:  # due days and waits may have moved (due_days.py)
                due_days.rebuild(self.conn)
        return checked

    def transaction(self) -> _Transaction:
        """``with store.transaction():`` — one atomic unit; rolls back on any exception."""
        return _Transaction(self.conn)

    # -- writes -------------------------------------------------------------------------------

    def upsert(
        self, parsed: Iterable[ParsedQuestion], source: str, captured_at: str | None = None
    ) -> UpsertResult:
        """Store records, keeping each question in its latest state, and log what changed.

        Call inside ``transaction()`` to make a batch atomic. Records are compared with what is
        stored by their dates (``version_of``), never by arrival order; a truncated list-view
        text never replaces a full one. ``captured_at`` (``capture_time``; default now, the
        fetch time of an API call) is when the records were captured: a capture older than the
        stored one never replaces its wording, heading or department (see ``_merge``).
        """
        items = list(parsed)
        result = UpsertResult()
        if not items:
            return result
        existing = self._existing_rows([p.question["id"] for p in items])
        now = utc_now_text(precise=True)
        # Every day a question carries stays inside the working-day calendar (calendar.py),
        # before the rows are written: the due_days triggers read it.
        self.calendar.cover((item.question.get(key) for item in items for key in _DAY_KEYS),
                            date.fromisoformat(now[:10]))
        captured_at = captured_at or now
        if self.speaker_crosswalk():
            items = [self._crosswalked(item) for item in items]
        # New rows and log entries are written in batches (executemany): most of a bulk load.
        fresh: dict[int, dict[str, Any]] = {}
        logs: list[tuple[Any, ...]] = []
        self._upsert_members_and_bodies(items)
        # Another printing of a question stored (or met earlier in this batch) under another
        # id is that question (``printings``).
        printings = Printings.load(
            self.conn, [p.question for p in items if p.question["id"] not in existing]
        )
        for item in items:
            incoming = dict(item.question)
            incoming["captured_at"] = incoming.get("captured_at") or captured_at
            superseded = bool(incoming.get("gid")) and self._forward_gid(incoming)
            stored = existing.get(incoming["id"])
            partner = printings.of(incoming) if stored is None else None
            reprint = partner is not None
            if partner is not None:
                incoming["id"] = partner["id"]
                stored = existing.setdefault(partner["id"], partner)
            if stored is None:
                # Worked out where it was parsed, unless the crosswalk changed its members
                # since (``_crosswalked`` makes a new record without them).
                incoming["status"] = item.status or status_of(incoming)
                incoming["tags"] = item.tags or question_tags(incoming)
                incoming["first_seen"] = incoming["updated_at"] = now
                fresh[incoming["id"]] = incoming
                kind = ChangeKind.TABLED if incoming["status"] == "unanswered" else ChangeKind.NEW
                logs.append((incoming["id"], kind, incoming["status"], source, None, now))
                existing[incoming["id"]] = incoming
                printings.add(incoming)
                result.new += 1
                result.changes.append((incoming["id"], kind))
                continue
            # A record of an earlier ParlParse scrape, met after the later scrape that replaced
            # it: whatever order the files come in, the later scrape's text stands.
            stale = superseded or earlier_scrape(incoming, stored)
            if reprint and not stale:
                merged, redirects = merge_printing(stored, incoming)
                self.add_redirects(redirects)
            else:
                merged = None if stale else winning_state(stored, incoming)
            if merged is None:
                result.unchanged += 1
                if not stale and newer_capture(incoming, stored):
                    # The same state seen again later: remember when, so that no capture from
                    # before this one replaces it. Not a change: nothing is logged.
                    self.conn.execute(
                        "UPDATE questions SET captured_at = ? WHERE id = ?",
                        (incoming["captured_at"], incoming["id"]),
                    )
                    stored["captured_at"] = incoming["captured_at"]
                continue
            merged["status"] = status_of(merged)
            merged["tags"] = question_tags(merged)
            merged["updated_at"] = now
            if merged["id"] in fresh:
                # Seen twice in one batch: write the first before updating it (the update
                # trigger takes the old text out of the index, so it must be there).
                self._insert_new(list(fresh.values()))
                fresh = {}
            self._update_question(merged)
            existing[incoming["id"]] = merged
            printings.add(merged)
            result.updated += 1
            for kind, detail in change_kinds(stored, merged):
                logs.append((merged["id"], kind, merged["status"], source,
                             json.dumps(detail) if detail else None, now))
                result.changes.append((merged["id"], kind))
        self._insert_new(list(fresh.values()))
        self.conn.executemany(
            "INSERT INTO changes (question_id, kind, status, source, detail, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            logs,
        )
        return result

    def _insert_new(self, rows: list[dict[str, Any]]) -> None:
        """Write new questions and add them to the full-text index."""
        columns = self._INSERT_COLUMNS
        self.conn.executemany(
            f"INSERT INTO questions ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})",
            [[row.get(c) for c in columns] for row in rows],
        )
        self._index_new(rows)

    def _index_new(self, rows: list[dict[str, Any]]) -> None:
        """Add newly inserted questions to the full-text index, as they are stored now."""
        self.conn.executemany(
            "INSERT INTO questions_fts(rowid, heading, question_text, answer_text, tags) "
            "VALUES (?, ?, ?, ?, ?)",
            [(r["id"], r["heading"], r["question_text"], r["answer_text"], r["tags"])
             for r in rows],
        )

    def _forward_gid(self, record: dict[str, Any]) -> bool:
        """Give ``record`` the newest gid a later scrape named for it; whether it had one."""
        latest = self.latest_gid(record["gid"])
        if latest != record["gid"]:
            if record.get("twfy_url"):
                record["twfy_url"] = record["twfy_url"].replace(
                    _short_gid(record["gid"]), _short_gid(latest)
                )
            record["gid"] = latest
            return True
        return False

    def _existing_rows(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        rows: dict[int, dict[str, Any]] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for record in self.rows(f"SELECT * FROM questions WHERE id IN ({marks})", chunk):
                rows[record["id"]] = record
        return rows

    def speaker_crosswalk(self) -> dict[int, int]:
        """ParlParse speaker ids -> Parliament member ids, as ``load_people`` stored them."""
        if self._speakers is None:
            self._speakers = stored_crosswalk(self.conn)
        return self._speakers

    def load_people(self, doc: Any) -> tuple[int, MergeReport]:
        """Store ParlParse's ``people.json`` crosswalk and merge the speakers already stored into
        the Parliament members they are (``identities.load_people``); returns (references
        stored, merge report). Later ParlParse loads take Parliament's ids directly."""
        self._speakers = None
        with self.transaction():
            found = load_people(self.conn, doc)
        self._speakers = None
        return found

    def merge_duplicates(self) -> MergeReport:
        """Merge the ParlParse speakers a load stored who are Parliament members (and any body
        stored under a made-up id the table now names), so each member keeps every question
        under one id; remembered, so later loads store them under that id directly."""
        made_up = "SELECT 1 FROM {} WHERE id < 0 LIMIT 1"
        if not any(self.conn.execute(made_up.format(t)).fetchone()
                   for t in ("members", "answering_bodies")):
            return MergeReport({}, {})  # nothing a merge could move: skip the scan
        self._speakers = None
        with self.transaction():
            report = merge_duplicates(self.conn)
        self._speakers = None
        return report

    def _crosswalked(self, item: ParsedQuestion) -> ParsedQuestion:
        """A ParlParse record with its speakers under the Parliament ids the crosswalk gives."""
        crosswalk = self.speaker_crosswalk()
        if not any(m["id"] in crosswalk for m in item.members):
            return item
        question = dict(item.question)
        for column in ("asking_member_id", "answering_member_id", "correcting_member_id"):
            question[column] = crosswalk.get(question[column], question[column])
        members = [
            {**m, "id": crosswalk[m["id"]], "crosswalked": True} if m["id"] in crosswalk else m
            for m in item.members
        ]
        return ParsedQuestion(question, members, item.body, item.where)

    def _upsert_members_and_bodies(self, items: list[ParsedQuestion]) -> None:
        members: dict[int, dict[str, Any]] = {}
        bodies: dict[int, dict[str, Any]] = {}
        known: dict[int, dict[str, Any]] = {}  # ParlParse's word on a Parliament member
        for item in items:
            for member in item.members:
                (known if member.get("crosswalked") else members)[member["id"]] = member
            if item.body and item.body.get("name"):
                bodies[item.body["id"]] = item.body
        if members:
            # A member object from the API is the freshest we have: replace the row, but keep
            # fields this source does not carry (ParlParse has no party) when it is null.
            self.conn.executemany(
                f"""INSERT INTO members ({", ".join(MEMBER_COLUMNS)})
                VALUES ({", ".join("?" * len(MEMBER_COLUMNS))})
                ON CONFLICT(id) DO UPDATE SET """
                + ", ".join(
                    f"{c} = COALESCE(excluded.{c}, members.{c})" for c in MEMBER_COLUMNS[1:]
                ),
                [tuple(m.get(c) for c in MEMBER_COLUMNS) for m in members.values()],
            )
        if known:
            # Parliament's own record of the member (name, party) stands; ParlParse's only
            # fills in a member not stored yet.
            self.conn.executemany(
                f"""INSERT OR IGNORE INTO members ({", ".join(MEMBER_COLUMNS)})
                VALUES ({", ".join("?" * len(MEMBER_COLUMNS))})""",
                [tuple(m.get(c) for c in MEMBER_COLUMNS) for m in known.values()],
            )
        if bodies:
            self.conn.executemany(
                """INSERT INTO answering_bodies (id, name) VALUES (?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name""",
                [(b["id"], b["name"]) for b in bodies.values()],
            )

    _INSERT_COLUMNS = (
        *QUESTION_COLUMNS, "status", "tags", "first_seen", "updated_at", "captured_at"
    )

    def _update_question(self, record: dict[str, Any]) -> None:
        columns = [c for c in self._INSERT_COLUMNS if c not in ("id", "first_seen")]
        self.conn.execute(
            f"UPDATE questions SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
            [record.get(c) for c in columns] + [record["id"]],
        )

    def add_redirects(self, redirects: Iterable[tuple[str, str]]) -> int:
        """Record a re-scrape's ids (ParlParse ``gidredirect``) and move stored questions to them.

        Returns how many stored questions took a new id.
        """
        pairs = [(old, new) for old, new in redirects if old != new]
        self.conn.executemany(
            "INSERT INTO gid_redirects (old_gid, new_gid) VALUES (?, ?) "
            "ON CONFLICT(old_gid) DO UPDATE SET new_gid = excluded.new_gid",
            pairs,
        )
        moved = 0
        for old, _new in pairs:
            final = self.latest_gid(old)
            cursor = self.conn.execute(
                "UPDATE questions SET gid = ?, twfy_url = REPLACE(twfy_url, ?, ?) WHERE gid = ?",
                (final, _short_gid(old), _short_gid(final), old),
            )
            moved += cursor.rowcount
        return moved

    def latest_gid(self, gid: str) -> str:
        """Follow redirects to the newest id of an item (chains a -> b -> c; cycles stop)."""
        seen = {gid}
        while True:
            row = self.conn.execute(
                "SELECT new_gid FROM gid_redirects WHERE old_gid = ?", (gid,)
            ).fetchone()
            if row is None or row[0] in seen:
                return gid
            gid = row[0]
            seen.add(gid)

    # -- reads --------------------------------------------------------------------------------

    def count_questions(self) -> int:
        """How many questions are stored."""
        return self.conn.execute("SELECT count(*) FROM questions").fetchone()[0]

    def answered_id_bounds(self, since: str | None, until: str | None) -> tuple[int, int] | None:
        """The least and greatest id of the questions answered between two days (inclusive,
        either may be open), from whole months, so wider than exact; None when none were."""
        low, high = self.conn.execute(
            "SELECT min(min_id), max(max_id) FROM answered_months WHERE month BETWEEN ? AND ?",
            ((since or "")[:7], (until or "9999")[:7]),
        ).fetchone()
        return None if low is None else (low, high)

    def question(self, id_or_uin: str | int) -> QuestionRow | None:
        """One stored question by API id, else by UIN (the newest tabled with it); None when
        neither is stored."""
        text = str(id_or_uin).strip()
        found: list[QuestionRow] = []
        if text.lstrip("-").isdigit():
            found = self.question_rows(
                "SELECT * FROM questions WHERE id = ?", (self.current_id(int(text)),)
            )
        if not found and _GID.match(text):
            # A ParlParse gid, full or short ("2009-10-28c.296062.q0"), of any printing.
            gid = self.latest_gid(text if text.startswith("uk.org") else _GID_PREFIX + text)
            found = self.question_rows("SELECT * FROM questions WHERE gid = ?", (gid,))
        if not found:
            # UINs are digits or "HL" and digits; the exact spellings keep this on the
            # (uin, house) index, where COLLATE NOCASE read the whole table (1.2 s at 1M).
            found = self.question_rows(
                "SELECT * FROM questions WHERE uin IN (?, ?) "
                "ORDER BY coalesce(date_tabled, date_answered) DESC LIMIT 1",
                (text, text.upper()),
            )
        return found[0] if found else None

    def current_id(self, question_id: int) -> int:
        """The id a question is stored under now: ``question_id``, or for a printing merged
        into another question (``printings``), that question's."""
        row = self.conn.execute(
            "SELECT new_id FROM merged_questions WHERE old_id = ?", (question_id,)
        ).fetchone()
        return question_id if row is None else int(row[0])

    def question_rows(self, sql: str, params: Sequence[Any] = ()) -> list[QuestionRow]:
        """The rows of a query that selects every column of ``questions`` (``SELECT *``)."""
        return cast("list[QuestionRow]", self.rows(sql, params))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """A query's rows as dicts keyed by column name."""
        return query_dicts(self.conn, sql, params)

    def _row(self, sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def member(self, member_id: int | None) -> MemberRow | None:
        """A member's row, or None for no id or a member not stored."""
        if member_id is None:
            return None
        row = self._row("SELECT * FROM members WHERE id = ?", (member_id,))
        return cast("MemberRow | None", row)

    def body(self, body_id: int | None) -> BodyRow | None:
        """An answering body's row, or None for no id or a body not stored."""
        if body_id is None:
            return None
        row = self._row("SELECT * FROM answering_bodies WHERE id = ?", (body_id,))
        return cast("BodyRow | None", row)

    def vote_counts(self, question_id: int) -> dict[str, int]:
        """A question's helpfulness votes: ``{"yes": n, "no": n}``."""
        yes, no = self.conn.execute(
            "SELECT coalesce(sum(helpful), 0), coalesce(sum(1 - helpful), 0) FROM votes "
            "WHERE question_id = ?",
            (question_id,),
        ).fetchone()
        return {"yes": yes, "no": no}

    def last_change_seq(self) -> int:
        """The newest change-log entry's ``seq``; 0 when the log is empty."""
        return self.conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]

    def get_state(self, key: str, default: str | None = None) -> str | None:
        """A value of the key-value ``state`` table, or ``default`` when it has none."""
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def set_state(self, key: str, value: str) -> None:
        """Set a value of the key-value ``state`` table."""
        self.conn.execute(
            "INSERT INTO state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def changes_since(self, seq: int, limit: int = 1000) -> list[dict[str, Any]]:
        """Change-log entries after ``seq``, oldest first, at most ``limit``."""
        return self.rows("SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))


class _Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


_GID_PREFIX = "uk.org.publicwhip/wrans/"
_GID = re.compile(r"(?:uk\.org\.publicwhip/\w+/)?\d{4}-\d\d-\d\d[a-z]*\.\S+$")


def _short_gid(gid: str) -> str:
    return gid.removeprefix(_GID_PREFIX)

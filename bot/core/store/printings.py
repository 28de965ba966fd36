"""One question, however often it is printed.

Hansard sometimes prints a written answer twice: the 2009 XML has question 296062 (to BIS)
answered on 26 October and printed again on 28 October with its tables corrected. Old ParlParse
files give no tabling day, so the store's id for such a record is made from the day it was
printed, and each printing became a question of its own. Within a session a House and a UIN name
one question (``bot.core.parliament``), so two ParlParse records with the same House, UIN and
session are two printings of one question:

* the question keeps the first printing's answer day (timeliness counts from it) and id;
* the latest printing's answer is the current one, and when its text differs from the earlier
  one it is a correction: ``is_correction`` set, ``date_corrected`` the later printing's day
  (status "corrected"; at ingest the change log gets a "corrected" entry);
* every printing's ``gid`` stays in ``gid_redirects``, pointing at the question's, so that each
  keeps resolving to the question and re-reading an older file changes nothing.

API records are left alone: the API's id names the question itself.

``Printings`` finds, at ingest, the stored question (or one earlier in the same batch) that a
record is another printing of; ``merge_printing`` says what the stored row becomes; and
``merge_stored_printings`` merges the printings an older store kept apart (the migration
``_migration_one_question_per_uin``), carrying votes, deliveries, alerts and the change log to
the surviving question.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.parliament import session_of
from bot.core.records import (
    QUESTION_COLUMNS,
    optional_id,
    optional_text,
    question_tags,
    status_of,
    text_of,
)
from bot.core.store.rows import dict_rows
from bot.core.text import same_text

Key = tuple[str, str, str]

# Columns a later printing never changes: the question's identity and its first answer.
_KEPT = frozenset(
    {"id", "gid", "date_answered", "date_corrected", "is_correction", "correcting_member_id"}
)


def printing_key(record: Mapping[str, object]) -> Key | None:
    """(House, UIN, session) of a ParlParse record; None for an API record (its id names the
    question) or a record without a UIN or a day."""
    question_id = optional_id(record, "id")
    if question_id is None or question_id >= 0 or not record.get("uin"):
        return None
    session = session_of(
        optional_text(record, "date_tabled") or optional_text(record, "date_answered")
    )
    if session is None:
        return None
    return (text_of(record, "house"), str(record["uin"]).strip().upper(), session)


def _answered(record: Mapping[str, object]) -> bool:
    return bool(record.get("date_answered") and text_of(record, "answer_text").strip())


def merge_printing(
    stored: Mapping[str, object], incoming: Mapping[str, object]
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """What ``stored`` becomes when ``incoming``, another printing of the same question, is
    read, and the gid redirects to record (old gid, the question's gid). The row is None when
    nothing changes. ``incoming`` may come before or after the printings already merged."""
    merged = dict(stored)
    redirects: list[tuple[str, str]] = []
    if not _answered(incoming):
        return None, redirects  # a printing of the question alone adds nothing to an answer
    if not _answered(stored):
        for column in QUESTION_COLUMNS:
            if column != "id" and incoming.get(column) is not None:
                merged[column] = incoming[column]
        return merged, redirects
    first = text_of(stored, "date_answered")
    last = text_of(stored, "date_corrected") if stored.get("is_correction") else first
    day = text_of(incoming, "date_answered")
    same = same_text(text_of(incoming, "answer_text"), text_of(stored, "answer_text"))
    if day > last:
        # A later printing: its answer is the current one.
        for column in QUESTION_COLUMNS:
            if column not in _KEPT and incoming.get(column) is not None:
                merged[column] = incoming[column]
        if not same:
            merged["is_correction"] = 1
            merged["date_corrected"] = day
            merged["correcting_member_id"] = incoming.get("answering_member_id")
        merged["date_holding_answer"] = stored.get("date_holding_answer") or incoming.get(
            "date_holding_answer"
        )
    elif day < first:
        # An earlier printing read after a later one: it gives the answer's first day.
        merged["date_answered"] = day
        if not same and not stored.get("is_correction"):
            merged["is_correction"] = 1
            merged["date_corrected"] = first
            merged["correcting_member_id"] = stored.get("answering_member_id")
        if incoming.get("gid"):
            merged["gid"] = incoming["gid"]
    gid, incoming_gid, stored_gid = (text_of(r, "gid") for r in (merged, incoming, stored))
    if incoming_gid and gid and incoming_gid != gid:
        redirects.append((incoming_gid, gid))
    if stored_gid and gid and stored_gid != gid:
        redirects.append((stored_gid, gid))
    if all(merged.get(c) == stored.get(c) for c in QUESTION_COLUMNS):
        return None, redirects
    return merged, redirects


@dataclass
class Printings:
    """The questions a batch of records may be further printings of: the ParlParse questions
    stored under the batch's UINs, and those the batch adds as it goes."""

    by_key: dict[Key, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: sqlite3.Connection, records: Iterable[Mapping[str, object]]) -> Printings:
        """Read the stored ParlParse questions with the UINs of ``records`` (only those that
        have a printing key), first printing first."""
        found = cls()
        uins = sorted({str(r["uin"]).strip() for r in records if printing_key(r)})
        for start in range(0, len(uins), 500):
            chunk = uins[start : start + 500]
            marks = ",".join("?" * len(chunk))
            cursor = conn.execute(
                f"SELECT * FROM questions WHERE uin IN ({marks}) AND id < 0 "
                "ORDER BY coalesce(date_answered, '') DESC",
                chunk,
            )
            for row in dict_rows(cursor):
                found.add(row)
        return found

    def add(self, record: dict[str, Any]) -> None:
        """Remember a question (stored or just added) as the one its key names."""
        key = printing_key(record)
        if key is not None:
            self.by_key[key] = record

    def of(self, record: Mapping[str, object]) -> dict[str, Any] | None:
        """The question ``record`` is another printing of (under another id), or None."""
        key = printing_key(record)
        if key is None:
            return None
        found = self.by_key.get(key)
        return found if found is not None and found["id"] != record["id"] else None


# Tables whose rows name a question, and how a merge moves them.
_MOVED = ("changes", "answer_messages", "deliveries", "alert_deliveries")


def move_question(conn: sqlite3.Connection, old: int, new: int) -> None:
    """Carry everything that names question ``old`` to question ``new``: the change log,
    messages showing it, deliveries, votes (a person who voted on both keeps the vote on
    ``new``) and alerts (an alert on both becomes one, keeping its deliveries)."""
    for table in _MOVED:
        conn.execute(f"UPDATE {table} SET question_id = ? WHERE question_id = ?", (new, old))
    conn.execute("UPDATE OR IGNORE votes SET question_id = ? WHERE question_id = ?", (new, old))
    conn.execute("DELETE FROM votes WHERE question_id = ?", (old,))
    for alert_id, user_id in conn.execute(
        "SELECT id, user_id FROM alerts WHERE question_id = ?", (old,)
    ).fetchall():
        kept = conn.execute(
            "SELECT id FROM alerts WHERE user_id = ? AND key = ?", (user_id, f"q:{new}")
        ).fetchone()
        if kept is None:
            conn.execute(
                "UPDATE alerts SET question_id = ?, key = ? WHERE id = ?",
                (new, f"q:{new}", alert_id),
            )
        else:
            conn.execute(
                "UPDATE alert_deliveries SET alert_id = ? WHERE alert_id = ?", (kept[0], alert_id)
            )
            conn.execute("DELETE FROM alerts WHERE id = ?", (alert_id,))
    conn.execute("DELETE FROM full_views WHERE question_id = ?", (old,))


def _write_row(conn: sqlite3.Connection, row: dict[str, object], now: str) -> None:
    row["status"] = status_of(row)
    row["tags"] = question_tags(row)
    row["updated_at"] = now
    columns = [c for c in (*QUESTION_COLUMNS, "status", "tags", "updated_at") if c != "id"]
    conn.execute(
        f"UPDATE questions SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
        [row.get(c) for c in columns] + [row["id"]],
    )


def _question_id(row: Mapping[str, object]) -> int:
    """A stored question's id (every row of ``questions`` has one)."""
    question_id = optional_id(row, "id")
    if question_id is None:
        raise ValueError(f"a question row without an id: {row.get('uin')!r}")
    return question_id


def _redirect(conn: sqlite3.Connection, pairs: Iterable[tuple[str, str]]) -> None:
    conn.executemany(
        "INSERT INTO gid_redirects (old_gid, new_gid) VALUES (?, ?) "
        "ON CONFLICT(old_gid) DO UPDATE SET new_gid = excluded.new_gid",
        [(old, new) for old, new in pairs if old and new and old != new],
    )


def merge_stored_printings(conn: sqlite3.Connection, now: str) -> int:
    """Merge the ParlParse questions stored more than once (same House, UIN and session) into
    the first printing's question; returns how many rows were merged away. Each id merged
    away is kept in ``merged_questions`` (buttons of messages already posted carry it). No
    change-log entry is written: merging an old store is not news."""
    groups = conn.execute(
        "SELECT group_concat(id) FROM questions WHERE id < 0 AND uin != '' "
        "GROUP BY house, upper(trim(uin)) HAVING count(*) > 1"
    ).fetchall()
    merged_away = 0
    for (ids,) in groups:
        marks = ",".join("?" * len(ids.split(",")))
        cursor = conn.execute(
            f"SELECT * FROM questions WHERE id IN ({marks}) "
            "ORDER BY coalesce(date_answered, date_tabled, ''), id",
            [int(i) for i in ids.split(",")],
        )
        sessions: dict[Key, list[dict[str, object]]] = {}
        for record in dict_rows(cursor):
            key = printing_key(record)
            if key is not None:
                sessions.setdefault(key, []).append(record)
        for printings in sessions.values():
            answered = [r for r in printings if _answered(r)]
            if len(printings) < 2 or not answered:
                continue
            survivor = answered[0]
            original = dict(survivor)
            redirects: list[tuple[str, str]] = []
            for other in printings:
                if other is survivor:
                    continue
                result, pairs = merge_printing(survivor, other)
                survivor = result or survivor
                redirects += pairs
                gid, other_gid = text_of(survivor, "gid"), text_of(other, "gid")
                if other_gid and gid and other_gid != gid:
                    redirects.append((other_gid, gid))
                old, new = _question_id(other), _question_id(survivor)
                move_question(conn, old, new)
                conn.execute("DELETE FROM questions WHERE id = ?", (old,))
                conn.execute(
                    "INSERT OR REPLACE INTO merged_questions (old_id, new_id) VALUES (?, ?)",
                    (old, new),
                )
                merged_away += 1
            if any(survivor.get(c) != original.get(c) for c in QUESTION_COLUMNS):
                _write_row(conn, survivor, now)
            _redirect(conn, redirects)
    return merged_away

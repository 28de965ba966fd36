"""A person's own alerts: a direct message when a question is answered, or on new answers like one.

An alert follows one question (its holding answer, its substantive answer and any correction,
each once) or follows new answers like one: the same heading, or the same department. Delivery
is the channel posts' protocol (bot/core/news/outbox.py) with a person as the target: ``plan_step``
claims a delivery per (person, change) in the transaction that moves its cursor (a unique key
makes a second claim impossible); ``send_alerts`` sends each with a nonce made from its id, so a
crash between sending and recording sends the same message again and Discord returns the first.
A message that cannot be delivered (DMs closed, the user unknown) pauses that alert with the
reason, and the person is told on their next interaction; nothing is retried.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot.core.clock import utc_now_text
from bot.core.news.outbox import Pacer, nonce_prefix
from bot.core.news.subscriptions import TABLED_LABEL, event_label, posted_events_sql
from bot.core.records import QuestionRow
from bot.core.store.access import Writer, inline
from bot.core.store.database import Store
from bot.core.text import cut_at_word, fold

log = logging.getLogger(__name__)

ALERT_CAP = 25  # alerts per person
CURSOR = "alert_cursor"
PLAN_SPAN = 5000
FOLLOW_KINDS = {"heading": "the same heading", "department": "the same department"}
ANSWERED_STATUSES = ("answered", "corrected")


class AlertError(ValueError):
    """An alert that cannot be made or found; short and clear, shown to the person."""


class AlertUndeliverable(Exception):
    """The person cannot be sent a direct message; the reason is shown to them later."""


@dataclass(frozen=True)
class Alert:
    """An alert as matching uses it: one question, or a follow of a heading or department."""

    id: int
    user_id: int
    question_id: int | None
    follow_kind: str | None
    follow_value: str | None
    after_seq: int


def heading_key(heading: str | None) -> str:
    """A heading as a follow compares it: folded, so case and punctuation do not matter."""
    return " ".join(fold(heading or "").split())


class AlertMatcher:
    """Active alerts indexed by question, heading and department."""

    def __init__(self, alerts: Iterable[Alert]) -> None:
        self.by_question: dict[int, list[Alert]] = defaultdict(list)
        self.by_heading: dict[str, list[Alert]] = defaultdict(list)
        self.by_department: dict[str, list[Alert]] = defaultdict(list)
        for alert in alerts:
            if alert.question_id is not None:
                self.by_question[alert.question_id].append(alert)
            elif alert.follow_kind == "heading":
                self.by_heading[alert.follow_value or ""].append(alert)
            elif alert.follow_kind == "department":
                self.by_department[alert.follow_value or ""].append(alert)

    def __bool__(self) -> bool:
        return bool(self.by_question or self.by_heading or self.by_department)

    def prefilter(self) -> tuple[str, list[Any]]:
        """A condition on questions ``q`` every question some alert wants meets."""
        if self.by_heading:
            return "1", []
        any_of = "IN (SELECT value FROM json_each(?))"
        parts, params = [], []
        if self.by_question:
            parts.append(f"q.id {any_of}")
            params.append(json.dumps(list(self.by_question)))
        if self.by_department:
            parts.append(f"CAST(q.answering_body_id AS TEXT) {any_of}")
            params.append(json.dumps(list(self.by_department)))
        return ("(" + " OR ".join(parts) + ")" if parts else "0"), params

    def matches(self, question: QuestionRow) -> list[Alert]:
        """The alerts that want news of ``question``."""
        found = list(self.by_question.get(question["id"], ()))
        if self.by_heading:
            found += self.by_heading.get(heading_key(question["heading"]), ())
        found += self.by_department.get(str(question["answering_body_id"]), ())
        return found


class AlertBook:
    """The ``alerts`` and ``alert_deliveries`` tables: make, list, remove and pause alerts;
    claim, send and record their direct messages."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    # -- a person's alerts ---------------------------------------------------------------------

    def rows(self, user_id: int) -> list[dict[str, Any]]:
        """One person's alerts, oldest first."""
        return self.store.rows("SELECT * FROM alerts WHERE user_id = ? ORDER BY id", (user_id,))

    def _add(self, user_id: int, key: str, values: dict[str, Any]) -> tuple[dict[str, Any], str]:
        with self.store.transaction():
            existing = self.store.rows(
                "SELECT * FROM alerts WHERE user_id = ? AND key = ?", (user_id, key)
            )
            if existing:
                row = existing[0]
                if row["status"] == "active":
                    return row, "exists"
                self.conn.execute(
                    "UPDATE alerts SET status = 'active', paused_reason = NULL, notice = 0, "
                    "after_seq = ? WHERE id = ?",
                    (self.store.last_change_seq(), row["id"]),
                )
                return self.get(user_id, row["id"]) or row, "resumed"
            count = self.conn.execute(
                "SELECT count(*) FROM alerts WHERE user_id = ?", (user_id,)
            ).fetchone()[0]
            if count >= ALERT_CAP:
                raise AlertError(
                    f"You already have {count} alerts, the most you may have ({ALERT_CAP}). "
                    "Remove one with /alerts first."
                )
            cursor = self.conn.execute(
                "INSERT INTO alerts (user_id, key, question_id, follow_kind, follow_value, "
                "description, created_at, after_seq) VALUES (?,?,?,?,?,?,?,?)",
                (user_id, key, values.get("question_id"), values.get("follow_kind"),
                 values.get("follow_value"), values["description"], utc_now_text(),
                 self.store.last_change_seq()),
            )
        return self.get(user_id, int(cursor.lastrowid or 0)) or {}, "created"

    def alert_on_question(self, user_id: int, question: QuestionRow) -> tuple[dict[str, Any], str]:
        """Alert a person when ``question`` is answered (holding, substantive, corrected);
        returns (row, "created"|"resumed"|"exists"). ``AlertError`` when it is answered
        already (offer a follow instead) or over the cap."""
        if question["status"] in ANSWERED_STATUSES:
            raise AlertError("This question is answered already.")
        description = cut_at_word(
            f"When {question['house']} {question['uin']} is answered: "
            f"{question['heading'] or '(no heading)'}", 100)
        return self._add(user_id, f"q:{question['id']}",
                         {"question_id": question["id"], "description": description})

    def follow_like(
        self, user_id: int, question: QuestionRow, kind: str, department_name: str | None = None
    ) -> tuple[dict[str, Any], str]:
        """Alert a person on new answers like ``question``: ``kind`` "heading" (the same
        heading) or "department" (the same answering department)."""
        if kind == "heading":
            value = heading_key(question["heading"])
            if not value:
                raise AlertError("This question has no heading to follow.")
            description = f"New answers headed '{question['heading']}'"
        elif kind == "department":
            if question["answering_body_id"] is None:
                raise AlertError("This question has no department to follow.")
            value = str(question["answering_body_id"])
            description = f"New answers from {department_name or 'its department'}"
        else:
            raise AlertError("Pick 'the same heading' or 'the same department'.")
        return self._add(user_id, f"{kind}:{value}", {
            "follow_kind": kind, "follow_value": value,
            "description": cut_at_word(description, 100)})

    def get(self, user_id: int, alert_id: int) -> dict[str, Any] | None:
        """One of a person's alerts, or None (also when it is someone else's)."""
        rows = self.store.rows(
            "SELECT * FROM alerts WHERE id = ? AND user_id = ?", (alert_id, user_id)
        )
        return rows[0] if rows else None

    def remove(self, user_id: int, alert_id: int) -> dict[str, Any] | None:
        """Remove one of a person's own alerts (never another's); None when there is none."""
        row = self.get(user_id, alert_id)
        if row is None:
            return None
        with self.store.transaction():
            self.conn.execute(
                "UPDATE alert_deliveries SET status = 'skipped', reason = 'alert removed' "
                "WHERE alert_id = ? AND status = 'pending'", (alert_id,))
            self.conn.execute("DELETE FROM alerts WHERE id = ?", (alert_id,))
        return row

    def take_notices(self, user_id: int) -> list[dict[str, Any]]:
        """The person's alerts paused since they were last told, marked told."""
        rows = self.store.rows(
            "SELECT * FROM alerts WHERE user_id = ? AND notice = 1 ORDER BY id", (user_id,)
        )
        if rows:
            self.conn.execute("UPDATE alerts SET notice = 0 WHERE user_id = ?", (user_id,))
        return rows

    def has_notices(self, user_id: int) -> bool:
        """Whether a pause waits to be told to the person (a cheap read)."""
        return self.conn.execute(
            "SELECT 1 FROM alerts WHERE user_id = ? AND notice = 1 LIMIT 1", (user_id,)
        ).fetchone() is not None

    # -- delivery -------------------------------------------------------------------------------

    def active(self) -> list[Alert]:
        """Every active alert, for matching."""
        return [
            Alert(r["id"], r["user_id"], r["question_id"], r["follow_kind"], r["follow_value"],
                  r["after_seq"])
            for r in self.store.rows("SELECT * FROM alerts WHERE status = 'active'")
        ]

    def _cursor(self) -> int:
        return int(self.store.get_state(CURSOR, "0") or 0)

    def plan_step(self) -> bool:
        """Claim direct messages for the next ``PLAN_SPAN`` change-log entries at most, in one
        transaction; returns whether the log is caught up. News loaded as history (a backfill,
        the archive) and new questions are never sent."""
        last = self.store.last_change_seq()
        if last <= self._cursor():
            return True
        matcher = AlertMatcher(self.active())
        if not matcher:
            self.store.set_state(CURSOR, str(last))
            return True
        condition, params = matcher.prefilter()
        with self.store.transaction():
            cursor = self._cursor()
            end = min(last, cursor + PLAN_SPAN)
            events = self.store.rows(
                "SELECT c.seq, c.kind, c.status, c.question_id FROM changes c "
                "JOIN questions q ON q.id = c.question_id "
                f"WHERE c.seq > ? AND c.seq <= ? AND {posted_events_sql()} AND {condition} "
                "ORDER BY c.seq",
                [cursor, end, *params],
            )
            for event in events:
                self._claim(matcher, event)
            self.store.set_state(CURSOR, str(end))
        return end >= last

    def plan(self) -> None:
        """Claim everything not looked at yet."""
        while not self.plan_step():
            pass

    def _claim(self, matcher: AlertMatcher, event: dict[str, Any]) -> None:
        label = event_label(event["kind"], event["status"])
        if label is None or label == TABLED_LABEL:
            return
        row = self.store.question(event["question_id"])
        if row is None:
            return
        for alert in matcher.matches(row):
            if event["seq"] <= alert.after_seq:
                continue
            self.conn.execute(
                "INSERT OR IGNORE INTO alert_deliveries (alert_id, user_id, question_id, "
                "change_seq, kind, claimed_at) VALUES (?,?,?,?,?,?)",
                (alert.id, alert.user_id, row["id"], event["seq"], label, utc_now_text()),
            )

    def pending(self) -> list[dict[str, Any]]:
        """Claimed direct messages not sent yet, each with its ``nonce``, oldest first."""
        prefix = nonce_prefix(self.store)
        rows = self.store.rows(
            "SELECT d.*, a.description FROM alert_deliveries d "
            "LEFT JOIN alerts a ON a.id = d.alert_id WHERE d.status = 'pending' ORDER BY d.id"
        )
        for row in rows:
            row["nonce"] = f"{prefix}d{row['id']}"
        return rows

    def mark_sent(self, delivery_id: int, message_id: int) -> None:
        """Record a direct message as sent."""
        self.conn.execute(
            "UPDATE alert_deliveries SET status = 'sent', message_id = ?, sent_at = ? "
            "WHERE id = ? AND status = 'pending'",
            (message_id, utc_now_text(), delivery_id),
        )

    def mark_undeliverable(self, delivery: dict[str, Any], reason: str) -> None:
        """The person cannot be messaged: pause the alert, saying why, to be told later, and
        drop what waits for it."""
        with self.store.transaction():
            self.conn.execute(
                "UPDATE alerts SET status = 'paused', paused_reason = ?, notice = 1 "
                "WHERE id = ? AND status = 'active'",
                (reason, delivery["alert_id"]),
            )
            self.conn.execute(
                "UPDATE alert_deliveries SET status = 'skipped', reason = ? "
                "WHERE alert_id = ? AND status = 'pending'",
                (f"not sent: {reason}", delivery["alert_id"]),
            )


DmSender = Callable[[dict[str, Any]], Awaitable[int]]  # sends one, returns the message id


async def send_alerts(book: AlertBook, sender: DmSender, pacer: Pacer,
                      writer: Writer = inline) -> int:
    """Send every claimed direct message, paced per person; returns how many were sent. A
    person who cannot be messaged has the alert paused (``AlertUndeliverable``)."""
    sent = 0
    stopped: set[int] = set()
    for delivery in await writer(book.pending):
        if delivery["alert_id"] in stopped:
            continue
        wait = pacer.delay(delivery["user_id"])
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            message_id = await sender(delivery)
        except AlertUndeliverable as error:
            log.info("pausing alert %s: %s", delivery["alert_id"], error)
            await writer(partial(book.mark_undeliverable, delivery, str(error)))
            stopped.add(delivery["alert_id"])
            continue
        pacer.record(delivery["user_id"])
        await writer(partial(book.mark_sent, delivery["id"], message_id))
        sent += 1
    return sent

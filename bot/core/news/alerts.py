"""A person's own alerts: a direct message when a question is answered, or on new answers like one.

An alert follows one question (its holding answer, its substantive answer and any correction,
each once) or follows new answers like one: the same heading, or the same department. Delivery
goes through the one outbox (bot/core/news/outbox.py) with a person as the target: ``plan_step``
claims a delivery per (person, change) in the transaction that moves its cursor (a unique key
makes a second claim impossible); ``group`` gives each its direct message in the outbox, which
sends it exactly once (its nonce, and its mark looked for in the person's DMs after a restart).
A message that cannot be delivered (DMs closed, the user unknown) pauses that alert with the
reason, and the person is told on their next interaction; nothing is retried.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from bot.core.clock import utc_now_text
from bot.core.news.kinds import TABLED_LABEL, event_label
from bot.core.news.outbox import (
    Batch,
    DeliveryKind,
    Outbox,
    PlanStep,
    Posted,
    TargetUnavailable,
    claim_all,
    claim_step,
)
from bot.core.news.rows import AlertRow, ChangeEvent, Param, alert_rows
from bot.core.records import QuestionRow
from bot.core.store.database import Store
from bot.core.text import cut_at_word, fold

log = logging.getLogger(__name__)

ALERT_CAP = 25  # alerts per person
CURSOR = "alert_cursor"
# Direct messages given their outbox message per round: more than the pace sends in a round
# (20 a second), few enough that the writer is held for a moment only.
GROUP_SPAN = 1000
ANSWERED_STATUSES = ("answered", "corrected")


class AlertValues(TypedDict, total=False):
    """What a new alert follows (one question, or a heading or department), and its
    words."""

    question_id: int
    follow_kind: str
    follow_value: str
    description: str


class AlertError(ValueError):
    """An alert that cannot be made or found; short and clear, shown to the person."""


class AlertUndeliverable(TargetUnavailable):
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

    def prefilter(self) -> tuple[str, list[Param]]:
        """A condition on questions ``q`` every question some alert wants meets."""
        if self.by_heading:
            return "1", []
        any_of = "IN (SELECT value FROM json_each(?))"
        parts: list[str] = []
        params: list[Param] = []
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

    cursor = CURSOR

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn
        self.outbox = Outbox(store)

    # -- a person's alerts ---------------------------------------------------------------------

    def rows(self, user_id: int) -> list[AlertRow]:
        """One person's alerts, oldest first."""
        return alert_rows(
            self.store, "SELECT * FROM alerts WHERE user_id = ? ORDER BY id", (user_id,))

    def _add(self, user_id: int, key: str, values: AlertValues) -> tuple[AlertRow, str]:
        with self.store.transaction():
            existing = alert_rows(
                self.store, "SELECT * FROM alerts WHERE user_id = ? AND key = ?", (user_id, key)
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
        made = self.get(user_id, int(cursor.lastrowid or 0))
        assert made is not None  # just inserted, in this connection
        return made, "created"

    def alert_on_question(self, user_id: int, question: QuestionRow) -> tuple[AlertRow, str]:
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
    ) -> tuple[AlertRow, str]:
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

    def get(self, user_id: int, alert_id: int) -> AlertRow | None:
        """One of a person's alerts, or None (also when it is someone else's)."""
        rows = alert_rows(
            self.store, "SELECT * FROM alerts WHERE id = ? AND user_id = ?", (alert_id, user_id)
        )
        return rows[0] if rows else None

    def remove(self, user_id: int, alert_id: int) -> AlertRow | None:
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

    def take_notices(self, user_id: int) -> list[AlertRow]:
        """The person's alerts paused since they were last told, marked told."""
        rows = alert_rows(
            self.store, "SELECT * FROM alerts WHERE user_id = ? AND notice = 1 ORDER BY id",
            (user_id,),
        )
        if rows:
            self.conn.execute("UPDATE alerts SET notice = 0 WHERE user_id = ?", (user_id,))
        return rows

    def has_notices(self, user_id: int) -> bool:
        """Whether a pause waits to be told to the person (a cheap read)."""
        return self.conn.execute(
            "SELECT 1 FROM alerts WHERE user_id = ? AND notice = 1 LIMIT 1", (user_id,)
        ).fetchone() is not None

    # -- delivery, through the one outbox (bot/core/news/outbox.py) -------------------------------

    def active(self) -> list[Alert]:
        """Every active alert, for matching."""
        return [
            Alert(r["id"], r["user_id"], r["question_id"], r["follow_kind"], r["follow_value"],
                  r["after_seq"])
            for r in alert_rows(self.store, "SELECT * FROM alerts WHERE status = 'active'")
        ]

    def matcher(self) -> AlertMatcher | None:
        """The active alerts, or None when there is none."""
        matcher = AlertMatcher(self.active())
        return matcher if matcher else None

    def plan_step(self) -> PlanStep:
        """Claim direct messages for the next change-log entries, in one transaction
        (``claim_step``). News loaded as history (a backfill, the archive) and new questions
        are never sent."""
        return claim_step(self.store, self)

    def plan(self) -> None:
        """Claim everything not looked at yet."""
        claim_all(self.store, self)

    def claim(self, matcher: AlertMatcher, event: ChangeEvent) -> int:
        """Claim a direct message of one event for each alert that wants it."""
        label = event_label(event["kind"], event["status"])
        if label is None or label == TABLED_LABEL:
            return 0
        row = self.store.question(event["question_id"])
        if row is None:
            return 0
        claimed = 0
        for alert in matcher.matches(row):
            if event["seq"] <= alert.after_seq:
                continue
            claimed += self.conn.execute(
                "INSERT OR IGNORE INTO alert_deliveries (alert_id, user_id, question_id, "
                "change_seq, kind, claimed_at) VALUES (?,?,?,?,?,?)",
                (alert.id, alert.user_id, row["id"], event["seq"], label, utc_now_text()),
            ).rowcount
        return claimed

    def group(self) -> None:
        """Give the oldest claimed direct messages not yet in the outbox (``GROUP_SPAN`` at
        most: one short transaction) their messages there."""
        unbatched = "SELECT id, user_id FROM alert_deliveries WHERE status = 'pending' " \
                    "AND batch_id IS NULL ORDER BY id LIMIT ?"
        if not self.conn.execute(unbatched, (1,)).fetchone():
            return  # this runs every few seconds: take the write lock only when needed
        with self.store.transaction():
            for row in self.store.rows(unbatched, (GROUP_SPAN,)):
                batch_id = self.outbox.new_message(DeliveryKind.ALERT, user_id=row["user_id"])
                self.outbox.carry(DeliveryKind.ALERT, batch_id, [row["id"]])

    def pending(self) -> list[Batch]:
        """Direct messages not sent yet, oldest first, each carrying its delivery (the next
        ``GROUP_SPAN`` grouped first)."""
        self.group()
        return self.outbox.pending([DeliveryKind.ALERT])

    def mark_sent(self, batch: Batch, message_id: int) -> None:
        """Record a direct message as sent."""
        self.outbox.mark_sent(batch, Posted(message_id))

    def mark_undeliverable(self, batch: Batch, reason: str) -> None:
        """The person cannot be messaged: pause the alert, saying why, to be told later, and
        drop what waits for it."""
        alert_id = batch.alert_deliveries[0]["alert_id"]
        log.info("pausing alert %s: %s", alert_id, reason)
        with self.store.transaction():
            self.conn.execute(
                "UPDATE alerts SET status = 'paused', paused_reason = ?, notice = 1 "
                "WHERE id = ? AND status = 'active'",
                (reason, alert_id),
            )
            self.conn.execute(
                "UPDATE alert_deliveries SET status = 'skipped', reason = ? "
                "WHERE alert_id = ? AND status = 'pending'",
                (f"not sent: {reason}", alert_id),
            )
            self.outbox.skip(batch.id, f"not sent: {reason}")

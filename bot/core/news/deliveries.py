"""Channel news through the one outbox (bot/core/news/outbox.py): what subscriptions claim,
how the claims become posts and digests, and what a closed channel means.

1. ``plan_step``: claim a delivery per (channel, event) for each subscription that wants it, in
   the transaction that moves the delivery cursor. Any writer of the change log (the poller, an
   ``ingest`` beside the bot) feeds this the same way.
2. ``batches``: group pending deliveries into messages, recorded before sending: one post per
   delivery, or one digest when a channel has more than ``DIGEST_AFTER`` at once. A subscription
   on a daily or weekly schedule gathers its claims until ``due_digests`` finds its time has
   come; then they become its digest in the transaction that sets the next time.
3. The outbox sends them (``send_outbox``) and records them; a channel the bot can no longer
   post to pauses its subscriptions (``mark_undeliverable``), and each maker is told by a pause
   notice, a message of the same outbox.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from bot.core.clock import utc_now_text
from bot.core.news.kinds import event_label
from bot.core.news.matcher import SubscriptionMatcher
from bot.core.news.outbox import (
    CHANNEL_KINDS,
    Batch,
    DeliveryKind,
    Outbox,
    PlanStep,
    Posted,
    TargetUnavailable,
    change_events,
    claim_all,
    claim_step,
    cursor_of,
    nonce_prefix,
)
from bot.core.news.rows import ChangeEvent, SubscriptionRow, subscription_rows
from bot.core.news.schedules import DAILY, UK, from_utc_text, stored_schedule, utc_text
from bot.core.news.subscriptions import SubscriptionBook
from bot.core.privacy.retention import NO_ONE
from bot.core.store.database import Store

log = logging.getLogger(__name__)

DIGEST_AFTER = 3
DIGEST_SIZE = 20
CURSOR = "delivery_cursor"

# Deliveries grouped as they come: those of subscriptions that post instantly (the rest wait
# for their digest's time).
_INSTANT = (
    "subscription_id NOT IN (SELECT id FROM subscriptions WHERE schedule <> 'instant')"
)


class ChannelUnavailable(TargetUnavailable):
    """The channel is gone or the bot may not post there; the reason is shown to people."""


def _kind(size: int, title: str | None = None) -> DeliveryKind:
    """A channel message's kind: a digest when it carries several, or is a scheduled one."""
    return DeliveryKind.DIGEST if size > 1 or title is not None else DeliveryKind.POST


class DeliveryQueue:
    """The ``deliveries`` table: claims change-log events for subscriptions, groups the claims into
    the outbox's messages, and says what a closed channel means."""

    cursor = CURSOR

    def __init__(self, store: Store, book: SubscriptionBook) -> None:
        self.store = store
        self.book = book
        self.conn = store.conn
        self.outbox = Outbox(store)

    def nonce_prefix(self) -> str:
        """Random per store, so two bots' batch numbers never share a nonce."""
        return nonce_prefix(self.store)

    # -- 1. claim ------------------------------------------------------------------------------

    def plan(self) -> int:
        """Claim deliveries for every change-log event not looked at yet; returns how many.

        The bot calls ``plan_step`` instead, one step per write, so that other writes (votes,
        say) never wait behind a long backlog."""
        return claim_all(self.store, self)

    def plan_step(self) -> PlanStep:
        """Look at the next change-log entries in one transaction (``claim_step``)."""
        return claim_step(self.store, self)

    def matcher(self) -> SubscriptionMatcher | None:
        """The active subscriptions, or None when there is none."""
        subscriptions = self.book.all_active()
        return SubscriptionMatcher(subscriptions) if subscriptions else None

    def _cursor(self) -> int:
        return cursor_of(self.store, CURSOR)

    def claim(self, matcher: SubscriptionMatcher, event: ChangeEvent) -> int:
        """Claim a delivery of one event for each subscription that wants it."""
        label = event_label(event["kind"], event["status"])
        row = self.store.question(event["question_id"])
        if label is None or row is None:
            return 0
        claimed = 0
        for sub in matcher.matches(row):
            if event["seq"] <= sub.after_seq:
                continue  # news from before the subscription (or its resumption)
            if not sub.takes(label):
                continue  # a new question, for a subscription that posts answers only
            inserted = self.conn.execute(
                "INSERT OR IGNORE INTO deliveries (subscription_id, channel_id, "
                "question_id, change_seq, kind, claimed_at) VALUES (?,?,?,?,?,?)",
                (sub.id, sub.channel_id, row["id"], event["seq"], label, utc_now_text()),
            )
            claimed += inserted.rowcount
        return claimed

    # -- pause and resume -------------------------------------------------------------------------

    def pause(self, guild_id: int, subscription_id: int, reason: str) -> SubscriptionRow | None:
        """Pause one of this server's subscriptions, keeping its settings and its place (None:
        no such subscription here). Its claims not yet grouped into a message are given back,
        so a resume with a digest takes them; a message already grouped goes out as it is."""
        with self.store.transaction():
            row = self.book.get(subscription_id)
            if row is None or row["guild_id"] != guild_id:
                return None
            if row["status"] != "active":
                return row
            place = self._cursor()
            given_back = self.conn.execute(
                "SELECT min(change_seq) FROM deliveries WHERE subscription_id = ? "
                "AND status = 'pending' AND batch_id IS NULL",
                (subscription_id,),
            ).fetchone()[0]
            if given_back is not None:
                place = min(place, int(given_back) - 1)
                self.conn.execute(
                    "DELETE FROM deliveries WHERE subscription_id = ? AND status = 'pending' "
                    "AND batch_id IS NULL",
                    (subscription_id,),
                )
            self.conn.execute(
                "UPDATE subscriptions SET status = 'paused', paused_reason = ?, paused_seq = ? "
                "WHERE id = ?",
                (reason, place, subscription_id),
            )
        return self.book.get(subscription_id)

    def resume(
        self, guild_id: int, subscription_id: int, digest: bool, now: datetime | None = None
    ) -> tuple[SubscriptionRow | None, int]:
        """Resume one of this server's subscriptions; returns (its row, or None when there is no
        such subscription here; how many missed items were claimed). Without ``digest`` it
        moves past what came while it was paused; with it, what it missed is claimed once and
        grouped into digests (``DIGEST_SIZE`` items each), sent like any batch."""
        with self.store.transaction():
            row = self.book.get(subscription_id)
            if row is None or row["guild_id"] != guild_id:
                return None, 0
            if row["status"] == "active":
                return row, 0
            cursor = self._cursor()
            claimed: list[int] = []
            if digest:
                start = row["paused_seq"]
                if start is None:  # paused by the bot: from where it last posted or resumed
                    start = max(row["after_seq"], row["resumed_seq"] or 0)
                claimed = self._claim_missed(row, int(start), cursor)
            following = stored_schedule(row).next_after(now or datetime.now(UK))
            self.conn.execute(
                "UPDATE subscriptions SET status = 'active', paused_reason = NULL, "
                "paused_seq = NULL, pause_notice = 0, resumed_seq = ?, next_digest_at = ? "
                "WHERE id = ?",
                (
                    cursor if digest else self.store.last_change_seq(),
                    utc_text(following) if following else None,
                    subscription_id,
                ),
            )
            # Its maker need not be told of a pause that is over.
            self.conn.execute(
                "UPDATE batches SET status = 'skipped', reason = 'resumed before its maker "
                "was told' WHERE subscription_id = ? AND kind = ? AND status = 'pending'",
                (subscription_id, DeliveryKind.PAUSE_NOTICE.value),
            )
            for i in range(0, len(claimed), DIGEST_SIZE):
                part = claimed[i : i + DIGEST_SIZE]
                batch_id = self.outbox.new_message(_kind(len(part)), row["channel_id"])
                self.outbox.carry(DeliveryKind.DIGEST, batch_id, part)
        return self.book.get(subscription_id), len(claimed)

    def _claim_missed(self, row: SubscriptionRow, start: int, end: int) -> list[int]:
        """Claim, for one subscription, the news in the change log after ``start`` up to
        ``end``; the ids of the deliveries claimed (none the channel already had)."""
        sub = replace(self.book.subscription(row), status="active", after_seq=start)
        matcher = SubscriptionMatcher([sub])
        condition, params = matcher.prefilter()
        ids: list[int] = []
        for event in change_events(self.store, start, end, condition, params):
            if self.claim(matcher, event):
                ids.append(int(self.conn.execute("SELECT last_insert_rowid()").fetchone()[0]))
        return ids

    # -- for the metrics and /subscription status ----------------------------------------------

    def backlog(self) -> tuple[int, int]:
        """(change-log entries not yet planned, deliveries not yet posted), for the metrics."""
        pending = self.conn.execute(
            "SELECT count(*) FROM deliveries WHERE status = 'pending'"
        ).fetchone()[0]
        return max(0, self.store.last_change_seq() - self._cursor()), pending

    def pending_by_channel(self) -> dict[int, int]:
        """How many deliveries wait to be posted, per channel."""
        return dict(
            self.conn.execute(
                "SELECT channel_id, count(*) FROM deliveries WHERE status = 'pending' "
                "GROUP BY channel_id"
            ).fetchall()
        )

    # -- 2. group --------------------------------------------------------------------------------

    def batches(self) -> list[Batch]:
        """Pending deliveries as the messages that will carry them, grouping recorded first;
        and "nothing new" notices not yet sent."""
        self.group()
        return self.outbox.pending(CHANNEL_KINDS)

    def group(self) -> None:
        """Give every unbatched pending delivery of an instant subscription a message: one
        each, or digests of a channel's many."""
        if not self.conn.execute(
            f"SELECT 1 FROM deliveries WHERE status = 'pending' AND batch_id IS NULL AND "
            f"{_INSTANT} LIMIT 1"
        ).fetchone():  # this runs every few seconds: take the write lock only when needed
            return
        with self.store.transaction():
            unbatched = self.store.rows(
                f"SELECT id, channel_id FROM deliveries WHERE status = 'pending' AND "
                f"batch_id IS NULL AND {_INSTANT} ORDER BY id"
            )
            by_channel: dict[int, list[int]] = defaultdict(list)
            for row in unbatched:
                by_channel[row["channel_id"]].append(row["id"])
            for channel_id, ids in by_channel.items():
                groups = (
                    [ids[i : i + DIGEST_SIZE] for i in range(0, len(ids), DIGEST_SIZE)]
                    if len(ids) > DIGEST_AFTER
                    else [[i] for i in ids]
                )
                for group in groups:
                    batch_id = self.outbox.new_message(_kind(len(group)), channel_id)
                    self.outbox.carry(DeliveryKind.POST, batch_id, group)

    def due_digests(self, now: datetime) -> int:
        """Make every digest whose time has come (see ``due_digest_step``); returns how many
        messages were made."""
        made = 0
        while (step := self.due_digest_step(now)) is not None:
            made += step
        return made

    def due_digest_step(self, now: datetime) -> int | None:
        """Make the digest of one subscription whose time has come: its claims since its last
        digest, grouped by department, ``DIGEST_SIZE`` to a message (or a "nothing new" notice
        when it asked for one). The next digest time moves on in the same transaction, so a
        restart at the digest moment neither repeats nor drops one. Returns how many messages
        were made, or None when no digest is due. One subscription per call: one short
        transaction, so other writes (votes) never wait behind hundreds of digests."""
        due = (
            "SELECT * FROM subscriptions WHERE status = 'active' AND schedule <> 'instant' "
            "AND next_digest_at <= ? ORDER BY next_digest_at, id LIMIT 1"
        )
        if not self.conn.execute(due, (utc_text(now),)).fetchone():
            return None  # this runs every few seconds: take the write lock only when needed
        with self.store.transaction():
            rows = subscription_rows(self.store, due, (utc_text(now),))
            return self._make_digest(rows[0], now) if rows else 0

    def _make_digest(self, row: SubscriptionRow, now: datetime) -> int:
        schedule = stored_schedule(row)
        waiting = [
            r["id"]
            for r in self.store.rows(
                "SELECT d.id FROM deliveries d LEFT JOIN questions q ON q.id = d.question_id "
                "WHERE d.subscription_id = ? AND d.status = 'pending' AND d.batch_id IS NULL "
                "ORDER BY q.answering_body_id, d.id",
                (row["id"],),
            )
        ]
        due = row["next_digest_at"]
        assert due is not None  # it was due: chosen by its next_digest_at
        moment = from_utc_text(due).astimezone(UK)
        day = f"{moment:%A} {moment.day} {moment:%B}"
        title = f"Daily digest, {day}" if schedule.kind == DAILY else f"Weekly digest to {day}"
        parts = [waiting[i : i + DIGEST_SIZE] for i in range(0, len(waiting), DIGEST_SIZE)]
        for number, part in enumerate(parts, 1):
            batch_id = self.outbox.new_message(
                DeliveryKind.DIGEST, row["channel_id"], subscription_id=row["id"],
                title=title + (f" ({number} of {len(parts)})" if len(parts) > 1 else ""),
            )
            self.outbox.carry(DeliveryKind.DIGEST, batch_id, part)
        made = len(parts)
        if not parts and row["nothing_new"]:
            self.outbox.new_message(
                DeliveryKind.NOTHING_NEW, row["channel_id"], subscription_id=row["id"],
                title=title,
            )
            made = 1
        following = schedule.next_after(now)
        self.conn.execute(
            "UPDATE subscriptions SET next_digest_at = ? WHERE id = ?",
            (utc_text(following) if following else None, row["id"]),
        )
        return made

    # -- 4. record -------------------------------------------------------------------------------

    def mark_sent(
        self, batch: Batch, message_id: int, posted_channel_id: int | None = None
    ) -> None:
        """Record the batch's pending deliveries as posted in message ``message_id``, in the
        thread ``posted_channel_id`` when not the batch's channel (a forum post)."""
        self.outbox.mark_sent(batch, Posted(message_id, posted_channel_id))

    def mark_undeliverable(self, channel_id: int, reason: str) -> None:
        """The channel cannot be posted to: pause its subscriptions and drop what waits for
        it; each paused subscription's maker gets a pause notice, in the same transaction."""
        with self.store.transaction():
            self.book.pause_channel(channel_id, reason)
            self.conn.execute(
                "UPDATE deliveries SET status = 'skipped', reason = ? "
                "WHERE channel_id = ? AND status = 'pending'",
                (f"not posted: {reason}", channel_id),
            )
            kinds = ",".join(f"'{kind.value}'" for kind in CHANNEL_KINDS)
            self.conn.execute(
                "UPDATE batches SET status = 'skipped', reason = ?, sent_message_id = 0 "
                f"WHERE channel_id = ? AND status = 'pending' AND kind IN ({kinds})",
                (f"not posted: {reason}", channel_id),
            )
            self.claim_pause_notices()

    def undeliverable(self, batch: Batch, reason: str) -> None:
        """``send_outbox``'s handler for channel messages and pause notices."""
        if batch.kind in CHANNEL_KINDS:
            log.warning("pausing subscriptions of channel %s: %s", batch.channel_id, reason)
            self.mark_undeliverable(batch.channel_id, reason)
        else:
            self.outbox.mark_skipped(batch, f"not told: {reason}")

    def claim_pause_notices(self) -> int:
        """A pause notice for the maker of each subscription the bot paused and has not told
        yet (``pause_notice`` set); returns how many. A subscription whose maker deleted their
        data (``created_by`` is ``NO_ONE``) names no one to tell."""
        rows = self.store.rows(
            "SELECT id, channel_id, created_by FROM subscriptions "
            "WHERE pause_notice = 1 AND status = 'paused' AND created_by != ? ORDER BY id",
            (NO_ONE,),
        )
        for row in rows:
            self.outbox.new_message(
                DeliveryKind.PAUSE_NOTICE, row["channel_id"], user_id=row["created_by"],
                subscription_id=row["id"],
            )
        self.conn.execute("UPDATE subscriptions SET pause_notice = 0 WHERE pause_notice = 1")
        return len(rows)

    def pause_notices(self) -> list[Batch]:
        """Pause notices not sent yet; those of subscriptions resumed (or removed) before their
        maker was told are dropped."""
        notices = self.outbox.pending([DeliveryKind.PAUSE_NOTICE])
        paused = {row["id"] for row in self.store.rows(
            "SELECT id FROM subscriptions WHERE status = 'paused'")} if notices else set()
        over = [b for b in notices if b.subscription_id not in paused]
        if over:
            with self.store.transaction():
                for batch in over:
                    self.outbox.skip(batch.id, "resumed before its maker was told")
        return [b for b in notices if b.subscription_id in paused]

    def earlier_post(self, batch: Batch) -> tuple[int, int] | None:
        """For a one-answer post: the same question's last post of its own in this channel,
        as (message id, the channel or thread it is in), so a follow-up can reply to it."""
        if batch.is_digest or not batch.deliveries:
            return None
        first = batch.deliveries[0]
        row = self.conn.execute(
            "SELECT d.message_id, coalesce(d.posted_channel_id, d.channel_id) FROM deliveries d "
            "WHERE d.channel_id = ? AND d.question_id = ? AND d.status = 'sent' AND d.id < ? "
            "AND d.message_id IS NOT NULL AND (SELECT count(*) FROM deliveries e "
            "WHERE e.batch_id = d.batch_id) = 1 "
            "AND (SELECT title FROM batches b WHERE b.id = d.batch_id) IS NULL "
            "ORDER BY d.id DESC LIMIT 1",
            (batch.channel_id, first["question_id"], first["id"]),
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else None

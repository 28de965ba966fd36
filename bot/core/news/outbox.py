"""From the change log to channel posts, each exactly once.

1. ``plan``: read change-log events after the cursor, match them to subscriptions, and claim a
   delivery per (channel, event) — the table's unique key makes a second claim impossible — and
   move the cursor, all in one transaction. Any writer of the change log (the poller, an
   ``ingest`` beside the bot) feeds this the same way.
2. ``batches``: group pending deliveries into messages, and record that grouping before sending:
   one post per delivery, or one digest when a channel has more than ``DIGEST_AFTER`` at once.
   A subscription on a daily or weekly schedule gathers its claims until ``due_digests`` finds
   its time has come; then they become its digest in the transaction that sets the next time.
3. ``send_batches``: post each batch with a nonce derived from its id, which Discord enforces,
   so a crash between sending and recording resends the same message and Discord returns the
   first one instead of posting twice. Paced per channel and overall.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Any

from bot.core.clock import utc_now_text
from bot.core.metrics import POSTS_SENT
from bot.core.news.schedules import DAILY, UK, from_utc_text, stored_schedule, utc_text
from bot.core.news.subscriptions import (
    SubscriptionBook,
    SubscriptionMatcher,
    event_label,
    posted_events_sql,
)
from bot.core.store.access import Writer, inline
from bot.core.store.database import Store

log = logging.getLogger(__name__)

DIGEST_AFTER = 3
DIGEST_SIZE = 20
PLAN_SPAN = 5000  # change-log entries one planning step looks at: one short transaction
CURSOR = "delivery_cursor"
CHANNEL_POSTS = 5  # per CHANNEL_WINDOW seconds, as Discord allows a channel
CHANNEL_WINDOW = 5.0
GLOBAL_POSTS_PER_SECOND = 20


# Deliveries grouped as they come: those of subscriptions that post instantly (the rest wait
# for their digest's time).
_INSTANT = (
    "subscription_id NOT IN (SELECT id FROM subscriptions WHERE schedule <> 'instant')"
)


class ChannelUnavailable(Exception):
    """The channel is gone or the bot may not post there; the reason is shown to people."""


class PostRefused(Exception):
    """Discord refused this one message for what it is (a 400): sending it again would be
    refused again, so it is dropped with the reason and the channel's next posts go on."""


@dataclass(frozen=True)
class PlanStep:
    """What one planning step did: deliveries claimed, and whether the log is caught up."""

    claimed: int
    done: bool


@dataclass
class Batch:
    """The deliveries one message carries to one channel (one post, or a digest) and the nonce it is
    sent with: the store's prefix and the batch id."""

    id: int
    channel_id: int
    nonce: str
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    # A scheduled digest's: its subscription and title ("Daily digest, Monday 30 November").
    subscription_id: int | None = None
    title: str | None = None
    notice: bool = False  # "nothing new": a scheduled digest's empty period, when asked for
    attempted: bool = False  # a forum post was asked for before a restart: look for it first

    @property
    def is_digest(self) -> bool:
        """Whether the message is a digest: several deliveries, or a scheduled digest."""
        return len(self.deliveries) > 1 or self.title is not None



def nonce_prefix(store: Store) -> str:
    """The store's random nonce prefix, made on first use: channel posts and direct messages
    (bot/core/news/alerts.py) alike are sent with nonces that start with it."""
    prefix = store.get_state("nonce_prefix")
    if prefix is None:
        prefix = secrets.token_hex(4)
        store.set_state("nonce_prefix", prefix)
    return prefix


class DeliveryQueue:
    """The ``deliveries`` table: claims change-log events for subscriptions, groups the claims into
    batches, and records what was posted or dropped."""

    def __init__(self, store: Store, book: SubscriptionBook) -> None:
        self.store = store
        self.book = book
        self.conn = store.conn

    def nonce_prefix(self) -> str:
        """Random per store, so two bots' batch numbers never share a nonce."""
        return nonce_prefix(self.store)

    def plan(self) -> int:
        """Claim deliveries for every change-log event not looked at yet; returns how many.

        The bot calls ``plan_step`` instead, one step per write, so that other writes (votes,
        say) never wait behind a long backlog."""
        claimed = 0
        while True:
            step = self.plan_step()
            claimed += step.claimed
            if step.done:
                return claimed

    def plan_step(self) -> PlanStep:
        """Look at the next ``PLAN_SPAN`` change-log entries at most, in one transaction.

        Work scales with the news, not with the log: with no active subscription the cursor
        jumps to the end in one statement, and otherwise only the entries of questions some
        subscription could want (by member, department or House, in SQL) are read.
        """
        # This runs every few seconds: with no news, take no lock and build no matcher.
        last = self.store.last_change_seq()
        if last <= self._cursor():
            return PlanStep(0, done=True)
        subscriptions = self.book.all_active()
        if not subscriptions:
            self.store.set_state(CURSOR, str(last))
            return PlanStep(0, done=True)
        matcher = SubscriptionMatcher(subscriptions)
        condition, params = matcher.prefilter()
        claimed = 0
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
                claimed += self._claim(matcher, event)
            self.store.set_state(CURSOR, str(end))
        return PlanStep(claimed, done=end >= last)

    def _cursor(self) -> int:
        return int(self.store.get_state(CURSOR, "0") or 0)

    def _claim(self, matcher: SubscriptionMatcher, event: dict[str, Any]) -> int:
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

    def pause(self, guild_id: int, subscription_id: int, reason: str) -> dict[str, Any] | None:
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
    ) -> tuple[dict[str, Any] | None, int]:
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
            for i in range(0, len(claimed), DIGEST_SIZE):
                batch_id = self._new_batch(row["channel_id"])
                self.conn.executemany(
                    "UPDATE deliveries SET batch_id = ? WHERE id = ?",
                    [(batch_id, d) for d in claimed[i : i + DIGEST_SIZE]],
                )
        return self.book.get(subscription_id), len(claimed)

    def _claim_missed(self, row: dict[str, Any], start: int, end: int) -> list[int]:
        """Claim, for one subscription, the news in the change log after ``start`` up to
        ``end``; the ids of the deliveries claimed (none the channel already had)."""
        sub = replace(self.book.subscription(row), status="active", after_seq=start)
        matcher = SubscriptionMatcher([sub])
        condition, params = matcher.prefilter()
        events = self.store.rows(
            "SELECT c.seq, c.kind, c.status, c.question_id FROM changes c "
            "JOIN questions q ON q.id = c.question_id "
            f"WHERE c.seq > ? AND c.seq <= ? AND {posted_events_sql()} AND {condition} "
            "ORDER BY c.seq",
            [start, end, *params],
        )
        ids: list[int] = []
        for event in events:
            if self._claim(matcher, event):
                ids.append(int(self.conn.execute("SELECT last_insert_rowid()").fetchone()[0]))
        return ids

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

    def batches(self) -> list[Batch]:
        """Pending deliveries as the messages that will carry them, grouping recorded first;
        and "nothing new" notices not yet sent."""
        prefix = self.nonce_prefix()
        if self.conn.execute(
            f"SELECT 1 FROM deliveries WHERE status = 'pending' AND batch_id IS NULL AND "
            f"{_INSTANT} LIMIT 1"
        ).fetchone():  # this runs every few seconds: take the write lock only when needed
            with self.store.transaction():
                self._record_batches()
        pending = self.store.rows(
            "SELECT d.*, b.subscription_id AS batch_subscription_id, b.title AS batch_title, "
            "b.attempted_at AS batch_attempted_at FROM deliveries d "
            "JOIN batches b ON b.id = d.batch_id WHERE d.status = 'pending' "
            "ORDER BY d.batch_id, d.id"
        )
        batches: dict[int, Batch] = {}
        for row in pending:
            batch = batches.setdefault(
                row["batch_id"],
                Batch(
                    row["batch_id"], row["channel_id"], f"{prefix}{row['batch_id']}",
                    subscription_id=row.pop("batch_subscription_id"),
                    title=row.pop("batch_title"),
                    attempted=row.pop("batch_attempted_at") is not None,
                ),
            )
            batch.deliveries.append(row)
        for row in self.store.rows(
            "SELECT * FROM batches WHERE notice = 1 AND sent_message_id IS NULL"
        ):
            batches[row["id"]] = Batch(
                row["id"], row["channel_id"], f"{prefix}{row['id']}",
                subscription_id=row["subscription_id"], title=row["title"], notice=True,
                attempted=row["attempted_at"] is not None,
            )
        return [batches[key] for key in sorted(batches)]

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
            rows = self.store.rows(due, (utc_text(now),))
            return self._make_digest(rows[0], now) if rows else 0

    def _make_digest(self, row: dict[str, Any], now: datetime) -> int:
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
        moment = from_utc_text(row["next_digest_at"]).astimezone(UK)
        day = f"{moment:%A} {moment.day} {moment:%B}"
        title = f"Daily digest, {day}" if schedule.kind == DAILY else f"Weekly digest to {day}"
        parts = [waiting[i : i + DIGEST_SIZE] for i in range(0, len(waiting), DIGEST_SIZE)]
        for number, part in enumerate(parts, 1):
            batch_id = self._new_batch(
                row["channel_id"], row["id"],
                title + (f" ({number} of {len(parts)})" if len(parts) > 1 else ""),
            )
            self.conn.executemany(
                "UPDATE deliveries SET batch_id = ? WHERE id = ?", [(batch_id, d) for d in part]
            )
        made = len(parts)
        if not parts and row["nothing_new"]:
            batch_id = self._new_batch(row["channel_id"], row["id"], title)
            self.conn.execute("UPDATE batches SET notice = 1 WHERE id = ?", (batch_id,))
            made = 1
        following = schedule.next_after(now)
        self.conn.execute(
            "UPDATE subscriptions SET next_digest_at = ? WHERE id = ?",
            (utc_text(following) if following else None, row["id"]),
        )
        return made

    def _new_batch(
        self, channel_id: int, subscription_id: int | None = None, title: str | None = None
    ) -> int:
        return int(
            self.conn.execute(
                "INSERT INTO batches (channel_id, created_at, subscription_id, title) "
                "VALUES (?, ?, ?, ?)",
                (channel_id, utc_now_text(), subscription_id, title),
            ).lastrowid
            or 0
        )

    def _record_batches(self) -> None:
        """Give every unbatched pending delivery a batch: one each, or digests of a channel's
        many."""
        unbatched = self.store.rows(
            f"SELECT * FROM deliveries WHERE status = 'pending' AND batch_id IS NULL AND "
            f"{_INSTANT} ORDER BY id"
        )
        by_channel: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in unbatched:
            by_channel[row["channel_id"]].append(row)
        for channel_id, rows in by_channel.items():
            groups = (
                [rows[i : i + DIGEST_SIZE] for i in range(0, len(rows), DIGEST_SIZE)]
                if len(rows) > DIGEST_AFTER
                else [[r] for r in rows]
            )
            for group in groups:
                batch_id = self._new_batch(channel_id)
                self.conn.executemany(
                    "UPDATE deliveries SET batch_id = ? WHERE id = ?",
                    [(batch_id, r["id"]) for r in group],
                )

    def mark_sent(
        self, batch: Batch, message_id: int, posted_channel_id: int | None = None
    ) -> None:
        """Record the batch's pending deliveries as posted in message ``message_id``, in the
        thread ``posted_channel_id`` when not the batch's channel (a forum post)."""
        with self.store.transaction():
            self.conn.execute(
                "UPDATE deliveries SET status = 'sent', message_id = ?, sent_at = ?, "
                "posted_channel_id = ? WHERE batch_id = ? AND status = 'pending'",
                (message_id, utc_now_text(), posted_channel_id, batch.id),
            )
            self.conn.execute(
                "UPDATE batches SET sent_message_id = ? WHERE id = ?", (message_id, batch.id)
            )

    def mark_refused(self, batch: Batch, reason: str) -> None:
        """Drop a batch Discord refused (it would be refused again), saying why."""
        with self.store.transaction():
            self.conn.execute(
                "UPDATE deliveries SET status = 'skipped', reason = ? "
                "WHERE batch_id = ? AND status = 'pending'",
                (f"not posted: Discord refused it ({reason[:200]})", batch.id),
            )
            self.conn.execute(
                "UPDATE batches SET sent_message_id = 0 WHERE id = ?", (batch.id,)
            )

    def mark_attempted(self, batch: Batch) -> None:
        """Record that a forum post for this batch is being made (Discord takes no nonce for
        one): after a crash, the sender looks for it before making another."""
        self.conn.execute(
            "UPDATE batches SET attempted_at = ? WHERE id = ?", (utc_now_text(), batch.id)
        )

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

    def mark_undeliverable(self, channel_id: int, reason: str) -> None:
        """The channel cannot be posted to: pause its subscriptions and drop what waits."""
        with self.store.transaction():
            self.book.pause_channel(channel_id, reason)
            self.conn.execute(
                "UPDATE deliveries SET status = 'skipped', reason = ? "
                "WHERE channel_id = ? AND status = 'pending'",
                (f"not posted: {reason}", channel_id),
            )
            self.conn.execute(  # "nothing new" notices for it: 0, never sent
                "UPDATE batches SET sent_message_id = 0 WHERE channel_id = ? AND notice = 1 "
                "AND sent_message_id IS NULL",
                (channel_id,),
            )


class Pacer:
    """At most CHANNEL_POSTS per CHANNEL_WINDOW seconds per channel, and a global rate."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._channel: dict[int, deque[float]] = defaultdict(deque)
        self._global: deque[float] = deque()

    def delay(self, channel_id: int) -> float:
        """Seconds to wait before the next post to ``channel_id``; 0.0 when it may go now."""
        now = self.clock()
        waits = []
        recent = self._channel[channel_id]
        while recent and now - recent[0] >= CHANNEL_WINDOW:
            recent.popleft()
        if len(recent) >= CHANNEL_POSTS:
            waits.append(CHANNEL_WINDOW - (now - recent[0]))
        while self._global and now - self._global[0] >= 1.0:
            self._global.popleft()
        if len(self._global) >= GLOBAL_POSTS_PER_SECOND:
            waits.append(1.0 - (now - self._global[0]))
        return max(waits, default=0.0)

    def record(self, channel_id: int) -> None:
        """Count a post to ``channel_id`` made now against both limits."""
        now = self.clock()
        self._channel[channel_id].append(now)
        self._global.append(now)


def interleaved(batches: list[Batch]) -> list[Batch]:
    """Batches taking turns between channels, each channel's in order: a channel's sixth
    message within five seconds must wait, and other channels' go meanwhile (500 daily digests
    of ten messages each are posted in 250 s at the global pace, not 2,500 s one channel after
    another)."""
    seen: dict[int, int] = defaultdict(int)
    turns = []
    for position, batch in enumerate(batches):
        turns.append((seen[batch.channel_id], position, batch))
        seen[batch.channel_id] += 1
    return [batch for _, _, batch in sorted(turns, key=lambda turn: turn[:2])]


@dataclass(frozen=True)
class Posted:
    """Where a batch landed: its message, and the thread it is in when that is not the batch's
    channel (a forum post is a thread of its own)."""

    message_id: int
    thread_id: int | None = None
    # A follow-up's: the question's earlier post here (message id, its channel or thread).
    earlier: tuple[int, int] | None = None


Sender = Callable[[Batch], Awaitable[Posted]]  # posts a batch
AfterSent = Callable[[Batch, Posted], Awaitable[None]]


async def send_batches(
    queue: DeliveryQueue,
    sender: Sender,
    pacer: Pacer,
    after_sent: AfterSent | None = None,
    writer: Writer = inline,
) -> int:
    """Post every pending batch, paced; returns how many messages were posted. ``after_sent``
    runs once a post is recorded (reactions, say), so nothing slow sits between the two.
    The queue's store calls go through ``writer``."""
    posted = 0
    stopped: set[int] = set()
    for batch in interleaved(await writer(queue.batches)):
        if batch.channel_id in stopped:
            continue
        wait = pacer.delay(batch.channel_id)
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            posted_at = await sender(batch)
        except ChannelUnavailable as error:
            log.warning("pausing subscriptions of channel %s: %s", batch.channel_id, error)
            await writer(partial(queue.mark_undeliverable, batch.channel_id, str(error)))
            stopped.add(batch.channel_id)
            continue
        except PostRefused as error:
            log.error("batch %s refused by Discord, dropped: %s", batch.id, error)
            await writer(partial(queue.mark_refused, batch, str(error)))
            continue
        pacer.record(batch.channel_id)
        await writer(
            partial(queue.mark_sent, batch, posted_at.message_id, posted_at.thread_id)
        )
        POSTS_SENT.inc()
        posted += 1
        if after_sent is not None:
            try:
                await after_sent(batch, posted_at)
            except Exception:
                log.exception("after posting batch %s", batch.id)
    return posted

"""The one outbox: every message the bot sends of its own accord, exactly once.

Channel posts, digests and "nothing new" notices (bot/core/news/deliveries.py), a person's alerts
by direct message (bot/core/news/alerts.py) and the notices telling a subscription's maker the
bot paused it all go the same four steps, told apart by their ``DeliveryKind``:

1. **Claim under a cursor** (``claim_step``): read the change log after a cursor, match, and
   claim an item per (target, change) — a unique key makes a second claim impossible — moving the
   cursor in the same transaction.
2. **Group**: items become messages, rows of ``batches``, recorded before anything is sent (one
   post per item, a digest of many, one direct message per alert).
3. **Send with a nonce** (``send_outbox``): each message goes with a nonce made from its id, and
   carries that same mark where it can be read back (an embed's footer, a notice's last line).
   The send is recorded as attempted first.
4. **Record** it as sent with its message id, or skipped with the reason.

Discord returns the first message for a repeated nonce, but only for a few minutes. So a message
recorded as attempted and not as sent (the bot stopped between the two, for a minute or a night)
is looked for first — the channel's history after the attempt, a forum's posts (archived ones
too), the person's direct messages — and adopted when found; only then is it sent again.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import Protocol, TypeVar

from bot.core.clock import utc_now_text
from bot.core.metrics import POSTS_SENT
from bot.core.news.kinds import posted_events_sql
from bot.core.news.rows import (
    AlertDeliveryRow,
    ChangeEvent,
    DeliveryRow,
    Param,
    alert_delivery_rows,
    batch_rows,
    change_event_rows,
    delivery_rows,
)
from bot.core.store.access import Writer, inline
from bot.core.store.database import Store

log = logging.getLogger(__name__)

PLAN_SPAN = 5000  # change-log entries one claim step looks at: one short transaction
CHANNEL_POSTS = 5  # per CHANNEL_WINDOW seconds, as Discord allows a channel
CHANNEL_WINDOW = 5.0
GLOBAL_POSTS_PER_SECOND = 20


class DeliveryKind(StrEnum):
    """What a message of the outbox is, stored in ``batches.kind``."""

    POST = "post"  # one answer (or new question) in a subscription's channel
    DIGEST = "digest"  # several, or a scheduled digest
    NOTHING_NEW = "nothing_new"  # a scheduled digest's empty period, when asked for
    ALERT = "alert"  # a person's alert, by direct message
    PAUSE_NOTICE = "pause_notice"  # the maker of a subscription the bot paused, told


CHANNEL_KINDS = (DeliveryKind.POST, DeliveryKind.DIGEST, DeliveryKind.NOTHING_NEW)
# The tables of the items a message carries, by kind (the others carry none).
ITEMS = {
    DeliveryKind.POST: "deliveries",
    DeliveryKind.DIGEST: "deliveries",
    DeliveryKind.ALERT: "alert_deliveries",
}


class TargetUnavailable(Exception):
    """The target cannot be sent to (a channel gone or closed to the bot, a person's DMs
    closed); the reason is shown to people. ``stops`` says whether the target's other messages
    wait too."""

    def __init__(self, reason: str, stops: bool = True) -> None:
        super().__init__(reason)
        self.stops = stops


class PostRefused(Exception):
    """Discord refused this one message for what it is (a 400): sending it again would be
    refused again, so it is dropped with the reason and the target's next messages go on."""


@dataclass(frozen=True)
class PlanStep:
    """What one claim step did: items claimed, and whether the log is caught up."""

    claimed: int
    done: bool


@dataclass
class Batch:
    """One message of the outbox: its kind, its target, the items it carries and the nonce it
    is sent with (the store's prefix and its id), which is also the mark it carries."""

    id: int
    channel_id: int
    nonce: str
    # What it carries: a channel message's deliveries, or a direct message's alert delivery.
    deliveries: list[DeliveryRow | AlertDeliveryRow] = field(default_factory=list)
    # A scheduled digest's, or a pause notice's: its subscription; a digest's title.
    subscription_id: int | None = None
    title: str | None = None
    kind: DeliveryKind = DeliveryKind.POST
    user_id: int | None = None  # a direct message's recipient
    attempted_at: str | None = None  # when its last send began (UTC text), if ever

    @property
    def channel_deliveries(self) -> list[DeliveryRow]:
        """The channel deliveries it carries (a post's, a digest's; none for the others)."""
        return [item for item in self.deliveries if "subscription_id" in item]

    @property
    def alert_deliveries(self) -> list[AlertDeliveryRow]:
        """The alert deliveries it carries (a direct message's; none for the others)."""
        return [item for item in self.deliveries if "alert_id" in item]

    @property
    def notice(self) -> bool:
        """A "nothing new" notice: a scheduled digest's empty period."""
        return self.kind == DeliveryKind.NOTHING_NEW

    @property
    def attempted(self) -> bool:
        """Whether a send may have happened: look for it before sending again."""
        return self.attempted_at is not None

    @property
    def is_digest(self) -> bool:
        """Whether the message is a digest: several deliveries, or a scheduled digest."""
        return len(self.deliveries) > 1 or self.title is not None

    @property
    def target(self) -> int:
        """Whom it is paced and stopped by: the person for a direct message, else the
        channel."""
        return self.user_id if self.user_id is not None else self.channel_id


@dataclass(frozen=True)
class Posted:
    """Where a message landed: its id, and the channel it is in when that is not the batch's
    channel (a forum post's thread, a DM channel, a server's system channel)."""

    message_id: int
    thread_id: int | None = None
    # A follow-up's: the question's earlier post here (message id, its channel or thread).
    earlier: tuple[int, int] | None = None


# -- marks ---------------------------------------------------------------------------------------

_MARK = re.compile(r"(?<![\w])ref ([0-9a-f]+)\b")


def mark(batch: Batch) -> str:
    """The mark a message carries so that it can be recognised later: ``ref`` and its nonce."""
    return f"ref {batch.nonce}"


def with_mark(text: str | None, batch: Batch, limit: int) -> str:
    """``text`` followed by the batch's mark (" · ref …"), cut to fit ``limit`` characters."""
    tail = mark(batch)
    if not text:
        return tail
    room = limit - len(tail) - 3
    return f"{text[:room]} · {tail}"


def carries(text: str | None, batch: Batch) -> bool:
    """Whether ``text`` (a footer, a message's content) carries this batch's mark."""
    return bool(text) and batch.nonce in _MARK.findall(text or "")


def nonce_prefix(store: Store) -> str:
    """The store's random nonce prefix, made on first use, so two bots' messages never share a
    nonce."""
    prefix = store.get_state("nonce_prefix")
    if prefix is None:
        prefix = secrets.token_hex(4)
        store.set_state("nonce_prefix", prefix)
    return prefix


# -- 1. claim under a cursor ---------------------------------------------------------------------


class Matcher(Protocol):
    """Who wants news of which question: a condition on questions ``q`` first (in SQL)."""

    def prefilter(self) -> tuple[str, list[Param]]:
        """A condition on questions ``q`` that every wanted question meets, and its
        parameters."""


M = TypeVar("M", bound=Matcher)


class Claims(Protocol[M]):
    """What one kind of item claims from the change log, and under which cursor; ``M`` is
    its matcher."""

    cursor: str  # the ``state`` key of its cursor

    def matcher(self) -> M | None:
        """The active wants, or None when nothing wants news (the cursor jumps to the end)."""

    def claim(self, matcher: M, event: ChangeEvent) -> int:
        """Claim the items one change-log event makes; returns how many."""


def change_events(
    store: Store, start: int, end: int, condition: str, params: Sequence[Param]
) -> list[ChangeEvent]:
    """Change-log entries after ``start`` up to ``end`` that are news (not history) about
    questions meeting ``condition``, in order."""
    return change_event_rows(store,
        "SELECT c.seq, c.kind, c.status, c.question_id FROM changes c "
        "JOIN questions q ON q.id = c.question_id "
        f"WHERE c.seq > ? AND c.seq <= ? AND {posted_events_sql()} AND {condition} "
        "ORDER BY c.seq",
        [start, end, *params],
    )


def cursor_of(store: Store, key: str) -> int:
    """Where a cursor stands in the change log."""
    return int(store.get_state(key, "0") or 0)


def claim_step(store: Store, claims: Claims[M]) -> PlanStep:
    """Look at the next ``PLAN_SPAN`` change-log entries at most after ``claims``' cursor, and
    claim what they make, in one transaction with the cursor's move.

    Work scales with the news, not with the log: with nothing to want, the cursor jumps to the
    end in one statement, and otherwise only the entries of questions someone could want (the
    matcher's prefilter, in SQL) are read."""
    # This runs every few seconds: with no news, take no lock and build no matcher.
    last = store.last_change_seq()
    if last <= cursor_of(store, claims.cursor):
        return PlanStep(0, done=True)
    matcher = claims.matcher()
    if matcher is None:
        store.set_state(claims.cursor, str(last))
        return PlanStep(0, done=True)
    condition, params = matcher.prefilter()
    claimed = 0
    with store.transaction():
        cursor = cursor_of(store, claims.cursor)
        end = min(last, cursor + PLAN_SPAN)
        for event in change_events(store, cursor, end, condition, params):
            claimed += claims.claim(matcher, event)
        store.set_state(claims.cursor, str(end))
    return PlanStep(claimed, done=end >= last)


def claim_all(store: Store, claims: Claims[M]) -> int:
    """Claim for everything not looked at yet; returns how many items were claimed."""
    claimed = 0
    while True:
        step = claim_step(store, claims)
        claimed += step.claimed
        if step.done:
            return claimed


# -- 2. group, and 4. record ---------------------------------------------------------------------


class Outbox:
    """The ``batches`` table: messages made, read back while pending, and recorded as
    attempted, sent or skipped, whatever their kind."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    def new_message(
        self,
        kind: DeliveryKind,
        channel_id: int = 0,
        *,
        user_id: int | None = None,
        subscription_id: int | None = None,
        title: str | None = None,
    ) -> int:
        """Record a message to be sent; returns its id (items join it by ``batch_id``). Run it
        inside the transaction that claims or groups what it carries."""
        return int(
            self.conn.execute(
                "INSERT INTO batches (channel_id, created_at, subscription_id, title, notice, "
                "kind, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (channel_id, utc_now_text(), subscription_id, title,
                 int(kind == DeliveryKind.NOTHING_NEW), kind.value, user_id),
            ).lastrowid
            or 0
        )

    def carry(self, kind: DeliveryKind, batch_id: int, item_ids: Iterable[int]) -> None:
        """Put items (of ``kind``'s table) into message ``batch_id``."""
        self.conn.executemany(
            f"UPDATE {ITEMS[kind]} SET batch_id = ? WHERE id = ?",
            [(batch_id, item) for item in item_ids],
        )

    def pending(self, kinds: Iterable[DeliveryKind]) -> list[Batch]:
        """The messages of these kinds not sent yet, oldest first, each with its pending items
        and nonce. A message whose items were all dropped meanwhile (an alert removed) is
        closed instead."""
        kinds = list(kinds)
        marks = ",".join("?" * len(kinds))
        rows = batch_rows(
            self.store,
            f"SELECT * FROM batches WHERE status = 'pending' AND kind IN ({marks}) ORDER BY id",
            [k.value for k in kinds],
        )
        if not rows:
            return []
        items: dict[int | None, list[DeliveryRow | AlertDeliveryRow]] = defaultdict(list)
        for table in sorted({ITEMS[k] for k in kinds if k in ITEMS}):
            read = delivery_rows if table == "deliveries" else alert_delivery_rows
            for item in read(
                self.store,
                f"SELECT d.* FROM {table} d JOIN batches b ON b.id = d.batch_id "
                "WHERE b.status = 'pending' AND d.status = 'pending' ORDER BY d.batch_id, d.id",
            ):
                items[item["batch_id"]].append(item)
        prefix = nonce_prefix(self.store)
        found, empty = [], []
        for row in rows:
            kind = DeliveryKind(row["kind"])
            carried = items.get(row["id"], [])
            if kind in ITEMS and not carried:
                empty.append(row["id"])
                continue
            # A direct message keeps the nonce its delivery had before the one outbox.
            nonce = f"{prefix}d{carried[0]['id']}" if kind == DeliveryKind.ALERT else (
                f"{prefix}{row['id']}")
            found.append(Batch(
                row["id"], row["channel_id"], nonce, carried,
                subscription_id=row["subscription_id"], title=row["title"], kind=kind,
                user_id=row["user_id"], attempted_at=row["attempted_at"],
            ))
        if empty:
            with self.store.transaction():
                self.conn.executemany(
                    "UPDATE batches SET status = 'skipped', reason = 'nothing left to send' "
                    "WHERE id = ? AND status = 'pending'", [(i,) for i in empty])
        return found

    def mark_attempted(self, batch: Batch) -> None:
        """Record that a send of this message begins now: after a crash, it is looked for
        before it is sent again."""
        batch.attempted_at = utc_now_text()
        self.conn.execute(
            "UPDATE batches SET attempted_at = ? WHERE id = ?", (batch.attempted_at, batch.id)
        )

    def mark_sent(self, batch: Batch, posted: Posted) -> None:
        """Record the message, and the items it carries, as sent in ``posted``."""
        with self.store.transaction():
            self.conn.execute(
                "UPDATE batches SET status = 'sent', sent_message_id = ?, posted_channel_id = ? "
                "WHERE id = ?",
                (posted.message_id, posted.thread_id, batch.id),
            )
            table = ITEMS.get(batch.kind)
            if table == "deliveries":
                self.conn.execute(
                    "UPDATE deliveries SET status = 'sent', message_id = ?, sent_at = ?, "
                    "posted_channel_id = ? WHERE batch_id = ? AND status = 'pending'",
                    (posted.message_id, utc_now_text(), posted.thread_id, batch.id),
                )
            elif table is not None:
                self.conn.execute(
                    f"UPDATE {table} SET status = 'sent', message_id = ?, sent_at = ? "
                    "WHERE batch_id = ? AND status = 'pending'",
                    (posted.message_id, utc_now_text(), batch.id),
                )

    def mark_skipped(self, batch: Batch, reason: str) -> None:
        """Drop a message (and its items) that will not be sent, saying why."""
        log.warning("%s %s not sent: %s", batch.kind, batch.id, reason)
        with self.store.transaction():
            self.skip(batch.id, reason)

    def skip(self, batch_id: int, reason: str) -> None:
        """``mark_skipped``'s statements, inside a transaction of the caller's."""
        self.conn.execute(
            "UPDATE batches SET status = 'skipped', reason = ?, sent_message_id = 0 "
            "WHERE id = ? AND status = 'pending'",
            (reason, batch_id),
        )
        for table in sorted(set(ITEMS.values())):
            self.conn.execute(
                f"UPDATE {table} SET status = 'skipped', reason = ? "
                "WHERE batch_id = ? AND status = 'pending'",
                (reason, batch_id),
            )

    def mark_refused(self, batch: Batch, reason: str) -> None:
        """Drop a message Discord refused (it would be refused again), saying why."""
        with self.store.transaction():
            self.skip(batch.id, f"not posted: Discord refused it ({reason[:200]})")


# -- 3. send with a nonce, looking first for what may have been sent ----------------------------


class Pacer:
    """At most CHANNEL_POSTS per CHANNEL_WINDOW seconds per target, and a global rate."""

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
    """Messages taking turns between targets, each target's in order: a channel's sixth
    message within five seconds must wait, and other channels' go meanwhile (500 daily digests
    of ten messages each are posted in 250 s at the global pace, not 2,500 s one channel after
    another)."""
    seen: dict[int, int] = defaultdict(int)
    turns = []
    for position, batch in enumerate(batches):
        turns.append((seen[batch.target], position, batch))
        seen[batch.target] += 1
    return [batch for _, _, batch in sorted(turns, key=lambda turn: turn[:2])]


class Transport(Protocol):
    """What sends the outbox's messages (the Discord adapter)."""

    async def find(self, batch: Batch) -> Posted | None:
        """The message an earlier attempt sent, looked for where it would be (by its mark,
        after ``batch.attempted_at``), or None."""

    async def send(self, batch: Batch) -> Posted:
        """Send it with its nonce and mark. Raises ``TargetUnavailable`` or ``PostRefused``."""

    async def after_sent(self, batch: Batch, posted: Posted) -> None:
        """What follows a recorded send (reactions, say): nothing slow sits between the two."""


Undeliverable = Callable[[Batch, str], None]  # on the writer thread: what a closed target means


async def send_outbox(
    source: Callable[[], list[Batch]],
    outbox: Outbox,
    transport: Transport,
    pacer: Pacer,
    writer: Writer = inline,
    undeliverable: Undeliverable | None = None,
) -> int:
    """Send every message ``source`` gives (it runs through ``writer``), paced per target;
    returns how many were sent or adopted. A message that may have been sent before is looked
    for first and adopted when found; otherwise its send is recorded as attempted, made, then
    recorded as sent. ``undeliverable`` says what a closed target means (by default the
    message is skipped)."""
    sent = 0
    stopped: set[int] = set()
    for batch in interleaved(await writer(source)):
        if batch.target in stopped:
            continue
        try:
            posted = await transport.find(batch) if batch.attempted else None
            if posted is not None:
                log.info("%s %s was sent before a restart: adopted message %s",
                         batch.kind, batch.id, posted.message_id)
            else:
                wait = pacer.delay(batch.target)
                if wait > 0:
                    await asyncio.sleep(wait)
                await writer(partial(outbox.mark_attempted, batch))
                posted = await transport.send(batch)
                pacer.record(batch.target)
        except TargetUnavailable as error:
            await writer(partial(undeliverable or outbox.mark_skipped, batch, str(error)))
            if error.stops:
                stopped.add(batch.target)
            continue
        except PostRefused as error:
            log.error("batch %s refused by Discord, dropped: %s", batch.id, error)
            await writer(partial(outbox.mark_refused, batch, str(error)))
            continue
        await writer(partial(outbox.mark_sent, batch, posted))
        if batch.kind in CHANNEL_KINDS:
            POSTS_SENT.inc()  # messages posted to channels
        sent += 1
        try:
            await transport.after_sent(batch, posted)
        except Exception:
            log.exception("after posting batch %s", batch.id)
    return sent


class SendWith:
    """A ``Transport`` from a bare send function, for a sender that has nowhere to look (the
    benchmarks, unit tests)."""

    def __init__(self, send: Callable[[Batch], Awaitable[Posted]]) -> None:
        self._send = send

    async def find(self, batch: Batch) -> Posted | None:
        """Nowhere to look."""
        return None

    async def send(self, batch: Batch) -> Posted:
        """The function's send."""
        return await self._send(batch)

    async def after_sent(self, batch: Batch, posted: Posted) -> None:
        """Nothing follows."""

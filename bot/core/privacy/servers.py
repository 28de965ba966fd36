"""Servers the bot leaves, and the sweeps that keep the retention periods true.

When the bot is removed from a server, ``leave_guild`` records when and pauses the server's
subscriptions at once, saying why. If the bot comes back (``guild_returned``) the subscriptions
are there, still paused with that reason, for the server to resume. If it does not come back
within ``GUILD_DATA_DAYS``, ``sweep`` deletes the server's subscriptions, their post records, the
searches saved there and the votes cast there (the answers themselves are public records and
stay). The same sweep anonymises old DM records and prunes saved searches.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypedDict

from bot.core.news.deliveries import DeliveryQueue
from bot.core.privacy.retention import DM_RECORD_DAYS, GUILD_DATA_DAYS, SAVED_SEARCH_DAYS
from bot.core.search.sessions import prune_sessions
from bot.core.store.database import Store

LEFT_REASON = "the bot was removed from this server on {day}"
NOT_POSTED = "not posted: the bot was removed from the server"


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(moment: datetime) -> str:
    return f"{moment.astimezone(UTC).day} {moment.astimezone(UTC):%b %Y}"


def leave_guild(store: Store, queue: DeliveryQueue, guild_id: int, now: datetime) -> int:
    """The bot was removed from ``guild_id`` at ``now``: record it (the first time counts) and
    pause the server's active subscriptions with the reason, keeping their place, so nothing
    is posted there meanwhile; returns how many were paused."""
    with store.transaction():
        store.conn.execute(
            "INSERT INTO guild_departures (guild_id, left_at) VALUES (?, ?) "
            "ON CONFLICT (guild_id) DO NOTHING",
            (guild_id, _text(now)),
        )
        active = [
            int(row[0]) for row in store.conn.execute(
                "SELECT id FROM subscriptions WHERE guild_id = ? AND status = 'active' "
                "ORDER BY id",
                (guild_id,),
            )
        ]
    reason = LEFT_REASON.format(day=_day(now))
    for subscription_id in active:  # each in a transaction of the queue's own
        queue.pause(guild_id, subscription_id, reason)
    with store.transaction():
        # A message already grouped for one of them would be refused: drop it, saying why.
        store.conn.execute(
            "UPDATE deliveries SET status = 'skipped', reason = ? WHERE status = 'pending' "
            "AND subscription_id IN (SELECT id FROM subscriptions WHERE guild_id = ?)",
            (NOT_POSTED, guild_id),
        )
        # Nor is a message waiting in the outbox for them (a digest, a notice of the pause).
        store.conn.execute(
            "UPDATE batches SET status = 'skipped', reason = ? WHERE status = 'pending' "
            "AND subscription_id IN (SELECT id FROM subscriptions WHERE guild_id = ?)",
            (NOT_POSTED, guild_id),
        )
    return len(active)


def guild_returned(store: Store, guild_id: int) -> str | None:
    """The bot is in ``guild_id`` again: its data is no longer due for deletion. Returns when it
    had left (None: it had not). Its subscriptions stay paused, with the reason, until the
    server resumes them."""
    with store.transaction():
        row = store.conn.execute(
            "SELECT left_at FROM guild_departures WHERE guild_id = ?", (guild_id,)
        ).fetchone()
        store.conn.execute("DELETE FROM guild_departures WHERE guild_id = ?", (guild_id,))
    return None if row is None else str(row[0])


def departures(store: Store) -> dict[int, str]:
    """The servers the bot has left and not returned to, with when it left."""
    return {
        int(guild_id): str(left_at)
        for guild_id, left_at in store.conn.execute(
            "SELECT guild_id, left_at FROM guild_departures"
        )
    }


def known_guilds(store: Store) -> set[int]:
    """Every server the store holds data about."""
    return {
        int(row[0]) for row in store.conn.execute(
            "SELECT guild_id FROM subscriptions UNION SELECT guild_id FROM votes "
            "UNION SELECT guild_id FROM search_sessions UNION SELECT guild_id FROM answer_messages"
        ) if row[0] is not None
    }


def note_present_guilds(store: Store, present: set[int], now: datetime) -> tuple[int, int]:
    """At start-up: the servers the bot is in are ``present``. One the store knows but the bot
    is no longer in was left while the bot was not running: its period starts ``now`` (its
    subscriptions pause when Discord refuses their next post). One it had left and is in again
    came back. Returns (departures recorded, returns)."""
    with store.transaction():
        gone = known_guilds(store) - present
        recorded = sum(
            store.conn.execute(
                "INSERT INTO guild_departures (guild_id, left_at) VALUES (?, ?) "
                "ON CONFLICT (guild_id) DO NOTHING",
                (guild_id, _text(now)),
            ).rowcount
            for guild_id in sorted(gone)
        )
        back = sum(
            store.conn.execute(
                "DELETE FROM guild_departures WHERE guild_id = ?", (guild_id,)
            ).rowcount
            for guild_id in sorted(present)
        )
    return recorded, back


@dataclass(frozen=True)
class GuildDeletion:
    """What deleting one left server's data removed."""

    guild_id: int
    left_at: str
    subscriptions: int
    deliveries: int
    batches: int
    saved_searches: int
    votes: int
    answer_messages: int


def delete_guild_data(store: Store, guild_id: int, left_at: str = "") -> GuildDeletion:
    """Delete everything kept about one server, in one transaction: its subscriptions and their
    post records, the searches saved there, the votes cast there, the bot's answer messages
    there, and the record of its departure. The questions and answers stay."""
    conn = store.conn
    subs = "(SELECT id FROM subscriptions WHERE guild_id = ?)"
    with store.transaction():
        channels = "(SELECT channel_id FROM subscriptions WHERE guild_id = ?)"
        deliveries = conn.execute(
            f"DELETE FROM deliveries WHERE subscription_id IN {subs}", (guild_id,)
        ).rowcount
        batches = conn.execute(
            f"DELETE FROM batches WHERE subscription_id IN {subs} OR (subscription_id IS NULL "
            f"AND channel_id IN {channels} AND NOT EXISTS "
            "(SELECT 1 FROM deliveries d WHERE d.batch_id = batches.id))",
            (guild_id, guild_id),
        ).rowcount
        subscriptions = conn.execute(
            "DELETE FROM subscriptions WHERE guild_id = ?", (guild_id,)
        ).rowcount
        saved = conn.execute(
            "DELETE FROM search_sessions WHERE guild_id = ?", (guild_id,)
        ).rowcount
        votes = conn.execute("DELETE FROM votes WHERE guild_id = ?", (guild_id,)).rowcount
        messages = conn.execute(
            "DELETE FROM answer_messages WHERE guild_id = ?", (guild_id,)
        ).rowcount
        conn.execute("DELETE FROM guild_departures WHERE guild_id = ?", (guild_id,))
    return GuildDeletion(guild_id, left_at, subscriptions, deliveries, batches, saved, votes,
                         messages)


def forget_old_dm_records(store: Store, now: datetime, days: int = DM_RECORD_DAYS) -> int:
    """DM records claimed more than ``days`` before ``now`` keep only what exactly-once needs
    (the question, the change, its kind and outcome, when): no person's id, no alert, no message
    id, no reason. The user id becomes the record's own id negated (unique, as the table's key
    needs, and never a Discord id). A DM still waiting to be sent is left whole. Returns how
    many records were stripped."""
    cutoff = _text(now - timedelta(days=days))
    with store.transaction():
        # The outbox's messages to a person (alerts, notices of a pause) forget whom they went
        # to once sent: exactly once needs only the message's own record from then on.
        store.conn.execute(
            "UPDATE batches SET user_id = NULL WHERE user_id IS NOT NULL "
            "AND status != 'pending' AND created_at < ?",
            (cutoff,),
        )
        return store.conn.execute(
            "UPDATE alert_deliveries SET user_id = -id, alert_id = 0, message_id = NULL, "
            "reason = NULL WHERE claimed_at < ? AND status != 'pending' AND user_id > 0",
            (cutoff,),
        ).rowcount


class SweepJson(TypedDict):
    """A sweep's report as JSON-able data: each server's deletion as its fields."""

    guilds: list[dict[str, int | str]]
    dm_records_anonymised: int
    saved_searches_pruned: int


@dataclass
class SweepReport:
    """What one sweep did."""

    guilds: list[GuildDeletion] = field(default_factory=list)
    dm_records_anonymised: int = 0
    saved_searches_pruned: int = 0

    def as_json(self) -> SweepJson:
        """The report as JSON-able data."""
        return {
            "guilds": [asdict(g) for g in self.guilds],
            "dm_records_anonymised": self.dm_records_anonymised,
            "saved_searches_pruned": self.saved_searches_pruned,
        }


def sweep(store: Store, now: datetime, guild_days: int = GUILD_DATA_DAYS) -> SweepReport:
    """Apply every retention period at ``now``: delete the data of servers left more than
    ``guild_days`` ago (one transaction each), strip old DM records, prune saved searches."""
    report = SweepReport()
    cutoff = _text(now - timedelta(days=guild_days))
    for guild_id, left_at in sorted(departures(store).items()):
        if left_at <= cutoff:
            report.guilds.append(delete_guild_data(store, guild_id, left_at))
    report.dm_records_anonymised = forget_old_dm_records(store, now)
    report.saved_searches_pruned = prune_sessions(store, SAVED_SEARCH_DAYS, now)
    return report

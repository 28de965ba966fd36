"""One person's data: what is stored about a Discord user, an export of it, and its deletion.

Every function acts on the one user id it is given and reads nothing else about anyone: the
callers (``/privacy`` and ``python -m bot privacy``) give the id of the person asking, never an
id taken from a message or a button.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TypedDict

from bot.core.clock import utc_now_text
from bot.core.news.rows import (
    Param,
    alert_delivery_rows,
    alert_rows,
    subscription_rows,
)
from bot.core.privacy.retention import NO_ONE, RETENTION
from bot.core.store.database import Store


@dataclass(frozen=True)
class Summary:
    """How much the bot keeps about one person."""

    votes: int
    alerts: int
    direct_messages: int  # records of DMs their alerts sent
    saved_searches: int
    subscriptions: int  # subscriptions they made, everywhere
    subscriptions_here: int  # ... in the server asked from (0 outside one)

    @property
    def empty(self) -> bool:
        """Nothing at all is kept about them."""
        return not (self.votes or self.alerts or self.direct_messages or self.saved_searches
                    or self.subscriptions)


@dataclass(frozen=True)
class Deletion:
    """What deleting one person's data removed (all zero: there was nothing)."""

    votes: int
    alerts: int
    direct_messages: int
    saved_searches: int
    subscriptions_unnamed: int  # subscriptions kept, no longer naming them
    questions: tuple[int, ...]  # the questions whose vote counts changed

    @property
    def nothing(self) -> bool:
        """There was nothing to delete."""
        return not (self.votes or self.alerts or self.direct_messages or self.saved_searches
                    or self.subscriptions_unnamed)

    def as_json(self) -> dict[str, int | list[int]]:
        """The counts, for ``--json``."""
        data: dict[str, int | list[int]] = asdict(self)
        data["questions"] = list(self.questions)
        return data


# -- a person's export: the JSON document they are given (its keys are the promise) -----------


class VoteRecord(TypedDict):
    """One of their votes, and the question it was on (None: the question is gone)."""

    question_id: int
    uin: str | None
    house: str | None
    heading: str | None
    vote: str  # "yes" or "no"
    via: str | None
    message_id: str | None
    guild_id: str | None
    voted_at: str


class FollowRecord(TypedDict):
    """What an alert that follows new answers follows."""

    kind: str
    value: str | None


class AlertRecord(TypedDict):
    """One of their alerts."""

    id: int
    description: str
    question_id: int | None
    follow: FollowRecord | None
    status: str
    paused_reason: str | None
    created_at: str


class DirectMessageRecord(TypedDict):
    """The record of one direct message an alert of theirs sent (or was to send)."""

    alert_id: int
    question_id: int
    kind: str
    status: str
    message_id: str | None
    reason: str | None
    claimed_at: str
    sent_at: str | None


class SavedSearchRecord(TypedDict):
    """One of their saved searches: the query as saved (``SearchQuery.as_json``)."""

    id: str | None
    query: object  # the saved JSON, as it was saved
    guild_id: str | None
    created_at: str


class SubscriptionRecord(TypedDict):
    """One subscription they made."""

    id: int
    guild_id: str | None
    channel_id: str | None
    description: str
    created_by_name: str | None
    created_at: str
    status: str
    paused_reason: str | None


class PersonExport(TypedDict):
    """Everything kept about one person; Discord ids are strings, as JSON carries them."""

    user_id: str | None
    exported_at: str
    votes: list[VoteRecord]
    alerts: list[AlertRecord]
    direct_messages: list[DirectMessageRecord]
    saved_searches: list[SavedSearchRecord]
    subscriptions: list[SubscriptionRecord]
    kept_for: dict[str, str]


def _count(store: Store, sql: str, params: tuple[Param, ...]) -> int:
    return int(store.conn.execute(sql, params).fetchone()[0])


def summary(store: Store, user_id: int, guild_id: int | None = None) -> Summary:
    """The counts ``/privacy`` shows ``user_id`` (subscriptions in ``guild_id`` apart)."""
    return Summary(
        votes=_count(store, "SELECT count(*) FROM votes WHERE user_id = ?", (user_id,)),
        alerts=_count(store, "SELECT count(*) FROM alerts WHERE user_id = ?", (user_id,)),
        direct_messages=_count(
            store, "SELECT count(*) FROM alert_deliveries WHERE user_id = ?", (user_id,)
        ),
        saved_searches=_count(
            store, "SELECT count(*) FROM search_sessions WHERE user_id = ?", (user_id,)
        ),
        subscriptions=_count(
            store, "SELECT count(*) FROM subscriptions WHERE created_by = ?", (user_id,)
        ),
        subscriptions_here=_count(
            store,
            "SELECT count(*) FROM subscriptions WHERE created_by = ? AND guild_id = ?",
            (user_id, guild_id),
        ) if guild_id is not None else 0,
    )


def _snowflake(value: int | None) -> str | None:
    """A Discord id as JSON carries it (a string: it does not fit a JavaScript number)."""
    return None if value is None else str(value)


def export(store: Store, user_id: int) -> PersonExport:
    """Everything kept about ``user_id``, as JSON-able data, and nothing about anyone else."""
    votes: list[VoteRecord] = [
        {
            "question_id": row["question_id"],
            "uin": row["uin"],
            "house": row["house"],
            "heading": row["heading"],
            "vote": "yes" if row["helpful"] else "no",
            "via": row["via"],
            "message_id": _snowflake(row["message_id"]),
            "guild_id": _snowflake(row["guild_id"]),
            "voted_at": row["voted_at"],
        }
        for row in store.rows(
            "SELECT v.*, q.uin, q.house, q.heading FROM votes v "
            "LEFT JOIN questions q ON q.id = v.question_id WHERE v.user_id = ? "
            "ORDER BY v.voted_at, v.question_id",
            (user_id,),
        )
    ]
    alerts: list[AlertRecord] = [
        {
            "id": row["id"],
            "description": row["description"],
            "question_id": row["question_id"],
            "follow": {"kind": row["follow_kind"], "value": row["follow_value"]}
            if row["follow_kind"] else None,
            "status": row["status"],
            "paused_reason": row["paused_reason"],
            "created_at": row["created_at"],
        }
        for row in alert_rows(
            store, "SELECT * FROM alerts WHERE user_id = ? ORDER BY id", (user_id,))
    ]
    direct_messages: list[DirectMessageRecord] = [
        {
            "alert_id": row["alert_id"],
            "question_id": row["question_id"],
            "kind": row["kind"],
            "status": row["status"],
            "message_id": _snowflake(row["message_id"]),
            "reason": row["reason"],
            "claimed_at": row["claimed_at"],
            "sent_at": row["sent_at"],
        }
        for row in alert_delivery_rows(
            store, "SELECT * FROM alert_deliveries WHERE user_id = ? ORDER BY id", (user_id,)
        )
    ]
    saved_searches: list[SavedSearchRecord] = [
        {
            "id": _snowflake(row["id"]),
            "query": json.loads(row["query"]),
            "guild_id": _snowflake(row["guild_id"]),
            "created_at": row["created_at"],
        }
        for row in store.rows(
            "SELECT * FROM search_sessions WHERE user_id = ? ORDER BY id", (user_id,)
        )
    ]
    subscriptions: list[SubscriptionRecord] = [
        {
            "id": row["id"],
            "guild_id": _snowflake(row["guild_id"]),
            "channel_id": _snowflake(row["channel_id"]),
            "description": row["description"],
            "created_by_name": row["created_by_name"],
            "created_at": row["created_at"],
            "status": row["status"],
            "paused_reason": row["paused_reason"],
        }
        for row in subscription_rows(
            store, "SELECT * FROM subscriptions WHERE created_by = ? ORDER BY id", (user_id,)
        )
    ]
    return {
        "user_id": _snowflake(user_id),
        "exported_at": utc_now_text(),
        "votes": votes,
        "alerts": alerts,
        "direct_messages": direct_messages,
        "saved_searches": saved_searches,
        "subscriptions": subscriptions,
        "kept_for": {kept.key: kept.how_long for kept in RETENTION if kept.personal},
    }


def delete(store: Store, user_id: int) -> Deletion:
    """Delete everything kept about ``user_id``, in one transaction: their votes (so the counts
    of those questions change), their alerts and the records of the DMs sent to them, their
    saved searches; the subscriptions they made stay (they belong to the server) but no longer
    name them. Running it again finds nothing and changes nothing."""
    if user_id == NO_ONE:
        raise ValueError("0 is not a Discord user id")
    conn = store.conn
    with store.transaction():
        questions = tuple(
            row[0] for row in conn.execute(
                "SELECT question_id FROM votes WHERE user_id = ? ORDER BY question_id",
                (user_id,),
            )
        )
        votes = conn.execute("DELETE FROM votes WHERE user_id = ?", (user_id,)).rowcount
        # A DM record carries its alert's user id (AlertBook._claim): by the unique index.
        direct_messages = conn.execute(
            "DELETE FROM alert_deliveries WHERE user_id = ?", (user_id,)
        ).rowcount
        # The outbox's direct messages to them: their alerts' go with the alerts; a notice of a
        # pause still waiting is not sent, and none names them any more.
        conn.execute("DELETE FROM batches WHERE user_id = ? AND kind = 'alert'", (user_id,))
        conn.execute(
            "UPDATE batches SET user_id = NULL, reason = CASE WHEN status = 'pending' "
            "THEN 'its maker''s data was deleted' ELSE reason END, status = CASE "
            "WHEN status = 'pending' THEN 'skipped' ELSE status END WHERE user_id = ?",
            (user_id,),
        )
        alerts = conn.execute("DELETE FROM alerts WHERE user_id = ?", (user_id,)).rowcount
        saved_searches = conn.execute(
            "DELETE FROM search_sessions WHERE user_id = ?", (user_id,)
        ).rowcount
        unnamed = conn.execute(
            "UPDATE subscriptions SET created_by = ?, created_by_name = NULL "
            "WHERE created_by = ?",
            (NO_ONE, user_id),
        ).rowcount
    return Deletion(votes, alerts, direct_messages, saved_searches, unnamed, questions)

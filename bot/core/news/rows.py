"""The rows news travels in: a subscription, a delivery to a channel, a person's alert and its
direct message, a message of the outbox, a change-log event. Each is a ``TypedDict`` with the
columns of its table (bot/core/store/schema.py), read with ``SELECT *`` by the readers below,
the one place where a query's dicts are taken to have their table's shape.

Flags are 0 or 1; times are the store's UTC text (``clock.utc_now_text``); ids of Discord
objects (servers, channels, roles, people, messages) are integers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict, cast, final

from bot.core.store.database import Store

# The values a query's parameters take here: the store's columns are integers and texts.
Param = int | str | None


class SubscriptionRow(TypedDict):
    """A row of the ``subscriptions`` table: what a channel follows (its filters: ``topic``,
    the three member ids, ``department_id`` and ``house``; None where not used), how it
    posts (``events``, ``schedule``, ``mention_role_id``...), and where it stands."""

    id: int
    guild_id: int
    channel_id: int
    topic: str | None
    member_id: int | None
    asked_by_id: int | None
    answered_by_id: int | None
    department_id: int | None
    house: str | None
    description: str
    created_by: int  # ``privacy.retention.NO_ONE`` once its maker deleted their data
    created_by_name: str | None
    created_at: str
    status: str  # "active" or "paused"
    paused_reason: str | None
    after_seq: int  # the change log's end when it was made
    resumed_seq: int | None  # ... and when it was last resumed
    events: str  # ``kinds.Events``
    mention_role_id: int | None
    paused_seq: int | None  # the delivery cursor when a member paused it
    schedule: str  # ``schedules.ScheduleKind``
    digest_time: str | None  # "HH:MM", UK time
    digest_day: int | None  # 0 = Monday, weekly digests only
    next_digest_at: str | None
    nothing_new: int
    thread_per_answer: int
    pause_notice: int


@final  # so that ``"subscription_id" in item`` tells it from an ``AlertDeliveryRow``
class DeliveryRow(TypedDict):
    """A row of the ``deliveries`` table: one change of one question claimed for a channel by
    a subscription, carried by a message of the outbox (``batch_id``) once grouped."""

    id: int
    subscription_id: int
    channel_id: int
    question_id: int
    change_seq: int
    kind: str  # the post's label: "New answer", "Corrected"... (``kinds.event_label``)
    status: str  # "pending", "sent" or "skipped"
    batch_id: int | None
    message_id: int | None
    reason: str | None
    claimed_at: str
    sent_at: str | None
    posted_channel_id: int | None  # the thread it landed in, when not the channel


class AlertRow(TypedDict):
    """A row of the ``alerts`` table: one question (``question_id``, key "q:ID") or a follow of
    new answers like one (``follow_kind`` "heading" or "department", and its value)."""

    id: int
    user_id: int
    key: str
    question_id: int | None
    follow_kind: str | None
    follow_value: str | None
    description: str
    created_at: str
    after_seq: int
    status: str  # "active" or "paused"
    paused_reason: str | None
    notice: int  # a pause the person has not been told of


@final  # so that ``"alert_id" in item`` tells it from a ``DeliveryRow``
class AlertDeliveryRow(TypedDict):
    """A row of the ``alert_deliveries`` table: one direct message of one change to a
    person, for one of their alerts."""

    id: int
    alert_id: int
    user_id: int
    question_id: int
    change_seq: int
    kind: str
    status: str
    message_id: int | None
    reason: str | None
    claimed_at: str
    sent_at: str | None
    batch_id: int | None


class BatchRow(TypedDict):
    """A row of the ``batches`` table: one message of the outbox (``outbox.DeliveryKind``)."""

    id: int
    channel_id: int  # 0 for a direct message
    created_at: str
    subscription_id: int | None
    title: str | None
    notice: int
    sent_message_id: int | None
    attempted_at: str | None
    kind: str
    status: str  # "pending", "sent" or "skipped"
    user_id: int | None
    posted_channel_id: int | None
    reason: str | None


class ChangeEvent(TypedDict):
    """A change-log entry as claiming reads it (``outbox.change_events``)."""

    seq: int
    kind: str
    status: str
    question_id: int


# -- readers: ``SELECT *`` of a table, taken to have its row's shape --------------------------


def subscription_rows(
    store: Store, sql: str, params: Sequence[Param] = ()
) -> list[SubscriptionRow]:
    """The rows of a query selecting every column of ``subscriptions``."""
    return cast("list[SubscriptionRow]", store.rows(sql, params))


def delivery_rows(store: Store, sql: str, params: Sequence[Param] = ()) -> list[DeliveryRow]:
    """The rows of a query selecting every column of ``deliveries``."""
    return cast("list[DeliveryRow]", store.rows(sql, params))


def alert_rows(store: Store, sql: str, params: Sequence[Param] = ()) -> list[AlertRow]:
    """The rows of a query selecting every column of ``alerts``."""
    return cast("list[AlertRow]", store.rows(sql, params))


def alert_delivery_rows(
    store: Store, sql: str, params: Sequence[Param] = ()
) -> list[AlertDeliveryRow]:
    """The rows of a query selecting every column of ``alert_deliveries``."""
    return cast("list[AlertDeliveryRow]", store.rows(sql, params))


def batch_rows(store: Store, sql: str, params: Sequence[Param] = ()) -> list[BatchRow]:
    """The rows of a query selecting every column of ``batches``."""
    return cast("list[BatchRow]", store.rows(sql, params))


def change_event_rows(store: Store, sql: str, params: Sequence[Param] = ()) -> list[ChangeEvent]:
    """The rows of a query selecting ``seq, kind, status, question_id`` of ``changes``."""
    return cast("list[ChangeEvent]", store.rows(sql, params))

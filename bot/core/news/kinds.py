"""What counts as news, and how it is labelled: the change-log kinds a channel is told about,
what a subscription posts (``Events``), and which loads are history rather than news."""

from __future__ import annotations

from enum import StrEnum

# The change-log kinds a channel is told about, and how a post labels them.
POSTED_KINDS = {
    "answered": "New answer",
    "holding": "Holding answer",
    "substantive": "Answer now given",
    "corrected": "Corrected",
}
NEW_BY_STATUS = {"answered": "New answer", "holding": "Holding answer", "corrected": "Corrected"}
# A question first stored with no answer yet: posted only where a subscription asked for new
# questions too (``EVENTS_ALL``), with no vote buttons (there is no answer to vote on).
TABLED_KIND = "tabled"
TABLED_LABEL = "New question"
# What a subscription posts: answers only (the default), or answers and new questions.
class Events(StrEnum):
    """What a subscription posts (the values are stored)."""

    ANSWERS = "answers"  # answers only (the default)
    ALL = "all"  # answers and each new question when tabled


EVENTS_ANSWERS, EVENTS_ALL = Events.ANSWERS, Events.ALL
EVENTS_WORDS: dict[str, str] = {EVENTS_ANSWERS: "answers", EVENTS_ALL: "answers and new questions"}
LABEL_EMOJI = {
    "New question": "📝",
    "New answer": "🆕",
    "Holding answer": "⏳",
    "Answer now given": "✅",
    "Corrected": "✏️",
}
# The change-log source of history loaded through the API (``backfill``, and the first run's
# background backfill): logged like any load, so other features can follow it, but a backfill
# is history, not news, and is never posted.
HISTORY_SOURCE = "backfill"
# TheyWorkForYou's archive (``archive``) logs each file as ``archive:FILE``: history too.
ARCHIVE_SOURCE_PREFIX = "archive:"


def posted_events_sql() -> str:
    """A condition on change-log entries ``c``: those ``event_label`` gives a label to, from a
    load of news (never ``HISTORY_SOURCE``'s nor the archive's). So nothing a backfill or the
    archive brought is posted. "tabled" is among them: only subscriptions with ``EVENTS_ALL``
    take it (``Subscription.takes``)."""
    kinds = ", ".join(f"'{k}'" for k in (*POSTED_KINDS, TABLED_KIND))
    statuses = ", ".join(f"'{s}'" for s in NEW_BY_STATUS)
    return (
        f"(c.kind IN ({kinds}) OR (c.kind = 'new' AND c.status IN ({statuses}))) "
        f"AND c.source <> '{HISTORY_SOURCE}' "
        f"AND c.source NOT LIKE '{ARCHIVE_SOURCE_PREFIX}%'"
    )


def event_label(kind: str, status: str) -> str | None:
    """ "New answer", "Holding answer", "Answer now given", "Corrected", "New question" (a
    question tabled, for subscriptions that want new questions), or None: not posted."""
    if kind == TABLED_KIND:
        return TABLED_LABEL
    if kind == "new":
        return NEW_BY_STATUS.get(status)
    return POSTED_KINDS.get(kind)

"""Which state of a question wins when sources disagree, and what a move from one state to
another means to a reader (the change log's kinds). Pure rules over records; the store
applies them (``database.Store.upsert``). See docs/data/state.md."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypedDict

from bot.core.records import (
    QUESTION_COLUMNS,
    Status,
    optional_text,
    text_of,
    version_of,
)
from bot.core.text import same_text, same_text_start

MEMBER_COLUMNS = (
    "id",
    "name",
    "list_as",
    "party",
    "party_abbreviation",
    "party_colour",
    "member_from",
    "house",
    "thumbnail_url",
)


class ChangeKind(StrEnum):
    """What happened to a question, as the change log records it (the values are stored)."""

    NEW = "new"  # first stored with an answer; the entry carries the status it arrived in
    TABLED = "tabled"  # first stored with no answer yet ("answered" etc. come later)
    ANSWERED = "answered"
    HOLDING = "holding"
    SUBSTANTIVE = "substantive"  # a holding answer replaced by the answer itself
    CORRECTED = "corrected"
    TEXT_CHANGED = "text_changed"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"  # fell at prorogation or dissolution


_TEXT_PAIRS = (
    ("question_text", "question_truncated"),
    ("answer_text", "answer_truncated"),
)


_SCRAPE = re.compile(r"/(\d{4}-\d\d-\d\d)([a-z]*)\.")


class ChangeDetail(TypedDict, total=False):
    """What a change-log entry adds to its kind (stored as JSON in ``changes.detail``)."""

    date_holding_answer: str | None  # SUBSTANTIVE: the holding answer it replaced
    date_corrected: str | None  # CORRECTED
    fields: list[str]  # TEXT_CHANGED: which of question_text, answer_text, heading


def _scrape_of(record: Mapping[str, object]) -> tuple[str, str] | None:
    """The ParlParse scrape a record came from, as (day, version letter); None for a record
    from elsewhere (the API)."""
    found = _SCRAPE.search(text_of(record, "gid"))
    return (found[1], found[2]) if found else None


def earlier_scrape(incoming: Mapping[str, object], stored: Mapping[str, object]) -> bool:
    """Whether ``incoming`` comes from an earlier scrape of the same ParlParse day than
    ``stored`` ("b" supersedes "a"): for the records a later scrape names no redirect for,
    such as the second question of a group."""
    new, old = _scrape_of(incoming), _scrape_of(stored)
    return new is not None and old is not None and new[0] == old[0] and new[1] < old[1]


def capture_time(text: str) -> str:
    """An ISO 8601 time (``2024-12-10``, ``2024-12-10T09:30``, with or without a zone; no zone
    means UTC) as the store's capture-time text, so that capture times sort as text. Raises
    ``ValueError`` for anything else."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def file_capture_time(path: str | Path) -> str:
    """When a file was captured, as far as the file says: its modification time."""
    moment = datetime.fromtimestamp(Path(path).stat().st_mtime, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _older_capture(incoming: Mapping[str, object], stored: Mapping[str, object]) -> bool:
    """Whether ``incoming`` was captured before what is stored (a row stored before capture
    times were kept has none, and any capture counts as newer than it)."""
    new, old = optional_text(incoming, "captured_at"), optional_text(stored, "captured_at")
    return bool(new and old and new < old)


def newer_capture(incoming: Mapping[str, object], stored: Mapping[str, object]) -> bool:
    """Whether ``incoming`` was captured after what is stored (or the row has no capture time)."""
    new, old = optional_text(incoming, "captured_at"), optional_text(stored, "captured_at")
    return bool(new and (not old or new > old))


def _fill_in(
    stored: Mapping[str, object], incoming: Mapping[str, object]
) -> dict[str, object] | None:
    """What an older capture of the state stored can still add: the full texts, HTML and
    attachments of what is stored cut short (the list view), never other wording, a heading or
    a department. None when it adds nothing."""
    merged = dict(stored)
    for text, flag in _TEXT_PAIRS:
        if (
            stored[flag]
            and not incoming.get(flag)
            and incoming.get(text)
            and same_text_start(text_of(incoming, text), text_of(stored, text))
        ):
            merged[text] = incoming[text]
            merged[flag] = 0
            if text == "answer_text":
                merged["answer_html"] = incoming.get("answer_html") or ""
    if (
        not stored["answer_html"]
        and incoming.get("answer_html")
        and same_text(text_of(stored, "answer_text"), text_of(incoming, "answer_text"))
    ):
        merged["answer_html"] = incoming["answer_html"]
    if incoming.get("attachments") and not stored.get("attachments"):
        merged["attachments"] = incoming["attachments"]
    if all(merged.get(c) == stored.get(c) for c in QUESTION_COLUMNS):
        return None
    return merged


def winning_state(
    stored: Mapping[str, object], incoming: Mapping[str, object]
) -> dict[str, Any] | None:
    """The record to store when ``incoming`` meets ``stored``, or None when nothing changes.

    A later answer state (``version_of``) wins whenever it was captured; of one state, the newer
    capture wins, and an older one can only fill in full texts (``_fill_in``)."""
    if version_of(incoming) < version_of(stored):
        # An older state: only a full text of the same state could add anything, and then the
        # versions would be equal. Keep what we have.
        return None
    if version_of(incoming) == version_of(stored) and _older_capture(incoming, stored):
        return _fill_in(stored, incoming)
    merged = dict(stored)
    # The newest capture seen stays the row's, so that no older one can come back after it.
    merged["captured_at"] = max(
        filter(
            None, (optional_text(stored, "captured_at"), optional_text(incoming, "captured_at"))
        ),
        default=None,
    )
    for column in QUESTION_COLUMNS:
        value = incoming.get(column)
        if column in ("twfy_url", "gid", "source_url") and value is None:
            continue  # a source that lacks a link does not erase one another source gave
        if column == "heading" and not value and stored.get("heading"):
            continue  # an older capture without the heading Parliament added later
        merged[column] = value
    # Keep member and body ids when this source lacks them (list responses always have them,
    # ParlParse may not).
    for column in ("asking_member_id", "answering_member_id", "answering_body_id"):
        if merged[column] is None:
            merged[column] = stored[column]
    for text, flag in _TEXT_PAIRS:
        if (
            incoming[flag]
            and not stored[flag]
            and stored[text]
            and same_text_start(text_of(stored, text), text_of(incoming, text))
        ):
            merged[text] = stored[text]
            merged[flag] = 0
            if text == "answer_text":
                merged["answer_html"] = stored["answer_html"]
    if (
        not incoming.get("answer_html")
        and stored["answer_html"]
        and not incoming.get("answer_truncated")
        and same_text(text_of(stored, "answer_text"), text_of(incoming, "answer_text"))
    ):
        # The list view's whole answer with its tags dropped: keep the HTML (links, tables).
        merged["answer_text"] = stored["answer_text"]
        merged["answer_html"] = stored["answer_html"]
    if not incoming.get("attachments") and stored.get("attachments"):
        merged["attachments"] = stored["attachments"]  # the list view never carries them
    if all(merged.get(c) == stored.get(c) for c in QUESTION_COLUMNS):
        return None
    return merged


def change_kinds(
    old: Mapping[str, object], new: Mapping[str, object]
) -> list[tuple[ChangeKind, ChangeDetail | None]]:
    """What a move from ``old`` to ``new`` means to a reader, in change-log kinds."""
    kinds: list[tuple[ChangeKind, ChangeDetail | None]] = []
    before, after = old["status"], new["status"]
    if before == "unanswered" and after in ("answered", "corrected"):
        kinds.append((ChangeKind.ANSWERED, None))
    elif before == "unanswered" and after == "holding":
        kinds.append((ChangeKind.HOLDING, None))
    elif before == "holding" and after in ("answered", "corrected"):
        held = optional_text(new, "date_holding_answer")
        kinds.append((ChangeKind.SUBSTANTIVE, {"date_holding_answer": held}))
    if new["is_correction"] and (
        not old["is_correction"] or old["date_corrected"] != new["date_corrected"]
    ):
        corrected = optional_text(new, "date_corrected")
        kinds.append((ChangeKind.CORRECTED, {"date_corrected": corrected}))
    if after == Status.LAPSED and before != Status.LAPSED:
        kinds.append((ChangeKind.LAPSED, None))  # fell at prorogation or dissolution
    if new["is_withdrawn"] and not old["is_withdrawn"]:
        kinds.append((ChangeKind.WITHDRAWN, None))
    if not kinds:
        changed = [
            text
            for text, flag in _TEXT_PAIRS
            if old[text] != new[text]
            and not (old[flag] and same_text_start(text_of(new, text), text_of(old, text)))
        ]
        if old["heading"] != new["heading"]:
            changed.append("heading")
        if changed:
            kinds.append((ChangeKind.TEXT_CHANGED, {"fields": changed}))
    return kinds

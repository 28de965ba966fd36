"""The normalised question record every source is parsed into, and what can be derived from it.

A record is a plain ``dict`` with the keys of ``QUESTION_COLUMNS`` (the columns of the
``questions`` table); parsers also return the members and answering body they mention.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, TypedDict

from bot.core.lapsed import is_lapse_notice
from bot.core.text import fold

QUESTION_COLUMNS = (
    "id",
    "house",
    "uin",
    "date_tabled",
    "date_for_answer",
    "date_answered",
    "date_holding_answer",
    "date_corrected",
    "asking_member_id",
    "answering_member_id",
    "correcting_member_id",
    "answering_body_id",
    "heading",
    "question_text",
    "question_truncated",
    "answer_html",
    "answer_text",
    "answer_truncated",
    "is_holding",
    "is_correction",
    "is_withdrawn",
    "is_named_day",
    "member_has_interest",
    "grouped_questions",
    "attachments",
    "source_url",
    "twfy_url",
    "gid",
    "source",
)


class QuestionRow(TypedDict):
    """A row of the ``questions`` table as the store reads it (``Store.question``): the record's
    columns, and the ``status``, ``tags`` and times the store adds.

    Flags are 0 or 1. Days are ISO dates (``2024-01-31``); None when not known (a question not
    yet answered has no ``date_answered``). Ids are negative when synthetic (ParlParse). Texts
    are "" rather than None; ``grouped_questions`` and ``attachments`` are JSON arrays as text.
    ``first_seen``, ``updated_at`` and ``captured_at`` are UTC times (``clock.utc_now_text``).
    """

    id: int
    house: str  # "Commons" or "Lords"
    uin: str
    status: str  # one of STATUSES
    is_withdrawn: int
    is_holding: int
    is_correction: int
    is_named_day: int
    member_has_interest: int
    question_truncated: int
    answer_truncated: int
    date_tabled: str | None
    date_for_answer: str | None
    date_answered: str | None
    date_holding_answer: str | None
    date_corrected: str | None
    asking_member_id: int | None
    answering_member_id: int | None
    correcting_member_id: int | None
    answering_body_id: int | None
    source: str
    first_seen: str
    updated_at: str
    captured_at: str | None  # when this state was captured (None: stored before that was kept)
    gid: str | None
    source_url: str | None
    twfy_url: str | None
    grouped_questions: str | None
    attachments: str | None
    tags: str
    heading: str
    question_text: str
    answer_text: str
    answer_html: str


class MemberRow(TypedDict):
    """A row of the ``members`` table (``Store.member``). Only the id is sure: a source may lack
    any other field (ParlParse has no party)."""

    id: int
    name: str | None
    list_as: str | None
    party: str | None
    party_abbreviation: str | None
    party_colour: str | None
    member_from: str | None
    house: str | None
    thumbnail_url: str | None


class BodyRow(TypedDict):
    """A row of the ``answering_bodies`` table (``Store.body``)."""

    id: int
    name: str | None


class Status(StrEnum):
    """Where a question stands (the values are stored and shown in JSON)."""

    ANSWERED = "answered"
    HOLDING = "holding"
    CORRECTED = "corrected"
    UNANSWERED = "unanswered"
    LAPSED = "lapsed"  # fell at prorogation or dissolution: not an answer


STATUSES = tuple(Status)


class House(StrEnum):
    """A House of Parliament, as the API and the store name it."""

    COMMONS = "Commons"
    LORDS = "Lords"


PARLIAMENT_QUESTION_URL = (
    "https://questions-statements.parliament.uk/written-questions/detail/{date}/{uin}"
)
TWFY_WRANS_URL = "https://www.theyworkforyou.com/wrans/?id={gid}"


class RecordError(ValueError):
    """A record cannot be stored; the message says why, in a few words."""


@dataclass
class ParsedQuestion:
    """One record as a source gives it, with the members and answering body it mentions."""

    question: dict[str, Any]
    members: list[dict[str, Any]] = field(default_factory=list)
    body: dict[str, Any] | None = None
    where: str = ""  # record index or XML element id, for messages
    # ``status_of`` and ``question_tags`` of ``question`` as parsed, worked out by
    # ``with_status`` where the record was parsed (a bulk load's second process), so that the
    # process storing it does not; None when not worked out.
    status: str | None = None
    tags: str | None = None

    def with_status(self) -> ParsedQuestion:
        """This record with its status and full-text tags worked out."""
        self.status = status_of(self.question)
        self.tags = question_tags(self.question)
        return self


def text_of(record: Mapping[str, object], key: str) -> str:
    """A text column (or ISO day) of a record or row: "" when absent or None."""
    value = record.get(key)
    return value if isinstance(value, str) else ""


def optional_text(record: Mapping[str, object], key: str) -> str | None:
    """A text column (or ISO day) of a record or row: None when absent or None."""
    value = record.get(key)
    return value if isinstance(value, str) else None


def optional_id(record: Mapping[str, object], key: str) -> int | None:
    """An id column (a member, a body, a question) of a record or row: None when absent."""
    value = record.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def status_of(record: Mapping[str, object]) -> Status:
    """A record's status: lapsed (the reply says the question fell at prorogation or
    dissolution, ``bot.core.lapsed``), corrected, holding, answered (a date and an answer
    text), else unanswered."""
    if not record.get("is_holding") and is_lapse_notice(optional_text(record, "answer_text")):
        return Status.LAPSED
    if record.get("is_correction"):
        return Status.CORRECTED
    if record.get("is_holding"):
        return Status.HOLDING
    if record.get("date_answered") and (record.get("answer_text") or record.get("answer_html")):
        return Status.ANSWERED
    return Status.UNANSWERED


def version_of(record: Mapping[str, object]) -> tuple[str, str, int]:
    """How far along a question's life this record is; the larger is the later state.

    A holding answer sets dateAnswered to the holding date; the substantive answer moves it later;
    a correction keeps dateAnswered and sets dateAnswerCorrected. So dates order the states
    whatever order files arrive in, and on a tie a substantive answer beats a holding one.
    """
    return (
        text_of(record, "date_answered"),
        text_of(record, "date_corrected"),
        0 if record.get("is_holding") else 1,
    )


def parse_day(value: object, name: str) -> str | None:
    """'2021-02-01T00:00:00' (the API's form) or '2021-02-01' -> '2021-02-01'; None stays None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(f"{name} is not a date: {value!r}")
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise RecordError(f"{name} is not a date: {value[:40]!r}") from None


def parliament_url(date_tabled: str | None, uin: str | None) -> str | None:
    """The question's page on the Parliament website, or None without a tabling day and a UIN."""
    if not date_tabled or not uin:
        return None
    return PARLIAMENT_QUESTION_URL.format(date=date_tabled, uin=uin)


def synthetic_id(key: str) -> int:
    """A stable negative id for records without an API id (ParlParse XML); never clashes with the
    API's positive ids."""
    return -int.from_bytes(hashlib.sha1(key.encode()).digest()[:6], "big") - 1


def tag_number(value: int) -> str:
    """A member or body id as it appears inside a tag word (``-12`` -> ``n12``)."""
    return str(value) if value >= 0 else f"n{-value}"


# Tag words: a question's filter values as words of the full-text index's ``tags`` column.
# ``question_tags`` writes them and ``search`` asks for them; both use these definitions.
BODY_TAG, ASKER_TAG, ANSWERER_TAG = "b", "a", "r"
COMMONS_TAG, LORDS_TAG, WITHDRAWN_TAG, STATUS_TAG = "hc", "hl", "wd", "s"


def tag_word(prefix: str, value: int) -> str:
    """The tag word of an id: ``tag_word(BODY_TAG, 60)`` is ``b60``."""
    return prefix + tag_number(value)


def status_tag(status: str) -> str:
    """The tag word of a status: ``sholding``."""
    return STATUS_TAG + status


# Every tag word, and every word the porter stemmer could turn into one ("hcs" -> "hc").
_STATUS_STEMS = ("answer", "hold", "correct", "unanswer", "laps")  # as porter stems them
_ID_TAGS = BODY_TAG + ASKER_TAG + ANSWERER_TAG
_TAG_WORD = re.compile(
    rf"[{_ID_TAGS}]n?\d+\w*|{COMMONS_TAG}\w*|{LORDS_TAG}\w*|{WITHDRAWN_TAG}\w*"
    rf"|{STATUS_TAG}(?:{'|'.join(_STATUS_STEMS)})\w*"
)
_TAG_STARTS = (COMMONS_TAG, LORDS_TAG, WITHDRAWN_TAG, *(STATUS_TAG + s for s in _STATUS_STEMS))


def could_be_tag_word(word: str, prefix: bool = False) -> bool:
    """Whether a searched word (or, with ``prefix``, a word's start) could match a tag word:
    only such words need keeping out of the ``tags`` column."""
    folded = fold(word).replace(" ", "")
    if _TAG_WORD.fullmatch(folded):
        return True
    return prefix and (
        re.fullmatch(rf"[{_ID_TAGS}]n?\d*", folded) is not None
        or any(tag.startswith(folded) for tag in _TAG_STARTS)
    )


def question_tags(record: Mapping[str, object]) -> str:
    """A question's filter values as words for the full-text index: ``b60`` answering body,
    ``a4218`` asker, ``r4362`` answerer, ``hc``/``hl`` House, ``s`` + status, ``wd`` withdrawn.
    Searched only through the ``tags`` column, so they never meet words people type."""
    words = []
    for prefix, column in (
        (BODY_TAG, "answering_body_id"),
        (ASKER_TAG, "asking_member_id"),
        (ANSWERER_TAG, "answering_member_id"),
    ):
        value = optional_id(record, column)
        if value is not None:
            words.append(tag_word(prefix, value))
    words.append(LORDS_TAG if record.get("house") == "Lords" else COMMONS_TAG)
    words.append(status_tag(status_of(record)))
    if record.get("is_withdrawn"):
        words.append(WITHDRAWN_TAG)
    return " ".join(words)

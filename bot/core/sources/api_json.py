"""Parliament Written Questions API JSON: list responses and single-question responses.

Works with and without ``expandMember`` (member objects are null without it; only ids remain).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from bot.core.records import (
    ParsedQuestion,
    RecordError,
    parliament_url,
    parse_day,
)
from bot.core.sources.json_values import json_items, json_object
from bot.core.text import html_to_text, is_truncated_answer, is_truncated_question, looks_like_html


class NotQuestionsError(ValueError):
    """The document is valid JSON but not written questions (e.g. written statements)."""


def _member(value: object, house: str | None) -> dict[str, object] | None:
    obj = json_object(value)
    if obj is None or not isinstance(obj.get("id"), int):
        return None
    return {
        "id": obj["id"],
        "name": obj.get("name"),
        "list_as": obj.get("listAs"),
        "party": obj.get("party"),
        "party_abbreviation": obj.get("partyAbbreviation"),
        "party_colour": obj.get("partyColour"),
        "member_from": obj.get("memberFrom"),
        "house": house,
        "thumbnail_url": obj.get("thumbnailUrl"),
    }


def _optional_int(value: object, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{name} is not a number: {value!r}")
    return value


def _text(value: object, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"{name} is not text")
    return value


def parse_question_value(data: object, where: str = "") -> ParsedQuestion:
    """One API ``value`` object -> a normalised record. Raises ``RecordError`` when unusable."""
    value = json_object(data)
    if value is None:
        raise RecordError("record is not an object")
    qid, house, uin = _identity(value)
    date_tabled = parse_day(value.get("dateTabled"), "dateTabled")

    question_text = _text(value.get("questionText"), "questionText")
    raw_answer = _text(value.get("answerText"), "answerText")
    answer_truncated = is_truncated_answer(raw_answer)
    answer_html = raw_answer if looks_like_html(raw_answer) else ""
    answer_text = html_to_text(raw_answer)

    grouped = _grouped(value)
    attachments = _attachments(value)

    record: dict[str, object] = {
        "id": qid,
        "house": house,
        "uin": uin,
        "date_tabled": date_tabled,
        "date_for_answer": parse_day(value.get("dateForAnswer"), "dateForAnswer"),
        "date_answered": parse_day(value.get("dateAnswered"), "dateAnswered"),
        "date_holding_answer": parse_day(value.get("dateHoldingAnswer"), "dateHoldingAnswer"),
        "date_corrected": parse_day(value.get("dateAnswerCorrected"), "dateAnswerCorrected"),
        "asking_member_id": _optional_int(value.get("askingMemberId"), "askingMemberId"),
        "answering_member_id": _optional_int(value.get("answeringMemberId"), "answeringMemberId"),
        "correcting_member_id": _optional_int(
            value.get("correctingMemberId"), "correctingMemberId"
        ),
        "answering_body_id": _optional_int(value.get("answeringBodyId"), "answeringBodyId"),
        "heading": _text(value.get("heading"), "heading").strip(),
        "question_text": question_text.strip(),
        "question_truncated": int(is_truncated_question(question_text)),
        "answer_html": answer_html,
        "answer_text": answer_text,
        "answer_truncated": int(answer_truncated),
        "is_holding": int(bool(value.get("answerIsHolding"))),
        "is_correction": int(bool(value.get("answerIsCorrection"))),
        "is_withdrawn": int(bool(value.get("isWithdrawn"))),
        "is_named_day": int(bool(value.get("isNamedDay"))),
        "member_has_interest": int(bool(value.get("memberHasInterest"))),
        "grouped_questions": json.dumps(grouped) if grouped else None,
        "attachments": json.dumps(attachments) if attachments else None,
        "source_url": parliament_url(date_tabled, uin),
        "twfy_url": None,
        "gid": None,
        "source": "api",
    }
    body: dict[str, object] | None = None
    if record["answering_body_id"] is not None:
        body = {"id": record["answering_body_id"], "name": value.get("answeringBodyName")}
    return ParsedQuestion(record, _members(value, house), body, where)


def _members(value: Mapping[str, object], house: str) -> list[dict[str, object]]:
    """The asking, answering and correcting members the record carries (with
    ``expandMember``; none without it)."""
    found = (
        _member(value.get(key), house)
        for key in ("askingMember", "answeringMember", "correctingMember")
    )
    return [m for m in found if m]


def _identity(value: Mapping[str, object]) -> tuple[int, str, str]:
    """A record's id, House and UIN (stripped); ``RecordError`` when one is missing or wrong."""
    qid = value.get("id")
    if qid is None:
        raise RecordError("record has no id")
    if isinstance(qid, bool) or not isinstance(qid, int) or qid <= 0:
        raise RecordError(f"id is not a positive number: {qid!r}")
    house = value.get("house")
    if house != "Commons" and house != "Lords":
        raise RecordError(f"house is {house!r}, expected Commons or Lords")
    uin = value.get("uin")
    if not isinstance(uin, str) or not uin.strip():
        raise RecordError("record has no uin")
    return qid, house, uin.strip()


def _grouped(value: Mapping[str, object]) -> list[dict[str, str | None]]:
    """The questions answered together with this one, with their tabling days when given."""
    grouped: list[dict[str, str | None]] = []
    for entry in json_items(value.get("groupedQuestionsDates")):
        item = json_object(entry)
        if item is not None and item.get("questionUin"):
            grouped.append(
                {
                    "uin": str(item["questionUin"]),
                    "date_tabled": parse_day(item.get("dateTabled"), "groupedQuestionsDates"),
                }
            )
    if not grouped:
        grouped = [
            {"uin": str(u), "date_tabled": None} for u in json_items(value.get("groupedQuestions"))
        ]
    return grouped


def _attachments(value: Mapping[str, object]) -> list[dict[str, object]]:
    """The answer's attachments that have a link."""
    return [
        {
            "url": a.get("url"),
            "title": a.get("title"),
            "file_type": a.get("fileType"),
            "file_size_bytes": a.get("fileSizeBytes"),
        }
        for a in _objects(value.get("attachments"))
        if a.get("url")
    ]


def _objects(value: object) -> Iterator[Mapping[str, object]]:
    """The JSON objects of an array (``value``); nothing when it is not one."""
    for item in json_items(value):
        obj = json_object(item)
        if obj is not None:
            yield obj


def iter_api_document(doc: object) -> Iterator[tuple[str, ParsedQuestion | RecordError]]:
    """Each record of a list or single response, or of a bare array of the list's result items
    (``[{"value": ...}, ...]``, as mySociety's dump of the API saves them), as
    ``(where, parsed or error)``.

    Raises ``NotQuestionsError`` for documents of another shape (statements, errors, arrays of
    anything else).
    """
    if isinstance(doc, list):
        if doc and not any(isinstance(item, dict) and "value" in item for item in doc):
            raise NotQuestionsError('a JSON array, but not of API result items ({"value": {...}})')
        items, single, prefix = doc, False, ""
    elif not isinstance(doc, dict):
        raise NotQuestionsError("not a Written Questions API response (expected a JSON object)")
    elif "results" in doc:
        items = doc["results"]
        if not isinstance(items, list):
            raise NotQuestionsError("'results' is not a list")
        single, prefix = False, "results"
    elif "value" in doc:
        items = [doc]
        single, prefix = True, ""
    elif doc.get("status") and doc.get("title"):
        raise NotQuestionsError(f"an API error response: {doc.get('status')} {doc.get('title')}")
    else:
        raise NotQuestionsError("not a Written Questions API response (no 'results' or 'value')")

    values = [item.get("value") if isinstance(item, dict) else None for item in items]
    objects = [v for v in values if isinstance(v, dict)]
    if objects and not any("questionText" in v or "answerText" in v for v in objects):
        kind = "written statements" if "dateMade" in objects[0] else "not written questions"
        raise NotQuestionsError(f"{kind}, not written questions")

    for index, value in enumerate(values):
        where = "value" if single else f"{prefix}[{index}]"
        try:
            yield where, parse_question_value(value, where)
        except RecordError as error:
            yield where, error

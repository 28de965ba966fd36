"""ParlParse / TheyWorkForYou written-answers XML (``answers*.xml``, ``lordswrans*.xml``).

The file is a flat run of elements: ``major-heading`` (the department; Commons, and Lords from
2015), ``minor-heading`` (the subject), one or more ``ques`` and then the ``reply`` that answers
them all. A ``ques`` may hold several numbered questions, one ``<p qnum=...>`` each. Old files
(before 2014) key items by column; modern ones are generated from the API and key them by tabled
date and UIN. ``gidredirect`` says a later scrape replaced an item's id.

Records have no API id: each gets a stable synthetic one from (house, UIN, date), so a re-scrape
(file letter a -> b -> c) updates the same record instead of duplicating it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.core.names.departments import body_for_heading
from bot.core.records import (
    TWFY_WRANS_URL,
    ParsedQuestion,
    RecordError,
    parliament_url,
    synthetic_id,
)
from bot.core.text import html_to_text, normalise_space

GID_PREFIX = "uk.org.publicwhip/wrans/"
_GID_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})([a-z]?)\.")
_FILE_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


class NotWransError(ValueError):
    """XML that is not a ParlParse written-answers file."""


@dataclass
class Redirect:
    """A ``gidredirect``: an item's old id, the id a later scrape gave it, and ParlParse's match
    type."""

    old_gid: str
    new_gid: str
    match_type: str


def _inner_html(element: ET.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(ET.tostring(child, encoding="unicode"))
    return "".join(parts).strip()


def _element_text(element: ET.Element) -> str:
    return normalise_space(" ".join("".join(element.itertext()).split()))


def _member(element: ET.Element, house: str) -> dict[str, object] | None:
    ref = element.get("person_id") or element.get("speakerid")
    name = element.get("speakername")
    if not ref or not name or ref == "unknown":
        return None
    return {
        "id": synthetic_id("member|" + ref),
        "name": name.strip(),
        "list_as": None,
        "party": None,
        "party_abbreviation": None,
        "party_colour": None,
        "member_from": None,
        "house": house,
        "thumbnail_url": None,
    }


def parse_parlparse(
    path: Path,
) -> tuple[list[tuple[str, ParsedQuestion | RecordError]], list[Redirect]]:
    """Parse one file into ``(where, record or error)`` pairs and its redirects.

    Raises ``NotWransError`` when the XML is not a written-answers file, and
    ``xml.etree.ElementTree.ParseError`` when it is not well-formed XML.
    """
    root = ET.parse(path).getroot()
    if root.tag != "publicwhip":
        raise NotWransError(f"XML root is <{root.tag}>, not a ParlParse <publicwhip> file")
    name = path.name.lower()
    house_from_name = "Lords" if name.startswith("lords") else "Commons"
    file_date = m.group(1) if (m := _FILE_DATE.search(name)) else None

    records: list[tuple[str, ParsedQuestion | RecordError]] = []
    redirects: list[Redirect] = []
    body: tuple[int, str] | None = None
    heading = ""
    pending: list[ET.Element] = []
    saw_wrans = False

    for element in root:
        tag = element.tag
        if tag == "gidredirect":
            if element.get("oldgid") and element.get("newgid"):
                redirects.append(
                    Redirect(
                        element.get("oldgid", ""),
                        element.get("newgid", ""),
                        element.get("matchtype", ""),
                    )
                )
        elif tag == "major-heading":
            text = _element_text(element)
            body = body_for_heading(text, file_date) if text else None
            saw_wrans = True
        elif tag == "minor-heading":
            heading = _element_text(element)
            pending = []
            saw_wrans = True
        elif tag == "ques":
            pending.append(element)
            saw_wrans = True
        elif tag == "reply":
            saw_wrans = True
            if not pending:
                records.append(
                    (element.get("id", "reply"), RecordError("a reply with no question"))
                )
                continue
            records.extend(
                _group_records(pending, element, heading, body, house_from_name, file_date)
            )
            pending = []
    for element in pending:  # questions left without a reply: unanswered in this file
        records.extend(_group_records([element], None, heading, body, house_from_name, file_date))
    if not saw_wrans and not redirects:
        raise NotWransError("no written-answer headings, questions or replies in this XML")
    return records, redirects


def _group_records(
    questions: list[ET.Element],
    reply: ET.Element | None,
    heading: str,
    body: tuple[int, str] | None,
    house_from_name: str,
    file_date: str | None,
) -> Iterator[tuple[str, ParsedQuestion | RecordError]]:
    """The records of one reply and the ``ques`` elements it answers."""
    parts = _question_parts(questions)
    answer = _answer_of(reply)
    all_uins = [uin for _, uin, _ in parts if uin]
    for ques, uin, text in parts:
        where = ques.get("id", "") or "ques"
        if not uin:
            yield where, RecordError("question has no number (qnum)")
            continue
        try:
            record, members = _question_record(
                ques, uin, text, answer, all_uins, heading, body, house_from_name, file_date
            )
        except RecordError as error:
            yield where, error
            continue
        yield (
            where,
            ParsedQuestion(
                record, members, {"id": body[0], "name": body[1]} if body else None, where
            ),
        )


def _question_parts(questions: list[ET.Element]) -> list[tuple[ET.Element, str, str]]:
    """(``ques`` element, UIN, question text) for each question the elements ask: one per
    numbered paragraph (after the element's unnumbered introduction), else the element's own,
    numbered from its id."""
    parts: list[tuple[ET.Element, str, str]] = []
    for ques in questions:
        gid = ques.get("id", "")
        paragraphs = ques.findall("p")
        numbered = [p for p in paragraphs if p.get("qnum")]
        intro = " ".join(_element_text(p) for p in paragraphs if not p.get("qnum"))
        if not numbered:
            uin = gid.split(".")[-2] if gid.count(".") >= 2 else ""
            parts.append((ques, uin, _element_text(ques)))
            continue
        for p in numbered:
            text = _element_text(p)
            parts.append((ques, (p.get("qnum") or "").strip(), f"{intro} {text}".strip()))
    return parts


@dataclass(frozen=True)
class _Answer:
    """A ``reply`` element read once for the questions it answers."""

    reply: ET.Element | None
    html: str
    text: str
    holding_date: str | None  # the day of the holding answer it marks, if it marks one


def _answer_of(reply: ET.Element | None) -> _Answer:
    """The reply's answer without its holding-answer marker (metadata, not part of it)."""
    answer_html = ""
    holding_date = None
    if reply is not None:
        for p in reply.findall("p"):
            if p.get("class") == "holdinganswer":
                phrase = p.find("phrase")
                holding_date = phrase.get("code") if phrase is not None else None
                reply.remove(p)
        answer_html = _inner_html(reply)
    return _Answer(reply, answer_html, html_to_text(answer_html), holding_date)


# The columns a ParlParse record never fills.
_NOT_IN_PARLPARSE: dict[str, object] = {
    "date_for_answer": None,
    "date_corrected": None,
    "correcting_member_id": None,
    "question_truncated": 0,
    "answer_truncated": 0,
    "is_holding": 0,
    "is_correction": 0,
    "is_withdrawn": 0,
    "is_named_day": 0,
    "member_has_interest": 0,
    "attachments": None,
}


def _question_record(
    ques: ET.Element,
    uin: str,
    text: str,
    answer: _Answer,
    all_uins: list[str],
    heading: str,
    body: tuple[int, str] | None,
    house_from_name: str,
    file_date: str | None,
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """One question's record and the members it names; ``RecordError`` without a date."""
    gid = ques.get("id", "")
    reply = answer.reply
    speaker = ques.get("speakerid") or ""
    house = "Lords" if "/lord/" in speaker or uin.upper().startswith("HL") else house_from_name
    short_gid = gid.removeprefix(GID_PREFIX)
    gid_date = m.group(1) if (m := _GID_DATE.match(short_gid)) else None
    modern = ques.get("person_id") is not None
    date_tabled = gid_date if modern else None
    date_answered = (file_date if modern else gid_date or file_date) if reply is not None else None
    if date_answered is None and reply is not None:
        raise RecordError("no date in the element id or file name")
    asker = _member(ques, house)
    answerer = _member(reply, house) if reply is not None else None
    key_date = date_tabled or date_answered or ""
    grouped = [{"uin": u, "date_tabled": date_tabled} for u in all_uins if u != uin]
    record: dict[str, object] = {
        **_NOT_IN_PARLPARSE,
        "id": synthetic_id(f"parlparse|{house}|{uin}|{key_date}"),
        "house": house,
        "uin": uin,
        "date_tabled": date_tabled,
        "date_answered": date_answered,
        "date_holding_answer": answer.holding_date,
        "asking_member_id": asker["id"] if asker else None,
        "answering_member_id": answerer["id"] if answerer else None,
        "answering_body_id": body[0] if body else None,
        "heading": heading,
        "question_text": text,
        "answer_html": answer.html,
        "answer_text": answer.text,
        "grouped_questions": json.dumps(grouped) if len(all_uins) > 1 else None,
        "source_url": (ques.get("url") if modern else None) or parliament_url(date_tabled, uin),
        "twfy_url": TWFY_WRANS_URL.format(gid=short_gid) if short_gid else None,
        "gid": gid or None,
        "source": "parlparse",
    }
    return record, [m for m in (asker, answerer) if m]

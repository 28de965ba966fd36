"""Stored records as the JSON other tools read (the README's shapes) and as text for a
terminal; and the read-only views that Discord messages are drawn from.

Each shape is a TypedDict built once (``result_data``, ``question_data``, ``search_data``); the
``*_json`` functions give the same values as plain dicts, for callers that add keys of their own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import NotRequired, TypedDict

from bot.core.records import QuestionRow
from bot.core.reports.not_held import is_not_held
from bot.core.reports.people import party_abbreviations
from bot.core.search.excerpts import EXCERPT_LIMIT
from bot.core.search.fulltext import Searcher, SearchOutcome, SearchQuery
from bot.core.store.database import Store
from bot.core.text import cut_at_word


class NameRef(TypedDict):
    """A member or an answering body in JSON."""

    id: int
    name: str | None  # None: an answering body stored without its name


class ResultJson(TypedDict):
    """A search result in the stable JSON shape (the README's; ``search --json``'s results)."""

    id: int
    uin: str
    house: str
    heading: str
    department: NameRef | None
    asked_by: NameRef | None
    answered_by: NameRef | None
    date_tabled: str | None
    date_answered: str | None
    status: str
    excerpt: str
    url: str | None
    votes: dict[str, int]  # {"yes": n, "no": n}


class GroupedQuestion(TypedDict):
    """A question answered together with another (``grouped_questions``)."""

    uin: str
    date_tabled: str | None


class Attachment(TypedDict):
    """A file attached to an answer, as the store keeps it (``attachments``)."""

    url: str
    title: str | None
    file_type: str | None
    file_size_bytes: int | None


class QuestionJson(ResultJson):
    """``show --json``: a search result plus the full texts and every date and flag."""

    question: str
    answer: str
    answer_html: str
    date_for_answer: str | None
    date_holding_answer: str | None
    date_corrected: str | None
    corrected_by: NameRef | None
    grouped_questions: list[GroupedQuestion]
    attachments: list[Attachment]
    twfy_url: str | None
    withdrawn: bool
    named_day: bool
    interest_declared: bool
    text_is_partial: bool
    not_held: bool | None


class SearchJson(TypedDict):
    """``search --json``: the query, what its names resolved to, the total and a page."""

    query: dict[str, object]  # SearchQuery.as_json
    resolved: dict[str, dict[str, object] | None]  # option -> Candidate.as_json, or None
    total: int
    results: list[ResultJson]
    total_is_at_least: NotRequired[bool]
    ambiguous: NotRequired[dict[str, list[dict[str, object]]]]  # option -> candidates
    ambiguous_more: NotRequired[dict[str, int]]  # option -> candidates beyond those listed


def member_named(store: Store, member_id: int | None) -> NameRef | None:
    """A member as ``{"id", "name"}`` for JSON (named "Member <id>" when the store has no name);
    None for no member."""
    if member_id is None:
        return None
    member = store.member(member_id)
    name = member["name"] if member and member["name"] else f"Member {member_id}"
    return {"id": member_id, "name": name}


def body_named(store: Store, body_id: int | None) -> NameRef | None:
    """An answering body as ``{"id", "name"}`` for JSON (named "Answering body <id>" when not
    stored); None for no body."""
    if body_id is None:
        return None
    body = store.body(body_id)
    return {"id": body_id, "name": body["name"] if body else f"Answering body {body_id}"}


# The JSON as plain dicts, for callers that add keys of their own to it (the MCP server, posts,
# exports) or keep it beside other dicts; the TypedDicts above say what is in them.


def member_ref(store: Store, member_id: int | None) -> dict[str, object] | None:
    """``member_named`` as a plain dict."""
    ref = member_named(store, member_id)
    return dict(ref) if ref is not None else None


def body_ref(store: Store, body_id: int | None) -> dict[str, object] | None:
    """``body_named`` as a plain dict."""
    ref = body_named(store, body_id)
    return dict(ref) if ref is not None else None


def result_json(store: Store, row: QuestionRow, excerpt: str | None = None) -> dict[str, object]:
    """``result_data`` as a plain dict."""
    return dict(result_data(store, row, excerpt))


def question_json(store: Store, row: QuestionRow) -> dict[str, object]:
    """``question_data`` as a plain dict."""
    return dict(question_data(store, row))


def search_json(store: Store, outcome: SearchOutcome) -> dict[str, object]:
    """``search_data`` as a plain dict."""
    return dict(search_data(store, outcome))


def default_excerpt(row: QuestionRow) -> str:
    """The start of the answer, or of the question when there is no answer yet."""
    text = row["answer_text"] or row["question_text"]
    return cut_at_word(" ".join(text.split()), EXCERPT_LIMIT)


def result_data(store: Store, row: QuestionRow, excerpt: str | None = None) -> ResultJson:
    """A search result in the stable JSON shape."""
    return {
        "id": row["id"],
        "uin": row["uin"],
        "house": row["house"],
        "heading": row["heading"],
        "department": body_named(store, row["answering_body_id"]),
        "asked_by": member_named(store, row["asking_member_id"]),
        "answered_by": member_named(store, row["answering_member_id"]),
        "date_tabled": row["date_tabled"],
        "date_answered": row["date_answered"],
        "status": row["status"],
        "excerpt": excerpt if excerpt is not None else default_excerpt(row),
        "url": row["source_url"] or row["twfy_url"],
        "votes": store.vote_counts(row["id"]),
    }


def question_data(store: Store, row: QuestionRow) -> QuestionJson:
    """``show --json``: a search result plus the full texts and every date and flag."""
    return {
        **result_data(store, row),
        "question": row["question_text"],
        "answer": row["answer_text"],
        "answer_html": row["answer_html"],
        "date_for_answer": row["date_for_answer"],
        "date_holding_answer": row["date_holding_answer"],
        "date_corrected": row["date_corrected"],
        "corrected_by": member_named(store, row["correcting_member_id"]),
        "grouped_questions": json.loads(row["grouped_questions"] or "[]"),
        "attachments": json.loads(row["attachments"] or "[]"),
        "twfy_url": row["twfy_url"],
        "withdrawn": bool(row["is_withdrawn"]),
        "named_day": bool(row["is_named_day"]),
        "interest_declared": bool(row["member_has_interest"]),
        "text_is_partial": bool(row["answer_truncated"] or row["question_truncated"]),
        "not_held": not_held_label(row),
    }


def not_held_label(row: QuestionRow) -> bool | None:
    """Whether a question's substantive answer says the information is not held or would cost
    too much to get (``bot.core.reports.not_held``); None when it has no substantive answer
    (unanswered, a holding answer, lapsed)."""
    if row["status"] not in ("answered", "corrected") or not (row["answer_text"] or "").strip():
        return None
    return is_not_held(row["answer_text"], row["question_text"])


def question_text_block(data: QuestionJson) -> str:
    """``show`` on a terminal."""

    def name(ref: NameRef | None) -> str | None:
        return ref["name"] if ref else "—"

    lines = [
        f"{data['heading'] or '(no heading)'}  [{data['house']} {data['uin']}, id {data['id']}]",
        f"Status:       {data['status']}",
        f"Asked by:     {name(data['asked_by'])}"
        + (f" on {data['date_tabled']}" if data["date_tabled"] else ""),
        f"Department:   {name(data['department'])}",
        f"Answered by:  {name(data['answered_by'])}"
        + (f" on {data['date_answered']}" if data["date_answered"] else ""),
    ]
    if data["date_holding_answer"]:
        lines.append(f"Holding answer given {data['date_holding_answer']}")
    if data["date_corrected"]:
        lines.append(f"Corrected on {data['date_corrected']} by {name(data['corrected_by'])}")
    if data["grouped_questions"]:
        lines.append(
            "Answered together with " + ", ".join(g["uin"] for g in data["grouped_questions"])
        )
    if data["url"]:
        lines.append(f"Link:         {data['url']}")
    lines += [
        "",
        "Question:",
        data["question"],
        "",
        "Answer:",
        data["answer"] or "(not answered yet)",
    ]
    for attachment in data["attachments"]:
        lines.append(f"Attachment: {attachment.get('title')} <{attachment.get('url')}>")
    if data["text_is_partial"]:
        lines.append(
            "(The stored text is the list view's shortened form; `fetch` gets it in full.)"
        )
    lines.append(f"Votes: yes {data['votes']['yes']}, no {data['votes']['no']}")
    return "\n".join(lines)


def search_data(store: Store, outcome: SearchOutcome) -> SearchJson:
    """``search --json``: the stable shape the README gives, plus ``ambiguous`` when a name was not
    resolved surely (its candidates, for a "did you mean")."""
    resolved: dict[str, dict[str, object] | None] = {}
    for option, resolution in outcome.resolved.items():
        best = resolution.best if resolution else None
        resolved[option] = best.as_json() if best else None
    data: SearchJson = {
        "query": outcome.query.as_json(),
        "resolved": resolved,
        "total": outcome.total,
        "results": [result_data(store, r.row, r.excerpt) for r in outcome.results],
    }
    if outcome.total_is_estimate:
        data["total_is_at_least"] = True
    if outcome.ambiguous:
        data["ambiguous"] = {
            option: [c.as_json() for c in resolution.candidates]
            for option, resolution in outcome.ambiguous.items()
        }
        more = {o: r.more for o, r in outcome.ambiguous.items() if r.more}
        if more:
            data["ambiguous_more"] = more  # candidates matched beyond those listed
    return data


def search_table(data: SearchJson) -> str:
    """``search`` on a terminal: one block per result."""
    lines: list[str] = []
    for option, candidates in data.get("ambiguous", {}).items():
        names = ", ".join(str(c["name"]) for c in candidates) or "nothing close"
        if more := data.get("ambiguous_more", {}).get(option):
            names += f" (and {more} more)"
        lines.append(f"--{option.replace('_', '-')} is not clear. Did you mean: {names}?")
    if lines:
        return "\n".join(lines)
    total = data["total"]
    plural = "" if total == 1 else "s"
    lines.append(f"{total}{'+' if data.get('total_is_at_least') else ''} answer{plural}")
    for r in data["results"]:
        refs = (r["asked_by"], r["department"], r["answered_by"])
        who, dept, by = (ref["name"] if ref else "—" for ref in refs)
        lines.append("")
        lines.append(
            f"{r['heading']} · {r['house']} {r['uin']} · {r['status']} "
            f"{r['date_answered'] or r['date_tabled'] or ''} · id {r['id']}"
        )
        lines.append(f"  {who} → {dept} · answered by {by}")
        lines.append(f"  {r['excerpt'].replace('**', '')}")
        if r["url"]:
            lines.append(f"  {r['url']}")
    return "\n".join(lines)


@dataclass(frozen=True)
class AnswerView:
    """Everything a message showing one question needs, read in one go."""

    row: QuestionRow
    data: QuestionJson
    parties: dict[int, str]
    yes: int
    no: int


def answer_view(store: Store, id_or_uin: str | int) -> AnswerView | None:
    """One question as a message shows it, or None when it is not stored."""
    row = store.question(id_or_uin)
    if row is None:
        return None
    data = question_data(store, row)
    refs = [data["asked_by"], data["answered_by"]]
    parties = party_abbreviations(store, [r["id"] for r in refs if r])
    votes = store.vote_counts(row["id"])
    return AnswerView(row, data, parties, votes["yes"], votes["no"])


@dataclass(frozen=True)
class SearchPage:
    """One page of a search, with what its message shows."""

    outcome: SearchOutcome
    results: list[ResultJson]
    parties: dict[int, str]


def search_page(
    store: Store, searcher_factory: Callable[[Store], Searcher], query: SearchQuery
) -> SearchPage:
    """Run ``query`` with ``searcher_factory(store)`` and read what its page shows."""
    outcome = searcher_factory(store).search(query)
    results = [result_data(store, r.row, r.excerpt) for r in outcome.results]
    member_ids = [ref["id"] for r in results for ref in (r["asked_by"], r["answered_by"]) if ref]
    return SearchPage(outcome, results, party_abbreviations(store, member_ids))

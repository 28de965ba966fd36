"""Tests of the local Written Questions API server that the client and poller tests rely on.

Hand-written questions below keep most tests independent of ``../shared/data``; the tests that
check the server against the real captured responses skip when that folder is absent.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from parliament_server import (
    LIST_TEXT_LIMIT,
    ParliamentAPIServer,
    load_real_questions,
    shared_data_dir,
    strip_html,
)

REAL_DATA = shared_data_dir()

LIST = "/writtenquestions/questions"


# --------------------------------------------------------------------------- hand-written data


def member(member_id: int, name: str, party: str = "Conservative") -> dict[str, Any]:
    return {
        "id": member_id,
        "listAs": name,
        "name": name,
        "party": party,
        "partyColour": "0000ff",
        "partyAbbreviation": party[:3],
        "memberFrom": "Somewhere",
        "thumbnailUrl": f"https://members-api.parliament.uk/api/Members/{member_id}/Thumbnail",
    }


ASKER_1 = member(1001, "Asker One")
ASKER_2 = member(1002, "Asker Two", "Labour")
MINISTER_1 = member(2001, "Minister One")
MINISTER_2 = member(2002, "Minister Two")

LONG_QUESTION = (
    "To ask the Secretary of State for Health and Social Care, what assessment he has made of "
    + "the effect of waiting times on outcomes for patients in (a) England, (b) the North East "
    + "and (c) each integrated care board area; and what steps he is taking to reduce those "
    + "waiting times before the end of the current financial year."
)
LONG_ANSWER_HTML = (
    "<p>The Department publishes waiting time statistics every month &amp; they are available "
    '<a href="https://example.org/stats">online</a>.</p><p> </p><table><tr><td>2019</td>'
    "<td>12</td></tr></table><p>"
    + "We are investing in diagnostic capacity across every region of England. " * 5
    + "</p>"
)
HOLDING_TEXT = (
    "The Department of Health and Social Care has indicated that it will not be possible to "
    "answer this question within the usual time period. An answer is being prepared and will "
    "be provided as soon as it is available."
)


def question(qid: int, **fields: Any) -> dict[str, Any]:
    """A complete question value as the detail endpoint returns it, answered by default."""
    value: dict[str, Any] = {
        "id": qid,
        "askingMemberId": ASKER_1["id"],
        "askingMember": ASKER_1,
        "house": "Commons",
        "memberHasInterest": False,
        "dateTabled": "2024-03-01T00:00:00",
        "dateForAnswer": "2024-03-05T00:00:00",
        "uin": str(qid * 10),
        "questionText": f"To ask the Secretary of State for Health, question {qid}.",
        "answeringBodyId": 17,
        "answeringBodyName": "Department of Health and Social Care",
        "isWithdrawn": False,
        "isNamedDay": False,
        "groupedQuestions": [],
        "answerIsHolding": False,
        "answerIsCorrection": False,
        "answeringMemberId": MINISTER_1["id"],
        "answeringMember": MINISTER_1,
        "correctingMemberId": None,
        "correctingMember": None,
        "dateAnswered": "2024-03-05T00:00:00",
        "answerText": f"<p>Answer to {qid}.</p>",
        "originalAnswerText": "",
        "comparableAnswerText": "",
        "dateAnswerCorrected": None,
        "dateHoldingAnswer": None,
        "attachmentCount": 0,
        "heading": "Health Services",
        "attachments": [],
        "groupedQuestionsDates": [],
    }
    value.update(fields)
    return value


UNANSWERED = {
    "answerIsHolding": None,
    "answerIsCorrection": None,
    "answeringMemberId": None,
    "answeringMember": None,
    "dateAnswered": None,
    "answerText": None,
}

ATTACHMENT = {
    "url": "https://example.org/a.pdf",
    "title": "Waiting times",
    "fileType": "PDF",
    "fileSizeBytes": 1234,
}

HAND_QUESTIONS = [
    # Long texts and an attachment: list view truncates, detail keeps everything.
    question(
        101,
        questionText=LONG_QUESTION,
        answerText=LONG_ANSWER_HTML,
        attachments=[ATTACHMENT],
        attachmentCount=1,
    ),
    # Lords, unanswered, another department and asker.
    question(
        102,
        house="Lords",
        uin="HL123",
        dateTabled="2024-03-02T00:00:00",
        dateForAnswer="2024-03-16T00:00:00",
        askingMemberId=ASKER_2["id"],
        askingMember=ASKER_2,
        answeringBodyId=60,
        answeringBodyName="Department for Education",
        **UNANSWERED,
    ),
    # Holding answer.
    question(
        103,
        askingMemberId=ASKER_2["id"],
        askingMember=ASKER_2,
        answeringMemberId=MINISTER_2["id"],
        answeringMember=MINISTER_2,
        dateForAnswer="2024-03-04T00:00:00",
        dateAnswered="2024-03-04T00:00:00",
        dateHoldingAnswer="2024-03-04T00:00:00",
        answerIsHolding=True,
        answerText=HOLDING_TEXT,
    ),
    # Withdrawn.
    question(
        104,
        dateTabled="2024-02-28T00:00:00",
        isWithdrawn=True,
        answeringBodyId=11,
        answeringBodyName="Ministry of Defence",
        **UNANSWERED,
    ),
    # Answered in February, corrected in March.
    question(
        105,
        dateTabled="2024-02-20T00:00:00",
        dateForAnswer="2024-02-26T00:00:00",
        dateAnswered="2024-02-26T00:00:00",
        dateAnswerCorrected="2024-03-06T00:00:00",
        answerIsCorrection=True,
        correctingMemberId=MINISTER_1["id"],
        correctingMember=MINISTER_1,
        answeringBodyId=60,
        answeringBodyName="Department for Education",
    ),
]
# Newest activity first (max of answered/corrected/tabled); 104 is withdrawn.
DEFAULT_ORDER = [105, 101, 103, 102]


# --------------------------------------------------------------------------- fixtures/helpers


@pytest.fixture
async def server() -> AsyncIterator[ParliamentAPIServer]:
    async with ParliamentAPIServer(HAND_QUESTIONS) as srv:
        yield srv


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as client:
        yield client


async def get_json(
    session: aiohttp.ClientSession, url: str, params: Any = None, status: int = 200
) -> Any:
    async with session.get(url, params=params) as response:
        assert response.status == status, await response.text()
        # content_type=None: errors come as application/problem+json.
        return await response.json(content_type=None)


async def list_ids(
    session: aiohttp.ClientSession, server: ParliamentAPIServer, params: Any = None
) -> list[int]:
    body = await get_json(session, server.base_url + LIST, params)
    return [item["value"]["id"] for item in body["results"]]


async def all_pages(
    session: aiohttp.ClientSession, server: ParliamentAPIServer, take: int, params: Any = ()
) -> tuple[int, list[dict[str, Any]]]:
    """Page with skip/take until skip >= totalResults, as the poller does."""
    skip, total, items = 0, None, []
    while total is None or skip < total:
        body = await get_json(
            session, server.base_url + LIST, [*params, ("skip", skip), ("take", take)]
        )
        total = body["totalResults"]
        assert len(body["results"]) <= take
        items.extend(body["results"])
        skip += take
    return total, items


# --------------------------------------------------------------------------- lifecycle


async def test_base_url_and_lifecycle() -> None:
    srv = ParliamentAPIServer()
    with pytest.raises(RuntimeError):
        _ = srv.base_url
    await srv.start()
    try:
        assert srv.base_url.startswith("http://127.0.0.1:")
        assert srv.base_url.endswith("/api")
        assert srv.port > 0
        async with aiohttp.ClientSession() as client:
            body = await get_json(client, srv.base_url + LIST)
        assert body == {"totalResults": 0, "results": []}
    finally:
        await srv.stop()
    await srv.stop()  # stopping twice is harmless


async def test_list_envelope_and_default_order(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    body = await get_json(session, server.base_url + LIST)
    assert body["totalResults"] == len(DEFAULT_ORDER)
    assert [item["value"]["id"] for item in body["results"]] == DEFAULT_ORDER
    for item in body["results"]:
        assert item["links"] == [
            {"rel": "self", "href": f"/Questions/{item['value']['id']}", "method": "GET"}
        ]
        assert set(item["value"]) == set(HAND_QUESTIONS[0])


# --------------------------------------------------------------------------- paging


async def test_paging_covers_every_result_once(session: aiohttp.ClientSession) -> None:
    many = [
        question(1000 + n, dateTabled=f"2024-01-{1 + n % 28:02d}T00:00:00", dateAnswered=None)
        for n in range(47)
    ]
    async with ParliamentAPIServer(many) as srv:
        # Default take is 20.
        first = await get_json(session, srv.base_url + LIST)
        assert first["totalResults"] == 47
        assert len(first["results"]) == 20
        for take in (1, 7, 20, 47, 100):
            total, items = await all_pages(session, srv, take)
            ids = [item["value"]["id"] for item in items]
            assert total == 47
            assert sorted(ids) == sorted(q["id"] for q in many)
            assert len(ids) == len(set(ids))
        beyond = await get_json(session, srv.base_url + LIST, {"skip": 100})
        assert beyond == {"totalResults": 47, "results": []}
        assert await list_ids(session, srv, {"take": 0}) == []
        # Paging requests are recorded with their parameters.
        pages = [r for r in srv.requests_of("list") if r.query.get("take") == "7"]
        assert [int(r.query["skip"]) for r in pages] == list(range(0, 49, 7))


# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tabledWhenFrom": "2024-03-01", "tabledWhenTo": "2024-03-01"}, [101, 103]),
        ({"tabledWhenFrom": "2024-03-02"}, [102]),
        ({"tabledWhenTo": "2024-02-28"}, [105]),  # 104 is withdrawn
        ({"answeredWhenFrom": "2024-03-04", "answeredWhenTo": "2024-03-05"}, [101, 103]),
        ({"answeredWhenFrom": "2024-02-26", "answeredWhenTo": "2024-02-26"}, [105]),
        ({"correctedWhenFrom": "2024-03-06", "correctedWhenTo": "2024-03-06"}, [105]),
        ({"correctedWhenFrom": "2024-03-07"}, []),
        ({"dateForAnswerWhenFrom": "2024-03-04", "dateForAnswerWhenTo": "2024-03-04"}, [103]),
        ({"dateForAnswerWhenFrom": "2024-03-10"}, [102]),
        ({"askingMemberId": "1002"}, [103, 102]),
        ({"answeringMemberId": "2001"}, [105, 101]),
        ([("members", "1002"), ("members", "2001")], DEFAULT_ORDER),
        ([("members", "2002")], [103]),
        ([("answeringBodies", "60")], [105, 102]),
        ([("answeringBodies", "17"), ("answeringBodies", "11")], [101, 103]),
        ({"house": "Lords"}, [102]),
        ({"house": "Commons"}, [105, 101, 103]),
        ({"house": "Bicameral"}, DEFAULT_ORDER),
        ({"answered": "Unanswered"}, [102]),
        ({"answered": "Answered"}, [105, 101, 103]),
        ({"answered": "Any"}, DEFAULT_ORDER),
        ({"includeWithdrawn": "true"}, [105, 101, 103, 102, 104]),
        ({"includeWithdrawn": "true", "answered": "Unanswered"}, [102, 104]),
        ({"uIN": "HL123"}, [102]),
        ({"uIN": "1010"}, [101]),
        ({"searchTerm": "diagnostic capacity"}, [101]),
        # The live API binds parameter names case-insensitively; full timestamps are dates too.
        ({"uin": "hl123"}, [102]),
        ({"TABLEDWHENFROM": "2024-03-02T00:00:00"}, [102]),
        # Empty values count as absent.
        ({"house": "", "askingMemberId": ""}, DEFAULT_ORDER),
    ],
)
async def test_filters(
    server: ParliamentAPIServer,
    session: aiohttp.ClientSession,
    params: Any,
    expected: list[int],
) -> None:
    assert await list_ids(session, server, params) == expected
    body = await get_json(session, server.base_url + LIST, params)
    assert body["totalResults"] == len(expected)


async def test_repeated_members_parameter_is_recorded(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    await list_ids(session, server, [("members", "1001"), ("members", "2002")])
    assert server.requests[-1].query.getall("members") == ["1001", "2002"]
    assert server.requests[-1].method == "GET"
    assert server.requests[-1].path == "/api/writtenquestions/questions"


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"tabledWhenFrom": "yesterday"}, "tabledWhenFrom"),
        ({"answeredWhenTo": "2024-13-01"}, "answeredWhenTo"),
        ({"correctedWhenFrom": "01/03/2024"}, "correctedWhenFrom"),
        ({"dateForAnswerWhenTo": "x"}, "dateForAnswerWhenTo"),
        ({"askingMemberId": "abc"}, "askingMemberId"),
        ([("members", "1"), ("members", "two")], "members"),
        ({"house": "Scotland"}, "house"),
        ({"answered": "maybe"}, "answered"),
        ({"includeWithdrawn": "yes"}, "includeWithdrawn"),
        ({"expandMember": "1"}, "expandMember"),
        ({"take": "-1"}, "take"),
        ({"skip": "ten"}, "skip"),
    ],
)
async def test_bad_parameters_are_rfc7807_400(
    server: ParliamentAPIServer, session: aiohttp.ClientSession, params: Any, name: str
) -> None:
    async with session.get(server.base_url + LIST, params=params) as response:
        assert response.status == 400
        assert response.content_type == "application/problem+json"
        body = await response.json(content_type=None)
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == 400
    assert body["instance"] == "/api/writtenquestions/questions"
    assert name in body["detail"]
    assert name in body["errors"]


# --------------------------------------------------------------------------- views


async def test_list_truncates_and_detail_is_full(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    listed = await get_json(session, server.base_url + LIST, {"uIN": "1010"})
    item = listed["results"][0]["value"]
    plain = strip_html(LONG_ANSWER_HTML)
    assert len(plain) > LIST_TEXT_LIMIT
    assert item["answerText"] == plain[:LIST_TEXT_LIMIT] + "..."
    assert "<" not in item["answerText"] and "&amp;" not in item["answerText"]
    assert item["answerText"].startswith("The Department publishes waiting time statistics")
    assert "& they are available online." in item["answerText"]
    assert "201912" in item["answerText"]  # table cells glued together, as the live API does
    assert item["questionText"] == LONG_QUESTION[:LIST_TEXT_LIMIT]
    assert item["attachments"] == []
    assert item["attachmentCount"] == 1

    detail = await get_json(session, server.base_url + LIST + "/101")
    assert detail["links"] == [{"rel": "self", "href": "/Questions/101", "method": "GET"}]
    assert detail["value"]["answerText"] == LONG_ANSWER_HTML
    assert detail["value"]["questionText"] == LONG_QUESTION
    assert detail["value"]["attachments"] == [ATTACHMENT]

    # Short texts are not marked; unanswered stays null.
    short = {
        i["value"]["id"]: i["value"]
        for i in (await get_json(session, server.base_url + LIST, {"includeWithdrawn": "true"}))[
            "results"
        ]
    }
    assert short[103]["answerText"] == HOLDING_TEXT
    assert short[105]["answerText"] == "Answer to 105."
    assert short[102]["answerText"] is None


async def test_expand_member(server: ParliamentAPIServer, session: aiohttp.ClientSession) -> None:
    plain = await get_json(session, server.base_url + LIST, {"uIN": "1050"})
    value = plain["results"][0]["value"]
    assert value["askingMemberId"] == 1001 and value["askingMember"] is None
    assert value["answeringMemberId"] == 2001 and value["answeringMember"] is None
    assert value["correctingMemberId"] == 2001 and value["correctingMember"] is None

    expanded = await get_json(
        session, server.base_url + LIST, {"uIN": "1050", "expandMember": "true"}
    )
    value = expanded["results"][0]["value"]
    assert value["askingMember"] == ASKER_1
    assert value["answeringMember"] == MINISTER_1
    assert value["correctingMember"] == MINISTER_1

    detail = await get_json(session, server.base_url + LIST + "/103")
    assert detail["value"]["askingMember"] is None
    detail = await get_json(session, server.base_url + LIST + "/103", {"expandMember": "True"})
    assert detail["value"]["askingMember"] == ASKER_2
    assert detail["value"]["answeringMember"] == MINISTER_2


async def test_expand_member_fills_objects_known_from_other_questions(
    session: aiohttp.ClientSession,
) -> None:
    bare = question(201, askingMember=None, answeringMember=None)
    async with ParliamentAPIServer([bare, HAND_QUESTIONS[0]]) as srv:
        detail = await get_json(session, srv.base_url + LIST + "/201", {"expandMember": "true"})
    assert detail["value"]["askingMember"] == ASKER_1
    assert detail["value"]["answeringMember"] == MINISTER_1


async def test_detail_404_and_by_date_and_uin(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    async with session.get(server.base_url + LIST + "/999") as response:
        assert response.status == 404
        assert response.content_type == "application/problem+json"
        body = await response.json(content_type=None)
    assert body["status"] == 404
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["instance"] == "/api/writtenquestions/questions/999"

    await get_json(session, server.base_url + LIST + "/abc", status=400)

    found = await get_json(session, server.base_url + LIST + "/2024-03-02/HL123")
    assert found["value"]["id"] == 102
    await get_json(session, server.base_url + LIST + "/2024-03-03/HL123", status=404)
    await get_json(session, server.base_url + LIST + "/March/HL123", status=400)
    assert [r.kind for r in server.requests] == ["detail"] * 5


# --------------------------------------------------------------------------- publish


async def test_publish_holding_answer_turns_substantive(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    answered_on = {"answeredWhenFrom": "2024-03-08", "answeredWhenTo": "2024-03-08"}
    assert await list_ids(session, server, answered_on) == []

    substantive = copy.deepcopy(server.questions[103])
    substantive.update(
        answerIsHolding=False,
        dateAnswered="2024-03-08T00:00:00",
        answerText="<p>The full answer.</p>",
    )
    server.publish(substantive)

    assert await list_ids(session, server, answered_on) == [103]
    assert await list_ids(session, server) == [103, 105, 101, 102]  # newest activity first
    detail = await get_json(session, server.base_url + LIST + "/103")
    assert detail["value"]["answerIsHolding"] is False
    assert detail["value"]["dateHoldingAnswer"] == "2024-03-04T00:00:00"
    assert detail["value"]["answerText"] == "<p>The full answer.</p>"


async def test_publish_correction_new_question_and_withdrawal(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    corrected = question(
        101,
        answerText="<p>Corrected.</p>",
        answerIsCorrection=True,
        dateAnswerCorrected="2024-03-09T00:00:00",
        correctingMemberId=2001,
        correctingMember=MINISTER_1,
    )
    server.publish({"value": corrected, "links": []})  # an envelope is accepted too
    server.publish(question(106, dateTabled="2024-03-07T00:00:00", **UNANSWERED))
    server.publish(question(102, isWithdrawn=True, house="Lords", **UNANSWERED))
    assert await list_ids(session, server) == [101, 106, 105, 103]
    assert await list_ids(
        session, server, {"correctedWhenFrom": "2024-03-09", "correctedWhenTo": "2024-03-09"}
    ) == [101]
    # The original dict is not shared with the server.
    corrected["answerText"] = "changed after publishing"
    detail = await get_json(session, server.base_url + LIST + "/101")
    assert detail["value"]["answerText"] == "<p>Corrected.</p>"
    assert set(server.questions) == {101, 102, 103, 104, 105, 106}
    server.remove(106)
    assert 106 not in await list_ids(session, server)
    with pytest.raises(ValueError):
        server.publish({"questionText": "no id"})


# --------------------------------------------------------------------------- faults


async def test_fault_500(server: ParliamentAPIServer, session: aiohttp.ClientSession) -> None:
    server.inject("500", count=2)
    for _ in range(2):
        async with session.get(server.base_url + LIST) as response:
            assert response.status == 500
            body = await response.json(content_type=None)
            assert body["status"] == 500
    assert await list_ids(session, server) == DEFAULT_ORDER
    assert [r.fault for r in server.requests] == ["500", "500", None]
    assert server.pending_faults == 0


async def test_fault_status500_in_a_200(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    server.inject("status500")
    async with session.get(server.base_url + LIST) as response:
        assert response.status == 200
        body = await response.json()
    assert body["status"] == 500
    assert "title" in body and "results" not in body


async def test_fault_429_with_retry_after(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    server.inject("429", retry_after=3)
    async with session.get(server.base_url + LIST) as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "3"
    server.inject("429", retry_after=None)
    async with session.get(server.base_url + LIST) as response:
        assert response.status == 429
        assert "Retry-After" not in response.headers


async def test_fault_slow_and_client_timeout(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    server.inject("slow", delay=0.3)
    assert await list_ids(session, server) == DEFAULT_ORDER  # slow, and still right

    server.inject("slow", delay=5)
    with pytest.raises(asyncio.TimeoutError):
        async with session.get(
            server.base_url + LIST, timeout=aiohttp.ClientTimeout(total=0.2)
        ) as response:
            await response.read()


async def test_fault_truncated_json(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    server.inject("truncated", path="detail")
    async with session.get(server.base_url + LIST + "/101") as response:
        assert response.status == 200
        raw = await response.read()
        with pytest.raises(json.JSONDecodeError):
            await response.json()
    assert int(response.headers["Content-Length"]) == len(raw)
    full = await get_json(session, server.base_url + LIST + "/101")
    assert raw == json.dumps(full).encode()[: len(raw)]


async def test_fault_reset(server: ParliamentAPIServer, session: aiohttp.ClientSession) -> None:
    # aiohttp retries a GET once on a dropped connection, so two resets reach the caller.
    server.inject("reset", count=2)
    with pytest.raises(aiohttp.ClientConnectionError):
        async with session.get(server.base_url + LIST) as response:
            await response.read()
    assert [r.fault for r in server.requests] == ["reset", "reset"]
    # A single reset is absorbed by that retry: the caller sees data, the server two requests.
    server.inject("reset")
    assert await list_ids(session, server) == DEFAULT_ORDER
    assert [r.fault for r in server.requests[2:]] == ["reset", None]


async def test_faults_filtered_by_path_and_queued_in_order(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    server.inject("500", path="detail")
    server.inject("429", path="list")
    server.inject("status500")
    assert server.pending_faults == 3
    async with session.get(server.base_url + LIST) as response:
        assert response.status == 429  # the detail fault is skipped for a list request
    async with session.get(server.base_url + LIST + "/101") as response:
        assert response.status == 500
    async with session.get(server.base_url + LIST + "/101") as response:
        assert (await response.json())["status"] == 500
    assert (await get_json(session, server.base_url + LIST + "/101"))["value"]["id"] == 101
    assert [(r.kind, r.fault) for r in server.requests] == [
        ("list", "429"),
        ("detail", "500"),
        ("detail", "status500"),
        ("detail", None),
    ]
    server.inject("500", count=5)
    server.clear_faults()
    assert server.pending_faults == 0
    with pytest.raises(ValueError):
        server.inject("teapot")
    with pytest.raises(ValueError):
        server.inject("500", path="lists")


async def test_requests_have_timestamps(
    server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    spans = []
    for _ in range(3):
        before = time.monotonic()
        await list_ids(session, server)
        spans.append((before, time.monotonic()))
    times = [r.time for r in server.requests_of("list")]
    assert len(times) == 3
    # Each request's time is when it arrived: within its own call, in order.
    assert all(a <= t <= b for t, (a, b) in zip(times, spans, strict=True))


async def test_stop_does_not_wait_for_slow_handlers(session: aiohttp.ClientSession) -> None:
    srv = await ParliamentAPIServer(HAND_QUESTIONS).start()
    srv.inject("slow", delay=3600)  # were stop() to wait for it, the test would time out
    pending = asyncio.ensure_future(session.get(srv.base_url + LIST))
    await srv.wait_for_requests(1)
    await srv.stop()
    # The woken handler may still answer or the connection may be gone; either is fine.
    with contextlib.suppress(aiohttp.ClientError):
        async with await pending as response:
            await response.read()


# --------------------------------------------------------------------------- loading


def write_json(folder: Path, name: str, document: Any) -> None:
    (folder / name).write_text(json.dumps(document), encoding="utf-8")


def list_item(value: dict[str, Any]) -> dict[str, Any]:
    """How a value looked in a captured list response."""
    item = copy.deepcopy(value)
    item["questionText"] = item["questionText"][:LIST_TEXT_LIMIT]
    if item["answerText"]:
        plain = strip_html(item["answerText"])
        item["answerText"] = (
            plain[:LIST_TEXT_LIMIT] + "..." if len(plain) > LIST_TEXT_LIMIT else plain
        )
    item["attachments"] = []
    return {"value": item, "links": [{"rel": "self", "href": "/Questions/1", "method": "GET"}]}


def test_load_merges_states_and_keeps_full_texts(tmp_path: Path) -> None:
    holding = question(
        301,
        dateAnswered="2024-03-04T00:00:00",
        dateHoldingAnswer="2024-03-04T00:00:00",
        answerIsHolding=True,
        answerText=HOLDING_TEXT,
    )
    substantive = question(
        301,
        dateAnswered="2024-03-10T00:00:00",
        dateHoldingAnswer="2024-03-04T00:00:00",
        answerText=LONG_ANSWER_HTML,
        questionText=LONG_QUESTION,
        attachments=[ATTACHMENT],
        attachmentCount=1,
    )
    same_day_holding = question(302, answerIsHolding=True, answerText=HOLDING_TEXT)
    same_day_answer = question(302, answerText="<p>Substantive on the same day.</p>")
    original = question(303, answerText=LONG_ANSWER_HTML)
    corrected = question(
        303,
        answerText=LONG_ANSWER_HTML.replace("2019", "2020"),
        answerIsCorrection=True,
        dateAnswerCorrected="2024-03-12T00:00:00",
    )
    # Files load in name order; later states must win whatever the order.
    write_json(
        tmp_path,
        "a-list.json",
        {
            "totalResults": 9,
            "results": [
                list_item(substantive),
                list_item(same_day_answer),
                list_item(corrected),
            ],
        },
    )
    write_json(
        tmp_path,
        "b-list.json",
        {
            "totalResults": 9,
            "results": [
                list_item(holding),
                list_item(same_day_holding),
                list_item(original),
            ],
        },
    )
    write_json(tmp_path, "c-single.json", {"value": substantive, "links": []})
    write_json(tmp_path, "d-single.json", {"value": original, "links": []})
    write_json(
        tmp_path,
        "e-statements.json",
        {
            "totalResults": 1,
            "results": [{"value": {"id": 999, "title": "A statement", "text": "..."}, "links": []}],
        },
    )
    write_json(tmp_path, "f-other.json", ["not", "an", "envelope"])

    loaded = {q["id"]: q for q in load_real_questions(tmp_path)}
    assert set(loaded) == {301, 302, 303}
    assert loaded[301]["dateAnswered"] == "2024-03-10T00:00:00"
    assert loaded[301]["answerIsHolding"] is False
    assert loaded[301]["answerText"] == LONG_ANSWER_HTML  # full HTML over the list's cut
    assert loaded[301]["questionText"] == LONG_QUESTION
    assert loaded[301]["attachments"] == [ATTACHMENT]
    assert loaded[302]["answerText"] == "Substantive on the same day."  # only list captures
    # The correction wins and keeps its own (cut) text, not the older full answer.
    assert loaded[303]["answerIsCorrection"] is True
    assert loaded[303]["answerText"].endswith("...")
    assert "<p>" not in loaded[303]["answerText"]


def test_load_without_data_dir_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_real_questions(tmp_path / "missing")


# --------------------------------------------------------------------------- real data


def captured(name: str) -> dict[str, Any]:
    return json.loads((REAL_DATA / name).read_text(encoding="utf-8"))


def captured_ids(name: str) -> list[int]:
    return [item["value"]["id"] for item in captured(name)["results"]]


@pytest.fixture
async def real_server() -> AsyncIterator[ParliamentAPIServer]:
    async with ParliamentAPIServer(load_real_questions(REAL_DATA)) as srv:
        yield srv


def test_real_data_loads_every_question_once() -> None:
    questions = load_real_questions()
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids)) == 182
    assert all("questionText" in q for q in questions)
    # The single-question capture keeps its full HTML answer.
    single = next(q for q in questions if q["id"] == 1679416)
    assert single["answerText"].startswith("<p>")


async def test_real_data_paging(
    real_server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    total, items = await all_pages(session, real_server, 50)
    ids = [item["value"]["id"] for item in items]
    assert total == 182
    assert sorted(ids) == sorted(real_server.questions)
    assert len(real_server.requests) == 4


@pytest.mark.parametrize(
    ("name", "params"),
    [
        (
            "list-tabled-2021-02-01-body-11.json",
            {"answeringBodies": "11", "tabledWhenFrom": "2021-02-01", "tabledWhenTo": "2021-02-01"},
        ),
        (
            "list-answered-2021-02-01-body-11.json",
            {
                "answeringBodies": "11",
                "answeredWhenFrom": "2021-02-01",
                "answeredWhenTo": "2021-02-01",
            },
        ),
        (
            "list-tabled-2021-02-01-asking-member-4651.json",
            {
                "askingMemberId": "4651",
                "tabledWhenFrom": "2021-02-01",
                "tabledWhenTo": "2021-02-01",
            },
        ),
        (
            "list-answered-2021-02-01-answering-member-4485.json",
            {
                "answeringMemberId": "4485",
                "answeredWhenFrom": "2021-02-01",
                "answeredWhenTo": "2021-02-01",
            },
        ),
    ],
)
async def test_real_filters_reproduce_whole_captures(
    real_server: ParliamentAPIServer,
    session: aiohttp.ClientSession,
    name: str,
    params: dict[str, str],
) -> None:
    """Files captured whole with a filter: the same filter here returns the same questions."""
    body = await get_json(session, real_server.base_url + LIST, {**params, "take": 1000})
    expected = captured_ids(name)
    assert sorted(item["value"]["id"] for item in body["results"]) == sorted(expected)
    # Same day-level order as the live API (ties within a day are ordered by id here).
    expected_by_id = {item["value"]["id"]: item["value"] for item in captured(name)["results"]}
    got = [item["value"] for item in body["results"]]
    activity = [
        max(d for d in (v["dateAnswered"], v["dateAnswerCorrected"], v["dateTabled"]) if d)
        for v in got
    ]
    assert activity == sorted(activity, reverse=True)
    # The list view reproduces the captured list texts.
    for value in got:
        assert value["answerText"] == expected_by_id[value["id"]]["answerText"]
        assert value["questionText"] == expected_by_id[value["id"]]["questionText"]


async def test_real_list_members_and_detail(
    real_server: ParliamentAPIServer, session: aiohttp.ClientSession
) -> None:
    expanded = await get_json(
        session,
        real_server.base_url + LIST,
        {"askingMemberId": "4651", "expandMember": "true", "take": 1000},
    )
    assert all(item["value"]["askingMember"]["id"] == 4651 for item in expanded["results"])
    plain = await get_json(session, real_server.base_url + LIST, {"askingMemberId": "4651"})
    assert all(item["value"]["askingMember"] is None for item in plain["results"])

    detail = await get_json(session, real_server.base_url + LIST + "/1679416")
    assert detail == captured("single-1679416.json")
    listed = await get_json(session, real_server.base_url + LIST, {"uIN": "7926"})
    text = listed["results"][0]["value"]["answerText"]
    assert text.startswith("The department is supporting sectors") and text.endswith("...")
    assert len(text) == LIST_TEXT_LIMIT + 3
    by_uin = await get_json(session, real_server.base_url + LIST + "/2024-01-05/7926")
    assert by_uin["value"]["id"] == 1679416
    # That capture is a sample of the day: the filter finds it all (and 1679416 besides).
    day = await get_json(
        session,
        real_server.base_url + LIST,
        {"tabledWhenFrom": "2024-01-05", "tabledWhenTo": "2024-01-05", "take": 1000},
    )
    found = {item["value"]["id"] for item in day["results"]}
    assert set(captured_ids("list-tabled-2024-01-05-no-expand.json")) | {1679416} <= found

"""The typed /subscribe request (bot.core.news.requests): searches saved by earlier versions,
with the options in ``pinned`` under their old keys, load into it unchanged, and it writes the
same keys back."""

from __future__ import annotations

import pytest

from bot.core.news.kinds import Events
from bot.core.news.requests import SubscribeRequest, stored_request
from bot.core.news.schedules import ScheduleError
from bot.core.search.fulltext import SearchQuery

# A /subscribe waiting on its preview, as the previous release saved it (search_sessions.query).
SAVED_BEFORE = {
    "text": "special educational needs",
    "house": "Commons",
    "pinned": {
        "channel": 1111, "department": 60, "mention": 2222, "mention_unheard": True,
        "schedule": "weekly", "at": "07:30", "day": "Friday", "events": "all",
        "nothing_new": True, "thread_per_answer": False,
    },
}


def test_a_search_saved_before_loads_into_the_typed_request() -> None:
    query = SearchQuery.from_json(SAVED_BEFORE)
    request = SubscribeRequest.of(query)
    assert (request.channel, request.mention, request.mention_unheard) == (1111, 2222, True)
    assert (request.schedule, request.at, request.day) == ("weekly", "07:30", "Friday")
    assert request.events == Events.ALL and request.nothing_new and not request.thread_per_answer
    posting = request.posting()
    assert posting.mention_role_id == 2222 and posting.schedule.is_digest
    assert query.pinned["department"] == 60  # a picked name stays a pin of the search


def test_it_writes_the_same_keys_back() -> None:
    query = SearchQuery.from_json(SAVED_BEFORE)
    request = SubscribeRequest.of(query)
    request.keep_in(query)
    assert query.as_json()["pinned"] == SAVED_BEFORE["pinned"]
    request.choose_schedule("instant", None, None)  # posting at once drops the digest's time
    request.keep_in(query)
    assert "at" not in query.pinned and "day" not in query.pinned


def test_a_bad_schedule_is_refused() -> None:
    request = SubscribeRequest(channel=1, schedule="daily", at="25:99")
    with pytest.raises(ScheduleError):
        request.posting()


def test_a_stored_subscription_becomes_its_request() -> None:
    row = {"id": 9, "channel_id": 1111, "events": "answers", "schedule": "daily",
           "digest_time": "08:00", "digest_day": 0, "nothing_new": 0, "thread_per_answer": 1,
           "mention_role_id": None, "asked_by_id": 4651, "answered_by_id": None,
           "member_id": None, "department_id": 29}
    request, names = stored_request(row)
    assert (request.edit, request.channel, request.at, request.day) == (9, 1111, "08:00", None)
    assert request.thread_per_answer and request.mention is None
    assert names == {"asked_by": 4651, "department": 29}

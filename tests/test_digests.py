"""Scheduled digests without Discord: UK wall-clock times across clock changes, exactly one
digest per period, "nothing new" notices, preview counts and edits in place."""

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from conftest import FIXTURES

from bot.core.news.deliveries import DIGEST_SIZE, DeliveryQueue
from bot.core.news.schedules import (
    DAILY,
    WEEKLY,
    Schedule,
    ScheduleError,
    make_schedule,
    parse_time,
)
from bot.core.news.subscriptions import Posting, SubscriptionBook, SubscriptionError, matching_tags
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_daily_digest_keeps_its_uk_time_across_both_clock_changes() -> None:
    eight = Schedule(DAILY, time(8, 0))
    # GMT in winter: 08:00 UK is 08:00 UTC; after the clocks go forward it is 07:00 UTC.
    assert eight.next_after(utc("2026-03-28T08:00:00")) == utc("2026-03-29T07:00:00")
    assert eight.next_after(utc("2026-03-29T07:00:00")) == utc("2026-03-30T07:00:00")
    # And back in October: the Sunday the clocks go back is GMT again by 08:00.
    assert eight.next_after(utc("2026-10-24T07:00:00")) == utc("2026-10-25T08:00:00")


def test_the_repeated_and_the_missing_hour_each_fire_once() -> None:
    half_past_one = Schedule(DAILY, time(1, 30))
    # 25 October 2026: 01:30 happens twice (BST, then GMT); the first counts, once.
    first = half_past_one.next_after(utc("2026-10-24T12:00:00"))
    assert first == utc("2026-10-25T00:30:00")
    assert half_past_one.next_after(first) == utc("2026-10-26T01:30:00")
    # 29 March 2026: 01:30 does not exist; it fires at 01:00 UTC (02:00 BST), once.
    missing = half_past_one.next_after(utc("2026-03-28T12:00:00"))
    assert missing == utc("2026-03-29T01:30:00")
    assert half_past_one.next_after(missing) == utc("2026-03-30T00:30:00")


def test_weekly_digests_and_what_people_type() -> None:
    friday = make_schedule("weekly", "5:30pm", "friday")
    assert friday == Schedule(WEEKLY, time(17, 30), 4)
    # Monday 30 November 2026 → Friday 4 December, 17:30 GMT.
    assert friday.next_after(utc("2026-11-30T09:00:00")) == utc("2026-12-04T17:30:00")
    assert friday.words() == "a weekly digest on Fridays at 17:30 UK time"
    assert parse_time("8") == time(8) and parse_time("08.15") == time(8, 15)
    assert parse_time("12am") == time(0) and parse_time(None) == time(8)
    for bad in ("25:00", "13pm", "noonish", "8:61", "'; DROP TABLE x;--"):
        with pytest.raises(ScheduleError):
            parse_time(bad)
    with pytest.raises(ScheduleError, match="needs schedule"):
        make_schedule("instant", "08:00")
    with pytest.raises(ScheduleError, match="no day"):
        make_schedule("daily", "08:00", "Monday")
    with pytest.raises(ScheduleError):
        make_schedule("hourly")


def answers(tmp_path: Path, ids: range, body: int = 60, name: str = "many.json") -> Path:
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    path = tmp_path / name
    path.write_text(json.dumps({"results": [
        {"value": dict(base, id=i, uin=str(i), answeringBodyId=body)} for i in ids]}))
    return path


def daily(at: str = "08:00", nothing_new: bool = False) -> Posting:
    return Posting(schedule=make_schedule("daily", at), nothing_new=nothing_new)


def test_a_digest_gathers_until_its_time_then_goes_once(store: Store, tmp_path: Path) -> None:
    book = SubscriptionBook(store)
    made = utc("2026-11-30T09:00:00")
    row, _ = book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50, daily(), made)
    assert row["next_digest_at"] == "2026-12-01T08:00:00Z"
    queue = DeliveryQueue(store, book)
    ingest_paths(store, [answers(tmp_path, range(700, 700 + DIGEST_SIZE + 5))])
    queue.plan()
    assert queue.batches() == []  # gathered, not posted as they come
    assert queue.due_digests(utc("2026-12-01T07:59:59")) == 0
    assert queue.due_digests(utc("2026-12-01T08:00:00")) == 2  # 25 items: two messages
    batches = queue.batches()
    assert [b.title for b in batches] == [
        "Daily digest, Tuesday 1 December (1 of 2)", "Daily digest, Tuesday 1 December (2 of 2)"]
    assert [len(b.deliveries) for b in batches] == [DIGEST_SIZE, 5]
    assert all(b.is_digest for b in batches)
    # A restart at the digest moment: the same digests, with the same nonces, and no more.
    again = DeliveryQueue(store, SubscriptionBook(store))
    assert again.due_digests(utc("2026-12-01T08:00:30")) == 0
    assert [(b.id, b.nonce) for b in again.batches()] == [(b.id, b.nonce) for b in batches]
    for batch in batches:
        again.mark_sent(batch, 9000 + batch.id)
    assert again.batches() == []
    assert book.get(row["id"])["next_digest_at"] == "2026-12-02T08:00:00Z"
    # An empty day sends nothing...
    assert again.due_digests(utc("2026-12-02T08:00:00")) == 0 and again.batches() == []


def test_nothing_new_is_said_when_asked_for_once(store: Store) -> None:
    book = SubscriptionBook(store)
    book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50,
                   daily(nothing_new=True), utc("2026-11-30T09:00:00"))
    queue = DeliveryQueue(store, book)
    assert queue.due_digests(utc("2026-12-01T08:00:00")) == 1
    (notice,) = queue.batches()
    assert notice.notice and notice.deliveries == [] and notice.title.startswith("Daily digest")
    assert queue.due_digests(utc("2026-12-01T08:05:00")) == 0
    assert [b.id for b in queue.batches()] == [notice.id]  # unsent: the same one, not another
    queue.mark_sent(notice, 4242)
    assert queue.batches() == []


def test_instant_posts_in_the_same_channel_are_not_held_back(
    store: Store, tmp_path: Path
) -> None:
    book = SubscriptionBook(store)
    book.subscribe(1, 10, {"department_id": 60}, "DfE daily", 5, "u", 50, daily(),
                   utc("2026-11-30T09:00:00"))
    book.subscribe(1, 11, {"department_id": 60}, "DfE now", 5, "u", 50)
    ingest_paths(store, [answers(tmp_path, range(700, 702))])
    queue = DeliveryQueue(store, book)
    queue.plan()
    assert sorted(b.channel_id for b in queue.batches()) == [11, 11]


def test_the_preview_counts_what_would_have_been_posted(store: Store, tmp_path: Path) -> None:
    ingest_paths(store, [answers(tmp_path, range(700, 707)),
                         answers(tmp_path, range(800, 803), body=11, name="mod.json")])
    book = SubscriptionBook(store)
    answered = store.question(700)["date_answered"]
    today = date.fromisoformat(answered)
    count, latest = book.preview({"department_id": 60}, today)
    assert count == 7 and len(latest) == 3
    assert all(r["answering_body_id"] == 60 for r in latest)
    assert book.preview({"department_id": 11}, today)[0] == 3
    # Thirty days on, nothing of that day counts.
    later = date.fromordinal(today.toordinal() + 31)
    assert book.preview({"department_id": 60}, later) == (0, [])
    with pytest.raises(SubscriptionError):
        book.preview({}, today)


def test_an_edit_keeps_the_subscription_and_its_history(store: Store, tmp_path: Path) -> None:
    book = SubscriptionBook(store)
    row, _ = book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50)
    ingest_paths(store, [answers(tmp_path, range(700, 701))])
    queue = DeliveryQueue(store, book)
    queue.plan()
    (batch,) = queue.batches()
    queue.mark_sent(batch, 5555)
    ingest_paths(store, [answers(tmp_path, range(701, 702), name="next.json")])
    queue.plan()  # waiting for the next post
    edited = book.edit(1, row["id"], 12, {"department_id": 11}, "MoD", daily(),
                       utc("2026-11-30T09:00:00"))
    assert edited["id"] == row["id"] and edited["channel_id"] == 12
    assert edited["schedule"] == "daily" and edited["description"] == "MoD"
    assert book.posted_counts([row["id"]])[row["id"]][0] == 1  # what it posted stays its own
    # The DfE answer that waited no longer matches: dropped, not posted to the new channel.
    assert store.rows("SELECT * FROM deliveries WHERE status = 'pending'") == []
    assert book.edit(2, row["id"], 12, {"department_id": 11}, "MoD", daily()) is None
    other, _ = book.subscribe(1, 13, {"house": "Lords"}, "Lords", 5, "u", 50)
    with pytest.raises(SubscriptionError, match="already has"):
        book.edit(1, other["id"], 12, {"department_id": 11}, "MoD", Posting())


def test_forum_tags_are_chosen_by_department_and_house() -> None:
    tags = ["Health", "DfE", "Lords", "House of Commons", "Education", "Defence"]
    assert matching_tags(tags, 60, "Department for Education", "Commons") == [1, 3, 4]
    assert matching_tags(tags, 11, "Ministry of Defence", "Lords") == [2, 5]
    assert matching_tags([], 60, "Department for Education", "Commons") == []


def test_a_full_digest_shows_every_item_within_discords_limits() -> None:
    from bot.core.news.outbox import interleaved
    from bot.discord.embeds import DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT
    from bot.discord.subscriptions.embeds import digest_embed

    items = [("New answer", {
        "heading": f"Special Educational Needs and Disabilities: Transport {n} " * 4,
        "url": f"https://questions-statements.parliament.uk/written-questions/detail/"
               f"2026-11-30/{900000 + n}",
        "asked_by": {"name": "Sir Christopher Robert Chope-Longername"},
        "department": {"name": ["Department for Education", "Ministry of Defence"][n % 2]},
    }) for n in range(DIGEST_SIZE)]
    embed = digest_embed(items, "New answers from the Department for Education",
                         "Daily digest, Tuesday 1 December")
    description = embed.description or ""
    assert len(description) <= DESCRIPTION_LIMIT and len(embed) <= EMBED_TOTAL_LIMIT
    assert all(item["url"] in description for _, item in items)
    assert description.index("__Department for Education__") < description.index(
        "__Ministry of Defence__")
    # Channels take turns: a busy channel's sixth message never holds the others up.
    from bot.core.news.outbox import Batch

    batches = [Batch(i, channel, "n") for i, channel in enumerate([1, 1, 1, 2, 2, 3])]
    assert [(b.channel_id, b.id) for b in interleaved(batches)] == [
        (1, 0), (2, 3), (3, 5), (1, 1), (2, 4), (1, 2)]

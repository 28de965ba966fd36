"""Subscriptions, delivery and votes without Discord: matching, claiming, batching, pacing."""

import json
from pathlib import Path

import pytest
from conftest import FIXTURES

from bot.core.news.deliveries import DeliveryQueue
from bot.core.news.kinds import event_label
from bot.core.news.matcher import SubscriptionMatcher, text_words, topic_clauses, topic_matches
from bot.core.news.outbox import CHANNEL_POSTS, Pacer
from bot.core.news.subscriptions import Posting, SubscriptionBook, SubscriptionError
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store
from bot.core.votes import VoteLedger, emoji_vote


def matches(topic: str, text: str) -> bool:
    words = text_words(text)
    return topic_matches(topic_clauses(topic), words, set(words))


def test_topics_match_all_words_by_stem_and_phrases_in_order() -> None:
    text = "Special Educational Needs: support for pupils with disabilities"
    assert matches("special educational needs", text)
    assert matches("SEN pupils", "sen provision for pupils")
    assert matches("disability", text)  # stems: disabilities ~ disability
    assert not matches("special needs transport", text)
    assert matches('"educational needs"', text)
    assert not matches('"needs educational"', text)


def test_event_labels() -> None:
    assert event_label("new", "answered") == "New answer"
    assert event_label("new", "holding") == "Holding answer"
    assert event_label("new", "unanswered") is None
    # Posted only where a subscription asked for new questions too (Subscription.takes).
    assert event_label("tabled", "unanswered") == "New question"
    assert event_label("withdrawn", "unanswered") is None
    assert event_label("substantive", "answered") == "Answer now given"
    assert event_label("corrected", "corrected") == "Corrected"
    assert event_label("text_changed", "answered") is None


def load(store: Store, *names: str) -> None:
    assert not ingest_paths(store, [FIXTURES / n for n in names]).failed


def test_subscribing_needs_a_filter_and_respects_the_cap(store: Store) -> None:
    book = SubscriptionBook(store)
    with pytest.raises(SubscriptionError, match="Say what to follow"):
        book.subscribe(1, 10, {}, "nothing", 5, "u", 3)
    book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 2)
    _, what = book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 2)
    assert what == "exists"
    book.subscribe(1, 11, {"topic": "schools"}, "schools", 5, "u", 2)
    with pytest.raises(SubscriptionError, match=r"the most it may have \(2\)"):
        book.subscribe(1, 12, {"house": "Lords"}, "Lords", 5, "u", 2)
    book.subscribe(2, 20, {"house": "Lords"}, "Lords", 5, "u", 2)  # another server's own cap
    assert book.unsubscribe(2, book.rows(1)[0]["id"]) is None  # not that server's


def plan_and_batch(store: Store) -> list:
    queue = DeliveryQueue(store, SubscriptionBook(store))
    queue.plan()
    return queue.batches()


def test_news_after_a_subscription_is_claimed_once(store: Store, tmp_path: Path) -> None:
    load(store, "holding.json")  # before the subscription: never posted
    book = SubscriptionBook(store)
    book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50)
    book.subscribe(1, 10, {"topic": "high needs funding"}, "topic", 5, "u", 50)
    book.subscribe(1, 11, {"department_id": 11}, "MoD", 5, "u", 50)
    assert plan_and_batch(store) == []
    load(store, "substantive.json")  # holding -> substantive: news
    batches = plan_and_batch(store)
    assert [(b.channel_id, len(b.deliveries)) for b in batches] == [(10, 1)]
    assert batches[0].deliveries[0]["kind"] == "Answer now given"
    # Planning again, or the same batch after a restart, claims nothing new.
    again = plan_and_batch(store)
    assert [b.id for b in again] == [batches[0].id]
    assert again[0].nonce == batches[0].nonce


def write_questions(tmp_path: Path, name: str, *values: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"results": [{"value": v} for v in values]}))
    return path


def test_a_tabled_question_is_claimed_once_only_where_new_questions_are_wanted(
    store: Store, tmp_path: Path
) -> None:
    book = SubscriptionBook(store)
    book.subscribe(1, 10, {"department_id": 60}, "DfE answers", 5, "u", 50)
    book.subscribe(1, 11, {"department_id": 60, "events": "all"}, "DfE all", 5, "u", 50)
    book.subscribe(1, 12, {"topic": "special educational", "events": "all"}, "topic", 5, "u", 50)
    book.subscribe(1, 13, {"department_id": 11, "events": "all"}, "MoD all", 5, "u", 50)
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    waiting = dict(base, id=800, uin="800", dateAnswered=None, answerText=None,
                   answeringMemberId=None, dateHoldingAnswer=None, answerIsHolding=False)
    assert not ingest_paths(store, [write_questions(tmp_path, "tabled.json", waiting)]).failed
    assert store.question(800)["status"] == "unanswered"
    batches = plan_and_batch(store)
    assert sorted((b.channel_id, b.deliveries[0]["kind"]) for b in batches) == [
        (11, "New question"), (12, "New question")]
    # Again, or after a restart: the same batches, nothing new.
    assert sorted(b.id for b in plan_and_batch(store)) == sorted(b.id for b in batches)
    queue = DeliveryQueue(store, book)
    for batch in batches:
        queue.mark_sent(batch, 1000 + batch.id)
    assert plan_and_batch(store) == []
    # The answer later: every DfE channel gets it, once; the new-question channels once more.
    answered = dict(base, id=800, uin="800")
    ingest_paths(store, [write_questions(tmp_path, "answered.json", answered)])
    batches = plan_and_batch(store)
    assert sorted((b.channel_id, b.deliveries[0]["kind"]) for b in batches) == [
        (10, "New answer"), (11, "New answer"), (12, "New answer")]
    claimed = store.conn.execute(
        "SELECT channel_id, kind, count(*) FROM deliveries WHERE question_id = 800 "
        "GROUP BY channel_id, kind ORDER BY channel_id, kind").fetchall()
    assert [tuple(r) for r in claimed] == [
        (10, "New answer", 1), (11, "New answer", 1), (11, "New question", 1),
        (12, "New answer", 1), (12, "New question", 1)]


def test_tabled_history_is_never_posted(store: Store, tmp_path: Path) -> None:
    SubscriptionBook(store).subscribe(1, 11, {"department_id": 60, "events": "all"}, "all", 5,
                                      "u", 50)
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    waiting = dict(base, id=801, uin="801", dateAnswered=None, answerText=None,
                   answeringMemberId=None, dateHoldingAnswer=None, answerIsHolding=False)
    from bot.core.news.kinds import ARCHIVE_SOURCE_PREFIX, HISTORY_SOURCE
    from bot.core.sources.api_json import parse_question_value

    for number, source in ((801, HISTORY_SOURCE), (802, f"{ARCHIVE_SOURCE_PREFIX}x.xml")):
        with store.transaction():
            store.upsert([parse_question_value(dict(waiting, id=number, uin=str(number)))],
                         source=source)
    assert store.question(802)["status"] == "unanswered"
    assert plan_and_batch(store) == []


def test_events_choice_is_stored_described_and_changed_in_place(store: Store) -> None:
    from bot.core.news.subscriptions import describe, normal_events

    assert normal_events(None) == "answers"
    assert normal_events("Answers and new questions") == "all"
    for hostile in ("everything", "all'; DROP TABLE subscriptions;--", "x" * 5000):
        with pytest.raises(SubscriptionError, match="events must be"):
            normal_events(hostile)
    assert describe({"events": "all"}, {"department": "Department for Education"}) == (
        "New questions and answers from the Department for Education")
    book = SubscriptionBook(store)
    row, what = book.subscribe(1, 10, {"department_id": 60}, "answers", 5, "u", 50)
    assert what == "created" and row["events"] == "answers"
    row, what = book.subscribe(1, 10, {"department_id": 60, "events": "all"}, "all", 5, "u", 50)
    assert what == "updated" and row["events"] == "all" and row["description"] == "all"
    assert len(book.rows(1)) == 1
    assert [s.events for s in book.all_active()] == ["all"]


def test_a_busy_channel_gets_one_digest(store: Store, tmp_path: Path) -> None:
    SubscriptionBook(store).subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50)
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"results": [{"value": dict(base, id=700 + i, uin=str(700 + i))}
                                            for i in range(5)]}))
    ingest_paths(store, [path])
    batches = plan_and_batch(store)
    assert len(batches) == 1 and batches[0].is_digest and len(batches[0].deliveries) == 5


def test_a_closed_channel_pauses_and_resuming_skips_what_came_meanwhile(store: Store) -> None:
    book = SubscriptionBook(store)
    book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50)
    load(store, "holding.json")
    queue = DeliveryQueue(store, book)
    queue.plan()
    queue.mark_undeliverable(10, "the channel was deleted")
    (row,) = book.rows(1)
    assert row["status"] == "paused" and row["paused_reason"] == "the channel was deleted"
    assert queue.batches() == []
    load(store, "substantive.json")
    queue.plan()
    assert queue.batches() == []  # paused: nothing claimed
    _, what = book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50)
    assert what == "resumed"
    load(store, "corrected.json")
    queue.plan()
    assert [b.deliveries[0]["kind"] for b in queue.batches()] == ["Corrected"]


def test_matcher_indexes_by_member_department_and_topic_word() -> None:
    from bot.core.news.matcher import Subscription

    def sub(i: int, **kw) -> Subscription:
        base = dict(id=i, guild_id=1, channel_id=i, topic=None, member_id=None,
                    asked_by_id=None, answered_by_id=None, department_ids=(), house=None,
                    description="", status="active", after_seq=0)
        return Subscription(**{**base, **kw})

    matcher = SubscriptionMatcher([
        sub(1, member_id=101), sub(2, answered_by_id=101), sub(3, department_ids=(60,)),
        sub(4, topic="vaccination programme"), sub(5, department_ids=(17,), topic="vaccine"),
        sub(6, house="Lords"), sub(7, status="paused", member_id=101),
    ])
    row = {"asking_member_id": 101, "answering_member_id": 202, "answering_body_id": 17,
           "house": "Commons", "heading": "Coronavirus: Vaccination",
           "question_text": "To ask about the vaccination programme.", "answer_text": "Yes."}
    assert sorted(s.id for s in matcher.matches(row)) == [1, 4, 5]


def test_pacer_keeps_five_posts_per_five_seconds_per_channel() -> None:
    now = [0.0]
    pacer = Pacer(clock=lambda: now[0])
    for _ in range(CHANNEL_POSTS):
        assert pacer.delay(1) == 0
        pacer.record(1)
    assert pacer.delay(1) == pytest.approx(5.0)
    assert pacer.delay(2) == 0  # another channel is not held up
    now[0] = 5.0
    assert pacer.delay(1) == 0


def test_votes_one_per_person_latest_wins(store: Store) -> None:
    load(store, "holding.json")
    ledger = VoteLedger(store)
    assert ledger.vote(500001, 1, True, "button", 99).previous is None
    assert ledger.counts(500001) == (1, 0)
    moved = ledger.vote(500001, 1, False, "reaction", 99)
    assert moved.previous is True and moved.changed
    assert ledger.counts(500001) == (0, 1)
    # The 👍 reaction that is no longer this person's vote: removing it changes nothing.
    assert not ledger.withdraw_reaction(500001, 1, True).changed
    assert ledger.withdraw_reaction(500001, 1, False).changed
    assert ledger.counts(500001) == (0, 0)
    assert emoji_vote("👍🏽") is True and emoji_vote("👎") is False and emoji_vote("🎉") is None


def test_a_role_mention_is_stored_changed_in_place_and_listed(store: Store) -> None:
    from bot.discord.subscriptions.embeds import subscriptions_embed

    book = SubscriptionBook(store)
    row, what = book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50,
                               Posting(mention_role_id=777))
    assert what == "created" and row["mention_role_id"] == 777
    _, what = book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50,
                             Posting(mention_role_id=777))
    assert what == "exists"
    row, what = book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50,
                               Posting(mention_role_id=888))
    assert what == "updated" and row["mention_role_id"] == 888 and len(book.rows(1)) == 1
    assert [s.mention_role_id for s in book.all_active()] == [888]
    embed = subscriptions_embed(book.rows(1), {}, "Here")
    assert "pings <@&888>" in (embed.description or "")
    row, what = book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50)
    assert what == "updated" and row["mention_role_id"] is None  # no role: pings nobody
    assert "pings" not in (subscriptions_embed(book.rows(1), {}, "Here").description or "")


def test_a_post_may_ping_its_roles_and_nothing_else() -> None:
    from bot.discord.subscriptions.poster import mention_of

    content, allowed = mention_of(())
    assert content is None
    assert allowed.to_dict() == {"parse": []}
    content, allowed = mention_of((777, 888))
    assert content == "<@&777> <@&888>"
    assert allowed.to_dict() == {"parse": [], "roles": [777, 888]}


def test_a_batch_pings_the_roles_of_the_subscriptions_it_came_from(
    store: Store, tmp_path: Path
) -> None:
    from types import SimpleNamespace

    from bot.discord.subscriptions.poster import Poster

    book = SubscriptionBook(store)
    book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50, Posting(mention_role_id=777))
    book.subscribe(1, 10, {"department_id": 11}, "MoD", 5, "u", 50, Posting(mention_role_id=999))
    book.subscribe(1, 10, {"house": "Lords"}, "Lords", 5, "u", 50)
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"results": [{"value": dict(base, id=700 + i, uin=str(700 + i))}
                                            for i in range(5)]}))
    ingest_paths(store, [path])
    (batch,) = plan_and_batch(store)
    assert batch.is_digest
    poster = Poster(None, SimpleNamespace(store=store, book=book))  # type: ignore[arg-type]
    assert poster.read(batch).roles == (777,)  # the DfE subscription's role only


def test_a_paused_subscription_claims_nothing_and_resumes_as_chosen(
    store: Store, tmp_path: Path
) -> None:
    book = SubscriptionBook(store)
    queue = DeliveryQueue(store, book)
    (row, _), (other, _) = (
        book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50),
        book.subscribe(1, 11, {"department_id": 60}, "DfE too", 5, "u", 50),
    )
    assert queue.pause(2, row["id"], "paused by x") is None  # not that server's
    paused = queue.pause(1, row["id"], "paused by Alice")
    assert paused and paused["status"] == "paused" and paused["paused_reason"] == "paused by Alice"
    queue.pause(1, other["id"], "paused by Alice")
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    path = tmp_path / "missed.json"
    path.write_text(json.dumps({"results": [{"value": dict(base, id=700 + i, uin=str(700 + i))}
                                            for i in range(2)]}))
    ingest_paths(store, [path])
    queue.plan()
    assert queue.batches() == []  # paused: nothing claimed
    resumed, missed = queue.resume(1, row["id"], digest=True)
    assert resumed and resumed["status"] == "active" and missed == 2
    (digest,) = queue.batches()
    assert digest.channel_id == 10 and digest.is_digest and len(digest.deliveries) == 2
    queue.mark_sent(digest, 1234)
    assert queue.resume(1, row["id"], digest=True) == (book.get(row["id"]), 0)  # once
    queue.plan()
    assert queue.batches() == []
    _, missed = queue.resume(1, other["id"], digest=False)
    assert missed == 0
    queue.plan()
    assert queue.batches() == []  # skipped what it missed
    load(store, "corrected.json")  # news after the resume is posted as ever
    queue.plan()
    assert sorted(b.channel_id for b in queue.batches()) == [10, 11]


def test_pausing_gives_back_claims_not_yet_grouped(store: Store, tmp_path: Path) -> None:
    book = SubscriptionBook(store)
    queue = DeliveryQueue(store, book)
    row, _ = book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50)
    load(store, "holding.json")
    queue.plan()  # claimed, not yet grouped into a message
    queue.pause(1, row["id"], "paused by Alice")
    assert queue.batches() == []
    _, missed = queue.resume(1, row["id"], digest=True)
    assert missed == 1 and len(queue.batches()) == 1


def test_a_message_discord_refuses_is_dropped_and_the_rest_go(
    store: Store, tmp_path: Path
) -> None:
    import asyncio

    from bot.core.news.outbox import Batch, Posted, PostRefused, SendWith, send_outbox

    book = SubscriptionBook(store)
    book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50)
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    path = tmp_path / "two.json"
    path.write_text(json.dumps({"results": [{"value": dict(base, id=700 + i, uin=str(700 + i))}
                                            for i in range(2)]}))
    ingest_paths(store, [path])
    queue = DeliveryQueue(store, book)
    queue.plan()
    first, second = queue.batches()
    sent: list[int] = []

    async def sender(batch: Batch) -> Posted:
        if batch.id == first.id:
            raise PostRefused("400 Bad Request (error code: 40067): A tag is required")
        sent.append(batch.id)
        return Posted(5000 + batch.id)

    assert asyncio.run(send_outbox(queue.batches, queue.outbox, SendWith(sender), Pacer())) == 1
    assert sent == [second.id] and queue.batches() == []
    reason = store.conn.execute(
        "SELECT status, reason FROM deliveries WHERE batch_id = ?", (first.id,)).fetchone()
    assert reason[0] == "skipped" and "A tag is required" in reason[1]
    assert book.rows(1)[0]["status"] == "active"  # one refused message pauses nothing

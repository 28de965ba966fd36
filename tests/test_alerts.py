"""Personal alerts without Discord: making, capping, removing, claiming once, pausing."""

import asyncio
import json
from pathlib import Path

import pytest
from conftest import FIXTURES

from bot.core.news.alerts import ALERT_CAP, AlertBook, AlertError, AlertUndeliverable
from bot.core.news.outbox import Batch, Pacer, Posted, SendWith, send_outbox
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store

BASE = json.loads((FIXTURES / "substantive.json").read_text())["value"]


def publish(store: Store, tmp_path: Path, name: str, **changes) -> None:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"results": [{"value": dict(BASE, **changes)}]}))
    assert not ingest_paths(store, [path]).failed


def waiting(number: int) -> dict:
    return dict(id=number, uin=str(number), dateAnswered=None, answerText=None,
                answeringMemberId=None, dateHoldingAnswer=None, answerIsHolding=False)


def test_an_alert_on_a_question_sends_holding_substantive_and_correction_once(
    store: Store, tmp_path: Path
) -> None:
    publish(store, tmp_path, "tabled", **waiting(900))
    book = AlertBook(store)
    row, what = book.alert_on_question(7, store.question(900))
    assert what == "created" and row["question_id"] == 900
    assert book.alert_on_question(7, store.question(900))[1] == "exists"
    book.plan()
    assert book.pending() == []  # the tabling itself is not news to the alert
    publish(store, tmp_path, "holding", id=900, uin="900", answerIsHolding=True,
            dateHoldingAnswer=BASE["dateAnswered"], answerText="<p>Soon.</p>")
    publish(store, tmp_path, "answered", id=900, uin="900")
    book.plan()
    book.plan()  # again, or after a restart: nothing new is claimed
    pending = book.pending()
    assert [p.deliveries[0]["kind"] for p in pending] == ["Holding answer", "Answer now given"]
    assert len({p.nonce for p in pending}) == 2
    assert [p.nonce for p in book.pending()] == [p.nonce for p in pending]
    for p in pending:
        book.mark_sent(p, 100 + p.id)
    publish(store, tmp_path, "corrected", id=900, uin="900", answerIsCorrection=True,
            dateAnswerCorrected=BASE["dateAnswered"], answerText="<p>Corrected.</p>")
    book.plan()
    assert [p.deliveries[0]["kind"] for p in book.pending()] == ["Corrected"]
    with pytest.raises(AlertError, match="answered already"):
        book.alert_on_question(8, store.question(900))


def test_follows_of_a_heading_or_department_and_nobody_elses_alerts(
    store: Store, tmp_path: Path
) -> None:
    publish(store, tmp_path, "old", id=901, uin="901")
    book = AlertBook(store)
    book.follow_like(7, store.question(901), "heading")
    book.follow_like(8, store.question(901), "department", "Department for Education")
    with pytest.raises(AlertError, match="Pick"):
        book.follow_like(8, store.question(901), "'; DROP TABLE alerts;--")
    publish(store, tmp_path, "other", id=902, uin="902", heading=BASE["heading"].upper())
    publish(store, tmp_path, "moved", id=903, uin="903", heading="Something Else")
    book.plan()
    sent = sorted((p.user_id, p.deliveries[0]["question_id"]) for p in book.pending())
    assert sent == [(7, 902), (8, 902), (8, 903)]
    mine = book.rows(7)
    assert book.remove(8, mine[0]["id"]) is None  # not theirs
    assert book.remove(7, mine[0]["id"])["id"] == mine[0]["id"]
    assert book.rows(7) == [] and [p.user_id for p in book.pending()] == [8, 8]


def test_the_cap(store: Store, tmp_path: Path) -> None:
    book = AlertBook(store)
    for n in range(ALERT_CAP):
        publish(store, tmp_path, f"q{n}", **waiting(1000 + n))
        book.alert_on_question(7, store.question(1000 + n))
    publish(store, tmp_path, "one-more", **waiting(1100))
    with pytest.raises(AlertError, match=r"the most you may have \(25\)"):
        book.alert_on_question(7, store.question(1100))
    book.alert_on_question(8, store.question(1100))  # another person's own cap


def test_a_closed_inbox_pauses_the_alert_and_the_person_is_told_once(
    store: Store, tmp_path: Path
) -> None:
    publish(store, tmp_path, "tabled", **waiting(904))
    book = AlertBook(store)
    book.alert_on_question(7, store.question(904))
    publish(store, tmp_path, "answered", id=904, uin="904")
    book.plan()
    calls = []

    async def closed(batch: Batch) -> Posted:
        calls.append(batch.nonce)
        raise AlertUndeliverable("your direct messages are closed to the bot")

    def send() -> int:
        return asyncio.run(send_outbox(book.pending, book.outbox, SendWith(closed), Pacer(),
                                       undeliverable=book.mark_undeliverable))

    assert send() == 0
    assert send() == 0  # never retried
    assert len(calls) == 1
    (row,) = book.rows(7)
    assert row["status"] == "paused" and "closed" in row["paused_reason"]
    assert book.has_notices(7)
    assert [r["id"] for r in book.take_notices(7)] == [row["id"]]
    assert not book.has_notices(7) and book.take_notices(7) == []
    publish(store, tmp_path, "corrected", id=904, uin="904", answerIsCorrection=True,
            dateAnswerCorrected=BASE["dateAnswered"])
    book.plan()
    assert book.pending() == []  # paused: nothing claimed

"""The one outbox without Discord: an upgraded store re-sends nothing, marks are read back
exactly, and a message that may have been sent is looked for before it is sent again."""

import asyncio
from pathlib import Path

import sqlite_utils

from bot.core.news.alerts import AlertBook
from bot.core.news.deliveries import DeliveryQueue
from bot.core.news.outbox import (
    Batch,
    DeliveryKind,
    Outbox,
    Pacer,
    Posted,
    carries,
    mark,
    send_outbox,
    with_mark,
)
from bot.core.news.subscriptions import SubscriptionBook
from bot.core.store.database import Store
from bot.core.store.schema import MIGRATIONS, _migration_one_outbox


def old_store(path: Path) -> None:
    """A store as the version before the one outbox left it, with its history."""
    db = sqlite_utils.Database(path)
    before = MIGRATIONS.index(_migration_one_outbox)
    for migration in MIGRATIONS[:before]:
        migration(db)
    db.execute(f"PRAGMA user_version = {before}")
    run = db.conn.executescript
    run("""
        INSERT INTO state VALUES ('nonce_prefix', 'abcd1234');
        INSERT INTO subscriptions (id, guild_id, channel_id, description, created_by, created_at,
            after_seq, status, pause_notice) VALUES
            (1, 1, 10, 'DfE', 5, 'then', 0, 'active', 0),
            (2, 1, 20, 'MoD', 6, 'then', 0, 'paused', 1),
            (3, 1, 30, 'DWP', 7, 'then', 0, 'paused', 0);
        UPDATE subscriptions SET paused_reason = 'the channel was deleted' WHERE id > 1;
        INSERT INTO batches (id, channel_id, created_at, sent_message_id, notice, title,
            subscription_id) VALUES
            (1, 10, 'then', 111, 0, NULL, NULL),  -- a post, sent
            (2, 10, 'then', NULL, 0, NULL, NULL),  -- a post sent before sent_message_id existed
            (3, 10, 'then', 333, 0, NULL, NULL),  -- a digest, sent
            (4, 10, 'then', 0, 0, NULL, NULL),  -- refused by Discord
            (5, 10, 'then', 555, 1, 'Daily digest', 1),  -- "nothing new", sent
            (6, 20, 'then', NULL, 0, NULL, NULL),  -- its channel was deleted: skipped
            (7, 10, 'then', NULL, 0, NULL, NULL);  -- still to post
        INSERT INTO deliveries (id, subscription_id, channel_id, question_id, change_seq, kind,
            status, batch_id, message_id, claimed_at) VALUES
            (1, 1, 10, 1, 1, 'Answered', 'sent', 1, 111, 'then'),
            (2, 1, 10, 2, 2, 'Answered', 'sent', 2, 222, 'then'),
            (3, 1, 10, 3, 3, 'Answered', 'sent', 3, 333, 'then'),
            (4, 1, 10, 4, 4, 'Answered', 'sent', 3, 333, 'then'),
            (5, 1, 10, 5, 5, 'Answered', 'skipped', 4, NULL, 'then'),
            (6, 2, 20, 6, 6, 'Answered', 'skipped', 6, NULL, 'then'),
            (7, 1, 10, 7, 7, 'Answered', 'pending', 7, NULL, 'then');
        INSERT INTO alerts (id, user_id, key, question_id, description, created_at, after_seq)
            VALUES (1, 42, 'q:1', 1, 'When 1 is answered', 'then', 0);
        INSERT INTO alert_deliveries (id, alert_id, user_id, question_id, change_seq, kind,
            status, message_id, claimed_at) VALUES
            (1, 1, 42, 1, 1, 'Answered', 'sent', 999, 'then'),
            (2, 1, 42, 1, 2, 'Corrected', 'pending', NULL, 'then');
    """)
    db.conn.close()


def test_an_upgraded_store_keeps_its_history_and_re_sends_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_store(path)
    with Store(path) as store:
        queue = DeliveryQueue(store, SubscriptionBook(store))
        statuses = dict(store.conn.execute(
            "SELECT id, status FROM batches WHERE kind <> 'pause_notice'").fetchall())
        assert statuses == {1: "sent", 2: "sent", 3: "sent", 4: "skipped", 5: "sent",
                            6: "skipped", 7: "pending"}
        kinds = dict(store.conn.execute("SELECT id, kind FROM batches").fetchall())
        assert kinds[3] == "digest" and kinds[5] == "nothing_new" and kinds[1] == "post"
        # Only what was still to send goes, with the nonce it had: a send made just before
        # the upgrade is still deduplicated by Discord.
        (post,) = queue.batches()
        assert (post.id, post.nonce, post.kind) == (7, "abcd12347", DeliveryKind.POST)
        (dm,) = AlertBook(store).pending()
        assert dm.nonce == "abcd1234d2" and dm.user_id == 42
        # The maker not yet told of a pause is told once; the one told already is not.
        (notice,) = queue.pause_notices()
        assert (notice.subscription_id, notice.user_id) == (2, 6)
        assert store.conn.execute(
            "SELECT count(*) FROM deliveries WHERE status = 'sent'").fetchone()[0] == 4
    with Store(path) as store:  # opened again: nothing more appears
        queue = DeliveryQueue(store, SubscriptionBook(store))
        assert [b.id for b in queue.batches()] == [7]
        assert len(queue.pause_notices()) == 1


def test_a_mark_is_read_back_exactly() -> None:
    batch = Batch(12, 10, "abcd123412")
    footer = with_mark("Commons 1234 · Open Parliament Licence", batch, 2048)
    assert footer.endswith(" · " + mark(batch)) and carries(footer, batch)
    assert not carries(footer, Batch(1, 10, "abcd12341"))  # a prefix of it is another batch
    assert not carries(with_mark("x", Batch(123, 10, "abcd1234123"), 2048), batch)
    assert len(with_mark("y" * 3000, batch, 2048)) <= 2048 and carries(
        with_mark("y" * 3000, batch, 2048), batch)


class Recorder:
    """A transport that finds what ``found`` holds and records every send."""

    def __init__(self, found: dict[int, Posted]) -> None:
        self.found, self.sent, self.looked = found, [], []

    async def find(self, batch: Batch) -> Posted | None:
        self.looked.append(batch.id)
        return self.found.get(batch.id)

    async def send(self, batch: Batch) -> Posted:
        assert batch.attempted  # recorded before the send
        self.sent.append(batch.id)
        return Posted(1000 + batch.id)

    async def after_sent(self, batch: Batch, posted: Posted) -> None:
        return None


def test_a_message_attempted_before_is_looked_for_and_adopted(store: Store) -> None:
    outbox = Outbox(store)
    with store.transaction():
        fresh = outbox.new_message(DeliveryKind.PAUSE_NOTICE, 10, user_id=5, subscription_id=1)
        tried = outbox.new_message(DeliveryKind.PAUSE_NOTICE, 10, user_id=6, subscription_id=2)
        lost = outbox.new_message(DeliveryKind.PAUSE_NOTICE, 10, user_id=7, subscription_id=3)
    for batch in outbox.pending([DeliveryKind.PAUSE_NOTICE]):
        if batch.id != fresh:
            outbox.mark_attempted(batch)  # the bot stopped after this
    transport = Recorder({tried: Posted(77, 88)})
    source = lambda: outbox.pending([DeliveryKind.PAUSE_NOTICE])  # noqa: E731
    assert asyncio.run(send_outbox(source, outbox, transport, Pacer())) == 3
    assert transport.looked == [tried, lost]  # never for one not attempted
    assert transport.sent == [fresh, lost]  # the one found is adopted, not sent again
    rows = dict(store.conn.execute(
        "SELECT id, sent_message_id FROM batches WHERE status = 'sent'").fetchall())
    assert rows == {fresh: 1000 + fresh, tried: 77, lost: 1000 + lost}
    assert outbox.pending([DeliveryKind.PAUSE_NOTICE]) == []


def test_a_pause_notice_is_claimed_with_the_pause_and_dropped_once_resumed(store: Store) -> None:
    book = SubscriptionBook(store)
    row, _ = book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50)
    queue = DeliveryQueue(store, book)
    queue.mark_undeliverable(10, "the channel was deleted")
    (notice,) = queue.pause_notices()
    assert (notice.kind, notice.user_id, notice.subscription_id) == (
        DeliveryKind.PAUSE_NOTICE, 5, row["id"])
    queue.mark_undeliverable(10, "the channel was deleted")  # again: no second notice
    assert [n.id for n in queue.pause_notices()] == [notice.id]
    queue.resume(1, row["id"], digest=False)
    assert queue.pause_notices() == []  # resumed before its maker was told: not told


def test_no_pause_notice_when_the_maker_deleted_their_data(store: Store) -> None:
    from bot.core.privacy.person import delete

    book = SubscriptionBook(store)
    book.subscribe(1, 10, {"department_id": 60}, "DfE", 5, "u", 50)
    delete(store, 5)  # the subscription stays, naming no one
    queue = DeliveryQueue(store, book)
    queue.mark_undeliverable(10, "the channel was deleted")
    assert queue.pause_notices() == []

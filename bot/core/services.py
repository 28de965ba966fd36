"""The bot's services, composed in one place for ``run`` and ``poll --once``.

Everything here is Discord-free. The store handed in becomes the writer's: from then on it is
used on the writer thread of ``db`` (``StoreAccess``) only, and so are the services built on it
(votes, subscriptions, the delivery queue, the poller's writes).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.config import Settings
from bot.core.clock import utc_now
from bot.core.names.matching import Resolver
from bot.core.news.deliveries import DeliveryQueue
from bot.core.news.outbox import Pacer
from bot.core.news.subscriptions import SubscriptionBook
from bot.core.search.fulltext import Searcher
from bot.core.search.meaning import Meaning
from bot.core.search.sessions import SessionKeeper
from bot.core.sources.poller import Poller
from bot.core.store.access import StoreAccess
from bot.core.store.database import Store
from bot.core.votes import VoteLedger

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What the bot's commands, loops and ``poll --once`` work with."""

    settings: Settings
    store: Store  # the writer's connection: use it through ``db.write``
    db: StoreAccess
    resolver: Resolver  # replaced whole by ``refresh_indexes``; never changed in place
    votes: VoteLedger
    book: SubscriptionBook
    queue: DeliveryQueue
    pacer: Pacer
    poller: Poller
    sessions: SessionKeeper  # saved searches, written behind the reply
    # Now, for digest times: a test sets a clock of its own to cross a clock change.
    clock: Callable[[], datetime] = field(default=utc_now)
    # Similar by meaning (EMBEDDING_MODEL): set once its model is loaded and its index built.
    meaning: Meaning | None = None

    def searcher(self, store: Store) -> Searcher:
        """A searcher over ``store`` (a reader's connection) with the current name indexes,
        fusing bm25 with meaning once a model's index is ready."""
        fusion = self.meaning.search_fusion if self.meaning and self.meaning.ready else None
        return Searcher(store, self.resolver, fusion)

    async def start_meaning(self) -> None:
        """Load ``EMBEDDING_MODEL`` and its index off the event loop, then embed what the
        polls store; without the setting, or when the model cannot be loaded (logged), all
        stays by words."""
        name = self.settings.embedding_model
        if not name:
            return
        from bot.core.search.meaning import Meaning

        try:
            meaning = await asyncio.to_thread(Meaning.load, name)
            await self.db.write(meaning.check_model, self.store)
            # A first build reads every vector (minutes at a million): on a reader, so writes
            # (votes, polls) never wait for it.
            count = await self.db.read(meaning.open_index)
        except Exception:
            log.exception("EMBEDDING_MODEL %r could not be loaded: similar by words only", name)
            return
        if count == 0:
            log.warning(
                "EMBEDDING_MODEL is set but no vectors are stored: run "
                "`python -m bot embed` (similar by words until then)"
            )
        self.meaning = meaning

        async def embed_new() -> None:
            await self.db.write(meaning.embed_changes, self.store)

        self.poller.after_store.append(embed_new)
        log.info("similar by meaning: %s, %d questions indexed", name, count)

    def department_family(self, body_id: int) -> tuple[int, ...]:
        """A body and the bodies it replaced, by the current name indexes."""
        return self.resolver.departments.family(body_id)

    async def refresh_indexes(self) -> None:
        """Rebuild the in-memory name indexes from the store, on a reader thread (about a
        second at a million questions), so the event loop keeps answering meanwhile."""
        self.resolver = await self.db.read(Resolver.from_store)

    def close(self) -> None:
        """Stop the store's threads (the writer's store itself is the caller's to close)."""
        self.db.close()


def build_services(settings: Settings, store: Store, resolver: Resolver | None = None) -> Services:
    """Compose the services over an open store. Without ``resolver`` the name indexes start
    empty, to be read off the event loop by ``refresh_indexes``."""
    db = StoreAccess(store)
    services = Services(
        settings=settings,
        store=store,
        db=db,
        resolver=resolver or Resolver.empty(),
        votes=VoteLedger(store),
        book=SubscriptionBook(store),
        queue=None,  # type: ignore[arg-type]  # set below: it needs the book
        pacer=Pacer(),
        poller=Poller(
            store,
            settings.parliament_api_base_url,
            settings.poll_interval_seconds,
            writer=db.write,
        ),
        sessions=SessionKeeper(db, store),
    )
    # Subscriptions follow a department's old names by the indexes of the moment.
    services.book.family = services.department_family
    services.queue = DeliveryQueue(store, services.book)
    return services

"""What every command of the command line shares: opening the store (a new one gets the seed
record), and resolving the names its options give."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.core.services import Services
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store

if TYPE_CHECKING:
    pass


REPO_ROOT = Path(__file__).resolve().parents[2]


SEED_DIR = REPO_ROOT / "data"


SEED_GLOB = "seed-*.json"


NO_TOKEN_MESSAGE = (
    "DISCORD_TOKEN is not set: create an application and bot at "
    "https://discord.com/developers/applications, put its token in .env (see .env.example); "
    'meanwhile try the store from the terminal: python -m bot search "special educational needs"'
)


def open_store(path: Path) -> Store:
    """Open (creating and migrating) the database; a new, empty one gets the seed record."""
    store = Store(path)
    if store.count_questions() == 0 and SEED_DIR.is_dir():
        seeds = sorted(SEED_DIR.glob(SEED_GLOB))
        if seeds:
            ingest_paths(store, seeds)
    return store


class Frontend(Protocol):
    """What the command line needs of a chat frontend (the Discord adapter): to run the bot,
    and to post what waits once (``poll --once`` with a token)."""

    def run(self, services: Services) -> None:
        """Run the bot until stopped."""

    async def post_pending(self, services: Services) -> int:
        """Post every pending delivery; returns how many messages were posted."""


FrontendFactory = Callable[[], Frontend]


def department_family(store: Store, text: str) -> tuple[tuple[int, ...], str]:
    """The department a name means, with the bodies it replaced; ``AccountabilityError`` with
    the candidates when the name is unknown or unclear."""
    from bot.core.names.departments import DepartmentIndex
    from bot.core.reports.accountability import AccountabilityError

    index = DepartmentIndex(store.rows("SELECT id, name FROM answering_bodies"))
    resolution = index.resolve(text[:200])
    if resolution.best is None:
        if not resolution.candidates:
            raise AccountabilityError(f"--department: no department matches {text[:60]!r}")
        names = "; ".join(c.name for c in resolution.candidates)
        raise AccountabilityError(f"--department: {text[:60]!r} could be {names}. Which?")
    return index.family(resolution.best.id), resolution.best.name


def member_id_of(store: Store, text: str, flag: str) -> tuple[int, str]:
    """The member a name means; ``OverdueError`` with the candidates when the name is unknown
    or unclear."""
    from bot.core.names.members import MemberIndex, member_activity
    from bot.core.reports.overdue import OverdueError

    index = MemberIndex(store.rows(
        "SELECT id, name, list_as, party, party_abbreviation, member_from, house FROM members"
    ), member_activity(store))
    roles = {"--asked-by": "asked_by", "--answered-by": "answered_by"}
    resolution = index.resolve(text[:200], role=roles.get(flag))
    if resolution.best is None:
        if not resolution.candidates:
            raise OverdueError(f"{flag}: no member matches {text[:60]!r}")
        names = "; ".join(c.name + (f" ({c.note})" if c.note else "")
                          for c in resolution.candidates)
        if resolution.more:
            names += f"; and {resolution.more} more"
        raise OverdueError(f"{flag}: {text[:60]!r} could be {names}. Which?")
    return resolution.best.id, resolution.best.name

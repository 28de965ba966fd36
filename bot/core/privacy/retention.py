"""How long the bot keeps what it keeps: every period in one place.

The code that deletes reads the numbers here; ``/privacy`` shows each ``Kept.how_long``; the
manual's page (docs/running/privacy.md) is checked against ``RETENTION`` by tests/test_docs.py.
"""

from __future__ import annotations

from dataclasses import dataclass

# Saved searches (the state behind a results message's buttons): deleted after this many days.
SAVED_SEARCH_DAYS = 30
# Records of direct messages sent for alerts: after this many days they keep only what
# exactly-once delivery needs (the question and the change), with no person's id.
DM_RECORD_DAYS = 365
# The default of the GUILD_DATA_DAYS setting: days a server's data is kept after the bot is
# removed from it, in case it comes back.
GUILD_DATA_DAYS = 30
# How often the bot runs the sweeps that apply these periods.
SWEEP_SECONDS = 3600.0
# What a subscription's ``created_by`` becomes when its maker deletes their data: no one (Discord
# never gives an id of 0). The column is NOT NULL, so a marker rather than NULL.
NO_ONE = 0


@dataclass(frozen=True)
class Kept:
    """One kind of data: what it is, why it is kept, for how long, and where (the tables)."""

    key: str
    what: str
    why: str
    how_long: str
    where: tuple[str, ...]
    personal: bool = True  # holds a person's Discord id


RETENTION: tuple[Kept, ...] = (
    Kept(
        "votes",
        "Your Yes / No votes and 👍 / 👎 reactions on answers: the question, your Discord id, "
        "your vote, how you voted (button or reaction), the message and server, and when",
        "one vote per person per question, and the helpfulness figures (`/helpfulness`)",
        "until you delete them, or until the server's data is deleted after the bot leaves it",
        ("votes",),
    ),
    Kept(
        "alerts",
        "Your alerts (🔔 Alert me): your Discord id, the question or the heading or department "
        "followed, and whether it is paused (and why)",
        "to send you the direct messages you asked for",
        "until you remove them (`/alerts`) or delete your data",
        ("alerts",),
    ),
    Kept(
        "direct_messages",
        "Records of the direct messages the bot sent you (your alerts, and notices that it "
        "paused a subscription you made): your Discord id, the question, the change, the "
        "message id, and when",
        "so that each is sent once and only once, even across restarts",
        f"{DM_RECORD_DAYS} days with your id; after that only the question and the change, "
        "with no one's id",
        ("alert_deliveries", "batches"),
    ),
    Kept(
        "saved_searches",
        "Your searches shown in Discord (`/answers`), with your Discord id and the server",
        "so that the buttons of a results message keep working after a restart",
        f"{SAVED_SEARCH_DAYS} days",
        ("search_sessions",),
    ),
    Kept(
        "subscriptions",
        "Subscriptions you made (`/subscribe`): your Discord id and display name as their maker",
        "to show who made each in `/subscriptions`, and to tell the maker when the bot pauses one",
        "while the subscription exists; your id and name go when you delete your data (the "
        "subscription stays: it belongs to the server)",
        ("subscriptions",),
    ),
    Kept(
        "channel_posts",
        "Records of the bot's posts in channels and of its messages that show an answer: the "
        "channel, the question, the change, the message id (no person's id)",
        "exactly-once posting, follow-up replies, and \"why was this (not) posted?\"",
        "while the server's subscription exists; deleted with the server's data",
        ("deliveries", "batches", "answer_messages"),
        personal=False,
    ),
    Kept(
        "servers",
        "Servers the bot was removed from, and when",
        "to delete their data if the bot does not come back",
        "until the bot returns, or for GUILD_DATA_DAYS (default "
        f"{GUILD_DATA_DAYS}) days, when the server's subscriptions, post records, saved "
        "searches and the votes cast there are deleted",
        ("guild_departures",),
        personal=False,
    ),
)
KEPT = {kept.key: kept for kept in RETENTION}

"""Helpfulness votes ("Does this answer the above question?") and the messages they are cast on.

One vote per person per question, enforced by the table's primary key: a new vote, by button or
by reaction, replaces the old one (the latest wins). Removing a reaction removes the vote only
while that reaction is still the person's vote.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.clock import utc_now_text
from bot.core.store.database import Store

# The seed page's question, shown directly above the Yes / No buttons wherever they appear.
VOTE_QUESTION = "Does this answer the above question?"
YES_EMOJI = "👍"
NO_EMOJI = "👎"


@dataclass(frozen=True)
class VoteOutcome:
    """A question's counts after a vote or a withdrawal, the person's vote before it, and whether
    their vote changed."""

    yes: int
    no: int
    previous: bool | None  # the person's vote before this one, if any
    changed: bool



class VoteLedger:
    """Helpfulness votes, and which of the bot's messages show which question."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    def counts(self, question_id: int) -> tuple[int, int]:
        """A question's (yes, no) votes."""
        counts = self.store.vote_counts(question_id)
        return counts["yes"], counts["no"]

    def vote(
        self,
        question_id: int,
        user_id: int,
        helpful: bool,
        via: str,
        message_id: int | None,
        guild_id: int | None = None,
    ) -> VoteOutcome:
        """Record ``user_id``'s vote (cast in server ``guild_id``; None: a direct message),
        replacing any earlier one; atomic."""
        question_id = self.store.current_id(question_id)  # a button of a printing merged away
        with self.store.transaction():
            row = self.conn.execute(
                "SELECT helpful FROM votes WHERE question_id = ? AND user_id = ?",
                (question_id, user_id),
            ).fetchone()
            previous = None if row is None else bool(row[0])
            self.conn.execute(
                "INSERT INTO votes (question_id, user_id, helpful, via, message_id, voted_at, "
                "guild_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (question_id, user_id) "
                "DO UPDATE SET helpful = excluded.helpful, via = excluded.via, "
                "message_id = excluded.message_id, voted_at = excluded.voted_at, "
                "guild_id = excluded.guild_id",
                (question_id, user_id, int(helpful), via, message_id, utc_now_text(), guild_id),
            )
        yes, no = self.counts(question_id)
        return VoteOutcome(yes, no, previous, previous != helpful)

    def withdraw_reaction(self, question_id: int, user_id: int, helpful: bool) -> VoteOutcome:
        """A reaction was removed: drop the vote if that reaction is still the person's vote."""
        with self.store.transaction():
            cursor = self.conn.execute(
                "DELETE FROM votes WHERE question_id = ? AND user_id = ? AND helpful = ? "
                "AND via = 'reaction'",
                (question_id, user_id, int(helpful)),
            )
        yes, no = self.counts(question_id)
        return VoteOutcome(yes, no, helpful if cursor.rowcount else None, bool(cursor.rowcount))

    def remember_message(
        self, message_id: int, channel_id: int, guild_id: int | None, question_id: int
    ) -> None:
        """Note that the bot's message ``message_id`` shows ``question_id``."""
        self.conn.execute(
            "INSERT OR REPLACE INTO answer_messages "
            "(message_id, channel_id, guild_id, question_id, created_at) VALUES (?, ?, ?, ?, ?)",
            (message_id, channel_id, guild_id, question_id, utc_now_text()),
        )

    def question_of_message(self, message_id: int) -> int | None:
        """The question the bot's message ``message_id`` shows, or None when it is not one of
        them."""
        row = self.conn.execute(
            "SELECT question_id FROM answer_messages WHERE message_id = ?", (message_id,)
        ).fetchone()
        return None if row is None else row[0]


def emoji_vote(emoji: str) -> bool | None:
    """👍 is yes, 👎 is no (any skin tone); other emoji are not votes."""
    base = emoji.rstrip("\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff\ufe0f")
    if base == YES_EMOJI:
        return True
    if base == NO_EMOJI:
        return False
    return None

"""What ``/subscribe`` and ``/subscription edit`` ask for beyond the search filters: where to
post, what, when, and whom to ping.

A request waits in a saved search while a person picks a name or confirms a preview, so it is
kept in the search's ``pinned`` values under the keys it has always used (``KEYS``): searches
saved before this type existed load into it unchanged."""

from __future__ import annotations

from dataclasses import dataclass, fields

from bot.core.names.options import NAME_OPTIONS
from bot.core.news.kinds import Events
from bot.core.news.rows import SubscriptionRow
from bot.core.news.schedules import DAILY, DAYS, INSTANT, make_schedule
from bot.core.news.subscriptions import Posting, normal_events
from bot.core.search.fulltext import SearchQuery


@dataclass
class SubscribeRequest:
    """A subscription's posting options as asked (None: not given, or not yet)."""

    channel: int | None = None
    edit: int | None = None  # the subscription being edited, for /subscription edit
    events: str = Events.ANSWERS
    schedule: str | None = None
    at: str | None = None
    day: str | None = None
    nothing_new: bool = False
    thread_per_answer: bool = False
    mention: int | None = None  # the role each post pings
    mention_unheard: bool = False  # the role is not mentionable, and the bot may not override

    @classmethod
    def of(cls, query: SearchQuery) -> SubscribeRequest:
        """The request kept in a search's pinned values."""
        kept = {f.name: query.pinned[f.name] for f in fields(cls) if f.name in query.pinned}
        request = cls(**kept)
        request.events = normal_events(request.events)
        return request

    def keep_in(self, query: SearchQuery) -> None:
        """Write the request into a search's pinned values (a value not given is left out)."""
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                query.pinned.pop(f.name, None)
            else:
                query.pinned[f.name] = value

    def posting(self) -> Posting:
        """How it will post. Raises ``ScheduleError`` for a schedule that cannot be."""
        return Posting(
            mention_role_id=int(self.mention) if self.mention else None,
            schedule=make_schedule(self.schedule, self.at, self.day),
            thread_per_answer=self.thread_per_answer,
            nothing_new=self.nothing_new,
        )

    def choose_schedule(
        self, schedule: str | None, at: str | None, day: str | None
    ) -> None:
        """Take the schedule options given; a switch to posting at once drops a digest's time
        and day, and a daily digest drops a weekly one's day."""
        for name, value in (("schedule", schedule), ("at", at), ("day", day)):
            if value is not None:
                setattr(self, name, value)
        if schedule == INSTANT:
            self.at = self.day = None
        elif schedule == DAILY and day is None:
            self.day = None


def stored_request(row: SubscriptionRow) -> tuple[SubscribeRequest, dict[str, int]]:
    """A stored subscription as the request that would make it, and the ids its name options
    hold (to pin), for ``/subscription edit``."""
    digest_day = row["digest_day"]
    request = SubscribeRequest(
        channel=row["channel_id"],
        edit=row["id"],
        events=row["events"],
        schedule=row["schedule"] or INSTANT,
        nothing_new=bool(row["nothing_new"]),
        thread_per_answer=bool(row["thread_per_answer"]),
        at=row["digest_time"] or None,
        day=DAYS[digest_day] if digest_day is not None and row["schedule"] != DAILY else None,
        mention=row["mention_role_id"] or None,
    )
    ids = {"asked_by_id": row["asked_by_id"], "answered_by_id": row["answered_by_id"],
           "member_id": row["member_id"], "department_id": row["department_id"]}
    names = {option.name: chosen for option in NAME_OPTIONS
             if (chosen := ids.get(option.column)) is not None}
    return request, names

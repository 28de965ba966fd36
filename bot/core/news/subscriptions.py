"""Channel subscriptions: what a channel follows and how it is told (the book of them in the
store), and which news in the change log is posted. Which subscriptions want an answer is
``matcher``'s."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, TypedDict

from bot.core.clock import utc_now, utc_now_text
from bot.core.names.candidates import Candidate
from bot.core.names.departments import department_table
from bot.core.names.options import NAME_OPTIONS
from bot.core.news.kinds import (
    EVENTS_ALL,
    EVENTS_ANSWERS,
    EVENTS_WORDS,
    HISTORY_SOURCE,
    POSTED_KINDS,
)
from bot.core.news.matcher import (
    Subscription,
    SubscriptionMatcher,
)
from bot.core.news.rows import Param, SubscriptionRow, subscription_rows
from bot.core.news.schedules import Schedule, stored_schedule, utc_text
from bot.core.records import QuestionRow
from bot.core.store.database import Store
from bot.core.text import fold

# The columns of the ``subscriptions`` table that say what it follows: the topic, the id
# chosen for each name option (``NameOption.column``) and the House.
FilterColumn = Literal[
    "topic", "asked_by_id", "answered_by_id", "member_id", "department_id", "house"
]
FILTER_COLUMNS: tuple[FilterColumn, ...] = (
    "topic", "asked_by_id", "answered_by_id", "member_id", "department_id", "house"
)


class Filters(TypedDict, total=False):
    """What a subscription is asked to follow, and what it posts: its filter columns (a key
    left out, or None, does not filter) and its ``events`` (``EVENTS_ANSWERS`` when left
    out)."""

    topic: str | None
    asked_by_id: int | None
    answered_by_id: int | None
    member_id: int | None
    department_id: int | None
    house: str | None
    events: str


class FilterValues(TypedDict):
    """A subscription's filter columns as stored: every one, None where it does not
    filter."""

    topic: str | None
    asked_by_id: int | None
    answered_by_id: int | None
    member_id: int | None
    department_id: int | None
    house: str | None


class PostingColumns(TypedDict):
    """The columns of the ``subscriptions`` table that say how and when it posts."""

    mention_role_id: int | None
    schedule: str
    digest_time: str | None
    digest_day: int | None
    next_digest_at: str | None
    thread_per_answer: int
    nothing_new: int


class SubscriptionError(ValueError):
    """A subscription that cannot be made (no filter, over the cap); short and clear."""


@dataclass(frozen=True)
class Posting:
    """How and when a subscription posts, as against what it follows: the role each post or
    digest pings (or None), its schedule, whether each post opens a discussion thread, and
    whether an empty digest period says "nothing new"."""

    mention_role_id: int | None = None
    schedule: Schedule = field(default_factory=Schedule)
    thread_per_answer: bool = False
    nothing_new: bool = False

    def columns(self, now: datetime) -> PostingColumns:
        """Its columns of the ``subscriptions`` table, the next digest counted from ``now``."""
        due = self.schedule.next_after(now)
        return {
            "mention_role_id": self.mention_role_id,
            "schedule": self.schedule.kind,
            "digest_time": self.schedule.at.strftime("%H:%M") if self.schedule.at else None,
            "digest_day": self.schedule.day,
            "next_digest_at": utc_text(due) if due else None,
            "thread_per_answer": int(self.thread_per_answer),
            "nothing_new": int(self.nothing_new),
        }

    @classmethod
    def of(cls, row: SubscriptionRow) -> Posting:
        """A stored subscription's posting options."""
        return cls(
            mention_role_id=row["mention_role_id"],
            schedule=stored_schedule(row),
            thread_per_answer=bool(row["thread_per_answer"]),
            nothing_new=bool(row["nothing_new"]),
        )



def normal_events(events: str | None) -> str:
    """``EVENTS_ANSWERS`` or ``EVENTS_ALL`` from a stored value or a command's choice (its
    value or its words); ``SubscriptionError`` for anything else."""
    if events is None or not events.strip():
        return EVENTS_ANSWERS
    key = " ".join(events.strip().lower().split())
    for value, words in EVENTS_WORDS.items():
        if key in (value, words):
            return value
    raise SubscriptionError(
        "events must be 'answers' or 'answers and new questions'; pick one from the list."
    )


def subscription_filters(
    topic: str | None,
    house: str | None,
    chosen: dict[str, Candidate | None],
    events: str = EVENTS_ANSWERS,
) -> tuple[Filters, str]:
    """The stored filters of a subscription (columns of the ``subscriptions`` table, and its
    ``events``) and its wording, from a topic, a House, the members and department chosen for
    each option, and what it posts (``EVENTS_ANSWERS`` or ``EVENTS_ALL``)."""
    ids: dict[str, int] = {}
    names: dict[str, str] = {}
    for option in NAME_OPTIONS:
        candidate = chosen.get(option.name)
        if candidate is not None:
            ids[option.column] = int(candidate.id)
            names[option.name] = candidate.name
    filters: Filters = {
        "topic": topic or None, "house": house, "events": events,
        "asked_by_id": ids.get("asked_by_id"), "answered_by_id": ids.get("answered_by_id"),
        "member_id": ids.get("member_id"), "department_id": ids.get("department_id"),
    }
    return filters, describe(filters, names)


def describe(filters: Filters, names: dict[str, str]) -> str:
    """The subscription in words: "New answers from the Department for Education on topics
    matching 'special educational needs'"; "New questions and answers ..." when it posts new
    questions too (``filters["events"]`` is ``EVENTS_ALL``)."""
    parts = ["New questions and answers" if filters.get("events") == EVENTS_ALL else "New answers"]
    if department := names.get("department"):
        the = "the " if department.startswith(("Department", "Ministry")) else ""
        parts.append(f"from {the}{department}")
    if names.get("asked_by"):
        parts.append(f"to questions asked by {names['asked_by']}")
    if names.get("answered_by"):
        parts.append(f"given by {names['answered_by']}")
    if names.get("member"):
        parts.append(f"involving {names['member']}")
    if filters.get("house"):
        parts.append(f"in the House of {filters['house']}")
    if filters.get("topic"):
        parts.append(f"on topics matching '{filters['topic']}'")
    return " ".join(parts)






class SubscriptionBook:
    """Subscriptions in the store: make, list, pause, resume, remove."""

    def __init__(
        self, store: Store, family: Callable[[int], tuple[int, ...]] | None = None
    ) -> None:
        self.store = store
        self.conn = store.conn
        # body id -> it and the bodies it replaced, so following a department follows its old
        # names (``DepartmentIndex.family`` of the bot's current resolver)
        self.family = family or (lambda body_id: (body_id,))

    def subscription(self, row: SubscriptionRow) -> Subscription:
        """A row of the ``subscriptions`` table as matching uses it."""
        body = row["department_id"]
        departments: tuple[int, ...] = ()
        if body is not None:
            departments = self.family(body)
        return Subscription(
            id=row["id"],
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            topic=row["topic"],
            member_id=row["member_id"],
            asked_by_id=row["asked_by_id"],
            answered_by_id=row["answered_by_id"],
            department_ids=departments,
            house=row["house"],
            description=row["description"],
            status=row["status"],
            after_seq=max(row["after_seq"], row["resumed_seq"] or 0),
            events=row["events"] or EVENTS_ANSWERS,
            mention_role_id=row["mention_role_id"],
        )

    def rows(
        self, guild_id: int | None = None, channel_id: int | None = None
    ) -> list[SubscriptionRow]:
        """Rows of the ``subscriptions`` table, of one server or channel when given, oldest
        first."""
        sql = "SELECT * FROM subscriptions WHERE 1"
        params: list[Param] = []
        if guild_id is not None:
            sql += " AND guild_id = ?"
            params.append(guild_id)
        if channel_id is not None:
            sql += " AND channel_id = ?"
            params.append(channel_id)
        return subscription_rows(self.store, sql + " ORDER BY id", params)

    def all_active(self) -> list[Subscription]:
        """Every active subscription, ready for matching."""
        return [self.subscription(r) for r in self.rows() if r["status"] == "active"]

    def get(self, subscription_id: int) -> SubscriptionRow | None:
        """One subscription's row, or None."""
        rows = subscription_rows(
            self.store, "SELECT * FROM subscriptions WHERE id = ?", (subscription_id,))
        return rows[0] if rows else None

    def subscribe(
        self,
        guild_id: int,
        channel_id: int,
        filters: Filters,
        description: str,
        user_id: int,
        user_name: str,
        cap: int,
        posting: Posting | None = None,
        now: datetime | None = None,
    ) -> tuple[SubscriptionRow, str]:
        """Make a subscription, or resume the same one; returns (row, "created"|"resumed"|
        "updated"|"exists"): "updated" when the same filters now post other ``events`` or
        otherwise (``posting``: role, schedule, threads). ``now`` counts the first digest.
        Raises ``SubscriptionError`` without a filter or over the server's cap."""
        posting = posting or Posting()
        columns = posting.columns(now or utc_now())
        events = normal_events(filters.get("events"))
        values = self._filter_values(filters)
        with self.store.transaction():
            for row in self.rows(guild_id, channel_id):
                if all(row[c] == values[c] for c in FILTER_COLUMNS):
                    changed = row["events"] != events or Posting.of(row) != posting
                    if row["status"] == "active" and not changed:
                        return row, "exists"
                    if changed:
                        self._update(row["id"], {
                            "events": events, "description": description, **columns})
                    if row["status"] == "active":
                        return self.get(row["id"]) or row, "updated"
                    self.conn.execute(
                        "UPDATE subscriptions SET status = 'active', paused_reason = NULL, "
                        "pause_notice = 0, resumed_seq = ? WHERE id = ?",
                        (self.store.last_change_seq(), row["id"]),
                    )
                    return self.get(row["id"]) or row, "resumed"
            count = self.conn.execute(
                "SELECT count(*) FROM subscriptions WHERE guild_id = ?", (guild_id,)
            ).fetchone()[0]
            if count >= cap:
                raise SubscriptionError(
                    f"This server already has {count} subscriptions, the most it may have "
                    f"({cap}). Remove one with /unsubscribe first."
                )
            record: dict[str, object] = {
                "guild_id": guild_id,
                "channel_id": channel_id,
                **values,
                "description": description,
                "created_by": user_id,
                "created_by_name": user_name,
                "created_at": utc_now_text(),
                "after_seq": self.store.last_change_seq(),
                "events": events,
                **columns,
            }
            cursor = self.conn.execute(
                f"INSERT INTO subscriptions ({', '.join(record)}) "
                f"VALUES ({', '.join('?' * len(record))})",
                list(record.values()),
            )
        made = self.get(int(cursor.lastrowid or 0))
        assert made is not None  # just inserted, in this connection
        return made, "created"

    def edit(
        self,
        guild_id: int,
        subscription_id: int,
        channel_id: int,
        filters: Filters,
        description: str,
        posting: Posting,
        now: datetime | None = None,
    ) -> SubscriptionRow | None:
        """Change one of this server's subscriptions in place: its filters, target, schedule or
        mention. It keeps its id, its place in the news and what it posted. What waits for its
        next post and no longer matches is dropped; None when there is no such subscription
        here. Raises ``SubscriptionError`` when the target already follows the same."""
        values = self._filter_values(filters)
        events = normal_events(filters.get("events"))
        columns = posting.columns(now or utc_now())
        with self.store.transaction():
            row = self.get(subscription_id)
            if row is None or row["guild_id"] != guild_id:
                return None
            for other in self.rows(guild_id, channel_id):
                if other["id"] != subscription_id and all(
                    other[c] == values[c] for c in FILTER_COLUMNS
                ):
                    raise SubscriptionError(
                        f"<#{channel_id}> already has a subscription that follows this; edit "
                        "or remove that one instead."
                    )
            self._update(subscription_id, {
                "channel_id": channel_id, **values, "events": events,
                "description": description, **columns})
            waiting = "subscription_id = ? AND status = 'pending' AND batch_id IS NULL"
            if channel_id != row["channel_id"]:
                self.conn.execute(
                    f"UPDATE OR IGNORE deliveries SET channel_id = ? WHERE {waiting}",
                    (channel_id, subscription_id),
                )
                self.conn.execute(  # the new target had these already
                    f"DELETE FROM deliveries WHERE {waiting} AND channel_id = ?",
                    (subscription_id, row["channel_id"]),
                )
            edited = self.get(subscription_id) or row
            sub = self.subscription(edited)
            matcher = SubscriptionMatcher([sub])
            for delivery in self.store.rows(
                f"SELECT id, question_id, kind FROM deliveries WHERE {waiting}",
                (subscription_id,),
            ):
                question = self.store.question(delivery["question_id"])
                if (
                    question is None
                    or not sub.takes(delivery["kind"])
                    or not matcher.wants(sub, question, [], set())
                ):
                    self.conn.execute("DELETE FROM deliveries WHERE id = ?", (delivery["id"],))
        return edited

    def _filter_values(self, filters: Filters) -> FilterValues:
        """The filter columns of a subscription; ``SubscriptionError`` when it follows nothing."""
        topic = filters.get("topic")
        values: FilterValues = {
            "topic": topic.strip()[:200] or None if topic is not None else None,
            "asked_by_id": filters.get("asked_by_id"),
            "answered_by_id": filters.get("answered_by_id"),
            "member_id": filters.get("member_id"),
            "department_id": filters.get("department_id"),
            "house": filters.get("house"),
        }
        if all(values[c] is None for c in FILTER_COLUMNS):
            raise SubscriptionError(
                "Say what to follow: a topic, a member, who asked or answered, a department "
                "or a House."
            )
        return values

    def _update(self, subscription_id: int, columns: dict[str, object]) -> None:
        self.conn.execute(
            f"UPDATE subscriptions SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
            [*columns.values(), subscription_id],
        )

    def preview(
        self, filters: Filters, today: date, days: int = 30, examples: int = 3
    ) -> tuple[int, list[QuestionRow]]:
        """What a subscription with these filters would have posted in the last ``days`` days:
        how many answers (and new questions, when it posts those), and the latest few."""
        values = self._filter_values(filters)
        events = normal_events(filters.get("events"))
        body = values["department_id"]
        sub = Subscription(
            id=0, guild_id=0, channel_id=0, topic=values["topic"],
            member_id=values["member_id"], asked_by_id=values["asked_by_id"],
            answered_by_id=values["answered_by_id"],
            department_ids=self.family(body) if body is not None else (),
            house=values["house"], description="", status="active", after_seq=0,
            events=events,
        )
        matcher = SubscriptionMatcher([sub])
        condition, params = matcher.prefilter()
        since = (today - timedelta(days=days)).isoformat()
        when = "q.date_answered >= ?"
        if events == EVENTS_ALL:
            when = "(q.date_answered >= ? OR q.date_tabled >= ?)"
            params = [since, *params]
        rows = self.store.question_rows(
            f"SELECT * FROM questions q WHERE {when} AND {condition} "
            "ORDER BY coalesce(q.date_answered, q.date_tabled) DESC, q.id DESC",
            [since, *params],
        )
        matched = [r for r in rows if matcher.matches(r)]
        return len(matched), matched[:examples]

    def unsubscribe(self, guild_id: int, subscription_id: int) -> SubscriptionRow | None:
        """Remove one of this server's subscriptions (its delivery history goes with it)."""
        row = self.get(subscription_id)
        if row is None or row["guild_id"] != guild_id:
            return None
        with self.store.transaction():
            self.conn.execute(
                "DELETE FROM deliveries WHERE subscription_id = ?", (subscription_id,)
            )
            self.conn.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))
        return row

    def pause_channel(self, channel_id: int, reason: str) -> int:
        """Stop posting to a channel that is gone or closed to the bot, saying why; each
        subscription's maker is to be told (``pause_notices``)."""
        cursor = self.conn.execute(
            "UPDATE subscriptions SET status = 'paused', paused_reason = ?, pause_notice = 1 "
            "WHERE channel_id = ? AND status = 'active'",
            (reason, channel_id),
        )
        return cursor.rowcount

    def posted_counts(self, subscription_ids: list[int]) -> dict[int, tuple[int, str | None]]:
        """How many posts each subscription made, and when the last was."""
        if not subscription_ids:
            return {}
        marks = ",".join("?" * len(subscription_ids))
        return {
            sid: (count, last)
            for sid, count, last in self.conn.execute(
                f"SELECT subscription_id, count(*), max(sent_at) FROM deliveries "
                f"WHERE status = 'sent' AND subscription_id IN ({marks}) "
                "GROUP BY subscription_id",
                subscription_ids,
            )
        }

    def explain(
        self, question: QuestionRow, guild_id: int, channel_id: int
    ) -> list[tuple[str, str, int | None]]:
        """"Why was (or wasn't) this posted here?": for each subscription of the channel, its
        description, the verdict in words, and the message id when it was posted."""
        matcher = SubscriptionMatcher([])
        verdicts = []
        for row in self.rows(guild_id, channel_id):
            sub = self.subscription(row)
            delivery = self.conn.execute(
                "SELECT status, message_id, reason, kind FROM deliveries WHERE "
                "subscription_id = ? AND question_id = ? ORDER BY id DESC LIMIT 1",
                (sub.id, question["id"]),
            ).fetchone()
            message_id = None
            if delivery and delivery[0] == "sent":
                verdict, message_id = f"posted ({delivery[3]})", delivery[1]
            elif delivery and delivery[0] == "pending":
                verdict = "matched; waiting to be posted"
            elif delivery:
                verdict = f"matched, {delivery[2]}"
            elif not matcher.wants(sub, question, [], set()):
                verdict = "does not match this answer"
            elif row["status"] != "active":
                verdict = f"matches, but the subscription is paused: {row['paused_reason']}"
            elif question["status"] == "unanswered" and sub.events == EVENTS_ALL:
                verdict = ("matches, but it was tabled before this subscription was made (or "
                           "came with a backfill of history), so it was not posted")
            elif question["status"] == "unanswered":
                verdict = ("matches, but it has no answer yet (this subscription posts answers "
                           "only)")
            elif question["status"] == "lapsed":
                verdict = "matches, but it lapsed at prorogation or dissolution: no answer to post"
            elif self._only_history_since(question["id"], sub.after_seq):
                verdict = ("matches, but its answer came with a backfill of history, which is "
                           "never posted")
            else:
                verdict = ("matches, but it was answered before this subscription was made, "
                           "so it was not posted")
            verdicts.append((sub.description, verdict, message_id))
        return verdicts

    def _only_history_since(self, question_id: int, after_seq: int) -> bool:
        """Whether every answer-like change of a question after ``after_seq`` came from a
        backfill (and there was one)."""
        kinds = ", ".join(f"'{k}'" for k in (*POSTED_KINDS, "new"))
        sources = {
            source
            for (source,) in self.conn.execute(
                f"SELECT DISTINCT source FROM changes WHERE question_id = ? AND seq > ? "
                f"AND kind IN ({kinds})",
                (question_id, after_seq),
            )
        }
        return sources == {HISTORY_SOURCE}


def matching_tags(
    tag_names: list[str], department_id: int | None, department_name: str | None,
    house: str | None,
) -> list[int]:
    """The positions of a forum's tags a post of this answer carries: a tag named like its
    department (any of the names ``departments.json`` gives it, "DfE" as well as "Department
    for Education") or its House ("Commons", "House of Lords"). At most five, as Discord
    allows."""
    wanted: set[str] = set()
    if department_name:
        wanted.add(fold(department_name))
    for department in department_table():
        if department.body_id == department_id:
            wanted.update(department.names())
    if house:
        wanted.update({fold(house), fold(f"House of {house}")})
    wanted.discard("")
    return [i for i, name in enumerate(tag_names) if fold(name) in wanted][:5]

"""Which subscriptions want a piece of news: matching in memory, and pure. Each subscription is
indexed by the member, department or topic word it needs, so an event looks only at the
subscriptions that could want it (a thousand new answers against ten thousand subscriptions
stays well under a second; see bench/)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.names.candidates import stem
from bot.core.news.kinds import (
    EVENTS_ALL,
    EVENTS_ANSWERS,
    TABLED_LABEL,
)
from bot.core.news.rows import Param
from bot.core.records import QuestionRow
from bot.core.text import fold


@dataclass(frozen=True)
class Subscription:
    """A subscription as matching uses it.

    ``department_ids`` holds the followed body and the bodies it replaced; ``after_seq`` is the
    change log's end when it was made or last resumed: nothing before it is posted.
    """

    id: int
    guild_id: int
    channel_id: int
    topic: str | None
    member_id: int | None
    asked_by_id: int | None
    answered_by_id: int | None
    department_ids: tuple[int, ...]  # the body and the bodies it replaced
    house: str | None
    description: str
    status: str
    after_seq: int
    events: str = EVENTS_ANSWERS
    mention_role_id: int | None = None  # the role each post pings, when one was chosen

    @property
    def active(self) -> bool:
        """Whether it posts (not paused)."""
        return self.status == "active"

    def takes(self, label: str) -> bool:
        """Whether it posts news with this label: new questions only with ``EVENTS_ALL``."""
        return label != TABLED_LABEL or self.events == EVENTS_ALL


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def topic_clauses(topic: str) -> list[tuple[str, ...]]:
    """The words a topic needs, each clause all present: "special educational needs" needs all
    three words (stemmed); a "quoted phrase" needs its words in order."""
    clauses: list[tuple[str, ...]] = []
    for phrase, bare in re.findall(r'"([^"]*)"|(\S+)', topic[:500]):
        words = tuple(stem(fold(w)) for w in _WORD.findall(phrase or bare) if fold(w))
        if not words or (bare and bare.upper() in ("AND", "OR", "NOT")):
            continue
        clauses.append(words if phrase else words[:1] if len(words) == 1 else words)
    return clauses


def text_words(text: str) -> list[str]:
    """A text's words, folded and stemmed as topics are, in order."""
    return [stem(w) for w in fold(text).split()]


def topic_matches(clauses: list[tuple[str, ...]], words: list[str], word_set: set[str]) -> bool:
    """Whether ``words`` hold every clause: a single word anywhere (looked up in ``word_set``), a
    phrase as a run in order."""
    for clause in clauses:
        if len(clause) == 1:
            if clause[0] not in word_set:
                return False
        elif not _contains_run(words, clause):
            return False
    return True


def _question_words(question: QuestionRow) -> str:
    """The text a topic is matched against: heading, question and answer (when there is one)."""
    return f"{question['heading']} {question['question_text']} {question['answer_text'] or ''}"


def _contains_run(words: list[str], run: tuple[str, ...]) -> bool:
    first = run[0]
    for i, word in enumerate(words):
        if word == first and tuple(words[i : i + len(run)]) == run:
            return True
    return False


class SubscriptionMatcher:
    """All active subscriptions, indexed for matching events to them."""

    def __init__(self, subscriptions: Iterable[Subscription]) -> None:
        self.subscriptions = [s for s in subscriptions if s.active]
        self._by_member: dict[int | None, list[Subscription]] = defaultdict(list)
        self._by_department: dict[int | None, list[Subscription]] = defaultdict(list)
        self._by_word: dict[str, list[Subscription]] = defaultdict(list)
        self._by_house: dict[str, list[Subscription]] = defaultdict(list)
        self._clauses: dict[int, list[tuple[str, ...]]] = {}
        for sub in self.subscriptions:
            # Index each by its most selective need; the rest is checked in ``wants``.
            if (
                sub.member_id is not None
                or sub.asked_by_id is not None
                or (sub.answered_by_id is not None)
            ):
                key = sub.member_id or sub.asked_by_id or sub.answered_by_id
                self._by_member[key].append(sub)
            elif sub.department_ids:
                for body in sub.department_ids:
                    self._by_department[body].append(sub)
            elif sub.topic:
                clauses = topic_clauses(sub.topic)
                self._clauses[sub.id] = clauses
                if clauses:
                    self._by_word[max(clauses[0], key=len)].append(sub)
            elif sub.house:
                self._by_house[sub.house].append(sub)
            if sub.topic and sub.id not in self._clauses:
                self._clauses[sub.id] = topic_clauses(sub.topic)

    def prefilter(self) -> tuple[str, list[Param]]:
        """A condition on questions ``q`` (with its parameters) that every question some
        subscription wants meets: members, departments and Houses of the subscriptions, or
        every question when one follows a topic alone. ``matches`` has the last word."""
        if self._by_word:
            return "1", []
        parts: list[str] = []
        params: list[Param] = []
        any_of = "IN (SELECT value FROM json_each(?))"
        if self._by_member:
            members = json.dumps(list(self._by_member))
            parts += [f"q.asking_member_id {any_of}", f"q.answering_member_id {any_of}"]
            params += [members, members]
        if self._by_department:
            parts.append(f"q.answering_body_id {any_of}")
            params.append(json.dumps(list(self._by_department)))
        if self._by_house:
            parts.append(f"q.house {any_of}")
            params.append(json.dumps(list(self._by_house)))
        return ("(" + " OR ".join(parts) + ")" if parts else "0"), params

    def matches(self, question: QuestionRow) -> list[Subscription]:
        """The active subscriptions that want news of ``question`` (a stored row)."""
        candidates: dict[int, Subscription] = {}
        for member in (question["asking_member_id"], question["answering_member_id"]):
            for sub in self._by_member.get(member, ()):
                candidates[sub.id] = sub
        for sub in self._by_department.get(question["answering_body_id"], ()):
            candidates[sub.id] = sub
        for sub in self._by_house.get(question["house"], ()):
            candidates[sub.id] = sub
        words: list[str] = []
        word_set: set[str] = set()
        if self._by_word or any(s.topic for s in candidates.values()):
            words = text_words(_question_words(question))
            word_set = set(words)
            for word in word_set:
                for sub in self._by_word.get(word, ()):
                    candidates[sub.id] = sub
        return [s for s in candidates.values() if self.wants(s, question, words, word_set)]

    def wants(
        self, sub: Subscription, question: QuestionRow, words: list[str], word_set: set[str]
    ) -> bool:
        """Whether ``sub`` wants news of ``question``; ``words`` and ``word_set`` are the question's
        text words when already computed, else empty (computed here if a topic needs them)."""
        if sub.member_id is not None and sub.member_id not in (
            question["asking_member_id"],
            question["answering_member_id"],
        ):
            return False
        if sub.asked_by_id is not None and sub.asked_by_id != question["asking_member_id"]:
            return False
        if sub.answered_by_id is not None and (
            sub.answered_by_id != question["answering_member_id"]
        ):
            return False
        if sub.department_ids and question["answering_body_id"] not in sub.department_ids:
            return False
        if sub.house and sub.house != question["house"]:
            return False
        if sub.topic:
            if not words:
                words = text_words(_question_words(question))
                word_set = set(words)
            return topic_matches(self._clauses.get(sub.id, []), words, word_set)
        return True

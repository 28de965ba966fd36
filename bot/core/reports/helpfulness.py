"""How helpful readers find each department's answers: ``/helpfulness`` and
``python -m bot stats helpfulness``.

Readers' votes on "Does this answer the above question?" (buttons and reactions alike, one per
person per answer, ``bot.core.votes``) on the answers dated in the period. A department's share of
"No" votes is ranked by the **lower bound of its 95% Wilson score interval**: the share of "No"
we are 95% sure it reaches at least. Worst first: many votes mostly "No" outrank a few all "No"
(40 of 50 gives 67%, 3 of 3 only 44%). A department needs ``min_votes`` votes to be ranked.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.core.records import parliament_url
from bot.core.reports.accountability import (
    HELPFULNESS_DEFINITIONS,
    MIN_VOTES,
    AccountabilityError,
    body_names,
    cut,
    default_period,
    percent,
    query_rows,
    ratio,
    register_functions,
    rounded,
    wilson_lower,
)
from bot.core.reports.filters import QuestionScope, body_ids, normal_house
from bot.core.store.database import Store


@dataclass(frozen=True)
class HelpfulnessRow:
    """Readers' votes on one department's answers."""

    department_id: int | None
    department_name: str
    answers: int  # answers with at least one vote
    yes: int
    no: int
    rank: int | None  # 1 is the worst; None below the minimum of votes

    @property
    def votes(self) -> int:
        """Votes cast, yes and no."""
        return self.yes + self.no

    @property
    def no_share(self) -> float | None:
        """The share of "No" votes; None without votes."""
        return ratio(self.no, self.votes)

    @property
    def no_lower(self) -> float:
        """The lower bound of the 95% Wilson interval of the "No" share: what ranks."""
        return wilson_lower(self.no, self.votes)

    def as_json(self) -> dict[str, object]:
        """The row as ``--json`` prints it."""
        return {
            "department": {"id": self.department_id, "name": self.department_name},
            "rank": self.rank,
            "answers": self.answers,
            "votes": self.votes,
            "yes": self.yes,
            "no": self.no,
            "no_share": rounded(self.no_share),
            "no_lower_bound": rounded(self.no_lower),
        }


@dataclass(frozen=True)
class DisputedAnswer:
    """One answer and its votes."""

    question_id: int
    uin: str
    house: str
    heading: str
    date_answered: str | None
    url: str | None
    yes: int
    no: int

    @property
    def no_lower(self) -> float:
        """The lower bound of the 95% Wilson interval of its "No" share."""
        return wilson_lower(self.no, self.yes + self.no)

    def as_json(self) -> dict[str, object]:
        """The answer as ``--json`` prints it."""
        return {
            "id": self.question_id,
            "uin": self.uin,
            "house": self.house,
            "heading": self.heading,
            "date_answered": self.date_answered,
            "url": self.url,
            "yes": self.yes,
            "no": self.no,
            "no_lower_bound": rounded(self.no_lower),
        }


@dataclass(frozen=True)
class HelpfulnessReport:
    """The league of departments by readers' votes, and one department's disputed answers."""

    since: date
    until: date
    as_of: date
    house: str | None
    min_votes: int
    rows: list[HelpfulnessRow]  # ranked worst first, then the unranked by votes
    department: HelpfulnessRow | None  # the department asked for (all its ids together)
    disputed: list[DisputedAnswer]  # its answers with "No" votes, most disputed first

    @property
    def ranked(self) -> list[HelpfulnessRow]:
        """The departments with enough votes, worst first."""
        return [row for row in self.rows if row.rank is not None]

    @property
    def unranked(self) -> list[HelpfulnessRow]:
        """The departments with votes, but fewer than ``min_votes``."""
        return [row for row in self.rows if row.rank is None]

    def as_json(self) -> dict[str, object]:
        """``{"since", "until", "as_of", "house", "min_votes", "rows", "department",
        "disputed"}``."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "as_of": self.as_of.isoformat(),
            "house": self.house,
            "min_votes": self.min_votes,
            "rows": [row.as_json() for row in self.rows],
            "department": None if self.department is None else self.department.as_json(),
            "disputed": [answer.as_json() for answer in self.disputed],
        }

    def as_text(self) -> str:
        """The league (and a department's disputed answers) for the terminal."""
        house = f", {self.house}" if self.house else ""
        lines = [
            f'Readers\' votes on "Does this answer the above question?", answers dated '
            f"{self.since} to {self.until} (as of {self.as_of}){house}; worst first",
            "",
            f"{'rank':<5}{'department':<46}{'No':>6}{'≥ No':>7}{'votes':>8}{'yes':>6}{'no':>6}",
        ]
        for row in self.ranked:
            lines.append(
                f"{row.rank:<5}{cut(row.department_name, 45):<46}{percent(row.no_share):>6}"
                f"{percent(row.no_lower):>7}{row.votes:>8}{row.yes:>6}{row.no:>6}"
            )
        if not self.ranked:
            lines.append(f"(no department has {self.min_votes} votes yet)")
        if self.unranked:
            rest = ", ".join(f"{r.department_name} ({r.votes})" for r in self.unranked)
            lines.append(f"Not ranked, fewer than {self.min_votes} votes: {rest}")
        if self.department is not None:
            lines += ["", f"{self.department.department_name}: {self.department.no} of "
                      f"{self.department.votes} votes say No; most disputed answers:"]
            lines += [
                f"  {a.question_id} {a.uin} ({a.date_answered}) {a.no}/{a.yes + a.no} No "
                f"- {cut(a.heading, 60)} {a.url or ''}".rstrip()
                for a in self.disputed
            ] or ["  (none with a No vote)"]
        lines += ["", HELPFULNESS_DEFINITIONS.format(min_votes=self.min_votes)]
        return "\n".join(lines)


_VOTED = """
    FROM votes v JOIN questions q ON q.id = v.question_id
    WHERE q.date_answered BETWEEN :since AND :until AND substr(v.voted_at, 1, 10) <= :as_of
"""


def _league(conn: sqlite3.Connection, scope: QuestionScope, values: dict[str, Any],
            names: dict[int | None, str], min_votes: int) -> list[HelpfulnessRow]:
    counts = conn.execute(
        "SELECT q.answering_body_id, count(DISTINCT v.question_id), sum(v.helpful), "
        f"sum(1 - v.helpful) {_VOTED} {scope.sql} GROUP BY q.answering_body_id",
        values,
    ).fetchall()
    rows = [HelpfulnessRow(b, names.get(b, str(b)), a, y, n, None) for b, a, y, n in counts]
    ranked = sorted((r for r in rows if r.votes >= min_votes),
                    key=lambda r: (-r.no_lower, -r.votes, r.department_name))
    unranked = sorted((r for r in rows if r.votes < min_votes),
                      key=lambda r: (-r.votes, r.department_name))
    return [
        HelpfulnessRow(r.department_id, r.department_name, r.answers, r.yes, r.no, rank)
        for rank, r in enumerate(ranked, 1)
    ] + unranked


def _disputed(conn: sqlite3.Connection, scope: QuestionScope, values: dict[str, Any],
              limit: int) -> list[DisputedAnswer]:
    rows = query_rows(
        conn,
        "SELECT q.id, q.uin, q.house, q.heading, q.date_answered, q.date_tabled, "
        f"sum(v.helpful) AS yes, sum(1 - v.helpful) AS no {_VOTED} {scope.sql} "
        "GROUP BY q.id HAVING no > 0 "
        "ORDER BY wilson_lower(no, yes + no) DESC, no DESC, q.id LIMIT :limit",
        {**values, "limit": limit},
    )
    return [
        DisputedAnswer(r["id"], r["uin"], r["house"], r["heading"], r["date_answered"],
                       parliament_url(r["date_tabled"], r["uin"]), r["yes"], r["no"])
        for r in rows
    ]


def helpfulness(
    store: Store,
    *,
    department_id: int | Sequence[int] | None = None,
    department_name: str | None = None,
    house: str | None = None,
    since: date | None = None,
    until: date | None = None,
    as_of: date | None = None,
    min_votes: int = MIN_VOTES,
    disputed: int = 10,
) -> HelpfulnessReport:
    """Readers' votes on the answers dated in [since, until], cast by the end of ``as_of``.

    ``rows``: every department with votes (in ``house``, if given), the ranked ones (at least
    ``min_votes`` votes) worst first by the Wilson lower bound of their "No" share, then the
    rest by votes. With ``department_id`` (an id, or a family of ids as for ``timeliness``):
    also its own row (``department``, every id together) and its ``disputed`` most disputed
    answers. Defaults as for ``timeliness``.
    """
    since, until, as_of = default_period(since, until, as_of)
    register_functions(store.conn)
    house_name = normal_house(house, AccountabilityError)
    values = {"since": since.isoformat(), "until": until.isoformat(), "as_of": as_of.isoformat()}
    names = body_names(store)
    everyone = QuestionScope(house=house_name)
    league = _league(store.conn, everyone, {**values, **everyone.params}, names, min_votes)
    ids = body_ids(department_id, AccountabilityError)
    if not ids:
        return HelpfulnessReport(since, until, as_of, house_name, min_votes, league, None, [])
    scope = QuestionScope(ids, house_name)
    mine = [r for r in league if r.department_id in ids]
    name = department_name or names.get(ids[0], str(ids[0]))
    row = HelpfulnessRow(
        ids[0], name, sum(r.answers for r in mine), sum(r.yes for r in mine),
        sum(r.no for r in mine), mine[0].rank if len(mine) == 1 else None,
    )
    answers = _disputed(store.conn, scope, {**values, **scope.params}, disputed)
    return HelpfulnessReport(since, until, as_of, house_name, min_votes, league, row, answers)

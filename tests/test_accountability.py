"""Timeliness and helpfulness (bot.core.reports.accountability) on stores built through the normal
upsert
path, with every expected figure counted by hand in the comments; the SQL's due days checked
against bot.core.reports.duedates; and the ``python -m bot stats`` twins."""

from __future__ import annotations

import json
import random
import statistics
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.core.reports.accountability import (
    LOOKBACK,
    AccountabilityError,
    default_period,
    wilson_lower,
)
from bot.core.reports.duedates import (
    add_working_days,
    due_date,
    due_status,
    is_working_day,
    working_day_calendar,
    working_days_between,
)
from bot.core.reports.filters import QuestionScope
from bot.core.reports.helpfulness import helpfulness
from bot.core.reports.timeliness import (
    DUE_DAY_SQL,
    KIND_SQL,
    Rate,
    TimelinessReport,
    last_working_day,
    timeliness,
)
from bot.core.sources.api_json import parse_question_value
from bot.core.store.database import Store
from bot.core.votes import VoteLedger

DFE, DHSC, DEFRA, DBT, DIT = 60, 17, 13, 214, 202
NAMES = {
    DFE: "Department for Education",
    DHSC: "Department of Health and Social Care",
    DEFRA: "Department for Environment, Food and Rural Affairs",
    DBT: "Department for Business and Trade",
    DIT: "Department for International Trade",
}
FIGURES = "There were 1,204 in 2022, 1,377 in 2023 and 1,455 in 2024."
NOT_HELD = "The information requested is not held centrally."
HOLDING = "I will reply to the hon. Member as soon as possible."


def api_value(
    qid: int,
    tabled: str,
    *,
    body: int = DFE,
    house: str = "Commons",
    dfa: str | None = None,
    named: bool = False,
    answered: str | None = None,
    holding: str | None = None,
    withdrawn: bool = False,
    text: str = FIGURES,
) -> dict[str, Any]:
    """A Written Questions API record. ``holding`` alone: a holding answer is the current
    answer; with ``answered``: the substantive answer that followed it."""
    only_holding = holding is not None and answered is None
    return {
        "id": qid,
        "house": house,
        "uin": f"HL{qid}" if house == "Lords" else str(qid),
        "dateTabled": tabled,
        "dateForAnswer": dfa,
        "isNamedDay": named,
        "isWithdrawn": withdrawn,
        "answerIsHolding": only_holding,
        "answerIsCorrection": False,
        "dateAnswered": answered or holding,
        "dateHoldingAnswer": holding,
        "answerText": HOLDING if only_holding else (text if answered else ""),
        "questionText": "To ask the Secretary of State, how many applications were made.",
        "heading": f"Applications {qid}",
        "answeringBodyId": body,
        "answeringBodyName": NAMES[body],
        "askingMemberId": 101,
        "answeringMemberId": 202,
    }


def load(store: Store, *values: dict[str, Any]) -> None:
    with store.transaction():
        store.upsert([parse_question_value(v) for v in values], source="api")


def build_hand_counted(store: Store) -> None:
    """The questions whose figures the tests below count by hand (2024: Good Friday 29 March,
    Easter Monday 1 April, bank holidays 6 and 27 May)."""
    load(
        store,
        # Department for Education.
        # Q1, Q2 ordinary, tabled Thu 28 Mar, the day before Good Friday: Tue 2 (1), Wed 3,
        # Thu 4, Fri 5, Mon 8 Apr (5) -> due Mon 8 Apr. Q1 answered then (on time, 5 working
        # days); Q2 on Tue 9 Apr (late, 6).
        api_value(1, "2024-03-28", answered="2024-04-08"),
        api_value(2, "2024-03-28", answered="2024-04-09", text=NOT_HELD),
        # Q3, Q4 named day, tabled Mon 15 Apr for Wed 17 Apr. Q3 answered on the day (on time,
        # 2); Q4 holding answer on the day, then the substantive on Wed 24 Apr (late, 7).
        api_value(3, "2024-04-15", dfa="2024-04-17", named=True, answered="2024-04-17"),
        api_value(4, "2024-04-15", dfa="2024-04-17", named=True, holding="2024-04-17"),
        # Q5-Q7 ordinary, tabled Mon 13 May, due Mon 20 May. Q5 only a holding answer (late,
        # overdue); Q6 never answered (late, overdue); Q7 withdrawn (left out everywhere).
        api_value(5, "2024-05-13", holding="2024-05-20"),
        api_value(6, "2024-05-13"),
        api_value(7, "2024-05-13", withdrawn=True),
        # Period boundaries (31 May): Q8 tabled Fri 24 May: [Mon 27 bank holiday] Tue 28 (1) ...
        # Fri 31 (4), Mon 3 Jun (5) -> due 3 Jun, after the period. Q9 tabled Thu 23 May: Fri
        # 24 (1), Tue 28 (2) ... Fri 31 May (5) -> due in the period, answered then (5).
        api_value(8, "2024-05-24", answered="2024-06-03"),
        api_value(9, "2024-05-23", answered="2024-05-31"),
        # (1 March) Q10 tabled Thu 22 Feb, due Thu 29 Feb, before the period; Q11 tabled Fri
        # 23 Feb, due Fri 1 Mar, in it though tabled before it: answered then (on time, 5).
        api_value(10, "2024-02-22", answered="2024-03-05"),
        api_value(11, "2024-02-23", answered="2024-03-01"),
        # Q12 Lords with a date for answer, Mon 29 Apr: answered Tue 30 Apr (late, 11).
        api_value(12, "2024-04-15", house="Lords", dfa="2024-04-29", answered="2024-04-30"),
        # Q13 Lords without one, tabled Wed 27 Mar: Thu 28 (1), [Good Friday, Easter Monday]
        # Tue 2 Apr (2) ... Fri 12 Apr (10) -> due 12 Apr, answered then (on time, 10).
        api_value(13, "2024-03-27", house="Lords", answered="2024-04-12"),
        # Q14 named day tabled long before its day, Mon 4 Mar: never answered (late, overdue).
        api_value(14, "2024-01-10", dfa="2024-03-04", named=True),
        # Q15 named-day flag without a date for answer: the ordinary rule, tabled Mon 22 Apr,
        # due Mon 29 Apr, answered then (on time, 5; counted as ordinary).
        api_value(15, "2024-04-22", named=True, answered="2024-04-29"),
        # Department of Health and Social Care.
        # Q20 tabled on Easter Monday 1 Apr: Tue 2 (1) ... Mon 8 Apr (5) -> due 8 Apr;
        # answered Wed 10 Apr (late, 7). Q21, Q24 tabled Tue 2 Apr, due Tue 9 Apr, answered
        # then (on time, 5). Q22 from 2023, never answered (overdue, not in the period); Q23
        # withdrawn.
        api_value(20, "2024-04-01", body=DHSC, answered="2024-04-10"),
        api_value(21, "2024-04-02", body=DHSC, answered="2024-04-09"),
        api_value(24, "2024-04-02", body=DHSC, answered="2024-04-09"),
        api_value(22, "2023-01-05", body=DHSC),
        api_value(23, "2023-01-05", body=DHSC, withdrawn=True),
        # Department for International Trade, replaced by Business and Trade: Q30 ordinary
        # tabled Tue 2 Apr, answered Tue 9 Apr (on time).
        api_value(30, "2024-04-02", body=DIT, answered="2024-04-09"),
    )
    # Q4 arrives as a holding answer first and is then answered: the normal path of a poll.
    load(store, api_value(4, "2024-04-15", dfa="2024-04-17", named=True, holding="2024-04-17",
                          answered="2024-04-24"))


PERIOD = {"since": date(2024, 3, 1), "until": date(2024, 5, 31), "as_of": date(2024, 6, 28)}


@pytest.fixture
def counted(store: Store) -> Store:
    build_hand_counted(store)
    return store


def test_the_holding_then_substantive_question_keeps_both_dates(counted: Store) -> None:
    row = counted.question(4)
    assert row is not None
    assert (row["status"], row["is_holding"]) == ("answered", 0)
    assert (row["date_answered"], row["date_holding_answer"]) == ("2024-04-24", "2024-04-17")


def test_timeliness_by_department_counted_by_hand(counted: Store) -> None:
    report = timeliness(counted, with_not_held=True, **PERIOD)
    assert [r.department_id for r in report.rows] == [DFE, DHSC, DIT]  # worst first
    dfe, dhsc, dit = report.rows
    # Ordinary: Q1 on time, Q2 late, Q5 late (holding only), Q6 late (unanswered), Q9 on time,
    # Q11 on time, Q15 on time; Q7 withdrawn, Q8 and Q10 due outside the period.
    assert dfe.ordinary == Rate(due=7, on_time=4)
    assert dfe.named_day == Rate(due=3, on_time=1)  # Q3 on time; Q4 (holding) and Q14 late
    assert dfe.lords == Rate(due=2, on_time=1)  # Q13 on time, Q12 a day late
    assert dfe.holding == 2 and dfe.holding_rate == pytest.approx(2 / 12)  # Q4, Q5
    # Working days to answer: Q3 2, Q1 5, Q9 5, Q11 5, Q15 5, Q2 6, Q4 7, Q13 10, Q12 11.
    assert dfe.median_working_days == 5
    assert dfe.overdue_now == 3  # Q5, Q6, Q14; not Q7 (withdrawn)
    assert dfe.answered == 9 and dfe.not_held == 1  # Q2
    assert dfe.not_held_rate == pytest.approx(1 / 9)
    assert dhsc.ordinary == Rate(due=3, on_time=2)  # Q20 late, Q21 and Q24 on time
    assert dhsc.median_working_days == 5  # 5, 5, 7
    assert dhsc.overdue_now == 1  # Q22, from 2023
    assert dhsc.holding_rate == 0
    assert dit.ordinary == Rate(due=1, on_time=1)
    assert report.overdue_now == 4
    # "Not held" is measured for all departments only when asked (it reads every answer).
    assert timeliness(counted, **PERIOD).rows[0].not_held_rate is None


def test_timeliness_by_month_for_one_department(counted: Store) -> None:
    report = timeliness(counted, department_id=DFE, **PERIOD)
    assert (report.department_id, report.department_name) == (DFE, NAMES[DFE])
    assert report.overdue_now == 3
    march, april, may = report.rows
    assert [r.month for r in report.rows] == ["2024-03", "2024-04", "2024-05"]
    # March: Q11 (1 Mar, on time, 5 days), Q14 (4 Mar, named day, unanswered, overdue now).
    assert (march.ordinary, march.named_day, march.lords) == (Rate(1, 1), Rate(1, 0), Rate(0, 0))
    assert (march.median_working_days, march.overdue_now, march.holding) == (5, 1, 0)
    # April: Q1, Q2, Q15 ordinary (2 on time); Q3, Q4 named day (1); Q12, Q13 Lords (1);
    # holding Q4; working days 2, 5, 5, 6, 7, 10, 11 -> median 6.
    assert (april.ordinary, april.named_day, april.lords) == (Rate(3, 2), Rate(2, 1), Rate(2, 1))
    assert (april.holding, april.median_working_days, april.overdue_now) == (1, 6, 0)
    assert april.not_held_rate == pytest.approx(1 / 7)  # Q2 of Q1-Q4, Q12, Q13, Q15
    # May: Q5 (holding only), Q6 (unanswered), Q9 (on time, 5).
    assert may.ordinary == Rate(3, 1)
    assert (may.holding, may.median_working_days, may.overdue_now) == (1, 5, 2)
    assert may.named_day.rate is None and may.lords.rate is None


def test_a_house_and_a_family_of_departments(counted: Store) -> None:
    lords = timeliness(counted, house="lords", **PERIOD)
    assert [(r.department_id, r.lords, r.ordinary.due) for r in lords.rows] == [
        (DFE, Rate(2, 1), 0)
    ]
    assert lords.overdue_now == 0
    # Business and Trade alone has no questions; with the bodies it replaced, DIT's Q30.
    alone = timeliness(counted, department_id=DBT, **PERIOD)
    assert sum(r.due for r in alone.rows) == 0
    family = timeliness(counted, department_id=(DBT, 201, DIT), department_name="DBT", **PERIOD)
    assert [r.ordinary for r in family.rows] == [Rate(0, 0), Rate(1, 1), Rate(0, 0)]
    assert family.department_name == "DBT"


def test_as_of_a_past_day_answers_given_later_are_not_yet_given(counted: Store) -> None:
    report = timeliness(counted, since=date(2024, 4, 1), until=date(2024, 4, 30),
                        as_of=date(2024, 4, 9))
    rows = {r.department_id: r for r in report.rows}
    # Due by Tue 9 Apr: Q1 (on time) and Q2 (answered 9 Apr, late); Q13, due 12 Apr, not yet.
    assert rows[DFE].ordinary == Rate(2, 1) and rows[DFE].lords == Rate(0, 0)
    # Q20 (due 8 Apr) was answered on 10 Apr: on 9 Apr it was late and overdue; Q21, Q24 on
    # time.
    assert rows[DHSC].ordinary == Rate(3, 2)
    assert rows[DHSC].overdue_now == 2  # Q20 and Q22
    assert rows[DFE].overdue_now == 1  # Q14; Q5 and Q6 were not tabled yet


def test_json_shape(counted: Store) -> None:
    data = timeliness(counted, **PERIOD).as_json()
    assert list(data) == ["since", "until", "as_of", "house", "rows"]
    assert (data["since"], data["until"], data["as_of"]) == ("2024-03-01", "2024-05-31",
                                                             "2024-06-28")
    row = data["rows"][0]
    assert list(row) == ["department", "ordinary", "named_day", "lords", "holding_rate",
                         "median_working_days", "overdue_now", "not_held_rate", "lapsed"]
    assert row["department"] == {"id": DFE, "name": NAMES[DFE]}
    assert row["ordinary"] == {"due": 7, "on_time": 4, "rate": 0.5714}
    # A rate is null when nothing was due, and without measuring "not held" so is its rate.
    assert data["rows"][1]["lords"] == {"due": 0, "on_time": 0, "rate": None}
    monthly = timeliness(counted, department_id=DFE, **PERIOD).as_json()
    assert monthly["department"] == {"id": DFE, "name": NAMES[DFE], "overdue_now": 3}
    assert list(monthly["rows"][0]) == ["month", *list(data["rows"][0])[1:]]
    quick = timeliness(counted, department_id=DFE, with_not_held=False, **PERIOD)
    assert quick.as_json()["rows"][0]["not_held_rate"] is None


def test_defaults_and_bad_options(counted: Store) -> None:
    assert default_period(None, None, date(2024, 6, 28)) == (
        date(2023, 6, 29), date(2024, 6, 28), date(2024, 6, 28))
    assert default_period(None, None, date(2024, 2, 29))[0] == date(2023, 3, 1)
    with pytest.raises(AccountabilityError, match="after until"):
        timeliness(counted, since=date(2024, 5, 1), until=date(2024, 4, 1))
    with pytest.raises(AccountabilityError, match="commons or lords"):
        timeliness(counted, house="senate")
    # The default period is the 12 months to as_of: Q8 (due 3 Jun) and Q10 (29 Feb) come in.
    assert timeliness(counted, as_of=date(2024, 6, 28)).rows[0].ordinary.due == 9


def test_the_figures_read_only_indexes(counted: Store) -> None:
    from bot.core.reports import accountability, timeliness

    scope = QuestionScope((DFE,), "Commons")
    values = {"since": "2024-03-01", "end": "2024-05-31", "lookback": "2024-01-30",
              "as_of": "2024-06-28", "last_working_day": "2024-06-28", **scope.params}
    accountability.register_functions(counted.conn)
    for sql in (timeliness._figures_sql(timeliness._histogram_from_questions(scope.sql, "body")),
                timeliness._overdue_sql(scope.sql)):
        plan = " | ".join(r[3] for r in counted.conn.execute("EXPLAIN QUERY PLAN " + sql, values))
        assert "SCAN q" not in plan, plan
        assert "COVERING INDEX questions_tabled" in plan or "questions_waiting" in plan, plan
        if "questions_tabled" in plan:
            assert "COVERING INDEX questions_named_due" in plan, plan


def test_the_figures_from_due_days_read_a_range_of_days(counted: Store) -> None:
    from bot.core.reports import timeliness

    scope = QuestionScope((DFE,), "Commons")
    values = {"since": "2024-03-01", "end": "2024-05-31", "last_working_day": "2024-06-28",
              **scope.params}
    summary_scope = timeliness._summary_scope(scope)
    figures = timeliness._figures_sql(timeliness._histogram_from_due_days(summary_scope, "body"))
    plan = " | ".join(r[3] for r in counted.conn.execute("EXPLAIN QUERY PLAN " + figures, values))
    assert "SEARCH due_days USING PRIMARY KEY (due>? AND due<?)" in plan, plan
    overdue = timeliness._overdue_from_due_days(summary_scope)
    plan = " | ".join(r[3] for r in counted.conn.execute("EXPLAIN QUERY PLAN " + overdue, values))
    assert "due_days_waiting" in plan and "SCAN due_days " not in plan + " ", plan


# ---------------------------------------------------------------- the SQL against duedates


def test_the_calendar_table_is_duedates() -> None:
    rows = working_day_calendar()
    previous = None
    for day_text, n, ordinary, lords in rows:
        day = date.fromisoformat(day_text)
        assert ordinary == add_working_days(day, 5).isoformat()
        assert lords == add_working_days(day, 10).isoformat()
        assert date.fromisoformat(lords) - day <= LOOKBACK
        if previous is not None:
            assert n - previous == is_working_day(day)
        previous = n
    by_day = {r[0]: r[1] for r in rows}
    rng = random.Random(14)
    for _ in range(500):
        a, b = sorted(rng.sample(range(len(rows)), 2))
        start, end = date.fromisoformat(rows[a][0]), date.fromisoformat(rows[b][0])
        assert by_day[rows[b][0]] - by_day[rows[a][0]] == working_days_between(start, end)


def test_the_store_holds_the_calendar(store: Store) -> None:
    stored = store.conn.execute("SELECT * FROM working_days ORDER BY day").fetchall()
    assert stored == list(working_day_calendar())
    assert last_working_day(date(2024, 4, 1)) == date(2024, 3, 28)  # Easter Monday


def _random_days(rng: random.Random) -> date:
    """Days from 2019 to 2026, a third of them around Easter or Christmas."""
    easter = {2019: date(2019, 4, 19), 2020: date(2020, 4, 10), 2021: date(2021, 4, 2),
              2022: date(2022, 4, 15), 2023: date(2023, 4, 7), 2024: date(2024, 3, 29),
              2025: date(2025, 4, 18), 2026: date(2026, 4, 3)}
    year = rng.randint(2019, 2026)
    pick = rng.random()
    if pick < 0.17:
        return easter[year] + timedelta(days=rng.randint(-12, 5))
    if pick < 0.34:
        return date(year, 12, 14) + timedelta(days=rng.randint(0, 20))
    return date(year, 1, 1) + timedelta(days=rng.randint(0, 364))


def _generated(rng: random.Random, qid: int) -> dict[str, Any]:
    tabled = _random_days(rng)
    house = rng.choice(["Commons", "Commons", "Lords"])
    named = rng.random() < 0.3
    dfa = tabled + timedelta(days=rng.randint(1, 21)) if rng.random() < 0.7 else None
    after = tabled + timedelta(days=rng.randint(0, 30))
    fate = rng.random()
    return api_value(
        qid, tabled.isoformat(), body=rng.choice([DFE, DHSC, DEFRA]), house=house,
        dfa=dfa.isoformat() if dfa else None, named=named,
        answered=after.isoformat() if fate < 0.75 else None,
        holding=(tabled + timedelta(days=rng.randint(1, 10))).isoformat()
        if 0.6 < fate < 0.9 else None,
        withdrawn=rng.random() < 0.05,
        text=NOT_HELD if rng.random() < 0.2 else FIGURES,
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Store:
    rng = random.Random(2024)
    store = Store(tmp_path_factory.mktemp("generated") / "generated.db")
    load(store, *(_generated(rng, qid) for qid in range(1, 3001)))
    yield store
    store.close()


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def test_sql_due_days_are_duedates_due_days(generated: Store) -> None:
    rows = generated.rows(
        f"SELECT q.*, {DUE_DAY_SQL} AS due, {KIND_SQL} AS kind FROM questions q "
        "JOIN working_days c ON c.day = q.date_tabled"
    )
    assert len(rows) == 3000
    for q in rows:
        expected = due_date(q["house"], _day(q["date_tabled"]), _day(q["date_for_answer"]),
                            bool(q["is_named_day"]))
        assert q["due"] == expected.isoformat(), q
        named = q["house"] == "Commons" and q["is_named_day"] and q["date_for_answer"]
        assert q["kind"] == ("lords" if q["house"] == "Lords" else
                             "named_day" if named else "ordinary")


def _reference(store: Store, since: date, until: date, as_of: date) -> dict[Any, dict[str, Any]]:
    """The report's figures the slow way: bot.core.reports.duedates.due_status, question by
    question."""
    figures: dict[Any, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for q in store.rows("SELECT * FROM questions"):
        answered = _day(q["date_answered"]) if q["status"] in ("answered", "corrected") else None
        status = due_status(q["house"], _day(q["date_tabled"]), _day(q["date_for_answer"]),
                            bool(q["is_named_day"]), answered, None, bool(q["is_withdrawn"]),
                            as_of)
        mine = figures[q["answering_body_id"]]
        mine["overdue"] += status.overdue
        if q["is_withdrawn"] or not since <= status.due <= min(until, as_of):
            continue
        kind = "lords" if q["house"] == "Lords" else "named_day" if status.named_day else "ordinary"
        mine[kind] += 1
        mine[kind + "_on_time"] += bool(status.on_time)
        holding = q["date_holding_answer"]
        mine["holding"] += bool(holding and _day(holding) <= as_of)
        if answered and answered <= as_of:
            mine.setdefault("waits", []).append(
                working_days_between(_day(q["date_tabled"]), answered))
            mine["not_held"] += q["answer_text"] == NOT_HELD
    return figures


@pytest.mark.parametrize(
    ("since", "until", "as_of"),
    [
        (date(2024, 1, 1), date(2024, 12, 31), date(2025, 1, 31)),
        (date(2020, 3, 1), date(2021, 2, 28), date(2020, 12, 24)),  # as of mid-period
        (date(2019, 1, 1), date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_timeliness_equals_duedates_question_by_question(
    generated: Store, since: date, until: date, as_of: date
) -> None:
    report = timeliness(generated, since=since, until=until, as_of=as_of, with_not_held=True)
    expected = _reference(generated, since, until, as_of)
    assert {r.department_id for r in report.rows} == {DFE, DHSC, DEFRA}
    for row in report.rows:
        e = expected[row.department_id]
        assert row.ordinary == Rate(e["ordinary"], e["ordinary_on_time"])
        assert row.named_day == Rate(e["named_day"], e["named_day_on_time"])
        assert row.lords == Rate(e["lords"], e["lords_on_time"])
        assert row.holding == e["holding"]
        assert row.median_working_days == statistics.median(e["waits"])
        assert row.overdue_now == e["overdue"]
        assert row.not_held == e["not_held"]


# ------------------------------------------------------------------------------ helpfulness


def test_wilson_lower_bound() -> None:
    assert wilson_lower(0, 0) == 0.0
    assert wilson_lower(3, 3) == pytest.approx(0.4385, abs=1e-4)
    assert wilson_lower(40, 50) == pytest.approx(0.6696, abs=1e-4)


@pytest.fixture
def voted(store: Store) -> Store:
    """Education: six answers, 42 "No" of 52 votes; Health: one answer, 3 "No" of 3 votes;
    Defra: 9 votes; an Education answer from before the period whose votes do not count."""
    load(
        store,
        *(api_value(100 + i, "2024-04-02", answered="2024-04-09") for i in range(1, 7)),
        api_value(200, "2024-04-02", body=DHSC, answered="2024-04-09"),
        api_value(300, "2024-04-02", body=DEFRA, answered="2024-04-09"),
        api_value(400, "2022-04-04", answered="2022-04-11"),
    )
    ledger = VoteLedger(store)
    user = iter(range(1, 10_000))
    # Answers 101-105 have 10 votes each with 10, 9, 8, 7, 6 "No"; answer 106 has 2 of 2.
    for qid, no, votes in ((101, 10, 10), (102, 9, 10), (103, 8, 10), (104, 7, 10),
                           (105, 6, 10), (106, 2, 2)):
        for k in range(votes):
            via = "button" if k % 2 else "reaction"
            ledger.vote(qid, next(user), helpful=k >= no, via=via, message_id=9000 + qid)
    for _ in range(3):
        ledger.vote(200, next(user), helpful=False, via="reaction", message_id=9200)
    for k in range(9):
        ledger.vote(300, next(user), helpful=k < 5, via="button", message_id=None)
    for _ in range(20):
        ledger.vote(400, next(user), helpful=False, via="button", message_id=None)
    return store


HELP_PERIOD = {"since": date(2024, 1, 1), "until": date(2024, 12, 31), "as_of": date(2030, 1, 1)}


def test_votes_from_buttons_and_reactions_make_the_league(voted: Store) -> None:
    report = helpfulness(voted, min_votes=1, **HELP_PERIOD)
    league = [(r.department_id, r.rank, r.yes, r.no) for r in report.rows]
    # Wilson lower bounds of the "No" share: Education 42/52 0.68, Health 3/3 0.44, Defra
    # 4/9 0.19. All "No" from three people ranks below 42 of 52.
    assert league == [(DFE, 1, 10, 42), (DHSC, 2, 0, 3), (DEFRA, 3, 5, 4)]
    assert report.rows[1].no_share == 1.0 and report.rows[0].no_share < 1.0


def test_the_latest_vote_counts_whatever_its_path(voted: Store) -> None:
    ledger = VoteLedger(voted)
    ledger.vote(200, 5555, helpful=True, via="button", message_id=None)
    ledger.vote(200, 5555, helpful=False, via="reaction", message_id=9200)
    health = next(r for r in helpfulness(voted, min_votes=1, **HELP_PERIOD).rows
                  if r.department_id == DHSC)
    assert (health.yes, health.no) == (0, 4)
    ledger.withdraw_reaction(200, 5555, helpful=False)
    health = next(r for r in helpfulness(voted, min_votes=1, **HELP_PERIOD).rows
                  if r.department_id == DHSC)
    assert (health.yes, health.no) == (0, 3)


def test_the_minimum_of_votes(voted: Store) -> None:
    report = helpfulness(voted, **HELP_PERIOD)  # at least 10 votes
    assert [(r.department_id, r.rank) for r in report.ranked] == [(DFE, 1)]
    assert [(r.department_id, r.votes) for r in report.unranked] == [(DEFRA, 9), (DHSC, 3)]
    assert helpfulness(voted, min_votes=53, **HELP_PERIOD).ranked == []


def test_a_department_and_its_most_disputed_answers(voted: Store) -> None:
    report = helpfulness(voted, department_id=DFE, **HELP_PERIOD)
    assert report.department is not None
    assert (report.department.votes, report.department.no, report.department.rank) == (52, 42, 1)
    # By the Wilson bound: 10/10 0.72, 9/10 0.60, 8/10 0.49, 7/10 0.40, then 2/2 0.34 above
    # 6/10 0.31 (more "No" votes, but fewer of them out of more).
    assert [a.question_id for a in report.disputed] == [101, 102, 103, 104, 106, 105]
    first = report.disputed[0]
    assert (first.uin, first.no, first.yes) == ("101", 10, 0)
    assert first.url == "https://questions-statements.parliament.uk/written-questions/detail/2024-04-02/101"
    data = report.as_json()
    assert list(data) == ["since", "until", "as_of", "house", "min_votes", "rows", "department",
                          "disputed"]
    assert data["disputed"][0]["no_lower_bound"] == pytest.approx(0.7225, abs=1e-4)


def test_only_votes_cast_by_as_of_count(voted: Store) -> None:
    # The votes above are cast today, after the end of 2025.
    report = helpfulness(voted, min_votes=1, since=date(2024, 1, 1), until=date(2024, 12, 31),
                         as_of=date(2025, 1, 1))
    assert report.rows == []


# ------------------------------------------------------------------------------ the CLI twins


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    with Store(path) as store:
        build_hand_counted(store)
    with Store(path) as store:
        VoteLedger(store).vote(1, 77, helpful=False, via="button", message_id=None)
    return path


def test_cli_timeliness_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "stats", "timeliness", "--db", str(db), "--since", "2024-03-01",
                        "--until", "31/05/2024", "--as-of", "28 Jun 2024", "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["since", "until", "as_of", "house", "rows"]
    assert data["rows"][0]["department"]["id"] == DFE
    assert data["rows"][0]["ordinary"] == {"due": 7, "on_time": 4, "rate": 0.5714}
    assert data["rows"][0]["not_held_rate"] == pytest.approx(0.1111)


def test_cli_timeliness_for_a_department_by_name(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "dfe.png"
    code, out, _ = _run(capsys, "stats", "timeliness", "--db", str(db), "--department", "DfE",
                        "--house", "commons", "--since", "2024-03-01", "--until", "2024-05-31",
                        "--as-of", "2024-06-28", "--json", "--png", str(png))
    assert code == 0
    data = json.loads(out)
    assert data["house"] == "Commons"
    assert [r["month"] for r in data["rows"]] == ["2024-03", "2024-04", "2024-05"]
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    code, out, _ = _run(capsys, "stats", "timeliness", "--db", str(db), "--department",
                        "education", "--as-of", "2024-06-28")
    assert code == 0
    assert out.startswith("Department for Education: on time by month")
    assert "Procedure Committee" in out


def test_cli_helpfulness(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dates = ("--since", "2024-01-01", "--until", "2024-12-31")  # as of today: the vote counts
    code, out, _ = _run(capsys, "stats", "helpfulness", "--db", str(db), *dates,
                        "--min-votes", "1", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["rows"][0]["department"]["id"] == DFE and data["rows"][0]["no"] == 1
    code, out, _ = _run(capsys, "stats", "helpfulness", "--db", str(db), *dates,
                        "--department", "dfe")
    assert code == 0
    assert "Not ranked, fewer than 10 votes: Department for Education (1)" in out
    assert "1 1 (2024-04-08) 1/1 No" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--department", "zzzzqqqq"], "--department: no department matches 'zzzzqqqq'"),
        (["--department", "department"], "could be"),
        (["--since", "2024-02-30"], "--since: '2024-02-30' is not a date"),
        (["--since", "2024-05-01", "--until", "2024-04-01"], "is after until"),
    ],
)
def test_cli_errors_are_short_with_exit_code_2(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    for report in ("timeliness", "helpfulness"):
        code, out, err = _run(capsys, "stats", report, "--db", str(db), *argv)
        assert code == 2 and out == ""
        assert message in err and len(err.splitlines()) == 1


def test_timeliness_report_text_without_rows() -> None:
    empty = TimelinessReport(date(2024, 1, 1), date(2024, 1, 31), date(2024, 2, 1), None,
                             None, None, 0, [])
    assert "(no question was due in this period)" in empty.as_text()

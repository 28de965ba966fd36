"""The overdue list (bot.core.reports.overdue) on a store built through the normal upsert path,
every due
day and count worked out by hand in the comments; the SQL against bot.core.reports.duedates
question by
question; one question's due day (``question_due``); and the ``python -m bot overdue`` twin."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_accountability import DFE, DHSC, _day, _generated, api_value, load

from bot.cli import main
from bot.core.reports import overdue as overdue_module
from bot.core.reports.duedates import due_status
from bot.core.reports.filters import QuestionScope
from bot.core.reports.overdue import OverdueError, overdue, question_due
from bot.core.store.bulk import IndexHints
from bot.core.store.database import Store

ASKER, OTHER_ASKER, MINISTER = 101, 103, 202


def member(member_id: int, name: str, list_as: str, house: str = "Commons") -> dict[str, Any]:
    return {"id": member_id, "name": name, "listAs": list_as, "party": "Labour",
            "partyAbbreviation": "Lab", "partyColour": "d50000", "memberFrom": "Somewhere",
            "house": house, "thumbnailUrl": None}


MEMBERS = {
    ASKER: member(ASKER, "Ann Asker", "Asker, Ann"),
    OTHER_ASKER: member(OTHER_ASKER, "Oliver Other", "Other, Oliver"),
    MINISTER: member(MINISTER, "Mina Minister", "Minister, Mina"),
}


def question(qid: int, tabled: str, *, asker: int = ASKER, answerer: int | None = None,
             **options: Any) -> dict[str, Any]:
    """An API record (``api_value``) asked by ``asker``; answered, or held, by ``answerer``
    (the minister by default when it has an answer of either kind, else nobody yet)."""
    value = api_value(qid, tabled, **options)
    if answerer is None and (options.get("answered") or options.get("holding")):
        answerer = MINISTER
    value.update(askingMemberId=asker, askingMember=MEMBERS[asker],
                 answeringMemberId=answerer,
                 answeringMember=MEMBERS[answerer] if answerer else None)
    return value


def build(store: Store) -> None:
    """2024: Good Friday 29 March, Easter Monday 1 April, bank holidays 6 and 27 May. The list
    is read as of Fri 31 May unless a test says otherwise."""
    load(
        store,
        # Q1 ordinary, tabled Mon 13 May: Tue 14 (1) ... Mon 20 May (5) -> due 20 May. Working
        # days after it to Fri 31 May: 21-24 (4), [27 BH], 28-31 (4) -> 8 overdue.
        question(1, "2024-05-13"),
        # Q2 named day, tabled Mon 13 May for Wed 15 May: 16, 17, 20-24, 28-31 -> 11 overdue.
        question(2, "2024-05-13", dfa="2024-05-15", named=True),
        # Q3 Lords with a date for answer, Wed 15 May: 11 overdue, not a named day.
        question(3, "2024-05-01", house="Lords", dfa="2024-05-15"),
        # Q4 Lords without one, tabled Wed 1 May: Thu 2 (1), Fri 3 (2), [6 BH], 7-10 (3-6),
        # 13-16 (7-10) -> due Thu 16 May; 17, 20-24, 28-31 -> 10 overdue.
        question(4, "2024-05-01", house="Lords"),
        # Q5 ordinary, tabled Thu 28 Mar, the day before Good Friday: Tue 2 (1) ... Mon 8 Apr
        # (5) -> due 8 Apr. Working days after it: April 9-30, 16; May 1-31 less two bank
        # holidays, 21 -> 37 overdue. The most overdue.
        question(5, "2024-03-28"),
        # Q6 ordinary, tabled Mon 13 May, a holding answer on its due day, Mon 20 May, and
        # nothing since: still overdue (8), marked holding; answered by the minister.
        question(6, "2024-05-13", holding="2024-05-20"),
        # Q7 withdrawn, Q8 answered late (Fri 24 May), Q9 answered on time: never listed on
        # 31 May. Q8 was overdue on Wed 22 May (21, 22: 2 working days).
        question(7, "2024-05-13", withdrawn=True),
        question(8, "2024-05-13", answered="2024-05-24"),
        question(9, "2024-05-13", answered="2024-05-20"),
        # Q10 tabled Fri 24 May: [27 BH] 28 (1) ... 31 (4), Mon 3 Jun (5): due 3 Jun, not yet.
        question(10, "2024-05-24"),
        # Q11 tabled Thu 23 May: Fri 24 (1), Tue 28 (2) ... Fri 31 May (5): due on the day,
        # so not overdue that day nor over the weekend; 1 working day overdue on Mon 3 Jun.
        question(11, "2024-05-23"),
        # Q12 Health, asked by the other member, tabled Mon 13 May: due 20 May, 8 overdue.
        question(12, "2024-05-13", body=DHSC, asker=OTHER_ASKER),
        # Q13 Health, Lords, tabled Wed 1 May without a date for answer (as Q4): 10 overdue.
        question(13, "2024-05-01", body=DHSC, house="Lords", asker=OTHER_ASKER),
    )


AS_OF = date(2024, 5, 31)


@pytest.fixture
def built(store: Store) -> Store:
    build(store)
    return store


def listed(store: Store, **options: Any) -> list[tuple[int, str, int]]:
    return [(q.id, q.due, q.working_days_overdue)
            for q in overdue(store, limit=100, **{"as_of": AS_OF, **options}).results]


def test_most_overdue_first_with_due_days_counted_by_hand(built: Store) -> None:
    assert listed(built) == [
        (5, "2024-04-08", 37),
        (2, "2024-05-15", 11),
        (3, "2024-05-15", 11),
        (4, "2024-05-16", 10),
        (13, "2024-05-16", 10),
        (1, "2024-05-20", 8),
        (6, "2024-05-20", 8),
        (12, "2024-05-20", 8),
    ]


def test_markers_status_and_what_each_item_carries(built: Store) -> None:
    items = {q.id: q for q in overdue(built, as_of=AS_OF, limit=100).results}
    assert [i for i, q in items.items() if q.named_day] == [2]  # not the Lords' Q3
    assert [i for i, q in items.items() if q.holding] == [6]
    assert (items[6].status, items[6].holding_date) == ("holding", "2024-05-20")
    assert items[1].status == "unanswered" and items[1].holding_date is None
    q5 = items[5]
    assert (q5.uin, q5.house, q5.heading, q5.date_tabled) == ("5", "Commons", "Applications 5",
                                                              "2024-03-28")
    assert q5.department == {"id": DFE, "name": "Department for Education"}
    assert q5.asked_by == {"id": ASKER, "name": "Ann Asker"}
    assert q5.url == ("https://questions-statements.parliament.uk/written-questions/detail/"
                      "2024-03-28/5")
    assert items[3].uin == "HL3"


def test_withdrawn_answered_and_not_yet_due_questions_are_left_out(built: Store) -> None:
    ids = {i for i, _, _ in listed(built)}
    assert ids.isdisjoint({7, 8, 9, 10, 11})


def test_a_question_due_on_a_friday_is_overdue_from_the_monday(built: Store) -> None:
    assert 11 not in {i for i, _, _ in listed(built, as_of=date(2024, 6, 2))}  # Sunday
    assert (11, "2024-05-31", 1) in listed(built, as_of=date(2024, 6, 3))
    assert (10, "2024-06-03", 1) in listed(built, as_of=date(2024, 6, 4))


def test_as_of_a_past_day(built: Store) -> None:
    # Wed 22 May: Q8 (answered 24 May) was overdue then, 2 working days; Q6's holding answer
    # (20 May) had been given; Q5 was 31 working days overdue (37 less 23-24, 28-31).
    on_22 = {q.id: q for q in overdue(built, as_of=date(2024, 5, 22), limit=100).results}
    assert (on_22[8].due, on_22[8].working_days_overdue, on_22[8].status) == (
        "2024-05-20", 2, "answered")
    assert on_22[5].working_days_overdue == 31
    assert on_22[6].holding
    # Fri 17 May: Q6 was due on Monday and had no holding answer yet; Q1 was not due.
    on_17 = {q.id: q for q in overdue(built, as_of=date(2024, 5, 17), limit=100).results}
    assert 6 not in on_17 and 1 not in on_17
    assert set(on_17) == {5, 2, 3, 4, 13}
    # Before anything was tabled, nothing.
    assert overdue(built, as_of=date(2024, 1, 1)).total == 0


def test_filters(built: Store) -> None:
    def ids(**options: Any) -> list[int]:
        return [i for i, _, _ in listed(built, **options)]

    assert ids(department_id=DHSC) == [13, 12]
    assert ids(department_id=(DHSC, DFE)) == ids()
    assert ids(house="lords") == [3, 4, 13]
    assert ids(house="Commons") == [5, 2, 1, 6, 12]
    assert ids(asking_member_id=OTHER_ASKER) == [13, 12]
    assert ids(answering_member_id=MINISTER) == [6]  # the only one answered, by a holding answer
    # A member in either role, as in search: what they asked, and what they are answering.
    assert ids(member_id=OTHER_ASKER) == [13, 12]
    assert ids(member_id=MINISTER) == [6]
    assert ids(member_id=ASKER) == ids(asking_member_id=ASKER)
    assert ids(member_id=OTHER_ASKER, department_id=DHSC, house="lords") == [13]
    assert ids(asking_member_id=ASKER, department_id=DHSC) == []
    assert ids(department_id=DFE, house="lords", asking_member_id=ASKER) == [3, 4]


def test_pages_and_totals(built: Store) -> None:
    first = overdue(built, as_of=AS_OF, limit=3)
    second = overdue(built, as_of=AS_OF, limit=3, offset=3)
    beyond = overdue(built, as_of=AS_OF, limit=3, offset=30)
    assert (first.total, second.total, beyond.total) == (8, 8, 8)
    assert [q.id for q in first.results + second.results] == [5, 2, 3, 4, 13, 1]
    assert beyond.results == []
    assert overdue(built, as_of=AS_OF, department_id=999).total == 0


def test_bad_options(built: Store) -> None:
    for options, message in (
        ({"house": "senate"}, "commons or lords"),
        ({"limit": 0}, "at least 1"),
        ({"offset": -1}, "negative"),
        ({"as_of": date(1990, 1, 1)}, "calendar covers"),
        ({"department_id": ()}, "no department"),
    ):
        with pytest.raises(OverdueError, match=message):
            overdue(built, **options)


def test_json_shape(built: Store) -> None:
    data = overdue(built, as_of=AS_OF, limit=2).as_json()
    assert list(data) == ["as_of", "total", "results"]
    assert (data["as_of"], data["total"]) == ("2024-05-31", 8)
    assert data["results"][0] == {
        "id": 5, "uin": "5", "house": "Commons", "heading": "Applications 5",
        "department": {"id": DFE, "name": "Department for Education"},
        "asked_by": {"id": ASKER, "name": "Ann Asker"},
        "date_tabled": "2024-03-28", "due": "2024-04-08", "working_days_overdue": 37,
        "named_day": False, "holding": False, "status": "unanswered",
    }


def test_the_list_reads_indexes_only(built: Store) -> None:
    """Every question still waiting comes from an index (the partial ``questions_waiting`` or a
    member's), never a scan of the table."""
    for scope, index in (
        (QuestionScope(), "questions_waiting"),
        (QuestionScope((DFE, DHSC), "Lords"), "questions_waiting"),
        (QuestionScope(asking_member_id=ASKER), "asking_member_id"),
        (QuestionScope((DFE,), answering_member_id=MINISTER), "answering_member_id"),
        (QuestionScope(member_id=ASKER), "asking_member_id"),
        (QuestionScope(member_id=ASKER), "answering_member_id"),
    ):
        values = {"as_of": "2024-05-31", "last_working_day": "2024-05-31", "limit": 5,
                  "offset": 0, **scope.params}
        steps = [r[3] for r in built.conn.execute(
            "EXPLAIN QUERY PLAN " + overdue_module._page_sql(scope, IndexHints(built.conn)),
            values)]
        plan = " | ".join(steps)
        # A scan of q is a scan of the partial index alone; anything else is a search.
        assert all(step == "SCAN q USING COVERING INDEX questions_waiting"
                   for step in steps if step.startswith("SCAN q")), plan
        assert index in plan, plan


MEMBER_INDEXES = ("idx_questions_asking_member_id_date_answered",
                  "idx_questions_answering_member_id_date_answered")
MEMBER_SCOPES = ({"asking_member_id": ASKER}, {"answering_member_id": MINISTER},
                 {"member_id": ASKER}, {"member_id": MINISTER})


def _lists(store: Store) -> list[tuple[int, list[int], list[int]]]:
    """Each member scope's (total, ids of the page, ids of iter_overdue)."""
    out = []
    for scope in MEMBER_SCOPES:
        page = overdue_module.overdue(store, as_of=date(2024, 5, 31), **scope)
        every = overdue_module.iter_overdue(store, as_of=date(2024, 5, 31), **scope)
        out.append((page.total, [q.id for q in page.results], [q.id for q in every]))
    return out


def test_a_members_list_beside_a_bulk_load_reads_the_waiting_index(built: Store) -> None:
    """With the member indexes set aside (a bulk load), a member's list of questions still
    waiting comes from ``questions_waiting``, not a scan of the table, and is the same list,
    in either role and in both, a page or all of it."""
    before = _lists(built)
    assert all(total >= 1 for total, _, _ in before)
    assert sum(total for total, _, _ in before) >= 5
    built.conn.execute("SAVEPOINT aside")
    try:
        for index in MEMBER_INDEXES:
            built.conn.execute(f"DROP INDEX {index}")
        scope = QuestionScope(member_id=ASKER)
        values = {"as_of": "2024-05-31", "last_working_day": "2024-05-31", "limit": 5,
                  "offset": 0, **scope.params}
        hints = IndexHints(built.conn)
        steps = [r[3] for r in built.conn.execute(
            "EXPLAIN QUERY PLAN " + hints(overdue_module._page_sql(scope, hints)), values)]
        waiting = next(step for step in steps if step.startswith(("SCAN q", "SEARCH q")))
        assert "questions_waiting" in waiting, steps
        during = _lists(built)
    finally:
        built.conn.execute("ROLLBACK TO aside")
        built.conn.execute("RELEASE aside")
    assert during == before


def test_an_index_set_aside_while_the_list_is_planned_is_not_an_error(
    built: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk load may drop the member indexes between the list reading which indexes there
    are and running its query: it runs again without them."""
    before = _lists(built)
    stale = IndexHints(built.conn).present  # read before the load set them aside
    built.conn.execute("SAVEPOINT aside")
    try:
        for index in MEMBER_INDEXES:
            built.conn.execute(f"DROP INDEX {index}")
        reads = []
        real_init = IndexHints.__init__

        def first_read_is_stale(self: IndexHints, conn: object) -> None:
            real_init(self, conn)  # type: ignore[arg-type]
            if not reads:
                self.present = set(stale)
            reads.append(1)

        monkeypatch.setattr(IndexHints, "__init__", first_read_is_stale)
        during = _lists(built)
        assert len(reads) > len(MEMBER_SCOPES) * 2  # the stale read was read again
    finally:
        built.conn.execute("ROLLBACK TO aside")
        built.conn.execute("RELEASE aside")
    assert during == before


# ---------------------------------------------------------------- the SQL against duedates


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """3,000 questions of 2019-2026 around Easter and Christmas (as test_accountability's), of
    which about a quarter are still waiting and a twentieth withdrawn."""
    rng = random.Random(13)
    store = Store(tmp_path_factory.mktemp("overdue") / "generated.db")
    load(store, *(_generated(rng, qid) for qid in range(1, 3001)))
    yield store
    store.close()


def _reference(store: Store, as_of: date) -> list[tuple[int, str, int, bool]]:
    """The list the slow way: bot.core.reports.duedates.due_status, question by question."""
    expected = []
    for q in store.rows("SELECT * FROM questions"):
        answered = _day(q["date_answered"]) if q["status"] in ("answered", "corrected") else None
        status = due_status(q["house"], _day(q["date_tabled"]), _day(q["date_for_answer"]),
                            bool(q["is_named_day"]), answered, _day(q["date_holding_answer"]),
                            bool(q["is_withdrawn"]), as_of)
        if status.overdue:
            held = q["date_holding_answer"] or (q["date_answered"] if q["is_holding"] else None)
            expected.append((q["id"], status.due.isoformat(), status.working_days_overdue,
                             held is not None and held <= as_of.isoformat()))
    return sorted(expected, key=lambda e: (e[1], e[0]))


@pytest.mark.parametrize("as_of", [
    date(2027, 1, 4),  # after everything: every question still waiting
    date(2024, 4, 2),  # the Tuesday after Easter Monday, answers given later not yet given
    date(2022, 12, 27),  # a bank holiday (Christmas falls on a Sunday)
    date(2021, 6, 12),  # a Saturday
])
def test_the_list_equals_duedates_question_by_question(generated: Store, as_of: date) -> None:
    listing = overdue(generated, as_of=as_of, limit=3000)
    expected = _reference(generated, as_of)
    assert len(expected) > 20
    assert listing.total == len(expected)
    got = [(q.id, q.due, q.working_days_overdue, q.holding) for q in listing.results]
    assert got == expected
    # The marker agrees with the named-day rule duedates applies.
    for q in listing.results:
        row = generated.question(q.id)
        assert row is not None
        status = question_due(row, as_of)
        assert status is not None and status.named_day == q.named_day
        assert status.working_days_overdue == q.working_days_overdue


# ------------------------------------------------------------------- one question's due day


def test_question_due_of_show_json_data_and_of_rows(built: Store) -> None:
    from bot.core.search.render import question_json

    for qid, expected in ((1, (date(2024, 5, 20), True, 8)), (6, (date(2024, 5, 20), True, 8)),
                          (2, (date(2024, 5, 15), True, 11)), (7, (date(2024, 5, 20), False, 0)),
                          (8, (date(2024, 5, 20), False, 0)), (10, (date(2024, 6, 3), False, 0))):
        row = built.question(qid)
        assert row is not None
        for shape in (row, question_json(built, row)):
            status = question_due(shape, AS_OF)
            assert status is not None
            assert (status.due, status.overdue, status.working_days_overdue) == expected, qid
    named = question_due(question_json(built, built.question(2)), AS_OF)  # type: ignore[arg-type]
    assert named is not None and named.named_day
    held = question_due(built.question(6), AS_OF)  # type: ignore[arg-type]
    assert held is not None and held.on_time is False
    assert question_due({"house": "Commons", "date_tabled": None}) is None
    assert question_due({"house": "Senate", "date_tabled": "2024-05-13"}) is None


# ------------------------------------------------------------------------------ the CLI twin


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    with Store(path) as store:
        build(store)
    return path


def test_cli_overdue_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "overdue", "--db", str(db), "--as-of", "31 May 2024", "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["as_of", "total", "results"]
    assert (data["as_of"], data["total"]) == ("2024-05-31", 8)
    assert list(data["results"][0]) == [
        "id", "uin", "house", "heading", "department", "asked_by", "date_tabled", "due",
        "working_days_overdue", "named_day", "holding", "status"]
    assert [r["id"] for r in data["results"]] == [5, 2, 3, 4, 13, 1, 6, 12]
    assert data["results"][6]["holding"] is True and data["results"][6]["status"] == "holding"


def test_cli_overdue_filters_by_name(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ("overdue", "--db", str(db), "--as-of", "2024-05-31", "--json")
    cases = (
        (["--department", "health"], [13, 12]),
        (["--department", "DfE", "--house", "lords"], [3, 4]),
        (["--asked-by", "oliver other"], [13, 12]),
        (["--member", "Mina Minister"], [6]),
        (["--answered-by", "Mina Minister"], [6]),
        (["--member", "oliver other"], [13, 12]),  # either role: he asked them
        (["--answered-by", "oliver other"], []),
        (["--asked-by", "Ann Asker", "--limit", "2"], [5, 2]),
    )
    for options, ids in cases:
        code, out, _ = _run(capsys, *base, *options)
        assert code == 0, options
        assert [r["id"] for r in json.loads(out)["results"]] == ids, options
    code, out, _ = _run(capsys, "overdue", "--db", str(db), "--as-of", "2024-05-31",
                        "--department", "health", "--limit", "1")
    assert code == 0
    assert out.startswith("2 questions overdue as of 2024-05-31 - Department of Health")
    assert "(showing 1-1 of 2; --limit shows more)" in out
    assert "10  2024-05-16  2024-05-01  HL13" in out
    assert "a holding answer does not stop the clock" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--department", "zzzzqqqq"], "--department: no department matches 'zzzzqqqq'"),
        (["--department", "department"], "could be"),
        (["--member", "zzzzqqqq"], "--member: no member matches 'zzzzqqqq'"),
        (["--asked-by", "x" * 300], "--asked-by: no member matches"),
        (["--as-of", "2024-02-30"], "--as-of: '2024-02-30' is not a date"),
        (["--as-of", "1 Jan 2090"], "calendar covers"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_cli_errors_are_short_with_exit_code_2(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, "overdue", "--db", str(db), *argv)
    assert code == 2 and out == ""
    assert message in err and len(err.splitlines()) == 1


def test_cli_an_unclear_member_lists_the_candidates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "jones.db"
    with Store(path) as store:
        MEMBERS[91] = member(91, "Andrew Jones", "Jones, Andrew")
        MEMBERS[92] = member(92, "Mr Kevan Jones", "Jones, Mr Kevan")
        try:
            load(store, question(1, "2024-05-13", asker=91), question(2, "2024-05-13", asker=92))
        finally:
            del MEMBERS[91], MEMBERS[92]
    code, out, err = _run(capsys, "overdue", "--db", str(path), "--asked-by", "Jones")
    assert code == 2 and out == ""
    assert "--asked-by: 'Jones' could be" in err
    assert "Andrew Jones" in err and "Kevan Jones" in err


# ---------------------------------------------------------- the Discord words, within limits


def test_due_words_for_a_question_not_answered_yet() -> None:
    from bot.discord.answers import due_words

    def words(tabled: str, today: date, **extra: Any) -> str:
        data = {"house": "Commons", "date_tabled": tabled, "status": "unanswered", **extra}
        status = question_due(data, today)
        assert status is not None
        return due_words(status, today)

    # Tabled Mon 13 May 2024, due Mon 20 May.
    assert words("2024-05-13", date(2024, 5, 31)) == "due 20 May 2024 — **8 working days overdue**"
    assert words("2024-05-13", date(2024, 5, 21)) == "due 20 May 2024 — **1 working day overdue**"
    assert words("2024-05-13", date(2024, 5, 20)) == "due 20 May 2024: today"
    assert words("2024-05-13", date(2024, 5, 16)) == "due 20 May 2024, in 2 working days"
    # Tabled Thu 23 May, due Fri 31 May: over the weekend, overdue from Mon 3 June.
    assert words("2024-05-23", date(2024, 6, 1)) == "due 31 May 2024; overdue from 3 Jun 2024"
    named = words("2024-05-13", date(2024, 5, 31), date_for_answer="2024-05-15", named_day=True)
    assert named == "due 15 May 2024 (named day) — **11 working days overdue**"


def test_overdue_pages_keep_within_discord_limits(built: Store) -> None:
    import re
    from dataclasses import replace

    from bot.discord import embeds
    from bot.discord.overdue.embeds import open_option_text, overdue_embed
    from bot.discord.overdue.views import OverduePageButton, OverdueRequest

    listing = overdue(built, as_of=AS_OF, limit=5)
    huge = [replace(q, heading="Words " * 100, uin="U" * 40,
                    department={"id": 1, "name": "Department " * 30},
                    asked_by={"id": 2, "name": "*Name* " * 30}) for q in listing.results]
    embed = overdue_embed(replace(listing, results=huge), "Title " * 100, 0, 2)
    assert len(embed) <= embeds.EMBED_TOTAL_LIMIT
    assert len(embed.description or "") <= embeds.DESCRIPTION_LIMIT
    assert len(embed.title or "") <= embeds.TITLE_LIMIT
    for item in huge:
        label, description = open_option_text(item)
        assert len(label) <= embeds.SELECT_LABEL_LIMIT
        assert len(description) <= embeds.SELECT_LABEL_LIMIT
    # The request in a page button's custom_id, at its longest, fits and reads back.
    longest = OverdueRequest(-(10**15), -(10**15) + 1, -(10**15) + 2, "lords", -(10**15) + 3)
    custom_id = longest.custom_id(99999)
    assert len(custom_id) <= 100
    match = re.fullmatch(OverduePageButton.__discord_ui_compiled_template__, custom_id)
    assert match is not None and OverdueRequest.from_match(match) == longest
    plain = OverdueRequest(house=None).custom_id(0)
    assert plain == "ovd:0:::::"
    match = re.fullmatch(OverduePageButton.__discord_ui_compiled_template__, plain)
    assert match is not None and OverdueRequest.from_match(match) == OverdueRequest()
    # A button made when its fifth field was `member`, the minister answering, keeps that.
    match = re.fullmatch(OverduePageButton.__discord_ui_compiled_template__, "ovd:2:c:60:7:8")
    assert match is not None
    assert OverdueRequest.from_match(match) == OverdueRequest(
        department_id=60, asked_by_id=8, house="commons", answered_by_id=7)

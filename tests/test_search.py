"""Search: filters through resolution, ranking, hostile text, excerpts."""

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, shared_data

from bot.core.names.matching import Resolver
from bot.core.search.excerpts import make_excerpt
from bot.core.search.fulltext import Searcher, SearchError, SearchQuery, fts_query, parse_day_option
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store


@pytest.fixture(scope="module")
def real_store(tmp_path_factory) -> Store:
    folder = shared_data()
    store = Store(tmp_path_factory.mktemp("real") / "real.db")
    ingest_paths(store, [folder, FIXTURES / "substantive.json"])
    yield store
    store.close()


def searcher(store: Store) -> Searcher:
    return Searcher(store, Resolver.from_store(store))


def run(store: Store, **kwargs):
    return searcher(store).search(SearchQuery(**kwargs))


def test_department_abbreviation_and_text_find_the_ux_example(real_store: Store) -> None:
    outcome = run(real_store, text="askham bryan", department="dfe")
    assert outcome.resolved["department"].best.name == "Department for Education"
    assert [r.row["uin"] for r in outcome.results] == ["HL12274"]
    assert "**Askham** **Bryan**" in outcome.results[0].excerpt


def test_heading_match_ranks_above_answer_mention(tmp_path: Path) -> None:
    with Store(tmp_path / "r.db") as store:
        base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
        in_answer = dict(
            base,
            id=1,
            uin="1",
            heading="Schools: Funding",
            answerText="<p>We discussed apprenticeships at length.</p>",
        )
        in_heading = dict(
            base,
            id=2,
            uin="2",
            heading="Apprenticeships",
            answerText="<p>Funding has been allocated.</p>",
        )
        path = tmp_path / "two.json"
        path.write_text(json.dumps({"results": [{"value": in_answer}, {"value": in_heading}]}))
        ingest_paths(store, [path])
        ids = [r.row["id"] for r in run(store, text="apprenticeships").results]
        assert ids == [2, 1]
        newest = run(store, text="apprenticeships", sort="newest").results
        assert len(newest) == 2


def test_a_broad_search_is_ranked_among_its_newest_matches(tmp_path: Path, monkeypatch) -> None:
    """Over COUNT_CAP matches: the total is "at least", the best of the newest COUNT_CAP come
    first, pages follow on without repeats, and dates still filter."""
    monkeypatch.setattr("bot.core.search.fulltext.COUNT_CAP", 4)
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]

    def question(qid: int, heading: str, answered: str) -> dict:
        return {"value": dict(base, id=qid, uin=str(qid), heading=heading,
                              dateAnswered=f"{answered}T00:00:00",
                              answerText="<p>Funding for apprenticeships was agreed.</p>")}

    days = ["2021-01-04", "2021-01-05", "2021-01-06", "2021-01-07", "2021-01-08", "2021-01-11"]
    headings = ["Apprenticeships", "Schools", "Schools", "Apprenticeships", "Schools", "Schools"]
    path = tmp_path / "six.json"
    path.write_text(json.dumps({"results": [question(i + 1, h, d) for i, (h, d)
                                            in enumerate(zip(headings, days, strict=True))]}))
    with Store(tmp_path / "b.db") as store:
        ingest_paths(store, [path])
        outcome = run(store, text="apprenticeships")
        assert outcome.total_is_estimate and outcome.ranked_recent_only
        ids = [r.row["id"] for r in outcome.results]
        # Question 1 has the word in its heading but is older than the newest four.
        assert ids[0] == 4 and 1 not in ids and sorted(ids) == [3, 4, 5, 6]
        pages = [r.row["id"] for offset in (0, 2)
                 for r in run(store, text="apprenticeships", limit=2, offset=offset).results]
        assert pages == ids
        newest = run(store, text="apprenticeships", sort="newest").results
        assert [r.row["id"] for r in newest] == [6, 5, 4, 3]
        until = run(store, text="apprenticeships",
                    until=parse_day_option("2021-01-05", "until")).results
        assert [r.row["id"] for r in until] == [1, 2]
        assert not run(store, text="apprenticeships",
                       until=parse_day_option("2021-01-05", "until")).total_is_estimate


def test_date_ranges_find_old_questions_answered_late(tmp_path: Path) -> None:
    """Text searches with dates read only the ids answered in range; a question tabled long
    ago and answered later (an update, not an insert) must still be found."""
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]

    def file(name: str, *values: dict) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps({"results": [{"value": v} for v in values]}))
        return path

    early = dict(base, id=100, uin="100", heading="Ferries", dateAnswered="2021-01-12T00:00:00")
    old = dict(base, id=5, uin="5", heading="Ferries", dateAnswered=None, answerText=None)
    answered = dict(old, dateAnswered="2023-03-02T00:00:00", answerText="<p>Ferries run.</p>")
    with Store(tmp_path / "d.db") as store:
        ingest_paths(store, [file("a.json", early, old)])
        ingest_paths(store, [file("b.json", answered)])
        since = parse_day_option("2023-03-01", "since")
        until = parse_day_option("2021-01-31", "until")
        assert [r.row["id"] for r in run(store, text="ferries", since=since).results] == [5]
        assert [r.row["id"] for r in run(store, text="ferries", until=until).results] == [100]
        nothing = parse_day_option("2030-01-01", "since")
        assert run(store, text="ferries", since=nothing).results == []


def test_filters_alone_list_newest_first(real_store: Store) -> None:
    outcome = run(real_store, department="Ministry of Defence", limit=50)
    dates = [r.row["date_answered"] or r.row["date_tabled"] for r in outcome.results]
    assert dates == sorted(dates, reverse=True)
    assert outcome.total == len(outcome.results) > 10
    assert all(r.row["answering_body_id"] == 11 for r in outcome.results)


def test_member_lists_what_they_asked_and_answered_newest_first_in_pages(tmp_path: Path) -> None:
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    rows = []
    for i in range(1, 9):  # member 7 asks the odd ones and answers the even ones
        rows.append(dict(base, id=i, uin=str(i), heading=f"Topic {i}",
                         askingMemberId=7 if i % 2 else 8, answeringMemberId=9 if i % 2 else 7,
                         answerIsHolding=i == 4,
                         dateAnswered=f"2022-03-{10 + (i * 5) % 9:02d}T00:00:00"))
    path = tmp_path / "member.json"
    path.write_text(json.dumps({"results": [{"value": r} for r in rows]}))
    with Store(tmp_path / "m.db") as store:
        ingest_paths(store, [path])
        searcher_ = Searcher(store, Resolver.from_store(store))
        listed = [r.row for offset in (0, 3, 6) for r in searcher_.search(
            SearchQuery(member="x", pinned={"member": 7}, limit=3, offset=offset)).results]
        expected = sorted(rows, key=lambda r: (r["dateAnswered"], r["id"]), reverse=True)
        assert [r["id"] for r in listed] == [r["id"] for r in expected]
        holding = searcher_.search(SearchQuery(member="x", pinned={"member": 7}, status="holding"))
        assert [r.row["id"] for r in holding.results] == [4] and holding.total == 1


def test_asked_by_and_answered_by_are_different_things(real_store: Store) -> None:
    asked = run(real_store, asked_by="Lord Campbell-Savours", limit=50).results
    answered = run(real_store, answered_by="Lord Campbell-Savours", limit=50).results
    assert asked and not answered
    either = run(real_store, member="Baroness Berridge", limit=50).results
    assert all(
        r.row["answering_member_id"] == either[0].row["answering_member_id"]
        or r.row["asking_member_id"] == either[0].row["answering_member_id"]
        for r in either
    )


def test_status_house_and_dates(real_store: Store) -> None:
    holding = run(real_store, status="holding", limit=100).results
    assert holding and all(r.row["status"] == "holding" for r in holding)
    lords = run(real_store, house="lords", limit=100).results
    assert lords and all(r.row["house"] == "Lords" for r in lords)
    window = run(
        real_store,
        since=parse_day_option("1 Feb 2021", "since"),
        until=parse_day_option("01/02/2021", "until"),
        limit=100,
    ).results
    assert window and all(r.row["date_answered"] == "2021-02-01" for r in window)


def test_an_unclear_name_comes_back_with_candidates_not_a_guess(real_store: Store) -> None:
    outcome = run(real_store, member="Jones")
    assert "member" in outcome.ambiguous
    assert len(outcome.ambiguous["member"].candidates) >= 2
    assert outcome.results == []


HOSTILE = [
    'schools"',
    '"unbalanced',
    "AND OR NOT",
    "NOT schools",
    "(",
    ")",
    "*",
    "-",
    ":",
    "heading:",
    "answer_text:funding",
    "NEAR(a b, 3)",
    "'; DROP TABLE questions; --",
    "🙂🙂",
    "\x00\x01",
    "a" * 6000,
    "defence " * 800,
    '"covid 19" OR vaccine -child',
    "^",
    "{heading}: x",
    "+",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_any_text_is_a_valid_query(real_store: Store, text: str) -> None:
    outcome = run(real_store, text=text)
    assert outcome.total >= 0
    assert real_store.count_questions() > 180


def test_a_quoted_phrase_stays_a_phrase() -> None:
    assert fts_query('"special educational needs" funding').expression == (
        '"special educational needs" AND "funding"'
    )
    assert fts_query("covid-19").expression == '"covid 19"'
    assert fts_query("school*").expression == '"school"*'
    assert fts_query("a OR b -c").expression == '("a" OR "b") NOT "c"'


def test_words_that_look_like_filter_tags_search_the_text_only(tmp_path: Path) -> None:
    """Filters are words of a hidden column (hl = Lords, a<id> = asker...): a search for
    "HL", "A14" or "hcs" must find those words in the text, never the hidden ones."""
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    lords = dict(base, id=1, uin="HL1", house="Lords", askingMemberId=14, heading="Roads",
                 answerText="<p>Nothing about the subject.</p>")
    cited = dict(base, id=2, uin="2", house="Commons", askingMemberId=99, heading="Roads",
                 answerText="<p>As I said (HL Deb, 4 May), the A14 upgrade will go ahead.</p>")
    path = tmp_path / "tags.json"
    path.write_text(json.dumps({"results": [{"value": lords}, {"value": cited}]}))
    with Store(tmp_path / "t.db") as store:
        ingest_paths(store, [path])
        for text in ("HL", "a14", "hl*", '"HL Deb"', "A14 upgrade", "hcs", "sanswered"):
            ids = [r.row["id"] for r in run(store, text=text).results]
            assert ids == ([] if text in ("hcs", "sanswered") else [2]), text
        assert [r.row["id"] for r in run(store, text="roads -hl").results] == [1]
    assert fts_query("government services").expression == '"government" AND "services"'


def test_bad_dates_and_options_are_clear() -> None:
    with pytest.raises(SearchError, match="not a date"):
        parse_day_option("yesterday-ish", "since")
    assert str(parse_day_option("31 January 2024", "since")) == "2024-01-31"


def test_excerpt_marks_matches_and_cuts_at_words() -> None:
    words = " ".join(f"word{i}" for i in range(200))
    row = {"answer_text": words + " the vaccination programme " + words, "question_text": "q"}
    excerpt = make_excerpt(row, ["vaccine"])
    assert "**vaccination**" in excerpt
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert len(excerpt.replace("**", "")) <= 302
    body = excerpt.strip("…").replace("**", "")
    assert all(
        w.startswith("word") or w in ("the", "vaccination", "programme") for w in body.split()
    )


def test_unanswered_excerpt_uses_the_question() -> None:
    row = {"answer_text": "", "question_text": "To ask about *bold* schools"}
    assert make_excerpt(row, ["schools"]) == r"To ask about \*bold\* **schools**"


@pytest.mark.parametrize("text", ["", "defence"])
def test_common_filters_written_as_exclusions_still_filter(real_store: Store, text: str) -> None:
    commons = run(real_store, text=text, house="commons", limit=100).results
    assert commons and all(r.row["house"] == "Commons" for r in commons)
    answered = run(real_store, text=text, status="answered", limit=100).results
    assert answered and all(r.row["status"] == "answered" for r in answered)
    everything = run(real_store, text=text, limit=100)
    lords = run(real_store, text=text, house="lords", limit=100)
    assert run(real_store, text=text, house="commons", limit=100).total + lords.total == (
        everything.total)


@pytest.mark.parametrize(
    "text",
    ['defence"', "(defence", "defence AND OR", "heading:defence", "defence* -", "🙂defence🙂"],
)
def test_syntax_around_a_real_word_still_finds_it(real_store: Store, text: str) -> None:
    outcome = run(real_store, text=text, limit=20)
    assert outcome.total > 0
    assert any("defence" in (r.row["heading"] + r.row["question_text"] + r.row["answer_text"])
               .lower() for r in outcome.results)


def test_a_search_for_a_very_common_word_ranks_heading_matches_first_newest_first(
    tmp_path: Path, monkeypatch
) -> None:
    """Over the ranking budget (a word in a large share of questions), bm25 is not asked for:
    the newest matches with the word in their heading come first, then the other newest
    matches; the total, pages, filters and newest-first order are as for any search."""
    monkeypatch.setattr("bot.core.search.ranking.RANK_BUDGET", 1)
    monkeypatch.setattr("bot.core.search.ranking._COUNTS", {})
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]

    def question(qid: int, heading: str, house: str) -> dict:
        return {"value": dict(base, id=qid, uin=str(qid), heading=heading, house=house,
                              dateAnswered=f"2021-01-{qid + 3:02d}T00:00:00",
                              answerText="<p>Funding for apprenticeships was agreed.</p>")}

    headings = ["Apprenticeships", "Schools", "Apprenticeships: Funding", "Schools",
                "Roads", "Apprenticeships"]
    houses = ["Commons", "Commons", "Lords", "Commons", "Commons", "Commons"]
    path = tmp_path / "six.json"
    path.write_text(json.dumps({"results": [question(i + 1, h, house) for i, (h, house)
                                            in enumerate(zip(headings, houses, strict=True))]}))
    with Store(tmp_path / "c.db") as store:
        ingest_paths(store, [path])
        outcome = run(store, text="apprenticeships", limit=10)
        assert outcome.total == 6 and not outcome.total_is_estimate
        assert [r.row["id"] for r in outcome.results] == [6, 3, 1, 5, 4, 2]
        assert "**apprenticeships**" in outcome.results[0].excerpt.lower()
        pages = [r.row["id"] for offset in (0, 2, 4)
                 for r in run(store, text="apprenticeships", limit=2, offset=offset).results]
        assert pages == [6, 3, 1, 5, 4, 2]
        lords = run(store, text="apprenticeships", house="Lords")
        assert [r.row["id"] for r in lords.results] == [3]
        newest = run(store, text="apprenticeships", sort="newest", limit=3).results
        assert [r.row["id"] for r in newest] == [6, 5, 4]
        two = run(store, text="funding apprenticeships", limit=3)
        assert [r.row["id"] for r in two.results] == [6, 3, 1]

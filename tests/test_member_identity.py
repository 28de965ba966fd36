"""One person, one member across sources: ParlParse speakers matched to Parliament's members by
House, name and dates, never merging two people."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, shared_data

from bot.core.names.matching import Resolver
from bot.core.names.members import Activity, MemberIndex, member_identities
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store


def wrans(folder: Path, day: str, speakers: list[tuple[str, str]], first_uin: int = 880000,
          lords: bool = False) -> Path:
    """An old-style ParlParse file of ``day``: one answered question asked by each
    (speakerid, name), answered by a minister."""
    parts = ['<?xml version="1.0" encoding="ISO-8859-1"?>',
             '<publicwhip scrapeversion="a" latest="yes">']
    if not lords:
        parts.append(f'<major-heading id="uk.org.publicwhip/wrans/{day}a.1.mh">'
                     "HOME DEPARTMENT</major-heading>")
    for n, (speaker, name) in enumerate(speakers):
        uin = f"HL{first_uin + n}" if lords else str(first_uin + n)
        gid = f"uk.org.publicwhip/wrans/{day}a.{first_uin + n}"
        parts.append(
            f'<minor-heading id="{gid}.h">Subject {n}</minor-heading>'
            f'<ques id="{gid}.q0" speakerid="{speaker}" speakername="{name}">'
            f'<p qnum="{uin}">To ask about {n}.</p></ques>'
            f'<reply id="{gid}.r0" speakerid="uk.org.publicwhip/member/99999" '
            f'speakername="Some Minister"><p>Answer {n}.</p></reply>'
        )
    parts.append("</publicwhip>")
    path = folder / f"{'lordswrans' if lords else 'answers'}{day}a.xml"
    path.write_text("\n".join(parts), encoding="iso-8859-1")
    return path


MEMBER = "uk.org.publicwhip/member/"
LORD = "uk.org.publicwhip/lord/"


@pytest.fixture
def mixed(tmp_path: Path) -> Store:
    """The shared 2021 API sample and 2009 XML, and a 2009 file of four long-serving members."""
    commons = wrans(tmp_path, "2009-10-27", [
        (MEMBER + "1496", "Andrew Rosindell"), (MEMBER + "1587", "John McDonnell"),
        (MEMBER + "1400", "Mr. Nick Gibb"),
    ])
    lords = wrans(tmp_path, "2009-10-27", [(LORD + "100333", "Lord Greaves")], 5001, lords=True)
    with Store(tmp_path / "mixed.db") as store:
        ingest_paths(store, [shared_data("parliament-api"), shared_data("parlparse-xml"),
                             commons, lords])
        yield store


@pytest.mark.parametrize(
    ("name", "member_id"),
    [("Andrew Rosindell", 1447), ("John McDonnell", 178), ("Nick Gibb", 111),
     ("Lord Greaves", 2569), ("Lord Roberts of Llandudno", 3691)],
)
def test_a_long_serving_member_is_one_member(mixed: Store, name: str, member_id: int) -> None:
    resolver = Resolver.from_store(mixed)
    resolution = resolver.resolve("member", name, 25)
    assert resolution.sure, resolution.candidates
    assert resolution.best.id == member_id
    assert [c.name for c in resolution.candidates].count(resolution.best.name) == 1
    # Merged at load: the API's id holds the speaker's questions too, and no speaker row stays.
    assert resolver.members.family(member_id) == (member_id,)
    sources = {row[0] for row in mixed.conn.execute(
        "SELECT DISTINCT source FROM questions WHERE ? IN (asking_member_id, "
        "answering_member_id)", (member_id,))}
    assert sources == {"api", "parlparse"}, (name, sources)
    # A search finds their questions from both sources.
    outcome = Searcher(mixed, resolver).search(SearchQuery(member=name, limit=100))
    assert not outcome.ambiguous
    sources = {r.row["source"] for r in outcome.results}
    assert sources == {"api", "parlparse"}, (name, sources)
    autocomplete = [c.id for c in resolver.autocomplete("member", name)]
    assert autocomplete.count(member_id) == 1 and not set(autocomplete[1:]) & set(
        resolver.members.family(member_id))


def test_a_speaker_loaded_again_is_stored_under_the_members_id(
    mixed: Store, tmp_path: Path
) -> None:
    members = mixed.conn.execute("SELECT count(*) FROM members").fetchone()[0]
    # Another question (another UIN: one UIN in one session is one question).
    again = wrans(tmp_path, "2009-10-28", [(MEMBER + "1496", "Andrew Rosindell")], 880100)
    ingest_paths(mixed, [again])
    assert mixed.conn.execute("SELECT count(*) FROM members").fetchone()[0] == members
    assert mixed.conn.execute(
        "SELECT count(*) FROM questions WHERE asking_member_id = 1447 AND source = 'parlparse'"
    ).fetchone()[0] >= 2


def test_asked_by_finds_the_2009_questions(mixed: Store) -> None:
    resolver = Resolver.from_store(mixed)
    outcome = Searcher(mixed, resolver).search(SearchQuery(asked_by="Andrew Rosindell",
                                                           limit=100))
    uins = {r.row["uin"] for r in outcome.results}
    assert "880000" in uins
    assert any(r.row["source"] == "api" for r in outcome.results)


def _api_member_file(folder: Path, member: dict) -> Path:
    value = json.loads((FIXTURES / "holding.json").read_text())["value"]
    value = dict(value, id=777001, askingMemberId=member["id"], askingMember=member)
    path = folder / "api-member.json"
    path.write_text(json.dumps({"results": [{"value": value}]}))
    return path


def test_two_people_of_one_name_at_one_time_are_never_merged(tmp_path: Path) -> None:
    # Gareth Thomas (Harrow West) and Gareth Thomas (Clwyd West) sat together, 1997-2005.
    both = wrans(tmp_path, "2003-05-14", [(MEMBER + "1001", "Gareth Thomas"),
                                           (MEMBER + "1002", "Gareth Thomas")])
    api = _api_member_file(tmp_path, {"id": 90001, "name": "Gareth Thomas",
                                      "listAs": "Thomas, Gareth", "memberFrom": "Harrow West"})
    with Store(tmp_path / "s.db") as store:
        ingest_paths(store, [both, api])
        resolver = Resolver.from_store(store)
        assert resolver.members.canonical == {}
        resolution = resolver.resolve("member", "Gareth Thomas", 25)
        assert not resolution.sure
        assert len([c for c in resolution.candidates if c.name == "Gareth Thomas"]) == 3


def test_successive_memberships_of_one_person_join_the_member(tmp_path: Path) -> None:
    # ParlParse gives a member a new id each Parliament: two ids, one after the other.
    first = wrans(tmp_path, "2004-03-01", [(MEMBER + "1496", "Andrew Rosindell")])
    second = wrans(tmp_path, "2009-10-27", [(MEMBER + "1700", "Andrew Rosindell")], 880100)
    api = _api_member_file(tmp_path, {"id": 1447, "name": "Andrew Rosindell",
                                      "listAs": "Rosindell, Andrew", "memberFrom": "Romford"})
    with Store(tmp_path / "s.db") as store:
        ingest_paths(store, [first, second, api])
        # Both speaker ids merged into the member at load, and remembered for later loads.
        assert {r[0] for r in store.conn.execute("SELECT asking_member_id FROM questions")} == {
            1447}
        assert sorted(store.speaker_crosswalk().values()) == [1447, 1447]
        resolver = Resolver.from_store(store)
        resolution = resolver.resolve("member", "Rosindell", 25)
        assert resolution.sure and resolution.best.id == 1447


def test_the_careful_match_rules() -> None:
    members = [
        {"id": 10, "name": "Baroness Jones", "house": "Lords"},
        {"id": -1, "name": "Lord Jones", "house": "Lords"},  # not the Baroness
        {"id": 20, "name": "Jonathan Shaw", "house": "Commons"},
        {"id": -2, "name": "Jonathan R Shaw", "house": "Commons"},  # initials: not sure enough
        {"id": 30, "name": "Ann Example", "house": "Commons"},
        {"id": -3, "name": "Ann Example", "house": "Lords"},  # another House
        {"id": 40, "name": "Sam Twin", "house": "Commons"},
        {"id": 41, "name": "Sam Twin", "house": "Commons"},  # two Parliament members
        {"id": -4, "name": "Sam Twin", "house": "Commons"},
        {"id": 50, "name": "Mr Pat Single", "house": "Commons"},
        {"id": -5, "name": "Pat Single", "house": "Commons"},  # the same person
    ]
    activity = {-5: Activity(1, 0, "2009-10-27", "2009-10-27")}
    assert member_identities(members, activity) == {-5: 50}
    index = MemberIndex(members, activity)
    assert index.family(50) == (50, -5)
    assert index.family(-5) == (-5, 50)
    assert index.family(10) == (10,)

"""One identity per answering body: Hansard headings, Parliament's ids and the lineage of renamed
and merged departments (``bot/core/names/departments.json``)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import shared_data

from bot.core.names.departments import DepartmentIndex, body_for_heading, department_table, name_id
from bot.core.names.matching import Resolver
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store
from bot.core.text import fold

# Hansard's major headings of 2007-2010 (as ParlParse files them) -> the body's name.
HANSARD_HEADINGS = {
    "HOME DEPARTMENT": "Home Office",
    "FOREIGN AND COMMONWEALTH AFFAIRS": "Foreign and Commonwealth Office",
    "BUSINESS, INNOVATION AND SKILLS": "Department for Business, Innovation and Skills",
    "ENERGY AND CLIMATE CHANGE": "Department of Energy and Climate Change",
    "CULTURE, MEDIA AND SPORT": "Department for Digital, Culture, Media and Sport",
    "COMMUNITIES AND LOCAL GOVERNMENT": "Ministry of Housing, Communities and Local Government",
    "CHILDREN, SCHOOLS AND FAMILIES": "Department for Children, Schools and Families",
    "INNOVATION, UNIVERSITIES AND SKILLS": "Department for Innovation, Universities and Skills",
    "HOUSE OF COMMONS COMMISSION": "House of Commons Commission",
    "CHURCH COMMISSIONERS": "Church Commissioners",
    "PUBLIC ACCOUNTS COMMISSION": "Public Accounts Commission",
    "ELECTORAL COMMISSION COMMITTEE": "Speaker's Committee on the Electoral Commission",
    "TRANSPORT": "Department for Transport",
    "NORTHERN IRELAND": "Northern Ireland Office",
    "SCOTLAND": "Scotland Office",
    "WALES": "Wales Office",
    "LEADER OF THE HOUSE": "Leader of the House",
    "INTERNATIONAL DEVELOPMENT": "Department for International Development",
    "SOLICITOR-GENERAL": "Attorney General",
    "JUSTICE": "Ministry of Justice",
}
# Parliament's ids for bodies the API names (../shared/data/parliament-api and the sources in
# departments.json); XML answers must land on the same id.
PARLIAMENT_IDS = {
    "Home Office": 1, "Department for Transport": 27, "Northern Ireland Office": 21,
    "Scotland Office": 2, "Wales Office": 28, "Church Commissioners": 9,
    "Leader of the House": 34, "House of Commons Commission": 18, "Attorney General": 88,
    "Public Accounts Commission": 24, "Prime Minister": 23,
}


def _table_ids() -> set[int]:
    return {d.body_id for d in department_table()}


@pytest.mark.parametrize(("heading", "name"), HANSARD_HEADINGS.items())
def test_hansard_headings_name_their_bodies(heading: str, name: str) -> None:
    body_id, body_name = body_for_heading(heading, "2009-10-27")
    assert body_name == name
    assert body_id in _table_ids()
    if name in PARLIAMENT_IDS:
        assert body_id == PARLIAMENT_IDS[name]


def test_every_heading_of_the_table_maps_to_its_own_body() -> None:
    for department in department_table():
        for heading in department.headings:
            day = department.since or (department.until and "1997-05-01")
            assert body_for_heading(heading, day)[0] == department.body_id, heading


def test_two_bodies_of_one_name_are_told_apart_by_the_day() -> None:
    assert body_for_heading("Department for Culture, Media and Sport", "2024-01-10")[0] == 217
    assert body_for_heading("Department for Culture, Media and Sport", "2015-01-10")[0] == 10
    assert body_for_heading("CULTURE, MEDIA AND SPORT", "2009-10-27")[0] == 10


def test_an_unknown_heading_keeps_its_punctuation() -> None:
    body_id, name = body_for_heading("MINISTRY OF MAGIC, MYSTERIES AND SPELLS")
    assert name == "Ministry of Magic, Mysteries and Spells"
    assert body_id == name_id(name) < 0


def test_the_lineage_reaches_back() -> None:
    index = DepartmentIndex([])
    by_name = {d.name: d.body_id for d in department_table()}
    beis = set(index.family(201))
    assert {by_name["Department for Business, Innovation and Skills"],
            by_name["Department of Energy and Climate Change"],
            by_name["Department for Innovation, Universities and Skills"],
            by_name["Department for Business, Enterprise and Regulatory Reform"],
            by_name["Department of Trade and Industry"]} <= beis
    for successor in (214, 215, 216):
        assert beis - {201} <= set(index.family(successor)), successor
    assert 202 in index.family(214)
    assert {by_name["Department for Children, Schools and Families"],
            by_name["Department for Education and Skills"]} <= set(index.family(60))
    assert 211 in index.family(7)
    assert {by_name["Foreign and Commonwealth Office"],
            by_name["Department for International Development"]} <= set(index.family(208))
    assert 10 in index.family(217)


def test_every_body_named_by_a_successor_exists() -> None:
    ids = _table_ids()
    for department in department_table():
        assert set(department.succeeded_by) <= ids, department.name
    assert len({fold(d.name) for d in department_table()}) == len(department_table())


# ---- the shared real data --------------------------------------------------------------------


def _api_bodies() -> dict[int, str]:
    found: dict[int, str] = {}
    for path in sorted(shared_data("parliament-api").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        items = doc.get("results") if isinstance(doc, dict) and "results" in doc else [doc]
        for item in items:
            value = item.get("value") or {}
            if value.get("answeringBodyId") is not None:
                found[value["answeringBodyId"]] = value["answeringBodyName"]
    return found


def test_every_api_body_is_in_the_table_under_its_id() -> None:
    bodies = _api_bodies()
    assert len(bodies) >= 16
    by_id = {d.id: d for d in department_table() if d.id is not None}
    for body_id, name in bodies.items():
        assert body_id in by_id, (body_id, name)
        assert fold(name) in {fold(n) for n in (by_id[body_id].name, *by_id[body_id].former)}
        # A modern ParlParse file files answers under the API's name: the same id.
        assert body_for_heading(name, "2021-02-01")[0] == body_id, name


def test_every_heading_in_the_shared_xml_maps_to_a_known_body() -> None:
    headings = []
    for path in sorted(shared_data("parlparse-xml").glob("*.xml")):
        for element in ET.parse(path).getroot().iter("major-heading"):
            headings.append(" ".join("".join(element.itertext()).split()))
    assert len(headings) >= 4
    ids = _table_ids()
    for heading in headings:
        body_id, _ = body_for_heading(heading, "2009-10-29")
        assert body_id in ids, heading
        assert body_id > 0, heading  # Parliament has an id for each of these


def _hansard_file(folder: Path) -> Path:
    """A 2009-style ParlParse file with one answer under each heading of HANSARD_HEADINGS."""
    parts = ['<?xml version="1.0" encoding="ISO-8859-1"?>\n<publicwhip scrapeversion="a" '
             'latest="yes">']
    for n, heading in enumerate(HANSARD_HEADINGS, start=1):
        gid = f"uk.org.publicwhip/wrans/2009-10-27a.{n}"
        parts.append(
            f'<major-heading id="{gid}.mh">{heading}</major-heading>'
            f'<minor-heading id="{gid}.h">Subject {n}</minor-heading>'
            f'<ques id="{gid}.q0" speakerid="uk.org.publicwhip/member/{n}" '
            f'speakername="Asker {n}"><p qnum="{990000 + n}">To ask about {n}.</p></ques>'
            f'<reply id="{gid}.r0" speakerid="uk.org.publicwhip/member/{900 + n}" '
            f'speakername="Minister {n}"><p>Answer {n}.</p></reply>'
        )
    parts.append("</publicwhip>")
    path = folder / "answers2009-10-27a.xml"
    path.write_text("\n".join(parts), encoding="iso-8859-1")
    return path


@pytest.fixture
def mixed_store(tmp_path: Path) -> Store:
    """The shared API samples, the shared 2009 XML and a file of Hansard's headings, together."""
    api = shared_data("parliament-api")
    xml = shared_data("parlparse-xml")
    with Store(tmp_path / "mixed.db") as store:
        ingest_paths(store, [api, xml, _hansard_file(tmp_path)])
        yield store


def _found(store: Store, department: str) -> tuple[set[str], SearchQuery]:
    query = SearchQuery(department=department, limit=100)
    outcome = Searcher(store, Resolver.from_store(store)).search(query)
    assert not outcome.ambiguous, (department, outcome.ambiguous)
    return {r.row["uin"] for r in outcome.results}, query


def _uin(heading: str) -> str:
    return str(990000 + list(HANSARD_HEADINGS).index(heading) + 1)


@pytest.mark.parametrize(
    ("department", "headings"),
    [
        ("Home Office", ["HOME DEPARTMENT"]),
        ("DfT", ["TRANSPORT"]),
        ("Foreign and Commonwealth Office", ["FOREIGN AND COMMONWEALTH AFFAIRS"]),
        ("FCDO", ["FOREIGN AND COMMONWEALTH AFFAIRS", "INTERNATIONAL DEVELOPMENT"]),
        ("BEIS", ["BUSINESS, INNOVATION AND SKILLS", "ENERGY AND CLIMATE CHANGE",
                  "INNOVATION, UNIVERSITIES AND SKILLS"]),
        ("DfE", ["CHILDREN, SCHOOLS AND FAMILIES"]),
        ("MHCLG", ["COMMUNITIES AND LOCAL GOVERNMENT"]),
        ("Northern Ireland Office", ["NORTHERN IRELAND"]),
        ("Scotland Office", ["SCOTLAND"]),
        ("Church Commissioners", ["CHURCH COMMISSIONERS"]),
        ("Leader of the House", ["LEADER OF THE HOUSE"]),
        ("House of Commons Commission", ["HOUSE OF COMMONS COMMISSION"]),
    ],
)
def test_searches_by_department_find_hansard_headings(
    mixed_store: Store, department: str, headings: list[str]
) -> None:
    found, _ = _found(mixed_store, department)
    assert {_uin(h) for h in headings} <= found, department


def test_api_answers_stay_found_beside_the_xml(mixed_store: Store) -> None:
    found, _ = _found(mixed_store, "Home Office")
    api_home = mixed_store.conn.execute(
        "SELECT count(*) FROM questions WHERE answering_body_id = 1 AND source = 'api'"
    ).fetchone()[0]
    assert api_home >= 1
    assert len(found) >= api_home + 1


@pytest.mark.parametrize(
    "name",
    ["Northern Ireland Office", "Scotland Office", "Church Commissioners",
     "Department for Transport", "Leader of the House", "House of Commons Commission",
     "Home Office"],
)
def test_one_body_one_candidate(mixed_store: Store, name: str) -> None:
    resolution = Resolver.from_store(mixed_store).resolve("department", name, 25)
    assert resolution.sure, resolution.candidates
    assert resolution.best.name == name
    names = [c.name for c in resolution.candidates]
    assert len(names) == len(set(names)), names


def test_stored_bodies_are_one_per_name(mixed_store: Store) -> None:
    names = [n for (n,) in mixed_store.conn.execute("SELECT name FROM answering_bodies")]
    assert len(names) == len(set(names)), sorted(names)


def test_house_of_commons_commission_with_api_data_alone(store: Store) -> None:
    ingest_paths(store, [shared_data("parliament-api")])
    resolution = Resolver.from_store(store).resolve("department", "House of Commons Commission")
    assert resolution.sure
    assert resolution.best.id == 18
    leader = Resolver.from_store(store).resolve("department", "Leader of the House")
    assert leader.best is not None and leader.best.id == 34


def test_a_store_holding_old_synthetic_ids_still_finds_one_body() -> None:
    # Before the table knew Parliament's id, XML answers went to a body made from the name.
    old = name_id("Northern Ireland Office")
    index = DepartmentIndex([{"id": 21, "name": "Northern Ireland Office"},
                             {"id": old, "name": "Northern Ireland Office"}])
    resolution = index.resolve("Northern Ireland Office", 25)
    assert resolution.sure and resolution.best.id == 21
    assert [c.name for c in resolution.candidates].count("Northern Ireland Office") == 1
    assert set(index.family(21)) == {21, old}

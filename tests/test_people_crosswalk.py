"""ParlParse's own crosswalk (people.json): speakers mapped to Parliament's members ahead of the
name, House and date match, at load time and for speakers already stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from test_ingest import run_cli
from test_member_identity import LORD, MEMBER, _api_member_file, wrans

from bot.core.names.identities import NotPeopleError, people_crosswalk, speaker_id
from bot.core.names.matching import Resolver
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store

PEOPLE = FIXTURES / "people.json"


def test_the_crosswalk_maps_memberships_and_persons_to_parliament_ids() -> None:
    found = people_crosswalk(json.loads(PEOPLE.read_text()))
    assert found == {
        MEMBER + "1496": 1447, MEMBER + "1700": 1447,
        MEMBER + "1001": 90001, MEMBER + "1002": 90002,
        LORD + "100333": 2569,
        "uk.org.publicwhip/person/10001": 1447, "uk.org.publicwhip/person/10002": 90001,
        "uk.org.publicwhip/person/10003": 90002, "uk.org.publicwhip/person/10004": 2569,
    }  # member/1234's person has no Parliament id; member/1235's person is not listed
    with pytest.raises(NotPeopleError):
        people_crosswalk({"results": []})


def test_two_people_of_one_name_at_one_time_each_get_their_own_member(tmp_path: Path) -> None:
    # The name match must refuse the two Gareth Thomases; the crosswalk tells them apart.
    both = wrans(tmp_path, "2003-05-14", [(MEMBER + "1001", "Gareth Thomas"),
                                           (MEMBER + "1002", "Gareth Thomas")])
    api = _api_member_file(tmp_path, {"id": 90001, "name": "Gareth Thomas",
                                      "listAs": "Thomas, Gareth", "memberFrom": "Harrow West"})
    with Store(tmp_path / "s.db") as store:
        report = ingest_paths(store, [PEOPLE, both, api])
        assert not report.failed and report.files[0].people == 9
        askers = store.conn.execute(
            "SELECT uin, asking_member_id FROM questions WHERE source = 'parlparse' ORDER BY uin"
        ).fetchall()
        assert askers == [("880000", 90001), ("880001", 90002)]
        assert store.member(speaker_id(MEMBER + "1001")) is None
        assert store.member(90001)["member_from"] == "Harrow West"  # Parliament's row stands
        assert store.member(90002)["name"] == "Gareth Thomas"
        resolution = Resolver.from_store(store).resolve("member", "Gareth Thomas", 25)
        assert sorted(c.id for c in resolution.candidates if c.name == "Gareth Thomas") == [
            90001, 90002]
        # Loading the XML again changes nothing.
        again = ingest_paths(store, [both])
        assert (again.totals()["new"], again.totals()["updated"]) == (0, 0)


def test_a_crosswalk_loaded_later_merges_the_speakers_already_stored(tmp_path: Path) -> None:
    first = wrans(tmp_path, "2004-03-01", [(MEMBER + "1496", "Andrew Rosindell")])
    second = wrans(tmp_path, "2009-10-27", [(MEMBER + "1700", "Andrew Rosindell")], 880100)
    lords = wrans(tmp_path, "2009-10-27", [(LORD + "100333", "Lord Greaves")], 5001, lords=True)
    with Store(tmp_path / "s.db") as store:
        ingest_paths(store, [first, second, lords])
        old = speaker_id(MEMBER + "1496")
        with store.transaction():
            store.conn.execute(
                "INSERT INTO subscriptions (guild_id, channel_id, member_id, description, "
                "created_by, created_at, after_seq) VALUES (1, 10, ?, 'Rosindell', 5, 'x', 0)",
                (old,),
            )
        report = ingest_paths(store, [PEOPLE])
        assert report.files[0].merged == 3 and not report.failed
        assert store.conn.execute(
            "SELECT DISTINCT asking_member_id FROM questions WHERE house = 'Commons'"
        ).fetchall() == [(1447,)]
        assert store.conn.execute("SELECT member_id FROM subscriptions").fetchall() == [(1447,)]
        assert store.conn.execute("SELECT count(*) FROM members WHERE id < 0 AND name IN "
                                  "('Andrew Rosindell', 'Lord Greaves')").fetchone()[0] == 0
        tagged = store.conn.execute(
            "SELECT count(*) FROM questions_fts WHERE questions_fts MATCH 'tags:a1447'"
        ).fetchone()[0]
        assert tagged == 2


def test_the_cli_loads_a_people_file_and_fetches_one(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    named = run_cli("ingest", str(PEOPLE), "--db", db)
    assert named.returncode == 0, named.stderr
    assert "people.json: 9 ParlParse member references" in named.stdout
    fetched = run_cli("ingest", "--fetch-people", PEOPLE.as_uri(), "--db", db)
    assert fetched.returncode == 0, fetched.stderr
    assert "9 ParlParse member references, 0 stored speakers merged" in fetched.stdout
    wrong = run_cli("ingest", "--fetch-people", (FIXTURES / "holding.json").as_uri(),
                    "--db", db)
    assert wrong.returncode == 1 and "could not load people.json" in wrong.stderr
    assert run_cli("ingest", "--db", db).returncode == 2

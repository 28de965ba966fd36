"""ParlParse / TheyWorkForYou XML: headings, grouped questions, holding markers, redirects."""

import json

from conftest import FIXTURES, shared_data

from bot.core.sources.ingest import ingest_paths
from bot.core.sources.parlparse import parse_parlparse
from bot.core.store.database import Store


def records(path):
    parsed, redirects = parse_parlparse(path)
    return [item for _, item in parsed], redirects


def test_grouped_questions_share_one_reply_and_know_each_other() -> None:
    items, redirects = records(FIXTURES / "answers2020-01-15a.xml")
    questions = [i.question for i in items]
    assert [q["uin"] for q in questions] == ["9001", "9002", "9003"]
    assert len({q["answer_text"] for q in questions}) == 1
    assert json.loads(questions[0]["grouped_questions"]) == [
        {"uin": "9002", "date_tabled": None},
        {"uin": "9003", "date_tabled": None},
    ]
    # The shared opening of a numbered question is kept with each part.
    assert questions[1]["question_text"].startswith("To ask the Secretary of State for Education")
    assert "how many schools have a café" in questions[1]["question_text"]
    assert questions[2]["asking_member_id"] != questions[0]["asking_member_id"]
    assert [(r.old_gid, r.new_gid) for r in redirects] == [
        (
            "uk.org.publicwhip/wrans/2020-01-15a.9001.q0",
            "uk.org.publicwhip/wrans/2020-01-15b.9001.q0",
        )
    ]


def test_department_heading_entities_and_holding_marker() -> None:
    items, _ = records(FIXTURES / "answers2020-01-15a.xml")
    first = items[0]
    assert first.body == {"id": 60, "name": "Department for Education"}
    assert first.question["heading"] == "Schools: Cafés"
    assert first.question["date_answered"] == "2020-01-15"
    assert first.question["date_holding_answer"] == "2020-01-10"
    assert "holding answer" not in first.question["answer_text"]
    assert first.question["answer_text"].startswith("Spending on cafés was £2 million.")
    assert "2019 | 2m" in first.question["answer_text"]
    assert first.question["twfy_url"] == (
        "https://www.theyworkforyou.com/wrans/?id=2020-01-15a.9001.q0"
    )


def test_lords_file_without_department(store: Store) -> None:
    items, _ = records(FIXTURES / "lordswrans2020-01-15a.xml")
    (item,) = items
    assert item.question["house"] == "Lords"
    assert item.question["uin"] == "HL501"
    assert item.body is None
    assert item.question["answering_body_id"] is None


def test_a_rescrape_replaces_ids_without_duplicates(store: Store) -> None:
    ingest_paths(store, [FIXTURES / "answers2020-01-15a.xml"])
    assert store.count_questions() == 3
    ingest_paths(store, [FIXTURES / "answers2020-01-15b.xml"])
    assert store.count_questions() == 3
    row = store.question("9001")
    assert row["gid"] == "uk.org.publicwhip/wrans/2020-01-15b.9001.q0"
    assert "£2.5 million" in row["answer_text"]
    # Reading the old scrape again neither duplicates nor takes the old id back, nor its
    # older text: the later scrape of a day wins whatever order the files come in, and the
    # re-read changes (and logs) nothing.
    changes = len(store.changes_since(0, limit=10_000))
    report = ingest_paths(store, [FIXTURES / "answers2020-01-15a.xml"])
    assert store.count_questions() == 3
    assert store.question("9001")["gid"].endswith("2020-01-15b.9001.q0")
    assert "£2.5 million" in store.question("9001")["answer_text"]
    assert report.totals()["updated"] == 0
    assert len(store.changes_since(0, limit=10_000)) == changes


def test_real_commons_file() -> None:
    items, redirects = records(
        shared_data("parlparse-xml", "answers2009-10-29a-first-4-departments.xml")
    )
    questions = [i.question for i in items]
    bodies = {i.body["name"] for i in items if i.body}
    assert bodies >= {
        "Department for Work and Pensions",
        "Department for Environment, Food and Rural Affairs",
    }
    assert len(redirects) == 3
    charities = next(q for q in questions if q["uin"] == "292659")
    assert charities["heading"] == "Charities"
    assert charities["answering_body_id"] == 29
    assert "Motability" in charities["answer_text"]
    group = [q for q in questions if q["uin"] in ("295056", "295057", "295058")]
    assert len(group) == 3
    assert all(len(json.loads(q["grouped_questions"])) == 2 for q in group)
    assert sum(1 for q in questions if q["date_holding_answer"]) >= 6
    assert all("&pound;" not in q["answer_text"] for q in questions)
    assert any("£" in q["answer_text"] for q in questions)


def test_real_lords_file_has_no_departments() -> None:
    items, _ = records(shared_data("parlparse-xml", "lordswrans2009-10-29a.xml"))
    assert len(items) >= 18
    assert all(i.question["house"] == "Lords" for i in items)
    assert all(i.question["uin"].startswith("HL") for i in items)
    assert all(i.body is None for i in items)


def test_real_rescrape_file_maps_ids_forward(store: Store) -> None:
    path = shared_data("parlparse-xml", "answers2009-10-28b.xml")
    ingest_paths(store, [path])
    row = store.question("296230")
    assert row["gid"] == "uk.org.publicwhip/wrans/2009-10-28c.296230.q0"
    assert row["twfy_url"].endswith("?id=2009-10-28c.296230.q0")


def test_modern_file_keys_by_tabled_date_and_links_to_parliament(store: Store) -> None:
    items, _ = records(FIXTURES / "answers2024-01-10a.xml")
    (item,) = items
    question = item.question
    assert question["uin"] == "7926"
    assert question["date_tabled"] == "2024-01-05"  # modern ids carry the tabled date
    assert question["date_answered"] == "2024-01-10"  # the file's date
    assert question["source_url"] == (
        "https://questions-statements.parliament.uk/written-questions/detail/2024-01-05/7926")
    assert item.body == {"id": 60, "name": "Department for Education"}
    assert question["heading"] == "Apprentices: Employment Agencies"
    assert question["asking_member_id"] != question["answering_member_id"]
    ingest_paths(store, [FIXTURES / "answers2024-01-10a.xml"])
    assert store.question("7926")["twfy_url"].endswith("?id=2024-01-05.7926.q0")

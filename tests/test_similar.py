"""Similar questions: "more like this" by words, near-repeats, statuses, hostile text, the CLI."""

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, shared_data

from bot.cli import main
from bot.core.search.similar import (
    MEANING_WEIGHT,
    NEAR_ALIKE,
    NEAR_ASKED_AGAIN,
    NEAR_SAME_TEXT,
    SIMILAR_FUSE_K,
    SimilarError,
    comparable,
    find_similar,
    fuse,
    question_body,
    similar_json,
    similar_rows,
)
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store

BASE = json.loads((FIXTURES / "substantive.json").read_text())["value"]
KNIFE = ("To ask the Secretary of State for the Home Department, what steps she is taking to "
         "reduce knife crime among teenagers in Greater Manchester.")


def question(qid: int, text: str, heading: str, **extra) -> dict:
    return dict(BASE, id=qid, uin=str(qid), questionText=text, heading=heading,
                groupedQuestions=[], **extra)


def add(store: Store, tmp_path: Path, *questions: dict) -> None:
    path = tmp_path / f"q{questions[0]['id']}.json"
    path.write_text(json.dumps({"results": [{"value": q} for q in questions]}))
    ingest_paths(store, [path])


@pytest.fixture
def corpus(tmp_path: Path) -> Store:
    with Store(tmp_path / "similar.db") as store:
        add(
            store, tmp_path,
            question(1, KNIFE, "Knife Crime: Greater Manchester", answeringBodyId=1,
                     answeringBodyName="Home Office", dateTabled="2024-01-10T00:00:00"),
            # The same member, the same words, another department: tabled to two at once.
            question(2, KNIFE.replace("the Home Department", "Justice"),
                     "Knife Crime: Greater Manchester", answeringBodyId=54,
                     answeringBodyName="Ministry of Justice", dateTabled="2024-01-10T00:00:00"),
            # Asked again months later, unanswered.
            question(3, KNIFE, "Knife Crime", answeringBodyId=1, answeringBodyName="Home Office",
                     dateTabled="2024-05-02T00:00:00", dateAnswered=None, answerText=None,
                     answeringMemberId=None, answeringMember=None),
            # Another member, nearly the same words.
            question(4, KNIFE.replace("teenagers", "young teenagers"), "Knife Crime",
                     askingMemberId=999, askingMember=dict(BASE["askingMember"], id=999,
                                                           name="Other Member"),
                     answeringBodyId=1, answeringBodyName="Home Office"),
            question(5, "To ask the Secretary of State for Education, how many teachers left "
                        "the profession in Greater Manchester in 2023.", "Teachers: Greater "
                        "Manchester"),
            question(6, "To ask the Secretary of State for the Home Department, what steps she "
                        "is taking to reduce knife crime in London.", "Knife Crime: London",
                     isWithdrawn=True, askingMemberId=998,
                     askingMember=dict(BASE["askingMember"], id=998, name="Third Member")),
            question(7, "To ask the Secretary of State for Justice, how many knife crime "
                        "offenders were sentenced in 2023.", "Knife Crime: Sentencing",
                     answerText="<p>It has not proved possible to respond to the hon. Member in "
                                "the time available before Prorogation.</p>"),
        )
        for n in range(20, 40):  # unrelated questions, so the words have rarities
            add(store, tmp_path, question(n, f"To ask the Secretary of State for Transport, "
                                             f"what the timetable is for route {n} buses.",
                                          f"Buses: Route {n}"))
        yield store


def test_near_repeats_come_first_and_say_what_they_are(corpus: Store) -> None:
    outcome = find_similar(corpus, "1", limit=5)
    kinds = {r.row["id"]: r.near_repeat for r in outcome.results}
    assert 1 not in kinds  # never the question itself
    assert kinds[2] == NEAR_SAME_TEXT
    assert kinds[3] == NEAR_ASKED_AGAIN
    assert kinds[4] == NEAR_ALIKE  # another member, 80% alike by words
    assert [r.near_repeat is not None for r in outcome.results][:3] == [True, True, True]
    assert 5 not in [r.row["id"] for r in outcome.results[:4]]


def test_statuses_include_withdrawn_and_lapsed(corpus: Store) -> None:
    rows = {r["id"]: r for r in similar_rows(corpus, find_similar(corpus, "1", limit=10))}
    assert rows[3]["status"] == "unanswered"
    assert rows[6]["status"] == "withdrawn"
    assert rows[7]["status"] == "lapsed"
    assert rows[2]["status"] == "answered"
    assert rows[2]["answer_start"]  # the start of the answer is shown
    assert rows[3]["earlier"] is False and rows[3]["date_tabled"] == "2024-05-02"


def test_a_draft_finds_questions_by_its_words(corpus: Store) -> None:
    outcome = find_similar(corpus, "Knife crime among teenagers in Manchester", limit=3)
    assert outcome.question is None
    assert {r.row["id"] for r in outcome.results} <= {1, 2, 3, 4, 6, 7}
    assert "knife" in outcome.terms and "among" not in outcome.terms


def test_json_has_exactly_the_documented_shape(corpus: Store) -> None:
    data = similar_json(corpus, find_similar(corpus, "2", limit=3))
    assert data["query"] == {"id": 2}
    assert set(data) == {"query", "results"}
    first = data["results"][0]
    assert set(first) == {"id", "uin", "house", "heading", "department", "asked_by",
                          "date_tabled", "status", "score", "near_repeat"}
    assert first["department"] == {"id": 1, "name": "Home Office"}
    assert set(first["asked_by"]) == {"id", "name"}
    draft = similar_json(corpus, find_similar(corpus, "knife crime", limit=1))
    assert draft["query"] == {"text": "knife crime"}


def test_addressee_is_not_part_of_the_comparison() -> None:
    assert question_body("To ask the Secretary of State for Foreign, Commonwealth and "
                         "Development Affairs, what steps") == "what steps"
    assert question_body("To ask His Majesty's Government what steps they") == "what steps they"
    assert comparable("To ask the Secretary of State for Education, what his Department") == (
        comparable("To ask the Minister for Women and Equalities, what her Department"))


HOSTILE = ['"', '" OR 1', "NEAR(a b)", "heading: x", "'; DROP TABLE questions; --",
           "knife*", "-knife", "{heading}: knife", "a" * 6000, "knife " * 800, "\x00knife",
           "AND OR NOT", "b60 a4218 hc sanswered"]


@pytest.mark.parametrize("text", HOSTILE)
def test_any_text_is_safe(corpus: Store, text: str) -> None:
    try:
        outcome = find_similar(corpus, text)
    except SimilarError as error:
        assert "words" in str(error)
        return
    assert all(r.row["id"] > 0 for r in outcome.results)
    assert corpus.count_questions() > 20


def test_unknown_question_and_empty_text_are_clear(corpus: Store) -> None:
    with pytest.raises(SimilarError, match="No question"):
        find_similar(corpus, "424242")
    with pytest.raises(SimilarError, match="words"):
        find_similar(corpus, "the of and what")


def test_real_questions_find_their_own_kind() -> None:
    with Store(":memory:") as store:
        ingest_paths(store, [shared_data("parliament-api")])
        row = store.conn.execute(
            "SELECT id, heading FROM questions WHERE house = 'Commons' AND heading != '' "
            "ORDER BY id LIMIT 1").fetchone()
        outcome = find_similar(store, str(row[0]), limit=5)
        assert outcome.results and row[0] not in [r.row["id"] for r in outcome.results]


def test_fusion_rewards_agreement() -> None:
    fused = dict(fuse([[1, 2, 3], [3, 1, 4]]))
    assert max(fused, key=fused.get) == 1
    assert fused[3] > fused[2] and fused[4] < fused[2]


def test_similar_fusion_keeps_a_rankings_first_above_agreement_far_down() -> None:
    # A draft in other words: meaning's nearest (9) is in no bm25 list; 1 to 8 sit low in both.
    lexical = [20, 21, 22, 23, 24, 25, 26, 1, 2, 3, 4, 5, 6, 7, 8]
    meaning = [9, 30, 31, 32, 33, 34, 35, 1, 2, 3, 4, 5, 6, 7, 8]
    top = [qid for qid, _ in fuse([lexical, meaning], SIMILAR_FUSE_K)][:2]
    assert set(top) == {9, 20}  # each ranking's first
    weighted = fuse([lexical, meaning], SIMILAR_FUSE_K, (1.0, MEANING_WEIGHT))
    assert weighted[0][0] == 9  # meaning's first, first
    assert fuse([lexical, meaning])[0][0] == 1  # plain k = 60: agreement low down wins


def test_cli_json_and_text(corpus: Store, capsys) -> None:
    db = corpus.path
    assert main(["similar", "1", "--json", "--limit", "3", "--db", str(db)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == {"id": 1} and len(data["results"]) == 3
    assert 1 not in [r["id"] for r in data["results"]]
    assert main(["similar", "knife crime teenagers", "--db", str(db)]) == 0
    assert "Knife Crime" in capsys.readouterr().out
    assert main(["similar", "424242", "--db", str(db)]) == 2
    assert "No question" in capsys.readouterr().err


def test_real_near_repeats_are_found(tmp_path: Path) -> None:
    """The kept evaluation set (real Commons questions, tests/eval/): the same member's same
    question to another department, or asked again, is among the first five."""
    import gzip

    eval_dir = Path(__file__).resolve().parent / "eval"
    corpus = tmp_path / "corpus.json"
    corpus.write_bytes(gzip.decompress((eval_dir / "similar_corpus.json.gz").read_bytes()))
    queries = json.loads((eval_dir / "similar_near_repeats.json").read_text())["queries"]
    with Store(tmp_path / "eval.db") as store:
        ingest_paths(store, [corpus])
        for query in [q for q in queries if q["kind"] == "same_text"][:40]:
            found = [r.row["id"] for r in find_similar(store, str(query["id"]), 5).results]
            relevant = {int(i) for i in query["relevant"]}
            assert len(set(found) & relevant) == min(5, len(relevant)), query["id"]

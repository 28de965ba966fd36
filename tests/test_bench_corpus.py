"""The synthetic benchmark corpus: deterministic, shaped like the real API, realistic rates."""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import sys
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# bench/ is a top-level folder of the repository, not an installed package.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import corpus  # noqa: E402

REAL_API_DIR = REPO_ROOT / "tests" / "fixtures" / "real" / "parliament-api"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00$")
N = 20_000


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return list(corpus.generate_questions(N, seed=1))


def _real_questions() -> list[dict]:
    values = []
    for path in sorted(REAL_API_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data.get("results", [data])
        # Written statements share the folder: keep questions only.
        values += [it["value"] for it in items if "questionText" in it["value"]]
    assert values, "no question records found in the real samples"
    return values


def _types(values: list[dict]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for v in values:
        for key, x in v.items():
            out.setdefault(key, set()).add(type(x).__name__)
    return out


# ---- determinism and streaming --------------------------------------------------------------


def test_same_seed_same_output_other_seed_differs() -> None:
    a = json.dumps(list(corpus.generate_questions(1500, seed=7)), ensure_ascii=False)
    b = json.dumps(list(corpus.generate_questions(1500, seed=7)), ensure_ascii=False)
    c = json.dumps(list(corpus.generate_questions(1500, seed=8)), ensure_ascii=False)
    assert a == b
    assert a != c


def test_write_corpus_is_byte_identical_and_splits_into_pages(tmp_path: Path) -> None:
    one = corpus.write_corpus(tmp_path / "a.json", 250, seed=3)
    again = corpus.write_corpus(tmp_path / "b.json", 250, seed=3)
    assert one[0].read_bytes() == again[0].read_bytes()
    pages = corpus.write_corpus(tmp_path / "p.json", 250, seed=3, per_file=100)
    assert [p.name for p in pages] == ["p-0001.json", "p-0002.json", "p-0003.json"]
    whole = json.loads(one[0].read_text(encoding="utf-8"))
    parts = [json.loads(p.read_text(encoding="utf-8")) for p in pages]
    assert [len(p["results"]) for p in parts] == [100, 100, 50]
    assert all(p["totalResults"] == 250 for p in parts)
    assert [r for p in parts for r in p["results"]] == whole["results"]
    first = whole["results"][0]
    assert first["links"] == [{"rel": "self", "href": f"/Questions/{first['value']['id']}",
                               "method": "GET"}]
    empty = corpus.write_corpus(tmp_path / "e.json", 0)
    assert json.loads(empty[0].read_text(encoding="utf-8")) == {"totalResults": 0, "results": []}


def test_corpus_is_pinned() -> None:
    # The corpus is part of the benchmarks' definition: its tables (bench/data/) and the body
    # names it takes from bot/core/names/departments.json must not change it unnoticed. If a change
    # is
    # meant, update the hash (and say so: earlier figures were measured on another corpus).
    blob = json.dumps([list(corpus.generate_questions(2000, seed=1)), corpus.answering_bodies()],
                      ensure_ascii=False).encode()
    assert hashlib.sha256(blob).hexdigest() == (
        "8cabc824beb2380e3ef396da3371b044401a693e8434e30f4898c343c8a2bdf4")


def test_generation_streams() -> None:
    # Nothing proportional to n is built before the first record: asked for 10**15 questions,
    # it gives the first ten (building anything of that size would never end).
    gen = corpus.generate_questions(10**15, seed=1)
    assert isinstance(gen, Iterator)
    head = list(islice(gen, 10))
    assert len(head) == 10


# ---- shape -----------------------------------------------------------------------------------


def test_shape_matches_the_real_api(records: list[dict]) -> None:
    real = _real_questions()
    real_keys = list(real[0])
    real_types = _types(real)
    generated_types = _types(records[:5000])
    for v in records[:5000]:
        assert list(v) == real_keys  # same keys, same order
    for key, types in generated_types.items():
        assert types <= real_types[key], f"{key}: {types} not among real {real_types[key]}"
    real_members = [m for v in real for k in ("askingMember", "answeringMember",
                                              "correctingMember") if (m := v[k])]
    member_keys = list(real_members[0])
    member_types = _types(real_members)
    ours = [m for v in records[:5000] for k in ("askingMember", "answeringMember",
                                                 "correctingMember") if (m := v[k])]
    assert all(list(m) == member_keys for m in ours)
    for key, types in _types(ours).items():
        assert types <= member_types[key], key
    real_grouped = [g for v in real for g in v["groupedQuestionsDates"]]
    ours_grouped = [g for v in records for g in v["groupedQuestionsDates"]]
    assert ours_grouped and {tuple(g) for g in ours_grouped} == {tuple(g) for g in real_grouped}


def test_field_formats(records: list[dict]) -> None:
    for v in records:
        for key in ("dateTabled", "dateForAnswer", "dateAnswered", "dateAnswerCorrected",
                    "dateHoldingAnswer"):
            assert v[key] is None or DATE.match(v[key]), (key, v[key])
        if v["house"] == "Commons":
            assert v["uin"].isdigit()
            assert v["questionText"].startswith("To ask the ")
        else:
            assert re.fullmatch(r"HL\d+", v["uin"])
            assert re.match(r"To ask (Her|His) Majesty's Government |To ask the Senior Deputy",
                            v["questionText"])
        assert 150 <= len(v["questionText"]) <= 600
        if v["answerText"] is not None:
            assert v["answerText"].startswith("<p>")
        assert v["attachmentCount"] == len(v["attachments"])
        for a in v["attachments"]:  # the API's AttachmentViewModel
            assert list(a) == ["url", "title", "fileType", "fileSizeBytes"]
        assert v["askingMemberId"] == v["askingMember"]["id"]


def test_ids_unique_and_increasing(records: list[dict]) -> None:
    ids = [v["id"] for v in records]
    assert len(set(ids)) == len(ids) == N
    assert ids == sorted(ids)
    tabled = [v["dateTabled"] for v in records]
    assert tabled == sorted(tabled)
    assert tabled[0][:4] == "2014" and tabled[-1][:4] == "2025"


# ---- realism -----------------------------------------------------------------------------------


def test_answer_states_and_rates(records: list[dict]) -> None:
    counts: Counter[str] = Counter()
    for v in records:
        if v["answerText"] is None:
            counts["withdrawn" if v["isWithdrawn"] else "unanswered"] += 1
            assert v["answerIsHolding"] is None and v["answeringMemberId"] is None
            assert v["dateAnswered"] is None
            continue
        if v["answerIsHolding"]:
            counts["holding"] += 1
            assert v["dateAnswered"] == v["dateHoldingAnswer"]
            assert "will not be possible to answer" in v["answerText"]
        elif v["dateHoldingAnswer"]:
            counts["holding_then_answered"] += 1
            assert v["dateHoldingAnswer"] < v["dateAnswered"]
        if v["answerIsCorrection"]:
            counts["corrected"] += 1
            assert v["dateAnswerCorrected"] > v["dateAnswered"]
            assert v["correctingMemberId"] == v["correctingMember"]["id"]
        else:
            assert v["dateAnswerCorrected"] is None and v["correctingMember"] is None
        counts["grouped"] += bool(v["groupedQuestions"])
        counts["attachments"] += v["attachmentCount"] > 0
        assert v["dateAnswered"] >= v["dateTabled"]
    for v in records:
        counts["lords"] += v["house"] == "Lords"
        counts["named_day"] += v["isNamedDay"]
        assert v["uin"] not in v["groupedQuestions"]
    expected = {"unanswered": 0.05, "withdrawn": 0.01, "holding": 0.04,
                "holding_then_answered": 0.03, "corrected": 0.01, "grouped": 0.03,
                "attachments": 0.02, "lords": 0.09}
    for key, rate in expected.items():
        assert 0.6 * rate <= counts[key] / N <= 1.45 * rate, (key, counts[key] / N)
    assert 0.05 < counts["named_day"] / N < 0.25


def test_heading_skew(records: list[dict]) -> None:
    per_heading = Counter(v["heading"] for v in records)
    top = per_heading.most_common(1)[0][1]
    assert top >= 50 * statistics.median(per_heading.values())
    assert len(per_heading) > 3000  # a long tail
    assert len(corpus.headings()) >= 20_000
    assert abs(sum(corpus.heading_weights()) - 1.0) < 1e-9


def test_answer_lengths(records: list[dict]) -> None:
    lengths = sorted(len(v["answerText"]) for v in records
                     if v["answerText"] and not v["answerIsHolding"])
    assert 550 <= statistics.median(lengths) <= 900
    assert lengths[-1] > 4000
    long_answers = [v["answerText"] for v in records if v["answerText"]
                    and len(v["answerText"]) > 2000]
    assert all(a.count("<p>") >= 2 for a in long_answers)


def test_heading_words_are_searchable(records: list[dict]) -> None:
    # Full-text search on a heading's words should find its questions.
    hits = 0
    for v in records[:2000]:
        word = max(re.findall(r"[A-Za-z]{5,}", v["heading"]) or [""], key=len).lower()
        text = (v["questionText"] + " " + (v["answerText"] or "")).lower()
        hits += bool(word) and word in text
    assert hits / 2000 > 0.8


def test_renamed_bodies_follow_the_date(records: list[dict]) -> None:
    for v in records:
        body, day = v["answeringBodyId"], v["dateTabled"][:10]
        name = v["answeringBodyName"]
        if body == 17:
            assert name == ("Department of Health" if day < "2018-01-08"
                            else "Department of Health and Social Care")
        if body == 211:
            assert "2021-09-19" <= day < "2024-07-08"
        if body in (201, 202, 10):
            assert day < "2023-02-07"
        if body in (214, 217):
            assert day >= "2023-02-07"
        if body == 208:
            assert day >= "2020-09-02"


def test_answerers_are_ministers_of_the_right_house(records: list[dict]) -> None:
    peers = {"Life peer", "Hereditary", "Bishops"}
    for v in records[:5000]:
        member = v["answeringMember"]
        if member is None:
            continue
        assert (member["memberFrom"] in peers) == (v["house"] == "Lords")
        assert v["askingMemberId"] != v["answeringMemberId"]


def test_pools() -> None:
    members = corpus.members()
    assert 4800 <= len(members) <= 5200
    assert len({m["id"] for m in members}) == len(members)
    mps = [m for m in members if m["memberFrom"] not in ("Life peer", "Hereditary", "Bishops")]
    assert len(mps) == 650
    assert len({m["memberFrom"] for m in mps}) == 650  # one MP per constituency
    assert any(m["name"].startswith("Baroness ") and " of " in m["name"] for m in members)
    assert any(m["listAs"].endswith(", Bp.") for m in members)
    assert any("-" in m["listAs"].split(",")[0] for m in mps)
    assert any("'" in m["listAs"] for m in members)
    ministers = corpus.ministers()
    assert 100 <= len(ministers) <= 200
    assert all(m["answeringBodyIds"] for m in ministers)
    bodies = {(b["id"], b["name"]) for b in corpus.answering_bodies()}
    for real in [(60, "Department for Education"), (17, "Department of Health and Social Care"),
                 (11, "Ministry of Defence"), (208, "Foreign, Commonwealth and Development Office"),
                 (29, "Department for Work and Pensions"), (1, "Home Office"),
                 (14, "HM Treasury"), (54, "Ministry of Justice"), (53, "Cabinet Office"),
                 (211, "Department for Levelling Up, Housing and Communities"),
                 (214, "Department for Business and Trade"),
                 (13, "Department for Environment, Food and Rural Affairs"),
                 (7, "Ministry of Housing, Communities and Local Government"),
                 (202, "Department for International Trade"),
                 (201, "Department for Business, Energy and Industrial Strategy"),
                 (217, "Department for Culture, Media and Sport"),
                 (10, "Department for Digital, Culture, Media and Sport")]:
        assert real in bodies
    assert len(corpus.policy_words()) > 500


def test_without_expanded_members() -> None:
    v = next(corpus.generate_questions(5, seed=1, expand_members=False))
    assert v["askingMember"] is None and isinstance(v["askingMemberId"], int)


def test_per_day_pins_the_density() -> None:
    days = Counter(v["dateTabled"] for v in corpus.generate_questions(3000, seed=2, per_day=300))
    assert 7 <= len(days) <= 13
    assert max(days)[:10] == "2025-10-31"
    assert 200 <= statistics.median(days.values()) <= 400

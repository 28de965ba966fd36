"""Resolution rules on hand-written names (no sample data needed)."""

import pytest

from bot.core.names.departments import DepartmentIndex
from bot.core.names.members import MemberIndex, person_key
from bot.core.names.topics import TopicIndex

MEMBERS = [
    {"id": 1, "name": "Mr Jacob Rees-Mogg", "list_as": "Rees-Mogg, Mr Jacob", "house": "Commons"},
    {"id": 2, "name": "Brendan O'Hara", "list_as": "O'Hara, Brendan", "house": "Commons"},
    {"id": 3, "name": "Lord Agnew of Oulton", "list_as": "Agnew of Oulton, L.", "house": "Lords"},
    {"id": 4, "name": "Baroness Berridge", "list_as": "Berridge, B.", "house": "Lords"},
    {"id": 5, "name": "Zoë Franklin", "list_as": "Franklin, Zoë", "house": "Commons"},
    {"id": 6, "name": "Sir Keir Starmer", "list_as": "Starmer, Sir Keir", "house": "Commons"},
    {"id": 7, "name": "Dr Rupa Huq", "list_as": "Huq, Dr Rupa", "house": "Commons"},
    {"id": 8, "name": "Andrew Jones", "list_as": "Jones, Andrew", "house": "Commons"},
    {"id": 9, "name": "Mr Kevan Jones", "list_as": "Jones, Mr Kevan", "house": "Commons"},
]


@pytest.fixture(scope="module")
def members() -> MemberIndex:
    return MemberIndex(MEMBERS)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Rees Mogg", 1),
        ("rees-mogg", 1),
        ("Jacob Rees Mogg MP", 1),
        ("Rees-Mogg, Jacob", 1),
        ("ohara", 2),
        ("O'HARA", 2),
        ("Brendan OHara", 2),
        ("Lord Agnew", 3),
        ("agnew", 3),
        ("Agnew of Oulton", 3),
        ("Lord Agnew of Oulton", 3),
        ("beridge", 4),
        ("Baroness Beridge", 4),
        ("Berridge, B.", 4),
        ("zoe franklin", 5),
        ("Franklin", 5),
        ("Keir Starmer KC", 6),
        ("Rt Hon Sir Keir Starmer MP", 6),
        ("starmer", 6),
        ("Rupa Huq", 7),
        ("Dr Huq", 7),
        ("Kevan Jones", 9),
    ],
)
def test_member_forms(members: MemberIndex, text: str, expect: int) -> None:
    resolution = members.resolve(text)
    assert resolution.sure, (text, resolution.candidates)
    assert resolution.best.id == expect


def test_a_shared_surname_is_not_guessed(members: MemberIndex) -> None:
    resolution = members.resolve("Jones")
    assert not resolution.sure
    assert {c.id for c in resolution.candidates[:2]} == {8, 9}


def test_person_key_drops_titles_and_turns_list_as_round() -> None:
    assert person_key("Rees-Mogg, Mr Jacob") == "jacob rees mogg"
    assert person_key("Rt Hon Dame Margaret Hodge MP") == "margaret hodge"
    assert person_key("Agnew of Oulton, L.") == "agnew of oulton"


@pytest.fixture(scope="module")
def departments() -> DepartmentIndex:
    return DepartmentIndex(
        [
            {"id": 60, "name": "Department for Education"},
            {"id": 17, "name": "Department of Health and Social Care"},
            {"id": 11, "name": "Ministry of Defence"},
            {"id": 202, "name": "Department for International Trade"},
            {"id": 214, "name": "Department for Business and Trade"},
        ]
    )


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("DfE", 60),
        ("dfe", 60),
        ("Department for Educaton", 60),
        ("education", 60),
        ("DHSC", 17),
        ("health", 17),
        ("Department of Health", 17),
        ("MoD", 11),
        ("defence", 11),
        ("Minstry of Defence", 11),
        ("Department for Children, Schools and Families", 60),
        ("DIT", 202),
        ("DBT", 214),
    ],
)
def test_department_forms(departments: DepartmentIndex, text: str, expect: int) -> None:
    resolution = departments.resolve(text)
    assert resolution.sure, (text, resolution.candidates)
    assert resolution.best.id == expect


def test_a_renamed_body_leads_to_its_successor(departments: DepartmentIndex) -> None:
    assert 202 in departments.predecessors(214)
    assert departments.resolve("DIT").candidates[0].note == "now Department for Business and Trade"


def test_a_former_department_with_answers_stored_is_a_body_of_its_own() -> None:
    dcsf_id = DepartmentIndex([]).resolve("DCSF").best.id
    index = DepartmentIndex([
        {"id": 60, "name": "Department for Education"},
        {"id": dcsf_id, "name": "Department for Children, Schools and Families"},
    ])
    dcsf = index.resolve("Department for Children, Schools and Families")
    assert dcsf.sure
    assert dcsf.best.id == dcsf_id
    assert dcsf.best.note == "now Department for Education"
    assert dcsf_id in index.family(60)


def test_vague_department_asks(departments: DepartmentIndex) -> None:
    assert departments.resolve("dep").best is None


def test_topics_by_stem_and_any_word_order() -> None:
    topics = TopicIndex(
        [
            ("Coronavirus: Vaccination", 40),
            ("Unemployment: Young People", 5),
            ("Vaccination: Children", 3),
            ("Special Educational Needs", 9),
        ]
    )
    assert topics.resolve("vaccine").candidates[0].id in (
        "Coronavirus: Vaccination",
        "Vaccination: Children",
    )
    assert topics.resolve("coronavirus vaccine").best.id == "Coronavirus: Vaccination"
    assert topics.resolve("young people unemployment").best.id == "Unemployment: Young People"
    assert topics.resolve("special educational need").best.id == "Special Educational Needs"
    assert topics.resolve("").candidates == []


def test_near_spellings_are_the_same_when_only_words_of_a_fitting_length_are_compared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.core.names.candidates import WordIndex

    words = ["wil", "will", "willi", "william", "williams", "williamson", "wilson", "wo",
             "smith", "smyth", "smithson", "jones", "jonas", "johnson", "j", "education"]
    index = WordIndex()
    for number, word in enumerate(words):
        index.add(number, [word])
    index.freeze()
    typed = ["w", "wi", "wil", "willa", "smiht", "jone", "jonson", "edukation", "", "x" * 30]
    found = {(t, c): list(index.similar_words(t, c).items()) for t in typed for c in (70, 75)}
    # Against every word of the vocabulary, as before: the same words, scores and order.
    monkeypatch.setattr(WordIndex, "_near_in_length",
                        lambda self, length, cutoff: self._vocabulary)
    assert found == {(t, c): list(index.similar_words(t, c).items())
                     for t in typed for c in (70, 75)}
    assert len(found["wil", 70]) > 1

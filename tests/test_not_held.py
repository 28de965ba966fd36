"""Tests for ``bot.core.reports.not_held``, and the labelling notes for
``tests/eval/not_held_cases.json``.

The labelled set
----------------
``tests/eval/not_held_cases.json`` is a plain list of ``{"text", "not_held", "source"}``.
``source`` is ``"shared:<path under ../shared/data>#<id>"`` for a real answer (the Written
Questions API question id, or the ParlParse ``<reply>`` id) or ``"written"`` for one written by
hand. 299 cases: 77 "not held", 222 not; 192 real (7 of them "not held"), 107 written (70 "not
held", 37 tricky negatives).

Real cases are every distinct answer text in ``../shared/data/parliament-api/`` (statements file
excluded; grouped questions sharing one answer text appear once) and every ``<reply>`` in
``../shared/data/parlparse-xml/``, each read and labelled by hand against the question asked,
not with the detector. Six list-view texts were left out because the API's 255-character cut
falls just before the point where they would say whether the figures are held (question ids
1277396, 1282562, 1282504, 1282503, 1282249, 1679703); the other truncated list texts are
labelled on what they show. Long ParlParse replies are cut at a word boundary (about 1,000
characters, tables to 560-950) keeping the sentences that matter. The real data holds few
declines, so the hand-written cases supply the usual wordings ("not held centrally", "does not
hold", "not collected centrally", "could only be obtained at disproportionate cost", "no central
record", "in the format requested" ...) and tricky negatives ("the information is held by NHS
Digital", "does not hold any contracts", "the conference was not held", "it would not be
disproportionate", "not yet available", partial answers).

Labelling policy (the same as the module's): "not held" means the answer declines the
substance of the request because the information is not held, recorded, collected or available
(in the form asked for) or would cost disproportionately to obtain. Giving a proxy figure instead
or pointing to another body still counts (1277400: applications "not recorded by nationality
type ... the data requested is unavailable", then passports *issued*). It does not count when the
figures asked for are mostly given and only a part or breakdown is not held (295608: ragwort
notices given, the proportion removed "not held centrally"; 1282230: app downloads given, the
rest cannot be determined), nor for holding answers, referrals to the UK Statistics Authority,
"no assessment has been made", "not yet available", or refusals on other grounds (intelligence,
"neither confirm nor deny"). Judgement calls: 1282544 "We do not publish data in format
requested." is labelled "not held" (declines the figures on data grounds, like 1282526 "The data
is not held in the format requested."); 181.0 (PM10 life-years: "a similar calculation has not
been done") is labelled not "not held" - an analysis not done is not information not held.

The detector was written with this set in view, so the measured precision and recall are
in-sample; the wording tests below add phrasings that are not in the set.

One expectation changed when the detector was tuned on the dev split of the real labelled set
(``tests/eval/not_held_labelled.json``, rubric ``tests/eval/NOT_HELD_RUBRIC.md``), whose rubric
counts a partial decline as "not held": 296233 (Twickenham "would incur disproportionate cost",
Richmond and London figures given) is now "not held", as the same reply is labelled there. A
decline on cost now counts whatever figures come with it; a caveat "not held" after figures
still does not (the partial answers below).

The honest measure is the held-out set ``tests/eval/not_held_test4.json``, answers never read
for tuning; the two before it (``_test2`` and ``_test3``) are now development answers the
sixth design was tuned on, kept as regression floors. All three are scored in
``test_precision_and_recall_on_each_held_out_set`` below.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, shared_data

from bot.core.reports.not_held import is_not_held, not_held_reason
from bot.core.text import html_to_text

CASES_PATH = REPO_ROOT / "tests" / "eval" / "not_held_cases.json"
MIN_PRECISION = 0.95
MIN_RECALL = 0.85


def _cases() -> list[dict]:
    return json.loads(CASES_PATH.read_text(encoding="utf-8"))


def _scores(cases: list[dict]) -> tuple[int, int, int, int]:
    tp = fp = fn = tn = 0
    for case in cases:
        predicted = is_not_held(case["text"])
        if predicted and case["not_held"]:
            tp += 1
        elif predicted:
            fp += 1
        elif case["not_held"]:
            fn += 1
        else:
            tn += 1
    return tp, fp, fn, tn


# --- the labelled set ---


def test_labelled_set_is_well_formed() -> None:
    cases = _cases()
    assert isinstance(cases, list) and len(cases) >= 120
    for case in cases:
        assert set(case) == {"text", "not_held", "source"}, case
        assert isinstance(case["text"], str) and case["text"].strip()
        assert isinstance(case["not_held"], bool)
        assert case["source"] == "written" or re.fullmatch(r"shared:[^#]+#\S+", case["source"])
    positives = sum(case["not_held"] for case in cases)
    real = [case for case in cases if case["source"] != "written"]
    assert positives >= 40 and len(cases) - positives >= 40
    assert len(real) >= 100 and any(case["not_held"] for case in real)


def test_precision_and_recall_on_labelled_set() -> None:
    cases = _cases()
    tp, fp, fn, tn = _scores(cases)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    summary = (
        f"not-held detector on {len(cases)} cases: precision {precision:.3f}, recall "
        f"{recall:.3f} (tp {tp}, fp {fp}, fn {fn}, tn {tn})"
    )
    for name, subset in (
        ("real", [c for c in cases if c["source"] != "written"]),
        ("written", [c for c in cases if c["source"] == "written"]),
    ):
        s_tp, s_fp, s_fn, s_tn = _scores(subset)
        summary += f"; {name}: tp {s_tp}, fp {s_fp}, fn {s_fn}, tn {s_tn}"
    print(summary)
    wrong = [
        ("missed" if case["not_held"] else "false alarm", case["source"], case["text"][:120])
        for case in cases
        if is_not_held(case["text"]) != case["not_held"]
    ]
    assert precision >= MIN_PRECISION, (summary, wrong)
    assert recall >= MIN_RECALL, (summary, wrong)


# --- the real labelled set (tests/eval/not_held_labelled.json), test split ---

LABELLED_PATH = REPO_ROOT / "tests" / "eval" / "not_held_labelled.json"
# not_held_test2.json and not_held_test3.json were the held-out measure of the fifth design
# (test2: precision 80/86 = 0.930, recall 80/88 = 0.909; test3, scored once: 58/73 = 0.795 and
# 58/70 = 0.829). The sixth design was tuned on both (test3 folded in last: before that it scored
# 60/74 = 0.811 and 60/70 = 0.857 there), so they are now floors a regression would break, at
# what the sixth reaches in-sample: test2 84/86 = 0.977 and 84/88 = 0.955, test3 64/70 = 0.914
# both. The target, on fresh answers, is 0.95 / 0.90. test4 was drawn and read blind while the
# sixth was tuned, out of sight, and scored once: 67/79 = 0.848 and 67/77 = 0.870; after a
# review's four fixes (from the rubric, not from test4), 67/80 = 0.838 and 67/77 (the honest
# figure, the one ACCURACY shows).
TEST2_PATH = REPO_ROOT / "tests" / "eval" / "not_held_test2.json"
REAL_TEST_MIN_PRECISION = 0.97
REAL_TEST_MIN_RECALL = 0.95
TEST3_PATH = REPO_ROOT / "tests" / "eval" / "not_held_test3.json"
TEST3_MIN_PRECISION = 0.91
TEST3_MIN_RECALL = 0.91
TEST4_PATH = REPO_ROOT / "tests" / "eval" / "not_held_test4.json"
TEST4_MIN_PRECISION = 0.83
TEST4_MIN_RECALL = 0.87
HELD_OUT_PATHS = (TEST2_PATH, TEST3_PATH, TEST4_PATH)
# The first test split, now development answers (scored by three designs): the floor the
# detector held there before it was tuned on them, so that tuning did not lose ground.
FIRST_SPLIT_MIN_PRECISION = 0.83
FIRST_SPLIT_MIN_RECALL = 0.85
EXTRA_DEV_PATH = REPO_ROOT / "tests" / "eval" / "not_held_extra_dev.json"


def _real_scores(items: list[dict[str, Any]]) -> tuple[float, float, str]:
    flagged = {i["id"]: is_not_held(i["text"], i["question"]) for i in items}
    tp = sum(1 for i in items if i["not_held"] and flagged[i["id"]])
    fp = sum(1 for i in items if not i["not_held"] and flagged[i["id"]])
    fn = sum(1 for i in items if i["not_held"] and not flagged[i["id"]])
    summary = f"precision {tp}/{tp + fp}, recall {tp}/{tp + fn}"
    return tp / (tp + fp), tp / (tp + fn), summary


@pytest.mark.parametrize(
    ("path", "min_precision", "min_recall"),
    [(TEST2_PATH, REAL_TEST_MIN_PRECISION, REAL_TEST_MIN_RECALL),
     (TEST3_PATH, TEST3_MIN_PRECISION, TEST3_MIN_RECALL),
     (TEST4_PATH, TEST4_MIN_PRECISION, TEST4_MIN_RECALL)],
    ids=["test2", "test3", "test4"],
)
def test_precision_and_recall_on_each_held_out_set(
    path: Path, min_precision: float, min_recall: float
) -> None:
    items = json.loads(path.read_text(encoding="utf-8"))
    assert len(items) >= 200 and {i["split"] for i in items} == {path.stem.split("_")[-1]}
    precision, recall, summary = _real_scores(items)
    assert precision >= min_precision, summary
    assert recall >= min_recall, summary


@pytest.mark.parametrize("path", HELD_OUT_PATHS)
def test_held_out_answers_are_new_to_every_other_set(path: Path) -> None:
    held_out = json.loads(path.read_text(encoding="utf-8"))
    seen = json.loads(LABELLED_PATH.read_text(encoding="utf-8"))
    seen += json.loads(EXTRA_DEV_PATH.read_text(encoding="utf-8"))
    for other in HELD_OUT_PATHS:
        if other != path:
            seen += json.loads(other.read_text(encoding="utf-8"))
    assert not {i["id"] for i in held_out} & {i["id"] for i in seen}
    assert not {_squash(i["text"]) for i in held_out} & {_squash(i["text"]) for i in seen}


def test_precision_and_recall_on_the_first_test_split() -> None:
    items = json.loads(LABELLED_PATH.read_text(encoding="utf-8"))
    test = [item for item in items if item["split"] == "test"]
    assert len(test) >= 200
    precision, recall, summary = _real_scores(test)
    assert precision >= FIRST_SPLIT_MIN_PRECISION, summary
    assert recall >= FIRST_SPLIT_MIN_RECALL, summary


def _parlparse_reply_text(path: Path, reply_id: str) -> str:
    root = ET.parse(path).getroot()
    for reply in root.iter("reply"):
        if reply.get("id", "").endswith("/" + reply_id):
            for p in reply.findall("p"):
                if p.get("class") == "holdinganswer":
                    reply.remove(p)
            inner = (reply.text or "") + "".join(
                ET.tostring(child, encoding="unicode") for child in reply
            )
            return html_to_text(inner)
    raise AssertionError(f"no reply {reply_id} in {path.name}")


def _api_answer_texts(path: Path, question_id: int) -> list[str]:
    body = json.loads(path.read_text(encoding="utf-8"))
    items = body.get("results") or [body]
    values = [item.get("value", item) for item in items]
    return [html_to_text(v.get("answerText")) for v in values if v.get("id") == question_id]


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_real_cases_are_quoted_from_the_shared_data() -> None:
    """Every ``shared:`` case is an exact excerpt (from the start) of the answer it names."""
    cases = [case for case in _cases() if case["source"].startswith("shared:")]
    for case in cases:
        location, _, ident = case["source"].removeprefix("shared:").partition("#")
        path = shared_data(*location.split("/"))
        if path.suffix == ".xml":
            sources = [_parlparse_reply_text(path, ident)]
        else:
            sources = _api_answer_texts(path, int(ident))
        assert sources, case["source"]
        assert any(_squash(s).startswith(_squash(case["text"])) for s in sources), case["source"]


# --- real sentences ---


REAL_NOT_HELD = [
    # parliament-api, list-tabled-2021-02-01-both-houses-subset.json#1282517
    "This information is not held centrally.The Department is aware of supply issues that have "
    "affected some hormone replacement therapy (HRT) preparations for various reasons.",
    # #1282526
    "The data is not held in the format requested.",
    # #1282544
    "We do not publish data in format requested.",
    # list-answered-2021-02-01-both-houses-subset.json#1279588
    "The information requested is not readily available and to provide it would incur "
    "disproportionate cost. Universal Credit is designed to be a ‘digital-first’ service.",
    # #1277400 (declines applications received; gives passports issued instead)
    "British passport applications are not recorded by nationality type when an application is "
    "received, and therefore the data requested is unavailable.The table below provides the "
    "number of British National (Overseas) passports that were issued in each month...",
    # list-tabled-2024-01-05-no-expand.json#1679850
    "The department does not hold the information requested, but I have asked officials to "
    "consider how we may be able to offer this information in the future.",
    # parlparse answers2009-10-28b.xml (reply 296177): the decline follows background
    "The House of Commons Service manages its workforce numbers by budget and not by complement. "
    "Staffing levels are controlled through the annual business planning process and monitored "
    "on the basis of actual headcount and full-time equivalency, not in terms of a number of "
    "established posts. Records reflecting the number of new posts created over the period "
    "requested are therefore not maintained and cannot be produced retrospectively for the "
    "period requested.",
]

REAL_NOT_NOT_HELD = [
    # parlparse answers2009-10-29a (reply 289071): "held centrally", then the figures
    "From information held centrally, the subsidy paid in respect of externally contracted "
    "catering services for staff in the core-Department in each of the last five years is as "
    "follows: 2005-06 | 172,440 2006-07 | 172,440 2007-08 | 192,594",
    # (reply 295608): figures given, one part "not held centrally"
    "During 2009, Natural England has issued 189 enforcement notices under the Weeds Act 1959 "
    "requiring occupiers to take action to prevent injurious weeds spreading to neighbouring "
    "land. Of these 189 enforcement notices, 15 were issued by the Natural England office in "
    "Worcester which covers the Eddisbury constituency area. It is not possible to be specific "
    "about the number issued for the Eddisbury constituency, nor is it possible to provide an "
    "estimate of what proportion of ragwort has been removed because this information is not "
    "held centrally.",
    # lordswrans (reply 176.2): "only available" for some years, then the tables
    "Detailed information on the use of external consultants by the NIO and its executive "
    "agencies is only available for each financial year from 2005-06 to 2008-09. The following "
    "tables give a breakdown of the type of consultancy provided and the costs in each of the "
    "last four financial years.",
    # parliament-api #1281317: a holding answer
    "The Department of Health and Social Care has indicated that it will not be possible to "
    "answer this question within the usual time period. An answer is being prepared and will be "
    "provided as soon as it is available.",
    # #1282335: a referral to the UK Statistics Authority
    "The information requested falls under the remit of the UK Statistics Authority. I have "
    "therefore asked the Authority to respond.",
    # #1279872: a refusal on other grounds
    "The Government does not comment on the specifics of intelligence matters.",
    # #1282230: a figure given, the rest cannot be determined
    "As of 27 January 2021, the NHS COVID-19 app has been downloaded 21,629,902 times. As COVID-19 "
    "app users are anonymous, we cannot determine who has or has not been contacted by Test and "
    "Trace as well as receiving an app notification to self-isolate",
    # #1282374
    "The Department has had no such discussions.",
]


@pytest.mark.parametrize("text", REAL_NOT_HELD)
def test_real_not_held_answers(text: str) -> None:
    assert is_not_held(text)


@pytest.mark.parametrize("text", REAL_NOT_NOT_HELD)
def test_real_answers_that_are_not_not_held(text: str) -> None:
    assert not is_not_held(text)


def test_real_answers_read_from_shared_data() -> None:
    path = shared_data("parliament-api", "list-tabled-2021-02-01-both-houses-subset.json")
    assert is_not_held(_api_answer_texts(path, 1282517)[0])  # "not held centrally"
    assert not is_not_held(_api_answer_texts(path, 1282324)[0])  # ambulance numbers
    xml = shared_data("parlparse-xml", "answers2009-10-29a-first-4-departments.xml")
    # Twickenham "would incur disproportionate cost" (borough and London figures given): a
    # part declined on cost is "not held" (the rubric of the real labelled set)
    assert is_not_held(_parlparse_reply_text(xml, "2009-10-29a.296233.r0"))
    assert not is_not_held(_parlparse_reply_text(xml, "2009-10-29a.295608.r0"))


# --- wordings ---


NOT_HELD_WORDINGS = [
    "The information requested is not held centrally.",
    "We don't hold this information.",
    "The Ministry of Justice does not centrally collect information on the number of litigants "
    "in person.",
    "Information about the number of such cases is not routinely collected.",
    "The Home Office does not publish or hold data on the number of asylum seekers by sexual "
    "orientation.",
    "The data needed to answer this question are not collected by the Department.",
    "The number of complaints is not recorded separately.",
    "The Department holds no information on the number of such incidents.",
    "No data is held on the number of such visits.",
    "There is no central record of the number of defibrillators in public places.",
    "Centrally held data does not distinguish between these two categories of claimant.",
    "This data isn't held centrally.",
    "The information is no longer held by the Department.",
    "Data on this are unavailable.",
    "This information could be provided only at disproportionate cost.",
    "Collating this information would involve disproportionate cost.",
    "Providing this breakdown could be done only at a disproportionate cost.",
    "To provide this would exceed the disproportionate cost threshold.",
    "This information would be disproportionately costly to obtain.",
    "It is not possible to identify these cases without a manual review of records, which would "
    "incur disproportionate costs.",
    # a decline after background with no figures
    "The Government is committed to supporting veterans into work, through the Career "
    "Transition Partnership and the Office for Veterans' Affairs. However, the Department does "
    "not hold information on the employment status of veterans after they leave the service.",
    # a decline, then a proxy figure
    "Figures are not held for individual constituencies, but in the North West region there "
    "were 8,754 cases in 2019.",
]

TRICKY_NEGATIVES = [
    "The information is held by NHS Digital, which publishes it monthly.",
    "We hold data on the number of apprenticeship starts: there were 322,500 in 2019/20.",
    "It would not be disproportionate to ask employers for this information.",
    "The cost of providing this information would not be disproportionate, and I will write "
    "to the hon. Member with the figures.",
    "The regulations should not impose disproportionate costs on small businesses.",
    "The new rules would incur disproportionate costs for small businesses.",
    "The Department does not hold any contracts with Huawei.",
    "We do not hold back information from the public.",
    "The conference was not held in 2020 because of the covid-19 outbreak.",
    "Meetings were not held in person because of the pandemic.",
    "Figures for 2020 are not yet available and will be published in March 2021.",
    "Patients' treatment records are not available to third parties without consent.",
    "Personal data are not retained for longer than necessary.",
    "The Department does not collect council tax; this is a matter for local authorities.",
    "The data does not show a link between the two.",
    "No assessment has been made.",
    # partial answers: figures, then a part that is not held
    "In 2019-20 there were 4,512 referrals, of which 3,870 were accepted. Information on the "
    "reasons for rejection is not held centrally.",
    "There were 2,341 applications in 2020, of which 1,987 were approved. The number withdrawn "
    "is not recorded.",
]


@pytest.mark.parametrize("text", NOT_HELD_WORDINGS)
def test_not_held_wordings(text: str) -> None:
    assert is_not_held(text)


@pytest.mark.parametrize("text", TRICKY_NEGATIVES)
def test_tricky_negatives(text: str) -> None:
    assert not is_not_held(text)


def test_extra_dev_set_is_well_formed_and_apart_from_the_first() -> None:
    extra = json.loads(EXTRA_DEV_PATH.read_text(encoding="utf-8"))
    first = json.loads(LABELLED_PATH.read_text(encoding="utf-8"))
    assert len(extra) >= 150
    assert all(i["split"] == "dev" for i in extra)  # never test: it was read while tuning
    assert not {i["id"] for i in extra} & {i["id"] for i in first}
    assert len({i["id"] for i in extra}) == len(extra)
    for item in extra:
        assert isinstance(item["not_held"], bool) and item["reason"].strip(), item["id"]
        assert item["text"].strip() and item["question"].strip(), item["id"]


# (question, answer): figures come with the decline, so the answer alone reads as a caveat; the
# question shows whether what is declined was asked for. Quoted from real answers (2009).
PART_ASKED = (
    "To ask the Secretary of State for the Home Department how many (a) handguns, (b) sawn-off "
    "shotguns and (c) unmodified shotguns were (i) used in crimes and (ii) confiscated in the "
    "Essex Constabulary area in each of the last five years.",
    "Available data relates to crimes recorded by the police in Essex in which handguns, "
    "sawn-off shotguns and long-barrelled shotguns were reported to have been used. Information "
    "on confiscated firearms is not available centrally. Handgun | 84 | 37 | 76 | 86 | 66. "
    "Sawn-off shotgun | 6 | 3 | 4 | 8 | 7.",
)
EARLIER_YEARS = (
    "To ask the Secretary of State for Justice how many prison officers have been employed (a) "
    "in total and (b) full-time as at 31 March in each year since 1997.",
    "31 March 1997 | 18,340. 31 March 2001 | 18,966. 31 March 2009 | 23,268. Information on "
    "full-time officers is not available prior to 2001.",
)


def test_a_decline_of_a_part_asked_for_counts_with_the_question() -> None:
    question, answer = PART_ASKED
    assert not is_not_held(answer)  # alone: figures, then what looks like a caveat
    assert is_not_held(answer, question)
    # the same caveat, when nothing of the kind was asked, stays a caveat
    other = "To ask the Secretary of State for the Home Department how many handguns were used "
    assert not is_not_held(answer, other + "in crimes in Essex in each of the last five years.")
    assert not_held_reason(answer, question) == "not held"


def test_the_earlier_years_of_a_run_asked_for_count() -> None:
    question, answer = EARLIER_YEARS
    assert not is_not_held(answer)
    assert is_not_held(answer, question)


@pytest.mark.parametrize(
    "text",
    [
        "Using informal insight where structured feedback is not available, we engage employers "
        "early. There were 1,200 events, 3,400 visits and 5,600 calls.",
        "The Department has no record of that letter being received.",
        "The Foreign and Commonwealth Office has no record of its non-departmental public bodies "
        "having sent representatives to attend any political party conferences in 2009.",
        "We don't have an estimate for the amount of waste transported from Scotland to England.",
    ],
)
def test_conditions_nil_answers_and_no_estimate_are_not_declines(text: str) -> None:
    assert not is_not_held(text, "To ask the Secretary of State, how many were there.")


@pytest.mark.parametrize(
    "text",
    [
        "However, there is no activity data specifically for ear irrigation.",
        "There are no separate data collated at tribunal office level.",
        "The time taken to extract the data would be disproportionate on cost grounds.",
        "Due to disproportionate costs and time, RBG Kew cannot provide any further detail.",
        "Overarching costs of these interventions are not available.",
        "This information is not collected at the national level.",
        "No breakdowns of the type of production were collected and are therefore not available.",
        "HMRC does not hold readily available summary information on taxpayers.",
        "There would be, however, a disproportionate cost to providing the number of starts.",
    ],
)
def test_more_real_wordings(text: str) -> None:
    assert is_not_held(text)


@pytest.mark.parametrize(
    ("text", "question", "expected"),
    [
        # "not held" stands whatever else the sentence says; a name is not a ground.
        ("Information on calls to the confidential helpline is not held.", None, True),
        ("Figures for the sensitive cases team are not available.", None, True),
        ("The information is not available, to protect statistical confidentiality.", None,
         False),
        # "at present" means not yet only straight after what cannot be done.
        ("It is not possible to identify the number of referrals from the data held at "
         "present.", None, True),
        ("The costs cannot be quantified at present.", None, False),
        # "but it will be published" means not yet only after "not available".
        ("The Department does not hold this information, but it will be published by NHS "
         "England.", None, True),
        ("This data is not available, but is due to be published on 4 February.", None, False),
        # A cited answer's title ends at a question mark: what follows is asked. (A guard: no
        # sentence was found that the old pattern got wrong, since a strong decline counts
        # whatever the question asks.)
        ("The number of such records is not held centrally.",
         "To ask the Secretary of State for Health, pursuant to the Answer of 5 May 2024 to "
         "Question 123 on Waiting Lists? how many records are held, by trust.", True),
    ],
)
def test_the_reviews_misfires_stay_fixed(text: str, question: str | None,
                                         expected: bool) -> None:
    assert is_not_held(text, question) is expected


def test_is_case_insensitive() -> None:
    assert is_not_held("THE INFORMATION REQUESTED IS NOT HELD CENTRALLY.")


# --- reasons ---


def test_reason() -> None:
    assert not_held_reason("The Department does not hold this information.") == "not held"
    assert (
        not_held_reason("This information could only be obtained at disproportionate cost.")
        == "disproportionate cost"
    )
    both = (
        "The information requested is not held centrally and could be obtained only at "
        "disproportionate cost."
    )
    assert not_held_reason(both) == "disproportionate cost"
    assert not_held_reason("There were 410 emergency ambulances in 2020.") is None
    assert not_held_reason("It would not be disproportionate to ask.") is None


# --- empty and odd input ---


@pytest.mark.parametrize("value", [None, "", " ", "\n\t", "...", "0"])
def test_empty_input_is_not_not_held(value: str | None) -> None:
    assert is_not_held(value) is False
    assert not_held_reason(value) is None


def test_non_string_input_is_not_not_held() -> None:
    assert is_not_held(b"The information is not held centrally.") is False  # type: ignore[arg-type]
    assert is_not_held(42) is False  # type: ignore[arg-type]

"""The tables the synthetic corpus (``bench.corpus``) is built from, read from ``bench/data/``.

Plain lists of names are text files, one item a line ("#" starts a comment line); the other
tables are JSON files whose "about" says what each field means. The departments' answering
bodies take their names from the bot's own table (``bot/core/names/departments.json``) wherever it
knows the
same body under the same id; ``bench/data/departments.json`` keeps only what the bot's table does
not have (dates, addressees, the number of ministers, stand-in ids and earlier names).

Everything is read once, at import, and never changes: the corpus is deterministic.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from bot.core.names.departments import department_table

DATA_DIR = Path(__file__).parent / "data"

# Addressee prefix of a body a backbench MP answers for ("representing the Church Commissioners").
REP = "REP:"


def read_lines(name: str) -> list[str]:
    """The items of a text table: one a line, blank lines and "#" comment lines skipped."""
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [s for line in lines if (s := line.strip()) and not s.startswith("#")]


def read_json(name: str) -> dict[str, Any]:
    """A JSON table file (an object whose "about" describes the others)."""
    data: dict[str, Any] = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    return data


def _pairs(rows: list[list[Any]]) -> list[tuple[str, int]]:
    """[[name, weight], ...] as tuples."""
    return [(name, weight) for name, weight in rows]


# ---- answering bodies -------------------------------------------------------------------------


class Body(NamedTuple):
    """One answering body of a department, serving until a day (None: still serving)."""

    until: str | None
    id: int
    name: str
    addressee: str


class Department(NamedTuple):
    """Where a department is asked (C, L or CL), its Commons ministers, its bodies over time."""

    houses: str
    ministers: int
    bodies: list[Body]


def _departments(raw: dict[str, Any]) -> dict[str, Department]:
    """The departments of departments.json, bodies named from the bot's table where unnamed."""
    bot_names = {d.id: d.name for d in department_table() if d.id is not None}
    out: dict[str, Department] = {}
    for key, spec in raw.items():
        bodies = []
        for b in spec["bodies"]:
            name = b["name"] if "name" in b else bot_names[b["id"]]
            addressee = (REP if b.get("represented") else "") + b["addressee"]
            bodies.append(Body(b["until"], b["id"], name, addressee))
        out[key] = Department(spec["houses"], spec["ministers"], bodies)
    return out


# ---- names and places -------------------------------------------------------------------------

MALE_NAMES = read_lines("first_names_male.txt")
FEMALE_NAMES = read_lines("first_names_female.txt")
SURNAMES = read_lines("surnames.txt")

_places = read_json("places.json")
TOWNS: dict[str, list[str]] = _places["towns"]  # by nation: E, W, S, N
DIRECTIONS: list[str] = _places["directions"]
COUNTIES: list[str] = _places["counties"]
CITY_DISTRICTS: dict[str, list[str]] = _places["city_districts"]
VILLAGES: list[str] = _places["villages"]
SEES: list[str] = _places["sees"]

_parties = read_json("parties.json")
PARTIES: dict[str, tuple[str, str | None, str | None]] = {
    key: (name, colour, abbreviation)
    for key, (name, colour, abbreviation) in _parties["parties"].items()
}
COMMONS_PARTIES = {nation: _pairs(rows) for nation, rows in _parties["commons_by_nation"].items()}
LIFE_PEER_PARTIES = _pairs(_parties["life_peers"])
HEREDITARY_PARTIES = _pairs(_parties["hereditary_peers"])
# party -> (MPs, peers) among whom that party's ministers are drawn
MINISTER_CANDIDATES: dict[str, tuple[int, int]] = {
    party: (mps, peers) for party, (mps, peers) in _parties["minister_candidates"].items()
}

# ---- bodies and the calendar ------------------------------------------------------------------

_bodies = read_json("departments.json")
DEPARTMENTS = _departments(_bodies["departments"])
# (id, name, from, until): in the reference list, never drawn for a question
REFERENCE_ONLY_BODIES: list[tuple[int, str, str | None, str | None]] = [
    (bid, name, since, until) for bid, name, since, until in _bodies["reference_only"]
]
HOLDING_SUBJECTS: dict[str, str] = _bodies["holding_subjects"]

_calendar = read_json("calendar.json")
RESHUFFLES: list[tuple[str, str]] = [(day, party) for day, party in _calendar["reshuffles"]]
HIS_MAJESTY_FROM: str = _calendar["his_majesty_from"]
SESSIONS: list[str] = _calendar["sessions"]

# ---- headings ---------------------------------------------------------------------------------

_headings = read_json("headings.json")
TOPICS: dict[str, list[str]] = _headings["topics"]  # "!" marks a proper name
BREADTH: dict[str, int] = _headings["breadth"]
PLACE_SUBS: list[str] = _headings["place_subs"]
GROUP_SUBS: list[str] = _headings["group_subs"]
ASPECT_SUBS: list[str] = _headings["aspect_subs"]
COUNTRIES: list[str] = _headings["countries"]
# subtopic of a country heading -> the department answering it
COUNTRY_SUBS: dict[str, str] = {
    sub: dept for dept, subs in _headings["country_subs"].items() for sub in subs
}
HOT_HEADINGS: list[tuple[str, str]] = [(heading, dept) for heading, dept in _headings["hot"]]
STAR_DEPARTMENTS: list[str] = _headings["star_departments"]
WINDOWS: dict[str, tuple[str | None, str | None]] = {
    part: (since, until) for part, (since, until) in _headings["windows"].items()
}
# Names never lower-cased inside a sentence, and words kept capitalised inside any phrase.
PROPER_NAMES = ({raw[1:] for topics in TOPICS.values() for raw in topics if raw[0] == "!"}
                | set(PLACE_SUBS) | set(COUNTRIES))
PROPER_WORDS = ({w for place in [*PLACE_SUBS, *COUNTRIES] for w in place.split(" ")}
                | set(_headings["proper_words"]))

# ---- text -------------------------------------------------------------------------------------

_text = read_json("text.json")
VERBS: list[str] = _text["verbs"]
STAKEHOLDERS: list[str] = _text["stakeholders"]
POLICY_PHRASES: list[str] = _text["policy_phrases"]
DOCUMENTS: list[str] = _text["documents"]
CATEGORIES: list[tuple[str, str]] = [(a, b) for a, b in _text["categories"]]
NUMBER_WORDS: list[str] = _text["number_words"]
QUESTION_TEMPLATES: list[str] = _text["question_templates"]
QUESTION_CLAUSES: list[str] = _text["question_clauses"]
PRONOUNS: dict[str, dict[str, str]] = _text["pronouns"]
ANSWER_OPENINGS: list[str] = _text["answer_openings"]
ANSWER_SENTENCES: list[str] = _text["answer_sentences"]
URL_BASES: list[str] = _text["url_bases"]
AMOUNTS: list[str] = _text["amounts"]

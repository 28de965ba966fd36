"""Deterministic synthetic corpus of UK Parliament written questions, for benchmarks.

``generate_questions(n, seed)`` yields ``value`` dicts shaped exactly like the Written Questions
API's detail view with ``expandMember=true`` (same keys in the same order, same types, full HTML
``answerText``). ``write_corpus`` wraps them in the API's list envelope
``{"totalResults": n, "results": [{"value": ..., "links": [...]}]}``.

Realism, in short: ~5,000 members (650 MPs with constituencies, the rest peers and bishops),
~150 ministers tied to departments and to the governments of 2014-2025, answering bodies with
their real ids and renames applied by date, ~30,000 "Topic: Subtopic" headings drawn with a
Zipf-like skew, holding answers, corrections, grouped questions, attachments and withdrawals at
the rates seen in the real data.

The tables it is made from (names, places, parties, departments, heading words, sentence
templates) are data files under ``bench/data/``, read by ``bench.corpus_tables``.

Everything that does not depend on the seed (members, bodies, headings, sentence pools) is built
once from a fixed seed and cached, so the per-record work is a few dozen cheap random draws and
string joins: that is what makes 1,000,000 records feasible in pure Python.

CLI: ``python -m bench.corpus --n 100000 --seed 1 --out bench/out/corpus-100k.json``.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import json
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple, TypeVar

from bench.corpus_tables import (
    AMOUNTS,
    ANSWER_OPENINGS,
    ANSWER_SENTENCES,
    ASPECT_SUBS,
    BREADTH,
    CATEGORIES,
    CITY_DISTRICTS,
    COMMONS_PARTIES,
    COUNTIES,
    COUNTRIES,
    COUNTRY_SUBS,
    DEPARTMENTS,
    DIRECTIONS,
    DOCUMENTS,
    FEMALE_NAMES,
    GROUP_SUBS,
    HEREDITARY_PARTIES,
    HIS_MAJESTY_FROM,
    HOLDING_SUBJECTS,
    HOT_HEADINGS,
    LIFE_PEER_PARTIES,
    MALE_NAMES,
    MINISTER_CANDIDATES,
    NUMBER_WORDS,
    PARTIES,
    PLACE_SUBS,
    POLICY_PHRASES,
    PRONOUNS,
    PROPER_NAMES,
    PROPER_WORDS,
    QUESTION_CLAUSES,
    QUESTION_TEMPLATES,
    REFERENCE_ONLY_BODIES,
    REP,
    RESHUFFLES,
    SEES,
    SESSIONS,
    STAKEHOLDERS,
    STAR_DEPARTMENTS,
    SURNAMES,
    TOPICS,
    TOWNS,
    URL_BASES,
    VERBS,
    VILLAGES,
    WINDOWS,
)

_T = TypeVar("_T")

__all__ = [
    "answering_bodies",
    "generate_questions",
    "heading_weights",
    "headings",
    "members",
    "ministers",
    "policy_words",
    "write_corpus",
]

# The pools are part of the corpus' definition, not of a run: a fixed seed keeps them (and so the
# query words a benchmark draws from them) identical whatever seed the records use.
_POOL_SEED = 20140106

START = date(2014, 1, 6)
END_TABLED = date(2025, 10, 31)
# The corpus is a snapshot taken on this day: anything that would happen later has not happened.
AS_OF = date(2025, 12, 31)

_LORDS_SHARE = 0.09  # ~7,000 Lords questions a session against ~75,000 Commons ones
_STAMP = "T00:00:00"
_NEVER = 10**9  # an ordinal after every date: a heading window without an end


def _o(iso: str) -> int:
    """The ordinal of an ISO date."""
    return date.fromisoformat(iso).toordinal()


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    """One name of [(name, weight), ...], drawn by weight."""
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _lower_phrase(text: str) -> str:
    """Heading words as they read inside a sentence: common nouns lower-cased, names kept."""
    if text in PROPER_NAMES:
        return text
    out = []
    for word in text.split(" "):
        # Acronyms (NHS, GCSE, LGBT+) and words with inner capitals keep their case.
        keep = word in PROPER_WORDS or word[1:] != word[1:].lower() or not word[:1].isupper()
        out.append(word if keep else word.lower())
    return " ".join(out)


class _HeadingRow(NamedTuple):
    """A heading, its department ("*": any), its phrase in a sentence, its date window."""

    heading: str
    dept: str
    phrase: str
    since: int  # ordinal; -1: always
    until: int  # ordinal, exclusive; _NEVER: still


class _Context(NamedTuple):
    """What a question of one department needs in one period, precomputed."""

    body_id: int
    body_name: str
    commons_prefix: str | None  # "To ask the Secretary of State for ..., " (None: not asked)
    lords_prefix: str | None
    commons_ministers: list[dict]
    lords_ministers: list[dict]
    commons_templates: list[str]  # question templates with the minister's pronouns filled
    commons_clauses: list[str]
    lords_templates: list[str]
    lords_clauses: list[str]
    words: list[str]  # policy words of the department
    sentences: list[str]  # answer sentences of the department
    holding_html: str
    answerer_idxs: list[int]
    statement: str  # "; and if he will make a statement" (old Commons habit), or ""


# --------------------------------------------------------------------------------------------
# Pool construction (once per process; independent of the corpus seed)
# --------------------------------------------------------------------------------------------


class _Pools:
    """Everything that does not depend on the seed: members, bodies, headings, text."""

    def __init__(self) -> None:
        rng = random.Random(_POOL_SEED)
        self._build_members(rng)
        self._build_periods()
        self._build_ministers(rng)
        self._build_headings(rng)
        self._build_text(rng)
        self._build_contexts()
        self._build_askers(rng)

    # ---- members --------------------------------------------------------------------------

    def _build_members(self, rng: random.Random) -> None:
        """All members with parallel gender, House and form of reference: MPs, bishops, peers."""
        ids = rng.sample(range(150, 5600), 5000)
        constituencies = self._constituencies(rng)
        self.members: list[dict] = []
        self.gender: list[str] = []  # "he"/"she", parallel to members
        self.house: list[str] = []
        self.ref: list[str] = []  # how an answer refers to the asker
        used_names: set[str] = set()
        self._add_mps(rng, ids, constituencies, used_names)
        self.n_mps = len(self.members)
        self._add_bishops(rng, ids)
        self._add_peers(rng, ids, used_names)

    def _add_mps(self, rng: random.Random, ids: list[int], seats: list[tuple[str, str]],
                 used_names: set[str]) -> None:
        """One MP per constituency, of a party drawn by the seat's nation."""
        for mid, (seat, nation) in zip(ids, seats, strict=False):
            party = _weighted(rng, COMMONS_PARTIES[nation])
            male = rng.random() < 0.62
            name, list_as = self._mp_name(rng, male, used_names)
            self._add_member(rng, mid, list_as, name, party, seat, "he" if male else "she",
                             "Commons", "hon. Member")

    def _mp_name(self, rng: random.Random, male: bool, used_names: set[str]) -> tuple[str, str]:
        """An unused MP's name and list name, sometimes with a second first name or a title."""
        first_names = MALE_NAMES if male else FEMALE_NAMES
        first = rng.choice(first_names)
        if rng.random() < 0.05:
            first = f"{first} {rng.choice(first_names)}"
        while True:
            surname = self._surname(rng)
            if f"{first} {surname}" not in used_names:
                break
        used_names.add(f"{first} {surname}")
        r = rng.random()
        title = ("Mr " if male else "Mrs ") if r < 0.07 else "Dr " if r < 0.10 else (
            ("Sir " if male else "Dame ") if r < 0.13 else "Ms " if r < 0.14 and not male
            else "")
        return f"{title}{first} {surname}", f"{surname}, {title}{first}"

    def _add_bishops(self, rng: random.Random, ids: list[int]) -> None:
        """The two archbishops, then a bishop for each see."""
        for see in ["Canterbury", "York", *SEES]:
            arch = see in ("Canterbury", "York")
            name = f"The Lord {'Archbishop' if arch else 'Bishop'} of {see}"
            list_as = f"{see}, {'Abp.' if arch else 'Bp.'}"
            self._add_member(rng, ids[len(self.members)], list_as, name, "Bshp", "Bishops",
                             "she" if rng.random() < 0.2 else "he", "Lords",
                             "right reverend Prelate")

    def _add_peers(self, rng: random.Random, ids: list[int], used_names: set[str]) -> None:
        """Hereditary and life peers with unused titles, until every id is taken."""
        places = sorted(set(VILLAGES) | {t for ts in TOWNS.values() for t in ts})
        while len(self.members) < len(ids):
            if rng.random() < 0.10:
                name, list_as, ref, party, gender = self._hereditary_peer(rng, places)
                member_from = "Hereditary"
            else:
                name, list_as, ref, party, gender = self._life_peer(rng, places)
                member_from = "Life peer"
            if name in used_names:
                continue
            used_names.add(name)
            self._add_member(rng, ids[len(self.members)], list_as, name, party, member_from,
                             gender, "Lords", ref)

    def _hereditary_peer(self, rng: random.Random,
                         places: list[str]) -> tuple[str, str, str, str, str]:
        """A hereditary peer's name, list name, form of reference, party and gender."""
        r = rng.random()
        place = rng.choice(places)
        surname = self._surname(rng)
        if r < 0.45:
            name, list_as, ref = f"Earl of {place}", f"{place}, E.", "noble Earl"
        elif r < 0.65:
            name, list_as, ref = f"Viscount {surname}", f"{surname}, V.", "noble Viscount"
        elif r < 0.9:
            name, list_as, ref = f"Lord {surname}", f"{surname}, L.", "noble Lord"
        elif r < 0.95:
            name, list_as, ref = f"Marquess of {place}", f"{place}, M.", "noble Marquess"
        else:
            name, list_as, ref = f"Countess of {place}", f"{place}, C.", "noble Countess"
        party = _weighted(rng, HEREDITARY_PARTIES)
        return name, list_as, ref, party, "she" if ref == "noble Countess" else "he"

    def _life_peer(self, rng: random.Random, places: list[str]) -> tuple[str, str, str, str, str]:
        """A life peer's name, list name, form of reference, party and gender."""
        male = rng.random() < 0.68
        surname = self._surname(rng)
        rank = "Lord" if male else "Baroness"
        if rng.random() < 0.7:
            place = rng.choice(places)
            name, list_as = f"{rank} {surname} of {place}", f"{surname} of {place}"
        else:
            name, list_as = f"{rank} {surname}", surname
        list_as += ", L." if male else ", B."
        ref = "noble Lord" if male else "noble Baroness"
        party = _weighted(rng, LIFE_PEER_PARTIES)
        return name, list_as, ref, party, "he" if male else "she"

    def _add_member(self, rng: random.Random, mid: int, list_as: str, name: str, party: str,
                    member_from: str, gender: str, house: str, ref: str) -> None:
        """Append one member (an API ``MemberViewModel``) and its parallel attributes."""
        pname, colour, abbr = PARTIES[party]
        # A few real thumbnails point at an old photo host; keep that quirk.
        thumb = (f"https://photos.dodspeople.com/photos/{rng.randint(10000, 199999)}.jpg"
                 if rng.random() < 0.03
                 else f"https://members-api.parliament.uk/api/Members/{mid}/Thumbnail")
        self.members.append({"id": mid, "listAs": list_as, "name": name, "party": pname,
                             "partyColour": colour, "partyAbbreviation": abbr,
                             "memberFrom": member_from, "thumbnailUrl": thumb})
        self.gender.append(gender)
        self.house.append(house)
        self.ref.append(ref)

    @staticmethod
    def _surname(rng: random.Random) -> str:
        """A surname, now and then double-barrelled."""
        if rng.random() < 0.05:  # double-barrelled
            a, b = rng.choice(SURNAMES), rng.choice(SURNAMES)
            if a != b and "-" not in a + b and " " not in a + b:
                return f"{a}-{b}"
        return rng.choice(SURNAMES)

    @staticmethod
    def _constituencies(rng: random.Random) -> list[tuple[str, str]]:
        """650 distinct (constituency, nation) pairs made from the towns of each nation."""
        seats: list[tuple[str, str]] = []
        seen: set[str] = set()
        quota = {"E": 533, "W": 40, "S": 59, "N": 18}  # the 2010-2024 distribution of 650 seats
        for nation, count in quota.items():
            towns = TOWNS[nation]
            tries = 0
            while sum(1 for _, n in seats if n == nation) < count:
                tries += 1
                t = rng.choice(towns)
                r = rng.random()
                if tries > 20000 or r < 0.45:
                    name = t if tries <= 20000 else f"{t} {rng.choice(DIRECTIONS)} {tries}"
                elif r < 0.65:
                    name = f"{t} {rng.choice(DIRECTIONS)}"
                elif r < 0.82:
                    name = f"{t} and {rng.choice(towns)}"
                elif r < 0.88 and nation == "S":
                    name = f"{t}, {rng.choice(towns)} and {rng.choice(towns)}"
                elif r < 0.93 and nation == "E":
                    name = f"{rng.choice(DIRECTIONS)} {rng.choice(COUNTIES)}"
                elif t in CITY_DISTRICTS:
                    name = f"{t}, {rng.choice(CITY_DISTRICTS[t])}"
                else:
                    name = f"{rng.choice(DIRECTIONS)} {t}"
                if name in seen or (name.count(t) > 1 and " and " in name):
                    continue
                seen.add(name)
                seats.append((name, nation))
        return seats

    # ---- periods and ministers ------------------------------------------------------------

    def _build_periods(self) -> None:
        """Periods between reshuffles and renames, each with its governing party."""
        reshuffle = {_o(d): party for d, party in RESHUFFLES}
        bounds = set(reshuffle)
        for dept in DEPARTMENTS.values():
            bounds.update(_o(body.until) for body in dept.bodies if body.until)
        bounds.add(_o(HIS_MAJESTY_FROM))
        self.period_starts = sorted(b for b in bounds if b >= _o("2014-01-01"))
        self.period_party: list[str] = []
        self.period_reshuffle: list[bool] = []
        party = "coalition"
        for start in self.period_starts:
            self.period_reshuffle.append(start in reshuffle)
            party = reshuffle.get(start, party)
            self.period_party.append(party)

    def period_of(self, ordinal: int) -> int:
        """The index of the period a day falls in."""
        return max(0, bisect.bisect_right(self.period_starts, ordinal) - 1)

    @staticmethod
    def segment(dept: str, ordinal: int) -> tuple[int, str, str]:
        """The (body id, name, addressee) answering for a department on a day."""
        for until, bid, name, addressee in DEPARTMENTS[dept].bodies:
            if until is None or ordinal < _o(until):
                return bid, name, addressee
        raise AssertionError(dept)  # the last segment is open-ended

    def _build_ministers(self, rng: random.Random) -> None:
        """Who answers for each body in each period, in each House."""
        mps_by_party: dict[str, list[int]] = {}
        peers_by_party: dict[str, list[int]] = {}
        for idx, m in enumerate(self.members):
            key = {"Conservative": "Con", "Labour": "Lab", "Labour (Co-op)": "Lab",
                   "Liberal Democrat": "LD"}.get(m["party"])
            if key and m["memberFrom"] != "Bishops":
                by_party = mps_by_party if self.house[idx] == "Commons" else peers_by_party
                by_party.setdefault(key, []).append(idx)
        cand_c: dict[str, list[int]] = {}
        cand_l: dict[str, list[int]] = {}
        for party, (nc, nl) in MINISTER_CANDIDATES.items():
            cand_c[party] = rng.sample(mps_by_party[party], nc)
            cand_l[party] = rng.sample(peers_by_party[party], nl)
        candidates = {i for v in [*cand_c.values(), *cand_l.values()] for i in v}
        backbench = [i for i in range(self.n_mps) if i not in candidates]
        crossbench = [i for i in range(self.n_mps, len(self.members))
                      if self.members[i]["party"] == "Crossbench"]
        # (period, body id) -> (Commons answerers, Lords answerers), as member indexes
        self.assign: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
        reps: dict[tuple[str, int], int] = {}
        for pi, start in enumerate(self.period_starts):
            gov = self.period_party[pi]
            bodies: dict[int, tuple[int, str, str]] = {}
            for dept, (houses, size, _) in DEPARTMENTS.items():
                bid, _, addressee = self.segment(dept, start)
                if bid not in bodies or size > bodies[bid][0]:
                    bodies[bid] = (size, houses, addressee)
            for bid in sorted(bodies):
                size, houses, addressee = bodies[bid]
                prev = self.assign.get((pi - 1, bid))
                if addressee.startswith(REP) or houses == "L":
                    era = "Lab" if gov == "Lab" else "Con"
                    if (era, bid) not in reps:
                        pool = crossbench if houses == "L" else backbench
                        reps[(era, bid)] = rng.choice(pool)
                    rep = reps[(era, bid)]
                    self.assign[(pi, bid)] = ([rep], []) if houses == "C" else ([], [rep])
                    continue
                if prev and not self.period_reshuffle[pi]:
                    self.assign[(pi, bid)] = prev
                    continue

                same_gov = pi > 0 and (self.period_party[pi - 1] == "Lab") == (gov == "Lab")
                keep_c, keep_l = prev if prev and same_gov else ([], [])
                self.assign[(pi, bid)] = (
                    self._pick_ministers(rng, gov, cand_c, keep_c, size),
                    self._pick_ministers(rng, gov, cand_l, keep_l, 1) if "L" in houses else [])
        self.answerers = sorted({m for c, lm in self.assign.values() for m in c + lm})

    @staticmethod
    def _pick_ministers(rng: random.Random, gov: str, cands: dict[str, list[int]],
                        keep: list[int], count: int) -> list[int]:
        """Keep about half of the previous holders, fill the rest from the governing party."""
        out = [m for m in keep if rng.random() < 0.55][:count]
        while len(out) < count:
            party = ("LD" if rng.random() < 0.15 else "Con") if gov == "coalition" else gov
            m = rng.choice(cands[party])
            if m not in out:
                out.append(m)
        return out

    # ---- headings -------------------------------------------------------------------------

    def _build_headings(self, rng: random.Random) -> None:
        """Headings ranked by popularity, each with its department, phrase and date window."""
        rows: dict[str, tuple[str, str]] = {}  # heading -> (department, phrase)
        hot = []
        for heading, dept in HOT_HEADINGS:
            topic, _, sub = heading.partition(": ")
            rows[heading] = (dept, self._phrase(topic, sub))
            hot.append(heading)
        plain: list[str] = []
        combos: list[str] = []
        self._add_topic_headings(rng, rows, plain, combos)
        self._add_country_headings(rng, rows, plain, combos)
        order = self._rank_headings(rng, hot, plain, combos)
        self.heading_rows = [_HeadingRow(h, *rows[h], *self._window(h)) for h in order]
        # Drawn when a date rejects every heading tried (rare): always valid, answerable by both.
        self.fallback_row = next(r for r in self.heading_rows
                                 if r.dept == "cabinet" and r.since < 0 and r.until == _NEVER)
        self._weigh_headings(len(order))

    def _add_topic_headings(self, rng: random.Random, rows: dict[str, tuple[str, str]],
                            plain: list[str], combos: list[str]) -> None:
        """Each department's topics, and "Topic: Subtopic" with places, groups and aspects."""
        subs_all = ([(s, "aspect") for s in ASPECT_SUBS] + [(s, "group") for s in GROUP_SUBS]
                    + [(s, "place") for s in PLACE_SUBS])
        for dept, topics in TOPICS.items():
            breadth = BREADTH[dept]
            for raw in topics:
                topic = raw.lstrip("!")
                if ": " in topic:  # a ready-made two-part heading
                    t, _, s = topic.partition(": ")
                    rows.setdefault(topic, (dept, self._phrase(t, s)))
                    combos.append(topic)
                    continue
                if topic not in rows:
                    rows[topic] = (dept, self._phrase(topic, ""))
                    plain.append(topic)
                count = max(2, int(breadth * (0.5 + rng.random())))
                for sub, _kind in rng.sample(subs_all, min(count, len(subs_all))):
                    heading = f"{topic}: {sub}"
                    if sub != topic and heading not in rows:
                        rows[heading] = (dept, self._phrase(topic, sub))
                        combos.append(heading)

    @staticmethod
    def _add_country_headings(rng: random.Random, rows: dict[str, tuple[str, str]],
                              plain: list[str], combos: list[str]) -> None:
        """Each country, and "Country: Subtopic" answered by the subtopic's department."""
        country_subs = sorted(COUNTRY_SUBS)
        for country in COUNTRIES:
            if country not in rows:
                rows[country] = ("foreign", country)
                plain.append(country)
            for sub in rng.sample(country_subs, 22):
                heading = f"{country}: {sub}"
                if heading not in rows:
                    rows[heading] = (COUNTRY_SUBS[sub], f"{_lower_phrase(sub)} in {country}")
                    combos.append(heading)

    @staticmethod
    def _rank_headings(rng: random.Random, hot: list[str], plain: list[str],
                       combos: list[str]) -> list[str]:
        """The popularity order: hot headings, then plain topics tending to rank above combos."""
        ranked = sorted([(rng.random() * 0.25, h) for h in plain]
                        + [(rng.random(), h) for h in combos])
        hot_set = set(hot)
        return hot + [h for _, h in ranked if h not in hot_set]

    @staticmethod
    def _window(heading: str) -> tuple[int, int]:
        """The ordinals (since, until) a heading exists between, from its own or its parts'."""
        lo, hi = -1, _NEVER
        for part in (heading, *heading.split(": ")):
            if part in WINDOWS:
                a, b = WINDOWS[part]
                lo = max(lo, _o(a) if a else -1)
                hi = min(hi, _o(b) if b else _NEVER)
        return lo, hi

    def _weigh_headings(self, count: int) -> None:
        """Cumulative Zipf-Mandelbrot weights: a few headings very common, a long tail."""
        weights = [1.0 / (r + 8.0) ** 1.02 for r in range(count)]
        total = 0.0
        self.heading_cum: list[float] = []
        for w in weights:
            total += w
            self.heading_cum.append(total)
        self.heading_total = total

    @staticmethod
    def _phrase(topic: str, sub: str) -> str:
        """How a heading reads inside a question ("schools in relation to finance")."""
        t = _lower_phrase(topic)
        if not sub:
            return t
        s = _lower_phrase(sub)
        if sub in PLACE_SUBS or sub in COUNTRIES:
            return f"{t} in {s}"
        if sub in GROUP_SUBS:
            return f"{t} for {s}"
        return f"{s} in relation to {t}"

    # ---- text -----------------------------------------------------------------------------

    def _build_text(self, rng: random.Random) -> None:
        """Policy words per department, pools of answer sentences, answer delays."""
        dept_words: dict[str, list[str]] = {}
        for dept, topics in TOPICS.items():
            words = []
            for raw in topics:
                topic = raw.lstrip("!")
                if ": " not in topic:
                    words.append(_lower_phrase(topic))
            dept_words[dept] = words
        self.dept_words = dept_words
        self.policy_words = sorted({w for ws in dept_words.values() for w in ws}
                                   | set(POLICY_PHRASES))

        def fill(template: str, words: list[str]) -> str:
            """An answer sentence with everything but its years drawn."""
            w = rng.choice(words)
            # Years stay placeholders: they are filled per record so that none is in the future.
            return template.format(
                y="{y}", y2="{y2}", n1=f"{rng.randint(120, 98000):,}",
                n2=f"{rng.randint(120, 98000):,}", n3=rng.randint(3, 40), m=rng.choice(AMOUNTS),
                m2=rng.choice(AMOUNTS), t=rng.choice(["two", "three", "four", "five"]),
                w=w, w2=rng.choice(words), k=rng.choice(STAKEHOLDERS), v=rng.choice(VERBS),
                v2=rng.choice(VERBS), d=rng.choice(DOCUMENTS), D=_cap(rng.choice(DOCUMENTS)),
                pc=rng.randint(2, 97),
                x=rng.choice(["region", "age", "ethnicity", "local authority", "sex"]),
                r=rng.choice(["five", "10", "100", "1,000"]),
                u=rng.choice(URL_BASES) + w.lower().replace(" ", "-").replace("'", ""),
            )

        self.generic_sentences = [fill(rng.choice(ANSWER_SENTENCES), POLICY_PHRASES)
                                  for _ in range(3000)]
        lengths = [len(s) for s in self.generic_sentences]
        self.dept_sentences = {
            dept: [fill(rng.choice(ANSWER_SENTENCES), words + POLICY_PHRASES[:10])
                   for _ in range(220)]
            for dept, words in dept_words.items()
        }
        self.mean_sentence = sum(lengths) / len(lengths)
        # Delays (in working days) after the date for answer; mostly on time, a long tail.
        self.delays = ([0] * 40 + [-1] * 8 + [1] * 12 + [2] * 10 + [3, 4, 5] * 3
                       + list(range(6, 16)) + list(range(16, 41)) + list(range(41, 81, 4)))
        self.holding_delays = list(range(1, 8)) * 3 + list(range(8, 41))

    # ---- per (period, department) contexts ------------------------------------------------

    def _build_contexts(self) -> None:
        """A context for every department in every period (see ``_Context``)."""
        templates = {g: [t.format(p="{p}", w="{w}", v="{v}", k="{k}", y="{y}", n="{n}",
                                  c1="{c1}", c2="{c2}", d="{d}", **PRONOUNS[g])
                         for t in QUESTION_TEMPLATES] for g in PRONOUNS}
        clauses = {g: [c.format(w="{w}", v="{v}", k="{k}", y="{y}", c1="{c1}", c2="{c2}",
                                d="{d}", **PRONOUNS[g]) for c in QUESTION_CLAUSES]
                   for g in PRONOUNS}
        self.contexts: list[dict[str, _Context]] = [
            {dept: self._context(pi, start, dept, templates, clauses) for dept in DEPARTMENTS}
            for pi, start in enumerate(self.period_starts)
        ]

    def _context(self, pi: int, start: int, dept: str, templates: dict[str, list[str]],
                 clauses: dict[str, list[str]]) -> _Context:
        """The context of one department in one period: body, addressees, answerers, text."""
        houses = DEPARTMENTS[dept].houses
        bid, name, addressee = self.segment(dept, start)
        commons, lords = self.assign[(pi, bid)]
        if addressee.startswith(REP):
            rep = self.members[commons[0]]
            addressee = (f"the hon. Member for {rep['memberFrom']}, representing "
                         f"{addressee[len(REP):]}")
            gender = "they"
        else:
            gender = self.gender[commons[0]] if commons else "they"
        statement = f"; and if {gender} will make a statement" if gender != "they" else ""
        c_prefix = f"To ask {addressee}, " if "C" in houses else None
        l_prefix: str | None
        if houses == "L":
            l_prefix = f"To ask {addressee} "
        else:
            his = start >= _o(HIS_MAJESTY_FROM)
            l_prefix = (f"To ask {'His' if his else 'Her'} Majesty's Government "
                        if lords else None)
        subject = HOLDING_SUBJECTS.get(name, f"The {name} has")
        holding = (f"<p>{subject} indicated that it will not be possible to answer this "
                   "question within the usual time period. An answer is being prepared "
                   "and will be provided as soon as it is available.</p>")
        return _Context(
            bid, name, c_prefix, l_prefix,
            [self.members[i] for i in commons], [self.members[i] for i in lords],
            templates[gender], clauses[gender], templates["they"], clauses["they"],
            self.dept_words[dept] + POLICY_PHRASES[:20], self.dept_sentences[dept], holding,
            commons + lords, statement,
        )

    def _build_askers(self, rng: random.Random) -> None:
        """Askers per period and House, skewed (a few ask a great many); answerers do not ask."""
        order = list(range(len(self.members)))
        rng.shuffle(order)
        activity = [0.0] * len(self.members)
        for rank, idx in enumerate(order):
            activity[idx] = 1.0 / (rank / 40.0 + 1.0) ** 0.9
        self.askers: list[dict[str, tuple[list[int], list[float]]]] = []
        for pi in range(len(self.period_starts)):
            busy = {i for ctx in self.contexts[pi].values() for i in ctx.answerer_idxs}
            per_house: dict[str, tuple[list[int], list[float]]] = {}
            for house in ("Commons", "Lords"):
                idxs = [i for i in range(len(self.members))
                        if self.house[i] == house and i not in busy]
                cum, total = [], 0.0
                for i in idxs:
                    total += activity[i]
                    cum.append(total)
                per_house[house] = (idxs, cum)
            self.askers.append(per_house)


@functools.cache
def _pools() -> _Pools:
    """The pools, built once per process."""
    return _Pools()


# --------------------------------------------------------------------------------------------
# Public pools
# --------------------------------------------------------------------------------------------


def members() -> list[dict]:
    """All ~5,000 members (API ``MemberViewModel`` dicts): MPs first, then bishops and peers."""
    return [dict(m) for m in _pools().members]


def ministers() -> list[dict]:
    """The members who answer questions, each with ``answeringBodyIds`` they served in."""
    p = _pools()
    bodies: dict[int, set[int]] = {}
    for (_, bid), (c, lords) in p.assign.items():
        for m in c + lords:
            bodies.setdefault(m, set()).add(bid)
    return [{**p.members[i], "answeringBodyIds": sorted(bodies[i])} for i in p.answerers]


def answering_bodies() -> list[dict]:
    """Answering bodies as ``{id, name, from, to}`` (ISO dates or None), renames included."""
    seen: dict[tuple[int, str], dict] = {}
    for dept in DEPARTMENTS.values():
        since = None
        for until, bid, name, _ in dept.bodies:
            row = seen.setdefault((bid, name), {"id": bid, "name": name, "from": since,
                                                "to": until})
            # The same body may be reached from several departments: widen its dates.
            if since is None or (row["from"] is not None and since < row["from"]):
                row["from"] = since
            if until is None or (row["to"] is not None and until > row["to"]):
                row["to"] = until
            since = until
    for bid, name, since, until in REFERENCE_ONLY_BODIES:
        seen.setdefault((bid, name), {"id": bid, "name": name, "from": since, "to": until})
    return sorted(seen.values(), key=lambda r: (r["id"], r["from"] or ""))


def headings() -> list[str]:
    """Every heading, most frequent first (the ranking behind the Zipf-like skew)."""
    return [row.heading for row in _pools().heading_rows]


def heading_weights() -> list[float]:
    """Probability of each heading of ``headings()`` (before date windows are applied)."""
    p = _pools()
    prev = 0.0
    out = []
    for c in p.heading_cum:
        out.append((c - prev) / p.heading_total)
        prev = c
    return out


def policy_words() -> list[str]:
    """The policy vocabulary answers and questions are built from (good search terms)."""
    return list(_pools().policy_words)


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------

_ANSWER_MU = math.log(640.0)  # answers' median length, ~700 characters once tagged
_ATTACHMENT_KINDS = (("Table", "xlsx"), ("Letter", "pdf"), ("Report", "pdf"), ("Data", "csv"))


def _tabling_days() -> list[int]:
    """Weekdays outside the Christmas and summer recesses, START..END_TABLED."""
    days = []
    d = START
    one = timedelta(days=1)
    while d <= END_TABLED:
        recess = d.month == 8 or (d.month == 12 and d.day >= 21) or (d.month == 1 and d.day < 5)
        if d.weekday() < 5 and not recess:
            days.append(d.toordinal())
        d += one
    return days


class _Calendar:
    """API date strings and "k working days later", precomputed by ordinal over a range."""

    def __init__(self, first: int, end: int) -> None:
        self.base = first
        self.stamps = [date.fromordinal(o).isoformat() + _STAMP for o in range(first, end)]
        self.weekdays = [o for o in range(first, end) if date.fromordinal(o).weekday() < 5]
        # The index in `weekdays` of each day, or of the next weekday.
        self.weekday_index = [0] * (end - first)
        j = 0
        for o in range(first, end):
            while j < len(self.weekdays) - 1 and self.weekdays[j] < o:
                j += 1
            self.weekday_index[o - first] = j

    def add_working_days(self, ordinal: int, k: int) -> int:
        """The k-th weekday after a day (k = 0: the day itself if a weekday, else the next)."""
        return self.weekdays[self.weekday_index[ordinal - self.base] + k]

    def stamp(self, ordinal: int) -> str:
        """A day as the API writes it ("2024-01-31T00:00:00")."""
        return self.stamps[ordinal - self.base]


class _Day(NamedTuple):
    """A tabling day and what its questions share."""

    tabled: int
    stamp: str
    year: int
    contexts: dict[str, _Context]
    askers: dict[str, tuple[list[int], list[float]]]


@dataclass(slots=True)
class _Group:
    """Questions tabled together by one member on one heading (most often just one)."""

    day: _Day
    row: _HeadingRow
    house: str
    lords: bool
    ctx: _Context
    prefix: str  # "To ask ..."
    asker_i: int
    answerers: list[dict]
    answerer: dict
    size: int


@dataclass(slots=True)
class _Answer:
    """A question's dates (as ordinals) and answer state: "none", "holding" or "substantive"."""

    named: bool
    for_answer: int
    withdrawn: bool
    state: str
    answered: int | None = None
    holding: int | None = None
    corrected: int | None = None
    attachments: int = 0


class _Run:
    """One call of ``generate_questions``: its random source, calendar, ids and uin counters."""

    __slots__ = ("as_of", "attachment_id", "calendar", "counters", "day_weights", "days",
                 "expand", "n", "p", "qid", "random", "rng", "session", "sessions")

    def __init__(self, n: int, seed: int, per_day: int | None, expand_members: bool) -> None:
        self.p = _pools()
        self.n = n
        self.expand = expand_members
        self.rng = random.Random(seed)
        self.random = self.rng.random
        days = _tabling_days()
        if per_day is not None:
            days = days[-min(len(days), max(1, math.ceil(n / per_day))):]
        self.days = days
        self.day_weights = [0.75 + 0.5 * self.random() for _ in days]  # jittered day shares
        self.calendar = _Calendar(days[0] - 30, AS_OF.toordinal() + 400)
        self.as_of = AS_OF.toordinal()
        self.sessions = [_o(s) for s in SESSIONS]
        self.session = -1
        self.counters = {"Commons": 0, "Lords": 0}
        self.qid = 150000 + int(self.random() * 1000)
        self.attachment_id = 1000000 + int(self.random() * 1000)

    def _pick(self, seq: Sequence[_T]) -> _T:
        """An item of seq, drawn with one random number."""
        return seq[int(self.random() * len(seq))]

    def questions(self) -> Iterator[dict]:
        """Every question, day by day, each day filled to its quota group by group."""
        for tabled, quota in self._day_quotas():
            day = self._start_day(tabled)
            done = 0
            while done < quota:
                group = self._draw_group(day, quota - done)
                yield from self._questions_of_group(group)
                done += group.size

    # ---- days -----------------------------------------------------------------------------

    def _day_quotas(self) -> Iterator[tuple[int, int]]:
        """(day, questions) for the days that get any: jittered shares of n, summing to n."""
        total_w = sum(self.day_weights)
        produced = 0
        cum_w = 0.0
        for tabled, weight in zip(self.days, self.day_weights, strict=True):
            cum_w += weight
            quota = round(self.n * cum_w / total_w) - produced
            if quota > 0:
                produced += quota
                yield tabled, quota

    def _start_day(self, tabled: int) -> _Day:
        """The day's uin counters (by session), period contexts and askers."""
        self._follow_session(tabled)
        pi = self.p.period_of(tabled)
        return _Day(tabled, self.calendar.stamp(tabled), date.fromordinal(tabled).year,
                    self.p.contexts[pi], self.p.askers[pi])

    def _follow_session(self, tabled: int) -> None:
        """Restart the uin counters when a new session begins."""
        s_idx = bisect.bisect_right(self.sessions, tabled) - 1
        if s_idx == self.session:
            return
        if self.session == -1:  # the corpus starts mid-session: uins are already under way
            est = (tabled - self.sessions[s_idx]) * 0.6 * max(1.0, self.n / len(self.days))
            self.counters = {"Commons": int(est * (1 - _LORDS_SHARE)) + 1,
                             "Lords": int(est * _LORDS_SHARE) + 1}
        else:
            self.counters = {"Commons": 0, "Lords": 0}
        self.session = s_idx

    # ---- who asks what --------------------------------------------------------------------

    def _draw_group(self, day: _Day, room: int) -> _Group:
        """Heading, House, asker, answerer and size (1, or 2-4 grouped) of the next questions."""
        row, house, ctx, prefix = self._draw_heading(day)
        lords = house == "Lords"
        idxs, cum = day.askers[house]
        asker_i = idxs[min(bisect.bisect_right(cum, self.random() * cum[-1]), len(idxs) - 1)]
        answerers = ctx.lords_ministers if lords else ctx.commons_ministers
        answerer = answerers[int(self.random() * len(answerers))]
        size = 1
        if self.random() < 0.015:  # grouped questions: 2-4 tabled together, one answer
            size = min(room, 2 + int(self.random() * self.random() * 3))
        return _Group(day, row, house, lords, ctx, prefix, asker_i, answerers, answerer, size)

    def _draw_heading(self, day: _Day) -> tuple[_HeadingRow, str, _Context, str]:
        """A heading valid on the day, its department's context, a House that asks it there."""
        random_ = self.random
        p = self.p
        for _ in range(12):
            row = p.heading_rows[min(bisect.bisect_right(p.heading_cum, random_()
                                                         * p.heading_total),
                                     len(p.heading_rows) - 1)]
            if not row.since <= day.tabled < row.until:
                continue
            dept = row.dept if row.dept != "*" else self._pick(STAR_DEPARTMENTS)
            ctx = day.contexts[dept]
            first = "Lords" if random_() < _LORDS_SHARE else "Commons"
            for house in (first, "Commons" if first == "Lords" else "Lords"):
                prefix = ctx.lords_prefix if house == "Lords" else ctx.commons_prefix
                if prefix is not None:
                    return row, house, ctx, prefix
        row = p.fallback_row
        ctx = day.contexts[row.dept]
        assert ctx.commons_prefix is not None  # the fallback is answered in both Houses
        return row, "Commons", ctx, ctx.commons_prefix

    def _questions_of_group(self, g: _Group) -> list[dict]:
        """The group's texts, answer, uins and attachments, then one record per question."""
        words = self._draw_words(g)
        texts = self._question_texts(g, words)
        a = self._answer_dates(g)
        answer = self._answer_text(g, words, a)
        uins = self._next_uins(g)
        attachments = self._attachments(uins[0], a.attachments)
        return self._records(g, texts, a, answer, uins, attachments)

    # ---- question text --------------------------------------------------------------------

    def _draw_words(self, g: _Group) -> dict[str, object]:
        """The words a group's questions and answer share (template fields: phrase, verb...)."""
        pick = self._pick
        c1, c2 = pick(CATEGORIES)
        return {"p": g.row.phrase, "w": pick(g.ctx.words), "v": pick(VERBS),
                "k": pick(STAKEHOLDERS), "y": g.day.year - 1 - int(self.random() * 6),
                "n": pick(NUMBER_WORDS), "c1": c1, "c2": c2, "d": pick(DOCUMENTS)}

    def _question_texts(self, g: _Group, words: dict[str, object]) -> list[str]:
        """The text of each question of the group, aiming at one drawn length."""
        r = self.random()
        target = 150 + int(r * r * 450)
        texts = []
        for _ in range(g.size):
            texts.append(self._question_text(g, words, target))
            words["w"] = self._pick(g.ctx.words)
        return texts

    def _question_text(self, g: _Group, words: dict[str, object], target: int) -> str:
        """One question: a template, then clauses up to the target length (150-598 chars)."""
        pick = self._pick
        ctx = g.ctx
        templates, clauses = ((ctx.lords_templates, ctx.lords_clauses) if g.lords
                              else (ctx.commons_templates, ctx.commons_clauses))
        q = g.prefix + pick(templates).format_map(words)
        for _ in range(4):
            if len(q) >= target:
                break
            words["w"] = pick(ctx.words)
            extra = pick(clauses).format_map(words)
            if len(q) + len(extra) > 598:
                break
            if "(a)" in extra and "(a)" in q:  # one lettered list per question
                continue
            q += extra
        while len(q) < 150:  # the shortest real questions are about this long
            words["w"] = pick(ctx.words)
            q += clauses[2].format_map(words)
        old_style = g.day.year < 2017
        if old_style and not g.lords and self.random() < 0.3 and len(q) < 560:
            q += ctx.statement  # the pre-2017 Commons habit
        return q + "."

    # ---- dates and answer state -----------------------------------------------------------

    def _answer_dates(self, g: _Group) -> _Answer:
        """When the group is due and answered, its answer state, correction and attachments."""
        a = self._draw_answer_state(g)
        self._apply_snapshot(a)
        self._draw_correction(a)
        self._draw_attachments(a)
        return a

    def _draw_answer_state(self, g: _Group) -> _Answer:
        """Named day, date for answer, withdrawal, and the state with its dates."""
        random_ = self.random
        add = self.calendar.add_working_days
        tabled = g.day.tabled
        named = not g.lords and random_() < 0.12
        if g.lords:
            for_answer = add(tabled + 14, 0)
        else:
            for_answer = add(tabled, 3 + int(random_() * 3) if named else 2)
        u = random_()
        a = _Answer(named, for_answer, withdrawn=u < 0.01, state="substantive")
        if u < 0.06:
            a.state = "none"
        elif u < 0.10:
            a.state, a.holding = "holding", for_answer
        elif u < 0.13:  # a holding answer, then the substantive one
            a.holding = for_answer
            a.answered = add(for_answer, self._pick(self.p.holding_delays))
        else:
            d = self._pick(self.p.delays)
            a.answered = (add(for_answer, d) if d >= 0
                          else max(add(tabled, 1), add(for_answer, d)))
        if a.state == "holding" and not named and not g.lords and random_() < 0.7:
            a.named = True  # holding answers are mostly given to named-day questions
        return a

    def _apply_snapshot(self, a: _Answer) -> None:
        """Undo what would happen after AS_OF; a holding answer's date is the answer's."""
        as_of = self.as_of
        if a.answered is not None and a.answered > as_of:
            a.answered = None
            a.state = "holding" if a.holding is not None and a.holding <= as_of else "none"
        if a.state == "holding" and a.holding is not None and a.holding > as_of:
            a.state, a.holding = "none", None
        if a.state == "holding":
            a.answered = a.holding

    def _draw_correction(self, a: _Answer) -> None:
        """Now and then a substantive answer is corrected, 1-30 working days later."""
        if a.state == "substantive" and self.random() < 0.0115:
            assert a.answered is not None
            corrected = self.calendar.add_working_days(a.answered, 1 + int(self.random() * 30))
            if corrected <= self.as_of:
                a.corrected = corrected

    def _draw_attachments(self, a: _Answer) -> None:
        """Now and then a substantive answer carries one to three attachments."""
        if a.state == "substantive" and self.random() < 0.023:
            a.attachments = 1 if self.random() < 0.8 else 2 if self.random() < 0.75 else 3

    # ---- answer text ----------------------------------------------------------------------

    def _answer_text(self, g: _Group, words: dict[str, object], a: _Answer) -> str | None:
        """The answer's HTML: none, the body's holding answer, or a substantive answer."""
        if a.state == "none":
            return None
        if a.state == "holding":
            return g.ctx.holding_html
        sentences = self._answer_sentences(g, words)
        closing = self._closing_reference(g, a.attachments)
        if closing is not None:
            sentences.append(closing)
        return self._answer_html(sentences, g.day.year)

    def _answer_sentences(self, g: _Group, words: dict[str, object]) -> list[str]:
        """An opening on the heading, then department and generic sentences to a drawn length."""
        length = min(7400.0, max(120.0, self.rng.lognormvariate(_ANSWER_MU, 0.75)))
        k = max(1, round(length / self.p.mean_sentence) - 1)
        k_dept = (k + 1) // 2
        body = g.ctx.body_name
        sentences = [self._pick(ANSWER_OPENINGS).format(
            p=g.row.phrase, B=body if body.startswith("HM") else "The " + body,
            v=words["v"], w=words["w"], k=words["k"], y=words["y"], m=self._pick(AMOUNTS),
            d=words["d"])]
        sentences += self.rng.choices(g.ctx.sentences, k=k_dept)
        sentences += self.rng.choices(self.p.generic_sentences, k=k - k_dept)
        year = g.day.year
        y1 = year - 2 - int(self.random() * 5)
        return [s.format(y=y1, y2=year - 1) if "{y" in s else s for s in sentences]

    def _closing_reference(self, g: _Group, attachments: int) -> str | None:
        """A closing pointer to the attached table, or now and then to an earlier answer."""
        ref = self.p.ref[g.asker_i]
        if attachments:
            return (f"I refer the {ref} to the attached table, which sets out the information "
                    "requested.")
        if self.random() < 0.06:
            earlier = date.fromordinal(g.day.tabled - 7 - int(self.random() * 60))
            return (f"I refer the {ref} to the answer given on {earlier.day} {earlier:%B %Y} to "
                    f"Question {'HL' if g.lords else ''}{int(self.random() * 90000) + 1}.")
        return None

    def _answer_html(self, sentences: list[str], year: int) -> str:
        """The sentences in paragraphs, now and then followed by a table of figures."""
        random_ = self.random
        sep = "</p><p> </p><p>" if random_() < 0.3 else "</p><p>"
        parts = ["<p>", sentences[0]]
        for s in sentences[1:]:
            parts.append(sep if random_() < 0.45 else " ")
            parts.append(s)
        if random_() < 0.04:
            parts += [sep, "The information requested is set out in the following table:",
                      "</p>", _table(year, random_),
                      "<p>Source: departmental management information."]
        parts.append("</p>")
        return "".join(parts)

    # ---- records --------------------------------------------------------------------------

    def _next_uins(self, g: _Group) -> list[str]:
        """The group's uins, numbered on in its House's session ("HL" for the Lords)."""
        prefix = "HL" if g.lords else ""
        uins = []
        for _ in range(g.size):
            self.counters[g.house] += 1
            uins.append(prefix + str(self.counters[g.house]))
        return uins

    def _attachments(self, uin: str, count: int) -> list[dict]:
        """Each attachment as the API's AttachmentViewModel, titled after the first uin."""
        out = []
        for nth in range(count):
            self.attachment_id += 1 + int(self.random() * 3)
            kind, ext = self._pick(_ATTACHMENT_KINDS)
            title = f"{uin} - {kind}{'' if nth == 0 else f' {nth + 1}'}"
            out.append({
                "url": f"https://qna.files.parliament.uk/qna-attachments/{self.attachment_id}/"
                       f"original/{title.replace(' ', '%20')}.{ext}",
                "title": title, "fileType": ext,
                "fileSizeBytes": 8000 + int(self.random() * self.random() * 900000),
            })
        return out

    def _records(self, g: _Group, texts: list[str], a: _Answer, answer: str | None,
                 uins: list[str], attachments: list[dict]) -> list[dict]:
        """The API ``value`` dict of each question of the group, with increasing ids."""
        is_answered = answer is not None
        correcting = None
        if a.corrected is not None:
            correcting = g.answerer if self.random() < 0.85 else self._pick(g.answerers)
        interest = self.random() < 0.03
        expand, stamp, tabled_s = self.expand, self.calendar.stamp, g.day.stamp
        asker, answerer = self.p.members[g.asker_i], g.answerer
        records = []
        for uin, text in zip(uins, texts, strict=True):
            self.qid += 1 + (self.random() < 0.08)
            others = [x for x in uins if x != uin]
            records.append({
                "id": self.qid,
                "askingMemberId": asker["id"],
                "askingMember": dict(asker) if expand else None,
                "house": g.house,
                "memberHasInterest": interest,
                "dateTabled": tabled_s,
                "dateForAnswer": stamp(a.for_answer),
                "uin": uin,
                "questionText": text,
                "answeringBodyId": g.ctx.body_id,
                "answeringBodyName": g.ctx.body_name,
                "isWithdrawn": a.withdrawn,
                "isNamedDay": a.named,
                "groupedQuestions": others,
                "answerIsHolding": (a.state == "holding") if is_answered else None,
                "answerIsCorrection": (a.corrected is not None) if is_answered else None,
                "answeringMemberId": answerer["id"] if is_answered else None,
                "answeringMember": dict(answerer) if is_answered and expand else None,
                "correctingMemberId": correcting["id"] if correcting is not None else None,
                "correctingMember": dict(correcting) if correcting is not None and expand
                else None,
                "dateAnswered": stamp(a.answered) if a.answered is not None else None,
                "answerText": answer,
                "originalAnswerText": "",
                "comparableAnswerText": "",
                "dateAnswerCorrected": stamp(a.corrected) if a.corrected is not None else None,
                "dateHoldingAnswer": stamp(a.holding) if a.holding is not None and is_answered
                else None,
                "attachmentCount": a.attachments,
                "heading": g.row.heading,
                "attachments": [dict(x) for x in attachments],
                "groupedQuestionsDates": [{"questionUin": x, "dateTabled": tabled_s}
                                          for x in others],
            })
        return records


def generate_questions(n: int, seed: int = 1, *, per_day: int | None = None,
                       expand_members: bool = True) -> Iterator[dict]:
    """Yield ``n`` question ``value`` dicts, ordered by date tabled, ids increasing.

    By default the questions are spread over every tabling day of 2014-2025 (about 2,700 days,
    so ~370 a day at n = 1,000,000). ``per_day`` pins the density instead (e.g. 320, as in the
    real Commons) and uses only the last ``n / per_day`` days. ``expand_members=False`` gives
    null member objects, as the API does without ``expandMember``.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if per_day is not None and per_day < 1:
        raise ValueError("per_day must be >= 1")
    yield from _Run(n, seed, per_day, expand_members).questions()


def _cap(text: str) -> str:
    """The text with its first letter capitalised."""
    return text[:1].upper() + text[1:]


def _table(year: int, random_: Callable[[], float]) -> str:
    """A small HTML table of yearly figures, as answers often carry."""
    rows = ["<table><tbody><tr><td><p><strong>Year</strong></p></td>"
            "<td><p><strong>Number</strong></p></td></tr>"]
    first = year - 2 - int(random_() * 6)
    for y in range(first, year):
        rows.append(f"<tr><td><p>{y}/{str(y + 1)[2:]}</p></td>"
                    f"<td><p>{int(random_() * 50000):,}</p></td></tr>")
    rows.append("</tbody></table>")
    return "".join(rows)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_corpus(path: str | Path, n: int, seed: int = 1, per_file: int | None = None,
                 *, per_day: int | None = None) -> list[Path]:
    """Write the corpus as API list responses; return the files written.

    With ``per_file``, ``corpus.json`` becomes ``corpus-0001.json``, ``corpus-0002.json``...,
    each a page of the same listing (``totalResults`` is n in every page, as the API sends it).
    Records are streamed: memory stays flat whatever n is.
    """
    if per_file is not None and per_file < 1:
        raise ValueError("per_file must be >= 1")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                              check_circular=False).encode
    head = '{"totalResults":' + str(n) + ',"results":['
    written: list[Path] = []
    out = None
    in_file = 0
    try:
        for v in generate_questions(n, seed, per_day=per_day):
            if out is None or (per_file is not None and in_file == per_file):
                if out is not None:
                    out.write("]}\n")
                    out.close()
                target = path if per_file is None else path.with_name(
                    f"{path.stem}-{len(written) + 1:04d}{path.suffix}")
                out = open(target, "w", encoding="utf-8", buffering=1 << 20)  # noqa: SIM115
                written.append(target)
                out.write(head)
                in_file = 0
            if in_file:
                out.write(",")
            out.write('{"value":')
            out.write(encode(v))
            out.write(',"links":[{"rel":"self","href":"/Questions/' + str(v["id"])
                      + '","method":"GET"}]}')
            in_file += 1
        if out is None:  # n == 0: still a valid, empty listing
            out = open(path, "w", encoding="utf-8")  # noqa: SIM115
            written.append(path)
            out.write(head)
        out.write("]}\n")
    finally:
        if out is not None:
            out.close()
    return written


def _label(n: int) -> str:
    """A size for a file name: 100k, 1m, 2500."""
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 and n else (
        f"{n // 1000}k" if n % 1000 == 0 and n else str(n))


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: write a corpus and say how long it took."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus",
        description="Write a deterministic synthetic corpus of written questions (API JSON).")
    parser.add_argument("--n", type=int, default=100_000, help="number of questions")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None,
                        help="output file (default: bench/out/corpus-<n>.json)")
    parser.add_argument("--per-file", type=int, default=None,
                        help="split into files of this many questions")
    parser.add_argument("--per-day", type=int, default=None,
                        help="questions per tabling day (default: spread over 2014-2025)")
    args = parser.parse_args(argv)
    out = args.out or Path(__file__).parent / "out" / f"corpus-{_label(args.n)}.json"
    t0 = time.perf_counter()
    _pools()
    t1 = time.perf_counter()
    files = write_corpus(out, args.n, args.seed, args.per_file, per_day=args.per_day)
    t2 = time.perf_counter()
    size = sum(f.stat().st_size for f in files)
    rate = args.n / (t2 - t1) if t2 > t1 else float("inf")
    print(f"wrote {args.n:,} questions (seed {args.seed}) to {len(files)} file(s), "
          f"{size / 1e6:,.1f} MB: {files[0]}{' ...' if len(files) > 1 else ''}")
    print(f"pools {t1 - t0:.2f} s; generate+write {t2 - t1:.2f} s = {rate:,.0f} questions/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""One id per member and per answering body in the store: finding the ids stored twice for one
person or body, and merging them.

Older versions stored a body Parliament's id was not yet known for under an id made from its
name (``departments.name_id``), and every ParlParse speaker under an id made from its ParlParse
reference (``uk.org.publicwhip/member/N``). ``duplicate_ids`` finds those that are the same as a
body or member stored under another id, by the rules the resolver uses (``matching``):
``DepartmentIndex``'s folding of stored bodies into the table's, and for members ParlParse's own
crosswalk (``people.json``, see ``load_people``) first, then ``member_identities``' careful match
on House, name and dates. ``merge_ids`` moves everything that names the old id to the survivor:
the questions' columns and their full-text tags, subscriptions and alerts (votes and deliveries
name questions and subscriptions, whose ids do not change), then deletes the old row.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.names.departments import DepartmentIndex, department_table
from bot.core.names.members import member_activity_of, member_identities
from bot.core.records import question_tags, synthetic_id
from bot.core.sources.http import HTTPError, fetch_bytes
from bot.core.store.rows import query_dicts

DATADOTPARL = "datadotparl_id"
# ParlParse's people.json as mySociety publish it (about 20 MB).
PEOPLE_JSON_URL = "https://raw.githubusercontent.com/mysociety/parlparse/master/members/people.json"
MEMBER_COLUMNS = (
    "name", "list_as", "party", "party_abbreviation", "party_colour", "member_from", "house",
    "thumbnail_url",
)


class NotPeopleError(ValueError):
    """A JSON document that is not ParlParse's ``people.json``."""


def is_people_document(doc: Any) -> bool:
    """Whether a parsed JSON document looks like ParlParse's ``people.json``."""
    return isinstance(doc, dict) and isinstance(doc.get("persons"), list) and isinstance(
        doc.get("memberships"), list
    )


def speaker_id(ref: str) -> int:
    """The id the store gives a ParlParse speaker (``uk.org.publicwhip/member/N``, ``…/lord/N``
    or ``…/person/N``): the one ``sources.parlparse`` makes."""
    return synthetic_id("member|" + ref)


def fetch_people(url: str, timeout: float = 120.0) -> Any:
    """Download and parse a people.json: an http(s) URL through the polite client, or a local
    file (a path or a ``file:`` URL). Raises ``OSError`` when it cannot be read and
    ``ValueError`` when it is not people.json."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme in ("http", "https"):
        try:
            body = asyncio.run(fetch_bytes(url, timeout))
        except HTTPError as error:
            raise OSError(str(error)) from None
    else:
        local = urllib.request.url2pathname(parsed.path) if parsed.scheme == "file" else url
        body = Path(local).read_bytes()
    doc = json.loads(body)
    if not is_people_document(doc):
        raise NotPeopleError("not ParlParse's people.json (no 'persons' and 'memberships')")
    return doc


def people_crosswalk(doc: Any) -> dict[str, int]:
    """ParlParse references -> Parliament member ids, from ``people.json``.

    A person's ``identifiers`` carry Parliament's id (scheme ``datadotparl_id``); each of the
    person's ``memberships`` (``uk.org.publicwhip/member/N``, ``…/lord/N``) is that person, and
    so is the person's own id (modern files name speakers by ``person_id``). A person without
    Parliament's id maps nothing. Raises ``NotPeopleError`` for another document.
    """
    if not is_people_document(doc):
        raise NotPeopleError("not ParlParse's people.json (no 'persons' and 'memberships')")
    parliament: dict[str, int] = {}
    for person in doc["persons"]:
        if not isinstance(person, dict) or not isinstance(person.get("id"), str):
            continue
        for identifier in person.get("identifiers") or ():
            if isinstance(identifier, dict) and identifier.get("scheme") == DATADOTPARL:
                try:
                    parliament[person["id"]] = int(str(identifier.get("identifier")))
                except ValueError:
                    continue
    found = dict(parliament)
    for membership in doc["memberships"]:
        if not isinstance(membership, dict):
            continue
        ref, person = membership.get("id"), membership.get("person_id")
        if isinstance(ref, str) and person in parliament:
            found[ref] = parliament[person]
    return found


@dataclass
class MergeReport:
    """What a merge did: ids merged away, questions rewritten, subscriptions and alerts moved."""

    members: dict[int, int] = field(default_factory=dict)  # old id -> surviving id
    bodies: dict[int, int] = field(default_factory=dict)
    questions: int = 0
    subscriptions: int = 0
    alerts: int = 0


def load_people(conn: sqlite3.Connection, doc: Any) -> tuple[int, MergeReport]:
    """Store ``people.json``'s crosswalk (``member_crosswalk``) and merge the speakers already
    stored into the Parliament members they are; returns (references stored, merge report).
    Later ParlParse loads take the Parliament ids directly (``Store.upsert``). Call inside a
    transaction."""
    crosswalk = people_crosswalk(doc)
    conn.executemany(
        "INSERT INTO member_crosswalk (speaker_id, ref, member_id) VALUES (?, ?, ?) "
        "ON CONFLICT (speaker_id) DO UPDATE SET ref = excluded.ref, member_id = excluded.member_id",
        [(speaker_id(ref), ref, member_id) for ref, member_id in crosswalk.items()],
    )
    return len(crosswalk), merge_duplicates(conn)


def stored_crosswalk(conn: sqlite3.Connection) -> dict[int, int]:
    """The crosswalk ``load_people`` stored: speaker id -> Parliament member id."""
    return dict(conn.execute("SELECT speaker_id, member_id FROM member_crosswalk").fetchall())


def duplicate_ids(conn: sqlite3.Connection) -> tuple[dict[int, int], dict[int, int]]:
    """The stored ids that are another stored (or known) id's person or body, each to the id that
    survives: (members, bodies). Only made-up ids (negative) are merged away."""
    members = _rows(conn, "SELECT id, name, list_as, house FROM members")
    crosswalk = stored_crosswalk(conn)
    member_map = {m["id"]: crosswalk[m["id"]] for m in members if m["id"] in crosswalk}
    others = [m for m in members if m["id"] not in member_map]
    for old, new in member_identities(others, member_activity_of(conn)).items():
        member_map.setdefault(old, new)
    bodies = _rows(conn, "SELECT id, name FROM answering_bodies")
    canonical = DepartmentIndex(bodies).canonical
    body_map = {
        old: new for old, new in canonical.items() if old < 0 and new != old
    }
    return (
        {old: new for old, new in member_map.items() if old < 0 and new != old},
        body_map,
    )


def merge_duplicates(conn: sqlite3.Connection) -> MergeReport:
    """Find the ids stored twice (``duplicate_ids``) and merge them (``merge_ids``)."""
    members, bodies = duplicate_ids(conn)
    return merge_ids(conn, members, bodies)


def merge_ids(
    conn: sqlite3.Connection, members: dict[int, int], bodies: dict[int, int]
) -> MergeReport:
    """Move everything that names an old member or body id to its surviving id, then delete the
    old rows. Call inside a transaction."""
    report = MergeReport(dict(members), dict(bodies))
    if not members and not bodies:
        return report
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS merge_members (old INTEGER PRIMARY KEY, new)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS merge_bodies (old INTEGER PRIMARY KEY, new)")
    conn.execute("DELETE FROM merge_members")
    conn.execute("DELETE FROM merge_bodies")
    conn.executemany("INSERT INTO merge_members VALUES (?, ?)", members.items())
    conn.executemany("INSERT INTO merge_bodies VALUES (?, ?)", bodies.items())
    _keep_survivors(conn, members, bodies)

    member_columns = ("asking_member_id", "answering_member_id", "correcting_member_id")
    touched = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM questions WHERE "
            + " OR ".join(f"{c} IN (SELECT old FROM merge_members)" for c in member_columns)
            + " OR answering_body_id IN (SELECT old FROM merge_bodies)"
        )
    ]
    for column in member_columns:
        conn.execute(
            f"UPDATE questions SET {column} = "
            f"(SELECT new FROM merge_members WHERE old = {column}) "
            f"WHERE {column} IN (SELECT old FROM merge_members)"
        )
    conn.execute(
        "UPDATE questions SET answering_body_id = "
        "(SELECT new FROM merge_bodies WHERE old = answering_body_id) "
        "WHERE answering_body_id IN (SELECT old FROM merge_bodies)"
    )
    # The tags carry the ids: written again, and the update trigger re-indexes each row.
    for chunk in _chunks(touched, 500):
        marks = ",".join("?" * len(chunk))
        rows = _rows(conn, f"SELECT * FROM questions WHERE id IN ({marks})", chunk)
        conn.executemany(
            "UPDATE questions SET tags = ? WHERE id = ? AND tags != ?",
            [(question_tags(r), r["id"], question_tags(r)) for r in rows],
        )
    report.questions = len(touched)

    for column in ("member_id", "asked_by_id", "answered_by_id"):
        report.subscriptions += conn.execute(
            f"UPDATE subscriptions SET {column} = "
            f"(SELECT new FROM merge_members WHERE old = {column}) "
            f"WHERE {column} IN (SELECT old FROM merge_members)"
        ).rowcount
    report.subscriptions += conn.execute(
        "UPDATE subscriptions SET department_id = "
        "(SELECT new FROM merge_bodies WHERE old = department_id) "
        "WHERE department_id IN (SELECT old FROM merge_bodies)"
    ).rowcount
    report.alerts = _move_department_alerts(conn, bodies)

    # Remembered: a later load of the same speaker takes the surviving id at once.
    conn.execute(
        "INSERT OR IGNORE INTO member_crosswalk (speaker_id, ref, member_id) "
        "SELECT old, 'matched by name, House and dates', new FROM merge_members"
    )
    conn.execute("DELETE FROM members WHERE id IN (SELECT old FROM merge_members)")
    conn.execute("DELETE FROM answering_bodies WHERE id IN (SELECT old FROM merge_bodies)")
    conn.execute("DELETE FROM merge_members")
    conn.execute("DELETE FROM merge_bodies")
    return report


def _keep_survivors(
    conn: sqlite3.Connection, members: dict[int, int], bodies: dict[int, int]
) -> None:
    """Make sure each surviving id has its row: a Parliament member the crosswalk names may not
    be stored yet (it takes the speaker's row); a body of the table takes the table's name."""
    names = {d.body_id: d.name for d in department_table()}
    for old, new in members.items():
        conn.execute(
            f"INSERT OR IGNORE INTO members (id, {', '.join(MEMBER_COLUMNS)}) "
            f"SELECT ?, {', '.join(MEMBER_COLUMNS)} FROM members WHERE id = ?",
            (new, old),
        )
    for old, new in bodies.items():
        if new in names:
            conn.execute(
                "INSERT OR IGNORE INTO answering_bodies (id, name) VALUES (?, ?)",
                (new, names[new]),
            )
        conn.execute(
            "INSERT OR IGNORE INTO answering_bodies (id, name) "
            "SELECT ?, name FROM answering_bodies WHERE id = ?",
            (new, old),
        )


def _move_department_alerts(conn: sqlite3.Connection, bodies: dict[int, int]) -> int:
    """Point department follows at the surviving body. A person who follows both keeps one
    alert, which takes over the other's direct-message records."""
    moved = 0
    for old, new in bodies.items():
        for alert_id, user_id in conn.execute(
            "SELECT id, user_id FROM alerts WHERE follow_kind = 'department' "
            "AND follow_value = ?",
            (str(old),),
        ).fetchall():
            key = f"department:{new}"
            twin = conn.execute(
                "SELECT id FROM alerts WHERE user_id = ? AND key = ?", (user_id, key)
            ).fetchone()
            if twin is None:
                conn.execute(
                    "UPDATE alerts SET key = ?, follow_value = ? WHERE id = ?",
                    (key, str(new), alert_id),
                )
            else:
                conn.execute(
                    "UPDATE alert_deliveries SET alert_id = ? WHERE alert_id = ?",
                    (twin[0], alert_id),
                )
                conn.execute("DELETE FROM alerts WHERE id = ?", (alert_id,))
            moved += 1
    return moved


def _rows(conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    return query_dicts(conn, sql, params)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


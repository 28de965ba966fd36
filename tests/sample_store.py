"""A store of generated questions for the export and MCP tests: 1,200 answers and questions of
the synthetic corpus (members, departments, holding answers, questions still waiting), two
members who share a surname, questions whose text a spreadsheet would take for a formula, and
readers' votes."""

from __future__ import annotations

import json
from pathlib import Path

from bench.corpus import generate_questions
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FORMULA_ID = 990001
FORMULA_HEADING = '=HYPERLINK("http://example.com/x","Click, here")'
JONES = ((91, "Andrew Jones", "Jones, Andrew"), (92, "Mr Kevan Jones", "Jones, Mr Kevan"))


def sample_questions() -> list[dict]:
    """The API records the store is loaded with."""
    values = list(generate_questions(1200, seed=5))
    base = json.loads((FIXTURES / "substantive.json").read_text())["value"]
    values.append(dict(
        base, id=FORMULA_ID, uin="990001", heading=FORMULA_HEADING,
        answerText="<p>-1 + 2 is what the department said, \"quoted\", on two\nlines.</p>",
        attachments=[],
    ))
    values.append(dict(
        base, id=FORMULA_ID + 1, uin="990002", heading="@SUM(A1:A9) and a plain heading",
        answerText="<p>+44 20 7219 3000 is the switchboard.</p>", attachments=[],
    ))
    for number, (member_id, name, list_as) in enumerate(JONES):
        member = {"id": member_id, "name": name, "listAs": list_as, "party": "Labour",
                  "partyAbbreviation": "Lab", "partyColour": "d50000",
                  "memberFrom": "Somewhere", "thumbnailUrl": None}
        values.append(dict(base, id=990010 + number, uin=str(990010 + number),
                           askingMemberId=member_id, askingMember=member, attachments=[]))
    return values


def build_sample_store(path: Path) -> Path:
    """Write the sample store at ``path`` (with votes on a few answers); returns ``path``."""
    source = path.parent / f"{path.stem}-questions.json"
    source.write_text(json.dumps({"results": [{"value": v} for v in sample_questions()]}))
    with Store(path) as store:
        report = ingest_paths(store, [source])
        assert not report.failed, report
        answered = [r[0] for r in store.conn.execute(
            "SELECT id FROM questions WHERE status = 'answered' ORDER BY id LIMIT 40")]
        with store.transaction():
            store.conn.executemany(
                "INSERT INTO votes (question_id, user_id, helpful, via, voted_at) "
                "VALUES (?, ?, ?, 'button', ?)",
                [(qid, user, int((qid + user) % 3 != 0), "2025-06-01T00:00:00Z")
                 for qid in answered for user in range(1, 4)],
            )
    return path

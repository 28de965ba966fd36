"""Exports: the rows of the command's JSON, as CSV a spreadsheet opens and as JSON, streamed, cut
where asked and saying so; and ``python -m bot export``."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sample_store import FORMULA_HEADING, FORMULA_ID, build_sample_store

from bot.cli import main
from bot.core.exports import (
    HELPFULNESS_COLUMNS,
    OVERDUE_COLUMNS,
    SEARCH_COLUMNS,
    TIMELINESS_COLUMNS,
    TIMELINESS_MONTH_COLUMNS,
    ExportError,
    Written,
    cell,
    flatten,
    overdue_export,
    report_export,
    search_export,
    write_export,
)
from bot.core.names.matching import Resolver
from bot.core.reports.helpfulness import helpfulness
from bot.core.reports.overdue import OverdueError, overdue
from bot.core.reports.timeliness import timeliness
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.search.render import search_json
from bot.core.store.database import Store

AS_OF = date(2026, 1, 5)
PERIOD = {"since": date(2014, 1, 1), "until": date(2025, 12, 31), "as_of": AS_OF}


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_store(tmp_path_factory.mktemp("exports") / "sample.db")


@pytest.fixture
def store(sample_db: Path) -> Store:
    with Store(sample_db, readonly=True) as opened:
        yield opened


def searcher(store: Store) -> Searcher:
    return Searcher(store, Resolver.from_store(store))


def export_bytes(export: Any, fmt: str, **caps: int) -> tuple[bytes, Written]:
    out = io.BytesIO()
    written = write_export(export, fmt, out, **caps)
    assert written.bytes == len(out.getvalue())
    return out.getvalue(), written


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def as_cells(row: dict[str, Any], columns: tuple[str, ...]) -> list[str]:
    cells = flatten(row)
    return [cell(cells.get(c)) for c in columns]


# -- search ----------------------------------------------------------------------------------


def test_a_search_exports_every_result_in_the_shape_of_search_json(store: Store) -> None:
    query = SearchQuery(house="commons", status="answered", limit=100)
    page = search_json(store, searcher(store).search(query))
    assert 100 < page["total"] < 2000

    data, written = export_bytes(search_export(store, searcher(store), query), "json")
    exported = json.loads(data)
    assert written.rows == page["total"] == exported["total"] and written.cut is None
    assert list(exported) == ["query", "resolved", "results", "total"]
    assert exported["query"]["house"] == "commons"
    dfe = json.loads(export_bytes(search_export(store, searcher(store), SearchQuery(
        department="DfE")), "json")[0])
    assert dfe["resolved"]["department"]["name"] == "Department for Education"
    assert dfe["query"]["department"] == "DfE" and dfe["total"] > 20
    # Newest first, as the search lists them; the first hundred are its first page exactly.
    assert exported["results"][:100] == page["results"]
    assert len({r["id"] for r in exported["results"]}) == written.rows

    data, written = export_bytes(search_export(store, searcher(store), query), "csv")
    rows = csv_rows(data)
    assert tuple(rows[0]) == SEARCH_COLUMNS
    assert rows[1:] == [as_cells(r, SEARCH_COLUMNS) for r in exported["results"]]
    first = dict(zip(rows[0], rows[1], strict=True))
    result = exported["results"][0]
    assert first["asked_by_name"] == result["asked_by"]["name"]
    assert first["department_id"] == str(result["department"]["id"])
    assert first["date_answered"] == result["date_answered"]  # ISO, as stored
    assert first["votes_yes"] == str(result["votes"]["yes"])


@pytest.mark.parametrize("sort", ["relevance", "newest"])
@pytest.mark.parametrize("since", [None, date(2020, 1, 1)])
def test_a_text_search_is_ranked_as_the_search_ranks_it(
    store: Store, sort: str, since: date | None
) -> None:
    query = SearchQuery(text="support -schools", sort=sort, since=since, limit=20)
    page = search_json(store, searcher(store).search(query))
    assert 20 < page["total"] < 2000
    exported = json.loads(export_bytes(search_export(store, searcher(store), query),
                                       "json")[0])
    assert exported["total"] == page["total"]
    assert exported["results"][:20] == page["results"]  # excerpts marked alike


def test_an_unclear_name_says_who_it_could_be(store: Store) -> None:
    with pytest.raises(ExportError) as raised:
        search_export(store, searcher(store), SearchQuery(asked_by="Jones"))
    assert "asked_by: 'Jones' is not clear" in str(raised.value)
    assert "Andrew Jones" in str(raised.value) and "Kevan Jones" in str(raised.value)


def test_csv_opens_in_a_spreadsheet(store: Store) -> None:
    data, _ = export_bytes(search_export(store, searcher(store), SearchQuery(limit=5)), "csv")
    rows = {int(r[0]): dict(zip(SEARCH_COLUMNS, r, strict=True)) for r in csv_rows(data)[1:]}
    formula = rows[FORMULA_ID]
    # Read back as a spreadsheet would: one cell, commas and quotes inside, no formula.
    assert formula["heading"] == "'" + FORMULA_HEADING
    assert formula["excerpt"].startswith("'-1 + 2 is what the department said, \"quoted\"")
    assert rows[FORMULA_ID + 1]["heading"].startswith("'@SUM(A1:A9)")
    assert rows[FORMULA_ID + 1]["excerpt"].startswith("'+44 20 7219 3000")
    assert formula["department_name"] == "Department for Education"
    # Numbers stay numbers, days stay ISO, booleans read as they do in JSON.
    assert cell(-3) == "-3" and cell(0.25) == "0.25" and cell(True) == "true"
    assert cell(None) == "" and cell("2024-01-31") == "2024-01-31"
    assert cell("=1+1") == "'=1+1" and cell("\tx") == "'\tx" and cell("a=b") == "a=b"


# -- overdue and the tables ------------------------------------------------------------------


def test_the_overdue_export_is_the_whole_list(store: Store) -> None:
    listing = overdue(store, as_of=AS_OF, limit=10_000)
    assert listing.total > 50
    data, _ = export_bytes(overdue_export(store, as_of=AS_OF), "json")
    exported = json.loads(data)
    assert exported == {"as_of": AS_OF.isoformat(),
                        "results": [r.as_json() for r in listing.results],
                        "total": listing.total}
    rows = csv_rows(export_bytes(overdue_export(store, as_of=AS_OF), "csv")[0])
    assert tuple(rows[0]) == OVERDUE_COLUMNS
    assert rows[1:] == [as_cells(r.as_json(), OVERDUE_COLUMNS) for r in listing.results]
    lords = json.loads(export_bytes(overdue_export(store, as_of=AS_OF, house="lords"),
                                    "json")[0])
    assert lords["results"] and {r["house"] for r in lords["results"]} == {"Lords"}
    with pytest.raises(OverdueError, match="house must be commons or lords"):
        overdue_export(store, house="senate")


def test_the_tables_export_their_rows(store: Store) -> None:
    report = timeliness(store, **PERIOD)
    rows = csv_rows(export_bytes(report_export(report), "csv")[0])
    assert tuple(rows[0]) == TIMELINESS_COLUMNS
    assert rows[1:] == [as_cells(r, TIMELINESS_COLUMNS) for r in report.as_json()["rows"]]
    exported = json.loads(export_bytes(report_export(report), "json")[0])
    expected = report.as_json()
    assert exported == {**expected, "total": len(expected["rows"])}

    monthly = timeliness(store, department_id=60, **PERIOD)
    rows = csv_rows(export_bytes(report_export(monthly), "csv")[0])
    assert tuple(rows[0]) == TIMELINESS_MONTH_COLUMNS and rows[1][0] == "2014-01"

    league = helpfulness(store, department_id=60, min_votes=1, **PERIOD)
    assert league.rows
    rows = csv_rows(export_bytes(report_export(league), "csv")[0])
    assert tuple(rows[0]) == HELPFULNESS_COLUMNS
    assert rows[1:] == [as_cells(r, HELPFULNESS_COLUMNS) for r in league.as_json()["rows"]]
    exported = json.loads(export_bytes(report_export(league), "json")[0])
    assert exported == {**league.as_json(), "total": len(league.rows)}


# -- caps ------------------------------------------------------------------------------------


def test_caps_cut_between_rows_and_say_so(store: Store) -> None:
    query = SearchQuery(department="DfE")

    def made() -> Any:
        return search_export(store, searcher(store), query)

    data, written = export_bytes(made(), "json", max_rows=7)
    exported = json.loads(data)
    assert (written.rows, written.cut, exported["total"]) == (7, "rows", 7)
    assert exported["truncated"] == "rows" and len(exported["results"]) == 7

    data, written = export_bytes(made(), "json", max_bytes=6_000)
    exported = json.loads(data)  # still valid JSON
    assert written.cut == "bytes" and written.bytes <= 6_000
    assert exported["truncated"] == "bytes" and len(exported["results"]) == written.rows > 3

    data, written = export_bytes(made(), "csv", max_bytes=6_000)
    assert written.cut == "bytes" and len(data) <= 6_000
    assert len(csv_rows(data)) == written.rows + 1  # whole rows only

    everything = export_bytes(made(), "csv")[1].rows
    data, written = export_bytes(made(), "csv", max_rows=everything)
    assert written.cut is None  # exactly the cap: nothing was left out
    with pytest.raises(ExportError, match="format must be one of csv, json"):
        write_export(made(), "xlsx", io.BytesIO())


# -- python -m bot export --------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_export_to_a_file_and_to_stdout(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "dfe.csv"
    code, out, err = run(capsys, "export", "search", "--department", "DfE", "--db",
                         str(sample_db), "--output", str(target))
    assert code == 0 and out == ""
    rows = csv_rows(target.read_bytes())
    assert tuple(rows[0]) == SEARCH_COLUMNS
    assert err.strip() == (f"export: {len(rows) - 1:,} rows, {target.stat().st_size:,} bytes to "
                           f"{target}")
    assert not list(tmp_path.glob("*.part"))

    code, out, _ = run(capsys, "export", "search", "school", "--sort", "newest", "--status",
                       "answered", "--format", "json", "--limit", "3", "--db", str(sample_db))
    exported = json.loads(out)
    assert code == 0 and exported["total"] == 3 and exported["truncated"] == "rows"
    assert exported["query"]["sort"] == "newest"
    assert {r["status"] for r in exported["results"]} == {"answered"}

    code, out, _ = run(capsys, "export", "overdue", "--as-of", "5 Jan 2026", "--house",
                       "lords", "--format", "json", "--db", str(sample_db))
    with Store(sample_db, readonly=True) as store:
        listing = overdue(store, as_of=AS_OF, house="lords", limit=1000)
    assert code == 0 and json.loads(out)["results"] == [r.as_json() for r in listing.results]

    code, out, _ = run(capsys, "export", "timeliness", "--since", "2014-01-01", "--until",
                       "2025-12-31", "--as-of", "2026-01-05", "--format", "json", "--db",
                       str(sample_db))
    stats_code, stats, _ = run(capsys, "stats", "timeliness", "--since", "2014-01-01",
                               "--until", "2025-12-31", "--as-of", "2026-01-05", "--json",
                               "--db", str(sample_db))
    assert code == stats_code == 0
    assert json.loads(out)["rows"] == json.loads(stats)["rows"]


def test_cli_export_errors_are_short(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "export", "search", "--asked-by", "Jones", "--db",
                         str(sample_db), "--output", str(tmp_path / "x.csv"))
    assert code == 2 and out == ""
    assert "asked_by: 'Jones' is not clear" in err and "Kevan Jones" in err
    assert not (tmp_path / "x.csv").exists() and not list(tmp_path.glob("*.part"))
    for argv, message in (
        (["overdue", "--department", "xyzzy qqq"], "--department: no department matches"),
        (["search", "--since", "yesterday-ish"], "--since: 'yesterday-ish' is not a date"),
        (["search", "--limit", "0"], "--limit must be at least 1"),
        (["helpfulness", "--since", "2025-01-01", "--until", "2024-01-01"], "since"),
    ):
        code, out, err = run(capsys, "export", *argv, "--db", str(sample_db))
        assert code == 2 and out == "", argv
        assert message in err and "Traceback" not in err, (argv, err)

"""The charts (bot.core.reports.charts): each kind is a PNG that decodes, of the size it should be,
and far
inside Discord's attachment limit."""

from __future__ import annotations

import io
import struct
import threading
from datetime import date

import pytest
from matplotlib.image import imread

from bot.core.reports.charts import (
    DPI,
    MAX_PNG_BYTES,
    WIDTH_INCHES,
    bar_chart_height,
    chart,
    department_chart,
    helpfulness_chart,
    timeliness_chart,
)
from bot.core.reports.helpfulness import HelpfulnessReport, HelpfulnessRow
from bot.core.reports.timeliness import Rate, TimelinessReport, TimelinessRow

SINCE, UNTIL, AS_OF = date(2024, 3, 1), date(2024, 5, 31), date(2024, 6, 28)
WIDTH = int(WIDTH_INCHES * DPI)  # as matplotlib sizes its canvas


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG signature and IHDR chunk; fails on anything else."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def decodes(data: bytes) -> tuple[int, int]:
    pixels = imread(io.BytesIO(data), format="png")
    assert 0 < len(data) < MAX_PNG_BYTES
    return pixels.shape[1], pixels.shape[0]


def row(
    name: str | None = None,
    month: str | None = None,
    ordinary: tuple[int, int] = (0, 0),
    named: tuple[int, int] = (0, 0),
    lords: tuple[int, int] = (0, 0),
    holding: int = 0,
    median: float | None = None,
) -> TimelinessRow:
    return TimelinessRow(
        department_id=None if name is None else abs(hash(name)) % 1000,
        department_name=name,
        month=month,
        ordinary=Rate(*ordinary),
        named_day=Rate(*named),
        lords=Rate(*lords),
        holding=holding,
        median_working_days=median,
        overdue_now=3,
        answered=sum(x[1] for x in (ordinary, named, lords)),
        not_held=1,
    )


DEPARTMENTS = [
    row("Department for Environment, Food and Rural Affairs", ordinary=(500, 300),
        named=(100, 20), lords=(40, 30), holding=60, median=6),
    row("Department for Education", ordinary=(448, 241), named=(65, 20), median=5),
    row("HM Treasury", ordinary=(233, 214), named=(43, 40), median=4),
    row("Wales Office", ordinary=(3, 1)),  # too few to chart
    row("House of Lords Commission", lords=(12, 4), median=19),
]


def report(rows: list[TimelinessRow], house: str | None = None,
           department: str | None = None) -> TimelinessReport:
    return TimelinessReport(SINCE, UNTIL, AS_OF, house, 60 if department else None, department,
                            7, rows)


def test_all_departments_bar_chart() -> None:
    data = timeliness_chart(report(DEPARTMENTS))
    # Three departments with at least 5 ordinary or named-day questions due, two bars each.
    expected = (WIDTH, int(bar_chart_height(3, 2) * DPI))
    assert png_size(data) == expected
    assert decodes(data) == expected
    assert chart(report(DEPARTMENTS)) == data  # the same drawing, byte for byte


def test_the_lords_bar_chart_and_an_empty_one() -> None:
    data = timeliness_chart(report(DEPARTMENTS, house="Lords"))
    assert png_size(data) == (WIDTH, int(bar_chart_height(2, 1) * DPI))  # Defra, Lords Comm.
    empty = timeliness_chart(report([]))
    assert decodes(empty) == (WIDTH, 3 * DPI)


def test_one_department_by_month() -> None:
    months = [
        row(month="2024-03", ordinary=(1, 1), named=(1, 0), median=5),
        row(month="2024-04", ordinary=(3, 2), named=(2, 1), lords=(2, 1), holding=1, median=6),
        row(month="2024-05", ordinary=(3, 1), holding=1, median=5),
        row(month="2024-06"),  # nothing due: no points, no bar
    ]
    data = department_chart(report(months, department="Department for Education"))
    assert decodes(data) == (WIDTH, int(7.5 * DPI))
    assert chart(report(months, department="Department for Education")) == data
    nothing = department_chart(report([row(month="2024-03")], department="Wales Office"))
    assert png_size(nothing) == (WIDTH, 3 * DPI)


def helpfulness_report(rows: list[HelpfulnessRow]) -> HelpfulnessReport:
    return HelpfulnessReport(SINCE, UNTIL, AS_OF, None, 10, rows, None, [])


def test_the_helpfulness_league() -> None:
    rows = [
        HelpfulnessRow(60, "Department for Education", 6, 10, 42, 1),
        HelpfulnessRow(17, "Department of Health and Social Care", 12, 40, 30, 2),
        HelpfulnessRow(13, "Defra", 1, 0, 3, None),  # unranked: not drawn
    ]
    data = helpfulness_chart(helpfulness_report(rows))
    assert decodes(data) == (WIDTH, int(bar_chart_height(2, 1) * DPI))
    assert chart(helpfulness_report(rows)) == data
    assert png_size(helpfulness_chart(helpfulness_report(rows[2:]))) == (WIDTH, 3 * DPI)


def test_charts_draw_on_threads_at_once() -> None:
    """No pyplot, no shared figure: charts drawn side by side come out whole and the same."""
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(timeliness_chart(report(DEPARTMENTS))))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3 and len(set(results)) == 1


@pytest.mark.parametrize("count", [1, 40])
def test_a_chart_of_every_department_fits_discord(count: int) -> None:
    rows = [row(f"Department number {i}", ordinary=(100, i), named=(10, 1)) for i in range(count)]
    data = timeliness_chart(report(rows))
    width, height = png_size(data)
    assert width == WIDTH and height == int(bar_chart_height(count, 2) * DPI)
    assert len(data) < 1024 * 1024

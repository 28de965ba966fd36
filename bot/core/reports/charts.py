"""Charts of the accountability figures (``bot.core.reports.accountability``), as PNG bytes.

Drawn with matplotlib's object API on its non-interactive Agg canvas (``Figure`` and
``FigureCanvasAgg``, never ``pyplot``): no global figure state, so charts can be drawn on any
thread, and should be, off the event loop (a chart takes some 0.2-0.5 s). Each chart is a light
card with dark text and a colour-blind-safe palette (Okabe and Ito), which reads the same on
Discord's dark and light themes; it carries its units, its period and, at the foot, the source,
the on-time rules and the caveats. A chart is 1,200 pixels wide and some 50-250 KB, far inside
Discord's attachment limit (``MAX_PNG_BYTES``).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.core.reports.accountability import (
    CAVEATS,
    HELPFULNESS_DEFINITIONS,
    ON_TIME_STANDARD,
    SOURCE,
)
from bot.core.reports.helpfulness import HelpfulnessReport
from bot.core.reports.timeliness import Rate, TimelinessReport, TimelinessRow

__all__ = [
    "DPI",
    "MAX_PNG_BYTES",
    "WIDTH_INCHES",
    "bar_chart_height",
    "chart",
    "department_chart",
    "helpfulness_chart",
    "shown_kinds",
    "timeliness_chart",
]

DPI = 120
WIDTH_INCHES = 10.0
#: Discord's smallest attachment limit (8 MiB without boosts); every chart is far below it.
MAX_PNG_BYTES = 8 * 1024 * 1024

BACKGROUND = "#f6f7f9"
INK = "#1f2328"
MUTED = "#57606a"
GRID = "#d0d7de"
STANDARD = "#b42318"
COLOURS = {"ordinary": "#0072b2", "named_day": "#e69f00", "lords": "#cc79a7"}
HOLDING = "#57606a"
NO_COLOUR = "#d55e00"
LABELS = {"ordinary": "Ordinary (Commons)", "named_day": "Named day (Commons)", "lords": "Lords"}
_NAME_CHARS = 46
_ROW_INCHES = 0.2  # per bar
_FOOT_INCHES = 0.75
_HEAD_INCHES = 0.8
_LABEL_INCHES = 3.1  # room for a department's name, cut to _NAME_CHARS


def _figure(height: float, left: float = 0.8) -> Figure:
    """A figure ``height`` inches tall whose axes leave ``left`` inches for their labels, room
    for the titles above and for the axis label and the foot below. Fixed margins, not a
    layout engine: that would draw every chart twice (a quarter of its time)."""
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(
        left=left / WIDTH_INCHES,
        right=1 - 0.25 / WIDTH_INCHES,
        top=1 - _HEAD_INCHES / height,
        bottom=(_FOOT_INCHES + 0.55) / height,
        hspace=0.12,
    )
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor=BACKGROUND)
    return buffer.getvalue()


def _titles(figure: Figure, axes: Axes | None, title: str, subtitle: str, foot: str) -> None:
    figure.suptitle(title, color=INK, fontsize=13, fontweight="bold",
                    y=1 - 0.12 / figure.get_figheight(), va="top")
    if axes is not None:
        axes.set_title(subtitle, color=INK, fontsize=9.5, loc="left", pad=10)
    else:
        figure.text(0.5, 1 - 0.55 / figure.get_figheight(), subtitle, color=INK,
                    fontsize=9.5, ha="center", va="top")
    wrapped = "\n".join(textwrap.wrap(foot, 150))
    figure.text(0.01, 0.01, wrapped, color=MUTED, fontsize=7, va="bottom", ha="left")


def _style(axes: Axes) -> None:
    axes.set_facecolor(BACKGROUND)
    axes.tick_params(colors=INK, labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(GRID)
    axes.grid(color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)


def _short(name: str) -> str:
    return name if len(name) <= _NAME_CHARS else name[: _NAME_CHARS - 1] + "…"


def _period(report: TimelinessReport | HelpfulnessReport) -> str:
    house = f"{report.house}, " if report.house else ""
    return (
        f"{house}{report.since:%d %b %Y} to {report.until:%d %b %Y} "
        f"(as of {report.as_of:%d %b %Y})"
    )


def _empty(title: str, subtitle: str, message: str, foot: str) -> bytes:
    figure = _figure(3.0)
    _titles(figure, None, title, subtitle, foot)
    figure.text(0.5, 0.5, message, ha="center", va="center", color=MUTED, fontsize=11)
    return _png(figure)


def shown_kinds(report: TimelinessReport) -> list[str]:
    """The kinds of question a bar chart of ``report`` shows: ordinary and named day, or the
    Lords' for a report on the Lords."""
    return ["lords"] if report.house == "Lords" else ["ordinary", "named_day"]


def _combined(row: TimelinessRow, kinds: Sequence[str]) -> Rate:
    rates = [getattr(row, k) for k in kinds]
    return Rate(sum(r.due for r in rates), sum(r.on_time for r in rates))


def bar_chart_height(departments: int, kinds: int) -> float:
    """The height in inches of a bar chart of ``departments`` rows of ``kinds`` bars each."""
    return _HEAD_INCHES + 0.55 + _FOOT_INCHES + 0.3 + departments * (kinds * _ROW_INCHES + 0.12)


def timeliness_chart(report: TimelinessReport, min_due: int = 5) -> bytes:
    """Every department's on-time rates, ordinary and named-day side by side (the Lords' for a
    report on the Lords), worst first, each bar labelled with its share and count, and the 85%
    standard; departments with fewer than ``min_due`` questions due are left out (and counted
    in the subtitle). For a report without a department (one row per department)."""
    kinds = shown_kinds(report)
    title = "Written questions answered on time, by department"
    foot = f"{SOURCE} {CAVEATS}"
    rows = sorted(
        (r for r in report.rows if _combined(r, kinds).due >= max(1, min_due)),
        key=lambda r: (_combined(r, kinds).rate or 0.0, r.department_name or ""),
    )
    left_out = sum(1 for r in report.rows if 0 < _combined(r, kinds).due < min_due)
    subtitle = f"{_period(report)}; worst first"
    if left_out:
        subtitle += f"; {left_out} with fewer than {min_due} due not shown"
    if not rows:
        return _empty(title, subtitle, "No question was due in this period.", foot)
    figure = _figure(bar_chart_height(len(rows), len(kinds)), _LABEL_INCHES)
    axes = figure.add_subplot()
    _style(axes)
    axes.grid(axis="y", visible=False)
    height = 0.8 / len(kinds)
    for i, kind in enumerate(kinds):
        positions = [n + (i - (len(kinds) - 1) / 2) * height for n in range(len(rows))]
        rates = [getattr(r, kind) for r in rows]
        values = [100 * (r.rate or 0.0) for r in rates]
        axes.barh(positions, values, height=height * 0.92, color=COLOURS[kind],
                  label=LABELS[kind])
        for y, value, rate in zip(positions, values, rates, strict=True):
            if rate.due:
                axes.text(value + 1, y, f"{value:.0f}% ({rate.on_time:,}/{rate.due:,})",
                          va="center", ha="left", fontsize=6.5, color=INK)
    axes.axvline(100 * ON_TIME_STANDARD, color=STANDARD, linestyle="--", linewidth=1.2,
                 label=f"{ON_TIME_STANDARD:.0%} standard")
    axes.set_yticks(range(len(rows)), [_short(r.department_name or "") for r in rows])
    axes.set_ylim(len(rows) - 0.5, -0.5)  # worst at the top
    axes.set_xlim(0, 122)
    axes.set_xticks(range(0, 101, 10))
    axes.set_xlabel("% of questions due in the period answered on time (on time / due)",
                    color=INK, fontsize=9)
    axes.legend(loc="lower right", fontsize=8, facecolor=BACKGROUND, edgecolor=GRID)
    _titles(figure, axes, title, subtitle, foot)
    return _png(figure)


def department_chart(report: TimelinessReport) -> bytes:
    """One department's months: on-time rates and holding rate (top, %), and the median working
    days from tabling to answer (bottom), with overdue now and the not-held share in the
    subtitle. For a report with a department (one row per month)."""
    name = report.department_name or "Department"
    title = f"{name}: written questions by month"
    answered = sum(r.answered for r in report.rows)
    measured = [r.not_held for r in report.rows if r.not_held is not None]
    not_held = (
        f"; not held: {sum(measured) / answered:.0%} of answers" if measured and answered else ""
    )
    subtitle = f"{_period(report)}; overdue now: {report.overdue_now:,}{not_held}"
    foot = f"{SOURCE} {CAVEATS}"
    rows = report.rows
    if not any(r.due for r in rows):
        return _empty(title, subtitle, "No question was due in this period.", foot)
    figure = _figure(7.5)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    _style(top)
    _style(bottom)
    x = list(range(len(rows)))
    for kind in ("ordinary", "named_day", "lords"):
        rates = [getattr(r, kind).rate for r in rows]
        if any(rate is not None for rate in rates):
            top.plot(x, [float("nan") if v is None else 100 * v for v in rates], marker="o",
                     markersize=4, linewidth=1.8, color=COLOURS[kind], label=LABELS[kind])
    holding = [r.holding_rate for r in rows]
    top.plot(x, [float("nan") if v is None else 100 * v for v in holding], linestyle=":",
             marker="s", markersize=3, color=HOLDING, label="Holding answers (% of due)")
    top.axhline(100 * ON_TIME_STANDARD, color=STANDARD, linestyle="--", linewidth=1.2,
                label=f"{ON_TIME_STANDARD:.0%} standard")
    top.set_ylim(0, 118)
    top.set_yticks(range(0, 101, 20))
    top.set_ylabel("% of questions due", color=INK, fontsize=9)
    top.legend(loc="upper right", fontsize=7.5, ncols=5, facecolor=BACKGROUND, edgecolor=GRID,
               bbox_to_anchor=(1.0, 1.0))
    medians = [r.median_working_days or 0.0 for r in rows]
    bottom.bar(x, medians, color=COLOURS["ordinary"], alpha=0.75)
    for i, row in enumerate(rows):
        if row.median_working_days is not None:
            bottom.text(i, medians[i], f"{medians[i]:g}", ha="center", va="bottom", fontsize=7,
                        color=INK)
    bottom.set_ylabel("median working days\nto answer", color=INK, fontsize=9)
    bottom.set_ylim(0, max([*medians, 5.0]) * 1.25)
    bottom.set_xticks(x, [f"{r.month}\n{r.due:,} due" for r in rows], fontsize=7)
    _titles(figure, top, title, subtitle, foot)
    return _png(figure)


def helpfulness_chart(report: HelpfulnessReport) -> bytes:
    """The league: each ranked department's share of "No" votes (bar) and the lower bound of its
    95% Wilson interval (the dark mark, which ranks), worst first, with its counts."""
    title = 'Does this answer the question? Readers\' "No" votes, by department'
    subtitle = f"{_period(report)}; worst first, at least {report.min_votes} votes to be ranked"
    foot = (
        f"{HELPFULNESS_DEFINITIONS.format(min_votes=report.min_votes)} Source: UK Parliament "
        "written questions and answers; votes cast by this bot's readers."
    )
    rows = report.ranked
    if not rows:
        return _empty(title, subtitle, "No department has enough votes to be ranked yet.", foot)
    figure = _figure(bar_chart_height(len(rows), 1), _LABEL_INCHES)
    axes = figure.add_subplot()
    _style(axes)
    axes.grid(axis="y", visible=False)
    y = list(range(len(rows)))
    shares = [100 * (r.no_share or 0.0) for r in rows]
    axes.barh(y, shares, height=0.6, color=NO_COLOUR, alpha=0.85, label='"No" share')
    lows = [100 * r.no_lower for r in rows]
    axes.scatter(lows, y, marker="|", s=220, linewidths=2.5, color=INK, zorder=3,
                 label="95% lower bound (ranks)")
    for row, share, pos in zip(rows, shares, y, strict=True):
        axes.text(share + 1, pos, f"{share:.0f}% No ({row.no:,}/{row.votes:,} votes)",
                  va="center", fontsize=7, color=INK)
    labels = [f"{r.rank}. {_short(r.department_name)}" for r in rows]
    axes.set_yticks(y, labels)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.set_xlim(0, 125)
    axes.set_xticks(range(0, 101, 10))
    axes.set_xlabel('% of votes saying "No, this does not answer the question"', color=INK,
                    fontsize=9)
    axes.legend(loc="lower right", fontsize=8, facecolor=BACKGROUND, edgecolor=GRID)
    _titles(figure, axes, title, subtitle, foot)
    return _png(figure)


def chart(report: TimelinessReport | HelpfulnessReport) -> bytes:
    """The chart that fits a report: the league of helpfulness, one department's months, or
    every department's on-time rates."""
    if isinstance(report, HelpfulnessReport):
        return helpfulness_chart(report)
    if report.department_name is not None:
        return department_chart(report)
    return timeliness_chart(report)

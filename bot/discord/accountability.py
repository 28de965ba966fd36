"""Timeliness and helpfulness reports as Discord embeds, each with its chart attached.

Pure functions over the core's reports (``bot.core.reports.accountability``): the numbers and their
wording
are the CLI's; here they are only fitted to Discord's limits.
"""

from __future__ import annotations

from datetime import date

import discord
from discord.utils import escape_markdown

from bot.core.reports.accountability import (
    CAVEATS,
    DEFINITIONS,
    HELPFULNESS_DEFINITIONS,
    ON_TIME_STANDARD,
)
from bot.core.reports.helpfulness import HelpfulnessReport
from bot.core.reports.not_held import ACCURACY as NOT_HELD_ACCURACY
from bot.core.reports.timeliness import Rate, TimelinessReport, TimelinessRow
from bot.core.text import cut_at_word
from bot.discord.embeds import DESCRIPTION_LIMIT, FIELD_VALUE_LIMIT, FOOTER_LIMIT, TITLE_LIMIT

CHART_FILE = "chart.png"
SHOWN = 3  # best and worst departments named in the summary


def _period(since: date, until: date, house: str | None) -> str:
    return f"{since:%-d %b %Y} – {until:%-d %b %Y} · {house or 'both Houses'}"


def _rate(rate: Rate) -> str:
    return "—" if rate.rate is None else f"**{rate.rate:.0%}** ({rate.on_time:,}/{rate.due:,})"


def _summed(rows: list[TimelinessRow], kind: str) -> Rate:
    rates = [getattr(row, kind) for row in rows]
    return Rate(sum(r.due for r in rates), sum(r.on_time for r in rates))


def _chart_embed(title: str, description: str, footer: str) -> discord.Embed:
    embed = discord.Embed(
        title=cut_at_word(title, TITLE_LIMIT),
        description=cut_at_word(description, DESCRIPTION_LIMIT),
    )
    embed.set_image(url=f"attachment://{CHART_FILE}")
    embed.set_footer(text=cut_at_word(footer, FOOTER_LIMIT))
    return embed


def timeliness_embed(report: TimelinessReport) -> discord.Embed:
    """Every department's on-time rate (best and worst three named), or one department's
    figures for the period; the chart is the attachment ``CHART_FILE``."""
    period = _period(report.since, report.until, report.house)
    if report.department_name is not None:
        return _department_timeliness(report, period)
    measured = [row for row in report.rows if row.overall.rate is not None]
    lines = [f"{period}. Standard: {ON_TIME_STANDARD:.0%} answered on time."]
    if not measured:
        lines.append("No questions fell due in this period.")
    else:
        ranked = sorted(measured, key=lambda row: (row.overall.rate or 0.0, -row.due))
        lines.append("\n**Worst on time**")
        lines += [f"{escape_markdown(r.department_name or '?')}: {_rate(r.overall)}"
                  for r in ranked[:SHOWN]]
        lines.append("\n**Best on time**")
        lines += [f"{escape_markdown(r.department_name or '?')}: {_rate(r.overall)}"
                  for r in reversed(ranked[-SHOWN:])]
        lines.append(f"\nOverdue now, every department: **{report.overdue_now:,}**")
    embed = _chart_embed("Written questions answered on time", "\n".join(lines),
                         f"{CAVEATS} {NOT_HELD_ACCURACY}")
    embed.add_field(name="How it is counted", value=cut_at_word(DEFINITIONS, FIELD_VALUE_LIMIT),
                    inline=False)
    return embed


def _department_timeliness(report: TimelinessReport, period: str) -> discord.Embed:
    rows = report.rows
    holding = sum(row.holding for row in rows)
    due = sum(row.due for row in rows)
    answered = sum(row.answered for row in rows)
    not_held = [row.not_held for row in rows if row.not_held is not None]
    lapsed = sum(row.lapsed for row in rows)
    medians = [row.median_working_days for row in rows if row.median_working_days is not None]
    lines = [
        period,
        f"Ordinary questions on time: {_rate(_summed(rows, 'ordinary'))}",
        f"Named-day questions on time: {_rate(_summed(rows, 'named_day'))}",
        f"Lords questions on time: {_rate(_summed(rows, 'lords'))}",
        f"Holding answers: **{holding / due:.0%}** of {due:,} due" if due else "Nothing fell due.",
        f"Median working days to answer, by month: {min(medians):g}–{max(medians):g}"
        if medians else "",
        f"Answered \"information not held\" or \"disproportionate cost\": "
        f"**{sum(not_held) / answered:.0%}** of {answered:,}" if not_held and answered else "",
        f"Lapsed at prorogation or dissolution (not counted as due): {lapsed:,}" if lapsed else "",
        f"**Overdue now: {report.overdue_now:,}**",
    ]
    title = f"{report.department_name}: written questions answered on time"
    embed = _chart_embed(title, "\n".join(line for line in lines if line),
                         f"{CAVEATS} {NOT_HELD_ACCURACY}")
    embed.add_field(name="How it is counted", value=cut_at_word(DEFINITIONS, FIELD_VALUE_LIMIT),
                    inline=False)
    return embed


def helpfulness_embed(report: HelpfulnessReport) -> discord.Embed:
    """The league by readers' votes (worst first), or one department's most disputed answers."""
    period = _period(report.since, report.until, report.house)
    definitions = HELPFULNESS_DEFINITIONS.format(min_votes=report.min_votes)
    lines = [period]
    if report.department is not None:
        row = report.department
        title = f"{row.department_name}: does this answer the question?"
        share = "—" if row.no_share is None else f"{row.no_share:.0%}"
        lines.append(f"{row.votes:,} votes on {row.answers:,} answers; “No”: **{share}**"
                     + (f" (rank {row.rank} of {len(report.ranked)})" if row.rank else
                        f" (not ranked: fewer than {report.min_votes} votes)"))
        if report.disputed:
            lines.append("\n**Most disputed answers**")
        for answer in report.disputed:
            heading = escape_markdown(cut_at_word(answer.heading or "(no heading)", 90))
            link = f"[{heading}]({answer.url})" if answer.url else heading
            lines.append(f"{answer.house} {answer.uin} · {link} · 👍 {answer.yes} 👎 {answer.no}")
    else:
        title = "Does this answer the question? Departments by readers' votes"
        if not report.rows:
            lines.append("No votes on answers in this period yet.")
        for row in report.ranked[:10]:
            lines.append(f"{row.rank}. {escape_markdown(row.department_name)}: “No” "
                         f"{(row.no_share or 0):.0%} of {row.votes:,} votes")
        if report.unranked:
            lines.append(f"\n{len(report.unranked)} more with fewer than {report.min_votes} "
                         "votes are not ranked.")
    return _chart_embed(title, "\n".join(lines), definitions)

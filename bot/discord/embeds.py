"""Records as Discord embeds and labels. Pure functions over data: no I/O, no interactions, so
every limit Discord sets (the ``*_LIMIT`` constants below) is checked here and tested without
a gateway."""

from __future__ import annotations

from datetime import date
from typing import Any

import discord
from discord.utils import escape_markdown

from bot.core.names.options import NAME_OPTIONS
from bot.core.news.schedules import stored_schedule
from bot.core.records import MemberRow, QuestionRow
from bot.core.reports.accountability import london_today
from bot.core.reports.duedates import DueStatus, add_working_days, working_days_between
from bot.core.reports.overdue import question_due
from bot.core.text import cut_at_word
from bot.core.votes import NO_EMOJI, VOTE_QUESTION, YES_EMOJI

LICENCE_FOOTER = "Parliamentary information licensed under the Open Parliament Licence v3.0"
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
LABEL_LIMIT = 80
SELECT_LABEL_LIMIT = 100
VOTE_HINT = f"Vote with the buttons below; {YES_EMOJI} / {NO_EMOJI} reactions count too."
PAGE_CHARS = 3500  # room for the heading lines and the page marker within 4096
STATUS_LABELS = {
    "answered": "answered",
    "holding": "holding answer",
    "corrected": "corrected",
    "unanswered": "not yet answered",
}


def pretty_date(value: str | None) -> str:
    """'2021-02-01' -> '1 Feb 2021'."""
    if not value:
        return ""
    day = date.fromisoformat(value)
    return f"{day.day} {day:%b %Y}"


def vote_labels(yes: int, no: int) -> tuple[str, str]:
    """The seed page's wording: "Yes — 3 people think so", "No — 1 person thinks not"."""

    def people(n: int, verb: str) -> str:
        return f"{n} person {verb}s" if n == 1 else f"{n} people {verb}"

    return f"Yes — {people(yes, 'think')} so", f"No — {people(no, 'think')} not"


def _name(ref: dict[str, Any] | None, fallback: str = "—") -> str:
    return escape_markdown(ref["name"]) if ref and ref.get("name") else fallback


def _with_party(ref: dict[str, Any] | None, parties: dict[int, str]) -> str:
    name = _name(ref)
    party = parties.get(ref["id"]) if ref else None
    return f"{name} ({party})" if party else name


def status_line(result: dict[str, Any]) -> str:
    status = result["status"]
    when = pretty_date(result.get("date_answered"))
    if status == "unanswered":
        tabled = pretty_date(result.get("date_tabled"))
        return f"not yet answered (tabled {tabled})" if tabled else "not yet answered"
    return f"{STATUS_LABELS[status]} {when}".strip()


def result_block(result: dict[str, Any], parties: dict[int, str]) -> str:
    """One search result: heading, who asked → department, who answered, excerpt, link."""
    heading = escape_markdown(cut_at_word(result["heading"] or "(no heading)", 120))
    link = result.get("url")
    title = f"**[{heading}]({link})**" if link else f"**{heading}**"
    lines = [
        f"{title} · {result['uin']} · {status_line(result)}",
        f"{_with_party(result['asked_by'], parties)} → {_name(result['department'])}"
        + (
            f" · answered by {_with_party(result['answered_by'], parties)}"
            if result.get("answered_by")
            else ""
        ),
    ]
    if result.get("excerpt"):
        # The excerpt is already escaped, with **bold** around the matched words.
        lines.append(f"> {result['excerpt']}")
    return "\n".join(lines)


def results_embed(
    title: str,
    results: list[dict[str, Any]],
    total: int,
    page: int,
    pages: int,
    parties: dict[int, str],
    *,
    at_least: bool = False,
    note: str = "",
) -> discord.Embed:
    blocks = [result_block(r, parties) for r in results]
    description = "\n\n".join(blocks)
    if note:
        description += f"\n\n*{note}*"
    embed = discord.Embed(
        title=cut_at_word(title, TITLE_LIMIT),
        description=cut_at_word(description, DESCRIPTION_LIMIT),
    )
    count = f"{total:,}{'+' if at_least else ''} answer{'s' if total != 1 else ''}"
    embed.set_footer(text=f"Page {page + 1} of {max(pages, 1)} · {count} · {LICENCE_FOOTER}")
    return embed


def search_title(query: dict[str, Any], resolved: dict[str, Any]) -> str:
    """ "Written answers — Department for Education · "askham bryan"" from the query in words."""
    parts = []
    # The department first: "Department for Education · asked by Munira Wilson".
    for option in sorted(NAME_OPTIONS, key=lambda o: o.kind != "department"):
        ref = resolved.get(option.name)
        if ref:
            name = ref["name"]
            parts.append(name if option.kind == "department" else f"{option.words} {name}")
    if query.get("house"):
        parts.append(f"House of {query['house'].capitalize()}")
    if query.get("status"):
        parts.append(STATUS_LABELS[query["status"]])
    if query.get("since") or query.get("until"):
        since = pretty_date(query.get("since")) or "…"
        parts.append(f"{since} to {pretty_date(query.get('until')) or 'now'}")
    if query.get("text"):
        parts.append(f'"{cut_at_word(query["text"], 80)}"')
    return "Written answers — " + (" · ".join(parts) if parts else "newest first")


def split_pages(text: str, limit: int = PAGE_CHARS) -> list[str]:
    """Long text in pages of at most ``limit`` characters, split between paragraphs where it
    can, else between words; nothing is dropped."""
    pages: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        while len(paragraph) > limit:  # a paragraph longer than a page: split at a word
            cut = paragraph.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            piece, paragraph = paragraph[:cut], paragraph[cut:].lstrip()
            if current:
                pages.append(current)
                current = ""
            pages.append(piece)
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) > limit:
            pages.append(current)
            current = paragraph
        else:
            current = candidate
    if current or not pages:
        pages.append(current)
    return pages


def answer_pages(data: dict[str, Any]) -> list[str]:
    """The question and answer of ``show --json`` data as pages of markdown."""
    question = escape_markdown(data["question"] or "")
    answer = escape_markdown(data["answer"] or "") or "*Not answered yet.*"
    if data.get("text_is_partial"):
        answer += "\n\n*(Shortened by Parliament's list view; the link has the full answer.)*"
    return split_pages(f"**Question**\n{question}\n\n**Answer**\n{answer}")


def answer_embed(
    data: dict[str, Any], page: int, pages: list[str], parties: dict[int, str]
) -> discord.Embed:
    """One page of an answer; the first page carries who, when, status and attachments."""
    embed = discord.Embed(
        title=cut_at_word(escape_markdown(data["heading"] or "(no heading)"), TITLE_LIMIT),
        url=data.get("url") or None,
        description=pages[page],
    )
    if page == 0:
        asked = _with_party(data["asked_by"], parties)
        if data.get("date_tabled"):
            asked += f" on {pretty_date(data['date_tabled'])}"
        due = question_due(data)  # Parliament's rules: not the nominal date for answer
        if due is not None:
            asked += f" · due {pretty_date(due.due.isoformat())}"
        embed.add_field(name="Asked by", value=cut_at_word(asked, FIELD_VALUE_LIMIT))
        embed.add_field(name="Department", value=_name(data["department"]))
        answered = _with_party(data["answered_by"], parties)
        if data.get("date_answered"):
            answered += f" on {pretty_date(data['date_answered'])}"
        embed.add_field(name="Answered by", value=cut_at_word(answered, FIELD_VALUE_LIMIT))
        status = answer_status(data)
        if status:
            embed.add_field(
                name="Status", value=cut_at_word(status, FIELD_VALUE_LIMIT), inline=False
            )
        links = attachment_links(data)
        if links:
            embed.add_field(name="Attachments", value=links, inline=False)
        more = []
        if data.get("twfy_url"):
            more.append(f"[TheyWorkForYou]({data['twfy_url']})")
        if data.get("url") and data.get("url") != data.get("twfy_url"):
            more.append(f"[Parliament website]({data['url']})")
        if more:
            embed.add_field(name="Full record", value=" · ".join(more), inline=False)
    footer = f"{data['house']} {data['uin']}"
    if len(pages) > 1:
        footer += f" · page {page + 1} of {len(pages)}"
    embed.set_footer(text=f"{footer} · {LICENCE_FOOTER}")
    return embed


def ask_for_votes(embed: discord.Embed) -> discord.Embed:
    """End ``embed`` with the question its Yes / No buttons answer, so the buttons below say
    what they vote on."""
    return embed.add_field(name=VOTE_QUESTION, value=VOTE_HINT, inline=False)


def plural(n: int, word: str) -> str:
    """ "1 working day", "3 working days"."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def due_words(status: DueStatus, today: date) -> str:
    """Where a question not answered yet stands against its due day (``bot.core.reports.duedates``):
    "due 20 May 2024 (named day) — **8 working days overdue**", "due 3 Jun 2024, in 2 working
    days", "due 31 May 2024: today", "due 31 May 2024; overdue from 3 Jun 2024"."""
    due = f"due {pretty_date(status.due.isoformat())}"
    if status.named_day:
        due += " (named day)"
    if status.overdue:
        return f"{due} — **{plural(status.working_days_overdue, 'working day')} overdue**"
    if status.due > today:
        left = working_days_between(today, status.due)
        return f"{due}, in {plural(left, 'working day')}" if left else due
    if status.due == today:
        return f"{due}: today"
    # Past the due day with no working day since (the weekend after a Friday): not overdue yet.
    return f"{due}; overdue from {pretty_date(add_working_days(status.due, 1).isoformat())}"


def answer_status(data: dict[str, Any]) -> str:
    lines: list[str] = []
    waiting = data["status"] in ("unanswered", "holding") and not data.get("withdrawn")
    today = london_today()
    due = question_due(data, today) if waiting else None
    if due is not None and data["status"] == "unanswered":
        lines.append(f"Not answered yet: {due_words(due, today)}")
    if data.get("date_holding_answer"):
        if data["status"] == "holding":
            lines.append(
                f"Holding answer given {pretty_date(data['date_holding_answer'])}; "
                "the full answer is still to come"
            )
        else:
            lines.append(
                f"Holding answer given {pretty_date(data['date_holding_answer'])} — "
                f"substantive answer {pretty_date(data['date_answered'])}"
            )
    if due is not None and data["status"] == "holding":
        words = due_words(due, today)
        lines.append(f"{words[:1].upper()}{words[1:]} (a holding answer does not stop the clock)")
    if data.get("date_corrected"):
        who = f" by {_name(data.get('corrected_by'))}" if data.get("corrected_by") else ""
        lines.append(f"Corrected on {pretty_date(data['date_corrected'])}{who}")
    if data.get("grouped_questions"):
        uins = ", ".join(g["uin"] for g in data["grouped_questions"][:20])
        lines.append(f"Answered together with {uins}")
    if data.get("withdrawn"):
        lines.append("Withdrawn")
    return "\n".join(lines)


def attachment_links(data: dict[str, Any]) -> str:
    lines: list[str] = []
    for attachment in data.get("attachments") or []:
        title = escape_markdown(cut_at_word(attachment.get("title") or "Attachment", 120))
        details = [attachment.get("file_type") or ""]
        size = attachment.get("file_size_bytes")
        if isinstance(size, int) and size > 0:
            details.append(
                f"{size / 1024:,.0f} KB" if size < 1024**2 else f"{size / 1024**2:,.1f} MB"
            )
        extra = ", ".join(d for d in details if d)
        line = f"[{title}]({attachment['url']})" + (f" ({extra})" if extra else "")
        if len("\n".join([*lines, line])) > FIELD_VALUE_LIMIT:
            break
        lines.append(line)
    return "\n".join(lines)


def member_embed(
    member: MemberRow, asked: int, answered: int, recent: list[QuestionRow]
) -> discord.Embed:
    who = [
        member.get("party"),
        member.get("member_from"),
        f"House of {member['house']}" if member.get("house") else None,
    ]
    embed = discord.Embed(
        # The name may be NULL in the table, but /member only reaches members the resolver
        # knows, and it indexes named ones only (a name, once stored, is never cleared).
        title=cut_at_word(escape_markdown(member["name"]), TITLE_LIMIT),  # type: ignore[arg-type]
        description=" · ".join(escape_markdown(w) for w in who if w) or None,
    )
    embed.add_field(name="Questions asked", value=f"{asked:,}")
    embed.add_field(name="Questions answered", value=f"{answered:,}")
    if recent:
        embed.add_field(name="Most recent", value=recent_list(recent), inline=False)
    if member.get("thumbnail_url"):
        embed.set_thumbnail(url=member["thumbnail_url"])
    embed.set_footer(text=LICENCE_FOOTER)
    return embed


def department_embed(
    name: str,
    total: int,
    answerers: list[tuple[str, int]],
    recent: list[QuestionRow],
    note: str = "",
) -> discord.Embed:
    embed = discord.Embed(
        title=cut_at_word(escape_markdown(name), TITLE_LIMIT),
        description=f"{total:,} questions in the store" + (f" · {note}" if note else ""),
    )
    if answerers:
        value = "\n".join(f"{escape_markdown(n)} — {c:,}" for n, c in answerers)
        embed.add_field(
            name="Who answers for it", value=cut_at_word(value, FIELD_VALUE_LIMIT), inline=False
        )
    if recent:
        embed.add_field(name="Recent answers", value=recent_list(recent), inline=False)
    embed.set_footer(text=LICENCE_FOOTER)
    return embed


def recent_list(rows: list[QuestionRow]) -> str:
    lines: list[str] = []
    for row in rows:
        heading = escape_markdown(cut_at_word(row["heading"] or "(no heading)", 90))
        when = pretty_date(row.get("date_answered") or row.get("date_tabled"))
        link = row.get("source_url") or row.get("twfy_url")
        text = f"[{heading}]({link})" if link else heading
        line = f"• {text} · {row['uin']} · {when}"
        if len("\n".join([*lines, line])) > FIELD_VALUE_LIMIT:
            break
        lines.append(line)
    return "\n".join(lines)


# /help, a section each: (title, text).
HELP_SECTIONS: tuple[tuple[str, str], ...] = (
    (
        "Find answers",
        "`/answers` — by words, who asked, who answered, department, House, dates, status\n"
        "`/answer id:` — one question and its full answer (API id or UIN, e.g. HL12274)\n"
        "`/member name:` — who they are, what they asked and answered\n"
        "`/department name:` — recent answers and who answers for it\n"
        "`/export` — a search, the overdue list or a table as a CSV or JSON file (only you)",
    ),
    (
        "Follow the news (needs Manage Channels)",
        "`/subscribe` — post each new answer from a member, department or topic here, once, "
        "after a preview of the last 30 days (`events: answers and new questions` posts each "
        "new question when tabled too); to a channel, a thread or a forum (a post per answer), "
        "as it comes or as a `schedule: daily` / `weekly` digest at a UK time\n"
        "`/subscriptions` — what this server follows · `/unsubscribe` — stop one\n"
        "`/subscription edit` — change one in place · `/subscription pause` — stop posting for "
        "one, keeping it · `/subscription resume` — start again, skipping what was missed or "
        "sending it as one digest",
    ),
    (
        "Your own alerts (no permission needed)",
        "🔔 **Alert me** on any question or post: a direct message when it is answered "
        "(holding answer, answer, any correction, each once); on an answered one, pick new "
        "answers like it (same heading, or same department)\n"
        "`/alerts` — list your alerts, or remove one (up to 25; only you see them). If "
        "your DMs are closed the alert pauses and you are told next time.",
    ),
    (
        "Hold departments to account",
        "`/timeliness` — which departments answer on time (all, or one by month), as a chart\n"
        "`/helpfulness` — departments by readers' votes, and the most disputed answers\n"
        "`/overdue` — questions past their due day, most overdue first, by department, "
        "member, asker or House\n"
        "On time: a Commons ordinary question is due the 5th working day after it was "
        "tabled, a named-day question on the day named, a Lords question on its date for "
        "answer (else the 10th working day); working days skip weekends and England and "
        "Wales bank holidays. A holding answer is not an answer on time, and does not stop "
        "the clock: a question is overdue from the first working day after its due day "
        "until its substantive answer. The Procedure Committee's standard is 85%; our "
        "figures approximate, and do not reproduce, its own.",
    ),
    (
        "Tips",
        "Names forgive typos and short forms: `agnew`, `Lord Agnew`, `DfE`, `health`, "
        '`Department for Educaton`. Put a phrase in "quotes"; `-word` leaves a word out. '
        "Dates: 2024-01-31, 31/01/2024 or 31 Jan 2024.\n"
        "Vote with the Yes / No buttons, or 👍 / 👎 on the bot's posts.",
    ),
    (
        "More history",
        "On its first start the bot loads the last few weeks by itself. Whoever runs it "
        "can load more from a terminal: `python -m bot backfill --since 2024-01-01` "
        "(Parliament's API, every question, answered or not) or `python -m bot archive` "
        "(TheyWorkForYou's archive of answers, 1997 on). History is never posted to "
        "channels as news.",
    ),
)


def help_embed(question_count: int) -> discord.Embed:
    """What the bot does and how to use it, on one screen."""
    embed = discord.Embed(
        title="Written answers from the UK Parliament",
        description=(
            "Ministers' answers to MPs' and peers' written questions, "
            f"{question_count:,} of them in my store, and the question people ask about each: "
            "**does this answer the above question?**"
        ),
    )
    for name, value in HELP_SECTIONS:
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=LICENCE_FOOTER)
    return embed


def post_embed(
    result: dict[str, Any], label: str, because: str, parties: dict[int, str]
) -> discord.Embed:
    """An auto-post: status label, heading, who asked → department, who answered, excerpt,
    link, and why this channel sees it."""
    from bot.core.news.subscriptions import LABEL_EMOJI

    heading = escape_markdown(result["heading"] or "(no heading)")
    title = cut_at_word(f"{LABEL_EMOJI.get(label, '')} {label} · {heading}".strip(), TITLE_LIMIT)
    from bot.core.news.subscriptions import TABLED_LABEL

    if label == TABLED_LABEL:  # a question tabled: who asked whom, when, and when it is due
        lines = [
            f"Asked by {_with_party(result['asked_by'], parties)} → "
            f"{_name(result['department'])}"
            + (f" · tabled {pretty_date(result['date_tabled'])}"
               if result.get("date_tabled") else ""),
        ]
        if result.get("due"):
            lines.append(f"Not answered yet: {result['due']}")
    else:
        lines = [
            f"{_with_party(result['asked_by'], parties)} → {_name(result['department'])}"
            + (
                f" · answered by {_with_party(result['answered_by'], parties)}"
                if result.get("answered_by")
                else ""
            )
            + (f" · {pretty_date(result['date_answered'])}"
               if result.get("date_answered") else ""),
        ]
    if result.get("excerpt"):
        lines.append(f"> {result['excerpt']}")
    read = "the question" if label == TABLED_LABEL else "the full answer"
    more = f"[Read {read}]({result['url']}) · " if result.get("url") else ""
    lines.append(f"{more}followed here because: {escape_markdown(because)}")
    embed = discord.Embed(
        title=title,
        url=result.get("url") or None,
        description=cut_at_word("\n".join(lines), DESCRIPTION_LIMIT),
    )
    embed.set_footer(text=f"{result['house']} {result['uin']} · {LICENCE_FOOTER}")
    return embed


def digest_embed(
    items: list[tuple[str, dict[str, Any]]], because: str, title: str | None = None
) -> discord.Embed:
    """Several new answers for one channel at once (or a scheduled digest, with its
    ``title``): one message, grouped by department, one line and link each."""
    from bot.core.news.subscriptions import TABLED_LABEL

    footer = f"\n\nfollowed here because: {escape_markdown(because)}"
    # Every item must show: headings are shortened until all the lines fit.
    for heading_chars in (90, 70, 50, 35, 20):
        text = _digest_lines(items, heading_chars)
        if len(text) + len(footer) <= DESCRIPTION_LIMIT:
            break
    questions = sum(1 for label, _ in items if label == TABLED_LABEL)
    if not questions:
        count = f"{len(items)} new written answer" + ("s" if len(items) != 1 else "")
    elif questions == len(items):
        count = f"{len(items)} new written question" + ("s" if len(items) != 1 else "")
    else:
        count = f"{len(items)} new written questions and answers"
    embed = discord.Embed(
        title=cut_at_word(f"{title}: {count}" if title else count, TITLE_LIMIT),
        description=cut_at_word(text + footer, DESCRIPTION_LIMIT),
    )
    embed.set_footer(text=LICENCE_FOOTER)
    return embed


def _digest_lines(items: list[tuple[str, dict[str, Any]]], heading_chars: int) -> str:
    """A digest's lines, under a header per department (alphabetical)."""
    by_department: dict[str, list[str]] = {}
    for label, result in items:
        heading = escape_markdown(cut_at_word(result["heading"] or "(no heading)", heading_chars))
        link = f"[{heading}]({result['url']})" if result.get("url") else heading
        who = _name(result["asked_by"])
        by_department.setdefault(_name(result["department"]), []).append(
            f"• **{label}** · {link} · {who}"
        )
    lines: list[str] = []
    for department in sorted(by_department):
        lines += [f"__{department}__", *by_department[department]]
    return "\n".join(lines)


def preview_embed(
    words: str, where: str, when: str, count: int, latest: list[dict[str, Any]], days: int = 30
) -> discord.Embed:
    """``/subscribe``'s preview: what the subscription would have posted in the last ``days``
    days (how many, and the latest few), before Confirm saves it."""
    lines = [
        f"{escape_markdown(words)}, to {where}, {when}.",
        "",
        f"In the last {days} days it would have posted **{count}** "
        + ("item." if count == 1 else "items.")
        + (" The latest:" if latest else " Nothing matched in that time; it may still suit "
           "news to come."),
    ]
    for result in latest:
        heading = escape_markdown(cut_at_word(result["heading"] or "(no heading)", 90))
        link = f"[{heading}]({result['url']})" if result.get("url") else heading
        day = pretty_date(result.get("date_answered") or result.get("date_tabled"))
        lines.append(f"• {link} · {_name(result['department'])} · {day}")
    lines += ["", "Confirm to save it, or Cancel."]
    embed = discord.Embed(
        title="Preview of this subscription",
        description=cut_at_word("\n".join(lines), DESCRIPTION_LIMIT),
    )
    embed.set_footer(text=LICENCE_FOOTER)
    return embed


def nothing_new_embed(title: str, because: str) -> discord.Embed:
    """A scheduled digest's period that brought nothing, for subscribers who asked to hear."""
    embed = discord.Embed(
        title=cut_at_word(f"{title}: nothing new", TITLE_LIMIT),
        description=cut_at_word(
            f"No new answers since the last digest.\n\nfollowed here because: "
            f"{escape_markdown(because)}",
            DESCRIPTION_LIMIT,
        ),
    )
    embed.set_footer(text=LICENCE_FOOTER)
    return embed


def subscriptions_embed(
    rows: list[dict[str, Any]], counts: dict[int, tuple[int, str | None]], guild_name: str
) -> discord.Embed:
    """``/subscriptions``: each of a server's subscriptions, who made it, what it posts (answers,
    or answers and new questions), the role it pings, its posts and status."""
    from bot.core.news.subscriptions import EVENTS_WORDS

    lines: list[str] = []
    for number, row in enumerate(rows, 1):
        posted, last = counts.get(row["id"], (0, None))
        line = (
            f"{number}. <#{row['channel_id']}> — {escape_markdown(row['description'])} · "
            f"by <@{row['created_by']}> on {pretty_date(row['created_at'][:10])} · "
            f"posts {EVENTS_WORDS.get(row.get('events') or 'answers', 'answers')} · "
            f"{posted} posted" + (f", last {pretty_date(last[:10])}" if last else "")
        )
        schedule = stored_schedule(row)
        if schedule.is_digest:
            line += f" · as {schedule.words()}"
        if row.get("thread_per_answer"):
            line += " · a thread on each post"
        if row.get("mention_role_id"):
            line += f" · pings <@&{row['mention_role_id']}>"
        if row["status"] != "active":
            line += (
                f" · ⏸ paused: {row['paused_reason']}. `/subscription resume` (or /subscribe "
                "again) resumes it."
            )
        lines.append(line)
    return discord.Embed(
        title=f"{len(rows)} subscriptions in {escape_markdown(guild_name)}",
        description=cut_at_word("\n".join(lines), DESCRIPTION_LIMIT),
    )

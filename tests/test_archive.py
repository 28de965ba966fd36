"""``archive``: TheyWorkForYou's ParlParse archive over real HTTP, against a local archive
server (tests/archive_server.py) with the real directory layout, an Apache index and
changedates.txt, serving the real sample files and generated ones."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from archive_server import (
    ArchiveServer,
    apache_index,
    file_name,
    modern_file,
    old_style_file,
    simple_questions,
)
from conftest import REPO_ROOT, shared_data

from bot.config import DEFAULT_ARCHIVE_BASE_URL, ConfigError, load_settings
from bot.core.progress import BarProgress, LineProgress
from bot.core.sources.archive import ArchiveSummary, import_archive, progress_for
from bot.core.sources.archive_listing import (
    ArchiveClient,
    listed_files,
    newest_versions,
    parse_archive_window,
    parse_changedates,
    parse_index,
)
from bot.core.sources.http import retry_after_seconds
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store


def fast_client(server: ArchiveServer, **options) -> ArchiveClient:
    settings = {"requests_per_second": 1000, "backoff_seconds": 0.01, "attempts": 3, **options}
    return ArchiveClient(server.base_url, **settings)


async def run(store: Store, server: ArchiveServer, **kwargs) -> ArchiveSummary:
    client = kwargs.pop("client", None) or fast_client(server)
    async with client:
        return await import_archive(store, server.base_url, client=client, **kwargs)


def question_ids(store: Store) -> set[int]:
    return {row[0] for row in store.conn.execute("SELECT id FROM questions")}


def assert_nothing_doubled(store: Store, expected: int) -> None:
    """Each question arrived once: ``expected`` "new" entries from the archive in the change
    log, none twice for a question."""
    doubled = store.conn.execute(
        "SELECT question_id, count(*) FROM changes WHERE kind = 'new' "
        "GROUP BY question_id HAVING count(*) > 1"
    ).fetchall()
    assert doubled == []
    arrived = "SELECT count(*) FROM changes WHERE kind = 'new' AND source LIKE 'archive:%'"
    assert store.conn.execute(arrived).fetchone()[0] == expected


def publish_days(server: ArchiveServer, days: list[str], *, per_day: int = 6,
                 houses: tuple[str, ...] = ("commons",)) -> int:
    """Generated old-style files, version a, for each day and House; returns the questions."""
    total = 0
    for n, day in enumerate(days):
        for house in houses:
            questions = simple_questions(day, per_day, house=house, start=1000 + 100 * n)
            server.add(file_name(house, day, "a"), old_style_file(day, "a", questions, house=house))
            total += per_day + sum(len(q.grouped) for q in questions)
    return total


DAYS = ["2009-11-02", "2009-11-03", "2009-11-04", "2009-11-05", "2009-11-09", "2009-11-10"]


# --------------------------------------------------------------------------- listing


def test_apache_and_nginx_indexes_give_names_and_what_is_beside_them() -> None:
    page = apache_index(
        "/pwdata/scrapedxml/wrans/",
        [("answers2009-10-28a.xml", 1256700000.0, 130_750), ("changedates.txt", 0.0, 99)],
    )
    index = parse_index(page)
    assert index["answers2009-10-28a.xml"] == "2009-10-28 03:20 128K"
    assert "changedates.txt" in index
    assert "?C=N;O=D" not in index and "" not in index
    nginx = (
        '<html><body><pre><a href="../">../</a>\n'
        '<a href="answers2014-05-01.xml">answers2014-05-01.xml</a>    '
        "01-May-2014 23:10     348512\n"
        '<a href="/pwdata/scrapedxml/wrans/answers1997-05-13a.xml">x</a> 13-May-1997 01:00 9\n'
        "</pre></body></html>"
    )
    index = parse_index(nginx)
    assert index["answers2014-05-01.xml"] == "01-May-2014 23:10 348512"
    assert index["answers1997-05-13a.xml"] == "13-May-1997 01:00 9"


def test_changedates_latest_time_per_file_either_order() -> None:
    text = (
        "1256700000,answers2009-10-28a.xml\n"
        "1256800000,answers2009-10-28a.xml\n"
        "answers2009-10-29a.xml 1256900000\n"
        "junk line\n\n1256950000.5,/x/y/lordswrans2009-10-29a.xml\n"
    )
    assert parse_changedates(text) == {
        "answers2009-10-28a.xml": 1256800000,
        "answers2009-10-29a.xml": 1256900000,
        "lordswrans2009-10-29a.xml": 1256950000,
    }


def test_the_newest_scrape_of_each_day_wins() -> None:
    index: dict[str, str | None] = {
        name: None
        for name in (
            "answers2009-10-28a.xml",
            "answers2009-10-28c.xml",
            "answers2009-10-28b.xml",
            "answers2009-10-29z.xml",
            "answers2009-10-29aa.xml",
            "answers2014-05-01.xml",
            "answers2014-05-01a.xml",
            "lordswrans2009-10-28a.xml",  # another folder's name: not this House's
            "ministerial2009-10-28a.xml",
            "changedates.txt",
        )
    }
    files = listed_files("commons", index, {"answers2009-10-28c.xml": 5})
    assert len(files) == 7
    newest = {f.day: f.name for f in newest_versions(files)}
    assert newest == {
        "2009-10-28": "answers2009-10-28c.xml",
        "2009-10-29": "answers2009-10-29aa.xml",
        "2014-05-01": "answers2014-05-01a.xml",
    }
    stamps = {f.name: f.stamp for f in files}
    assert stamps["answers2009-10-28c.xml"] == "changed 5"
    assert stamps["answers2009-10-28a.xml"] is None


def test_window_and_retry_after_parsing() -> None:
    assert parse_archive_window(None, None) == (None, None)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_archive_window("28/10/2009", None)
    with pytest.raises(ValueError, match="after"):
        parse_archive_window("2009-10-29", "2009-10-28")
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds("soon") == 1.0


def test_archive_base_url_setting(tmp_path: Path) -> None:
    assert load_settings({}, env_file=None).archive_base_url == DEFAULT_ARCHIVE_BASE_URL
    custom = load_settings({"ARCHIVE_BASE_URL": "http://127.0.0.1:8000/x/"}, env_file=None)
    assert custom.archive_base_url == "http://127.0.0.1:8000/x"
    with pytest.raises(ConfigError, match="ARCHIVE_BASE_URL: 'ftp://x' is not a valid URL"):
        load_settings({"ARCHIVE_BASE_URL": "ftp://x"}, env_file=None)


# --------------------------------------------------------------------------- real files


async def test_real_files_only_the_newest_scrape_of_a_day_is_loaded(
    store: Store, tmp_path: Path
) -> None:
    real = shared_data("parlparse-xml")
    newest_28 = real / "answers2009-10-28b.xml"
    commons_29 = real / "answers2009-10-29a-first-4-departments.xml"
    lords_29 = real / "lordswrans2009-10-29a.xml"
    async with ArchiveServer() as server:
        # An older scrape of the 28th: a question the newer one dropped, and another text for
        # one it kept (296230, Mark Hoban's). Neither may reach the store.
        older = simple_questions("2009-10-28", 2, start=999001, note="OLDER SCRAPE")
        older[1].uin = "296230"
        server.add("answers2009-10-28a.xml", old_style_file("2009-10-28", "a", older))
        server.add_real(newest_28)
        server.add_real(commons_29, "answers2009-10-29a.xml")
        server.add_real(lords_29)
        summary = await run(store, server)

        assert summary.stopped is None and not summary.failed
        assert (summary.listed, summary.days, summary.downloaded) == (4, 3, 3)
        assert sorted(r.path.rsplit("/", 1)[1] for r in server.xml_requests()) == [
            "answers2009-10-28b.xml",
            "answers2009-10-29a.xml",
            "lordswrans2009-10-29a.xml",
        ]
    assert store.question("999001") is None
    kept = store.question("296230")
    assert kept is not None and "OLDER SCRAPE" not in kept["answer_text"]
    assert summary.new == store.count_questions() == 2 + 28 + 21
    # The same as ingest loads from the same files (one parser, one path).
    reference_dir = tmp_path / "same"
    reference_dir.mkdir()
    for path, name in ((newest_28, None), (commons_29, "answers2009-10-29a.xml"), (lords_29, None)):
        (reference_dir / (name or path.name)).write_bytes(path.read_bytes())
    with Store(tmp_path / "reference.db") as reference:
        ingest_paths(reference, [reference_dir])
        assert question_ids(reference) == question_ids(store)
        redirects = "SELECT count(*) FROM gid_redirects"
        assert store.conn.execute(redirects).fetchone() == reference.conn.execute(
            redirects
        ).fetchone()
    sources = {r[0] for r in store.conn.execute("SELECT DISTINCT source FROM changes")}
    assert sources == {
        "archive:answers2009-10-28b.xml",
        "archive:answers2009-10-29a.xml",
        "archive:lordswrans2009-10-29a.xml",
    }
    assert_nothing_doubled(store, 2 + 28 + 21)


# --------------------------------------------------------------------------- generated files


async def test_generated_archive_newest_versions_then_a_rerun_downloads_nothing(
    store: Store,
) -> None:
    async with ArchiveServer() as server:
        expected = publish_days(server, DAYS[:3], houses=("commons", "lords"))
        # Several scrapes of one day: a (above), b, c; only c may be loaded.
        day = DAYS[1]
        for version, note in (("b", "scrape b"), ("c", "scrape c")):
            qs = simple_questions(day, 6, start=1100, note=note)
            server.add(file_name("commons", day, version), old_style_file(day, version, qs))
        # A modern, API-made file: no letter, not in changedates.txt.
        modern = simple_questions("2024-01-10", 5, start=7000)
        server.add(file_name("commons", "2024-01-15"), modern_file(modern), in_changedates=False)
        expected += 5

        first = await run(store, server)
        assert first.new == store.count_questions() == expected
        assert (first.downloaded, first.ingested, first.up_to_date) == (7, 7, 0)
        newest = store.question("1100")
        assert newest is not None and "scrape c" in newest["answer_text"]
        loaded = {r[0] for r in store.conn.execute("SELECT name FROM archive_files")}
        assert file_name("commons", day, "c") in loaded
        assert not {file_name("commons", day, "a"), file_name("commons", day, "b")} & loaded

        server.requests.clear()
        second = await run(store, server)
        assert server.xml_requests() == []
        assert len(server.requests) == 4  # two folder indexes, two changedates.txt
        assert (second.downloaded, second.up_to_date, second.new) == (0, 7, 0)
        assert not second.failed

        # A new scrape of a day, and the modern file rewritten in place: those two only.
        qs = simple_questions(day, 6, start=1100, note="scrape d")
        server.add(file_name("commons", day, "d"), old_style_file(day, "d", qs))
        modern[0].answer_html = "<p>A corrected answer, now rather longer than it was.</p>"
        server.add(file_name("commons", "2024-01-15"), modern_file(modern), in_changedates=False)
        server.requests.clear()
        third = await run(store, server)
        assert sorted(r.path.rsplit("/", 1)[1] for r in server.xml_requests()) == [
            "answers2009-11-03d.xml",
            "answers2024-01-15.xml",
        ]
        assert (third.new, third.updated) == (0, 7)
    assert_nothing_doubled(store, expected)


async def test_an_outage_mid_run_stops_cleanly_and_the_next_run_resumes(
    store: Store, tmp_path: Path
) -> None:
    async with ArchiveServer() as server:
        expected = publish_days(server, DAYS)
        server.fail_after = 3  # the fourth file on: 500 every time
        stopped = await run(store, server)
        assert stopped.stopped is not None and "failed 3 times" in stopped.stopped
        assert stopped.failed
        assert stopped.ingested == 3
        assert store.conn.execute("SELECT count(*) FROM archive_files").fetchone()[0] == 3
        assert "run again to resume" in stopped.describe()

        server.fail_after = None
        server.requests.clear()
        resumed = await run(store, server)
        assert resumed.stopped is None
        assert (resumed.up_to_date, resumed.downloaded) == (3, 3)
        assert [r.status for r in server.xml_requests()] == [200, 200, 200]
    assert store.count_questions() == expected
    assert_nothing_doubled(store, expected)
    # The same as one uninterrupted run.
    async with ArchiveServer() as server:
        publish_days(server, DAYS)
        with Store(tmp_path / "whole.db") as whole:
            await run(whole, server)
            assert question_ids(whole) == question_ids(store)


async def test_a_file_loaded_but_not_yet_recorded_is_loaded_again_changing_nothing(
    store: Store,
) -> None:
    """A run killed between a file's commit and its record: the next run loads it again."""
    async with ArchiveServer() as server:
        expected = publish_days(server, DAYS[:3])
        await run(store, server)
        with store.transaction():
            store.conn.execute("DELETE FROM archive_files WHERE day = ?", (DAYS[1],))
        server.requests.clear()
        again = await run(store, server)
        assert len(server.xml_requests()) == 1
        assert (again.new, again.updated, again.unchanged) == (0, 0, 6)
    assert store.count_questions() == expected
    assert_nothing_doubled(store, expected)


async def test_a_malformed_file_is_reported_skipped_and_loses_nothing(store: Store) -> None:
    async with ArchiveServer() as server:
        day = DAYS[0]
        publish_days(server, [day])
        await run(store, server)
        before = store.question("1000")
        assert before is not None

        good = old_style_file(day, "b", simple_questions(day, 6, note="rescraped"))
        server.add(file_name("commons", day, "b"), good[: len(good) // 2])  # cut mid-element
        # The next day, with other UINs (one UIN in one session is one question).
        next_day = simple_questions(DAYS[1], 6, start=1100)
        server.add(file_name("commons", DAYS[1], "a"), old_style_file(DAYS[1], "a", next_day))
        lines = io.StringIO()
        summary = await run(store, server, progress=LineProgress(lines))
        assert summary.stopped is None
        assert summary.failed and summary.unreadable == 1
        assert summary.skipped[0][0] == "wrans/answers2009-11-02b.xml"
        assert "not well-formed XML" in summary.skipped[0][1]
        assert "answers2009-11-02b.xml: skipped — not well-formed XML" in lines.getvalue()
        assert summary.ingested == 1  # the run carried on to the next day
        assert store.question(before["id"]) == before  # the older scrape's records are untouched
        assert "skipped wrans/answers2009-11-02b.xml" in summary.describe()

        server.requests.clear()
        quiet = await run(store, server)
        assert server.xml_requests() == []  # recorded as unreadable until the archive changes it
        assert not quiet.failed


async def test_since_until_and_house_filter(store: Store) -> None:
    async with ArchiveServer() as server:
        publish_days(server, DAYS, per_day=2, houses=("commons", "lords"))
        from datetime import date

        summary = await run(
            store,
            server,
            since=date.fromisoformat(DAYS[1]),
            until=date.fromisoformat(DAYS[3]),
            houses=("lords",),
        )
        assert not any("/wrans/" in r.path for r in server.requests)
        assert sorted(r.path.rsplit("/", 1)[1] for r in server.xml_requests()) == [
            file_name("lords", d, "a") for d in DAYS[1:4]
        ]
        assert (summary.listed, summary.days, summary.new) == (3, 3, 6)
        houses = {r[0] for r in store.conn.execute("SELECT DISTINCT house FROM questions")}
        assert houses == {"Lords"}


async def test_polite_user_agent_pace_and_retry_after(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with ArchiveServer() as server:
        publish_days(server, DAYS[:4])
        server.inject(429, count=1, retry_after="1", suffix=".xml")
        waits: list[float] = []
        real_sleep = asyncio.sleep

        async def recorded(delay: float, result: object = None) -> object:
            waits.append(delay)  # still slept: the pace below is measured by the server
            return await real_sleep(delay, result)

        monkeypatch.setattr(asyncio, "sleep", recorded)
        client = ArchiveClient(server.base_url, requests_per_second=10, backoff_seconds=0.01)
        summary = await run(store, server, client=client)
        monkeypatch.undo()
        assert summary.stopped is None and summary.downloaded == 4
        statuses = [r.status for r in server.xml_requests()]
        assert statuses.count(429) == 1 and statuses.count(200) == 4
        assert 1.0 in waits  # the Retry-After second, not the 0.01 s back-off
        starts = sorted(r.time for r in server.requests)
        assert starts[-1] - starts[0] >= (len(starts) - 1) * 0.1 * 0.9  # 10 a second at most
        agents = {r.headers.get("User-Agent", "") for r in server.requests}
        assert len(agents) == 1 and agents.pop().startswith("written-answers-bot/")


async def test_a_retry_after_too_long_stops_the_run_with_when_to_come_back(store: Store) -> None:
    async with ArchiveServer() as server:
        publish_days(server, DAYS[:1])
        server.inject(429, count=1, retry_after="3600", suffix="/wrans/")
        summary = await run(store, server, client=fast_client(server, max_retry_after_seconds=60))
        assert summary.stopped is not None and "wait 3600 s" in summary.stopped
        assert store.count_questions() == 0


async def test_a_folder_index_without_stamps_uses_conditional_gets(store: Store) -> None:
    async with ArchiveServer() as server:
        server.bare_index = True
        modern = simple_questions("2024-01-10", 3, start=7000)
        server.add(file_name("commons", "2024-01-15"), modern_file(modern), in_changedates=False)
        publish_days(server, DAYS[:1])  # in changedates.txt: stamped by it
        await run(store, server)
        server.requests.clear()
        second = await run(store, server)
        assert [(r.path.rsplit("/", 1)[1], r.status) for r in server.xml_requests()] == [
            ("answers2024-01-15.xml", 304)
        ]
        assert (second.downloaded, second.up_to_date) == (0, 2)


# --------------------------------------------------------------------------- the command


def cli_env(server: ArchiveServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_PATH"}
    env["ARCHIVE_BASE_URL"] = server.base_url
    return env


async def run_cli(server: ArchiveServer, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "archive", *args,
        cwd=REPO_ROOT, env=cli_env(server),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 90)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_archive_command_lines_summary_and_json(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    async with ArchiveServer() as server:
        publish_days(server, DAYS[:2], per_day=3, houses=("commons", "lords"))
        code, out, err = await run_cli(server, "--db", db, "--house", "commons")
        assert code == 0, err
        assert "Questions: 6 new, 0 updated, 0 unchanged, 0 rejected" in out
        day_lines = [line for line in err.splitlines() if line.startswith("2009-")]
        assert day_lines == [
            f"{DAYS[0]} commons answers2009-11-02a.xml: 3 new, 0 updated, 0 unchanged "
            f"({len(server.folders['wrans']['answers2009-11-02a.xml'].body):,} bytes)",
            f"{DAYS[1]} commons answers2009-11-03a.xml: 3 new, 0 updated, 0 unchanged "
            f"({len(server.folders['wrans']['answers2009-11-03a.xml'].body):,} bytes)",
        ]
        code, out, err = await run_cli(server, "--db", db, "--json", "--since", DAYS[1])
        assert code == 0, err
        data = json.loads(out)
        assert data["files"]["downloaded"] == 1  # the Lords' 2009-11-03; the Commons' is loaded
        assert data["questions"] == {"new": 3, "updated": 0, "unchanged": 0, "rejected": 0}
        assert data["since"] == DAYS[1] and data["until"] is None
        assert data["bytes"] > 0 and data["stopped"] is None
        code, _, err = await run_cli(server, "--db", db, "--since", "yesterday")
        assert code == 2 and "YYYY-MM-DD" in err


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "Ctrl-C"])
async def test_a_killed_command_resumes_with_nothing_missing_or_doubled(
    tmp_path: Path, how: signal.Signals
) -> None:
    db = tmp_path / "killed.db"
    async with ArchiveServer() as server:
        expected = publish_days(server, [*DAYS, "2009-11-11", "2009-11-12"])
        server.file_delay = 0.25
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "archive", "--db", str(db),
            cwd=REPO_ROOT, env=cli_env(server),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        recorded = 0
        ended = asyncio.ensure_future(proc.wait())
        async with asyncio.timeout(60):
            while recorded < 2 and not ended.done():
                # Look at the run's progress each time it fetches something (more files
                # follow the second one recorded, so one of them shows it).
                arrival = asyncio.ensure_future(server.next_request())
                await asyncio.wait({arrival, ended}, return_when=asyncio.FIRST_COMPLETED)
                arrival.cancel()
                # The database may not exist yet, or be mid-migration, when the test looks.
                with (
                    contextlib.suppress(sqlite3.DatabaseError),
                    contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn,
                ):
                    recorded = conn.execute("SELECT count(*) FROM archive_files").fetchone()[0]
        assert proc.returncode is None, "the run ended before it could be killed"
        proc.send_signal(how)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        if how == signal.SIGINT:
            assert proc.returncode == 130
            assert "Interrupted: the files loaded are kept; run again to resume." in err.decode()
        with Store(db) as store:
            done = store.conn.execute("SELECT count(*) FROM archive_files").fetchone()[0]
            assert 2 <= done < 8
            loaded = store.conn.execute(
                "SELECT count(DISTINCT source) FROM changes WHERE source LIKE 'archive:%'"
            ).fetchone()[0]
            # Ctrl-C lets the file being stored finish and be recorded; a kill may leave one
            # file stored but not recorded (loaded again next time, changing nothing).
            assert loaded == done if how == signal.SIGINT else done <= loaded <= done + 1
        server.file_delay = 0
        server.requests.clear()
        code, _, err = await run_cli(server, "--db", str(db))
        assert code == 0, err
        assert len(server.xml_requests()) <= 8 - done + 1  # at most the one it was storing
    with Store(db) as store:
        assert store.count_questions() == expected + 1  # and the seed record
        assert store.conn.execute("SELECT count(*) FROM archive_files").fetchone()[0] == 8
        assert_nothing_doubled(store, expected)


async def test_a_terminal_gets_a_progress_bar(store: Store) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    progress = progress_for(screen)
    assert isinstance(progress, BarProgress)
    assert isinstance(progress_for(io.StringIO()), LineProgress)
    async with ArchiveServer() as server:
        publish_days(server, DAYS[:3])
        server.add(file_name("commons", DAYS[1], "b"), b"<publicwhip><ques")
        await run(store, server, progress=progress)
    shown = screen.getvalue()
    assert "archive: 100%" in shown and "3/3" in shown and "questions=12" in shown
    assert "answers2009-11-03b.xml: skipped — not well-formed XML" in shown


async def test_history_from_the_archive_is_never_posted_but_news_is(
    store: Store, tmp_path: Path
) -> None:
    from bot.core.news.deliveries import DeliveryQueue
    from bot.core.news.subscriptions import SubscriptionBook

    book = SubscriptionBook(store)
    book.subscribe(1, 2, {"house": "Commons"}, "Commons answers", 3, "someone", 25)
    queue = DeliveryQueue(store, book)
    queue.plan()  # the subscription starts from here
    async with ArchiveServer() as server:
        loaded = publish_days(server, DAYS[:2])
        assert (await run(store, server)).new == loaded > 0
    assert queue.plan() == 0  # a channel following the Commons gets no history
    day = DAYS[2]
    news = tmp_path / file_name("commons", day, "a")
    news.write_bytes(old_style_file(day, "a", simple_questions(day, 3, start=9000)))
    assert not ingest_paths(store, [news]).failed
    assert queue.plan() == 3  # the same shape of file, loaded as news, is posted

"""The MCP server: each tool through the SDK's in-memory client (good input and bad), the store
opened read-only, and a real stdio round trip with ``python -m bot mcp`` as a subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from mcp import Client, ClientSession, StdioServerParameters, stdio_client
from sample_store import FORMULA_ID, build_sample_store

from bot.core.names.matching import Resolver
from bot.core.reports.overdue import overdue
from bot.core.reports.timeliness import timeliness
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.search.render import question_json, search_json
from bot.core.store.database import Store
from bot.mcp.server import SEARCH_MAX, TEXT_MAX, build_server

TOOLS = {"search_answers", "get_question", "similar_questions", "overdue_questions",
         "department_timeliness", "resolve_name"}


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_sample_store(tmp_path_factory.mktemp("mcp") / "sample.db")
    with Store(path) as store:  # one answer longer than a tool gives whole
        store.conn.execute("UPDATE questions SET answer_text = ? WHERE id = ?",
                           ("Long. " * 5000, FORMULA_ID))
    return path


@asynccontextmanager
async def connect(path: Path) -> AsyncIterator[Client]:
    """The SDK's in-memory client, over JSON-RPC as a real client speaks it, connected to a
    server over ``path``. (Not a fixture: the SDK's task group must close in the task that
    opened it.)"""
    server, reader = build_server(path)
    try:
        async with Client(server, mode="legacy") as connected:
            yield connected
    finally:
        reader.close()


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    # The text a model reads is the same JSON.
    assert json.loads(result.content[0].text) == result.structured_content  # type: ignore[union-attr]
    return result.structured_content


async def error(client: Client, tool: str, **arguments: Any) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result
    text = result.content[0].text  # type: ignore[union-attr]
    assert "Traceback" not in text and 'File "' not in text
    return text


def store_of(path: Path) -> Store:
    return Store(path, readonly=True)


async def test_every_tool_has_a_schema_and_a_description(sample_db: Path) -> None:
    async with connect(sample_db) as client:
        listed = (await client.list_tools()).tools
        assert {tool.name for tool in listed} == TOOLS
        for tool in listed:
            assert tool.description and len(tool.description) > 80, tool.name
            assert tool.input_schema["type"] == "object"
            assert tool.annotations is not None and tool.annotations.read_only_hint is True
        search = next(tool for tool in listed if tool.name == "search_answers")
        properties = search.input_schema["properties"]
        assert set(properties) == {"query", "asked_by", "answered_by", "member", "department",
                                   "house", "since", "until", "status", "sort", "limit", "offset"}
        assert properties["limit"]["maximum"] == SEARCH_MAX
        assert properties["house"]["anyOf"][0]["enum"] == ["commons", "lords"]


async def test_search_answers_is_the_search_json(sample_db: Path) -> None:
    async with connect(sample_db) as client:
        data = await call(client, "search_answers", query="support", department="DfE", limit=3)
        with store_of(sample_db) as store:
            query = SearchQuery(text="support", department="DfE", limit=3)
            expected = search_json(store, Searcher(store, Resolver.from_store(store)).search(query))
        assert data["results"] == expected["results"] and data["total"] == expected["total"]
        assert data["resolved"]["department"]["name"] == "Department for Education"
        assert data["returned"] == 3 and data["more"] is True
        assert "offset=3" in data["note"]
        following = await call(client, "search_answers", query="support", department="DfE",
                               limit=3, offset=3)
        assert not {r["id"] for r in following["results"]} & {r["id"] for r in data["results"]}


async def test_search_answers_bad_input(sample_db: Path) -> None:
    async with connect(sample_db) as client:
        assert "since: 'last week' is not a date" in await error(
            client, "search_answers", since="last week")
        text = await error(client, "search_answers", asked_by="Jones")
        assert "asked_by: 'Jones' is not clear" in text and "Andrew Jones" in text
        assert "limit" in await error(client, "search_answers", limit=SEARCH_MAX + 1)
        assert "house" in await error(client, "search_answers", house="senate")
        assert "since" in await error(client, "search_answers", since="2025-01-01",
                                      until="2024-01-01")
        # FTS5 syntax and SQL typed as words are only words.
        for hostile in ('"unbalanced', "AND OR NOT (", "'; DROP TABLE questions; --", "*" * 300):
            assert (await call(client, "search_answers", query=hostile))["total"] >= 0
        # A name given as the id resolve_name returned picks that member, whatever the tie.
        data = await call(client, "search_answers", asked_by="92")
        assert data["resolved"]["asked_by"]["name"] == "Mr Kevan Jones" and data["total"] == 1


async def test_get_question_in_full_and_cut(sample_db: Path) -> None:
    async with connect(sample_db) as client:
        with store_of(sample_db) as store:
            row = store.question("990002")
            assert row is not None
            expected = question_json(store, row)
        data = await call(client, "get_question", id_or_uin="990002")
        expected.pop("answer_html")
        assert data == expected
        long = await call(client, "get_question", id_or_uin=str(FORMULA_ID))
        assert len(long["answer"]) == TEXT_MAX
        assert "answer cut at 20,000 of 30,000 characters" in long["note"]
        assert "no question with id or UIN 'HL0000000'" in await error(
            client, "get_question", id_or_uin="HL0000000")
        assert "id_or_uin" in await error(client, "get_question", id_or_uin="")


async def test_similar_questions(sample_db: Path) -> None:
    async with connect(sample_db) as client:
        with store_of(sample_db) as store:
            heading, qid = store.conn.execute(
                "SELECT heading, max(id) FROM questions GROUP BY heading HAVING count(*) > 2 "
                "ORDER BY count(*) DESC LIMIT 1").fetchone()
        data = await call(client, "similar_questions", id_or_uin=str(qid), limit=5)
        assert data["query"] == {"id": qid}
        assert 0 < len(data["results"]) <= 5
        assert qid not in {r["id"] for r in data["results"]}
        assert heading in {r["heading"] for r in data["results"]}  # the same subject is found
        # Near-repeats first, then the most alike; each group by score.
        repeats = [r["near_repeat"] is not None for r in data["results"]]
        assert repeats == sorted(repeats, reverse=True)
        for group in (True, False):
            scores = [r["score"] for r in data["results"]
                      if (r["near_repeat"] is not None) == group]
            assert scores == sorted(scores, reverse=True)
        assert "no question" in await error(client, "similar_questions", id_or_uin="nothing")
        assert "limit" in await error(client, "similar_questions", id_or_uin=str(qid), limit=0)


async def test_overdue_questions(sample_db: Path) -> None:
    async with connect(sample_db) as client:
        as_of = date(2026, 1, 5)
        data = await call(client, "overdue_questions", as_of="2026-01-05", limit=4)
        with store_of(sample_db) as store:
            listing = overdue(store, as_of=as_of, limit=4)
        expected = listing.as_json()
        assert [dict(r, url=None) for r in data["results"]] == [
            dict(r, url=None) for r in expected["results"]]
        assert all(r["url"].startswith("https://") for r in data["results"])
        assert data["total"] == listing.total and data["more"] is True
        lords = await call(client, "overdue_questions", as_of="2026-01-05", house="lords",
                           department="Department for Education")
        assert {r["house"] for r in lords["results"]} <= {"Lords"}
        assert lords["filters"]["department"] == "Department for Education"
        assert "asked_by: 'Jones' is not clear" in await error(
            client, "overdue_questions", asked_by="Jones")
        assert "calendar covers" in await error(client, "overdue_questions", as_of="1850-01-01")
        assert "offset" in await error(client, "overdue_questions", offset=-1)


async def test_department_timeliness(sample_db: Path) -> None:
    async with connect(sample_db) as client:
        data = await call(client, "department_timeliness", since="2024-01-01",
                          until="2024-12-31", as_of="2025-06-30")
        with store_of(sample_db) as store:
            report = timeliness(store, since=date(2024, 1, 1), until=date(2024, 12, 31),
                                as_of=date(2025, 6, 30))
        assert data["rows"] == report.as_json()["rows"] and data["rows"]
        assert "on_time / due" in data["definitions"]
        monthly = await call(client, "department_timeliness", department="dfe",
                             since="2024-01-01", until="2024-12-31", as_of="2025-06-30")
        assert [r["month"] for r in monthly["rows"]][:2] == ["2024-01", "2024-02"]
        assert monthly["department"]["name"] == "Department for Education"
        assert "since" in await error(client, "department_timeliness", since="2025-01-01",
                                      until="2024-01-01")


async def test_resolve_name(sample_db: Path) -> None:
    async with connect(sample_db) as client:
        sure = await call(client, "resolve_name", kind="department", text="Department for Educaton")
        assert sure["sure"] is True
        assert sure["candidates"][0]["name"] == "Department for Education"
        unsure = await call(client, "resolve_name", kind="member", text="Jones", limit=10)
        assert unsure["sure"] is False
        assert {"Andrew Jones", "Mr Kevan Jones"} <= {c["name"] for c in unsure["candidates"]}
        assert "kind" in await error(client, "resolve_name", kind="party", text="Labour")
        assert "text" in await error(client, "resolve_name", kind="member", text="")


async def test_the_store_is_opened_read_only(sample_db: Path) -> None:
    server, reader = build_server(sample_db)
    try:
        async with Client(server, mode="legacy") as connected:
            await call(connected, "search_answers", query="support", limit=1)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await reader.read(lambda store: store.conn.execute(
                "DELETE FROM votes WHERE question_id = 0"))
    finally:
        reader.close()


async def test_a_real_stdio_round_trip(sample_db: Path, tmp_path: Path) -> None:
    """``python -m bot mcp`` as an MCP client starts it: initialize, list tools, search."""
    parameters = StdioServerParameters(
        command=sys.executable, args=["-m", "bot", "mcp", "--db", str(sample_db)],
        cwd=str(tmp_path), env={"LOG_LEVEL": "WARNING"},
    )
    async with stdio_client(parameters) as (read, write), ClientSession(read, write) as session:
        initialized = await session.initialize()
        assert initialized.server_info.name == "written-answers"
        assert "read-only" in (initialized.instructions or "")
        assert {tool.name for tool in (await session.list_tools()).tools} == TOOLS
        result = await session.call_tool("search_answers", {"query": "support", "limit": 2})
        assert not result.is_error
        data = result.structured_content
        assert data is not None and len(data["results"]) == 2
        assert data["results"][0]["url"].startswith("https://")
        bad = await session.call_tool("get_question", {"id_or_uin": "nothing here"})
        assert bad.is_error and "no question with id or UIN" in bad.content[0].text  # type: ignore[union-attr]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_http(db: Path, cwd: Path) -> tuple[asyncio.subprocess.Process, int]:
    """``python -m bot mcp --http PORT`` started and listening. The port is free when picked,
    but another process on this machine may take it before the server binds it: then the
    server exits, and it is started again on another port."""
    for _ in range(3):
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "mcp", "--http", str(port), "--db", str(db),
            cwd=cwd, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE, env={**os.environ, "LOG_LEVEL": "INFO"},
        )
        assert process.stderr is not None
        async with asyncio.timeout(60):
            async for line in process.stderr:  # the app is ready, then binds
                if b"session manager started" in line:
                    break
            while process.returncode is None:
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                except OSError:
                    await asyncio.sleep(0.05)
                    continue
                writer.close()
                break
        # Drained from here on, so that the log never fills the pipe.
        asyncio.get_running_loop().create_task(process.stderr.read())
        await asyncio.sleep(0)
        if process.returncode is None:
            return process, port
        await process.wait()
    raise AssertionError("the HTTP server did not start")


async def test_streamable_http_on_localhost_with_hosts_checked(
    sample_db: Path, tmp_path: Path
) -> None:
    """``--http PORT``: a real MCP client over HTTP is served; a request naming another host
    (DNS rebinding) or coming from another origin is refused."""
    process, port = await start_http(sample_db, tmp_path)
    try:
        url = f"http://127.0.0.1:{port}/mcp"
        async with Client(url, mode="legacy") as connected:
            data = await call(connected, "resolve_name", kind="department", text="dfe")
            assert data["candidates"][0]["name"] == "Department for Education"
        initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "probe", "version": "1"}}}
        headers = {"Accept": "application/json, text/event-stream"}
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=initialize,
                                 headers={**headers, "Host": "evil.example"}) as refused:
                assert refused.status == 421
            async with http.post(url, json=initialize, headers={
                    **headers, "Origin": "http://evil.example"}) as refused:
                assert refused.status == 403
    finally:
        process.terminate()
        await process.wait()


async def test_names_added_beside_it_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot keeps loading answers while the server runs: a member first seen after the
    server started is found once the store has changed."""
    import bot.mcp.server as mcp_server
    from bot.core.sources.ingest import ingest_paths

    path = build_sample_store(tmp_path / "beside.db")
    monkeypatch.setattr(mcp_server, "REFRESH_SECONDS", 0.0)
    async with connect(path) as client:
        before = await call(client, "resolve_name", kind="member", text="Zebedee Quux")
        assert before["sure"] is False
        base = json.loads((Path(__file__).parent / "fixtures" / "substantive.json")
                          .read_text())["value"]
        member = {"id": 777, "name": "Zebedee Quux", "listAs": "Quux, Zebedee",
                  "party": "Labour", "partyAbbreviation": "Lab", "partyColour": "d50000",
                  "memberFrom": "Nowhere", "thumbnailUrl": None}
        source = tmp_path / "new.json"
        source.write_text(json.dumps({"value": dict(base, id=995001, uin="995001",
                                                    askingMemberId=777, askingMember=member,
                                                    attachments=[])}))
        with Store(path) as writer:  # the bot's writer, beside the server's readers
            assert not ingest_paths(writer, [source]).failed
        after = await call(client, "resolve_name", kind="member", text="Zebedee Quux")
        assert after["sure"] is True and after["candidates"][0]["id"] == 777

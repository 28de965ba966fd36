"""The documentation keeps up with the code (in the manual of sqlite-utils' test_docs.py).

Every command-line command and flag, every setting and every slash command and option is in the
manual (``docs/``); every command the manual and the README name still exists; the files they
point to are there; and the Dockerfile and the systemd unit run the bot. The slash commands are
read from the cogs without a gateway: a ``commands.Cog`` subclass collects its app commands when
the class is created (``__cog_app_commands__``).

Only ``bot.cli``, ``bot.config``, the cogs, the retention periods (``bot.core.privacy.retention``)
and discord.py are imported from the project.
"""

from __future__ import annotations

import argparse
import configparser
import dataclasses
import importlib
import inspect
import io
import json
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
from discord import app_commands
from discord.ext import commands
from dockerfile_parse import DockerfileParser

import cogs
from bot.cli.parser import build_parser
from bot.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS = REPO_ROOT / "docs"
README = (REPO_ROOT / "README.md").read_text()
ENV_EXAMPLE = (REPO_ROOT / ".env.example").read_text()
PAGES = {path.relative_to(REPO_ROOT).as_posix(): path.read_text()
         for path in sorted(DOCS.rglob("*.md"))}
MANUAL = "\n".join(PAGES.values())
CLI_PAGE = PAGES["docs/using/command-line.md"]
SLASH_PAGE = PAGES["docs/using/slash-commands.md"]
SETTINGS_PAGE = PAGES["docs/running/settings.md"]
# What people read: the manual and the README.
ALL_TEXT = {**PAGES, "README.md": README}


def sections(page: str) -> dict[str, str]:
    """A page's ``## `heading` `` sections by the text in the heading's backticks."""
    found: dict[str, str] = {}
    for part in re.split(r"^## ", page, flags=re.MULTILINE)[1:]:
        heading, _, body = part.partition("\n")
        match = re.fullmatch(r"`([^`]+)`", heading.strip())
        if match:
            found[match[1]] = body
    return found


# -- the command line ------------------------------------------------------------------------


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def cli_commands() -> dict[str, argparse.ArgumentParser]:
    """Every command a user can run, by its full name: ``run``, ``stats timeliness``...; a
    command that only groups others (``stats``) is documented by those."""
    found = {}
    for name, parser in _subparsers(build_parser()).items():
        nested = _subparsers(parser)
        if not nested:
            found[name] = parser
        for sub, sub_parser in nested.items():
            found[f"{name} {sub}"] = sub_parser
    return found


def flags(parser: argparse.ArgumentParser) -> set[str]:
    """A command's long options, but ``--help``."""
    return {flag for action in parser._actions for flag in action.option_strings
            if flag.startswith("--") and flag != "--help"}


CLI_SECTIONS = sections(CLI_PAGE)


@pytest.mark.parametrize("command", sorted(cli_commands()))
def test_every_command_and_flag_is_in_the_manual(command: str) -> None:
    section = CLI_SECTIONS.get(f"python -m bot {command}")
    assert section is not None, f"docs/using/command-line.md has no section for {command}"
    for flag in sorted(flags(cli_commands()[command])):
        assert re.search(rf"{flag}(?![\w-])", section), (
            f"{command} {flag} is not in its section of docs/using/command-line.md"
        )


def test_the_manual_documents_no_command_that_is_gone() -> None:
    """Every ``python -m bot ...`` in the manual and the README names a command that exists, and
    every flag written after it on that line is one of that command's."""
    commands_ = cli_commands()
    groups = {name.split()[0] for name in commands_ if " " in name}
    for where, text in ALL_TEXT.items():
        for match in re.finditer(r"python -m bot\b([^`\n]*)", text):
            words = match[1].split()
            if not words or words[0].isupper():  # `python -m bot`, or a placeholder: COMMAND
                continue
            names = [words[0]]
            if words[0] in groups:
                assert len(words) > 1, f"{where}: `python -m bot {words[0]}` without a report"
                names = [f"{words[0]} {sub}" for sub in words[1].split("|")]
            for name in names:
                assert name in commands_, f"{where}: `python -m bot {name}` is not a command"
                rest = " ".join(words[len(name.split()):])
                for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]*", rest):
                    assert flag == "--help" or flag in flags(commands_[name]), (
                        f"{where}: `python -m bot {name}` has no {flag}"
                    )


def test_every_cli_section_is_a_command() -> None:
    for heading in CLI_SECTIONS:
        assert heading.removeprefix("python -m bot ") in cli_commands(), (
            f"docs/using/command-line.md documents `{heading}`, which is not a command"
        )


# -- settings --------------------------------------------------------------------------------

SETTINGS = [field.name.upper() for field in dataclasses.fields(Settings)]


@pytest.mark.parametrize("setting", SETTINGS)
def test_every_setting_is_documented(setting: str) -> None:
    assert re.search(rf"^\| `{setting}` \|", SETTINGS_PAGE, re.MULTILINE), (
        f"{setting} is not in the table of docs/running/settings.md"
    )
    assert f"\n{setting}=" in ENV_EXAMPLE, f"{setting} is not in .env.example"


def test_no_setting_documented_is_gone() -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", SETTINGS_PAGE, re.MULTILINE))
    assert documented - set(SETTINGS) == set(), "docs/running/settings.md lists these"
    in_example = set(re.findall(r"^([A-Z][A-Z_]*)=", ENV_EXAMPLE, re.MULTILINE))
    assert in_example - set(SETTINGS) == set(), ".env.example lists these"


# -- slash commands --------------------------------------------------------------------------


def _walk(items: list) -> Iterator[app_commands.Command]:
    for item in items:
        if isinstance(item, app_commands.Group):
            yield from _walk(item.commands)
        else:
            yield item


def slash_commands() -> dict[str, list[str]]:
    """Every slash command by its full name (``subscription edit``), with its options as
    Discord shows them (a renamed parameter by its new name: ``at`` is ``time``)."""
    found: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(cogs.__path__, "cogs."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, commands.Cog) or cls.__module__ != module.__name__:
                continue
            for command in _walk(cls.__cog_app_commands__):
                found[command.qualified_name] = [p.display_name for p in command.parameters]
    return found


SLASH = slash_commands()
SLASH_SECTIONS = sections(SLASH_PAGE)


def test_the_cogs_have_commands() -> None:
    assert {"answers", "subscribe", "subscription edit", "help"} <= set(SLASH)


@pytest.mark.parametrize("command", sorted(SLASH))
def test_every_slash_command_and_option_is_in_the_manual(command: str) -> None:
    section = SLASH_SECTIONS.get(f"/{command}")
    assert section is not None, f"docs/using/slash-commands.md has no section for /{command}"
    for option in SLASH[command]:
        assert f"`{option}:" in section, (
            f"/{command} {option}: is not in its section of docs/using/slash-commands.md"
        )


@pytest.mark.parametrize("command", sorted(SLASH))
def test_every_slash_command_is_in_the_readme(command: str) -> None:
    assert re.search(rf"`/{command}[` ]", README), f"/{command} is not in the README"


def test_the_manual_documents_no_slash_command_that_is_gone() -> None:
    """Every `` `/command option:...` `` in the manual and the README exists, with its options."""
    groups = {name.split()[0] for name in SLASH if " " in name}
    for where, text in ALL_TEXT.items():
        for match in re.finditer(r"`/([a-z_]+)((?: [^`]*)?)`", text):
            name, rest = match[1], match[2].strip()
            if name in groups:
                if not rest:  # the group itself (``/export``): its commands are checked apart
                    continue
                sub, _, rest = rest.partition(" ")
                name = f"{name} {sub}"
            assert name in SLASH, f"{where}: /{name} is not a slash command"
            for option in re.findall(r"(?:^|\s)([a-z_]+):", rest):
                assert option in SLASH[name], f"{where}: /{name} has no option {option}:"


def test_every_slash_section_is_a_command() -> None:
    for heading in SLASH_SECTIONS:
        if heading.startswith("/"):
            assert heading[1:] in SLASH, f"docs/using/slash-commands.md documents {heading}"


# -- privacy ---------------------------------------------------------------------------------


def test_the_privacy_page_says_what_is_kept_for_how_long_and_where() -> None:
    """Each kind of data in ``RETENTION`` (the one place the periods are written) is in the
    table of docs/running/privacy.md with its period, in the words the code uses, and its
    tables."""
    from bot.core.privacy.retention import RETENTION, SAVED_SEARCH_DAYS

    page = PAGES["docs/running/privacy.md"]
    rows = [line for line in page.splitlines() if line.startswith("| ")]
    for kept in RETENTION:
        row = next((r for r in rows if f"| {kept.how_long} |" in r), None)
        assert row is not None, f"{kept.key}: '{kept.how_long}' is not in the privacy table"
        for table in kept.where:
            assert f"`{table}`" in row, f"{kept.key}: the table {table} is not named"
    assert f"a search is kept for {SAVED_SEARCH_DAYS} days" in SLASH_PAGE  # /answers says so
    assert "An example privacy notice" in page


# -- the README and the files the docs point to ----------------------------------------------


def test_the_readme_is_short_and_keeps_its_two_commands() -> None:
    assert len(README.splitlines()) <= 150
    assert ("python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/python -m bot run"
            in README)
    assert ("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
            ".venv/bin/python -m pytest" in README)


def test_the_readme_links_and_picture_exist() -> None:
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README):
        if "://" not in target:
            assert (REPO_ROOT / target).exists(), f"README.md links to {target}, which is gone"
    assert "docs/img/timeliness.png" in README
    assert (DOCS / "img" / "timeliness.png").read_bytes().startswith(b"\x89PNG")


def test_every_file_the_docs_name_exists() -> None:
    """A path such as `bot/core/news/outbox.py` or `tests/fixtures/real/` in the manual or the
    README is there: a file moved is a page to update."""
    for where, text in ALL_TEXT.items():
        for path in re.findall(r"`((?:bot|cogs|tests|bench|deploy|docs)/[\w./-]*)`", text):
            assert (REPO_ROOT / PurePosixPath(path)).exists(), f"{where} names {path}"


# -- deploying -------------------------------------------------------------------------------


def test_the_dockerfile_installs_the_package_and_runs_the_bot() -> None:
    """Parsed, so that its syntax is checked where Docker is absent (CI builds it where not)."""
    parser = DockerfileParser(fileobj=io.BytesIO((REPO_ROOT / "Dockerfile").read_bytes()))
    assert parser.baseimage == "python:3.11-slim"
    instructions = [(i["instruction"], i["value"]) for i in parser.structure
                    if i["instruction"] != "COMMENT"]
    known = {"FROM", "ENV", "WORKDIR", "COPY", "RUN", "USER", "VOLUME", "CMD", "EXPOSE", "ARG",
             "LABEL"}
    assert {kind for kind, _ in instructions} <= known
    copied = [value.split()[:-1] for kind, value in instructions if kind == "COPY"]
    for sources in copied:
        for source in sources:
            assert (REPO_ROOT / source).exists(), f"the Dockerfile copies {source}, which is gone"
    assert {"bot", "cogs", "pyproject.toml"} <= {s for sources in copied for s in sources}
    runs = [value for kind, value in instructions if kind == "RUN"]
    assert any(re.search(r"pip install (-e )?\.(\s|$)", run) for run in runs)
    assert json.loads(parser.cmd) == ["python", "-m", "bot", "run"]
    volumes = [json.loads(value) for kind, value in instructions if kind == "VOLUME"]
    database = PurePosixPath(parser.envs["DATABASE_PATH"])
    assert [str(database.parent)] in volumes, "the store's folder is a volume"


def test_the_dockerignore_keeps_secrets_and_stores_out() -> None:
    ignored = (REPO_ROOT / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", "data/*.db"} <= set(ignored)


def test_the_systemd_unit_runs_the_bot() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read_string((REPO_ROOT / "deploy" / "written-answers-bot.service").read_text())
    service = unit["Service"]
    assert service["ExecStart"].endswith("/python -m bot run")
    assert service["WorkingDirectory"]
    assert service["Restart"] == "on-failure"
    assert unit["Install"]["WantedBy"] == "multi-user.target"

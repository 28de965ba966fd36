"""The documentation keeps up with the code (in the manner of sqlite-utils' test_docs.py):
every command-line command and option is in the README, every setting in the README and
.env.example, and the import contract names every module of the core."""

from __future__ import annotations

import argparse
import dataclasses
import pkgutil
import tomllib

import pytest
from conftest import REPO_ROOT

import bot
from bot.cli import build_parser
from bot.config import Settings

README = (REPO_ROOT / "README.md").read_text()
ENV_EXAMPLE = (REPO_ROOT / ".env.example").read_text()


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_command_and_option_is_in_the_readme(command: str) -> None:
    assert f"python -m bot {command}" in README
    for action in subcommands()[command]._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert flag in README, f"{command} {flag} is not in the README"


def nested_subcommands() -> dict[str, argparse.ArgumentParser]:
    """Commands of commands (``stats timeliness``), by their full name."""
    return {
        f"{name} {sub}": parser
        for name, command in subcommands().items()
        for action in command._actions
        if isinstance(action, argparse._SubParsersAction)
        for sub, parser in action.choices.items()
    }


@pytest.mark.parametrize("command", sorted(nested_subcommands()))
def test_every_nested_command_and_option_is_in_the_readme(command: str) -> None:
    assert f"python -m bot {command}" in README
    for action in nested_subcommands()[command]._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert flag in README, f"{command} {flag} is not in the README"


@pytest.mark.parametrize("setting", [f.name.upper() for f in dataclasses.fields(Settings)])
def test_every_setting_is_documented(setting: str) -> None:
    assert f"`{setting}`" in README, f"{setting} is not in the README"
    assert f"\n{setting}=" in ENV_EXAMPLE, f"{setting} is not in .env.example"


def test_the_import_contract_names_every_core_module() -> None:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    core = next(c for c in contracts if c["type"] == "forbidden")
    listed = set(core["source_modules"])
    modules = {
        info.name
        for info in pkgutil.walk_packages(bot.__path__, "bot.")
        if not info.name.startswith("bot.discord") and info.name != "bot.__main__"
    }
    assert modules - listed == set(), "add these to the core's import contract"

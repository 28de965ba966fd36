"""Settings, read once from the process environment and ``.env``.

Every variable the bot understands is declared here with its default; ``.env.example`` documents
them for people. A bad value stops start-up with one line naming the variable (``ConfigError``).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from dotenv import dotenv_values

from bot.core.privacy.retention import GUILD_DATA_DAYS as DEFAULT_GUILD_DATA_DAYS

DEFAULT_DATABASE_PATH = "data/answers.db"
DEFAULT_PARLIAMENT_API_BASE_URL = "https://questions-statements-api.parliament.uk/api"
DEFAULT_DISCORD_API_BASE_URL = "https://discord.com/api/v10"
DEFAULT_DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
DEFAULT_ARCHIVE_BASE_URL = "https://www.theyworkforyou.com/pwdata/scrapedxml/"
# Metrics are for the operator's own scraper: this machine only, unless asked otherwise.
DEFAULT_METRICS_HOST = "127.0.0.1"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class ConfigError(ValueError):
    """A setting has a value the bot cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Every setting, typed; each field is the lower-case name of its variable."""

    database_path: Path = Path(DEFAULT_DATABASE_PATH)
    discord_token: str | None = field(default=None, repr=False)  # never printed
    discord_guild_ids: tuple[int, ...] = ()
    parliament_api_base_url: str = DEFAULT_PARLIAMENT_API_BASE_URL
    poll_interval_seconds: float = 600.0
    discord_api_base_url: str = DEFAULT_DISCORD_API_BASE_URL
    discord_gateway_url: str = DEFAULT_DISCORD_GATEWAY_URL
    log_level: str = "INFO"
    max_subscriptions_per_guild: int = 50
    metrics_port: int | None = None  # Prometheus metrics on this port; off when unset
    metrics_host: str = DEFAULT_METRICS_HOST  # the interface the metrics listen on
    archive_base_url: str = DEFAULT_ARCHIVE_BASE_URL  # TheyWorkForYou's scrapedxml/ folder
    backfill_days: int = 30  # days of history a first run loads by itself; 0: none
    # days a server's data is kept after the bot is removed from it (bot/core/privacy/)
    guild_data_days: int = DEFAULT_GUILD_DATA_DAYS
    # A model2vec model (local folder or cached name) for similar questions by meaning; off: None.
    embedding_model: str | None = None

    @property
    def log_level_number(self) -> int:
        """The logging module's number for ``log_level``."""
        return logging.getLevelNamesMapping()[self.log_level]


def _url(name: str, value: str, schemes: tuple[str, ...]) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ConfigError(
            f"{name}: {value!r} is not a valid URL (expected {' or '.join(schemes)}://host/...)"
        )
    return value.rstrip("/") if parsed.scheme.startswith("http") else value


def _positive_number(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name}: {value!r} is not a number of seconds") from None
    if not number > 0:
        raise ConfigError(f"{name}: must be greater than 0, got {value!r}")
    return number


def _whole_number(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}: {value!r} is not a whole number") from None
    if number < 0:
        raise ConfigError(f"{name}: must be 0 or more, got {value!r}")
    return number


def _positive_int(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}: {value!r} is not a whole number") from None
    if number < 1:
        raise ConfigError(f"{name}: must be at least 1, got {value!r}")
    return number


def _host(name: str, value: str) -> str:
    """An IP address (``0.0.0.0``, ``::``, ``10.0.0.5``) or a host name, as a server binds to."""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if not _HOST_NAME.fullmatch(value):
        raise ConfigError(
            f"{name}: {value!r} is not an IP address or host name (e.g. 127.0.0.1 or 0.0.0.0)"
        )
    return value


_HOST_NAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                        r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")


def _guild_ids(value: str) -> tuple[int, ...]:
    ids = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ConfigError(
                f"DISCORD_GUILD_IDS: {part!r} is not a server id (comma-separated numbers expected)"
            )
        ids.append(int(part))
    return tuple(ids)


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Build ``Settings`` from ``environ`` (default: the process) over the values in ``env_file``.

    The process environment wins over ``.env``, as python-dotenv does by default. Empty values
    count as unset, so ``VAR=`` in ``.env`` falls back to the default.
    """
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    kwargs: dict[str, object] = {}
    if (value := get("DATABASE_PATH")) is not None:
        kwargs["database_path"] = Path(value)
    if (value := get("DISCORD_TOKEN")) is not None:
        kwargs["discord_token"] = value
    if (value := get("DISCORD_GUILD_IDS")) is not None:
        kwargs["discord_guild_ids"] = _guild_ids(value)
    if (value := get("PARLIAMENT_API_BASE_URL")) is not None:
        kwargs["parliament_api_base_url"] = _url(
            "PARLIAMENT_API_BASE_URL", value, ("http", "https")
        )
    if (value := get("POLL_INTERVAL_SECONDS")) is not None:
        kwargs["poll_interval_seconds"] = _positive_number("POLL_INTERVAL_SECONDS", value)
    if (value := get("DISCORD_API_BASE_URL")) is not None:
        kwargs["discord_api_base_url"] = _url("DISCORD_API_BASE_URL", value, ("http", "https"))
    if (value := get("DISCORD_GATEWAY_URL")) is not None:
        kwargs["discord_gateway_url"] = _url("DISCORD_GATEWAY_URL", value, ("ws", "wss"))
    if (value := get("LOG_LEVEL")) is not None:
        level = value.upper()
        if level not in LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL: {value!r} is not one of {', '.join(LOG_LEVELS)}")
        kwargs["log_level"] = level
    if (value := get("MAX_SUBSCRIPTIONS_PER_GUILD")) is not None:
        kwargs["max_subscriptions_per_guild"] = _positive_int("MAX_SUBSCRIPTIONS_PER_GUILD", value)
    if (value := get("METRICS_PORT")) is not None:
        port = _positive_int("METRICS_PORT", value)
        if port > 65535:
            raise ConfigError(f"METRICS_PORT: {value!r} is not a port (1-65535)")
        kwargs["metrics_port"] = port
    if (value := get("METRICS_HOST")) is not None:
        kwargs["metrics_host"] = _host("METRICS_HOST", value)
    if (value := get("ARCHIVE_BASE_URL")) is not None:
        kwargs["archive_base_url"] = _url("ARCHIVE_BASE_URL", value, ("http", "https"))
    if (value := get("BACKFILL_DAYS")) is not None:
        kwargs["backfill_days"] = _whole_number("BACKFILL_DAYS", value)
    if (value := get("GUILD_DATA_DAYS")) is not None:
        kwargs["guild_data_days"] = _whole_number("GUILD_DATA_DAYS", value)
    if (value := get("EMBEDDING_MODEL")) is not None:
        kwargs["embedding_model"] = value
    return Settings(**kwargs)  # type: ignore[arg-type]  # each value checked by its parser above

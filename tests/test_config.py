from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


def test_defaults_without_environment(tmp_path: Path) -> None:
    settings = load_settings({}, env_file=tmp_path / "absent.env")
    assert settings.database_path == Path("data/answers.db")
    assert settings.parliament_api_base_url == "https://questions-statements-api.parliament.uk/api"
    assert settings.poll_interval_seconds == 600
    assert settings.discord_token is None
    assert settings.discord_guild_ids == ()
    assert settings.discord_api_base_url == "https://discord.com/api/v10"
    assert settings.discord_gateway_url == "wss://gateway.discord.gg/"
    assert settings.log_level == "INFO"
    assert settings.backfill_days == 30
    assert load_settings({"BACKFILL_DAYS": "0"}, env_file=None).backfill_days == 0  # off
    assert settings.guild_data_days == 30
    assert load_settings({"GUILD_DATA_DAYS": "7"}, env_file=None).guild_data_days == 7


def test_env_file_is_read_and_process_environment_wins(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("DATABASE_PATH=stores/answers.db\nPOLL_INTERVAL_SECONDS=30\nLOG_LEVEL=debug\n")
    settings = load_settings({"POLL_INTERVAL_SECONDS": "45"}, env_file=env)
    assert settings.database_path == Path("stores/answers.db")
    assert settings.poll_interval_seconds == 45
    assert settings.log_level == "DEBUG"


def test_guild_ids_and_urls(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "DISCORD_GUILD_IDS": "123, 456,",
            "DISCORD_API_BASE_URL": "http://127.0.0.1:9999/api/v10/",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9999/gateway",
        },
        env_file=None,
    )
    assert settings.discord_guild_ids == (123, 456)
    assert settings.discord_api_base_url == "http://127.0.0.1:9999/api/v10"
    assert settings.discord_gateway_url == "ws://127.0.0.1:9999/gateway"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("POLL_INTERVAL_SECONDS", "ten", "not a number"),
        ("POLL_INTERVAL_SECONDS", "-5", "greater than 0"),
        ("PARLIAMENT_API_BASE_URL", "not a url", "not a valid URL"),
        ("DISCORD_GATEWAY_URL", "http://x", "not a valid URL"),
        ("LOG_LEVEL", "LOUD", "not one of"),
        ("DISCORD_GUILD_IDS", "12,abc", "not a server id"),
        ("MAX_SUBSCRIPTIONS_PER_GUILD", "0", "at least 1"),
        ("BACKFILL_DAYS", "-1", "0 or more"),
        ("BACKFILL_DAYS", "a month", "not a whole number"),
        ("GUILD_DATA_DAYS", "-1", "0 or more"),
        ("GUILD_DATA_DAYS", "thirty", "not a whole number"),
    ],
)
def test_bad_value_names_the_variable(name: str, value: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({name: value}, env_file=None)
    message = str(caught.value)
    assert message.startswith(name + ":")
    assert words in message
    assert "\n" not in message


def test_token_is_never_in_the_settings_repr() -> None:
    settings = load_settings({"DISCORD_TOKEN": "secret-token-value"}, env_file=None)
    assert settings.discord_token == "secret-token-value"
    assert "secret-token-value" not in repr(settings)


def test_metrics_listen_on_this_machine_only_by_default(tmp_path: Path) -> None:
    import socket
    import urllib.request

    from bot.core.metrics import serve

    settings = load_settings({"METRICS_PORT": "9100"}, env_file=tmp_path / "absent.env")
    assert settings.metrics_host == "127.0.0.1"
    assert load_settings({"METRICS_HOST": "0.0.0.0"}, env_file=None).metrics_host == "0.0.0.0"
    assert load_settings({"METRICS_HOST": "::"}, env_file=None).metrics_host == "::"
    assert load_settings({"METRICS_HOST": "metrics.internal"},
                         env_file=None).metrics_host == "metrics.internal"
    with pytest.raises(ConfigError, match="METRICS_HOST"):
        load_settings({"METRICS_HOST": "http://0.0.0.0/"}, env_file=None)

    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = serve(port, settings.metrics_host)
    assert server is not None
    try:
        assert server.server_address[0] == "127.0.0.1"  # not 0.0.0.0: not every interface
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            assert b"writtenanswers_loop_lag_seconds" in response.read()
    finally:
        server.shutdown()
        server.server_close()
    assert serve(None) is None  # off when METRICS_PORT is unset

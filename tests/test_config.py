"""Settings from the environment and .env."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_DB, ConfigError, load_settings, settings_from


def test_defaults_need_only_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = settings_from({})
    assert settings.token is None
    assert settings.db_path == Path(DEFAULT_DB)
    assert settings.dev_guild is None and settings.log_level == "INFO" and settings.anilist is True


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN=from-file\nKANSOU_DB={tmp_path / 'k.db'}\nKANSOU_DEV_GUILD=42\n")
    settings = load_settings(env_file, environ={"DISCORD_TOKEN": "from-env", "KANSOU_ANILIST": "0"})
    assert settings.token == "from-env"
    assert settings.db_path == tmp_path / "k.db"
    assert settings.dev_guild == 42
    assert settings.anilist is False


def test_empty_token_counts_as_missing(tmp_path: Path) -> None:
    assert settings_from({"DISCORD_TOKEN": "   ", "KANSOU_DB": str(tmp_path / "x.db")}).token is None


def test_every_malformed_value_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from(
            {
                "KANSOU_DEV_GUILD": "my-server",
                "KANSOU_DB": str(tmp_path / "missing" / "k.db"),
                "KANSOU_LOG_LEVEL": "loud",
                "KANSOU_ANILIST": "maybe",
            }
        )
    lines = str(caught.value).splitlines()
    assert len(lines) == 4
    assert any("KANSOU_DEV_GUILD must be a server id" in line for line in lines)
    assert any("does not exist" in line for line in lines)
    assert any("KANSOU_LOG_LEVEL" in line for line in lines)
    assert any("KANSOU_ANILIST" in line for line in lines)


def test_a_postgresql_url_is_the_database_and_derived_files_go_to_the_data_dir(tmp_path: Path) -> None:
    url = "postgresql://kansou:s3cret@db.example.invalid:5432/kansou_prod"
    settings = settings_from({"KANSOU_DB": url, "KANSOU_DATA_DIR": str(tmp_path)})
    assert settings.db_url == url and settings.database == url
    assert settings.db_path == tmp_path / "kansou_prod.postgresql"
    assert "s3cret" not in settings.describe_database() and "db.example.invalid" in settings.describe_database()


def test_a_sqlite_path_is_the_database_and_no_url_is_set(tmp_path: Path) -> None:
    settings = settings_from({"KANSOU_DB": str(tmp_path / "k.db")})
    assert settings.db_url is None and settings.database == tmp_path / "k.db"
    assert settings.describe_database() == str(tmp_path / "k.db")


def test_a_missing_data_dir_for_postgresql_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="KANSOU_DATA_DIR"):
        settings_from({"KANSOU_DB": "postgres://localhost/kansou", "KANSOU_DATA_DIR": str(tmp_path / "nope")})

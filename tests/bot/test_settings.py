"""Settings: defaults, parsing, and error messages that name the variable but never a secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from bot.settings import Settings, describe_settings_error

ENV_NAMES = (
    "BOT_TOKEN", "DATABASE_URL", "DATA_DIR", "FERNET_KEYS", "ADMIN_IDS", "TELEGRAM_API_URL",
    "OZON_API_URL", "LLM_BASE_URL", "LLM_API_KEY", "LLM_MODEL", "POLL_INTERVAL_SECONDS",
    "LOCALE", "LOG_LEVEL",
)  # fmt: skip

GOOD_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmn"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Settings read the environment and ./.env: isolate both."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def settings_error(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    return describe_settings_error(caught.value)


def test_defaults_match_the_documented_contract() -> None:
    settings = Settings()
    assert settings.bot_token is None
    assert settings.database_url is None
    assert settings.uses_embedded_database
    assert settings.data_dir == Path("./data")
    assert settings.fernet_keys == ()
    assert settings.admin_ids == frozenset()
    assert str(settings.telegram_api_url) == "https://api.telegram.org/"
    assert str(settings.ozon_api_url) == "https://api-seller.ozon.ru/"
    assert str(settings.llm_base_url) == "https://api.deepseek.com/"
    assert settings.llm_model == "deepseek-chat"
    assert settings.poll_interval_seconds == 60
    assert settings.locale == "ru"


def test_values_are_read_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("BOT_TOKEN", GOOD_TOKEN)
    monkeypatch.setenv("ADMIN_IDS", " 1, 22 ,333,")
    monkeypatch.setenv("FERNET_KEYS", f"{key}, {Fernet.generate_key().decode()}")
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "30")
    monkeypatch.setenv("LOCALE", "en")
    monkeypatch.setenv("OZON_API_URL", "http://127.0.0.1:8081")
    settings = Settings()
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == GOOD_TOKEN
    assert settings.admin_ids == frozenset({1, 22, 333})
    assert len(settings.fernet_keys) == 2
    assert settings.fernet_keys[0].get_secret_value() == key
    assert settings.poll_interval_seconds == 30
    assert settings.locale == "en"
    assert str(settings.ozon_api_url) == "http://127.0.0.1:8081/"


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ADMIN_IDS=42\nBOT_TOKEN=\nLOCALE=en\n", encoding="utf-8")
    settings = Settings()
    assert settings.admin_ids == frozenset({42})
    assert settings.bot_token is None  # an empty line means "not configured"
    assert settings.locale == "en"


def test_secrets_are_hidden_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", GOOD_TOKEN)
    monkeypatch.setenv("LLM_API_KEY", "sk-very-secret-llm-key")
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:db-password-123@db/app")
    text = repr(Settings()) + str(Settings())
    for secret in (GOOD_TOKEN, "sk-very-secret-llm-key", "db-password-123"):
        assert secret not in text


def test_bad_admin_ids_names_the_setting_and_the_bad_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = settings_error(monkeypatch, ADMIN_IDS="123,@ivan")
    assert message.startswith("Setting ADMIN_IDS:")
    assert "'@ivan' is not a Telegram user id" in message
    assert "\n" not in message


def test_bad_fernet_key_never_echoes_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    good = Fernet.generate_key().decode()
    secret_attempt = "my-secret-not-a-fernet-key"
    message = settings_error(monkeypatch, FERNET_KEYS=f"{good},{secret_attempt}")
    assert message.startswith("Setting FERNET_KEYS: key #2 is not a valid Fernet key")
    assert secret_attempt not in message
    assert good not in message


def test_malformed_token_is_reported_without_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    message = settings_error(monkeypatch, BOT_TOKEN="not a token at all, secret123")
    assert message.startswith("Setting BOT_TOKEN:")
    assert "secret123" not in message


def test_bad_database_url_is_reported_without_the_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message = settings_error(monkeypatch, DATABASE_URL="mysql://root:hunter2@db/app")
    assert message.startswith("Setting DATABASE_URL:")
    assert "hunter2" not in message


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("POLL_INTERVAL_SECONDS", "often", "POLL_INTERVAL_SECONDS"),
        ("POLL_INTERVAL_SECONDS", "1", "greater than or equal to 5"),
        ("LOCALE", "de", "'ru' or 'en'"),
        ("OZON_API_URL", "not a url", "OZON_API_URL"),
    ],
)
def test_other_bad_values_name_their_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    message = settings_error(monkeypatch, **{name: value})
    assert message.startswith(f"Setting {name}:")
    assert expected in message


def test_several_problems_are_reported_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    message = settings_error(monkeypatch, ADMIN_IDS="x", LOCALE="fr")
    assert "Setting ADMIN_IDS:" in message and "Setting LOCALE:" in message
    assert "\n" not in message

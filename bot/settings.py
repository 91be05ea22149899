"""Runtime settings: read once at start-up from the environment and an optional ``.env``.

The environment names are a public contract (ops scripts, docker-compose and tests use
them), so every field maps to exactly one documented variable with no prefix.
A bad value must stop start-up with one readable line that names the variable and
never echoes a secret, which is why validation errors are rendered by
:func:`describe_settings_error` instead of pydantic's default text.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import quote

from cryptography.fernet import Fernet
from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_OZON_API_URL = "https://api-seller.ozon.ru"
DEFAULT_WB_API_URL = "https://buyer-chat-api.wildberries.ru"
DEFAULT_YM_API_URL = "https://api.partner.market.yandex.ru"
DEFAULT_LLM_BASE_URL = "https://api.deepseek.com"
# Ozon documents no signature on push notifications, only the networks they come from.
OZON_PUSH_NETWORKS = ("195.34.21.0/24", "185.73.192.0/22", "91.223.93.0/24")
# Yandex Market's documented push sources (it signs nothing either).
YM_PUSH_NETWORKS = ("5.45.207.0/25", "141.8.142.0/25", "5.255.253.0/25")

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# A token from @BotFather: numeric bot id, a colon, then 35 URL-safe characters. Accept a
# little more variety than that, because emulators and test bots use shorter secrets.
_BOT_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")

# Telegram's rule for setWebhook's secret_token (echoed in X-Telegram-Bot-Api-Secret-Token).
_WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

# Variables whose values must never be repeated back in an error message.
SECRET_FIELDS = frozenset(
    {"bot_token", "fernet_keys", "llm_api_key", "database_url", "webhook_secret", "db_password"}
)


class Settings(BaseSettings):
    """Every knob of the product; see ``.env.example`` for the documented list."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        hide_input_in_errors=True,
    )

    bot_token: SecretStr | None = None
    database_url: SecretStr | None = None
    data_dir: Path = Path("./data")
    fernet_keys: Annotated[tuple[SecretStr, ...], NoDecode] = ()
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    telegram_api_url: AnyHttpUrl = AnyHttpUrl(DEFAULT_TELEGRAM_API_URL)
    ozon_api_url: AnyHttpUrl = AnyHttpUrl(DEFAULT_OZON_API_URL)
    llm_base_url: AnyHttpUrl = AnyHttpUrl(DEFAULT_LLM_BASE_URL)
    llm_api_key: SecretStr | None = None
    llm_model: str = Field(default="deepseek-chat", min_length=1)
    llm_timeout_seconds: float = Field(default=8.0, gt=0, le=60)
    llm_max_retries: int = Field(default=1, ge=0, le=5)
    drafts_enabled: bool = True
    draft_debounce_seconds: float = Field(default=20.0, ge=0, le=600)
    auto_reply_delay_seconds: float = Field(default=40.0, ge=0, le=600)
    poll_interval_seconds: int = Field(default=60, ge=5, le=3600)
    ozon_push_port: int | None = Field(default=None, ge=0, le=65535)  # 0: any free port
    ozon_push_host: str = "0.0.0.0"
    ozon_push_allowed_networks: Annotated[tuple[IpNetwork, ...], NoDecode] = tuple(
        ipaddress.ip_network(n) for n in OZON_PUSH_NETWORKS
    )
    ozon_push_trusted_proxies: Annotated[tuple[IpNetwork, ...], NoDecode] = ()
    ozon_push_min_interval_seconds: float = Field(default=5.0, ge=0, le=600)
    # The push server's address as the marketplaces reach it (HTTPS, behind your proxy):
    # with it, adding an Ozon shop registers the shop's push URL through Ozon's API.
    public_base_url: AnyHttpUrl | None = None
    ym_push_allowed_networks: Annotated[tuple[IpNetwork, ...], NoDecode] = tuple(
        ipaddress.ip_network(n) for n in YM_PUSH_NETWORKS
    )
    health_notice_after_minutes: int = Field(default=30, ge=1, le=1440)
    locale: Literal["ru", "en"] = "ru"
    sla_tick_seconds: int = Field(default=30, ge=5, le=600)
    sla_window_margin_minutes: int = Field(default=360, ge=0, le=2880)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Operations (issue 17): webhook mode, health and metrics, log format, the database
    # from parts (a password with @ / : # needs no escaping by the operator).
    webhook_url: AnyHttpUrl | None = None
    webhook_secret: SecretStr | None = None
    webhook_port: int = Field(default=8443, ge=0, le=65535)  # 0: any free port (tests)
    webhook_host: str = "127.0.0.1"
    metrics_port: int | None = Field(default=None, ge=0, le=65535)  # 0: any free port
    metrics_host: str = "127.0.0.1"
    health_stuck_seconds: int = Field(default=300, ge=10, le=3600)
    log_format: Literal["text", "json"] = "text"
    db_host: str | None = None
    db_port: int = Field(default=5432, ge=1, le=65535)
    db_user: str | None = None
    db_password: SecretStr | None = None
    db_name: str | None = None
    # How long start-up keeps trying to reach Telegram before giving up with one line.
    telegram_startup_wait_seconds: float = Field(default=60.0, ge=0, le=3600)
    # The same for the database in DATABASE_URL (it may come up after the bot at boot).
    database_startup_wait_seconds: float = Field(default=60.0, ge=0, le=3600)
    wb_api_url: AnyHttpUrl = AnyHttpUrl(DEFAULT_WB_API_URL)
    # How the WB token is sent first ("bearer": Authorization: Bearer <token>, as WB's 2026
    # docs show; "bare": the token alone); the other form is tried once when a check fails.
    wb_auth_scheme: Literal["bearer", "bare"] = "bearer"
    # Yandex Market's Partner API (chats under /v2/businesses/{businessId}/…).
    ym_api_url: AnyHttpUrl = AnyHttpUrl(DEFAULT_YM_API_URL)

    def secret_values(self) -> list[str]:
        """Every configured secret in clear, for the log filter that masks them."""
        values = [key.get_secret_value() for key in self.fernet_keys]
        for secret in (
            self.bot_token,
            self.llm_api_key,
            self.database_url,
            self.webhook_secret,
            self.db_password,
        ):
            if secret is not None:
                values.append(secret.get_secret_value())
        return values

    @field_validator(
        "bot_token", "llm_api_key", "database_url", "webhook_url", "webhook_secret",
        "public_base_url", "db_host", "db_user", "db_password", "db_name", mode="before",
    )  # fmt: skip
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """An empty ``BOT_TOKEN=`` line in ``.env`` means "not configured", not "empty token"."""
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("bot_token")
    @classmethod
    def _check_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _BOT_TOKEN_RE.match(value.get_secret_value()):
            raise ValueError(
                "does not look like a token from @BotFather (expected digits, a colon, "
                "then letters, digits, '-' or '_')"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError(
                "must start with postgresql:// (for example postgresql://user:pass@host/db)"
            )
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        ids: set[int] = set()
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise ValueError(
                    f"{part!r} is not a Telegram user id; use comma-separated numbers "
                    "such as 123456789,987654321"
                )
            ids.add(int(part))
        return frozenset(ids)

    @field_validator(
        "ozon_push_allowed_networks", "ozon_push_trusted_proxies", "ym_push_allowed_networks",
        mode="before",
    )  # fmt: skip
    @classmethod
    def _parse_networks(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        networks = []
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(
                    f"{part!r} is not a network; use comma-separated CIDR ranges such as "
                    "195.34.21.0/24,127.0.0.1/32"
                ) from None
        return tuple(networks)

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET_RE.match(value.get_secret_value()):
            raise ValueError(
                "must be 1-256 characters of A-Z, a-z, 0-9, '_' or '-' (Telegram's rule); "
                'generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        return value

    @model_validator(mode="after")
    def _check_webhook_and_database(self) -> Self:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError(
                "Setting WEBHOOK_SECRET: required when WEBHOOK_URL is set (Telegram sends it "
                "with every update, so nobody else can post updates to the bot)"
            )
        if self.db_host is not None:
            if self.database_url is not None:
                raise ValueError(
                    "Setting DB_HOST: set either DATABASE_URL or DB_HOST/DB_USER/DB_PASSWORD/"
                    "DB_NAME, not both"
                )
            self.database_url = SecretStr(database_url_from_parts(
                host=self.db_host, port=self.db_port, user=self.db_user or "postgres",
                password=self.db_password, database=self.db_name or "postgres",
            ))  # fmt: skip
        return self

    @field_validator("ozon_push_port", "metrics_port", mode="before")
    @classmethod
    def _blank_port_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("fernet_keys", mode="before")
    @classmethod
    def _parse_fernet_keys(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        keys = [part.strip() for part in value.split(",") if part.strip()]
        for position, key in enumerate(keys, start=1):
            try:
                Fernet(key.encode())
            except (ValueError, TypeError):
                raise ValueError(
                    f"key #{position} is not a valid Fernet key (44 characters of URL-safe "
                    'base64); generate one with: python -c "from cryptography.fernet import '
                    'Fernet; print(Fernet.generate_key().decode())"'
                ) from None
        return tuple(SecretStr(key) for key in keys)

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def uses_webhook(self) -> bool:
        return self.webhook_url is not None


def database_url_from_parts(
    *, host: str, port: int, user: str, password: SecretStr | None, database: str
) -> str:
    """A PostgreSQL URL with every part percent-encoded, so a password such as ``p@ss/w:rd#``
    reaches the server intact. A host that is a path (``/run/postgresql``) is a Unix socket
    directory and goes in the ``host`` query parameter, as libpq and asyncpg read it."""
    auth = quote(user, safe="")
    if password is not None:
        auth += ":" + quote(password.get_secret_value(), safe="")
    name = quote(database, safe="")
    if host.startswith("/"):
        return f"postgresql://{auth}@/{name}?host={quote(host, safe='')}&port={port}"
    netloc = f"[{host}]" if ":" in host else host
    return f"postgresql://{auth}@{netloc}:{port}/{name}"


def describe_settings_error(error: ValidationError) -> str:
    """One line per bad variable, naming it as the operator wrote it, never its value.

    Pydantic's own messages for built-in checks do not echo inputs once
    ``hide_input_in_errors`` is set, and our validators only quote values of
    non-secret fields, so the text is safe to print and to log.
    """
    lines = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "settings"
        message = item["msg"].removeprefix("Value error, ")
        if not item["loc"] and message.startswith("Setting "):
            lines.append(message)  # a rule across variables names its own variable
            continue
        if field in SECRET_FIELDS:
            message = _strip_quoted(message)
        lines.append(f"Setting {field.upper()}: {message}")
    return "; ".join(lines)


def _strip_quoted(message: str) -> str:
    """Belt and braces for secret fields: drop anything quoted in the message."""
    return re.sub(r"'[^']*'", "'…'", message)


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment (``overrides`` win; tests use them)."""
    return Settings(**overrides)  # type: ignore[arg-type]

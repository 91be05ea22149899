"""The ops rules on their own: settings for webhook and database parts, JSON log lines,
liveness and the cached readiness probe, the scrape-time queue figures."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import asyncpg
import pytest
from pydantic import SecretStr, ValidationError

from bot.log_context import log_ids
from bot.logging_setup import JsonFormatter
from bot.ops.health import CachedProbe, Watch, liveness
from bot.settings import Settings, database_url_from_parts, describe_settings_error
from storage.database import Database
from storage.ops_repo import OpsRepo
from storage.update_repo import IncomingUpdate
from tests.conftest import PgServer

PASSWORD = "p@ss/w:rd#%?&="


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET", "DATABASE_URL", "DB_HOST", "DB_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def error_of(**values: object) -> str:
    with pytest.raises(ValidationError) as caught:
        Settings(**values)  # type: ignore[arg-type]
    return describe_settings_error(caught.value)


def test_a_webhook_url_without_its_secret_stops_start_up_with_one_clear_line() -> None:
    message = error_of(webhook_url="https://bot.example.com/telegram/webhook")
    assert message.startswith("Setting WEBHOOK_SECRET: required when WEBHOOK_URL is set")


def test_a_malformed_webhook_secret_is_refused_without_echoing_it() -> None:
    message = error_of(webhook_url="https://bot.example.com/hook", webhook_secret="bad secret!")
    assert message.startswith("Setting WEBHOOK_SECRET: must be 1-256 characters")
    assert "bad secret!" not in message


def test_webhook_defaults_keep_long_polling_and_a_local_listener() -> None:
    settings = Settings()
    assert not settings.uses_webhook
    assert (settings.webhook_host, settings.webhook_port) == ("127.0.0.1", 8443)
    assert (settings.metrics_port, settings.metrics_host) == (None, "127.0.0.1")
    assert settings.log_format == "text"


def test_the_database_url_is_built_from_parts_with_every_part_encoded() -> None:
    settings = Settings(db_host="db", db_user="agent iq", db_password=PASSWORD, db_name="agentiq")  # type: ignore[arg-type]
    assert settings.database_url is not None and not settings.uses_embedded_database
    parts = urlsplit(settings.database_url.get_secret_value())
    assert (parts.hostname, parts.port, parts.path) == ("db", 5432, "/agentiq")
    assert unquote(parts.username or "") == "agent iq"
    assert unquote(parts.password or "") == PASSWORD


def test_database_url_and_database_parts_together_are_refused() -> None:
    message = error_of(database_url="postgresql://a@b/c", db_host="db")
    assert message.startswith("Setting DB_HOST: set either DATABASE_URL or DB_HOST")


async def test_a_password_with_special_characters_connects(pg_server: PgServer) -> None:
    """A real server through a URL built from parts (a Unix socket host, as pgserver uses).
    The embedded server trusts local connections, so this proves the URL still names the
    right socket, user and database; the test above proves the password decodes intact."""
    admin = urlsplit(pg_server.admin_dsn)
    socket_dir = parse_qs(admin.query)["host"][0]
    conn = await asyncpg.connect(pg_server.admin_dsn)
    try:
        await conn.execute("DROP ROLE IF EXISTS ops_special")
        await conn.execute(f"CREATE ROLE ops_special LOGIN PASSWORD '{PASSWORD}'")
        url = database_url_from_parts(
            host=socket_dir, port=admin.port or 5432, user="ops_special",
            password=SecretStr(PASSWORD), database="postgres",
        )  # fmt: skip
        other = await asyncpg.connect(url)
        try:
            row = await other.fetchrow("SELECT current_user AS u, current_database() AS d")
            assert (row["u"], row["d"]) == ("ops_special", "postgres")
        finally:
            await other.close()
    finally:
        await conn.execute("DROP ROLE IF EXISTS ops_special")
        await conn.close()


@pytest.fixture
def json_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(["ozon-secret-key-123"]))
    logger = logging.getLogger("tests.ops.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_json_lines_carry_ids_from_the_context_and_extra_never_other_fields(
    json_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_log
    with log_ids(workspace_id=3, chat_id=42):
        logger.info("reply=%d sent key=%s", 7, "ozon-secret-key-123",
                    extra={"seller_id": 5, "text": "Привет, мой телефон"})  # fmt: skip
    logger.warning("outside")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "INFO" and first["logger"] == "tests.ops.json"
    assert first["message"] == "reply=7 sent key=***"
    assert (first["workspace_id"], first["chat_id"], first["seller_id"]) == (3, 42, 5)
    assert "text" not in first and "Привет" not in stream.getvalue()
    assert datetime.fromisoformat(first["time"]).tzinfo is not None
    assert "chat_id" not in second and second["level"] == "WARNING"


def test_json_lines_redact_tracebacks(json_log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = json_log
    try:
        raise RuntimeError("failed with ozon-secret-key-123")
    except RuntimeError:
        logger.exception("boom")
    entry = json.loads(stream.getvalue())
    assert "RuntimeError" in entry["exception"] and "ozon-secret-key-123" not in entry["exception"]


def test_log_ids_refuses_a_field_that_is_not_an_id() -> None:
    with pytest.raises(ValueError, match="not a log id field"), log_ids(buyer_name="Анна"):  # type: ignore[arg-type]
        pass


def test_liveness_names_a_loop_that_stopped_beating_or_running() -> None:
    watches = [
        Watch("fresh", last_beat=lambda: 95.0, running=lambda: True),
        Watch("stuck", last_beat=lambda: 10.0, running=lambda: True),
        Watch("dead", last_beat=lambda: 99.0, running=lambda: False),
    ]
    verdict = liveness(watches, now=100.0, stuck_after=60.0)
    assert not verdict.ok
    assert verdict.problems == ["stuck: no heartbeat for 90 s", "dead: not running"]
    assert liveness(watches[:1], now=100.0, stuck_after=60.0).ok


async def test_the_telegram_probe_is_cached_and_a_failure_retried_sooner() -> None:
    now = [0.0]
    calls: list[float] = []
    failing = [False]

    async def get_me() -> None:
        calls.append(now[0])
        if failing[0]:
            raise ConnectionError("down")

    probe = CachedProbe(get_me, ttl=60.0, retry_after=10.0, clock=lambda: now[0])
    assert await probe.result() is None
    now[0] = 59.0
    assert await probe.result() is None and len(calls) == 1
    now[0], failing[0] = 61.0, True
    assert await probe.result() == "ConnectionError"
    now[0] = 70.0
    assert await probe.result() == "ConnectionError" and len(calls) == 2
    now[0], failing[0] = 71.5, False
    assert await probe.result() is None and len(calls) == 3


async def test_queue_figures_count_what_waits_and_how_long(db: Database) -> None:
    await db.updates.store(
        [IncomingUpdate(update_id=1, chat_key="c:1", payload={"update_id": 1}),
         IncomingUpdate(update_id=2, chat_key="c:2", payload={"update_id": 2})]
    )  # fmt: skip
    await db.updates.mark_done(update_id=2)
    figures = await OpsRepo(db.pool).figures(now=datetime.now(UTC) + timedelta(minutes=5))
    [updates] = [q for q in figures.queues if q.queue == "tg_updates"]
    assert updates.depth == 1 and updates.oldest is not None
    assert not [q for q in figures.queues if q.queue in ("tg_outbox", "reply_outbox")]
    assert figures.sla == {"warned": 0, "escalated": 0, "hard_breached": 0}
    assert figures.drafts == {} and figures.accounts == {}

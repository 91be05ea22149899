"""Secrets never reach the log output, even when code logs them by mistake."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logging_setup import RedactingFormatter, setup_logging


def test_configured_secrets_and_token_shapes_are_masked() -> None:
    formatter = RedactingFormatter("%(message)s", ["ozon-key-123456", "sk-llm"])
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1,
        "key=%s llm=%s url=https://api.telegram.org/bot987654:%s/getMe",
        ("ozon-key-123456", "sk-llm", "A" * 35), None,
    )  # fmt: skip
    line = formatter.format(record)
    assert "ozon-key-123456" not in line
    assert "sk-llm" not in line
    assert "A" * 35 not in line
    assert line.count("***") == 3


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_http_client_loggers_are_quiet() -> None:
    setup_logging("DEBUG", [])
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING

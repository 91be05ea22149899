"""Logging for the process: one format, quiet HTTP libraries, secrets masked.

httpx logs full request URLs at INFO, and a Bot API URL contains the token, so those
loggers are raised to WARNING. As a second line of defence every formatted record is
scrubbed of the configured secret values and of anything shaped like a bot token.

``LOG_FORMAT=json`` writes one JSON object per line (time, level, logger, message and the
ids of the seller, chat, workspace or update involved: see :mod:`bot.log_context`) for log
collectors; the same redaction applies to every string in it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from bot.log_context import ID_FIELDS, current_ids

_TOKEN_SHAPE = re.compile(r"(?<!\d)\d{5,20}:[A-Za-z0-9_-]{30,}")
_MASK = "***"
# Chatty libraries: URLs with tokens (httpx), a line per update (aiogram.event), initdb's
# whole output (pgserver), a line per job run (apscheduler).
_QUIET_LOGGERS = (
    "httpx",
    "httpcore",
    "aiohttp.access",
    "aiogram.event",
    "pgserver",
    "apscheduler.scheduler",
    "apscheduler.executors.default",
)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then replaces every known secret with ``***``."""

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, _MASK)
        return _TOKEN_SHAPE.sub(_MASK, text)


class JsonFormatter(RedactingFormatter):
    """One JSON object per record. Ids come from the bound log context and from ``extra``
    fields of the same names (``logger.info(..., extra={"seller_id": 5})``); nothing else
    from ``extra`` is written, so a stray attribute cannot leak a text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__("%(message)s", secrets)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        ids = dict(current_ids())
        for name in ID_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, int | str) and not isinstance(value, bool):
                ids[name] = value
        for name in ID_FIELDS:
            if name in ids:
                entry[name] = ids[name]
        if record.exc_info:
            entry["exception"] = self.redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = self.redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(
    level: str, secrets: Iterable[str] = (), log_format: Literal["text", "json"] = "text"
) -> None:
    handler = logging.StreamHandler(sys.stderr)
    formatter: logging.Formatter
    if log_format == "json":
        formatter = JsonFormatter(secrets)
    else:
        formatter = RedactingFormatter(TEXT_FORMAT, secrets)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)

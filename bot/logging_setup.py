"""Logging for the process: one format, quiet HTTP libraries, secrets masked.

httpx logs full request URLs at INFO, and a Bot API URL contains the token, so those
loggers are raised to WARNING. As a second line of defence every formatted record is
scrubbed of the configured secret values and of anything shaped like a bot token.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

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


def setup_logging(level: str, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)

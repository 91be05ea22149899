"""The chat model behind drafts: any OpenAI-compatible API through the official client.

One :class:`openai.AsyncOpenAI` per process, with an explicit short timeout and a bounded
number of retries (the client retries 408/409/429/5xx and connection errors itself, with
backoff). Whatever goes wrong (timeout, refusal, a body that is not a completion, empty
text) comes out as :class:`LlmFailed`, so the caller falls back to a template and the
product keeps working. The key never reaches a log line or an error text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import openai

logger = logging.getLogger(__name__)


class LlmFailed(Exception):
    """No usable answer; ``reason`` is a short code for logs and the stored suggestion."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class LlmAnswer:
    text: str
    model: str
    latency_ms: int


class LlmClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        timeout_seconds: float = 8.0,
        max_retries: int = 1,
    ) -> None:
        self.model = model
        self._timeout = timeout_seconds
        self._client = openai.AsyncOpenAI(
            base_url=base_url,
            api_key=api_key,
            timeout=openai.Timeout(timeout_seconds, connect=min(3.0, timeout_seconds)),
            max_retries=max_retries,
        )

    async def complete(
        self, messages: Sequence[dict[str, str]], *, temperature: float = 0.4
    ) -> LlmAnswer:
        started = time.monotonic()
        try:
            response: Any = await self._client.chat.completions.create(
                model=self.model,
                messages=list(messages),  # type: ignore[arg-type]
                temperature=temperature,
                max_tokens=400,
            )
        except openai.APITimeoutError:
            raise LlmFailed("timeout") from None
        except openai.RateLimitError:
            raise LlmFailed("rate_limited") from None
        except openai.APIStatusError as exc:
            raise LlmFailed(f"http_{exc.status_code}") from None
        except openai.APIConnectionError:
            raise LlmFailed("unreachable") from None
        except (openai.OpenAIError, ValueError, TypeError):
            raise LlmFailed("malformed") from None
        text = _content(response)
        if text is None:
            raise LlmFailed("malformed")
        latency = int((time.monotonic() - started) * 1000)
        return LlmAnswer(
            text=text, model=str(getattr(response, "model", "") or self.model), latency_ms=latency
        )

    async def aclose(self) -> None:
        await self._client.close()


def _content(response: Any) -> str | None:
    """The first choice's text, or None for anything that is not a usable completion."""
    choices = getattr(response, "choices", None)
    if not choices:
        return None
    message = getattr(choices[0], "message", None)
    content = getattr(message, "content", None)
    if not isinstance(content, str) or not content.strip():
        return None
    return content.strip()

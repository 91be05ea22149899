"""``LlmEmulator``: an OpenAI-compatible ``/chat/completions`` plus its control API."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from sandbox.serving import bound_port, start_site

FAULT_KINDS = frozenset({"429", "500", "slow", "malformed", "no_choices", "empty"})

_STATE: web.AppKey[LlmState] = web.AppKey("llm_state")

# Canned answers for the unscripted case: the first keyword found in the buyer's last
# message picks the answer. Written as a seller would write them, guardrail-clean.
_CANNED: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("брак", "порван", "слом", "дефект", "не работает"),
        "Здравствуйте! Очень жаль, что так вышло. Похоже на дефект именно этого экземпляра: "
        "пришлите, пожалуйста, фото, мы передадим их в отдел качества и подскажем, как "
        "лучше поступить.",
    ),
    (
        ("курьер", "достав", "когда", "где заказ", "трек"),
        "Здравствуйте! Заказ передан в доставку, статус и сроки видны в разделе «Мои "
        "заказы». Если что-то изменится, напишите нам здесь.",
    ),
    (
        ("размер", "маломер", "большемер", "рост"),
        "Здравствуйте! Модель соответствует размерной сетке в карточке товара. Подскажите "
        "ваши параметры, и мы поможем выбрать размер.",
    ),
    (
        ("спасибо", "благодар"),
        "Спасибо за тёплые слова! Будем рады видеть вас снова.",
    ),
)
_DEFAULT = "Здравствуйте! Спасибо за вопрос. Уточните, пожалуйста, детали, и мы сразу поможем."


@dataclass
class Fault:
    kind: str
    count: int | None = 1  # None: until cleared
    seconds: float = 0.0


@dataclass
class LlmState:
    """The emulated model: scripted replies, armed faults, fixed latency, what was asked."""

    latency: float = 0.0
    api_key: str | None = None
    replies: list[str] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def script(self, text: str, count: int = 1) -> None:
        self.replies.extend([text] * count)

    def fail(self, kind: str, *, count: int | None = 1, seconds: float = 0.0) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {sorted(FAULT_KINDS)}")
        if kind == "slow" and seconds <= 0:
            raise ValueError("a slow fault needs seconds > 0")
        fault = Fault(kind, count, seconds)
        self.faults.append(fault)
        return fault

    def take_fault(self) -> Fault | None:
        if not self.faults:
            return None
        fault = self.faults[0]
        if fault.count is not None:
            fault.count -= 1
            if fault.count <= 0:
                self.faults.pop(0)
        return fault

    def answer_for(self, messages: list[dict[str, Any]]) -> str:
        if self.replies:
            return self.replies.pop(0)
        last_user = next(
            (str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"),
            "",
        )
        lowered = _question_of(last_user).lower()
        for words, answer in _CANNED:
            if any(word in lowered for word in words):
                return answer
        return _DEFAULT


def _question_of(user_message: str) -> str:
    """The buyer's words in a prompt: the part after the last 'Buyer' marker if present."""
    marker = user_message.rfind("Покупатель:")
    return user_message[marker:] if marker >= 0 else user_message


def _error(
    status: int, message: str, code: str, headers: dict[str, str] | None = None
) -> web.Response:
    body = {"error": {"message": message, "type": code, "code": code}}
    return web.json_response(body, status=status, headers=headers)


async def _fault_response(
    state: LlmState, fault: Fault | None, record: dict[str, Any]
) -> web.Response | None:
    """Wait the model time; answer for a fault that replaces the completion, else None."""
    if fault is not None and fault.kind in ("429", "500"):
        record["status"] = int(fault.kind)
        if fault.kind == "429":
            return _error(429, "Rate limit reached", "rate_limit_exceeded", {"Retry-After": "0"})
        return _error(500, "The server had an error", "server_error")
    delay = state.latency + (fault.seconds if fault is not None and fault.kind == "slow" else 0)
    if delay > 0:
        await asyncio.sleep(delay)
    if fault is not None and fault.kind == "malformed":
        return web.Response(text='{"choices": [ this is not json', content_type="application/json")
    return None


async def _completions(request: web.Request) -> web.StreamResponse:
    state = request.app[_STATE]
    if state.api_key is not None:
        auth = request.headers.get("Authorization", "")
        if auth != f"Bearer {state.api_key}":
            return _error(401, "Incorrect API key provided", "invalid_api_key")
    try:
        body = await request.json()
    except json.JSONDecodeError:
        return _error(400, "request body is not JSON", "invalid_request_error")
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list) or not messages:
        return _error(400, "messages must be a non-empty list", "invalid_request_error")
    record: dict[str, Any] = {
        "model": body.get("model"),
        "messages": messages,
        "temperature": body.get("temperature"),
        "max_tokens": body.get("max_tokens"),
        "status": 200,
    }
    state.requests.append(record)
    fault = state.take_fault()
    refused = await _fault_response(state, fault, record)
    if refused is not None:
        return refused
    model = str(body.get("model") or "emulated-model")
    if fault is not None and fault.kind == "no_choices":
        return web.json_response({"id": "x", "object": "chat.completion", "model": model})
    content = "" if fault is not None and fault.kind == "empty" else state.answer_for(messages)
    return web.json_response(
        {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }
    )


async def _control_json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except json.JSONDecodeError:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body is not JSON"}), content_type="application/json"
        ) from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body must be an object"}), content_type="application/json"
        )
    return body


def _bad(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


async def _post_replies(request: web.Request) -> web.Response:
    body = await _control_json(request)
    text, count = body.get("text"), body.get("count", 1)
    if not isinstance(text, str) or not isinstance(count, int) or count < 1:
        return _bad("need text (string) and count (integer >= 1)")
    request.app[_STATE].script(text, count)
    return web.json_response({"queued": count}, status=201)


async def _post_fault(request: web.Request) -> web.Response:
    body = await _control_json(request)
    count = body.get("count", 1)
    if count is not None and (not isinstance(count, int) or count < 1):
        return _bad("count must be an integer >= 1 or null")
    try:
        request.app[_STATE].fail(
            str(body.get("kind")), count=count, seconds=float(body.get("seconds") or 0)
        )
    except ValueError as exc:
        return _bad(str(exc))
    return await _get_faults(request, status=201)


async def _get_faults(request: web.Request, status: int = 200) -> web.Response:
    faults = [asdict(f) for f in request.app[_STATE].faults]
    return web.json_response({"faults": faults}, status=status)


async def _delete_faults(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    cleared, state.faults = len(state.faults), []
    return web.json_response({"cleared": cleared})


async def _post_latency(request: web.Request) -> web.Response:
    body = await _control_json(request)
    seconds = body.get("seconds")
    if not isinstance(seconds, int | float) or seconds < 0:
        return _bad("seconds must be a number >= 0")
    request.app[_STATE].latency = float(seconds)
    return web.json_response({"latency": float(seconds)})


async def _get_requests(request: web.Request) -> web.Response:
    return web.json_response({"requests": request.app[_STATE].requests})


async def _delete_requests(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    cleared, state.requests = len(state.requests), []
    return web.json_response({"cleared": cleared})


def build_app(state: LlmState) -> web.Application:
    app = web.Application()
    app[_STATE] = state
    app.router.add_post("/chat/completions", _completions)
    app.router.add_post("/v1/chat/completions", _completions)
    app.router.add_post("/__control/replies", _post_replies)
    app.router.add_post("/__control/faults", _post_fault)
    app.router.add_get("/__control/faults", _get_faults)
    app.router.add_delete("/__control/faults", _delete_faults)
    app.router.add_post("/__control/latency", _post_latency)
    app.router.add_get("/__control/requests", _get_requests)
    app.router.add_delete("/__control/requests", _delete_requests)
    return app


class LlmEmulator:
    """An OpenAI-compatible chat model on ``host:port``; ``port=0`` picks a free port.

    Use as ``async with LlmEmulator() as llm:`` or :meth:`start` / :meth:`stop`. ``state``
    (shared with the caller) holds the script, faults, latency and the requests received.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency: float = 0.0,
        api_key: str | None = None,
        state: LlmState | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.state = state if state is not None else LlmState(latency=latency, api_key=api_key)
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        if self._runner is None:
            raise RuntimeError("LlmEmulator is not started")
        return f"http://{self.host}:{self.port}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.state.requests

    def script(self, text: str, count: int = 1) -> None:
        self.state.script(text, count)

    def fail(self, kind: str, *, count: int | None = 1, seconds: float = 0.0) -> Fault:
        return self.state.fail(kind, count=count, seconds=seconds)

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("LlmEmulator is already started")
        runner = await start_site(build_app(self.state), self.host, self.port)
        self._runner = runner
        self.port = bound_port(runner)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> LlmEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

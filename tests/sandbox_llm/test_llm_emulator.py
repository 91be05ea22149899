"""The OpenAI-compatible emulator through the official client and its control API."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator

import httpx
import openai
import pytest

from bot.drafts.llm import LlmClient, LlmFailed
from sandbox.llm import LlmEmulator

KEY = "sk-test-0123"


@pytest.fixture
async def llm() -> AsyncIterator[LlmEmulator]:
    async with LlmEmulator(api_key=KEY) as emulator:
        yield emulator


def client(llm: LlmEmulator, *, timeout: float = 2.0, retries: int = 1) -> LlmClient:
    return LlmClient(
        base_url=llm.base_url,
        api_key=KEY,
        model="deepseek-chat",
        timeout_seconds=timeout,
        max_retries=retries,
    )


USER = [{"role": "user", "content": "Покупатель: Когда доставка?"}]


async def test_success_with_the_official_client(llm: LlmEmulator) -> None:
    llm.script("Здравствуйте! Заказ в пути.")
    answer = await client(llm).complete(USER)
    assert answer.text == "Здравствуйте! Заказ в пути."
    assert answer.model == "deepseek-chat"
    [request] = llm.requests
    assert request["messages"] == USER and request["model"] == "deepseek-chat"


async def test_unscripted_answers_follow_the_buyers_words(llm: LlmEmulator) -> None:
    answer = await client(llm).complete(USER)
    assert "доставк" in answer.text


async def test_fixed_latency_is_the_model_time(llm: LlmEmulator) -> None:
    llm.state.latency = 0.3
    answer = await client(llm).complete(USER)
    assert answer.latency_ms >= 300


async def test_slow_answer_times_out_within_bounded_retries(llm: LlmEmulator) -> None:
    llm.fail("slow", count=None, seconds=5)
    with pytest.raises(LlmFailed) as failed:
        await client(llm, timeout=0.3, retries=1).complete(USER)
    assert failed.value.reason == "timeout"
    assert len(llm.requests) == 2  # one try plus one bounded retry


@pytest.mark.parametrize(("kind", "reason"), [("429", "rate_limited"), ("500", "http_500")])
async def test_429_and_500_are_retried_then_given_up(
    llm: LlmEmulator, kind: str, reason: str
) -> None:
    llm.fail(kind, count=None)
    with pytest.raises(LlmFailed) as failed:
        await client(llm, retries=2).complete(USER)
    assert failed.value.reason == reason
    assert len(llm.requests) == 3


@pytest.mark.parametrize("kind", ["429", "500"])
async def test_one_transient_error_is_retried_to_success(llm: LlmEmulator, kind: str) -> None:
    llm.fail(kind, count=1)
    llm.script("Готово")
    assert (await client(llm).complete(USER)).text == "Готово"


@pytest.mark.parametrize("kind", ["malformed", "no_choices", "empty"])
async def test_malformed_output_is_a_failure(llm: LlmEmulator, kind: str) -> None:
    llm.fail(kind)
    with pytest.raises(LlmFailed) as failed:
        await client(llm).complete(USER)
    assert failed.value.reason == "malformed"


async def test_a_wrong_key_is_refused_and_not_echoed(llm: LlmEmulator) -> None:
    wrong = LlmClient(base_url=llm.base_url, api_key="sk-wrong", model="m")
    with pytest.raises(LlmFailed) as failed:
        await wrong.complete(USER)
    assert failed.value.reason == "http_401"
    assert "sk-wrong" not in str(failed.value)


async def test_control_api(llm: LlmEmulator) -> None:
    root = llm.base_url.removesuffix("/v1")
    async with httpx.AsyncClient(base_url=root) as http:
        assert (await http.post("/__control/replies", json={"text": "A", "count": 2})).json() == {
            "queued": 2
        }
        faults = await http.post("/__control/faults", json={"kind": "500", "count": 1})
        assert faults.status_code == 201 and faults.json()["faults"][0]["kind"] == "500"
        bad = await http.post("/__control/faults", json={"kind": "nope"})
        assert bad.status_code == 400 and "unknown fault" in bad.json()["error"]
        assert (await http.post("/__control/latency", json={"seconds": 0.1})).json() == {
            "latency": 0.1
        }
        assert (await http.delete("/__control/faults")).json() == {"cleared": 1}
        await client(llm).complete(USER)
        listed = (await http.get("/__control/requests")).json()["requests"]
        assert listed[0]["messages"] == USER
        assert (await http.delete("/__control/requests")).json() == {"cleared": 1}
    assert llm.state.replies == ["A"]


def test_standalone_process_serves_the_official_client(tmp_path: object) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.llm", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        sync = openai.OpenAI(
            base_url=f"http://127.0.0.1:{port}/v1", api_key="any", max_retries=0, timeout=2
        )
        while True:
            try:
                reply = sync.chat.completions.create(model="m", messages=USER)  # type: ignore[arg-type]
                break
            except openai.APIConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert reply.choices[0].message.content
    finally:
        process.terminate()
        process.wait(timeout=10)

"""Local OpenAI-compatible chat-completions emulator (offline demo, tests, benchmarks).

The bot reaches it exactly as it reaches DeepSeek or OpenAI, through the official
``openai.AsyncOpenAI(base_url=emulator.base_url, api_key=...)`` client: both
``POST /chat/completions`` and ``POST /v1/chat/completions`` answer, with the usual
``{"id", "object": "chat.completion", "model", "choices": [{"message": {"role":
"assistant", "content"}}], "usage"}`` body. A ``Bearer`` key is required when the emulator
was given one (401 ``invalid_api_key`` otherwise).

In process::

    from sandbox.llm import LlmEmulator

    async with LlmEmulator(latency=0.2) as llm:
        llm.script("Здравствуйте! Заказ уже в пути.")      # the next answer
        llm.fail("429", count=1)                             # then a fault before it
        client = AsyncOpenAI(base_url=llm.base_url, api_key="test")
        ...
        llm.requests[-1]["messages"]                         # what the bot asked

Standalone: ``python -m sandbox.llm --port 8083 [--host 127.0.0.1] [--latency 0.5]
[--api-key KEY]``.

What it answers, in order: an injected fault if one is armed, else the next scripted reply,
else a short polite Russian reply chosen by keywords of the last user message (so the demo
works with nothing scripted). Every answer waits ``latency`` seconds first (the "model
time", which benchmarks subtract).

Faults (``kind``): ``429`` (with ``Retry-After: 0``), ``500``, ``slow`` (waits ``seconds``
more before answering normally), ``malformed`` (200 with a body that is not JSON),
``no_choices`` (200 JSON without ``choices``), ``empty`` (200 with empty content).

Control API (JSON in and out; errors ``{"error": "..."}`` with 400):

``POST /__control/replies``
    ``{"text": "Здравствуйте!", "count": 1}`` → 201 ``{"queued": 1}``: the next answer(s).
``POST /__control/faults``
    ``{"kind": "429", "count": 2, "seconds": 0}`` → 201 ``{"faults": [...]}``; ``count``
    null means until cleared. ``GET`` lists, ``DELETE`` clears → ``{"cleared": 2}``.
``POST /__control/latency``
    ``{"seconds": 0.5}`` → ``{"latency": 0.5}``: fixed model time for every answer.
``GET /__control/requests``
    → ``{"requests": [{"model", "messages", "temperature", "max_tokens", "status"}]}``
``DELETE /__control/requests`` → ``{"cleared": 3}``
"""

from .server import FAULT_KINDS, Fault, LlmEmulator, LlmState

__all__ = ["FAULT_KINDS", "Fault", "LlmEmulator", "LlmState"]

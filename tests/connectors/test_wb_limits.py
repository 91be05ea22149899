"""Content rules refused before sending; the per-seller 10-per-10-s budget; 429 handling."""

import httpx
import pytest

from connectors.errors import ContentRejected, RateLimited
from connectors.ratelimit import WindowLimiter
from connectors.wildberries.rules import MAX_FILE_BYTES, OutgoingFile

from .wb_fakes import (
    JPEG,
    PDF,
    PNG,
    REPLY_SIGN,
    FakeClock,
    FakeWb,
    jwt,
    make_api,
    ok,
    problem,
)

MIB = 1024 * 1024


def big(kind: bytes, size: int) -> bytes:
    return kind + b"\x00" * (size - len(kind))


@pytest.mark.parametrize(
    ("text", "files", "rule", "file_name"),
    [
        ("я" * 1001, [], "text_too_long", None),
        ("   ", [], "empty", None),
        (None, [], "empty", None),
        ("ok", [OutgoingFile("clip.mp4", b"\x00\x00\x00\x18ftypmp42")], "file_type", "clip.mp4"),
        ("ok", [OutgoingFile("fake.jpg", b"GIF89a....")], "file_type", "fake.jpg"),
        (None, [OutgoingFile("big.pdf", big(PDF, MAX_FILE_BYTES + 1))], "file_too_big", "big.pdf"),
        (
            None,
            [OutgoingFile("seven.jpg", big(JPEG, 7 * 1000 * 1000))],
            "file_too_big",
            "seven.jpg",
        ),
        (
            None,
            [OutgoingFile(f"p{i}.png", big(PNG, 5 * MIB)) for i in range(6)]
            + [OutgoingFile("last.png", PNG)],
            "files_too_big",
            "last.png",
        ),
    ],
)
async def test_broken_rule_is_named_and_nothing_is_sent(
    text: str | None, files: list[OutgoingFile], rule: str, file_name: str | None
) -> None:
    fake = FakeWb()
    _, api, _ = make_api(fake)
    with pytest.raises(ContentRejected) as refused:
        await api.send(REPLY_SIGN, text, files)
    assert refused.value.rule == rule
    assert refused.value.file_name == file_name
    assert fake.requests == []


async def test_limits_themselves_pass() -> None:
    fake = FakeWb()
    fake.default("/api/v1/seller/message", ok({"chatID": "1:a"}))
    _, api, _ = make_api(fake)
    files = [OutgoingFile(f"p{i}.pdf", big(PDF, 5 * MIB)) for i in range(6)]
    await api.send(REPLY_SIGN, "я" * 1000, files)
    assert len(fake.requests) == 1


async def test_bucket_keeps_a_seller_within_ten_per_ten_seconds() -> None:
    clock = FakeClock()
    limiter = WindowLimiter(10, 10.5, clock=clock, sleep=clock.sleep)
    fake = FakeWb()
    sent_at: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now)
        if request.url.path.endswith("/chats"):
            return ok([])
        return ok({"next": 1, "totalEvents": 0, "events": []})

    fake.default("/api/v1/seller/events", answer)
    fake.default("/api/v1/seller/chats", answer)
    client, api, _ = make_api(fake, limiter=limiter)
    for i in range(40):
        await (api.events() if i % 2 else api.chats())  # all methods share one budget
    assert len(sent_at) == 40
    for start in sent_at:  # WB's limit, read as a window...
        assert sum(1 for t in sent_at if start <= t < start + 10.0) <= 10
    tokens, last = 10.0, 0.0  # ...and read as a bucket of 1/s, burst 10
    for t in sent_at:
        tokens = min(10.0, tokens + (t - last))
        last = t
        assert tokens >= 1.0
        tokens -= 1.0
    assert sent_at[-1] == pytest.approx(31.5)  # and no slower than the window needs
    other = client.for_seller(jwt({"sid": "other-seller"}))
    before = clock.now
    for _ in range(9):
        await other.chats()
    assert clock.now == before  # another seller's budget is its own
    assert client.calls.for_account(api.seller_key)["/api/v1/seller/events"] == 20
    assert client.calls.for_account("other-seller")["/api/v1/seller/chats"] == 9


async def test_429_waits_as_told_then_succeeds() -> None:
    fake = FakeWb()
    fake.queue(
        "/api/v1/seller/chats",
        problem(429, "limited", {"X-Ratelimit-Retry": "4", "X-Ratelimit-Limit": "10"}),
        problem(429, "limited", {"Retry-After": "2"}),
        ok([]),
    )
    _, api, sleep = make_api(fake)
    assert await api.chats() == []
    assert sleep.delays == [4.0, 2.0]


async def test_429_asking_for_an_hour_is_not_slept_through() -> None:
    fake = FakeWb()
    fake.queue("/api/v1/seller/events", problem(429, "limited", {"X-Ratelimit-Retry": "3600"}))
    _, api, sleep = make_api(fake)
    with pytest.raises(RateLimited) as limited:
        await api.events()
    assert limited.value.retry_after == 3600
    assert sleep.delays == [] and len(fake.requests) == 1


async def test_retries_are_bounded() -> None:
    fake = FakeWb()
    fake.default("/api/v1/seller/events", problem(503, "down"))
    _, api, sleep = make_api(fake, max_attempts=3)
    with pytest.raises(Exception, match="down"):
        await api.events()
    assert len(fake.requests) == 3 and len(sleep.delays) == 2


async def test_window_limiter_queues_concurrent_callers() -> None:
    clock = FakeClock()
    limiter = WindowLimiter(10, 10.0, clock=clock, sleep=clock.sleep)
    waits = [limiter._reserve("k") for _ in range(25)]
    assert waits[:10] == [0.0] * 10
    assert waits[10:20] == [10.0] * 10
    assert waits[20:] == [20.0] * 5
    clock.now = 100.0  # idle: the window is empty again
    assert limiter._reserve("k") == 0.0
    assert limiter._reserve("other") == 0.0
    with pytest.raises(ValueError):
        WindowLimiter(0, 1.0)

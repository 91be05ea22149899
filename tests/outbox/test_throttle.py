"""The per-group budget with a fake clock: under Telegram's limits, pauses per group."""

from __future__ import annotations

from bot.outbox.throttle import Budget, TelegramThrottle

GROUP_A, GROUP_B = -1001, -1002


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(clock: FakeClock) -> TelegramThrottle:
    return TelegramThrottle(group=Budget(3, 60.0), overall=Budget(5, 1.0), clock=clock)


def test_a_group_gets_its_budget_then_waits_for_the_oldest_unit() -> None:
    clock = FakeClock()
    throttle = make(clock)
    for _ in range(3):
        assert throttle.delay(GROUP_A) == 0
        throttle.spend(GROUP_A)
        clock.now += 1
    assert throttle.delay(GROUP_A) == 57.0  # the first unit leaves the window at t+60
    clock.now += 57
    assert throttle.delay(GROUP_A) == 0
    assert throttle.spent(GROUP_A) == 3


def test_groups_have_separate_budgets() -> None:
    clock = FakeClock()
    throttle = make(clock)
    for _ in range(3):
        throttle.spend(GROUP_A)
    clock.now += 1
    assert throttle.delay(GROUP_A) > 0
    assert throttle.delay(GROUP_B) == 0


def test_the_overall_budget_spans_groups() -> None:
    clock = FakeClock()
    throttle = TelegramThrottle(group=Budget(10, 60.0), overall=Budget(2, 1.0), clock=clock)
    throttle.spend(GROUP_A)
    throttle.spend(GROUP_B)
    assert throttle.delay(-1003) == 1.0
    clock.now += 1
    assert throttle.delay(-1003) == 0


def test_retry_after_pauses_only_that_group_and_never_shortens_a_pause() -> None:
    clock = FakeClock()
    throttle = make(clock)
    throttle.pause(GROUP_A, 30)
    throttle.pause(GROUP_A, 5)
    assert throttle.delay(GROUP_A) == 30
    assert throttle.delay(GROUP_B) == 0
    clock.now += 30
    assert throttle.delay(GROUP_A) == 0


def test_a_sustained_stream_never_exceeds_the_budget_in_any_window() -> None:
    clock = FakeClock()
    throttle = TelegramThrottle(group=Budget(18, 60.0), clock=clock)
    sent: list[float] = []
    for _ in range(2000):  # a queue that always has something for this group
        if throttle.delay(GROUP_A) == 0:
            throttle.spend(GROUP_A)
            sent.append(clock.now)
        clock.now += 0.25
    assert len(sent) >= 18 * 8  # it keeps sending at the budget's pace…
    for index, start in enumerate(sent):  # …and no 60-second window holds more than 18
        assert sum(1 for t in sent[index:] if t < start + 60) <= 18

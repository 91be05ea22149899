"""The /stats chart and caption (issue 16, item 3): drawn for real, its texts read back
from matplotlib's artists; the caption fitted to Telegram's 1024 characters; durations
and time left as a person writes them."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from bot.sla.format import duration, time_left
from bot.sla.stats import (
    CAPTION_LIMIT,
    StatsReport,
    caption,
    caption_length,
    render_chart,
    render_text,
)
from bot.sla.stats_chart import bucket_labels, draw_chart
from bot.texts import Locale, plain_text
from bot.texts.markup import visible
from storage.sla_stats_repo import Aggregate, DayFigure
from tests.support.texts import has, says


def figures(dimension: str, key: str | None, in_time: int, decided: int) -> Aggregate:
    return Aggregate(dimension, key, decided, decided, in_time, decided, 1500.0, 2220.0)


def report(period: str = "7d", **changes: object) -> StatsReport:
    days = [DayFigure(date(2026, 11, 26) + timedelta(days=n), n % 3, 3) for n in range(7)]
    days[2] = DayFigure(days[2].day, 0, 0)  # a day without decided turns: a gap, not 0 %
    base = StatsReport(
        period=period,
        overall=figures("all", None, 20, 30),
        priorities={  # "low" has no chats at all, "normal" none decided yet
            "urgent": figures("priority", "urgent", 4, 6),
            "high": figures("priority", "high", 9, 10),
            "normal": Aggregate("priority", "normal", 3, 0, 0, 0, None, None),
        },
        agents=[],
        sellers=[],
        histogram=[3, 8, 12, 6, 3, 1, 0, 1, 0, 1],
        ai_accepted=1,
        ai_decided=2,
        waiting=2,
        days=[] if period == "today" else days,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def shown_texts(period: str, locale: Locale) -> list[str]:
    figure = draw_chart(report(period), locale)
    figure.canvas.draw()
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_the_chart_speaks_the_persons_language(locale: Locale) -> None:
    shown = shown_texts("7d", locale)
    for label in bucket_labels(locale):
        assert label in shown
    for priority in ("urgent", "high", "normal", "low"):
        assert plain_text(f"chart.prio.{priority}", locale) in shown
    for key in ("chart.goal", "chart.daily", "chart.compliance", "chart.hist"):
        assert plain_text(key, locale) in shown, key
    period = plain_text("stats.period.7d", locale)
    assert plain_text("chart.title", locale, period=period) in shown
    if locale == "ru":  # none of the old English labels in Russian mode
        assert not {"urgent", "high", "normal", "low", "<5m", ">48h"} & set(shown)
        assert bucket_labels("ru")[0] == "до 5 мин" and bucket_labels("ru")[-1] == "больше 2 сут"


def test_counts_are_whole_numbers_and_every_bar_says_its_value() -> None:
    figure = draw_chart(report(), "ru")
    figure.canvas.draw()
    histogram = figure.axes[0]
    ticks = [t.get_text() for t in histogram.get_xticklabels() if t.get_text()]
    assert ticks and all(t.isdigit() for t in ticks)  # never 0.2, 0.4, …
    shown = {t.get_text() for t in histogram.texts}  # bar_label adds one text per bar
    assert {"3", "8", "12", "6", "1"} <= shown, shown


def test_a_priority_without_decided_chats_says_so_instead_of_zero() -> None:
    figure = draw_chart(report(), "ru")
    compliance = figure.axes[1]
    no_chats = [t for t in compliance.texts if t.get_text() == plain_text("chart.no_chats", "ru")]
    assert len(no_chats) == 2  # normal (nothing decided yet) and low (no chats)
    bars = [p for p in compliance.patches if isinstance(p, Rectangle)]
    assert len(bars) == 2  # urgent and high only: no 0 % bar is drawn
    labels = {t.get_text() for t in compliance.texts}
    assert "67 % (4/6)" in labels and "90 % (9/10)" in labels


def test_seven_and_thirty_days_have_a_per_day_line() -> None:
    week = draw_chart(report("7d"), "ru")
    assert len(week.axes) == 3
    [line] = [obj for obj in week.axes[2].get_lines() if isinstance(obj, Line2D)]
    ys = list(line.get_ydata())
    assert len(ys) == 7 and ys[2] != ys[2]  # NaN: a gap on the day nothing was decided
    assert ys[0] == 0 and ys[1] == pytest.approx(100 / 3)
    assert len(draw_chart(report("today"), "ru").axes) == 2


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_the_png_is_phone_sized(locale: Locale) -> None:
    png = render_chart(report(), locale)
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert image.format == "PNG" and image.size[0] == 1080 and image.size[1] > 1000


def test_a_long_report_is_cut_to_fit_a_caption() -> None:
    people = [(f"Сотрудник с длинным именем номер {n:02}", figures("agent", str(n), 3, 5))
              for n in range(12)]  # fmt: skip
    shops = [(f"Магазин с очень длинным названием {n:02}", figures("seller", str(n), 3, 5))
             for n in range(12)]  # fmt: skip
    long = report(agents=people, sellers=shops)
    assert caption_length(render_text(long, "ru")) > CAPTION_LIMIT  # would be refused as is
    fitted = caption(long, "ru")
    assert len(visible(fitted)) <= caption_length(fitted) <= CAPTION_LIMIT
    assert has(fitted, says("stats.more")) and has(fitted, says("stats.head"))
    for priority in ("urgent", "high"):  # the figures that matter always stay
        assert plain_text(f"stats.prio_name.{priority}", "ru") in visible(fitted)
    short = report()
    assert caption(short, "ru") == render_text(short, "ru")


def test_the_report_speaks_of_percentiles_in_words() -> None:
    shown = visible(render_text(report(), "ru"))
    assert "p90" not in shown and "SLA" not in shown
    assert has(render_text(report(), "ru"), says("stats.frt", median="25 мин", p90="37 мин"))


@pytest.mark.parametrize(
    ("value", "ru", "en"),
    [
        (timedelta(days=1), "1 день", "1 day"),
        (timedelta(days=2, hours=4), "2 дня 4 ч", "2 days 4 h"),
        (timedelta(days=5), "5 дней", "5 days"),
        (timedelta(days=21, hours=1), "21 день 1 ч", "21 days 1 h"),
        (timedelta(hours=3, minutes=10), "3 ч 10 мин", "3 h 10 min"),
    ],
)
def test_durations_read_as_written(value: timedelta, ru: str, en: str) -> None:
    assert (duration(value, "ru"), duration(value, "en")) == (ru, en)


def test_time_left_is_rounded_down_and_says_under_five_minutes() -> None:
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)

    def left(minutes: float) -> str:
        return time_left(now + timedelta(minutes=minutes), now, "ru", rough=True)

    assert left(27.5) == "осталось 25 мин"
    assert left(3) == "осталось меньше 5 мин"
    assert left(-3) == "просрочен меньше чем на 5 мин"
    assert left(-70) == "просрочен на 1 ч"
    assert left(24 * 60) == "осталось 1 день"

"""The digest's caption: the week's figures with arrows against the week before, short
enough for a photo caption (Telegram's 1024 characters), cutting per-agent and per-shop
rows before anything else."""

from __future__ import annotations

from datetime import timedelta

from bot.digest.figures import WeekFigures
from bot.sla.stats import priority_lines, share
from bot.sla.stats import seconds_shown as seconds
from bot.texts import Html, Locale, markup, text
from storage.sla_stats_repo import Aggregate

CAPTION_LIMIT = 1024
_ROWS = 5


def trend(delta: float | None, shown: str, locale: Locale) -> Html:
    """ " (↑ 5)", " (↓ 2 мин)", " (→)" (with its leading space); nothing when last week
    has no figure to compare with."""
    if delta is None:
        return Html("")
    if round(delta) == 0:
        return Html(" " + text("digest.trend.same", locale))
    key = "digest.trend.up" if delta > 0 else "digest.trend.down"
    return Html(" " + text(key, locale, delta=shown))


def count_trend(now: int, before: int, locale: Locale) -> Html:
    return trend(now - before, str(abs(now - before)), locale)


def _rate(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def rate_trend(now: float | None, before: float | None, locale: Locale) -> Html:
    if now is None or before is None:
        return Html("")
    delta = now - before
    return trend(delta, text("digest.points", locale, n=f"{abs(delta):.0f}"), locale)


def time_trend(now: float | None, before: float | None, locale: Locale) -> Html:
    if now is None or before is None:
        return Html("")
    delta = now - before
    if abs(delta) < 60:  # under a minute reads as no change
        return trend(0, "", locale)
    return trend(delta, seconds(abs(delta), locale), locale)


def _rows(key: str, rows: list[tuple[str, Aggregate]], limit: int, locale: Locale) -> str:
    parts = []
    for name, row in rows[:limit]:
        shown = name or text("stats.cabinet", locale)
        if key == "digest.agent_row":
            parts.append(
                text(key, locale, name=shown, answered=row.answered,
                     share=share(row.in_time, row.answered))
            )  # fmt: skip
        else:
            parts.append(
                text(key, locale, name=shown, turns=row.turns,
                     share=share(row.in_time, row.decided))
            )  # fmt: skip
    if len(rows) > limit:
        parts.append(text("digest.more_rows", locale, count=len(rows) - limit))
    return markup.join(parts, "; ")


def _caption(figures: WeekFigures, locale: Locale, rows: int) -> str:
    week, now, before = figures.week, figures.current, figures.previous
    head = text(
        "digest.head",
        locale,
        since=week.since.strftime("%d.%m"),
        until=(week.until - timedelta(days=1)).strftime("%d.%m"),
    )
    if not now.overall.turns:
        return markup.join([head, text("digest.quiet", locale)])
    o, p = now.overall, before.overall
    lines = [
        head,
        text("digest.turns", locale, turns=o.turns, answered=o.answered,
             trend=count_trend(o.turns, p.turns, locale)),
        text("digest.in_time", locale, share=share(o.in_time, o.decided),
             trend=rate_trend(_rate(o.in_time, o.decided), _rate(p.in_time, p.decided),
                              locale)),
        text("digest.frt", locale, median=seconds(o.frt_median, locale),
             p90=seconds(o.frt_p90, locale),
             median_trend=time_trend(o.frt_median, p.frt_median, locale),
             p90_trend=time_trend(o.frt_p90, p.frt_p90, locale)),
        *priority_lines(now.priorities, locale),
    ]  # fmt: skip
    if rows and now.agents:
        lines.append(text("digest.agents", locale,
                          rows=_rows("digest.agent_row", now.agents, rows, locale)))  # fmt: skip
    if rows and now.shops:
        lines.append(text("digest.shops", locale,
                          rows=_rows("digest.shop_row", now.shops, rows, locale)))  # fmt: skip
    if now.ai_decided:
        lines.append(
            text("digest.ai", locale, accepted=now.ai_accepted, decided=now.ai_decided,
                 share=share(now.ai_accepted, now.ai_decided),
                 trend=rate_trend(_rate(now.ai_accepted, now.ai_decided),
                                  _rate(before.ai_accepted, before.ai_decided), locale))
        )  # fmt: skip
    else:
        lines.append(text("digest.ai_none", locale))
    lines.append(
        text("digest.resolved", locale, count=now.resolved,
             trend=count_trend(now.resolved, before.resolved, locale))
    )  # fmt: skip
    return markup.join(lines)


def render_caption(figures: WeekFigures, locale: Locale) -> str:
    """The longest caption that fits: fewer agent and shop rows first, none at the end."""
    for rows in range(_ROWS, 0, -1):
        caption = _caption(figures, locale, rows)
        if len(markup.visible(caption)) <= CAPTION_LIMIT:
            return caption
    return _caption(figures, locale, 0)  # a dozen short lines: always within the limit

"""Small renderers shared by SLA posts: durations, local deadlines, links, mentions."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.sla.hours import BusinessHours
from bot.texts import Html, Locale, markup, text


def duration(value: timedelta, locale: Locale) -> str:
    """Short human duration: "25 мин", "3 ч 10 мин", "2 дня 4 ч", "1 день" (rounded down
    to minutes; a zero part is left out, never "1 д 0 ч")."""
    minutes = max(0, int(value.total_seconds() // 60))
    hours, mins = divmod(minutes, 60)
    days, hours_in_day = divmod(hours, 24)
    if days and hours_in_day:
        return text("dur.day", locale, d=days, h=hours_in_day)
    if days:
        return text("dur.days", locale, d=days)
    if hours and mins:
        return text("dur.hour_min", locale, h=hours, m=mins)
    if hours:
        return text("dur.hour", locale, h=hours)
    return text("dur.min", locale, m=mins)


def coarse(value: timedelta) -> timedelta:
    """Round a time-left figure so the board changes rarely: 5 min steps under 1 h, 15 min
    under 6 h, whole hours beyond (always rounded up, so "left" never overstates)."""
    seconds = abs(value.total_seconds())
    step = 300 if seconds < 3600 else 900 if seconds < 6 * 3600 else 3600
    rounded = -(-seconds // step) * step
    return timedelta(seconds=rounded)


def time_left(deadline: datetime | None, now: datetime, locale: Locale, *, rough: bool) -> str:
    if deadline is None:
        return ""
    delta = deadline - now
    shown = coarse(delta) if rough else abs(delta)
    if delta.total_seconds() >= 0:
        return text("sla.left", locale, left=duration(shown, locale))
    return text("sla.overdue", locale, late=duration(shown, locale))


def local_deadline(deadline: datetime, now: datetime, hours: BusinessHours) -> str:
    """ "14:30" today, "30.11 09:30" another day, in the seller's time zone."""
    zone = hours.zone
    local = deadline.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%d.%m %H:%M")


def priority_label(priority: str, locale: Locale) -> str:
    return text(f"prio.{priority}", locale)


def topic_link(tg_chat_id: int, thread_id: int) -> str:
    """https://t.me/c/<internal id>/<thread>: works for members of a private supergroup."""
    internal = str(-tg_chat_id)
    internal = internal.removeprefix("100") if internal.startswith("100") else internal
    return f"https://t.me/c/{internal}/{thread_id}"


def mention(tg_user_id: int, name: str) -> Html:
    return markup.mention(tg_user_id, name)

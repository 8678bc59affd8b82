"""Score charts drawn on the server as SVG (no JavaScript, nothing loaded at run time).

Only numbers and escaped dates go into the SVG; colours come from the stylesheet classes.
"""

from __future__ import annotations

from typing import Any, Iterable

from markupsafe import Markup, escape


def _points(scores: list[float], width: float, height: float, pad: float, lo: float = 0, hi: float = 100) -> list[tuple[float, float]]:
    n = len(scores)
    span = (hi - lo) or 1
    step = (width - 2 * pad) / (n - 1) if n > 1 else 0
    return [(round(pad + i * step if n > 1 else width / 2, 1),
             round(height - pad - (max(lo, min(hi, s)) - lo) / span * (height - 2 * pad), 1))
            for i, s in enumerate(scores)]


def sparkline(trend: Iterable[dict[str, Any]], width: int = 120, height: int = 28) -> Markup:
    """A small score trend over the last runs (0–100)."""
    rows = [r for r in trend if r.get("score") is not None]
    if not rows:
        return Markup('<span class="muted">—</span>')
    pts = _points([float(r["score"]) for r in rows], width, height, 3)
    line = " ".join(f"{x},{y}" for x, y in pts)
    title = "；".join(f"{escape((r.get('started') or '')[:10])} {float(r['score']):g}" for r in rows)
    last_x, last_y = pts[-1]
    return Markup(f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
                  f'<title>得分趋势：{title}</title><polyline class="spark-line" points="{line}"/>'
                  f'<circle class="spark-dot" cx="{last_x}" cy="{last_y}" r="2.5"/></svg>')


def history_chart(history: Iterable[dict[str, Any]], width: int = 720, height: int = 220) -> Markup:
    """A site's score history: one point per scored run, gridlines at 60/80/100."""
    rows = [r for r in history if r.get("score") is not None]
    if not rows:
        return Markup('<p class="muted">尚无评分记录。</p>')
    left, pad = 36, 14
    pts = _points([float(r["score"]) for r in rows], width - left, height, pad)
    pts = [(x + left, y) for x, y in pts]
    parts = [f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">',
             "<title>得分历史</title>"]
    for value in (0, 60, 80, 100):
        y = round(height - pad - value / 100 * (height - 2 * pad), 1)
        parts.append(f'<line class="grid" x1="{left}" y1="{y}" x2="{width - pad}" y2="{y}"/>'
                     f'<text class="axis" x="{left - 6}" y="{y + 4}" text-anchor="end">{value}</text>')
    parts.append(f'<polyline class="chart-line" points="{" ".join(f"{x},{y}" for x, y in pts)}"/>')
    for (x, y), r in zip(pts, rows):
        parts.append(f'<circle class="chart-dot" cx="{x}" cy="{y}" r="3.5"><title>'
                     f'{escape((r.get("started") or "")[:16].replace("T", " "))}  得分 {float(r["score"]):g}'
                     f'（运行 {int(r.get("run_id") or 0)}）</title></circle>')
    first, last = rows[0], rows[-1]
    parts.append(f'<text class="axis" x="{left}" y="{height - 1}">{escape((first.get("started") or "")[:10])}</text>'
                 f'<text class="axis" x="{width - pad}" y="{height - 1}" text-anchor="end">'
                 f'{escape((last.get("started") or "")[:10])}</text></svg>')
    return Markup("".join(parts))

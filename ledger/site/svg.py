"""Inline SVG charts drawn as plain text (pure): lights per unit as bars, the monthly trend as lines."""

from __future__ import annotations

from html import escape

LIGHT_COLOURS = {"red": "#d93025", "yellow": "#f2a600", "green": "#1e8e3e"}
SERIES_COLOURS = {"open": "#1a73e8", "overdue": "#d93025", "closed": "#1e8e3e"}
FONT = "font-family=\"'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif\""


def light_bars(rows: list[tuple[str, str, dict[str, int]]], width: int = 640) -> str:
    """One stacked bar per unit: (unit, href, {red, yellow, green}) in the order given."""
    label_w, bar_h, gap, count_w = 190, 18, 8, 40
    height = max(1, len(rows)) * (bar_h + gap) + gap
    biggest = max([sum(c.values()) for _, _, c in rows] + [1])
    scale = (width - label_w - count_w) / biggest
    parts = [f'<svg class="chart" role="img" aria-label="各单位预警灯" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" {FONT} font-size="13">']
    for i, (unit, href, counts) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        name = escape(unit if len(unit) <= 13 else unit[:12] + "…")
        parts.append(f'<a href="{escape(href)}"><text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{name}'
                     f'<title>{escape(unit)}</title></text></a>')
        x = float(label_w)
        for light in ("red", "yellow", "green"):
            n = counts.get(light, 0)
            if n:
                w = n * scale
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                             f'fill="{LIGHT_COLOURS[light]}"><title>{escape(unit)} {light} {n}</title></rect>')
                x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 14}">{sum(counts.values())}</text>')
    parts.append("</svg>")
    return "".join(parts)


def trend_lines(months: list[str], series: dict[str, list[int]], labels: dict[str, str],
                width: int = 640, height: int = 240) -> str:
    """Month-end values of each series as a line with dots; months along the bottom."""
    left, right, top, bottom = 40, 28, 14, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max([v for vals in series.values() for v in vals] + [1])
    step = plot_w / max(1, len(months) - 1)

    def xy(i: int, v: int) -> tuple[float, float]:
        return left + i * step if len(months) > 1 else left + plot_w / 2, top + plot_h - v / top_value * plot_h

    parts = [f'<svg class="chart" role="img" aria-label="月度趋势" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" {FONT} font-size="12">',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#999"/>',
             f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{top_value}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>']
    for i, m in enumerate(months):
        x, _ = xy(i, 0)
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{escape(m[2:])}</text>')
    for key, values in series.items():
        colour = SERIES_COLOURS.get(key, "#555")
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(values)))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        for i, v in enumerate(values):
            x, y = xy(i, v)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                         f'<title>{escape(months[i])} {escape(labels.get(key, key))} {v}</title></circle>')
    for j, key in enumerate(series):
        x = left + j * 150
        parts.append(f'<rect x="{x}" y="{height - 16}" width="12" height="12" fill="{SERIES_COLOURS.get(key, "#555")}"/>'
                     f'<text x="{x + 16}" y="{height - 6}">{escape(labels.get(key, key))}</text>')
    parts.append("</svg>")
    return "".join(parts)

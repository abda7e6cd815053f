"""The score-over-time chart as inline SVG: no chart library, nothing loaded from outside."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_Y = 640, 240, 40, 16, 20


def _bands(instrument) -> list[dict]:
    data = instrument.data
    if "bands" in data:
        return data["bands"]
    if "bands_by_sex" in data:
        return data["bands_by_sex"].get("unknown", [])
    return []


def trend_svg(*, instrument, points) -> SafeString:
    """Scores (oldest left), the band edges as dashed lines, reliable changes as coloured dots."""
    low, high = instrument.data["scoring"].get("range", [0, max([p.total for p in points] or [1])])
    span = (high - low) or 1

    def y(value: float) -> float:
        return PAD_Y + (HEIGHT - 2 * PAD_Y) * (1 - (value - low) / span)

    def x(index: int) -> float:
        if len(points) == 1:
            return (WIDTH + PAD_LEFT - PAD_RIGHT) / 2
        return PAD_LEFT + (WIDTH - PAD_LEFT - PAD_RIGHT) * index / (len(points) - 1)

    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" class="trend" role="img" '
        f'aria-label="{escape(instrument.code.upper())}">'
    ]
    for band in _bands(instrument)[1:]:
        edge = y(band["min"])
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{edge:.1f}" y2="{edge:.1f}" '
            'class="band-edge"/>'
            f'<text x="{WIDTH - PAD_RIGHT}" y="{edge - 3:.1f}" class="band-label" text-anchor="end">'
            f"{escape(band['code'])} ≥ {band['min']:g}</text>"
        )
    for value in (low, high):
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{y(value) + 4:.1f}" class="axis" text-anchor="end">{value:g}</text>'
        )
    if points:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(p.total):.1f}" for i, p in enumerate(points))
        parts.append(f'<path d="{path}" class="line"/>')
    for index, point in enumerate(points):
        css = f"dot {point.reliable}" if point.reliable else "dot"
        label = f"{point.assessment.administered_at:%Y-%m-%d}: {point.total:g}"
        parts.append(
            f'<circle cx="{x(index):.1f}" cy="{y(point.total):.1f}" r="5" class="{css}">'
            f"<title>{escape(label)}</title></circle>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above

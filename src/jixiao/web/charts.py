"""Charts for the dashboard, drawn on the server as SVG (no script, readable when printed).

Every chart is built from a table (rows of label and numbers) that the page also shows, so each
picture has the table behind it. Text inside the SVG is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

__all__ = ["SEVERITY_COLOURS", "bars", "scatter", "stacked_bars"]

SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#d68910", "info": "#2e86c1"}
_BAR = "#34495e"


def _svg(width: int, height: int, body: str, title: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def bars(rows: Sequence[tuple[str, int]], title: str, *, colour: str = _BAR) -> Markup:
    """Vertical bars, one per row (label, count)."""
    width, height, left, bottom, top = 560, 240, 36, 46, 14
    peak = max((n for _l, n in rows), default=0) or 1
    slot = (width - left - 10) / max(len(rows), 1)
    parts = [_axes(width, height, left, bottom, top, peak)]
    for i, (label, n) in enumerate(rows):
        h = (height - bottom - top) * n / peak
        x = left + i * slot + slot * 0.15
        y = height - bottom - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{colour}"><title>{escape(label)}: {n}</title></rect>'
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
            f'font-size="11">{n}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'font-size="11">{escape(_short(label, slot))}</text>'
        )
    return _svg(width, height, "".join(parts), title)


def stacked_bars(
    rows: Sequence[tuple[str, dict[str, int]]], keys: Sequence[str], title: str
) -> Markup:
    """Horizontal bars stacked by key (e.g. findings by code, stacked by severity)."""
    line, left, width = 22, 190, 560
    height = 20 + line * max(len(rows), 1) + 24
    peak = max((sum(parts.values()) for _l, parts in rows), default=0) or 1
    out: list[str] = []
    for i, (label, parts) in enumerate(rows):
        y = 10 + i * line
        x = float(left)
        out.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" font-size="11">'
            f"{escape(label[:28])}</text>"
        )
        for key in keys:
            n = parts.get(key, 0)
            if not n:
                continue
            w = (width - left - 40) * n / peak
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{line - 6}" '
                f'fill="{SEVERITY_COLOURS.get(key, _BAR)}"><title>{escape(label)} '
                f"{escape(key)}: {n}</title></rect>"
            )
            x += w
        out.append(
            f'<text x="{x + 4:.1f}" y="{y + 14}" font-size="11">{sum(parts.values())}</text>'
        )
    legend_y = height - 8
    for j, key in enumerate(keys):
        out.append(
            f'<rect x="{left + j * 90}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{SEVERITY_COLOURS.get(key, _BAR)}"/>'
            f'<text x="{left + j * 90 + 14}" y="{legend_y}" font-size="11">{escape(key)}</text>'
        )
    return _svg(width, height, "".join(out), title)


def scatter(
    points: Sequence[tuple[str, Decimal, Decimal]], title: str, *, x_label: str, y_label: str
) -> Markup:
    """Claimed (x) against computed (y) totals on 0–100 axes, with the diagonal of agreement."""
    size, pad = 320, 36
    inner = size - 2 * pad

    def px(v: Decimal) -> float:
        return pad + inner * float(min(max(v, Decimal(0)), Decimal(100))) / 100

    def py(v: Decimal) -> float:
        return size - pad - inner * float(min(max(v, Decimal(0)), Decimal(100))) / 100

    out = [
        f'<rect x="{pad}" y="{pad}" width="{inner}" height="{inner}" fill="none" stroke="#999"/>',
        f'<line x1="{pad}" y1="{size - pad}" x2="{size - pad}" y2="{pad}" stroke="#bbb" '
        'stroke-dasharray="4 3"/>',
    ]
    for tick in (0, 50, 100):
        t = Decimal(tick)
        out.append(
            f'<text x="{px(t):.0f}" y="{size - pad + 14}" font-size="10" '
            f'text-anchor="middle">{tick}</text>'
            f'<text x="{pad - 4}" y="{py(t) + 4:.0f}" font-size="10" text-anchor="end">{tick}</text>'
        )
    for label, x, y in points:
        colour = SEVERITY_COLOURS["error"] if abs(x - y) >= 1 else _BAR
        out.append(
            f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" fill="{colour}" fill-opacity="0.75">'
            f"<title>{escape(label)}: {x} → {y}</title></circle>"
        )
    out.append(
        f'<text x="{size / 2}" y="{size - 4}" font-size="11" text-anchor="middle">'
        f"{escape(x_label)}</text>"
        f'<text x="10" y="{size / 2}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 10 {size / 2})">{escape(y_label)}</text>'
    )
    return _svg(size, size, "".join(out), title)


def _axes(width: int, height: int, left: int, bottom: int, top: int, peak: int) -> str:
    base = height - bottom
    return (
        f'<line x1="{left}" y1="{base}" x2="{width - 6}" y2="{base}" stroke="#999"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#999"/>'
        f'<text x="{left - 4}" y="{top + 8}" font-size="10" text-anchor="end">{peak}</text>'
        f'<text x="{left - 4}" y="{base}" font-size="10" text-anchor="end">0</text>'
    )


def _short(label: str, slot: float) -> str:
    room = max(int(slot / 7), 3)
    return label if len(label) <= room else label[: room - 1] + "…"

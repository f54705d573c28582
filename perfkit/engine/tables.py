"""Small HTML pieces for the results' `_repr_html_`: one table style for all of perfkit."""

from __future__ import annotations

import html
from typing import Collection, Iterable, Sequence

_TABLE_STYLE = "border-collapse:collapse;font-family:monospace;font-size:12px"
_CELL_STYLE = "padding:2px 10px;border-bottom:1px solid #ddd;text-align:right"
_HEAD_STYLE = "padding:2px 10px;border-bottom:2px solid #888;text-align:right"


def escape(text: object) -> str:
    return html.escape(str(text))


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    caption: str | None = None,
    notes: Sequence[str] = (),
) -> str:
    """An HTML table; every cell is escaped, except cells wrapped in `Raw`."""
    head = "".join(f'<th style="{_HEAD_STYLE}">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL_STYLE}">{_cell(c)}</td>' for c in row) + "</tr>"
        for row in rows
    )
    cap = f'<caption style="text-align:left;font-weight:bold">{escape(caption)}</caption>' if caption else ""
    foot = "".join(f'<div style="font-size:11px;color:#666">{escape(n)}</div>' for n in notes)
    return f'<div><table style="{_TABLE_STYLE}">{cap}<tr>{head}</tr>{body}</table>{foot}</div>'


class Raw(str):
    """A cell that is already HTML (a bar, a badge) and must not be escaped."""


def bar(share: float, width_px: int = 120, color: str = "#4c72b0") -> Raw:
    """A horizontal bar for a share in [0, 1], for per-line or per-function tables."""
    share = min(max(share, 0.0), 1.0)
    return Raw(
        f'<div style="width:{width_px}px;background:#eee"><div style="width:{share * width_px:.0f}px;'
        f'height:10px;background:{color}"></div></div>'
    )


def _cell(value: object) -> str:
    return value if isinstance(value, Raw) else escape(value)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]], left: Collection[int] = (),
               indent: str = "  ") -> str:
    """A fixed-width text table: columns right-aligned, except those in `left`."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    return "\n".join(indent + "  ".join(c.ljust(w) if i in left else c.rjust(w)
                                       for i, (c, w) in enumerate(zip(r, widths))).rstrip() for r in cells)

"""Page layout for the PDF writer: line breaking and pagination on the GB/T 9704 grid.

WeasyPrint (Pango) cannot set Chinese on a fixed grid the way the print was set: it does not justify CJK
lines, and it pushes a character down before every ，。 that may not start a line. So the lines and the
pages are composed here, the way Word composes the official document:

* every line holds 28 cells of 156 mm / 28; a full-width character takes one cell, Latin letters and
  digits take their own advance (measured from the very font file the PDF embeds);
* 避头尾 (kinsoku): ，。、；：？！”）》 … never start a line and “（《 never end one; a closing mark that
  would start the next line is kept on its line by tightening that line (标点挤压) instead;
* every line but a paragraph's last is justified to the full 156 mm (per-line letter-spacing);
* 22 lines a page at 225 mm / 22; a heading is never the last line of a page; footnotes go to the foot
  of the page of their call, and such a page keeps its 22 lines by closing its line pitch slightly
  (GB/T 9704 §7.3.5.5 allows adjusting line spacing), down to `min_line_pitch_pt`.

The result is a list of pages of absolutely placed lines and rules, in pt from the 版心's top-left corner;
the HTML template only draws them.

Modules: `boxes` (what composition produces), `metrics` (glyph advances), `lines` (measuring and line
breaking), `pages` (pagination and footnotes), `blocks` (the elements of the standard).
"""

from __future__ import annotations

from .blocks import Blocks
from .boxes import (
    EPS,
    NOEND,
    NOSTART,
    PAGE_NUMBER,
    Line,
    MarkGeometry,
    Page,
    Row,
    Rule,
    Run,
    Style,
    closed_pitches,
    mark_geometry,
    ref_key,
    seal_box,
)
from .lines import LineBreaker
from .metrics import _METRICS, Metrics, metrics_for, save_metrics
from .pages import Paginator


class Composer(Blocks, Paginator, LineBreaker):
    """Breaks text into lines and lines into pages for one document: `Composer(house, fonts).compose(doc)`."""


__all__ = [
    "Composer",
    "closed_pitches",
    "mark_geometry",
    "MarkGeometry",
    "seal_box",
    "PAGE_NUMBER",
    "ref_key",
    "Style",
    "Run",
    "Line",
    "Rule",
    "Page",
    "Row",
    "Metrics",
    "metrics_for",
    "save_metrics",
    "NOSTART",
    "NOEND",
    "EPS",
    "_METRICS",
]

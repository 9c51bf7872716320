"""What composition produces: styles, runs, placed lines and rules, pages and the rows of the flow.

Positions are in pt from the 版心's top-left corner; the PDF writer only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..house import MM

NOSTART = set("，。、；：？！”’）》〉」』】〕…‰％%,.;:!?)]}·・～")  # 避头: never at a line start
NOEND = set("“‘（《〈「『【〔([{")  # 避尾: never at a line end
EPS = 0.01  # pt


@dataclass(frozen=True)
class Style:
    role: str  # font role: fangsong, heiti, kaiti, songti, xiaobiaosong
    size: float  # pt
    bold: bool = False
    call: bool = False  # footnote call (raised)
    color: str = ""


@dataclass
class Run:
    text: str
    style: Style


@dataclass
class Line:
    """One placed line. x and baseline in pt from the 版心's top-left corner."""

    runs: list[Run]
    x: float
    baseline: float
    letter_spacing: float
    width: float  # visible width, pt
    kind: str = "body"
    footnotes: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def style(self) -> Style:
        """The line's main style (the one most of its characters use)."""
        counts: dict[Style, int] = {}
        for r in self.runs:
            counts[r.style] = counts.get(r.style, 0) + len(r.text)
        return max(counts, key=counts.get) if counts else Style("fangsong", 16.0)


@dataclass
class Rule:
    x: float
    y: float
    width: float
    height: float
    color: str = "#000000"


@dataclass
class Image:
    """A picture placed on the page (an electronic seal), pt from the 版心's top-left corner."""

    path: str
    x: float
    y: float
    width: float
    height: float


@dataclass
class Page:
    number: int
    lines: list[Line] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    pitch: float = 0.0
    footnote_top: float = 0.0  # top of the footnote block, pt from the 版心 top (the 版心 height if none)
    numbered: bool = True  # False: a 版记 page after a blank face in duplex printing carries no page number
    images: list = field(default_factory=list)  # Image: the electronic seals, drawn over the text
    free_rows: int = 0  # grid lines left empty under the text (the 版记's room not counted)
    before_break: bool = False  # the next page is a new one by rule (an attachment starts on it)
    closed: bool = False  # its pitch was closed to keep lines together (§7.3.5.5), not for footnotes
    refs: set = field(default_factory=set)  # ref_key() of what it sets: the DOCX closes the same paragraphs


PAGE_NUMBER = "— {} —"  # 页码 (§7.5): the number between two 一字线, a space either side


@dataclass(frozen=True)
class MarkGeometry:
    """The 发文机关标志's size and widths (§7.2.4), worked out once: the layout places it from these and
    the DOCX sizes its style and its joint-mark table from them."""

    size: float  # pt
    names_em: float  # one organ: the whole mark's width; joint: the stacked organs' common width (em)
    gap_em: float = 0.0  # joint: between the organs and the suffix (“文件”)
    suffix_em: float = 0.0
    line_em: float = 1.25  # joint: the stacked organs' pitch (the house's, whether joint or not)
    joint: bool = False

    @property
    def width(self) -> float:
        return (self.names_em + self.gap_em + self.suffix_em) * self.size


def mark_geometry(house, organs: list[str], suffix: str, em_width: Callable[[str], float]) -> MarkGeometry:
    """The mark at the house size, smaller when it would be wider than `header.mark_max_width_mm`.
    `em_width(text)`: the text's natural width in em — the layout's measured advances, or, for a DOCX
    written without the fonts, its width in grid cells."""
    hd = house["header"]
    maxw = float(hd["mark_max_width_mm"]) * MM
    line_em = float(hd["joint_mark_line_em"])
    if len(organs) <= 1:
        em = em_width("".join(organs) + suffix)
        return MarkGeometry(min(float(house["sizes_pt"]["mark"]), maxw / max(em, EPS)), em, line_em=line_em)
    names = max(em_width(o) for o in organs)
    suffix_em = em_width(suffix) if suffix else 0.0
    gap = float(hd["joint_mark_gap_em"]) if suffix else 0.0
    size = min(float(house["sizes_pt"]["joint_mark"]), maxw / (names + gap + suffix_em))
    return MarkGeometry(size, names, gap, suffix_em, line_em, True)


def seal_box(house, path: str) -> tuple[float, float]:
    """An electronic seal's drawn width and height (pt): its longer side the house `seal_diameter_mm`,
    its proportions kept."""
    from PIL import Image as PILImage

    d = float(house["body"]["seal_diameter_mm"]) * MM
    with PILImage.open(path) as im:
        w, h = im.size
    return (d, d * h / w) if w >= h else (d * w / h, d)


def ref_key(ref) -> object:
    """What a Row's ref is known by across the writers: the model object's identity, or a line kind."""
    return ref if isinstance(ref, (str, tuple)) else id(ref)


def closed_pitches(pages: list["Page"]) -> dict:
    """ref_key → line pitch (pt) of what stands on pages whose pitch was closed to keep it together."""
    out: dict = {}
    for p in pages:
        if p.closed:
            for k in p.refs:
                out[k] = min(out.get(k, p.pitch), p.pitch)
    return out


@dataclass
class Row:
    """One grid line of the flow: a line of text, or a blank line (line=None)."""

    line: Line | None
    keep_next: bool = False
    break_before: bool = False
    para: int | None = None  # paragraph id, for widow/orphan control
    idx: int = 0  # line index within the paragraph
    count: int = 1  # lines in the paragraph
    extra: list = field(default_factory=list)  # further lines on the same grid line (a second 署名)
    hold: bool = False  # never carried to the next page by a keep-with-next chain (the first line of 正文)
    ref: object = None  # the model object the line sets (a Paragraph, Section, Attachment), for the DOCX

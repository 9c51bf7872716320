"""What composition produces: styles, runs, placed lines and rules, pages and the rows of the flow.

Positions are in pt from the 版心's top-left corner; the PDF writer only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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

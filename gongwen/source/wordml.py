"""Reading a WordprocessingML document the way Word shows it, as a flat list of paragraphs.

What a reader of the draft sees is what is read: tracked changes accepted (inserted and moved-to text kept,
deleted and moved-from text dropped); hidden text and the placeholder text of empty content controls left
out; list numbers computed from numbering.xml as Word displays them (abstractNum/num, start, lvlRestart,
lvlOverride/startOverride, numFmt, lvlText, isLgl), whether the paragraph or its style chain names the list;
heading levels from the built-in heading styles (by id, English name or Chinese name) and outline levels;
text boxes read where they are anchored; tables cell by cell, or row by row when they hold data; footnotes and
endnotes in place as ^[…]; fields shown by their results, a table of contents marked as such; comments,
pictures and other objects listed with their position. Positions are “第 N 段”: the N-th paragraph of the
main text in document order, empty ones and those in table cells included, text boxes named by the
paragraph they are anchored in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import BuildError
from .wordpkg import MAX_MAIN, MAX_PARAGRAPHS, W, Package

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
V = "urn:schemas-microsoft-com:vml"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Para:
    """One paragraph as the draft shows it."""

    no: int  # “第 N 段” (a text box's paragraphs carry the number of their anchor)
    text: str  # typed text: footnotes as ^[…], a typed ^[ as \^[, Shift+Enter as \n; no list number
    number: str = ""  # the automatic list number as displayed (“一、” “（一）” “1.”), "" if none
    num_level: int | None = None  # the structure level that number stands for (1 一、 … 4 （1）), if any
    num_value: int = 0  # the counter behind the number (3 for “3.”)
    style: str = ""  # style id
    heading: int | None = None  # outline level 1–9 from the style or the paragraph, None for body text
    title_style: bool = False  # the Title style (标题)
    lead: str = ""  # the opening run(s) in bold or in the 要点句 style, after any typed number
    box: bool = False  # inside a text box
    cell: tuple[int, int, int] | None = None  # (table, row, column) inside a table, 1-based
    table_row: bool = False  # a whole table row, its cells joined (a data table)
    kind: str = ""  # "toc" (table of contents), "" otherwise
    floating: bool = False  # in a floating table (w:tblpPr): shown where it floats, not where it is written
    page_break: bool = False  # a page break before or at the start of the paragraph
    red: bool = False  # most of its text is red (a red-header mark)
    size: float = 0.0  # the largest font size of its text, pt

    @property
    def where(self) -> str:
        if self.box:
            return f"第 {self.no} 段的文本框"
        return f"第 {self.no} 段"


@dataclass
class Table:
    no: int  # table number, 1-based
    first: int  # paragraph number of its first cell
    rows: int
    cols: int
    data: bool  # read row by row (a bordered table of data), else cell by cell (a layout table)


@dataclass
class Draft:
    paragraphs: list[Para]
    tables: list[Table] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what was not read, with its position and why
    notes: list[str] = field(default_factory=list)
    changes: int = 0  # tracked changes accepted
    footnotes: int = 0
    endnotes: int = 0
    comments: int = 0
    empty: int = 0  # empty paragraphs
    toc: int = 0  # table-of-contents paragraphs
    bullets: int = 0  # bullet symbols not kept
    total: int = 0  # paragraphs of the main text


# -- styles ----------------------------------------------------------------------------------------

_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$")


@dataclass
class _Style:
    sid: str
    name: str
    kind: str
    based: str | None
    num: tuple[str | None, int | None] | None  # (numId, ilvl) from pPr/numPr
    outline: int | None  # pPr/outlineLvl
    rpr: dict  # b, vanish, color, sz: the run properties it sets
    borders: bool  # a table style with visible borders


def _on(el) -> bool:
    """An on/off property element: present and not val=0/false/off."""
    return el is not None and el.get(q("val"), "1").lower() not in ("0", "false", "off", "none")


def _rpr_props(rpr) -> dict:
    out = {}
    if rpr is None:
        return out
    for tag in ("b", "vanish", "specVanish"):
        el = rpr.find(q(tag))
        if el is not None:
            out[tag] = _on(el)
    color = rpr.find(q("color"))
    if color is not None and color.get(q("val")):
        out["color"] = color.get(q("val")).upper()
    sz = rpr.find(q("sz"))
    if sz is not None:
        try:
            out["sz"] = int(sz.get(q("val"), "0")) / 2
        except ValueError:
            pass
    style = rpr.find(q("rStyle"))
    if style is not None:
        out["rStyle"] = style.get(q("val"))
    return out


def _visible_borders(el) -> bool:
    if el is None:
        return False
    return any(b.get(q("val"), "nil") not in ("nil", "none") for b in el)


class Styles:
    def __init__(self, root):
        self.by_id: dict[str, _Style] = {}
        self.default_para: str | None = None
        self.defaults: dict = {}
        if root is None:
            return
        dd = root.find(f"{q('docDefaults')}/{q('rPrDefault')}/{q('rPr')}")
        self.defaults = _rpr_props(dd)
        for s in root.iter(q("style")):
            sid = s.get(q("styleId")) or ""
            name_el = s.find(q("name"))
            name = (name_el.get(q("val")) if name_el is not None else "") or ""
            based = s.find(q("basedOn"))
            ppr = s.find(q("pPr"))
            num = None
            outline = None
            if ppr is not None:
                np_ = ppr.find(q("numPr"))
                if np_ is not None:
                    nid, il = np_.find(q("numId")), np_.find(q("ilvl"))
                    num = (nid.get(q("val")) if nid is not None else None, _int(il))
                ol = ppr.find(q("outlineLvl"))
                outline = _int(ol)
            tblpr = s.find(q("tblPr"))
            st = _Style(
                sid,
                name.strip(),
                s.get(q("type")) or "paragraph",
                based.get(q("val")) if based is not None else None,
                num,
                outline,
                _rpr_props(s.find(q("rPr"))),
                _visible_borders(tblpr.find(q("tblBorders")) if tblpr is not None else None),
            )
            self.by_id[sid] = st
            if st.kind == "paragraph" and s.get(q("default")) in ("1", "true", "on"):
                self.default_para = sid

    def chain(self, sid: str | None) -> list[_Style]:
        """The style and those it is based on, nearest first (cycles and depth bounded)."""
        out: list[_Style] = []
        seen = set()
        while sid and sid in self.by_id and sid not in seen and len(out) < 20:
            seen.add(sid)
            st = self.by_id[sid]
            out.append(st)
            sid = st.based
        return out

    def heading_level(self, sid: str | None) -> int | None:
        """Outline level 1–9 of a paragraph style, from its chain: a built-in heading style (id HeadingN, name
        “heading N” as Word writes it in every language, or a localised “标题 N”), or w:outlineLvl."""
        for st in self.chain(sid):
            if st.outline is not None:
                return st.outline + 1 if st.outline < 9 else None
            m = _HEADING_NAME.match(st.name.lower()) or re.fullmatch(r"Heading([1-9])", st.sid)
            if m:
                return int(m.group(1))
        return None

    def is_title(self, sid: str | None) -> bool:
        return any(st.name.lower() in ("title", "标题") or st.sid in ("Title", "GwTitle") for st in self.chain(sid))

    def is_toc(self, sid: str | None) -> bool:
        return any(
            re.fullmatch(r"(toc|目录)\s*\d|toc heading|目录标题", st.name.lower()) or st.sid.startswith("TOC")
            for st in self.chain(sid)
        )

    def numbering(self, sid: str | None) -> tuple[str | None, int | None, str | None] | None:
        """(numId, ilvl, style the numbering came from) of the first style in the chain that has a numPr."""
        for st in self.chain(sid):
            if st.num is not None:
                return st.num[0], st.num[1], st.sid
        return None

    def rprop(self, sid: str | None, key: str):
        for st in self.chain(sid):
            if key in st.rpr:
                return st.rpr[key]
        return None

    def table_borders(self, sid: str | None) -> bool:
        return any(st.borders for st in self.chain(sid))


def _int(el, default=None):
    if el is None:
        return default
    try:
        return int(el.get(q("val")))
    except (TypeError, ValueError):
        return default


# -- numbering -------------------------------------------------------------------------------------

CHINESE = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """一 … 九十九, 一百, 一百零一 … as Word's chineseCounting shows them (the model's own numerals)."""
    from ..transforms import chinese_number as numeral

    if 1 <= n <= 9999:
        return numeral(n)
    return "〇" if n == 0 else str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out += sym
            n -= value
    return out


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    k, r = divmod(n - 1, 26)
    return chr(ord("A") + r) * (k + 1)


def format_number(n: int, fmt: str) -> str:
    """A counter value in one of Word's number formats (ST_NumberFormat)."""
    if fmt in ("none",):
        return ""
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "japaneseDigitalTenThousand",
        "ideographLegalTraditional",
    ):
        return chinese_number(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseCountingThousand") and n >= 0:
        return "".join(CHINESE[int(d)] for d in str(n))
    if fmt == "chineseLegalSimplified":
        return chinese_number(n).translate(
            str.maketrans("一二三四五六七八九十百千零〇", "壹贰叁肆伍陆柒捌玖拾佰仟零零")
        )
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return "子丑寅卯辰巳午未申酉戌亥"[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        if 1 <= n <= 20:
            return chr(0x2460 + n - 1)
        return str(n)
    if fmt == "decimalEnclosedParen":
        return f"({n})" if not 1 <= n <= 20 else chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "ordinal":
        return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
    return str(n)


CHINESE_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "japaneseCounting",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
    "ideographDigital",
    "taiwaneseDigital",
    "chineseLegalSimplified",
    "ideographLegalTraditional",
    "japaneseCountingThousand",
}
DECIMAL_FORMATS = {"decimal", "decimalFullWidth", "decimalFullWidth2", "decimalHalfWidth", "decimalZero"}


@dataclass
class _Level:
    start: int = 0
    fmt: str = "decimal"
    text: str | None = None
    restart: int | None = None  # w:lvlRestart: restart after a level ≤ this (1-based) is used; 0 never
    legal: bool = False  # w:isLgl
    style: str | None = None  # w:pStyle: the paragraph style tied to this level


def _level(el) -> _Level:
    lv = _Level()
    st = _int(el.find(q("start")))
    if st is not None:
        lv.start = st
    fmt = el.find(q("numFmt"))
    if fmt is not None:
        lv.fmt = fmt.get(q("val")) or "decimal"
    txt = el.find(q("lvlText"))
    if txt is not None:
        lv.text = txt.get(q("val"))
    lv.restart = _int(el.find(q("lvlRestart")))
    lv.legal = _on(el.find(q("isLgl")))
    ps = el.find(q("pStyle"))
    if ps is not None:
        lv.style = ps.get(q("val"))
    return lv


class Numbering:
    """numbering.xml, with the counters that Word keeps while it shows the document from the top.

    Counters belong to the abstract definition: two w:num over one w:abstractNum continue each other, and a
    w:num with a w:startOverride restarts its levels where it is first used (as Word does)."""

    def __init__(self, root, styles: Styles):
        self.styles = styles
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.abstract_link: dict[str, str] = {}  # abstractNum → numbering style it follows (numStyleLink)
        self.nums: dict[str, tuple[str, dict[int, tuple[int | None, _Level | None]]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[str] = set()
        self._structure: dict[str, dict[int, int | None]] = {}
        if root is None:
            return
        for an in root.iter(q("abstractNum")):
            aid = an.get(q("abstractNumId")) or ""
            self.abstract[aid] = {
                k: _level(lv) for lv in an.findall(q("lvl")) if (k := _int_attr(lv, "ilvl")) is not None and 0 <= k <= 8
            }
            link = an.find(q("numStyleLink"))
            if link is not None and link.get(q("val")):
                self.abstract_link[aid] = link.get(q("val"))
        for num in root.iter(q("num")):
            nid = num.get(q("numId")) or ""
            aid_el = num.find(q("abstractNumId"))
            aid = aid_el.get(q("val")) if aid_el is not None else ""
            overrides = {}
            for ov in num.findall(q("lvlOverride")):
                k = _int_attr(ov, "ilvl")
                if k is None:
                    continue
                so = _int(ov.find(q("startOverride")))
                lv = ov.find(q("lvl"))
                overrides[k] = (so, _level(lv) if lv is not None else None)
            self.nums[nid] = (aid or "", overrides)

    def _resolve_abstract(self, aid: str) -> str:
        """Follow numStyleLink → the numbering style → its num → the abstract that holds the levels."""
        for _ in range(5):
            style = self.abstract_link.get(aid)
            if not style:
                return aid
            sn = self.styles.numbering(style)
            if not sn or sn[0] not in self.nums:
                return aid
            nxt = self.nums[sn[0]][0]
            if nxt == aid:
                return aid
            aid = nxt
        return aid

    def levels(self, num_id: str) -> tuple[str, dict[int, _Level]] | None:
        if num_id not in self.nums:
            return None
        aid, overrides = self.nums[num_id]
        aid = self._resolve_abstract(aid)
        base = dict(self.abstract.get(aid, {}))
        for k, (so, lv) in overrides.items():
            cur = lv or base.get(k) or _Level()
            if so is not None:
                cur = _Level(so, cur.fmt, cur.text, cur.restart, cur.legal, cur.style)
            base[k] = cur
        return aid, base

    def structure_levels(self, num_id: str) -> dict[int, int | None]:
        """ilvl → structure level (1 一、 … 4 （1）) for the levels of a list: by each level's shape, and
        deeper than the level above it (a nested “1.” under “1.” is a （1）, as an HTML <ol> in an <ol>)."""
        if num_id in self._structure:
            return self._structure[num_id]
        got = self.levels(num_id)
        out: dict[int, int | None] = self._structure.setdefault(num_id, {})
        above = 0
        for k in sorted(got[1]) if got else []:
            lv = number_level(got[1][k])
            if lv is not None and lv <= above:
                lv = above + 1 if above < 4 else None
            out[k] = lv
            if lv is not None:
                above = lv
        return out

    def level_for_style(self, num_id: str, style: str | None) -> int:
        got = self.levels(num_id)
        if got and style:
            for k, lv in got[1].items():
                if lv.style == style:
                    return k
        return 0

    def advance(self, num_id: str, ilvl: int) -> tuple[str, _Level, int] | None:
        """The number a paragraph of list `num_id` at level `ilvl` shows; counters move on."""
        got = self.levels(num_id)
        if got is None:
            return None
        aid, levels = got
        if ilvl not in levels:
            ilvl = max((k for k in levels if k <= ilvl), default=None)
            if ilvl is None:
                return None
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for k, (so, lv) in self.nums[num_id][1].items():
                if so is not None or lv is not None:
                    counters.pop(k, None)
        lv = levels[ilvl]
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else lv.start
        for k in list(counters):
            if k > ilvl:
                r = levels.get(k, _Level()).restart
                if r is None or (r != 0 and ilvl <= r - 1):
                    del counters[k]
        if lv.fmt == "bullet":
            return lv.text or "", lv, counters[ilvl]
        text = lv.text if lv.text is not None else ""

        def one(m):
            k = int(m.group(1)) - 1
            klv = levels.get(k, _Level())
            value = counters.get(k, klv.start)
            return format_number(value, "decimal" if lv.legal and klv.fmt != "none" else klv.fmt)

        return re.sub(r"%([1-9])", one, text), lv, counters[ilvl]


def _int_attr(el, name: str):
    try:
        return int(el.get(q(name)))
    except (TypeError, ValueError):
        return None


def number_level(lv: _Level) -> int | None:
    """The structure level a list level's numbers stand for, by their shape: 一、 → 1, （一） → 2, 1. → 3,
    （1） → 4; None for bullets, letters, ①, or an outline numbering (1.1) the standard does not use."""
    text = lv.text or ""
    if lv.fmt == "bullet" or not re.search(r"%[1-9]", text) or len(re.findall(r"%[1-9]", text)) > 1 and not lv.legal:
        return None
    paren = bool(re.match(r"^\s*[（(]", text))
    if lv.fmt in CHINESE_FORMATS:
        return 2 if paren else 1
    if lv.fmt in DECIMAL_FORMATS or lv.legal:
        return 4 if paren else 3
    return None


# -- the document ----------------------------------------------------------------------------------


def _drop_alternatives(root) -> None:
    """Markup compatibility: keep one branch of each mc:AlternateContent (the first Choice, as Word does)."""
    for ac in list(root.iter(f"{{{MC}}}AlternateContent")):
        branch = ac.find(f"{{{MC}}}Choice")
        if branch is None:
            branch = ac.find(f"{{{MC}}}Fallback")
        parent = ac.getparent()
        if parent is None:
            continue
        idx = parent.index(ac)
        parent.remove(ac)
        if branch is not None:
            for k, child in enumerate(list(branch)):
                parent.insert(idx + k, child)


def _short(text: str, n: int = 20) -> str:
    text = re.sub(r"\s+", " ", text.replace("\n", " ")).strip()
    return text[:n] + ("…" if len(text) > n else "")


class Reader:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        main = pkg.main
        self.root = pkg.xml(main, MAX_MAIN)
        if self.root is None or self.root.find(q("body")) is None:
            raise _bad(pkg, "没有正文部件")
        _drop_alternatives(self.root)
        styles = pkg.related(main, "/styles")
        self.styles = Styles(pkg.xml(styles[0]) if styles else None)
        numbering = pkg.related(main, "/numbering")
        self.numbering = Numbering(pkg.xml(numbering[0]) if numbering else None, self.styles)
        self.draft = Draft([])
        self.no = 0
        self.fields: list[list] = []  # open complex fields: [instruction, in result?]
        self.in_box = False
        self.tables = 0
        self.notes: dict[str, dict[str, str]] = {"footnote": {}, "endnote": {}}
        self.note_refs: dict[str, int] = {"footnote": 0, "endnote": 0}
        for kind in ("footnote", "endnote"):
            part = pkg.related(main, f"/{kind}s")
            root = pkg.xml(part[0]) if part else None
            if root is None:
                continue
            _drop_alternatives(root)
            for fn in root.iter(q(kind)):
                if fn.get(q("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                texts = []
                for p in fn.iter(q("p")):
                    t, *_ = self.runs(p, note=True)
                    texts.append(t)
                text = "".join(texts).strip()
                self.notes[kind][fn.get(q("id")) or ""] = re.sub(r"^[①-⑳㉑-㉟㊱-㊿]\s*", "", text)  # a custom mark
        self.comments: dict[str, tuple[str, str]] = {}
        part = pkg.related(main, "/comments")
        root = pkg.xml(part[0]) if part else None
        if root is not None:
            for c in root.iter(q("comment")):
                text = "".join(self.runs(p, note=True)[0] for p in c.iter(q("p")))
                self.comments[c.get(q("id")) or ""] = (c.get(q("author")) or "", text)
        self.comment_at: dict[str, int] = {}

    # runs ------------------------------------------------------------------------------------------

    def _run_on(self, r, pstyle: str | None, key: str) -> bool | None:
        rpr = r.find(q("rPr"))
        props = _rpr_props(rpr)
        if key in props:
            return props[key]
        v = self.styles.rprop(props.get("rStyle"), key) if props.get("rStyle") else None
        if v is not None:
            return v
        v = self.styles.rprop(pstyle, key)
        if v is not None:
            return v
        return self.styles.defaults.get(key)

    def runs(self, p, pstyle: str | None = None, note: bool = False):
        """(text, lead, red share, largest size, page break) of a paragraph's own content, in order."""
        segments: list[tuple[str, bool]] = []  # (text, bold or 要点句)
        red = total = 0
        size = 0.0
        page_break = False
        skip_mark = False

        def walk(el, deleted=False):
            nonlocal red, total, size, page_break, skip_mark
            for child in el:
                tag = child.tag
                if not isinstance(tag, str):
                    continue
                if tag == q("r"):
                    run(child, deleted)
                elif tag in (q("del"), q("moveFrom")):
                    self.draft.changes += 1
                    walk(child, True)
                elif tag in (q("ins"), q("moveTo")):
                    self.draft.changes += 1
                    walk(child, deleted)
                elif tag == q("sdt"):
                    pr = child.find(q("sdtPr"))
                    content = child.find(q("sdtContent"))
                    if pr is not None and pr.find(q("showingPlcHdr")) is not None:
                        continue  # the grey “click here to enter text” of an empty control
                    if content is not None:
                        walk(content, deleted)
                elif tag in (q("hyperlink"), q("smartTag"), q("customXml"), q("fldSimple"), q("dir"), q("bdo")):
                    walk(child, deleted)
                elif tag in (q("commentRangeStart"),):
                    self.comment_at.setdefault(child.get(q("id")) or "", self.no)
                elif tag == f"{{{MATH}}}oMathPara" or tag == f"{{{MATH}}}oMath":
                    if not deleted:
                        segments.append(("".join(t.text or "" for t in child.iter(f"{{{MATH}}}t")), False))
                        if not note:
                            self.draft.skipped.append(
                                f"第 {self.no} 段的公式按文字导入（“{_short(segments[-1][0])}”），请核对"
                            )

        def run(r, deleted):
            nonlocal red, total, size, page_break, skip_mark
            if deleted:
                return
            if self._run_on(r, pstyle, "vanish") or self._run_on(r, pstyle, "specVanish"):
                for child in r:
                    if child.tag == q("fldChar"):
                        self._field(child)
                return
            bold = bool(self._run_on(r, pstyle, "b"))
            rpr = r.find(q("rPr"))
            props = _rpr_props(rpr)
            lead = bold or props.get("rStyle") == "GwLead"
            color = props.get("color") or (self.styles.rprop(pstyle, "color") or "")
            sz = props.get("sz") or self.styles.rprop(pstyle, "sz") or self.styles.defaults.get("sz") or 0
            for child in r:
                tag = child.tag
                if tag == q("fldChar"):
                    self._field(child)
                    continue
                if tag == q("instrText"):
                    if self.fields and not self.fields[-1][1]:
                        self.fields[-1][0] += child.text or ""
                    continue
                if self.fields and not self.fields[-1][1]:
                    continue  # inside a field's instruction: not shown
                if tag == q("t"):
                    if skip_mark:
                        skip_mark = False
                        continue
                    t = (child.text or "").replace("^[", "\\^[")
                    segments.append((t, lead))
                    n = len(t.strip())
                    total += n
                    if _red(color):
                        red += n
                    size = max(size, float(sz))
                elif tag in (q("tab"), q("ptab")):
                    segments.append(("\t", False))
                elif tag == q("br"):
                    if child.get(q("type")) in ("page", "column"):
                        page_break = True
                    else:
                        segments.append(("\n", False))
                elif tag == q("cr"):
                    segments.append(("\n", False))
                elif tag == q("noBreakHyphen"):
                    segments.append(("-", lead))
                elif tag == q("sym"):
                    try:
                        ch = chr(int(child.get(q("char"), "0"), 16))
                    except ValueError:
                        ch = ""
                    if ch and not 0xF000 <= ord(ch) <= 0xF0FF:
                        segments.append((ch, lead))
                elif tag in (q("footnoteReference"), q("endnoteReference")):
                    kind = "footnote" if tag == q("footnoteReference") else "endnote"
                    body = self.notes[kind].get(child.get(q("id")) or "", "")
                    if body:
                        segments.append((f"^[{body}]", lead))
                        self.note_refs[kind] += 1
                    skip_mark = child.get(q("customMarkFollows")) in ("1", "true", "on")
                elif tag in (q("drawing"), q("pict"), q("object")) and not note:
                    self._object(child)
                elif tag == q("commentReference"):
                    self.comment_at.setdefault(child.get(q("id")) or "", self.no)
                elif tag == q("lastRenderedPageBreak"):
                    pass

        walk(p)
        text = "".join(t for t, _ in segments)
        lead = []
        k = 0
        while (
            k < len(segments)
            and not segments[k][1]
            and re.fullmatch(r"\s*[（(]?[\d一二三四五六七八九十]*[）)]?[.．、]?\s*", segments[k][0])
        ):
            k += 1  # a typed number before the lead
        while k < len(segments) and (segments[k][1] or (lead and re.fullmatch(r"\^\[[^\]]*\]", segments[k][0]))):
            lead.append(segments[k][0])
            k += 1
        return text, "".join(lead), (red / total if total else 0.0), size, page_break

    def _field(self, el) -> None:
        kind = el.get(q("fldCharType"))
        if kind == "begin":
            self.fields.append(["", False])
        elif kind == "separate" and self.fields:
            self.fields[-1][1] = True
        elif kind == "end" and self.fields:
            self.fields.pop()

    GENERATED = ("TOC", "INDEX", "TOA", "BIBLIOGRAPHY")  # fields whose result Word generates from the text

    def in_toc(self) -> bool:
        """Inside the shown result of a generated field: a table of contents (or of figures), an index."""
        return any(instr.strip().upper().startswith(self.GENERATED) and shown for instr, shown in self.fields)

    def _object(self, el) -> None:
        """A drawing, VML picture or embedded object in a run: text boxes are read in place (pending),
        pictures and other objects are listed."""
        top = [
            b for b in el.iter(q("txbxContent")) if not any(x.tag == q("txbxContent") for x in _ancestors_until(b, el))
        ]
        if top:
            self.pending_boxes.extend(top)
            return
        if el.tag == q("object"):
            self.draft.skipped.append(f"第 {self.no} 段的嵌入对象（如 Excel 表格、公式编辑器对象）没有导入，请另行处理")
            return
        if any(x.tag == f"{{{A}}}blip" or x.tag == f"{{{V}}}imagedata" for x in el.iter()):
            self.draft.skipped.append(f"第 {self.no} 段的图片没有导入（内容格式不含图片），请另行处理")
            return
        if any(isinstance(x.tag, str) and x.tag.endswith("}chart") for x in el.iter()):
            self.draft.skipped.append(f"第 {self.no} 段的图表没有导入，请另行处理")
            return
        if any(isinstance(x.tag, str) and "diagram" in x.tag for x in el.iter()):
            self.draft.skipped.append(f"第 {self.no} 段的 SmartArt 图形没有导入，请另行处理")
        # a drawn line or shape without text (the red rule of a template): decoration, nothing to read

    # blocks ----------------------------------------------------------------------------------------

    def read(self) -> Draft:
        body = self.root.find(q("body"))
        self.pending_boxes: list = []
        self.blocks(body)
        d = self.draft
        for kind, count in self.note_refs.items():
            if kind == "footnote":
                d.footnotes = count
            else:
                d.endnotes = count
        if d.endnotes:
            d.notes.append(f"{d.endnotes} 个尾注已改为脚注（公文只用脚注），排在引用它的那一页")
        for cid, (author, text) in self.comments.items():
            d.comments += 1
            at = self.comment_at.get(cid)
            pos = f"第 {at} 段" if at else "文中"
            d.skipped.append(
                f"{pos}的批注{f'（{author}）' if author else ''}“{_short(text, 30)}”没有导入（批注不是公文内容）"
            )
        self._headers_footers()
        if d.changes:
            d.notes.append(f"文件中有修订（{d.changes} 处），已按“接受全部修订”后的文字导入，删除的文字没有导入")
        if d.toc:
            first = next(p.no for p in d.paragraphs if p.kind == "toc")
            last = max(p.no for p in d.paragraphs if p.kind == "toc")
            d.skipped.append(
                f"第 {first}–{last} 段是目录或索引（Word 自动生成的域，共 {d.toc} 段），没有导入：生成时不排目录"
            )
        if d.bullets:
            d.notes.append(f"{d.bullets} 个项目符号（•、■ 等）没有保留，所在段落按普通段落导入")
        return d

    def blocks(self, el, cell=None) -> None:
        for child in el:
            tag = child.tag
            if tag == q("p"):
                self.paragraph(child, cell)
            elif tag == q("tbl"):
                self.table(child)
            elif tag == q("sdt"):
                pr = child.find(q("sdtPr"))
                content = child.find(q("sdtContent"))
                gallery = pr.find(f"{q('docPartObj')}/{q('docPartGallery')}") if pr is not None else None
                toc = gallery is not None and "contents" in (gallery.get(q("val")) or "").lower()
                if pr is not None and pr.find(q("showingPlcHdr")) is not None:
                    continue
                if content is not None:
                    if toc:
                        self.fields.append(["TOC (content control)", True])
                        self.blocks(content, cell)
                        self.fields.pop()
                    else:
                        self.blocks(content, cell)
            elif tag in (q("customXml"), q("ins"), q("moveTo")):
                self.blocks(child, cell)
            elif tag == q("altChunk"):
                self.draft.skipped.append(
                    f"第 {self.no} 段之后嵌入的外部内容（altChunk，如粘贴的网页）没有导入，"
                    "请在 Word 中打开后另存为 .docx 再导入"
                )

    def paragraph(self, p, cell=None) -> None:
        ppr = p.find(q("pPr"))
        if ppr is not None:
            mark = ppr.find(f"{q('rPr')}/{q('del')}")
        else:
            mark = None
        if not self.in_box:
            self.no += 1
            self.draft.total += 1
            if self.no > MAX_PARAGRAPHS:
                raise BuildError(
                    f"{self.pkg.name} 的正文超过 {MAX_PARAGRAPHS} 段，远多于任何一份公文，拒绝导入"
                    "（如确是长文件，请拆成几份分别导入）"
                )
        no = self.no
        style_el = ppr.find(q("pStyle")) if ppr is not None else None
        style = style_el.get(q("val")) if style_el is not None else (self.styles.default_para or "")
        if style.endswith("End") and style.startswith(("Gw", "Normal")) and style[:-3] in self.styles.by_id:
            style = style[:-3]  # our last-paragraph variant (keeps the end of the body with the 版记)
        self.pending_boxes = []
        toc_before = self.in_toc()
        text, lead, red, size, page_break = self.runs(p, style)
        toc = toc_before or self.in_toc() or self.styles.is_toc(style)
        if ppr is not None and _on(ppr.find(q("pageBreakBefore"))):
            page_break = True
        boxes, self.pending_boxes = self.pending_boxes, []
        for box in boxes:  # a text box's paragraphs come before its anchor's own text
            was = self.in_box
            self.in_box = True
            self.blocks(box, cell)
            self.in_box = was
        # numbering: the paragraph's numPr, else its style chain's
        number, num_level, value = "", None, 0
        num_id, ilvl, from_style = None, None, None
        np_ = ppr.find(q("numPr")) if ppr is not None else None
        if np_ is not None:
            nid, il = np_.find(q("numId")), np_.find(q("ilvl"))
            num_id = nid.get(q("val")) if nid is not None else None
            ilvl = _int(il)
        if num_id is None:
            sn = self.styles.numbering(style)
            if sn:
                num_id, ilvl0, from_style = sn
                ilvl = ilvl if ilvl is not None else ilvl0
        deleted_whole = mark is not None and not text.strip()
        if num_id not in (None, "0") and not deleted_whole:
            if ilvl is None:
                ilvl = self.numbering.level_for_style(num_id, from_style or style)
            got = self.numbering.advance(num_id, ilvl)
            if got:
                number, lv, value = got
                if lv.fmt == "bullet":
                    if text.strip():
                        self.draft.bullets += 1
                    number = ""
                elif number.strip():
                    num_level = self.numbering.structure_levels(num_id).get(ilvl)
        if deleted_whole:
            return  # a paragraph deleted whole (changes accepted)
        heading = None
        if ppr is not None and ppr.find(q("outlineLvl")) is not None:
            ol = _int(ppr.find(q("outlineLvl")))
            heading = ol + 1 if ol is not None and ol < 9 else None
        else:
            heading = self.styles.heading_level(style)
        text = text.strip(" \t\u3000\u00a0")
        para = Para(
            no,
            text,
            number.strip(),
            num_level,
            value,
            style,
            heading,
            self.styles.is_title(style),
            lead.strip(),
            self.in_box,
            cell,
            kind="toc" if toc else "",
            page_break=page_break,
            red=red >= 0.5,
            size=size,
        )
        if toc and (text or number):
            self.draft.toc += 1
        elif not text and not number:
            if not self.in_box:
                self.draft.empty += 1
            return
        self.draft.paragraphs.append(para)

    def table(self, tbl) -> None:
        self.tables += 1
        tno = self.tables
        tblpr = tbl.find(q("tblPr"))
        style = tblpr.find(q("tblStyle")) if tblpr is not None else None
        borders = _visible_borders(tblpr.find(q("tblBorders")) if tblpr is not None else None) or (
            style is not None and self.styles.table_borders(style.get(q("val")))
        )
        rows = tbl.findall(q("tr"))
        first_no = self.no + 1
        start = len(self.draft.paragraphs)
        cols = 0
        for r, tr in enumerate(rows, 1):
            cells = [c for c in tr if c.tag in (q("tc"), q("sdt"), q("customXml"))]
            cells = [c if c.tag == q("tc") else (c.find(f".//{q('tc')}")) for c in cells]
            cols = max(cols, len(cells))
            for c, tc in enumerate([c for c in cells if c is not None], 1):
                borders = borders or _visible_borders(tc.find(f"{q('tcPr')}/{q('tcBorders')}"))
                self.blocks(tc, (tno, r, c))
        got = self.draft.paragraphs[start:]
        by_row: dict[int, list[Para]] = {}
        for p in got:
            if p.cell and p.cell[0] == tno and not p.box:
                by_row.setdefault(p.cell[1], []).append(p)
        filled = max((len({p.cell[2] for p in ps}) for ps in by_row.values()), default=0)
        ours = any(p.style in ("GwMarkJoint", "GwColophon") for p in got)  # our joint mark, our 版记
        data = bool(borders and len(rows) >= 2 and filled >= 2 and not ours)
        floating = tblpr is not None and tblpr.find(q("tblpPr")) is not None
        self.draft.tables.append(Table(tno, first_no, len(rows), cols, data))
        if data:  # each row one paragraph, its cells one character apart
            joined: list[Para] = []
            for r in sorted(by_row):
                ps = by_row[r]
                cells: dict[int, list[str]] = {}
                for p in ps:
                    cells.setdefault(p.cell[2], []).append((p.number + p.text) if p.number else p.text)
                text = "　".join("".join(v) for _, v in sorted(cells.items()) if "".join(v).strip())
                joined.append(Para(ps[0].no, text, style=ps[0].style, cell=(tno, r, 0), table_row=True))
            others = [p for p in got if not (p.cell and p.cell[0] == tno and not p.box)]
            self.draft.paragraphs[start:] = joined + others
            got = joined + others
        for p in got:
            p.floating = floating

    def _headers_footers(self) -> None:
        seen = set()
        for kind in ("/header", "/footer"):
            for part in self.pkg.related(self.pkg.main, kind):
                root = self.pkg.xml(part)
                if root is None:
                    continue
                _drop_alternatives(root)
                saved, self.fields = self.fields, []
                was, self.no = self.no, 0
                texts = []
                for p in root.iter(q("p")):
                    self.pending_boxes = []
                    texts.append(self.runs(p, note=True)[0])
                self.fields, self.no = saved, was
                text = re.sub(r"[\s\d—\-–－·第页共/]+", "", "".join(texts))
                if text and text not in seen:
                    seen.add(text)
                    where = "页眉" if kind == "/header" else "页脚"
                    self.draft.skipped.append(
                        f"{where}中的文字“{_short(''.join(texts).strip(), 30)}”没有导入（页眉页脚由程序按标准生成）"
                    )


def _ancestors_until(el, stop):
    out = []
    a = el.getparent()
    while a is not None and a is not stop:
        out.append(a)
        a = a.getparent()
    return out


def _red(color: str) -> bool:
    """A red run colour (FF0000, C00000, E60012 …): red well above green and blue."""
    if not re.fullmatch(r"[0-9A-F]{6}", color or ""):
        return False
    r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return r >= 0xA0 and g <= 0x60 and b <= 0x60


def _bad(pkg: Package, why: str):
    pkg.close()
    return BuildError(f"{pkg.name} 不是有效的 Word 文件（{why}），可能已损坏")


def read_draft(pkg: Package) -> Draft:
    """The paragraphs of a DOCX as the draft shows them, with what was not read."""
    try:
        return Reader(pkg).read()
    except RecursionError:
        raise BuildError(f"{pkg.name} 中的内容嵌套过深（表格套表格、文本框套文本框……），拒绝读取") from None

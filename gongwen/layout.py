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
"""

from __future__ import annotations

from dataclasses import dataclass, field
import hashlib
import json
import os
from pathlib import Path

from fontTools.ttLib import TTFont

from .fonts import FontSet
from .house import MM, House
from .model import Document, FootnoteRef, Inline, Paragraph, Text

NOSTART = set("，。、；：？！”’）》〉」』】〕…‰％%,.;:!?)]}·・～")
NOEND = set("“‘（《〈「『【〔([{")
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
class Page:
    number: int
    lines: list[Line] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    pitch: float = 0.0
    footnote_top: float = 0.0  # top of the footnote block, pt from the 版心 top (the 版心 height if none)


class Metrics:
    """Glyph advances (em) and vertical metrics of one font face.

    Read with fontTools on first use. Parsing the cmap and hmtx of a 65,000-glyph CJK font costs
    ~0.15 s, so the advances of the characters a build used are kept in a small JSON file next to the
    fontconfig cache and reused while the font file is unchanged.
    """

    def __init__(self, file: str, index: int, cache_dir: Path | None = None):
        self.file, self.index = file, index
        self.missing: set[str] = set()
        self._font = None
        self._dirty = False
        self.cache_file = None
        data = None
        if cache_dir is not None:
            st = os.stat(file)
            key = hashlib.sha256(f"{file}|{index}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:16]
            self.cache_file = cache_dir / f"metrics-{key}.json"
            try:
                data = json.loads(self.cache_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
        if data:
            self.ascent, self.descent = data["ascent"], data["descent"]
            self.adv: dict[str, float | None] = data["adv"]
        else:
            font = self._load()
            hhea = font["hhea"]
            self.ascent = hhea.ascent / self.upm
            self.descent = -hhea.descent / self.upm
            self.adv = {}
            self._dirty = True

    def _load(self):
        if self._font is None:
            self._font = TTFont(self.file, fontNumber=self.index, lazy=True)
            self.upm = self._font["head"].unitsPerEm
            self.cmap = self._font.getBestCmap()
            self.hmtx = self._font["hmtx"]
        return self._font

    def _lookup(self, ch: str) -> float | None:
        """Advance of `ch` in em, None if the face has no glyph for it (cached either way)."""
        a = self.adv.get(ch, -1.0)
        if a == -1.0:
            self._load()
            gid = self.cmap.get(ord(ch))
            a = None if gid is None else self.hmtx[gid][0] / self.upm
            self.adv[ch] = a
            self._dirty = True
        return a

    def advance(self, ch: str) -> float:
        a = self._lookup(ch)
        if a is None:
            self.missing.add(ch)
            return 0.5 if ord(ch) < 0x2E80 else 1.0
        return a

    def has(self, ch: str) -> bool:
        """Whether the face has a glyph for `ch` (without counting it as missing)."""
        return self._lookup(ch) is not None

    def save(self) -> None:
        if self._dirty and self.cache_file is not None:
            try:
                tmp = self.cache_file.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps({"ascent": self.ascent, "descent": self.descent, "adv": self.adv},
                                          ensure_ascii=False), encoding="utf-8")
                tmp.replace(self.cache_file)
                self._dirty = False
            except OSError:
                pass  # a cache that cannot be written only costs time


_METRICS: dict[tuple, Metrics] = {}


def metrics_for(file: str, index: int, cache_dir: Path | None = None) -> Metrics:
    key = (file, index, cache_dir)
    if key not in _METRICS:
        _METRICS[key] = Metrics(file, index, cache_dir)
    return _METRICS[key]


def save_metrics() -> None:
    for m in _METRICS.values():
        m.save()


class Composer:
    """Breaks text into lines and lines into pages for one document."""

    max_squeeze = 1  # closing marks kept on a full line by tightening it
    para_id = 0  # paragraph ids for widow control

    def __init__(self, house: House, fonts: FontSet):
        self.h = house
        self.fonts = fonts
        self.P = house.pitch
        self.W = house.type_width
        self.H = house.type_height
        self.S = house.body_size
        self.cell = house.cell
        self.ls_grid = self.cell - self.S  # −0.21 pt: 28 characters of 16 pt in 156 mm
        sizes = house["sizes_pt"]
        self.body = Style("fangsong", self.S)
        lead = house["body"]["item_lead_style"]
        self.lead = {"plain": self.body, "bold": Style("fangsong", self.S, bold=True),
                     "kai": Style("kaiti", self.S), "hei": Style("heiti", self.S)}.get(lead, self.body)
        self.call = Style("fangsong", float(sizes["footnote_call"]), call=True)
        self.fn = Style("fangsong", float(sizes["footnote"]))

    # -- measuring -------------------------------------------------------------------------------
    def metrics(self, role: str) -> Metrics:
        face = self.fonts[role].face
        return metrics_for(face.file, face.index, self.fonts.config_file.parent)

    def adv(self, ch: str, st: Style) -> float:
        return self.metrics(st.role).advance(ch) * st.size

    def natural_width(self, runs: list[Run]) -> float:
        return sum(self.adv(ch, r.style) for r in runs for ch in r.text)

    def ascent(self, st: Style) -> float:
        """Distance from a line box top to the baseline when line-height = (ascent + descent) · size."""
        m = self.metrics(st.role)
        return m.ascent * st.size

    def box_height(self, st: Style) -> float:
        m = self.metrics(st.role)
        return (m.ascent + m.descent) * st.size

    # -- line breaking ---------------------------------------------------------------------------
    def break_runs(self, runs: list[Run], first_avail: float, rest_avail: float, ls: float) -> list[list[Run]]:
        """Greedy Word-like line breaking with 避头尾 and one squeezed closing mark per line."""
        atoms = [(ch, r.style) for r in runs for ch in r.text]
        tokens: list[list[int]] = []  # atom indices
        for i, (ch, st) in enumerate(atoms):
            prev = atoms[i - 1] if i else None
            glue = prev is not None and (
                st.call
                or (ch.isascii() and not ch.isspace() and prev[0].isascii() and not prev[0].isspace()
                    and not prev[1].call))
            if glue and tokens:
                tokens[-1].append(i)
            else:
                tokens.append([i])
        width = [self.adv(ch, st) + ls for ch, st in atoms]
        # a Latin word or URL wider than a line is broken anywhere, character by character
        narrow = min(first_avail, rest_avail)
        split: list[list[int]] = []
        for tok in tokens:
            if len(tok) > 1 and sum(width[i] for i in tok) > narrow:
                split.extend([i] for i in tok)
            else:
                split.append(tok)
        tokens = split

        def tw(tok):
            return sum(width[i] for i in tok)

        def nostart(tok):
            return atoms[tok[0]][0] in NOSTART or atoms[tok[0]][1].call

        def noend(tok):
            return atoms[tok[-1]][0] in NOEND

        def space(tok):
            return atoms[tok[0]][0].isspace()

        lines: list[list[list[int]]] = []
        cur: list[list[int]] = []
        w, avail, squeezed = 0.0, first_avail, 0
        for tok in tokens:
            if not cur and space(tok):
                continue
            t = tw(tok)
            if w + t <= avail + EPS:
                cur.append(tok)
                w += t
                continue
            if nostart(tok) and squeezed < self.max_squeeze and cur and len(tok) == 1:
                cur.append(tok)  # 标点挤压: keep the closing mark, tighten the line
                w += t
                squeezed += 1
                continue
            carry = [tok]
            while cur and nostart(carry[0]):
                carry.insert(0, cur.pop())
            while cur and noend(cur[-1]):
                carry.insert(0, cur.pop())
            if not cur:  # nothing can be moved: break anyway
                cur, carry = carry[:-1], carry[-1:]
            if not cur:  # a single token wider than the line: it stands on a line of its own
                cur, carry = carry, []
            while cur and space(cur[-1]):
                cur.pop()
            lines.append(cur)
            cur = [c for c in carry if not (c is carry[0] and space(c))]
            w = sum(tw(c) for c in cur)
            avail, squeezed = rest_avail, 0
        while cur and space(cur[-1]):
            cur.pop()
        if cur or not lines:
            lines.append(cur)
        lines = [ln for ln in lines if ln] or [[]]

        out = []
        for line in lines:
            runs_out: list[Run] = []
            for tok in line:
                for i in tok:
                    ch, st = atoms[i]
                    if runs_out and runs_out[-1].style == st:
                        runs_out[-1].text += ch
                    else:
                        runs_out.append(Run(ch, st))
            out.append(runs_out)
        return out

    def paragraph_lines(self, runs: list[Run], indent_first: float, indent_rest: float = 0.0,
                        avail: float | None = None, ls: float | None = None, kind: str = "body",
                        justify: bool = True) -> list[Line]:
        """Break a paragraph and return its lines (baseline not yet set)."""
        avail = self.W if avail is None else avail
        ls = self.ls_grid if ls is None else ls
        broken = self.break_runs(runs, avail - indent_first, avail - indent_rest, ls)
        lines = []
        for k, rl in enumerate(broken):
            indent = indent_first if k == 0 else indent_rest
            n = sum(len(r.text) for r in rl)
            nat = self.natural_width(rl)
            last = k == len(broken) - 1
            grid_width = nat + ls * max(n - 1, 0)
            if n > 1 and ((justify and not last) or grid_width > avail - indent + EPS):
                s = (avail - indent - nat) / (n - 1)  # justify, or tighten a line holding a squeezed mark
            else:
                s = ls
            width = nat + s * max(n - 1, 0)
            fns = [r for r in rl if r.style.call]
            lines.append(Line(rl, indent, 0.0, s, width, kind, footnotes=[r.text for r in fns]))
        return lines

    def inline_runs(self, inlines: list[Inline], st: Style) -> list[Run]:
        runs: list[Run] = []
        for x in inlines:
            if isinstance(x, Text):
                runs.append(Run(x.text, st))
            elif isinstance(x, FootnoteRef):
                runs.append(Run(x.mark, self.call))
        return runs

    def centered(self, text: str, st: Style, ls: float = 0.0, kind: str = "center") -> Line:
        runs = [Run(text, st)]
        width = self.natural_width(runs) + ls * max(len(text) - 1, 0)
        return Line(runs, (self.W - width) / 2, 0.0, ls, width, kind)

    # -- the document ----------------------------------------------------------------------------
    def compose(self, doc: Document) -> list[Page]:
        h = self.h
        self.notes = {f.mark: f.text for f in doc.footnotes}
        self.indent2 = h["body"]["first_line_indent_chars"] * self.cell
        first_page_lines, rules, y0 = self.header(doc)
        rows = self.main_rows(doc)
        for att in doc.attachments:
            rows += self.attachment_rows(att)
        if doc.notice.publicity:  # 公开属性: the last line before the 版记
            rows += self.para_rows([Run(f"公开属性：{doc.notice.publicity}", self.body)], self.indent2, kind="publicity")

        pages = self.paginate(rows, y0)
        pages[0].lines[:0] = first_page_lines
        pages[0].rules[:0] = rules
        self.place_colophon(doc, pages)
        for i, pg in enumerate(pages, 1):
            pg.number = i
        return pages

    # -- 版头 (§7.2) -------------------------------------------------------------------------------
    def header(self, doc: Document) -> tuple[list[Line], list[Rule], float]:
        """份号, 密级, 紧急程度, the issuer mark, the 文号 (with 签发人) and the red rule: lines placed on the
        first page, and the top of the flow that follows (the title, two lines below the rule)."""
        h, P, n = self.h, self.P, doc.notice
        hd = h["header"]
        red = h["colors"]["red"]
        lines: list[Line] = []
        # 份号 (6 digits), 密级和保密期限 and 紧急程度 (黑体), 顶格 on the 版心's first lines, top-down (§7.2.1–.3)
        hei = Style("heiti", self.S)
        k = 0
        for text, st, kind in ((n.copy_number, self.body, "copy-number"), (n.secrecy, hei, "secrecy"),
                               (n.urgency, hei, "urgency")):
            if text:
                ln = Line([Run(text, st)], 0.0, self.grid_baseline(k * P, st), self.ls_grid,
                          self.natural_width([Run(text, st)]) + self.ls_grid * (len(text) - 1), kind)
                lines.append(ln)
                k += 1

        top = hd["mark_offset_mm"] * MM
        mark_lines, mark_bottom = self.issuer_mark(n.issuer_organs, n.issuer_suffix, top, red)
        lines += mark_lines

        # 发文字号: two lines below the mark, centred; with 签发人 (上行文): 文号 居左空一字 on the line of the
        # last 签发人, who stand 居右空一字 (§7.2.5–.6)
        box = mark_bottom + hd["number_lines_below_mark"] * P
        if n.signers:
            signer_lines, last_base = self.signer_lines(n.signers, box)
            lines += signer_lines
            nline = Line([Run(n.number.text, self.body)], self.cell, last_base, self.ls_grid,
                         self.natural_width([Run(n.number.text, self.body)]), "docnumber")
        else:
            nline = self.centered(n.number.text, self.body, kind="docnumber")
            nline.baseline = self.grid_baseline(box, self.body)
        lines.append(nline)

        # red rule 4 mm below the 文号, as wide as the 版心
        ry = nline.baseline + 0.12 * self.S + hd["rule_gap_mm"] * MM
        rt = hd["rule_thickness_mm"] * MM
        rules = [Rule(0.0, ry, self.W, rt, red)]
        return lines, rules, ry + rt + hd["title_lines_below_rule"] * P

    def issuer_mark(self, organs: list[str], suffix: str, top: float, color: str) -> tuple[list[Line], float]:
        """发文机关标志, its top edge at `top`, centred, red 小标宋. One organ: one line, shrunk to fit the
        版心. Joint (§7.2.4): the organs stacked, 主办机关 first, spaced out to one width, the suffix
        (“文件”) to their right, vertically centred on them. Returns the lines and the mark's bottom."""
        hd = self.h["header"]
        size = float(self.h["sizes_pt"]["mark"])
        maxw = hd["mark_max_width_mm"] * MM
        if len(organs) <= 1:
            mark = "".join(organs) + suffix
            st = Style("xiaobiaosong", size, color=color)
            natural = self.natural_width([Run(mark, st)])
            if natural > maxw:
                st = Style("xiaobiaosong", size * maxw / natural, color=color)
            ln = self.centered(mark, st, kind="mark")
            ln.baseline = top + 0.88 * st.size  # ideographic em box top at `top`
            return [ln], top + st.size
        size = float(self.h["sizes_pt"].get("joint_mark", size))
        unit = Style("xiaobiaosong", 1.0)
        names_w = max(self.natural_width([Run(o, unit)]) for o in organs)
        suffix_w = self.natural_width([Run(suffix, unit)]) if suffix else 0.0
        gap = float(hd.get("joint_mark_gap_em", 0.5)) if suffix else 0.0
        size = min(size, maxw / (names_w + gap + suffix_w))
        st = Style("xiaobiaosong", size, color=color)
        pitch = float(hd.get("joint_mark_line_em", 1.25)) * size
        total = (names_w + gap + suffix_w) * size
        x0 = (self.W - total) / 2
        out = []
        for i, organ in enumerate(organs):
            w = self.natural_width([Run(organ, st)])
            ls = (names_w * size - w) / (len(organ) - 1) if len(organ) > 1 else 0.0
            out.append(Line([Run(organ, st)], x0, top + i * pitch + 0.88 * size, ls, names_w * size, "mark"))
        bottom = top + (len(organs) - 1) * pitch + size
        if suffix:
            centre = (top + bottom) / 2
            out.append(Line([Run(suffix, st)], x0 + (names_w + gap) * size, centre - size / 2 + 0.88 * size, 0.0,
                            suffix_w * size, "mark-suffix"))
        return out, bottom

    def signer_lines(self, signers: list[str], box_top: float) -> tuple[list[Line], float]:
        """签发人 (上行文, §7.2.6): “签发人：” 仿宋 and the names 楷体, 居右空一字, two names a line, the
        names of further lines aligned with the first name. Returns the lines and the last baseline."""
        kai = Style("kaiti", self.S)
        label = [Run("签发人：", self.body)]
        label_w = self.natural_width(label) + self.ls_grid * 4
        rows = [signers[i:i + 2] for i in range(0, len(signers), 2)]

        def row_runs(names):
            return [Run("　".join(names), kai)]

        def width(runs):
            k = sum(len(r.text) for r in runs)
            return self.natural_width(runs) + self.ls_grid * k

        names_w = max(width(row_runs(r)) for r in rows)
        names_x = self.W - self.cell - names_w
        out = []
        base = 0.0
        for i, names in enumerate(rows):
            base = self.grid_baseline(box_top + i * self.P, self.body)
            if i == 0:
                out.append(Line(label, names_x - label_w, base, self.ls_grid, label_w, "signer-label"))
            rr = row_runs(names)
            out.append(Line(rr, names_x, base, self.ls_grid, width(rr), "signer"))
        return out, base

    # -- 主体 (§7.3) -------------------------------------------------------------------------------
    def main_rows(self, doc: Document) -> list["Row"]:
        """Title, 主送机关, 正文 (paragraphs and sections), 附件说明, 署名, 成文日期, 附注."""
        h, n = self.h, doc.notice
        indent2 = self.indent2
        rows: list[Row] = []
        tst = Style("xiaobiaosong", float(h["sizes_pt"]["title"]))
        for t in self.title_lines(n.title_lines, tst):
            rows.append(Row(self.centered(t, tst, kind="title"), keep_next=True))
        rows += [Row(None, keep_next=True)] * h["body"]["recipients_lines_below_title"]
        if n.recipients:
            for ln in self.paragraph_lines([Run(n.recipients + "：", self.body)], 0.0, kind="recipients"):
                rows.append(Row(ln, keep_next=True))
        for p in n.body:
            rows += self.para_rows(self.inline_runs(p.inlines, self.body), indent2)
        rows += self.section_rows(n.sections)
        if rows and rows[-1].line is not None:
            rows[-1].keep_next = True  # §7.3.5.5: the page of the 署名 carries at least one line of 正文
        if doc.attachment_note:
            rows += [Row(None, keep_next=True)] * h["body"]["attachment_note_lines_before"]
            label = "附件："
            lw = self.natural_width([Run(label, self.body)]) + len(label) * self.ls_grid
            for i, name in enumerate(doc.attachment_note):
                runs = [Run((label if i == 0 else "") + name, self.body)]
                first = indent2 if i == 0 else indent2 + lw
                rows += [Row(ln, keep_next=True) for ln in
                         self.paragraph_lines(runs, first, indent2 + lw, justify=False, kind="attachment-note")]
        if rows:
            rows[-1].keep_next = True
        rows += self.signature_rows(n.signatures, n.date_text, keep_date=bool(n.note))  # 附注 right below the date
        if n.note:
            rows += [Row(ln) for ln in self.paragraph_lines([Run(f"（{n.note}）", self.body)], indent2, kind="note")]
        return rows

    def section_rows(self, sections) -> list["Row"]:
        """Sections at every level of §7.3.3: 一、 黑体 and （一） 楷体 on lines of their own (kept with what
        follows), 1. and （1） run in with their lead sentence and first paragraph, all indented two
        characters."""
        rows: list[Row] = []
        for s in sections:
            if s.level <= 2:
                st = Style("heiti", self.S) if s.level == 1 else Style("kaiti", self.S)
                runs = [Run(s.label, st)] + self.inline_runs(s.heading, st)
                rows += self.para_rows(runs, self.indent2, kind=f"heading{s.level}", keep_next=True)
                for p in s.paragraphs:
                    rows += self.para_rows(self.inline_runs(p.inlines, self.body), self.indent2)
            else:
                paras = s.paragraphs or [Paragraph([])]
                first = ([Run(s.label, self.body)] + self.inline_runs(s.heading, self.lead)
                         + self.inline_runs(paras[0].inlines, self.body))
                rows += self.para_rows(first, self.indent2, kind="item" if s.level == 3 else "item4")
                for p in paras[1:]:
                    rows += self.para_rows(self.inline_runs(p.inlines, self.body), self.indent2)
            rows += self.section_rows(s.children)
        return rows

    def signature_rows(self, signatures: list[str], date_text: str, keep_date: bool = False) -> list["Row"]:
        """署名 and 成文日期 of a sealed document (§7.3.5.1): the date 右空四字; one organ's name centred over
        the date; joint organs in order, two to a row where they fit (the last centred over the date),
        else one to a row, rows spaced for their seals. A name wider than its room wraps."""
        h = self.h
        rows: list[Row] = [Row(None, keep_next=True)] * h["body"]["signature_lines_before"]
        date_runs = [Run(date_text, self.body)]
        dw = self.natural_width(date_runs) + self.ls_grid * (len(date_text) - 1)
        dx = self.W - h["body"]["date_right_chars"] * self.cell - dw
        centre = dx + dw / 2

        def over_date(name: str, kind: str = "signature") -> list[Line]:
            lines = self.paragraph_lines([Run(name, self.body)], 0.0, justify=False, kind=kind)
            for ln in lines:
                ln.x = max(0.0, min(centre - ln.width / 2, self.W - ln.width))
            return lines

        def width(name: str) -> float:
            return self.natural_width([Run(name, self.body)]) + self.ls_grid * (len(name) - 1)

        gap = self.cell  # the names apart by one character; their seals' centres are far more than a seal apart
        pairs = [signatures[i:i + 2] for i in range(0, len(signatures), 2)]
        if len(signatures) > 1 and len(signatures) % 2:  # odd: the last organ alone, over the date
            pairs = [signatures[i:i + 2] for i in range(0, len(signatures) - 1, 2)] + [[signatures[-1]]]
        fits = all(len(p) == 1 or width(p[0]) <= max(0.0, centre - width(p[1]) / 2) - gap for p in pairs)
        groups = pairs if fits else [[s] for s in signatures]
        row_gap = int(h["body"].get("joint_signature_row_gap_lines", 3))
        for gi, group in enumerate(groups):
            if gi:
                rows += [Row(None, keep_next=True)] * row_gap
            right = over_date(group[-1])
            extra: list[Line] = []
            if len(group) == 2:
                lw = width(group[0])
                room = right[0].x - gap
                extra = [Line([Run(group[0], self.body)], max(0.0, (room - lw) / 2), 0, self.ls_grid, lw, "signature")]
            for i, ln in enumerate(right):
                rows.append(Row(ln, keep_next=True, extra=extra if i == len(right) - 1 else []))
        rows.append(Row(Line(date_runs, dx, 0, self.ls_grid, dw, "date"), keep_next=keep_date))
        return rows

    # -- 附件 (§7.3.7) -----------------------------------------------------------------------------
    def attachment_rows(self, att) -> list["Row"]:
        """A new page; “附件” 3号黑体 top left; the title centred on line 3 (with a 楷体 subtitle line if
        any); a blank line; the attachment's body like the 正文."""
        h = self.h
        hei = Style("heiti", self.S)
        rows = [Row(Line([Run(att.label, hei)], 0, 0, self.ls_grid, 0, "attachment-label"),
                    break_before=True, keep_next=True)]
        rows += [Row(None, keep_next=True)] * h["attachment"]["title_lines_below_label"]
        tst = Style("xiaobiaosong", float(h["sizes_pt"]["title"]))
        for t in self.title_lines(att.title_lines, tst):
            rows.append(Row(self.centered(t, tst, kind="attachment-title"), keep_next=True))
        if att.subtitle:
            for ln in self.paragraph_lines([Run(att.subtitle, Style("kaiti", self.S))], 0.0, justify=False,
                                           kind="attachment-subtitle"):
                ln.x = (self.W - ln.width) / 2
                rows.append(Row(ln, keep_next=True))
        rows += [Row(None, keep_next=True)] * h["attachment"]["body_lines_below_title"]
        for p in att.preamble:
            rows += self.para_rows(self.inline_runs(p.inlines, self.body), self.indent2)
        rows += self.section_rows(att.parts)
        return rows

    def para_rows(self, runs, indent, kind="body", keep_next=False):
        lines = self.paragraph_lines(runs, indent, kind=kind)
        self.para_id += 1
        return [Row(ln, keep_next=keep_next, para=self.para_id, idx=i, count=len(lines))
                for i, ln in enumerate(lines)]

    def title_lines(self, given: list[str], st: Style) -> list[str]:
        """Title lines: as the author broke them, else balanced lines (梯形) that fit the 版心."""
        out = []
        for t in given:
            if self.natural_width([Run(t, st)]) <= self.W + EPS:
                out.append(t)
                continue
            total = self.natural_width([Run(t, st)])
            for n in range(2, 2 + int(total // self.W) + 2):
                target = total / n
                broken = self.break_runs([Run(t, st)], target + st.size, target + st.size, 0.0)
                if len(broken) <= n and all(self.natural_width(r) <= self.W + EPS for r in broken):
                    break
            else:  # no balanced break fits (e.g. a long URL): fill each line to the 版心 width
                broken = self.break_runs([Run(t, st)], self.W, self.W, 0.0)
            out += ["".join(r.text for r in rl) for rl in broken]
        return out

    def grid_baseline(self, box_top: float, st: Style, pitch: float | None = None) -> float:
        """Baseline that centres the ideographic em box (0.88 / 0.12 em) in a grid line."""
        pitch = self.P if pitch is None else pitch
        return box_top + pitch / 2 + 0.38 * st.size

    # -- pages -----------------------------------------------------------------------------------
    def footnote_block(self, marks: list[str], notes: dict[str, str]) -> tuple[float, list[Line]]:
        """Footnote lines (baseline relative to the block top) and the block's height."""
        if not marks:
            return 0.0, []
        hb = self.h["body"]
        lead = float(hb["footnote_line_pt"])
        y = 6.0 + 0.5 + 3.0  # space, rule, space
        lines = []
        for m in marks:
            mark_w = self.adv(m, self.fn)
            runs = [Run(m, self.fn), Run(notes[m], self.fn)]
            for ln in self.paragraph_lines(runs, 0.0, mark_w, ls=0.0, kind="footnote"):
                ln.baseline = y + lead * 0.75
                y += lead
                lines.append(ln)
        return y, lines

    def paginate(self, rows: list["Row"], y0_first: float) -> list[Page]:
        notes = self.notes
        hb = self.h["body"]
        min_pitch = float(hb["min_line_pitch_pt"])
        widows = bool(hb.get("widow_control", True))
        orphans = bool(hb.get("orphan_control", False))
        pages: list[Page] = []
        cur: list[Row] = []
        y0 = y0_first

        def fits(rs: list[Row], top: float) -> bool:
            avail = self.H - top
            n = len(rs)
            fh, _ = self.footnote_block([m for r in rs if r.line for m in r.line.footnotes], notes)
            if n * self.P + fh <= avail + EPS:
                return True
            return fh > 0 and n * self.P <= avail + EPS and (avail - fh) / n >= min_pitch

        def finish(rs: list[Row], top: float) -> None:
            marks = [m for r in rs if r.line for m in r.line.footnotes]
            fh, flines = self.footnote_block(marks, notes)
            avail = self.H - top
            n = max(len(rs), 1)
            pitch = min(self.P, (avail - fh) / n) if fh else self.P
            page = Page(0, pitch=pitch, footnote_top=self.H - fh)
            for k, r in enumerate(rs):
                if r.line is None:
                    continue
                r.line.baseline = self.grid_baseline(top + k * pitch, r.line.style, pitch)
                page.lines.append(r.line)
                for ln in r.extra:
                    ln.baseline = r.line.baseline
                    page.lines.append(ln)
            if flines:
                ftop = self.H - fh
                page.rules.append(Rule(0.0, ftop + 6.0, self.h["body"]["footnote_rule_width_mm"] * MM, 0.5))
                for ln in flines:
                    ln.baseline += ftop
                    page.lines.append(ln)
            pages.append(page)

        for row in rows:
            if row.break_before and (cur or pages):
                finish(cur, y0)
                cur, y0 = [], 0.0
            if not cur and row.line is None and not row.break_before and pages:
                continue  # no blank line at the top of a page
            if fits(cur + [row], y0):
                cur.append(row)
                continue
            carry = self.widow_orphan(cur, row, orphans) if widows else []
            while cur and cur[-1].keep_next and len(cur) > 1:
                carry.insert(0, cur.pop())
            head = carry[0] if carry else None
            if (widows and head is not None and head.para is not None and head.idx == head.count - 1
                    and head.count > 1 and len(cur) > 1 and cur[-1].para == head.para):
                carry.insert(0, cur.pop())  # a paragraph's last line is not left alone at the top of a page
            finish(cur, y0)
            while carry and carry[0].line is None:  # no blank line at the top of a page
                carry.pop(0)
            cur, y0 = carry + [row], 0.0
        finish(cur, y0)
        return pages

    @staticmethod
    def widow_orphan(cur: list["Row"], row: "Row", orphans: bool = True) -> list["Row"]:
        """Word's 孤行控制 (on by default): a paragraph leaves neither its first line alone at the foot
        of a page nor its last line alone at the top of the next. Pops from `cur` what must move."""
        if row.para is None or row.count < 2:
            return []
        k = 0
        while k < len(cur) and cur[-1 - k].para == row.para:
            k += 1
        remaining = row.count - row.idx
        move = 0
        if k and remaining == 1:
            move = 1  # widow: take one more line along
        if k - move == 1 and orphans:
            move = k  # orphan: the first line goes too
        if move >= len(cur):
            return []  # the paragraph fills the page: nothing better to do
        carry = cur[len(cur) - move:]
        del cur[len(cur) - move:]
        return carry

    def place_colophon(self, doc: Document, pages: list[Page]) -> None:
        """版记 at the foot of the last page: thick rule above its first row, thin rules between its
        parts, and its last (thick) rule with its bottom edge on the 版心 bottom edge (§7.4)."""
        c, h, P = doc.colophon, self.h, self.P
        st = Style("fangsong", float(h["sizes_pt"]["colophon"]))
        side = h["colophon"]["side_space_chars"] * st.size
        thick = h["colophon"]["thick_rule_mm"] * MM
        thin = h["colophon"]["thin_rule_mm"] * MM

        def at(runs: list[Run], right: bool, kind: str) -> Line:
            w = self.natural_width(runs)
            return Line(runs, self.W - side - w if right else side, 0, 0.0, w, kind)

        groups: list[list[list[Line]]] = []  # parts of the 版记 → grid rows → lines on the row
        # 主送 (moved to the 版记) and 抄送: 左右各空一字, wrapped lines aligned after the colon, no rule between
        top_group = []
        for text, kind in ((c.recipients_text, "colophon-recipients"), (c.cc_text, "colophon-cc")):
            if text:
                top_group += [[ln] for ln in self.paragraph_lines(
                    [Run(text, st)], side, side + self.natural_width([Run(text[:3], st)]), avail=self.W - side,
                    ls=0.0, kind=kind)]
        if top_group:
            groups.append(top_group)
        groups.append([[at([Run(c.printer, st)], False, "colophon-printer"),
                        at([Run(c.print_date_text, st)], True, "colophon-date")]])
        if c.copies_text:
            groups.append([[at([Run(c.copies_text, st)], True, "colophon-copies")]])
        height = sum(len(g) for g in groups) * P

        last = pages[-1]
        bottom = last.footnote_top
        text_bottom = max((ln.baseline + 0.12 * ln.style.size for ln in last.lines if ln.kind != "footnote"),
                          default=0.0)
        if text_bottom + 0.2 * P + height > bottom + EPS:  # no room under the text: a page of its own
            last = Page(0, pitch=P, footnote_top=self.H)
            pages.append(last)
            bottom = last.footnote_top
        y = bottom - height
        for gi, group in enumerate(groups):
            w = thick if gi == 0 else thin
            last.rules.append(Rule(0.0, y - w / 2, self.W, w))
            for row in group:
                for ln in row:
                    ln.baseline = self.grid_baseline(y, st)
                    last.lines.append(ln)
                y += P
        last.rules.append(Rule(0.0, bottom - thick, self.W, thick))


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

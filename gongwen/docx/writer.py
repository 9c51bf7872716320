"""DOCX writer: the resolved document model → an editable Word file.

A second writer over the same model as the PDF (same numbers, footnotes and text). Word (or WPS)
paginates the DOCX itself; everything a person may want to restyle is a real named style:

  Normal (Word shows it as 正文) · 发文机关标志 · 发文字号 · 公文标题 · 主送机关 · 附件说明 · 署名 · 成文日期 ·
  附件标识 · 附件标题 · 一级标题 · 二级标题 · 三级标题 · 条目 · 要点句 (character) · 版记 · 页码 · 页码双页 ·
  footnote text (脚注文本) · footnote reference (脚注引用)

Numbers (一、 1. ①) are plain text or Word's own footnote numbering (decimalEnclosedCircleChinese), never
Word list numbering that could renumber itself. Fonts are named by their official names (方正小标宋简体,
仿宋_GB2312, …: the first name of each role in styles/house.yaml) in all four w:rFonts slots.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from pathlib import Path
from xml.sax.saxutils import escape as _esc

from docx import Document as new_docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from . import ooxml as ox
from ..house import MM, House
from ..layout.boxes import PAGE_NUMBER, MarkGeometry, mark_geometry, seal_box
from ..model import ITEMS_RESTART, Document, FootnoteRef, Inline, Text
from ..transforms import cells, signature_pairs

TW = 20  # twips per pt
WORD_CIRCLED_MAX = 20  # the last number Word's decimalEnclosedCircleChinese draws in a circle


def tw_mm(mm: float) -> int:
    return round(mm * MM * TW)


class _Geometry:
    """Grid values in twips, from the house style."""

    def __init__(self, h: House):
        p = h["page"]
        self.page_w, self.page_h = tw_mm(p["width_mm"]), tw_mm(p["height_mm"])
        self.top, self.left = tw_mm(p["top_mm"]), tw_mm(p["left_mm"])
        self.right = tw_mm(p["width_mm"] - p["left_mm"] - p["type_width_mm"])
        self.bottom = tw_mm(p["height_mm"] - p["top_mm"] - p["type_height_mm"])
        self.type_w = tw_mm(p["type_width_mm"])
        self.pitch = math.floor(tw_mm(p["type_height_mm"]) / p["lines"])  # 579: Word floors the grid pitch
        body = float(h["sizes_pt"]["body"])
        self.body_half_pts = round(body * 2)
        # character spacing that puts 28 characters of 16 pt in 156 mm: −0.25 pt (−5 twentieths)
        self.char_spacing = math.floor((h.cell - body) * TW)
        self.cell = body * TW + self.char_spacing  # twips per full-width character on the grid
        self.char = round(body * TW)  # "一字" as Word counts it for indents (firstLineChars)


def _fonts(h: House) -> dict[str, str]:
    """Official font name of each role: the first name in the role's list, without a :style suffix."""
    return {role: names[0].split(":")[0] for role, names in h["fonts"].items()}


DOCX_CLOSE_MARGIN_PT = 0.5  # a closed page's paragraphs: this much under the PDF's closed pitch

# the style Word gives the paragraph after one in this style (Enter at its end), as a 公文 template sets it
NEXT = {
    "GwMark": "GwDocNumber",
    "GwDocNumber": "GwTitle",
    "GwTitle": "GwRecipients",
    "GwRecipients": "Normal",
    "GwAttachLabel": "GwAttachTitle",
    "GwAttachTitle": "Normal",
    "GwAttachSubtitle": "Normal",
    "GwAttachNote": "GwAttachNoteMore",
    "GwAttachNoteMore": "GwAttachNoteMore",
    "GwSignature": "GwDate",
    "GwDate": "Normal",
    "GwHeading1": "Normal",
    "GwHeading2": "Normal",
    "GwItem": "GwItem",
    "GwItem4": "GwItem4",
    "GwNote": "Normal",
    "GwSealBy": "GwNote",
    "GwPublicity": "Normal",
    "GwCopyNumber": "GwSecrecy",
    "GwSecrecy": "GwUrgency",
    "GwUrgency": "GwMark",
    "GwMarkJoint": "GwDocNumber",
    "GwSignerRow": "GwTitle",
    "GwColophon": "GwColophon",
}

# the list levels of the structure (GB/T 9704 §7.3.3), tied to their styles: 一、 （一） 1. （1）
LEVEL_STYLES = ("GwHeading1", "GwHeading2", "GwItem", "GwItem4")


def _style(
    kind: str,
    sid: str,
    name: str,
    based: str | None,
    ppr: str = "",
    rpr: str = "",
    extra: str = "",
    default: bool = False,
    num: tuple[int, int] | None = None,
) -> str:
    attrs = (
        f' w:type="{kind}" w:styleId="{sid}"'
        + (' w:default="1"' if default else "")
        + ' w:customStyle="1"' * (sid.startswith("Gw"))
    )
    based_xml = f'<w:basedOn w:val="{based}"/>' if based else ""
    if kind == "paragraph":
        based_xml += f'<w:next w:val="{NEXT.get(sid, sid if sid.startswith("Gw") else "Normal")}"/>'
    if num is not None:  # numbered by the list that follows the styles (numbering_xml)
        num_xml = f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        ppr = ppr.replace("<w:outlineLvl", num_xml + "<w:outlineLvl", 1) if "<w:outlineLvl" in ppr else num_xml + ppr
    return (
        f'<w:style{attrs}><w:name w:val="{name}"/>{based_xml}{extra}<w:qFormat/>'
        f"{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}</w:style>"
    )


def _rfonts(name: str) -> str:
    return f'<w:rFonts w:ascii="{name}" w:eastAsia="{name}" w:hAnsi="{name}" w:cs="{name}" w:hint="eastAsia"/>'


def _sz(pt: float) -> str:
    return f'<w:sz w:val="{round(pt * 2)}"/><w:szCs w:val="{round(pt * 2)}"/>'


def styles_xml(h: House, g: _Geometry, mark: MarkGeometry, levels: dict[int, tuple[int, int]] | None = None) -> str:
    """The house styles; `levels`: the list (numId, ilvl) each level style names (structure level 1–4)."""
    levels = levels or {}
    f = _fonts(h)
    sizes = h["sizes_pt"]
    red = h["colors"]["red"].lstrip("#").upper()
    line = f'<w:spacing w:before="0" w:after="0" w:line="{g.pitch}" w:lineRule="exact"/>'
    no_indent = '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
    indent2 = f'<w:ind w:firstLine="{2 * g.char}" w:firstLineChars="200"/>'
    date_right = h["body"]["date_right_chars"] * g.char
    hd = h["header"]
    title_pt = float(sizes["title"])
    out = [
        f'<w:docDefaults><w:rPrDefault><w:rPr>{_rfonts(f["fangsong"])}<w:kern w:val="0"/>{_sz(sizes["body"])}'
        '<w:lang w:val="zh-CN" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f'<w:pPrDefault><w:pPr><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>{line}</w:pPr></w:pPrDefault>'
        "</w:docDefaults>",
        # 正文: Normal, which Chinese Word displays as 正文
        _style(
            "paragraph",
            "Normal",
            "Normal",
            None,
            default=True,
            # no extra space between Chinese and digits/Latin (Word's default adds it; the grid and the
            # PDF do not), widow control as in the print
            ppr=f'<w:widowControl w:val="1"/><w:kinsoku w:val="1"/><w:overflowPunct w:val="1"/>'
            f'<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
            f'{line}{indent2}<w:jc w:val="both"/>',
            rpr=f'{_rfonts(f["fangsong"])}<w:spacing w:val="{g.char_spacing}"/>{_sz(sizes["body"])}',
        ),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/>'
        '<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        _style(
            "paragraph",
            "GwMark",
            "发文机关标志",
            "Normal",
            # an exact line of 1.2 × the size centres the em box: its top lands mark_offset_mm below
            ppr=f'<w:snapToGrid w:val="0"/><w:spacing w:before="{tw_mm(hd["mark_offset_mm"]) - round(0.1 * mark.size * TW)}" '
            f'w:after="0" w:line="{round(mark.size * TW * 1.2)}" w:lineRule="exact"/>{no_indent}<w:jc w:val="center"/>',
            rpr=f'{_rfonts(f["xiaobiaosong"])}<w:color w:val="{red}"/><w:spacing w:val="0"/>{_sz(mark.size)}',
        ),
        _style(
            "paragraph",
            "GwDocNumber",
            "发文字号",
            "Normal",
            # the border is drawn below the line box, whose bottom is (pitch − size) / 2 below the em box
            ppr=f'<w:pBdr><w:bottom w:val="single" w:sz="{round(hd["rule_thickness_mm"] * MM * 8)}" '
            f'w:space="{max(0, round(hd["rule_gap_mm"] * MM - (g.pitch / TW - float(sizes["body"])) / 2))}" '
            f'w:color="{red}"/></w:pBdr>'
            f'<w:spacing w:before="{hd["number_lines_below_mark"] * g.pitch - round(0.1 * mark.size * TW)}" '
            f'w:after="0" w:line="{g.pitch}" '
            f'w:lineRule="exact"/>{no_indent}<w:jc w:val="center"/>',
        ),
        _style(
            "paragraph",
            "GwTitle",
            "公文标题",
            "Normal",
            ppr=f'<w:keepNext/><w:snapToGrid w:val="0"/><w:spacing w:before="{hd["title_lines_below_rule"] * g.pitch}" '
            f'w:after="{h["body"]["recipients_lines_below_title"] * g.pitch}" w:line="{g.pitch}" w:lineRule="exact"/>'
            f'{no_indent}<w:jc w:val="center"/>',
            rpr=f'{_rfonts(f["xiaobiaosong"])}<w:spacing w:val="0"/>{_sz(title_pt)}',
        ),
        _style("paragraph", "GwRecipients", "主送机关", "Normal", ppr=no_indent),
        _style(
            "paragraph",
            "GwAttachNote",
            "附件说明",
            "Normal",
            ppr=f'<w:keepNext/><w:spacing w:before="{h["body"]["attachment_note_lines_before"] * g.pitch}" w:after="0" '
            f'w:line="{g.pitch}" w:lineRule="exact"/><w:ind w:left="{5 * g.char}" w:hanging="{3 * g.char}"/>'
            '<w:jc w:val="left"/>',
        ),
        _style(
            "paragraph",
            "GwAttachNoteMore",
            "附件说明续行",
            "GwAttachNote",
            ppr=f'<w:keepNext/>{line}<w:ind w:left="{5 * g.char}" w:firstLine="0" w:firstLineChars="0"/>',
        ),
        _style(
            "paragraph",
            "GwSignature",
            "署名",
            "Normal",
            ppr=f'<w:keepNext/><w:spacing w:before="{h["body"]["signature_lines_before"] * g.pitch}" w:after="0" '
            f'w:line="{g.pitch}" w:lineRule="exact"/>{no_indent}<w:jc w:val="center"/>',
        ),
        _style(
            "paragraph",
            "GwDate",
            "成文日期",
            "Normal",
            ppr=f'<w:ind w:right="{date_right}" w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="right"/>',
        ),
        _style("paragraph", "GwSealBy", "代章", "Normal", ppr=f'{no_indent}<w:jc w:val="left"/>'),
        _style("paragraph", "GwNote", "附注", "Normal"),
        _style(
            "paragraph",
            "GwAttachLabel",
            "附件标识",
            "Normal",
            ppr=f'<w:keepNext/><w:pageBreakBefore/>{no_indent}<w:jc w:val="left"/>',
            rpr=_rfonts(f["heiti"]),
        ),
        _style(
            "paragraph",
            "GwAttachTitle",
            "附件标题",
            "Normal",
            ppr=f'<w:keepNext/><w:snapToGrid w:val="0"/>'
            f'<w:spacing w:before="{h["attachment"]["title_lines_below_label"] * g.pitch}" '
            f'w:after="{h["attachment"]["body_lines_below_title"] * g.pitch}" w:line="{g.pitch}" w:lineRule="exact"/>'
            f'{no_indent}<w:jc w:val="center"/>',
            rpr=f'{_rfonts(f["xiaobiaosong"])}<w:spacing w:val="0"/>{_sz(title_pt)}',
        ),
        _style(
            "paragraph",
            "GwHeading1",
            "一级标题",
            "Normal",
            ppr='<w:keepNext/><w:outlineLvl w:val="0"/>',
            rpr=_rfonts(f["heiti"]),
            num=levels.get(1),
        ),
        _style(
            "paragraph",
            "GwHeading2",
            "二级标题",
            "Normal",
            ppr='<w:keepNext/><w:outlineLvl w:val="1"/>',
            rpr=_rfonts(f["kaiti"]),
            num=levels.get(2),
        ),
        # items are body text with a number, not headings: no outline level (the navigation pane shows 一、（一）)
        _style("paragraph", "GwItem", "三级标题", "Normal", num=levels.get(3)),
        _style("paragraph", "GwItem4", "四级标题", "Normal", num=levels.get(4)),
        _style("paragraph", "GwCopyNumber", "份号", "Normal", ppr=f'{no_indent}<w:jc w:val="left"/>'),
        _style(
            "paragraph",
            "GwSecrecy",
            "密级和保密期限",
            "Normal",
            ppr=f'{no_indent}<w:jc w:val="left"/>',
            rpr=_rfonts(f["heiti"]),
        ),
        _style(
            "paragraph",
            "GwUrgency",
            "紧急程度",
            "Normal",
            ppr=f'{no_indent}<w:jc w:val="left"/>',
            rpr=_rfonts(f["heiti"]),
        ),
        _style(
            "paragraph",
            "GwMarkJoint",
            "联合发文机关标志",
            "GwMark",
            ppr=f'<w:spacing w:before="0" w:after="0" w:line="{round(mark.size * TW * mark.line_em)}" w:lineRule="exact"/>',
        ),
        _style("character", "GwSignerName", "签发人姓名", None, rpr=_rfonts(f["kaiti"])),
        _style("paragraph", "GwSignerRow", "签发人", "GwDocNumber", ppr='<w:pBdr><w:bottom w:val="nil"/></w:pBdr>'),
        _style(
            "paragraph",
            "GwAttachSubtitle",
            "附件副标题",
            "Normal",
            ppr=f'<w:keepNext/><w:spacing w:before="0" w:after="{h["attachment"]["body_lines_below_title"] * g.pitch}" '
            f'w:line="{g.pitch}" w:lineRule="exact"/>{no_indent}<w:jc w:val="center"/>',
            rpr=_rfonts(f["kaiti"]),
        ),
        _style("paragraph", "GwPublicity", "公开属性", "Normal"),
        _style("character", "GwLead", "要点句", None, rpr=_lead_rpr(h, f)),
        _style(
            "paragraph",
            "GwColophon",
            "版记",
            "Normal",
            ppr=f'<w:snapToGrid w:val="0"/>{no_indent}<w:jc w:val="left"/>',
            rpr=f'<w:spacing w:val="0"/>{_sz(sizes["colophon"])}',
        ),
        _style(
            "paragraph",
            "GwPageNumber",
            "页码",
            "Normal",
            ppr=f'<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="{round(sizes["page_number"] * TW)}" '
            f'w:lineRule="exact"/><w:ind w:right="{round(h["page_number"]["side_space_chars"] * sizes["page_number"] * TW)}" '
            f'w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="right"/>',
            rpr=f'{_rfonts(f["songti"])}<w:spacing w:val="0"/>{_sz(sizes["page_number"])}',
        ),
        _style(
            "paragraph",
            "GwPageNumberEven",
            "页码双页",
            "GwPageNumber",
            ppr=f'<w:ind w:left="{round(h["page_number"]["side_space_chars"] * sizes["page_number"] * TW)}" w:right="0" '
            f'w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="left"/>',
        ),
        _style(
            "paragraph",
            "FootnoteText",
            "footnote text",
            "Normal",
            ppr=f'<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" '
            f'w:line="{round(float(h["body"]["footnote_line_pt"]) * TW)}" w:lineRule="exact"/>{no_indent}',
            rpr=f'<w:spacing w:val="0"/>{_sz(sizes["footnote"])}',
        ),
        _style(
            "character",
            "FootnoteReference",
            "footnote reference",
            None,
            rpr='<w:spacing w:val="0"/><w:vertAlign w:val="superscript"/>',
        ),
    ]
    return f"<w:styles {nsdecls('w')}>" + "".join(out) + "</w:styles>"


def list_plan(restart: list[bool]) -> tuple[list[dict[int, tuple[int, int]]], list[tuple[int, list[int]]]]:
    """Word lists for the bodies that have sections, numbering 一、 （一） 1. （1） from the start of each:
    per body, the (numId, ilvl) of each structure level; and the lists as (numId, levels it numbers).
    Items numbered per part are level 3 of the heading list (a level restarts after a higher one, in Word
    and LibreOffice alike); items that run on through the body are a list of their own (LibreOffice ignores
    w:lvlRestart, so a level of the heading list would restart under each 一、 there)."""
    bodies, lists = [], []
    for again in restart:
        heads = len(lists) + 1
        if again:
            lists.append((heads, [1, 2, 3, 4]))
            bodies.append({1: (heads, 0), 2: (heads, 1), 3: (heads, 2), 4: (heads, 3)})
        else:
            lists += [(heads, [1, 2]), (heads + 1, [3, 4])]
            bodies.append({1: (heads, 0), 2: (heads, 1), 3: (heads + 1, 0), 4: (heads + 1, 1)})
    return bodies, lists


def numbering_xml(h: House, g: _Geometry, restart: list[bool]) -> str:
    """The lists of `list_plan`, one abstract definition each, the first body's levels tied to the level
    styles (w:pStyle), so that Enter after an item, or the style applied to a new paragraph, numbers it.
    Numbers sit where typed ones would: 二字 in, no tab after them, in the level's font."""
    f = _fonts(h)
    fonts = {1: f["heiti"], 2: f["kaiti"], 3: f["fangsong"], 4: f["fangsong"]}
    texts = {1: "%{}、", 2: "（%{}）", 3: "%{}.", 4: "（%{}）"}
    formats = {1: "chineseCounting", 2: "chineseCounting", 3: "decimal", 4: "decimal"}
    bodies, lists = list_plan(restart)
    first = {num for num, _ in bodies[0].values()}  # the lists the level styles name
    out = [f"<w:numbering {nsdecls('w')}>"]
    for num, levels in lists:
        out.append(
            f'<w:abstractNum w:abstractNumId="{num}"><w:multiLevelType w:val="multilevel"/>'
            f'<w:name w:val="公文层次{num}"/>'
        )
        for ilvl, level in enumerate(levels):
            link = f'<w:pStyle w:val="{LEVEL_STYLES[level - 1]}"/>' if num in first else ""
            out.append(
                f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{formats[level]}"/>{link}'
                f'<w:suff w:val="nothing"/><w:lvlText w:val="{texts[level].format(ilvl + 1)}"/>'
                f'<w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="0" w:firstLine="{2 * g.char}" w:firstLineChars="200"/></w:pPr>'
                f'<w:rPr>{_rfonts(fonts[level])}<w:b w:val="0"/><w:bCs w:val="0"/></w:rPr></w:lvl>'
            )
        out.append("</w:abstractNum>")
    for num, _ in lists:
        out.append(f'<w:num w:numId="{num}"><w:abstractNumId w:val="{num}"/></w:num>')
    out.append("</w:numbering>")
    return "".join(out)


def _lead_rpr(h: House, f: dict[str, str]) -> str:
    style = h["body"]["item_lead_style"]
    if style == "bold":
        return "<w:b/><w:bCs/>"
    if style == "kai":
        return _rfonts(f["kaiti"])
    if style == "hei":
        return _rfonts(f["heiti"])
    return ""


class DocxWriter:
    def __init__(self, doc: Document, house: House, mark: MarkGeometry | None = None):
        """`mark`: the layout's geometry of the 发文机关标志 (measured with the PDF's fonts); without it,
        the same rules applied to the mark's width in grid cells."""
        self.m, self.h = doc, house
        self.g = _Geometry(house)
        self.d = new_docx()
        body = self.d.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self.body = body
        self.sect = body.find(qn("w:sectPr"))
        self.notes = ox.Footnotes(self.d.part, "FootnoteText", "FootnoteReference")
        n = doc.notice
        self.mark = mark or mark_geometry(house, n.issuer_organs, n.issuer_suffix, cells)
        # the bodies with sections (the plan's own, then each attachment's) and their Word lists
        n = doc.notice
        self.restart = [
            body.item_numbering == ITEMS_RESTART
            for body, secs in [(n, n.sections)] + [(a, a.parts) for a in doc.attachments]
            if secs
        ]
        self.levels, _ = list_plan(self.restart or [False])
        self.body_no = -1
        self.closed: dict = {}

    # the spacing before and after (in lines) of the styles whose blank lines are rows of the layout's flow
    def _flow_spacing(self, style: str) -> tuple[float, float]:
        h = self.h
        return {
            "GwTitle": (0.0, h["body"]["recipients_lines_below_title"]),
            "GwAttachNote": (h["body"]["attachment_note_lines_before"], 0.0),
            "GwSignature": (h["body"]["signature_lines_before"], 0.0),
            "GwAttachTitle": (h["attachment"]["title_lines_below_label"], h["attachment"]["body_lines_below_title"]),
            "GwAttachSubtitle": (0.0, h["attachment"]["body_lines_below_title"]),
        }.get(style, (0.0, 0.0))

    def close(self, p, ref) -> None:
        """A paragraph on a page whose line pitch the layout closed (self.closed): the same pitch as its
        exact line spacing, off the document grid, its blank lines before and after closed alike."""
        from ..layout import ref_key

        q = self.closed.get(ref_key(ref))
        if q is None:
            return
        ppr = p.find(qn("w:pPr"))
        style = ppr.find(qn("w:pStyle")).get(qn("w:val"))
        before, after = self._flow_spacing(style)
        own = ppr.find(qn("w:spacing"))
        if own is not None and own.get(qn("w:before")) is not None and style == "GwSignature":
            before = int(own.get(qn("w:before"))) / self.g.pitch  # a later row of joint 署名: its own gap
        # half a point under the PDF's: Word's and LibreOffice's line boxes differ from the PDF's by
        # fractions, and a page closed to hold its lines exactly would lose its last one to them
        tw = round((q - DOCX_CLOSE_MARGIN_PT) * TW)
        self._spacing(p, before=before * tw if before else None, after=after * tw if after else None)
        sp = ppr.find(qn("w:spacing"))
        sp.set(qn("w:line"), str(tw))
        sp.set(qn("w:lineRule"), "exact")
        ox.put(ppr, ox.el("snapToGrid", val="0"), ox.PPR_ORDER)

    # -- paragraphs ------------------------------------------------------------------------------
    def para(self, style: str, runs: list | None = None, text: str | None = None, ref=None) -> None:
        """A paragraph in `style`; `ref`: the model object (or line kind) the layout set it from."""
        p = ox.el("p")
        ppr = ox.el("pPr")
        ppr.append(ox.el("pStyle", val=style))
        p.append(ppr)
        if text is not None:
            p.append(ox.text_run(text))
        for r in runs or []:
            p.append(r)
        self.sect.addprevious(p)
        if ref is not None and self.closed:
            self.close(p, ref)
        return p

    def inline_runs(self, inlines: list[Inline], char_style: str | None = None) -> list:
        runs = []
        rpr = ox.run_props(style=char_style) if char_style else None
        for x in inlines:
            if isinstance(x, Text):
                runs.append(ox.text_run(x.text, rpr))
            elif isinstance(x, FootnoteRef):
                # Word numbers ①–⑳ itself (decimalEnclosedCircleChinese) and falls back to plain digits
                # after 20: from ㉑ on the note carries the PDF's mark
                runs.append(self.notes.add(x.text, x.mark if x.number > WORD_CIRCLED_MAX else None))
        return runs

    # -- the document ----------------------------------------------------------------------------
    def build(self) -> bytes:
        m = self.m
        n = m.notice
        self.install_styles()

        k = 0
        for text, style in ((n.copy_number, "GwCopyNumber"), (n.secrecy, "GwSecrecy"), (n.urgency, "GwUrgency")):
            if text:
                self.para(style, text=text)
                k += 1
        if n.joint:
            self.joint_mark(k)
        else:
            mark = self.para("GwMark", text=n.issuer_mark)
            if k:  # the mark's top stays 35 mm below the 版心 top: take the lines above it off its space before
                self._spacing(
                    mark,
                    before=tw_mm(self.h["header"]["mark_offset_mm"])
                    - k * self.g.pitch
                    - round(0.1 * self.mark.size * TW),
                )
        if n.signers:
            self.number_with_signers()
        else:
            num = self.para("GwDocNumber", text=n.number.text)
            if n.joint:
                self._spacing(
                    num,
                    before=self.h["header"]["number_lines_below_mark"] * self.g.pitch
                    - round((self.mark.line_em - 1) / 2 * self.mark.size * TW),
                )
        self.title_para("GwTitle", n.title_lines, ref="title")
        if n.recipients:
            self.para("GwRecipients", text=n.recipients + "：", ref="recipients")
        for p in n.body:
            self.para("Normal", self.inline_runs(p.inlines), ref=p)
        self.sections(n.sections, n.item_numbering == ITEMS_RESTART)
        if len(n.body) + len(n.sections) > 1:
            # §7.3.5.5: the 署名's page carries the last lines of the 正文 — but a 正文 of one paragraph
            # stays where it starts (§7.3.1: the first page shows 正文; LibreOffice would move it whole)
            self.keep_with_next()
        for i, name in enumerate(m.attachment_note):  # 附件：1. … then 2. … aligned under “1.”
            self.para(
                "GwAttachNote" if i == 0 else "GwAttachNoteMore",
                text=("附件：" if i == 0 else "") + name,
                ref="attachment-note",
            )
        self.signatures()
        if n.note:
            self.keep_with_next()  # the 附注 right under the date
            self.para("GwNote", text=f"（{n.note}）", ref="note")

        for att in m.attachments:
            self.para("GwAttachLabel", text=att.label, ref=att)
            title = self.title_para("GwAttachTitle", att.title_lines, ref=att)
            if att.subtitle:
                self._spacing(title, after=0)
                self.para("GwAttachSubtitle", text=att.subtitle, ref=att)
            for p in att.preamble:
                self.para("Normal", self.inline_runs(p.inlines), ref=p)
            self.sections(att.parts, att.item_numbering == ITEMS_RESTART)
        if n.publicity:
            self.para("GwPublicity", text=f"公开属性：{n.publicity}", ref="publicity")
        self.colophon()
        return self.finish()

    def title_para(self, style: str, lines: list[str], ref=None):
        """A title: its lines in one paragraph, broken where the author broke them."""
        title = self.para(style, ref=ref)
        for i, t in enumerate(lines):
            if i:
                title.append(ox.break_run())
            title.append(ox.text_run(t))
        return title

    def sections(self, sections, restart: bool | None = None) -> None:
        """一、 and （一） as heading paragraphs (一级标题 黑体, 二级标题 楷体, in Word's navigation pane); 1. and
        （1） run in with their lead sentence (要点句) and first paragraph (三级标题, 四级标题). The numbers are
        Word's own list numbers (numbering_xml), so that they renumber when the clerk inserts, deletes or
        moves a part or an item; they equal the model's labels, which the PDF prints. `restart`: a new body
        (its own list, items numbered per part when True)."""
        if restart is not None and sections:
            self.body_no += 1
        levels = self.levels[max(self.body_no, 0)]
        for s in sections:
            style = LEVEL_STYLES[s.level - 1]
            if s.level <= 2:
                p = self.para(style, self.inline_runs(s.heading), ref=s)
            else:
                first = s.paragraphs[0].inlines if s.paragraphs else []
                p = self.para(style, self.inline_runs(s.heading, "GwLead") + self.inline_runs(first), ref=s)
            if self.body_no > 0:  # a later body: its own lists (the styles name the first body's)
                ox.put(p.find(qn("w:pPr")), ox.numbering(*levels[s.level]), ox.PPR_ORDER)
            for para in s.paragraphs[0 if s.level <= 2 else 1 :]:
                self.para("Normal", self.inline_runs(para.inlines), ref=para)
            self.sections(s.children)

    def keep_with_next(self) -> None:
        """The paragraph written last stays on the page of the next one (w:keepNext, with its lines together
        by widow control): so the 附件说明, 署名 and 成文日期 never open a page alone, in Word, WPS or
        LibreOffice, whatever is edited above them."""
        last = self.sect.getprevious()
        if last is not None and last.tag == qn("w:p"):
            ox.put(last.find(qn("w:pPr")), ox.el("keepNext"), ox.PPR_ORDER)

    @staticmethod
    def _spacing(p, before: int | None = None, after: int | None = None) -> None:
        ppr = p.find(qn("w:pPr"))
        sp = ppr.find(qn("w:spacing"))
        if sp is None:
            sp = ox.put(ppr, ox.el("spacing"), ox.PPR_ORDER)
        if before is not None:
            sp.set(qn("w:before"), str(max(0, round(before))))
        if after is not None:
            sp.set(qn("w:after"), str(max(0, round(after))))

    def joint_mark(self, lines_above: int) -> None:
        """联合行文的发文机关标志 (§7.2.4): a borderless table, the organs stacked and spread to one width in
        the left cell, the suffix (“文件”) in the right cell, centred vertically; a spacer paragraph above
        puts the mark's top 35 mm below the 版心 top."""
        n, g, h, mk = self.m.notice, self.g, self.h, self.mark
        size = mk.size
        # the organs' column: their width, and a quarter em that keeps LibreOffice from wrapping the longest
        names = (mk.names_em + 0.25) * size * TW
        suffix = (mk.gap_em + mk.suffix_em) * size * TW
        space = tw_mm(h["header"]["mark_offset_mm"]) - lines_above * g.pitch - round((mk.line_em - 1) / 2 * size * TW)
        self.sect.addprevious(
            parse_xml(
                f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="GwMarkJoint"/><w:spacing w:before="0" w:after="0" '
                f'w:line="{max(20, space)}" w:lineRule="exact"/></w:pPr></w:p>'
            )
        )
        cols = [round(names), round(suffix)] if n.issuer_suffix else [round(names)]
        cell_mar = "".join(f'<w:{s} w:w="0" w:type="dxa"/>' for s in ("top", "left", "bottom", "right"))
        borders = "".join(f'<w:{s} w:val="nil"/>' for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
        xml = [
            f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(cols)}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar>{cell_mar}</w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>'
            + "".join(f'<w:gridCol w:w="{c}"/>' for c in cols)
            + "</w:tblGrid><w:tr>"
        ]
        paras = "".join(
            f'<w:p><w:pPr><w:pStyle w:val="GwMarkJoint"/><w:jc w:val="distribute"/></w:pPr>'
            f'<w:r><w:t xml:space="preserve">{_esc(o)}</w:t></w:r></w:p>'
            for o in n.issuer_organs
        )
        xml.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{cols[0]}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>{paras}</w:tc>'
        )
        if n.issuer_suffix:
            xml.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{cols[1]}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="GwMarkJoint"/><w:jc w:val="right"/></w:pPr>'
                f'<w:r><w:t xml:space="preserve">{_esc(n.issuer_suffix)}</w:t></w:r></w:p></w:tc>'
            )
        xml.append("</w:tr></w:tbl>")
        self.sect.addprevious(parse_xml("".join(xml)))

    def number_with_signers(self) -> None:
        """上行文 (§7.2.6): “签发人：” and the names (楷体) 居右空一字, two names a line, further lines aligned
        with the first name; the 文号 居左空一字 on the line of the last 签发人, which carries the red rule."""
        n, g = self.m.notice, self.g
        rows = [n.signers[i : i + 2] for i in range(0, len(n.signers), 2)]
        names_cells = max(cells("　".join(r)) for r in rows)
        names_x = round(g.type_w - g.cell - names_cells * g.cell)
        label_x = round(names_x - 4 * g.cell)
        name_rpr = ox.run_props(style="GwSignerName")
        for i, names in enumerate(rows):
            last = i == len(rows) - 1
            runs = [ox.text_run(n.number.text)] if last else []
            runs.append(ox.tab_run())
            if i == 0:
                runs.append(ox.text_run("签发人："))
            runs.append(ox.text_run("　".join(names), name_rpr))
            p = self.para("GwDocNumber" if last else "GwSignerRow", runs)
            ppr = p.find(qn("w:pPr"))
            ox.put(ppr, ox.tabs(("left", label_x if i == 0 else names_x)), ox.PPR_ORDER)
            ox.put(ppr, ox.el("ind", left=round(g.cell), firstLine=0, firstLineChars=0), ox.PPR_ORDER)
            ox.put(ppr, ox.el("jc", val="left"), ox.PPR_ORDER)
            if i > 0:
                self._spacing(p, before=0)

    def signatures(self) -> None:
        """署名 and 成文日期 (sealed, §7.3.5.1): one organ centred over the date; joint organs two to a row
        where they fit (the last centred over the date), else one to a row, rows apart for the seals."""
        n, g, h = self.m.notice, self.g, self.h
        date_right = h["body"]["date_right_chars"] * g.cell
        date_cells = cells(n.date_text)
        centre = g.type_w - date_right - date_cells * g.cell / 2
        sigs = n.signatures
        pairs = signature_pairs(sigs)
        fits = all(len(p) == 1 or cells(p[0]) * g.cell <= centre - cells(p[1]) * g.cell / 2 - g.cell for p in pairs)
        groups = pairs if fits else [[s] for s in sigs]
        gap = int(h["body"]["joint_signature_row_gap_lines"])
        seals = list(zip(sigs, n.seals))
        # the first names of rows of two stand in one column, centred on one tab stop (the narrowest room)
        left_centre = min(
            (round((max(0.0, centre - cells(p[-1]) * g.cell / 2) - g.cell) / 2) for p in groups if len(p) == 2),
            default=0,
        )
        for gi, group in enumerate(groups):
            if len(group) == 1 and cells(group[0]) * g.cell <= g.type_w:
                # centred on the date by a centre tab stop at the date's centre, where the date is centred
                # too: the two stay centred on each other when the clerk changes the date
                x = round(min(centre, g.type_w - cells(group[0]) * g.cell / 2))
                p = self.para("GwSignature", [ox.tab_run(), ox.text_run(group[0])])
                self._centre_on_tab(p, x)
                centres = [x]
            else:
                runs = []
                stops = []
                if len(group) == 2:
                    stops.append(("center", left_centre))
                    runs += [ox.tab_run(), ox.text_run(group[0])]
                if cells(group[-1]) * g.cell <= g.type_w:
                    stops.append(("center", round(min(centre, g.type_w - cells(group[-1]) * g.cell / 2))))
                    runs += [ox.tab_run(), ox.text_run(group[-1])]
                else:  # longer than a line: it wraps, flush with the date's right edge
                    runs += [ox.text_run(group[-1])]
                p = self.para("GwSignature", runs)
                ppr = p.find(qn("w:pPr"))
                if stops:
                    ox.put(ppr, ox.tabs(*stops), ox.PPR_ORDER)
                ox.put(ppr, ox.el("jc", val="left" if stops else "right"), ox.PPR_ORDER)
                centres = [pos for _, pos in stops] if stops else [g.type_w - centre]
            if gi:
                self._spacing(p, before=gap * g.pitch)
            if self.closed:
                self.close(p, "signature")
            for name, x in zip(group, centres):
                path = dict(seals).get(name)
                if path:
                    p.append(self._seal_run(path, x))
        date = self.para("GwDate", [ox.tab_run(), ox.text_run(n.date_text)], ref="date")
        self._centre_on_tab(date, round(centre))  # 右空四字 as built; its centre is the signatures'
        if n.seal_by:  # （…代章） on the next line, centred on the date as the 署名 is
            self.keep_with_next()
            text = f"（{n.seal_by}代章）"
            p = self.para("GwSealBy", [ox.tab_run(), ox.text_run(text)], ref="seal-by")
            self._centre_on_tab(
                p, round(max(cells(text) * g.cell / 2, min(centre, g.type_w - cells(text) * g.cell / 2)))
            )

    def _seal_run(self, path: str, centre_x: float):
        """An electronic seal in front of the text, centred on its 署名 at `centre_x` (twips from the left
        margin), placed as the PDF places it (house: seal_diameter_mm, seal_gap_lines): its top a fifth of
        a line below the top of the 署名's paragraph (whose space before is the gap after the text), the
        署名 and the date below its centre."""
        hb, g = self.h["body"], self.g
        d = float(hb["seal_diameter_mm"]) * MM * TW
        cx, cy = (v * TW for v in seal_box(self.h, path))
        before = hb["signature_lines_before"] * g.pitch
        centre_below_line_top = -before + float(hb["seal_gap_lines"]) * g.pitch + d / 2
        rid, _ = self.d.part.get_or_add_image(path)
        self._pic_id = getattr(self, "_pic_id", 10) + 1
        emu = 635
        xml = (
            f'<w:r {nsdecls("w", "wp", "a", "pic", "r")}><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" '
            'simplePos="0" relativeHeight="251660288" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
            '<wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="margin"><wp:posOffset>{round((centre_x - cx / 2) * emu)}</wp:posOffset></wp:positionH>'
            f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{round((before + centre_below_line_top - cy / 2) * emu)}</wp:posOffset>'
            f'</wp:positionV><wp:extent cx="{round(cx * emu)}" cy="{round(cy * emu)}"/>'
            '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
            f'<wp:docPr id="{self._pic_id}" name="印章{self._pic_id - 10}"/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="{self._pic_id}" name="印章.png"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{round(cx * emu)}" cy="{round(cy * emu)}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
            "</wp:anchor></w:drawing></w:r>"
        )
        return parse_xml(xml)

    def install_styles(self) -> None:
        """Replace python-docx's template styles with the house styles."""
        self.d.part._styles_part._element = parse_xml(styles_xml(self.h, self.g, self.mark, self.levels[0]))

    def install_numbering(self) -> None:
        """Replace the template's lists with one per body that has sections (at least one, which the level
        styles name)."""
        self.d.part.numbering_part._element = parse_xml(numbering_xml(self.h, self.g, self.restart or [False]))

    def finish(self, title: str | None = None) -> bytes:
        """Section, settings, fonts and properties; the package zipped with fixed timestamps."""
        self.install_numbering()
        self.section()
        self.settings()
        self.font_table()
        self.core_properties()
        if title is not None:
            self.d.core_properties.title = title
        self.app_properties(title)
        self.drop_template_leftovers()
        buf = io.BytesIO()
        self.d.save(buf)
        d = self.m.notice.stamp_date
        return ox.reproducible_zip(buf.getvalue(), (max(d.year, 1980), d.month, d.day, 0, 0, 0))

    @staticmethod
    def _centre_on_tab(p, x: int) -> None:
        """The paragraph's text centred on a centre tab stop `x` twips from the left margin (GB/T 9704
        §7.3.5.1: 署名 centred on the 成文日期, the date 右空四字)."""
        ppr = p.find(qn("w:pPr"))
        ox.put(ppr, ox.tabs(("center", x)), ox.PPR_ORDER)
        ox.put(ppr, ox.el("ind", left=0, right=0, firstLine=0, firstLineChars=0), ox.PPR_ORDER)
        ox.put(ppr, ox.el("jc", val="left"), ox.PPR_ORDER)

    def colophon(self) -> None:
        """版记 at the foot of the last page (GB/T 9704 §7.4): a table with thick first and last rules and
        thin rules between, floating at the bottom of the type area (w:tblpPr: vertically the margin,
        tblpYSpec bottom; horizontally the page, at the left margin) so that its last rule lies on the 版心
        bottom edge whatever is edited above it, and growing upward when a row is added or wraps.

        Its anchor is the paragraph that follows it (ECMA-376 §17.4.58): the table is written just before
        the last body paragraph, which is kept whole (keepLines) and with whatever follows (keepNext, which
        a paragraph made by Enter after it inherits). So the 版记 always shares a page with the end of the
        body, there is no empty anchor paragraph to type into, and Ctrl+End lands at the end of the text.
        LibreOffice makes a floating table as wide as the text an ordinary table unless it is anchored to
        the page horizontally (its writerfilter converts a table to a frame only when text could wrap
        beside it, or when it is placed relative to the page); the measurements behind this construct —
        text boxes, frames, page- and margin-anchored tables, over sweeps of added lines — are in the
        README. The duplex house setting puts the 版记 on a page of its own instead (section())."""
        c, h, g = self.m.colophon, self.h, self.g
        thick = max(2, round(h["colophon"]["thick_rule_mm"] * MM * 8))
        thin = max(2, round(h["colophon"]["thin_rule_mm"] * MM * 8))
        side = round(h["colophon"]["side_space_chars"] * h["sizes_pt"]["colophon"] * TW)
        ch = round(float(h["sizes_pt"]["colophon"]) * TW)  # one 4号 character, twips
        # the date's column: the date, 右空一字, one character apart from the 印发机关 (as in the PDF), and
        # one more for renderers that set digits wider than half a character (LibreOffice adds space
        # between Chinese and digits)
        date_col = round(cells(c.print_date_text) * ch + side + 2 * ch)
        left_col = g.type_w - date_col

        def lines(text: str, width: int, hang: int = 0) -> int:
            """Lines a text takes in a cell `width` twips wide (first line full, the rest `hang` shorter)."""
            first, rest = max(1, (width - 2 * side) // ch), max(1, (width - 2 * side - hang) // ch)
            # a run of digits or Latin letters among Chinese may be set with extra space on each side
            # (LibreOffice ignores autoSpaceDE/DN): count half a character more for each
            width_cells = math.ceil(cells(text) + 0.5 * len(re.findall(r"[0-9A-Za-z]+", text)))
            return 1 if width_cells <= first else 1 + math.ceil((width_cells - first) / rest)

        rows = []  # (cells: [(text, align, hanging twips)], lines)
        for text in (c.recipients_text, c.cc_text):  # 主送 (moved to the 版记) above the 抄送, no rule between
            if text:
                rows.append(([(text, "left", 3 * ch)], lines(text, g.type_w, 3 * ch)))
        rows.append(([(c.printer, "left", 0), (c.print_date_text, "right", 0)], lines(c.printer, left_col + side)))
        if c.copies_text:
            rows.append(([(c.copies_text, "right", 0)], 1))
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in (left_col, date_col))
        own_page = bool(self.colophon_page)
        # a fifth of a line between the body's last line and the 版记's first rule, as in the PDF
        gap = round(0.2 * g.pitch)
        tbl = [
            f"<w:tbl {nsdecls('w')}><w:tblPr>"
            f'<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="{gap}" w:bottomFromText="0" '
            f'w:vertAnchor="margin" w:horzAnchor="page" w:tblpX="{g.left}" w:tblpYSpec="bottom"/>'
            f'<w:tblW w:w="{g.type_w}" w:type="dxa"/>'
            f'<w:tblBorders><w:top w:val="single" w:sz="{thick}" w:space="0" w:color="000000"/>'
            '<w:left w:val="nil"/>'
            f'<w:bottom w:val="single" w:sz="{thick}" w:space="0" w:color="000000"/>'
            '<w:right w:val="nil"/>'
            f'<w:insideH w:val="single" w:sz="{thin}" w:space="0" w:color="000000"/><w:insideV w:val="nil"/>'
            '</w:tblBorders><w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
            f'<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        ]
        for ri, (row, n_lines) in enumerate(rows):
            rule = "exact" if n_lines == 1 else "atLeast"  # a wrapped row never clips its text
            tbl.append(
                f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{n_lines * g.pitch}" w:hRule="{rule}"/></w:trPr>'
            )
            span = len(row) == 1
            no_rule = (
                '<w:tcBorders><w:bottom w:val="nil"/></w:tcBorders>'
                if (ri == 0 and c.recipients_text and c.cc_text)
                else ""
            )
            for ci, (text, align, hang) in enumerate(row):
                ind = (
                    f'<w:ind w:left="{side + hang}" w:right="{side}" w:hanging="{hang}"/>'
                    if hang
                    else f'<w:ind w:left="{side}" w:right="{0 if (not span and ci == 0) else side}" w:firstLine="0" w:firstLineChars="0"/>'
                )
                width = g.type_w if span else (left_col, date_col)[ci]
                grid_span = '<w:gridSpan w:val="2"/>' if span else ""
                tbl.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
                    f'{grid_span}{no_rule}<w:vAlign w:val="bottom"/></w:tcPr>'
                    f'<w:p><w:pPr><w:pStyle w:val="GwColophon"/>{ind}<w:jc w:val="{align}"/></w:pPr>'
                    f'<w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r></w:p></w:tc>'
                )
            tbl.append("</w:tr>")
        tbl.append("</w:tbl>")
        table = parse_xml("".join(tbl))
        last = self.sect.getprevious()
        if own_page or last is None or last.tag != qn("w:p"):
            # its own page (duplex): after a section break, an empty paragraph that opens the page
            # (LibreOffice hangs a new section's page on a paragraph, not on a floating table), the table,
            # and an empty paragraph to anchor it
            self.para("GwColophon")
            self.sect.addprevious(table)
            self.para("GwColophon")
            table = table.getprevious()
        else:
            last.addprevious(table)
            self.end_style(last)
        self.colophon_anchor = table

    def end_style(self, p) -> None:
        """The last body paragraph's style becomes a variant of it that keeps the paragraph whole and with
        what follows (keepLines, keepNext) and is its own next style: a paragraph the clerk adds after it
        (Enter, in Word and WPS; a split, in LibreOffice) carries the same, so the end of the body and its
        版记 stay on one page."""
        ppr = p.find(qn("w:pPr"))
        st = ppr.find(qn("w:pStyle"))
        base = st.get(qn("w:val")) if st is not None else "Normal"
        styles = self.d.part._styles_part._element
        name_el = next(
            (x.find(qn("w:name")) for x in styles.iter(qn("w:style")) if x.get(qn("w:styleId")) == base), None
        )
        name = name_el.get(qn("w:val")) if name_el is not None else base
        sid = f"{base}End"
        styles.append(
            parse_xml(
                f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{sid}">'
                f'<w:name w:val="{_attr(name)}（末段，与版记同页）"/><w:basedOn w:val="{base}"/><w:next w:val="{sid}"/>'
                "<w:qFormat/><w:pPr><w:keepNext/><w:keepLines/></w:pPr></w:style>"
            )
        )
        if st is None:
            st = ox.put(ppr, ox.el("pStyle"), ox.PPR_ORDER)
        st.set(qn("w:val"), sid)

    def section(self) -> None:
        g, h = self.g, self.h
        sect = self.sect
        for child in list(sect):
            sect.remove(child)
        odd = self._footer("GwPageNumber")
        even = self._footer("GwPageNumberEven")
        for kind, rid in (("default", odd), ("even", even)):
            ref = ox.el("footerReference", type=kind)
            ref.set(qn("r:id"), rid)
            ox.put(sect, ref, ox.SECTPR_ORDER, replace=False)
        ox.put(sect, ox.footnote_pr(), ox.SECTPR_ORDER)
        ox.put(sect, ox.el("pgSz", w=g.page_w, h=g.page_h), ox.SECTPR_ORDER)
        # the page number's em box top sits page_number.offset_mm below the 版心
        pn = h["page_number"]
        size = float(h["sizes_pt"]["page_number"])
        footer = tw_mm(
            h["page"]["height_mm"] - h["page"]["top_mm"] - h["page"]["type_height_mm"] - pn["offset_mm"]
        ) - round(size * TW)
        ox.put(
            sect,
            ox.el("pgMar", top=g.top, right=g.right, bottom=g.bottom, left=g.left, header=851, footer=footer, gutter=0),
            ox.SECTPR_ORDER,
        )
        ox.put(sect, ox.el("pgNumType", start=1), ox.SECTPR_ORDER)
        ox.put(sect, ox.el("cols", space=425), ox.SECTPR_ORDER)
        ox.put(sect, ox.el("docGrid", type="lines", linePitch=g.pitch), ox.SECTPR_ORDER)
        if self.colophon_page and self.colophon_anchor is not None:
            # duplex: the 版记 on a page of its own (the even back face), in a last section whose footers
            # are empty — that page carries no page number (§7.5)
            from copy import deepcopy

            brk = ox.el("p")
            ppr = ox.el("pPr")
            ppr.append(deepcopy(sect))
            brk.append(ppr)
            self.colophon_anchor.addprevious(brk)
            blank = self._footer(None)
            for ref in sect.findall(qn("w:footerReference")):
                ref.set(qn("r:id"), blank)
            ox.put(sect, ox.el("type", val="nextPage"), ox.SECTPR_ORDER)
            for num in sect.findall(qn("w:pgNumType")):
                sect.remove(num)

    colophon_page = False  # set by write_docx when the composed document puts the 版记 on a page of its own
    colophon_anchor = None

    def _footer(self, style: str | None) -> str:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.parts.hdrftr import FooterPart

        part = FooterPart.new(self.d.part.package)
        ftr = part.element
        for child in list(ftr):
            ftr.remove(child)
        p = ox.el("p")
        ppr = ox.el("pPr")
        ppr.append(ox.el("pStyle", val=style or "GwPageNumber"))
        p.append(ppr)
        if style:  # None: an empty footer (a page without a number)
            before, after = PAGE_NUMBER.split("{}")
            p.append(ox.text_run(before))
            for r in ox.page_field_runs(None):
                p.append(r)
            p.append(ox.text_run(after))
        ftr.append(p)
        return self.d.part.relate_to(part, RT.FOOTER)

    def settings(self) -> None:
        s = self.d.settings.element
        self.d.settings.odd_and_even_pages_header_footer = True  # w:evenAndOddHeaders
        fp = ox.footnote_pr()
        fp.append(ox.el("footnote", id=-1))
        fp.append(ox.el("footnote", id=0))
        ox.put(s, fp, ox.SETTINGS_ORDER)
        for lang in s.findall(qn("w:themeFontLang")):
            s.remove(lang)
        for zoom in s.findall(qn("w:zoom")):  # the template's bestFit zoom lacks the required percent
            zoom.set(qn("w:percent"), "100")
        for cs in s.iter(qn("w:compatSetting")):  # Word 2013 and later: no 兼容模式 in the title bar
            if cs.get(qn("w:name")) == "compatibilityMode":
                cs.set(qn("w:val"), "15")

    def font_table(self) -> None:
        """Declare the official fonts with their Latin names (方正小标宋简体 ↔ FZXiaoBiaoSong-B05S …) so that
        Word and WPS find an installed font under either name. GB2312 charset, no theme fonts."""
        part = next(p for p in self.d.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
        fonts = []
        for names in self.h["fonts"].values():
            official = names[0].split(":")[0]
            alt = next((n.split(":")[0] for n in names[1:] if n.isascii()), "")
            if official in (f[0] for f in fonts):
                continue
            fonts.append((official, alt))
        xml = [f"<w:fonts {nsdecls('w')}>"]
        for name, alt in fonts:
            alt_xml = f'<w:altName w:val="{_attr(alt)}"/>' if alt else ""
            xml.append(
                f'<w:font w:name="{_attr(name)}">{alt_xml}<w:charset w:val="86"/><w:family w:val="auto"/>'
                '<w:pitch w:val="variable"/></w:font>'
            )
        xml.append("</w:fonts>")
        part._blob = "".join(xml).encode("utf-8")

    def drop_template_leftovers(self) -> None:
        """python-docx's template carries a thumbnail of another document and a Word 2010 copy of its own
        styles (stylesWithEffects.xml, with theme fonts): neither belongs in this document."""
        pkg = self.d.part.package
        for rid, rel in list(pkg.rels.items()):
            if rel.reltype.endswith("/thumbnail"):
                del pkg.rels[rid]
        for rid, rel in list(self.d.part.rels.items()):
            if rel.reltype.endswith("/stylesWithEffects") or rel.reltype.endswith("/customXml"):
                del self.d.part.rels[rid]  # customXml: the template's bibliography sources

    pages: int | None = None

    def app_properties(self, title: str | None = None) -> None:
        """docProps/app.xml: what this document is (title, issuing organ, pages as composed, counts of its
        text), written by this program without a version number (equal content gives equal bytes). It
        replaces python-docx's template values (another application, a template, zero counts)."""
        part = next((p for p in self.d.part.package.iter_parts() if str(p.partname) == "/docProps/app.xml"), None)
        if part is None:
            return
        body = self.d.element.body
        paras = [p for p in body.iter(qn("w:p")) if "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()]
        text = "".join(t.text or "" for t in body.iter(qn("w:t")))
        chars = sum(1 for ch in text if not ch.isspace())
        words = sum(1 for ch in text if ord(ch) >= 0x2E80 and not ch.isspace()) + len(re.findall(r"[0-9A-Za-z]+", text))
        n = self.m.notice
        fields = [("Application", "gongwen")]
        if self.pages:
            fields.append(("Pages", str(self.pages)))
        fields += [
            ("Words", str(words)),
            ("Characters", str(chars)),
            ("Paragraphs", str(len(paras))),
            ("Company", "、".join(n.signatures)),
            ("CharactersWithSpaces", str(len(text))),
        ]
        title = title or "".join(n.title_lines)
        xml = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        ]
        order = ["Pages", "Words", "Characters", "Application", "Paragraphs", "Company", "CharactersWithSpaces"]
        xml += [
            f"<{k}>{_esc(v)}</{k}>"
            for k, v in sorted(fields, key=lambda kv: order.index(kv[0]))
            if k in ("Pages", "Words", "Characters", "Application", "Paragraphs")
        ]
        xml.append(
            '<TitlesOfParts><vt:vector size="1" baseType="lpstr">'
            f"<vt:lpstr>{_esc(title)}</vt:lpstr></vt:vector></TitlesOfParts>"
        )
        xml += [f"<{k}>{_esc(v)}</{k}>" for k, v in fields if k in ("Company", "CharactersWithSpaces")]
        xml.append("</Properties>")
        part._blob = "".join(xml).encode("utf-8")

    def core_properties(self) -> None:
        cp = self.d.core_properties
        n = self.m.notice
        when = dt.datetime.combine(n.stamp_date, dt.time(0, 0))
        cp.title = "".join(n.title_lines)
        cp.author = n.signature
        cp.last_modified_by = n.signature
        cp.subject = n.number.text
        cp.created = when
        cp.modified = when
        cp.last_printed = when
        cp.revision = 1
        cp.comments = ""
        cp.keywords = ""
        cp.category = ""
        cp.language = "zh-CN"


def _attr(s: str) -> str:
    """Text escaped for a double-quoted XML attribute."""
    return _esc(s, {'"': "&quot;"})


def write_docx(
    doc: Document,
    house: House,
    target: Path,
    pages: int | None = None,
    colophon_page: bool = False,
    closed: dict | None = None,
    mark: MarkGeometry | None = None,
) -> None:
    """`pages`: the page count of the composed document (the PDF's), recorded in docProps/app.xml;
    `colophon_page`: the composed document puts the 版记 on an unnumbered page of its own (duplex);
    `closed`: layout.closed_pitches() of the composed pages — the paragraphs on a page whose pitch the
    layout closed to keep the 署名 with the text (§7.3.5.5), a heading with its lines or the last lines
    with the 版记 get that pitch as their exact line spacing, so that Word's pages break as the PDF's;
    `mark`: the layout's geometry of the issuer mark."""
    w = DocxWriter(doc, house, mark)
    w.closed = closed or {}
    w.pages = pages
    w.colophon_page = colophon_page
    target.write_bytes(w.build())

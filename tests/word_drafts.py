"""Word drafts made the way office staff make them in Word / WPS, each with the content a correct import gives.

Every builder `make_xxx(path) -> dict` writes one .docx at `path` and returns what importing it must give,
written by hand from how the draft was built (never by running the importer):

    {"notice": {...} | None,        # notice.yaml as README 内容格式 describes it; None: the draft has no 版头
     "attachments": [{...}, ...],   # attachment.yaml contents, in order (file names are the importer's choice)
     "fragment": {...} | None,      # attachment-shaped content of a draft with no 版头 and no notice
     "skipped": [(N, "目录"), ...], # result.skipped has an entry naming 第 N 段 and the word; every entry it has
                                    # is one of these (or of "kept_or_skipped"); a third element lists the
                                    # texts the skip accounts for (what LibreOffice shows of the 目录)
     "kept_or_skipped": [(N, "表格", [texts])],  # the texts are imported somewhere, or skipped at 第 N 段
     "notes": ["修订"],             # each word appears in some entry of result.notes
     "absent": [...],               # text that must not be imported (deleted, hidden, placeholder, comments)
     "once": [...],                 # text that must be imported exactly once
     "lo_levels": {3},              # levels whose numbers LibreOffice shows (default: all levels); a draft
                                    # whose headings carry no number shows only its items' numbers
     "lo_numbers": [...],           # only where LibreOffice shows other numbers than Word (said why, there)
     "lo_hidden": [...]}            # expected text LibreOffice's text export does not show (a text box)

result.unplaced must be empty for every draft. Keys left out are not checked; the value ABSENT says a key must not be there (条目编号 of a continuously
numbered plan, 标题 of a fragment without a title line). Within content, a `Where(...)` value checks the
imported value with a predicate instead of equality (where several answers are correct).

The package is python-docx's skeleton (styles, settings, theme, font table), rid of what Word 2016 does not
write (stylesWithEffects, customXml, the thumbnail); everything else is WordprocessingML written here as Word
writes it and put in with lxml: paragraphs and runs, numbering.xml, styles (Chinese Word's style ids: Normal
is "a", heading 1 is "1", List Paragraph is "a3" …), footnotes.xml, endnotes.xml, comments.xml with
commentsExtended.xml and people.xml, each with its relationship and [Content_Types].xml override.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wp14": "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w10": "urn:schemas-microsoft-com:office:word",
}
DECL = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
PART_ROOT = f'{DECL} mc:Ignorable="w14 w15 wp14"'

FANG, HEI, KAI, XBS = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"
RED = "FF0000"
AUTHOR = "王建国"
WHEN = "2025-01-08T09:30:00Z"


def q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:  # a draft writes nothing for it
        return False


ABSENT = _Absent()  # in an expectation: this key must not be in the imported content


class Where:
    """An expected value checked by a predicate (where more than one answer is right)."""

    def __init__(self, pred: Callable[[object], bool], says: str):
        self.pred, self.says = pred, says

    def __repr__(self) -> str:
        return f"Where({self.says})"


# -- Chinese numbers and labels -------------------------------------------------------------------------

DIGITS = "〇一二三四五六七八九"


def cn(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (as Word's chineseCounting and GB/T 9704 write)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def label(level: int, n: int) -> str:
    """The label of the n-th heading or item of a level, as this program prints it: 一、 （一） 1. （1）."""
    return {1: f"{cn(n)}、", 2: f"（{cn(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]


LEVEL_KEYS = {"部分": 1, "小节": 2, "条目": 3, "分项": 4}
RESTART = "每部分重新编号"


def walk(content: dict):
    """(level, number, node) of every 部分/小节/条目/分项 of one content dict, in document order; 条目 numbered
    continuously, or from 1. under each 部分 and 小节 when 条目编号 is 每部分重新编号."""
    restart = content.get("条目编号") == RESTART
    item = [0]

    def nodes(parent: dict):
        for key, level in LEVEL_KEYS.items():
            for k, node in enumerate(parent.get(key) or [], 1):
                if level == 3:
                    item[0] += 1
                    yield level, item[0], node
                else:
                    yield level, k, node
                if level in (1, 2) and restart:
                    item[0] = 0
                yield from nodes(node)

    yield from nodes(content)


def labels(exp: dict, levels=frozenset({1, 2, 3, 4})) -> list[str]:
    """The labels a reader sees, in order: the notice's own plan (直接发文), then each attachment's (or the
    fragment's). `exp` is an expectation or an import result turned into the same shape."""
    out = []
    for content in bodies(exp):
        out += [label(lv, n) for lv, n, _ in walk(content) if lv in levels]
    return out


def bodies(exp: dict) -> list[dict]:
    out = []
    if exp.get("notice"):
        out.append(exp["notice"])
    out += list(exp.get("attachments") or [])
    if exp.get("fragment"):
        out.append(exp["fragment"])
    return out


# -- WordprocessingML pieces ----------------------------------------------------------------------------


def elements(xml: str) -> list:
    """The elements of a WordprocessingML fragment (namespaces of NS declared around it)."""
    return list(etree.fromstring(f"<root {DECL}>{xml}</root>".encode()))


def _t(text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


def rpr(b=False, font=None, sz=None, color=None, vanish=False, style=None, extra="") -> str:
    """Run properties in schema order (rStyle, rFonts, b, bCs, vanish, color, sz, szCs, then `extra`)."""
    out = ""
    if style:
        out += f'<w:rStyle w:val="{style}"/>'
    if font:
        out += f'<w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}"/>'
    if b:
        out += "<w:b/><w:bCs/>"
    if vanish:
        out += "<w:vanish/>"
    if color:
        out += f'<w:color w:val="{color}"/>'
    if sz:
        out += f'<w:sz w:val="{sz}"/><w:szCs w:val="{sz}"/>'
    out += extra
    return f"<w:rPr>{out}</w:rPr>" if out else ""


def r(text: str, **fmt) -> str:
    """One run. A "\\n" in the text is a Shift+Enter line break (w:br), in the same run as Word writes it."""
    pieces = text.split("\n")
    body = "<w:br/>".join(_t(s) if s else "" for s in pieces)
    return f"<w:r>{rpr(**fmt)}{body}</w:r>"


def b(text: str, **fmt) -> str:
    return r(text, b=True, **fmt)


IND_BODY = 'w:firstLineChars="200" w:firstLine="640"'  # 首行缩进 2 字符 (三号)


def p(
    *content: str,
    style=None,
    num=None,
    keep_next=False,
    page_break_before=False,
    bdr=None,
    tabs=None,
    spacing=None,
    ind=None,
    jc=None,
    outline=None,
    mark="",
    ppr_change="",
) -> str:
    """A paragraph. `content`: run XML, or plain text (a run of its own). pPr children in schema order.
    num: (numId, ilvl). bdr: pBdr children XML. ind: w:ind attributes. mark: the paragraph mark's rPr
    children (w:ins / w:del of a tracked paragraph mark)."""
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if keep_next:
        ppr += "<w:keepNext/>"
    if page_break_before:
        ppr += "<w:pageBreakBefore/>"
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    if bdr:
        ppr += f"<w:pBdr>{bdr}</w:pBdr>"
    if tabs:
        ppr += f"<w:tabs>{tabs}</w:tabs>"
    if spacing:
        ppr += f"<w:spacing {spacing}/>"
    if ind:
        ppr += f"<w:ind {ind}/>"
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    if outline is not None:
        ppr += f'<w:outlineLvl w:val="{outline}"/>'
    if mark:
        ppr += f"<w:rPr>{mark}</w:rPr>"
    ppr += ppr_change
    runs = "".join(c if c.startswith("<") else r(c) for c in content)
    return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{runs}</w:p>"


def body(*content: str, **kw) -> str:
    """A body paragraph as staff type it: Normal, first line indented two characters."""
    kw.setdefault("ind", IND_BODY)
    return p(*content, **kw)


def red_line() -> str:
    """A paragraph bottom border in red: the 红线 of a red-header template."""
    return f'<w:bottom w:val="single" w:sz="12" w:space="1" w:color="{RED}"/>'


def tbl(rows: list[list[list[str]]], widths: list[int], style=None, borders=True, jc=None) -> str:
    """A table; each cell a list of paragraph XML. Borderless when borders=False (a layout table)."""
    tp = ""
    if style:
        tp += f'<w:tblStyle w:val="{style}"/>'
    tp += f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
    if jc:
        tp += f'<w:jc w:val="{jc}"/>'
    if not borders:
        tp += (
            "<w:tblBorders>"
            + "".join(
                f'<w:{s} w:val="none" w:sz="0" w:space="0" w:color="auto"/>'
                for s in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + "</w:tblBorders>"
        )
    tp += '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    trs = ""
    for row in rows:
        tcs = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{"".join(cell) or p()}</w:tc>'
            for cell, w in zip(row, widths)
        )
        trs += f"<w:tr>{tcs}</w:tr>"
    return f"<w:tbl><w:tblPr>{tp}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{trs}</w:tbl>"


def count_paragraphs(el) -> int:
    """The w:p in `el` (itself included) that “第 N 段” counts: not those inside text boxes."""
    n = 0
    for e in el.iter(q("w:p")):
        if not any(a.tag == q("w:txbxContent") for a in e.iterancestors()):
            n += 1
    return n


# -- styles -------------------------------------------------------------------------------------------

# The styles this module refers to by role, with the ids Chinese Word gives them and the English ids (as
# English Word, LibreOffice and python-docx's template have them).
ZH_IDS = {
    "normal": "a",
    "h1": "1",
    "h2": "2",
    "h3": "3",
    "h4": "4",
    "list": "a3",
    "grid": "a4",
    "fn_text": "a5",
    "fn_ref": "a7",
    "en_text": "a8",
    "en_ref": "aa",
    "cm_ref": "ab",
    "cm_text": "ac",
    "hyperlink": "ae",
    "placeholder": "af",
    "toc_heading": "TOC",
    "toc1": "11",
    "title": "af0",
    "dpf": "a0",
}
EN_IDS = {
    "normal": "Normal",
    "h1": "Heading1",
    "h2": "Heading2",
    "h3": "Heading3",
    "h4": "Heading4",
    "list": "ListParagraph",
    "grid": "TableGrid",
    "fn_text": "FootnoteText",
    "fn_ref": "FootnoteReference",
    "en_text": "EndnoteText",
    "en_ref": "EndnoteReference",
    "cm_ref": "CommentReference",
    "cm_text": "CommentText",
    "hyperlink": "Hyperlink",
    "placeholder": "PlaceholderText",
    "toc_heading": "TOCHeading",
    "toc1": "TOC1",
    "title": "Title",
    "dpf": "DefaultParagraphFont",
}
# python-docx's template ids → Chinese Word's
_ZH_RENAME = {
    "Normal": "a",
    "DefaultParagraphFont": "a0",
    "TableNormal": "a1",
    "NoList": "a2",
    "ListParagraph": "a3",
    "TableGrid": "a4",
    "TOCHeading": "TOC",
    "Title": "af0",
    "TitleChar": "af1",
    **{f"Heading{n}": str(n) for n in range(1, 10)},
    **{f"Heading{n}Char": f"{n}0" for n in range(1, 10)},
}


def _chinese_style_ids(styles) -> None:
    for st in styles.findall(q("w:style")):
        sid = st.get(q("w:styleId"))
        if sid in _ZH_RENAME:
            st.set(q("w:styleId"), _ZH_RENAME[sid])
    for tag in ("w:basedOn", "w:next", "w:link"):
        for e in styles.iter(q(tag)):
            if e.get(q("w:val")) in _ZH_RENAME:
                e.set(q("w:val"), _ZH_RENAME[e.get(q("w:val"))])


def style_xml(sid: str, name: str, kind="paragraph", based=None, ppr="", rpr_="", custom=False, extra="") -> str:
    """A style as Word writes it: name, basedOn, next, uiPriority/qFormat, pPr, rPr."""
    c = ' w:customStyle="1"' if custom else ""
    out = f'<w:style w:type="{kind}"{c} w:styleId="{sid}"><w:name w:val="{name}"/>'
    if based:
        out += f'<w:basedOn w:val="{based}"/>'
    if kind == "paragraph" and based:
        out += f'<w:next w:val="{based}"/>'
    out += extra + "<w:qFormat/>"
    if ppr:
        out += f"<w:pPr>{ppr}</w:pPr>"
    if rpr_:
        out += f"<w:rPr>{rpr_}</w:rPr>"
    return out + "</w:style>"


def heading_ppr(level: int, numbered: tuple[int, int] | None = None) -> str:
    """pPr of heading N as a red-header template defines it; `numbered` = (numId, ilvl) ties the style to a
    list (Word writes the ilvl only when it is not 0)."""
    out = "<w:keepNext/><w:keepLines/>"
    if numbered:
        ilvl = f'<w:ilvl w:val="{numbered[1]}"/>' if numbered[1] else ""
        out += f'<w:numPr>{ilvl}<w:numId w:val="{numbered[0]}"/></w:numPr>'
    out += f'<w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/><w:ind {IND_BODY}/>'
    return out + f'<w:outlineLvl w:val="{level - 1}"/>'


HEADING_FONT = {1: HEI, 2: KAI, 3: FANG, 4: FANG}


def heading_rpr(level: int) -> str:
    f = HEADING_FONT[level]
    return f'<w:rFonts w:ascii="{f}" w:eastAsia="{f}" w:hAnsi="{f}"/><w:b w:val="0"/><w:bCs w:val="0"/><w:sz w:val="32"/><w:szCs w:val="32"/>'


# -- numbering ----------------------------------------------------------------------------------------


def lvl(
    ilvl: int,
    fmt: str,
    text: str,
    *,
    pstyle=None,
    restart=None,
    start=1,
    suff=None,
    jc="left",
    ind='w:left="0" w:firstLine="640"',
    tplc=None,
    tentative=False,
) -> str:
    """One w:lvl, children in schema order (start, numFmt, lvlRestart, pStyle, suff, lvlText, lvlJc, pPr)."""
    a = f' w:tplc="{tplc}"' if tplc else ""
    a += ' w:tentative="1"' if tentative else ""
    out = f'<w:lvl w:ilvl="{ilvl}"{a}><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
    if restart is not None:
        out += f'<w:lvlRestart w:val="{restart}"/>'
    if pstyle:
        out += f'<w:pStyle w:val="{pstyle}"/>'
    if suff:
        out += f'<w:suff w:val="{suff}"/>'
    out += f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="{jc}"/><w:pPr><w:ind {ind}/></w:pPr></w:lvl>'
    return out


def abstract_multilevel(aid: int, nsid: str, pstyles: dict[int, str] | None = None, restart3: int | None = None) -> str:
    """The red-header template's four-level list 一、（一）1.（1）: chineseCounting %1、, chineseCounting （%2）,
    decimal %3., decimal （%4）, no tab after the number (公文 puts the text right after it), levels 5–9 as
    Word fills them. pstyles: ilvl → the heading style each level is linked to. restart3: lvlRestart of the
    1. level (0: never restarts, i.e. numbered across 一、 二、)."""
    pstyles = pstyles or {}
    levels = [
        (0, "chineseCounting", "%1、"),
        (1, "chineseCounting", "（%2）"),
        (2, "decimal", "%3."),
        (3, "decimal", "（%4）"),
    ]
    out = (
        f'<w:abstractNum w:abstractNumId="{aid}" w15:restartNumberingAfterBreak="0"><w:nsid w:val="{nsid}"/>'
        '<w:multiLevelType w:val="multilevel"/><w:tmpl w:val="2A9E4F10"/>'
    )
    for ilvl, fmt, text in levels:
        out += lvl(ilvl, fmt, text, pstyle=pstyles.get(ilvl), restart=restart3 if ilvl == 2 else None, suff="nothing")
    for ilvl in range(4, 9):
        out += lvl(ilvl, "decimal", f"%{ilvl + 1}.", ind=f'w:left="{420 * (ilvl + 1)}" w:hanging="420"')
    return out + "</w:abstractNum>"


def abstract_auto_list(aid: int, nsid: str) -> str:
    """The list Word makes when you type “1. ” and a space (AutoFormat as you type): hybridMultilevel, level 1
    decimal %1., the other levels Word's tentative defaults."""
    out = (
        f'<w:abstractNum w:abstractNumId="{aid}" w15:restartNumberingAfterBreak="0"><w:nsid w:val="{nsid}"/>'
        '<w:multiLevelType w:val="hybridMultilevel"/><w:tmpl w:val="5E0C0D2A"/>'
    )
    out += lvl(0, "decimal", "%1.", ind='w:left="1000" w:hanging="360"', tplc="0409000F")
    fmts = [
        ("lowerLetter", "%2)", "left"),
        ("lowerRoman", "%3.", "right"),
        ("decimal", "%4.", "left"),
        ("lowerLetter", "%5)", "left"),
        ("lowerRoman", "%6.", "right"),
        ("decimal", "%7.", "left"),
        ("lowerLetter", "%8)", "left"),
        ("lowerRoman", "%9.", "right"),
    ]
    tplcs = ["04090019", "0409001B", "0409000F", "04090019", "0409001B", "0409000F", "04090019", "0409001B"]
    for k, ((fmt, text, jc), tplc) in enumerate(zip(fmts, tplcs), 1):
        out += lvl(
            k, fmt, text, jc=jc, ind=f'w:left="{640 + 420 * (k + 1)}" w:hanging="420"', tplc=tplc, tentative=True
        )
    return out + "</w:abstractNum>"


def num(num_id: int, aid: int, start_override: dict[int, int] | None = None) -> str:
    """A w:num instance of an abstractNum; start_override: ilvl → w:startOverride (Word's “重新开始于 1”)."""
    ov = "".join(
        f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
        for i, v in (start_override or {}).items()
    )
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{aid}"/>{ov}</w:num>'


# -- a tiny PNG (an inline picture needs a real image) ----------------------------------------------------


def png(width=48, height=24) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(
        b"\x00" + b"".join(bytes([200, 30, 30]) if (x // 8 + y // 8) % 2 else b"\xff\xff\xff" for x in range(width))
        for y in range(height)
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# -- the draft ----------------------------------------------------------------------------------------


class Draft:
    """One Word draft being made: python-docx's skeleton, body paragraphs appended as XML, and the parts
    Word adds when the user adds lists, notes or comments. `count` is the number of body paragraphs so far
    (what “第 N 段” counts: every w:p of the main body, in tables too, not in text boxes)."""

    def __init__(self, english_ids: bool = False):
        self.doc = Document()
        pkg = self.doc.part.package
        for rid, rel in list(pkg.rels.items()):
            if rel.reltype.endswith("/thumbnail"):
                pkg.rels.pop(rid)
        for rid, rel in list(self.doc.part.rels.items()):
            if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
                self.doc.part.rels.pop(rid)
        zoom = self.doc.settings.element.find(q("w:zoom"))
        zoom.attrib.clear()
        zoom.set(q("w:percent"), "100")  # as Word writes it (the template's bestFit without percent is invalid)
        self.styles = self.doc.styles.element
        for e in list(self.styles.iter(q("w:numPr"))):  # the template's List Number/Bullet lists: not ours
            e.getparent().remove(e)
        if not english_ids:
            _chinese_style_ids(self.styles)
        self.ids = EN_IDS if english_ids else ZH_IDS
        normal = self._style(self.ids["normal"])
        for old in normal.findall(q("w:pPr")) + normal.findall(q("w:rPr")):
            normal.remove(old)
        normal.append(
            elements(
                '<w:pPr><w:widowControl w:val="0"/><w:spacing w:after="0" w:line="560" '
                'w:lineRule="exact"/><w:jc w:val="both"/></w:pPr>'
            )[0]
        )
        normal.append(
            elements(
                f'<w:rPr><w:rFonts w:ascii="{FANG}" w:eastAsia="{FANG}" w:hAnsi="{FANG}"/>'
                '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>'
            )[0]
        )
        for lang in self.styles.iter(q("w:lang")):
            lang.set(q("w:val"), "en-US")
            lang.set(q("w:eastAsia"), "zh-CN")
        self.body = self.doc.element.body
        self.sect = self.body.find(q("w:sectPr"))
        for old in list(self.sect):
            self.sect.remove(old)
        for e in elements(
            '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" '
            'w:left="1588" w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/>'
            '<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/>'
        ):
            self.sect.append(e)
        self.count = 0
        self.footnotes: list[str] = []
        self.endnotes: list[str] = []
        self.comments: list[tuple[str, str]] = []
        self.numbering_xml: str | None = None
        self.settings_extra: list[str] = []
        self.doc.core_properties.author = AUTHOR
        self.doc.core_properties.last_modified_by = AUTHOR

    # body
    def add(self, *blocks: str) -> int:
        """Append block-level XML (paragraphs, tables, content controls) before the section properties;
        returns the number (“第 N 段”) of the first paragraph added."""
        first = self.count + 1
        for block in blocks:
            for el in elements(block):
                self.count += count_paragraphs(el)
                self.sect.addprevious(el)
        return first

    # styles
    def _style(self, sid: str):
        for st in self.styles.findall(q("w:style")):
            if st.get(q("w:styleId")) == sid:
                return st
        return None

    def add_style(self, xml: str) -> None:
        """Add a style, replacing one with the same id or the same name (so a redefined heading 1 is the only
        heading 1)."""
        new = elements(xml)[0]
        name = new.find(q("w:name")).get(q("w:val"))
        for st in self.styles.findall(q("w:style")):
            n = st.find(q("w:name"))
            if st.get(q("w:styleId")) == new.get(q("w:styleId")) or (n is not None and n.get(q("w:val")) == name):
                self.styles.remove(st)
        self.styles.append(new)

    def headings(self, levels=(1, 2, 3, 4), numbered: int | None = None) -> None:
        """heading 1..N as a red-header template defines them (黑体, 楷体, 仿宋; first line indented two
        characters); numbered = numId ties heading N to ilvl N-1 of that list."""
        for lv in levels:
            self.add_style(
                style_xml(
                    self.ids[f"h{lv}"],
                    f"heading {lv}",
                    based=self.ids["normal"],
                    ppr=heading_ppr(lv, (numbered, lv - 1) if numbered else None),
                    rpr_=heading_rpr(lv),
                    extra='<w:uiPriority w:val="9"/>',
                )
            )

    def list_paragraph(self) -> None:
        self.add_style(
            style_xml(
                self.ids["list"],
                "List Paragraph",
                based=self.ids["normal"],
                ppr='<w:ind w:firstLineChars="200" w:firstLine="420"/>',
                extra='<w:uiPriority w:val="34"/>',
            )
        )

    # numbering
    def numbering(self, abstracts: list[str], nums: list[str]) -> None:
        """numbering.xml: every abstractNum before every num, as the schema wants."""
        self.numbering_xml = f"<w:numbering {PART_ROOT}>{''.join(abstracts)}{''.join(nums)}</w:numbering>"

    # notes and comments
    def footnote(self, text: str) -> str:
        """Register a footnote; returns the reference run to put where the note is cited."""
        self.footnotes.append(text)
        return f'<w:r>{rpr(style=self.ids["fn_ref"])}<w:footnoteReference w:id="{len(self.footnotes)}"/></w:r>'

    def endnote(self, text: str) -> str:
        self.endnotes.append(text)
        return f'<w:r>{rpr(style=self.ids["en_ref"])}<w:endnoteReference w:id="{len(self.endnotes)}"/></w:r>'

    def commented(self, runs: str, text: str, author: str = AUTHOR) -> str:
        """`runs` with a comment on them: commentRangeStart, the runs, commentRangeEnd, the reference run."""
        cid = len(self.comments)
        self.comments.append((text, author))
        return (
            f'<w:commentRangeStart w:id="{cid}"/>{runs}<w:commentRangeEnd w:id="{cid}"/>'
            f'<w:r>{rpr(style=self.ids["cm_ref"])}<w:commentReference w:id="{cid}"/></w:r>'
        )

    def image_run(self, cx=3048000, cy=1524000) -> str:
        """An inline picture (嵌入型) in its own run, as Word writes a pasted picture."""
        rid, _ = self.doc.part.get_or_add_image(io.BytesIO(png()))
        pid = 100 + len(self.doc.part.rels)
        return (
            f'<w:r><w:rPr><w:noProof/></w:rPr><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
            f'wp14:anchorId="1C3B2A{pid:02X}" wp14:editId="5D6E7F{pid:02X}"><wp:extent cx="{cx}" cy="{cy}"/>'
            f'<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{pid}" name="图片 {pid}"/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{pid}" name="图片 {pid}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
            "</wp:inline></w:drawing></w:r>"
        )

    # parts
    def add_part(self, partname: str, content_type: str, reltype: str, xml: str) -> str:
        part = Part(PackURI(partname), content_type, (XML_HEAD + xml).encode("utf-8"), self.doc.part.package)
        return self.doc.part.relate_to(part, reltype)

    def _notes_part(self, kind: str, texts: list[str]) -> None:
        """footnotes.xml / endnotes.xml: the separator (-1) and continuation separator (0) Word always writes,
        then one note per text: the note reference mark, a space, the text."""
        tag = kind[:-1]  # footnote / endnote
        text_style = self.ids["fn_text" if tag == "footnote" else "en_text"]
        ref_style = self.ids["fn_ref" if tag == "footnote" else "en_ref"]
        sep = '<w:pPr><w:spacing w:line="240" w:lineRule="auto"/></w:pPr>'
        out = (
            f'<w:{tag} w:type="separator" w:id="-1"><w:p>{sep}<w:r><w:separator/></w:r></w:p></w:{tag}>'
            f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p>{sep}<w:r><w:continuationSeparator/></w:r>'
            f"</w:p></w:{tag}>"
        )
        for k, text in enumerate(texts, 1):
            out += (
                f'<w:{tag} w:id="{k}"><w:p><w:pPr><w:pStyle w:val="{text_style}"/></w:pPr>'
                f'<w:r>{rpr(style=ref_style)}<w:{tag}Ref/></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>'
                f'<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>{_t(text)}</w:r></w:p></w:{tag}>'
            )
        self.add_part(
            f"/word/{kind}.xml",
            f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml",
            RT.FOOTNOTES if tag == "footnote" else RT.ENDNOTES,
            f"<w:{kind} {PART_ROOT}>{out}</w:{kind}>",
        )
        self.settings_extra.append(f'<w:{tag}Pr><w:{tag} w:id="-1"/><w:{tag} w:id="0"/></w:{tag}Pr>')
        size = 18
        self.add_style(
            style_xml(
                text_style,
                f"{tag} text",
                based=self.ids["normal"],
                ppr='<w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="left"/>',
                rpr_=f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>',
                extra='<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>',
            )
        )
        self.add_style(
            style_xml(
                ref_style,
                f"{tag} reference",
                kind="character",
                based=self.ids["dpf"],
                rpr_='<w:vertAlign w:val="superscript"/>',
                extra='<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>',
            )
        )

    def _comments_parts(self) -> None:
        """comments.xml, and commentsExtended.xml and people.xml as Word 2013+ writes them beside it."""
        cm, ex, people = "", "", {}
        for k, (text, author) in enumerate(self.comments):
            para_id = f"{0x1A2B3C40 + k:08X}"
            cm += (
                f'<w:comment w:id="{k}" w:author="{author}" w:date="{WHEN}" w:initials="{author[0]}">'
                f'<w:p w14:paraId="{para_id}" w14:textId="77777777"><w:pPr><w:pStyle w:val="{self.ids["cm_text"]}"/></w:pPr>'
                f"<w:r>{rpr(style=self.ids['cm_ref'])}<w:annotationRef/></w:r>"
                f'<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>{_t(text)}</w:r></w:p></w:comment>'
            )
            ex += f'<w15:commentEx w15:paraId="{para_id}" w15:done="0"/>'
            people[author] = (
                f'<w15:person w15:author="{author}"><w15:presenceInfo w15:providerId="None" '
                f'w15:userId="{author}"/></w15:person>'
            )
        self.add_part(
            "/word/comments.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
            RT.COMMENTS,
            f"<w:comments {PART_ROOT}>{cm}</w:comments>",
        )
        self.add_part(
            "/word/commentsExtended.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml",
            "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
            f"<w15:commentsEx {PART_ROOT}>{ex}</w15:commentsEx>",
        )
        self.add_part(
            "/word/people.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
            "http://schemas.microsoft.com/office/2011/relationships/people",
            f"<w15:people {PART_ROOT}>{''.join(people.values())}</w15:people>",
        )
        self.add_style(
            style_xml(
                self.ids["cm_ref"],
                "annotation reference",
                kind="character",
                rpr_='<w:sz w:val="21"/><w:szCs w:val="21"/>',
                extra='<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>',
            )
        )
        self.add_style(
            style_xml(
                self.ids["cm_text"],
                "annotation text",
                based=self.ids["normal"],
                ppr='<w:jc w:val="left"/>',
                extra='<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>',
            )
        )

    def save(self, path: Path) -> None:
        if self.footnotes:
            self._notes_part("footnotes", self.footnotes)
        if self.endnotes:
            self._notes_part("endnotes", self.endnotes)
        if self.comments:
            self._comments_parts()
        if self.settings_extra:
            settings = self.doc.settings.element
            compat = settings.find(q("w:compat"))
            for e in elements("".join(self.settings_extra)):
                compat.addprevious(e)
        part = self.doc.part
        if self.numbering_xml:
            part.numbering_part._element = parse_xml(self.numbering_xml.encode("utf-8"))
        else:  # a draft without lists: Word writes no numbering part
            for rid, rel in list(part.rels.items()):
                if rel.reltype == RT.NUMBERING:
                    part.rels.pop(rid)
        self.doc.save(str(path))


# -- the content these drafts carry (a district education bureau's 2025 papers) ----------------------------
# Written in the content syntax of README 内容格式 (^[…] a footnote, \^[ the two characters ^[): each builder
# writes it into Word its own way, and the same text is the expectation.


def item(lead: str, text, **more) -> dict:
    out = {"要点": lead, "内容": text} if lead else {"内容": text}
    out.update(more)
    return out


I1 = item(
    "深入学习贯彻党的二十届三中全会精神。",
    "把学习贯彻全会精神作为教育系统的首要政治任务，落实党组织“第一议题”制度，"
    "开展党组织书记专题轮训，推动全会精神进校园、进课堂、进头脑。",
)
I2 = item(
    "落实中小学校党组织领导的校长负责制。",
    "完善党组织会议和校长办公会议议事规则，健全党组织书记和校长定期沟通机制，年内实现全区中小学校制度运行全覆盖。",
)
I3 = item(
    "加强干部队伍建设。", "优化干部选拔任用机制，实施青年干部“墩苗”计划，选派20名优秀青年干部到基层学校挂职锻炼。"
)
I4 = item(
    "推进大中小学思政课一体化建设。",
    "组建大中小学思政课教师协同备课共同体，开展思政课教学展示活动40场以上，打造一批思政“金课”。",
)
I5 = item(
    "加强学生心理健康教育。",
    "健全学生心理健康监测预警体系，每所中小学至少配备1名专职心理健康教师，开展“心育大健康”主题月活动。",
)
I6 = item(
    "深化体育美育劳动教育。",
    "落实学生每天综合体育活动时间不少于2小时，推进“一校一品”艺术特色项目建设，遴选劳动教育特色课程30门。",
)
I7 = item(
    "扩大优质学前教育资源。", "新建、改扩建公办幼儿园3所，新增公办托班托额200个，普惠性幼儿园覆盖率保持在90%以上。"
)
I8 = item("促进义务教育优质均衡发展。", "深化紧密型学区集团化办学，新增市级新优质学校5所，持续推进公办初中强校工程。")
I9 = item("推动高中多样化特色发展。", "支持2所高中创建市级特色普通高中，深化高中“双新”实施，加强拔尖创新人才早期培养。")
I10 = item("加强师德师风建设。", "把师德师风作为评价教师队伍素质的第一标准，开展师德专题教育，严肃查处违反师德行为。")
I11 = item("完善教师专业发展体系。", "实施骨干教师梯队培养计划，组织新教师规范化培训，评选区级学科带头人50名。")
I12 = item("加强校园安全管理。", "落实校园安全“日巡查、周检查、月排查”制度，完成全区中小学幼儿园视频监控系统升级。")
I13 = item("做好学校食品安全工作。", "压实学校食品安全主体责任，落实校长陪餐制度，开展学校食堂食品安全专项检查。")

S1 = item("落实校园安全巡查制度。", "坚持“日巡查、周检查、月排查”，重点部位视频监控覆盖率达到100%。")
S2 = item("加强校园周边综合治理。", "会同公安、市场监管等部门开展校园周边环境专项整治，在上下学时段设立“护学岗”。")
S3 = item("压实学校食品安全主体责任。", "落实校长陪餐制度，按要求配备食品安全总监和食品安全员。")
S4 = item("开展学校食堂专项检查。", "每学期开展一次学校食堂食品安全专项检查，检查结果纳入学校年度考核。")
S5 = item("做好学生防溺水教育。", "利用班会、家长会等开展防溺水专题教育，暑假前向每位家长发放《致家长的一封信》。")
S6 = item("加强交通安全教育。", "联合交警部门开展“交通安全进校园”活动，覆盖全区中小学生。")

T1 = item("开展师德专题教育。", "每学年组织全体教职工开展师德专题学习不少于8学时，签订师德承诺书。")
T2 = item("严肃查处违反师德行为。", "畅通师德问题举报渠道，对违反师德行为“零容忍”，实行一票否决。")
T3 = item("实施骨干教师梯队培养计划。", "评选区级学科带头人50名、骨干教师200名，发挥示范引领作用。")
T4 = item("做好新教师规范化培训。", "组织新入职教师参加为期一年的规范化培训，培训合格率达到100%。")

PART_DANGJIAN = "坚持党建引领，筑牢教育发展根基"
PART_DEYU = "落实立德树人根本任务，促进学生全面发展"
PART_JUNHENG = "推动优质均衡发展，办好人民满意教育"
PART_JIAOSHI = "建设高素质教师队伍，夯实教育发展支撑"
PART_ANQUAN = "守牢安全底线，建设平安校园"

PLAN_TITLE = "上海市宝山区教育局2025年工作要点"
PLAN_INTRO = (
    "2025年是“十四五”规划的收官之年，也是谋划“十五五”教育发展的重要一年。宝山教育系统将坚持以习近平新时代"
    "中国特色社会主义思想为指导，深入贯彻党的二十大和二十届三中全会精神，全面落实全国教育大会部署，"
    "加快建设高质量教育体系，努力办好人民满意的教育。"
)
MARK = "上海市宝山区教育局文件"
ISSUER = "上海市宝山区教育局"
OFFICE = "上海市宝山区教育局办公室"
DAY = dt.date(2025, 1, 10)

# the 2025 寒假 notice (the tails of section g vary only after its body)
WINTER = {
    "发文机关标志": MARK,
    "发文字号": {"机关代字": "宝教", "年份": 2025, "序号": 5},
    "标题": "上海市宝山区教育局关于做好2025年寒假期间学生安全工作的通知",
    "主送机关": "各中小学、幼儿园",
    "正文": [
        "寒假将至，为切实做好寒假期间学生安全工作，确保广大学生度过安全、健康、文明、愉快的假期，经研究，"
        "现就有关工作通知如下。",
        "各单位要在放假前开展一次安全隐患全面排查，重点检查教学楼、实验室、食堂、宿舍等场所，发现问题立即整改。",
        "各单位要利用班会、家长会、致家长的一封信等形式，加强防溺水、防火、防交通事故、防食物中毒等安全教育，"
        "落实家校共同监护责任。",
        "各单位要严格执行假期值班和领导带班制度，确保信息畅通，遇有突发事件按规定及时报告。",
        "特此通知。",
    ],
    "发文机关署名": ISSUER,
    "成文日期": DAY,
    "附件": ABSENT,
}


# -- writing content into Word --------------------------------------------------------------------------

NOTE = re.compile(r"(?<!\\)\^\[([^\]]*)\]")


def paras(value) -> list[str]:
    """导语/内容 as a list of paragraphs (one paragraph is written as a str)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def runs(d: Draft, text: str, **fmt) -> str:
    """Runs for text in the content syntax: ^[…] becomes a Word footnote at that place, \\^[ the characters."""
    out, pos = "", 0
    for m in NOTE.finditer(text):
        if m.start() > pos:
            out += r(text[pos : m.start()].replace("\\^[", "^["), **fmt)
        out += d.footnote(m.group(1))
        pos = m.end()
    if pos < len(text):
        out += r(text[pos:].replace("\\^[", "^["), **fmt)
    return out


TYPED = {1: lambda n: f"{cn(n)}、", 2: lambda n: f"（{cn(n)}）", 3: lambda n: f"{n}.", 4: lambda n: f"（{n}）"}


class Way:
    """How a draft writes each level of a plan: paragraph properties per level (style=…, num=(numId, ilvl),
    outline=…), which levels have their number typed (level → n → text), whether the 要点 is bold (and the
    typed number with it), whether headings carry their font directly (no heading style does). Hooks, each
    called with (level, number, node): `pick` → paragraph properties for that node (over `ppr`), `wrap`
    (…, runs) → the runs of its first paragraph (to put a comment on them), `after` → blocks to add after it."""

    def __init__(
        self,
        ppr=None,
        typed=(),
        forms=None,
        bold_lead=True,
        number_bold=False,
        heading_fonts=True,
        pick=None,
        wrap=None,
        after=None,
    ):
        self.ppr = ppr or {}
        self.typed = {lv: (forms or {}).get(lv, TYPED[lv]) for lv in typed}
        self.bold_lead, self.number_bold, self.heading_fonts = bold_lead, number_bold, heading_fonts
        self.pick, self.wrap, self.after = pick, wrap, after


def write_plan(d: Draft, content: dict, way: Way) -> dict[int, int]:
    """导语, then every 部分/小节/条目/分项 in order: a heading paragraph and its 导语 paragraphs; an item's
    number, 要点 and first 内容 paragraph in one paragraph, its further 内容 paragraphs after it. Returns
    id(node) → the number (第 N 段) of the node's first paragraph."""
    where = {}
    for t in paras(content.get("导语")):
        d.add(body(runs(d, t)))
    for level, n, node in walk(content):
        kw = dict(way.ppr.get(level, {}))
        if way.pick:
            kw.update(way.pick(level, n, node))
        if not kw.get("num") and not kw.get("style"):
            kw.setdefault("ind", IND_BODY)
        prefix = way.typed[level](n) if level in way.typed else ""
        if level <= 2:
            fmt = {"font": HEADING_FONT[level]} if way.heading_fonts else {}
            out = r(prefix + node["标题"], **fmt)
            texts = []
            rest = paras(node.get("导语"))
        else:
            texts = paras(node.get("内容"))
            lead = node.get("要点", "")
            out = ""
            if prefix:
                out += r(prefix, b=way.bold_lead and way.number_bold and bool(lead))
            if lead:
                out += runs(d, lead, b=way.bold_lead)
            if texts:
                out += runs(d, texts[0])
            rest = texts[1:]
        if way.wrap:
            out = way.wrap(level, n, node, out)
        where[id(node)] = d.add(p(out, **kw))
        for t in rest:
            d.add(body(runs(d, t)))
        if way.after:
            for block in way.after(level, n, node):
                d.add(block)
    return where


def doc_number(n: dict) -> str:
    return f"{n['机关代字']}〔{n['年份']}〕{n['序号']}号"


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


SIG_IND = 'w:right="1280" w:rightChars="400"'


def write_header(d: Draft, n: dict) -> None:
    """The 版头 as a red-header template has it: the red mark, two empty lines, the 文号 on the red line
    (a bottom border of its paragraph), an empty line."""
    d.add(p(r(n["发文机关标志"], font=XBS, sz=72, color=RED), jc="center", spacing='w:line="240" w:lineRule="auto"'))
    d.add(p(), p())
    d.add(p(r(doc_number(n["发文字号"])), jc="center", bdr=red_line()))
    d.add(p())


def write_head(d: Draft, n: dict) -> None:
    """Title (二号小标宋, centred), an empty line, the 主送机关 with its colon, the 正文."""
    d.add(p(r(n["标题"], font=XBS, sz=44), jc="center", spacing='w:line="700" w:lineRule="exact"'))
    d.add(p())
    if n.get("主送机关"):
        d.add(p(n["主送机关"] + "："))
    for t in n.get("正文") or []:
        d.add(body(runs(d, t)))


def write_signature(d: Draft, n: dict) -> None:
    """Two empty lines, then 署名 and 成文日期, each right-aligned four characters in (as staff type them)."""
    d.add(p(), p())
    d.add(p(n["发文机关署名"], jc="right", ind=SIG_IND))
    d.add(p(date_text(n["成文日期"]), jc="right", ind=SIG_IND))


def write_colophon(d: Draft, n: dict) -> None:
    """公开属性 and a typed 版记: 抄送 between two rules, the 印发 line over the last rule."""
    if n.get("公开属性"):
        d.add(p(), body(f"公开属性：{n['公开属性']}"))
    c = n.get("版记")
    if not c:
        return
    rule = '<w:{0} w:val="single" w:sz="{1}" w:space="1" w:color="auto"/>'
    d.add(p(), p())
    side = 'w:left="320" w:leftChars="100" w:right="320" w:rightChars="100"'
    if c.get("抄送"):
        d.add(
            p(
                r(f"抄送：{'，'.join(c['抄送'])}。", sz=28),
                bdr=rule.format("top", 12) + rule.format("bottom", 6),
                ind=side,
            )
        )
    d.add(
        p(
            r(f"{c['印发机关']}　　　　　　　　{date_text(c['印发日期'])}印发", sz=28),
            bdr=rule.format("bottom", 12),
            ind=side,
        )
    )


def page_break() -> str:
    return p('<w:r><w:br w:type="page"/></w:r>')


def write_attachment(d: Draft, att: dict, way: Way, number: int | None = None) -> None:
    """A new page, “附件” (黑体, flush left), the attachment's title, an empty line, its plan."""
    d.add(page_break())
    d.add(p(r("附件" + (str(number) if number else ""), font=HEI)))
    d.add(p())
    d.add(p(r(att["标题"], font=XBS, sz=44), jc="center"))
    if att.get("副标题"):
        d.add(p(r(att["副标题"], font=KAI), jc="center"))
    d.add(p())
    write_plan(d, att, way)


def write_fragment_title(d: Draft, title: str) -> None:
    d.add(p(r(title, font=XBS, sz=44), jc="center"), p())


def fragment(**content) -> dict:
    """The expectation of a draft with no 版头: no notice, no attachments, this fragment."""
    return {"notice": None, "attachments": [], "fragment": content}


def one_attachment(v) -> bool:
    return isinstance(v, list) and len(v) == 1


# == a. Word's automatic list =============================================================================


def make_word_auto_list(path: Path) -> dict:
    """(a) The user typed “1. ” and Word turned it into a list: numbering.xml with the hybridMultilevel list
    AutoFormat makes (level 1 decimal “%1.”), the items in List Paragraph (styleId a3, as Chinese Word names
    it) with numPr; bold 要点 runs; one item with a second, unnumbered paragraph."""
    d = Draft()
    d.list_paragraph()
    d.numbering([abstract_auto_list(0, "3F2A6C1E")], [num(1, 0)])
    frag = dict(
        标题="宝山区教育局2025年教师培训工作要点",
        导语="为进一步加强全区教师队伍建设，提升教师专业素养，结合我区实际，现提出2025年教师培训工作要点如下。",
        条目=[
            T1,
            T2,
            item(T3["要点"], [T3["内容"], "建立骨干教师考核评价机制，考核结果与职称评审、评优评先挂钩。"]),
            T4,
        ],
        条目编号=ABSENT,
    )
    write_fragment_title(d, frag["标题"])
    write_plan(d, frag, Way(ppr={3: {"style": d.ids["list"], "num": (1, 0)}}))
    d.save(path)
    return fragment(**frag)


# == b. c. the red-header template's multilevel list ======================================================

I3_SPLIT = item(
    "加强干部队伍建设。",
    "优化干部选拔任用机制，完善干部考核评价办法。",
    分项=[
        item("实施青年干部“墩苗”计划。", "选派20名优秀青年干部到基层学校挂职锻炼。"),
        item("加强校长队伍建设。", "开展新任校长任职资格培训和在职校长提高培训。"),
    ],
)

DIRECT_PLAN = [
    {
        "标题": PART_DANGJIAN,
        "小节": [{"标题": "加强政治建设", "条目": [I1, I2]}, {"标题": "加强队伍建设", "条目": [I3_SPLIT, I10]}],
    },
    {
        "标题": PART_DEYU,
        "小节": [{"标题": "深化思政教育", "条目": [I4, I5]}, {"标题": "加强体育美育劳动教育", "条目": [I6]}],
    },
]


def make_heading_styles_list(path: Path) -> dict:
    """(b) A red-header template whose four-level list 一、（一）1.（1） is tied to the heading styles: Chinese
    Word's styleIds "1"–"4" (names heading 1–4) carry numPr (numId, ilvl) in styles.xml and each w:lvl names
    its pStyle; the paragraphs carry only pStyle. The 工作要点 is itself the red-header file (直接发文). Word
    restarts a level after any higher one, so 1. starts again under each （一）."""
    d = Draft()
    d.headings(numbered=1)
    d.numbering([abstract_multilevel(0, "1F2E3D4C", pstyles={0: "1", 1: "2", 2: "3", 3: "4"})], [num(1, 0)])
    n = {
        "发文机关标志": MARK,
        "发文字号": {"机关代字": "宝教", "年份": 2025, "序号": 1},
        "标题": PLAN_TITLE,
        "主送机关": ABSENT,
        "正文": [PLAN_INTRO],
        "条目编号": RESTART,
        "部分": DIRECT_PLAN,
        "发文机关署名": ISSUER,
        "成文日期": DAY,
        "附件": ABSENT,
    }
    write_header(d, n)
    write_head(d, n)
    write_plan(
        d,
        {"部分": n["部分"], "条目编号": RESTART},
        Way(ppr={lv: {"style": d.ids[f"h{lv}"]} for lv in (1, 2, 3, 4)}, heading_fonts=False, bold_lead=False),
    )
    write_signature(d, n)
    d.save(path)
    return {"notice": n, "attachments": [], "fragment": None}


IT_ATTACHMENT = {
    "标题": "上海市宝山区教育局2025年教育信息化工作要点",
    "导语": "为加快推进教育数字化转型，以教育信息化支撑引领教育现代化，制定本要点。",
    "条目编号": RESTART,
    "部分": [
        {
            "标题": "总体目标",
            "导语": "到2025年底，全区中小学校数字化基础环境全面达标，数字化教学应用常态化，教育数据治理能力"
            "明显提升，形成一批可推广的数字化转型典型案例。",
        },
        {
            "标题": "主要任务",
            "小节": [
                {
                    "标题": "夯实数字基座",
                    "条目": [
                        item(
                            "推进学校网络提质改造。",
                            "完成30所学校校园网“全光”改造，实现千兆到桌面、万兆到楼宇，重点区域无线网络全覆盖。",
                        ),
                        item(
                            "建设区域教育数据中心。",
                            "整合学籍、人事、资产等业务系统数据，建立统一的数据标准和共享交换机制。",
                        ),
                    ],
                },
                {
                    "标题": "深化数字应用",
                    "条目": [
                        item(
                            "推广智能教学助手应用。",
                            "在全区50%以上的中小学校推广使用智能教学助手，组织优秀课例展示20场。",
                        ),
                        item(
                            "开展数字素养提升培训。",
                            "面向全体教师开展人工智能通识培训，每名教师年内完成不少于12学时的数字素养培训。",
                        ),
                    ],
                },
            ],
        },
        {
            "标题": "保障措施",
            "条目": [
                item("加强组织领导。", "成立区教育数字化转型工作领导小组，统筹推进各项任务落实。"),
                item("加强经费保障。", "将教育数字化项目经费纳入年度预算，确保各项任务按期完成。"),
            ],
        },
    ],
}


def make_direct_numpr_list(path: Path) -> dict:
    """(c) The same four-level list with numPr written directly on each paragraph (Normal style, no heading
    styles), in the attachment of a notice; a 部分 with only a 导语, one with 小节, one with 条目."""
    d = Draft()
    d.numbering([abstract_multilevel(0, "6B1D2C3A")], [num(1, 0)])
    n = {
        "发文机关标志": MARK,
        "发文字号": {"机关代字": "宝教", "年份": 2025, "序号": 2},
        "标题": "上海市宝山区教育局关于印发《上海市宝山区教育局2025年教育信息化工作要点》的通知",
        "主送机关": "各中小学、幼儿园，局直属各单位",
        "正文": ["现将《上海市宝山区教育局2025年教育信息化工作要点》印发给你们，请结合实际认真贯彻落实。"],
        "发文机关署名": ISSUER,
        "成文日期": DAY,
        "附件": Where(one_attachment, "one attachment"),
    }
    write_header(d, n)
    write_head(d, n)
    d.add(p(), body(f"附件：{IT_ATTACHMENT['标题']}"))
    write_signature(d, n)
    write_attachment(d, IT_ATTACHMENT, Way(ppr={1: {"num": (1, 0)}, 2: {"num": (1, 1)}, 3: {"num": (1, 2)}}))
    d.save(path)
    return {"notice": n, "attachments": [IT_ATTACHMENT], "fragment": None}


# == d. items numbered across parts, restarting per part, restarted by a second w:num =========================


def three_parts(restart: bool) -> dict:
    return dict(
        标题=PLAN_TITLE,
        导语=PLAN_INTRO,
        条目编号=RESTART if restart else ABSENT,
        部分=[
            {"标题": PART_DANGJIAN, "条目": [I1, I2, I3]},
            {"标题": PART_DEYU, "条目": [I4, I5, I6]},
            {"标题": PART_JUNHENG, "条目": [I7, I8]},
        ],
    )


def _items_under_parts(path: Path, continuous: bool) -> dict:
    d = Draft()
    d.numbering([abstract_multilevel(0, "0C4D5E6F", restart3=0 if continuous else None)], [num(1, 0)])
    frag = three_parts(restart=not continuous)
    write_fragment_title(d, frag["标题"])
    write_plan(d, frag, Way(ppr={1: {"num": (1, 0)}, 3: {"num": (1, 2)}}))
    d.save(path)
    return fragment(**frag)


def make_items_continue_across_parts(path: Path) -> dict:
    """(d) 一、 and 1. from the four-level list (numPr ilvl 0 and 2), the 1. level with w:lvlRestart
    w:val="0" (Word's “重新开始列表的间隔” unticked): Word numbers the items 1–8 across 一、二、三、."""
    exp = _items_under_parts(path, continuous=True)
    # LibreOffice 7.4 does not read w:lvlRestart: it restarts the items under each 一、 as if it were absent.
    exp["lo_numbers"] = labels(fragment(**three_parts(restart=True)))
    return exp


def make_items_restart_per_part(path: Path) -> dict:
    """(d) The same list without lvlRestart: Word restarts 1. under each 一、 (每部分重新编号)."""
    return _items_under_parts(path, continuous=False)


SAFETY_PARTS = [{"标题": PART_ANQUAN, "条目": [S1, S2, S3]}, {"标题": "加强学生安全教育", "条目": [S5, S6]}]


def _two_list_instances(path: Path, override: bool) -> dict:
    d = Draft()
    d.list_paragraph()
    d.numbering([abstract_auto_list(0, "2E7B9A10")], [num(1, 0), num(2, 0, {0: 1} if override else None)])
    frag = dict(标题="宝山区教育局2025年校园安全工作要点", 条目编号=RESTART if override else ABSENT, 部分=SAFETY_PARTS)
    part_of = {id(it): k for k, part in enumerate(SAFETY_PARTS, 1) for it in part["条目"]}
    write_fragment_title(d, frag["标题"])
    write_plan(
        d,
        frag,
        Way(
            typed={1},
            ppr={3: {"style": d.ids["list"]}},
            pick=lambda lv, n, node: {"num": (part_of[id(node)], 0)} if lv == 3 else {},
        ),
    )
    d.save(path)
    return fragment(**frag)


def make_list_restart_override(path: Path) -> dict:
    """(d) Typed 一、 headings; the items of each part a Word list. In the second part the user chose
    “重新开始于 1”: Word made a second w:num over the same abstractNum with w:lvlOverride/w:startOverride 1."""
    return _two_list_instances(path, override=True)


def make_list_shared_abstract(path: Path) -> dict:
    """(d) As above, but the second w:num has no override (what Word writes when a list is pasted back in
    and keeps numbering): w:num instances of one abstractNum share its counter in Word, so 1–5 run on."""
    return _two_list_instances(path, override=False)


# == e. heading styles that carry no number ================================================================


def make_heading_english_ids(path: Path) -> dict:
    """(e i) English Word's / LibreOffice's heading styles (styleId Heading1/Heading2, python-docx's template,
    i.e. English Word's own definition) with no numbering; items typed “1.” with bold 要点."""
    d = Draft(english_ids=True)
    frag = dict(
        标题="宝山区教育局2025年校园安全工作要点",
        导语="为切实维护校园安全稳定，保障师生生命财产安全，结合我区实际，制定本要点。",
        条目编号=ABSENT,
        部分=[
            {
                "标题": "强化校园安全管理",
                "小节": [
                    {"标题": "加强校园安全防范", "条目": [S1, S2]},
                    {"标题": "加强食品安全监管", "条目": [S3, S4]},
                ],
            },
            {"标题": "加强学生安全教育", "小节": [{"标题": "开展专题安全教育", "条目": [S5, S6]}]},
        ],
    )
    write_fragment_title(d, frag["标题"])
    write_plan(d, frag, Way(ppr={1: {"style": "Heading1"}, 2: {"style": "Heading2"}}, typed={3}, heading_fonts=False))
    d.save(path)
    return {**fragment(**frag), "lo_levels": {3}}


def make_heading_chinese_ids(path: Path) -> dict:
    """(e ii) Chinese Word's heading styles (styleId "1"/"2", names heading 1/heading 2), no numbers, no
    items: 部分 and 小节 that have only paragraphs."""
    d = Draft()
    d.headings(levels=(1, 2))
    frag = dict(
        标题="宝山区教育人才队伍建设三年行动计划",
        导语="为深入实施人才强教战略，建设高素质专业化教师队伍，结合我区教育发展实际，制定本行动计划。",
        部分=[
            {
                "标题": "发展基础",
                "导语": "近年来，我区坚持把教师队伍建设作为基础工作，教师队伍规模稳步扩大，结构不断优化，"
                "区级以上骨干教师占比达到18%。",
            },
            {
                "标题": "总体要求",
                "小节": [
                    {
                        "标题": "指导思想",
                        "导语": "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的教育方针，落实立德树人根本任务。",
                    },
                    {
                        "标题": "工作目标",
                        "导语": [
                            "到2027年，全区教师队伍师德师风明显改善，专业素养显著提升。",
                            "区级以上骨干教师占比达到25%，培养一批在全市有影响力的名师名校长。",
                        ],
                    },
                ],
            },
            {"标题": "保障措施", "导语": "加强组织领导，完善经费投入机制，将教师队伍建设纳入学校办学绩效考核。"},
        ],
    )
    write_fragment_title(d, frag["标题"])
    write_plan(d, frag, Way(ppr={1: {"style": "1"}, 2: {"style": "2"}}, heading_fonts=False))
    d.save(path)
    return {**fragment(**frag), "lo_levels": set()}


TEACHER_PARTS = [
    {
        "标题": "建设高素质教师队伍",
        "小节": [{"标题": "强化师德师风", "条目": [T1, T2]}, {"标题": "促进专业发展", "条目": [T3, T4]}],
    },
    {
        "标题": "加强教育人才引进",
        "条目": [item("实施优秀人才引进计划。", "每年引进优秀教育人才不少于20名，落实人才公寓等配套保障。")],
    },
]


def make_outline_level_paragraphs(path: Path) -> dict:
    """(e iii) Normal paragraphs made headings by w:outlineLvl in their own pPr (段落 → 大纲级别 1级/2级),
    黑体/楷体 set directly; items typed “1.”."""
    d = Draft()
    frag = dict(标题="宝山区教育局2025年教师队伍建设工作要点", 条目编号=ABSENT, 部分=TEACHER_PARTS)
    write_fragment_title(d, frag["标题"])
    write_plan(d, frag, Way(ppr={1: {"outline": 0}, 2: {"outline": 1}}, typed={3}))
    d.save(path)
    return {**fragment(**frag), "lo_levels": {3}}


def make_custom_outline_styles(path: Path) -> dict:
    """(e iv) The office's own styles “公文一级标题” and “公文二级标题” (custom styles, ids af2/af3) with
    w:outlineLvl 0 and 1 in the style; items typed “1、”."""
    d = Draft()
    for sid, name, lv in (("af2", "公文一级标题", 1), ("af3", "公文二级标题", 2)):
        d.add_style(
            style_xml(
                sid,
                name,
                based=d.ids["normal"],
                custom=True,
                ppr=f'<w:keepNext/><w:ind {IND_BODY}/><w:outlineLvl w:val="{lv - 1}"/>',
                rpr_=heading_rpr(lv),
            )
        )
    frag = dict(
        标题="宝山区教育局2025年基础教育工作要点",
        条目编号=ABSENT,
        部分=[
            {"标题": PART_JUNHENG, "条目": [I7, I8, I9]},
            {
                "标题": PART_ANQUAN,
                "小节": [{"标题": "加强校园安全", "条目": [I12]}, {"标题": "加强食品安全", "条目": [I13]}],
            },
        ],
    )
    write_fragment_title(d, frag["标题"])
    write_plan(
        d,
        frag,
        Way(
            ppr={1: {"style": "af2"}, 2: {"style": "af3"}},
            typed={3},
            forms={3: lambda n: f"{n}、"},
            heading_fonts=False,
        ),
    )
    d.save(path)
    return {**fragment(**frag), "lo_levels": {3}}


def make_heading_styles_typed_numbers(path: Path) -> dict:
    """(e v) Numbers typed into heading-styled paragraphs, and the styles not always matching them: 一、 in
    heading 1 and （一） in heading 2, but “（二）…” also in heading 1 and an item “3.…” in heading 2. The
    typed number decides the level."""
    d = Draft()
    d.headings(levels=(1, 2))
    second = {"标题": "加强队伍建设", "条目": [I3]}
    frag = dict(
        标题=PLAN_TITLE,
        条目编号=ABSENT,
        部分=[
            {"标题": PART_DANGJIAN, "小节": [{"标题": "加强政治建设", "条目": [I1, I2]}, second]},
            {"标题": PART_DEYU, "条目": [I4, I5]},
        ],
    )
    odd = {id(second): "1", id(I3): "2"}  # （二） in heading 1, 3. in heading 2

    def pick(level, n, node):
        if id(node) in odd:
            return {"style": odd[id(node)]}
        return {"style": {1: "1", 2: "2"}[level]} if level <= 2 else {}

    write_fragment_title(d, frag["标题"])
    write_plan(d, frag, Way(typed={1, 2, 3}, pick=pick, heading_fonts=False))
    d.save(path)
    return fragment(**frag)


# == f. department fragments: no 版头, no title ===========================================================


def make_fragment_items(path: Path) -> dict:
    """(f) Three items only, numbers typed “1．” (full-width point), 要点 not bold."""
    d = Draft()
    frag = dict(标题=ABSENT, 条目=[I12, I13, S2])
    write_plan(d, frag, Way(typed={3}, forms={3: lambda n: f"{n}．"}, bold_lead=False))
    d.save(path)
    return fragment(**frag)


def make_fragment_one_part(path: Path) -> dict:
    """(f) One typed 一、 part with typed 1. items."""
    d = Draft()
    frag = dict(标题=ABSENT, 部分=[{"标题": "守牢校园安全底线", "条目": [S1, S2, S5]}])
    write_plan(d, frag, Way(typed={1, 3}))
    d.save(path)
    return fragment(**frag)


def make_fragment_two_sections(path: Path) -> dict:
    """(f) Two typed （一）（二） sections, their items numbered from 1. in each."""
    d = Draft()
    frag = dict(
        标题=ABSENT,
        条目编号=RESTART,
        小节=[{"标题": "加强师德师风建设", "条目": [T1, T2]}, {"标题": "促进教师专业发展", "条目": [T3, T4]}],
    )
    write_plan(d, frag, Way(typed={2, 3}))
    d.save(path)
    return fragment(**frag)


# == g. the tail of a notice ==============================================================================


def _winter(d: Draft, n: dict) -> None:
    write_header(d, n)
    write_head(d, n)


def make_tail_line_break(path: Path) -> dict:
    """(g) 署名 and 成文日期 in one right-aligned paragraph, separated by Shift+Enter (w:br)."""
    d = Draft()
    _winter(d, WINTER)
    d.add(p(), p())
    d.add(p(r(f"{ISSUER}\n{date_text(DAY)}"), jc="right", ind=SIG_IND))
    d.save(path)
    return {"notice": WINTER, "attachments": [], "fragment": None}


def make_tail_chinese_date(path: Path) -> dict:
    """(g) The 成文日期 typed in Chinese numerals: 二〇二五年一月十日."""
    d = Draft()
    _winter(d, WINTER)
    d.add(p(), p())
    d.add(p(ISSUER, jc="right", ind=SIG_IND), p("二〇二五年一月十日", jc="right", ind=SIG_IND))
    d.save(path)
    return {"notice": WINTER, "attachments": [], "fragment": None}


def make_tail_signature_table(path: Path) -> dict:
    """(g) 署名 and 成文日期 in a borderless 1×2 table (Table Grid with its borders removed), right-aligned in
    the right cell, the left cell empty: how staff line the signature up over the date."""
    d = Draft()
    _winter(d, WINTER)
    d.add(p())
    d.add(
        tbl(
            [[[p()], [p(ISSUER, jc="right"), p(date_text(DAY), jc="right")]]],
            [4400, 4434],
            style=d.ids["grid"],
            borders=False,
        )
    )
    d.add(p())
    d.save(path)
    return {"notice": WINTER, "attachments": [], "fragment": None}


def make_tail_publicity_colophon(path: Path) -> dict:
    """(g) After 署名 and 日期: “公开属性：主动公开” and a typed 版记 (抄送 line between rules, then
    “…办公室　　　　2025年1月10日印发”)."""
    n = {
        **WINTER,
        "公开属性": "主动公开",
        "版记": {"抄送": ["区委办公室", "区政府办公室", "区应急管理局"], "印发机关": OFFICE, "印发日期": DAY},
    }
    d = Draft()
    _winter(d, n)
    write_signature(d, n)
    write_colophon(d, n)
    d.save(path)
    return {"notice": n, "attachments": [], "fragment": None}


# == h. Shift+Enter inside an item =========================================================================


def _one_or_two(first: str, second: str) -> Where:
    return Where(
        lambda v: v == [first, second] or v == first + second,
        f"the two lines as two paragraphs, or joined: {first[:8]}… / {second[:8]}…",
    )


def make_item_line_break(path: Path) -> dict:
    """(h) An item of a Word list whose content goes on after Shift+Enter (w:br): two lines in one w:p. The
    second line is the item's (not a new item, not lost, no line break character kept)."""
    d = Draft()
    d.list_paragraph()
    d.numbering([abstract_auto_list(0, "4C5D6E7F")], [num(1, 0)])
    second = "同时，组织骨干教师赴外省市跟岗研修，每年不少于50人次。"
    d.add(p(r("一、" + PART_JIAOSHI, font=HEI), ind=IND_BODY))
    for it in (T1, T4, T3):
        text = it["内容"] + ("\n" + second if it is T4 else "")
        d.add(p(b(it["要点"]), r(text), style=d.ids["list"], num=(1, 0)))
    d.save(path)
    t4 = {"要点": T4["要点"], "内容": _one_or_two(T4["内容"], second)}
    return fragment(标题=ABSENT, 部分=[{"标题": PART_JIAOSHI, "条目": [T1, t4, T3]}])


# == i. the red-header mark in a text box ==================================================================


def textbox_run(inner: str, cx: int = 5612130, cy: int = 792000, shape_id: int = 1) -> str:
    """A floating text box holding the paragraphs `inner`, as Word 2016 saves one: mc:AlternateContent with
    the DrawingML shape (wps:wsp, wps:txbx) as the Choice and the same text in a VML v:textbox as the
    Fallback."""
    w_pt, h_pt = cx / 12700, cy / 12700
    return (
        '<w:r><w:rPr><w:noProof/></w:rPr><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor distT="45720" distB="45720" distL="114300" distR="114300" simplePos="0" relativeHeight="25165926{shape_id}" '
        f'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1" wp14:anchorId="0A1B2C3{shape_id}" wp14:editId="4D5E6F7{shape_id}">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
        f'<wp:docPr id="{shape_id}" name="文本框 {shape_id}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/>'
        '<a:ln w="9525"><a:noFill/><a:miter lim="800000"/><a:headEnd/><a:tailEnd/></a:ln></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720" rIns="91440" bIns="45720" '
        'anchor="t" anchorCtr="0"><a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic>'
        "</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f'<v:shape id="文本框 {shape_id}" o:spid="_x0000_s102{5 + shape_id}" type="#_x0000_t202" '
        f'style="position:absolute;left:0;text-align:left;margin-left:0;margin-top:0;width:{w_pt:.2f}pt;height:{h_pt:.2f}pt;'
        "z-index:251659264;visibility:visible;mso-wrap-style:square;mso-wrap-distance-left:9pt;"
        "mso-wrap-distance-top:3.6pt;mso-wrap-distance-right:9pt;mso-wrap-distance-bottom:3.6pt;"
        "mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:absolute;"
        'mso-position-vertical-relative:text;v-text-anchor:top" filled="f" stroked="f">'
        f"<v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox>"
        '<w10:wrap type="topAndBottom" anchorx="margin"/></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
    )


def make_textbox_header(path: Path) -> dict:
    """(i) The red mark sits in a text box anchored in the first (empty) paragraph, as many red-header
    templates have it; below it the 文号 on the red line (its paragraph's bottom border). The mark is in
    the file twice (DrawingML and VML): imported once."""
    n = {
        "发文机关标志": MARK,
        "发文字号": {"机关代字": "宝教", "年份": 2025, "序号": 3},
        "标题": "上海市宝山区教育局关于开展2025年中小学校园开放日活动的通知",
        "主送机关": "各中小学",
        "正文": [
            "为进一步密切家校联系，展示学校办学成果，经研究，决定于2025年3月开展中小学校园开放日活动。",
            "各学校要结合实际制定开放日活动方案，于2025年2月28日前报区教育局基础教育科。",
            "特此通知。",
        ],
        "发文机关署名": ISSUER,
        "成文日期": dt.date(2025, 1, 15),
        "附件": ABSENT,
    }
    d = Draft()
    mark = p(r(MARK, font=XBS, sz=72, color=RED), jc="center", spacing='w:line="240" w:lineRule="auto"')
    d.add(p(textbox_run(mark)))
    d.add(p(), p())
    d.add(p(r(doc_number(n["发文字号"])), jc="center", bdr=red_line()))
    d.add(p())
    write_head(d, n)
    write_signature(d, n)
    d.save(path)
    # LibreOffice's text export leaves text boxes out: the mark is not in what it shows.
    return {"notice": n, "attachments": [], "fragment": None, "once": [MARK], "lo_hidden": [MARK]}


# == j. a table of contents at the front ====================================================================


def make_toc_front(path: Path) -> dict:
    """(j) Word's 引用 → 目录: a w:sdt (docPartGallery “Table of Contents”) holding the “目录” title and a TOC
    field (fldChar begin, instrText TOC \\o "1-3" \\h \\z \\u, separate, toc 1 paragraphs whose entries are
    hyperlinks to the headings' _Toc bookmarks with PAGEREF fields, end in a paragraph of its own). The
    headings it lists are typed “一、…” in heading 1. Only the three real parts are content."""
    d = Draft()
    d.headings(levels=(1,))
    d.add_style(
        style_xml(
            "TOC",
            "TOC Heading",
            based="1",
            ppr='<w:keepLines/><w:jc w:val="center"/><w:outlineLvl w:val="9"/>',
            extra='<w:uiPriority w:val="39"/><w:unhideWhenUsed/>',
        )
    )
    d.add_style(
        style_xml(d.ids["toc1"], "toc 1", based=d.ids["normal"], extra='<w:uiPriority w:val="39"/><w:unhideWhenUsed/>')
    )
    d.add_style(
        style_xml(
            d.ids["hyperlink"],
            "Hyperlink",
            kind="character",
            based=d.ids["dpf"],
            rpr_='<w:color w:val="0563C1" w:themeColor="hyperlink"/><w:u w:val="single"/>',
            extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>',
        )
    )
    parts = [
        {"标题": PART_DANGJIAN, "条目": [I1, I2]},
        {"标题": PART_DEYU, "条目": [I4, I5]},
        {"标题": PART_JUNHENG, "条目": [I7, I8]},
    ]
    frag = dict(标题=PLAN_TITLE, 导语=PLAN_INTRO, 条目编号=ABSENT, 部分=parts)
    marks = [f"_Toc18765432{k}" for k in range(len(parts))]
    hidden = "<w:rPr><w:noProof/><w:webHidden/></w:rPr>"
    entries = []
    for k, part in enumerate(parts):
        head = f"{cn(k + 1)}、{part['标题']}"
        field = (
            (
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" '
                '\\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            )
            if k == 0
            else ""
        )
        link = (
            f'<w:hyperlink w:anchor="{marks[k]}" w:history="1">'
            f'<w:r><w:rPr><w:rStyle w:val="{d.ids["hyperlink"]}"/><w:noProof/></w:rPr>{_t(head)}</w:r>'
            f'<w:r>{hidden}<w:tab/></w:r><w:r>{hidden}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{hidden}<w:instrText xml:space="preserve"> PAGEREF {marks[k]} \\h </w:instrText></w:r>'
            f'<w:r>{hidden}</w:r><w:r>{hidden}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r>{hidden}<w:t>{k + 2}</w:t></w:r><w:r>{hidden}<w:fldChar w:fldCharType="end"/></w:r></w:hyperlink>'
        )
        entries.append(
            f'<w:p><w:pPr><w:pStyle w:val="{d.ids["toc1"]}"/><w:tabs><w:tab w:val="right" w:leader="dot" '
            f'w:pos="8834"/></w:tabs><w:rPr><w:noProof/></w:rPr></w:pPr>{field}{link}</w:p>'
        )
    toc = (
        '<w:sdt><w:sdtPr><w:id w:val="-1523081329"/><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        "<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtEndPr><w:rPr><w:b/><w:bCs/></w:rPr></w:sdtEndPr><w:sdtContent>"
        '<w:p><w:pPr><w:pStyle w:val="TOC"/></w:pPr><w:r><w:rPr><w:lang w:val="zh-CN"/></w:rPr><w:t>目录</w:t></w:r></w:p>'
        + "".join(entries)
        + '<w:p><w:r><w:rPr><w:b/><w:bCs/><w:lang w:val="zh-CN"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        "</w:sdtContent></w:sdt>"
    )
    first = d.add(toc)
    d.add(page_break())
    write_fragment_title(d, frag["标题"])
    d.add(body(frag["导语"]))
    n_item = 0
    for k, part in enumerate(parts):
        head = f"{cn(k + 1)}、{part['标题']}"
        d.add(
            p(f'<w:bookmarkStart w:id="{k}" w:name="{marks[k]}"/>', r(head), f'<w:bookmarkEnd w:id="{k}"/>', style="1")
        )
        for it in part["条目"]:
            n_item += 1
            d.add(body(r(f"{n_item}."), b(it["要点"]), r(it["内容"])))
    d.save(path)
    toc_texts = ["目录"] + [f"{cn(k + 1)}、{part['标题']}" for k, part in enumerate(parts)]
    return {**fragment(**frag), "skipped": [(first, "目录", toc_texts)]}


# == k. endnotes, footnotes, a typed ^[ =====================================================================

FN_1N = "“1+N”指1门基础托管课程加N门拓展课程。"
LEAD_1N = "推进“1+N”课后服务模式。"


def make_notes(path: Path) -> dict:
    """(k) An endnote (endnotes.xml) in the 导语 — imported as a footnote ^[…]; a footnote whose reference
    follows the bold 要点 directly (the note must stay with the 要点: the build refuses a paragraph that
    starts with a note); a footnote inside an item's text; a literal “^[” typed in the text (→ \\^[)."""
    d = Draft()
    endnote = "“双减”指有效减轻义务教育阶段学生过重作业负担和校外培训负担。"
    intro_a, intro_b = "2025年，全区将深入落实“双减”", "政策，持续提升课后服务质量，让学生在校内学足学好。"
    content_1n = "以1门基础托管课程为主体，开发N门科技、艺术、体育类拓展课程，满足学生多样化需求。"
    item2 = item(
        "推动课后服务提质增效。",
        "引入少年宫、青少年活动中心等校外优质资源进校园，探索“4点半课堂”^[“4点半课堂”指下午4点半"
        "放学后至6点在校内开展的看护和学习辅导服务。]与校外活动场所衔接。",
    )
    item3 = item(
        "规范课后服务收费管理。",
        "严格执行课后服务收费标准，收费系统中以“\\^[”开头的项目代码不得修改，不得另立名目收费。",
    )
    title = "宝山区教育局2025年课后服务工作要点"
    write_fragment_title(d, title)
    d.add(body(r(intro_a), d.endnote(endnote), r(intro_b)))
    d.add(p(r("一、丰富课后服务内容", font=HEI), ind=IND_BODY))
    d.add(body(r("1."), b(LEAD_1N), d.footnote(FN_1N), r(content_1n)))
    for k, it in enumerate((item2, item3), 2):
        d.add(body(r(f"{k}."), runs(d, it["要点"], b=True), runs(d, it["内容"])))
    d.save(path)
    item1 = {
        "要点": Where(
            lambda s: isinstance(s, str) and s.replace(f"^[{FN_1N}]", "") == LEAD_1N and FN_1N in s,
            f"{LEAD_1N} with ^[{FN_1N}] in it",
        ),
        "内容": content_1n,
    }
    frag = dict(
        标题=title,
        导语=f"{intro_a}^[{endnote}]{intro_b}",
        部分=[{"标题": "丰富课后服务内容", "条目": [item1, item2, item3]}],
    )
    return {**fragment(**frag), "once": [FN_1N, endnote]}


# == l. comments ===========================================================================================


def make_comments(path: Path) -> dict:
    """(l) Two comments (comments.xml with commentsExtended.xml and people.xml; commentRangeStart/End around
    the text and a commentReference run): not content, each listed in skipped with its paragraph."""
    d = Draft()
    notes = {id(T2): "此条请补充2024年查处情况的具体数据。", id(T4): "培训合格率表述请与人事科核实。"}
    frag = dict(
        标题="宝山区教育局2025年师德师风建设工作要点",
        条目编号=ABSENT,
        部分=[{"标题": PART_JIAOSHI, "条目": [T1, T2, T3, T4]}],
    )

    def wrap(level, n, node, out):
        return d.commented(out, notes[id(node)]) if id(node) in notes else out

    write_fragment_title(d, frag["标题"])
    where = write_plan(d, frag, Way(typed={1, 3}, wrap=wrap))
    d.save(path)
    return {
        **fragment(**frag),
        "skipped": [(where[id(T2)], "批注"), (where[id(T4)], "批注")],
        "absent": list(notes.values()),
    }


# == m. a data table and a picture in the body ==============================================================


def make_table_and_image(path: Path) -> dict:
    """(m) A bordered 3×3 data table (Table Grid) between two items and an inline picture in a paragraph of
    its own after the next item. The table's text must not vanish silently (imported as text, or listed in
    skipped with its position); the picture is listed in skipped."""
    d = Draft()
    add_it = item("提升幼儿园保教质量。", "深化幼儿园课程改革，开展保教质量评估，市级示范园结对帮扶薄弱园全覆盖。")
    frag = dict(
        标题="宝山区教育局2025年学前教育工作要点",
        导语="2025年，全区学前教育将坚持公益普惠基本方向，持续扩大优质资源供给，提升保教质量。",
        条目编号=ABSENT,
        部分=[
            {"标题": "扩大优质学前教育资源", "条目": [I7, add_it]},
            {
                "标题": "加强幼儿园安全管理",
                "条目": [item("落实幼儿园安全责任。", "健全幼儿园安全管理制度，配齐安保人员和设施设备。")],
            },
        ],
    )
    cells = [["类别", "园所数（所）", "新增托额（个）"], ["公办幼儿园", "86", "200"], ["民办幼儿园", "34", "60"]]
    grid = d.ids["grid"]
    if d._style(grid) is None:
        raise AssertionError("Table Grid style missing")
    at = {}

    def after(level, n, node):
        if node is I7:
            at["table"] = d.count + 1
            return [tbl([[[p(c, jc="center")] for c in row] for row in cells], [2944, 2945, 2945], style=grid)]
        if node is add_it:
            at["image"] = d.count + 1
            return [p(d.image_run(), jc="center")]
        return []

    write_fragment_title(d, frag["标题"])
    write_plan(d, frag, Way(typed={1, 3}, after=after))
    d.save(path)
    # The table follows item 1: imported as text, its rows are item 1's further paragraphs (or it is skipped
    # and item 1 is as written).
    flat = "".join(c for row in cells for c in row)
    table_rows = Where(
        lambda v: (
            v == I7["内容"]
            or (isinstance(v, list) and v[0] == I7["内容"] and re.sub(r"[\s\u3000]", "", "".join(v[1:])) == flat)
        ),
        "item 1's text, then the table's rows as paragraphs if the table is imported",
    )
    frag["部分"][0]["条目"][0] = {**I7, "内容": table_rows}
    return {
        **fragment(**frag),
        "skipped": [(at["image"], "图片")],
        "kept_or_skipped": [(at["table"], "表格", [c for row in cells for c in row])],
    }


# == o. tracked changes, content controls, hidden text ======================================================


def _rev(kind: str, rid: int, inner: str = "") -> str:
    return f'<w:{kind} w:id="{rid}" w:author="{AUTHOR}" w:date="{WHEN}">{inner}</w:{kind}>'


def make_tracked_changes(path: Path) -> dict:
    """(o) A draft the 科长 edited with 修订 on: a word deleted and another inserted (w:del/w:delText,
    w:ins), a whole item deleted (its runs in w:del and its paragraph mark deleted), a new item inserted
    (its runs in w:ins and w:ins on its paragraph mark). Imported as if every change were accepted."""
    d = Draft()
    d.list_paragraph()
    d.numbering([abstract_auto_list(0, "7A8B9C0D")], [num(1, 0)])
    li = {"style": d.ids["list"], "num": (1, 0)}
    title = "宝山区教育局2025年德育工作要点"
    write_fragment_title(d, title)
    d.add(p(r("一、深化德育一体化建设", font=HEI), ind=IND_BODY))
    d.add(
        p(
            b(I4["要点"]),
            r("组建大中小学思政课教师协同备课共同体，开展思政课教学展示活动"),
            _rev("del", 11, "<w:r><w:delText>30场</w:delText></w:r>"),
            _rev("ins", 12, r("40场")),
            r("以上，打造一批思政“金课”。"),
            **li,
        )
    )
    gone = ("加强学生行为规范教育。", "开展行为规范示范校评比，组织“文明礼仪伴我行”主题活动。")
    d.add(
        p(
            _rev(
                "del",
                13,
                f"<w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:delText>{gone[0]}</w:delText></w:r>"
                f"<w:r><w:delText>{gone[1]}</w:delText></w:r>",
            ),
            mark=_rev("del", 14),
            **li,
        )
    )
    d.add(p(_rev("ins", 15, b(I5["要点"]) + r(I5["内容"])), mark=_rev("ins", 16), **li))
    fam = item("深化家庭教育指导。", "办好家长学校，组织第二十七届家庭教育宣传周活动。")
    d.add(p(b(fam["要点"]), r(fam["内容"]), **li))
    d.save(path)
    frag = dict(标题=title, 部分=[{"标题": "深化德育一体化建设", "条目": [I4, I5, fam]}])
    # LibreOffice shows the tracked deletion (the deleted item keeps its number 2.), so it shows 1.–4.
    return {
        **fragment(**frag),
        "notes": ["修订"],
        "absent": ["30场", *gone],
        "lo_numbers": ["一、", "1.", "2.", "3.", "4."],
    }


PLACEHOLDER = "单击或点击此处输入文字。"


def make_content_controls(path: Path) -> dict:
    """(o) A template with content controls: a block-level one still showing its placeholder text
    (w:showingPlcHdr) left between two paragraphs, an inline one showing its placeholder at the end of a
    paragraph, and the 成文日期 in a date picker control filled in (its text is content)."""
    d = Draft()
    d.add_style(
        style_xml(
            d.ids["placeholder"],
            "Placeholder Text",
            kind="character",
            based=d.ids["dpf"],
            rpr_='<w:color w:val="808080"/>',
            extra='<w:uiPriority w:val="99"/><w:semiHidden/>',
        )
    )
    n = {
        "发文机关标志": MARK,
        "发文字号": {"机关代字": "宝教", "年份": 2025, "序号": 7},
        "标题": "上海市宝山区教育局关于报送2025年寒假学生安全教育工作情况的通知",
        "主送机关": "各中小学、幼儿园",
        "正文": [
            "寒假期间，各单位认真落实学生安全教育各项要求。为全面掌握工作情况，请各单位认真总结，"
            "于2025年2月20日前将书面材料报送区教育局德育科。",
            "特此通知。",
        ],
        "发文机关署名": ISSUER,
        "成文日期": dt.date(2025, 1, 13),
        "附件": ABSENT,
    }
    ph = f"<w:r>{rpr(style=d.ids['placeholder'])}{_t(PLACEHOLDER)}</w:r>"
    pr = '<w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013440"/></w:placeholder><w:showingPlcHdr/>'
    write_header(d, n)
    write_head(d, {**n, "正文": []})
    d.add(
        body(
            r(n["正文"][0]),
            f'<w:sdt><w:sdtPr><w:alias w:val="补充要求"/><w:id w:val="-1290471052"/>{pr}<w:text/>'
            f"</w:sdtPr><w:sdtEndPr/><w:sdtContent>{ph}</w:sdtContent></w:sdt>",
        )
    )
    d.add(
        f'<w:sdt><w:sdtPr><w:id w:val="1187437912"/>{pr}</w:sdtPr><w:sdtEndPr/><w:sdtContent>'
        f"{body(ph)}</w:sdtContent></w:sdt>"
    )
    d.add(body(n["正文"][1]))
    d.add(p(), p(), p(ISSUER, jc="right", ind=SIG_IND))
    d.add(
        p(
            '<w:sdt><w:sdtPr><w:alias w:val="成文日期"/><w:id w:val="-203420919"/><w:date w:fullDate="2025-01-13T00:00:00Z">'
            "<w:dateFormat w:val=\"yyyy'年'M'月'd'日'\"/><w:lid w:val=\"zh-CN\"/><w:storeMappedDataAs w:val=\"dateTime\"/>"
            '<w:calendar w:val="gregorian"/></w:date></w:sdtPr><w:sdtEndPr/><w:sdtContent>'
            f"{r(date_text(n['成文日期']))}</w:sdtContent></w:sdt>",
            jc="right",
            ind=SIG_IND,
        )
    )
    d.save(path)
    return {"notice": n, "attachments": [], "fragment": None, "absent": [PLACEHOLDER]}


def make_hidden_text(path: Path) -> dict:
    """(o) Hidden text (字体 → 隐藏, w:vanish): a run inside an item, and a whole paragraph (runs and mark
    hidden) between two items. Hidden text is not content."""
    d = Draft()
    note = "（内部备注：此条待分管领导确认）"
    hidden_para = "以下一条仅供科室内部讨论，正式稿删除。"
    title = "宝山区教育局2025年学生心理健康工作要点"
    hotline = item("开通学生心理援助热线。", "依托区未成年人心理健康辅导中心开通24小时心理援助热线，寒暑假不停线。")
    write_fragment_title(d, title)
    d.add(p(r("一、关注学生心理健康", font=HEI), ind=IND_BODY))
    d.add(body(r("1."), b(I5["要点"]), r(I5["内容"])))
    d.add(p(r(hidden_para, vanish=True), ind=IND_BODY, mark="<w:vanish/>"))
    d.add(
        body(
            r("2."),
            b(hotline["要点"]),
            r("依托区未成年人心理健康辅导中心开通24小时心理援助热线，"),
            r(note, vanish=True),
            r("寒暑假不停线。"),
        )
    )
    d.save(path)
    frag = dict(标题=title, 部分=[{"标题": "关注学生心理健康", "条目": [I5, hotline]}])
    return {**fragment(**frag), "absent": [note, hidden_para]}


# == n. drafts that went through LibreOffice ================================================================

LO_PROFILE: Path | None = None  # the LibreOffice profile folder to use (the tests set their own)


def soffice_convert(src: Path, out_dir: Path, target: str, infilter: str | None = None, timeout: int = 180) -> None:
    """Convert `src` with LibreOffice (headless, its own profile folder) into `out_dir`."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError("LibreOffice (soffice) is needed to make this draft")
    profile = LO_PROFILE or Path(tempfile.gettempdir()) / f"gongwen-word-drafts-lo-{os.getuid()}-{os.getpid()}"
    cmd = [exe, "--headless", "--norestore", f"-env:UserInstallation={profile.resolve().as_uri()}"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", target, "--outdir", str(out_dir), str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"LibreOffice failed on {src.name}: {proc.stderr.strip()[-500:]}")


def _via_libreoffice(
    path: Path, source_name: str, text: str, infilter: str | None = None, encoding: str = "utf-8"
) -> None:
    """Write the source file beside `path`, have LibreOffice save it as Word 2007–365 .docx at `path`."""
    with tempfile.TemporaryDirectory(prefix="gongwen-draft-") as tmp:
        src = Path(tmp) / source_name
        src.write_bytes(text.encode(encoding))
        soffice_convert(src, Path(tmp), "docx:MS Word 2007 XML", infilter)
        out = Path(tmp) / (src.stem + ".docx")
        if not out.is_file():
            raise RuntimeError(f"LibreOffice wrote no .docx for {source_name}")
        shutil.move(str(out), str(path))


LANG = [
    item("开展学校语言文字达标建设。", "对照语言文字工作达标标准，年内完成20所学校的达标建设和复评工作。"),
    item("规范公共服务行业用语用字。", "会同文旅、市场监管等部门开展社会用字检查，纠正不规范用字。"),
    item("深入推进中华经典诵读工程。", "组织开展“诵读经典·传承文明”系列活动，打造区域语言文化活动品牌。"),
    item("加强国家通用语言文字推广。", "规范组织普通话水平测试，职初教师普通话达标率保持在100%。"),
]


def _odf_p(style: str, text: str, lead: str = "") -> str:
    span = f'<text:span text:style-name="T1">{escape(lead)}</text:span>' if lead else ""
    return f'<text:p text:style-name="{style}">{span}{escape(text)}</text:p>'


def make_lo_fodt_lists(path: Path) -> dict:
    """(n) A flat ODT written by hand (as a Writer user makes it: headings in Heading 1 numbered by the
    chapter (outline) numbering 一、, items in a text:list numbered “1.”, the second list continuing the
    first, bold 要点 spans), saved as .docx by LibreOffice."""
    title = "宝山区教育局2025年语言文字工作要点"
    intro = "2025年，全区语言文字工作将以推广普及国家通用语言文字为重点，持续提升师生语言文字规范意识和应用能力。"
    parts = [{"标题": "加强语言文字规范化建设", "条目": LANG[:2]}, {"标题": "弘扬中华优秀语言文化", "条目": LANG[2:]}]
    levels = "".join(
        f'<text:outline-level-style text:level="{k}" style:num-format="{"一, 二, 三, ..." if k == 1 else ""}"'
        + (' style:num-suffix="、"' if k == 1 else "")
        + "><style:list-level-properties "
        'text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment '
        'text:label-followed-by="nothing" fo:text-indent="0cm" fo:margin-left="0cm"/></style:list-level-properties>'
        "</text:outline-level-style>"
        for k in range(1, 11)
    )
    body_ = _odf_p("Title", title) + _odf_p("Text_20_body", intro)
    for k, part in enumerate(parts):
        body_ += f'<text:h text:style-name="Heading_20_1" text:outline-level="1">{escape(part["标题"])}</text:h>'
        cont = ' text:continue-list="list1"' if k else ' xml:id="list1"'
        body_ += f'<text:list{cont} text:style-name="Numbering_20_123">'
        body_ += "".join(
            f"<text:list-item>{_odf_p('P1', it['内容'], it['要点'])}</text:list-item>" for it in part["条目"]
        )
        body_ += "</text:list>"
    fodt = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3"
 office:mimetype="application/vnd.oasis.opendocument.text">
 <office:styles>
  <style:default-style style:family="paragraph"><style:text-properties style:font-name-asian="仿宋" fo:font-size="16pt"
   style:font-size-asian="16pt" fo:language="zh" fo:country="CN"/></style:default-style>
  <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
  <style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph"
   style:parent-style-name="Standard" style:class="text"><style:paragraph-properties fo:text-indent="1.13cm"/></style:style>
  <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard"
   style:next-style-name="Text_20_body" style:class="text"><style:text-properties style:font-name-asian="黑体"/></style:style>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
   style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="1"
   style:class="text"><style:paragraph-properties fo:text-indent="1.13cm"/></style:style>
  <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading"
   style:next-style-name="Text_20_body" style:class="chapter"><style:paragraph-properties fo:text-align="center"/>
   <style:text-properties fo:font-size="22pt" style:font-size-asian="22pt"/></style:style>
  <text:outline-style style:name="Outline">{levels}</text:outline-style>
  <text:list-style style:name="Numbering_20_123" style:display-name="Numbering 123">
   <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1">
    <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
     <style:list-level-label-alignment text:label-followed-by="nothing" fo:text-indent="0cm" fo:margin-left="1.13cm"/>
    </style:list-level-properties></text:list-level-style-number>
  </text:list-style>
 </office:styles>
 <office:automatic-styles>
  <style:style style:name="P1" style:family="paragraph" style:parent-style-name="Standard"
   style:list-style-name="Numbering_20_123"/>
  <style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"
   style:font-weight-asian="bold"/></style:style>
 </office:automatic-styles>
 <office:body><office:text>{body_}</office:text></office:body>
</office:document>
"""
    _via_libreoffice(path, path.stem + ".fodt", fodt)
    return fragment(标题=title, 导语=intro, 条目编号=ABSENT, 部分=parts)


PE = {
    "标题": "宝山区教育局2025年学校体育工作要点",
    "导语": "2025年，全区学校体育工作将坚持健康第一的教育理念，帮助学生在体育锻炼中享受乐趣、增强体质。",
    "条目编号": RESTART,
    "部分": [
        {
            "标题": "强化学校体育工作",
            "小节": [
                {
                    "标题": "保障体育活动时间",
                    "条目": [
                        item(
                            "落实每天综合体育活动时间不少于2小时。",
                            "各中小学要统筹安排体育课、大课间和课后体育活动。",
                            分项=[
                                item("开齐开足体育课。", "小学一、二年级每周4课时，其余年级每周3课时。"),
                                item("用好大课间。", "每天安排不少于30分钟的大课间体育活动。"),
                            ],
                        ),
                        item("推进体育课后服务。", "课后服务中每天安排1小时体育活动，引入专业社会力量参与。"),
                    ],
                },
                {
                    "标题": "完善体育竞赛体系",
                    "条目": [item("办好区中小学生运动会。", "设置田径、游泳、球类等20个项目，参赛学生不少于1万人次。")],
                },
            ],
        },
        {
            "标题": "加强学生体质健康监测",
            "条目": [item("做好体质健康测试。", "按要求完成全体学生体质健康测试，测试数据上报率达到100%。")],
        },
    ],
}


def _html_item(it: dict) -> str:
    sub = ""
    if it.get("分项"):
        sub = (
            '<ol type="1">'
            + "".join(f"<li><b>{escape(s['要点'])}</b>{escape(s['内容'])}</li>" for s in it["分项"])
            + "</ol>"
        )
    return f"<li><b>{escape(it['要点'])}</b>{escape(it['内容'])}{sub}</li>"


def make_lo_html_lists(path: Path) -> dict:
    """(n) An HTML page (text copied off the bureau's website): <h1> parts, <h2> sections, <ol type="1">
    items with a nested <ol type="1"> as the 分项, each <ol> starting again at 1; opened in Writer with
    the “HTML (StarWriter)” filter and saved as .docx."""
    html = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>',
        escape(PE["标题"]),
        "</title></head><body>",
        f'<p align="center"><b>{escape(PE["标题"])}</b></p>',
        f"<p>{escape(PE['导语'])}</p>",
    ]
    for part in PE["部分"]:
        html.append(f"<h1>{escape(part['标题'])}</h1>")
        for sec in part.get("小节", []):
            html.append(f"<h2>{escape(sec['标题'])}</h2>")
            html.append('<ol type="1">' + "".join(_html_item(it) for it in sec["条目"]) + "</ol>")
        if part.get("条目"):
            html.append('<ol type="1">' + "".join(_html_item(it) for it in part["条目"]) + "</ol>")
    html.append("</body></html>")
    _via_libreoffice(path, path.stem + ".html", "\n".join(html), infilter="HTML (StarWriter)")
    # LibreOffice shows the nested list's numbers as 1. 2. (HTML's own numbering), not （1）（2）, and the
    # headings without numbers.
    return {**fragment(**PE), "lo_levels": {3, 4}, "lo_numbers": ["1.", "1.", "2.", "2.", "1.", "1."]}


SAFETY_TXT = dict(
    标题="宝山区教育局2025年校园安全工作要点",
    导语="为切实做好2025年校园安全工作，保障师生生命财产安全，结合我区实际，制定本要点。",
    条目编号=ABSENT,
    部分=[{"标题": "强化校园安全管理", "条目": [S1, S2]}, {"标题": "加强学生安全教育", "条目": [S5, S6]}],
)


def make_lo_text(path: Path) -> dict:
    """(n) A plain-text draft (typed in Notepad, numbers typed “1．”, paragraphs indented with two full-width
    spaces, an empty line after the title), opened by LibreOffice as text and saved as .docx."""
    lines = [SAFETY_TXT["标题"], "", "　　" + SAFETY_TXT["导语"]]
    k = 0
    for j, part in enumerate(SAFETY_TXT["部分"], 1):
        lines.append(f"　　{cn(j)}、{part['标题']}")
        for it in part["条目"]:
            k += 1
            lines.append(f"　　{k}．{it['要点']}{it['内容']}")
    _via_libreoffice(path, path.stem + ".txt", "\r\n".join(lines) + "\r\n", infilter="Text (encoded):UTF8,CRLF,,")
    return fragment(**SAFETY_TXT)


# == all drafts ============================================================================================

DRAFTS: dict[str, Callable[[Path], dict]] = {
    "word_auto_list": make_word_auto_list,
    "heading_styles_list": make_heading_styles_list,
    "direct_numpr_list": make_direct_numpr_list,
    "items_continue_across_parts": make_items_continue_across_parts,
    "items_restart_per_part": make_items_restart_per_part,
    "list_restart_override": make_list_restart_override,
    "list_shared_abstract": make_list_shared_abstract,
    "heading_english_ids": make_heading_english_ids,
    "heading_chinese_ids": make_heading_chinese_ids,
    "outline_level_paragraphs": make_outline_level_paragraphs,
    "custom_outline_styles": make_custom_outline_styles,
    "heading_styles_typed_numbers": make_heading_styles_typed_numbers,
    "fragment_items": make_fragment_items,
    "fragment_one_part": make_fragment_one_part,
    "fragment_two_sections": make_fragment_two_sections,
    "tail_line_break": make_tail_line_break,
    "tail_chinese_date": make_tail_chinese_date,
    "tail_signature_table": make_tail_signature_table,
    "tail_publicity_colophon": make_tail_publicity_colophon,
    "item_line_break": make_item_line_break,
    "textbox_header": make_textbox_header,
    "toc_front": make_toc_front,
    "notes": make_notes,
    "comments": make_comments,
    "table_and_image": make_table_and_image,
    "lo_fodt_lists": make_lo_fodt_lists,
    "lo_html_lists": make_lo_html_lists,
    "lo_text": make_lo_text,
    "tracked_changes": make_tracked_changes,
    "content_controls": make_content_controls,
    "hidden_text": make_hidden_text,
}
LIBREOFFICE_MADE = {"lo_fodt_lists", "lo_html_lists", "lo_text"}  # these need soffice to be made

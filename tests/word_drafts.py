"""Word drafts made the way office staff make them in Word / WPS, each with the content a correct import gives.

Every builder `make_xxx(path) -> dict` writes one .docx at `path` and returns what importing it must give,
written by hand from how the draft was built (never by running the importer):

    {"notice": {...} | None,        # notice.yaml as README 内容格式 describes it; None: the draft has no 版头
     "attachments": [{...}, ...],   # attachment.yaml contents, in order (file names are the importer's choice)
     "fragment": {...} | None,      # attachment-shaped content of a draft with no 版头 and no notice
     "skipped": [(N, "目录"), ...], # result.skipped has an entry naming 第 N 段 and the word; every entry it has
                                    # is one of these (or of "kept_or_skipped")
     "kept_or_skipped": [(N, "表格", [texts])],  # the texts are imported somewhere, or skipped at 第 N 段
     "notes": ["修订"],             # each word appears in some entry of result.notes
     "absent": [...],               # text that must not be imported (deleted, hidden, placeholder, comments)
     "once": [...],                 # text that must be imported exactly once
     "lo_levels": {3},              # levels whose numbers LibreOffice shows (default: all levels); a draft
                                    # whose headings carry no number shows only its items' numbers
     "lo_numbers": [...]}           # only where LibreOffice shows other numbers than Word (said why, there)

Keys left out are not checked; the value ABSENT says a key must not be there (条目编号 of a continuously
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
            if level in (1, 2) and restart and parent.get(key):
                item[0] = 0

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


def rpr(b=False, font=None, sz=None, color=None, vanish=False, style=None, extra="", ins=None) -> str:
    """Run properties in schema order (rStyle, rFonts, b, bCs, vanish, color, sz, szCs, then `extra`)."""
    out = ""
    if ins:
        out += ins
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


def p(*content: str, style=None, num=None, keep_next=False, page_break_before=False, bdr=None, tabs=None,
      spacing=None, ind=None, jc=None, outline=None, mark="", ppr_change="") -> str:
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
        tp += "<w:tblBorders>" + "".join(f'<w:{s} w:val="none" w:sz="0" w:space="0" w:color="auto"/>' for s in
                                         ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"
    tp += '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    trs = ""
    for row in rows:
        tcs = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{"".join(cell) or p()}</w:tc>'
                      for cell, w in zip(row, widths))
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
ZH_IDS = {"normal": "a", "h1": "1", "h2": "2", "h3": "3", "h4": "4", "list": "a3", "grid": "a4",
          "fn_text": "a5", "fn_ref": "a7", "en_text": "a8", "en_ref": "aa", "cm_ref": "ab", "cm_text": "ac",
          "hyperlink": "ae", "placeholder": "af", "toc_heading": "TOC", "toc1": "11", "title": "af0", "dpf": "a0"}
EN_IDS = {"normal": "Normal", "h1": "Heading1", "h2": "Heading2", "h3": "Heading3", "h4": "Heading4",
          "list": "ListParagraph", "grid": "TableGrid", "fn_text": "FootnoteText", "fn_ref": "FootnoteReference",
          "en_text": "EndnoteText", "en_ref": "EndnoteReference", "cm_ref": "CommentReference",
          "cm_text": "CommentText", "hyperlink": "Hyperlink", "placeholder": "PlaceholderText",
          "toc_heading": "TOCHeading", "toc1": "TOC1", "title": "Title", "dpf": "DefaultParagraphFont"}
# python-docx's template ids → Chinese Word's
_ZH_RENAME = {"Normal": "a", "DefaultParagraphFont": "a0", "TableNormal": "a1", "NoList": "a2",
              "ListParagraph": "a3", "TableGrid": "a4", "TOCHeading": "TOC", "Title": "af0", "TitleChar": "af1",
              **{f"Heading{n}": str(n) for n in range(1, 10)}, **{f"Heading{n}Char": f"{n}0" for n in range(1, 10)}}


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


def lvl(ilvl: int, fmt: str, text: str, *, pstyle=None, restart=None, start=1, suff=None, jc="left",
        ind='w:left="0" w:firstLine="640"', tplc=None, tentative=False) -> str:
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


def abstract_multilevel(aid: int, nsid: str, pstyles: dict[int, str] | None = None,
                        restart3: int | None = None) -> str:
    """The red-header template's four-level list 一、（一）1.（1）: chineseCounting %1、, chineseCounting （%2）,
    decimal %3., decimal （%4）, no tab after the number (公文 puts the text right after it), levels 5–9 as
    Word fills them. pstyles: ilvl → the heading style each level is linked to. restart3: lvlRestart of the
    1. level (0: never restarts, i.e. numbered across 一、 二、)."""
    pstyles = pstyles or {}
    levels = [(0, "chineseCounting", "%1、"), (1, "chineseCounting", "（%2）"), (2, "decimal", "%3."),
              (3, "decimal", "（%4）")]
    out = (f'<w:abstractNum w:abstractNumId="{aid}" w15:restartNumberingAfterBreak="0"><w:nsid w:val="{nsid}"/>'
           '<w:multiLevelType w:val="multilevel"/><w:tmpl w:val="2A9E4F10"/>')
    for ilvl, fmt, text in levels:
        out += lvl(ilvl, fmt, text, pstyle=pstyles.get(ilvl), restart=restart3 if ilvl == 2 else None,
                   suff="nothing")
    for ilvl in range(4, 9):
        out += lvl(ilvl, "decimal", f"%{ilvl + 1}.", ind=f'w:left="{420 * (ilvl + 1)}" w:hanging="420"')
    return out + "</w:abstractNum>"


def abstract_auto_list(aid: int, nsid: str) -> str:
    """The list Word makes when you type “1. ” and a space (AutoFormat as you type): hybridMultilevel, level 1
    decimal %1., the other levels Word's tentative defaults."""
    out = (f'<w:abstractNum w:abstractNumId="{aid}" w15:restartNumberingAfterBreak="0"><w:nsid w:val="{nsid}"/>'
           '<w:multiLevelType w:val="hybridMultilevel"/><w:tmpl w:val="5E0C0D2A"/>')
    out += lvl(0, "decimal", "%1.", ind='w:left="1000" w:hanging="360"', tplc="0409000F")
    fmts = [("lowerLetter", "%2)", "left"), ("lowerRoman", "%3.", "right"), ("decimal", "%4.", "left"),
            ("lowerLetter", "%5)", "left"), ("lowerRoman", "%6.", "right"), ("decimal", "%7.", "left"),
            ("lowerLetter", "%8)", "left"), ("lowerRoman", "%9.", "right")]
    tplcs = ["04090019", "0409001B", "0409000F", "04090019", "0409001B", "0409000F", "04090019", "0409001B"]
    for k, ((fmt, text, jc), tplc) in enumerate(zip(fmts, tplcs), 1):
        out += lvl(k, fmt, text, jc=jc, ind=f'w:left="{640 + 420 * (k + 1)}" w:hanging="420"', tplc=tplc,
                   tentative=True)
    return out + "</w:abstractNum>"


def num(num_id: int, aid: int, start_override: dict[int, int] | None = None) -> str:
    """A w:num instance of an abstractNum; start_override: ilvl → w:startOverride (Word's “重新开始于 1”)."""
    ov = "".join(f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
                 for i, v in (start_override or {}).items())
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{aid}"/>{ov}</w:num>'


# -- a tiny PNG (an inline picture needs a real image) ----------------------------------------------------


def png(width=48, height=24) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"".join(bytes([200, 30, 30]) if (x // 8 + y // 8) % 2 else b"\xff\xff\xff"
                                      for x in range(width)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


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
        self.styles = self.doc.styles.element
        for e in list(self.styles.iter(q("w:numPr"))):  # the template's List Number/Bullet lists: not ours
            e.getparent().remove(e)
        if not english_ids:
            _chinese_style_ids(self.styles)
        self.ids = EN_IDS if english_ids else ZH_IDS
        normal = self._style(self.ids["normal"])
        for old in normal.findall(q("w:pPr")) + normal.findall(q("w:rPr")):
            normal.remove(old)
        normal.append(elements('<w:pPr><w:widowControl w:val="0"/><w:spacing w:after="0" w:line="560" '
                               'w:lineRule="exact"/><w:jc w:val="both"/></w:pPr>')[0])
        normal.append(elements(f'<w:rPr><w:rFonts w:ascii="{FANG}" w:eastAsia="{FANG}" w:hAnsi="{FANG}"/>'
                               '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>')[0])
        for lang in self.styles.iter(q("w:lang")):
            lang.set(q("w:val"), "en-US")
            lang.set(q("w:eastAsia"), "zh-CN")
        self.body = self.doc.element.body
        self.sect = self.body.find(q("w:sectPr"))
        for old in list(self.sect):
            self.sect.remove(old)
        for e in elements('<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" '
                          'w:left="1588" w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/>'
                          '<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/>'):
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
            self.add_style(style_xml(self.ids[f"h{lv}"], f"heading {lv}", based=self.ids["normal"],
                                     ppr=heading_ppr(lv, (numbered, lv - 1) if numbered else None),
                                     rpr_=heading_rpr(lv), extra='<w:uiPriority w:val="9"/>'))

    def list_paragraph(self) -> None:
        self.add_style(style_xml(self.ids["list"], "List Paragraph", based=self.ids["normal"],
                                 ppr='<w:ind w:firstLineChars="200" w:firstLine="420"/>',
                                 extra='<w:uiPriority w:val="34"/>'))

    # numbering
    def numbering(self, abstracts: list[str], nums: list[str]) -> None:
        """numbering.xml: every abstractNum before every num, as the schema wants."""
        self.numbering_xml = f'<w:numbering {PART_ROOT}>{"".join(abstracts)}{"".join(nums)}</w:numbering>'

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
        return (f'<w:commentRangeStart w:id="{cid}"/>{runs}<w:commentRangeEnd w:id="{cid}"/>'
                f'<w:r>{rpr(style=self.ids["cm_ref"])}<w:commentReference w:id="{cid}"/></w:r>')

    def image_run(self, cx=3048000, cy=1524000) -> str:
        """An inline picture (嵌入型) in its own run, as Word writes a pasted picture."""
        rid, _ = self.doc.part.get_or_add_image(io.BytesIO(png()))
        pid = 100 + len(self.doc.part.rels)
        return (f'<w:r><w:rPr><w:noProof/></w:rPr><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
                f'wp14:anchorId="1C3B2A{pid:02X}" wp14:editId="5D6E7F{pid:02X}"><wp:extent cx="{cx}" cy="{cy}"/>'
                f'<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{pid}" name="图片 {pid}"/>'
                '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
                '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
                f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{pid}" name="图片 {pid}"/><pic:cNvPicPr/></pic:nvPicPr>'
                f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
                f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
                '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
                '</wp:inline></w:drawing></w:r>')

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
        out = (f'<w:{tag} w:type="separator" w:id="-1"><w:p>{sep}<w:r><w:separator/></w:r></w:p></w:{tag}>'
               f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p>{sep}<w:r><w:continuationSeparator/></w:r>'
               f'</w:p></w:{tag}>')
        for k, text in enumerate(texts, 1):
            out += (f'<w:{tag} w:id="{k}"><w:p><w:pPr><w:pStyle w:val="{text_style}"/></w:pPr>'
                    f'<w:r>{rpr(style=ref_style)}<w:{tag}Ref/></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>'
                    f'<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>{_t(text)}</w:r></w:p></w:{tag}>')
        self.add_part(f"/word/{kind}.xml", f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml",
                      RT.FOOTNOTES if tag == "footnote" else RT.ENDNOTES, f"<w:{kind} {PART_ROOT}>{out}</w:{kind}>")
        self.settings_extra.append(f'<w:{tag}Pr><w:{tag} w:id="-1"/><w:{tag} w:id="0"/></w:{tag}Pr>')
        size = 18
        self.add_style(style_xml(text_style, f"{tag} text", based=self.ids["normal"],
                                 ppr='<w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="left"/>',
                                 rpr_=f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>',
                                 extra='<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'))
        self.add_style(style_xml(ref_style, f"{tag} reference", kind="character", based=self.ids["dpf"],
                                 rpr_='<w:vertAlign w:val="superscript"/>',
                                 extra='<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'))

    def _comments_parts(self) -> None:
        """comments.xml, and commentsExtended.xml and people.xml as Word 2013+ writes them beside it."""
        cm, ex, people = "", "", {}
        for k, (text, author) in enumerate(self.comments):
            para_id = f"{0x1A2B3C40 + k:08X}"
            cm += (f'<w:comment w:id="{k}" w:author="{author}" w:date="{WHEN}" w:initials="{author[0]}">'
                   f'<w:p w14:paraId="{para_id}" w14:textId="77777777"><w:pPr><w:pStyle w:val="{self.ids["cm_text"]}"/></w:pPr>'
                   f'<w:r>{rpr(style=self.ids["cm_ref"])}<w:annotationRef/></w:r>'
                   f'<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>{_t(text)}</w:r></w:p></w:comment>')
            ex += f'<w15:commentEx w15:paraId="{para_id}" w15:done="0"/>'
            people[author] = (f'<w15:person w15:author="{author}"><w15:presenceInfo w15:providerId="None" '
                              f'w15:userId="{author}"/></w15:person>')
        self.add_part("/word/comments.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
                      RT.COMMENTS, f"<w:comments {PART_ROOT}>{cm}</w:comments>")
        self.add_part("/word/commentsExtended.xml",
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml",
                      "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
                      f"<w15:commentsEx {PART_ROOT}>{ex}</w15:commentsEx>")
        self.add_part("/word/people.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
                      "http://schemas.microsoft.com/office/2011/relationships/people",
                      f"<w15:people {PART_ROOT}>{''.join(people.values())}</w15:people>")
        self.add_style(style_xml(self.ids["cm_ref"], "annotation reference", kind="character",
                                 rpr_='<w:sz w:val="21"/><w:szCs w:val="21"/>',
                                 extra='<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'))
        self.add_style(style_xml(self.ids["cm_text"], "annotation text", based=self.ids["normal"],
                                 ppr='<w:jc w:val="left"/>',
                                 extra='<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'))

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


I1 = item("深入学习贯彻党的二十届三中全会精神。", "把学习贯彻全会精神作为教育系统的首要政治任务，落实党组织“第一议题”制度，"
          "开展党组织书记专题轮训，推动全会精神进校园、进课堂、进头脑。")
I2 = item("落实中小学校党组织领导的校长负责制。", "完善党组织会议和校长办公会议议事规则，健全党组织书记和校长定期沟通机制，"
          "年内实现全区中小学校制度运行全覆盖。")
I3 = item("加强干部队伍建设。", "优化干部选拔任用机制，实施青年干部“墩苗”计划，选派20名优秀青年干部到基层学校挂职锻炼。")
I4 = item("推进大中小学思政课一体化建设。", "组建大中小学思政课教师协同备课共同体，开展思政课教学展示活动40场以上，"
          "打造一批思政“金课”。")
I5 = item("加强学生心理健康教育。", "健全学生心理健康监测预警体系，每所中小学至少配备1名专职心理健康教师，"
          "开展“心育大健康”主题月活动。")
I6 = item("深化体育美育劳动教育。", "落实学生每天综合体育活动时间不少于2小时，推进“一校一品”艺术特色项目建设，"
          "遴选劳动教育特色课程30门。")
I7 = item("扩大优质学前教育资源。", "新建、改扩建公办幼儿园3所，新增公办托班托额200个，普惠性幼儿园覆盖率保持在90%以上。")
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
PLAN_INTRO = ("2025年是“十四五”规划的收官之年，也是谋划“十五五”教育发展的重要一年。宝山教育系统将坚持以习近平新时代"
              "中国特色社会主义思想为指导，深入贯彻党的二十大和二十届三中全会精神，全面落实全国教育大会部署，"
              "加快建设高质量教育体系，努力办好人民满意的教育。")
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
            out += r(text[pos:m.start()].replace("\\^[", "^["), **fmt)
        out += d.footnote(m.group(1))
        pos = m.end()
    if pos < len(text):
        out += r(text[pos:].replace("\\^[", "^["), **fmt)
    return out


TYPED = {1: lambda n: f"{cn(n)}、", 2: lambda n: f"（{cn(n)}）", 3: lambda n: f"{n}.", 4: lambda n: f"（{n}）"}


class Way:
    """How a draft writes each level of a plan: paragraph properties per level (style=…, num=(numId, ilvl),
    outline=…), which levels have their number typed (level → n → text), whether the 要点 is bold (and the
    typed number with it), and whether headings carry their font directly (no heading style does)."""

    def __init__(self, ppr=None, typed=(), forms=None, bold_lead=True, number_bold=False, heading_fonts=True):
        self.ppr = ppr or {}
        self.typed = {lv: (forms or {}).get(lv, TYPED[lv]) for lv in typed}
        self.bold_lead, self.number_bold, self.heading_fonts = bold_lead, number_bold, heading_fonts


def write_plan(d: Draft, content: dict, way: Way) -> None:
    """导语, then every 部分/小节/条目/分项 in order: a heading paragraph and its 导语 paragraphs; an item's
    number, 要点 and first 内容 paragraph in one paragraph, its further 内容 paragraphs after it."""
    for t in paras(content.get("导语")):
        d.add(body(runs(d, t)))
    for level, n, node in walk(content):
        kw = dict(way.ppr.get(level, {}))
        if not kw.get("num") and not kw.get("style"):
            kw.setdefault("ind", IND_BODY)
        prefix = way.typed[level](n) if level in way.typed else ""
        if level <= 2:
            fmt = {"font": HEADING_FONT[level]} if way.heading_fonts else {}
            d.add(p(r(prefix + node["标题"], **fmt), **kw))
            for t in paras(node.get("导语")):
                d.add(body(runs(d, t)))
            continue
        texts = paras(node.get("内容"))
        lead = node.get("要点", "")
        out = ""
        if prefix:
            out += r(prefix, b=way.bold_lead and way.number_bold and bool(lead))
        if lead:
            out += runs(d, lead, b=way.bold_lead)
        if texts:
            out += runs(d, texts[0])
        d.add(p(out, **kw))
        for t in texts[1:]:
            d.add(body(runs(d, t)))


def doc_number(n: dict) -> str:
    return f"{n['机关代字']}〔{n['年份']}〕{n['序号']}号"


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


SIG_IND = 'w:right="1280" w:rightChars="400"'


def write_header(d: Draft, n: dict) -> None:
    """The 版头 as a red-header template has it: the red mark, two empty lines, the 文号 on the red line
    (a bottom border of its paragraph), an empty line."""
    d.add(p(r(n["发文机关标志"], font=XBS, sz=72, color=RED, extra='<w:w w:val="80"/>'), jc="center",
            spacing='w:line="240" w:lineRule="auto"'))
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
        d.add(p(r(f"抄送：{'，'.join(c['抄送'])}。", sz=28), bdr=rule.format("top", 12) + rule.format("bottom", 6),
                ind=side))
    d.add(p(r(f"{c['印发机关']}　　　　　　　　{date_text(c['印发日期'])}印发", sz=28),
            bdr=rule.format("bottom", 12), ind=side))


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

"""Small named helpers for the WordprocessingML that python-docx has no API for.

Footnotes part, east-Asian fonts in all four w:rFonts attributes, PAGE fields, the document grid,
paragraph borders, floating tables, and a reproducible zip. Children are inserted in schema order:
Word is stricter about it than LibreOffice.
"""

from __future__ import annotations

import io
import zipfile
from copy import deepcopy

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
SECTPR_ORDER = [
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
]


def el(tag: str, **attrs) -> etree._Element:
    """A w: element with w: attributes: el("spacing", line=579, lineRule="exact")."""
    e = OxmlElement(f"w:{tag}")
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), str(v))
    return e


SETTINGS_ORDER = [
    "writeProtection",
    "view",
    "zoom",
    "removePersonalInformation",
    "removeDateAndTime",
    "doNotDisplayPageBoundaries",
    "displayBackgroundShape",
    "printPostScriptOverText",
    "printFractionalCharacterWidth",
    "printFormsData",
    "embedTrueTypeFonts",
    "embedSystemFonts",
    "saveSubsetFonts",
    "saveFormsData",
    "mirrorMargins",
    "alignBordersAndEdges",
    "bordersDoNotSurroundHeader",
    "bordersDoNotSurroundFooter",
    "gutterAtTop",
    "hideSpellingErrors",
    "hideGrammaticalErrors",
    "activeWritingStyle",
    "proofState",
    "formsDesign",
    "attachedTemplate",
    "linkStyles",
    "stylePaneFormatFilter",
    "stylePaneSortMethod",
    "documentType",
    "mailMerge",
    "revisionView",
    "trackRevisions",
    "doNotTrackMoves",
    "doNotTrackFormatting",
    "documentProtection",
    "autoFormatOverride",
    "styleLockTheme",
    "styleLockQFSet",
    "defaultTabStop",
    "autoHyphenation",
    "consecutiveHyphenLimit",
    "hyphenationZone",
    "doNotHyphenateCaps",
    "showEnvelope",
    "summaryLength",
    "clickAndTypeStyle",
    "defaultTableStyle",
    "evenAndOddHeaders",
    "bookFoldRevPrinting",
    "bookFoldPrinting",
    "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing",
    "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin",
    "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin",
    "doNotShadeFormData",
    "noPunctuationKerning",
    "characterSpacingControl",
    "printTwoOnOne",
    "strictFirstAndLastChars",
    "noLineBreaksAfter",
    "noLineBreaksBefore",
    "savePreviewPicture",
    "doNotValidateAgainstSchema",
    "saveInvalidXml",
    "ignoreMixedContent",
    "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml",
    "saveXmlDataOnly",
    "useXSLTWhenSaving",
    "saveThroughXslt",
    "showXMLTags",
    "alwaysMergeEmptyNamespace",
    "updateFields",
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
]


def put(parent, child, order: list[str], replace: bool = True) -> etree._Element:
    """Insert `child` in `parent` at its schema position, replacing elements of the same name unless
    `replace` is False (repeatable elements such as w:footerReference)."""
    local = etree.QName(child).localname
    if replace:
        for old in parent.findall(qn(f"w:{local}")):
            parent.remove(old)
    rank = order.index(local) if local in order else len(order)
    for i, existing in enumerate(parent):
        if not isinstance(existing.tag, str):
            continue  # comments, processing instructions
        name = etree.QName(existing).localname
        if name in order and order.index(name) > rank:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def fonts(name: str) -> etree._Element:
    """w:rFonts naming one font in all four slots (Latin, east-Asian, complex, high-ANSI), no theme."""
    return el("rFonts", ascii=name, eastAsia=name, hAnsi=name, cs=name, hint="eastAsia")


def run_props(
    font: str | None = None,
    size_pt: float | None = None,
    color: str | None = None,
    bold: bool | None = None,
    spacing: int | None = None,
    vert_align: str | None = None,
    style: str | None = None,
) -> etree._Element:
    rpr = el("rPr")
    if style:
        put(rpr, el("rStyle", val=style), RPR_ORDER)
    if font:
        put(rpr, fonts(font), RPR_ORDER)
    if bold is not None:
        put(rpr, el("b", val=int(bold)), RPR_ORDER)
        put(rpr, el("bCs", val=int(bold)), RPR_ORDER)
    if color:
        put(rpr, el("color", val=color.lstrip("#").upper()), RPR_ORDER)
    if spacing is not None:
        put(rpr, el("spacing", val=spacing), RPR_ORDER)
    if size_pt is not None:
        put(rpr, el("sz", val=round(size_pt * 2)), RPR_ORDER)
        put(rpr, el("szCs", val=round(size_pt * 2)), RPR_ORDER)
    if vert_align:
        put(rpr, el("vertAlign", val=vert_align), RPR_ORDER)
    return rpr


def page_field_runs(rpr: etree._Element | None) -> list[etree._Element]:
    """The runs of a PAGE field: begin, instruction, separate, a placeholder result, end."""
    runs = []
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("result", "1"), ("end", None)):
        r = el("r")
        if rpr is not None:
            r.append(deepcopy(rpr))
        if kind == "instr":
            t = el("instrText")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = text
            r.append(t)
        elif kind == "result":
            t = el("t")
            t.text = text
            r.append(t)
        else:
            r.append(el("fldChar", fldCharType=kind))
        runs.append(r)
    return runs


def text_run(text: str, rpr: etree._Element | None = None) -> etree._Element:
    r = el("r")
    if rpr is not None:
        r.append(deepcopy(rpr))
    t = el("t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    r.append(t)
    return r


def tab_run(rpr: etree._Element | None = None) -> etree._Element:
    """A run holding a tab character (w:tab), to reach a tab stop."""
    r = el("r")
    if rpr is not None:
        r.append(deepcopy(rpr))
    r.append(el("tab"))
    return r


def tabs(*stops: tuple[str, int]) -> etree._Element:
    """w:tabs with (alignment, position in twips) stops: ("left", 4000), ("center", 6000)…"""
    t = el("tabs")
    for val, pos in stops:
        t.append(el("tab", val=val, pos=int(pos)))
    return t


def numbering(num_id: int, level: int) -> etree._Element:
    """w:numPr: the paragraph is at `level` (0-based) of list `num_id`."""
    np_ = el("numPr")
    np_.append(el("ilvl", val=level))
    np_.append(el("numId", val=num_id))
    return np_


def break_run() -> etree._Element:
    """A run holding a line break (w:br), e.g. between the lines of a title."""
    r = el("r")
    r.append(el("br"))
    return r


def footnote_pr(num_fmt: str = "decimalEnclosedCircleChinese") -> etree._Element:
    fp = el("footnotePr")
    fp.append(el("numFmt", val=num_fmt))
    return fp


class Footnotes:
    """The /word/footnotes.xml part: separator (-1), continuation separator (0), then notes 1, 2, …"""

    def __init__(self, document_part, text_style: str, ref_style: str):
        xml = (
            f"<w:footnotes {nsdecls('w', 'r')}>"
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
            'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
            'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
            "</w:footnote></w:footnotes>"
        )
        self.part = XmlPart(PackURI("/word/footnotes.xml"), CT_FOOTNOTES, parse_xml(xml), document_part.package)
        document_part.relate_to(self.part, RT.FOOTNOTES)
        self.text_style, self.ref_style = text_style, ref_style
        self.next_id = 1

    def add(self, text: str, mark: str | None = None) -> etree._Element:
        """Add a note; return the w:r that references it from the body. Without `mark` Word numbers the
        note itself (footnotePr's format); with it the note carries that mark (w:customMarkFollows)."""
        fid = self.next_id
        self.next_id += 1
        fn = el("footnote", id=fid)
        p = el("p")
        pp = el("pPr")
        pp.append(el("pStyle", val=self.text_style))
        p.append(pp)
        r = el("r")
        r.append(run_props(style=self.ref_style, vert_align="baseline"))  # in the note area: full size, as printed
        if mark:
            t = el("t")
            t.text = mark
            r.append(t)
        else:
            r.append(el("footnoteRef"))
        p.append(r)
        p.append(text_run(text))
        fn.append(p)
        self.part.element.append(fn)
        ref = el("r")
        ref.append(run_props(style=self.ref_style))
        if mark:
            ref.append(el("footnoteReference", customMarkFollows=1, id=fid))
            t = el("t")
            t.text = mark
            ref.append(t)
        else:
            ref.append(el("footnoteReference", id=fid))
        return ref


def reproducible_zip(data: bytes, date_time=(1980, 1, 1, 0, 0, 0)) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


class Revisions:
    """Tracked changes (w:ins / w:del) with one author and date, ids counted from 1."""

    def __init__(self, author: str, date: str):
        self.author, self.date = author, date
        self.next_id = 1

    def _mark(self, tag: str) -> etree._Element:
        e = el(tag, id=self.next_id, author=self.author, date=self.date)
        self.next_id += 1
        return e

    def wrap(self, kind: str, run: etree._Element) -> etree._Element:
        """A run (a footnote reference…) inside a w:ins or w:del of its own."""
        mark = self._mark(kind)
        mark.append(run)
        return mark

    def inserted(self, text: str) -> etree._Element:
        ins = self._mark("ins")
        ins.append(text_run(text))
        return ins

    def deleted(self, text: str) -> etree._Element:
        d = self._mark("del")
        r = el("r")
        t = el("delText")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = text
        r.append(t)
        d.append(r)
        return d

    def mark_paragraph(self, p: etree._Element, kind: str) -> None:
        """Track the paragraph mark itself (a whole paragraph inserted or deleted)."""
        ppr = p.find(qn("w:pPr"))
        rpr = el("rPr")
        rpr.append(self._mark(kind))
        put(ppr, rpr, PPR_ORDER)

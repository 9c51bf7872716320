"""Shared fixtures and measuring helpers for the PDF layout tests.

The 2024 notice is built once per test session into a temporary folder (never into output/), by running
build.py exactly as a user would. The helpers below turn pdfplumber's characters into lines and give
every position in millimetres measured from the paper's top-left corner, the way a reader with a ruler
checks a printed page against GB/T 9704-2012.

Conventions:
* characters are grouped into lines by their baseline (`round(c["matrix"][5], 1)`), not by `top`: glyphs
  of different fonts on one line have different boxes but share the baseline;
* the baseline's distance from the paper top is `page.height - c["matrix"][5]`;
* the ideographic em box of a glyph of size S spans baseline − 0.88·S … baseline + 0.12·S.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT_2024 = ROOT / "content" / "2024"
PDF_NAME = "宝教〔2024〕1号.pdf"

# GB/T 9704-2012 §5.2: A4 paper, 版心 156 × 225 mm, 天头 37 mm, 订口 28 mm.
A4_PT = (595.28, 841.89)
TYPE_LEFT_MM = 28.0
TYPE_WIDTH_MM = 156.0
TYPE_RIGHT_MM = TYPE_LEFT_MM + TYPE_WIDTH_MM  # 184
TYPE_TOP_MM = 37.0
TYPE_HEIGHT_MM = 225.0
TYPE_BOTTOM_MM = TYPE_TOP_MM + TYPE_HEIGHT_MM  # 262
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_PT = 16.0  # 三号
FOOTNOTE_MAX_PT = 14.0  # anything smaller than 4号 on a body page is footnote matter

EM_TOP = 0.88  # ideographic em box top above the baseline, in em
EM_BOTTOM = 0.12  # ideographic em box bottom below the baseline, in em

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
# 避头 marks: closing punctuation that must not start a line (the only marks a line may squeeze in).
CLOSING = set("，。、；：？！”’）》〉」』】〕…%％")
PUNCT = CLOSING | set("“‘（《〈「『【〔—·")
PAGE_NUMBER = re.compile(r"^— (\d+) —$")


def mm(pt: float) -> float:
    """Points (1/72 in) to millimetres."""
    return pt * 25.4 / 72


def pt(mm_: float) -> float:
    """Millimetres to points."""
    return mm_ * 72 / 25.4


# -- lines -----------------------------------------------------------------------------------------


@dataclass
class Line:
    """Characters sharing one baseline, left to right. Positions in mm from the paper's top-left."""

    chars: list
    page_height: float  # pt

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def ink(self) -> list:
        """The characters that are not blanks."""
        return [c for c in self.chars if c["text"].strip()]

    @property
    def baseline(self) -> float:
        return mm(self.page_height - self.chars[0]["matrix"][5])

    @property
    def size(self) -> float:
        """The size most characters of the line have, pt."""
        return Counter(round(c["size"], 2) for c in self.chars).most_common(1)[0][0]

    @property
    def x0(self) -> float:
        return mm(self.ink[0]["x0"])

    @property
    def x1(self) -> float:
        return mm(self.ink[-1]["x1"])

    @property
    def em_top(self) -> float:
        return self.baseline - EM_TOP * mm(self.size)

    @property
    def em_bottom(self) -> float:
        return self.baseline + EM_BOTTOM * mm(self.size)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    def segments(self, gap_em: float = 1.0) -> list["Line"]:
        """Split the line where the gap between two glyphs exceeds `gap_em` (e.g. 印发机关 | 印发日期)."""
        out: list[list] = [[]]
        for c in self.chars:
            prev = out[-1][-1] if out[-1] else None
            if prev is not None and c["x0"] - prev["x1"] > gap_em * c["size"]:
                out.append([])
            out[-1].append(c)
        return [Line(cs, self.page_height) for cs in out if any(c["text"].strip() for c in cs)]


def text_lines(page) -> list[Line]:
    """All lines of a page, top to bottom, grouped by baseline."""
    groups: dict[float, list] = defaultdict(list)
    for c in page.chars:
        groups[round(c["matrix"][5], 1)].append(c)
    lines = [Line(sorted(cs, key=lambda c: c["x0"]), page.height) for cs in groups.values()]
    lines = [ln for ln in lines if ln.ink]
    return sorted(lines, key=lambda ln: ln.baseline)


def is_page_number(line: Line) -> bool:
    return line.baseline > TYPE_BOTTOM_MM and PAGE_NUMBER.match(line.text) is not None


def is_footnote_call(line: Line) -> bool:
    """A run of small characters raised inside a body line (①② printed as superscripts)."""
    return line.size < FOOTNOTE_MAX_PT and all(c["text"] in CIRCLED for c in line.ink)


@dataclass
class PageText:
    """A page split the way a reader sees it: body lines (calls merged in), footnote lines, page number."""

    body: list[Line]
    footnotes: list[Line]
    page_number: Line | None
    footnote_rules: list  # the short rules above the footnotes (pdfplumber rects)


def footnote_rules(page) -> list:
    """Short horizontal black rules (much narrower than the 版心) that separate footnotes from the body."""
    return [r for r in page.rects if r["height"] < pt(0.5) and pt(10) < r["width"] < pt(TYPE_WIDTH_MM) * 0.5]


def read_page(page) -> PageText:
    lines = text_lines(page)
    number = next((ln for ln in lines if is_page_number(ln)), None)
    rules = footnote_rules(page)
    rule_top = min((mm(r["top"]) for r in rules), default=None)
    body, notes, calls = [], [], []
    for ln in lines:
        if ln is number:
            continue
        if rule_top is not None and ln.baseline > rule_top and ln.size < FOOTNOTE_MAX_PT:
            notes.append(ln)
        elif is_footnote_call(ln):
            calls.append(ln)
        else:
            body.append(ln)
    for call in calls:  # a call belongs to the body line whose baseline lies just below it
        host = min(
            (ln for ln in body if 0 < ln.baseline - call.baseline < mm(ln.size) * 0.6),
            key=lambda ln: ln.baseline - call.baseline,
            default=None,
        )
        assert host is not None, f"footnote call {call.text!r} on no body line"
        host.chars = sorted(host.chars + call.chars, key=lambda c: c["x0"])
    return PageText(body, notes, number, rules)


def build(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """build.py run as a user runs it (from the project folder), quiet, output captured."""
    return subprocess.run(
        [sys.executable, "build.py", *args, "-q"], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def squash(s: str) -> str:
    """Remove all whitespace (text comparisons ignore how lines and spaces fall)."""
    return re.sub(r"\s+", "", s)


# -- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pdf_path(tmp_path_factory) -> Path:
    """Build the 2024 notice once, as a user would, into a temporary output folder."""
    out = tmp_path_factory.mktemp("output")
    proc = subprocess.run(
        [sys.executable, "build.py", "--year", "2024", "--output", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    path = out / "2024" / PDF_NAME
    assert path.is_file(), f"build did not write {path}; wrote {sorted(p.name for p in out.rglob('*'))}"
    return path


@pytest.fixture(scope="session")
def pdf(pdf_path):
    with pdfplumber.open(pdf_path) as doc:
        yield doc


@pytest.fixture(scope="session")
def pages(pdf) -> list[PageText]:
    """Every page read once: body lines, footnote lines and page number."""
    return [read_page(p) for p in pdf.pages]


def content_footnotes_text() -> list[str]:
    """Footnote texts in the order content/2024 cites them (^[...] written in place), i.e. ①, ②, ③ …"""
    import yaml

    def strings(node):
        if isinstance(node, dict):
            for v in node.values():
                yield from strings(v)
        elif isinstance(node, list):
            for v in node:
                yield from strings(v)
        elif isinstance(node, str):
            yield node

    data = yaml.safe_load((CONTENT_2024 / "attachment.yaml").read_text(encoding="utf-8"))
    return [m for s in strings(data) for m in re.findall(r"\^\[([^\]]+)\]", s)]


# -- WordprocessingML child order (ECMA-376 Part 1 sequences; Word rejects or "repairs" other orders) --------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PPR = [
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
RPR = [
    "ins",
    "del",
    "moveFrom",
    "moveTo",
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
    "rPrChange",
]
SECT = [
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
STYLE = [
    "name",
    "aliases",
    "basedOn",
    "next",
    "link",
    "autoRedefine",
    "hidden",
    "uiPriority",
    "semiHidden",
    "unhideWhenUsed",
    "qFormat",
    "locked",
    "personal",
    "personalCompose",
    "personalReply",
    "rsid",
    "pPr",
    "rPr",
    "tblPr",
    "trPr",
    "tcPr",
    "tblStylePr",
]
TBLPR = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
]
TCPR = [
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
]
SETTINGS = "writeProtection view zoom removePersonalInformation removeDateAndTime doNotDisplayPageBoundaries displayBackgroundShape printPostScriptOverText printFractionalCharacterWidth printFormsData embedTrueTypeFonts embedSystemFonts saveSubsetFonts saveFormsData mirrorMargins alignBordersAndEdges bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop hideSpellingErrors hideGrammaticalErrors activeWritingStyle proofState formsDesign attachedTemplate linkStyles stylePaneFormatFilter stylePaneSortMethod documentType mailMerge revisionView trackRevisions doNotTrackMoves doNotTrackFormatting documentProtection autoFormatOverride styleLockTheme styleLockQFSet defaultTabStop autoHyphenation consecutiveHyphenLimit hyphenationZone doNotHyphenateCaps showEnvelope summaryLength clickAndTypeStyle defaultTableStyle evenAndOddHeaders bookFoldRevPrinting bookFoldPrinting bookFoldPrintingSheets drawingGridHorizontalSpacing drawingGridVerticalSpacing displayHorizontalDrawingGridEvery displayVerticalDrawingGridEvery doNotUseMarginsForDrawingGridOrigin drawingGridHorizontalOrigin drawingGridVerticalOrigin doNotShadeFormData noPunctuationKerning characterSpacingControl printTwoOnOne strictFirstAndLastChars noLineBreaksAfter noLineBreaksBefore savePreviewPicture doNotValidateAgainstSchema saveInvalidXml ignoreMixedContent alwaysShowPlaceholderText doNotDemarcateInvalidXml saveXmlDataOnly useXSLTWhenSaving saveThroughXslt showXMLTags alwaysMergeEmptyNamespace updateFields hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator".split()
WML_ORDER = {"pPr": PPR, "rPr": RPR, "sectPr": SECT, "style": STYLE, "tblPr": TBLPR, "tcPr": TCPR, "settings": SETTINGS}
_REPEATABLE = {"headerReference", "footerReference", "activeWritingStyle", "docVars"}


def wml_order_problems(docx_path) -> list[str]:
    """Children out of schema order in every word/*.xml part of a DOCX, as readable lines."""
    import zipfile

    from lxml import etree

    problems = []
    with zipfile.ZipFile(docx_path) as z:
        for name in z.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            for e in etree.fromstring(z.read(name)).iter():
                if not isinstance(e.tag, str) or etree.QName(e).namespace != _W:
                    continue
                order = WML_ORDER.get(etree.QName(e).localname)
                if order is None:
                    continue
                last, last_name = -1, None
                for c in e:
                    if not isinstance(c.tag, str) or etree.QName(c).namespace != _W:
                        continue
                    local = etree.QName(c).localname
                    if local not in order:
                        problems.append(f"{name}: <{etree.QName(e).localname}> has unknown child {local}")
                        continue
                    rank = order.index(local)
                    if rank < last or (rank == last and local not in _REPEATABLE):
                        problems.append(f"{name}: <{etree.QName(e).localname}> child {local} after {last_name}")
                    last, last_name = rank, local
    return problems


def soffice_run(files: list[Path], out_dir: Path, fmt: str, profile: Path, timeout: int = 180):
    """LibreOffice, headless, with the profile folder `profile`, converting `files` into `out_dir` as `fmt`
    (a file extension, or extension:filter)."""
    from gongwen.libreoffice import soffice

    out_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}"]
        + ["--convert-to", fmt, "--outdir", str(out_dir), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def soffice_convert(src: Path, out_dir: Path, fmt: str = "docx", profile: Path | None = None) -> Path:
    """`src` converted by LibreOffice into `out_dir`: the converted file's path."""
    r = soffice_run([src], out_dir, fmt, profile or out_dir / "profile")
    path = out_dir / f"{Path(src).stem}.{fmt.split(':')[0]}"
    assert r.returncode == 0 and path.exists(), r.stderr
    return path


def libreoffice_text(docx: Path, out_dir: Path) -> list[str]:
    """The DOCX as LibreOffice shows it, exported as text: one line a paragraph, list numbers as displayed
    (LibreOffice writes them before the text, with a space; indents as spaces)."""
    txt = soffice_convert(docx, out_dir, "txt:Text (encoded):UTF8")
    return [line.strip() for line in txt.read_text(encoding="utf-8-sig").splitlines()]


def displayed_numbers(lines: list[str]) -> list[str]:
    """The structure numbers at the start of LibreOffice's text lines: 一、 （一） 1. （1）."""
    out = []
    for line in lines:
        m = re.match(r"^([一二三四五六七八九十百零]+、|（[一二三四五六七八九十百零]+）|\d+\.|（\d+）)", line)
        if m:
            out.append(m.group(1))
    return out

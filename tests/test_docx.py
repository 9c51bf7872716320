"""The editable DOCX: its WordprocessingML as Word reads it, and its rendering by LibreOffice.

The DOCX is built by the same run as the PDF (conftest.pdf_path). LibreOffice, an engine independent of
ours, converts it to PDF with the fontconfig file that maps the official font names to the fonts used
here; that PDF is measured like the WeasyPrint one.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from conftest import (
    CIRCLED,
    ROOT,
    TYPE_BOTTOM_MM,
    TYPE_LEFT_MM,
    TYPE_RIGHT_MM,
    content_footnotes_text,
    displayed_numbers,
    libreoffice_text,
    mm,
    text_lines,
    wml_order_problems,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
TWIPS_PER_MM = 1440 / 25.4


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


@pytest.fixture(scope="session")
def docx_path(pdf_path) -> Path:
    path = pdf_path.with_suffix(".docx")
    assert path.is_file(), f"the build wrote no DOCX next to {pdf_path.name}"
    return path


@pytest.fixture(scope="session")
def parts(docx_path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(docx_path) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xml") or n.endswith(".rels")}


@pytest.fixture(scope="session")
def document(parts):
    return parts["word/document.xml"]


@pytest.fixture(scope="session")
def styles(parts) -> dict[str, etree._Element]:
    return {s.get(q("styleId")): s for s in parts["word/styles.xml"].iter(q("style"))}


def style_name(styles, sid: str) -> str:
    return styles[sid].find("w:name", NS).get(q("val"))


def body_paragraphs(document) -> list:
    return list(document.find("w:body", NS).iter(q("p")))


def para_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(q("t")))


def para_style(p) -> str:
    ps = p.find("w:pPr/w:pStyle", NS)
    return ps.get(q("val")) if ps is not None else "Normal"


# -- the XML -----------------------------------------------------------------------------------------


def test_page_is_a4_with_the_standard_margins(document):
    sect = document.find("w:body/w:sectPr", NS)
    size = sect.find("w:pgSz", NS)
    assert (int(size.get(q("w"))), int(size.get(q("h")))) == (11906, 16838)
    mar = sect.find("w:pgMar", NS)
    got = {k: int(mar.get(q(k))) / TWIPS_PER_MM for k in ("top", "bottom", "left", "right")}
    for k, want in {"top": 37, "bottom": 35, "left": 28, "right": 26}.items():
        assert abs(got[k] - want) < 0.1, f"{k} margin {got[k]:.2f} mm, want {want}"


def test_grid_holds_22_lines_of_28_characters(document, styles):
    grid = document.find("w:body/w:sectPr/w:docGrid", NS)
    assert grid.get(q("type")) == "lines"  # LibreOffice mis-renders linesAndChars with negative charSpace
    pitch = int(grid.get(q("linePitch")))
    assert 22 * pitch <= round(225 * TWIPS_PER_MM) < 22 * (pitch + 1)
    normal = styles["Normal"]
    spacing = normal.find("w:pPr/w:spacing", NS)
    assert spacing.get(q("lineRule")) == "exact" and int(spacing.get(q("line"))) == pitch
    char = int(normal.find("w:rPr/w:spacing", NS).get(q("val")))  # twentieths of a point
    size = int(normal.find("w:rPr/w:sz", NS).get(q("val"))) / 2
    assert size == 16
    per_char = size + char / 20
    assert 28 * per_char <= 156 * 72 / 25.4 < 29 * per_char


def test_named_styles_exist_and_are_used(document, styles):
    wanted = {
        "发文机关标志",
        "发文字号",
        "公文标题",
        "主送机关",
        "附件说明",
        "署名",
        "成文日期",
        "附件标识",
        "附件标题",
        "一级标题",
        "二级标题",
        "三级标题",
        "四级标题",
        "要点句",
        "版记",
        "页码",
        "页码双页",
    }
    names = {style_name(styles, sid) for sid in styles}
    assert wanted <= names, f"missing styles: {wanted - names}"
    used = Counter(para_style(p) for p in body_paragraphs(document))
    by_name = {style_name(styles, sid): sid for sid in styles}
    for name in (
        "发文机关标志",
        "发文字号",
        "公文标题",
        "主送机关",
        "附件说明",
        "署名",
        "成文日期",
        "附件标识",
        "附件标题",
        "一级标题",
        "三级标题",
    ):
        assert used[by_name[name]] >= 1, f"style {name} is never used"
    assert used["Normal"] >= 3  # 正文 paragraphs (Word shows Normal as 正文)
    # the items 1.–32., the last one in its 末段 variant (based on 三级标题, kept whole and with the 版记)
    assert used[by_name["一级标题"]] == 7 and used["GwItem"] == 31 and used["GwItemEnd"] == 1
    end = styles["GwItemEnd"]
    assert end.find("w:basedOn", NS).get(q("val")) == "GwItem" and end.find("w:next", NS).get(q("val")) == "GwItemEnd"
    assert end.find("w:pPr/w:keepNext", NS) is not None and end.find("w:pPr/w:keepLines", NS) is not None
    # formatting lives in styles: body runs carry no direct fonts, sizes or colours
    direct = [
        r
        for r in document.iter(q("r"))
        if r.find("w:rPr/w:rFonts", NS) is not None
        or r.find("w:rPr/w:sz", NS) is not None
        or r.find("w:rPr/w:color", NS) is not None
    ]
    assert not direct, f"{len(direct)} runs with direct formatting"


def test_fonts_are_named_officially_in_all_four_slots_and_no_theme_fonts(parts, styles):
    official = {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"}
    seen = set()
    for rf in parts["word/styles.xml"].iter(q("rFonts")):
        vals = {rf.get(q(a)) for a in ("ascii", "eastAsia", "hAnsi", "cs")}
        assert len(vals) == 1, f"rFonts slots differ: {vals}"
        seen |= vals
        assert not any(k.endswith("Theme") for k in (etree.QName(a).localname for a in rf.attrib))
    assert seen == official, seen
    for name in ("word/document.xml", "word/styles.xml", "word/footnotes.xml"):
        xml = etree.tostring(parts[name]).decode()
        assert "Theme=" not in xml, f"theme font in {name}"
    assert styles["GwMark"].find("w:rPr/w:rFonts", NS).get(q("eastAsia")) == "方正小标宋简体"
    assert styles["Normal"].find("w:rPr/w:rFonts", NS).get(q("eastAsia")) == "仿宋_GB2312"
    assert styles["GwHeading1"].find("w:rPr/w:rFonts", NS).get(q("eastAsia")) == "黑体"


def test_mark_and_rule_are_red(document, styles):
    mark = styles["GwMark"]
    assert mark.find("w:rPr/w:color", NS).get(q("val")) == "FF0000"
    assert mark.find("w:pPr/w:jc", NS).get(q("val")) == "center"
    rule = styles["GwDocNumber"].find("w:pPr/w:pBdr/w:bottom", NS)
    assert rule.get(q("color")) == "FF0000" and rule.get(q("val")) == "single"
    first = body_paragraphs(document)[:2]
    assert [para_style(p) for p in first] == ["GwMark", "GwDocNumber"]
    assert para_text(first[0]) == "上海市宝山区教育局文件" and para_text(first[1]) == "宝教〔2024〕1号"


def test_numbers_are_word_lists_tied_to_the_level_styles(parts, document, styles):
    """一、 （一） 1. （1） are Word's list numbers (they renumber when a clerk inserts or deletes), never typed:
    each level style names a list level with the format of GB/T 9704 §7.3.3, which names the style back."""
    texts = [para_text(p) for p in body_paragraphs(document)]
    assert not [
        t for t in texts if re.match(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．]|（\d+）)", t)
    ]
    numbering = parts["word/numbering.xml"]
    nums = {n.get(q("numId")): n.find("w:abstractNumId", NS).get(q("val")) for n in numbering.iter(q("num"))}
    abstract = {a.get(q("abstractNumId")): a for a in numbering.iter(q("abstractNum"))}
    want = {
        "GwHeading1": ("chineseCounting", "%{}、"),
        "GwHeading2": ("chineseCounting", "（%{}）"),
        "GwItem": ("decimal", "%{}."),
        "GwItem4": ("decimal", "（%{}）"),
    }
    lists = {}
    for sid, (fmt, text) in want.items():
        num_pr = styles[sid].find("w:pPr/w:numPr", NS)
        num, ilvl = num_pr.find("w:numId", NS).get(q("val")), int(num_pr.find("w:ilvl", NS).get(q("val")))
        lvl = next(x for x in abstract[nums[num]].iter(q("lvl")) if int(x.get(q("ilvl"))) == ilvl)
        assert lvl.find("w:numFmt", NS).get(q("val")) == fmt
        assert lvl.find("w:lvlText", NS).get(q("val")) == text.format(ilvl + 1)
        assert lvl.find("w:pStyle", NS).get(q("val")) == sid
        assert lvl.find("w:start", NS).get(q("val")) == "1" and lvl.find("w:suff", NS).get(q("val")) == "nothing"
        lists[sid] = num
    # items run on through the 2024 plan: a list of their own, so that no 一、 restarts them (LibreOffice
    # ignores w:lvlRestart); their sub-items are its second level
    assert lists["GwHeading1"] == lists["GwHeading2"] != lists["GwItem"] == lists["GwItem4"]
    # the paragraphs of the one body carry no list of their own: the styles number them
    assert not list(document.iter(q("numPr")))
    # only headings are in the navigation pane
    assert styles["GwHeading1"].find("w:pPr/w:outlineLvl", NS).get(q("val")) == "0"
    assert styles["GwItem"].find("w:pPr/w:outlineLvl", NS) is None


def test_real_footnotes_numbered_with_circled_digits(parts, document):
    notes = parts["word/footnotes.xml"]
    real = [f for f in notes.iter(q("footnote")) if int(f.get(q("id"))) > 0]
    assert [para_text(f) for f in real] == content_footnotes_text()
    for where in (document.find("w:body/w:sectPr", NS), parts["word/settings.xml"]):
        fmt = where.find("w:footnotePr/w:numFmt", NS)
        assert fmt is not None and fmt.get(q("val")) == "decimalEnclosedCircleChinese"
    # each reference follows the text it annotates
    refs = []
    for p in body_paragraphs(document):
        text = ""
        for r in p.iter(q("r")):
            t = "".join(x.text or "" for x in r.iter(q("t")))
            ref = r.find("w:footnoteReference", NS)
            if ref is not None:
                refs.append((int(ref.get(q("id"))), text[-6:]))
            text += t
    assert [(i, t[-5:]) for i, t in refs] == [(1, "“1+N”"), (2, "“N+1”"), (3, "+7+N”")]


def test_odd_and_even_footers_carry_a_page_field(parts, document, styles):
    assert parts["word/settings.xml"].find("w:evenAndOddHeaders", NS) is not None
    sect = document.find("w:body/w:sectPr", NS)
    rels = {r.get("Id"): r.get("Target") for r in parts["word/_rels/document.xml.rels"]}
    refs = {
        f.get(q("type")): rels[f.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
        for f in sect.findall("w:footerReference", NS)
    }
    assert set(refs) == {"default", "even"}
    sides = {}
    for kind, target in refs.items():
        ftr = parts[f"word/{target}"]
        p = ftr.find("w:p", NS)
        instr = "".join(t.text for t in ftr.iter(q("instrText")))
        assert instr.strip() == "PAGE"
        assert para_text(p).startswith("— ") and para_text(p).endswith(" —")
        sid = para_style(p)
        sides[kind] = styles[sid].find("w:pPr/w:jc", NS).get(q("val"))
        assert style_name(styles, sid).startswith("页码")
    assert sides == {"default": "right", "even": "left"}  # odd pages right, even pages left
    assert styles["GwPageNumber"].find("w:rPr/w:rFonts", NS).get(q("eastAsia")) == "宋体"
    assert styles["GwPageNumber"].find("w:rPr/w:sz", NS).get(q("val")) == "28"  # 四号


def test_every_part_keeps_the_schema_child_order_word_requires(docx_path):
    assert wml_order_problems(docx_path) == []


def test_attachment_starts_on_a_new_page(styles, document):
    assert styles["GwAttachLabel"].find("w:pPr/w:pageBreakBefore", NS) is not None
    label = [p for p in body_paragraphs(document) if para_style(p) == "GwAttachLabel"]
    assert [para_text(p) for p in label] == ["附件"]


def test_two_builds_give_identical_bytes(tmp_path, docx_path):
    out = tmp_path / "again"
    from conftest import build

    r = build("--year", "2024", "--output", str(out), "--format", "docx")
    assert r.returncode == 0, r.stderr
    assert (out / "2024" / docx_path.name).read_bytes() == docx_path.read_bytes()
    assert not (out / "2024" / docx_path.with_suffix(".pdf").name).exists()  # --format docx: DOCX only


# -- rendered by LibreOffice -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def lo_pdf(docx_path, tmp_path_factory):
    from gongwen.libreoffice import docx_to_pdf

    cache = docx_path.parent.parent / ".cache"
    confs = sorted(cache.glob("fontconfig-*/fonts-aliases.conf"))
    assert confs, "the build wrote no fontconfig alias file"
    out = tmp_path_factory.mktemp("lo")
    path = docx_to_pdf(docx_path, out, confs[0], profile=out / "profile")
    with pdfplumber.open(path) as doc:
        yield doc


def test_libreoffice_page_count_equals_the_pdfs(lo_pdf, pdf):
    assert len(lo_pdf.pages) == len(pdf.pages), (len(lo_pdf.pages), len(pdf.pages))


def test_libreoffice_mark_is_red_at_72mm(lo_pdf):
    first = text_lines(lo_pdf.pages[0])
    mark = next(ln for ln in first if ln.text == "上海市宝山区教育局文件")
    assert all(tuple(round(v, 2) for v in c["non_stroking_color"]) == (1.0, 0.0, 0.0) for c in mark.ink)
    assert abs(mark.em_top - 72) < 1.0, mark.em_top
    assert abs(mark.centre - 106) < 1.0
    red = [
        ln
        for ln in lo_pdf.pages[0].lines + lo_pdf.pages[0].rects
        if abs(mm(ln["x1"] - ln["x0"]) - 156) < 1
        and tuple(ln.get("stroking_color") or ln.get("non_stroking_color") or ()) == (1, 0, 0)
    ]
    assert red, "no red rule as wide as the 版心 on page 1"


def title_lines(page) -> list[str]:
    """The 二号 (22 pt) lines of a page: the title."""
    return [ln.text for ln in text_lines(page) if abs(ln.size - 22) < 0.3]


def test_libreoffice_breaks_the_titles_where_the_pdf_does(lo_pdf, pdf):
    """Titles written as one string carry the PDF's line breaks in the DOCX: LibreOffice shows the same
    lines (between words, balanced), not lines filled character by character."""
    assert title_lines(lo_pdf.pages[0]) == title_lines(pdf.pages[0])
    assert len(title_lines(pdf.pages[0])) == 2
    att = next(i for i, p in enumerate(pdf.pages) if any(ln.text == "附件" for ln in text_lines(p)))
    lo_att = next(i for i, p in enumerate(lo_pdf.pages) if any(ln.text == "附件" for ln in text_lines(p)))
    assert title_lines(lo_pdf.pages[lo_att]) == title_lines(pdf.pages[att])


def test_libreoffice_full_lines_hold_28_characters(lo_pdf):
    counts = Counter()
    for page in lo_pdf.pages[2:-1]:
        for ln in text_lines(page):
            if ln.size != 16 or not (abs(ln.x0 - TYPE_LEFT_MM) < 0.3 and abs(ln.x1 - TYPE_RIGHT_MM) < 0.6):
                continue
            if any(c["text"].isascii() for c in ln.ink):
                continue  # LibreOffice adds space between Chinese and digits/Latin (it ignores autoSpaceDE)
            counts[len(ln.ink)] += 1
    assert counts.most_common(1)[0][0] == 28, counts
    assert max(counts) <= 29 and min(counts) >= 27, counts  # 29: a hanging closing mark; 27: 避头尾


def test_libreoffice_page_numbers_alternate_sides(lo_pdf):
    for n, page in enumerate(lo_pdf.pages, 1):
        nums = [ln for ln in text_lines(page) if ln.baseline > TYPE_BOTTOM_MM]
        assert len(nums) == 1 and nums[0].text == f"— {n} —", (n, [x.text for x in nums])
        ln = nums[0]
        assert abs(ln.em_top - 269) < 1.5, (n, ln.em_top)
        if n % 2:
            assert abs(ln.x1 - (TYPE_RIGHT_MM - mm(14))) < 0.8, (n, ln.x1)
        else:
            assert abs(ln.x0 - (TYPE_LEFT_MM + mm(14))) < 0.8, (n, ln.x0)


def test_libreoffice_footnotes_at_the_foot_of_their_call_pages(lo_pdf):
    notes = content_footnotes_text()
    found = {}
    for n, page in enumerate(lo_pdf.pages, 1):
        for ln in text_lines(page):
            t = ln.text.replace(" ", "")
            for i, note in enumerate(notes):
                if t.endswith(note) and ln.size < 14:
                    found.setdefault(i, []).append(("note", n, ln.baseline))
        # a call is a small raised circled digit standing just above the baseline of a 16 pt body line
        body = [ln for ln in text_lines(page) if ln.size >= 15]
        for c in page.chars:
            if c["text"] in CIRCLED and c["size"] < 14:
                y = mm(page.height - c["matrix"][5])
                host = [ln for ln in body if 0 < ln.baseline - y < 4 and ln.x0 - 1 < mm(c["x0"]) < ln.x1 + 1]
                if host:
                    found.setdefault(CIRCLED.index(c["text"]), []).append(("call", n, host[0].baseline))
    for i in range(len(notes)):
        kinds = {k: (p, y) for k, p, y in found.get(i, [])}
        assert "call" in kinds and "note" in kinds, (i, found.get(i))
        assert kinds["call"][0] == kinds["note"][0], (
            f"footnote {CIRCLED[i]} on page {kinds['note'][0]}, call on {kinds['call'][0]}"
        )
        assert kinds["note"][1] > kinds["call"][1] and kinds["note"][1] <= TYPE_BOTTOM_MM


def test_libreoffice_colophon_sits_at_the_bottom_of_the_last_page(lo_pdf):
    last = lo_pdf.pages[-1]
    rules = sorted((r for r in last.lines if abs(mm(r["x1"] - r["x0"]) - 156) < 1), key=lambda r: r["top"])
    assert len(rules) >= 3, rules
    assert abs(mm(rules[-1]["top"]) - TYPE_BOTTOM_MM) < 0.5, mm(rules[-1]["top"])
    lines = text_lines(last)
    printer = next(ln for ln in lines if ln.text.startswith("上海市宝山区教育局办公室"))
    assert printer.text.replace(" ", "").endswith("2024年2月4日印发")
    assert abs(printer.x0 - (TYPE_LEFT_MM + mm(14))) < 0.6 and abs(printer.x1 - (TYPE_RIGHT_MM - mm(14))) < 0.6
    assert any(ln.text.replace(" ", "") == "共印350份" for ln in lines)
    assert mm(rules[0]["top"]) < printer.baseline < mm(rules[-1]["top"])


def test_two_attachments_are_listed_and_numbered_alike_in_pdf_and_docx(tmp_path):
    import shutil

    content = tmp_path / "content" / "2024"
    shutil.copytree(ROOT / "content" / "2024", content)
    second = (
        (content / "attachment.yaml")
        .read_text(encoding="utf-8")
        .replace("标题: 上海市宝山区教育局2024年工作意见", "标题: 上海市宝山区教育局2024年工作要点分工")
    )
    (content / "attachment2.yaml").write_text(second, encoding="utf-8")
    notice = content / "notice.yaml"
    notice.write_text(
        notice.read_text(encoding="utf-8").replace("  - attachment.yaml", "  - attachment.yaml\n  - attachment2.yaml"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    r = subprocess.run(
        [sys.executable, "build.py", "--year", "2024", "--content", str(content.parent), "--output", str(out), "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    pdf = next((out / "2024").glob("*.pdf"))
    with pdfplumber.open(pdf) as doc:
        lines = text_lines(doc.pages[0]) + text_lines(doc.pages[1])  # the longer list may push it to page 2
        first = next(ln for ln in lines if ln.text.startswith("附件：1."))
        second = next(ln for ln in lines if ln.text.startswith("2."))
        one = next(c for c in first.chars if c["text"] == "1")
        assert abs(mm(one["x0"]) - second.x0) < 0.3  # “2.” stands under “1.”
        labels = [ln.text for p in doc.pages for ln in text_lines(p) if ln.text in ("附件1", "附件2")]
        assert labels == ["附件1", "附件2"]
    with zipfile.ZipFile(pdf.with_suffix(".docx")) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    notes = [(para_style(p), para_text(p)) for p in body.iter(q("p")) if para_style(p).startswith("GwAttachNote")]
    assert notes == [
        ("GwAttachNote", "附件：1. 上海市宝山区教育局2024年工作意见"),
        ("GwAttachNoteMore", "2. 上海市宝山区教育局2024年工作要点分工"),
    ]
    # the numbers as LibreOffice displays them: each attachment numbers from 一、 and 1. again
    shown = displayed_numbers(libreoffice_text(pdf.with_suffix(".docx"), tmp_path / "lo"))
    shown = shown[shown.index("一、") :]  # after the 附件说明's “2.”
    one = ["一、", *[f"{k}." for k in range(1, 7)], "二、", *[f"{k}." for k in range(7, 13)]]
    assert shown[:14] == one and shown.count("1.") == 2 and shown.count("32.") == 2
    second_start = shown.index("一、", 1)
    assert shown[second_start : second_start + 14] == one


def test_every_part_is_schema_valid(docx_path):
    """Every XML part against the ECMA-376 Transitional schemas (tests/data/ooxml-xsd), after markup
    compatibility processing as Word does it: what Word would open without "repairing"."""
    from ooxml_validate import validate_docx

    assert validate_docx(docx_path) == []


def test_document_properties_are_complete_and_truthful(parts, pdf):
    core = parts["docProps/core.xml"]
    ns = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    }
    assert (
        core.findtext("dc:title", namespaces=ns)
        == "上海市宝山区教育局关于下发《上海市宝山区教育局2024年工作意见》的通知"
    )
    assert core.findtext("dc:subject", namespaces=ns) == "宝教〔2024〕1号"
    assert core.findtext("dc:creator", namespaces=ns) == "上海市宝山区教育局"
    app = parts["docProps/app.xml"]
    ep = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert app.findtext(f"{ep}Application") == "gongwen"
    assert app.findtext(f"{ep}Pages") == str(len(pdf.pages))  # the composed document's pages
    assert app.findtext(f"{ep}Company") == "上海市宝山区教育局"
    assert int(app.findtext(f"{ep}Characters")) > 8000  # the 2024 plan's text, not the template's zero
    assert app.find(f"{ep}AppVersion") is None and app.find(f"{ep}Template") is None  # no version noise
    assert not any(n.startswith("customXml/") or "thumbnail" in n for n in parts), sorted(parts)


def page_body_texts(pdf_pages, body_size=(15.5, 16.5)) -> list[str]:
    """Each page's body text (16 pt lines, footnotes, page number and 版记 left out), white space removed."""
    out = []
    for page in pdf_pages:
        lines = [
            ln for ln in text_lines(page) if body_size[0] <= ln.size <= body_size[1] and ln.baseline <= TYPE_BOTTOM_MM
        ]
        out.append(re.sub(r"\s+", "", "".join(ln.text for ln in lines)))
    return out


def test_report_pdf_and_docx_page_ends_agree(lo_pdf, pdf, capsys):
    """How far the DOCX, paginated by LibreOffice, agrees with the PDF: page count, where each page's body
    text ends (its last four characters), and how many characters of body text the DOCX page ends are
    off the PDF's. Printed; held to an equal page count within one and page ends within two lines.

    They cannot agree exactly: the PDF closes the line pitch of a page holding footnotes so that it
    keeps its 22 lines (as the print does), which Word's exact line spacing cannot; and LibreOffice 7.4
    sets digits and Latin letters among Chinese with extra space (it ignores autoSpaceDE/DN)."""
    ours, theirs = page_body_texts(pdf.pages), page_body_texts(lo_pdf.pages)
    n = min(len(ours), len(theirs))
    same_end = sum(1 for a, b in zip(ours[:n], theirs[:n]) if a[-4:] == b[-4:])
    ends_pdf = [sum(len(t) for t in ours[: i + 1]) for i in range(n)]
    ends_docx = [sum(len(t) for t in theirs[: i + 1]) for i in range(n)]
    off = [b - a for a, b in zip(ends_pdf, ends_docx)][:-1]  # the last page ends with the text
    step = [b - a for a, b in zip([0] + off, off)]  # what each page holds more (+) or less (−) than the PDF's
    with capsys.disabled():
        print(
            f"\nPDF 与 DOCX（LibreOffice 分页）对照：PDF {len(ours)} 页，DOCX {len(theirs)} 页；"
            f"页末相同 {same_end}/{n}；DOCX 页末与 PDF 相差（字）：{off}；逐页多排（+）少排（−）：{step}"
        )
    assert abs(len(ours) - len(theirs)) <= 1
    assert max(abs(x) for x in step) <= 2 * 28 + 10, step  # no page holds two lines more or less


def test_the_printed_libreoffice_command_opens_the_docx_with_the_mapped_fonts(tmp_path):
    """The line the build prints for viewing the DOCX in LibreOffice works as pasted: run headless (the
    same command, converting instead of opening a window), every character comes out in the fonts the
    PDF uses, not in a sans substitute."""
    out = tmp_path / "out"
    r = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--year", "2024", "--output", str(out), "--format", "docx"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    line = next(ln.strip() for ln in r.stdout.splitlines() if ln.strip().startswith("FONTCONFIG_FILE="))
    cmd = line.replace(" libreoffice ", f" libreoffice --headless --convert-to pdf --outdir {tmp_path / 'view'} ", 1)
    v = subprocess.run(["bash", "-c", cmd], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    pdfs = list((tmp_path / "view").glob("*.pdf"))
    assert v.returncode == 0 and pdfs, v.stderr
    with pdfplumber.open(pdfs[0]) as doc:
        fonts = Counter(c["fontname"].split("+")[-1] for p in doc.pages[:3] for c in p.chars)
    assert any("Fandol" in f for f in fonts) and any("NotoSerifCJK" in f.replace("-", "") for f in fonts), fonts
    assert not any("DejaVu" in f or "Liberation" in f for f in fonts), fonts

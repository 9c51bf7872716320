"""The example documents of examples/: one of each structure real plans use, built as a user would build
them and measured against GB/T 9704-2012 in the PDF and in LibreOffice's rendering of the DOCX.

* 四级标题/2025 — a notice whose attachment uses all four levels 一、（一）1.（1）, a subtitle, a part with
  plain paragraphs only, items numbered on through the whole plan;
* 直接发文/2018 — a plan issued directly (no 主送, no 附件, sections in the body), 公开属性, and a second
  document (a meeting notice with 附注) in the same year folder;
* 联合发文/2022 — a joint notice of two organs: stacked mark with 文件 beside, two 署名, two attachments
  (附件1, 附件2) with their own names in the 附件说明, items restarting per part;
* 上行文/2025 — 份号, 密级★保密期限, 紧急程度 and 签发人.

Every example is built once per session; LibreOffice renders each DOCX once.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import yaml
from lxml import etree

from conftest import (
    build,
    ROOT,
    TYPE_BOTTOM_MM,
    TYPE_LEFT_MM,
    TYPE_RIGHT_MM,
    TYPE_TOP_MM,
    displayed_numbers,
    libreoffice_text,
    mm,
    read_page,
    squash,
    text_lines,
    wml_order_problems,
)

EXAMPLES = {  # name → (year, files written)
    "四级标题": ("2025", ["宝教〔2025〕6号"]),
    "直接发文": ("2018", ["徐教〔2018〕1号", "徐教〔2018〕2号"]),
    "联合发文": ("2022", ["普教委〔2022〕12号"]),
    "上行文": ("2025", ["宝教〔2025〕15号"]),
}
CELL_MM = 156 / 28  # one character of the grid
PITCH_MM = 225 / 22  # one line of the grid
INDENT2_MM = TYPE_LEFT_MM + 2 * CELL_MM  # 段首空二字
CENTRE_MM = TYPE_LEFT_MM + 78
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """Every example built with build.py into a temporary output folder: name → its year folder."""
    out = tmp_path_factory.mktemp("examples")
    folders = {}
    for name, (year, files) in EXAMPLES.items():
        r = subprocess.run(
            [
                sys.executable,
                "build.py",
                "--content",
                str(ROOT / "examples" / name),
                "--year",
                year,
                "--output",
                str(out / name),
                "-q",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert r.returncode == 0, f"{name}: {r.stderr}"
        folders[name] = out / name / year
        for f in files:
            assert (folders[name] / f"{f}.pdf").is_file() and (folders[name] / f"{f}.docx").is_file(), (name, f)
    return folders


def open_pdf(path: Path):
    with pdfplumber.open(path) as doc:
        return [(p, read_page(p)) for p in doc.pages]


@pytest.fixture(scope="session")
def pdfs(built) -> dict[str, list]:
    """文号 → [(pdfplumber page, PageText)] for every example PDF."""
    out = {}
    for name, (year, files) in EXAMPLES.items():
        for f in files:
            out[f] = open_pdf(built[name] / f"{f}.pdf")
    return out


@pytest.fixture(scope="session")
def lo_pdfs(built, tmp_path_factory) -> dict[str, list]:
    """文号 → pages of LibreOffice's rendering of the example DOCX (fonts mapped as the build wrote them)."""
    from gongwen.libreoffice import docx_to_pdf

    out_dir = tmp_path_factory.mktemp("lo-examples")
    result = {}
    for name, (year, files) in EXAMPLES.items():
        confs = sorted((built[name].parent / ".cache").glob("fontconfig-*/fonts-aliases.conf"))
        assert confs, f"{name}: the build wrote no fontconfig alias file"
        for f in files:
            pdf = docx_to_pdf(built[name] / f"{f}.docx", out_dir / f, confs[0], profile=out_dir / "profile")
            result[f] = open_pdf(pdf)
    return result


@pytest.fixture(scope="session")
def role_fonts(tmp_path_factory) -> dict[str, str]:
    """Font role → the names of the face the build uses (family and PostScript name, lowercase letters and
    digits only: WeasyPrint names an embedded font by its family, LibreOffice by its PostScript name)."""
    from fontTools.ttLib import TTFont

    from gongwen.fonts import resolve_fonts
    from gongwen.house import load_house

    fonts = resolve_fonts(load_house()["fonts"], tmp_path_factory.mktemp("fonts"))
    out = {}
    for role in ("heiti", "kaiti", "fangsong", "xiaobiaosong"):
        face = fonts[role].face
        names = TTFont(face.file, fontNumber=face.index, lazy=True)["name"]
        out[role] = FontNames(_norm(names.getDebugName(1)), _norm(names.getDebugName(6)))
    return out


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


class FontNames:
    """A face's family and PostScript names; equal to a PDF font name that is either of them."""

    def __init__(self, family: str, postscript: str):
        self.family, self.postscript = family, postscript

    def __eq__(self, pdf_name) -> bool:
        n = _norm(pdf_name.split("+")[-1])
        if n in (self.postscript, self.family):
            return True
        short, long_ = sorted((n, self.family), key=len)  # "FandolFang" for the family "FandolFang R"
        return len(short) >= 6 and long_.startswith(short) and len(long_) - len(short) <= 8

    def __repr__(self) -> str:
        return f"FontNames({self.family!r}, {self.postscript!r})"


def font_of(line) -> str:
    """Name of the font most of a line's characters use."""
    names = [c["fontname"].split("+")[-1] for c in line.ink]
    return max(set(names), key=names.count)


def body_lines(pages) -> list[tuple[int, object]]:
    """(page number, line) of every body line of a document, in reading order."""
    return [(n, ln) for n, (_, pt) in enumerate(pages, 1) for ln in pt.body]


def starting(pages, pattern: str) -> list[tuple[int, object]]:
    rx = re.compile(pattern)
    return [(n, ln) for n, ln in body_lines(pages) if rx.match(ln.text.replace(" ", ""))]


def labels(pages, pattern: str) -> list[str]:
    return [re.match(pattern, ln.text.replace(" ", "")).group(0) for _, ln in starting(pages, pattern)]


# -- four levels -----------------------------------------------------------------------------------

L1, L2, L3, L4 = r"^[一二三四五六七八九十]+、", r"^（[一二三四五六七八九十]+）", r"^\d+\.", r"^（\d+）"


def test_four_levels_are_numbered_in_order(pdfs):
    p = pdfs["宝教〔2025〕6号"]
    assert labels(p, L1) == ["一、", "二、", "三、"]
    assert labels(p, L2) == ["（一）", "（二）", "（三）"]
    assert labels(p, L3) == [f"{i}." for i in range(1, 7)]  # 1.–6. run on through （一）（二） and 三、
    assert labels(p, L4) == ["（1）", "（2）"]
    order = [
        ln.text.replace(" ", "")[:3]
        for _, ln in body_lines(p)
        if re.match(f"{L1}|{L2}|{L3}|{L4}", ln.text.replace(" ", ""))
    ]
    assert order == [
        "一、总",
        "二、主",
        "（一）",
        "1.升",
        "2.建",
        "（1）",
        "（2）",
        "（二）",
        "3.推",
        "4.建",
        "（三）",
        "三、保",
        "5.加",
        "6.强",
    ], order


def test_each_level_has_its_font_and_the_two_character_indent(pdfs, role_fonts):
    p = pdfs["宝教〔2025〕6号"]
    for pattern, role in ((L1, "heiti"), (L2, "kaiti"), (L3, "fangsong"), (L4, "fangsong")):
        for _, ln in starting(p, pattern):
            assert role_fonts[role] == font_of(ln), (ln.text, font_of(ln), role)
            assert abs(ln.x0 - INDENT2_MM) < 0.3, (ln.text, ln.x0)
            assert ln.size == 16.0


def test_a_part_with_plain_paragraphs_and_a_section_without_items(pdfs):
    text = squash("".join(ln.text for _, ln in body_lines(pdfs["宝教〔2025〕6号"])))
    a = text.index("一、总体要求")
    assert text.index("坚持以习近平") > a and text.index("到2027年") < text.index("二、主要任务")
    c = text.index("（三）提升数字素养")
    assert c < text.index("将数字素养纳入") < text.index("开设学生人工智能") < text.index("三、保障措施")


def test_attachment_subtitle_is_a_centred_kaiti_line_under_the_title(pdfs, role_fonts):
    p = pdfs["宝教〔2025〕6号"]
    n, sub = next((n, ln) for n, ln in body_lines(p) if ln.text.strip() == "（2025—2027年）")
    title = next(ln for ln in p[n - 1][1].body if ln.text.strip() == "宝山区教育数字化转型三年行动方案")
    assert role_fonts["kaiti"] == font_of(sub) and sub.size == 16.0
    assert abs(sub.centre - CENTRE_MM) < 0.5 and abs(title.centre - CENTRE_MM) < 0.5
    assert 0 < sub.baseline - title.baseline < PITCH_MM + 1.0


def test_footnote_inside_a_level_four_parent_lands_on_its_page(pdfs):
    p = pdfs["宝教〔2025〕6号"]
    call_pages = [n for n, ln in body_lines(p) if "①" in ln.text]
    note_pages = [n for n, (_, pt) in enumerate(p, 1) for ln in pt.footnotes if ln.text.startswith("①")]
    assert call_pages and call_pages == note_pages[:1]


# -- a plan issued directly, and two documents in one year ----------------------------------------


def test_direct_plan_has_no_recipients_and_no_attachment(pdfs):
    p = pdfs["徐教〔2018〕1号"]
    first = p[0][1].body
    title = next(i for i, ln in enumerate(first) if ln.text.strip() == "2018年徐汇区教育局工作要点")
    lead = first[title + 1]
    assert lead.text.replace(" ", "").startswith("2018年，徐汇教育工作")
    assert abs(lead.x0 - INDENT2_MM) < 0.3
    assert abs(lead.baseline - first[title].baseline - 2 * PITCH_MM) < 1.0  # one blank line after the title
    text = "".join(ln.text for _, ln in body_lines(p))
    assert "附件" not in text and not any(ln.text.rstrip().endswith("：") for ln in first)
    assert labels(p, L1) == ["一、", "二、"] and labels(p, L3) == [f"{i}." for i in range(1, 6)]


def test_direct_plan_signature_date_and_publicity_before_the_colophon(pdfs):
    p = pdfs["徐教〔2018〕1号"]
    lines = body_lines(p)
    date = next(ln for _, ln in lines if ln.text.replace(" ", "") == "2018年3月5日")
    sig = next(
        ln for _, ln in lines if ln.text.replace(" ", "") == "上海市徐汇区教育局" and ln.baseline < date.baseline
    )
    assert abs(date.x1 - (TYPE_RIGHT_MM - 4 * CELL_MM)) < 0.5  # 右空四字
    assert abs(sig.centre - date.centre) < 0.5  # 署名 centred over the date
    n, pub = next((n, ln) for n, ln in lines if ln.text.replace(" ", "") == "公开属性：主动公开")
    assert n == len(p) and abs(pub.x0 - INDENT2_MM) < 0.3
    page, _ = p[-1]
    rules = sorted(mm(r["top"]) for r in page.rects if abs(mm(r["width"]) - 156) < 0.5)
    assert rules and pub.baseline < rules[0], "公开属性 must stand above the 版记"


def test_recipients_moved_to_the_colophon_stand_above_the_cc_without_a_rule(pdfs):
    page, pt = pdfs["徐教〔2018〕1号"][-1]
    lines = text_lines(page)
    main = next(ln for ln in lines if ln.text.replace(" ", "").startswith("主送："))
    cc = next(ln for ln in lines if ln.text.replace(" ", "").startswith("抄送："))
    assert main.text.replace(" ", "") == "主送：各中小学、幼儿园，局直属各单位。" and main.size == 14.0
    assert abs(cc.baseline - main.baseline - PITCH_MM) < 0.3 and abs(main.x0 - cc.x0) < 0.2
    rules = [mm(r["top"]) for r in page.rects if abs(mm(r["width"]) - 156) < 0.5]
    assert not any(main.baseline < y < cc.em_top for y in rules), "a rule between 主送 and 抄送"
    assert any(y < main.em_top for y in rules), "no rule above the 版记"


def test_second_document_of_the_year_with_its_note_under_the_date(pdfs):
    p = pdfs["徐教〔2018〕2号"]
    assert any(ln.text.replace(" ", "") == "徐教〔2018〕2号" for ln in p[0][1].body)
    lines = [ln for _, ln in body_lines(p)]
    i = next(i for i, ln in enumerate(lines) if ln.text.replace(" ", "") == "2018年3月5日")
    note = lines[i + 1]
    assert note.text.replace(" ", "") == "（联系人：王老师，电话：64870000）"
    assert abs(note.x0 - INDENT2_MM) < 0.3 and abs(note.baseline - lines[i].baseline - PITCH_MM) < 0.3


# -- joint issuance -------------------------------------------------------------------------------

ORGANS = ["中共上海市普陀区教育工作委员会", "上海市普陀区教育局"]


def joint_mark(page) -> tuple[list, object]:
    lines = text_lines(page)
    organs = [next(ln for ln in lines if ln.text.replace(" ", "") == o) for o in ORGANS]
    suffix = next(ln for ln in lines if ln.text.replace(" ", "") == "文件")
    return organs, suffix


def test_joint_mark_stacks_the_organs_with_the_suffix_centred_beside_them(pdfs):
    page = pdfs["普教委〔2022〕12号"][0][0]
    organs, suffix = joint_mark(page)
    for ln in organs + [suffix]:
        assert all(tuple(round(v, 2) for v in c["non_stroking_color"]) == (1.0, 0.0, 0.0) for c in ln.ink), ln.text
    assert abs(organs[0].em_top - 72) < 0.3, organs[0].em_top  # 35 mm below the 版心 top
    assert organs[0].baseline < organs[1].baseline  # 主办机关 first
    assert abs(organs[0].x0 - organs[1].x0) < 0.3 and abs(organs[0].x1 - organs[1].x1) < 0.5  # one width
    assert suffix.x0 > organs[0].x1 + 1  # to the right
    stack_centre = (organs[0].em_top + organs[-1].em_bottom) / 2
    assert abs((suffix.em_top + suffix.em_bottom) / 2 - stack_centre) < 0.3  # vertically centred
    assert abs((organs[0].x0 + suffix.x1) / 2 - CENTRE_MM) < 0.5 and suffix.x1 <= TYPE_RIGHT_MM
    assert organs[0].size >= 16.0  # never smaller than the body text
    number = next(ln for ln in text_lines(page) if ln.text.replace(" ", "") == "普教委〔2022〕12号")
    # 标志下空二行: two grid lines below the mark, the 文号 centred in the third
    assert abs(number.em_top - organs[-1].em_bottom - (2 * PITCH_MM + (PITCH_MM - mm(16)) / 2)) < 0.3


def test_joint_signatures_stand_side_by_side_the_last_over_the_date(pdfs):
    lines = [ln for _, ln in body_lines(pdfs["普教委〔2022〕12号"])]
    date = next(ln for ln in lines if ln.text.replace(" ", "") == "2022年10月10日")
    row = next(ln for ln in lines if squash(ln.text) == "".join(ORGANS))
    left, right = row.segments(gap_em=0.9)
    assert squash(left.text) == ORGANS[0] and squash(right.text) == ORGANS[1]
    assert abs(right.centre - date.centre) < 0.5 and left.x1 < right.x0 and left.x0 >= TYPE_LEFT_MM - 0.1
    assert 0 < date.baseline - row.baseline < PITCH_MM + 0.3


def test_two_attachments_with_their_own_names_and_labels(pdfs):
    p = pdfs["普教委〔2022〕12号"]
    lines = [ln for _, ln in body_lines(p)]
    first = next(ln for ln in lines if ln.text.replace(" ", "").startswith("附件：1."))
    second = next(ln for ln in lines if ln.text.replace(" ", "").startswith("2.上海市普陀区"))
    one = next(c for c in first.chars if c["text"] == "1")
    assert abs(mm(one["x0"]) - second.x0) < 0.3  # 2. aligned under 1.
    assert squash("".join(ln.text for ln in lines)).count("重点项目清单") >= 2
    heads = [(n, ln) for n, ln in body_lines(p) if ln.text.strip() in ("附件1", "附件2")]
    assert [ln.text.strip() for _, ln in heads] == ["附件1", "附件2"] and heads[0][0] < heads[1][0]
    for n, ln in heads:
        assert ln is p[n - 1][1].body[0] and abs(ln.x0 - TYPE_LEFT_MM) < 0.2  # 顶格, first line of a page


def test_items_restart_under_each_part_when_the_plan_says_so(pdfs):
    p = pdfs["普教委〔2022〕12号"]
    first = next(n for n, ln in body_lines(p) if ln.text.strip() == "附件1")
    p = p[first - 1 :]  # the attachments (the 附件说明 of the notice also has a “2.” line)
    assert labels(p, L3) == ["1.", "2.", "1.", "1.", "2.", "3."]  # 附件1: 二、1. 2. 三、1.; 附件2: 1.–3.


# -- 份号, 密级, 紧急程度, 签发人 -----------------------------------------------------------------------


def test_copy_number_secrecy_and_urgency_top_left_on_the_first_lines(pdfs, role_fonts):
    page = pdfs["宝教〔2025〕15号"][0][0]
    lines = text_lines(page)
    for k, (text, role) in enumerate((("000012", "fangsong"), ("秘密★1年", "heiti"), ("特急", "heiti"))):
        ln = next(ln for ln in lines if ln.text.replace(" ", "") == text)
        assert abs(ln.x0 - TYPE_LEFT_MM) < 0.2, (text, ln.x0)  # 顶格
        box = TYPE_TOP_MM + k * PITCH_MM
        assert box < ln.em_top and ln.em_bottom < box + PITCH_MM, (text, ln.em_top)  # on grid line k + 1
        assert role_fonts[role] == font_of(ln) and ln.size == 16.0
    mark = next(ln for ln in lines if ln.text == "上海市宝山区教育局文件")
    assert abs(mark.em_top - 72) < 0.3


def test_signer_on_the_document_number_line(pdfs, role_fonts):
    page = pdfs["宝教〔2025〕15号"][0][0]
    row = next(ln for ln in text_lines(page) if "签发人" in ln.text)
    number, signer = row.segments(gap_em=2)
    assert number.text.replace(" ", "") == "宝教〔2025〕15号" and abs(number.x0 - (TYPE_LEFT_MM + CELL_MM)) < 0.3
    assert signer.text.replace(" ", "") == "签发人：王建国" and abs(signer.x1 - (TYPE_RIGHT_MM - CELL_MM)) < 0.5
    name = [c for c in signer.ink if c["text"] in "王建国"]
    label = [c for c in signer.ink if c["text"] in "签发人"]
    assert name and all(role_fonts["kaiti"] == c["fontname"] for c in name)
    assert label and all(role_fonts["fangsong"] == c["fontname"] for c in label)
    red = [r for r in page.rects if abs(mm(r["width"]) - 156) < 0.5 and r["non_stroking_color"] == (1, 0, 0)]
    assert red and abs(mm(red[0]["top"]) - number.em_bottom - 4) < 0.3  # the red rule 4 mm below


# -- every example ----------------------------------------------------------------------------------


def content_texts(name: str) -> list[tuple[str, str]]:
    """(field, text) of every text field of an example, as written (footnote markup removed)."""
    from gongwen.source import load_year

    year = EXAMPLES[name][0]
    out = []
    for doc in load_year(ROOT / "examples" / name / year):
        for _, _, field, text in doc.texts:
            if field == "条目编号" or re.fullmatch(r"附件\[\d+\](\.文件)?", field):
                continue  # settings and file names, not text of the document
            for piece in re.split(r"\^\[|\]", text):
                if piece.strip():
                    out.append((field, piece))
    return out


def pdf_text(pages) -> str:
    return squash("".join(ln.text for _, pt in pages for ln in pt.body + pt.footnotes))


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        parts = [etree.fromstring(z.read(n)) for n in ("word/document.xml", "word/footnotes.xml") if n in z.namelist()]
    return squash("".join(t.text or "" for p in parts for t in p.iter(q("t"))))


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_field_of_the_content_is_in_the_pdf_and_the_docx(name, built, pdfs):
    year, files = EXAMPLES[name]
    pdf = "".join(pdf_text(pdfs[f]) for f in files)
    docx = "".join(docx_text(built[name] / f"{f}.docx") for f in files)
    # a justified or distributed line spreads its characters: compare without white space
    missing_pdf = [(f, t) for f, t in content_texts(name) if squash(t) not in pdf]
    missing_docx = [(f, t) for f, t in content_texts(name) if squash(t) not in docx]
    assert not missing_pdf, f"in the content, not in the PDF: {missing_pdf}"
    assert not missing_docx, f"in the content, not in the DOCX: {missing_docx}"


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_pages_stay_inside_the_type_area_and_are_numbered(name, pdfs):
    for f in EXAMPLES[name][1]:
        for n, (page, pt) in enumerate(pdfs[f], 1):
            assert pt.page_number is not None and pt.page_number.text == f"— {n} —", (f, n)
            for ln in pt.body + pt.footnotes:
                assert TYPE_LEFT_MM - 0.2 <= ln.x0 and ln.x1 <= TYPE_RIGHT_MM + 0.2, (f, n, ln.text)
                assert TYPE_TOP_MM - 0.2 <= ln.em_top and ln.em_bottom <= TYPE_BOTTOM_MM + 0.2, (f, n, ln.text)


# -- the DOCX ---------------------------------------------------------------------------------------


def docx_parts(path: Path) -> dict:
    with zipfile.ZipFile(path) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xml")}


def paragraphs(doc) -> list[tuple[str, str]]:
    """(style id, text) of every paragraph of the body, tables included."""
    out = []
    for p in doc.iter(q("p")):
        st = p.find("w:pPr/w:pStyle", NS)
        out.append((st.get(q("val")) if st is not None else "Normal", "".join(t.text or "" for t in p.iter(q("t")))))
    return out


def test_docx_heading_levels_are_styles_with_outline_levels(built, tmp_path):
    docx = built["四级标题"] / "宝教〔2025〕6号.docx"
    parts = docx_parts(docx)
    styles = {s.get(q("styleId")): s for s in parts["word/styles.xml"].iter(q("style"))}
    for sid, level, name in (
        ("GwHeading1", "0", "一级标题"),
        ("GwHeading2", "1", "二级标题"),
        ("GwItem", None, "三级标题"),
        ("GwItem4", None, "四级标题"),
    ):
        assert styles[sid].find("w:name", NS).get(q("val")) == name
        outline = styles[sid].find("w:pPr/w:outlineLvl", NS)  # the navigation pane's tree: headings only
        assert (outline.get(q("val")) if outline is not None else None) == level
    assert "楷体" in styles["GwHeading2"].find("w:rPr/w:rFonts", NS).get(q("eastAsia"))
    levels = ("GwHeading1", "GwHeading2", "GwItem", "GwItem4")
    got = [
        (s.removesuffix("End"), t[:2])
        for s, t in paragraphs(parts["word/document.xml"])
        if s.removesuffix("End") in levels
    ]
    assert [t for _, t in got] == [
        "总体",
        "主要",
        "夯实",
        "升级",
        "建设",
        "学生",
        "教师",
        "深化",
        "推进",
        "建设",
        "提升",
        "保障",
        "加强",
        "强化",
    ]
    assert [s for s, t in got if t == "学生"] == ["GwItem4"]
    # the numbers are Word's: as LibreOffice displays them
    shown = [line[:5] for line in libreoffice_text(docx, tmp_path / "lo") if displayed_numbers([line])]
    assert [x for x in shown if not x.startswith("（2025")] == [
        "一、 总体",
        "二、 主要",
        "（一） 夯",
        "1. 升级",
        "2. 建设",
        "（1） 学",
        "（2） 教",
        "（二） 深",
        "3. 推进",
        "4. 建设",
        "（三） 提",
        "三、 保障",
        "5. 加强",
        "6. 强化",
    ]
    sub = [t for s, t in paragraphs(parts["word/document.xml"]) if s == "GwAttachSubtitle"]
    assert sub == ["（2025—2027年）"]


def test_docx_joint_mark_is_a_table_of_stacked_organs_and_the_suffix(built):
    doc = docx_parts(built["联合发文"] / "普教委〔2022〕12号.docx")["word/document.xml"]
    tbl = doc.find("w:body/w:tbl", NS)
    cells = tbl.findall("w:tr/w:tc", NS)
    assert [[("".join(t.text for t in p.iter(q("t")))) for p in c.findall("w:p", NS)] for c in cells] == [
        ORGANS,
        ["文件"],
    ]
    assert [p.find("w:pPr/w:jc", NS).get(q("val")) for p in cells[0].findall("w:p", NS)] == ["distribute"] * 2
    assert cells[1].find("w:tcPr/w:vAlign", NS).get(q("val")) == "center"


def test_docx_header_fields_come_first_in_their_styles(built):
    doc = docx_parts(built["上行文"] / "宝教〔2025〕15号.docx")["word/document.xml"]
    first = paragraphs(doc)[:5]
    assert first == [
        ("GwCopyNumber", "000012"),
        ("GwSecrecy", "秘密★1年"),
        ("GwUrgency", "特急"),
        ("GwMark", "上海市宝山区教育局文件"),
        ("GwDocNumber", "宝教〔2025〕15号签发人：王建国"),
    ]


@pytest.mark.parametrize("name", EXAMPLES)
def test_docx_children_in_schema_order(name, built):
    for f in EXAMPLES[name][1]:
        assert wml_order_problems(built[name] / f"{f}.docx") == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_docx_parts_are_schema_valid(name, built):
    """Every XML part against the ECMA-376 Transitional schemas, after markup compatibility (Word's way)."""
    from ooxml_validate import validate_docx

    for f in EXAMPLES[name][1]:
        assert validate_docx(built[name] / f"{f}.docx") == []


# -- LibreOffice's rendering of the DOCX -------------------------------------------------------------


def test_libreoffice_renders_the_joint_mark_stacked_and_centred(lo_pdfs):
    page = lo_pdfs["普教委〔2022〕12号"][0][0]
    organs, suffix = joint_mark(page)
    assert abs(organs[0].em_top - 72) < 1.5, organs[0].em_top
    assert abs(organs[0].x0 - organs[1].x0) < 0.5 and abs(organs[0].x1 - organs[1].x1) < 0.8
    assert suffix.x0 > organs[0].x1
    stack_centre = (organs[0].em_top + organs[-1].em_bottom) / 2
    assert abs((suffix.em_top + suffix.em_bottom) / 2 - stack_centre) < 1.0
    assert abs((organs[0].x0 + suffix.x1) / 2 - CENTRE_MM) < 1.0


def test_libreoffice_renders_the_header_fields_and_the_signer(lo_pdfs):
    page = lo_pdfs["宝教〔2025〕15号"][0][0]
    lines = text_lines(page)
    for k, text in enumerate(("000012", "秘密★1年", "特急")):
        ln = next(ln for ln in lines if ln.text.replace(" ", "") == text)
        box = TYPE_TOP_MM + k * PITCH_MM
        assert abs(ln.x0 - TYPE_LEFT_MM) < 0.3 and box - 0.5 < ln.em_top and ln.em_bottom < box + PITCH_MM + 0.5, text
    mark = next(ln for ln in lines if ln.text == "上海市宝山区教育局文件")
    assert abs(mark.em_top - 72) < 1.5, mark.em_top
    row = next(ln for ln in lines if "签发人" in ln.text)
    number, signer = row.segments(gap_em=2)
    assert abs(number.x0 - (TYPE_LEFT_MM + CELL_MM)) < 0.5, number.x0
    assert signer.text.replace(" ", "") == "签发人：王建国" and abs(signer.x1 - (TYPE_RIGHT_MM - CELL_MM)) < 1.0, (
        signer.x1
    )


def test_libreoffice_renders_every_level_with_its_font(lo_pdfs, role_fonts):
    p = lo_pdfs["宝教〔2025〕6号"]
    assert labels(p, L1) == ["一、", "二、", "三、"] and labels(p, L2) == ["（一）", "（二）", "（三）"]
    assert labels(p, L3) == [f"{i}." for i in range(1, 7)] and labels(p, L4) == ["（1）", "（2）"]
    for pattern, role in ((L1, "heiti"), (L2, "kaiti")):
        for _, ln in starting(p, pattern):
            # LibreOffice names a face of a CJK collection (.ttc) after the collection's first face
            # (Noto Sans CJK SC is written as NotoSansCJKjp-…): compare the family stem
            assert _norm(font_of(ln))[:8] == role_fonts[role].family[:8], (ln.text, font_of(ln))
            assert abs(ln.x0 - INDENT2_MM) < 0.5


def test_libreoffice_renders_joint_signatures_and_both_attachments(lo_pdfs):
    p = lo_pdfs["普教委〔2022〕12号"]
    lines = [ln for _, ln in body_lines(p)]
    date = next(ln for ln in lines if ln.text.replace(" ", "") == "2022年10月10日")
    row = next(ln for ln in lines if squash(ln.text) == "".join(ORGANS))
    left, right = row.segments(gap_em=0.9)
    # LibreOffice widens the digits of the date (it ignores autoSpaceDE), which moves the date's centre
    assert abs(right.centre - date.centre) < 4.0 and left.x1 < right.x0
    assert [ln.text.strip() for _, ln in body_lines(p) if ln.text.strip() in ("附件1", "附件2")] == ["附件1", "附件2"]


def test_libreoffice_renders_the_direct_plan_without_recipients(lo_pdfs):
    p = lo_pdfs["徐教〔2018〕1号"]
    text = squash("".join(ln.text for _, ln in body_lines(p)))
    assert "2018年徐汇区教育局工作要点2018年，徐汇教育工作" in text  # the 导语 follows the title directly
    assert "公开属性：主动公开" in text and "附件" not in text
    assert len(lo_pdfs["徐教〔2018〕2号"]) >= 1


ONE_MORE = (
    "为确保各项任务落到实处，各单位要建立健全工作责任制，明确分管领导和具体责任人，细化工作措施，加强督促"
    "检查，定期通报工作进展情况，及时研究解决工作中遇到的新情况新问题，确保各项目标任务按期完成，推动全区教育"
    "事业高质量发展，不断增强人民群众的获得感、幸福感和安全感。"
)


def closed_pitch_pages(pages) -> list[int]:
    """Pages (1-based) of a PDF whose body lines stand closer than the grid's 28.99 pt with no footnote on
    the page: the layout closed the pitch there to keep the 署名, a heading or the 版记 with the text
    (GB/T 9704 §7.3.5.5), measured from the baselines."""
    out = []
    for k, (page, text) in enumerate(pages, 1):
        base = sorted(ln.baseline for ln in text.body if ln.size >= 15.5)
        steps = [b - a for a, b in zip(base, base[1:]) if 7 < b - a < 11.5]  # mm; the grid's line is 10.23
        if steps and not text.footnotes and sorted(steps)[len(steps) // 2] < 10.19:
            out.append(k)
    return out


def test_page_counts_agree_with_one_paragraph_more(built, lo_pdfs, pdfs, tmp_path):
    """Each example as built, and with one paragraph of ~150 characters more at the end of its last body
    (the edit that once gave an 18-page DOCX with a 版记-only page beside a 17-page PDF): LibreOffice's
    rendering of the DOCX has the PDF's page count, and its 版记 shares the last page with body text.

    Where the PDF closed a page's line pitch to keep its end together (closed_pitch_pages), the DOCX has
    the same pitch on those paragraphs, but LibreOffice lays out the pages before differently (it spaces
    digits from Chinese and its footnote pages keep the grid): its rendering may then run one page longer,
    never shorter, with the 版记 still sharing its page with body text."""
    import shutil
    from gongwen.libreoffice import docx_to_pdf

    def last_node(d):
        for k in ("部分", "小节", "条目", "分项"):
            if d.get(k):
                return last_node(d[k][-1])
        return d

    def agree(name, ours, theirs):
        slack = 1 if closed_pitch_pages(ours) else 0
        assert len(ours) <= len(theirs) <= len(ours) + slack, (name, len(ours), len(theirs), closed_pitch_pages(ours))

    for f in pdfs:  # as built
        agree(f, pdfs[f], lo_pdfs[f])
    sources = {"2024": (ROOT / "content", "2024")} | {n: (ROOT / "examples" / n, y) for n, (y, _) in EXAMPLES.items()}
    for name, (root, year) in sources.items():
        content = tmp_path / name / "content"
        shutil.copytree(root / year, content / year)
        files = sorted(content.joinpath(year).glob("*.yaml"), key=lambda p: "发文字号" in p.read_text(encoding="utf-8"))
        target = files[0]  # an attachment if there is one, else the notice (a plan issued directly)
        data = yaml.safe_load(target.read_text(encoding="utf-8"))
        node = last_node(data)
        key = (
            "正文" if node is data and "发文字号" in data else ("内容" if "要点" in node or "内容" in node else "导语")
        )
        value = node.get(key)
        node[key] = ([value] if isinstance(value, str) else list(value or [])) + [ONE_MORE]
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        r = build("--content", str(content), "--year", year, "--output", str(tmp_path / name / "out"))
        assert r.returncode == 0, (name, r.stderr)
        conf = sorted((tmp_path / name / "out" / ".cache").glob("fontconfig-*/fonts-aliases.conf"))[0]
        for pdf in sorted((tmp_path / name / "out" / year).glob("*.pdf")):
            lo = docx_to_pdf(pdf.with_suffix(".docx"), tmp_path / name / "lo", conf, profile=tmp_path / "profile")
            with pdfplumber.open(pdf) as a, pdfplumber.open(lo) as b:
                agree((name, pdf.name), [(p, read_page(p)) for p in a.pages], b.pages)
                last = read_page(b.pages[-1])
                assert any("印发" in ln.text for ln in text_lines(b.pages[-1])), (name, pdf.name)
                assert [ln for ln in last.body if ln.size >= 15.5], (name, pdf.name)  # never the 版记 alone


def test_libreoffice_shows_the_first_words_of_the_text_on_page_one(lo_pdfs):
    """GB/T 9704 §7.3.1: the first page shows 正文 — in LibreOffice's rendering of each example's DOCX too,
    although the end of the 正文 is kept with the 署名 (a 正文 of one paragraph stays where it starts)."""
    from gongwen.model import walk
    from gongwen.source import load_year

    for name, (year, _) in EXAMPLES.items():
        for doc in load_year(ROOT / "examples" / name / year):
            n = doc.notice
            first = n.body[0].inlines if n.body else next(walk(n.sections)).heading
            words = "".join(getattr(x, "text", "") for x in first)[:8]
            page1 = squash("".join(ln.text for ln in text_lines(lo_pdfs[n.number.text][0][0])))
            assert words in page1, (n.number.text, words)

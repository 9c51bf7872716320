"""Layout rules one at a time, in process: a few paragraphs composed with the installed fonts (the house's
roles resolved as a build resolves them), positions asserted in pt. The end-to-end tests measure PDFs;
these say which rule broke.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from gongwen.fonts import resolve_fonts
from gongwen.house import load_house
from gongwen.layout import Composer, Row, Run

FULL = "坚持系统观念统筹推进各项改革任务形成上下联动协同推进的工作格局"  # 30 characters, no marks


@pytest.fixture(scope="module")
def c() -> Composer:
    house = load_house()
    return Composer(house, resolve_fonts(house["fonts"], Path(tempfile.mkdtemp())))


def lines_of(c, text, indent=0.0):
    return c.paragraph_lines([Run(text, c.body)], indent)


DRIFT = 0.3  # pt: a justified line is set this much under the width, for WeasyPrint's rounding (lines.py)


def test_a_line_holds_28_characters_justified_to_the_type_width(c):
    first = lines_of(c, FULL)[0]
    assert len(first.text) == 28
    assert 0 <= c.W - (first.x + first.width) < DRIFT


def test_the_last_line_of_a_paragraph_keeps_the_grid_spacing(c):
    last = lines_of(c, FULL)[-1]
    assert last.text == FULL[28:] and abs(last.letter_spacing - c.ls_grid) < 1e-6


def test_a_closing_mark_is_squeezed_onto_its_line_not_carried_to_the_next(c):
    lines = lines_of(c, FULL[:28] + "，" + FULL[:10])
    assert lines[0].text.endswith("，") and not lines[1].text.startswith("，")
    assert 0 <= c.W - (lines[0].x + lines[0].width) < DRIFT  # tightened, not past the margin


def test_an_opening_mark_never_ends_a_line(c):
    lines = lines_of(c, FULL[:27] + "“双减”" + FULL[:10])
    assert not lines[0].text.endswith("“") and lines[1].text.startswith("“")


def _page_rows(c, n_lines: int) -> list[Row]:
    """`n_lines` one-line paragraphs."""
    rows: list[Row] = []
    for _ in range(n_lines):
        rows += c.para_rows([Run(FULL[:20], c.body)], c.cell * 2)
    return rows


def test_a_heading_that_would_end_a_page_goes_over_with_its_two_lines(c):
    rows = _page_rows(c, 21)
    rows += c.para_rows([Run("一、总体要求", c.body)], c.cell * 2, kind="heading1", keep_next=True)
    rows += c.para_rows([Run(FULL * 3, c.body)], c.cell * 2)
    pages = c.paginate(rows, 0.0)
    first_page_last = max(pages[0].lines, key=lambda ln: ln.baseline)
    assert first_page_last.kind != "heading1"
    head = [ln for ln in pages[1].lines if ln.kind == "heading1"]
    assert head and len([ln for ln in pages[1].lines if ln.baseline > head[0].baseline]) >= 2


def test_a_signature_short_by_a_line_closes_the_pitch_within_the_bound(c):
    rows = _page_rows(c, 19)
    rows[-1].keep_next = True  # the last body line stays with the 署名 (as main_rows sets it)
    rows += c.signature_rows(["上海市宝山区教育局"], "2024年2月4日")
    pages = c.paginate(rows, 0.0)
    assert len(pages) == 1, [len(p.lines) for p in pages]
    assert float(c.h["body"]["min_line_pitch_pt"]) <= pages[0].pitch < c.P
    assert max(ln.baseline for ln in pages[0].lines) <= c.H


def test_a_signature_that_cannot_fit_takes_two_body_lines_along(c):
    rows = _page_rows(c, 20)
    rows += c.para_rows([Run(FULL + FULL[:10], c.body)], c.cell * 2)  # a paragraph of two lines ends the page
    rows[-1].keep_next = True
    rows += c.signature_rows(["上海市宝山区教育局"], "2024年2月4日")
    pages = c.paginate(rows, 0.0)
    assert len(pages) == 2 and pages[0].pitch == c.P
    body_on_two = [ln for ln in pages[1].lines if ln.kind == "body"]
    assert len(body_on_two) == 2


# -- geometry worked out once, read by the layout and the DOCX ----------------------------------------------


def test_a_mark_too_wide_for_the_type_area_is_set_smaller_to_fit_it(c):
    """§7.2.4: the mark at the house size unless wider than mark_max_width_mm; then exactly that wide."""
    maxw = c.h["header"]["mark_max_width_mm"] * 72 / 25.4
    short = c.mark_geometry(["上海市宝山区教育局"], "文件")
    assert short.size == c.h["sizes_pt"]["mark"] and short.width < maxw
    long = c.mark_geometry(["上海市宝山区教育局上海市宝山区人民政府办公室"], "文件")
    assert long.size < c.h["sizes_pt"]["mark"] and abs(long.width - maxw) < 0.01
    (line,), _ = c.issuer_mark(["上海市宝山区教育局上海市宝山区人民政府办公室"], "文件", 0.0, "#ff0000")
    assert line.style.size == long.size and abs(line.width - long.width) < 0.01  # placed as worked out


def test_a_joint_mark_places_its_organs_and_suffix_from_the_same_geometry(c):
    organs, suffix = ["上海市宝山区教育局", "上海市宝山区财政局", "共青团上海市宝山区委员会"], "文件"
    g = c.mark_geometry(organs, suffix)
    lines, bottom = c.issuer_mark(organs, suffix, 0.0, "#ff0000")
    names = [ln for ln in lines if ln.kind == "mark"]
    (sfx,) = [ln for ln in lines if ln.kind == "mark-suffix"]
    assert [ln.text for ln in names] == organs and all(abs(ln.width - g.names_em * g.size) < 0.01 for ln in names)
    assert abs(sfx.x - (names[0].x + (g.names_em + g.gap_em) * g.size)) < 0.01
    assert abs(names[0].x + g.width / 2 - c.W / 2) < 0.01  # centred as one block
    assert abs(bottom - ((len(organs) - 1) * g.line_em + 1) * g.size) < 0.01


def test_the_docx_sizes_its_mark_from_the_layouts_geometry(c):
    """The DOCX's 发文机关标志 style carries the size the layout set the mark in, for a mark that had to
    shrink (measured with the PDF's font, not counted in cells)."""
    import io
    import re
    import zipfile

    from gongwen.docx import DocxWriter
    from gongwen.layout import mark_geometry
    from gongwen.source import load_year
    from gongwen.transforms import cells, resolve

    root = Path(__file__).resolve().parent.parent
    doc = resolve(load_year(root / "examples" / "上行文" / "2025")[0], c.h)
    doc.notice.issuer_organs, doc.notice.issuer_suffix = ["上海市宝山区教育局WWWMMM上海市宝山区人民政府"], "文件"
    g = c.mark_geometry(doc.notice.issuer_organs, doc.notice.issuer_suffix)
    with zipfile.ZipFile(io.BytesIO(DocxWriter(doc, c.h, g).build())) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
    mark = re.search(r'w:styleId="GwMark".*?</w:style>', styles).group(0)
    assert int(re.search(r'<w:sz w:val="(\d+)"', mark).group(1)) == round(g.size * 2)
    assert g.size < c.h["sizes_pt"]["mark"]
    # counted in cells (W and M as half a character each) the size would differ (15.5 against 17.5 pt with
    # the open fonts): else this mark no longer tells the two measures apart — choose wider letters
    counted = mark_geometry(c.h, doc.notice.issuer_organs, doc.notice.issuer_suffix, cells)
    assert round(counted.size * 2) != round(g.size * 2)


def test_a_seal_keeps_its_proportions_at_the_house_diameter(c, tmp_path):
    from PIL import Image

    from gongwen.layout import seal_box

    d = c.h["body"]["seal_diameter_mm"] * 72 / 25.4
    Image.new("RGBA", (400, 200)).save(tmp_path / "wide.png")
    Image.new("RGBA", (100, 300)).save(tmp_path / "tall.png")
    assert seal_box(c.h, str(tmp_path / "wide.png")) == pytest.approx((d, d / 2))
    assert seal_box(c.h, str(tmp_path / "tall.png")) == pytest.approx((d / 3, d))

"""The OFD (GB/T 33190-2016) of the 2024 notice, read by readers nobody here wrote (easyofd and docvortex —
MinerU's OFD engine —, from PyPI) and compared with the PDF read by pdfplumber: the same pages, the same
lines of text on each page in the same order, the red mark, the 文号 and the red rule within 0.5 mm, each
glyph within 0.3 mm; no diagnostic from the strict reader; DocInfo from the content; the same bytes twice.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter, defaultdict

import pytest

from conftest import mm, text_lines


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def ofd_path(pdf_path):
    path = pdf_path.with_suffix(".ofd")
    assert path.is_file(), "build.py --year 2024 wrote no OFD beside the PDF"
    return path


def read_ofd(path) -> list[dict]:
    """Per page (in order): the text objects easyofd reads — (baseline mm, x mm, text, size mm, colour,
    DeltaX) — its path objects and the page size."""
    import logging

    logging.disable(logging.WARNING)
    from loguru import logger

    logger.remove()
    from easyofd.ofd import OFD

    o = OFD()
    o.read(str(path), fmt="path")
    doc = o.data[0]
    pages = []
    for k in sorted(doc["page_info"]):
        info = doc["page_info"][k]
        texts = [
            (
                t["pos"][1] + float(t["Y"] or 0),
                t["pos"][0],
                t["text"],
                t["size"],
                t["color"],
                [float(v) for v in (t["DeltaX"] or "").split()],
            )
            for t in info["text_list"]
        ]
        pages.append({"texts": texts, "paths": info["line_list"], "size": doc["page_size"][k]})
    return pages


@pytest.fixture(scope="module")
def ofd_pages(ofd_path):
    return read_ofd(ofd_path)


def docvortex_pages(path) -> tuple[list[str], list]:
    """The OFD as docvortex (MinerU's OFD engine, PyPI) reads it: each page's text in its reading order,
    white space removed, and the diagnostics of its strict package and page parser with its warnings."""
    from docvortex.analyzers.native.ofd.converter import OfdConverter
    from loguru import logger

    conv, warned = OfdConverter(), []
    sink = logger.add(lambda m: warned.append(m.record["message"]), level="WARNING")  # e.g. a font it cannot use
    try:
        with open(path, "rb") as f:
            conv.convert(f)
    finally:
        logger.remove(sink)
    texts = [
        _squash("".join(x["content"] for item in page for x in item["content"] if x.get("type") == "text"))
        for page in conv.pages
    ]
    return texts, conv.diagnostics + warned


def same_text_per_page(ofd_texts: list[str], pdf) -> None:
    """The same characters on each page as the PDF. (docvortex orders by position: a footnote call, set
    half an em high, and the rest of its line come out of the PDF's order, so the order is not compared.)"""
    assert len(ofd_texts) == len(pdf.pages)
    for k, (text, page) in enumerate(zip(ofd_texts, pdf.pages), 1):
        theirs = _squash("".join(ln.text for ln in text_lines(page)))
        assert Counter(text) == Counter(theirs), (k, (Counter(text) - Counter(theirs)), Counter(theirs) - Counter(text))


def lines_of(texts) -> list[str]:
    """Text objects on one baseline (within 0.3 mm) joined left to right: the page's lines, top down."""
    rows: dict[float, list] = defaultdict(list)
    for base, x, text, *_ in texts:
        key = next((b for b in rows if abs(b - base) < 0.3), base)
        rows[key].append((x, text))
    return [_squash("".join(t for _, t in sorted(v))) for _, v in sorted(rows.items())]


def test_the_ofd_has_the_pdfs_pages_on_a4(ofd_pages, pdf):
    assert len(ofd_pages) == len(pdf.pages) == 17
    assert all([round(v, 3) for v in p["size"]] == [0.0, 0.0, 210.0, 297.0] for p in ofd_pages)


def test_every_page_holds_the_pdfs_lines_in_the_same_order(ofd_pages, pdf):
    for k, (ours, page) in enumerate(zip(ofd_pages, pdf.pages), 1):
        pdf_lines = [_squash(ln.text) for ln in text_lines(page)]
        ofd_lines = lines_of(ours["texts"])
        merged_pdf = [x for x in pdf_lines if x]
        assert "".join(ofd_lines) == "".join(merged_pdf), (k, ofd_lines[:5], merged_pdf[:5])
        assert len(ofd_lines) == len(merged_pdf), (k, len(ofd_lines), len(merged_pdf))


def test_a_strict_reader_finds_nothing_wrong_and_the_same_text_on_each_page(ofd_path, pdf):
    """docvortex parses the package strictly (limits, references, resources) and reports each problem as a
    diagnostic: it reports none, and reads the PDF's 17 pages with the same text on each."""
    texts, diagnostics = docvortex_pages(ofd_path)
    assert diagnostics == []
    same_text_per_page(texts, pdf)


def ofd_ids(path) -> tuple[list[int], int]:
    """Every ID of the package (pages, resources, objects) and the MaxUnitID Document.xml declares."""
    from lxml import etree

    ids = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                root = etree.fromstring(z.read(name), etree.XMLParser(resolve_entities=False, no_network=True))
                ids += [int(el.get("ID")) for el in root.iter() if el.get("ID") is not None]
        doc = etree.fromstring(z.read("Doc_0/Document.xml"), etree.XMLParser(resolve_entities=False))
    return ids, int(doc.findtext(".//{http://www.ofdspec.org/2016}MaxUnitID"))


def test_every_id_is_unique_and_max_unit_id_is_the_largest(ofd_path):
    """GB/T 33190 §7.3 (ST_ID): an ID names one thing in the document — pages, fonts, the colour space,
    images and every object."""
    ids, max_id = ofd_ids(ofd_path)
    assert len(ids) > 300 and len(set(ids)) == len(ids), sorted(i for i in set(ids) if ids.count(i) > 1)[:10]
    assert max(ids) == max_id


def test_mark_number_and_red_rule_stand_where_the_pdf_has_them(ofd_pages, pdf):
    page = pdf.pages[0]
    lines = text_lines(page)
    mark = next(ln for ln in lines if _squash(ln.text) == "上海市宝山区教育局文件")
    number = next(ln for ln in lines if _squash(ln.text) == "宝教〔2024〕1号")
    texts = ofd_pages[0]["texts"]
    o_mark = next(t for t in texts if t[2] == "上海市宝山区教育局文件")
    o_num = next(t for t in texts if t[2].startswith("宝教"))
    assert abs(o_mark[0] - mark.baseline) < 0.5 and abs(o_mark[1] - mark.x0) < 0.5, (o_mark, mark.baseline, mark.x0)
    assert abs(o_num[0] - number.baseline) < 0.5 and abs(o_num[1] - number.x0) < 0.5
    assert tuple(o_mark[4]) == ("255", "0", "0")  # the mark red, as the PDF's
    red = [
        r
        for r in page.rects + page.lines
        if r.get("non_stroking_color") in ((1, 0, 0), [1, 0, 0], (1.0, 0.0, 0.0))
        or r.get("stroking_color") in ((1, 0, 0), [1, 0, 0])
    ]
    assert red, "the PDF's red rule"
    top = min(mm(r["top"]) for r in red)
    o_rule = next(p for p in ofd_pages[0]["paths"] if p["FillColor"] == ["255", "0", "0"])
    assert abs(o_rule["pos"][1] - top) < 0.5 and abs(o_rule["pos"][2] - 156) < 0.1, (o_rule["pos"], top)


def test_each_glyph_stands_where_the_pdf_draws_it(ofd_pages, pdf):
    """DeltaX comes from the composed advances: on every page each character's x (the run's X plus the
    DeltaX before it) is the x pdfplumber reads for that character in the PDF, within 0.3 mm."""
    checked = 0
    for k in (1, 5, 16):
        chars = [c for c in pdf.pages[k].chars if c["text"].strip()]
        for base, x0, text, size, _, deltas in ofd_pages[k]["texts"]:
            if len(text) < 10 or size < 5:
                continue
            xs = [x0]
            for d in deltas:
                xs.append(xs[-1] + d)
            line = sorted(
                (c for c in chars if abs(mm(c["bottom"]) - base) < 2.5 and c["text"] in text), key=lambda c: c["x0"]
            )
            pdf_x = {}
            for c in line:
                pdf_x.setdefault(c["text"], []).append(mm(c["x0"]))
            for ch, x in zip(text, xs):
                near = min((abs(x - px) for px in pdf_x.get(ch, [])), default=None)
                if near is not None:
                    assert near < 0.3, (k + 1, text, ch, x, pdf_x.get(ch))
                    checked += 1
    assert checked > 500


def test_docinfo_names_the_document_and_the_bytes_are_stable(ofd_path, pdf_path, tmp_path):
    from lxml import etree

    from conftest import build

    with zipfile.ZipFile(ofd_path) as z:
        root = etree.fromstring(z.read("OFD.xml"), etree.XMLParser(resolve_entities=False, no_network=True))
        names = z.namelist()
    ns = {"ofd": "http://www.ofdspec.org/2016"}
    assert (
        root.findtext(".//ofd:Title", namespaces=ns)
        == "上海市宝山区教育局关于下发《上海市宝山区教育局2024年工作意见》的通知"
    )
    assert root.findtext(".//ofd:Author", namespaces=ns) == "上海市宝山区教育局"
    assert root.findtext(".//ofd:Subject", namespaces=ns) == "宝教〔2024〕1号"
    assert root.findtext(".//ofd:CreationDate", namespaces=ns) == "2024-02-04"
    assert any(n.startswith("Doc_0/Res/font_") for n in names)
    r = build("--year", "2024", "--output", str(tmp_path), "--format", "ofd")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "2024" / ofd_path.name).read_bytes() == ofd_path.read_bytes()

"""`--variant archive`: beside the PDF/A, the OFD/A of GB/T 42133-2022 — read and drawn by programs nobody
here wrote. A 上行文 with an electronic seal (secrecy, urgency, 签发人, a 版记 of three rules) is built once,
as a user builds it; then:

* ofd2img (PyPI) draws the OFD and the OFD/A pages; poppler renders those and our PDF at the same scale.
  The red rule, the 版记's rules and the seal stand where the PDF has them, within 0.5 mm. (ofd2img draws
  no text of these files — it looks embedded fonts up by file name, not by the FontName the package
  declares — so the text positions are measured from easyofd's reading, as in test_ofd.py.)
* easyofd and docvortex (MinerU's OFD engine, a strict parser) read the OFD/A: the PDF's pages, the same
  text on each page, no diagnostic.
* what an archive checker asks (ofdrw-archive's and GB/T 42133's rules): DocType OFD-A, one DocBody, every
  font embedded in PublicRes as TrueType outlines that ReportLab registers, a
  declared RGB colour space, PNG seals, no actions, permissions or external references; DA/T 46 metadata
  from the content.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from conftest import ROOT, squash, text_lines
from test_ofd import docvortex_pages, lines_of, ofd_ids, read_ofd, same_text_per_page
from test_seal import make_seal

NS = {"ofd": "http://www.ofdspec.org/2016"}
NAME = "宝教〔2025〕15号"
W_PX, H_PX = 1240, 1754  # A4 at 150 dpi
PX_MM = 210 / W_PX


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("ofd_archive")
    content = tmp / "content" / "2025"
    shutil.copytree(ROOT / "examples" / "上行文" / "2025", content)
    seal = make_seal(tmp / "seal.png")
    notice = content / "notice.yaml"
    notice.write_text(notice.read_text(encoding="utf-8") + f"\n印章:\n  - {seal}\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "build.py", "--year", "2025", "--content", str(tmp / "content"), "--output", str(tmp / "out")]
        + ["--variant", "archive"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert f"{NAME}-存档.ofd" in r.stdout and "OFD/A" in r.stdout, r.stdout
    return tmp / "out" / "2025"


def _xml(z: zipfile.ZipFile, name: str):
    return etree.fromstring(z.read(name), etree.XMLParser(resolve_entities=False, no_network=True))


def test_the_archive_variant_declares_ofd_a_and_the_ordinary_ofd_does_not(built):
    with zipfile.ZipFile(built / f"{NAME}-存档.ofd") as z:
        root = _xml(z, "OFD.xml")
        assert root.get("DocType") == "OFD-A"  # GB/T 42133 §6.2.1 a
        assert len(root.findall("ofd:DocBody", NS)) == 1  # §6.2.1 c
    with zipfile.ZipFile(built / f"{NAME}.ofd") as z:
        assert _xml(z, "OFD.xml").get("DocType") == "OFD"  # the exchange copy keeps GB/T 33190's value


def test_the_archive_metadata_is_the_documents_under_da_t_46_names(built):
    with pdfplumber.open(built / f"{NAME}.pdf") as pdf:
        n_pages = len(pdf.pages)
    with zipfile.ZipFile(built / f"{NAME}-存档.ofd") as z:
        info = _xml(z, "OFD.xml").find(".//ofd:DocInfo", NS)
    custom = {c.get("Name"): c.text for c in info.findall("ofd:CustomDatas/ofd:CustomData", NS)}
    assert custom == {
        "题名": "上海市宝山区教育局关于2025年暑期中小学校舍维修改造工程资金的请示",
        "文件编号": NAME,
        "责任者": "上海市宝山区教育局",
        "日期": "2025-04-18",
        "文种": "请示",
        "紧急程度": "特急",
        "密级": "秘密",
        "保密期限": "1年",
        "主送": "区人民政府",
        "页数": str(n_pages),
    }
    # DocInfo's children in the order of GB/T 33190's schema (CT_DocInfo)
    order = ["DocID", "Title", "Author", "Subject", "Abstract", "CreationDate", "ModDate", "DocUsage", "Cover"]
    order += ["Keywords", "Creator", "CreatorVersion", "CustomDatas"]
    tags = [etree.QName(c).localname for c in info]
    assert tags == [t for t in order if t in tags], tags


def test_the_archive_package_holds_nothing_an_archive_refuses(built):
    with zipfile.ZipFile(built / f"{NAME}-存档.ofd") as z:
        names = set(z.namelist())
        xml = {n: z.read(n).decode("utf-8") for n in names if n.endswith(".xml")}
        doc = _xml(z, "Doc_0/Document.xml")
        res = _xml(z, "Doc_0/PublicRes.xml")
        assert doc.findtext(".//ofd:CommonData/ofd:PageArea/ofd:PhysicalBox", namespaces=NS) == "0 0 210 297"
        cs = res.find("ofd:ColorSpaces/ofd:ColorSpace", NS)
        assert cs.get("Type") == "RGB" and doc.findtext(".//ofd:DefaultCS", namespaces=NS) == cs.get("ID")
        media = _xml(z, "Doc_0/DocumentRes.xml").findall(".//ofd:MultiMedia", NS)
        assert media and all(m.get("Type") == "Image" for m in media)
        for m in media:
            assert z.read("Doc_0/Res/" + m.findtext("ofd:MediaFile", namespaces=NS))[:4] == b"\x89PNG"  # §6.2.6 e
    for name, text in xml.items():
        for word in ("Actions", "Permissions", "VPreferences", "Extensions", "Signatures", "Attachments"):
            assert f"<ofd:{word}" not in text, (name, word)  # §6.2.2
        assert "http://" not in text.replace(NS["ofd"], ""), name  # §6.1: everything inside the package
    assert not any(n.lower().startswith("encrypt") or "/Encrypt" in n for n in names)  # §6.16
    ids, max_id = ofd_ids(built / f"{NAME}-存档.ofd")
    assert len(set(ids)) == len(ids) and max(ids) == max_id  # the seal and the colour space included


def test_the_archive_fonts_are_truetype_subsets_that_reportlab_registers(built):
    """§6.2.6 b/c: every font embedded, as a subset keeping glyf and loca. ReportLab (which cannot read CFF
    outlines) registers each one; each glyph's outline box is the PDF font's within 1% of the em."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont
    from reportlab.pdfbase.ttfonts import TTFont as RLFont

    def boxes(data: bytes) -> dict[str, tuple]:
        f = TTFont(io.BytesIO(data))
        gs, out = f.getGlyphSet(), {}
        for code, name in f.getBestCmap().items():
            pen = BoundsPen(gs)
            gs[name].draw(pen)
            out[chr(code)] = (pen.bounds, f["head"].unitsPerEm)
        return out

    with zipfile.ZipFile(built / f"{NAME}-存档.ofd") as za, zipfile.ZipFile(built / f"{NAME}.ofd") as zo:
        fonts_a = _xml(za, "Doc_0/PublicRes.xml").findall(".//ofd:Font", NS)
        fonts_o = {f.get("ID"): f for f in _xml(zo, "Doc_0/PublicRes.xml").findall(".//ofd:Font", NS)}
        assert fonts_a
        compared = 0
        for font in fonts_a:
            data = za.read("Doc_0/Res/" + font.findtext("ofd:FontFile", namespaces=NS))
            tt = TTFont(io.BytesIO(data))
            assert data[:4] == b"\x00\x01\x00\x00" and "glyf" in tt and "loca" in tt and "CFF " not in tt
            assert {"cmap", "head", "hhea", "hmtx", "maxp", "name", "OS/2", "post"} <= set(tt.keys())
            path = Path(built) / f"check-{font.get('ID')}.ttf"
            path.write_bytes(data)
            RLFont(f"gw{font.get('ID')}", str(path))  # raises on a font it cannot use
            path.unlink()
            twin = fonts_o[font.get("ID")]  # the same face: IDs are given in the order of use
            original = boxes(zo.read("Doc_0/Res/" + twin.findtext("ofd:FontFile", namespaces=NS)))
            for ch, (b, upm) in boxes(data).items():
                ob, _ = original[ch]
                if b is None or ob is None:
                    assert b == ob, ch
                    continue
                assert max(abs(x - y) for x, y in zip(b, ob)) <= 0.01 * upm, (font.get("FontName"), ch, b, ob)
                compared += 1
    assert compared > 100


def test_docvortex_reads_the_archive_copy_without_a_diagnostic(built):
    texts, diagnostics = docvortex_pages(built / f"{NAME}-存档.ofd")
    assert diagnostics == []
    with pdfplumber.open(built / f"{NAME}.pdf") as pdf:
        same_text_per_page(texts, pdf)


def test_easyofd_reads_the_archive_copy_with_the_pdfs_pages_and_text(built):
    pages = read_ofd(built / f"{NAME}-存档.ofd")
    with pdfplumber.open(built / f"{NAME}.pdf") as pdf:
        assert len(pages) == len(pdf.pages) == 2
        for ours, page in zip(pages, pdf.pages):
            assert [round(v, 3) for v in ours["size"]] == [0.0, 0.0, 210.0, 297.0]
            theirs = [squash(ln.text) for ln in text_lines(page)]
            assert "".join(lines_of(ours["texts"])) == "".join(t for t in theirs if t)


# -- drawn by an independent renderer ---------------------------------------------------------------------


def _render(pdf: Path, page: int, tmp: Path):
    from PIL import Image

    stem = tmp / f"{pdf.stem}-{page}"
    subprocess.run(
        ["pdftoppm", "-png", "-f", str(page), "-l", str(page), "-singlefile"]
        + ["-scale-to-x", str(W_PX), "-scale-to-y", str(H_PX), str(pdf), str(stem)],
        check=True,
        timeout=120,
    )
    with Image.open(f"{stem}.png") as im:
        return im.convert("RGB")


def _mask(im, red: bool):
    from PIL import ImageChops

    r, g, b = im.split()
    if red:
        return ImageChops.multiply(
            ImageChops.multiply(r.point(lambda v: 255 if v > 150 else 0), g.point(lambda v: 255 if v < 110 else 0)),
            b.point(lambda v: 255 if v < 110 else 0),
        )
    return im.convert("L").point(lambda v: 255 if v < 110 else 0)


def _rules(mask) -> list[tuple[float, float, float]]:
    """Rows where ink spans most of the 版心's width, grouped (a rule drawn as its outline is one rule:
    rows less than 1 mm apart): (centre y, left x, right x) in mm."""
    from PIL import Image

    col = mask.resize((1, mask.height), Image.BOX)
    rows = [y for y in range(mask.height) if col.getpixel((0, y)) > 0.6 * 255]
    groups: list[list[int]] = []
    for y in rows:
        if groups and (y - groups[-1][-1]) * PX_MM <= 1.0:
            groups[-1].append(y)
        else:
            groups.append([y])
    out = []
    for g in groups:
        x0, _, x1, _ = mask.crop((0, g[0], mask.width, g[-1] + 1)).getbbox()
        out.append(((g[0] + g[-1] + 1) / 2 * PX_MM, x0 * PX_MM, x1 * PX_MM))
    return out


@pytest.fixture(scope="module")
def drawn(built, tmp_path_factory) -> dict[str, Path]:
    """Each OFD drawn by ofd2img into a PDF of its own (its own page scale)."""
    import logging

    logging.disable(logging.WARNING)
    from loguru import logger

    logger.remove()
    from ofd2img import OFD

    tmp = tmp_path_factory.mktemp("ofd2img")
    out = {}
    for suffix in ("", "-存档"):
        o = OFD()
        o.read(str(built / f"{NAME}{suffix}.ofd"), fmt="path")
        target = tmp / f"drawn{suffix or '-交换'}.pdf"
        target.write_bytes(o.to_pdf())
        out[suffix] = target
    return out


@pytest.mark.parametrize("suffix", ["", "-存档"], ids=["ofd", "ofd-a"])
def test_an_independent_renderer_draws_rules_and_seal_where_the_pdf_has_them(built, drawn, suffix, tmp_path):
    pdf = built / f"{NAME}.pdf"
    theirs = drawn[suffix]
    # page 1: the red rule under the 文号 (the PDF's red also holds the mark's text: rows of wide ink only)
    (r_pdf,) = _rules(_mask(_render(pdf, 1, tmp_path), red=True))
    (r_ofd,) = _rules(_mask(_render(theirs, 1, tmp_path), red=True))
    assert max(abs(a - b) for a, b in zip(r_pdf, r_ofd)) < 0.5, (r_pdf, r_ofd)
    assert abs(r_pdf[2] - r_pdf[1] - 156) < 0.5  # as wide as the 版心
    # page 2: the 版记's rules, and the seal (the only red on that page)
    ours2, drawn2 = _render(pdf, 2, tmp_path), _render(theirs, 2, tmp_path)
    b_pdf, b_ofd = _rules(_mask(ours2, red=False)), _rules(_mask(drawn2, red=False))
    assert len(b_pdf) == len(b_ofd) == 3, (b_pdf, b_ofd)
    for a, b in zip(b_pdf, b_ofd):
        assert max(abs(x - y) for x, y in zip(a, b)) < 0.5, (a, b)
    s_pdf, s_ofd = _mask(ours2, red=True).getbbox(), _mask(drawn2, red=True).getbbox()
    assert s_pdf and s_ofd
    assert max(abs(a - b) for a, b in zip(s_pdf, s_ofd)) * PX_MM < 0.5, (s_pdf, s_ofd)
    with pdfplumber.open(pdf) as doc:
        (im,) = doc.pages[1].images  # the seal as the PDF places it: 42 mm across, its ink inside
    box = [im["x0"], im["top"], im["x1"], im["bottom"]]
    assert abs((box[2] - box[0]) * 25.4 / 72 - 42) < 0.1
    ink = [v * PX_MM for v in s_pdf]
    assert all(abs(a - b * 25.4 / 72) < 2.0 for a, b in zip(ink, box)), (ink, box)


def test_the_variants_are_written_without_the_ordinary_pdf(tmp_path):
    """`--format ofd --variant archive`: the OFD, and the archive's PDF/A and OFD/A from the same pages —
    byte for byte what a full build writes (the OFDs do not depend on the PDF being drawn)."""
    from conftest import build

    args = ["--content", "examples/上行文", "--year", "2025", "--variant", "archive"]
    r = build(*args, "--output", str(tmp_path / "all"))
    assert r.returncode == 0, r.stderr
    r = build(*args, "--output", str(tmp_path / "v"), "--format", "ofd")
    assert r.returncode == 0, r.stderr
    out, full = tmp_path / "v" / "2025", tmp_path / "all" / "2025"
    assert sorted(p.name for p in out.iterdir()) == [f"{NAME}-存档.ofd", f"{NAME}-存档.pdf", f"{NAME}.ofd"]
    for name in (f"{NAME}.ofd", f"{NAME}-存档.ofd"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    with pdfplumber.open(out / f"{NAME}-存档.pdf") as pdf:
        assert len(pdf.pages) == len(read_ofd(out / f"{NAME}-存档.ofd")) == 2


def test_a_font_that_cannot_be_redrawn_stops_the_archive_copy_with_a_clear_message(monkeypatch, tmp_path):
    """A font fontTools cannot convert (a broken one given with --font-dir): the build says which font and
    what to do, in Chinese, instead of a traceback."""
    import tempfile as tf

    from gongwen.errors import BuildError
    from gongwen.fonts import resolve_fonts
    from gongwen.house import load_house
    from gongwen.layout import Composer
    from gongwen.ofd import writer
    from gongwen.source import load_year
    from gongwen.transforms import resolve

    def broken(data: bytes) -> bytes:
        raise ValueError("bad CFF charstring")

    monkeypatch.setattr(writer, "truetype_outlines", broken)
    house = load_house()
    fonts = resolve_fonts(house["fonts"], Path(tf.mkdtemp(dir=tmp_path)))
    doc = resolve(load_year(ROOT / "examples" / "上行文" / "2025")[0], house)
    pages = Composer(house, fonts).compose(doc)
    with pytest.raises(BuildError) as err:
        writer.ofd_bytes(doc, house, fonts, pages, archival=True)
    assert "无法转换为 TrueType" in str(err.value) and "--variant archive" in str(err.value)
    assert writer.ofd_bytes(doc, house, fonts, pages)[:2] == b"PK"  # the exchange copy does not convert

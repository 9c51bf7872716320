"""The electronic seal (§7.3.5.1): red, upright, centred on its 署名 and pressing the 署名 and the date
(both below the seal's centre), its top within one line of the text above; one per organ in a joint
document, aligned and not touching; in the PDF and as a floating picture in the DOCX; bad images refused."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from conftest import ROOT, TYPE_LEFT_MM, mm, read_page, text_lines

PITCH_MM = 225 / 22
D_MM = 42.0  # house: seal_diameter_mm


def make_seal(path: Path, colour=(230, 0, 18, 255), background=(0, 0, 0, 0), size: int = 496) -> Path:
    from PIL import Image, ImageDraw

    im = Image.new("RGBA", (size, size), background)
    d = ImageDraw.Draw(im)
    d.ellipse([8, 8, size - 8, size - 8], outline=colour, width=max(4, size // 35))
    c, r = size / 2, size / 7
    pts = [
        (
            c + r * (1 if k % 2 == 0 else 0.4) * math.cos(math.radians(-90 + 36 * k)),
            c + r * (1 if k % 2 == 0 else 0.4) * math.sin(math.radians(-90 + 36 * k)),
        )
        for k in range(10)
    ]
    d.polygon(pts, fill=colour)
    im.save(path)
    return path


def build(tmp: Path, example: str, year: str, seals: list[str], fmt: str = "all"):
    content = tmp / "content"
    shutil.copytree(ROOT / "examples" / example / year, content / year)
    notice = content / year / "notice.yaml"
    notice.write_text(
        notice.read_text(encoding="utf-8") + "\n印章:\n" + "".join(f"  - {s}\n" for s in seals), encoding="utf-8"
    )
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--year",
            year,
            "--content",
            str(content),
            "--output",
            str(tmp / "out"),
            "--format",
            fmt,
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    ), tmp / "out" / year


def seal_boxes(page) -> list[tuple[float, float, float, float]]:
    """(x0, top, x1, bottom) in mm of every image on a page."""
    return [(mm(i["x0"]), mm(i["top"]), mm(i["x1"]), mm(i["bottom"])) for i in page.images]


def test_a_single_seal_presses_the_signature_and_the_date(tmp_path):
    seal = make_seal(tmp_path / "seal.png")
    r, out = build(tmp_path, "上行文", "2025", [str(seal)])
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(out / "宝教〔2025〕15号.pdf") as pdf:
        page = next(p for p in pdf.pages if p.images)
        ((x0, top, x1, bottom),) = seal_boxes(page)
        assert abs((x1 - x0) - D_MM) < 0.2 and abs((bottom - top) - D_MM) < 0.2
        lines = text_lines(page)
        sig = next(ln for ln in lines if ln.text.replace(" ", "") == "上海市宝山区教育局")
        date = next(ln for ln in lines if ln.text.replace(" ", "") == "2025年4月18日")
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2
        assert abs(cx - sig.centre) < 0.5 and abs(cx - date.centre) < 0.5  # centred on both
        assert cy < sig.em_top + 2 and sig.em_bottom < bottom and date.em_bottom < bottom  # 署名, date under it
        assert sig.baseline > cy and date.baseline > cy  # …below its centre
        above = [ln for ln in read_page(page).body if ln.em_bottom < top + 0.1 and ln.size >= 15.5]
        gap = top - max(ln.baseline + (PITCH_MM / 2 - mm(0.38 * 16)) for ln in above)
        assert 0 <= gap <= PITCH_MM, gap  # its top within one line of the text above


def test_joint_seals_one_per_organ_aligned_and_not_touching(tmp_path):
    seal = make_seal(tmp_path / "seal.png")
    r, out = build(tmp_path, "联合发文", "2022", [str(seal), str(seal)])
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(out / "普教委〔2022〕12号.pdf") as pdf:
        page = next(p for p in pdf.pages if p.images)
        boxes = sorted(seal_boxes(page))
        assert len(boxes) == 2
        (a0, at, a1, ab), (b0, bt, b1, bb) = boxes
        assert abs(at - bt) < 0.1  # aligned
        assert a1 < b0  # not touching
        assert a0 >= TYPE_LEFT_MM - 0.5 and b1 <= TYPE_LEFT_MM + 156 + 0.5  # inside the 版心
        row = next(ln for ln in text_lines(page) if "中共上海市普陀区教育工作委员会" in ln.text.replace(" ", ""))
        left, right = row.segments(gap_em=0.9)
        assert abs((a0 + a1) / 2 - left.centre) < 0.5 and abs((b0 + b1) / 2 - right.centre) < 0.5


def test_the_docx_carries_floating_seals_that_libreoffice_draws(tmp_path):
    from gongwen.libreoffice import docx_to_pdf
    from ooxml_validate import validate_docx

    seal = make_seal(tmp_path / "seal.png")
    r, out = build(tmp_path, "联合发文", "2022", [str(seal), str(seal)], fmt="docx")
    assert r.returncode == 0, r.stderr
    docx = out / "普教委〔2022〕12号.docx"
    assert validate_docx(docx) == []
    with zipfile.ZipFile(docx) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    ns = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
    pics = [a for a in doc.iter("{%s}anchor" % ns["wp"]) if a.find("wp:wrapNone", ns) is not None]
    assert len(pics) == 2 and media and all(a.get("behindDoc") == "0" for a in pics)  # in front of the text
    conf = sorted((out.parent / ".cache").glob("fontconfig-*/fonts-aliases.conf"))[0]
    path = docx_to_pdf(docx, tmp_path / "lo", conf, profile=tmp_path / "lo" / "profile")
    with pdfplumber.open(path) as pdf:
        page = next(p for p in pdf.pages if p.images)
        boxes = sorted(seal_boxes(page))
        assert len(boxes) == 2 and all(abs((b[2] - b[0]) - D_MM) < 0.5 for b in boxes)
        row = next(ln for ln in text_lines(page) if "中共上海市普陀区教育工作委员会" in ln.text.replace(" ", ""))
        left, right = row.segments(gap_em=0.9)
        assert abs((boxes[0][0] + boxes[0][2]) / 2 - left.centre) < 3
        assert abs((boxes[1][0] + boxes[1][2]) / 2 - right.centre) < 3
        assert all(b[1] < row.baseline < b[3] for b in boxes)  # each presses its 署名


@pytest.mark.parametrize(
    "kind,words",
    [
        ("missing", "找不到印章图片"),
        ("jpeg", "PNG"),
        ("huge", "过大"),
        ("blue", "红色"),
        ("opaque", "透明"),
    ],
)
def test_bad_seal_images_are_refused_clearly(tmp_path, kind, words):
    from PIL import Image

    path = tmp_path / "seal.png"
    if kind == "jpeg":
        Image.new("RGB", (100, 100), (230, 0, 18)).save(path, format="JPEG")
    elif kind == "huge":
        make_seal(path, size=4200)
    elif kind == "blue":
        make_seal(path, colour=(0, 60, 200, 255))
    elif kind == "opaque":
        make_seal(path, background=(255, 255, 255, 255))
    r, out = build(tmp_path, "上行文", "2025", [str(path)])
    assert r.returncode == 2 and "「印章」" in r.stderr and words in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and not out.exists()

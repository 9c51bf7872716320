"""Printing and distribution: duplex layout (the 版记 on an even page, unnumbered after a blank face), the
print-shop PDF (PDF/X-4, DeviceCMYK only, red 0/100/100/0, black as pure K, output intent, TrimBox A4), the
archival PDF (PDF/A-2b with its XMP fields), numbered copies, and printing through CUPS."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from conftest import ROOT, TYPE_BOTTOM_MM, mm, read_page, text_lines

NAME = "宝教〔2024〕1号"


def run(*args, cwd=ROOT, timeout=300):
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def duplex_house(tmp: Path, on: bool) -> Path:
    text = (ROOT / "styles" / "house.yaml").read_text(encoding="utf-8")
    path = tmp / "house.yaml"
    path.write_text(re.sub(r"(?m)^  duplex: \w+", f"  duplex: {'true' if on else 'false'}", text), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("variants")
    r = run(
        "--year", "2024", "--output", str(out), "--variant", "print", "--variant", "archive", "--format", "pdf", "-q"
    )
    assert r.returncode == 0, r.stderr
    return out / "2024"


@pytest.fixture(scope="module")
def duplex(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("duplex")
    r = run("--year", "2024", "--output", str(tmp / "out"), "--house", str(duplex_house(tmp, True)), "-q")
    assert r.returncode == 0, r.stderr
    return tmp / "out" / "2024"


def colophon_page_facts(page) -> tuple[bool, bool, list[str]]:
    """(has a page number, has body text, texts) of a page."""
    pt = read_page(page)
    texts = [ln.text.replace(" ", "") for ln in text_lines(page)]
    body16 = [ln for ln in pt.body if ln.size >= 15.5]
    return pt.page_number is not None, bool(body16), texts


def test_duplex_puts_the_colophon_on_an_unnumbered_even_page(duplex):
    with pdfplumber.open(duplex / f"{NAME}.pdf") as pdf:
        assert len(pdf.pages) == 18  # the text ends on page 17 (odd): the 版记 goes to the back face
        numbered, body, texts = colophon_page_facts(pdf.pages[-1])
        assert not numbered and not body, texts
        assert any(t.endswith("2024年2月4日印发") for t in texts) and "共印350份" in texts
        rules = sorted(mm(r["top"] + r["height"]) for r in pdf.pages[-1].rects if abs(mm(r["width"]) - 156) < 0.5)
        assert abs(rules[-1] - TYPE_BOTTOM_MM) < 0.3  # its last rule on the 版心 bottom edge
        numbered17, body17, texts17 = colophon_page_facts(pdf.pages[16])
        assert numbered17 and body17 and not any("印发" in t for t in texts17)


def test_duplex_in_libreoffices_rendering_of_the_docx(duplex, tmp_path):
    from gongwen.libreoffice import docx_to_pdf

    conf = sorted((duplex.parent / ".cache").glob("fontconfig-*/fonts-aliases.conf"))[0]
    path = docx_to_pdf(duplex / f"{NAME}.docx", tmp_path, conf, profile=tmp_path / "profile")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) % 2 == 0
        numbered, body, texts = colophon_page_facts(pdf.pages[-1])
        assert not numbered and not body and any("印发" in t for t in texts), texts
        assert colophon_page_facts(pdf.pages[-2])[0]  # the page before is numbered


def test_duplex_leaves_a_document_ending_on_an_even_page_alone(tmp_path):
    r = run(
        "--year",
        "2025",
        "--content",
        str(ROOT / "examples" / "上行文"),
        "--output",
        str(tmp_path / "out"),
        "--house",
        str(duplex_house(tmp_path, True)),
        "--format",
        "pdf",
        "-q",
    )
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(tmp_path / "out" / "2025" / "宝教〔2025〕15号.pdf") as pdf:
        assert len(pdf.pages) == 2 and read_page(pdf.pages[-1]).page_number is not None


def content_operators(pdf_path: Path) -> set[str]:
    ops = set()
    reader = pypdf.PdfReader(pdf_path)
    for page in reader.pages:
        data = page.get_contents().get_data().decode("latin-1")
        ops |= set(re.findall(r"(?:[-\d.]+ ){1,4}(?:rg|RG|k|K|g|G|sc|SC|scn|SCN)\b", data))
        ops |= {f"cs {m}" for m in re.findall(r"/(\w+) (?:cs|CS)\b", data)}
    return ops


def test_print_variant_is_pdfx_in_cmyk_only(variants):
    path = variants / f"{NAME}-印刷.pdf"
    ops = content_operators(path)
    assert not any(o.endswith((" rg", " RG", " g", " G")) for o in ops), ops  # no RGB or gray anywhere
    assert {o.split(" cs")[0] for o in ops if o.startswith("cs ")} <= {"cs DeviceCMYK"} or all(
        o in ("cs DeviceCMYK",) for o in ops if o.startswith("cs ")
    ), ops
    colours = {o.rsplit(" ", 1)[0].strip() for o in ops if o.endswith((" scn", " sc", " k"))}
    assert colours == {"0 1 1 0", "0 0 0 1"}, colours  # the house red, and black as pure K
    reader = pypdf.PdfReader(path)
    root = reader.trailer["/Root"]
    intents = [oi.get_object() for oi in root.get("/OutputIntents", [])]
    assert intents and intents[0]["/S"] == "/GTS_PDFX" and "/DestOutputProfile" in intents[0]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "PDF/X-4" in xmp
    for page in reader.pages:
        assert [round(float(v), 1) for v in page.trimbox] == [0, 0, 595.3, 841.9]  # TrimBox = A4
    fonts = [f.get_object() for p in reader.pages for f in p["/Resources"]["/Font"].values()]
    assert all(
        "/FontFile" in str(f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object().keys())
        or "/FontFile2" in f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        or "/FontFile3" in f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for f in fonts
        if "/DescendantFonts" in f
    )


def test_the_variants_are_the_same_bytes_from_the_same_content(variants, tmp_path):
    """Built again (the print variant alone this time), the PDF/X and the PDF/A are byte-identical: the
    PDF/X's XMP dates are the 成文日期 and its DocumentID is made from the document, not drawn at random."""
    r = run("--year", "2024", "--output", str(tmp_path), "--variant", "print", "--variant", "archive", "-q")
    assert r.returncode == 0, r.stderr
    for suffix in ("-印刷.pdf", "-存档.pdf", ".pdf"):
        assert (tmp_path / "2024" / f"{NAME}{suffix}").read_bytes() == (variants / f"{NAME}{suffix}").read_bytes()
    xmp = pypdf.PdfReader(variants / f"{NAME}-印刷.pdf").trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"2024-02-04" in xmp and b"xmp.did:" in xmp


def test_archive_variant_is_pdfa_with_its_metadata(variants):
    reader = pypdf.PdfReader(variants / f"{NAME}-存档.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "上海市宝山区教育局关于下发《上海市宝山区教育局2024年工作意见》的通知" in xmp  # dc:title
    assert "<rdf:li>上海市宝山区教育局</rdf:li>" in xmp  # dc:creator, the 发文机关
    assert "宝教〔2024〕1号" in xmp.split("dc:description")[1] and "宝教〔2024〕1号" in xmp.split("pdf:Keywords")[1]
    assert reader.trailer["/Root"].get("/OutputIntents")  # PDF/A's sRGB intent
    info = reader.metadata
    assert info["/Subject"] == "宝教〔2024〕1号" and info["/Author"] == "上海市宝山区教育局"


def test_numbered_copies_each_carry_their_own_copy_number(tmp_path):
    r = run(
        "--year",
        "2025",
        "--content",
        str(ROOT / "examples" / "上行文"),
        "--output",
        str(tmp_path),
        "--copies-pdf",
        "--copies",
        "4",
        "--house",
        str(duplex_house(tmp_path, True)),
        "--format",
        "pdf",
        "-q",
    )
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(tmp_path / "2025" / "宝教〔2025〕15号-分份.pdf") as pdf:
        assert len(pdf.pages) == 4 * 2  # four copies of a two-page document
        for k in range(4):
            first = [ln.text for ln in text_lines(pdf.pages[2 * k])]
            assert first[0].replace(" ", "") == f"{k + 1:06d}", first[:2]  # 份号, line 1, top left
            assert any("上海市宝山区教育局文件" in t for t in first)
    r = run("--year", "2024", "--output", str(tmp_path), "--copies-pdf", "--format", "pdf")
    assert r.returncode == 1 and "没有份号" in r.stderr  # a document without 份号 has no numbered copies


def test_print_dry_run_shows_the_command_and_the_pages(tmp_path):
    r = run("--year", "2024", "--output", str(tmp_path), "--print", "--dry-run", "--format", "pdf")
    assert r.returncode == 0, r.stderr
    assert "lp -n 350 -o media=A4 -o fit-to-page=false -o print-scaling=none -o sides=two-sided-long-edge" in r.stdout
    assert "17 页 × 350 份" in r.stdout and "未打印" in r.stdout


@pytest.fixture(scope="module")
def cups_printer():
    """A cups-pdf virtual printer on a running CUPS server (started here when it is not running)."""
    for tool in ("cupsd", "lpadmin", "lp", "lpstat"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            pytest.fail(f"{tool} is missing: run bash scripts/setup.sh --test (cups, printer-driver-cups-pdf)")
    if subprocess.run(["lpstat", "-r"], capture_output=True, text=True).stdout.strip() != "scheduler is running":
        subprocess.run(["/usr/sbin/cupsd"], check=True, timeout=30)
        for _ in range(50):
            if (
                subprocess.run(["lpstat", "-r"], capture_output=True, text=True).stdout.strip()
                == "scheduler is running"
            ):
                break
            time.sleep(0.2)
    name = "gongwen-test"
    subprocess.run(
        ["lpadmin", "-p", name, "-E", "-v", "cups-pdf:/", "-m", "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    yield name
    subprocess.run(["lpadmin", "-x", name], capture_output=True, timeout=60)


def _job_attributes(job: int) -> dict:
    """copies and sides of a job, asked of the CUPS server by IPP (Get-Job-Attributes)."""
    import struct
    import urllib.request

    def attr(tag: int, name: str, value: str) -> bytes:
        n, v = name.encode(), value.encode()
        return struct.pack(">BH", tag, len(n)) + n + struct.pack(">H", len(v)) + v

    body = (
        struct.pack(">HHI", 0x0200, 0x0009, 1)
        + b"\x01"
        + attr(0x47, "attributes-charset", "utf-8")
        + attr(0x48, "attributes-natural-language", "en")
        + attr(0x45, "job-uri", f"ipp://localhost/jobs/{job}")
        + attr(0x44, "requested-attributes", "copies")
        + attr(0x44, "", "sides")
        + b"\x03"
    )
    req = urllib.request.Request("http://localhost:631/jobs", data=body, headers={"Content-Type": "application/ipp"})
    data = urllib.request.urlopen(req, timeout=30).read()
    out = {}
    i = data.find(b"\x21\x00\x06copies\x00\x04")
    if i >= 0:
        out["copies"] = int.from_bytes(data[i + 11 : i + 15], "big")
    i = data.find(b"\x00\x05sides")
    if i >= 0:
        n = int.from_bytes(data[i + 7 : i + 9], "big")
        out["sides"] = data[i + 9 : i + 9 + n].decode()
    return out


def test_print_sends_a_job_to_cups(cups_printer, tmp_path):
    r = run(
        "--year",
        "2018",
        "--content",
        str(ROOT / "examples" / "直接发文"),
        "--output",
        str(tmp_path),
        "--print",
        "--printer",
        cups_printer,
        "--copies",
        "3",
        "--format",
        "pdf",
    )
    assert r.returncode == 0, r.stderr
    jobs = [int(m) for m in re.findall(rf"request id is {cups_printer}-(\d+)", r.stdout)]
    assert len(jobs) == 2  # the two documents of the year
    for job in jobs:
        for _ in range(150):  # the job completes, cups-pdf writes the PDF
            done = subprocess.run(
                ["lpstat", "-W", "completed", "-o", cups_printer], capture_output=True, text=True
            ).stdout
            if f"{cups_printer}-{job} " in done:
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"job {job} did not complete: {done}")
        assert _job_attributes(job) == {"copies": 3, "sides": "two-sided-long-edge"}
        printed = []
        for _ in range(50):
            printed = [
                p
                for d in (Path.home() / "PDF", Path("/var/spool/cups-pdf/ANONYMOUS"))
                if d.is_dir()
                for p in d.glob(f"*-job_{job}.pdf")
            ]
            if printed:
                break
            time.sleep(0.2)
        assert printed, "cups-pdf wrote no PDF"
        with pdfplumber.open(printed[0]) as pdf:  # re-rendered by Ghostscript: pages and size, not text
            assert len(pdf.pages) == 2
            assert all(abs(p.width - 595.3) < 1.5 and abs(p.height - 841.9) < 1.5 for p in pdf.pages)  # A4, unscaled
        printed[0].unlink()


def test_print_to_a_printer_that_does_not_exist(cups_printer, tmp_path):
    r = run("--year", "2024", "--output", str(tmp_path), "--print", "--printer", "没有这台打印机", "--format", "pdf")
    assert r.returncode == 1 and "打印失败" in r.stderr and cups_printer in r.stderr, r.stderr
    assert "Traceback" not in r.stderr

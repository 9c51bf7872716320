"""Content is text, never markup or code; nothing outside the project is fetched; builds are reproducible."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pdfplumber
import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content" / "2024"

PLANTED = (
    "<b>粗体</b> & &amp; {{ 7*7 }} {% if true %}模板{% endif %} "
    '<img src="file:///etc/hostname"> http://example.com/x.png <script>alert(1)</script>'
)


def build(content_root: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--year",
            "2024",
            "--content",
            str(content_root),
            "--output",
            str(out),
            "-q",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root / "2024")
    return root


def squash(s: str) -> str:
    return "".join(s.split())


def test_markup_and_template_syntax_print_as_text_in_pdf_and_docx(content, tmp_path):
    notice = content / "2024" / "notice.yaml"
    text = notice.read_text(encoding="utf-8")
    planted_yaml = PLANTED.replace("'", "''")
    notice.write_text(text.replace("正文:\n", f"正文:\n  - '{planted_yaml}'\n", 1), encoding="utf-8")
    out = tmp_path / "out"
    r = build(content, out)
    assert r.returncode == 0, r.stderr
    pdf = next((out / "2024").glob("*.pdf"))
    with pdfplumber.open(pdf) as doc:
        pdf_text = squash("".join(p.extract_text() or "" for p in doc.pages[:2]))
        images = sum(len(p.images) for p in doc.pages)
    assert squash(PLANTED) in pdf_text
    assert images == 0
    with zipfile.ZipFile(pdf.with_suffix(".docx")) as z:
        xml = z.read("word/document.xml").decode()
    from xml.sax.saxutils import escape

    assert escape(PLANTED) in xml


def _png(path: Path) -> None:
    """A 1×1 red PNG, written by hand."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\x00\x00"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_the_pdf_writer_fetches_no_file_and_no_url(tmp_path):
    from weasyprint import HTML

    from gongwen.pdf import no_fetch_fetcher

    img = tmp_path / "planted.png"
    _png(img)
    css = tmp_path / "planted.css"
    css.write_text("p { color: red }")
    html = (
        f'<link rel="stylesheet" href="{css.as_uri()}"><p>x</p>'
        f'<img src="{img.as_uri()}" style="width:20mm"><img src="http://127.0.0.1:9/x.png">'
    )
    # the planted references are real: WeasyPrint's own fetcher reads them
    with pdfplumber.open(_write(HTML(string=html), tmp_path / "a.pdf")) as d:
        assert len(d.pages[0].images) == 1
    with pdfplumber.open(_write(HTML(string=html, url_fetcher=no_fetch_fetcher()), tmp_path / "b.pdf")) as d:
        assert len(d.pages[0].images) == 0
        assert all(c["non_stroking_color"] in ((0,), (0, 0, 0), 0, None) for c in d.pages[0].chars)


def _write(html, path: Path) -> Path:
    html.write_pdf(str(path))
    return path


def test_control_characters_are_refused_with_the_field_named(content, tmp_path):
    notice = content / "2024" / "notice.yaml"
    notice.write_text(
        notice.read_text(encoding="utf-8").replace("主送机关: 教育系统各单位", '主送机关: "教育系统\\a各单位"'),
        encoding="utf-8",
    )
    r = build(content, tmp_path / "out")
    assert r.returncode == 2
    assert (
        "「主送机关」" in r.stderr
        and "U+0007" in r.stderr
        and "Traceback" not in r.stderr
        and "程序内部错误" not in r.stderr
    )


def test_two_builds_give_identical_pdf_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        r = build(ROOT / "content", out, "--format", "pdf")
        assert r.returncode == 0, r.stderr
    pa, pb = next((a / "2024").glob("*.pdf")), next((b / "2024").glob("*.pdf"))
    assert pa.read_bytes() == pb.read_bytes()


def test_missing_fontconfig_tools_give_one_clear_message(tmp_path):
    r = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--year", "2024", "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)},
    )
    assert r.returncode == 1
    assert (
        "fc-list" in r.stderr
        and "fontconfig" in r.stderr
        and "Traceback" not in r.stderr
        and "程序内部错误" not in r.stderr
    )


def test_no_font_for_a_role_names_the_role_and_what_to_install(tmp_path):
    from gongwen.errors import BuildError
    from gongwen.fonts import resolve_fonts

    with pytest.raises(BuildError) as err:
        resolve_fonts({"fangsong": ["不存在的仿宋字体"], "heiti": ["Noto Sans CJK SC"]}, tmp_path)
    assert "仿宋" in str(err.value) and "setup.sh" in str(err.value) and "fonts/" in str(err.value)


def test_unwritable_output_folder_is_one_clear_message(tmp_path):
    blocked = tmp_path / "out"
    blocked.mkdir()
    (blocked / "2024").write_text("a file where the year folder should be")
    r = build(ROOT / "content", blocked)
    assert r.returncode == 1
    assert (
        "无法创建输出目录" in r.stderr
        and "已有同名文件" in r.stderr
        and "Traceback" not in r.stderr
        and "程序内部错误" not in r.stderr
    )


def test_preview_without_pdftoppm_says_what_to_install(tmp_path):
    import os

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fc = shutil.which("fc-list")
    (bin_dir / "fc-list").symlink_to(fc)  # fontconfig present, poppler absent
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--year",
            "2024",
            "--output",
            str(tmp_path / "o"),
            "--preview",
            "--format",
            "pdf",
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": str(bin_dir)},
    )
    assert r.returncode == 1
    assert (
        "pdftoppm" in r.stderr
        and "poppler-utils" in r.stderr
        and "Traceback" not in r.stderr
        and "程序内部错误" not in r.stderr
    )
    assert next((tmp_path / "o" / "2024").glob("*.pdf")).stat().st_size > 0  # the PDF itself was made


def test_long_urls_and_latin_words_are_broken_not_fatal(content, tmp_path):
    url = "https://www.example.gov.cn/" + "a" * 90 + "/notice.html"
    notice = content / "2024" / "notice.yaml"
    text = notice.read_text(encoding="utf-8")
    text = text.replace("正文:\n", f"正文:\n  - {url}\n", 1)
    text = text.replace("  - 上海市宝山区教育局关于下发《上海市\n", f"  - 关于转发{url}的通知\n", 1)
    notice.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    r = build(content, out, "--format", "pdf")
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(next((out / "2024").glob("*.pdf"))) as doc:
        first = doc.pages[0]
        chars = "".join(c["text"] for c in first.chars)
        assert url in chars.replace(" ", "") or squash(url) in squash(
            doc.pages[0].extract_text() + doc.pages[1].extract_text()
        )
        # every character of page 1 stays inside the 版心 horizontally
        assert all(
            28 - 0.3 <= c["x0"] * 25.4 / 72 and c["x1"] * 25.4 / 72 <= 184 + 0.3 for c in first.chars if c["size"] >= 15
        )


def test_library_lookup_spawns_no_process(monkeypatch):
    """While WeasyPrint loads its libraries, ctypes.util.find_library answers from the library folders
    instead of spawning ldconfig and gcc for every name a platform does not use."""
    import ctypes.util
    import subprocess as sp

    from gongwen.pdf.writer import _fast_library_lookup

    def refuse(*a, **k):
        raise AssertionError("a process was spawned")

    monkeypatch.setattr(sp, "Popen", refuse)
    with _fast_library_lookup():
        assert ctypes.util.find_library("harfbuzz").startswith("libharfbuzz.so")
        assert ctypes.util.find_library("gobject-2.0-0") is None  # another platform's name: no process
        assert ctypes.util.find_library("libpango-1.0-0.dll") is None
    assert ctypes.util.find_library.__module__ == "ctypes.util"  # restored afterwards

"""Hostile and wrong files given to --import and --check-file: each refused in Chinese, in bounded time and
memory, with no entity ever expanded and no file written.

Made the way they arrive: a real .doc written by LibreOffice (and the same file renamed .wps), a DOCX
encrypted by msoffcrypto-tool as Word encrypts, an .odt, a PDF; DOCX whose document.xml carries a DTD with
an external entity naming a file of this machine, an entity-expansion bomb, a DOCTYPE hidden after 70 KB of
comment; a part that inflates to 110 MB from a few hundred KB, and one whose ZIP directory lies about its
size; a package of 20,000 parts; a 50,001-paragraph document; tables nested 120 deep.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECRET = "gongwen-test-secret-line-7f3a"

# the peak RSS is read from VmHWM, which belongs to the new process image (ru_maxrss would carry over the
# parent's peak through fork and exec)
RUNNER = """
import re, sys, time
t = time.monotonic()
from gongwen.cli import main
rc = main(sys.argv[1:])
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
print(f"MEASURED {time.monotonic() - t:.2f} {hwm}", file=sys.stderr)
sys.exit(rc)
"""


def run_measured(*args) -> tuple[subprocess.CompletedProcess, float, float]:
    """build.py's main in a fresh interpreter: (result, seconds, peak RSS in MB)."""
    r = subprocess.run([sys.executable, "-c", RUNNER, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    line = next(x for x in r.stderr.splitlines() if x.startswith("MEASURED"))
    _, secs, rss = line.split()
    return r, float(secs), int(rss) / 1024


def minimal_docx(body_xml: str, *, prologue: str = "", extra: dict | None = None) -> bytes:
    """A DOCX with the given document.xml body (and prologue before the root element)."""
    doc = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prologue}'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body_xml}<w:sectPr/></w:body></w:document>"
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
        'application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": doc,
        **(extra or {}),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory) -> Path:
    f = tmp_path_factory.mktemp("secret") / "secret.txt"
    f.write_text(SECRET + "\n", encoding="utf-8")
    return f


@pytest.fixture(scope="module")
def office_files(tmp_path_factory) -> dict[str, Path]:
    """A real .doc and .odt (LibreOffice), the .doc renamed .wps, a DOCX encrypted as Word does."""
    from docx import Document
    from conftest import soffice_convert

    d = tmp_path_factory.mktemp("office")
    src = d / "稿件.docx"
    doc = Document()
    doc.add_paragraph("上海市宝山区教育局文件")
    doc.add_paragraph("宝教〔2026〕3号")
    doc.save(src)
    out = {}
    for fmt in ("doc", "odt"):
        out[fmt] = soffice_convert(src, d / fmt, fmt, profile=d / "p")
    wps = d / "稿件.wps"
    wps.write_bytes(out["doc"].read_bytes())
    out["wps"] = wps
    renamed = d / "改了扩展名.docx"
    renamed.write_bytes(out["doc"].read_bytes())
    out["renamed"] = renamed
    import msoffcrypto.format.ooxml

    enc = d / "加密.docx"
    with open(src, "rb") as f, open(enc, "wb") as g:
        msoffcrypto.format.ooxml.OOXMLFile(f).encrypt("password", g)
    out["encrypted"] = enc
    pdf = d / "稿件.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    out["pdf"] = pdf
    return out


@pytest.mark.parametrize(
    "kind,words",
    [
        ("doc", "旧版 Word（.doc）或 WPS 文字（.wps）"),
        ("wps", "旧版 Word（.doc）或 WPS 文字（.wps）"),
        ("renamed", "旧版 Word（.doc）或 WPS 文字（.wps）"),
        ("encrypted", "设有打开密码"),
        ("odt", "OpenDocument"),
        ("pdf", "PDF 文件"),
    ],
)
def test_files_that_are_not_docx_are_named_and_told_what_to_do(office_files, kind, words, tmp_path):
    content = tmp_path / "content"
    for args in (
        ("--import", str(office_files[kind]), "--year", "2031", "--content", str(content)),
        ("--check-file", str(office_files[kind])),
    ):
        r, _, _ = run_measured(*args)
        assert r.returncode != 0 and words in r.stderr, r.stderr
        assert "Traceback" not in r.stderr and "程序内部错误" not in r.stderr
        if kind in ("doc", "wps", "renamed", "odt"):
            assert "另存为" in r.stderr and "libreoffice --headless --convert-to docx" in r.stderr
        if kind != "encrypted":
            assert "密码" not in r.stderr  # a .doc or .wps is not told to remove a password
    assert not content.exists()


def hostile_cases(secret: Path) -> dict[str, tuple[bytes, str]]:
    """name → (file bytes, words the refusal must contain)."""
    entity = f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file://{secret}">]>'
    lol = (
        '<!DOCTYPE w:document [<!ENTITY a "啊啊啊啊啊啊啊啊啊啊">'
        + "".join(f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">' for k in range(9))
        + "]>"
    )
    cases = {
        "外部实体": (minimal_docx(para("宝教〔2026〕3号") + para("&x;"), prologue=entity), "DOCTYPE"),
        "实体炸弹": (minimal_docx(para("&j;"), prologue=lol), "DOCTYPE"),
        "注释后的实体": (minimal_docx(para("&x;"), prologue="<!--" + "注" * 25000 + "-->" + entity), "DOCTYPE"),
        "样式中的实体": (
            minimal_docx(
                para("正文"),
                extra={
                    "word/_rels/document.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
                    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
                    "word/styles.xml": f'<?xml version="1.0"?>{entity}<w:styles xmlns:w="http://schemas.openxmlformats.org/'
                    'wordprocessingml/2006/main"><w:style w:styleId="a"><w:name w:val="&x;"/></w:style>'
                    "</w:styles>",
                },
            ),
            "DOCTYPE",
        ),
    }
    # a part that inflates to 110 MB from a few hundred KB (the directory tells the truth)
    bomb = minimal_docx(para("宝教〔2026〕3号") + "<w:p><w:r><w:t>" + "啊" * (110 * 2**20 // 3) + "</w:t></w:r></w:p>")
    cases["压缩炸弹"] = (bomb, "超过上限")
    # the same, with the directory and local header claiming 1 MB
    lying = bytearray(bomb)
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        info = z.getinfo("word/document.xml")
    real = info.file_size.to_bytes(4, "little")
    fake = (2**20).to_bytes(4, "little")
    assert lying.count(real) >= 2
    lying[:] = lying.replace(real, fake)
    cases["目录谎报大小"] = (bytes(lying), "无法解压")
    # 20,000 parts
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<x/>")
        for k in range(20000):
            z.writestr(f"word/media/{k}.xml", "")
    cases["部件过多"] = (buf.getvalue(), "超过上限")
    cases["段落过多"] = (minimal_docx("<w:p/>" * 50001), "50000 段")
    cases["不是 XML"] = (minimal_docx(para("正文") + "<w:p>"), "不是合法的 XML")
    deep = 120  # tables in tables: 360 levels of elements
    cases["嵌套过深"] = (
        minimal_docx("<w:tbl><w:tr><w:tc>" * deep + para("深") + "</w:tc></w:tr></w:tbl>" * deep + "<w:p/>"),
        "嵌套超过 256 层",
    )
    return cases


def test_hostile_docx_refused_in_bounded_time_and_memory(secret_file, tmp_path):
    content = tmp_path / "content"
    for name, (data, words) in hostile_cases(secret_file).items():
        f = tmp_path / f"{name}.docx"
        f.write_bytes(data)
        assert f.stat().st_size < 5 * 2**20, name
        for args in (("--import", str(f), "--year", "2031", "--content", str(content)), ("--check-file", str(f))):
            r, secs, rss = run_measured(*args)
            assert r.returncode != 0, (name, r.stdout, r.stderr)
            assert words in r.stderr and name and "Traceback" not in r.stderr and "程序内部错误" not in r.stderr, (
                name,
                r.stderr,
            )
            assert f.name in r.stderr  # the refusal names the file
            assert SECRET not in r.stdout + r.stderr, name  # no entity was ever expanded
            assert "啊啊啊啊啊啊啊啊啊啊啊" not in r.stdout + r.stderr, name
            assert secs < 10 and rss < 300, (name, secs, rss)
        assert not content.exists() or not any(content.iterdir())


def test_a_long_but_real_draft_is_read_in_bounded_time_and_memory(tmp_path):
    """40,000 paragraphs (some 600 times the 2024 plan): imported whole, in bounded time and memory (about
    8.5 s and 120 MB alone on the 2-core machine, most of it PyYAML's pure-Python emitter; held to 30 s
    and 300 MB, since the whole suite runs beside it)."""
    from gongwen.source.wordml import chinese_number

    out = [para("上海市宝山区教育局文件"), para("宝教〔2026〕3号"), para("关于印发工作要点的通知"), para("各中小学：")]
    n = 0
    for a in range(1, 400):
        out.append(para(f"{chinese_number(a)}、加强第{a}部分工作"))
        for _ in range(99):
            n += 1
            out.append(para(f"{n % 900 + 1}.落实任务。各单位要高度重视，认真组织自查，确保各项工作落到实处。"))
    out += [para("上海市宝山区教育局"), para("2026年3月2日")]
    f = tmp_path / "长稿.docx"
    f.write_bytes(minimal_docx("".join(out)))
    r, secs, rss = run_measured("--import", str(f), "--year", "2031", "--content", str(tmp_path / "content"))
    assert r.returncode == 0, r.stderr
    assert "一级标题 399 个" in r.stdout and "未能确定位置 0 段" in r.stdout, r.stdout
    assert secs < 30 and rss < 300, (secs, rss)

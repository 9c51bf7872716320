"""Hard to break, second pass: bounded work, the house file checked, seal images checked before decoding,
the outputs of a build replaced together, no code read from a cache, text fields printed as typed.

Every case runs build.py as a user would and checks what a user sees: the exit status, a Chinese message
naming the file (and line and field where there is one), never a traceback, and the previous outputs
byte for byte as they were, with no temporary file left behind.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

BUILD = [sys.executable, str(ROOT / "build.py")]
NAME = "宝教〔2024〕1号"


def run(*args, timeout=300, **kw):
    return subprocess.run([*BUILD, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, **kw)


def digest(folder: Path) -> dict[str, str]:
    """Every file of an output folder (hidden temporaries included) and its hash."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> tuple[Path, dict]:
    """A good build of 2024 into an output folder of the module's: (output root, its files' hashes)."""
    out = tmp_path_factory.mktemp("good")
    r = run("--year", "2024", "--output", str(out), "-q")
    assert r.returncode == 0, r.stderr
    return out, digest(out / "2024")


def fresh_output(good, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(good[0], out, symlinks=True)
    return out


def content_copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "2024", content / "2024")
    return content


def edit(path: Path, fn) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def refused(r, *words) -> None:
    assert r.returncode != 0, r.stdout
    assert "Traceback" not in r.stderr and "程序内部错误" not in r.stderr, r.stderr
    for w in words:
        assert w in r.stderr, (w, r.stderr)


# -- 1. bounded work ----------------------------------------------------------------------------------


def test_aliases_that_repeat_a_long_paragraph_are_refused_by_characters(tmp_path, good):
    content = content_copy(tmp_path)
    att = content / "2024" / "attachment.yaml"
    big = "很长的段落。" * 170_000  # a million characters, written once, aliased a thousand times
    att.write_text(
        f'x: &big "{big}"\n'
        + att.read_text(encoding="utf-8")
        .replace("部分:", "导语: [" + ", ".join(["*big"] * 1000) + "]\n部分:", 1)
        .replace("导语: >-", "导语原: >-", 1),
        encoding="utf-8",
    )
    out = fresh_output(good, tmp_path)
    t = time.perf_counter()
    r = run("--content", str(content), "--year", "2024", "--output", str(out))
    refused(r, "attachment.yaml", "别名", "5000000")
    assert time.perf_counter() - t < 60
    assert digest(out / "2024") == good[1]


@pytest.mark.parametrize(
    "what, make, word",
    [
        (
            "items",
            lambda d: d["部分"][0].__setitem__("条目", [{"要点": f"第{i}项。", "内容": "落实。"} for i in range(5001)]),
            "条目",
        ),
        (
            "parts",
            lambda d: d.__setitem__("部分", [{"标题": f"第{i}部分", "导语": "说明。"} for i in range(1001)]),
            "一级、二级标题",
        ),
    ],
)
def test_runaway_structures_are_refused_with_the_bound(tmp_path, good, what, make, word):
    content = content_copy(tmp_path)
    edit(content / "2024" / "attachment.yaml", make)
    out = fresh_output(good, tmp_path)
    r = run("--content", str(content), "--year", "2024", "--output", str(out))
    refused(r, "notice.yaml", word, "上限")
    assert r.returncode == 2
    assert digest(out / "2024") == good[1]


# -- 2. the house file --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, key, words",
    [
        ("  top_mm: 37 ", "  top_mm: -5 ", "page.top_mm", ["5–200"]),
        ("  body: 16 ", "  body: 100000 ", "sizes_pt.body", ["8–32"]),
        ("  lines: 22 ", "  lines: 0 ", "page.lines", ["10–60"]),
        ('  red: "#FF0000"', "  red: 红色", "colors.red", ["颜色"]),
        ("  widow_control: true", "  widow_contrl: true", "body.widow_contrl", ["是不是“widow_control”"]),
        ("  min_line_pitch_pt: 26 ", "  min_line_pitch_pt: 30 ", "body.min_line_pitch_pt", ["网格行距"]),
        ("  type_width_mm: 156 ", "  type_width_mm: 200 ", "page.type_width_mm", ["纸张宽度"]),
    ],
)
def test_a_house_file_out_of_range_is_refused_like_content(tmp_path, good, old, new, key, words):
    text = (ROOT / "styles" / "house.yaml").read_text(encoding="utf-8")
    assert old in text
    house = tmp_path / "house.yaml"
    house.write_text(text.replace(old, new), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    out = fresh_output(good, tmp_path)
    r = run("--year", "2024", "--house", str(house), "--output", str(out))
    refused(r, str(house), key, *words)
    assert r.returncode == 2 and f"第 {line} 行" in r.stderr, r.stderr
    assert digest(out / "2024") == good[1]


def test_a_house_file_that_is_a_pipe_is_refused_at_once(tmp_path, good):
    fifo = tmp_path / "house.yaml"
    os.mkfifo(fifo)
    r = run("--year", "2024", "--house", str(fifo), "--output", str(fresh_output(good, tmp_path)), timeout=30)
    refused(r, "普通文件")


# -- 3. seal images, checked before decoding ----------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(w: int, h: int, extra: bytes = b"", idat: bytes | None = None) -> bytes:
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    if idat is None:
        idat = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00\xff" * w for _ in range(h)))
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + extra + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _ztxt_bomb() -> bytes:
    co = zlib.compressobj(9)
    z = b"".join(co.compress(b"\x00" * (1 << 24)) for _ in range(64)) + co.flush()  # inflates to 1 GiB
    return _chunk(b"zTXt", b"Comment\x00\x00" + z)


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("bomb", _png(30000, 30000, idat=zlib.compress(b"\x00" * (1 << 20))), ["30000×30000", "没有解码"]),
        ("ztxt", _png(100, 100, extra=_ztxt_bomb()), ["无法读取"]),
        ("huge-chunk", _png(100, 100, extra=_chunk(b"iCCP", b"x" * (2 << 20))), ["iCCP", "过大"]),
        ("truncated", _png(100, 100)[:40], ["无法读取"]),
        ("jpeg", b"\xff\xd8\xff\xe0" + b"0" * 100, ["PNG"]),
    ],
)
def test_seal_images_are_checked_before_decoding_and_named(tmp_path, good, name, data, words):
    content = content_copy(tmp_path)
    (content / "2024" / f"{name}.png").write_bytes(data)
    notice = content / "2024" / "notice.yaml"
    notice.write_text(notice.read_text(encoding="utf-8") + f"\n印章: {name}.png\n", encoding="utf-8")
    out = fresh_output(good, tmp_path)
    from test_import_hostile import run_measured

    r, secs, rss = run_measured("--content", str(content), "--year", "2024", "--output", str(out))
    refused(r, "notice.yaml", "印章", f"{name}.png", *words)
    assert secs < 30 and rss < 300, (secs, rss)  # MB: never decoded
    assert digest(out / "2024") == good[1]


# -- 4. the outputs of a build are replaced together --------------------------------------------------


def _changed_content(tmp_path: Path) -> Path:
    content = content_copy(tmp_path)
    edit(content / "2024" / "attachment.yaml", lambda d: d.__setitem__("部分", d["部分"] * 4))  # a longer render
    return content


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_build_stopped_by_a_signal_replaces_nothing_and_leaves_no_temporary(tmp_path, good, sig):
    content = _changed_content(tmp_path)
    out = fresh_output(good, tmp_path)
    proc = subprocess.Popen(
        [*BUILD, "--content", str(content), "--year", "2024", "--output", str(out), "-q"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    folder = out / "2024"
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith(".tmp-") for p in folder.iterdir()):
        time.sleep(0.02)  # the build is writing its outputs
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "已停止" in err and "Traceback" not in err
    time.sleep(1)  # a render process that lived on would write its PDF now
    assert digest(folder) == good[1]


def test_a_killed_build_takes_its_render_process_with_it_and_the_next_build_tidies_up(tmp_path, good):
    content = _changed_content(tmp_path)
    out = fresh_output(good, tmp_path)
    proc = subprocess.Popen(
        [*BUILD, "--content", str(content), "--year", "2024", "--output", str(out), "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    folder = out / "2024"
    deadline = time.time() + 60
    while time.time() < deadline and not any(
        p.suffix == ".pdf" and p.name.startswith(".tmp-") for p in folder.iterdir()
    ):
        time.sleep(0.02)
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    proc.kill()
    proc.wait()
    time.sleep(2)
    for pid in children:  # the render process died with the build (PR_SET_PDEATHSIG)
        assert (
            not Path(f"/proc/{pid}").exists()
            or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
            or Path(f"/proc/{pid}/status").read_text().split("PPid:")[1].split()[0] != str(proc.pid)
        )
    left = [p for p in folder.iterdir() if p.name.startswith(".tmp-")]
    assert all(p.stat().st_size == 0 or p.suffix == ".docx" for p in left), left  # no PDF finished after
    visible = {k: v for k, v in digest(folder).items() if not k.startswith(".tmp-")}
    assert visible == good[1]
    r = run("--year", "2024", "--output", str(out), "-q")
    assert r.returncode == 0, r.stderr
    assert not [p for p in folder.iterdir() if p.name.startswith(".tmp-")]  # the stale ones are gone


def test_a_folder_where_the_pdf_goes_is_reported_and_nothing_is_replaced(tmp_path, good):
    out = fresh_output(good, tmp_path)
    pdf = out / "2024" / f"{NAME}.pdf"
    pdf.unlink()
    pdf.mkdir()
    before = digest(out / "2024")
    r = run("--content", str(_changed_content(tmp_path)), "--year", "2024", "--output", str(out))
    refused(r, f"{NAME}.pdf", "是一个文件夹")
    assert r.returncode == 1
    assert digest(out / "2024") == before  # the DOCX is not replaced either


# -- 5. a font that cannot draw is not chosen ---------------------------------------------------------


def _corrupt_font(tmp_path: Path, name: str, glyph_data) -> Path:
    """A folder with LXGW WenKai renamed FangSong_GB2312 (the first 仿宋 the house asks for), its glyf
    table replaced by glyph_data(length)."""
    from fontTools.ttLib import TTFont

    src = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
    if not src.exists():
        pytest.skip("LXGW WenKai (installed by scripts/setup.sh) is the font this test corrupts")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    f = TTFont(src)
    for rec in f["name"].names:
        if rec.nameID in (1, 4, 6, 16):
            rec.string = "FangSong_GB2312"
    f.save(fonts / name)
    data = bytearray((fonts / name).read_bytes())
    for i in range(struct.unpack(">H", data[4:6])[0]):
        tag, _, off, ln = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
        if tag == b"glyf":
            data[off : off + ln] = glyph_data(ln)
    (fonts / name).write_bytes(data)
    return fonts


def test_a_font_with_empty_glyphs_is_skipped_and_named(tmp_path, good):
    fonts = _corrupt_font(tmp_path, "fake.ttf", lambda n: bytes(n))  # names and metrics intact, glyphs zeroed
    out = tmp_path / "out"
    r = run("--year", "2024", "--output", str(out), "--font-dir", str(fonts))
    assert r.returncode == 0, r.stderr
    assert "fake.ttf" in r.stderr and "字形是空的" in r.stderr
    assert "fake.ttf" not in r.stdout.split("字体 仿宋")[1].split("\n")[0]
    import pdfplumber

    with pdfplumber.open(out / "2024" / f"{NAME}.pdf") as pdf:
        text = pdf.pages[1].extract_text()
        fontnames = {c["fontname"] for c in pdf.pages[1].chars}
    assert "立德树人" in text and not any("FangSong_GB2312" in n for n in fontnames)


# -- 6. text fields print what was typed ---------------------------------------------------------------


def test_text_fields_keep_the_spelling_yaml_would_read_as_numbers(tmp_path):
    content = content_copy(tmp_path)
    notice = content / "2024" / "notice.yaml"
    text = notice.read_text(encoding="utf-8")
    notice.write_text(
        "\n".join("主送机关: 0777" if ln.startswith("主送机关:") else ln for ln in text.split("\n")), encoding="utf-8"
    )
    att = content / "2024" / "attachment.yaml"
    att.write_text(
        att.read_text(encoding="utf-8").replace(
            "      - 要点: 加强体育和美育工作。",
            "      - 要点: 12:30\n        内容: [010, 2024.10, yes, 0x1F, 1e3, 2024-10-01]\n      - 要点: 加强体育和美育工作。",
            1,
        ),
        encoding="utf-8",
    )
    r = run("--content", str(content), "--year", "2024", "--output", str(tmp_path / "out"), "-q")
    assert r.returncode == 0, r.stderr
    import pdfplumber
    from docx import Document

    with pdfplumber.open(tmp_path / "out" / "2024" / f"{NAME}.pdf") as pdf:
        lines = [ln for p in pdf.pages[:3] for ln in (p.extract_text() or "").split("\n")]
    assert "0777：" in lines
    assert any(ln.strip().endswith("12:30010") for ln in lines)  # the lead 12:30 runs in with its 010
    for typed in ("2024.10", "yes", "0x1F", "1e3", "2024-10-01"):
        assert any(ln.strip().endswith(typed) or ln.strip() == typed for ln in lines), (typed, lines[:60])
    paras = [p.text for p in Document(str(tmp_path / "out" / "2024" / f"{NAME}.docx")).paragraphs]
    assert "0777：" in paras and "2024.10" in paras and any(p.endswith("12:30010") for p in paras)


# -- 7. content confined to its folder; 8. --year and keys ---------------------------------------------


def test_document_files_linked_outside_the_content_folder_are_not_read(tmp_path, good):
    content = content_copy(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("口令: 不该被读出的内容\n", encoding="utf-8")
    (content / "2024" / "extra.yaml").symlink_to(secret)
    (content / "2024" / "passwd.yaml").symlink_to("/etc/passwd")
    out = fresh_output(good, tmp_path)
    r = run("--content", str(content), "--year", "2024", "--output", str(out))
    refused(r, "extra.yaml", "passwd.yaml", "符号链接")
    assert "不该被读出" not in r.stderr + r.stdout and "root:" not in r.stderr + r.stdout
    (content / "2024" / "extra.yaml").unlink()
    (content / "2024" / "passwd.yaml").unlink()
    (content / "2024" / "notice.yaml").unlink()
    (content / "2024" / "notice.yaml").symlink_to("/etc/hostname")
    r = run("--content", str(content), "--year", "2024", "--output", str(out))
    refused(r, "notice.yaml", "符号链接")
    assert Path("/etc/hostname").read_text().strip() not in r.stderr
    assert digest(out / "2024") == good[1]


def test_the_year_takes_ascii_digits_and_traditional_keys_get_the_simplified_one(tmp_path):
    r = run("--year", "２０２４", "--output", str(tmp_path / "out"))
    refused(r, "四位数字（半角）", "是不是 2024")
    assert not (tmp_path / "out").exists()
    content = content_copy(tmp_path)
    notice = content / "2024" / "notice.yaml"
    notice.write_text(
        notice.read_text(encoding="utf-8").replace("\n标题:", "\n標題:", 1).replace("\n主送机关:", "\n主送机关：:", 1),
        encoding="utf-8",
    )
    r = run("--content", str(content), "--year", "2024", "--output", str(tmp_path / "out"))
    refused(r, "「標題」未知的键，是不是“标题”？")


# -- 9. no code from a cache -------------------------------------------------------------------------


class _Planted:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))  # running it leaves a file: proof that a pickle was loaded


def test_a_pickle_planted_in_a_cache_others_can_write_is_never_loaded(tmp_path):
    out = tmp_path / "out"
    r = run("--year", "2024", "--output", str(out), "-q")
    assert r.returncode == 0, r.stderr
    private = out / ".cache" / "private"
    assert private.is_dir() and (private.stat().st_mode & 0o777) == 0o700
    kept = sorted(private.glob("cffi-*.pickle"))
    assert kept, "the render process kept no parser state"
    marker = tmp_path / "ran"
    kept[0].write_bytes(pickle.dumps(_Planted(str(marker))))
    os.chmod(private, 0o777)  # a folder others can write: what is in it is not trusted
    r = run("--year", "2024", "--output", str(out), "-q")
    assert r.returncode == 0, r.stderr
    assert not marker.exists()
    os.chmod(private, 0o700)
    kept[0].write_bytes(pickle.dumps(_Planted(str(marker))))
    os.chmod(kept[0], 0o666)  # a file others can write
    r = run("--year", "2024", "--output", str(out), "-q")
    assert r.returncode == 0 and not marker.exists()
    if os.getuid() == 0:
        os.chmod(kept[0], 0o644)
        os.chown(kept[0], 65534, 65534)  # another user's file in our folder
        r = run("--year", "2024", "--output", str(out), "-q")
        assert r.returncode == 0 and not marker.exists()


def test_a_shared_temporary_cache_made_by_someone_else_is_not_used(tmp_path):
    if os.getuid() != 0:
        pytest.skip("making a folder owned by another user needs root")
    out = tmp_path / "not-a-folder"
    out.write_text("")  # output/.cache cannot be made: the build falls back to the system temporary folder
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    shared = tmpdir / f"gongwen-cache-{os.getuid()}"
    shared.mkdir()
    os.chmod(shared, 0o777)
    os.chown(shared, 65534, 65534)
    env = dict(os.environ, TMPDIR=str(tmpdir))
    r = subprocess.run(
        [*BUILD, "--year", "2024", "--output", str(out), "--format", "docx"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert "不是本用户独有的目录" in r.stderr, r.stderr
    assert not any(shared.iterdir())


def test_a_long_real_text_past_the_character_bound_is_refused_quickly(tmp_path, good):
    """Real text, not aliases: an attachment of 5.2 million characters (a 50 MB paste would be one) is
    refused while it is read, naming the file, before any layout starts."""
    content = content_copy(tmp_path)
    para = "加强教育督导，完善督导评估机制，推进责任督学挂牌督导全覆盖，提升督导结果运用水平，促进学校规范办学。" * 4
    edit(content / "2024" / "attachment.yaml", lambda d: d.__setitem__("导语", [para] * 26_000))
    out = fresh_output(good, tmp_path)
    t = time.perf_counter()
    r = run("--content", str(content), "--year", "2024", "--output", str(out))
    refused(r, "attachment.yaml", "5000000")
    assert time.perf_counter() - t < 60
    assert digest(out / "2024") == good[1]


def test_a_font_whose_outlines_are_noise_is_skipped_too(tmp_path):
    import random

    rnd = random.Random(9704)
    fonts = _corrupt_font(tmp_path, "cut.ttf", rnd.randbytes)  # glyph data overwritten with noise
    r = run("--year", "2024", "--output", str(tmp_path / "out"), "--font-dir", str(fonts))
    assert r.returncode == 0, r.stderr
    assert "cut.ttf" in r.stderr and "字形是空的或无法读取" in r.stderr
    assert "cut.ttf" not in r.stdout

"""The speed work changes nothing in the output (issue 15).

What is checked here is what a reader of the PDF would notice, not the timings (scripts/benchmark.py
prints those):

* the PDF of a normal build (render process, WeasyPrint levers, font-subset cache) is byte for byte the
  PDF WeasyPrint writes as shipped, rendered in the build's own process with no lever;
* a second build that takes its font subsets from the cache writes the same bytes;
* in watch mode, where only the changed pages are laid out again, the PDF after an edit is byte for
  byte the PDF a fresh build of the edited content writes — for an edit inside one page and for an edit
  of the title (first page and document metadata);
* each lever on WeasyPrint's internals stays off when the names it needs are missing or the version is
  not one it was tested with, and the build still works then;
* a render that fails in the render process is reported in the build, and the process ends.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from conftest import CONTENT_2024, PDF_NAME, ROOT


def build(content_root: Path, out: Path, *extra: str, env: dict | None = None) -> Path:
    proc = subprocess.run(
        [
            sys.executable,
            "build.py",
            "--year",
            "2024",
            "--content",
            str(content_root),
            "--output",
            str(out),
            "--format",
            "pdf",
            "-q",
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr
    return out / "2024" / PDF_NAME


def test_levers_and_render_process_leave_the_pdf_unchanged(pdf_path, tmp_path):
    plain = build(CONTENT_2024.parent, tmp_path / "plain", env={"GONGWEN_SERIAL": "1", "GONGWEN_NO_LEVERS": "1"})
    assert plain.read_bytes() == pdf_path.read_bytes(), (
        "the PDF of a normal build differs from WeasyPrint's own, rendered in-process without levers"
    )
    subsets = pdf_path.parent.parent / ".cache" / "subsets"
    assert len(list(subsets.glob("*.font"))) >= 4, "the build kept no font subsets"
    # the same output folder again: every subset now comes from the cache
    again = build(CONTENT_2024.parent, pdf_path.parent.parent.parent / (pdf_path.parent.parent.name + "-again"))
    assert again.read_bytes() == pdf_path.read_bytes()
    cached = tmp_path / "cached"
    shutil.copytree(pdf_path.parent.parent / ".cache", cached / ".cache")
    assert build(CONTENT_2024.parent, cached).read_bytes() == pdf_path.read_bytes(), (
        "a build using cached font subsets wrote other bytes"
    )


@pytest.mark.parametrize("example,year", [("联合发文", "2022"), ("四级标题", "2025")])
def test_examples_unchanged_by_the_levers(tmp_path, example, year):
    """Joint marks, footnote calls in other fonts, four heading levels: the same bytes either way."""

    def pdfs(out: Path, env: dict) -> dict:
        proc = subprocess.run(
            [
                sys.executable,
                "build.py",
                "--year",
                year,
                "--content",
                str(ROOT / "examples" / example),
                "--output",
                str(out),
                "--format",
                "pdf",
                "-q",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, **env},
        )
        assert proc.returncode == 0, proc.stderr
        return {p.name: p.read_bytes() for p in (out / year).glob("*.pdf")}

    fast = pdfs(tmp_path / "fast", {})
    plain = pdfs(tmp_path / "plain", {"GONGWEN_SERIAL": "1", "GONGWEN_NO_LEVERS": "1"})
    assert fast and fast == plain


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_watch_rebuild_equals_a_fresh_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_2024, content / "2024")
    out = tmp_path / "watch-out"
    pdf = out / "2024" / PDF_NAME
    proc = subprocess.Popen(
        [
            sys.executable,
            "build.py",
            "--year",
            "2024",
            "--content",
            str(content),
            "--output",
            str(out),
            "--format",
            "pdf",
            "--watch",
            "-q",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 120
        while not pdf.exists() and time.time() < deadline:
            time.sleep(0.05)
        assert pdf.exists(), "watch mode wrote no PDF"
        edits = [
            # one item in the middle of the attachment: a page or two change
            (content / "2024" / "attachment.yaml", "深化", "进一步深化"),
            # the notice's title: the first page and the PDF's title metadata change
            (content / "2024" / "notice.yaml", "2024年工作意见》的通知", "2024年工作要点》的通知"),
        ]
        for k, (path, old, new) in enumerate(edits):
            before = pdf.stat().st_mtime_ns
            time.sleep(0.05)
            _edit(path, old, new)
            deadline = time.time() + 60
            while pdf.stat().st_mtime_ns == before and time.time() < deadline:
                time.sleep(0.02)
            time.sleep(0.3)  # a rebuild that was under way has finished
            fresh = build(content, tmp_path / f"fresh{k}", env={"GONGWEN_SERIAL": "1"})
            assert pdf.read_bytes() == fresh.read_bytes(), (
                f"after edit {k + 1} the watch PDF differs from a fresh build"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_levers_stay_off_without_their_names():
    from gongwen.pdf import levers

    empty = types.SimpleNamespace()
    assert levers._lazy_font_files(empty) is False
    assert levers._subset_memo(empty) is False
    assert levers._ffi_array_types(empty) is False
    assert levers._compressed_streams_kept(empty) is False
    old_pydyf = types.SimpleNamespace(
        __version__="0.1.0", Stream=type("Stream", (), {"data": property(lambda s: b"")}), Dictionary=dict
    )
    assert levers._compressed_streams_kept(old_pydyf) is False

    class Font:  # a Font whose __init__ no longer copies the file through get_hb_object_data
        def __init__(self):
            self.file_content = b""

    changed = types.SimpleNamespace(Font=Font, get_hb_object_data=lambda *a: b"")
    assert levers._lazy_font_files(changed) is False
    assert "file_content" not in vars(Font)


def test_every_lever_is_on_with_the_installed_versions():
    """CI runs with the versions pyproject.toml pins: every lever must be on there (a lever that a new
    WeasyPrint, pydyf or cffi turned off fails here by name, rather than the build silently slowing)."""
    script = (
        "import weasyprint\nfrom gongwen.pdf import levers\n"
        "print(' '.join(k for k, v in levers.install().items() if not v))"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [], f"levers off with the installed versions: {proc.stdout.strip()}"


def test_build_works_when_weasyprint_is_an_untested_version(tmp_path):
    """The levers check WeasyPrint's version: any other version renders as shipped (same PDF here)."""
    script = (
        "import sys, weasyprint; weasyprint.__version__ = '999.0'\n"
        "from gongwen.pdf import levers\n"
        "assert not any(levers.install().values()), levers.applied()\n"
        "from gongwen.cli import main\n"
        f"sys.exit(main(['--year', '2024', '--output', {str(tmp_path / 'old')!r}, '--format', 'pdf', '-q']))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "GONGWEN_SERIAL": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "不是提速措施测试过的版本" in proc.stderr and "lazy_font_files" in proc.stderr  # said, not silent
    ref = build(CONTENT_2024.parent, tmp_path / "ref", env={"GONGWEN_SERIAL": "1"})
    assert (tmp_path / "old" / "2024" / PDF_NAME).read_bytes() == ref.read_bytes()


def test_a_failed_render_is_reported_and_the_process_ends(tmp_path):
    from gongwen.pdf.engine import RenderWorker

    worker = RenderWorker()
    assert worker.pid is not None, "no render process (fork unavailable?)"
    pid = worker.pid
    worker.submit("<p>x</p>", tmp_path / "no-such-folder" / "x.pdf")
    with pytest.raises(OSError):
        worker.wait()
    target = tmp_path / "ok.pdf"  # the process still renders after a failed job
    worker.render("<p>二〇二四年</p>", target)
    assert target.read_bytes().startswith(b"%PDF-")
    worker.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no process left behind


def test_render_failure_in_a_build_keeps_the_previous_pdf(tmp_path):
    """A render that fails after the DOCX is written: no PDF is replaced, no temporary file is left, and
    the message is the build's Chinese one, without a traceback."""
    from gongwen.cli import _Pending

    target = tmp_path / "宝教〔2024〕1号.pdf"
    target.write_bytes(b"%PDF-previous")
    pending = _Pending(target)
    pending.run(lambda tmp: tmp.write_bytes(b"%PDF-half"))

    def failed():
        raise OSError(28, "No space left on device")

    from gongwen.errors import BuildError

    with pytest.raises(BuildError, match="无法写入"):
        pending.finish(failed)
    assert target.read_bytes() == b"%PDF-previous"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_deferred_font_tools_load_on_first_use():
    """fontTools.subset and fontTools.varLib.instancer are not imported with WeasyPrint, and are the real
    modules as soon as WeasyPrint uses them (the fallback subsetter, a variable font)."""
    script = (
        "import sys\n"
        "from gongwen.pdf.engine import _weasyprint_html\n"
        "_weasyprint_html()\n"
        "import weasyprint.pdf.fonts as f\n"
        "assert 'fontTools.cffLib' not in sys.modules and 'lxml.etree' not in sys.modules, 'loaded at import'\n"
        "assert type(f.subset.Options()).__module__ == 'fontTools.subset'\n"
        "assert type(sys.modules['fontTools.subset']).__name__ == 'module'\n"
        "try:\n"
        "    f.instantiateVariableFont(None, {})\n"
        "except TypeError:\n"
        "    pass\n"
        "import fontTools.varLib.instancer as real\n"
        "assert hasattr(real, 'instantiateVariableFont') and type(real).__name__ == 'module'\n"
        "import fontTools.varLib.instancer.cff\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr

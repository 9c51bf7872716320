"""Render a DOCX with LibreOffice (headless) — the independent renderer the DOCX tests measure.

LibreOffice substitutes missing fonts silently; run with the fontconfig file that maps the official font
names to the fonts serving each role here (FontSet.alias_config), its output is predictable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import BuildError

EXPORT = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise BuildError(
            "找不到 LibreOffice（soffice）：请运行 bash scripts/setup.sh --test 安装 libreoffice-writer-nogui"
        )
    return exe


def docx_to_pdf(
    docx: Path, out_dir: Path, fontconfig: Path | None = None, profile: Path | None = None, timeout: int = 180
) -> Path:
    """Convert `docx` to PDF in `out_dir` and return the PDF's path. One profile folder per caller."""
    docx, out_dir = Path(docx).resolve(), Path(out_dir).resolve()  # LibreOffice runs in its own folder
    fontconfig = Path(fontconfig).resolve() if fontconfig else None
    out_dir.mkdir(parents=True, exist_ok=True)
    own_profile = profile is None
    profile = profile or Path(tempfile.mkdtemp(prefix="gongwen-lo-"))
    env = dict(os.environ)
    if fontconfig:
        env["FONTCONFIG_FILE"] = str(fontconfig)
    try:
        r = subprocess.run(
            [
                soffice(),
                "--headless",
                "--norestore",
                f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to",
                EXPORT,
                "--outdir",
                str(out_dir),
                str(docx),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    finally:
        if own_profile:
            shutil.rmtree(profile, ignore_errors=True)
    pdf = out_dir / (docx.stem + ".pdf")
    if r.returncode != 0 or not pdf.exists():
        raise BuildError(f"LibreOffice 转换失败（退出码 {r.returncode}）：{r.stderr.strip()[-300:]}")
    return pdf

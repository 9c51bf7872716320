"""Page previews: one PNG per page and a contact sheet of all pages, to glance at the layout without
opening the PDF. Pages are rasterised by poppler's pdftoppm; the sheet is assembled with Pillow."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import BuildError

COLUMNS = 6


def write_previews(pdf: Path, folder: Path, dpi: int = 50) -> tuple[Path, Path]:
    """Write 第01页.png … and 总览.png into `folder` (replaced whole, so no stale pages remain)."""
    exe = shutil.which("pdftoppm")
    if not exe:
        raise BuildError("生成预览图需要 pdftoppm：请运行 bash scripts/setup.sh，或 sudo apt-get install poppler-utils")
    from PIL import Image, ImageDraw

    tmp = Path(tempfile.mkdtemp(prefix=".preview-", dir=folder.parent))
    try:
        r = subprocess.run([exe, "-png", "-r", str(dpi), str(pdf), str(tmp / "p")], capture_output=True, text=True)
        if r.returncode != 0:
            raise BuildError(f"pdftoppm 无法生成预览图：{r.stderr.strip()[-200:]}")
        pages = sorted(tmp.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        images = []
        for k, src in enumerate(pages, 1):
            dst = tmp / f"第{k:02d}页.png"
            src.rename(dst)
            images.append(Image.open(dst))
        w, h = images[0].size
        rows = (len(images) + COLUMNS - 1) // COLUMNS
        gap = 8
        sheet = Image.new("RGB", (COLUMNS * (w + gap) + gap, rows * (h + gap) + gap), (200, 200, 200))
        draw = ImageDraw.Draw(sheet)
        for k, im in enumerate(images):
            x, y = gap + (k % COLUMNS) * (w + gap), gap + (k // COLUMNS) * (h + gap)
            sheet.paste(im, (x, y))
            draw.rectangle([x, y, x + w - 1, y + h - 1], outline=(120, 120, 120))
            im.close()
        sheet.save(tmp / "总览.png")
        old = folder.with_name(folder.name + ".old")
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder, folder / "总览.png"

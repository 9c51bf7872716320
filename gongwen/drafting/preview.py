"""Page previews: one PNG per page and a contact sheet of all pages, to glance at the layout without
opening the PDF. Pages are rasterised by poppler's pdftoppm; the sheet is assembled with Pillow."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import BuildError

COLUMNS = 6


def page_keys(pages) -> list[str]:
    """A fingerprint of each composed page (its lines, positions and rules): equal keys, equal pictures."""
    import hashlib

    keys = []
    for pg in pages:
        h = hashlib.sha256()
        for ln in pg.lines:
            h.update(f"{ln.kind}|{ln.x:.3f}|{ln.baseline:.3f}|{ln.letter_spacing:.4f}|".encode())
            for r in ln.runs:
                h.update(f"{r.text}|{r.style}|".encode())
        for ru in pg.rules:
            h.update(f"{ru.x:.3f}|{ru.y:.3f}|{ru.width:.3f}|{ru.height:.3f}|{ru.color}".encode())
        keys.append(h.hexdigest()[:16])
    return keys


def _ranges(numbers: list[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for n in numbers:
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return [(a, b) for a, b in out]


def write_previews(pdf: Path, folder: Path, dpi: int = 50, keys: list[str] | None = None) -> tuple[Path, Path]:
    """Write 第01页.png … and 总览.png into `folder` (replaced whole, so no stale pages remain). With the
    pages' `keys` (page_keys), only the pages that changed since the last previews are rasterised again:
    a save that changes one paragraph redraws a page or two, not the whole document."""
    import json

    exe = shutil.which("pdftoppm")
    if not exe:
        raise BuildError("生成预览图需要 pdftoppm：请运行 bash scripts/setup.sh，或 sudo apt-get install poppler-utils")
    from PIL import Image, ImageDraw

    old_keys: list[str] = []
    try:
        old_keys = json.loads((folder / ".pages.json").read_text(encoding="utf-8"))
        if not isinstance(old_keys, list):
            old_keys = []
    except (OSError, ValueError):
        pass
    tmp = Path(tempfile.mkdtemp(prefix=".preview-", dir=folder.parent))
    try:
        count = len(keys) if keys is not None else None
        if count is None:  # no keys: every page
            todo = None
        else:
            todo = []
            for k in range(1, count + 1):
                old = folder / f"第{k:02d}页.png"
                if k <= len(old_keys) and old_keys[k - 1] == keys[k - 1] and old.is_file():
                    shutil.copy2(old, tmp / old.name)
                else:
                    todo.append(k)
        for first, last in [(None, None)] if todo is None else _ranges(todo):
            args = [exe, "-png", "-r", str(dpi)]
            if first is not None:
                args += ["-f", str(first), "-l", str(last)]
            r = subprocess.run(args + [str(pdf), str(tmp / "p")], capture_output=True, text=True)
            if r.returncode != 0:
                raise BuildError(f"pdftoppm 无法生成预览图：{r.stderr.strip()[-200:]}")
            for src in tmp.glob("p-*.png"):
                src.rename(tmp / f"第{int(src.stem.split('-')[-1]):02d}页.png")
        pages = sorted(tmp.glob("第*页.png"))
        images = [Image.open(p) for p in pages]
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
        if keys is not None:
            (tmp / ".pages.json").write_text(json.dumps(keys), encoding="utf-8")
        old = folder.with_name(folder.name + ".old")
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder, folder / "总览.png"

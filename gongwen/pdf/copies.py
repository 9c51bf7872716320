"""Numbered copies and printing.

A 份号 is the number of one physical copy (GB/T 9704 §7.2.1), so a document that carries one is printed
as N different copies: `numbered_copies` writes one PDF holding copy 000001, copy 000002, … (only the first
page differs; the other pages are shared, so the file stays small), each copy starting on a front face
when printed double-sided. `print_command` builds the `lp` command for CUPS: copies, two-sided long-edge,
A4, no scaling.
"""

from __future__ import annotations

import copy as _copy
import shutil
import subprocess
from pathlib import Path

from ..errors import BuildError
from ..layout import Run


def numbered_pages(pages, copies: int):
    """The first page once per copy, its 份号 line reading 000001, 000002, …"""
    first = pages[0]
    out = []
    for k in range(1, copies + 1):
        page = _copy.deepcopy(first)
        line = next((ln for ln in page.lines if ln.kind == "copy-number"), None)
        if line is None:
            raise BuildError("这份文件没有份号：只有标注了份号的文件才需要分份编号（在发文文件中写“份号: 000001”）")
        line.runs = [Run(f"{k:06d}", line.runs[0].style)]
        page.number = 1
        out.append(page)
    return out


def numbered_copies(doc, house, fonts, pages, copies: int, target: Path, duplex: bool, worker=None) -> int:
    """Write `copies` copies of the document into `target`, copy k carrying 份号 k. Returns the pages.
    `worker`: the build's render process, if it has one."""
    import pypdf

    from .writer import write_pdf

    firsts = numbered_pages(pages, copies)
    tmp = target.with_suffix(".parts.pdf")
    try:
        write_pdf(doc, house, fonts, tmp, pages=firsts + pages[1:], worker=worker)
        reader = pypdf.PdfReader(tmp)
        writer = pypdf.PdfWriter()
        rest = reader.pages[copies:]
        box = reader.pages[0].mediabox
        for k in range(copies):
            writer.add_page(reader.pages[k])
            for p in rest:
                writer.add_page(p)
            if duplex and (1 + len(rest)) % 2:
                writer.add_blank_page(width=box.width, height=box.height)  # the next copy starts on a front
        with open(target, "wb") as f:
            writer.write(f)
        return len(writer.pages)
    finally:
        tmp.unlink(missing_ok=True)


def print_command(pdf: Path, copies: int, printer: str | None, duplex: bool = True) -> list[str]:
    cmd = [
        "lp",
        "-n",
        str(copies),
        "-o",
        "media=A4",
        "-o",
        "fit-to-page=false",
        "-o",
        "print-scaling=none",
        "-o",
        "sides=" + ("two-sided-long-edge" if duplex else "one-sided"),
        "-t",
        pdf.stem,
    ]
    if printer:
        cmd += ["-d", printer]
    return cmd + [str(pdf)]


def send_to_printer(cmd: list[str]) -> str:
    """Run `lp`; a missing CUPS or printer becomes one clear instruction."""
    if not shutil.which("lp"):
        raise BuildError(
            "未安装打印命令 lp：请安装 CUPS（sudo apt-get install cups cups-client），并在系统中添加打印机"
        )
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        printers = ""
        if shutil.which("lpstat"):
            lp = subprocess.run(["lpstat", "-p"], capture_output=True, text=True, timeout=30)
            printers = lp.stdout.strip()
        hint = (
            f"本机的打印机：\n{printers}"
            if printers
            else "本机还没有可用的打印机（lpstat -p 列不出打印机），请先添加打印机"
        )
        raise BuildError(f"打印失败：{(r.stderr or r.stdout).strip()}。{hint}。用 --printer 名称 指定打印机")
    return r.stdout.strip()

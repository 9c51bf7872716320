"""The writer registry: every output format a build can write, and what each reads.

The PDF is the writer that composes: `layout` breaks the lines and the pages once, and the PDF draws them
(with WeasyPrint, in the render process). Every other format is a `Writer` here that takes the same
resolved document and the same composed pages — the DOCX (its page count, the pages whose pitch was
closed) and the OFD (every line, rule, seal and page number as placed). `--format` takes its choices from
FORMATS; the CLI writes the chosen ones in this order. A new format is one module and one entry below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Writer:
    name: str  # the --format choice
    suffix: str  # the output file's suffix, after the 文号
    zh: str  # what it is for, in the help
    write: Callable  # (doc, house, fonts, pages, target) → None
    counts_pages: bool = False  # its message names the page count


def _docx(doc, house, fonts, pages, target: Path) -> None:
    from .docx import write_docx
    from .layout import closed_pitches

    write_docx(doc, house, target, len(pages), not pages[-1].numbered, closed_pitches(pages))


def _ofd(doc, house, fonts, pages, target: Path) -> None:
    from .ofd import write_ofd

    write_ofd(doc, house, fonts, pages, target)


PAGE_WRITERS: dict[str, Writer] = {
    "docx": Writer("docx", ".docx", "可在 Word / WPS 中继续修改的 DOCX", _docx),
    "ofd": Writer("ofd", ".ofd", "电子公文交换与归档用的 OFD（GB/T 33190）", _ofd, counts_pages=True),
}
FORMATS = ["pdf", *PAGE_WRITERS]  # --format: one of these, or all

"""The writer registry: every output format a build can write, and what each reads.

The PDF is the writer that composes: `layout` breaks the lines and the pages once, and the PDF draws them
(with WeasyPrint, in the render process). Every other format is a `Writer` here that takes the same
resolved document and the same composed pages — the DOCX (its page count, the pages whose pitch was
closed, the issuer mark's geometry) and the OFD (every line, rule, seal and page number as placed).
`--format` takes its choices from WRITERS, `--variant` from VARIANTS; the CLI writes the chosen ones in
this order. A new format is one module and one entry below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


@dataclass(frozen=True)
class Context:
    """What a writer may use of the build besides the document: the PDF's render process and fonts."""

    font_config: Any = None
    worker: Any = None


@dataclass(frozen=True)
class Writer:
    name: str  # the --format (or --variant) choice
    suffix: str  # the output file's name after the 文号
    zh: str  # what it is for, in the help and the progress messages
    write: Callable  # (doc, house, fonts, pages, target, ctx) → None
    counts_pages: bool = False  # its message names the page count


def _pdf(variant: str) -> Callable:
    def write(doc, house, fonts, pages, target: Path, ctx: Context) -> None:
        from .pdf import write_pdf

        write_pdf(doc, house, fonts, target, ctx.font_config, variant, pages, ctx.worker)

    return write


def _docx(doc, house, fonts, pages, target: Path, ctx: Context) -> None:
    from .docx import write_docx
    from .layout import Composer, closed_pitches

    n = doc.notice
    mark = Composer(house, fonts).mark_geometry(n.issuer_organs, n.issuer_suffix)  # as the layout placed it
    write_docx(doc, house, target, len(pages), not pages[-1].numbered, closed_pitches(pages), mark)


def _ofd(archival: bool) -> Callable:
    def write(doc, house, fonts, pages, target: Path, ctx: Context) -> None:
        from .ofd import write_ofd

        write_ofd(doc, house, fonts, pages, target, archival=archival)

    return write


WRITERS: dict[str, Writer] = {
    # the PDF composes the pages; the CLI draws it in the render process (`write` is the in-process way)
    "pdf": Writer("pdf", ".pdf", "打印和分发用的 PDF", _pdf("screen"), counts_pages=True),
    "docx": Writer("docx", ".docx", "可在 Word / WPS 中继续修改的 DOCX", _docx),
    "ofd": Writer("ofd", ".ofd", "电子公文交换用的 OFD（GB/T 33190）", _ofd(False), counts_pages=True),
}
PAGE_WRITERS = {k: w for k, w in WRITERS.items() if k != "pdf"}  # written from the pages the PDF composed
FORMATS = list(WRITERS)  # --format: one of these, or all

# --variant: further copies for another use, each written from the same composed pages
VARIANTS: dict[str, tuple[Writer, ...]] = {
    "print": (Writer("print", "-印刷.pdf", "印刷厂用 PDF/X-4，CMYK", _pdf("print")),),
    "archive": (
        Writer("archive", "-存档.pdf", "存档用 PDF/A-2b", _pdf("archive")),
        Writer("archive", "-存档.ofd", "存档用 OFD/A（GB/T 42133）", _ofd(True), counts_pages=True),
    ),
}
VARIANT_HELP = {"print": "印刷厂用 PDF/X（CMYK）", "archive": "存档用 PDF/A 和 OFD/A"}

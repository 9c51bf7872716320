"""The 校对意见 DOCX: the document as the DOCX writer writes it, with a Word comment (批注) on the words
of each finding, for the person who reviews in Word (python-docx's comments API)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from ..docx import DocxWriter
from ..docx import ooxml as ox

_MARKUP = re.compile(r"\^\[[^\]]*\]")


def _locate(paragraphs, needle: str, before: str):
    """The paragraph holding `before + needle` (else `needle`), and the needle's offset in it."""
    for probe, shift in ((before + needle, len(before)), (needle, 0)):
        if not probe:
            continue
        for p in paragraphs:
            i = p.text.find(probe)
            if i >= 0:
                return p, i + shift
    return None, -1


def _runs_over(p, start: int, end: int) -> list:
    out, pos = [], 0
    for r in p.runs:
        n = len(r.text)
        if n and pos < end and start < pos + n:
            out.append(r)
        pos += n
    return out


def write_review_docx(doc, house, found, target: Path) -> None:
    from docx import Document
    d = Document(io.BytesIO(DocxWriter(doc, house).build()))
    paragraphs = list(d.paragraphs)
    for f in found:
        text, fi = f.text, f.finding
        needle = _MARKUP.sub("", text[fi.start:fi.end])
        before = _MARKUP.sub("", text[max(0, fi.start - 6):fi.start])
        note = f"［{fi.level}］{fi.message}，{fi.fix}。（{Path(f.file).name} 第 {f.line} {f.unit}）"
        p, i = _locate(paragraphs, needle, before)
        runs = _runs_over(p, i, i + max(len(needle), 1)) if p is not None else []
        if not runs:  # not in the body text (the 版记, a title broken over lines): on the first paragraph
            runs = [r for r in paragraphs[0].runs if r.text][:1]
            note = f"{note} 原文：“{f.context()}”"
        if runs:
            d.add_comment(runs, text=note, author="校对", initials="校")
    buf = io.BytesIO()
    d.save(buf)
    stamp = doc.notice.stamp_date
    target.write_bytes(ox.reproducible_zip(buf.getvalue(), (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)))

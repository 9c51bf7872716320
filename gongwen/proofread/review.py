"""The 校对意见 DOCX: the document as the DOCX writer writes it, with a Word comment (批注) on the very
characters of each finding, for the person who reviews in Word.

A finding's text is a content field (an item's 内容 with its ^[…] footnotes written in place). The words it
is about are found where the DOCX shows them: in the body (a text box's paragraphs too, and a title whose
lines are separate runs), or — for a slip inside a footnote — in that footnote, where Word shows the
comment. The runs are split at the finding's first and last character, so that the comment spans exactly
the finding (one half-width comma, not the run of 430 characters around it).
"""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.text.run import Run

from ..docx import DocxWriter
from ..docx import ooxml as ox

_NOTE = re.compile(r"(?<!\\)\^\[([^\]]*)\]")
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _indexed(p) -> tuple[str, list[tuple[int, object]]]:
    """A paragraph's shown text (w:t only: a line break adds nothing) and (offset, run) for each text run."""
    text, runs = "", []
    for r in p.iter(qn("w:r")):
        ts = r.findall(qn("w:t"))
        if not ts:
            continue
        runs.append((len(text), r))
        text += "".join(t.text or "" for t in ts)
    return text, runs


def _split(r, k: int):
    """Split run `r` (one w:t) after its k-th character; returns the second half (None if k is at an end)."""
    ts = r.findall(qn("w:t"))
    if len(ts) != 1:
        return None
    t = ts[0]
    s = t.text or ""
    if k <= 0 or k >= len(s):
        return None
    second = copy.deepcopy(r)
    t.text = s[:k]
    second.find(qn("w:t")).text = s[k:]
    for x in (t, second.find(qn("w:t"))):
        x.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    r.addnext(second)
    return second


def _span_runs(p, start: int, end: int) -> list:
    """The runs of paragraph `p` covering exactly [start, end) of its text, splitting runs as needed."""
    for cut in (start, end):
        _, runs = _indexed(p)
        for off, r in runs:
            n = len("".join(t.text or "" for t in r.findall(qn("w:t"))))
            if off < cut < off + n:
                _split(r, cut - off)
                break
    _, runs = _indexed(p)
    out = []
    for off, r in runs:
        n = len("".join(t.text or "" for t in r.findall(qn("w:t"))))
        if n and off < max(end, start + 1) and start < off + n:
            out.append(r)
    return out


def _body_text(text: str) -> tuple[str, list[int]]:
    """A field's text as the body shows it (footnotes taken out) and, for each of its characters, the
    offset in the field's text."""
    out, where, pos = [], [], 0
    for m in list(_NOTE.finditer(text)) + [None]:
        stop = m.start() if m else len(text)
        for k in range(pos, stop):
            out.append(text[k])
            where.append(k)
        if m:
            pos = m.end()
    return "".join(out).replace("\\^[", "^["), where


def _in_note(text: str, start: int) -> tuple[str, int] | None:
    """(the note's text, the offset in it) when `start` falls inside a ^[…] of the field's text."""
    for m in _NOTE.finditer(text):
        if m.start(1) <= start < m.end(1):
            return m.group(1), start - m.start(1)
    return None


def _find(paragraphs, needle: str, before: str):
    """(paragraph, offset) of `needle` — after `before` where that tells two places apart."""
    for probe, shift in ((before + needle, len(before)), (needle, 0)):
        if not probe:
            continue
        for p in paragraphs:
            i = _indexed(p)[0].find(probe)
            if i >= 0:
                return p, i + shift
    return None, -1


def write_review_docx(doc, house, found, target: Path, mark=None) -> None:
    """`mark`: the layout's geometry of the issuer mark, as the DOCX of the build has it."""
    from docx import Document

    d = Document(io.BytesIO(DocxWriter(doc, house, mark).build()))
    body = d.element.body
    # every paragraph a reader sees: the body's, a text box's (its Word 2010 form, not the VML copy)
    paragraphs = [p for p in body.iter(qn("w:p")) if not any(a.tag == MC_FALLBACK for a in p.iterancestors())]
    notes_part = next((p for p in d.part.package.iter_parts() if str(p.partname) == "/word/footnotes.xml"), None)
    if notes_part is None:
        notes_xml = None
    elif hasattr(notes_part, "_element"):  # a python-docx that knows the footnotes part
        notes_xml = notes_part._element
    else:
        notes_xml = parse_xml(notes_part.blob)
    notes = {}
    if notes_xml is not None:
        for fn in notes_xml.iter(qn("w:footnote")):
            if fn.get(qn("w:type")) is None:
                for p in fn.iter(qn("w:p")):
                    notes.setdefault(_indexed(p)[0].strip(), p)
    for f in found:
        text, fi = f.text, f.finding
        where = f"（{Path(f.file).name} 第 {f.line} {f.unit}）"
        note = f"［{fi.level}］{fi.message}，{fi.fix}。{where}"
        runs: list = []
        inside = _in_note(text, fi.start)
        if inside is not None and notes:
            note_text, k = inside
            p = notes.get(note_text.strip())
            if p is not None:
                shown = _indexed(p)[0]
                i = shown.find(note_text.strip())
                if i >= 0:
                    runs = _span_runs(p, i + k, i + k + max(fi.end - fi.start, 1))
        else:
            shown, where_in = _body_text(text)
            a = next((j for j, x in enumerate(where_in) if x >= fi.start), len(shown))
            b = next((j for j, x in enumerate(where_in) if x >= fi.end), len(shown))
            needle, before = shown[a:b], shown[max(0, a - 6) : a]
            p, i = _find(paragraphs, needle or shown[a : a + 1], before)
            if p is not None:
                runs = _span_runs(p, i, i + max(len(needle), 1))
        if not runs:  # not where the DOCX shows it: on the first paragraph, with the words quoted
            first = next((p for p in paragraphs if _indexed(p)[1]), None)
            runs = [_indexed(first)[1][0][1]] if first is not None else []
            context = _NOTE.sub(lambda m: f"（脚注：{m.group(1)}）", f.context())
            note = f"{note} 原文：“{context}”"
        if runs:
            comment = d.comments.add_comment(text=note, author="校对", initials="校")
            Run(runs[0], None).mark_comment_range(Run(runs[-1], None), comment.comment_id)
    if notes_xml is not None and not hasattr(notes_part, "_element"):
        from lxml import etree

        notes_part._blob = etree.tostring(notes_xml, xml_declaration=True, encoding="UTF-8", standalone=True)
    buf = io.BytesIO()
    d.save(buf)
    stamp = doc.notice.stamp_date
    target.write_bytes(ox.reproducible_zip(buf.getvalue(), (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)))
